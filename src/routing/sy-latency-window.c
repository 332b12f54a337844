/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy-latency-window.c: two fixed-size rings per provider, one of latency samples and one of
 * outcomes, plus lifetime counters. Recording is O(1) and never allocates; only the percentile
 * query copies and sorts. Pure: no clock, no I/O.
 */
#define G_LOG_DOMAIN "sy-routing"

#include "sy-latency-window.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct _SyLatencyWindow
{
  guint    capacity;

  /* The last `capacity` successful latencies; the oldest is at samples[sample_next] once the
   * ring is full. */
  double  *samples;
  guint    n_samples;
  guint    sample_next;

  /* The last `capacity` outcomes (TRUE = failure) and how many of them are failures. */
  guint8  *outcomes;
  guint    n_outcomes;
  guint    outcome_next;
  guint    failures_in_ring;

  guint64  successes;
  guint64  failures;
};

SyLatencyWindow *
sy_latency_window_new (guint capacity)
{
  SyLatencyWindow *self;

  g_return_val_if_fail (capacity > 0, NULL);

  self = g_new0 (SyLatencyWindow, 1);
  self->capacity = capacity;
  self->samples = g_new (double, capacity);
  self->outcomes = g_new (guint8, capacity);
  return self;
}

void
sy_latency_window_free (SyLatencyWindow *self)
{
  if (self == NULL)
    return;
  g_free (self->samples);
  g_free (self->outcomes);
  g_free (self);
}

static void
push_outcome (SyLatencyWindow *self,
              gboolean         failed)
{
  if (self->n_outcomes == self->capacity)
    self->failures_in_ring -= self->outcomes[self->outcome_next];
  else
    self->n_outcomes++;

  self->outcomes[self->outcome_next] = failed ? 1 : 0;
  self->failures_in_ring += failed ? 1 : 0;
  self->outcome_next = (self->outcome_next + 1) % self->capacity;
}

void
sy_latency_window_add_success (SyLatencyWindow *self,
                               double           latency_ms)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (!isnan (latency_ms));

  /* A clock that stepped back gives a negative duration: the answer was immediate. */
  if (latency_ms < 0)
    latency_ms = 0;

  self->samples[self->sample_next] = latency_ms;
  self->sample_next = (self->sample_next + 1) % self->capacity;
  if (self->n_samples < self->capacity)
    self->n_samples++;

  push_outcome (self, FALSE);
  self->successes++;
}

void
sy_latency_window_add_failure (SyLatencyWindow *self)
{
  g_return_if_fail (self != NULL);

  push_outcome (self, TRUE);
  self->failures++;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Nearest rank: the smallest sample such that at least percent% of the samples are <= it,
 * i.e. sorted[ceil (percent / 100 x n) - 1], in integers so that 95% of 100 is exactly 95. */
static double
nearest_rank (const double *sorted,
              guint         n,
              guint         percent)
{
  guint64 rank = ((guint64) percent * n + 99) / 100;

  g_assert (n > 0);
  rank = CLAMP (rank, 1, n);
  return sorted[rank - 1];
}

gboolean
sy_latency_window_percentiles (const SyLatencyWindow *self,
                               double                *p50,
                               double                *p95,
                               double                *p99)
{
  g_autofree double *sorted = NULL;
  guint n;

  if (p50 != NULL)
    *p50 = 0;
  if (p95 != NULL)
    *p95 = 0;
  if (p99 != NULL)
    *p99 = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  n = self->n_samples;
  if (n == 0)
    return FALSE;

  /* Order in the ring does not matter once sorted: the first n slots hold the samples. */
  sorted = g_memdup2 (self->samples, (gsize) n * sizeof (double));
  qsort (sorted, n, sizeof (double), compare_doubles);

  if (p50 != NULL)
    *p50 = nearest_rank (sorted, n, 50);
  if (p95 != NULL)
    *p95 = nearest_rank (sorted, n, 95);
  if (p99 != NULL)
    *p99 = nearest_rank (sorted, n, 99);
  return TRUE;
}

guint64
sy_latency_window_successes (const SyLatencyWindow *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->successes;
}

guint64
sy_latency_window_failures (const SyLatencyWindow *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->failures;
}

double
sy_latency_window_error_rate (const SyLatencyWindow *self)
{
  g_return_val_if_fail (self != NULL, 0);

  if (self->n_outcomes == 0)
    return 0;
  return (double) self->failures_in_ring / self->n_outcomes;
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy-rate-limiter.c: the three outbound limits of one account. Requests per minute is a
 * sliding 60 s window over the start times of the last `rpm` requests (a ring that never holds
 * more than the limit), the minimum gap is measured from the newest start, and concurrency is
 * the in-flight count. Pure: the caller's clock, no I/O, no timers, no queue.
 */
#define G_LOG_DOMAIN "sy-routing"

#include "sy-rate-limiter.h"

#include <string.h>

#define WINDOW_MS        G_GINT64_CONSTANT (60000)
#define MIN_RING_ALLOC   8u

struct _SyRateLimiter
{
  /* Start times, oldest first from starts[head], `count` of them, in a buffer of `alloc`. The
   * buffer grows on demand up to the rpm limit and shrinks (keeping the newest starts) when
   * the limit is lowered, so a huge limit costs nothing until it is used. While rpm is off,
   * the ring keeps the newest starts up to the last limit that was on (`last_rpm`). */
  gint64   *starts;
  guint     alloc;
  guint     head;
  guint     count;
  guint     last_rpm;

  gboolean  has_last_start;
  gint64    last_start_ms;   /* the newest start, kept even when the ring keeps none */

  guint     in_flight;
};

SyRateLimiter *
sy_rate_limiter_new (void)
{
  return g_new0 (SyRateLimiter, 1);
}

void
sy_rate_limiter_free (SyRateLimiter *self)
{
  if (self == NULL)
    return;
  g_free (self->starts);
  g_free (self);
}

static inline gint64
ring_at (const SyRateLimiter *self,
         guint                i)
{
  g_assert (i < self->count);
  return self->starts[(self->head + i) % self->alloc];
}

/* Moves the newest min (count, keep) starts, oldest first, into a fresh buffer of new_alloc
 * slots (which may be 0: the ring then holds nothing). */
static void
ring_rebuild (SyRateLimiter *self,
              guint          new_alloc,
              guint          keep)
{
  g_autofree gint64 *old = g_steal_pointer (&self->starts);
  guint skip;

  keep = MIN (MIN (keep, self->count), new_alloc);
  skip = self->count - keep;

  self->starts = new_alloc > 0 ? g_new (gint64, new_alloc) : NULL;
  for (guint i = 0; i < keep; i++)
    self->starts[i] = old[(self->head + skip + i) % self->alloc];

  self->alloc = new_alloc;
  self->head = 0;
  self->count = keep;
}

/* Forgets the starts that left the window: a start at t counts while now < t + 60 s. */
static void
ring_expire (SyRateLimiter *self,
             gint64         now_ms)
{
  while (self->count > 0)
    {
      gint64 oldest = ring_at (self, 0);

      /* A start "after" now means the clock stepped back: keep it, it is recent. */
      if (oldest > now_ms || now_ms - oldest < WINDOW_MS)
        break;
      self->head = (self->head + 1) % self->alloc;
      self->count--;
    }
}

/* A lowered limit drops the oldest starts beyond it and gives back the memory; a raised one
 * only lets the ring grow further when it fills. A limit of 0 keeps the ring bounded by the
 * last limit, so the history survives a limit that is switched off and on again. */
static void
ring_fit_limit (SyRateLimiter *self,
                guint          rpm)
{
  if (rpm == 0)
    return;
  self->last_rpm = rpm;
  if (self->alloc > rpm)
    ring_rebuild (self, rpm, rpm);
}

/* Records a start. With rpm on, the caller has checked that the ring is not full of starts
 * still in the window; with rpm off, the oldest start makes room once the ring holds
 * last_rpm of them. */
static void
ring_push (SyRateLimiter *self,
           gint64         now_ms)
{
  if (self->last_rpm == 0)
    return;    /* no rpm limit ever set: nothing to remember */

  if (self->count == self->alloc)
    {
      if (self->alloc < self->last_rpm)
        {
          guint grown = self->alloc > G_MAXUINT / 2 ? G_MAXUINT : self->alloc * 2;

          ring_rebuild (self, MIN (MAX (grown, MIN_RING_ALLOC), self->last_rpm), self->count);
        }
      else
        {
          self->head = (self->head + 1) % self->alloc;
          self->count--;
        }
    }

  self->starts[(self->head + self->count) % self->alloc] = now_ms;
  self->count++;
}

/* ms from now_ms until `until_ms`, at least 1 (the caller asked because it is blocked). */
static inline gint64
wait_until (gint64 until_ms,
            gint64 now_ms)
{
  return until_ms > now_ms ? until_ms - now_ms : 1;
}

gint64
sy_rate_limiter_try_acquire (SyRateLimiter      *self,
                             const SyRateLimits *limits,
                             gint64              now_ms)
{
  static const SyRateLimits none = { 0 };
  gint64 wait_ms = 0;
  gboolean concurrency_blocks;

  g_return_val_if_fail (self != NULL, -1);

  if (limits == NULL)
    limits = &none;

  ring_expire (self, now_ms);
  ring_fit_limit (self, limits->rpm);

  /* rpm: with the ring trimmed to the limit, a full ring means the oldest start must leave the
   * window first. */
  if (limits->rpm > 0 && self->count >= limits->rpm)
    wait_ms = MAX (wait_ms, wait_until (ring_at (self, 0) + WINDOW_MS, now_ms));

  if (limits->min_gap_ms > 0 && self->has_last_start
      && now_ms - self->last_start_ms < (gint64) limits->min_gap_ms)
    wait_ms = MAX (wait_ms, wait_until (self->last_start_ms + limits->min_gap_ms, now_ms));

  concurrency_blocks = limits->max_concurrent > 0 && self->in_flight >= limits->max_concurrent;

  /* Time-bound constraints first: their wait is when the request may start as far as the clock
   * is concerned (all of them cleared, nothing else can start meanwhile). If a release is also
   * needed, the caller learns it (-1) when it asks again. */
  if (wait_ms > 0)
    return wait_ms;
  if (concurrency_blocks)
    return -1;

  ring_push (self, now_ms);
  self->has_last_start = TRUE;
  self->last_start_ms = now_ms;
  self->in_flight++;
  return 0;
}

void
sy_rate_limiter_release (SyRateLimiter *self)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->in_flight > 0);

  self->in_flight--;
}

guint
sy_rate_limiter_in_flight (const SyRateLimiter *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->in_flight;
}

gboolean
sy_rate_limits_are_set (const SyRateLimits *limits)
{
  return limits != NULL
         && (limits->rpm > 0 || limits->min_gap_ms > 0 || limits->max_concurrent > 0);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyLatencyWindow: the most recent N latency samples of one provider (a ring, fixed memory)
 * and the outcome counts, for p50/p95/p99 and error rates in the health view. Recording is
 * O(1); percentiles sort a copy, which only the monitoring API asks for.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SyLatencyWindow SyLatencyWindow;

/* capacity > 0: both the latency ring and the outcome ring hold that many. */
SyLatencyWindow *sy_latency_window_new         (guint                  capacity);
void             sy_latency_window_free        (SyLatencyWindow       *self);
/* A request that got an answer, after latency_ms (time to first byte). Not NaN; a negative
 * value (a clock that stepped back) is recorded as 0. */
void             sy_latency_window_add_success (SyLatencyWindow       *self,
                                                double                 latency_ms);
/* A request that failed at the provider (counted in the error rate, not in the latencies). */
void             sy_latency_window_add_failure (SyLatencyWindow       *self);
/* Nearest-rank percentiles over the samples in the ring (the sample at rank ceil (p x n / 100)
 * of the sorted n); FALSE (and zeros) when empty. Any output may be NULL. */
gboolean         sy_latency_window_percentiles (const SyLatencyWindow *self,
                                                double                *p50,
                                                double                *p95,
                                                double                *p99);
/* Lifetime totals, not limited to the window. */
guint64          sy_latency_window_successes   (const SyLatencyWindow *self);
guint64          sy_latency_window_failures    (const SyLatencyWindow *self);
/* Failures among the last `capacity` outcomes, 0..1 (0 when there are none). */
double           sy_latency_window_error_rate  (const SyLatencyWindow *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyLatencyWindow, sy_latency_window_free)

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyRateLimiter: the outbound limits of one account: requests per minute (sliding window),
 * a minimum gap between request starts, and a maximum number in flight. It only answers "now"
 * or "not before": queueing the requests that must wait is the caller's (SyRoutingState).
 * Driven by the caller's clock (ms), so tests control time exactly.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint rpm;             /* requests started per rolling minute; 0: no limit */
  guint min_gap_ms;      /* between two request starts; 0: none */
  guint max_concurrent;  /* in flight at once; 0: no limit */
} SyRateLimits;

typedef struct _SyRateLimiter SyRateLimiter;

SyRateLimiter *sy_rate_limiter_new         (void);
void           sy_rate_limiter_free        (SyRateLimiter      *self);
/* Takes a slot if the limits allow one now: returns 0, and the request counts as started and
 * in flight until sy_rate_limiter_release(). Otherwise returns the ms to wait before asking
 * again (> 0), or -1 when only a release can free a slot (max_concurrent reached). Limits may
 * change between calls (the user edits them); the limiter adapts without losing history. */
gint64         sy_rate_limiter_try_acquire (SyRateLimiter      *self,
                                            const SyRateLimits *limits,
                                            gint64              now_ms);
void           sy_rate_limiter_release     (SyRateLimiter      *self);
guint          sy_rate_limiter_in_flight   (const SyRateLimiter *self);
gboolean       sy_rate_limits_are_set      (const SyRateLimits *limits);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyRateLimiter, sy_rate_limiter_free)

G_END_DECLS

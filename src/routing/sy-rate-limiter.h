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
 * again (> 0): the time until every clock-bound limit (rpm, min gap) that blocks has cleared,
 * even if max_concurrent blocks too; or -1 when only a release can free a slot (max_concurrent
 * reached, nothing else blocking). A start at t counts against rpm while now < t + 60 000.
 * limits may be NULL (no limits). Limits may change between calls (the user edits them); the
 * limiter keeps the start times of the newest requests up to the rpm limit (the last one set
 * while rpm is 0), so raising rpm or switching it off and on loses nothing, and lowering it
 * forgets the starts beyond the new limit. */
gint64         sy_rate_limiter_try_acquire (SyRateLimiter      *self,
                                            const SyRateLimits *limits,
                                            gint64              now_ms);
/* Ends one request started by try_acquire. More releases than starts is a caller bug: it is
 * reported (g_return_if_fail) and the count stays at 0. */
void           sy_rate_limiter_release     (SyRateLimiter      *self);
guint          sy_rate_limiter_in_flight   (const SyRateLimiter *self);
gboolean       sy_rate_limits_are_set      (const SyRateLimits *limits);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyRateLimiter, sy_rate_limiter_free)

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The "use quota that would otherwise expire unused" preference: reorders a provider's
 * accounts so that, among those with quota left, the one whose window resets soonest goes
 * first; exhausted accounts go last (kept, not removed), accounts without quota data stay in
 * between in the order they came. Pure: now comes from the caller, no I/O, no allocation for
 * up to 64 candidates.
 */
#pragma once

#include "providers/sy-quota.h"

G_BEGIN_DECLS

/* At or below this remaining fraction a window counts as exhausted (OmniRoute's preflight
 * default, 2 %). */
#define SY_QUOTA_PREFERENCE_DEFAULT_THRESHOLD 0.02

/* One candidate account. The caller passes the windows that matter for the request (a Gemini
 * account's windows for the requested model, say); windows may be NULL when n_windows is 0. */
typedef struct
{
  const char          *provider;   /* accounts are only reordered among the same provider;
                                    * NULL is a provider of its own */
  const SyQuotaWindow *windows;
  guint                n_windows;
} SyQuotaCandidate;

/* order holds a permutation of 0..n-1 (the strategy's order) and is reordered in place. The
 * positions a provider's accounts occupy stay that provider's; within them:
 *   1. accounts with quota left whose soonest reset (over windows with more than threshold
 *      left and a reset after now_ms) is known, soonest first;
 *   2. accounts with no quota data or no known reset;
 *   3. exhausted accounts: a window at or below threshold that has not reset by now_ms.
 * Stable: equal keys keep their order. threshold < 0 means the default. */
void     sy_quota_preference_order        (const SyQuotaCandidate *candidates,
                                           guint                   n,
                                           gint64                  now_ms,
                                           double                  threshold,
                                           guint                  *order);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Routing strategies as pure ordering functions: which account of a provider to try first
 * (fill-first, round-robin with a sticky limit, power of two choices, random, least-used,
 * cost-optimized) and which member of a combo (priority, round-robin, random, weighted,
 * least-used, cost-optimized). They read a snapshot of each candidate and write an order;
 * the state they read lives in SyRoutingState. Randomness comes from the caller's GRand.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SY_ACCOUNT_FILL_FIRST,
  SY_ACCOUNT_ROUND_ROBIN,
  SY_ACCOUNT_P2C,
  SY_ACCOUNT_RANDOM,
  SY_ACCOUNT_LEAST_USED,
  SY_ACCOUNT_COST_OPTIMIZED,
} SyAccountStrategy;

typedef enum {
  SY_COMBO_PRIORITY,
  SY_COMBO_ROUND_ROBIN,
  SY_COMBO_RANDOM,
  SY_COMBO_WEIGHTED,
  SY_COMBO_LEAST_USED,
  SY_COMBO_COST_OPTIMIZED,
} SyComboStrategy;

/* One account as the strategies see it. The array passed in is in priority order. */
typedef struct
{
  int     priority;          /* lower first (the user's order) */
  gint64  last_used_ms;      /* 0: never used; any increasing measure of recency works (the
                              * routing state passes a use counter: two uses in the same
                              * millisecond must still be ordered) */
  guint   consecutive_uses;  /* requests in a row while it was the most recently used */
  guint   backoff_level;     /* grows with consecutive failures, 0 when healthy */
  double  error_rate;        /* recent failures, 0..1 */
  guint   in_flight;
} SyAccountView;

/* One combo member as the strategies see it. The array passed in is in the combo's order. */
typedef struct
{
  guint   weight;            /* weighted: relative share; 0 is never drawn first */
  guint64 recent_requests;   /* least-used */
  double  price;             /* cost-optimized: USD per million tokens; < 0 unknown (last) */
} SyTargetView;

/* Writes a permutation of 0..n-1 into order: the order to try the accounts in.
 *   fill-first      priority order
 *   round-robin     the most recently used account (largest last_used_ms) again while its
 *                   consecutive uses are below sticky_limit (0: never sticky, as in a fallback
 *                   retry), then the rest least recently used first; when not sticky, all of
 *                   them least recently used first. "Least recently used" ranks lower backoff
 *                   level first, then never used, then oldest last use (as OmniRoute does)
 *   p2c             two distinct random accounts, the healthier first and the other second
 *                   (backoff level, error rate, in flight, priority); the rest in priority order
 *   random          uniform shuffle (Fisher-Yates)
 *   least-used      oldest last use first, never used before all
 *   cost-optimized  lowest priority value first (the user ranks accounts by cost)
 * Ties keep priority order: the priority field, then the array index. rand is needed by p2c
 * and random only; sticky_limit is read by round-robin only. With n = 0, views and order may
 * be NULL. Programmer errors (no rand for a random strategy, an unknown strategy) are
 * reported with g_critical and still write a permutation: the array order. */
void        sy_account_strategy_order       (SyAccountStrategy    strategy,
                                             const SyAccountView *views,
                                             guint                n,
                                             guint                sticky_limit,
                                             GRand               *rand,
                                             guint               *order);
/*   priority        combo order
 *   round-robin     combo order rotated to start at rr_position % n
 *   random          uniform shuffle
 *   weighted        first member drawn with probability weight / total (all weights 0:
 *                   combo order), the rest by weight, heaviest first
 *   least-used      fewest recent requests first
 *   cost-optimized  cheapest first, unknown prices (< 0 or NaN) last
 * Ties keep combo order. rand is needed by random and weighted only; rr_position is read by
 * round-robin only. With n = 0, views and order may be NULL. Programmer errors are handled as
 * for accounts: a g_critical and the combo order. */
void        sy_combo_strategy_order         (SyComboStrategy      strategy,
                                             const SyTargetView  *views,
                                             guint                n,
                                             guint                rr_position,
                                             GRand               *rand,
                                             guint               *order);

/* Names: "fill-first", "round-robin", "p2c", "random", "least-used", "cost-optimized" for
 * accounts; "priority", "round-robin", "random", "weighted", "least-used", "cost-optimized" for
 * combos. from_string ignores ASCII case, takes '_' for '-' and "power-of-two" for p2c; it
 * returns FALSE (out untouched) for NULL or an unknown name. */
gboolean    sy_account_strategy_from_string (const char          *text,
                                             SyAccountStrategy   *out);
const char *sy_account_strategy_to_string   (SyAccountStrategy    strategy);
gboolean    sy_combo_strategy_from_string   (const char          *text,
                                             SyComboStrategy     *out);
const char *sy_combo_strategy_to_string     (SyComboStrategy      strategy);

G_END_DECLS

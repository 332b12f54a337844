/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy-quota-preference.c: the quota-expiry preference as a pure reordering of the strategy's
 * account order. On the hot path: no allocation for up to STACK_SCRATCH candidates, no global
 * state, no clock of its own; O(n^2) at worst, for the handful of accounts a provider has.
 */
#define G_LOG_DOMAIN "sy-routing"

#include "sy-quota-preference.h"

#define STACK_SCRATCH 64
/* Fractions computed as 1 - used are off by an ulp or so: 1 - 0.98 > 0.02. */
#define FRACTION_EPSILON 1e-9

typedef enum
{
  TIER_EXPIRING,   /* quota left, known reset: soonest first */
  TIER_UNKNOWN,    /* no data, or no known reset */
  TIER_EXHAUSTED,
} Tier;

typedef struct
{
  Tier   tier;
  gint64 resets_at;
} Rank;

static Rank
rank_candidate (const SyQuotaCandidate *candidate,
                gint64                  now_ms,
                double                  threshold)
{
  Rank rank = { TIER_UNKNOWN, 0 };

  for (guint i = 0; i < candidate->n_windows; i++)
    {
      const SyQuotaWindow *window = &candidate->windows[i];
      double left = sy_quota_window_get_remaining_fraction (window);

      /* Unknown, or a window that has reset since it was read: it says nothing now. */
      if (left < 0 || (window->resets_at > 0 && window->resets_at <= now_ms))
        continue;
      if (left <= threshold + FRACTION_EPSILON)
        {
          rank.tier = TIER_EXHAUSTED;
          rank.resets_at = 0;
          return rank;
        }
      /* An unlimited window never leaves anything unused. */
      if (window->unlimited || window->resets_at == 0)
        continue;
      if (rank.tier == TIER_UNKNOWN || window->resets_at < rank.resets_at)
        {
          rank.tier = TIER_EXPIRING;
          rank.resets_at = window->resets_at;
        }
    }
  return rank;
}

static inline gboolean
rank_after (const Rank *a,
            const Rank *b)
{
  if (a->tier != b->tier)
    return a->tier > b->tier;
  return a->tier == TIER_EXPIRING && a->resets_at > b->resets_at;
}

/* Stable: an element moves left only past strictly greater ones. */
static void
insertion_sort (guint      *items,
                guint       n,
                const Rank *ranks)
{
  for (guint i = 1; i < n; i++)
    {
      guint v = items[i];
      guint j = i;

      while (j > 0 && rank_after (&ranks[items[j - 1]], &ranks[v]))
        {
          items[j] = items[j - 1];
          j--;
        }
      items[j] = v;
    }
}

void
sy_quota_preference_order (const SyQuotaCandidate *candidates,
                           guint                   n,
                           gint64                  now_ms,
                           double                  threshold,
                           guint                  *order)
{
  Rank stack_ranks[STACK_SCRATCH];
  guint stack_positions[STACK_SCRATCH];
  guint stack_items[STACK_SCRATCH];
  gboolean stack_done[STACK_SCRATCH];
  g_autofree Rank *heap_ranks = NULL;
  g_autofree guint *heap_positions = NULL;
  g_autofree guint *heap_items = NULL;
  g_autofree gboolean *heap_done = NULL;
  Rank *ranks = stack_ranks;
  guint *positions = stack_positions;
  guint *items = stack_items;
  gboolean *done = stack_done;

  g_return_if_fail (n == 0 || (candidates != NULL && order != NULL));

  if (n < 2)
    return;
  if (n > STACK_SCRATCH)
    {
      ranks = heap_ranks = g_new (Rank, n);
      positions = heap_positions = g_new (guint, n);
      items = heap_items = g_new (guint, n);
      done = heap_done = g_new (gboolean, n);
    }
  if (threshold < 0)
    threshold = SY_QUOTA_PREFERENCE_DEFAULT_THRESHOLD;

  for (guint i = 0; i < n; i++)
    {
      g_return_if_fail (order[i] < n);
      g_return_if_fail (candidates[i].n_windows == 0 || candidates[i].windows != NULL);
      ranks[i] = rank_candidate (&candidates[i], now_ms, threshold);
      done[i] = FALSE;
    }

  for (guint p = 0; p < n; p++)
    {
      const char *provider;
      guint k = 0;

      if (done[p])
        continue;
      provider = candidates[order[p]].provider;
      for (guint q = p; q < n; q++)
        if (!done[q] && g_strcmp0 (candidates[order[q]].provider, provider) == 0)
          {
            positions[k] = q;
            items[k++] = order[q];
            done[q] = TRUE;
          }
      insertion_sort (items, k, ranks);
      for (guint j = 0; j < k; j++)
        order[positions[j]] = items[j];
    }
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-strategy: every account and combo strategy on hand-built views, the round-robin sticky
 * limit over a simulated request sequence, distributions over 10,000 draws of a seeded GRand,
 * and the edges (n = 0, n = 1, n past the stack scratch). Every order is checked to be a
 * permutation by the same helper that calls the strategy.
 */
#include "routing/sy-strategy.h"

#include <math.h>
#include <string.h>

#define DRAWS     10000
#define TOLERANCE 0.03       /* absolute, on a share of DRAWS */
#define SEED      0x5eed5eedu
#define POISON    0xdeadbeefu

static const SyAccountStrategy all_accounts[] = {
  SY_ACCOUNT_FILL_FIRST, SY_ACCOUNT_ROUND_ROBIN, SY_ACCOUNT_P2C, SY_ACCOUNT_RANDOM,
  SY_ACCOUNT_LEAST_USED, SY_ACCOUNT_COST_OPTIMIZED,
};

static const SyComboStrategy all_combos[] = {
  SY_COMBO_PRIORITY, SY_COMBO_ROUND_ROBIN, SY_COMBO_RANDOM, SY_COMBO_WEIGHTED,
  SY_COMBO_LEAST_USED, SY_COMBO_COST_OPTIMIZED,
};

/* Helpers */

static void
assert_permutation (const guint *order,
                    guint        n)
{
  g_autofree gboolean *seen = g_new0 (gboolean, n + 1);

  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (order[i], <, n);
      g_assert_false (seen[order[i]]);
      seen[order[i]] = TRUE;
    }
}

/* Poisons the output first so that a slot the strategy forgets shows up. */
static void
account_order (SyAccountStrategy    strategy,
               const SyAccountView *views,
               guint                n,
               guint                sticky_limit,
               GRand               *rand,
               guint               *order)
{
  for (guint i = 0; i < n; i++)
    order[i] = POISON;
  sy_account_strategy_order (strategy, views, n, sticky_limit, rand, order);
  assert_permutation (order, n);
}

static void
combo_order (SyComboStrategy     strategy,
             const SyTargetView *views,
             guint               n,
             guint               rr_position,
             GRand              *rand,
             guint              *order)
{
  for (guint i = 0; i < n; i++)
    order[i] = POISON;
  sy_combo_strategy_order (strategy, views, n, rr_position, rand, order);
  assert_permutation (order, n);
}

/* "2 0 1": easier to read in a failure than a memcmp. */
static char *
format_order (const guint *order,
              guint        n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, i == 0 ? "%u" : " %u", order[i]);
  return g_string_free (s, FALSE);
}

#define assert_order(order, n, expected) \
  G_STMT_START { \
    g_autofree char *_got = format_order ((order), (n)); \
    g_assert_cmpstr (_got, ==, (expected)); \
  } G_STMT_END

static void
assert_share (guint  count,
              double expected)
{
  double share = (double) count / DRAWS;

  if (fabs (share - expected) > TOLERANCE)
    g_error ("share %.4f, expected %.4f within %.2f", share, expected, TOLERANCE);
}

static void
assert_account (SyAccountStrategy    strategy,
                const SyAccountView *views,
                guint                n,
                guint                sticky_limit,
                const char          *expected)
{
  g_autofree guint *order = g_new (guint, n);

  account_order (strategy, views, n, sticky_limit, NULL, order);
  assert_order (order, n, expected);
}

static void
assert_combo (SyComboStrategy     strategy,
              const SyTargetView *views,
              guint               n,
              guint               rr_position,
              const char         *expected)
{
  g_autofree guint *order = g_new (guint, n);

  combo_order (strategy, views, n, rr_position, NULL, order);
  assert_order (order, n, expected);
}

/* Names */

static void
test_names (void)
{
  static const struct { const char *text; SyAccountStrategy value; } accounts[] = {
    { "fill-first", SY_ACCOUNT_FILL_FIRST }, { "FILL_FIRST", SY_ACCOUNT_FILL_FIRST },
    { "round-robin", SY_ACCOUNT_ROUND_ROBIN }, { "Round_Robin", SY_ACCOUNT_ROUND_ROBIN },
    { "p2c", SY_ACCOUNT_P2C }, { "P2C", SY_ACCOUNT_P2C }, { "power-of-two", SY_ACCOUNT_P2C },
    { "Power_Of_Two", SY_ACCOUNT_P2C }, { "random", SY_ACCOUNT_RANDOM },
    { "least-used", SY_ACCOUNT_LEAST_USED }, { "least_used", SY_ACCOUNT_LEAST_USED },
    { "cost-optimized", SY_ACCOUNT_COST_OPTIMIZED },
    { "cost_optimized", SY_ACCOUNT_COST_OPTIMIZED },
  };
  static const struct { const char *text; SyComboStrategy value; } combos[] = {
    { "priority", SY_COMBO_PRIORITY }, { "PRIORITY", SY_COMBO_PRIORITY },
    { "round-robin", SY_COMBO_ROUND_ROBIN }, { "round_robin", SY_COMBO_ROUND_ROBIN },
    { "random", SY_COMBO_RANDOM }, { "Weighted", SY_COMBO_WEIGHTED },
    { "least-used", SY_COMBO_LEAST_USED }, { "LEAST_USED", SY_COMBO_LEAST_USED },
    { "cost-optimized", SY_COMBO_COST_OPTIMIZED }, { "cost_optimized", SY_COMBO_COST_OPTIMIZED },
  };
  static const char *const bad_accounts[] = {
    "", "fill", "fill-first ", " p2c", "priority", "weighted", "fill--first", "p2c-", "rand",
    "round robin", "least-used\xC3\xA9", "power-of-2",
  };
  static const char *const bad_combos[] = {
    "", "p2c", "fill-first", "power-of-two", "weight", "priority\n", "least-usedx",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (all_accounts); i++)
    {
      const char *name = sy_account_strategy_to_string (all_accounts[i]);
      SyAccountStrategy value = (SyAccountStrategy) -1;

      g_assert_nonnull (name);
      g_assert_true (sy_account_strategy_from_string (name, &value));
      g_assert_cmpint (value, ==, all_accounts[i]);
    }
  g_assert_cmpstr (sy_account_strategy_to_string (SY_ACCOUNT_FILL_FIRST), ==, "fill-first");
  g_assert_cmpstr (sy_account_strategy_to_string (SY_ACCOUNT_ROUND_ROBIN), ==, "round-robin");
  g_assert_cmpstr (sy_account_strategy_to_string (SY_ACCOUNT_P2C), ==, "p2c");
  g_assert_cmpstr (sy_account_strategy_to_string (SY_ACCOUNT_RANDOM), ==, "random");
  g_assert_cmpstr (sy_account_strategy_to_string (SY_ACCOUNT_LEAST_USED), ==, "least-used");
  g_assert_cmpstr (sy_account_strategy_to_string (SY_ACCOUNT_COST_OPTIMIZED), ==,
                   "cost-optimized");

  for (gsize i = 0; i < G_N_ELEMENTS (all_combos); i++)
    {
      const char *name = sy_combo_strategy_to_string (all_combos[i]);
      SyComboStrategy value = (SyComboStrategy) -1;

      g_assert_nonnull (name);
      g_assert_true (sy_combo_strategy_from_string (name, &value));
      g_assert_cmpint (value, ==, all_combos[i]);
    }
  g_assert_cmpstr (sy_combo_strategy_to_string (SY_COMBO_PRIORITY), ==, "priority");
  g_assert_cmpstr (sy_combo_strategy_to_string (SY_COMBO_ROUND_ROBIN), ==, "round-robin");
  g_assert_cmpstr (sy_combo_strategy_to_string (SY_COMBO_RANDOM), ==, "random");
  g_assert_cmpstr (sy_combo_strategy_to_string (SY_COMBO_WEIGHTED), ==, "weighted");
  g_assert_cmpstr (sy_combo_strategy_to_string (SY_COMBO_LEAST_USED), ==, "least-used");
  g_assert_cmpstr (sy_combo_strategy_to_string (SY_COMBO_COST_OPTIMIZED), ==, "cost-optimized");

  for (gsize i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      SyAccountStrategy value = (SyAccountStrategy) -1;

      g_assert_true (sy_account_strategy_from_string (accounts[i].text, &value));
      g_assert_cmpint (value, ==, accounts[i].value);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (combos); i++)
    {
      SyComboStrategy value = (SyComboStrategy) -1;

      g_assert_true (sy_combo_strategy_from_string (combos[i].text, &value));
      g_assert_cmpint (value, ==, combos[i].value);
    }

  /* Unknown names and NULL leave out untouched. */
  for (gsize i = 0; i < G_N_ELEMENTS (bad_accounts); i++)
    {
      SyAccountStrategy value = SY_ACCOUNT_RANDOM;

      g_assert_false (sy_account_strategy_from_string (bad_accounts[i], &value));
      g_assert_cmpint (value, ==, SY_ACCOUNT_RANDOM);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_combos); i++)
    {
      SyComboStrategy value = SY_COMBO_RANDOM;

      g_assert_false (sy_combo_strategy_from_string (bad_combos[i], &value));
      g_assert_cmpint (value, ==, SY_COMBO_RANDOM);
    }
  {
    SyAccountStrategy account = SY_ACCOUNT_RANDOM;
    SyComboStrategy combo = SY_COMBO_RANDOM;

    g_assert_false (sy_account_strategy_from_string (NULL, &account));
    g_assert_false (sy_combo_strategy_from_string (NULL, &combo));
    g_assert_cmpint (account, ==, SY_ACCOUNT_RANDOM);
    g_assert_cmpint (combo, ==, SY_COMBO_RANDOM);
  }
}

/* Accounts */

static void
test_account_fill_first (void)
{
  const SyAccountView sorted[] = {
    { .priority = 1, .last_used_ms = 50, .backoff_level = 3, .error_rate = 0.9 },
    { .priority = 2 },
    { .priority = 2, .in_flight = 9 },
    { .priority = 3 },
  };
  const SyAccountView unsorted[] = {
    { .priority = 3 }, { .priority = 1 }, { .priority = 2 }, { .priority = 1 },
  };

  /* Health and recency do not matter; the priority field decides, ties keep the array. */
  assert_account (SY_ACCOUNT_FILL_FIRST, sorted, 4, 3, "0 1 2 3");
  assert_account (SY_ACCOUNT_FILL_FIRST, unsorted, 4, 3, "1 3 2 0");
}

static void
test_account_round_robin_order (void)
{
  const SyAccountView views[] = {
    { .priority = 1, .last_used_ms = 500, .consecutive_uses = 1 },
    { .priority = 2, .last_used_ms = 900, .consecutive_uses = 2 },   /* most recent */
    { .priority = 3 },                                                /* never used */
    { .priority = 4, .last_used_ms = 100, .backoff_level = 1 },       /* oldest, backing off */
    { .priority = 5, .last_used_ms = 200, .consecutive_uses = 3 },
  };
  SyAccountView at_limit[G_N_ELEMENTS (views)];
  const SyAccountView never_used[] = {
    { .priority = 1, .backoff_level = 2 }, { .priority = 2 }, { .priority = 2 },
  };
  const SyAccountView same_time[] = {
    { .priority = 1, .last_used_ms = 700, .consecutive_uses = 1 },
    { .priority = 2, .last_used_ms = 700, .consecutive_uses = 1 },
    { .priority = 3, .last_used_ms = 300 },
  };

  /* Sticky: the most recent first, the rest least recently used (backoff last). */
  assert_account (SY_ACCOUNT_ROUND_ROBIN, views, 5, 3, "1 2 4 0 3");
  /* At the limit, or with no stickiness at all: least recently used throughout. */
  assert_account (SY_ACCOUNT_ROUND_ROBIN, views, 5, 2, "2 4 0 1 3");
  assert_account (SY_ACCOUNT_ROUND_ROBIN, views, 5, 0, "2 4 0 1 3");
  memcpy (at_limit, views, sizeof views);
  at_limit[1].consecutive_uses = 3;
  assert_account (SY_ACCOUNT_ROUND_ROBIN, at_limit, 5, 3, "2 4 0 1 3");
  /* At its limit, an account in backoff goes behind the healthy ones, however recent. */
  at_limit[1].backoff_level = 1;
  assert_account (SY_ACCOUNT_ROUND_ROBIN, at_limit, 5, 3, "2 4 0 3 1");
  /* Below its limit it stays first: the count decides (the caller has filtered candidates). */
  at_limit[1].consecutive_uses = 0;
  assert_account (SY_ACCOUNT_ROUND_ROBIN, at_limit, 5, 3, "1 2 4 0 3");

  /* Nothing used yet: lower backoff first, then priority order. */
  assert_account (SY_ACCOUNT_ROUND_ROBIN, never_used, 3, 3, "1 2 0");
  /* Two accounts used at the same instant: the first in priority order is the current one. */
  assert_account (SY_ACCOUNT_ROUND_ROBIN, same_time, 3, 3, "0 2 1");
  assert_account (SY_ACCOUNT_ROUND_ROBIN, same_time, 3, 1, "2 0 1");
}

/* What the caller does after a request on account used. */
static void
record_use (SyAccountView *views,
            guint          n,
            guint          used,
            gint64         now)
{
  guint current = G_MAXUINT;

  for (guint i = 0; i < n; i++)
    if (views[i].last_used_ms != 0
        && (current == G_MAXUINT || views[i].last_used_ms > views[current].last_used_ms))
      current = i;

  views[used].consecutive_uses = current == used ? views[used].consecutive_uses + 1 : 1;
  views[used].last_used_ms = now;
}

static char *
simulate_round_robin (guint n,
                      guint sticky_limit,
                      guint requests)
{
  g_autofree SyAccountView *views = g_new0 (SyAccountView, n);
  g_autofree guint *order = g_new (guint, n);
  GString *sequence = g_string_new (NULL);
  gint64 now = 1700000000000;

  for (guint i = 0; i < n; i++)
    views[i].priority = i + 1;
  for (guint r = 0; r < requests; r++, now += 1000)
    {
      account_order (SY_ACCOUNT_ROUND_ROBIN, views, n, sticky_limit, NULL, order);
      g_string_append_c (sequence, 'A' + order[0]);
      record_use (views, n, order[0], now);
    }
  return g_string_free (sequence, FALSE);
}

static void
test_account_round_robin_sticky (void)
{
  g_autofree char *limit3 = simulate_round_robin (3, 3, 12);
  g_autofree char *limit1 = simulate_round_robin (3, 1, 12);
  g_autofree char *limit0 = simulate_round_robin (3, 0, 12);
  g_autofree char *limit2 = simulate_round_robin (4, 2, 12);
  g_autofree char *single = simulate_round_robin (1, 3, 5);

  g_assert_cmpstr (limit3, ==, "AAABBBCCCAAA");
  g_assert_cmpstr (limit1, ==, "ABCABCABCABC");
  g_assert_cmpstr (limit0, ==, "ABCABCABCABC");
  g_assert_cmpstr (limit2, ==, "AABBCCDDAABB");
  g_assert_cmpstr (single, ==, "AAAAA");
}

static void
test_account_p2c_pair (void)
{
  const SyAccountView backoff[] = { { .priority = 1, .backoff_level = 1 }, { .priority = 2 } };
  const SyAccountView errors[] = {
    { .priority = 1, .backoff_level = 1, .error_rate = 0.2 },
    { .priority = 2, .backoff_level = 1, .error_rate = 0.1, .in_flight = 5 },
  };
  const SyAccountView nan_error[] = {
    { .priority = 1, .error_rate = NAN }, { .priority = 2, .error_rate = 1.0 },
  };
  const SyAccountView in_flight[] = {
    { .priority = 1, .error_rate = 0.5, .in_flight = 3 },
    { .priority = 2, .error_rate = 0.5, .in_flight = 1 },
  };
  const SyAccountView priority[] = { { .priority = 7 }, { .priority = 3 } };
  const SyAccountView equal[] = { { .priority = 1 }, { .priority = 1 } };
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  guint order[2];

  /* Two accounts: both are drawn, the order is the health comparison. */
  account_order (SY_ACCOUNT_P2C, backoff, 2, 0, rand, order);
  assert_order (order, 2, "1 0");
  account_order (SY_ACCOUNT_P2C, errors, 2, 0, rand, order);
  assert_order (order, 2, "1 0");
  account_order (SY_ACCOUNT_P2C, nan_error, 2, 0, rand, order);
  assert_order (order, 2, "1 0");
  account_order (SY_ACCOUNT_P2C, in_flight, 2, 0, rand, order);
  assert_order (order, 2, "1 0");
  account_order (SY_ACCOUNT_P2C, priority, 2, 0, rand, order);
  assert_order (order, 2, "1 0");
  account_order (SY_ACCOUNT_P2C, equal, 2, 0, rand, order);
  assert_order (order, 2, "0 1");
}

static void
test_account_p2c_distribution (void)
{
  /* Account 1 is the only healthy one. */
  const SyAccountView three[] = {
    { .priority = 1, .backoff_level = 2 },
    { .priority = 2 },
    { .priority = 3, .error_rate = 0.5 },
  };
  /* Strictly worse with every index: a drawn pair is always ordered by index. */
  const SyAccountView five[] = {
    { .priority = 1, .error_rate = 0.0 },
    { .priority = 2, .error_rate = 0.1 },
    { .priority = 3, .error_rate = 0.2 },
    { .priority = 4, .error_rate = 0.3 },
    { .priority = 5, .error_rate = 0.4 },
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  guint healthy_first = 0;
  guint first[5] = { 0 };
  guint pairs[5][5] = { { 0 } };

  for (guint d = 0; d < DRAWS; d++)
    {
      guint order[3];

      account_order (SY_ACCOUNT_P2C, three, 3, 0, rand, order);
      /* Drawn: first. Not drawn: the two others come first, so it is last, never second. */
      g_assert_cmpuint (order[1], !=, 1);
      if (order[0] == 1)
        healthy_first++;
      else
        g_assert_cmpuint (order[2], ==, 1);
    }
  /* The healthy account is in 2 of the 3 pairs; random order would put it first 1/3. */
  assert_share (healthy_first, 2.0 / 3.0);

  for (guint d = 0; d < DRAWS; d++)
    {
      guint order[5];

      account_order (SY_ACCOUNT_P2C, five, 5, 0, rand, order);
      g_assert_cmpuint (order[0], <, order[1]);
      /* The rest in priority order. */
      g_assert_cmpuint (order[2], <, order[3]);
      g_assert_cmpuint (order[3], <, order[4]);
      first[order[0]]++;
      pairs[order[0]][order[1]]++;
    }
  /* Account i is first when drawn with a worse one: (4 - i) of the 10 pairs. */
  for (guint i = 0; i < 5; i++)
    assert_share (first[i], (4.0 - i) / 10.0);
  /* Every pair is drawn uniformly. */
  for (guint i = 0; i < 5; i++)
    for (guint j = i + 1; j < 5; j++)
      assert_share (pairs[i][j], 1.0 / 10.0);
}

/* Each account at each position with probability 1/n. */
static void
test_account_random (void)
{
  SyAccountView views[4] = {
    { .priority = 1 }, { .priority = 2, .backoff_level = 5 }, { .priority = 3 }, { .priority = 4 },
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  guint counts[4][4] = { { 0 } };

  for (guint d = 0; d < DRAWS; d++)
    {
      guint order[4];

      account_order (SY_ACCOUNT_RANDOM, views, 4, 0, rand, order);
      for (guint p = 0; p < 4; p++)
        counts[p][order[p]]++;
    }
  for (guint p = 0; p < 4; p++)
    for (guint a = 0; a < 4; a++)
      assert_share (counts[p][a], 0.25);
}

static void
test_account_least_used (void)
{
  const SyAccountView views[] = {
    { .priority = 1, .last_used_ms = 300 },
    { .priority = 3 },
    { .priority = 2, .last_used_ms = 100, .backoff_level = 4 },
    { .priority = 2 },
    { .priority = 2, .last_used_ms = 100 },
    { .priority = 1, .last_used_ms = 100, .consecutive_uses = 7 },
  };

  /* Never used first (priority 2 before 3), then oldest; ties by priority, then the array.
   * Backoff does not count here, unlike round-robin. */
  assert_account (SY_ACCOUNT_LEAST_USED, views, 6, 3, "3 1 5 2 4 0");
}

static void
test_account_cost_optimized (void)
{
  const SyAccountView views[] = {
    { .priority = 2, .last_used_ms = 10 },
    { .priority = 1, .backoff_level = 2 },
    { .priority = 2 },
    { .priority = 0, .error_rate = 1.0 },
    { .priority = -5 },
    { .priority = 1 },
  };

  assert_account (SY_ACCOUNT_COST_OPTIMIZED, views, 6, 3, "4 3 1 5 0 2");
}

/* Combos */

static void
test_combo_priority (void)
{
  const SyTargetView views[] = {
    { .weight = 1, .recent_requests = 9, .price = 9 }, { .weight = 9, .price = 1 },
    { .price = -1 }, { .recent_requests = 1 },
  };

  assert_combo (SY_COMBO_PRIORITY, views, 4, 3, "0 1 2 3");
}

static void
test_combo_round_robin (void)
{
  const SyTargetView views[4] = { { 0 } };

  assert_combo (SY_COMBO_ROUND_ROBIN, views, 4, 0, "0 1 2 3");
  assert_combo (SY_COMBO_ROUND_ROBIN, views, 4, 1, "1 2 3 0");
  assert_combo (SY_COMBO_ROUND_ROBIN, views, 4, 3, "3 0 1 2");
  assert_combo (SY_COMBO_ROUND_ROBIN, views, 4, 6, "2 3 0 1");
  assert_combo (SY_COMBO_ROUND_ROBIN, views, 4, G_MAXUINT, "3 0 1 2");
  assert_combo (SY_COMBO_ROUND_ROBIN, views, 3, G_MAXUINT, "0 1 2");
}

static void
test_combo_random (void)
{
  const SyTargetView views[3] = { { .weight = 100 }, { 0 }, { .price = 0.1 } };
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  guint counts[3][3] = { { 0 } };

  for (guint d = 0; d < DRAWS; d++)
    {
      guint order[3];

      combo_order (SY_COMBO_RANDOM, views, 3, 0, rand, order);
      for (guint p = 0; p < 3; p++)
        counts[p][order[p]]++;
    }
  for (guint p = 0; p < 3; p++)
    for (guint t = 0; t < 3; t++)
      assert_share (counts[p][t], 1.0 / 3.0);
}

static void
test_combo_weighted_distribution (void)
{
  const SyTargetView three_to_one[] = { { .weight = 3 }, { .weight = 1 } };
  /* Zero weights around: never first, always after the weighted members, in combo order. */
  const SyTargetView with_zeros[] = { { 0 }, { .weight = 1 }, { 0 }, { .weight = 3 }, { 0 } };
  /* A total past 32 bits. */
  const SyTargetView huge[] = { { .weight = G_MAXUINT }, { 0 }, { .weight = G_MAXUINT } };
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  guint first[5] = { 0 };

  for (guint d = 0; d < DRAWS; d++)
    {
      guint order[2];

      combo_order (SY_COMBO_WEIGHTED, three_to_one, 2, 0, rand, order);
      first[order[0]]++;
    }
  assert_share (first[0], 0.75);
  assert_share (first[1], 0.25);

  memset (first, 0, sizeof first);
  for (guint d = 0; d < DRAWS; d++)
    {
      guint order[5];
      g_autofree char *got = NULL;

      combo_order (SY_COMBO_WEIGHTED, with_zeros, 5, 0, rand, order);
      got = format_order (order, 5);
      if (g_strcmp0 (got, "3 1 0 2 4") != 0)
        g_assert_cmpstr (got, ==, "1 3 0 2 4");
      first[order[0]]++;
    }
  assert_share (first[3], 0.75);
  assert_share (first[1], 0.25);

  memset (first, 0, sizeof first);
  for (guint d = 0; d < DRAWS; d++)
    {
      guint order[3];

      combo_order (SY_COMBO_WEIGHTED, huge, 3, 0, rand, order);
      g_assert_cmpuint (order[2], ==, 1);
      first[order[0]]++;
    }
  assert_share (first[0], 0.5);
  assert_share (first[2], 0.5);
}

static void
test_combo_weighted_rest (void)
{
  const SyTargetView views[] = {
    { .weight = 2 }, { .weight = 5 }, { .weight = 2 }, { .weight = 5 },
  };
  /* The rest heaviest first, equal weights in combo order, whichever member was drawn. */
  static const char *const expected[] = { "0 1 3 2", "1 3 0 2", "2 1 3 0", "3 1 0 2" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  guint first[4] = { 0 };

  for (guint d = 0; d < DRAWS; d++)
    {
      guint order[4];

      combo_order (SY_COMBO_WEIGHTED, views, 4, 0, rand, order);
      assert_order (order, 4, expected[order[0]]);
      first[order[0]]++;
    }
  assert_share (first[0], 2.0 / 14.0);
  assert_share (first[1], 5.0 / 14.0);
  assert_share (first[2], 2.0 / 14.0);
  assert_share (first[3], 5.0 / 14.0);
}

static void
test_combo_weighted_zero (void)
{
  const SyTargetView views[] = {
    { .recent_requests = 9, .price = 3 }, { .price = 1 }, { .recent_requests = 1 },
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  guint order[3];

  /* All weights zero: combo order, every time. */
  for (guint d = 0; d < 100; d++)
    {
      combo_order (SY_COMBO_WEIGHTED, views, 3, 0, rand, order);
      assert_order (order, 3, "0 1 2");
    }
}

static void
test_combo_least_used (void)
{
  const SyTargetView views[] = {
    { .recent_requests = 5, .weight = 9 }, { .recent_requests = 2 }, { .recent_requests = 5 },
    { .recent_requests = 0, .price = 100 }, { .recent_requests = 2 },
    { .recent_requests = G_MAXUINT64 }, { .recent_requests = 0 },
  };

  assert_combo (SY_COMBO_LEAST_USED, views, 7, 0, "3 6 1 4 0 2 5");
}

static void
test_combo_cost_optimized (void)
{
  const SyTargetView views[] = {
    { .price = 2.5 }, { .price = -1 }, { .price = 0.5 }, { .price = 2.5 }, { .price = NAN },
    { .price = 0 }, { .price = -0.01 }, { .price = INFINITY }, { .price = -0.0 },
  };

  /* Cheapest first (0 and -0 are equal and known), ties in combo order, unknown last. */
  assert_combo (SY_COMBO_COST_OPTIMIZED, views, 9, 0, "5 8 2 0 3 7 1 4 6");
}

/* Edges */

static void
test_empty (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  guint order[1] = { POISON };

  for (gsize i = 0; i < G_N_ELEMENTS (all_accounts); i++)
    {
      sy_account_strategy_order (all_accounts[i], NULL, 0, 3, rand, NULL);
      sy_account_strategy_order (all_accounts[i], NULL, 0, 3, rand, order);
      g_assert_cmpuint (order[0], ==, POISON);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (all_combos); i++)
    {
      sy_combo_strategy_order (all_combos[i], NULL, 0, 5, rand, NULL);
      sy_combo_strategy_order (all_combos[i], NULL, 0, 5, rand, order);
      g_assert_cmpuint (order[0], ==, POISON);
    }
}

static void
test_single (void)
{
  const SyAccountView account = {
    .priority = 9, .last_used_ms = 5, .consecutive_uses = 100, .backoff_level = 3,
    .error_rate = 1.0, .in_flight = 4,
  };
  const SyTargetView target = { .weight = 0, .recent_requests = 7, .price = -1 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);

  for (gsize i = 0; i < G_N_ELEMENTS (all_accounts); i++)
    for (guint sticky = 0; sticky < 3; sticky++)
      {
        guint order[1];

        account_order (all_accounts[i], &account, 1, sticky, rand, order);
        assert_order (order, 1, "0");
      }
  for (gsize i = 0; i < G_N_ELEMENTS (all_combos); i++)
    for (guint rr = 0; rr < 3; rr++)
      {
        guint order[1];

        combo_order (all_combos[i], &target, 1, rr, rand, order);
        assert_order (order, 1, "0");
      }
}

/* Past the stack scratch (n > 64) and around it: every strategy gives a permutation, and the
 * sorting ones agree with a bucket-by-key oracle that is stable by construction. */
static void
test_large (gconstpointer data)
{
  guint n = GPOINTER_TO_UINT (data);
  g_autofree SyAccountView *accounts = g_new0 (SyAccountView, n);
  g_autofree SyTargetView *targets = g_new0 (SyTargetView, n);
  g_autofree guint *order = g_new (guint, n);
  g_autofree guint *expected = g_new (guint, n);
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED + n);
  guint k;

  /* Keys with many ties and descending runs so merging has work to do. */
  for (guint i = 0; i < n; i++)
    {
      accounts[i].priority = (int) ((n - i) % 7);
      accounts[i].last_used_ms = (i % 5) * 1000;
      accounts[i].backoff_level = i % 3 == 0;
      accounts[i].error_rate = (i % 4) / 4.0;
      targets[i].weight = (n - i) % 6;
      targets[i].recent_requests = (i * 37) % 10;
      targets[i].price = i % 9 == 0 ? -1.0 : (double) ((n - i) % 8);
    }

  for (gsize s = 0; s < G_N_ELEMENTS (all_accounts); s++)
    account_order (all_accounts[s], accounts, n, 3, rand, order);
  for (gsize s = 0; s < G_N_ELEMENTS (all_combos); s++)
    combo_order (all_combos[s], targets, n, 1234, rand, order);

  /* fill-first and cost-optimized: priority 0..6, then index. */
  k = 0;
  for (int p = 0; p < 7; p++)
    for (guint i = 0; i < n; i++)
      if (accounts[i].priority == p)
        expected[k++] = i;
  account_order (SY_ACCOUNT_FILL_FIRST, accounts, n, 3, rand, order);
  g_assert_cmpmem (order, n * sizeof *order, expected, n * sizeof *expected);
  account_order (SY_ACCOUNT_COST_OPTIMIZED, accounts, n, 3, rand, order);
  g_assert_cmpmem (order, n * sizeof *order, expected, n * sizeof *expected);

  /* p2c: the rest keeps that priority order. */
  account_order (SY_ACCOUNT_P2C, accounts, n, 3, rand, order);
  k = 2;
  for (guint e = 0; e < n; e++)
    if (expected[e] != order[0] && expected[e] != order[1])
      g_assert_cmpuint (order[k++], ==, expected[e]);

  /* least-used: never used (i % 5 == 0) first, then by last use; ties by priority, index. */
  k = 0;
  for (guint t = 0; t < 5; t++)
    for (int p = 0; p < 7; p++)
      for (guint i = 0; i < n; i++)
        if (i % 5 == t && accounts[i].priority == p)
          expected[k++] = i;
  account_order (SY_ACCOUNT_LEAST_USED, accounts, n, 3, rand, order);
  g_assert_cmpmem (order, n * sizeof *order, expected, n * sizeof *expected);

  /* round-robin, not sticky; then sticky at limit 1 (no account has any consecutive use) on
   * the most recent one: last use 4000, the first in priority order. */
  k = 0;
  for (guint b = 0; b < 2; b++)
    for (guint t = 0; t < 5; t++)
      for (int p = 0; p < 7; p++)
        for (guint i = 0; i < n; i++)
          if (accounts[i].backoff_level == b && i % 5 == t && accounts[i].priority == p)
            expected[k++] = i;
  account_order (SY_ACCOUNT_ROUND_ROBIN, accounts, n, 0, rand, order);
  g_assert_cmpmem (order, n * sizeof *order, expected, n * sizeof *expected);
  {
    guint current = G_MAXUINT;

    for (guint i = 4; i < n; i += 5)
      if (current == G_MAXUINT || accounts[i].priority < accounts[current].priority)
        current = i;
    account_order (SY_ACCOUNT_ROUND_ROBIN, accounts, n, 1, rand, order);
    g_assert_cmpuint (order[0], ==, current);
    k = 1;
    for (guint e = 0; e < n; e++)
      if (expected[e] != current)
        g_assert_cmpuint (order[k++], ==, expected[e]);
  }

  /* least-used combo: 0..9 requests, then index. */
  k = 0;
  for (guint64 r = 0; r < 10; r++)
    for (guint i = 0; i < n; i++)
      if (targets[i].recent_requests == r)
        expected[k++] = i;
  combo_order (SY_COMBO_LEAST_USED, targets, n, 0, rand, order);
  g_assert_cmpmem (order, n * sizeof *order, expected, n * sizeof *expected);

  /* cost-optimized: prices 0..7, then the unknown ones, each in index order. */
  k = 0;
  for (int price = 0; price < 8; price++)
    for (guint i = 0; i < n; i++)
      if (targets[i].price == price)
        expected[k++] = i;
  for (guint i = 0; i < n; i++)
    if (targets[i].price < 0)
      expected[k++] = i;
  combo_order (SY_COMBO_COST_OPTIMIZED, targets, n, 0, rand, order);
  g_assert_cmpmem (order, n * sizeof *order, expected, n * sizeof *expected);

  /* weighted: whatever was drawn, the rest by weight 5..0, then index. */
  k = 0;
  for (guint w = 6; w-- > 0;)
    for (guint i = 0; i < n; i++)
      if (targets[i].weight == w)
        expected[k++] = i;
  combo_order (SY_COMBO_WEIGHTED, targets, n, 0, rand, order);
  g_assert_cmpuint (targets[order[0]].weight, >, 0);
  k = 1;
  for (guint e = 0; e < n; e++)
    if (expected[e] != order[0])
      g_assert_cmpuint (order[k++], ==, expected[e]);

  /* round-robin combo */
  combo_order (SY_COMBO_ROUND_ROBIN, targets, n, 1234, rand, order);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (order[i], ==, (1234 % n + i) % n);
}

/* Programmer errors warn and still leave a permutation behind. */
static void
test_programmer_errors (void)
{
  const SyAccountView accounts[3] = { { .priority = 3 }, { .priority = 2 }, { .priority = 1 } };
  const SyTargetView targets[3] = { { .weight = 1 }, { .weight = 2 }, { .weight = 3 } };
  guint order[3];

  g_test_expect_message ("sy-routing", G_LOG_LEVEL_CRITICAL, "*rand != NULL*");
  sy_account_strategy_order (SY_ACCOUNT_RANDOM, accounts, 3, 3, NULL, order);
  g_test_assert_expected_messages ();
  assert_order (order, 3, "0 1 2");

  g_test_expect_message ("sy-routing", G_LOG_LEVEL_CRITICAL, "*rand != NULL*");
  sy_combo_strategy_order (SY_COMBO_WEIGHTED, targets, 3, 0, NULL, order);
  g_test_assert_expected_messages ();
  assert_order (order, 3, "0 1 2");

  g_test_expect_message ("sy-routing", G_LOG_LEVEL_CRITICAL, "*views != NULL*");
  sy_combo_strategy_order (SY_COMBO_PRIORITY, NULL, 3, 0, NULL, order);
  g_test_assert_expected_messages ();
  assert_order (order, 3, "0 1 2");

  g_test_expect_message ("sy-routing", G_LOG_LEVEL_CRITICAL, "*should not be reached*");
  sy_account_strategy_order ((SyAccountStrategy) 42, accounts, 3, 3, NULL, order);
  g_test_assert_expected_messages ();
  assert_order (order, 3, "0 1 2");

  g_test_expect_message ("sy-routing", G_LOG_LEVEL_CRITICAL, "*name != NULL*");
  g_assert_null (sy_combo_strategy_to_string ((SyComboStrategy) 42));
  g_test_assert_expected_messages ();
}

int
main (int   argc,
      char *argv[])
{
  static const guint large_sizes[] = { 9, 63, 64, 65, 100, 1000 };

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sy/routing/strategy/names", test_names);
  g_test_add_func ("/sy/routing/strategy/account/fill-first", test_account_fill_first);
  g_test_add_func ("/sy/routing/strategy/account/round-robin/order",
                   test_account_round_robin_order);
  g_test_add_func ("/sy/routing/strategy/account/round-robin/sticky",
                   test_account_round_robin_sticky);
  g_test_add_func ("/sy/routing/strategy/account/p2c/pair", test_account_p2c_pair);
  g_test_add_func ("/sy/routing/strategy/account/p2c/distribution",
                   test_account_p2c_distribution);
  g_test_add_func ("/sy/routing/strategy/account/random", test_account_random);
  g_test_add_func ("/sy/routing/strategy/account/least-used", test_account_least_used);
  g_test_add_func ("/sy/routing/strategy/account/cost-optimized", test_account_cost_optimized);
  g_test_add_func ("/sy/routing/strategy/combo/priority", test_combo_priority);
  g_test_add_func ("/sy/routing/strategy/combo/round-robin", test_combo_round_robin);
  g_test_add_func ("/sy/routing/strategy/combo/random", test_combo_random);
  g_test_add_func ("/sy/routing/strategy/combo/weighted/distribution",
                   test_combo_weighted_distribution);
  g_test_add_func ("/sy/routing/strategy/combo/weighted/rest", test_combo_weighted_rest);
  g_test_add_func ("/sy/routing/strategy/combo/weighted/all-zero", test_combo_weighted_zero);
  g_test_add_func ("/sy/routing/strategy/combo/least-used", test_combo_least_used);
  g_test_add_func ("/sy/routing/strategy/combo/cost-optimized", test_combo_cost_optimized);
  g_test_add_func ("/sy/routing/strategy/empty", test_empty);
  g_test_add_func ("/sy/routing/strategy/single", test_single);
  for (gsize i = 0; i < G_N_ELEMENTS (large_sizes); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sy/routing/strategy/large/%u", large_sizes[i]);

      g_test_add_data_func (path, GUINT_TO_POINTER (large_sizes[i]), test_large);
    }
  g_test_add_func ("/sy/routing/strategy/programmer-errors", test_programmer_errors);

  return g_test_run ();
}

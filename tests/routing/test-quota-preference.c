/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The quota-expiry preference: soonest reset with quota left first, exhausted accounts last,
 * accounts without data in between in their order, providers kept in their own positions,
 * stability, the threshold and stale windows. The clock is a constant the test passes.
 */
#include "routing/sy-quota-preference.h"

#define NOW   G_GINT64_CONSTANT (1795456800000)
#define HOUR  G_GINT64_CONSTANT (3600000)

/* A window with a used fraction. */
#define USED(u, reset) { (char *) "5h", NULL, (u), -1, -1, FALSE, (reset) }
/* A window with counts. */
#define COUNT(left, limit, reset) { (char *) "monthly", NULL, -1, (left), (limit), FALSE, (reset) }

static void
assert_order (const guint *order,
              const guint *expected,
              guint        n)
{
  for (guint i = 0; i < n; i++)
    if (order[i] != expected[i])
      {
        g_autoptr(GString) got = g_string_new (NULL);

        for (guint j = 0; j < n; j++)
          g_string_append_printf (got, "%u ", order[j]);
        g_error ("order at %u: got %s", i, got->str);
      }
}

static void
identity (guint *order,
          guint  n)
{
  for (guint i = 0; i < n; i++)
    order[i] = i;
}

static void
test_soonest_first (void)
{
  SyQuotaWindow a[] = { USED (0.3, NOW + 4 * HOUR) };
  SyQuotaWindow b[] = { USED (0.5, NOW + 1 * HOUR) };
  SyQuotaWindow c[] = { USED (0.0, NOW + 2 * HOUR), USED (0.9, NOW + 100 * HOUR) };
  SyQuotaCandidate candidates[] = {
    { "claude", a, 1 }, { "claude", b, 1 }, { "claude", c, 2 },
  };
  guint order[3];
  static const guint expected[] = { 1, 2, 0 };

  c[1].name = (char *) "weekly";
  identity (order, 3);
  sy_quota_preference_order (candidates, 3, NOW, -1, order);
  assert_order (order, expected, 3);
}

static void
test_tiers (void)
{
  SyQuotaWindow exhausted[] = { USED (0.99, NOW + HOUR) };
  SyQuotaWindow fine[] = { USED (0.10, NOW + 3 * HOUR) };
  SyQuotaWindow no_reset[] = { USED (0.10, 0) };
  SyQuotaCandidate candidates[] = {
    { "codex", exhausted, 1 },  /* 0: last */
    { "codex", NULL, 0 },       /* 1: no data */
    { "codex", fine, 1 },       /* 2: first */
    { "codex", no_reset, 1 },   /* 3: data without a reset: with the unknown ones */
    { "codex", NULL, 0 },       /* 4: no data */
  };
  guint order[5];
  static const guint expected[] = { 2, 1, 3, 4, 0 };

  identity (order, 5);
  sy_quota_preference_order (candidates, 5, NOW, -1, order);
  assert_order (order, expected, 5);
}

static void
test_keeps_strategy_order (void)
{
  SyQuotaCandidate candidates[4] = {
    { "gh", NULL, 0 }, { "gh", NULL, 0 }, { "gh", NULL, 0 }, { "gh", NULL, 0 },
  };
  guint order[] = { 2, 0, 3, 1 };
  static const guint expected[] = { 2, 0, 3, 1 };

  sy_quota_preference_order (candidates, 4, NOW, -1, order);
  assert_order (order, expected, 4);
}

static void
test_stable_ties (void)
{
  SyQuotaWindow w[] = { USED (0.5, NOW + HOUR) };
  SyQuotaWindow spent[] = { USED (1.0, NOW + HOUR) };
  SyQuotaCandidate candidates[] = {
    { "cc", spent, 1 }, { "cc", w, 1 }, { "cc", spent, 1 }, { "cc", w, 1 }, { "cc", w, 1 },
  };
  guint order[] = { 4, 2, 1, 0, 3 };
  static const guint expected[] = { 4, 1, 3, 2, 0 };

  sy_quota_preference_order (candidates, 5, NOW, -1, order);
  assert_order (order, expected, 5);
}

static void
test_threshold (void)
{
  SyQuotaWindow at[] = { USED (0.98, NOW + HOUR) };        /* 2 % left: exhausted */
  SyQuotaWindow above[] = { USED (0.97, NOW + 2 * HOUR) }; /* 3 % left */
  SyQuotaWindow counts_spent[] = { COUNT (0, 300, NOW + HOUR) };
  SyQuotaWindow counts_left[] = { COUNT (30, 300, NOW + 5 * HOUR) };
  SyQuotaCandidate candidates[] = {
    { "x", at, 1 }, { "x", above, 1 }, { "x", counts_spent, 1 }, { "x", counts_left, 1 },
  };
  guint order[4];
  static const guint by_default[] = { 1, 3, 0, 2 };
  static const guint at_half[] = { 0, 1, 2, 3 };
  static const guint at_five[] = { 3, 0, 1, 2 };

  identity (order, 4);
  sy_quota_preference_order (candidates, 4, NOW, -1, order);
  assert_order (order, by_default, 4);

  /* 0.5: every account is exhausted, the order stays. */
  identity (order, 4);
  sy_quota_preference_order (candidates, 4, NOW, 0.5, order);
  assert_order (order, at_half, 4);

  /* 0.02 given explicitly is the default; 0.025 keeps "above" (3 %) usable. */
  identity (order, 4);
  sy_quota_preference_order (candidates, 4, NOW, 0.025, order);
  assert_order (order, by_default, 4);
  identity (order, 4);
  sy_quota_preference_order (candidates, 4, NOW, 0.05, order);
  assert_order (order, at_five, 4);
}

static void
test_any_window_exhausts (void)
{
  SyQuotaWindow weekly_spent[] = { USED (0.1, NOW + HOUR), USED (1.0, NOW + 50 * HOUR) };
  SyQuotaWindow fine[] = { USED (0.5, NOW + 4 * HOUR) };
  SyQuotaCandidate candidates[] = { { "cc", weekly_spent, 2 }, { "cc", fine, 1 } };
  guint order[2];
  static const guint expected[] = { 1, 0 };

  weekly_spent[1].name = (char *) "weekly";
  identity (order, 2);
  sy_quota_preference_order (candidates, 2, NOW, -1, order);
  assert_order (order, expected, 2);
}

static void
test_stale_windows (void)
{
  /* Read as spent, but the window reset an hour ago: not exhausted any more; no known reset. */
  SyQuotaWindow stale[] = { USED (1.0, NOW - HOUR) };
  SyQuotaWindow spent[] = { USED (1.0, 0) };     /* spent, reset unknown: still exhausted */
  SyQuotaWindow resets_now[] = { USED (0.2, NOW) };
  SyQuotaCandidate candidates[] = {
    { "cx", spent, 1 }, { "cx", stale, 1 }, { "cx", resets_now, 1 }, { "cx", NULL, 0 },
  };
  guint order[4];
  static const guint expected[] = { 1, 2, 3, 0 };

  identity (order, 4);
  sy_quota_preference_order (candidates, 4, NOW, -1, order);
  assert_order (order, expected, 4);
}

static void
test_unlimited (void)
{
  SyQuotaWindow unlimited[] = { { (char *) "chat", NULL, 0, -1, -1, TRUE, NOW + HOUR } };
  SyQuotaWindow premium[] = { COUNT (100, 300, NOW + 2 * HOUR) };
  SyQuotaCandidate candidates[] = { { "gh", unlimited, 1 }, { "gh", premium, 1 } };
  guint order[2];
  static const guint expected[] = { 1, 0 };

  identity (order, 2);
  sy_quota_preference_order (candidates, 2, NOW, -1, order);
  assert_order (order, expected, 2);
}

static void
test_providers_keep_positions (void)
{
  SyQuotaWindow late[] = { USED (0.1, NOW + 9 * HOUR) };
  SyQuotaWindow soon[] = { USED (0.1, NOW + HOUR) };
  SyQuotaWindow spent[] = { USED (1.0, NOW + HOUR) };
  SyQuotaCandidate candidates[] = {
    { "cc", late, 1 }, { "cx", spent, 1 }, { "cc", soon, 1 }, { "cx", soon, 1 }, { NULL, late, 1 },
    { NULL, soon, 1 },
  };
  guint order[6];
  /* cc holds positions 0 and 2, cx 1 and 3, NULL 4 and 5 */
  static const guint expected[] = { 2, 3, 0, 1, 5, 4 };

  identity (order, 6);
  sy_quota_preference_order (candidates, 6, NOW, -1, order);
  assert_order (order, expected, 6);
}

static void
test_many (void)
{
  enum { N = 200 };
  g_autofree SyQuotaWindow *windows = g_new0 (SyQuotaWindow, N);
  g_autofree SyQuotaCandidate *candidates = g_new0 (SyQuotaCandidate, N);
  guint order[N];

  for (guint i = 0; i < N; i++)
    {
      /* Later indices reset sooner; every third one has no data. */
      windows[i] = (SyQuotaWindow) USED (0.5, NOW + (N - i) * HOUR);
      candidates[i].provider = "cc";
      candidates[i].windows = i % 3 == 0 ? NULL : &windows[i];
      candidates[i].n_windows = i % 3 == 0 ? 0 : 1;
      order[i] = i;
    }
  sy_quota_preference_order (candidates, N, NOW, -1, order);
  for (guint i = 1; i < N; i++)
    {
      gboolean a_known = order[i - 1] % 3 != 0;
      gboolean b_known = order[i] % 3 != 0;

      g_assert_true (a_known >= b_known);
      if (a_known && b_known)
        g_assert_cmpuint (order[i - 1], >, order[i]);
      if (!a_known && !b_known)
        g_assert_cmpuint (order[i - 1], <, order[i]);
    }
}

static void
test_trivial (void)
{
  guint one = 0;
  SyQuotaCandidate candidate = { "cc", NULL, 0 };

  sy_quota_preference_order (NULL, 0, NOW, -1, NULL);
  sy_quota_preference_order (&candidate, 1, NOW, -1, &one);
  g_assert_cmpuint (one, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sy/routing/quota-preference/soonest-first", test_soonest_first);
  g_test_add_func ("/sy/routing/quota-preference/tiers", test_tiers);
  g_test_add_func ("/sy/routing/quota-preference/keeps-strategy-order", test_keeps_strategy_order);
  g_test_add_func ("/sy/routing/quota-preference/stable-ties", test_stable_ties);
  g_test_add_func ("/sy/routing/quota-preference/threshold", test_threshold);
  g_test_add_func ("/sy/routing/quota-preference/any-window-exhausts", test_any_window_exhausts);
  g_test_add_func ("/sy/routing/quota-preference/stale-windows", test_stale_windows);
  g_test_add_func ("/sy/routing/quota-preference/unlimited", test_unlimited);
  g_test_add_func ("/sy/routing/quota-preference/providers-keep-positions",
                   test_providers_keep_positions);
  g_test_add_func ("/sy/routing/quota-preference/many", test_many);
  g_test_add_func ("/sy/routing/quota-preference/trivial", test_trivial);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-rate-limiter: the sliding rpm window, the minimum gap, the concurrency cap and how they
 * combine, on a fake clock with exact waits; limits raised, lowered and switched off mid-stream.
 */
#include "routing/sy-rate-limiter.h"

#define T0 G_GINT64_CONSTANT (1700000000000)   /* an arbitrary epoch ms */

#define assert_acquire(l, limits, now, expected) \
  g_assert_cmpint (sy_rate_limiter_try_acquire ((l), (limits), (now)), ==, (expected))

static void
test_limits_are_set (void)
{
  static const SyRateLimits none = { 0, 0, 0 };
  static const SyRateLimits rpm = { 60, 0, 0 };
  static const SyRateLimits gap = { 0, 350, 0 };
  static const SyRateLimits conc = { 0, 0, 6 };

  g_assert_false (sy_rate_limits_are_set (NULL));
  g_assert_false (sy_rate_limits_are_set (&none));
  g_assert_true (sy_rate_limits_are_set (&rpm));
  g_assert_true (sy_rate_limits_are_set (&gap));
  g_assert_true (sy_rate_limits_are_set (&conc));
}

static void
test_unlimited (void)
{
  static const SyRateLimits none = { 0, 0, 0 };
  g_autoptr(SyRateLimiter) l = sy_rate_limiter_new ();

  g_assert_cmpuint (sy_rate_limiter_in_flight (l), ==, 0);
  for (int i = 0; i < 5000; i++)
    assert_acquire (l, &none, T0, 0);
  g_assert_cmpuint (sy_rate_limiter_in_flight (l), ==, 5000);
  for (int i = 0; i < 1000; i++)
    assert_acquire (l, NULL, T0 + 1, 0);
  g_assert_cmpuint (sy_rate_limiter_in_flight (l), ==, 6000);
  for (int i = 0; i < 6000; i++)
    sy_rate_limiter_release (l);
  g_assert_cmpuint (sy_rate_limiter_in_flight (l), ==, 0);
}

static void
test_rpm_window_slides (void)
{
  static const SyRateLimits limits = { 3, 0, 0 };
  g_autoptr(SyRateLimiter) l = sy_rate_limiter_new ();

  assert_acquire (l, &limits, T0, 0);
  assert_acquire (l, &limits, T0 + 10000, 0);
  assert_acquire (l, &limits, T0 + 20000, 0);

  /* Full: the start at T0 leaves the window at T0 + 60 s. */
  assert_acquire (l, &limits, T0 + 20000, 40000);
  assert_acquire (l, &limits, T0 + 30000, 30000);
  assert_acquire (l, &limits, T0 + 59999, 1);
  assert_acquire (l, &limits, T0 + 60000, 0);

  /* Now the start at T0 + 10 s is the oldest. */
  assert_acquire (l, &limits, T0 + 60000, 10000);
  assert_acquire (l, &limits, T0 + 60001, 9999);
  assert_acquire (l, &limits, T0 + 70000, 0);
  assert_acquire (l, &limits, T0 + 70000, 10000);

  /* After a quiet spell the whole window is free again. */
  assert_acquire (l, &limits, T0 + 200000, 0);
  assert_acquire (l, &limits, T0 + 200000, 0);
  assert_acquire (l, &limits, T0 + 200000, 0);
  assert_acquire (l, &limits, T0 + 200000, 60000);

  /* Concurrency was never limited: everything is still in flight. */
  g_assert_cmpuint (sy_rate_limiter_in_flight (l), ==, 8);
}

static void
test_rpm_ring_wraps (void)
{
  static const SyRateLimits limits = { 3, 0, 0 };
  g_autoptr(SyRateLimiter) l = sy_rate_limiter_new ();

  /* One start every 20 s for a long time: always allowed, and in between always exactly the
   * wait until the start two before leaves the window. */
  for (gint64 k = 0; k < 100; k++)
    {
      gint64 now = T0 + k * 20000;

      assert_acquire (l, &limits, now, 0);
      if (k >= 2)
        assert_acquire (l, &limits, now + 1, 19999);
      sy_rate_limiter_release (l);
    }
  g_assert_cmpuint (sy_rate_limiter_in_flight (l), ==, 0);
}

static void
test_rpm_large (void)
{
  static const SyRateLimits limits = { 1000, 0, 0 };
  g_autoptr(SyRateLimiter) l = sy_rate_limiter_new ();

  /* 1000 starts one ms apart fill the window (the ring grows as they come). */
  for (int i = 0; i < 1000; i++)
    assert_acquire (l, &limits, T0 + i, 0);
  assert_acquire (l, &limits, T0 + 1000, 59000);
  assert_acquire (l, &limits, T0 + 59999, 1);
  for (int i = 0; i < 1000; i++)
    {
      assert_acquire (l, &limits, T0 + 60000 + i, 0);
      /* The next oldest (T0 + i + 1) leaves 1 ms later; after the last, the window holds
       * only the new starts. */
      assert_acquire (l, &limits, T0 + 60000 + i, i < 999 ? 1 : 59001);
    }
  assert_acquire (l, &limits, T0 + 61000, 59000);
}

static void
test_min_gap (void)
{
  static const SyRateLimits limits = { 0, 350, 0 };
  g_autoptr(SyRateLimiter) l = sy_rate_limiter_new ();

  assert_acquire (l, &limits, T0, 0);
  assert_acquire (l, &limits, T0, 350);
  assert_acquire (l, &limits, T0 + 100, 250);
  assert_acquire (l, &limits, T0 + 349, 1);
  assert_acquire (l, &limits, T0 + 350, 0);

  /* Measured from the last start, not from the last refusal. */
  assert_acquire (l, &limits, T0 + 351, 349);
  assert_acquire (l, &limits, T0 + 1000, 0);
  assert_acquire (l, &limits, T0 + 1000, 350);

  /* Releases change nothing about the gap. */
  sy_rate_limiter_release (l);
  sy_rate_limiter_release (l);
  sy_rate_limiter_release (l);
  assert_acquire (l, &limits, T0 + 1200, 150);
}

static void
test_gap_set_later (void)
{
  static const SyRateLimits none = { 0, 0, 0 };
  static const SyRateLimits gap = { 0, 500, 0 };
  g_autoptr(SyRateLimiter) l = sy_rate_limiter_new ();

  /* The last start is remembered while no gap is set. */
  assert_acquire (l, &none, T0, 0);
  assert_acquire (l, &gap, T0 + 100, 400);
  assert_acquire (l, &gap, T0 + 500, 0);
}

static void
test_rpm_and_gap (void)
{
  static const SyRateLimits limits = { 2, 1000, 0 };
  static const SyRateLimits long_gap = { 2, 50000, 0 };
  g_autoptr(SyRateLimiter) l = sy_rate_limiter_new ();
  g_autoptr(SyRateLimiter) m = sy_rate_limiter_new ();

  assert_acquire (l, &limits, T0, 0);
  assert_acquire (l, &limits, T0 + 500, 500);          /* the gap alone */
  assert_acquire (l, &limits, T0 + 1000, 0);
  /* Both block: the gap clears at +2 s, the window at +60 s; nothing can start before then. */
  assert_acquire (l, &limits, T0 + 1500, 58500);
  assert_acquire (l, &limits, T0 + 60000, 0);
  assert_acquire (l, &limits, T0 + 60000, 1000);       /* gap 1 s, window (T0 + 1 s) 1 s */
  assert_acquire (l, &limits, T0 + 60500, 500);
  assert_acquire (l, &limits, T0 + 61000, 0);

  /* Here the gap is the longer wait. */
  assert_acquire (m, &long_gap, T0, 0);
  assert_acquire (m, &long_gap, T0 + 50000, 0);
  assert_acquire (m, &long_gap, T0 + 59000, 41000);
  assert_acquire (m, &long_gap, T0 + 100000, 0);
}

static void
test_concurrency (void)
{
  static const SyRateLimits limits = { 0, 0, 2 };
  g_autoptr(SyRateLimiter) l = sy_rate_limiter_new ();

  assert_acquire (l, &limits, T0, 0);
  assert_acquire (l, &limits, T0, 0);
  g_assert_cmpuint (sy_rate_limiter_in_flight (l), ==, 2);

  /* Only a release helps: no amount of waiting does. */
  assert_acquire (l, &limits, T0, -1);
  assert_acquire (l, &limits, T0 + 3600000, -1);
  g_assert_cmpuint (sy_rate_limiter_in_flight (l), ==, 2);

  sy_rate_limiter_release (l);
  g_assert_cmpuint (sy_rate_limiter_in_flight (l), ==, 1);
  assert_acquire (l, &limits, T0 + 3600000, 0);
  assert_acquire (l, &limits, T0 + 3600000, -1);

  sy_rate_limiter_release (l);
  sy_rate_limiter_release (l);
  g_assert_cmpuint (sy_rate_limiter_in_flight (l), ==, 0);
  assert_acquire (l, &limits, T0 + 3600001, 0);
  assert_acquire (l, &limits, T0 + 3600001, 0);
  assert_acquire (l, &limits, T0 + 3600001, -1);
}

static void
test_concurrency_and_time (void)
{
  static const SyRateLimits limits = { 2, 100, 1 };
  g_autoptr(SyRateLimiter) l = sy_rate_limiter_new ();

  assert_acquire (l, &limits, T0, 0);

  /* Gap and slot both block: the time-bound wait comes first... */
  assert_acquire (l, &limits, T0 + 40, 60);
  /* ...and once it is over, the slot still needs a release. */
  assert_acquire (l, &limits, T0 + 100, -1);
  sy_rate_limiter_release (l);
  assert_acquire (l, &limits, T0 + 100, 0);
  sy_rate_limiter_release (l);

  /* The window is full (T0, T0 + 100) and no slot is taken: the window's wait. */
  assert_acquire (l, &limits, T0 + 200, 59800);
  assert_acquire (l, &limits, T0 + 60000, 0);
  assert_acquire (l, &limits, T0 + 60100, -1);    /* T0 + 100 left: only the slot blocks */
  sy_rate_limiter_release (l);

  /* Window full again and the slot taken: the window's wait, then -1. */
  assert_acquire (l, &limits, T0 + 60100, 0);
  assert_acquire (l, &limits, T0 + 60200, 59800);
  assert_acquire (l, &limits, T0 + 120000, -1);
  sy_rate_limiter_release (l);
  assert_acquire (l, &limits, T0 + 120000, 0);
}

static void
test_concurrency_lowered (void)
{
  static const SyRateLimits four = { 0, 0, 4 };
  static const SyRateLimits two = { 0, 0, 2 };
  g_autoptr(SyRateLimiter) l = sy_rate_limiter_new ();

  for (int i = 0; i < 3; i++)
    assert_acquire (l, &four, T0, 0);

  /* Lowered below what is in flight: nothing new until enough have ended. */
  assert_acquire (l, &two, T0, -1);
  sy_rate_limiter_release (l);
  assert_acquire (l, &two, T0, -1);
  sy_rate_limiter_release (l);
  assert_acquire (l, &two, T0, 0);
  assert_acquire (l, &two, T0, -1);

  /* Raised again: room for two more. */
  assert_acquire (l, &four, T0, 0);
  assert_acquire (l, &four, T0, 0);
  assert_acquire (l, &four, T0, -1);
  g_assert_cmpuint (sy_rate_limiter_in_flight (l), ==, 4);
}

static void
test_release_underflow (void)
{
  static const SyRateLimits limits = { 0, 0, 1 };
  g_autoptr(SyRateLimiter) l = sy_rate_limiter_new ();

  /* An unbalanced release is a caller bug: reported, and the count stays at 0. */
  g_test_expect_message ("sy-routing", G_LOG_LEVEL_CRITICAL, "*in_flight > 0*");
  sy_rate_limiter_release (l);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (sy_rate_limiter_in_flight (l), ==, 0);

  assert_acquire (l, &limits, T0, 0);
  assert_acquire (l, &limits, T0, -1);
  sy_rate_limiter_release (l);
  g_test_expect_message ("sy-routing", G_LOG_LEVEL_CRITICAL, "*in_flight > 0*");
  sy_rate_limiter_release (l);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (sy_rate_limiter_in_flight (l), ==, 0);
  assert_acquire (l, &limits, T0, 0);
  assert_acquire (l, &limits, T0, -1);
}

static void
test_rpm_raised (void)
{
  static const SyRateLimits two = { 2, 0, 0 };
  static const SyRateLimits four = { 4, 0, 0 };
  g_autoptr(SyRateLimiter) l = sy_rate_limiter_new ();

  assert_acquire (l, &two, T0, 0);
  assert_acquire (l, &two, T0 + 1000, 0);
  assert_acquire (l, &two, T0 + 2000, 58000);

  /* Raised: the two earlier starts still count. */
  assert_acquire (l, &four, T0 + 2000, 0);
  assert_acquire (l, &four, T0 + 3000, 0);
  assert_acquire (l, &four, T0 + 4000, 56000);
  assert_acquire (l, &four, T0 + 60000, 0);
  assert_acquire (l, &four, T0 + 60000, 1000);
}

static void
test_rpm_lowered (void)
{
  static const SyRateLimits five = { 5, 0, 0 };
  static const SyRateLimits three = { 3, 0, 0 };
  static const SyRateLimits one = { 1, 0, 0 };
  g_autoptr(SyRateLimiter) l = sy_rate_limiter_new ();

  for (int i = 0; i < 5; i++)
    assert_acquire (l, &five, T0 + i * 1000, 0);

  /* Lowered to 3: the third-newest start (T0 + 2 s) must leave the window. */
  assert_acquire (l, &three, T0 + 5000, 57000);
  assert_acquire (l, &three, T0 + 61999, 1);
  assert_acquire (l, &three, T0 + 62000, 0);
  assert_acquire (l, &three, T0 + 62000, 1000);   /* (T0 + 3 s) + 60 s */

  /* Lowered to 1: the newest start decides. */
  assert_acquire (l, &one, T0 + 62500, 59500);
  assert_acquire (l, &one, T0 + 122000, 0);
  assert_acquire (l, &one, T0 + 122000, 60000);
}

static void
test_rpm_lowered_then_raised (void)
{
  static const SyRateLimits four = { 4, 0, 0 };
  static const SyRateLimits two = { 2, 0, 0 };
  g_autoptr(SyRateLimiter) l = sy_rate_limiter_new ();

  for (int i = 0; i < 4; i++)
    assert_acquire (l, &four, T0 + i * 1000, 0);
  assert_acquire (l, &two, T0 + 4000, 58000);

  /* Lowering keeps only the newest two starts: raised again, the two older ones are gone
   * (the ring is sized to the limit). */
  assert_acquire (l, &four, T0 + 5000, 0);
  assert_acquire (l, &four, T0 + 5000, 0);
  assert_acquire (l, &four, T0 + 5000, 57000);
}

static void
test_rpm_switched_off_and_on (void)
{
  static const SyRateLimits three = { 3, 0, 0 };
  static const SyRateLimits off = { 0, 0, 0 };
  g_autoptr(SyRateLimiter) l = sy_rate_limiter_new ();

  assert_acquire (l, &three, T0, 0);
  assert_acquire (l, &three, T0 + 1000, 0);
  assert_acquire (l, &three, T0 + 2000, 0);
  assert_acquire (l, &three, T0 + 3000, 57000);

  /* Off: no limit, and the ring keeps the newest starts. */
  assert_acquire (l, &off, T0 + 3000, 0);
  assert_acquire (l, &off, T0 + 3000, 0);

  /* On again: the newest three (T0 + 2 s, T0 + 3 s, T0 + 3 s) are still there. */
  assert_acquire (l, &three, T0 + 4000, 58000);
  assert_acquire (l, &three, T0 + 62000, 0);
  assert_acquire (l, &three, T0 + 62000, 1000);
}

static void
test_rpm_off_keeps_last_limit (void)
{
  static const SyRateLimits ten = { 10, 0, 0 };
  static const SyRateLimits off = { 0, 0, 0 };
  g_autoptr(SyRateLimiter) l = sy_rate_limiter_new ();

  assert_acquire (l, &ten, T0, 0);
  assert_acquire (l, &ten, T0 + 1, 0);
  assert_acquire (l, &ten, T0 + 2, 0);

  /* While off, the ring still grows to the last limit: the newest ten are remembered. */
  for (int i = 0; i < 10; i++)
    assert_acquire (l, &off, T0 + 100 + i, 0);
  assert_acquire (l, &ten, T0 + 200, 59900);
  assert_acquire (l, &ten, T0 + 60100, 0);
  assert_acquire (l, &ten, T0 + 60100, 1);
}

static void
test_rpm_never_set (void)
{
  static const SyRateLimits off = { 0, 0, 0 };
  static const SyRateLimits two = { 2, 0, 0 };
  g_autoptr(SyRateLimiter) l = sy_rate_limiter_new ();

  /* Starts made before any rpm limit existed are not remembered. */
  for (int i = 0; i < 10; i++)
    assert_acquire (l, &off, T0 + i, 0);
  assert_acquire (l, &two, T0 + 10, 0);
  assert_acquire (l, &two, T0 + 11, 0);
  assert_acquire (l, &two, T0 + 12, 59998);
}

static void
test_zero_limits_unlimited (void)
{
  static const SyRateLimits rpm_only = { 1, 0, 0 };
  static const SyRateLimits gap_only = { 0, 1, 0 };
  static const SyRateLimits conc_only = { 0, 0, 1 };
  g_autoptr(SyRateLimiter) a = sy_rate_limiter_new ();
  g_autoptr(SyRateLimiter) b = sy_rate_limiter_new ();
  g_autoptr(SyRateLimiter) c = sy_rate_limiter_new ();

  /* Each limit alone: the two others, at 0, let everything through. */
  assert_acquire (a, &rpm_only, T0, 0);
  for (int i = 1; i <= 100; i++)
    {
      assert_acquire (b, &gap_only, T0 + i, 0);
      assert_acquire (c, &conc_only, T0, 0);
      sy_rate_limiter_release (c);
    }
  assert_acquire (a, &rpm_only, T0, 60000);
  assert_acquire (b, &gap_only, T0 + 100, 1);
  g_assert_cmpuint (sy_rate_limiter_in_flight (b), ==, 100);
  g_assert_cmpuint (sy_rate_limiter_in_flight (c), ==, 0);
}

static void
test_defaults_scenario (void)
{
  /* OmniRoute's API-key defaults: 60 RPM, 350 ms gap, 6 in flight. */
  static const SyRateLimits limits = { 60, 350, 6 };
  g_autoptr(SyRateLimiter) l = sy_rate_limiter_new ();
  gint64 now = T0;

  /* A burst: 6 start 350 ms apart, the 7th waits for a release. */
  for (int i = 0; i < 6; i++)
    {
      assert_acquire (l, &limits, now, 0);
      assert_acquire (l, &limits, now + 1, 349);
      now += 350;
    }
  assert_acquire (l, &limits, now, -1);

  /* Every request ends at once: 54 more starts fill the minute. */
  for (int i = 0; i < 54; i++)
    {
      sy_rate_limiter_release (l);
      assert_acquire (l, &limits, now, 0);
      now += 350;
    }
  sy_rate_limiter_release (l);
  /* 60 starts from T0 to T0 + 59 x 350 ms; the next goes when T0 leaves the window. */
  g_assert_cmpint (now, ==, T0 + 60 * 350);
  assert_acquire (l, &limits, now, 60000 - 60 * 350);
  assert_acquire (l, &limits, T0 + 60000, 0);
  assert_acquire (l, &limits, T0 + 60000, 350);
  sy_rate_limiter_release (l);
  assert_acquire (l, &limits, T0 + 60350, 0);
  g_assert_cmpuint (sy_rate_limiter_in_flight (l), ==, 6);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sy/routing/rate-limiter/limits-are-set", test_limits_are_set);
  g_test_add_func ("/sy/routing/rate-limiter/unlimited", test_unlimited);
  g_test_add_func ("/sy/routing/rate-limiter/rpm/window-slides", test_rpm_window_slides);
  g_test_add_func ("/sy/routing/rate-limiter/rpm/ring-wraps", test_rpm_ring_wraps);
  g_test_add_func ("/sy/routing/rate-limiter/rpm/large", test_rpm_large);
  g_test_add_func ("/sy/routing/rate-limiter/rpm/raised", test_rpm_raised);
  g_test_add_func ("/sy/routing/rate-limiter/rpm/lowered", test_rpm_lowered);
  g_test_add_func ("/sy/routing/rate-limiter/rpm/lowered-then-raised",
                   test_rpm_lowered_then_raised);
  g_test_add_func ("/sy/routing/rate-limiter/rpm/switched-off-and-on",
                   test_rpm_switched_off_and_on);
  g_test_add_func ("/sy/routing/rate-limiter/rpm/off-keeps-last-limit",
                   test_rpm_off_keeps_last_limit);
  g_test_add_func ("/sy/routing/rate-limiter/rpm/never-set", test_rpm_never_set);
  g_test_add_func ("/sy/routing/rate-limiter/gap/basic", test_min_gap);
  g_test_add_func ("/sy/routing/rate-limiter/gap/set-later", test_gap_set_later);
  g_test_add_func ("/sy/routing/rate-limiter/rpm-and-gap", test_rpm_and_gap);
  g_test_add_func ("/sy/routing/rate-limiter/concurrency/basic", test_concurrency);
  g_test_add_func ("/sy/routing/rate-limiter/concurrency/with-time", test_concurrency_and_time);
  g_test_add_func ("/sy/routing/rate-limiter/concurrency/lowered", test_concurrency_lowered);
  g_test_add_func ("/sy/routing/rate-limiter/release-underflow", test_release_underflow);
  g_test_add_func ("/sy/routing/rate-limiter/zero-limits-unlimited", test_zero_limits_unlimited);
  g_test_add_func ("/sy/routing/rate-limiter/defaults-scenario", test_defaults_scenario);

  return g_test_run ();
}

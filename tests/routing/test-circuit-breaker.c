/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-circuit-breaker: every transition of the provider breaker on a fake clock (plain epoch
 * ms values), with exact reset times, backoff growth and its cap, probe exclusivity, release,
 * late verdicts, and the saturating backoff shared with account cooldowns.
 */
#include "routing/sy-circuit-breaker.h"

#include <string.h>

#define T0 G_GINT64_CONSTANT (1700000000000)   /* an arbitrary epoch ms */

static const SyBreakerProfile apikey = { 12, 30000, 4 };
static const SyBreakerProfile small = { 3, 1000, 8 };

#define assert_breaker(b, st, fails, probes, until, probing) \
  G_STMT_START { \
    g_assert_cmpint ((b)->state, ==, (st)); \
    g_assert_cmpuint ((b)->failures, ==, (fails)); \
    g_assert_cmpuint ((b)->failed_probes, ==, (probes)); \
    if ((st) == SY_BREAKER_OPEN) \
      g_assert_cmpint ((b)->open_until_ms, ==, (until)); \
    g_assert_cmpint ((b)->probe_in_flight, ==, (probing)); \
  } G_STMT_END

/* Trips a CLOSED breaker at now_ms with `profile->failure_threshold` failures. */
static void
trip (SyCircuitBreaker       *b,
      const SyBreakerProfile *profile,
      gint64                  now_ms)
{
  for (guint i = 0; i < profile->failure_threshold; i++)
    {
      g_assert_cmpint (b->state, ==, SY_BREAKER_CLOSED);
      g_assert_true (sy_circuit_breaker_allow (b, now_ms));
      sy_circuit_breaker_record_failure (b, profile, now_ms);
    }
  g_assert_cmpint (b->state, ==, SY_BREAKER_OPEN);
}

static void
test_init (void)
{
  SyCircuitBreaker b;

  memset (&b, 0xAA, sizeof b);
  sy_circuit_breaker_init (&b);
  assert_breaker (&b, SY_BREAKER_CLOSED, 0, 0, 0, FALSE);
  g_assert_cmpint (b.open_until_ms, ==, 0);
  g_assert_cmpint (sy_circuit_breaker_peek (&b, T0), ==, SY_BREAKER_CLOSED);
  g_assert_cmpint (sy_circuit_breaker_retry_after_ms (&b, T0), ==, 0);
  for (int i = 0; i < 100; i++)
    g_assert_true (sy_circuit_breaker_allow (&b, T0 + i));
  assert_breaker (&b, SY_BREAKER_CLOSED, 0, 0, 0, FALSE);
}

static void
test_consecutive_failures (void)
{
  SyCircuitBreaker b;

  sy_circuit_breaker_init (&b);
  sy_circuit_breaker_record_failure (&b, &small, T0);
  sy_circuit_breaker_record_failure (&b, &small, T0 + 1);
  assert_breaker (&b, SY_BREAKER_CLOSED, 2, 0, 0, FALSE);

  /* A success resets the run. */
  sy_circuit_breaker_record_success (&b);
  assert_breaker (&b, SY_BREAKER_CLOSED, 0, 0, 0, FALSE);

  sy_circuit_breaker_record_failure (&b, &small, T0 + 2);
  sy_circuit_breaker_record_failure (&b, &small, T0 + 3);
  assert_breaker (&b, SY_BREAKER_CLOSED, 2, 0, 0, FALSE);
  g_assert_true (sy_circuit_breaker_allow (&b, T0 + 4));
  g_assert_cmpint (sy_circuit_breaker_peek (&b, T0 + 4), ==, SY_BREAKER_CLOSED);

  /* The third in a row opens it for reset_ms from the failure. */
  sy_circuit_breaker_record_failure (&b, &small, T0 + 5);
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 0, T0 + 5 + 1000, FALSE);
  g_assert_cmpint (sy_circuit_breaker_peek (&b, T0 + 5), ==, SY_BREAKER_OPEN);
  g_assert_cmpint (sy_circuit_breaker_retry_after_ms (&b, T0 + 5), ==, 1000);
}

static void
test_threshold_one_and_zero (void)
{
  SyBreakerProfile one = { 1, 500, 2 };
  SyBreakerProfile zero = { 0, 500, 2 };
  SyCircuitBreaker b;

  sy_circuit_breaker_init (&b);
  sy_circuit_breaker_record_failure (&b, &one, T0);
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 0, T0 + 500, FALSE);

  /* A threshold of 0 is read as 1 rather than never opening. */
  sy_circuit_breaker_init (&b);
  sy_circuit_breaker_record_failure (&b, &zero, T0);
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 0, T0 + 500, FALSE);
}

static void
test_open_refuses_until_reset (void)
{
  SyCircuitBreaker b;
  gint64 until = T0 + 30000;

  sy_circuit_breaker_init (&b);
  trip (&b, &apikey, T0);
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 0, until, FALSE);

  g_assert_false (sy_circuit_breaker_allow (&b, T0));
  g_assert_false (sy_circuit_breaker_allow (&b, T0 + 12345));
  g_assert_false (sy_circuit_breaker_allow (&b, until - 1));
  g_assert_cmpint (sy_circuit_breaker_retry_after_ms (&b, T0), ==, 30000);
  g_assert_cmpint (sy_circuit_breaker_retry_after_ms (&b, T0 + 12345), ==, 30000 - 12345);
  g_assert_cmpint (sy_circuit_breaker_retry_after_ms (&b, until - 1), ==, 1);
  g_assert_cmpint (sy_circuit_breaker_peek (&b, until - 1), ==, SY_BREAKER_OPEN);
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 0, until, FALSE);

  /* peek and retry_after read the lazy transition without making it. */
  g_assert_cmpint (sy_circuit_breaker_peek (&b, until), ==, SY_BREAKER_HALF_OPEN);
  g_assert_cmpint (sy_circuit_breaker_peek (&b, until + 99999), ==, SY_BREAKER_HALF_OPEN);
  g_assert_cmpint (sy_circuit_breaker_retry_after_ms (&b, until), ==, 0);
  g_assert_cmpint (sy_circuit_breaker_retry_after_ms (&b, until + 99999), ==, 0);
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 0, until, FALSE);
}

static void
test_probe_exclusive (void)
{
  SyCircuitBreaker b;
  gint64 until = T0 + 1000;

  sy_circuit_breaker_init (&b);
  trip (&b, &small, T0);

  /* At the reset time exactly, one request becomes the probe. */
  g_assert_true (sy_circuit_breaker_allow (&b, until));
  assert_breaker (&b, SY_BREAKER_HALF_OPEN, 0, 0, 0, TRUE);
  g_assert_cmpint (sy_circuit_breaker_peek (&b, until), ==, SY_BREAKER_HALF_OPEN);
  g_assert_cmpint (sy_circuit_breaker_retry_after_ms (&b, until), ==, 0);

  /* Everyone else is refused while it is out, however long it takes. */
  for (int i = 0; i < 50; i++)
    g_assert_false (sy_circuit_breaker_allow (&b, until + i * 1000));
  assert_breaker (&b, SY_BREAKER_HALF_OPEN, 0, 0, 0, TRUE);
  g_assert_cmpint (sy_circuit_breaker_retry_after_ms (&b, until + 5000), ==, 0);
}

static void
test_probe_success_closes (void)
{
  SyCircuitBreaker b;

  sy_circuit_breaker_init (&b);
  trip (&b, &small, T0);
  g_assert_true (sy_circuit_breaker_allow (&b, T0 + 1000));
  sy_circuit_breaker_record_failure (&b, &small, T0 + 1000);   /* failed probe: 2 s */
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 1, T0 + 3000, FALSE);
  g_assert_true (sy_circuit_breaker_allow (&b, T0 + 3000));
  assert_breaker (&b, SY_BREAKER_HALF_OPEN, 0, 1, 0, TRUE);

  sy_circuit_breaker_record_success (&b);
  assert_breaker (&b, SY_BREAKER_CLOSED, 0, 0, 0, FALSE);
  g_assert_cmpint (sy_circuit_breaker_peek (&b, T0 + 3000), ==, SY_BREAKER_CLOSED);
  g_assert_cmpint (sy_circuit_breaker_retry_after_ms (&b, T0 + 3000), ==, 0);
  g_assert_true (sy_circuit_breaker_allow (&b, T0 + 3000));
  g_assert_true (sy_circuit_breaker_allow (&b, T0 + 3000));

  /* The next trip starts again from reset_ms, not from the escalated time. */
  sy_circuit_breaker_record_failure (&b, &small, T0 + 4000);
  sy_circuit_breaker_record_failure (&b, &small, T0 + 4000);
  assert_breaker (&b, SY_BREAKER_CLOSED, 2, 0, 0, FALSE);
  sy_circuit_breaker_record_failure (&b, &small, T0 + 4000);
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 0, T0 + 5000, FALSE);
}

static void
test_backoff_growth_and_cap (void)
{
  /* reset 1 s, cap x8: 1 s, then 2, 4, 8, 8, 8 s after each failed probe. */
  static const gint64 expected[] = { 2000, 4000, 8000, 8000, 8000, 8000 };
  SyCircuitBreaker b;
  gint64 now = T0;

  sy_circuit_breaker_init (&b);
  trip (&b, &small, now);
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 0, now + 1000, FALSE);
  now += 1000;

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_false (sy_circuit_breaker_allow (&b, now - 1));
      g_assert_true (sy_circuit_breaker_allow (&b, now));
      assert_breaker (&b, SY_BREAKER_HALF_OPEN, 0, i, 0, TRUE);

      now += 7;   /* the probe takes 7 ms to fail */
      sy_circuit_breaker_record_failure (&b, &small, now);
      assert_breaker (&b, SY_BREAKER_OPEN, 0, i + 1, now + expected[i], FALSE);
      g_assert_cmpint (sy_circuit_breaker_retry_after_ms (&b, now), ==, expected[i]);
      now += expected[i];
    }
}

static void
test_backoff_cap_not_power_of_two (void)
{
  static const SyBreakerProfile five = { 2, 100, 5 };
  static const SyBreakerProfile flat = { 2, 100, 1 };
  static const SyBreakerProfile zero = { 2, 100, 0 };
  static const gint64 five_expected[] = { 200, 400, 500, 500 };
  const SyBreakerProfile *flats[] = { &flat, &zero };
  SyCircuitBreaker b;
  gint64 now = T0;

  sy_circuit_breaker_init (&b);
  trip (&b, &five, now);
  now += 100;
  for (guint i = 0; i < G_N_ELEMENTS (five_expected); i++)
    {
      g_assert_true (sy_circuit_breaker_allow (&b, now));
      sy_circuit_breaker_record_failure (&b, &five, now);
      assert_breaker (&b, SY_BREAKER_OPEN, 0, i + 1, now + five_expected[i], FALSE);
      now += five_expected[i];
    }

  /* A cap of 1 (and 0, read as 1) never escalates. */
  for (guint p = 0; p < G_N_ELEMENTS (flats); p++)
    {
      now = T0;
      sy_circuit_breaker_init (&b);
      trip (&b, flats[p], now);
      for (guint i = 0; i < 5; i++)
        {
          now += 100;
          g_assert_true (sy_circuit_breaker_allow (&b, now));
          sy_circuit_breaker_record_failure (&b, flats[p], now);
          assert_breaker (&b, SY_BREAKER_OPEN, 0, i + 1, now + 100, FALSE);
        }
    }
}

static void
test_backoff_many_cycles (void)
{
  /* 40 failed probes with no real cap: 2^n stops at the cap long before it overflows. */
  static const SyBreakerProfile uncapped = { 1, 1000, G_MAXUINT };
  SyCircuitBreaker b;
  gint64 now = 0;

  sy_circuit_breaker_init (&b);
  trip (&b, &uncapped, now);
  now = b.open_until_ms;
  for (guint i = 1; i <= 40; i++)
    {
      gint64 expected = i < 32 ? (G_GINT64_CONSTANT (1000) << i)
                               : G_GINT64_CONSTANT (1000) * G_MAXUINT;

      g_assert_true (sy_circuit_breaker_allow (&b, now));
      sy_circuit_breaker_record_failure (&b, &uncapped, now);
      assert_breaker (&b, SY_BREAKER_OPEN, 0, i, now + expected, FALSE);
      now = b.open_until_ms;
    }
}

static void
test_open_duration_saturates (void)
{
  static const SyBreakerProfile huge = { 1, G_MAXINT64 / 2 + 1, 8 };
  SyCircuitBreaker b;

  sy_circuit_breaker_init (&b);
  sy_circuit_breaker_record_failure (&b, &huge, 0);
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 0, G_MAXINT64 / 2 + 1, FALSE);

  /* x2 overflows: the breaker stays open "forever" instead of wrapping into the past. */
  b.open_until_ms = 0;
  g_assert_true (sy_circuit_breaker_allow (&b, 0));
  sy_circuit_breaker_record_failure (&b, &huge, 10);
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 1, G_MAXINT64, FALSE);
  g_assert_false (sy_circuit_breaker_allow (&b, G_MAXINT64 - 1));
  g_assert_cmpint (sy_circuit_breaker_retry_after_ms (&b, 10), ==, G_MAXINT64 - 10);
  g_assert_cmpint (sy_circuit_breaker_retry_after_ms (&b, -10), ==, G_MAXINT64);

  /* now + reset overflows on its own. */
  sy_circuit_breaker_init (&b);
  sy_circuit_breaker_record_failure (&b, &apikey, G_MAXINT64 - 5);
  g_assert_cmpint (b.state, ==, SY_BREAKER_CLOSED);
  for (guint i = 1; i < apikey.failure_threshold; i++)
    sy_circuit_breaker_record_failure (&b, &apikey, G_MAXINT64 - 5);
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 0, G_MAXINT64, FALSE);
}

static void
test_release (void)
{
  SyCircuitBreaker b;
  gint64 until = T0 + 1000;

  sy_circuit_breaker_init (&b);

  /* Nothing to give back while CLOSED or OPEN. */
  sy_circuit_breaker_release (&b);
  assert_breaker (&b, SY_BREAKER_CLOSED, 0, 0, 0, FALSE);
  sy_circuit_breaker_record_failure (&b, &small, T0);
  sy_circuit_breaker_release (&b);
  assert_breaker (&b, SY_BREAKER_CLOSED, 1, 0, 0, FALSE);
  sy_circuit_breaker_record_failure (&b, &small, T0);
  sy_circuit_breaker_record_failure (&b, &small, T0);
  sy_circuit_breaker_release (&b);
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 0, until, FALSE);
  g_assert_false (sy_circuit_breaker_allow (&b, until - 1));

  /* The probe's client left: the slot goes back, the next request becomes the probe. */
  g_assert_true (sy_circuit_breaker_allow (&b, until));
  g_assert_false (sy_circuit_breaker_allow (&b, until + 1));
  sy_circuit_breaker_release (&b);
  assert_breaker (&b, SY_BREAKER_HALF_OPEN, 0, 0, 0, FALSE);
  g_assert_cmpint (sy_circuit_breaker_peek (&b, until + 2), ==, SY_BREAKER_HALF_OPEN);
  g_assert_true (sy_circuit_breaker_allow (&b, until + 2));
  assert_breaker (&b, SY_BREAKER_HALF_OPEN, 0, 0, 0, TRUE);
  g_assert_false (sy_circuit_breaker_allow (&b, until + 3));

  /* Releasing twice does not make room for two probes. */
  sy_circuit_breaker_release (&b);
  sy_circuit_breaker_release (&b);
  g_assert_true (sy_circuit_breaker_allow (&b, until + 4));
  g_assert_false (sy_circuit_breaker_allow (&b, until + 4));

  sy_circuit_breaker_record_success (&b);
  assert_breaker (&b, SY_BREAKER_CLOSED, 0, 0, 0, FALSE);
}

static void
test_late_verdicts_while_open (void)
{
  SyCircuitBreaker b;
  gint64 until = T0 + 1000;

  sy_circuit_breaker_init (&b);
  trip (&b, &small, T0);

  /* Requests admitted before the breaker opened report after it: neither pushes the probe
   * away nor closes the breaker. */
  for (int i = 1; i <= 10; i++)
    sy_circuit_breaker_record_failure (&b, &small, T0 + i * 50);
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 0, until, FALSE);
  sy_circuit_breaker_record_success (&b);
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 0, until, FALSE);
  g_assert_cmpint (sy_circuit_breaker_retry_after_ms (&b, T0 + 600), ==, 400);

  /* Past the reset time but before anyone asked: still no change. */
  sy_circuit_breaker_record_failure (&b, &small, until + 10);
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 0, until, FALSE);
  g_assert_true (sy_circuit_breaker_allow (&b, until + 20));
  assert_breaker (&b, SY_BREAKER_HALF_OPEN, 0, 0, 0, TRUE);

  /* The same after a failed probe: the escalated reset time stands. */
  sy_circuit_breaker_record_failure (&b, &small, until + 30);
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 1, until + 30 + 2000, FALSE);
  sy_circuit_breaker_record_failure (&b, &small, until + 40);
  sy_circuit_breaker_record_success (&b);
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 1, until + 30 + 2000, FALSE);
}

static void
test_failure_half_open_without_probe (void)
{
  SyCircuitBreaker b;

  sy_circuit_breaker_init (&b);
  trip (&b, &small, T0);
  g_assert_true (sy_circuit_breaker_allow (&b, T0 + 1000));
  sy_circuit_breaker_release (&b);

  /* A request from before the trip fails after the reset time: the provider still fails, so
   * it counts as a failed probe. */
  sy_circuit_breaker_record_failure (&b, &small, T0 + 1500);
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 1, T0 + 1500 + 2000, FALSE);
}

static void
test_apikey_scenario (void)
{
  SyCircuitBreaker b;
  gint64 now = T0;

  /* OmniRoute's API-key profile: 12 failures, 30 s, x4 at most. */
  sy_circuit_breaker_init (&b);
  for (int i = 0; i < 11; i++)
    sy_circuit_breaker_record_failure (&b, &apikey, now++);
  sy_circuit_breaker_record_success (&b);
  for (int i = 0; i < 11; i++)
    sy_circuit_breaker_record_failure (&b, &apikey, now++);
  assert_breaker (&b, SY_BREAKER_CLOSED, 11, 0, 0, FALSE);
  sy_circuit_breaker_record_failure (&b, &apikey, now);
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 0, now + 30000, FALSE);

  now += 30000;
  g_assert_true (sy_circuit_breaker_allow (&b, now));
  sy_circuit_breaker_record_failure (&b, &apikey, now);
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 1, now + 60000, FALSE);
  now += 60000;
  g_assert_true (sy_circuit_breaker_allow (&b, now));
  sy_circuit_breaker_record_failure (&b, &apikey, now);
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 2, now + 120000, FALSE);
  now += 120000;
  g_assert_true (sy_circuit_breaker_allow (&b, now));
  sy_circuit_breaker_record_failure (&b, &apikey, now);
  assert_breaker (&b, SY_BREAKER_OPEN, 0, 3, now + 120000, FALSE);
  g_assert_cmpint (sy_circuit_breaker_retry_after_ms (&b, now + 20000), ==, 100000);
  now += 120000;
  g_assert_true (sy_circuit_breaker_allow (&b, now));
  g_assert_false (sy_circuit_breaker_allow (&b, now));
  sy_circuit_breaker_record_success (&b);
  assert_breaker (&b, SY_BREAKER_CLOSED, 0, 0, 0, FALSE);
}

static void
test_state_to_string (void)
{
  g_assert_cmpstr (sy_breaker_state_to_string (SY_BREAKER_CLOSED), ==, "CLOSED");
  g_assert_cmpstr (sy_breaker_state_to_string (SY_BREAKER_OPEN), ==, "OPEN");
  g_assert_cmpstr (sy_breaker_state_to_string (SY_BREAKER_HALF_OPEN), ==, "HALF_OPEN");
}

typedef struct
{
  gint64 base_ms;
  guint  level;
  guint  max_level;
  gint64 expected;
} BackoffCase;

static const BackoffCase backoff_cases[] = {
  { 1000, 0, 5, 1000 },
  { 1000, 1, 5, 2000 },
  { 1000, 2, 5, 4000 },
  { 1000, 5, 5, 32000 },
  { 1000, 6, 5, 32000 },
  { 1000, G_MAXUINT, 5, 32000 },
  { 3000, 3, 5, 24000 },
  { 5000, 8, 8, 1280000 },
  { 1000, 3, 0, 1000 },
  { 0, 10, 10, 0 },
  { -1000, 2, 5, 0 },
  { 1, 62, 100, G_GINT64_CONSTANT (1) << 62 },
  { 1, 63, 100, G_MAXINT64 },
  { 1, 64, 100, G_MAXINT64 },
  { 2, 62, 100, G_MAXINT64 },
  { 3, 61, 100, G_GINT64_CONSTANT (3) << 61 },
  { 3, 62, 100, G_MAXINT64 },
  { 1000, 53, 100, G_GINT64_CONSTANT (1000) << 53 },
  { 1000, 54, 100, G_MAXINT64 },
  { 1024, 53, 100, G_MAXINT64 },
  { 1000, G_MAXUINT, G_MAXUINT, G_MAXINT64 },
  { G_MAXINT64, 0, 0, G_MAXINT64 },
  { G_MAXINT64, 1, 1, G_MAXINT64 },
  { G_MAXINT64 / 2, 1, 1, G_MAXINT64 - 1 },
};

static void
test_backoff_delay (gconstpointer data)
{
  const BackoffCase *c = data;

  g_assert_cmpint (sy_backoff_delay_ms (c->base_ms, c->level, c->max_level), ==, c->expected);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sy/routing/circuit-breaker/init", test_init);
  g_test_add_func ("/sy/routing/circuit-breaker/consecutive-failures", test_consecutive_failures);
  g_test_add_func ("/sy/routing/circuit-breaker/threshold-one-and-zero",
                   test_threshold_one_and_zero);
  g_test_add_func ("/sy/routing/circuit-breaker/open-refuses-until-reset",
                   test_open_refuses_until_reset);
  g_test_add_func ("/sy/routing/circuit-breaker/probe-exclusive", test_probe_exclusive);
  g_test_add_func ("/sy/routing/circuit-breaker/probe-success-closes", test_probe_success_closes);
  g_test_add_func ("/sy/routing/circuit-breaker/backoff/growth-and-cap",
                   test_backoff_growth_and_cap);
  g_test_add_func ("/sy/routing/circuit-breaker/backoff/cap-not-power-of-two",
                   test_backoff_cap_not_power_of_two);
  g_test_add_func ("/sy/routing/circuit-breaker/backoff/many-cycles", test_backoff_many_cycles);
  g_test_add_func ("/sy/routing/circuit-breaker/backoff/saturates", test_open_duration_saturates);
  g_test_add_func ("/sy/routing/circuit-breaker/release", test_release);
  g_test_add_func ("/sy/routing/circuit-breaker/late-verdicts-while-open",
                   test_late_verdicts_while_open);
  g_test_add_func ("/sy/routing/circuit-breaker/failure-half-open-without-probe",
                   test_failure_half_open_without_probe);
  g_test_add_func ("/sy/routing/circuit-breaker/apikey-scenario", test_apikey_scenario);
  g_test_add_func ("/sy/routing/circuit-breaker/state-to-string", test_state_to_string);

  for (guint i = 0; i < G_N_ELEMENTS (backoff_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sy/routing/backoff-delay/%u", i);

      g_test_add_data_func (path, &backoff_cases[i], test_backoff_delay);
    }

  return g_test_run ();
}

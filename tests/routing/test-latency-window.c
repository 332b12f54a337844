/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-latency-window: nearest-rank percentiles of known sets (in shuffled order), the ring
 * wrapping around, failures kept out of the latencies but in the error rate, lifetime counters.
 */
#include "routing/sy-latency-window.h"

#include <math.h>

#define assert_percentiles(w, e50, e95, e99) \
  G_STMT_START { \
    double p50_ = -1, p95_ = -1, p99_ = -1; \
    g_assert_true (sy_latency_window_percentiles ((w), &p50_, &p95_, &p99_)); \
    g_assert_cmpfloat (p50_, ==, (e50)); \
    g_assert_cmpfloat (p95_, ==, (e95)); \
    g_assert_cmpfloat (p99_, ==, (e99)); \
  } G_STMT_END

/* Adds 1..n in a scrambled but fixed order (k x 37 mod n is a permutation when gcd = 1). */
static void
add_scrambled (SyLatencyWindow *w,
               guint            n)
{
  g_assert_cmpuint (n % 37, !=, 0);
  for (guint k = 0; k < n; k++)
    sy_latency_window_add_success (w, (double) ((k * 37) % n + 1));
}

static void
test_empty (void)
{
  g_autoptr(SyLatencyWindow) w = sy_latency_window_new (10);
  double p50 = -1, p95 = -1, p99 = -1;

  g_assert_false (sy_latency_window_percentiles (w, &p50, &p95, &p99));
  g_assert_cmpfloat (p50, ==, 0);
  g_assert_cmpfloat (p95, ==, 0);
  g_assert_cmpfloat (p99, ==, 0);
  g_assert_false (sy_latency_window_percentiles (w, NULL, NULL, NULL));
  g_assert_cmpuint (sy_latency_window_successes (w), ==, 0);
  g_assert_cmpuint (sy_latency_window_failures (w), ==, 0);
  g_assert_cmpfloat (sy_latency_window_error_rate (w), ==, 0);
}

static void
test_one_to_hundred (void)
{
  g_autoptr(SyLatencyWindow) w = sy_latency_window_new (100);

  add_scrambled (w, 100);
  assert_percentiles (w, 50, 95, 99);
  g_assert_cmpuint (sy_latency_window_successes (w), ==, 100);
  g_assert_cmpfloat (sy_latency_window_error_rate (w), ==, 0);
}

typedef struct
{
  guint  n;          /* the samples are 1..n */
  double p50, p95, p99;
} RankCase;

/* rank = ceil (p / 100 x n) */
static const RankCase rank_cases[] = {
  { 1, 1, 1, 1 },
  { 2, 1, 2, 2 },
  { 3, 2, 3, 3 },
  { 10, 5, 10, 10 },
  { 20, 10, 19, 20 },
  { 99, 50, 95, 99 },
  { 101, 51, 96, 100 },
  { 200, 100, 190, 198 },
  { 1000, 500, 950, 990 },
};

static void
test_rank_case (gconstpointer data)
{
  const RankCase *c = data;
  g_autoptr(SyLatencyWindow) w = sy_latency_window_new (c->n);

  add_scrambled (w, c->n);
  assert_percentiles (w, c->p50, c->p95, c->p99);
}

static void
test_known_values (void)
{
  static const double values[] = { 40, 10, 50, 30, 20 };
  static const double dupes[] = { 7.5, 7.5, 0.25, 7.5, 1000 };
  g_autoptr(SyLatencyWindow) w = sy_latency_window_new (5);
  g_autoptr(SyLatencyWindow) d = sy_latency_window_new (5);
  double p95 = -1;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    sy_latency_window_add_success (w, values[i]);
  assert_percentiles (w, 30, 50, 50);

  for (guint i = 0; i < G_N_ELEMENTS (dupes); i++)
    sy_latency_window_add_success (d, dupes[i]);
  assert_percentiles (d, 7.5, 1000, 1000);

  /* Any output may be NULL. */
  g_assert_true (sy_latency_window_percentiles (d, NULL, &p95, NULL));
  g_assert_cmpfloat (p95, ==, 1000);
}

static void
test_wrap_around (void)
{
  g_autoptr(SyLatencyWindow) w = sy_latency_window_new (10);

  for (int i = 1; i <= 10; i++)
    sy_latency_window_add_success (w, i);
  assert_percentiles (w, 5, 10, 10);

  /* 11..25 push out 1..15: the window holds 16..25. */
  for (int i = 11; i <= 25; i++)
    sy_latency_window_add_success (w, i);
  assert_percentiles (w, 20, 25, 25);
  g_assert_cmpuint (sy_latency_window_successes (w), ==, 25);

  /* Small values come back in: 16..25 -> 19..25 + 1, 2, 3. */
  for (int i = 1; i <= 3; i++)
    sy_latency_window_add_success (w, i);
  assert_percentiles (w, 20, 25, 25);
  for (int i = 1; i <= 3; i++)
    sy_latency_window_add_success (w, i);
  /* 22..25, 1, 2, 3, 1, 2, 3 -> sorted 1 1 2 2 3 3 22 23 24 25 */
  assert_percentiles (w, 3, 25, 25);

  /* Many laps of the ring: only the last ten count. */
  for (int i = 0; i < 1000; i++)
    sy_latency_window_add_success (w, 5000 + i);
  assert_percentiles (w, 5994, 5999, 5999);
  g_assert_cmpuint (sy_latency_window_successes (w), ==, 1031);
  g_assert_cmpuint (sy_latency_window_failures (w), ==, 0);
}

static void
test_capacity_one (void)
{
  g_autoptr(SyLatencyWindow) w = sy_latency_window_new (1);

  sy_latency_window_add_success (w, 12.5);
  assert_percentiles (w, 12.5, 12.5, 12.5);
  sy_latency_window_add_success (w, 3);
  assert_percentiles (w, 3, 3, 3);
  g_assert_cmpfloat (sy_latency_window_error_rate (w), ==, 0);
  sy_latency_window_add_failure (w);
  g_assert_cmpfloat (sy_latency_window_error_rate (w), ==, 1);
  assert_percentiles (w, 3, 3, 3);
  sy_latency_window_add_success (w, 4);
  g_assert_cmpfloat (sy_latency_window_error_rate (w), ==, 0);
}

static void
test_failures_not_latencies (void)
{
  g_autoptr(SyLatencyWindow) w = sy_latency_window_new (4);
  double p50 = -1;

  /* Only failures so far: an error rate, no latencies. */
  sy_latency_window_add_failure (w);
  g_assert_false (sy_latency_window_percentiles (w, &p50, NULL, NULL));
  g_assert_cmpfloat (p50, ==, 0);
  g_assert_cmpfloat (sy_latency_window_error_rate (w), ==, 1);

  sy_latency_window_add_success (w, 100);
  sy_latency_window_add_failure (w);
  assert_percentiles (w, 100, 100, 100);
  g_assert_cmpfloat (sy_latency_window_error_rate (w), ==, 2.0 / 3.0);

  /* Failures push old outcomes out of the error rate but never push latencies out. */
  for (int i = 1; i <= 4; i++)
    sy_latency_window_add_success (w, i);
  for (int i = 0; i < 4; i++)
    sy_latency_window_add_failure (w);
  assert_percentiles (w, 2, 4, 4);
  g_assert_cmpfloat (sy_latency_window_error_rate (w), ==, 1);
  g_assert_cmpuint (sy_latency_window_successes (w), ==, 5);
  g_assert_cmpuint (sy_latency_window_failures (w), ==, 6);
}

static void
test_error_rate (void)
{
  g_autoptr(SyLatencyWindow) w = sy_latency_window_new (4);

  for (int i = 0; i < 4; i++)
    sy_latency_window_add_failure (w);
  g_assert_cmpfloat (sy_latency_window_error_rate (w), ==, 1);
  sy_latency_window_add_success (w, 10);
  g_assert_cmpfloat (sy_latency_window_error_rate (w), ==, 0.75);
  sy_latency_window_add_success (w, 10);
  g_assert_cmpfloat (sy_latency_window_error_rate (w), ==, 0.5);
  sy_latency_window_add_success (w, 10);
  sy_latency_window_add_success (w, 10);
  g_assert_cmpfloat (sy_latency_window_error_rate (w), ==, 0);
  sy_latency_window_add_failure (w);
  g_assert_cmpfloat (sy_latency_window_error_rate (w), ==, 0.25);

  /* The lifetime counters keep everything. */
  g_assert_cmpuint (sy_latency_window_successes (w), ==, 4);
  g_assert_cmpuint (sy_latency_window_failures (w), ==, 5);
}

static void
test_error_rate_long_run (void)
{
  g_autoptr(SyLatencyWindow) w = sy_latency_window_new (100);

  /* One failure in ten, for many laps: exactly 10% of every full window. */
  for (int i = 0; i < 10000; i++)
    {
      if (i % 10 == 3)
        sy_latency_window_add_failure (w);
      else
        sy_latency_window_add_success (w, i % 10);
      if (i >= 99)
        g_assert_cmpfloat (sy_latency_window_error_rate (w), ==, 0.1);
    }
  g_assert_cmpuint (sy_latency_window_successes (w), ==, 9000);
  g_assert_cmpuint (sy_latency_window_failures (w), ==, 1000);
  /* The latest 100 successes: 0..9 without 3, about eleven of each. */
  assert_percentiles (w, 5, 9, 9);
}

static void
test_odd_latencies (void)
{
  g_autoptr(SyLatencyWindow) w = sy_latency_window_new (3);

  /* A clock stepping back reads as an immediate answer. */
  sy_latency_window_add_success (w, -5);
  assert_percentiles (w, 0, 0, 0);

  sy_latency_window_add_success (w, INFINITY);
  sy_latency_window_add_success (w, 1);
  assert_percentiles (w, 1, INFINITY, INFINITY);

  /* NaN is a caller bug: refused, nothing recorded. */
  g_test_expect_message ("sy-routing", G_LOG_LEVEL_CRITICAL, "*isnan*");
  sy_latency_window_add_success (w, NAN);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (sy_latency_window_successes (w), ==, 3);
  assert_percentiles (w, 1, INFINITY, INFINITY);
}

static void
test_zero_capacity (void)
{
  SyLatencyWindow *w;

  g_test_expect_message ("sy-routing", G_LOG_LEVEL_CRITICAL, "*capacity > 0*");
  w = sy_latency_window_new (0);
  g_test_assert_expected_messages ();
  g_assert_null (w);
  sy_latency_window_free (NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sy/routing/latency-window/empty", test_empty);
  g_test_add_func ("/sy/routing/latency-window/one-to-hundred", test_one_to_hundred);
  for (guint i = 0; i < G_N_ELEMENTS (rank_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sy/routing/latency-window/rank/1-to-%u",
                                               rank_cases[i].n);

      g_test_add_data_func (path, &rank_cases[i], test_rank_case);
    }
  g_test_add_func ("/sy/routing/latency-window/known-values", test_known_values);
  g_test_add_func ("/sy/routing/latency-window/wrap-around", test_wrap_around);
  g_test_add_func ("/sy/routing/latency-window/capacity-one", test_capacity_one);
  g_test_add_func ("/sy/routing/latency-window/failures-not-latencies",
                   test_failures_not_latencies);
  g_test_add_func ("/sy/routing/latency-window/error-rate", test_error_rate);
  g_test_add_func ("/sy/routing/latency-window/error-rate-long-run", test_error_rate_long_run);
  g_test_add_func ("/sy/routing/latency-window/odd-latencies", test_odd_latencies);
  g_test_add_func ("/sy/routing/latency-window/zero-capacity", test_zero_capacity);

  return g_test_run ();
}

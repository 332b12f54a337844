/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How the app words things (src/app/sy-format.c), in the C locale: durations and quota lines.
 * Pure functions: no display needed.
 */
#include "providers/sy-quota.h"
#include "sy-format.h"

#define NOW_MS G_GINT64_CONSTANT (1800000000000)

static void
test_durations (void)
{
  struct { gint64 ms; const char *text; } cases[] = {
    { 0, "less than a second" }, { 400, "1 s" }, { 45000, "45 s" }, { 200000, "3 min 20 s" },
    { 120000, "2 min" }, { 7500000, "2 h 5 min" }, { 90000000, "1 d 1 h" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = sy_format_duration_ms (cases[i].ms);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_quota_line (void)
{
  g_autoptr(SyQuota) quota = sy_quota_new ("codex", NOW_MS);
  g_autoptr(SyQuota) copilot = sy_quota_new ("github", NOW_MS);
  g_autoptr(SyQuota) empty = sy_quota_new ("claude", NOW_MS);
  g_autofree char *line = NULL;
  g_autofree char *counts = NULL;
  g_autofree char *none = sy_format_quota (empty, NOW_MS);

  sy_quota_add_window (quota, "5h", NULL, 0.42, -1, -1, FALSE, NOW_MS + 7500000);
  sy_quota_add_window (quota, "weekly", NULL, 0.1, -1, -1, FALSE, NOW_MS - 1000);
  line = sy_format_quota (quota, NOW_MS);
  /* A reset already past is not shown. */
  g_assert_cmpstr (line, ==, "5h: 42% used, resets in 2 h 5 min · weekly: 10% used");

  sy_quota_add_window (copilot, "premium_interactions", NULL, -1, 120, 300, FALSE, 0);
  sy_quota_add_window (copilot, "chat", NULL, -1, -1, -1, TRUE, 0);
  sy_quota_add_window (copilot, "daily", "gemini-2.5-pro", -1, -1, -1, FALSE, 0);
  counts = sy_format_quota (copilot, NOW_MS);
  g_assert_cmpstr (counts, ==, "premium_interactions: 120 of 300 left · chat: unlimited · "
                               "gemini-2.5-pro: usage unknown");
  g_assert_null (none);
  g_assert_null (sy_format_quota (NULL, NOW_MS));
}

int
main (int argc, char **argv)
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/format/durations", test_durations);
  g_test_add_func ("/format/quota-line", test_quota_line);
  return g_test_run ();
}

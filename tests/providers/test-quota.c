/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The quota value and its parsers: each provider's answer from tests/fixtures/quota, Codex's
 * usage headers, and hostile bodies (not JSON, wrong shapes, deep nesting, odd numbers) that
 * must end in SY_QUOTA_ERROR_MALFORMED or in fewer windows, never in a crash.
 */
#include "providers/sy-quota.h"
#include "providers/sy-quota-parse.h"

#include <string.h>

/* 2026-11-23T18:00:00Z */
#define NOW_MS G_GINT64_CONSTANT (1795456800000)

typedef SyQuota *(*ParseFunc) (const char *body,
                               gsize       len,
                               gint64      now_ms,
                               GError    **error);

static SyQuota *
parse_fixture (ParseFunc   parse,
               const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "quota", name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  SyQuota *quota;

  g_file_get_contents (path, &text, &len, &error);
  g_assert_no_error (error);
  quota = parse (text, len, NOW_MS, &error);
  g_assert_no_error (error);
  g_assert_nonnull (quota);
  g_assert_cmpint (sy_quota_get_fetched_at (quota), ==, NOW_MS);
  g_assert_null (sy_quota_get_error (quota));
  return quota;
}

static const SyQuotaWindow *
get_window (SyQuota    *quota,
            const char *name,
            const char *scope)
{
  const SyQuotaWindow *window = sy_quota_find_window (quota, name, scope);

  if (window == NULL)
    g_error ("no window %s/%s", name, scope ? scope : "-");
  return window;
}

static guint
count_windows (SyQuota *quota)
{
  guint n;

  sy_quota_get_windows (quota, &n);
  return n;
}

static void
test_claude (void)
{
  g_autoptr(SyQuota) quota = parse_fixture (sy_quota_parse_claude, "claude-usage.json");
  const SyQuotaWindow *w;

  g_assert_cmpstr (sy_quota_get_provider (quota), ==, "claude");
  g_assert_cmpuint (count_windows (quota), ==, 3);
  w = get_window (quota, "5h", NULL);
  g_assert_cmpfloat_with_epsilon (w->used, 0.37, 1e-9);
  g_assert_cmpint (w->resets_at, ==, G_GINT64_CONSTANT (1795464000512));
  g_assert_cmpint (w->remaining, ==, -1);
  w = get_window (quota, "weekly", NULL);
  g_assert_cmpfloat_with_epsilon (w->used, 0.815, 1e-9);
  g_assert_cmpint (w->resets_at, ==, G_GINT64_CONSTANT (1795766400000));
  w = get_window (quota, "weekly_opus", NULL);
  g_assert_cmpfloat (w->used, ==, 0.0);
  g_assert_cmpint (w->resets_at, ==, 0);
  g_assert_cmpfloat_with_epsilon (sy_quota_window_get_remaining_fraction (w), 1.0, 1e-9);
}

static void
test_codex (void)
{
  g_autoptr(SyQuota) quota = parse_fixture (sy_quota_parse_codex, "codex-usage.json");
  g_autoptr(SyQuota) limited = parse_fixture (sy_quota_parse_codex, "codex-usage-reset-at.json");
  const SyQuotaWindow *w;

  g_assert_cmpstr (sy_quota_get_provider (quota), ==, "codex");
  g_assert_cmpuint (count_windows (quota), ==, 2);
  w = get_window (quota, "5h", NULL);
  g_assert_cmpfloat_with_epsilon (w->used, 0.23, 1e-9);
  /* reset_after_seconds wins over reset_at */
  g_assert_cmpint (w->resets_at, ==, NOW_MS + 7200 * 1000);
  w = get_window (quota, "weekly", NULL);
  g_assert_cmpfloat_with_epsilon (w->used, 0.64, 1e-9);
  g_assert_cmpint (w->resets_at, ==, NOW_MS + 345600 * 1000);

  g_assert_cmpuint (count_windows (limited), ==, 1);
  w = get_window (limited, "5h", NULL);
  g_assert_cmpfloat (w->used, ==, 1.0);
  g_assert_cmpint (w->resets_at, ==, G_GINT64_CONSTANT (1795465200000));
  g_assert_cmpfloat (sy_quota_window_get_remaining_fraction (w), ==, 0.0);
}

static void
test_copilot (void)
{
  g_autoptr(SyQuota) quota = parse_fixture (sy_quota_parse_copilot, "copilot-user.json");
  g_autoptr(SyQuota) free_plan = parse_fixture (sy_quota_parse_copilot, "copilot-user-free.json");
  const SyQuotaWindow *w;

  g_assert_cmpstr (sy_quota_get_provider (quota), ==, "github");
  g_assert_cmpuint (count_windows (quota), ==, 3);
  w = get_window (quota, "premium_interactions", NULL);
  g_assert_cmpint (w->limit, ==, 300);
  g_assert_cmpint (w->remaining, ==, 250);
  g_assert_false (w->unlimited);
  g_assert_cmpfloat_with_epsilon (w->used, 0.165, 1e-9);
  g_assert_cmpint (w->resets_at, ==, G_GINT64_CONSTANT (1796083200000));
  w = get_window (quota, "chat", NULL);
  g_assert_true (w->unlimited);
  g_assert_cmpfloat (sy_quota_window_get_remaining_fraction (w), ==, 1.0);

  g_assert_cmpuint (count_windows (free_plan), ==, 2);
  w = get_window (free_plan, "chat", NULL);
  g_assert_cmpint (w->remaining, ==, 41);
  g_assert_cmpint (w->limit, ==, 50);
  g_assert_cmpfloat_with_epsilon (w->used, 0.18, 1e-9);
  g_assert_cmpint (w->resets_at, ==, G_GINT64_CONSTANT (1796428800000));
  w = get_window (free_plan, "completions", NULL);
  g_assert_cmpfloat_with_epsilon (sy_quota_window_get_remaining_fraction (w), 0.75, 1e-9);
}

static void
test_gemini_cli (void)
{
  g_autoptr(SyQuota) quota = parse_fixture (sy_quota_parse_gemini_cli, "gemini-cli-quota.json");
  const SyQuotaWindow *w;

  g_assert_cmpstr (sy_quota_get_provider (quota), ==, "gemini-cli");
  g_assert_cmpuint (count_windows (quota), ==, 3);
  w = get_window (quota, "daily", "gemini-2.5-flash");
  g_assert_cmpfloat_with_epsilon (w->used, 0.02, 1e-9);
  g_assert_cmpint (w->remaining, ==, 980);
  g_assert_cmpint (w->resets_at, ==, G_GINT64_CONSTANT (1795503600000));
  w = get_window (quota, "daily", "gemini-2.5-pro");
  g_assert_cmpfloat_with_epsilon (sy_quota_window_get_remaining_fraction (w), 0.01, 1e-9);
  w = get_window (quota, "daily_tokens", "gemini-2.5-pro");
  g_assert_cmpfloat (w->used, ==, 0.0);
}

static void
test_kiro (void)
{
  g_autoptr(SyQuota) quota = parse_fixture (sy_quota_parse_kiro, "kiro-usage-limits.json");
  const SyQuotaWindow *w;

  g_assert_cmpstr (sy_quota_get_provider (quota), ==, "kiro");
  g_assert_cmpuint (count_windows (quota), ==, 2);
  w = get_window (quota, "monthly", "credit");
  g_assert_cmpfloat_with_epsilon (w->used, 0.25, 1e-9);
  g_assert_cmpint (w->limit, ==, 50);
  g_assert_cmpint (w->remaining, ==, 37);
  g_assert_cmpint (w->resets_at, ==, G_GINT64_CONSTANT (1796515200000));
  w = get_window (quota, "free_trial", "credit");
  g_assert_cmpfloat_with_epsilon (w->used, 0.2005, 1e-9);
  g_assert_cmpint (w->limit, ==, 500);
  g_assert_cmpint (w->resets_at, ==, G_GINT64_CONSTANT (1797768000000));
}

/* Codex headers */

static void
test_codex_headers_primary (void)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(SyQuota) quota = NULL;
  const SyQuotaWindow *w;

  soup_message_headers_append (headers, "x-codex-primary-used-percent", "42.5");
  soup_message_headers_append (headers, "x-codex-primary-window-minutes", "300");
  soup_message_headers_append (headers, "x-codex-primary-reset-after-seconds", "600");
  soup_message_headers_append (headers, "x-codex-secondary-used-percent", "10");
  soup_message_headers_append (headers, "x-codex-secondary-window-minutes", "10080");
  soup_message_headers_append (headers, "x-codex-secondary-reset-at", "1795803600");
  quota = sy_quota_parse_codex_headers (headers, NOW_MS);
  g_assert_nonnull (quota);
  g_assert_cmpuint (count_windows (quota), ==, 2);
  w = get_window (quota, "5h", NULL);
  g_assert_cmpfloat_with_epsilon (w->used, 0.425, 1e-9);
  g_assert_cmpint (w->resets_at, ==, NOW_MS + 600000);
  w = get_window (quota, "weekly", NULL);
  g_assert_cmpfloat_with_epsilon (w->used, 0.10, 1e-9);
  g_assert_cmpint (w->resets_at, ==, G_GINT64_CONSTANT (1795803600000));
}

static void
test_codex_headers_5h_7d (void)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(SyQuota) quota = NULL;
  const SyQuotaWindow *w;

  soup_message_headers_append (headers, "x-codex-5h-usage", "30");
  soup_message_headers_append (headers, "x-codex-5h-limit", "120");
  soup_message_headers_append (headers, "x-codex-5h-reset-at", "2026-11-23T20:00:00Z");
  soup_message_headers_append (headers, "x-codex-7d-usage", "55");
  soup_message_headers_append (headers, "x-codex-7d-reset-at", "1795766400");
  quota = sy_quota_parse_codex_headers (headers, NOW_MS);
  g_assert_nonnull (quota);
  w = get_window (quota, "5h", NULL);
  g_assert_cmpfloat_with_epsilon (w->used, 0.25, 1e-9);
  g_assert_cmpint (w->remaining, ==, 90);
  g_assert_cmpint (w->limit, ==, 120);
  g_assert_cmpint (w->resets_at, ==, G_GINT64_CONSTANT (1795464000000));
  /* usage without a limit is a percentage */
  w = get_window (quota, "weekly", NULL);
  g_assert_cmpfloat_with_epsilon (w->used, 0.55, 1e-9);
  g_assert_cmpint (w->resets_at, ==, G_GINT64_CONSTANT (1795766400000));
}

static void
test_codex_headers_none (void)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);

  g_assert_null (sy_quota_parse_codex_headers (NULL, NOW_MS));
  g_assert_null (sy_quota_parse_codex_headers (headers, NOW_MS));
  soup_message_headers_append (headers, "x-codex-primary-used-percent", "lots");
  soup_message_headers_append (headers, "x-codex-5h-usage", "nan");
  soup_message_headers_append (headers, "x-codex-7d-usage", "-3");
  soup_message_headers_append (headers, "Retry-After", "20");
  g_assert_null (sy_quota_parse_codex_headers (headers, NOW_MS));
}

/* Hostile bodies */

typedef struct
{
  const char *name;
  ParseFunc   parse;
  const char *body;
  gssize      len;        /* -1: strlen */
  int         n_windows;  /* -1: must fail as malformed */
} BadCase;

static const BadCase bad_cases[] = {
  { "claude-empty", sy_quota_parse_claude, "", 0, -1 },
  { "claude-html", sy_quota_parse_claude, "<html>Bad gateway</html>", -1, -1 },
  { "claude-array", sy_quota_parse_claude, "[{\"five_hour\": {}}]", -1, -1 },
  { "claude-other-object", sy_quota_parse_claude, "{\"error\": {\"type\": \"x\"}}", -1, -1 },
  { "claude-wrong-types", sy_quota_parse_claude,
    "{\"five_hour\": 5, \"seven_day\": {\"utilization\": \"lots\", \"resets_at\": 7}}", -1, 0 },
  { "claude-truncated", sy_quota_parse_claude, "{\"five_hour\": {\"utilization\": 3", -1, -1 },
  { "claude-nul", sy_quota_parse_claude, "{\"five_hour\": {\"utilization\": 3}}\0{", 36, -1 },
  { "claude-bad-utf8", sy_quota_parse_claude, "{\"five_hour\": \"\xff\xfe\"}", -1, -1 },
  { "claude-huge-numbers", sy_quota_parse_claude,
    "{\"five_hour\": {\"utilization\": 1e308, \"resets_at\": \"9999999-01-01T00:00:00Z\"},"
    " \"seven_day\": {\"utilization\": -1e308}}", -1, 2 },
  { "codex-no-rate-limit", sy_quota_parse_codex, "{\"plan_type\": \"plus\"}", -1, -1 },
  { "codex-null-limits", sy_quota_parse_codex, "{\"rate_limit\": null}", -1, 0 },
  { "codex-window-not-object", sy_quota_parse_codex,
    "{\"rate_limit\": {\"primary_window\": [1, 2], \"secondary_window\": \"x\"}}", -1, 0 },
  { "codex-odd-seconds", sy_quota_parse_codex,
    "{\"rate_limit\": {\"primary_window\": {\"used_percent\": 5, \"limit_window_seconds\": -4,"
    " \"reset_after_seconds\": 1e300, \"reset_at\": \"soon\"}}}", -1, 1 },
  { "copilot-no-snapshots", sy_quota_parse_copilot, "{\"login\": \"octocat\"}", -1, -1 },
  { "copilot-bad-snapshots", sy_quota_parse_copilot,
    "{\"quota_snapshots\": {\"chat\": 3, \"premium_interactions\": {\"remaining\": \"x\"}}}",
    -1, 1 },
  { "gemini-buckets-not-list", sy_quota_parse_gemini_cli, "{\"buckets\": {}}", -1, -1 },
  { "gemini-no-buckets", sy_quota_parse_gemini_cli, "{}", -1, 0 },
  { "gemini-bad-buckets", sy_quota_parse_gemini_cli,
    "{\"buckets\": [1, null, {\"modelId\": 5}, {\"remainingFraction\": \"0.5\", \"resetTime\": "
    "\"yesterday\"}]}", -1, 1 },
  { "kiro-huge-numbers", sy_quota_parse_kiro,
    "{\"usageBreakdownList\": [{\"currentUsage\": -1e308, \"usageLimit\": 1e308,"
    " \"nextDateReset\": 1e300}, {\"resourceType\": \"B\", \"currentUsage\": 1e308, \"usageLimit\": -5}]}", -1, 2 },
  { "kiro-no-list", sy_quota_parse_kiro, "{\"daysUntilReset\": 3}", -1, -1 },
  { "kiro-bad-entries", sy_quota_parse_kiro,
    "{\"usageBreakdownList\": [7, {\"resourceType\": 5, \"currentUsage\": \"x\"},"
    " {\"currentUsage\": 3}]}", -1, 1 },
};

static void
test_bad_body (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SyQuota) quota = NULL;
  gsize len = c->len < 0 ? strlen (c->body) : (gsize) c->len;

  quota = c->parse (c->body, len, NOW_MS, &error);
  if (c->n_windows < 0)
    {
      g_assert_error (error, SY_QUOTA_ERROR, SY_QUOTA_ERROR_MALFORMED);
      g_assert_null (quota);
      g_assert_cmpstr (sy_quota_error_to_code (error), ==, "malformed");
    }
  else
    {
      const SyQuotaWindow *windows;
      guint n;

      g_assert_no_error (error);
      windows = sy_quota_get_windows (quota, &n);
      g_assert_cmpuint (n, ==, (guint) c->n_windows);
      for (guint i = 0; i < n; i++)
        {
          g_assert_true (windows[i].used == -1 || (windows[i].used >= 0 && windows[i].used <= 1));
          g_assert_cmpint (windows[i].resets_at, >=, 0);
        }
    }
}

static void
test_deep_nesting (void)
{
  GString *body = g_string_new ("{\"five_hour\": ");
  g_autoptr(GError) error = NULL;
  SyQuota *quota;

  for (guint i = 0; i < 10000; i++)
    g_string_append_c (body, '[');
  for (guint i = 0; i < 10000; i++)
    g_string_append_c (body, ']');
  g_string_append_c (body, '}');
  quota = sy_quota_parse_claude (body->str, body->len, NOW_MS, &error);
  g_assert_error (error, SY_QUOTA_ERROR, SY_QUOTA_ERROR_MALFORMED);
  g_assert_null (quota);
  g_string_free (body, TRUE);
}

static void
test_too_large (void)
{
  gsize len = SY_QUOTA_MAX_BODY + 1;
  g_autofree char *body = g_malloc (len);
  g_autoptr(GError) error = NULL;

  memset (body, ' ', len);
  body[0] = '{';
  body[len - 1] = '}';
  g_assert_null (sy_quota_parse_kiro (body, len, NOW_MS, &error));
  g_assert_error (error, SY_QUOTA_ERROR, SY_QUOTA_ERROR_MALFORMED);
}

/* The value */

static void
test_merge_and_json (void)
{
  g_autoptr(SyQuota) a = sy_quota_new ("codex", 1000);
  g_autoptr(SyQuota) b = sy_quota_new ("codex", 2000);
  g_autoptr(SyQuota) failed = NULL;
  g_autoptr(GError) error = g_error_new_literal (SY_QUOTA_ERROR, SY_QUOTA_ERROR_RATE_LIMITED,
                                                 "slow down");
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  sy_quota_add_window (a, "5h", NULL, 0.5, -1, -1, FALSE, 5000);
  sy_quota_add_window (a, "weekly", NULL, 0.25, -1, -1, FALSE, 0);
  sy_quota_add_window (b, "5h", NULL, 2.0, -1, -1, FALSE, 6000);  /* clamped to 1 */
  sy_quota_merge (a, b);
  g_assert_cmpuint (count_windows (a), ==, 2);
  g_assert_cmpfloat (get_window (a, "5h", NULL)->used, ==, 1.0);
  g_assert_cmpint (get_window (a, "5h", NULL)->resets_at, ==, 6000);

  failed = sy_quota_copy_with_error (a, "codex", error);
  g_assert_cmpuint (count_windows (failed), ==, 2);
  g_assert_error ((GError *) sy_quota_get_error (failed), SY_QUOTA_ERROR,
                  SY_QUOTA_ERROR_RATE_LIMITED);
  node = sy_quota_to_json (failed);
  text = json_to_string (node, FALSE);
  g_assert_cmpstr (text, ==,
                   "{\"provider\":\"codex\",\"fetchedAt\":1000,\"windows\":["
                   "{\"name\":\"5h\",\"scope\":null,\"usedFraction\":1.0,"
                   "\"remainingFraction\":0.0,\"remaining\":null,\"limit\":null,"
                   "\"unlimited\":false,\"resetsAt\":6000},"
                   "{\"name\":\"weekly\",\"scope\":null,\"usedFraction\":0.25,"
                   "\"remainingFraction\":0.75,\"remaining\":null,\"limit\":null,"
                   "\"unlimited\":false,\"resetsAt\":null}],"
                   "\"error\":{\"code\":\"rate_limited\",\"message\":\"slow down\"}}");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sy/providers/quota/claude", test_claude);
  g_test_add_func ("/sy/providers/quota/codex", test_codex);
  g_test_add_func ("/sy/providers/quota/copilot", test_copilot);
  g_test_add_func ("/sy/providers/quota/gemini-cli", test_gemini_cli);
  g_test_add_func ("/sy/providers/quota/kiro", test_kiro);
  g_test_add_func ("/sy/providers/quota/codex-headers/primary", test_codex_headers_primary);
  g_test_add_func ("/sy/providers/quota/codex-headers/5h-7d", test_codex_headers_5h_7d);
  g_test_add_func ("/sy/providers/quota/codex-headers/none", test_codex_headers_none);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sy/providers/quota/bad/%s", bad_cases[i].name);

      g_test_add_data_func (path, &bad_cases[i], test_bad_body);
    }
  g_test_add_func ("/sy/providers/quota/bad/deep-nesting", test_deep_nesting);
  g_test_add_func ("/sy/providers/quota/bad/too-large", test_too_large);
  g_test_add_func ("/sy/providers/quota/merge-and-json", test_merge_and_json);

  return g_test_run ();
}

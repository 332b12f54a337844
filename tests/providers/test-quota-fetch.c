/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The quota fetcher and SyQuotaBook against a mock quota server on loopback: every provider's
 * request (method, path, headers, body) and answer, the failures (401, 429 with its delay, 500,
 * malformed JSON, no server, unsupported providers, bad provider data) and the book's schedule
 * (minimum interval, 429 cooldown, one fetch in flight, Codex headers) on a fake clock.
 */
#include "providers/sy-quota-book.h"
#include "providers/sy-quota-fetch.h"
#include "providers/sy-quota-parse.h"

#include "sy-mock-upstream.h"

#include <string.h>

typedef struct
{
  SyMockUpstream *mock;
  SoupSession    *session;
  SyOriginMap    *origins;
  GPtrArray      *bodies;   /* served bodies must outlive the queue */
  gint64          now;      /* the book's clock */
} Fixture;

static const char * const mapped_origins[] = {
  "https://api.anthropic.com",
  "https://chatgpt.com",
  "https://api.github.com",
  "https://cloudcode-pa.googleapis.com",
  "https://codewhisperer.us-east-1.amazonaws.com",
  "https://codewhisperer.eu-central-1.amazonaws.com",
  "https://codewhisperer.us-gov-west-1.amazonaws.com",
};

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GProxyResolver) no_proxy = g_simple_proxy_resolver_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  const char *base;
  g_autofree char *origin = NULL;

  f->mock = sy_mock_upstream_new ();
  base = sy_mock_upstream_get_base_url (f->mock);
  g_assert_true (g_str_has_suffix (base, "/v1"));
  origin = g_strndup (base, strlen (base) - 3);
  f->origins = sy_origin_map_new ();
  for (guint i = 0; i < G_N_ELEMENTS (mapped_origins); i++)
    {
      sy_origin_map_add (f->origins, mapped_origins[i], origin, &error);
      g_assert_no_error (error);
    }
  f->session = g_object_new (SOUP_TYPE_SESSION, "proxy-resolver", no_proxy, "timeout", 30, NULL);
  f->bodies = g_ptr_array_new_with_free_func (g_free);
  f->now = G_GINT64_CONSTANT (1795456800000);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->origins);
  g_assert_finalize_object (f->session);
  g_clear_object (&f->mock);
  g_ptr_array_unref (f->bodies);
}

static void
push_answer (Fixture    *f,
             guint       status,
             const char *body,
             const char *retry_after)
{
  SyMockBehaviour b = { .kind = SY_MOCK_STATUS, .status = status, .body = body,
                        .retry_after = retry_after };

  sy_mock_upstream_push (f->mock, &b);
}

static void
push_fixture (Fixture    *f,
              const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "quota", name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_add (f->bodies, text);
  push_answer (f, 200, text, NULL);
}

static SyMockRequest *
last_request (Fixture *f)
{
  GPtrArray *requests = sy_mock_upstream_get_requests (f->mock);

  g_assert_cmpuint (requests->len, >, 0);
  return g_ptr_array_index (requests, requests->len - 1);
}

static guint
n_requests (Fixture *f)
{
  return sy_mock_upstream_get_requests (f->mock)->len;
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static SyQuota *
fetch (Fixture     *f,
       const char  *provider,
       const char  *bearer,
       const char  *data,
       gint64      *retry_after_ms,
       GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sy_quota_fetch_async (f->session, f->origins, provider, bearer, data, NULL, result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return sy_quota_fetch_finish (result, retry_after_ms, error);
}

static const char *
request_header (SyMockRequest *r,
                const char    *name)
{
  return soup_message_headers_get_one (r->headers, name);
}

static JsonObject *
request_json (SyMockRequest *r,
              JsonNode     **out_node)
{
  gsize len;
  const char *data = g_bytes_get_data (r->body, &len);
  g_autofree char *text = g_strndup (data, len);

  *out_node = json_from_string (text, NULL);
  g_assert_nonnull (*out_node);
  return json_node_get_object (*out_node);
}

/* Providers */

static void
test_fetch_claude (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SyQuota) quota = NULL;
  SyMockRequest *r;

  push_fixture (f, "claude-usage.json");
  quota = fetch (f, "cc", "sk-ant-oat-1", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sy_quota_find_window (quota, "5h", NULL));
  r = last_request (f);
  g_assert_cmpstr (r->method, ==, "GET");
  g_assert_cmpstr (r->path, ==, "/api/oauth/usage");
  g_assert_cmpstr (request_header (r, "Authorization"), ==, "Bearer sk-ant-oat-1");
  g_assert_cmpstr (request_header (r, "anthropic-beta"), ==, "oauth-2025-04-20");
}

static void
test_fetch_codex (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SyQuota) quota = NULL;
  g_autoptr(SyQuota) no_workspace = NULL;
  SyMockRequest *r;

  push_fixture (f, "codex-usage.json");
  quota = fetch (f, "codex", "eyJ.codex", "{\"workspaceId\": \"ws-123\"}", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sy_quota_find_window (quota, "weekly", NULL));
  r = last_request (f);
  g_assert_cmpstr (r->method, ==, "GET");
  g_assert_cmpstr (r->path, ==, "/backend-api/wham/usage");
  g_assert_cmpstr (request_header (r, "Authorization"), ==, "Bearer eyJ.codex");
  g_assert_cmpstr (request_header (r, "chatgpt-account-id"), ==, "ws-123");

  push_fixture (f, "codex-usage.json");
  no_workspace = fetch (f, "cx", "eyJ.codex", "not json", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (request_header (last_request (f), "chatgpt-account-id"));
}

static void
test_fetch_copilot (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SyQuota) quota = NULL;
  SyMockRequest *r;

  push_fixture (f, "copilot-user.json");
  quota = fetch (f, "github", "gho_abc", "{}", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sy_quota_find_window (quota, "premium_interactions", NULL));
  r = last_request (f);
  g_assert_cmpstr (r->method, ==, "GET");
  g_assert_cmpstr (r->path, ==, "/copilot_internal/user");
  g_assert_cmpstr (request_header (r, "Authorization"), ==, "token gho_abc");
  g_assert_nonnull (request_header (r, "Editor-Version"));
  g_assert_nonnull (request_header (r, "Editor-Plugin-Version"));
}

static void
test_fetch_gemini_cli (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SyQuota) quota = NULL;
  g_autoptr(JsonNode) body = NULL;
  SyMockRequest *r;

  push_fixture (f, "gemini-cli-quota.json");
  quota = fetch (f, "gemini-cli", "ya29.x", "{\"projectId\": \"proj-42\"}", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sy_quota_find_window (quota, "daily", "gemini-2.5-pro"));
  r = last_request (f);
  g_assert_cmpstr (r->method, ==, "POST");
  g_assert_cmpstr (r->path, ==, "/v1internal:retrieveUserQuota");
  g_assert_cmpstr (request_header (r, "Authorization"), ==, "Bearer ya29.x");
  g_assert_cmpstr (json_object_get_string_member (request_json (r, &body), "project"), ==,
                   "proj-42");

  /* No project: refused before any request. */
  g_clear_pointer (&quota, sy_quota_unref);
  quota = fetch (f, "gemini-cli", "ya29.x", "{\"region\": \"x\"}", NULL, &error);
  g_assert_error (error, SY_QUOTA_ERROR, SY_QUOTA_ERROR_INVALID_ACCOUNT);
  g_assert_null (quota);
  g_assert_cmpuint (n_requests (f), ==, 1);
}

static void
test_fetch_kiro (Fixture       *f,
                 gconstpointer  data)
{
  static const char * const bad_regions[] = {
    "us-east-1.evil.com/", "US-EAST-1", "us-east-12", "useast-1", "us--1", "u-east-1",
    "us-gov-west-1x", "",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(SyQuota) quota = NULL;
  g_autoptr(JsonNode) body = NULL;
  SyMockRequest *r;

  push_fixture (f, "kiro-usage-limits.json");
  quota = fetch (f, "kiro", "aoa-token",
                 "{\"region\": \"eu-central-1\", \"profileArn\": "
                 "\"arn:aws:codewhisperer:eu-central-1:123456789012:profile/ABC\"}", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sy_quota_find_window (quota, "monthly", "credit"));
  r = last_request (f);
  g_assert_cmpstr (r->method, ==, "POST");
  g_assert_cmpstr (r->path, ==, "/");
  g_assert_cmpstr (request_header (r, "Authorization"), ==, "Bearer aoa-token");
  g_assert_cmpstr (request_header (r, "x-amz-target"), ==,
                   "AmazonCodeWhispererService.GetUsageLimits");
  g_assert_true (g_str_has_prefix (request_header (r, "Content-Type"),
                                   "application/x-amz-json-1.0"));
  g_assert_cmpstr (json_object_get_string_member (request_json (r, &body), "profileArn"), ==,
                   "arn:aws:codewhisperer:eu-central-1:123456789012:profile/ABC");

  for (guint i = 0; i < G_N_ELEMENTS (bad_regions); i++)
    {
      g_autofree char *data_json = g_strdup_printf ("{\"region\": \"%s\"}", bad_regions[i]);
      g_autoptr(SyQuota) refused = NULL;

      g_clear_error (&error);
      refused = fetch (f, "kr", "aoa-token", data_json, NULL, &error);
      /* "" reads as no region: the default, which the mock answers with its generic body */
      if (*bad_regions[i] == '\0')
        continue;
      g_assert_error (error, SY_QUOTA_ERROR, SY_QUOTA_ERROR_INVALID_ACCOUNT);
      g_assert_null (refused);
    }
  g_assert_cmpuint (n_requests (f), ==, 2);
  /* A GovCloud region is a region. */
  g_clear_error (&error);
  push_fixture (f, "kiro-usage-limits.json");
  g_clear_pointer (&quota, sy_quota_unref);
  quota = fetch (f, "amazon-q", "aoa-token", "{\"region\": \"us-gov-west-1\"}", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_requests (f), ==, 3);
}

/* Failures */

static void
test_fetch_unauthorized (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SyQuota *quota;

  push_answer (f, 401, "{\"error\": {\"type\": \"authentication_error\"}}", NULL);
  quota = fetch (f, "claude", "expired", NULL, NULL, &error);
  g_assert_null (quota);
  g_assert_error (error, SY_QUOTA_ERROR, SY_QUOTA_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (sy_quota_error_to_code (error), ==, "unauthorized");
  g_assert_nonnull (strstr (error->message, "401"));
  g_assert_null (strstr (error->message, "expired"));  /* no token in messages */
}

static void
test_fetch_rate_limited (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 retry_after = 0;
  SyQuota *quota;

  push_answer (f, 429, "{\"error\": {\"type\": \"rate_limit_error\"}}", "120");
  quota = fetch (f, "claude", "tok", NULL, &retry_after, &error);
  g_assert_null (quota);
  g_assert_error (error, SY_QUOTA_ERROR, SY_QUOTA_ERROR_RATE_LIMITED);
  g_assert_cmpint (retry_after, ==, 120000);

  g_clear_error (&error);
  push_answer (f, 429, "{\"error\": {\"message\": \"Please try again in 30s\"}}", NULL);
  quota = fetch (f, "codex", "tok", NULL, &retry_after, &error);
  g_assert_error (error, SY_QUOTA_ERROR, SY_QUOTA_ERROR_RATE_LIMITED);
  g_assert_cmpint (retry_after, ==, 30000);

  g_clear_error (&error);
  push_answer (f, 429, "slow down", NULL);
  quota = fetch (f, "codex", "tok", NULL, &retry_after, &error);
  g_assert_error (error, SY_QUOTA_ERROR, SY_QUOTA_ERROR_RATE_LIMITED);
  g_assert_cmpint (retry_after, ==, -1);
}

static void
test_fetch_malformed (Fixture       *f,
                      gconstpointer  data)
{
  static const char * const bodies[] = {
    "<html><body>502 Bad Gateway</body></html>",
    "{\"five_hour\": {\"utilization\": ",
    "[]",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = NULL;
      SyQuota *quota;

      push_answer (f, 200, bodies[i], NULL);
      quota = fetch (f, "claude", "tok", NULL, NULL, &error);
      g_assert_null (quota);
      g_assert_error (error, SY_QUOTA_ERROR, SY_QUOTA_ERROR_MALFORMED);
    }
}

static void
test_fetch_too_large (Fixture       *f,
                      gconstpointer  data)
{
  gsize len = SY_QUOTA_MAX_BODY * 3 / 2;
  char *body = g_malloc (len + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(SyQuota) quota = NULL;

  /* A valid object, but too large to be read whole. */
  memset (body, ' ', len);
  body[0] = '{';
  memcpy (body + 1, "\"five_hour\": {\"utilization\": 1}", 31);
  body[len - 1] = '}';
  body[len] = '\0';
  g_ptr_array_add (f->bodies, body);
  push_answer (f, 200, body, NULL);
  g_assert_null (fetch (f, "claude", "tok", NULL, NULL, &error));
  g_assert_error (error, SY_QUOTA_ERROR, SY_QUOTA_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "too large"));

  /* The connection is fine for the next fetch. */
  g_clear_error (&error);
  push_fixture (f, "claude-usage.json");
  quota = fetch (f, "claude", "tok", NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
test_fetch_upstream_error (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SyQuota *quota;

  push_answer (f, 503, NULL, NULL);
  quota = fetch (f, "github", "gho", NULL, NULL, &error);
  g_assert_null (quota);
  g_assert_error (error, SY_QUOTA_ERROR, SY_QUOTA_ERROR_UPSTREAM);
  g_assert_nonnull (strstr (error->message, "503"));
}

static void
test_fetch_not_supported (Fixture       *f,
                          gconstpointer  data)
{
  static const char * const providers[] = { "qwen", "iflow", "openai", "deepseek", "" };

  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (sy_quota_fetch_is_supported (providers[i]));
      g_assert_null (fetch (f, providers[i], "tok", NULL, NULL, &error));
      g_assert_error (error, SY_QUOTA_ERROR, SY_QUOTA_ERROR_NOT_SUPPORTED);
      g_assert_cmpstr (sy_quota_error_to_code (error), ==, "not_supported");
    }
  g_assert_true (sy_quota_fetch_is_supported ("CC"));
  g_assert_cmpuint (n_requests (f), ==, 0);
}

static void
test_fetch_bad_token (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (fetch (f, "claude", "", NULL, NULL, &error));
  g_assert_error (error, SY_QUOTA_ERROR, SY_QUOTA_ERROR_INVALID_ACCOUNT);
  g_clear_error (&error);
  g_assert_null (fetch (f, "claude", "a\r\nX-Injected: 1", NULL, NULL, &error));
  g_assert_error (error, SY_QUOTA_ERROR, SY_QUOTA_ERROR_INVALID_ACCOUNT);
  g_assert_cmpuint (n_requests (f), ==, 0);
}

static void
test_fetch_cancelled (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SyMockBehaviour hang = { .kind = SY_MOCK_HANG };

  sy_mock_upstream_push (f->mock, &hang);
  sy_quota_fetch_async (f->session, f->origins, "claude", "tok", NULL, cancellable, result_cb,
                        &result);
  while (n_requests (f) == 0)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (sy_quota_fetch_finish (result, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* The book */

static gint64
fake_clock (gpointer user_data)
{
  Fixture *f = user_data;

  return f->now;
}

static SyQuotaBook *
new_book (Fixture *f)
{
  SyQuotaBook *book = sy_quota_book_new (f->session, f->origins);

  sy_quota_book_set_clock (book, fake_clock, f);
  return book;
}

static SyQuota *
refresh (SyQuotaBook *book,
         const char  *connection_id,
         const char  *provider,
         gboolean     force)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SyQuota *quota;

  sy_quota_book_refresh_async (book, connection_id, provider, "tok", NULL, force, NULL,
                               result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  quota = sy_quota_book_refresh_finish (book, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (quota);
  return quota;
}

static void
test_book_interval (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(SyQuotaBook) book = new_book (f);
  g_autoptr(SyQuota) first = NULL;
  g_autoptr(SyQuota) cached = NULL;
  g_autoptr(SyQuota) later = NULL;
  g_autoptr(SyQuota) forced = NULL;
  g_autoptr(SyQuota) looked_up = NULL;

  g_assert_true (sy_quota_book_is_due (book, "acct-1"));
  g_assert_null (sy_quota_book_lookup (book, "acct-1"));
  push_fixture (f, "claude-usage.json");
  first = refresh (book, "acct-1", "claude", FALSE);
  g_assert_cmpuint (n_requests (f), ==, 1);
  g_assert_nonnull (sy_quota_find_window (first, "5h", NULL));
  g_assert_false (sy_quota_book_is_due (book, "acct-1"));

  /* Within the interval: the book answers, no request. */
  f->now += SY_QUOTA_BOOK_MIN_INTERVAL_MS - 1;
  cached = refresh (book, "acct-1", "claude", FALSE);
  g_assert_true (cached == first);
  g_assert_cmpuint (n_requests (f), ==, 1);

  f->now += 1;
  g_assert_true (sy_quota_book_is_due (book, "acct-1"));
  push_fixture (f, "claude-usage.json");
  later = refresh (book, "acct-1", "claude", FALSE);
  g_assert_cmpuint (n_requests (f), ==, 2);
  g_assert_true (later != first);

  /* force skips the interval. */
  push_fixture (f, "claude-usage.json");
  forced = refresh (book, "acct-1", "claude", TRUE);
  g_assert_cmpuint (n_requests (f), ==, 3);
  looked_up = sy_quota_book_lookup (book, "acct-1");
  g_assert_true (looked_up == forced);
  g_assert_finalize_object (g_steal_pointer (&book));
}

static void
test_book_failure_keeps_windows (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(SyQuotaBook) book = new_book (f);
  g_autoptr(SyQuota) good = NULL;
  g_autoptr(SyQuota) failed = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  push_fixture (f, "codex-usage.json");
  good = refresh (book, "acct-1", "codex", FALSE);
  f->now += SY_QUOTA_BOOK_MIN_INTERVAL_MS;
  push_answer (f, 401, NULL, NULL);
  failed = refresh (book, "acct-1", "codex", FALSE);
  g_assert_error ((GError *) sy_quota_get_error (failed), SY_QUOTA_ERROR,
                  SY_QUOTA_ERROR_UNAUTHORIZED);
  g_assert_nonnull (sy_quota_find_window (failed, "5h", NULL));
  g_assert_cmpint (sy_quota_get_fetched_at (failed), ==, sy_quota_get_fetched_at (good));

  node = sy_quota_book_to_json (book, "acct-1");
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "connectionId"), ==, "acct-1");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "windows")),
                    ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "error"),
                                                  "code"), ==, "unauthorized");
  g_assert_false (json_object_get_boolean_member (object, "refreshing"));
  g_assert_cmpint (json_object_get_int_member (object, "nextRefreshAt"), ==,
                   f->now + SY_QUOTA_BOOK_MIN_INTERVAL_MS);
  g_assert_true (json_object_get_null_member (object, "cooldownUntil"));
  g_assert_finalize_object (g_steal_pointer (&book));
}

static void
test_book_rate_limit_cooldown (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(SyQuotaBook) book = new_book (f);
  g_autoptr(SyQuota) limited = NULL;
  g_autoptr(SyQuota) resting = NULL;
  g_autoptr(SyQuota) after = NULL;
  g_autoptr(JsonNode) node = NULL;
  gint64 start = f->now;

  sy_quota_book_set_min_interval (book, 1000);
  push_answer (f, 429, NULL, "600");
  limited = refresh (book, "acct-1", "claude", FALSE);
  g_assert_error ((GError *) sy_quota_get_error (limited), SY_QUOTA_ERROR,
                  SY_QUOTA_ERROR_RATE_LIMITED);
  node = sy_quota_book_to_json (book, "acct-1");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "cooldownUntil"), ==,
                   start + 600000);

  /* Even forced, nothing goes out during the cooldown. */
  f->now += 599999;
  g_assert_false (sy_quota_book_is_due (book, "acct-1"));
  resting = refresh (book, "acct-1", "claude", TRUE);
  g_assert_true (resting == limited);
  g_assert_cmpuint (n_requests (f), ==, 1);

  f->now += 1;
  push_fixture (f, "claude-usage.json");
  after = refresh (book, "acct-1", "claude", FALSE);
  g_assert_null (sy_quota_get_error (after));
  g_assert_cmpuint (n_requests (f), ==, 2);
  g_assert_finalize_object (g_steal_pointer (&book));
}

static void
test_book_one_flight (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(SyQuotaBook) book = new_book (f);
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(SyQuota) q1 = NULL;
  g_autoptr(SyQuota) q2 = NULL;
  g_autoptr(JsonNode) node = NULL;

  push_fixture (f, "copilot-user.json");
  sy_quota_book_refresh_async (book, "acct-1", "github", "tok", NULL, TRUE, NULL, result_cb, &r1);
  sy_quota_book_refresh_async (book, "acct-1", "github", "tok", NULL, TRUE, NULL, result_cb, &r2);
  node = sy_quota_book_to_json (book, "acct-1");
  g_assert_true (json_object_get_boolean_member (json_node_get_object (node), "refreshing"));
  while (r1 == NULL || r2 == NULL)
    g_main_context_iteration (NULL, TRUE);
  q1 = sy_quota_book_refresh_finish (book, r1, NULL);
  q2 = sy_quota_book_refresh_finish (book, r2, NULL);
  g_assert_true (q1 == q2);
  g_assert_cmpuint (n_requests (f), ==, 1);
  g_clear_object (&r1);  /* results hold their source object */
  g_clear_object (&r2);
  g_assert_finalize_object (g_steal_pointer (&book));
}

static void
test_book_not_supported (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(SyQuotaBook) book = new_book (f);
  g_autoptr(SyQuota) quota = refresh (book, "acct-q", "qwen", FALSE);

  g_assert_error ((GError *) sy_quota_get_error (quota), SY_QUOTA_ERROR,
                  SY_QUOTA_ERROR_NOT_SUPPORTED);
  g_assert_cmpuint (n_requests (f), ==, 0);
  g_assert_finalize_object (g_steal_pointer (&book));
}

static void
test_book_codex_headers (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(SyQuotaBook) book = new_book (f);
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(SyQuota) fetched = NULL;
  g_autoptr(SyQuota) updated = NULL;
  g_autoptr(JsonNode) unknown = NULL;
  const SyQuotaWindow *w;

  push_fixture (f, "codex-usage.json");
  fetched = refresh (book, "acct-1", "codex", FALSE);
  soup_message_headers_append (headers, "x-codex-primary-used-percent", "91");
  soup_message_headers_append (headers, "x-codex-primary-window-minutes", "300");
  soup_message_headers_append (headers, "x-codex-primary-reset-after-seconds", "60");

  g_assert_false (sy_quota_book_note_headers (book, "acct-1", "claude", headers));
  f->now += SY_QUOTA_BOOK_MIN_INTERVAL_MS;
  g_assert_true (sy_quota_book_is_due (book, "acct-1"));
  g_assert_true (sy_quota_book_note_headers (book, "acct-1", "codex", headers));
  /* The headers count as fresh data. */
  g_assert_false (sy_quota_book_is_due (book, "acct-1"));
  updated = sy_quota_book_lookup (book, "acct-1");
  w = sy_quota_find_window (updated, "5h", NULL);
  g_assert_cmpfloat_with_epsilon (w->used, 0.91, 1e-9);
  g_assert_cmpint (w->resets_at, ==, f->now + 60000);
  /* The fetched weekly window stays; the old value is untouched. */
  g_assert_nonnull (sy_quota_find_window (updated, "weekly", NULL));
  g_assert_cmpfloat_with_epsilon (sy_quota_find_window (fetched, "5h", NULL)->used, 0.23, 1e-9);

  sy_quota_book_remove (book, "acct-1");
  g_assert_null (sy_quota_book_lookup (book, "acct-1"));
  unknown = sy_quota_book_to_json (book, "acct-1");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (unknown), "windows")), ==, 0);
  g_assert_true (json_object_get_null_member (json_node_get_object (unknown), "fetchedAt"));
  g_assert_finalize_object (g_steal_pointer (&book));
}

static void
test_book_remove_in_flight (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(SyQuotaBook) book = new_book (f);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SyQuota) quota = NULL;

  push_fixture (f, "claude-usage.json");
  sy_quota_book_refresh_async (book, "acct-1", "claude", "tok", NULL, FALSE, NULL, result_cb,
                               &result);
  sy_quota_book_remove (book, "acct-1");
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  quota = sy_quota_book_refresh_finish (book, result, NULL);
  g_assert_nonnull (sy_quota_find_window (quota, "5h", NULL));
  g_assert_null (sy_quota_book_lookup (book, "acct-1"));
  g_clear_object (&result);
  g_assert_finalize_object (g_steal_pointer (&book));
}

#define ADD(path, func) \
  g_test_add ("/sy/providers/quota-fetch/" path, Fixture, NULL, fixture_setup, func, \
              fixture_teardown)

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ADD ("claude", test_fetch_claude);
  ADD ("codex", test_fetch_codex);
  ADD ("copilot", test_fetch_copilot);
  ADD ("gemini-cli", test_fetch_gemini_cli);
  ADD ("kiro", test_fetch_kiro);
  ADD ("unauthorized", test_fetch_unauthorized);
  ADD ("rate-limited", test_fetch_rate_limited);
  ADD ("malformed", test_fetch_malformed);
  ADD ("too-large", test_fetch_too_large);
  ADD ("upstream-error", test_fetch_upstream_error);
  ADD ("not-supported", test_fetch_not_supported);
  ADD ("bad-token", test_fetch_bad_token);
  ADD ("cancelled", test_fetch_cancelled);
  ADD ("book/interval", test_book_interval);
  ADD ("book/failure-keeps-windows", test_book_failure_keeps_windows);
  ADD ("book/rate-limit-cooldown", test_book_rate_limit_cooldown);
  ADD ("book/one-flight", test_book_one_flight);
  ADD ("book/not-supported", test_book_not_supported);
  ADD ("book/codex-headers", test_book_codex_headers);
  ADD ("book/remove-in-flight", test_book_remove_in_flight);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Subscription quotas through the gateway: GET /api/providers/{id}/quota fetches a Codex
 * account's usage with its token and workspace and shows the windows (also in the account's
 * own JSON afterwards); an API-key account answers not_supported; and routing spends the quota
 * that resets soonest first, puts an exhausted account last, and keeps the strategy's order
 * when preferExpiringQuota is off. The quota endpoint is the mock upstream, reached through
 * the origin map.
 */
#include <string.h>

#include "sy-test-gateway-fixture.h"

typedef SyTestGatewayFixture Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(GUri) mock = NULL;
  g_autofree char *origin = NULL;

  sy_test_gateway_fixture_setup (f, data);
  mock = g_uri_parse (sy_mock_upstream_get_base_url (f->t->mock), G_URI_FLAGS_NONE, NULL);
  origin = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (mock));
  g_assert_true (sy_origin_map_add (sy_gateway_get_origin_map (f->t->gateway),
                                    "https://chatgpt.com", origin, NULL));
}

static JsonObject *
window_named (JsonObject *quota,
              const char *name)
{
  JsonArray *windows = json_object_get_array_member (quota, "windows");

  for (guint i = 0; i < json_array_get_length (windows); i++)
    {
      JsonObject *w = json_array_get_object_element (windows, i);

      if (g_strcmp0 (json_object_get_string_member (w, "name"), name) == 0)
        return w;
    }
  return NULL;
}

static void
test_codex_quota (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *id = sy_test_gateway_add_oauth_account (f->t, "codex", "access-0", NULL,
                                                           3600 * 1000,
                                                           "{\"workspaceId\":\"ws-9\"}", NULL);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "quota",
                                                 "codex-usage.json", NULL);
  g_autofree char *usage = NULL;
  SyMockBehaviour b = { 0 };
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) again = NULL;
  g_autoptr(SyTestResponse) account = NULL;
  JsonObject *quota, *five_hours;

  g_assert_true (g_file_get_contents (path, &usage, NULL, NULL));
  b.kind = SY_MOCK_JSON;
  b.body = usage;
  sy_mock_upstream_push (f->t->mock, &b);
  r = sy_test_gateway_api_printf (f->t, "GET", NULL, "/api/providers/%s/quota", id);
  g_assert_cmpuint (r->status, ==, 200);
  quota = json_node_get_object (r->json);
  g_assert_cmpstr (json_object_get_string_member (quota, "connectionId"), ==, id);
  g_assert_true (json_object_get_null_member (quota, "error"));
  five_hours = window_named (quota, "5h");
  g_assert_nonnull (five_hours);
  g_assert_cmpfloat (json_object_get_double_member (five_hours, "usedFraction"), >, 0);
  g_assert_nonnull (window_named (quota, "weekly"));
  g_assert_true (g_str_has_suffix (sy_mock_upstream_get_request (f->t->mock, 0)->path, "/backend-api/wham/usage"));
  g_assert_cmpstr (soup_message_headers_get_one (sy_mock_upstream_get_request (f->t->mock, 0)->headers,
                                                 "Authorization"), ==, "Bearer access-0");
  g_assert_cmpstr (soup_message_headers_get_one (sy_mock_upstream_get_request (f->t->mock, 0)->headers,
                                                 "chatgpt-account-id"), ==, "ws-9");

  /* Fresh: asked again, the book answers without a second fetch. */
  again = sy_test_gateway_api_printf (f->t, "GET", NULL, "/api/providers/%s/quota", id);
  g_assert_cmpuint (again->status, ==, 200);
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 1);
  /* And the account itself carries it. */
  account = sy_test_gateway_api_printf (f->t, "GET", NULL, "/api/providers/%s", id);
  g_assert_nonnull (window_named (json_object_get_object_member (json_node_get_object (account->json),
                                                                 "quota"), "5h"));
}

static void
test_api_key_not_supported (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *id = sy_test_gateway_add_account (f->t, "mock", "sk-test", 1, NULL);
  g_autoptr(SyTestResponse) r = sy_test_gateway_api_printf (f->t, "GET", NULL,
                                                            "/api/providers/%s/quota", id);
  g_autoptr(SyTestResponse) missing = sy_test_gateway_api (f->t, "GET",
                                                           "/api/providers/nope/quota", NULL);
  g_autoptr(SyTestResponse) other = sy_test_gateway_api_printf (f->t, "GET", NULL,
                                                                "/api/providers/%s/other", id);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (sy_test_response_get_string (r, "error.code"), ==, "not_supported");
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 0);
  g_assert_cmpuint (missing->status, ==, 404);
  g_assert_cmpuint (other->status, ==, 404);
}

/* Codex's usage headers, as if an answer of account id had carried them. */
static void
note_usage (Fixture    *f,
            const char *id,
            const char *used_percent,
            const char *reset_after_seconds)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(SyConnection) c = sy_connection_repo_lookup (sy_gateway_get_connections (f->t->gateway),
                                                        id);

  soup_message_headers_append (headers, "x-codex-primary-used-percent", used_percent);
  soup_message_headers_append (headers, "x-codex-primary-window-minutes", "300");
  soup_message_headers_append (headers, "x-codex-primary-reset-after-seconds",
                               reset_after_seconds);
  sy_quota_watch_note_answer (sy_gateway_get_quota_watch (f->t->gateway), c, headers);
}

static const char *
bearer_of_request (Fixture *f,
                   guint    i)
{
  return soup_message_headers_get_one (sy_mock_upstream_get_request (f->t->mock, i)->headers, "Authorization");
}

static void
chat_ok (Fixture *f)
{
  g_autoptr(SyTestResponse) r =
    sy_test_gateway_chat (f->t, "{\"model\":\"cx/gpt-5-codex\","
                                "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

  g_assert_cmpuint (r->status, ==, 200);
}

static void
test_expiring_quota_first (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *first = sy_test_gateway_add_oauth_account (f->t, "codex", "token-first", NULL,
                                                              3600 * 1000, NULL, NULL);
  g_autofree char *second = sy_test_gateway_add_oauth_account (f->t, "codex", "token-second",
                                                               NULL, 3600 * 1000, NULL, NULL);
  g_autoptr(SyTestResponse) off = NULL;
  g_autoptr(SyTestResponse) demoted = NULL;

  /* Without quota data the strategy decides: fill-first, priority 1 before priority 2. */
  demoted = sy_test_gateway_api_printf (f->t, "PATCH", "{\"priority\":2}", "/api/providers/%s",
                                        second);
  g_assert_cmpuint (demoted->status, ==, 200);
  chat_ok (f);
  g_assert_cmpstr (bearer_of_request (f, 0), ==, "Bearer token-first");

  /* The second account's window resets in ten minutes with quota left: it goes first. */
  note_usage (f, second, "40", "600");
  chat_ok (f);
  g_assert_cmpstr (bearer_of_request (f, 1), ==, "Bearer token-second");

  /* Spent: it goes last, whatever its reset. */
  note_usage (f, second, "100", "60");
  chat_ok (f);
  g_assert_cmpstr (bearer_of_request (f, 2), ==, "Bearer token-first");

  /* Off: the strategy's order again even with data saying otherwise. */
  note_usage (f, second, "10", "60");
  note_usage (f, first, "10", "86400");
  off = sy_test_gateway_api (f->t, "PATCH", "/api/settings", "{\"preferExpiringQuota\":false}");
  g_assert_cmpuint (off->status, ==, 200);
  chat_ok (f);
  g_assert_cmpstr (bearer_of_request (f, 3), ==, "Bearer token-first");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add ("/quota-api/" path, Fixture, NULL, setup, fn, \
                                  sy_test_gateway_fixture_teardown)
  ADD ("codex", test_codex_quota);
  ADD ("api-key-not-supported", test_api_key_not_supported);
  ADD ("expiring-quota-first", test_expiring_quota_first);
#undef ADD
  return g_test_run ();
}

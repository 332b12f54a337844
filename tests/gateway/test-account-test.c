/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * POST /api/providers/{id}/test against the mock upstream: an API-key account lists the
 * mock's models with its key in the provider's header (Bearer for an OpenAI-compatible node,
 * x-api-key and anthropic-version for Anthropic); a 401 and an unreachable base URL say what
 * went wrong in words; an OAuth account is tested through the token keeper (a fake refresher
 * here), which reports a revoked login, and fetches Codex's quota as the live check; an
 * unknown id is 404. Never a key in an answer.
 */
#include <string.h>

#include "sy-fake-refresher.h"
#include "sy-test-gateway-fixture.h"

typedef SyTestGatewayFixture Fixture;

static SyFakeRefresher *fake;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  sy_test_gateway_fixture_setup (f, data);
  fake = sy_fake_refresher_reset ();
  sy_token_keeper_set_refresher (sy_gateway_get_token_keeper (f->t->gateway),
                                 sy_fake_refresher_get ());
}

static SyTestResponse *
run_test (Fixture    *f,
          const char *id)
{
  SyTestResponse *r = sy_test_gateway_api_printf (f->t, "POST", "{}", "/api/providers/%s/test",
                                                  id);
  g_autofree char *body = sy_test_response_dup_body (r);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_null (strstr (body, "sk-"));
  return r;
}

static gboolean
member_is_null (SyTestResponse *r,
                const char     *name)
{
  JsonNode *node = json_object_get_member (sy_test_response_get_object (r), name);

  g_assert_nonnull (node);
  return JSON_NODE_HOLDS_NULL (node);
}

static gboolean
ok_of (SyTestResponse *r)
{
  return json_object_get_boolean_member (sy_test_response_get_object (r), "ok");
}

static void
test_api_key_ok (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *id = sy_test_gateway_add_account (f->t, "mk", "sk-test-123", 1, NULL);
  g_autoptr(SyTestResponse) r = run_test (f, id);
  SyMockRequest *seen;

  g_assert_true (ok_of (r));
  g_assert_cmpint (sy_test_response_get_int_member (r, "status"), ==, 200);
  g_assert_cmpint (sy_test_response_get_int_member (r, "models"), ==, 2);
  g_assert_cmpint (sy_test_response_get_int_member (r, "latencyMs"), >=, 0);
  g_assert_true (member_is_null (r, "error"));

  seen = sy_mock_upstream_get_request (f->t->mock, 0);
  g_assert_cmpstr (seen->method, ==, "GET");
  g_assert_cmpstr (seen->path, ==, "/v1/models");
  g_assert_cmpstr (soup_message_headers_get_one (seen->headers, "Authorization"), ==,
                   "Bearer sk-test-123");
}

static void
test_anthropic_headers (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *body = g_strdup_printf ("{\"provider\":\"anthropic\",\"apiKey\":\"sk-ant-9\","
                                           "\"baseUrl\":\"%s\"}",
                                           sy_mock_upstream_get_base_url (f->t->mock));
  g_autoptr(SyTestResponse) created = sy_test_gateway_api (f->t, "POST", "/api/providers", body);
  g_autoptr(SyTestResponse) r = NULL;
  SyMockRequest *seen;

  g_assert_cmpuint (created->status, ==, 201);
  r = run_test (f, sy_test_response_get_string (created, "id"));
  g_assert_true (ok_of (r));
  seen = sy_mock_upstream_get_request (f->t->mock, 0);
  g_assert_cmpstr (seen->path, ==, "/v1/models");
  g_assert_cmpstr (soup_message_headers_get_one (seen->headers, "x-api-key"), ==, "sk-ant-9");
  g_assert_nonnull (soup_message_headers_get_one (seen->headers, "anthropic-version"));
  g_assert_null (soup_message_headers_get_one (seen->headers, "Authorization"));
}

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *id = sy_test_gateway_add_account (f->t, "mk", "sk-bad", 1, NULL);
  g_autoptr(SyTestResponse) r = NULL;
  SyMockBehaviour b = { 0 };

  b.kind = SY_MOCK_STATUS;
  b.status = 401;
  b.body = "{\"error\":{\"message\":\"Incorrect API key provided: sk-bad\"}}";
  sy_mock_upstream_push (f->t->mock, &b);
  r = run_test (f, id);
  g_assert_false (ok_of (r));
  g_assert_cmpint (sy_test_response_get_int_member (r, "status"), ==, 401);
  g_assert_true (member_is_null (r, "models"));
  g_assert_nonnull (strstr (sy_test_response_get_string (r, "error"), "refused the API key"));
}

static void
test_unreachable (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *id = sy_test_gateway_add_account (f->t, "gone", "sk-x", 1,
                                                     "http://127.0.0.1:1/v1");
  g_autoptr(SyTestResponse) r = run_test (f, id);

  g_assert_false (ok_of (r));
  g_assert_true (member_is_null (r, "status"));
  g_assert_true (member_is_null (r, "models"));
  g_assert_true (g_str_has_prefix (sy_test_response_get_string (r, "error"),
                                   "could not reach the provider"));
}

static void
test_oauth_needs_login (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *id = sy_test_gateway_add_oauth_account (f->t, "codex", "access-0", NULL,
                                                           -60 * 1000,
                                                           "{\"workspaceId\":\"ws-1\"}", NULL);
  g_autoptr(SyTestResponse) first = NULL;
  g_autoptr(SyTestResponse) again = NULL;

  fake->answer = SY_FAKE_REFRESH_REVOKED;
  first = run_test (f, id);
  g_assert_false (ok_of (first));
  g_assert_true (member_is_null (first, "status"));
  g_assert_nonnull (strstr (sy_test_response_get_string (first, "error"),
                            "the refresh token was revoked"));
  g_assert_cmpuint (fake->calls, ==, 1);

  /* Now in the needs_login state: the reason again, without asking the token endpoint. */
  again = run_test (f, id);
  g_assert_false (ok_of (again));
  g_assert_nonnull (strstr (sy_test_response_get_string (again, "error"),
                            "the refresh token was revoked"));
  g_assert_cmpuint (fake->calls, ==, 1);
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 0);
}

static void
test_oauth_token_ok (Fixture       *f,
                     gconstpointer  data)
{
  /* Qwen tells no quota: a usable token is the whole check. */
  g_autofree char *id = sy_test_gateway_add_oauth_account (f->t, "qwen", "access-q", NULL,
                                                           3600 * 1000, NULL, NULL);
  g_autoptr(SyTestResponse) r = run_test (f, id);

  g_assert_true (ok_of (r));
  g_assert_true (member_is_null (r, "error"));
  g_assert_true (member_is_null (r, "models"));
  g_assert_cmpuint (fake->calls, ==, 0);
}

/* Codex tells its quota: fetching it with the token is the live check. Its endpoint is the
 * mock, through the origin map. */
static char *
add_codex_with_quota_endpoint (Fixture *f)
{
  g_autoptr(GUri) mock = g_uri_parse (sy_mock_upstream_get_base_url (f->t->mock),
                                      G_URI_FLAGS_NONE, NULL);
  g_autofree char *origin = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (mock));

  g_assert_true (sy_origin_map_add (sy_gateway_get_origin_map (f->t->gateway),
                                    "https://chatgpt.com", origin, NULL));
  return sy_test_gateway_add_oauth_account (f->t, "codex", "access-0", NULL, 3600 * 1000,
                                            "{\"workspaceId\":\"ws-9\"}", NULL);
}

static void
test_oauth_quota (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *id = add_codex_with_quota_endpoint (f);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "quota",
                                                 "codex-usage.json", NULL);
  g_autofree char *usage = NULL;
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) failed = NULL;
  SyMockBehaviour b = { 0 };

  g_assert_true (g_file_get_contents (path, &usage, NULL, NULL));
  b.kind = SY_MOCK_JSON;
  b.body = usage;
  sy_mock_upstream_push (f->t->mock, &b);
  r = run_test (f, id);
  g_assert_true (ok_of (r));
  g_assert_true (member_is_null (r, "error"));
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 1);
  g_assert_true (g_str_has_suffix (sy_mock_upstream_get_request (f->t->mock, 0)->path,
                                   "/backend-api/wham/usage"));
  g_assert_cmpstr (soup_message_headers_get_one (
                     sy_mock_upstream_get_request (f->t->mock, 0)->headers, "Authorization"),
                   ==, "Bearer access-0");

  /* The quota endpoint in trouble: not ok, in words. */
  b.kind = SY_MOCK_STATUS;
  b.status = 503;
  b.body = NULL;
  sy_mock_upstream_push (f->t->mock, &b);
  failed = run_test (f, id);
  g_assert_false (ok_of (failed));
  g_assert_nonnull (sy_test_response_get_string (failed, "error"));
}

static void
test_unknown_and_method (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *id = sy_test_gateway_add_account (f->t, "mk", "sk-test", 1, NULL);
  g_autoptr(SyTestResponse) missing = sy_test_gateway_api (f->t, "POST",
                                                           "/api/providers/nope/test", "{}");
  g_autoptr(SyTestResponse) get = sy_test_gateway_api_printf (f->t, "GET", NULL,
                                                              "/api/providers/%s/test", id);

  g_assert_cmpuint (missing->status, ==, 404);
  g_assert_cmpuint (get->status, ==, 405);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add ("/sy/gateway/account-test/" path, Fixture, NULL, setup, fn, \
                                  sy_test_gateway_fixture_teardown)
  ADD ("api-key/ok", test_api_key_ok);
  ADD ("api-key/anthropic-headers", test_anthropic_headers);
  ADD ("api-key/refused", test_refused);
  ADD ("api-key/unreachable", test_unreachable);
  ADD ("oauth/needs-login", test_oauth_needs_login);
  ADD ("oauth/token-ok", test_oauth_token_ok);
  ADD ("oauth/quota", test_oauth_quota);
  ADD ("unknown-and-method", test_unknown_and_method);
#undef ADD
  return g_test_run ();
}

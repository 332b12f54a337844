/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /api/oauth on the in-process gateway against the mock OAuth provider: start, follow, paste
 * and cancel logins; the stored account (row and secret) of a finished login, re-login of the
 * same account, validation, the bound on logins and their expiry. No token in any reply.
 */
#include <string.h>

#include "gateway/sy-oauth-logins.h"
#include "gateway/sy-token-keeper.h"
#include "providers/sy-oauth-refresh.h"
#include "providers/sy-token-bundle.h"
#include "sy-mock-oauth.h"
#include "sy-test-gateway.h"

typedef struct
{
  SyTestGateway *t;
  SyMockOAuth   *mock;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->t = sy_test_gateway_new ();
  f->mock = sy_mock_oauth_new (data);
  sy_mock_oauth_map (f->mock, sy_gateway_get_origin_map (f->t->gateway));
  sy_oauth_logins_set_test_options (sy_gateway_get_oauth_logins (f->t->gateway), 0, 5,
                                    SY_OAUTH_LOGINS_LIFETIME);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_pointer (&f->t, sy_test_gateway_free);
  g_assert_finalize_object (f->mock);
}

static void
assert_no_tokens (SyTestResponse *r)
{
  g_autofree char *body = sy_test_response_dup_body (r);

  g_assert_null (strstr (body, "at-1"));
  g_assert_null (strstr (body, "rt-1"));
  g_assert_null (strstr (body, "copilot-session"));
}

static SyTestResponse *
start (Fixture    *f,
       const char *provider,
       const char *body,
       guint       status)
{
  SyTestResponse *r = sy_test_gateway_api_printf (f->t, "POST", body, "/api/oauth/%s/start",
                                                  provider);

  if (r->status != status)
    g_printerr ("%s\n", sy_test_response_dup_body (r));
  g_assert_cmpuint (r->status, ==, status);
  return r;
}

/* GET the flow until it leaves the waiting states; returns the last answer. */
static SyTestResponse *
wait_finished (Fixture    *f,
               const char *flow_id)
{
  for (guint i = 0; i < 2000; i++)
    {
      g_autoptr(SyTestResponse) r = sy_test_gateway_api_printf (f->t, "GET", NULL,
                                                                "/api/oauth/flows/%s", flow_id);
      const char *state = sy_test_response_get_string (r, "state");

      g_assert_cmpuint (r->status, ==, 200);
      assert_no_tokens (r);
      if (g_strv_contains ((const char * const[]) { "done", "failed", "cancelled", NULL }, state))
        return g_steal_pointer (&r);
      sy_test_wait_ms (5);
    }
  g_assert_not_reached ();
}

/* The browser: GET url, following redirects or returning the Location. */
static char *
browse (Fixture    *f,
        const char *url,
        gboolean    follow)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;

  if (!follow)
    soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  body = sy_test_send_and_read (f->t->client, msg);
  if (!follow)
    return g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                   "Location"));
  return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

static SyTokenBundle *
stored_bundle (Fixture    *f,
               const char *connection_id)
{
  const char *secret = sy_credentials_peek (sy_gateway_get_credentials (f->t->gateway),
                                            connection_id);
  g_autoptr(GError) error = NULL;
  SyTokenBundle *bundle;

  g_assert_nonnull (secret);
  bundle = sy_token_bundle_parse (secret, &error);
  g_assert_no_error (error);
  return bundle;
}

static SyTestResponse *
get_connection (Fixture    *f,
                const char *id)
{
  SyTestResponse *r = sy_test_gateway_api_printf (f->t, "GET", NULL, "/api/providers/%s", id);

  g_assert_cmpuint (r->status, ==, 200);
  return r;
}

static guint
count_connections (Fixture *f)
{
  g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "GET", "/api/providers", NULL);

  return json_array_get_length (sy_test_response_get_array (r));
}

static void
test_codex_browser (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(SyTestResponse) started = start (f, "codex", "{\"method\":\"browser\"}", 201);
  g_autoptr(SyTestResponse) done = NULL;
  g_autoptr(SyTestResponse) row = NULL;
  g_autoptr(SyTokenBundle) bundle = NULL;
  g_autofree char *page = NULL;
  const char *flow_id = sy_test_response_get_string (started, "flowId");
  const char *connection_id;
  JsonObject *data_obj;

  g_assert_cmpstr (sy_test_response_get_string (started, "state"), ==, "waiting_for_browser");
  g_assert_cmpstr (sy_test_response_get_string (started, "provider"), ==, "codex");
  page = browse (f, sy_test_response_get_string (started, "authorizeUrl"), TRUE);
  g_assert_nonnull (strstr (page, "close this tab"));

  done = wait_finished (f, flow_id);
  g_assert_cmpstr (sy_test_response_get_string (done, "state"), ==, "done");
  g_assert_cmpstr (sy_test_response_get_string (done, "account"), ==, "dev@example.com");
  connection_id = sy_test_response_get_string (done, "connectionId");
  g_assert_nonnull (connection_id);

  row = get_connection (f, connection_id);
  g_assert_cmpstr (sy_test_response_get_string (row, "authType"), ==, "oauth");
  g_assert_cmpstr (sy_test_response_get_string (row, "authState"), ==, "ok");
  g_assert_cmpstr (sy_test_response_get_string (row, "account"), ==, "dev@example.com");
  g_assert_cmpstr (sy_test_response_get_string (row, "name"), ==, "dev@example.com");
  g_assert_cmpstr (sy_test_response_get_string (row, "providerData.workspaceId"), ==, "ws-123");
  g_assert_true (json_object_get_boolean_member (sy_test_response_get_object (row), "hasApiKey"));
  g_assert_cmpint (sy_test_response_get_int_member (row, "tokenExpiresAt"), >,
                   g_get_real_time () / 1000);
  assert_no_tokens (row);
  data_obj = json_object_get_object_member (sy_test_response_get_object (row), "providerData");
  g_assert_false (json_object_has_member (data_obj, "access_token"));

  bundle = stored_bundle (f, connection_id);
  g_assert_cmpstr (bundle->access_token, ==, "at-1");
  g_assert_cmpstr (bundle->refresh_token, ==, "rt-1");
  g_assert_nonnull (bundle->id_token);
}

static void
test_claude_paste (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(SyTestResponse) started = start (f, "cc", "{}", 201);
  g_autoptr(SyTestResponse) wrong = NULL;
  g_autoptr(SyTestResponse) pasted = NULL;
  g_autoptr(SyTestResponse) done = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *location = NULL;
  g_autofree char *body = NULL;
  const char *flow_id = sy_test_response_get_string (started, "flowId");

  g_assert_cmpstr (sy_test_response_get_string (started, "method"), ==, "browser");
  location = browse (f, sy_test_response_get_string (started, "authorizeUrl"), FALSE);
  uri = g_uri_parse (location, G_URI_FLAGS_ENCODED_QUERY, NULL);
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_WWW_FORM, NULL);

  wrong = sy_test_gateway_api_printf (f->t, "POST", "{\"code\":\"abc#other-state\"}",
                                      "/api/oauth/flows/%s/code", flow_id);
  g_assert_cmpuint (wrong->status, ==, 400);
  g_assert_true (g_str_has_prefix (sy_test_response_get_string (wrong, "error.message"), "code:"));

  body = g_strdup_printf ("{\"code\":\"%s#%s\"}", (char *) g_hash_table_lookup (params, "code"),
                          (char *) g_hash_table_lookup (params, "state"));
  pasted = sy_test_gateway_api_printf (f->t, "POST", body, "/api/oauth/flows/%s/code", flow_id);
  g_assert_cmpuint (pasted->status, ==, 202);
  done = wait_finished (f, flow_id);
  g_assert_cmpstr (sy_test_response_get_string (done, "state"), ==, "done");
  g_assert_cmpstr (sy_test_response_get_string (done, "account"), ==, "claude@example.com");
}

/* GitHub device login twice for the same account, the second time after the account was
 * marked needs_login: one connection, back to ok. Then by connectionId. */
static void
test_github_relogin (Fixture       *f,
                     gconstpointer  data)
{
  SyConnectionRepo *repo = sy_gateway_get_connections (f->t->gateway);
  g_autoptr(SyTestResponse) started = start (f, "github", "{\"method\":\"device\"}", 201);
  g_autoptr(SyTestResponse) done = NULL;
  g_autoptr(SyTestResponse) again = NULL;
  g_autoptr(SyTestResponse) done2 = NULL;
  g_autoptr(SyTestResponse) by_id = NULL;
  g_autoptr(SyTestResponse) done3 = NULL;
  g_autoptr(SyTestResponse) bad_id = NULL;
  g_autoptr(SyTestResponse) row = NULL;
  g_autoptr(SyConnection) current = NULL;
  g_autoptr(SyConnection) broken = NULL;
  g_autoptr(SyTokenBundle) bundle = NULL;
  g_autofree char *body = NULL;
  g_autofree char *connection_id = NULL;

  g_assert_cmpstr (sy_test_response_get_string (started, "state"), ==, "waiting_for_user_code");
  g_assert_cmpstr (sy_test_response_get_string (started, "userCode"), ==, "ABCD-1234");
  g_assert_cmpstr (sy_test_response_get_string (started, "verificationUri"), ==,
                   "https://example.test/device");
  g_assert_cmpint (sy_test_response_get_int_member (started, "expiresIn"), ==, 900);
  g_assert_cmpint (sy_test_response_get_int_member (started, "interval"), ==, 1);

  done = wait_finished (f, sy_test_response_get_string (started, "flowId"));
  g_assert_cmpstr (sy_test_response_get_string (done, "state"), ==, "done");
  connection_id = g_strdup (sy_test_response_get_string (done, "connectionId"));
  bundle = stored_bundle (f, connection_id);
  g_assert_cmpstr (bundle->session_token, ==, "copilot-session");

  /* The token keeper found the refresh token revoked. */
  current = sy_connection_repo_lookup (repo, connection_id);
  broken = sy_connection_copy (current);
  g_free (broken->auth_state);
  broken->auth_state = g_strdup ("needs_login");
  broken->auth_error = g_strdup ("the refresh token was revoked");
  g_assert_true (sy_connection_repo_save (repo, broken, NULL));

  sy_mock_oauth_set_device_script (f->mock, "ok");
  again = start (f, "gh", "{\"method\":\"device\"}", 201);
  done2 = wait_finished (f, sy_test_response_get_string (again, "flowId"));
  g_assert_cmpstr (sy_test_response_get_string (done2, "connectionId"), ==, connection_id);
  g_assert_cmpuint (count_connections (f), ==, 1);
  row = get_connection (f, connection_id);
  g_assert_cmpstr (sy_test_response_get_string (row, "authState"), ==, "ok");
  g_assert_true (json_node_is_null (json_object_get_member (sy_test_response_get_object (row),
                                                            "authError")));

  body = g_strdup_printf ("{\"method\":\"device\",\"connectionId\":\"%s\"}", connection_id);
  by_id = start (f, "github", body, 201);
  done3 = wait_finished (f, sy_test_response_get_string (by_id, "flowId"));
  g_assert_cmpstr (sy_test_response_get_string (done3, "connectionId"), ==, connection_id);
  g_assert_cmpuint (count_connections (f), ==, 1);

  bad_id = start (f, "github", "{\"method\":\"device\",\"connectionId\":\"nope\"}", 400);
  g_assert_true (g_str_has_prefix (sy_test_response_get_string (bad_id, "error.message"),
                                   "connectionId:"));
}

static void
test_validation (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SyTestResponse) unknown = start (f, "openai", "{}", 400);
  g_autoptr(SyTestResponse) method = start (f, "github", "{\"method\":\"browser\"}", 400);
  g_autoptr(SyTestResponse) bad_method = start (f, "codex", "{\"method\":\"telepathy\"}", 400);
  g_autoptr(SyTestResponse) extra = start (f, "codex", "{\"scope\":\"x\"}", 400);
  g_autoptr(SyTestResponse) missing = sy_test_gateway_api (f->t, "GET", "/api/oauth/flows/nope",
                                                           NULL);
  g_autoptr(SyTestResponse) no_auth = sy_test_gateway_request (f->t, "POST",
                                                               "/api/oauth/codex/start",
                                                               "application/json", "{}", -1,
                                                               NULL);

  g_assert_true (g_str_has_prefix (sy_test_response_get_string (unknown, "error.message"),
                                   "provider:"));
  g_assert_true (g_str_has_prefix (sy_test_response_get_string (method, "error.message"),
                                   "method:"));
  g_assert_true (g_str_has_prefix (sy_test_response_get_string (bad_method, "error.message"),
                                   "method"));
  g_assert_true (g_str_has_prefix (sy_test_response_get_string (extra, "error.message"), "scope"));
  g_assert_cmpuint (missing->status, ==, 404);
  g_assert_cmpuint (no_auth->status, ==, 401);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(SyTestResponse) started = NULL;
  g_autoptr(SyTestResponse) deleted = NULL;
  g_autoptr(SyTestResponse) gone = NULL;
  const char *flow_id;

  sy_mock_oauth_set_device_script (f->mock, "pending");
  started = start (f, "github", "{\"method\":\"device\"}", 201);
  flow_id = sy_test_response_get_string (started, "flowId");
  sy_test_wait_ms (30);
  deleted = sy_test_gateway_api_printf (f->t, "DELETE", NULL, "/api/oauth/flows/%s", flow_id);
  g_assert_cmpuint (deleted->status, ==, 204);
  gone = sy_test_gateway_api_printf (f->t, "GET", NULL, "/api/oauth/flows/%s", flow_id);
  g_assert_cmpuint (gone->status, ==, 404);
  g_assert_cmpuint (count_connections (f), ==, 0);
}

static void
test_failed (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(SyTestResponse) started = NULL;
  g_autoptr(SyTestResponse) done = NULL;

  sy_mock_oauth_set_device_script (f->mock, "pending,denied");
  started = start (f, "github", "{\"method\":\"device\"}", 201);
  done = wait_finished (f, sy_test_response_get_string (started, "flowId"));
  g_assert_cmpstr (sy_test_response_get_string (done, "state"), ==, "failed");
  g_assert_nonnull (strstr (sy_test_response_get_string (done, "error"), "access_denied"));
  g_assert_null (sy_test_response_get_string (done, "connectionId"));
  g_assert_cmpuint (count_connections (f), ==, 0);
}

static void
test_bounded (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(SyTestResponse) refused = NULL;

  /* Slower seconds: no code may expire (and make room) while the slots fill up. */
  sy_oauth_logins_set_test_options (sy_gateway_get_oauth_logins (f->t->gateway), 0, 100,
                                    SY_OAUTH_LOGINS_LIFETIME);
  sy_mock_oauth_set_device_script (f->mock, "pending");
  for (guint i = 0; i < SY_OAUTH_LOGINS_MAX; i++)
    {
      g_autoptr(SyTestResponse) r = start (f, "github", "{\"method\":\"device\"}", 201);
    }
  refused = start (f, "github", "{\"method\":\"device\"}", 503);
  g_assert_nonnull (strstr (sy_test_response_get_string (refused, "error.message"),
                            "in progress"));
}

static void
test_expiry (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(SyTestResponse) started = NULL;
  g_autoptr(SyTestResponse) gone = NULL;

  /* A browser login starts without a request, so the short lifetime cannot end it before
   * the start call answers, however slow the run. */
  sy_oauth_logins_set_test_options (sy_gateway_get_oauth_logins (f->t->gateway), 0, 5, 100);
  started = start (f, "codex", "{\"method\":\"browser\"}", 201);
  sy_test_wait_ms (300);
  gone = sy_test_gateway_api_printf (f->t, "GET", NULL, "/api/oauth/flows/%s",
                                     sy_test_response_get_string (started, "flowId"));
  g_assert_cmpuint (gone->status, ==, 404);
}

/* The production refresher of the token keeper is this module's API, as is. */
static const SyTokenRefresher oauth_refresher = {
  sy_oauth_refresh_async, sy_oauth_refresh_finish, sy_oauth_error_is_revoked,
  sy_oauth_refresh_lead_ms,
};

static void
kept_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  SyTokenBundle **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = sy_token_keeper_get_finish (SY_TOKEN_KEEPER (source), result, &error);
  g_assert_no_error (error);
}

/* A login through the API, then the token keeper refreshes it with the real refresher: the
 * rotated tokens reach the secret store. */
static void
test_keeper_refreshes_login (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(SyTestResponse) started = start (f, "qwen", "{}", 201);
  g_autoptr(SyTestResponse) done = wait_finished (f, sy_test_response_get_string (started, "flowId"));
  g_autoptr(SyTokenKeeper) keeper = sy_token_keeper_new (f->t->gateway, &oauth_refresher);
  g_autoptr(SyConnection) c = NULL;
  g_autoptr(SyTokenBundle) kept = NULL;
  g_autoptr(SyTokenBundle) stored = NULL;

  g_assert_cmpstr (sy_test_response_get_string (done, "state"), ==, "done");
  c = sy_connection_repo_lookup (sy_gateway_get_connections (f->t->gateway),
                                 sy_test_response_get_string (done, "connectionId"));
  g_assert_cmpstr (c->provider, ==, "qwen");
  sy_token_keeper_get_async (keeper, c, TRUE, NULL, kept_cb, &kept);
  while (kept == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (kept->access_token, ==, "at-2");
  g_assert_cmpstr (kept->refresh_token, ==, "rt-2");
  stored = stored_bundle (f, c->id);
  g_assert_cmpstr (stored->refresh_token, ==, "rt-2");
  sy_token_keeper_stop (keeper);
}

/* Codex's fixed port held by someone else: the login says why and still takes a pasted URL. */
static void
test_port_taken (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SoupServer) squatter = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;
  g_autoptr(SyTestResponse) started = NULL;
  g_autoptr(SyTestResponse) pasted = NULL;
  g_autoptr(SyTestResponse) done = NULL;
  g_autofree char *location = NULL;
  g_autofree char *body = NULL;

  soup_server_listen_local (squatter, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (squatter);
  sy_oauth_logins_set_test_options (sy_gateway_get_oauth_logins (f->t->gateway),
                                    g_uri_get_port (uris->data), 5, SY_OAUTH_LOGINS_LIFETIME);
  started = start (f, "codex", "{\"method\":\"browser\"}", 201);
  g_assert_cmpstr (sy_test_response_get_string (started, "state"), ==, "waiting_for_browser");
  g_assert_nonnull (strstr (sy_test_response_get_string (started, "callbackError"),
                            "cannot receive the login"));
  location = browse (f, sy_test_response_get_string (started, "authorizeUrl"), FALSE);
  body = g_strdup_printf ("{\"code\":\"%s\"}", location);
  pasted = sy_test_gateway_api_printf (f->t, "POST", body, "/api/oauth/flows/%s/code",
                                       sy_test_response_get_string (started, "flowId"));
  g_assert_cmpuint (pasted->status, ==, 202);
  done = wait_finished (f, sy_test_response_get_string (started, "flowId"));
  g_assert_cmpstr (sy_test_response_get_string (done, "state"), ==, "done");
  soup_server_disconnect (squatter);
}

#define ADD(path, provider, func) \
  g_test_add ("/sy/gateway/oauth-api/" path, Fixture, provider, setup, func, teardown)

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("codex-browser-stores-account", "codex", test_codex_browser);
  ADD ("claude-pasted-code", "claude", test_claude_paste);
  ADD ("github-relogin-same-account", "github", test_github_relogin);
  ADD ("validation", "github", test_validation);
  ADD ("cancel", "github", test_cancel);
  ADD ("failed", "github", test_failed);
  ADD ("bounded", "github", test_bounded);
  ADD ("expiry", "github", test_expiry);
  ADD ("keeper-refreshes-login", "qwen", test_keeper_refreshes_login);
  ADD ("codex-port-taken", "codex", test_port_taken);
  return g_test_run ();
}

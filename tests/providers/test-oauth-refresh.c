/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy_oauth_refresh_async against the mock provider: rotation, Google's kept refresh token,
 * Codex without scope, Kiro's registered client, iFlow's key read again, the Copilot session
 * token, and the error classes (REVOKED, TRANSIENT). Also the pure helpers: PKCE, JWT claims,
 * lead times.
 */
#include <string.h>

#include "providers/sy-oauth-refresh.h"
#include "sy-mock-oauth.h"

typedef struct
{
  SyMockOAuth   *mock;
  SyOriginMap   *map;
  SoupSession   *session;
  SyTokenBundle *result;
  GError        *error;
  gboolean       done;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(GProxyResolver) no_proxy = g_simple_proxy_resolver_new (NULL, NULL);

  f->mock = sy_mock_oauth_new (data);
  f->map = sy_origin_map_new ();
  sy_mock_oauth_map (f->mock, f->map);
  f->session = g_object_new (SOUP_TYPE_SESSION, "proxy-resolver", no_proxy, "timeout", 30, NULL);
  g_setenv ("SWITCHYARD_GEMINI_CLI_CLIENT_SECRET", "test-google-secret", TRUE);
  g_setenv ("SWITCHYARD_IFLOW_CLIENT_SECRET", "test-iflow-secret", TRUE);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_pointer (&f->result, sy_token_bundle_free);
  g_clear_error (&f->error);
  g_clear_object (&f->session);
  g_assert_finalize_object (f->map);
  g_assert_finalize_object (f->mock);
}

static void
refreshed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Fixture *f = user_data;

  f->result = sy_oauth_refresh_finish (result, &f->error);
  f->done = TRUE;
}

static void
refresh (Fixture             *f,
         const char          *provider,
         const SyTokenBundle *bundle,
         const char          *data)
{
  g_clear_pointer (&f->result, sy_token_bundle_free);
  g_clear_error (&f->error);
  f->done = FALSE;
  sy_oauth_refresh_async (f->session, f->map, provider, bundle, data, NULL, refreshed_cb, f);
  while (!f->done)
    g_main_context_iteration (NULL, TRUE);
}

static SyTokenBundle *
old_bundle (void)
{
  SyTokenBundle *b = sy_token_bundle_new ();

  b->access_token = g_strdup ("at-old");
  b->refresh_token = g_strdup ("rt-old");
  b->expires_at = 1;
  return b;
}

static void
test_rotate (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(SyTokenBundle) old = old_bundle ();
  const char *token_path = g_str_equal (data, "claude") ? "/v1/oauth/token"
                           : g_str_equal (data, "qwen") ? "/api/v1/oauth2/token" : "/oauth/token";

  refresh (f, data, old, NULL);
  g_assert_no_error (f->error);
  g_assert_cmpstr (f->result->access_token, ==, "at-1");
  g_assert_cmpstr (f->result->refresh_token, ==, "rt-1");
  g_assert_cmpint (f->result->expires_at, >, g_get_real_time () / 1000);
  g_assert_cmpstr (sy_mock_oauth_get_param (f->mock, token_path, "grant_type"), ==, "refresh_token");
  g_assert_cmpstr (sy_mock_oauth_get_param (f->mock, token_path, "refresh_token"), ==, "rt-old");
  g_assert_nonnull (sy_mock_oauth_get_param (f->mock, token_path, "client_id"));
  /* Codex: deliberately without scope (Auth0 would revoke sibling token families). */
  g_assert_null (sy_mock_oauth_get_param (f->mock, token_path, "scope"));
}

static void
test_google_keeps_refresh_token (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(SyTokenBundle) old = old_bundle ();

  refresh (f, "gemini-cli", old, "{\"projectId\":\"p\"}");
  g_assert_no_error (f->error);
  g_assert_cmpstr (f->result->access_token, ==, "at-1");
  g_assert_cmpstr (f->result->refresh_token, ==, "rt-old");
  g_assert_cmpstr (sy_mock_oauth_get_param (f->mock, "/token", "client_secret"), ==,
                   "test-google-secret");
}

static void
test_kiro (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(SyTokenBundle) old = old_bundle ();

  old->client_secret = g_strdup ("kiro-secret");
  refresh (f, "kiro", old, "{\"clientId\":\"kiro-client\",\"region\":\"us-east-1\"}");
  g_assert_no_error (f->error);
  g_assert_cmpstr (f->result->access_token, ==, "at-1");
  g_assert_cmpstr (f->result->refresh_token, ==, "rt-1");
  g_assert_cmpstr (sy_mock_oauth_get_param (f->mock, "/token", "grantType"), ==, "refresh_token");
  /* The secret survives the refresh (the answer does not repeat it). */
  g_assert_cmpstr (f->result->client_secret, ==, "kiro-secret");

  refresh (f, "kiro", old, "{}");
  g_assert_error (f->error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_REVOKED);
}

static void
test_iflow (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(SyTokenBundle) old = old_bundle ();

  old->api_key = g_strdup ("sk-old");
  refresh (f, "iflow", old, NULL);
  g_assert_no_error (f->error);
  g_assert_cmpstr (f->result->api_key, ==, "sk-iflow-1");
  g_assert_cmpstr (f->result->refresh_token, ==, "rt-1");
  g_assert_cmpuint (sy_mock_oauth_get_hits (f->mock, "/api/oauth/getUserInfo"), ==, 1);
}

static void
test_github_copilot (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(SyTokenBundle) old = sy_token_bundle_new ();

  old->access_token = g_strdup ("at-github");
  refresh (f, "github", old, NULL);
  g_assert_no_error (f->error);
  g_assert_cmpstr (f->result->access_token, ==, "at-github");
  g_assert_cmpstr (f->result->session_token, ==, "copilot-session");
  g_assert_cmpint (f->result->session_expires_at, >, g_get_real_time () / 1000);
  g_assert_cmpstr (sy_token_bundle_get_bearer (f->result), ==, "copilot-session");
  g_assert_false (sy_oauth_refresh_due ("github", f->result, g_get_real_time () / 1000));
  g_assert_true (sy_oauth_refresh_due ("github", f->result,
                                       f->result->session_expires_at - 4 * 60 * 1000));

  /* A GitHub token that no longer works: the mock answers 401. */
  g_free (old->access_token);
  old->access_token = g_strdup ("revoked");
  refresh (f, "github", old, NULL);
  g_assert_error (f->error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_REVOKED);
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(SyTokenBundle) old = old_bundle ();

  sy_mock_oauth_set_refresh (f->mock, SY_MOCK_REFRESH_INVALID_GRANT);
  refresh (f, "codex", old, NULL);
  g_assert_error (f->error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_REVOKED);
  g_assert_true (sy_oauth_error_is_revoked (f->error));
  g_assert_null (strstr (f->error->message, "rt-old"));

  sy_mock_oauth_set_refresh (f->mock, SY_MOCK_REFRESH_UNAUTHORIZED);
  refresh (f, "codex", old, NULL);
  g_assert_error (f->error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_REVOKED);

  sy_mock_oauth_set_refresh (f->mock, SY_MOCK_REFRESH_SERVER_ERROR);
  refresh (f, "codex", old, NULL);
  g_assert_error (f->error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_TRANSIENT);
  g_assert_false (sy_oauth_error_is_revoked (f->error));

  g_clear_pointer (&old->refresh_token, g_free);
  refresh (f, "codex", old, NULL);
  g_assert_error (f->error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_REVOKED);
}

static void
test_unreachable (void)
{
  g_autoptr(GProxyResolver) no_proxy = g_simple_proxy_resolver_new (NULL, NULL);
  g_autoptr(SoupSession) session = g_object_new (SOUP_TYPE_SESSION, "proxy-resolver", no_proxy, NULL);
  g_autoptr(SyOriginMap) map = sy_origin_map_new ();
  g_autoptr(SyTokenBundle) old = old_bundle ();
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *origin = NULL;
  Fixture f = { 0 };

  /* A port that was bound and is closed again: connection refused. */
  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  origin = g_strdup_printf ("http://127.0.0.1:%u",
                            g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);
  g_assert_true (sy_origin_map_add (map, "https://auth.openai.com", origin, NULL));
  sy_oauth_refresh_async (session, map, "codex", old, NULL, NULL, refreshed_cb, &f);
  while (!f.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (f.error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_TRANSIENT);
  g_clear_error (&f.error);
}

static void
test_helpers (void)
{
  g_autofree char *challenge =
    sy_oauth_pkce_challenge ("the-verifier-0123456789abcdefghijklmnopqrstuv");
  g_autofree char *verifier = sy_oauth_pkce_verifier ();
  g_autoptr(JsonObject) claims = sy_oauth_jwt_claims (
    "eyJhbGciOiJub25lIn0.eyJlbWFpbCI6ImFAYi5jIiwieCI6MX0.c2ln");
  g_autoptr(SyTokenBundle) bundle = sy_token_bundle_new ();
  g_autofree char *expanded = NULL;

  /* S256 computed independently (Python hashlib + urlsafe base64, padding stripped). */
  g_assert_cmpstr (challenge, ==, "raw3RWq3uAxUwM0sWAEgKNrtWMrah7myB91EXFGIytY");
  g_assert_cmpuint (strlen (verifier), ==, 43);
  g_assert_null (strchr (verifier, '='));
  g_assert_nonnull (claims);
  g_assert_cmpstr (json_object_get_string_member (claims, "email"), ==, "a@b.c");
  g_assert_null (sy_oauth_jwt_claims ("not a jwt"));
  g_assert_null (sy_oauth_jwt_claims ("a.!!!.c"));

  g_assert_cmpint (sy_oauth_refresh_lead_ms ("claude"), ==, 5 * 60 * 1000);
  g_assert_cmpint (sy_oauth_refresh_lead_ms ("codex"), ==, 5 * 60 * 1000);
  g_assert_cmpint (sy_oauth_refresh_lead_ms ("qwen"), ==, 5 * 60 * 1000);
  g_assert_cmpint (sy_oauth_refresh_lead_ms ("kiro"), ==, 5 * 60 * 1000);
  g_assert_cmpint (sy_oauth_refresh_lead_ms ("github"), ==, 5 * 60 * 1000);
  g_assert_cmpint (sy_oauth_refresh_lead_ms ("gemini-cli"), ==, 15 * 60 * 1000);
  g_assert_cmpint (sy_oauth_refresh_lead_ms ("iflow"), ==, 24 * 60 * 60 * 1000);
  g_assert_cmpint (sy_oauth_refresh_lead_ms ("if"), ==, 24 * 60 * 60 * 1000);

  bundle->access_token = g_strdup ("a");
  g_assert_false (sy_oauth_refresh_due ("claude", bundle, 1000));  /* unknown expiry */
  bundle->expires_at = 10 * 60 * 1000;
  g_assert_false (sy_oauth_refresh_due ("claude", bundle, 4 * 60 * 1000));
  g_assert_true (sy_oauth_refresh_due ("claude", bundle, 6 * 60 * 1000));
  g_assert_true (sy_oauth_refresh_due ("gemini-cli", bundle, 0));

  g_assert_nonnull (sy_oauth_provider_lookup ("cx"));
  g_assert_cmpstr (sy_oauth_provider_lookup ("gc")->id, ==, "gemini-cli");
  g_assert_null (sy_oauth_provider_lookup ("openai"));
  expanded = sy_oauth_expand_url ("https://oidc.{region}.amazonaws.com/token", "eu-west-1");
  g_assert_cmpstr (expanded, ==, "https://oidc.eu-west-1.amazonaws.com/token");
}

#define ADD(path, provider, func) \
  g_test_add ("/sy/providers/oauth-refresh/" path, Fixture, provider, setup, func, teardown)

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("claude-rotates", "claude", test_rotate);
  ADD ("codex-rotates-without-scope", "codex", test_rotate);
  ADD ("qwen-rotates", "qwen", test_rotate);
  ADD ("google-keeps-refresh-token", "gemini-cli", test_google_keeps_refresh_token);
  ADD ("kiro-registered-client", "kiro", test_kiro);
  ADD ("iflow-reads-key-again", "iflow", test_iflow);
  ADD ("github-copilot-session", "github", test_github_copilot);
  ADD ("errors", "codex", test_errors);
  g_test_add_func ("/sy/providers/oauth-refresh/unreachable", test_unreachable);
  g_test_add_func ("/sy/providers/oauth-refresh/helpers", test_helpers);
  return g_test_run ();
}

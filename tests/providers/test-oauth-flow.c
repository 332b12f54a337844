/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyOAuthFlow against the mock OAuth provider: every provider's login end to end (browser
 * with the loopback redirect or a pasted code, device polling with pending and slow_down),
 * PKCE checked by the mock, failures (expired, denied, taken port) and cancellation.
 */
#include <string.h>

#include "providers/sy-oauth-flow.h"
#include "sy-mock-oauth.h"
#include "sy-test-gateway.h"

typedef struct
{
  SyMockOAuth *mock;
  SyOriginMap *map;
  SoupSession *session;
  SyOAuthFlow *flow;
  GArray      *states;
} Fixture;

static void
state_cb (SyOAuthFlow *flow,
          GParamSpec  *pspec,
          gpointer     user_data)
{
  Fixture *f = user_data;
  SyOAuthFlowState state = sy_oauth_flow_get_state (flow);

  g_array_append_val (f->states, state);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(GProxyResolver) no_proxy = g_simple_proxy_resolver_new (NULL, NULL);

  f->mock = sy_mock_oauth_new (data);
  f->map = sy_origin_map_new ();
  sy_mock_oauth_map (f->mock, f->map);
  f->session = g_object_new (SOUP_TYPE_SESSION, "proxy-resolver", no_proxy, "timeout", 30, NULL);
  f->states = g_array_new (FALSE, FALSE, sizeof (SyOAuthFlowState));
  g_setenv ("SWITCHYARD_GEMINI_CLI_CLIENT_SECRET", "test-google-secret", TRUE);
  g_setenv ("SWITCHYARD_IFLOW_CLIENT_SECRET", "test-iflow-secret", TRUE);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  if (f->flow != NULL)
    {
      sy_oauth_flow_cancel (f->flow);
      /* Requests in flight hold a reference until their cancellation is delivered. */
      for (guint i = 0; i < 50; i++)
        g_main_context_iteration (NULL, FALSE);
      g_assert_finalize_object (f->flow);
    }
  g_array_unref (f->states);
  g_clear_object (&f->session);
  g_assert_finalize_object (f->map);
  g_assert_finalize_object (f->mock);
}

static gboolean
timeout_cb (gpointer user_data)
{
  g_error ("timed out waiting for the flow");
  return G_SOURCE_REMOVE;
}

static void
wait_for (SyOAuthFlow      *flow,
          SyOAuthFlowState  state)
{
  guint id = g_timeout_add_seconds (20, timeout_cb, NULL);

  while (sy_oauth_flow_get_state (flow) != state && !sy_oauth_flow_is_finished (flow))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
  if (sy_oauth_flow_get_state (flow) != state && sy_oauth_flow_get_error (flow) != NULL)
    g_printerr ("flow failed: %s\n", sy_oauth_flow_get_error (flow)->message);
  g_assert_cmpstr (sy_oauth_flow_state_to_string (sy_oauth_flow_get_state (flow)), ==,
                   sy_oauth_flow_state_to_string (state));
}

static void
start (Fixture       *f,
       const char    *provider,
       SyOAuthMethod  method)
{
  g_autoptr(GError) error = NULL;

  f->flow = sy_oauth_flow_new (f->session, f->map, provider, method, &error);
  g_assert_no_error (error);
  g_object_set (f->flow, "callback-port", 0, "second-ms", 5, NULL);
  g_signal_connect (f->flow, "notify::state", G_CALLBACK (state_cb), f);
  sy_oauth_flow_start (f->flow);
}

/* GET url; with follow FALSE returns the Location, else the body of the last hop. */
static char *
browse (Fixture    *f,
        const char *url,
        gboolean    follow)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;

  if (!follow)
    soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  body = sy_test_send_and_read (f->session, msg);
  if (!follow)
    {
      g_assert_cmpuint (soup_message_get_status (msg), ==, 302);
      return g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                     "Location"));
    }
  return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

/* The loopback port the authorize URL's redirect_uri names. */
static guint
redirect_port (SyOAuthFlow *flow)
{
  g_autoptr(GUri) uri = g_uri_parse (sy_oauth_flow_get_authorize_url (flow), G_URI_FLAGS_ENCODED_QUERY,
                                     NULL);
  g_autoptr(GHashTable) params = g_uri_parse_params (g_uri_get_query (uri), -1, "&",
                                                     G_URI_PARAMS_WWW_FORM, NULL);
  g_autoptr(GUri) redirect = g_uri_parse (g_hash_table_lookup (params, "redirect_uri"),
                                          G_URI_FLAGS_NONE, NULL);

  return (guint) g_uri_get_port (redirect);
}

static gboolean
port_is_free (guint port)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);

  return g_socket_bind (socket, address, TRUE, NULL) && g_socket_listen (socket, NULL);
}

static gboolean
seen (Fixture          *f,
      SyOAuthFlowState  state)
{
  for (guint i = 0; i < f->states->len; i++)
    if (g_array_index (f->states, SyOAuthFlowState, i) == state)
      return TRUE;
  return FALSE;
}

static void
assert_data (SyOAuthFlow *flow,
             const char  *name,
             const char  *value)
{
  g_autoptr(JsonNode) node = json_from_string (sy_oauth_flow_get_provider_data (flow), NULL);

  g_assert_nonnull (node);
  g_assert_cmpstr (json_object_get_string_member_with_default (json_node_get_object (node), name,
                                                               NULL), ==, value);
}

static void
test_claude_paste (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *location = NULL;
  g_autofree char *pasted = NULL;
  g_autofree char *wrong = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;
  const char *url;

  start (f, "claude", SY_OAUTH_METHOD_BROWSER);
  wait_for (f->flow, SY_OAUTH_FLOW_WAITING_FOR_BROWSER);
  url = sy_oauth_flow_get_authorize_url (f->flow);
  g_assert_true (g_str_has_prefix (url, sy_mock_oauth_get_origin (f->mock)));
  g_assert_nonnull (strstr (url, "code_challenge_method=S256"));
  g_assert_nonnull (strstr (url, "client_id=9d1c250a-e61b-44d9-88ed-5944d1962f5e"));
  g_assert_nonnull (strstr (url, "code=true"));

  location = browse (f, url, FALSE);
  g_assert_true (g_str_has_prefix (location, "https://platform.claude.com/oauth/code/callback?"));
  uri = g_uri_parse (location, G_URI_FLAGS_ENCODED_QUERY, NULL);
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_WWW_FORM, NULL);

  wrong = g_strdup_printf ("%s#not-this-state", (char *) g_hash_table_lookup (params, "code"));
  g_assert_false (sy_oauth_flow_submit_code (f->flow, wrong, &error));
  g_assert_error (error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_INVALID);
  g_assert_cmpint (sy_oauth_flow_get_state (f->flow), ==, SY_OAUTH_FLOW_WAITING_FOR_BROWSER);

  pasted = g_strdup_printf ("  %s#%s\n", (char *) g_hash_table_lookup (params, "code"),
                            (char *) g_hash_table_lookup (params, "state"));
  g_assert_true (sy_oauth_flow_submit_code (f->flow, pasted, NULL));
  wait_for (f->flow, SY_OAUTH_FLOW_DONE);
  g_assert_cmpstr (sy_oauth_flow_get_account (f->flow), ==, "claude@example.com");
  g_assert_cmpstr (sy_oauth_flow_get_bundle (f->flow)->access_token, ==, "at-1");
  g_assert_cmpstr (sy_oauth_flow_get_bundle (f->flow)->refresh_token, ==, "rt-1");
  g_assert_cmpint (sy_oauth_flow_get_bundle (f->flow)->expires_at, >, g_get_real_time () / 1000);
  assert_data (f->flow, "organizationId", "org-uuid");
  /* The exchange was JSON with the state, as Claude Code sends it. */
  g_assert_nonnull (sy_mock_oauth_get_param (f->mock, "/v1/oauth/token", "state"));
  g_assert_true (seen (f, SY_OAUTH_FLOW_EXCHANGING));
}

static void
test_codex_loopback (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *page = NULL;
  guint port;

  start (f, "codex", SY_OAUTH_METHOD_BROWSER);
  wait_for (f->flow, SY_OAUTH_FLOW_WAITING_FOR_BROWSER);
  g_assert_null (sy_oauth_flow_get_callback_error (f->flow));
  port = redirect_port (f->flow);
  g_assert_cmpuint (port, >, 0);
  g_assert_false (port_is_free (port));
  g_assert_nonnull (strstr (sy_oauth_flow_get_authorize_url (f->flow), "originator=codex_cli_rs"));
  g_assert_nonnull (strstr (sy_oauth_flow_get_authorize_url (f->flow),
                            "redirect_uri=http%3A%2F%2Flocalhost%3A"));
  page = browse (f, sy_oauth_flow_get_authorize_url (f->flow), TRUE);
  g_assert_nonnull (strstr (page, "You can close this tab"));
  wait_for (f->flow, SY_OAUTH_FLOW_DONE);
  g_assert_cmpstr (sy_oauth_flow_get_account (f->flow), ==, "dev@example.com");
  assert_data (f->flow, "workspaceId", "ws-123");
  assert_data (f->flow, "planType", "plus");
  g_assert_nonnull (sy_oauth_flow_get_bundle (f->flow)->id_token);
  /* The callback server is gone with the login: its port is free again. */
  g_assert_true (port_is_free (port));
}

/* A redirect carrying another login's state (a forged link) ends the login, unexchanged. */
static void
test_callback_wrong_state (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *url = NULL;
  g_autofree char *page = NULL;

  start (f, "codex", SY_OAUTH_METHOD_BROWSER);
  wait_for (f->flow, SY_OAUTH_FLOW_WAITING_FOR_BROWSER);
  url = g_strdup_printf ("http://127.0.0.1:%u/auth/callback?code=forged&state=forged",
                         redirect_port (f->flow));
  page = browse (f, url, TRUE);
  wait_for (f->flow, SY_OAUTH_FLOW_FAILED);
  g_assert_error (sy_oauth_flow_get_error (f->flow), SY_OAUTH_ERROR, SY_OAUTH_ERROR_INVALID);
  g_assert_cmpuint (sy_mock_oauth_get_hits (f->mock, "/oauth/token"), ==, 0);
}

static void
test_codex_port_taken (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(SoupServer) squatter = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;
  g_autofree char *location = NULL;
  int port;

  soup_server_listen_local (squatter, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (squatter);
  port = g_uri_get_port (uris->data);

  f->flow = sy_oauth_flow_new (f->session, f->map, "codex", SY_OAUTH_METHOD_BROWSER, &error);
  g_object_set (f->flow, "callback-port", port, "second-ms", 5, NULL);
  sy_oauth_flow_start (f->flow);
  wait_for (f->flow, SY_OAUTH_FLOW_WAITING_FOR_BROWSER);
  g_assert_error (sy_oauth_flow_get_callback_error (f->flow), SY_OAUTH_ERROR,
                  SY_OAUTH_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (sy_oauth_flow_get_callback_error (f->flow)->message, "Paste"));

  /* The browser lands on whoever holds the port; the user pastes that URL. */
  location = browse (f, sy_oauth_flow_get_authorize_url (f->flow), FALSE);
  g_assert_true (sy_oauth_flow_submit_code (f->flow, location, NULL));
  wait_for (f->flow, SY_OAUTH_FLOW_DONE);
  g_assert_cmpstr (sy_oauth_flow_get_account (f->flow), ==, "dev@example.com");
  soup_server_disconnect (squatter);
}

static void
test_codex_device (Fixture       *f,
                   gconstpointer  data)
{
  sy_mock_oauth_set_device_script (f->mock, "pending,pending,ok");
  start (f, "codex", SY_OAUTH_METHOD_DEVICE);
  wait_for (f->flow, SY_OAUTH_FLOW_WAITING_FOR_USER_CODE);
  g_assert_cmpstr (sy_oauth_flow_get_user_code (f->flow), ==, "ABCD-1234");
  g_assert_cmpstr (sy_oauth_flow_get_verification_uri (f->flow), ==,
                   "https://auth.openai.com/codex/device");
  g_assert_cmpint (sy_oauth_flow_get_interval (f->flow), ==, 1);
  wait_for (f->flow, SY_OAUTH_FLOW_DONE);
  g_assert_true (seen (f, SY_OAUTH_FLOW_POLLING));
  g_assert_cmpuint (sy_mock_oauth_get_hits (f->mock, "/api/accounts/deviceauth/token"), ==, 3);
  g_assert_cmpstr (sy_oauth_flow_get_account (f->flow), ==, "dev@example.com");
  assert_data (f->flow, "workspaceId", "ws-123");
}

static void
test_gemini (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *page = NULL;
  gboolean onboarding = GPOINTER_TO_INT (g_strrstr (g_test_get_path (), "onboard") != NULL);

  sy_mock_oauth_set_google_onboarding (f->mock, onboarding);
  start (f, "gemini-cli", SY_OAUTH_METHOD_BROWSER);
  wait_for (f->flow, SY_OAUTH_FLOW_WAITING_FOR_BROWSER);
  g_assert_nonnull (strstr (sy_oauth_flow_get_authorize_url (f->flow),
                            "redirect_uri=http%3A%2F%2F127.0.0.1%3A"));
  g_assert_nonnull (strstr (sy_oauth_flow_get_authorize_url (f->flow), "access_type=offline"));
  page = browse (f, sy_oauth_flow_get_authorize_url (f->flow), TRUE);
  wait_for (f->flow, SY_OAUTH_FLOW_DONE);
  g_assert_cmpstr (sy_oauth_flow_get_account (f->flow), ==, "gemini@example.com");
  assert_data (f->flow, "projectId", onboarding ? "proj-onboarded" : "proj-existing");
  g_assert_cmpuint (sy_mock_oauth_get_hits (f->mock, "/v1internal:onboardUser"), ==, onboarding ? 1 : 0);
  g_assert_cmpstr (sy_mock_oauth_get_param (f->mock, "/token", "client_secret"), ==,
                   "test-google-secret");
  if (onboarding)
    g_assert_cmpstr (sy_mock_oauth_get_param (f->mock, "/v1internal:onboardUser", "tierId"), ==,
                     "standard-tier");
}

static void
test_gemini_no_secret (Fixture       *f,
                       gconstpointer  data)
{
  g_unsetenv ("SWITCHYARD_GEMINI_CLI_CLIENT_SECRET");
  start (f, "gemini-cli", SY_OAUTH_METHOD_BROWSER);
  wait_for (f->flow, SY_OAUTH_FLOW_FAILED);
  g_assert_error (sy_oauth_flow_get_error (f->flow), SY_OAUTH_ERROR, SY_OAUTH_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (sy_oauth_flow_get_error (f->flow)->message,
                            "SWITCHYARD_GEMINI_CLI_CLIENT_SECRET"));
}

static void
test_github_device (Fixture       *f,
                    gconstpointer  data)
{
  const SyTokenBundle *bundle;

  start (f, "github", SY_OAUTH_METHOD_DEVICE);
  wait_for (f->flow, SY_OAUTH_FLOW_WAITING_FOR_USER_CODE);
  g_assert_cmpstr (sy_oauth_flow_get_verification_uri (f->flow), ==, "https://example.test/device");
  g_assert_cmpint (sy_oauth_flow_get_expires_in (f->flow), ==, 900);
  wait_for (f->flow, SY_OAUTH_FLOW_DONE);
  /* pending, then slow_down (+5 s), then the token. */
  g_assert_true (seen (f, SY_OAUTH_FLOW_POLLING));
  g_assert_cmpint (sy_oauth_flow_get_interval (f->flow), ==, 6);
  g_assert_cmpuint (sy_mock_oauth_get_hits (f->mock, "/login/oauth/access_token"), ==, 3);
  g_assert_cmpstr (sy_mock_oauth_get_param (f->mock, "/login/oauth/access_token", "grant_type"), ==,
                   "urn:ietf:params:oauth:grant-type:device_code");
  g_assert_cmpstr (sy_oauth_flow_get_account (f->flow), ==, "octocat");
  bundle = sy_oauth_flow_get_bundle (f->flow);
  g_assert_cmpstr (bundle->session_token, ==, "copilot-session");
  g_assert_cmpint (bundle->session_expires_at, >, g_get_real_time () / 1000);
}

static void
test_qwen_device (Fixture       *f,
                  gconstpointer  data)
{
  start (f, "qwen", SY_OAUTH_METHOD_DEVICE);
  wait_for (f->flow, SY_OAUTH_FLOW_DONE);
  /* The mock refuses a poll whose code_verifier does not match the device request's challenge. */
  g_assert_cmpstr (sy_mock_oauth_get_param (f->mock, "/api/v1/oauth2/device/code",
                                            "code_challenge_method"), ==, "S256");
  assert_data (f->flow, "resourceUrl", "portal.qwen.ai");
  g_assert_null (sy_oauth_flow_get_account (f->flow));
}

static void
test_kiro_device (Fixture       *f,
                  gconstpointer  data)
{
  start (f, "kiro", SY_OAUTH_METHOD_DEVICE);
  wait_for (f->flow, SY_OAUTH_FLOW_DONE);
  g_assert_cmpuint (sy_mock_oauth_get_hits (f->mock, "/client/register"), ==, 1);
  g_assert_cmpstr (sy_mock_oauth_get_param (f->mock, "/client/register", "clientType"), ==, "public");
  assert_data (f->flow, "clientId", "kiro-client");
  /* The registered client's secret goes with the tokens (the keyring), not the account data. */
  g_assert_cmpstr (sy_oauth_flow_get_bundle (f->flow)->client_secret, ==, "kiro-secret");
  g_assert_null (strstr (sy_oauth_flow_get_provider_data (f->flow), "kiro-secret"));
  assert_data (f->flow, "region", "us-east-1");
  g_assert_cmpstr (sy_oauth_flow_get_bundle (f->flow)->refresh_token, ==, "rt-1");
}

static void
test_iflow (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *page = NULL;

  start (f, "iflow", SY_OAUTH_METHOD_BROWSER);
  wait_for (f->flow, SY_OAUTH_FLOW_WAITING_FOR_BROWSER);
  g_assert_nonnull (strstr (sy_oauth_flow_get_authorize_url (f->flow), "loginMethod=phone"));
  page = browse (f, sy_oauth_flow_get_authorize_url (f->flow), TRUE);
  wait_for (f->flow, SY_OAUTH_FLOW_DONE);
  g_assert_cmpstr (sy_oauth_flow_get_bundle (f->flow)->api_key, ==, "sk-iflow-1");
  g_assert_cmpstr (sy_oauth_flow_get_account (f->flow), ==, "iflow@example.com");
}

static void
test_device_failure (Fixture       *f,
                     gconstpointer  data)
{
  gboolean expired = g_strrstr (g_test_get_path (), "expired") != NULL;
  SyOAuthError code = expired ? SY_OAUTH_ERROR_EXPIRED : SY_OAUTH_ERROR_DENIED;

  sy_mock_oauth_set_device_script (f->mock, expired ? "pending,expired" : "denied");
  start (f, "github", SY_OAUTH_METHOD_DEVICE);
  wait_for (f->flow, SY_OAUTH_FLOW_FAILED);
  g_assert_error (sy_oauth_flow_get_error (f->flow), SY_OAUTH_ERROR, (int) code);
  g_assert_null (sy_oauth_flow_get_bundle (f->flow));
}

static void
test_browser_denied (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *page = NULL;

  sy_mock_oauth_set_deny (f->mock, TRUE);
  start (f, "codex", SY_OAUTH_METHOD_BROWSER);
  wait_for (f->flow, SY_OAUTH_FLOW_WAITING_FOR_BROWSER);
  page = browse (f, sy_oauth_flow_get_authorize_url (f->flow), TRUE);
  g_assert_nonnull (strstr (page, "Login failed"));
  wait_for (f->flow, SY_OAUTH_FLOW_FAILED);
  g_assert_error (sy_oauth_flow_get_error (f->flow), SY_OAUTH_ERROR, SY_OAUTH_ERROR_DENIED);
}

static void
test_cancel_polling (Fixture       *f,
                     gconstpointer  data)
{
  guint hits;

  sy_mock_oauth_set_device_script (f->mock, "pending");
  start (f, "github", SY_OAUTH_METHOD_DEVICE);
  wait_for (f->flow, SY_OAUTH_FLOW_POLLING);
  sy_oauth_flow_cancel (f->flow);
  g_assert_cmpint (sy_oauth_flow_get_state (f->flow), ==, SY_OAUTH_FLOW_CANCELLED);
  g_assert_false (sy_oauth_flow_submit_code (f->flow, "x", NULL));
  hits = sy_mock_oauth_get_hits (f->mock, "/login/oauth/access_token");
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_usleep (30000);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  /* No poll after the cancel (one may have been on the wire already). */
  g_assert_cmpuint (sy_mock_oauth_get_hits (f->mock, "/login/oauth/access_token"), <=, hits + 1);
  g_assert_cmpint (sy_oauth_flow_get_state (f->flow), ==, SY_OAUTH_FLOW_CANCELLED);
}

static void
test_unsupported (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;

  g_assert_null (sy_oauth_flow_new (session, NULL, "openai", SY_OAUTH_METHOD_BROWSER, &error));
  g_assert_error (error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (sy_oauth_flow_new (session, NULL, "github", SY_OAUTH_METHOD_BROWSER, &error));
  g_assert_error (error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (sy_oauth_flow_new (session, NULL, "cc", SY_OAUTH_METHOD_DEVICE, &error));
  g_assert_error (error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_INVALID);
}

#define ADD(path, provider, func) \
  g_test_add ("/sy/providers/oauth-flow/" path, Fixture, provider, setup, func, teardown)

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("claude-paste", "claude", test_claude_paste);
  ADD ("codex-loopback", "codex", test_codex_loopback);
  ADD ("codex-port-taken", "codex", test_codex_port_taken);
  ADD ("callback-wrong-state", "codex", test_callback_wrong_state);
  ADD ("codex-device", "codex", test_codex_device);
  ADD ("gemini-existing-project", "gemini-cli", test_gemini);
  ADD ("gemini-onboard", "gemini-cli", test_gemini);
  ADD ("gemini-no-secret", "gemini-cli", test_gemini_no_secret);
  ADD ("github-device", "github", test_github_device);
  ADD ("qwen-device-pkce", "qwen", test_qwen_device);
  ADD ("kiro-builder-id", "kiro", test_kiro_device);
  ADD ("iflow", "iflow", test_iflow);
  ADD ("device-expired", "github", test_device_failure);
  ADD ("device-denied", "github", test_device_failure);
  ADD ("browser-denied", "codex", test_browser_denied);
  ADD ("cancel-polling", "github", test_cancel_polling);
  g_test_add_func ("/sy/providers/oauth-flow/unsupported", test_unsupported);
  return g_test_run ();
}

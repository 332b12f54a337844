/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyOAuthFlow, browser logins: PKCE (S256) and state, the authorize URL, the loopback callback
 * (or a pasted code, code#state or callback URL), and the authorization-code exchange. A code
 * whose state is not this login's is refused. Codes and verifiers are never logged.
 */
#define G_LOG_DOMAIN "sy-providers"

#include "sy-oauth-flow-private.h"

#include <string.h>

#include "core/sy-crypto.h"

static void
append_param (GString    *url,
              const char *name,
              const char *value)
{
  if (value == NULL)
    return;
  g_string_append_c (url, strchr (url->str, '?') ? '&' : '?');
  g_string_append_uri_escaped (url, name, NULL, FALSE);
  g_string_append_c (url, '=');
  g_string_append_uri_escaped (url, value, NULL, FALSE);
}

static char *
build_authorize_url (SyOAuthFlow *self)
{
  const SyOAuthProvider *p = self->provider;
  g_autofree char *base = sy_origin_map_rewrite (self->map, p->authorize_url);
  g_autofree char *challenge = self->verifier ? sy_oauth_pkce_challenge (self->verifier) : NULL;
  GString *url = g_string_new (base);

  if (p->authorize_extra != NULL)
    g_string_append_printf (url, "%s%s", strchr (url->str, '?') ? "&" : "?", p->authorize_extra);
  append_param (url, "response_type", "code");
  append_param (url, "client_id", p->client_id);
  append_param (url, p->redirect_param, self->redirect_uri);
  append_param (url, "scope", p->scope);
  append_param (url, "code_challenge", challenge);
  append_param (url, "code_challenge_method", challenge ? "S256" : NULL);
  append_param (url, "state", self->state_param);
  return g_string_free (url, FALSE);
}

static void
exchanged_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SyOAuthFlow) self = user_data;
  g_autoptr(GError) error = NULL;
  JsonObject *answer = sy_oauth_http_fetch_finish (result, &error);

  if (answer == NULL)
    _sy_oauth_flow_fail (self, g_steal_pointer (&error));
  else
    _sy_oauth_flow_take_tokens (self, answer);
}

static void
exchange_code (SyOAuthFlow *self,
               const char  *code)
{
  const SyOAuthProvider *p = self->provider;
  const char *secret = sy_oauth_provider_get_secret (p);
  g_autoptr(SoupMessage) msg = NULL;

  _sy_oauth_flow_set_state (self, SY_OAUTH_FLOW_EXCHANGING);
  if (p->exchange_body == SY_OAUTH_BODY_JSON)
    {
      g_autoptr(JsonObject) body = json_object_new ();

      json_object_set_string_member (body, "grant_type", "authorization_code");
      json_object_set_string_member (body, "code", code);
      json_object_set_string_member (body, "state", self->state_param);
      json_object_set_string_member (body, "client_id", p->client_id);
      json_object_set_string_member (body, "redirect_uri", self->redirect_uri);
      if (self->verifier != NULL)
        json_object_set_string_member (body, "code_verifier", self->verifier);
      msg = sy_oauth_http_json (self->map, p->token_url,
                                json_node_init_object (json_node_alloc (), body));
    }
  else
    msg = sy_oauth_http_form (self->map, p->token_url,
                              "grant_type", "authorization_code",
                              "code", code,
                              "redirect_uri", self->redirect_uri,
                              "client_id", p->client_id,
                              "client_secret", secret,
                              "code_verifier", self->verifier,
                              NULL);
  if (p->basic_auth)
    {
      g_autofree char *pair = g_strdup_printf ("%s:%s", p->client_id, secret ? secret : "");
      g_autofree char *basic = g_base64_encode ((const guchar *) pair, strlen (pair));

      sy_oauth_http_authorize (msg, "Basic", basic);
    }
  sy_oauth_http_fetch_async (self->session, msg, "token exchange", self->cancellable,
                             exchanged_cb, g_object_ref (self));
}

/* What came back from the browser, by redirect or paste. FALSE (flow unchanged) for input
 * that does not fit; a provider's error ends the flow. */
static gboolean
take_result (SyOAuthFlow  *self,
             const char   *code,
             const char   *state,
             const char   *error_code,
             GError      **error)
{
  if (error_code != NULL)
    {
      _sy_oauth_flow_fail (self, g_error_new (SY_OAUTH_ERROR, SY_OAUTH_ERROR_DENIED,
                                              "the provider refused the login: %s", error_code));
      return TRUE;
    }
  if (code == NULL || *code == '\0')
    {
      g_set_error (error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_INVALID,
                   "code: no authorization code in it; paste the code or the whole URL the "
                   "browser ended on");
      return FALSE;
    }
  if (state != NULL && !sy_constant_time_equal (state, self->state_param))
    {
      g_set_error (error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_INVALID,
                   "code: it belongs to another login (state mismatch); start again or paste "
                   "this login's code");
      return FALSE;
    }
  exchange_code (self, code);
  return TRUE;
}

static void
received_cb (SyOAuthCallback *callback,
             GHashTable      *query,
             gpointer         user_data)
{
  SyOAuthFlow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (self->state != SY_OAUTH_FLOW_WAITING_FOR_BROWSER)
    return;
  if (!take_result (self, g_hash_table_lookup (query, "code"), g_hash_table_lookup (query, "state"),
                    g_hash_table_lookup (query, "error"), &error))
    _sy_oauth_flow_fail (self, g_steal_pointer (&error));
}

gboolean
_sy_oauth_flow_submit_browser (SyOAuthFlow  *self,
                               const char   *input,
                               GError      **error)
{
  g_autofree char *text = g_strstrip (g_strdup (input));
  g_autoptr(GHashTable) params = NULL;
  char *hash;

  if (strstr (text, "://") != NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_ENCODED_QUERY, NULL);

      if (uri == NULL || g_uri_get_query (uri) == NULL ||
          (params = g_uri_parse_params (g_uri_get_query (uri), -1, "&",
                                        G_URI_PARAMS_WWW_FORM, NULL)) == NULL)
        {
          g_set_error (error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_INVALID,
                       "code: not a callback URL with a query");
          return FALSE;
        }
      return take_result (self, g_hash_table_lookup (params, "code"),
                          g_hash_table_lookup (params, "state"),
                          g_hash_table_lookup (params, "error"), error);
    }
  if ((hash = strchr (text, '#')) != NULL)
    *hash++ = '\0';
  return take_result (self, text, hash, NULL, error);
}

void
_sy_oauth_flow_start_browser (SyOAuthFlow *self)
{
  const SyOAuthProvider *p = self->provider;

  if (p->pkce)
    self->verifier = sy_oauth_pkce_verifier ();
  self->state_param = sy_random_token ("", 24);

  if (p->browser == SY_OAUTH_BROWSER_LOOPBACK)
    {
      guint port = self->callback_port >= 0 ? (guint) self->callback_port : p->callback_port;

      self->callback = sy_oauth_callback_new (p->callback_path);
      if (sy_oauth_callback_listen (self->callback, port, &self->callback_error))
        {
          port = sy_oauth_callback_get_port (self->callback);
          self->callback_handler = g_signal_connect (self->callback, "received",
                                                     G_CALLBACK (received_cb), self);
        }
      else
        {
          g_message ("%s login: %s", p->id, self->callback_error->message);
          g_clear_object (&self->callback);
        }
      {
        g_auto(GStrv) parts = g_strsplit (p->redirect_uri, "{port}", -1);
        g_autofree char *number = g_strdup_printf ("%u", port);

        self->redirect_uri = g_strjoinv (number, parts);
      }
    }
  else
    self->redirect_uri = g_strdup (p->redirect_uri);

  self->authorize_url = build_authorize_url (self);
  _sy_oauth_flow_set_state (self, SY_OAUTH_FLOW_WAITING_FOR_BROWSER);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyOAuthFlow, device logins: RFC 8628 (GitHub; Qwen with PKCE), OpenAI's deviceauth variant
 * (a code exchange at the end) and AWS SSO OIDC for Kiro (a registered client first). Polls at
 * the provider's interval, slow_down adds 5 s, the code's lifetime bounds it all. Device codes
 * and tokens are never logged.
 */
#define G_LOG_DOMAIN "sy-providers"

#include "sy-oauth-flow-private.h"

#define DEVICE_GRANT          "urn:ietf:params:oauth:grant-type:device_code"
#define OPENAI_DEVICE_REDIRECT "https://auth.openai.com/deviceauth/callback"
#define AWS_START_URL         "https://view.awsapps.com/start"
#define AWS_ISSUER            "https://identitycenter.amazonaws.com/ssoins-722374e8c3c8e6c6"
#define DEFAULT_INTERVAL      5
#define DEFAULT_EXPIRES_IN    900

static void schedule_poll (SyOAuthFlow *self);

static const char *
first_string (JsonObject *obj,
              const char *a,
              const char *b,
              const char *c)
{
  const char *value = sy_oauth_json_string (obj, a);

  if (value == NULL && b != NULL)
    value = sy_oauth_json_string (obj, b);
  if (value == NULL && c != NULL)
    value = sy_oauth_json_string (obj, c);
  return value;
}

/* A number member that may come as a string ("interval": "5"); fallback when absent. */
static int
int_member (JsonObject *obj,
            const char *a,
            const char *b,
            int         fallback)
{
  JsonNode *node = json_object_get_member (obj, a);

  if (node == NULL && b != NULL)
    node = json_object_get_member (obj, b);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return (int) CLAMP (json_node_get_int (node), 0, 86400);
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return (int) CLAMP (g_ascii_strtoll (json_node_get_string (node), NULL, 10), 0, 86400);
  return fallback;
}

static gboolean
expired_cb (gpointer user_data)
{
  SyOAuthFlow *self = user_data;

  self->expiry_id = 0;
  _sy_oauth_flow_fail (self, g_error_new (SY_OAUTH_ERROR, SY_OAUTH_ERROR_EXPIRED,
                                          "the code expired before the login was approved; "
                                          "start again"));
  return G_SOURCE_REMOVE;
}

static void
tokens_cb (GObject      *source,
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

/* The poll succeeded: tokens, or (OpenAI) a code to exchange. */
static void
approved (SyOAuthFlow *self,
          JsonObject  *answer)
{
  const SyOAuthProvider *p = self->provider;

  g_clear_handle_id (&self->expiry_id, g_source_remove);
  if (p->device == SY_OAUTH_DEVICE_OPENAI)
    {
      g_autoptr(SoupMessage) msg = NULL;

      _sy_oauth_flow_set_state (self, SY_OAUTH_FLOW_EXCHANGING);
      msg = sy_oauth_http_form (self->map, p->token_url,
                                "grant_type", "authorization_code",
                                "code", sy_oauth_json_string (answer, "authorization_code"),
                                "redirect_uri", OPENAI_DEVICE_REDIRECT,
                                "client_id", p->client_id,
                                "code_verifier", sy_oauth_json_string (answer, "code_verifier"),
                                NULL);
      sy_oauth_http_fetch_async (self->session, msg, "token exchange", self->cancellable,
                                 tokens_cb, g_object_ref (self));
      return;
    }
  if (p->device == SY_OAUTH_DEVICE_AWS)
    {
      self->login.data = json_object_new ();
      json_object_set_string_member (self->login.data, "authMethod", "builder-id");
      json_object_set_string_member (self->login.data, "region", self->region);
      json_object_set_string_member (self->login.data, "startUrl", AWS_START_URL);
      json_object_set_string_member (self->login.data, "clientId", self->client_id);
      _sy_oauth_flow_take_tokens (self, _sy_oauth_aws_to_standard (answer));
      /* The registered client's secret is a secret: it goes to the keyring with the tokens,
       * never to the account's provider data (the database, its exports). */
      if (self->login.bundle != NULL)
        self->login.bundle->client_secret = g_strdup (self->client_secret);
      return;
    }
  _sy_oauth_flow_take_tokens (self, json_object_ref (answer));
}

static void
polled_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SyOAuthFlow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SyOAuthReply) reply = sy_oauth_http_send_finish (result, &error);
  const char *code;

  if (sy_oauth_flow_is_finished (self))
    return;
  if (reply == NULL)
    {
      if (g_error_matches (error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_TRANSIENT))
        schedule_poll (self);  /* the code's lifetime still bounds it */
      else
        _sy_oauth_flow_fail (self, g_steal_pointer (&error));
      return;
    }
  code = sy_oauth_reply_get_error (reply);
  if (g_strcmp0 (code, "authorization_pending") == 0 ||
      g_strcmp0 (code, "AuthorizationPendingException") == 0 ||
      (self->provider->device == SY_OAUTH_DEVICE_OPENAI &&
       (reply->status == SOUP_STATUS_FORBIDDEN || reply->status == SOUP_STATUS_NOT_FOUND)))
    {
      _sy_oauth_flow_set_state (self, SY_OAUTH_FLOW_POLLING);
      schedule_poll (self);
      return;
    }
  if (g_strcmp0 (code, "slow_down") == 0 || g_strcmp0 (code, "SlowDownException") == 0)
    {
      self->interval += 5;
      _sy_oauth_flow_set_state (self, SY_OAUTH_FLOW_POLLING);
      schedule_poll (self);
      return;
    }
  if (!sy_oauth_reply_check (reply, "device login", &error))
    {
      if (g_error_matches (error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_TRANSIENT))
        schedule_poll (self);
      else
        _sy_oauth_flow_fail (self, g_steal_pointer (&error));
      return;
    }
  approved (self, reply->json);
}

static gboolean
poll_cb (gpointer user_data)
{
  SyOAuthFlow *self = user_data;
  const SyOAuthProvider *p = self->provider;
  g_autofree char *url = sy_oauth_expand_url (p->device_token_url, self->region);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(JsonObject) body = NULL;

  self->poll_id = 0;
  switch (p->device)
    {
    case SY_OAUTH_DEVICE_OPENAI:
      body = json_object_new ();
      json_object_set_string_member (body, "device_auth_id", self->device_code);
      json_object_set_string_member (body, "user_code", self->user_code);
      break;
    case SY_OAUTH_DEVICE_AWS:
      body = json_object_new ();
      json_object_set_string_member (body, "clientId", self->client_id);
      json_object_set_string_member (body, "clientSecret", self->client_secret);
      json_object_set_string_member (body, "deviceCode", self->device_code);
      json_object_set_string_member (body, "grantType", DEVICE_GRANT);
      break;
    case SY_OAUTH_DEVICE_RFC8628:
    case SY_OAUTH_DEVICE_NONE:
    default:
      msg = sy_oauth_http_form (self->map, url, "grant_type", DEVICE_GRANT,
                                "client_id", p->client_id, "device_code", self->device_code,
                                "code_verifier", self->verifier, NULL);
      break;
    }
  if (msg == NULL)
    msg = sy_oauth_http_json (self->map, url, json_node_init_object (json_node_alloc (), body));
  sy_oauth_http_send_async (self->session, msg, self->cancellable, polled_cb,
                            g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
schedule_poll (SyOAuthFlow *self)
{
  g_clear_handle_id (&self->poll_id, g_source_remove);
  self->poll_id = g_timeout_add ((guint) MAX (self->interval, 0) * self->second_ms, poll_cb, self);
}

static void
device_code_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SyOAuthFlow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = sy_oauth_http_fetch_finish (result, &error);
  const char *device_code, *user_code, *uri;

  if (answer == NULL)
    {
      _sy_oauth_flow_fail (self, g_steal_pointer (&error));
      return;
    }
  device_code = first_string (answer, "device_code", "device_auth_id", "deviceCode");
  user_code = first_string (answer, "user_code", "usercode", "userCode");
  uri = first_string (answer, "verification_uri", "verificationUri", "verification_url");
  if (uri == NULL)
    uri = first_string (answer, "verification_uri_complete", "verificationUriComplete", NULL);
  if (device_code == NULL || user_code == NULL)
    {
      _sy_oauth_flow_fail (self, g_error_new (SY_OAUTH_ERROR, SY_OAUTH_ERROR_PROTOCOL,
                                              "device login: the answer lacks a device or "
                                              "user code"));
      return;
    }
  self->device_code = g_strdup (device_code);
  self->user_code = g_strdup (user_code);
  self->verification_uri = g_strdup (uri != NULL ? uri : self->provider->verification_uri);
  self->expires_in = int_member (answer, "expires_in", "expiresIn", DEFAULT_EXPIRES_IN);
  self->interval = int_member (answer, "interval", NULL, DEFAULT_INTERVAL);
  if (self->expires_in <= 0)
    self->expires_in = DEFAULT_EXPIRES_IN;
  self->expiry_id = g_timeout_add ((guint) self->expires_in * self->second_ms, expired_cb, self);
  _sy_oauth_flow_set_state (self, SY_OAUTH_FLOW_WAITING_FOR_USER_CODE);
  schedule_poll (self);
}

static void
request_device_code (SyOAuthFlow *self)
{
  const SyOAuthProvider *p = self->provider;
  g_autofree char *url = sy_oauth_expand_url (p->device_url, self->region);
  g_autofree char *challenge = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(JsonObject) body = json_object_new ();

  switch (p->device)
    {
    case SY_OAUTH_DEVICE_OPENAI:
      json_object_set_string_member (body, "client_id", p->client_id);
      break;
    case SY_OAUTH_DEVICE_AWS:
      json_object_set_string_member (body, "clientId", self->client_id);
      json_object_set_string_member (body, "clientSecret", self->client_secret);
      json_object_set_string_member (body, "startUrl", AWS_START_URL);
      break;
    case SY_OAUTH_DEVICE_RFC8628:
    case SY_OAUTH_DEVICE_NONE:
    default:
      if (p->pkce)
        {
          self->verifier = sy_oauth_pkce_verifier ();
          challenge = sy_oauth_pkce_challenge (self->verifier);
        }
      msg = sy_oauth_http_form (self->map, url, "client_id", p->client_id, "scope", p->scope,
                                "code_challenge", challenge,
                                "code_challenge_method", challenge ? "S256" : NULL, NULL);
      break;
    }
  if (msg == NULL)
    msg = sy_oauth_http_json (self->map, url, json_node_init_object (json_node_alloc (), body));
  sy_oauth_http_fetch_async (self->session, msg, "device code", self->cancellable,
                             device_code_cb, g_object_ref (self));
}

static void
registered_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SyOAuthFlow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = sy_oauth_http_fetch_finish (result, &error);

  if (answer == NULL)
    {
      _sy_oauth_flow_fail (self, g_steal_pointer (&error));
      return;
    }
  self->client_id = g_strdup (sy_oauth_json_string (answer, "clientId"));
  self->client_secret = g_strdup (sy_oauth_json_string (answer, "clientSecret"));
  if (self->client_id == NULL || self->client_secret == NULL)
    {
      _sy_oauth_flow_fail (self, g_error_new (SY_OAUTH_ERROR, SY_OAUTH_ERROR_PROTOCOL,
                                              "client registration: no clientId or "
                                              "clientSecret in the answer"));
      return;
    }
  request_device_code (self);
}

void
_sy_oauth_flow_start_device (SyOAuthFlow *self)
{
  const SyOAuthProvider *p = self->provider;
  g_autoptr(JsonBuilder) b = NULL;
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_auto(GStrv) scopes = NULL;

  if (p->device != SY_OAUTH_DEVICE_AWS)
    {
      request_device_code (self);
      return;
    }
  self->region = g_strdup ("us-east-1");
  url = sy_oauth_expand_url (p->register_url, self->region);
  scopes = g_strsplit (p->scope, " ", -1);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "clientName");
  json_builder_add_string_value (b, "kiro-oauth-client");
  json_builder_set_member_name (b, "clientType");
  json_builder_add_string_value (b, "public");
  json_builder_set_member_name (b, "scopes");
  json_builder_begin_array (b);
  for (guint i = 0; scopes[i] != NULL; i++)
    json_builder_add_string_value (b, scopes[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "grantTypes");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, DEVICE_GRANT);
  json_builder_add_string_value (b, "refresh_token");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "issuerUrl");
  json_builder_add_string_value (b, AWS_ISSUER);
  json_builder_end_object (b);
  msg = sy_oauth_http_json (self->map, url, json_builder_get_root (b));
  sy_oauth_http_fetch_async (self->session, msg, "client registration", self->cancellable,
                             registered_cb, g_object_ref (self));
}

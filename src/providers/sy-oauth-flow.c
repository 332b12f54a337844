/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The login state machine. Browser flows: PKCE + state, an authorize URL, the loopback
 * callback or a pasted code, then the code exchange. Device flows (sy-oauth-device.c): a user
 * code, then polling. Both end in the profile chain (sy-oauth-profile.c). Every request is
 * async and cancellable; tokens and codes are never logged.
 */
#define G_LOG_DOMAIN "sy-providers"

#include "sy-oauth-flow-private.h"

#include <string.h>

G_DEFINE_FINAL_TYPE (SyOAuthFlow, sy_oauth_flow, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_CALLBACK_PORT,
  PROP_SECOND_MS,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static const char * const state_names[] = {
  "starting", "waiting_for_browser", "waiting_for_user_code", "polling", "exchanging",
  "done", "failed", "cancelled",
};

const char *
sy_oauth_flow_state_to_string (SyOAuthFlowState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (state_names), NULL);

  return state_names[state];
}

static void
stop_io (SyOAuthFlow *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_handle_id (&self->expiry_id, g_source_remove);
  if (self->callback != NULL)
    {
      g_clear_signal_handler (&self->callback_handler, self->callback);
      sy_oauth_callback_stop (self->callback);
      g_clear_object (&self->callback);
    }
}

void
_sy_oauth_flow_set_state (SyOAuthFlow      *self,
                          SyOAuthFlowState  state)
{
  if (self->state == state || sy_oauth_flow_is_finished (self))
    return;
  self->state = state;
  if (sy_oauth_flow_is_finished (self))
    stop_io (self);
  g_debug ("%s login %p: %s", self->provider->id, (void *) self, state_names[state]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
_sy_oauth_flow_fail (SyOAuthFlow *self,
                     GError      *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || sy_oauth_flow_is_finished (self))
    {
      g_error_free (error);
      return;
    }
  g_clear_error (&self->error);
  self->error = error;
  _sy_oauth_flow_set_state (self, SY_OAUTH_FLOW_FAILED);
}

static void
sy_oauth_flow_dispose (GObject *object)
{
  SyOAuthFlow *self = SY_OAUTH_FLOW (object);

  stop_io (self);
  g_clear_object (&self->session);
  g_clear_object (&self->map);
  G_OBJECT_CLASS (sy_oauth_flow_parent_class)->dispose (object);
}

static void
sy_oauth_flow_finalize (GObject *object)
{
  SyOAuthFlow *self = SY_OAUTH_FLOW (object);

  g_clear_object (&self->cancellable);
  g_clear_error (&self->error);
  g_clear_error (&self->callback_error);
  g_free (self->verifier);
  g_free (self->state_param);
  g_free (self->redirect_uri);
  g_free (self->authorize_url);
  g_free (self->device_code);
  g_free (self->user_code);
  g_free (self->verification_uri);
  g_free (self->region);
  g_free (self->client_id);
  g_free (self->client_secret);
  g_free (self->provider_data);
  g_clear_pointer (&self->login.bundle, sy_token_bundle_free);
  g_clear_pointer (&self->login.token_response, json_object_unref);
  g_clear_pointer (&self->login.data, json_object_unref);
  g_free (self->login.account);
  G_OBJECT_CLASS (sy_oauth_flow_parent_class)->finalize (object);
}

static void
sy_oauth_flow_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SyOAuthFlow *self = SY_OAUTH_FLOW (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_CALLBACK_PORT:
      g_value_set_int (value, self->callback_port);
      break;
    case PROP_SECOND_MS:
      g_value_set_uint (value, self->second_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sy_oauth_flow_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SyOAuthFlow *self = SY_OAUTH_FLOW (object);

  switch (prop_id)
    {
    case PROP_CALLBACK_PORT:
      self->callback_port = g_value_get_int (value);
      break;
    case PROP_SECOND_MS:
      self->second_ms = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sy_oauth_flow_class_init (SyOAuthFlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_oauth_flow_dispose;
  object_class->finalize = sy_oauth_flow_finalize;
  object_class->get_property = sy_oauth_flow_get_property;
  object_class->set_property = sy_oauth_flow_set_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, SY_OAUTH_FLOW_STARTING, SY_OAUTH_FLOW_CANCELLED,
                      SY_OAUTH_FLOW_STARTING,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CALLBACK_PORT] =
    g_param_spec_int ("callback-port", NULL, NULL, -1, 65535, -1,
                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SECOND_MS] =
    g_param_spec_uint ("second-ms", NULL, NULL, 1, 1000, 1000,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sy_oauth_flow_init (SyOAuthFlow *self)
{
  self->callback_port = -1;
  self->second_ms = 1000;
  self->cancellable = g_cancellable_new ();
}

SyOAuthFlow *
sy_oauth_flow_new (SoupSession    *session,
                   SyOriginMap    *map,
                   const char     *provider_id,
                   SyOAuthMethod   method,
                   GError        **error)
{
  const SyOAuthProvider *provider = sy_oauth_provider_lookup (provider_id);
  SyOAuthFlow *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (map == NULL || SY_IS_ORIGIN_MAP (map), NULL);

  if (provider == NULL)
    {
      g_set_error (error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_INVALID,
                   "\"%s\" has no OAuth login; use claude, codex, gemini-cli, github, qwen, kiro "
                   "or iflow", provider_id);
      return NULL;
    }
  if (!sy_oauth_provider_supports (provider, method))
    {
      g_set_error (error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_INVALID,
                   "%s logs in with the %s method only", provider->id,
                   method == SY_OAUTH_METHOD_BROWSER ? "device" : "browser");
      return NULL;
    }
  self = g_object_new (SY_TYPE_OAUTH_FLOW, NULL);
  self->session = g_object_ref (session);
  self->map = map != NULL ? g_object_ref (map) : NULL;
  self->provider = provider;
  self->method = method;
  self->login.provider = provider;
  self->login.session = self->session;
  self->login.map = self->map;
  return self;
}

void
sy_oauth_flow_start (SyOAuthFlow *self)
{
  g_return_if_fail (SY_IS_OAUTH_FLOW (self));
  g_return_if_fail (self->state == SY_OAUTH_FLOW_STARTING && !self->started);

  self->started = TRUE;
  if (self->provider->client_secret_env != NULL && sy_oauth_provider_get_secret (self->provider) == NULL)
    {
      _sy_oauth_flow_fail (self, g_error_new (SY_OAUTH_ERROR, SY_OAUTH_ERROR_UNAVAILABLE,
                                              "%s needs its public client secret: set %s",
                                              self->provider->id,
                                              self->provider->client_secret_env));
      return;
    }
  if (self->method == SY_OAUTH_METHOD_BROWSER)
    _sy_oauth_flow_start_browser (self);
  else
    _sy_oauth_flow_start_device (self);
}

gboolean
sy_oauth_flow_submit_code (SyOAuthFlow  *self,
                           const char   *input,
                           GError      **error)
{
  g_return_val_if_fail (SY_IS_OAUTH_FLOW (self), FALSE);
  g_return_val_if_fail (input != NULL, FALSE);

  if (self->method != SY_OAUTH_METHOD_BROWSER || self->state != SY_OAUTH_FLOW_WAITING_FOR_BROWSER)
    {
      g_set_error (error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_INVALID,
                   "code: this login is not waiting for a code (it is %s)",
                   state_names[self->state]);
      return FALSE;
    }
  return _sy_oauth_flow_submit_browser (self, input, error);
}

void
sy_oauth_flow_cancel (SyOAuthFlow *self)
{
  g_return_if_fail (SY_IS_OAUTH_FLOW (self));

  _sy_oauth_flow_set_state (self, SY_OAUTH_FLOW_CANCELLED);
}

static void
profile_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SyOAuthFlow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) data = NULL;

  if (!_sy_oauth_profile_fetch_finish (result, &error))
    {
      _sy_oauth_flow_fail (self, g_steal_pointer (&error));
      return;
    }
  if (sy_oauth_flow_is_finished (self))
    return;
  data = json_node_init_object (json_node_alloc (), self->login.data);
  self->provider_data = json_to_string (data, FALSE);
  _sy_oauth_flow_set_state (self, SY_OAUTH_FLOW_DONE);
}

void
_sy_oauth_flow_take_tokens (SyOAuthFlow *self,
                            JsonObject  *response)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) owned = response;

  if (sy_oauth_flow_is_finished (self))
    return;
  _sy_oauth_flow_set_state (self, SY_OAUTH_FLOW_EXCHANGING);
  self->login.bundle = sy_token_bundle_from_response (response, NULL, g_get_real_time () / 1000,
                                                      &error);
  if (self->login.bundle == NULL)
    {
      _sy_oauth_flow_fail (self, g_error_new (SY_OAUTH_ERROR, SY_OAUTH_ERROR_PROTOCOL,
                                              "token answer: %s", error->message));
      return;
    }
  self->login.token_response = g_steal_pointer (&owned);
  _sy_oauth_profile_fetch_async (&self->login, self->cancellable, profile_done_cb,
                                 g_object_ref (self));
}

const char *
sy_oauth_flow_get_provider_id (SyOAuthFlow *self)
{
  g_return_val_if_fail (SY_IS_OAUTH_FLOW (self), NULL);
  return self->provider->id;
}

SyOAuthMethod
sy_oauth_flow_get_method (SyOAuthFlow *self)
{
  g_return_val_if_fail (SY_IS_OAUTH_FLOW (self), SY_OAUTH_METHOD_BROWSER);
  return self->method;
}

SyOAuthFlowState
sy_oauth_flow_get_state (SyOAuthFlow *self)
{
  g_return_val_if_fail (SY_IS_OAUTH_FLOW (self), SY_OAUTH_FLOW_FAILED);
  return self->state;
}

gboolean
sy_oauth_flow_is_finished (SyOAuthFlow *self)
{
  g_return_val_if_fail (SY_IS_OAUTH_FLOW (self), TRUE);
  return self->state >= SY_OAUTH_FLOW_DONE;
}

const char *
sy_oauth_flow_get_authorize_url (SyOAuthFlow *self)
{
  g_return_val_if_fail (SY_IS_OAUTH_FLOW (self), NULL);
  return self->authorize_url;
}

const char *
sy_oauth_flow_get_verification_uri (SyOAuthFlow *self)
{
  g_return_val_if_fail (SY_IS_OAUTH_FLOW (self), NULL);
  return self->verification_uri;
}

const char *
sy_oauth_flow_get_user_code (SyOAuthFlow *self)
{
  g_return_val_if_fail (SY_IS_OAUTH_FLOW (self), NULL);
  return self->user_code;
}

int
sy_oauth_flow_get_expires_in (SyOAuthFlow *self)
{
  g_return_val_if_fail (SY_IS_OAUTH_FLOW (self), 0);
  return self->expires_in;
}

int
sy_oauth_flow_get_interval (SyOAuthFlow *self)
{
  g_return_val_if_fail (SY_IS_OAUTH_FLOW (self), 0);
  return self->interval;
}

const GError *
sy_oauth_flow_get_error (SyOAuthFlow *self)
{
  g_return_val_if_fail (SY_IS_OAUTH_FLOW (self), NULL);
  return self->error;
}

const GError *
sy_oauth_flow_get_callback_error (SyOAuthFlow *self)
{
  g_return_val_if_fail (SY_IS_OAUTH_FLOW (self), NULL);
  return self->callback_error;
}

const SyTokenBundle *
sy_oauth_flow_get_bundle (SyOAuthFlow *self)
{
  g_return_val_if_fail (SY_IS_OAUTH_FLOW (self), NULL);
  return self->state == SY_OAUTH_FLOW_DONE ? self->login.bundle : NULL;
}

const char *
sy_oauth_flow_get_account (SyOAuthFlow *self)
{
  g_return_val_if_fail (SY_IS_OAUTH_FLOW (self), NULL);
  return self->state == SY_OAUTH_FLOW_DONE ? self->login.account : NULL;
}

const char *
sy_oauth_flow_get_provider_data (SyOAuthFlow *self)
{
  g_return_val_if_fail (SY_IS_OAUTH_FLOW (self), NULL);
  return self->state == SY_OAUTH_FLOW_DONE ? self->provider_data : NULL;
}

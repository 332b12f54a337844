/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /api/oauth: OAuth logins over the management API. POST /api/oauth/{provider}/start,
 * GET|DELETE /api/oauth/flows/{id}, POST /api/oauth/flows/{id}/code (a pasted code or
 * callback URL). The flows and storing the account live in SyOAuthLogins; replies show
 * states, URLs and user codes, never a token.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-api.h"

#include "gateway/sy-api-fields.h"
#include "gateway/sy-http.h"
#include "gateway/sy-oauth-logins.h"

static const char * const start_fields[] = { "method", "connectionId", NULL };
static const char * const code_fields[] = { "code", NULL };
static const char * const methods[] = { "browser", "device", NULL };

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static void
reply_flow (SyApiCall  *call,
            guint       status,
            const char *flow_id)
{
  SyOAuthLogins *logins = sy_gateway_get_oauth_logins (call->gateway);
  SyOAuthFlow *flow = sy_oauth_logins_lookup (logins, flow_id);
  SyOAuthFlowState state = sy_oauth_flow_get_state (flow);
  const GError *callback_error = sy_oauth_flow_get_callback_error (flow);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  add_string (b, "flowId", flow_id);
  add_string (b, "provider", sy_oauth_flow_get_provider_id (flow));
  add_string (b, "method",
              sy_oauth_flow_get_method (flow) == SY_OAUTH_METHOD_BROWSER ? "browser" : "device");
  add_string (b, "state", sy_oauth_logins_get_state (logins, flow_id));
  if (!sy_oauth_flow_is_finished (flow) && state != SY_OAUTH_FLOW_EXCHANGING)
    {
      add_string (b, "authorizeUrl", sy_oauth_flow_get_authorize_url (flow));
      add_string (b, "verificationUri", sy_oauth_flow_get_verification_uri (flow));
      add_string (b, "userCode", sy_oauth_flow_get_user_code (flow));
      if (sy_oauth_flow_get_user_code (flow) != NULL)
        {
          json_builder_set_member_name (b, "expiresIn");
          json_builder_add_int_value (b, sy_oauth_flow_get_expires_in (flow));
          json_builder_set_member_name (b, "interval");
          json_builder_add_int_value (b, sy_oauth_flow_get_interval (flow));
        }
      add_string (b, "callbackError", callback_error ? callback_error->message : NULL);
    }
  add_string (b, "connectionId", sy_oauth_logins_get_connection (logins, flow_id));
  add_string (b, "account", sy_oauth_logins_get_connection (logins, flow_id)
                              ? sy_oauth_flow_get_account (flow) : NULL);
  add_string (b, "error", sy_oauth_logins_get_error (logins, flow_id));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  sy_api_reply (call->msg, status, root);
}

/* The start request waits (paused) until the flow has something to show. */
typedef struct
{
  SyApiCall          call;
  SyGateway         *gateway;
  SoupServerMessage *msg;
  SyOAuthFlow       *flow;
  char              *flow_id;
  gulong             handler;
} Start;

static void
start_free (Start *s)
{
  g_clear_signal_handler (&s->handler, s->flow);
  g_clear_object (&s->flow);
  g_clear_object (&s->msg);
  g_clear_object (&s->gateway);
  g_free (s->flow_id);
  g_free (s);
}

static void
start_state_cb (SyOAuthFlow *flow,
                GParamSpec  *pspec,
                gpointer     user_data)
{
  Start *s = user_data;

  if (sy_oauth_flow_get_state (flow) == SY_OAUTH_FLOW_STARTING)
    return;
  g_clear_signal_handler (&s->handler, s->flow);
  /* A flow cancelled or expired meanwhile is gone from the logins: reply what it was. */
  if (sy_oauth_logins_lookup (sy_gateway_get_oauth_logins (s->gateway), s->flow_id) == NULL)
    sy_http_respond_error (s->msg, SY_DIALECT_OPENAI, SOUP_STATUS_GONE, "invalid_request_error",
                           "cancelled", "the login was cancelled before it started");
  else
    reply_flow (&s->call, SOUP_STATUS_CREATED, s->flow_id);
  soup_server_message_unpause (s->msg);
  start_free (s);
}

static void
start_flow (SyApiCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *method = NULL;
  g_autofree char *connection_id = NULL;
  g_autofree char *flow_id = NULL;
  const SyOAuthProvider *provider = sy_oauth_provider_lookup (call->id);
  SyOAuthMethod kind;
  SyOAuthFlow *flow;
  Start *s;

  if (provider == NULL)
    {
      sy_api_invalid (&error, "provider: \"%s\" has no OAuth login; use claude, codex, "
                      "gemini-cli, github, qwen, kiro or iflow", call->id);
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  if (!sy_api_fields_only (call->body, start_fields, &error) ||
      !sy_api_field_choice (call->body, "method", FALSE, methods, &method, NULL, &error) ||
      !sy_api_field_string (call->body, "connectionId", FALSE, 64, &connection_id, NULL, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  if (method == NULL)
    kind = sy_oauth_provider_supports (provider, SY_OAUTH_METHOD_BROWSER)
             ? SY_OAUTH_METHOD_BROWSER : SY_OAUTH_METHOD_DEVICE;
  else
    kind = g_str_equal (method, "browser") ? SY_OAUTH_METHOD_BROWSER : SY_OAUTH_METHOD_DEVICE;
  if (!sy_oauth_provider_supports (provider, kind))
    {
      sy_api_invalid (&error, "method: %s does not log in with \"%s\"; use \"%s\"", provider->id,
                      method, kind == SY_OAUTH_METHOD_BROWSER ? "device" : "browser");
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  flow = sy_oauth_logins_start (sy_gateway_get_oauth_logins (call->gateway), provider->id, kind,
                                connection_id, &flow_id, &error);
  if (flow == NULL)
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  if (sy_oauth_flow_get_state (flow) != SY_OAUTH_FLOW_STARTING)
    {
      reply_flow (call, SOUP_STATUS_CREATED, flow_id);
      return;
    }
  s = g_new0 (Start, 1);
  s->gateway = g_object_ref (call->gateway);
  s->msg = g_object_ref (call->msg);
  s->flow = g_object_ref (flow);
  s->flow_id = g_steal_pointer (&flow_id);
  s->call = *call;
  s->call.body = NULL;
  s->call.id = s->call.sub = s->call.action = NULL;
  s->handler = g_signal_connect (flow, "notify::state", G_CALLBACK (start_state_cb), s);
  soup_server_message_pause (call->msg);
}

static void
submit_code (SyApiCall   *call,
             SyOAuthFlow *flow)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  if (!sy_api_fields_only (call->body, code_fields, &error) ||
      !sy_api_field_string (call->body, "code", TRUE, 8192, &code, NULL, &error) ||
      !sy_oauth_flow_submit_code (flow, code, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  reply_flow (call, SOUP_STATUS_ACCEPTED, call->sub);
}

static void
handle_flow (SyApiCall *call)
{
  SyOAuthLogins *logins = sy_gateway_get_oauth_logins (call->gateway);
  SyOAuthFlow *flow = call->sub ? sy_oauth_logins_lookup (logins, call->sub) : NULL;

  if (flow == NULL)
    {
      sy_http_respond_error (call->msg, SY_DIALECT_OPENAI, SOUP_STATUS_NOT_FOUND,
                             "invalid_request_error", "not_found",
                             "no OAuth login with id \"%s\" (logins expire after 10 minutes)",
                             call->sub ? call->sub : "");
      return;
    }
  if (call->action != NULL)
    {
      if (!g_str_equal (call->action, "code"))
        sy_http_respond_error (call->msg, SY_DIALECT_OPENAI, SOUP_STATUS_NOT_FOUND,
                               "invalid_request_error", "not_found",
                               "no management route for %s", call->action);
      else if (call->method != SOUP_METHOD_POST)
        sy_api_reply_bad_method (call, "POST");
      else
        submit_code (call, flow);
      return;
    }
  if (call->method == SOUP_METHOD_GET)
    reply_flow (call, SOUP_STATUS_OK, call->sub);
  else if (call->method == SOUP_METHOD_DELETE)
    {
      sy_oauth_logins_cancel (logins, call->sub);
      soup_server_message_set_status (call->msg, SOUP_STATUS_NO_CONTENT, NULL);
    }
  else
    sy_api_reply_bad_method (call, "GET, DELETE");
}

void
sy_api_oauth_handle (SyApiCall *call)
{
  if (call->id != NULL && g_str_equal (call->id, "flows") && call->sub != NULL)
    {
      handle_flow (call);
      return;
    }
  if (call->id != NULL && g_strcmp0 (call->sub, "start") == 0 && call->action == NULL)
    {
      if (call->method == SOUP_METHOD_POST)
        start_flow (call);
      else
        sy_api_reply_bad_method (call, "POST");
      return;
    }
  sy_http_respond_error (call->msg, SY_DIALECT_OPENAI, SOUP_STATUS_NOT_FOUND,
                         "invalid_request_error", "not_found",
                         "no OAuth route here; use POST /api/oauth/{provider}/start or "
                         "/api/oauth/flows/{flowId}");
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything that can be refused is refused here, before any upstream is contacted, with an
 * error in the client's own dialect naming the problem: method, content type, size, JSON
 * syntax and UTF-8, the model and stream fields, the client's key, the model's provider, and
 * (across dialects) anything the request parser rejects. The body is scanned once; it is only
 * parsed into the internal representation when the provider speaks another dialect.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-chat-endpoint.h"

#include "core/sy-json-scan.h"
#include "gateway/sy-budget-guard.h"
#include "gateway/sy-http.h"
#include "gateway/sy-inbound-auth.h"
#include "gateway/sy-media-target.h"
#include "gateway/sy-proxy-request.h"
#include "gateway/sy-response-reuse.h"
#include "translate/sy-codec.h"
#include "translate/sy-request-injection.h"

#define MAX_JSON_DEPTH 128

static const char *
endpoint_name (SyDialect dialect)
{
  switch (dialect)
    {
    case SY_DIALECT_ANTHROPIC: return "/v1/messages";
    case SY_DIALECT_GEMINI: return "/v1beta/models:generateContent";
    case SY_DIALECT_RESPONSES: return "/v1/responses";
    case SY_DIALECT_OPENAI:
    default: return "/v1/chat/completions";
    }
}

/* The member holding the conversation, which every dialect requires. */
static const char *
conversation_member (SyDialect dialect)
{
  switch (dialect)
    {
    case SY_DIALECT_GEMINI: return "contents";
    case SY_DIALECT_RESPONSES: return "input";
    case SY_DIALECT_ANTHROPIC:
    case SY_DIALECT_OPENAI:
    default: return "messages";
    }
}

static void
bad_request (SoupServerMessage *msg,
             SyDialect          dialect,
             const char        *code,
             const char        *message)
{
  sy_http_respond_error (msg, dialect, SOUP_STATUS_BAD_REQUEST, "invalid_request_error", code,
                         "%s", message);
}

static gboolean
content_type_is_json (SoupServerMessage *msg)
{
  const char *type = soup_message_headers_get_content_type (
    soup_server_message_get_request_headers (msg), NULL);

  return type == NULL || g_ascii_strcasecmp (type, "application/json") == 0 ||
         g_str_has_suffix (type, "+json");
}

GBytes *
sy_chat_endpoint_read_body (SyGateway             *gateway,
                SoupServerMessage     *msg,
                SyDialect              dialect,
                SyApiKey             **api_key)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *auth_message = NULL;
  gint64 limit = sy_settings_repo_get_int (sy_gateway_get_settings (gateway), "maxBodyBytes");
  const char *data;
  gsize len;

  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    {
      sy_http_respond_error (msg, dialect, SOUP_STATUS_METHOD_NOT_ALLOWED,
                             "invalid_request_error", "method_not_allowed",
                             "use POST for %s", g_uri_get_path (soup_server_message_get_uri (msg)));
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "POST");
      return NULL;
    }
  if (!sy_inbound_auth_check (sy_gateway_get_api_keys (gateway), msg,
                              sy_settings_repo_get_boolean (sy_gateway_get_settings (gateway),
                                                            "requireApiKey"),
                              api_key, &auth_message))
    {
      sy_http_respond_error (msg, dialect, SOUP_STATUS_UNAUTHORIZED, "authentication_error",
                             "invalid_api_key", "%s", auth_message);
      return NULL;
    }
  if (!content_type_is_json (msg))
    {
      sy_http_respond_error (msg, dialect, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                             "invalid_request_error", "unsupported_media_type",
                             "send the request body as JSON with Content-Type: application/json");
      return NULL;
    }

  if (sy_http_body_exceeded (msg, limit))
    {
      sy_http_respond_error (msg, dialect, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                             "invalid_request_error", "request_too_large",
                             "the request body exceeds the limit of %" G_GINT64_FORMAT
                             " bytes (setting maxBodyBytes)", limit);
      return NULL;
    }
  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  data = g_bytes_get_data (body, &len);
  if (len == 0)
    {
      bad_request (msg, dialect, "invalid_json", "the request body is empty; send a JSON object");
      return NULL;
    }
  if (!sy_json_check_object (data, len, MAX_JSON_DEPTH, &error))
    {
      g_autofree char *message = g_strdup_printf ("the request body is not valid: %s",
                                                  error->message);
      bad_request (msg, dialect, "invalid_json", message);
      return NULL;
    }
  return g_steal_pointer (&body);
}

/* The global system prompt and thinking budget, when the user turned them on. Takes body;
 * NULL after an error reply. */
static GBytes *
inject (SyGateway         *gateway,
        SoupServerMessage *msg,
        SyDialect          dialect,
        GBytes            *body)
{
  SySettingsRepo *settings = sy_gateway_get_settings (gateway);
  g_autoptr(GBytes) owned = body;
  g_autoptr(JsonNode) prompt = sy_settings_repo_dup_json (settings, "systemPrompt");
  g_autoptr(GError) error = NULL;
  const char *mode = sy_settings_repo_get_choice (settings, "thinkingBudgetMode");
  SyRequestInjection injection = {
    json_node_get_string (prompt),
    g_str_equal (mode, "override") ? SY_THINKING_OVERRIDE
      : g_str_equal (mode, "default") ? SY_THINKING_DEFAULT : SY_THINKING_PASSTHROUGH,
    sy_settings_repo_get_int (settings, "thinkingBudgetTokens"),
  };
  GBytes *out;

  if (!sy_request_injection_is_active (&injection))
    return g_steal_pointer (&owned);
  out = sy_request_inject (dialect, owned, &injection, &error);
  if (out == NULL)
    bad_request (msg, dialect, "invalid_json", error->message);
  return out;
}

void
sy_chat_endpoint_handle (SyGateway               *gateway,
                         SoupServerMessage       *msg,
                         const SyChatEndpointCall *call)
{
  SyProxyRequestInit init = { 0 };
  SyDialect dialect = call->dialect;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SyApiKey) api_key = NULL;
  g_autofree char *model = NULL;
  g_autoptr(SyRoutePlan) plan = NULL;
  g_autoptr(SyChatRequest) request = NULL;
  SyJsonSpan model_span = { 0, 0, SY_JSON_KIND_NULL };
  SyJsonSpan stream_span = { 0, 0, SY_JSON_KIND_NULL };
  SyJsonSpan conversation_span;
  const char *data;
  gsize len;

  if ((body = sy_chat_endpoint_read_body (gateway, msg, dialect, &api_key)) == NULL ||
      (body = inject (gateway, msg, dialect, g_steal_pointer (&body))) == NULL)
    return;
  data = g_bytes_get_data (body, &len);

  if (dialect == SY_DIALECT_GEMINI)
    model = g_strdup (call->url_model);
  else if (!sy_json_object_lookup (data, len, "model", &model_span))
    {
      bad_request (msg, dialect, "missing_model", "missing required field: model");
      return;
    }
  else if (model_span.kind != SY_JSON_KIND_STRING)
    {
      bad_request (msg, dialect, "invalid_model",
                   "model: expected a string such as \"openai/gpt-4o\"");
      return;
    }
  else
    model = sy_json_span_dup_string (data, &model_span);

  if (!sy_json_object_lookup (data, len, conversation_member (dialect), &conversation_span) ||
      (conversation_span.kind != SY_JSON_KIND_ARRAY &&
       !(dialect == SY_DIALECT_RESPONSES && conversation_span.kind == SY_JSON_KIND_STRING)))
    {
      g_autofree char *message = g_strdup_printf ("%s: expected a non-empty array",
                                                  conversation_member (dialect));
      bad_request (msg, dialect, "invalid_messages", message);
      return;
    }
  if (dialect != SY_DIALECT_GEMINI && sy_json_object_lookup (data, len, "stream", &stream_span) &&
      stream_span.kind != SY_JSON_KIND_BOOLEAN && stream_span.kind != SY_JSON_KIND_NULL)
    {
      bad_request (msg, dialect, "invalid_stream", "stream: expected true or false");
      return;
    }

  /* The key's scopes and request limits (403, 429), before anything is reused or routed. */
  if (!sy_access_control_admit (gateway, msg, dialect, api_key, model, call->forced_provider))
    return;

  /* A cached answer, an idempotent replay, or a duplicate parked behind its first. */
  if (sy_response_reuse_begin (gateway, msg, call, endpoint_name (dialect), api_key, model, body))
    return;

  plan = sy_route_planner_plan (sy_gateway_get_planner (gateway), model, call->forced_provider,
                                &error);
  /* Speech-only providers (Deepgram, AssemblyAI) are no chat targets. */
  if (plan == NULL || !sy_media_target_filter_plan (plan, SY_MEDIA_CHAT, &error))
    {
      sy_http_respond_gerror (msg, dialect, error);
      return;
    }

  /* Parsed once if any target speaks another dialect; same-dialect targets get the bytes. */
  for (guint i = 0; i < plan->targets->len && request == NULL; i++)
    if (((SyRoute *) g_ptr_array_index (plan->targets, i))->dialect != dialect)
      {
        request = sy_codec_get (dialect)->parse_request (data, len, &error);
        if (request == NULL)
          {
            sy_http_respond_gerror (msg, dialect, error);
            return;
          }
      }

  /* The key's budgets: reserve this request's estimate, or refuse it with 402. */
  if (!sy_budget_guard_admit (gateway, msg, dialect, api_key, plan, body))
    return;

  init.msg = msg;
  init.client_dialect = dialect;
  init.endpoint = endpoint_name (dialect);
  init.body = body;
  init.has_model_span = model_span.kind == SY_JSON_KIND_STRING;
  init.model_start = model_span.start;
  init.model_end = model_span.end;
  init.stream = dialect == SY_DIALECT_GEMINI
                  ? call->url_stream
                  : stream_span.kind == SY_JSON_KIND_BOOLEAN && data[stream_span.start] == 't';
  init.api_key = api_key;
  init.plan = g_steal_pointer (&plan);
  init.request = g_steal_pointer (&request);
  sy_proxy_request_start (gateway, &init);
}

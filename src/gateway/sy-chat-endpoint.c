/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything that can be refused is refused here, before any upstream is contacted, with an
 * OpenAI-shaped error naming the problem: method, content type, size, JSON syntax and UTF-8,
 * the model and stream fields, the client's key, the model's provider. The body is scanned
 * once and never re-serialised.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-chat-endpoint.h"

#include "core/sy-json-scan.h"
#include "gateway/sy-http.h"
#include "gateway/sy-inbound-auth.h"
#include "gateway/sy-proxy-request.h"

#define MAX_JSON_DEPTH 128

static void
bad_request (SoupServerMessage *msg,
             const char        *code,
             const char        *message)
{
  sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_BAD_REQUEST, "invalid_request_error",
                         code, "%s", message);
}

static gboolean
content_type_is_json (SoupServerMessage *msg)
{
  const char *type = soup_message_headers_get_content_type (
    soup_server_message_get_request_headers (msg), NULL);

  return type == NULL || g_ascii_strcasecmp (type, "application/json") == 0 ||
         g_str_has_suffix (type, "+json");
}

void
sy_chat_endpoint_handle (SyGateway         *gateway,
                         SoupServerMessage *msg,
                         const char        *forced_provider)
{
  SyProxyRequestInit init = { 0 };
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SyApiKey) api_key = NULL;
  g_autofree char *auth_message = NULL;
  g_autofree char *model = NULL;
  SyJsonSpan model_span, messages_span;
  SyJsonSpan stream_span = { 0, 0, SY_JSON_KIND_NULL };
  const char *data;
  gsize len;
  SyRoute *route;
  gint64 limit = sy_settings_repo_get_int (sy_gateway_get_settings (gateway), "maxBodyBytes");

  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    {
      sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_METHOD_NOT_ALLOWED,
                             "invalid_request_error", "method_not_allowed",
                             "use POST for %s", g_uri_get_path (soup_server_message_get_uri (msg)));
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "POST");
      return;
    }

  if (!sy_inbound_auth_check (sy_gateway_get_api_keys (gateway), msg,
                              sy_settings_repo_get_boolean (sy_gateway_get_settings (gateway),
                                                            "requireApiKey"),
                              &api_key, &auth_message))
    {
      sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_UNAUTHORIZED,
                             "authentication_error", "invalid_api_key", "%s", auth_message);
      return;
    }

  if (!content_type_is_json (msg))
    {
      sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                             "invalid_request_error", "unsupported_media_type",
                             "send the request body as JSON with Content-Type: application/json");
      return;
    }

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  data = g_bytes_get_data (body, &len);
  if ((gint64) len > limit)
    {
      sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                             "invalid_request_error", "request_too_large",
                             "request body of %" G_GSIZE_FORMAT " bytes exceeds the limit of %"
                             G_GINT64_FORMAT " bytes (setting maxBodyBytes)", len, limit);
      return;
    }
  if (len == 0)
    {
      bad_request (msg, "invalid_json", "the request body is empty; send a JSON object");
      return;
    }
  if (!sy_json_check_object (data, len, MAX_JSON_DEPTH, &error))
    {
      g_autofree char *message = g_strdup_printf ("the request body is not valid: %s",
                                                  error->message);
      bad_request (msg, "invalid_json", message);
      return;
    }

  if (!sy_json_object_lookup (data, len, "model", &model_span))
    {
      bad_request (msg, "missing_model", "missing required field: model");
      return;
    }
  if (model_span.kind != SY_JSON_KIND_STRING)
    {
      bad_request (msg, "invalid_model", "model: expected a string such as \"openai/gpt-4o\"");
      return;
    }
  if (!sy_json_object_lookup (data, len, "messages", &messages_span) ||
      messages_span.kind != SY_JSON_KIND_ARRAY)
    {
      bad_request (msg, "invalid_messages", "messages: expected a non-empty array of messages");
      return;
    }
  if (sy_json_object_lookup (data, len, "stream", &stream_span) &&
      stream_span.kind != SY_JSON_KIND_BOOLEAN && stream_span.kind != SY_JSON_KIND_NULL)
    {
      bad_request (msg, "invalid_stream", "stream: expected true or false");
      return;
    }

  model = sy_json_span_dup_string (data, &model_span);
  route = forced_provider
            ? sy_model_resolver_resolve_for_provider (sy_gateway_get_resolver (gateway),
                                                      forced_provider, model, &error)
            : sy_model_resolver_resolve (sy_gateway_get_resolver (gateway), model, &error);
  if (route == NULL)
    {
      sy_http_respond_gerror (msg, SY_DIALECT_OPENAI, error);
      return;
    }
  if (route->dialect != SY_DIALECT_OPENAI)
    {
      sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_NOT_IMPLEMENTED, "api_error",
                             "dialect_not_supported",
                             "provider \"%s\" speaks the %s API; translating Chat Completions to "
                             "it is not available in this version",
                             route->provider_label, sy_dialect_to_string (route->dialect));
      sy_route_free (route);
      return;
    }

  init.msg = msg;
  init.client_dialect = SY_DIALECT_OPENAI;
  init.endpoint = "/v1/chat/completions";
  init.upstream_path = "/chat/completions";
  init.body = body;
  init.model_start = model_span.start;
  init.model_end = model_span.end;
  init.stream = stream_span.kind == SY_JSON_KIND_BOOLEAN && data[stream_span.start] == 't';
  init.api_key = api_key;
  init.route = route;
  sy_proxy_request_start (gateway, &init);
}

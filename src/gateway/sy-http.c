/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Replies and error mapping. Every error a client sees goes through here, so its shape and
 * status stay consistent: the status table in sy_http_status_for_error() is the only one.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-http.h"

#include <string.h>

#include "core/sy-json-scan.h"
#include "providers/sy-oauth-provider.h"
#include "routing/sy-model-resolver.h"
#include "translate/sy-codec.h"
#include "store/sy-database.h"

void
sy_http_respond_json (SoupServerMessage *msg,
                      guint              status,
                      JsonNode          *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  char *text;
  gsize len;

  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, &len);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, len);
}

char *
sy_http_format_error (SyDialect   dialect,
                      guint       status,
                      const char *type,
                      const char *code,
                      const char *message)
{
  return sy_codec_get (dialect)->format_error (status, type, code, message);
}

void
sy_http_respond_error (SoupServerMessage *msg,
                       SyDialect          dialect,
                       guint              status,
                       const char        *type,
                       const char        *code,
                       const char        *format,
                       ...)
{
  g_autofree char *message = NULL;
  char *body;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  body = sy_http_format_error (dialect, status, type, code, message);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body,
                                    strlen (body));
}

guint
sy_http_status_for_error (const GError  *error,
                          const char   **type,
                          const char   **code)
{
  *type = "invalid_request_error";
  *code = NULL;

  if (error->domain == SY_JSON_ERROR)
    {
      *code = "invalid_json";
      return SOUP_STATUS_BAD_REQUEST;
    }
  if (error->domain == SY_TRANSLATE_ERROR)
    {
      switch ((SyTranslateError) error->code)
        {
        case SY_TRANSLATE_ERROR_UNSUPPORTED:
          *code = "unsupported";
          return SOUP_STATUS_BAD_REQUEST;
        case SY_TRANSLATE_ERROR_INVALID_RESPONSE:
          *type = "api_error";
          *code = "upstream_invalid_response";
          return SOUP_STATUS_BAD_GATEWAY;
        case SY_TRANSLATE_ERROR_INVALID_REQUEST:
        default:
          *code = "invalid_request";
          return SOUP_STATUS_BAD_REQUEST;
        }
    }
  if (error->domain == SY_ROUTING_ERROR)
    {
      switch ((SyRoutingError) error->code)
        {
        case SY_ROUTING_ERROR_UNKNOWN_PROVIDER:
          *code = "model_not_found";
          return SOUP_STATUS_NOT_FOUND;
        case SY_ROUTING_ERROR_NO_CONNECTION:
          *type = "api_error";
          *code = "no_connection";
          return SOUP_STATUS_SERVICE_UNAVAILABLE;
        case SY_ROUTING_ERROR_PROVIDER_BLOCKED:
          *type = "permission_error";
          *code = "provider_blocked";
          return SOUP_STATUS_FORBIDDEN;
        case SY_ROUTING_ERROR_AMBIGUOUS:
        case SY_ROUTING_ERROR_INVALID_MODEL:
        default:
          *code = "invalid_model";
          return SOUP_STATUS_BAD_REQUEST;
        }
    }
  if (error->domain == SY_STORE_ERROR)
    {
      switch ((SyStoreError) error->code)
        {
        case SY_STORE_ERROR_INVALID:
          *code = "invalid_value";
          return SOUP_STATUS_BAD_REQUEST;
        case SY_STORE_ERROR_NOT_FOUND:
          *code = "not_found";
          return SOUP_STATUS_NOT_FOUND;
        case SY_STORE_ERROR_CONSTRAINT:
          *code = "conflict";
          return SOUP_STATUS_CONFLICT;
        case SY_STORE_ERROR_FULL:
          *type = "api_error";
          *code = "storage_full";
          return SOUP_STATUS_INSUFFICIENT_STORAGE;
        default:
          *type = "api_error";
          *code = "storage_error";
          return SOUP_STATUS_INTERNAL_SERVER_ERROR;
        }
    }
  if (error->domain == SY_OAUTH_ERROR)
    {
      switch ((SyOAuthError) error->code)
        {
        case SY_OAUTH_ERROR_INVALID:
          *code = "invalid_value";
          return SOUP_STATUS_BAD_REQUEST;
        case SY_OAUTH_ERROR_UNAVAILABLE:
          *type = "api_error";
          *code = "oauth_unavailable";
          return SOUP_STATUS_SERVICE_UNAVAILABLE;
        default:
          *type = "api_error";
          *code = "oauth_failed";
          return SOUP_STATUS_BAD_GATEWAY;
        }
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      *type = "api_error";
      *code = "upstream_timeout";
      return SOUP_STATUS_GATEWAY_TIMEOUT;
    }
  if (error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR ||
      error->domain == SOUP_SESSION_ERROR || error->domain == G_TLS_ERROR)
    {
      *type = "api_error";
      *code = "upstream_unreachable";
      return SOUP_STATUS_BAD_GATEWAY;
    }
  *type = "api_error";
  *code = "internal_error";
  return SOUP_STATUS_INTERNAL_SERVER_ERROR;
}

void
sy_http_respond_gerror (SoupServerMessage *msg,
                        SyDialect          dialect,
                        const GError      *error)
{
  const char *type, *code;
  guint status = sy_http_status_for_error (error, &type, &code);

  sy_http_respond_error (msg, dialect, status, type, code, "%s", error->message);
}

gboolean
sy_http_is_hop_by_hop (const char         *name,
                       SoupMessageHeaders *headers)
{
  static const char * const hop[] = {
    "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection",
    "TE", "Trailer", "Transfer-Encoding", "Upgrade",
  };
  const char *connection;

  for (guint i = 0; i < G_N_ELEMENTS (hop); i++)
    if (g_ascii_strcasecmp (name, hop[i]) == 0)
      return TRUE;

  connection = soup_message_headers_get_list (headers, "Connection");
  return connection != NULL && soup_header_contains (connection, name);
}

gboolean
sy_http_body_exceeded (SoupServerMessage *msg,
                       goffset            limit)
{
  SyBodyBudget *budget = g_object_get_data (G_OBJECT (msg), SY_BODY_BUDGET_KEY);

  if (budget != NULL && budget->exceeded)
    return TRUE;
  return soup_server_message_get_request_body (msg)->length > limit;
}

void
sy_http_set_auth_header (SoupMessageHeaders *headers,
                         SyAuthHeader        kind,
                         const char         *secret)
{
  g_autofree char *value = NULL;

  switch (kind)
    {
    case SY_AUTH_HEADER_TOKEN:
      value = g_strconcat ("Token ", secret, NULL);
      soup_message_headers_replace (headers, "Authorization", value);
      break;
    case SY_AUTH_HEADER_PLAIN:
      soup_message_headers_replace (headers, "Authorization", secret);
      break;
    case SY_AUTH_HEADER_X_API_KEY:
      soup_message_headers_replace (headers, "x-api-key", secret);
      break;
    case SY_AUTH_HEADER_GOOG_API_KEY:
      soup_message_headers_replace (headers, "x-goog-api-key", secret);
      break;
    case SY_AUTH_HEADER_BEARER:
    default:
      value = g_strconcat ("Bearer ", secret, NULL);
      soup_message_headers_replace (headers, "Authorization", value);
      break;
    }
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /api dispatch. Every call passes the request guard (Host, Origin, admin token) first; bodies
 * must be JSON objects. Resource logic lives in sy-api-<resource>.c.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-api.h"

#include <string.h>

#include "core/sy-json-scan.h"
#include "gateway/sy-http.h"
#include "gateway/sy-request-guard.h"

typedef void (*ResourceFunc) (SyApiCall *call);

static const struct
{
  const char   *name;
  ResourceFunc  func;
  gboolean      body_optional;  /* actions such as POST /api/resilience/reset */
  gboolean      raw_body;       /* reads its own body (file uploads); call.body is NULL */
  gboolean      sub_path;       /* takes "/api/<resource>/<id>/<sub>" (settings/proxy/test) */
  gboolean      action_path;    /* also "/api/<resource>/<id>/<sub>/<action>" (oauth) */
} resources[] = {
  { "health", sy_api_health_handle, FALSE },
  { "provider-nodes", sy_api_nodes_handle, FALSE },
  { "providers", sy_api_providers_handle, FALSE, FALSE, TRUE },
  { "combos", sy_api_combos_handle, FALSE },
  { "keys", sy_api_keys_handle, FALSE },
  { "settings", sy_api_settings_handle, FALSE, FALSE, TRUE },
  { "monitoring", sy_api_monitoring_handle, FALSE },
  { "resilience", sy_api_resilience_handle, TRUE },
  { "cache", sy_api_cache_handle, TRUE },
  { "db-backups", sy_api_backups_handle, FALSE, TRUE },
  { "usage", sy_api_usage_dispatch, FALSE },
  { "pricing", sy_api_pricing_handle, FALSE },
  { "provider-models", sy_api_provider_models_handle, FALSE },
  { "models", sy_api_models_handle, FALSE },
  { "oauth", sy_api_oauth_handle, TRUE, FALSE, TRUE, TRUE },
};

void
sy_api_reply (SoupServerMessage *msg,
              guint              status,
              JsonNode          *node)
{
  sy_http_respond_json (msg, status, node);
}

void
sy_api_reply_gerror (SoupServerMessage *msg,
                     const GError      *error)
{
  sy_http_respond_gerror (msg, SY_DIALECT_OPENAI, error);
}

void
sy_api_reply_not_found (SyApiCall  *call,
                        const char *what)
{
  sy_http_respond_error (call->msg, SY_DIALECT_OPENAI, SOUP_STATUS_NOT_FOUND,
                         "invalid_request_error", "not_found", "no %s with id \"%s\"", what,
                         call->id ? call->id : "");
}

void
sy_api_reply_bad_method (SyApiCall  *call,
                         const char *allowed)
{
  sy_http_respond_error (call->msg, SY_DIALECT_OPENAI, SOUP_STATUS_METHOD_NOT_ALLOWED,
                         "invalid_request_error", "method_not_allowed",
                         "%s is not allowed here; use %s", call->method, allowed);
  soup_message_headers_replace (soup_server_message_get_response_headers (call->msg), "Allow",
                                allowed);
}

static JsonObject *
parse_body (SoupServerMessage *msg,
            gboolean           optional)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  const char *type = soup_message_headers_get_content_type (
    soup_server_message_get_request_headers (msg), NULL);
  gsize len;
  const char *data = g_bytes_get_data (body, &len);

  if (type != NULL && g_ascii_strcasecmp (type, "application/json") != 0)
    {
      sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                             "invalid_request_error", "unsupported_media_type",
                             "send a JSON object with Content-Type: application/json");
      return NULL;
    }
  if (len == 0 && optional)
    return json_object_new ();
  if (len == 0 || !sy_json_check_object (data, len, 64, &error) ||
      !json_parser_load_from_data (parser, data, (gssize) len, &error))
    {
      sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_BAD_REQUEST,
                             "invalid_request_error", "invalid_json",
                             "the request body must be a JSON object%s%s",
                             error ? ": " : "", error ? error->message : "");
      return NULL;
    }
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

void
sy_api_handle (SyGateway         *gateway,
               SoupServerMessage *msg,
               const char        *path)
{
  const char *method = soup_server_message_get_method (msg);
  g_auto(GStrv) parts = NULL;
  g_autoptr(JsonObject) body = NULL;
  SyApiCall call = { gateway, msg, method, NULL, NULL, NULL, NULL };
  guint n;

  if (!sy_request_guard_check_api (gateway, msg))
    return;

  /* "/api/<resource>[/<id>[/<sub>[/<action>]]]"; trailing slashes tolerated; "/api" alone names nothing. */
  parts = g_strsplit (g_str_has_prefix (path, "/api/") ? path + strlen ("/api/") : "", "/", 0);
  n = g_strv_length (parts);
  while (n > 0 && *parts[n - 1] == '\0')
    {
      g_free (parts[n - 1]);
      parts[--n] = NULL;
    }
  if (n >= 2)
    call.id = parts[1];
  if (n >= 3)
    call.sub = parts[2];
  if (n >= 4)
    call.action = parts[3];

  for (guint i = 0; n >= 1 && n <= 4 && i < G_N_ELEMENTS (resources); i++)
    {
      if (!g_str_equal (parts[0], resources[i].name))
        continue;
      if ((n == 3 && !resources[i].sub_path) || (n == 4 && !resources[i].action_path))
        break;
      if (!resources[i].raw_body && (method == SOUP_METHOD_POST || method == SOUP_METHOD_PUT ||
                                     g_str_equal (method, "PATCH")))
        {
          if ((body = parse_body (msg, resources[i].body_optional)) == NULL)
            return;
          call.body = body;
        }
      resources[i].func (&call);
      return;
    }

  sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_NOT_FOUND, "invalid_request_error",
                         "not_found", "no management route for %s %s", method, path);
}

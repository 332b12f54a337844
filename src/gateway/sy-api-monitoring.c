/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GET /api/monitoring/health: the routing picture (breakers, cooldowns with the time left,
 * lockouts, rate-limit queues, latency p50/p95/p99, error rates, combo metrics) beside the
 * process facts. GET /api/monitoring/requests[?limit=N]: the last finished requests, newest
 * first (the live monitor's records: no secrets, no prompt text). POST /api/resilience/reset closes every breaker and lifts every cooldown and
 * lockout; POST /api/resilience/unlock {"connectionId", "model"?} lifts one account's.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-api.h"

#include "gateway/sy-api-fields.h"
#include "gateway/sy-http.h"
#include "gateway/sy-response-reuse.h"

static void
reply_requests (SyApiCall *call)
{
  const char *raw_query = g_uri_get_query (soup_server_message_get_uri (call->msg));
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  guint64 limit = SY_GATEWAY_RECENT_REQUESTS;

  if (raw_query != NULL)
    {
      g_autoptr(GHashTable) params = g_uri_parse_params (raw_query, -1, "&", G_URI_PARAMS_NONE,
                                                         NULL);
      const char *value = params ? g_hash_table_lookup (params, "limit") : NULL;

      if (value != NULL &&
          (!g_ascii_string_to_unsigned (value, 10, 1, SY_GATEWAY_RECENT_REQUESTS, &limit, NULL)))
        {
          sy_http_respond_error (call->msg, SY_DIALECT_OPENAI, SOUP_STATUS_BAD_REQUEST,
                                 "invalid_request_error", "invalid_value",
                                 "limit: a number from 1 to %d", SY_GATEWAY_RECENT_REQUESTS);
          return;
        }
    }
  events = sy_gateway_dup_recent_requests (call->gateway, (guint) limit);
  for (guint i = 0; i < events->len; i++)
    json_array_add_element (array, sy_request_event_to_json (g_ptr_array_index (events, i)));
  json_object_set_array_member (object, "requests", g_steal_pointer (&array));
  node = json_node_init_object (json_node_alloc (), object);
  sy_api_reply (call->msg, SOUP_STATUS_OK, node);
}

void
sy_api_monitoring_handle (SyApiCall *call)
{
  g_autoptr(JsonNode) routing = NULL;
  JsonObject *root;

  if (g_strcmp0 (call->id, "health") != 0 && g_strcmp0 (call->id, "requests") != 0)
    {
      sy_api_reply_not_found (call, "monitoring view");
      return;
    }
  if (call->method != SOUP_METHOD_GET)
    {
      sy_api_reply_bad_method (call, "GET");
      return;
    }
  if (g_strcmp0 (call->id, "requests") == 0)
    {
      reply_requests (call);
      return;
    }
  routing = sy_routing_state_to_json (sy_gateway_get_routing (call->gateway));
  root = json_node_get_object (routing);
  json_object_set_string_member (root, "status", "ok");
  json_object_set_int_member (root, "uptimeMs",
                              g_get_real_time () / 1000 - sy_gateway_get_start_time (call->gateway));
  json_object_set_int_member (root, "openConnections",
                              sy_gateway_get_open_connections (call->gateway));
  json_object_set_member (root, "cache", sy_response_reuse_to_json (call->gateway));
  sy_api_reply (call->msg, SOUP_STATUS_OK, routing);
}

static void
reply_count (SyApiCall  *call,
             const char *member,
             guint       count)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = NULL;

  json_object_set_boolean_member (object, "ok", TRUE);
  if (member != NULL)
    json_object_set_int_member (object, member, count);
  node = json_node_init_object (json_node_alloc (), object);
  sy_api_reply (call->msg, SOUP_STATUS_OK, node);
}

static void
unlock (SyApiCall *call)
{
  static const char * const fields[] = { "connectionId", "model", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *connection_id = NULL;
  g_autofree char *model = NULL;
  g_autoptr(SyConnection) connection = NULL;

  if (!sy_api_fields_only (call->body, fields, &error) ||
      !sy_api_field_string (call->body, "connectionId", TRUE, 64, &connection_id, NULL, &error) ||
      !sy_api_field_string (call->body, "model", FALSE, 256, &model, NULL, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  connection = sy_connection_repo_lookup (sy_gateway_get_connections (call->gateway),
                                          connection_id);
  if (connection == NULL)
    {
      sy_http_respond_error (call->msg, SY_DIALECT_OPENAI, SOUP_STATUS_NOT_FOUND,
                             "invalid_request_error", "not_found",
                             "connectionId: no account with id \"%s\"", connection_id);
      return;
    }
  reply_count (call, "lifted",
               sy_routing_state_unlock (sy_gateway_get_routing (call->gateway), connection_id,
                                        model));
}

void
sy_api_resilience_handle (SyApiCall *call)
{
  if (call->method != SOUP_METHOD_POST)
    {
      sy_api_reply_bad_method (call, "POST");
      return;
    }
  if (g_strcmp0 (call->id, "reset") == 0)
    {
      sy_routing_state_reset (sy_gateway_get_routing (call->gateway));
      reply_count (call, NULL, 0);
    }
  else if (g_strcmp0 (call->id, "unlock") == 0)
    unlock (call);
  else
    sy_api_reply_not_found (call, "resilience action");
}

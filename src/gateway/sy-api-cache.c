/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GET /api/cache: the response cache's figures (the same as "cache" in
 * GET /api/monitoring/health). POST /api/cache/clear: drops every cached answer and says how
 * many there were; the hit and miss counters stay. Idempotent answers are not touched: they
 * live 5 s anyway.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-api.h"

#include "gateway/sy-response-reuse.h"

void
sy_api_cache_handle (SyApiCall *call)
{
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint cleared;

  if (call->id == NULL)
    {
      if (call->method != SOUP_METHOD_GET)
        {
          sy_api_reply_bad_method (call, "GET");
          return;
        }
      node = sy_response_reuse_to_json (call->gateway);
      sy_api_reply (call->msg, SOUP_STATUS_OK, node);
      return;
    }
  if (g_strcmp0 (call->id, "clear") != 0)
    {
      sy_api_reply_not_found (call, "cache action");
      return;
    }
  if (call->method != SOUP_METHOD_POST)
    {
      sy_api_reply_bad_method (call, "POST");
      return;
    }
  cleared = sy_response_cache_clear (sy_gateway_get_response_cache (call->gateway));
  object = json_object_new ();
  json_object_set_boolean_member (object, "ok", TRUE);
  json_object_set_int_member (object, "cleared", cleared);
  node = json_node_init_object (json_node_alloc (), object);
  sy_api_reply (call->msg, SOUP_STATUS_OK, node);
}

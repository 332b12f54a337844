/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GET /api/settings returns every setting; PUT or PATCH /api/settings applies the members
 * given (validated whole by SySettingsRepo; a bad field is a 400 naming it).
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-api.h"

#include "gateway/sy-http.h"

static void
reply_settings (SyApiCall *call)
{
  g_autoptr(JsonNode) root = sy_settings_repo_to_json (sy_gateway_get_settings (call->gateway));

  sy_api_reply (call->msg, SOUP_STATUS_OK, root);
}

void
sy_api_settings_handle (SyApiCall *call)
{
  g_autoptr(GError) error = NULL;

  if (call->id != NULL && g_str_equal (call->id, "proxy"))
    {
      sy_api_proxy_handle (call);
      return;
    }
  if (call->id != NULL)
    {
      sy_api_reply_not_found (call, "setting group");
      return;
    }
  if (call->method == SOUP_METHOD_GET)
    {
      reply_settings (call);
      return;
    }
  if (call->method == SOUP_METHOD_PUT || g_str_equal (call->method, "PATCH"))
    {
      JsonNode *require = json_object_get_member (call->body, "requireApiKey");

      /* The same rule as at start: a non-loopback listener needs inbound keys. */
      if (require != NULL && JSON_NODE_HOLDS_VALUE (require) &&
          json_node_get_value_type (require) == G_TYPE_BOOLEAN && !json_node_get_boolean (require) &&
          !sy_host_is_loopback (sy_gateway_get_host (call->gateway)))
        {
          sy_http_respond_error (call->msg, SY_DIALECT_OPENAI, SOUP_STATUS_BAD_REQUEST,
                                 "invalid_request_error", "invalid_value",
                                 "requireApiKey: cannot be turned off while listening on %s; "
                                 "restart on 127.0.0.1 first", sy_gateway_get_host (call->gateway));
          return;
        }
      if (!sy_settings_repo_update (sy_gateway_get_settings (call->gateway), call->body, &error))
        sy_api_reply_gerror (call->msg, error);
      else
        reply_settings (call);
      return;
    }
  sy_api_reply_bad_method (call, "GET, PUT, PATCH");
}

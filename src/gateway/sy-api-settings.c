/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GET /api/settings returns every setting; PUT or PATCH /api/settings applies the members
 * given (validated whole by SySettingsRepo; a bad field is a 400 naming it).
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-api.h"

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
      if (!sy_settings_repo_update (sy_gateway_get_settings (call->gateway), call->body, &error))
        sy_api_reply_gerror (call->msg, error);
      else
        reply_settings (call);
      return;
    }
  sy_api_reply_bad_method (call, "GET, PUT, PATCH");
}

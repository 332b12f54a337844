/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Provider blocking, checked once per resolved route while a plan is built. The setting is
 * read as the settings repository holds it (a shared, already validated node), so a change
 * applies to the next request without any cache to invalidate. No I/O.
 */
#define G_LOG_DOMAIN "sy-routing"

#include "sy-blocked-providers.h"

#include "routing/sy-model-resolver.h"

static gboolean
names_provider (const char    *entry,
                const SyRoute *route)
{
  const SyProviderInfo *info;

  if (g_ascii_strcasecmp (entry, route->provider_id) == 0 ||
      g_ascii_strcasecmp (entry, route->provider_label) == 0)
    return TRUE;
  /* "ds" blocks deepseek, whichever spelling the model used. */
  info = sy_provider_catalog_lookup (entry);
  return info != NULL && g_strcmp0 (info->id, route->provider_id) == 0;
}

gboolean
sy_blocked_providers_check (SySettingsRepo  *settings,
                            const SyRoute   *route,
                            GError         **error)
{
  g_autoptr(JsonNode) node = NULL;
  JsonArray *blocked;

  g_return_val_if_fail (SY_IS_SETTINGS_REPO (settings), FALSE);
  g_return_val_if_fail (route != NULL, FALSE);

  node = sy_settings_repo_dup_json (settings, "blockedProviders");
  blocked = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (blocked); i++)
    if (names_provider (json_array_get_string_element (blocked, i), route))
      {
        g_set_error (error, SY_ROUTING_ERROR, SY_ROUTING_ERROR_PROVIDER_BLOCKED,
                     "provider %s is blocked (setting blockedProviders)", route->provider_label);
        return FALSE;
      }
  return TRUE;
}

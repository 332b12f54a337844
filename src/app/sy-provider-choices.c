/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The shared provider drop-down (see the header).
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-provider-choices.h"

#include "providers/sy-provider-catalog.h"

void
sy_provider_choices_fill (GtkDropDown *dropdown,
                          GPtrArray   *ids,
                          SyGateway   *gateway,
                          gboolean     api_key_only)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  const SyProviderInfo *catalog;
  guint n;

  catalog = sy_provider_catalog_get_all (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *label = NULL;

      if (api_key_only && catalog[i].auth_kind != SY_AUTH_KIND_APIKEY)
        continue;
      label = g_strdup_printf ("%s (%s)", catalog[i].name, catalog[i].alias);
      gtk_string_list_append (labels, label);
      g_ptr_array_add (ids, g_strdup (catalog[i].id));
    }
  if (gateway != NULL)
    {
      g_autoptr(GPtrArray) nodes = sy_node_repo_list (sy_gateway_get_nodes (gateway));

      for (guint i = 0; i < nodes->len; i++)
        {
          SyProviderNode *node = g_ptr_array_index (nodes, i);
          g_autofree char *label = g_strdup_printf ("%s (%s)", node->name ? node->name
                                                                           : node->prefix,
                                                    node->prefix);

          gtk_string_list_append (labels, label);
          g_ptr_array_add (ids, g_strdup (node->prefix));
        }
    }
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (labels));
}

gboolean
sy_provider_choices_select (GtkDropDown *dropdown,
                            GPtrArray   *ids,
                            const char  *provider)
{
  guint index;

  if (provider == NULL ||
      !g_ptr_array_find_with_equal_func (ids, provider, g_str_equal, &index))
    return FALSE;
  gtk_drop_down_set_selected (dropdown, index);
  return TRUE;
}

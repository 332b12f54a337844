/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The link between a page and the running app: client, host signal and the page's timer, so
 * the Health, Combos and Providers pages keep only what they draw.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-page-link.h"

void
sy_page_link_init (SyPageLink     *link,
                   GtkWidget      *page,
                   guint           interval_s,
                   SyPageLinkFunc  refresh,
                   SyPageLinkFunc  tick)
{
  *link = (SyPageLink) { .page = page, .interval_s = interval_s, .refresh = refresh,
                         .tick = tick };
}

static void
host_changed_cb (SyGatewayHost *host,
                 SyPageLink    *link)
{
  link->refresh (link->page);
}

static void
disconnect_host (SyPageLink *link)
{
  if (link->host != NULL && link->changed_id != 0)
    g_signal_handler_disconnect (link->host, link->changed_id);
  link->changed_id = 0;
  link->host = NULL;
}

void
sy_page_link_set_client (SyPageLink    *link,
                         SyAdminClient *client)
{
  g_return_if_fail (client == NULL || SY_IS_ADMIN_CLIENT (client));

  disconnect_host (link);
  g_set_object (&link->client, client);
  link->host = client ? sy_admin_client_get_host (client) : NULL;
  if (link->host != NULL)
    link->changed_id = g_signal_connect (link->host, "changed", G_CALLBACK (host_changed_cb),
                                         link);
  link->refresh (link->page);
}

static gboolean
tick_cb (gpointer user_data)
{
  SyPageLink *link = user_data;

  link->tick (link->page);
  return G_SOURCE_CONTINUE;
}

void
sy_page_link_mapped (SyPageLink *link)
{
  link->refresh (link->page);
  if (link->timer_id == 0)
    link->timer_id = g_timeout_add_seconds (link->interval_s, tick_cb, link);
}

void
sy_page_link_unmapped (SyPageLink *link)
{
  g_clear_handle_id (&link->timer_id, g_source_remove);
}

void
sy_page_link_clear (SyPageLink *link)
{
  g_clear_handle_id (&link->timer_id, g_source_remove);
  disconnect_host (link);
  g_clear_object (&link->client);
}

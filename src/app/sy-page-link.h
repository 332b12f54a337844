/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyPageLink: what every page of the main window holds of the running app, in one place: the
 * admin client, the gateway host it belongs to (whose "changed" means "the gateway is a new
 * object, redraw everything"), and a timer that runs only while the page is shown. A plain
 * struct embedded in each page; it owns no widgets.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"

G_BEGIN_DECLS

typedef void (*SyPageLinkFunc) (gpointer page);

typedef struct
{
  GtkWidget      *page;
  SyAdminClient  *client;
  SyGatewayHost  *host;        /* the client's */
  guint           interval_s;
  guint           timer_id;
  gulong          changed_id;
  SyPageLinkFunc  refresh;     /* redraw from the gateway as it is now */
  SyPageLinkFunc  tick;        /* every interval_s while the page is shown */
} SyPageLink;

void sy_page_link_init       (SyPageLink     *link,
                              GtkWidget      *page,
                              guint           interval_s,
                              SyPageLinkFunc  refresh,
                              SyPageLinkFunc  tick);
/* Follows client (may be NULL) and its host, then refreshes the page. */
void sy_page_link_set_client (SyPageLink     *link,
                              SyAdminClient  *client);
/* From the page's map and unmap: refresh once, then tick while shown. */
void sy_page_link_mapped     (SyPageLink     *link);
void sy_page_link_unmapped   (SyPageLink     *link);
/* From the page's dispose. */
void sy_page_link_clear      (SyPageLink     *link);

G_END_DECLS

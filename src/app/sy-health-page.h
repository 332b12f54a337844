/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyHealthPage: what the router knows right now: the gateway's own status, provider breakers,
 * accounts cooling down, model lockouts (each with Unlock), latency percentiles; Reset all.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"

G_BEGIN_DECLS

#define SY_TYPE_HEALTH_PAGE (sy_health_page_get_type ())
G_DECLARE_FINAL_TYPE (SyHealthPage, sy_health_page, SY, HEALTH_PAGE, GtkWidget)

void sy_health_page_set_client (SyHealthPage  *self,
                                SyAdminClient *client);
/* Reads the routing state again (also every 10 s while the page is shown). */
void sy_health_page_refresh    (SyHealthPage  *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyLiveMonitor: the Translator page's Live monitor view. Requests through the app's gateway as
 * they happen (SyGateway's request-started and request-finished), newest first, with Pause,
 * Clear and a model/provider filter.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"

G_BEGIN_DECLS

#define SY_LIVE_MONITOR_MAX_ROWS 500

#define SY_TYPE_LIVE_MONITOR (sy_live_monitor_get_type ())
G_DECLARE_FINAL_TYPE (SyLiveMonitor, sy_live_monitor, SY, LIVE_MONITOR, GtkWidget)

/* Watches the client's gateway host, and its gateway again whenever the host replaces it. */
void  sy_live_monitor_set_client (SyLiveMonitor *self,
                                  SyAdminClient *client);
/* Rows in the list, shown or filtered out. */
guint sy_live_monitor_get_n_rows (SyLiveMonitor *self);

G_END_DECLS

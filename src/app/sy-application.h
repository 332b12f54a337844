/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyApplication: the desktop app. Single instance (dev.switchyard.Switchyard), hosts the gateway
 * in-process from startup to shutdown, keeps running with no window, and exports the actions
 * the tray helper drives over org.gtk.Actions.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"
#include "sy-gateway-host.h"

G_BEGIN_DECLS

#define SY_TYPE_APPLICATION (sy_application_get_type ())
G_DECLARE_FINAL_TYPE (SyApplication, sy_application, SY, APPLICATION, GtkApplication)

SyApplication *sy_application_new             (void);
/* Both NULL before startup. */
SyGatewayHost *sy_application_get_host        (SyApplication *self);
SyAdminClient *sy_application_get_client      (SyApplication *self);
/* dev.switchyard.Switchyard's settings from startup on; NULL when no schema was found. */
GSettings     *sy_application_get_settings    (SyApplication *self);
/* The main window if one is open, else NULL. */
GtkWindow     *sy_application_get_main_window (SyApplication *self);

G_END_DECLS

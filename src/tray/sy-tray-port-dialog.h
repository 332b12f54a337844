/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyTrayPortDialog: the small GTK 3 dialog behind the tray's "Change Port…" item. It only
 * picks a port; sending "change-port" to the app is the menu's job.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SY_TYPE_TRAY_PORT_DIALOG (sy_tray_port_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SyTrayPortDialog, sy_tray_port_dialog, SY, TRAY_PORT_DIALOG, GtkDialog)

/* @endpoint is the app's current endpoint URL, or NULL when unknown. */
GtkWidget *sy_tray_port_dialog_new      (const char       *endpoint);
guint      sy_tray_port_dialog_get_port (SyTrayPortDialog *self);
void       sy_tray_port_dialog_set_port (SyTrayPortDialog *self,
                                         guint             port);

G_END_DECLS

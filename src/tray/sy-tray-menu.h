/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyTrayMenu: the tray's menu. Every item drives one of the app's exported actions and is
 * sensitive only while that action exists and is enabled; it never talks to D-Bus itself.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-tray-state.h"

G_BEGIN_DECLS

#define SY_TYPE_TRAY_MENU (sy_tray_menu_get_type ())
G_DECLARE_FINAL_TYPE (SyTrayMenu, sy_tray_menu, SY, TRAY_MENU, GtkMenu)

GtkWidget *sy_tray_menu_new           (GActionGroup *actions);
void       sy_tray_menu_set_gateway   (SyTrayMenu   *self,
                                       SyTrayState   state,
                                       const char   *endpoint);
GtkWidget *sy_tray_menu_get_open_item (SyTrayMenu   *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyMainWindow: the window users configure everything in: a sidebar of pages (Health, Combos,
 * Translator, Providers, Usage, CLI Tools, API Keys, Settings), the endpoint to copy, and a bar at the top whenever the gateway is not serving,
 * with the way out (resume, another port, retry).
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"

G_BEGIN_DECLS

#define SY_TYPE_MAIN_WINDOW (sy_main_window_get_type ())
G_DECLARE_FINAL_TYPE (SyMainWindow, sy_main_window, SY, MAIN_WINDOW, GtkApplicationWindow)

SyMainWindow *sy_main_window_new      (GtkApplication *app,
                                       SyAdminClient  *client);
/* Opens at the size, maximized state and page saved in settings (dev.switchyard.Switchyard)
 * and saves them there from now on: the page when it changes, the size when the window goes.
 * Call once, before the window is shown. */
void          sy_main_window_restore_state (SyMainWindow *self,
                                            GSettings    *settings);
/* "health", "combos", "translator", "providers", "usage", "cli-tools", "keys" or "settings";
 * FALSE for any other name. */
gboolean      sy_main_window_set_page (SyMainWindow   *self,
                                       const char     *name);
const char   *sy_main_window_get_page (SyMainWindow   *self);
/* Reads everything again (what win.refresh and F5 do). */
void          sy_main_window_refresh  (SyMainWindow   *self);

G_END_DECLS

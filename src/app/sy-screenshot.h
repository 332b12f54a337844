/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Renders one page of a main window to a PNG at 1100x720, for the README and for tests:
 * `switchyard --screenshot PAGE FILE`.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"

G_BEGIN_DECLS

#define SY_SCREENSHOT_WIDTH  1100
#define SY_SCREENSHOT_HEIGHT 720

/* page: a page of the main window ("health", "keys": sy_main_window_set_page()). Opens a
 * window of its own, waits (iterating the main context, 30 s at most) until it has been laid
 * out and drawn, renders it with the window's own renderer, writes file and closes the
 * window. */
gboolean sy_screenshot_save (GtkApplication  *app,
                             SyAdminClient   *client,
                             const char      *page,
                             GFile           *file,
                             GError         **error);

G_END_DECLS

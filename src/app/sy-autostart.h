/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The per-user autostart entry of start-in-tray: $XDG_CONFIG_HOME/autostart/
 * dev.switchyard.Switchyard.desktop, copied from the template installed to
 * <datadir>/switchyard (data/meson.build) or, without one, written from the same text. Plain
 * files, no GTK; it never touches an entry someone else wrote under that name.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Where the entry goes for this user. */
char     *sy_autostart_dup_path      (void);
/* The template's path (installed, or in the build tree), or NULL when there is none. */
char     *sy_autostart_find_template (void);
/* What is written when no template is found: data/dev.switchyard.Switchyard-autostart.desktop.in
 * as it is (untranslated). */
const char *sy_autostart_get_fallback (void);
/* Whether the file at path is an entry this app wrote (it starts switchyard as a service). */
gboolean  sy_autostart_is_ours       (const char  *path);
/* Makes the entry exist (enabled) or not, atomically; an entry that is not ours is left alone
 * and reported as G_IO_ERROR_EXISTS. */
gboolean  sy_autostart_set_enabled   (gboolean     enabled,
                                      GError     **error);

G_END_DECLS

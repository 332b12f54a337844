/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The C face of the macOS code (SYStatusItem.m, SYSingleInstance.m) for main.c and
 * sy-application.c, which are C: the menu-bar item and the single-instance guard, driven
 * through the app's own GActionGroup like every tray (src/tray on Linux, windows/ on Windows).
 * Compiled on macOS only (src/app/meson.build); no AppKit type shows here.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _SyMacosTray SyMacosTray;

/* Puts Switchyard's item in the menu bar; it follows @actions' states (gateway-state,
 * endpoint) and activates its actions (open-window, copy-endpoint, pause, resume, quit). */
SyMacosTray *sy_macos_tray_new  (GActionGroup *actions);
/* Removes the item and drops its signal handlers; call before the actions go away. */
void         sy_macos_tray_free (SyMacosTray  *tray);

/* TRUE: this process is the first for this user and holds the lock for its lifetime. FALSE:
 * another one runs; it has been asked to show its window, and this process should exit 0. */
gboolean     sy_macos_instance_claim  (void);
/* In the first instance: activates "open-window" on @actions when a later launch asks. */
void         sy_macos_instance_listen (GActionGroup *actions);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyMacosTray, sy_macos_tray_free)

G_END_DECLS

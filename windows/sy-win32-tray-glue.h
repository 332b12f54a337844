/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyWin32TrayGlue: ties SyWin32Tray to the app's actions (the tray interface). Windows only.
 */
#pragma once

#include <gio/gio.h>
#include <windows.h>

G_BEGIN_DECLS

typedef struct _SyWin32TrayGlue SyWin32TrayGlue;

/* @actions is the GtkApplication (any GActionGroup with the app.* tray actions); @icon the
 * application icon from the executable's resources. NULL, with a warning logged, when the
 * notification area is not available: the app then runs without a tray icon. */
SyWin32TrayGlue *sy_win32_tray_glue_new  (GActionGroup    *actions,
                                          HICON            icon);
void             sy_win32_tray_glue_free (SyWin32TrayGlue *glue);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyWin32TrayGlue, sy_win32_tray_glue_free)

G_END_DECLS

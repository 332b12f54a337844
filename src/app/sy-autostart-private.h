/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The autostart backends behind sy-autostart.c's front, and the pure pieces of the Windows
 * and macOS ones that are compiled and tested on every platform. Only the front and the tests
 * call these.
 */
#pragma once

#include "sy-autostart.h"

G_BEGIN_DECLS

/* sy-autostart.c, for the backends that keep one file: makes the file at path hold contents
 * (enabled) or not exist, atomically. A file there that is_ours () does not claim stays as it
 * is and G_IO_ERROR_EXISTS comes back, naming it "not <what>". */
gboolean  _sy_autostart_apply_file            (const char           *path,
                                               gboolean              enabled,
                                               const char           *contents,
                                               gsize                 length,
                                               gboolean            (*is_ours) (const char *path),
                                               const char           *what,
                                               GError              **error);

/* sy-autostart-xdg.c: the entry exists (enabled) or not; see sy_autostart_is_ours (). */
gboolean  _sy_autostart_xdg_set_enabled       (gboolean              enabled,
                                               GError              **error);

/* sy-autostart-portal.c: one org.freedesktop.portal.Background.RequestBackground, answered
 * through its Request's Response signal. reason is shown by the portal (translated). */
void      _sy_autostart_portal_request_async  (gboolean              enabled,
                                               const char           *parent_window,
                                               const char           *reason,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean  _sy_autostart_portal_request_finish (GAsyncResult         *result,
                                               GError              **error);
/* The Request object path a portal creates for handle_token and the caller's unique name. */
char     *_sy_autostart_portal_dup_request_path (const char         *unique_name,
                                                 const char         *handle_token);

/* sy-autostart-launchd.c: the LaunchAgent that starts program --gapplication-service at log-in
 * under label. Pure: the text only. */
char     *_sy_autostart_launchd_dup_plist     (const char           *label,
                                               const char           *program);
/* Whether the file at path is a LaunchAgent of ours: Label is SY_APP_ID and it runs a
 * switchyard executable (or the bundle's Switchyard launcher) with --gapplication-service. */
gboolean  _sy_autostart_launchd_is_ours       (const char           *path);
/* Writes (atomically) or removes the agent at path for program (NULL when removing); an agent
 * that is not ours is left as it is and reported as G_IO_ERROR_EXISTS. */
gboolean  _sy_autostart_launchd_apply         (const char           *path,
                                               const char           *program,
                                               gboolean              enabled,
                                               GError              **error);
/* The same at ~/Library/LaunchAgents/<app id>.plist for this executable. */
gboolean  _sy_autostart_launchd_set_enabled   (gboolean              enabled,
                                               GError              **error);

/* sy-autostart-win32.c: the Run value's command for the executable at exe (UTF-8), quoted as
 * the MSI writes it, and whether a Run command starts a switchyard.exe as a service. */
char     *_sy_autostart_win32_dup_command     (const char           *exe);
gboolean  _sy_autostart_win32_command_is_ours (const char           *command);
#ifdef G_OS_WIN32
/* HKCU\Software\Microsoft\Windows\CurrentVersion\Run, value Switchyard. */
gboolean  _sy_autostart_win32_set_enabled     (gboolean              enabled,
                                               GError              **error);
#endif

G_END_DECLS

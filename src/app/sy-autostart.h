/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Start-in-tray's autostart: one front that picks the backend this package needs and turns
 * "start switchyard --gapplication-service at log-in" on or off through it. The XDG entry
 * (sy-autostart-xdg.c), the Background portal inside Flatpak (sy-autostart-portal.c), the
 * HKCU Run value on Windows (sy-autostart-win32.c), a LaunchAgent on macOS
 * (sy-autostart-launchd.c). No GTK: the caller passes its window's portal handle as text.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SY_AUTOSTART_ERROR (sy_autostart_error_quark ())

/* What went wrong besides file and registry errors (those are G_IO_ERROR; an entry under our
 * name that we did not write is G_IO_ERROR_EXISTS and stays as it is). */
typedef enum
{
  SY_AUTOSTART_ERROR_UNAVAILABLE, /* no Background portal (or no session bus) to ask */
  SY_AUTOSTART_ERROR_CANCELLED,   /* the user dismissed the portal's question */
  SY_AUTOSTART_ERROR_DENIED,      /* the answer was no: not allowed to start at log-in */
  SY_AUTOSTART_ERROR_FAILED,      /* the portal failed, or answered what it should not */
} SyAutostartError;

typedef enum
{
  SY_AUTOSTART_BACKEND_XDG,     /* $XDG_CONFIG_HOME/autostart/<app id>.desktop */
  SY_AUTOSTART_BACKEND_PORTAL,  /* org.freedesktop.portal.Background (Flatpak) */
  SY_AUTOSTART_BACKEND_WIN32,   /* HKCU\...\CurrentVersion\Run, value Switchyard */
  SY_AUTOSTART_BACKEND_LAUNCHD, /* ~/Library/LaunchAgents/<app id>.plist */
} SyAutostartBackend;

GQuark              sy_autostart_error_quark        (void);

/* The backend for this process: the platform's, the portal when sandboxed by Flatpak
 * (/.flatpak-info exists). SWITCHYARD_AUTOSTART_BACKEND=xdg|portal|launchd (and win32 on
 * Windows) forces one, for tests. */
SyAutostartBackend  sy_autostart_get_backend        (void);
const char         *sy_autostart_backend_get_name   (SyAutostartBackend   backend);

/* Makes autostart at log-in on (enabled) or off. parent_window is the portal's window
 * handle ("x11:XID", or "" for none); the other backends ignore it. The file and registry
 * backends finish their few small writes before this returns; the portal answers when the
 * user has. Never blocks on D-Bus. */
void                sy_autostart_set_enabled_async  (gboolean              enabled,
                                                     const char           *parent_window,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean            sy_autostart_set_enabled_finish (GAsyncResult         *result,
                                                     GError              **error);

/* --- the XDG entry --------------------------------------------------------------------- */

/* Where the entry goes for this user. */
char               *sy_autostart_dup_path           (void);
/* The template's path (installed, or in the build tree), or NULL when there is none. */
char               *sy_autostart_find_template      (void);
/* What is written when no template is found: data/dev.switchyard.Switchyard-autostart.desktop.in
 * as it is (untranslated). */
const char         *sy_autostart_get_fallback       (void);
/* Whether the file at path is an entry this app wrote (it starts switchyard as a service). */
gboolean            sy_autostart_is_ours            (const char           *path);

G_END_DECLS

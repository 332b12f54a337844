/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The front of start-in-tray's autostart: picks the backend for this package (the platform,
 * Flatpak's sandbox, a test's override) and runs one toggle through it as a GTask. It owns no
 * state and no policy: what to do with a refusal is the application's business.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-autostart-private.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

G_DEFINE_QUARK (sy-autostart-error-quark, sy_autostart_error)

static const char * const backend_names[] = {
  [SY_AUTOSTART_BACKEND_XDG] = "xdg",
  [SY_AUTOSTART_BACKEND_PORTAL] = "portal",
  [SY_AUTOSTART_BACKEND_WIN32] = "win32",
  [SY_AUTOSTART_BACKEND_LAUNCHD] = "launchd",
};

const char *
sy_autostart_backend_get_name (SyAutostartBackend backend)
{
  g_return_val_if_fail ((guint) backend < G_N_ELEMENTS (backend_names), NULL);
  return backend_names[backend];
}

static gboolean
backend_is_built (SyAutostartBackend backend)
{
#ifdef G_OS_WIN32
  return TRUE;
#else
  return backend != SY_AUTOSTART_BACKEND_WIN32;
#endif
}

SyAutostartBackend
sy_autostart_get_backend (void)
{
  const char *forced = g_getenv ("SWITCHYARD_AUTOSTART_BACKEND");

  if (forced != NULL && *forced != '\0')
    {
      for (guint i = 0; i < G_N_ELEMENTS (backend_names); i++)
        if (g_str_equal (forced, backend_names[i]) && backend_is_built (i))
          return i;
      g_message ("SWITCHYARD_AUTOSTART_BACKEND=%s is not a backend of this build; using the "
                 "platform's", forced);
    }

#if defined(G_OS_WIN32)
  return SY_AUTOSTART_BACKEND_WIN32;
#elif defined(__APPLE__)
  return SY_AUTOSTART_BACKEND_LAUNCHD;
#else
  /* Flatpak's marker, as GLib's own portal checks use it: the sandbox cannot write the host's
   * autostart folder, and an entry in its own would start nothing. */
  if (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    return SY_AUTOSTART_BACKEND_PORTAL;
  return SY_AUTOSTART_BACKEND_XDG;
#endif
}

/* --- the file backends' writer ---------------------------------------------------------- */

static gboolean
set_errno_error (GError     **error,
                 const char  *path)
{
  int saved = errno;

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path,
               g_strerror (saved));
  return FALSE;
}

gboolean
_sy_autostart_apply_file (const char  *path,
                          gboolean     enabled,
                          const char  *contents,
                          gsize        length,
                          gboolean   (*is_ours) (const char *path),
                          const char  *what,
                          GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *current = NULL;
  gsize current_length;
  gboolean exists = g_file_test (path, G_FILE_TEST_EXISTS);

  g_return_val_if_fail (!enabled || contents != NULL, FALSE);

  if (exists && !is_ours (path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "%s is not %s; left as it is", path,
                   what);
      return FALSE;
    }
  if (!enabled)
    {
      if (exists && g_unlink (path) != 0 && errno != ENOENT)
        return set_errno_error (error, path);
      return TRUE;
    }

  /* Already there, the same: nothing to write (start-up reconciles every time). */
  if (g_file_get_contents (path, &current, &current_length, NULL) &&
      current_length == length && memcmp (current, contents, length) == 0)
    return TRUE;
  if (g_mkdir_with_parents (dir, 0755) != 0)
    return set_errno_error (error, dir);
  /* Written next to it and renamed over it: a session starting meanwhile sees the old file or
   * the new one, never half of one. */
  return g_file_set_contents_full (path, contents, (gssize) length,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

/* --- the front --------------------------------------------------------------------------- */

static void
portal_answered_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (_sy_autostart_portal_request_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

void
sy_autostart_set_enabled_async (gboolean             enabled,
                                const char          *parent_window,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sy_autostart_set_enabled_async);

  switch (sy_autostart_get_backend ())
    {
    case SY_AUTOSTART_BACKEND_PORTAL:
      /* Shown by the portal's dialog and in the desktop's list of background apps. */
      _sy_autostart_portal_request_async (enabled, parent_window != NULL ? parent_window : "",
                                          _("Start Switchyard at log-in in the tray, so your "
                                            "tools can reach its gateway"),
                                          cancellable, portal_answered_cb,
                                          g_steal_pointer (&task));
      return;
    case SY_AUTOSTART_BACKEND_LAUNCHD:
      done = _sy_autostart_launchd_set_enabled (enabled, &error);
      break;
#ifdef G_OS_WIN32
    case SY_AUTOSTART_BACKEND_WIN32:
      done = _sy_autostart_win32_set_enabled (enabled, &error);
      break;
#endif
    case SY_AUTOSTART_BACKEND_XDG:
    default:
      done = _sy_autostart_xdg_set_enabled (enabled, &error);
      break;
    }

  if (done)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

gboolean
sy_autostart_set_enabled_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sy_autostart_set_enabled_async,
                        FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

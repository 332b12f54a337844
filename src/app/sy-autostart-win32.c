/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Windows backend of start-in-tray: the value Switchyard under
 * HKCU\Software\Microsoft\Windows\CurrentVersion\Run, the one the MSI's Autostart feature
 * writes (windows/switchyard.wxs): "<path of switchyard.exe>" --gapplication-service. It touches
 * that value only, and replaces or deletes it only when it starts a switchyard.exe as a
 * service. The command text is plain GLib, compiled and tested everywhere; the registry calls
 * are Windows-only (tests/data/check-win32-sources.sh compiles them with mingw-w64). No GTK.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-autostart-private.h"

#include <string.h>

#ifdef G_OS_WIN32
#include <windows.h>
#endif

#define SERVICE_FLAG "--gapplication-service"

char *
_sy_autostart_win32_dup_command (const char *exe)
{
  g_return_val_if_fail (exe != NULL, NULL);
  return g_strdup_printf ("\"%s\" " SERVICE_FLAG, exe);
}

static const char *
get_basename (const char *path)
{
  const char *base = path;

  for (const char *p = path; *p != '\0'; p++)
    if (*p == '\\' || *p == '/')
      base = p + 1;
  return base;
}

gboolean
_sy_autostart_win32_command_is_ours (const char *command)
{
  g_autofree char *program = NULL;
  g_auto(GStrv) arguments = NULL;
  const char *rest;
  const char *base;

  g_return_val_if_fail (command != NULL, FALSE);

  /* The program comes first, quoted (as the MSI and this file write it) or up to a blank. */
  command += strspn (command, " \t");
  if (*command == '"')
    {
      rest = strchr (command + 1, '"');
      if (rest == NULL)
        return FALSE;
      program = g_strndup (command + 1, (gsize) (rest - command - 1));
      rest++;
    }
  else
    {
      rest = command + strcspn (command, " \t");
      program = g_strndup (command, (gsize) (rest - command));
    }

  base = get_basename (program);
  if (g_ascii_strcasecmp (base, "switchyard.exe") != 0 &&
      g_ascii_strcasecmp (base, "switchyard") != 0)
    return FALSE;
  arguments = g_strsplit_set (rest, " \t", -1);
  return g_strv_contains ((const char * const *) arguments, SERVICE_FLAG);
}

#ifdef G_OS_WIN32

#define RUN_KEY    L"Software\\Microsoft\\Windows\\CurrentVersion\\Run"
#define VALUE_NAME L"Switchyard"

static gboolean
set_win32_error (GError     **error,
                 LONG         status,
                 const char  *doing)
{
  g_autofree char *message = g_win32_error_message ((int) status);

  g_set_error (error, G_IO_ERROR, g_io_error_from_win32_error ((int) status),
               "%s HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Switchyard: %s",
               doing, message);
  return FALSE;
}

/* The value's command (UTF-8), or NULL in *command when there is no value. A value of another
 * type is "" (nobody's command we know). */
static gboolean
read_command (char   **command,
              GError **error)
{
  g_autofree wchar_t *data = NULL;
  DWORD size = 0;
  LONG status;

  *command = NULL;
  status = RegGetValueW (HKEY_CURRENT_USER, RUN_KEY, VALUE_NAME, RRF_RT_REG_SZ, NULL, NULL,
                         &size);
  if (status == ERROR_FILE_NOT_FOUND)
    return TRUE;
  if (status == ERROR_UNSUPPORTED_TYPE)
    {
      *command = g_strdup ("");
      return TRUE;
    }
  if (status != ERROR_SUCCESS)
    return set_win32_error (error, status, "reading");

  data = g_malloc0 (size + sizeof (wchar_t));
  status = RegGetValueW (HKEY_CURRENT_USER, RUN_KEY, VALUE_NAME, RRF_RT_REG_SZ, NULL, data,
                         &size);
  if (status != ERROR_SUCCESS)
    return set_win32_error (error, status, "reading");
  *command = g_utf16_to_utf8 ((const gunichar2 *) data, -1, NULL, NULL, NULL);
  if (*command == NULL)
    *command = g_strdup ("");
  return TRUE;
}

/* This switchyard.exe, in UTF-8. */
static char *
dup_exe (GError **error)
{
  g_autofree wchar_t *path = NULL;

  for (DWORD size = MAX_PATH; size <= 32768; size *= 2)
    {
      DWORD length;

      g_free (path);
      path = g_new (wchar_t, size);
      length = GetModuleFileNameW (NULL, path, size);
      if (length == 0)
        {
          set_win32_error (error, (LONG) GetLastError (), "finding switchyard.exe for");
          return NULL;
        }
      if (length < size)
        return g_utf16_to_utf8 ((const gunichar2 *) path, (glong) length, NULL, NULL, error);
    }
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG,
                       "the path of switchyard.exe is too long for the Run value");
  return NULL;
}

gboolean
_sy_autostart_win32_set_enabled (gboolean   enabled,
                                 GError   **error)
{
  g_autofree char *current = NULL;
  g_autofree char *exe = NULL;
  g_autofree char *command = NULL;
  g_autofree gunichar2 *wide = NULL;
  glong length;
  LONG status;

  if (!read_command (&current, error))
    return FALSE;
  if (current != NULL && !_sy_autostart_win32_command_is_ours (current))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "the Run value Switchyard (%s) does not start Switchyard as a service; left "
                   "as it is", current);
      return FALSE;
    }

  if (!enabled)
    {
      if (current == NULL)
        return TRUE;
      status = RegDeleteKeyValueW (HKEY_CURRENT_USER, RUN_KEY, VALUE_NAME);
      if (status != ERROR_SUCCESS && status != ERROR_FILE_NOT_FOUND)
        return set_win32_error (error, status, "deleting");
      return TRUE;
    }

  if ((exe = dup_exe (error)) == NULL)
    return FALSE;
  command = _sy_autostart_win32_dup_command (exe);
  if (g_strcmp0 (current, command) == 0)
    return TRUE;
  if ((wide = g_utf8_to_utf16 (command, -1, NULL, &length, error)) == NULL)
    return FALSE;
  status = RegSetKeyValueW (HKEY_CURRENT_USER, RUN_KEY, VALUE_NAME, REG_SZ, wide,
                            (DWORD) ((length + 1) * sizeof (gunichar2)));
  if (status != ERROR_SUCCESS)
    return set_win32_error (error, status, "writing");
  return TRUE;
}

#endif /* G_OS_WIN32 */

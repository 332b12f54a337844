/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The named-mutex guard. The mutex lives in the session's Local\ namespace, so two users
 * signed in at once (fast user switching) each get their own Switchyard, as with the
 * per-session D-Bus on Linux. It only decides who runs; the running instance's tray window
 * (sy-win32-tray.c) receives the activate message.
 */
#include "sy-win32-instance.h"

#include <wchar.h>

#include "sy-win32-tray.h"

SyWin32InstanceRole
sy_win32_instance_claim (const wchar_t *app_id,
                         HANDLE        *mutex)
{
  wchar_t name[MAX_PATH];
  HANDLE handle;

  *mutex = NULL;
  if (_snwprintf (name, ARRAYSIZE (name), L"Local\\%ls", app_id) < 0)
    {
      SetLastError (ERROR_INVALID_PARAMETER);
      return SY_WIN32_INSTANCE_ERROR;
    }
  name[ARRAYSIZE (name) - 1] = L'\0';

  /* Not owned initially: ownership is irrelevant, existence is the signal, and an owned
   * mutex would be "abandoned" rather than released when the process dies. */
  handle = CreateMutexW (NULL, FALSE, name);
  if (handle == NULL)
    {
      /* ERROR_ACCESS_DENIED: it exists but was created with a DACL we cannot open, which
       * only another instance of ours does. */
      return GetLastError () == ERROR_ACCESS_DENIED ? SY_WIN32_INSTANCE_SECONDARY
                                                    : SY_WIN32_INSTANCE_ERROR;
    }
  if (GetLastError () == ERROR_ALREADY_EXISTS)
    {
      CloseHandle (handle);
      return SY_WIN32_INSTANCE_SECONDARY;
    }
  *mutex = handle;
  return SY_WIN32_INSTANCE_PRIMARY;
}

BOOL
sy_win32_instance_activate (void)
{
  UINT message = RegisterWindowMessageW (SY_WIN32_TRAY_ACTIVATE_MESSAGE);
  HWND window = FindWindowW (SY_WIN32_TRAY_WINDOW_CLASS, NULL);
  DWORD process = 0;

  if (message == 0 || window == NULL)
    return FALSE;
  /* Windows gives the foreground only to a process the foreground process allows: we are
   * it (the user just launched us), so hand it over before asking the other to show. */
  GetWindowThreadProcessId (window, &process);
  AllowSetForegroundWindow (process);
  return PostMessageW (window, message, 0, 0);
}

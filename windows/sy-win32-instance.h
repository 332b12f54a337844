/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The single-instance guard on Windows: a named mutex per user session, and a way for a
 * second launch to bring the first one forward. Plain Win32, no GLib; main() calls it before
 * g_application_run (). See windows/README.md, "Single instance", for why GApplication's own
 * uniqueness is not enough there.
 */
#pragma once

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum
{
  SY_WIN32_INSTANCE_PRIMARY,    /* this process holds the mutex: go on starting */
  SY_WIN32_INSTANCE_SECONDARY,  /* another one holds it: forward, then exit */
  SY_WIN32_INSTANCE_ERROR,      /* no mutex (GetLastError () says why): start anyway */
} SyWin32InstanceRole;

/* Creates or opens "Local\<app_id>". On PRIMARY, *mutex must stay open for the process's
 * lifetime (closing it releases the guard); on SECONDARY it is already closed. */
SyWin32InstanceRole sy_win32_instance_claim    (const wchar_t *app_id,
                                                HANDLE        *mutex);

/* Posts the activate message to the first instance's tray window and lets it take the
 * foreground. FALSE when no such window exists yet (the first instance is still starting:
 * retry for a moment, then give up quietly). */
BOOL                sy_win32_instance_activate (void);

#ifdef __cplusplus
}
#endif

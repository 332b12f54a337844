/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyWin32Tray: the notification-area icon on Windows (Shell_NotifyIconW) and its popup menu,
 * the counterpart of src/tray/ (libayatana-appindicator) on Linux. Plain Win32 and C, no GLib:
 * it draws and reports clicks; sy-win32-tray-glue.c maps those to the app's actions.
 * It lives in the app's own process and thread: GDK's Win32 backend pumps this window's
 * messages from the GLib main loop, so every callback runs on the main thread.
 */
#pragma once

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The menu's items, in menu order; the same set and order as src/tray/sy-tray-menu.c. */
typedef enum
{
  SY_WIN32_TRAY_STATUS,       /* the status line: never enabled, never reported */
  SY_WIN32_TRAY_OPEN,         /* also a left click on the icon */
  SY_WIN32_TRAY_COPY,
  SY_WIN32_TRAY_CHANGE_PORT,
  SY_WIN32_TRAY_PAUSE,        /* Pause or Resume, whichever label the glue set */
  SY_WIN32_TRAY_QUIT,
  SY_WIN32_TRAY_N_ITEMS
} SyWin32TrayItem;

typedef struct _SyWin32Tray SyWin32Tray;

typedef void (*SyWin32TrayActivateFunc) (SyWin32Tray     *tray,
                                         SyWin32TrayItem  item,
                                         void            *user_data);

/* The window class name: sy-win32-instance.c finds a running instance's tray by it. */
#define SY_WIN32_TRAY_WINDOW_CLASS L"dev.switchyard.Switchyard.Tray"
/* Registered message a second instance posts to the first one's tray window: "show
 * yourself" (reported as SY_WIN32_TRAY_OPEN). */
#define SY_WIN32_TRAY_ACTIVATE_MESSAGE L"dev.switchyard.Switchyard.Activate"

/* NULL (GetLastError () says why) when the window or the icon cannot be created. @icon is
 * the initial icon; the tray does not own it. */
SyWin32Tray *sy_win32_tray_new         (HINSTANCE                instance,
                                        HICON                    icon,
                                        SyWin32TrayActivateFunc  activate,
                                        void                    *user_data);
void         sy_win32_tray_free        (SyWin32Tray             *tray);

/* Text is UTF-16; NULL clears. The tooltip is cut to what NOTIFYICONDATAW holds. */
void         sy_win32_tray_set_tooltip (SyWin32Tray             *tray,
                                        const wchar_t           *tooltip);
void         sy_win32_tray_set_icon    (SyWin32Tray             *tray,
                                        HICON                    icon);
void         sy_win32_tray_set_label   (SyWin32Tray             *tray,
                                        SyWin32TrayItem          item,
                                        const wchar_t           *label);
void         sy_win32_tray_set_enabled (SyWin32Tray             *tray,
                                        SyWin32TrayItem          item,
                                        BOOL                     enabled);

#ifdef __cplusplus
}
#endif

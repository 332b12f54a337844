/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyWin32Tray: one hidden top-level window owns the notification icon (a message-only window
 * would miss "TaskbarCreated", sent when Explorer restarts, and the icon would vanish). A
 * right click pops the menu up; a left click, or a second instance's activate message, reports
 * SY_WIN32_TRAY_OPEN. It never decides what an item does.
 */
#include "sy-win32-tray.h"

#include <shellapi.h>
#include <stdlib.h>
#include <wchar.h>

#define TRAY_CALLBACK_MESSAGE (WM_APP + 1)
#define TRAY_ICON_ID          1
#define MENU_ID_BASE          100

struct _SyWin32Tray
{
  HWND                     window;
  HICON                    icon;
  UINT                     taskbar_created;
  UINT                     activate_message;
  SyWin32TrayActivateFunc  activate;
  void                    *user_data;
  wchar_t                  tooltip[128];
  wchar_t                 *labels[SY_WIN32_TRAY_N_ITEMS];
  BOOL                     enabled[SY_WIN32_TRAY_N_ITEMS];
};

static void
fill_icon_data (SyWin32Tray     *tray,
                NOTIFYICONDATAW *data)
{
  ZeroMemory (data, sizeof *data);
  data->cbSize = sizeof *data;
  data->hWnd = tray->window;
  data->uID = TRAY_ICON_ID;
  data->uFlags = NIF_MESSAGE | NIF_ICON | NIF_TIP | NIF_SHOWTIP;
  data->uCallbackMessage = TRAY_CALLBACK_MESSAGE;
  data->hIcon = tray->icon;
  wcsncpy (data->szTip, tray->tooltip, ARRAYSIZE (data->szTip) - 1);
}

static BOOL
add_icon (SyWin32Tray *tray)
{
  NOTIFYICONDATAW data;

  fill_icon_data (tray, &data);
  if (!Shell_NotifyIconW (NIM_ADD, &data))
    return FALSE;
  /* Version 4: the callback's LOWORD (lParam) is the event, and NIN_SELECT/WM_CONTEXTMENU
   * arrive for keyboard use too. */
  data.uVersion = NOTIFYICON_VERSION_4;
  return Shell_NotifyIconW (NIM_SETVERSION, &data);
}

static void
update_icon (SyWin32Tray *tray)
{
  NOTIFYICONDATAW data;

  fill_icon_data (tray, &data);
  Shell_NotifyIconW (NIM_MODIFY, &data);
}

static void
report (SyWin32Tray     *tray,
        SyWin32TrayItem  item)
{
  if (item != SY_WIN32_TRAY_STATUS && tray->enabled[item] && tray->activate != NULL)
    tray->activate (tray, item, tray->user_data);
}

static void
show_menu (SyWin32Tray *tray,
           int          x,
           int          y)
{
  HMENU menu = CreatePopupMenu ();
  UINT chosen;
  int i;

  if (menu == NULL)
    return;

  for (i = 0; i < SY_WIN32_TRAY_N_ITEMS; i++)
    {
      const wchar_t *label = tray->labels[i] != NULL ? tray->labels[i] : L"";
      UINT flags = MF_STRING | (tray->enabled[i] ? MF_ENABLED : MF_GRAYED);

      if (i == SY_WIN32_TRAY_STATUS)
        flags = MF_STRING | MF_DISABLED;
      AppendMenuW (menu, flags, MENU_ID_BASE + i, label);
      /* Separators where the GTK menu has them: after the status line and before Quit. */
      if (i == SY_WIN32_TRAY_STATUS || i == SY_WIN32_TRAY_PAUSE)
        AppendMenuW (menu, MF_SEPARATOR, 0, NULL);
    }
  SetMenuDefaultItem (menu, MENU_ID_BASE + SY_WIN32_TRAY_OPEN, FALSE);

  /* Without the foreground, the menu would not close when the user clicks elsewhere; the
   * WM_NULL afterwards is the documented companion (KB135788). */
  SetForegroundWindow (tray->window);
  chosen = (UINT) TrackPopupMenuEx (menu,
                                    TPM_RETURNCMD | TPM_NONOTIFY | TPM_RIGHTBUTTON
                                    | (GetSystemMetrics (SM_MENUDROPALIGNMENT) ? TPM_RIGHTALIGN
                                                                             : TPM_LEFTALIGN),
                                    x, y, tray->window, NULL);
  PostMessageW (tray->window, WM_NULL, 0, 0);
  DestroyMenu (menu);

  if (chosen >= MENU_ID_BASE && chosen < MENU_ID_BASE + SY_WIN32_TRAY_N_ITEMS)
    report (tray, (SyWin32TrayItem) (chosen - MENU_ID_BASE));
}

static LRESULT CALLBACK
window_proc (HWND   window,
             UINT   message,
             WPARAM wparam,
             LPARAM lparam)
{
  SyWin32Tray *tray = (SyWin32Tray *) GetWindowLongPtrW (window, GWLP_USERDATA);

  if (message == WM_NCCREATE)
    {
      CREATESTRUCTW *create = (CREATESTRUCTW *) lparam;

      SetWindowLongPtrW (window, GWLP_USERDATA, (LONG_PTR) create->lpCreateParams);
      return DefWindowProcW (window, message, wparam, lparam);
    }
  if (tray == NULL)
    return DefWindowProcW (window, message, wparam, lparam);

  if (message == TRAY_CALLBACK_MESSAGE)
    {
      switch (LOWORD (lparam))
        {
        case NIN_SELECT:
        case NIN_KEYSELECT:
          report (tray, SY_WIN32_TRAY_OPEN);
          break;
        case WM_CONTEXTMENU:
          /* Version 4: wParam holds the anchor point in screen coordinates. */
          show_menu (tray, (short) LOWORD (wparam), (short) HIWORD (wparam));
          break;
        default:
          break;
        }
      return 0;
    }
  if (message == tray->taskbar_created && tray->taskbar_created != 0)
    {
      add_icon (tray);
      return 0;
    }
  if (message == tray->activate_message && tray->activate_message != 0)
    {
      report (tray, SY_WIN32_TRAY_OPEN);
      return 0;
    }
  return DefWindowProcW (window, message, wparam, lparam);
}

SyWin32Tray *
sy_win32_tray_new (HINSTANCE                instance,
                   HICON                    icon,
                   SyWin32TrayActivateFunc  activate,
                   void                    *user_data)
{
  WNDCLASSEXW window_class;
  SyWin32Tray *tray;
  int i;

  tray = calloc (1, sizeof *tray);
  if (tray == NULL)
    {
      SetLastError (ERROR_NOT_ENOUGH_MEMORY);
      return NULL;
    }
  tray->icon = icon;
  tray->activate = activate;
  tray->user_data = user_data;
  for (i = 0; i < SY_WIN32_TRAY_N_ITEMS; i++)
    tray->enabled[i] = FALSE;
  tray->taskbar_created = RegisterWindowMessageW (L"TaskbarCreated");
  tray->activate_message = RegisterWindowMessageW (SY_WIN32_TRAY_ACTIVATE_MESSAGE);

  ZeroMemory (&window_class, sizeof window_class);
  window_class.cbSize = sizeof window_class;
  window_class.lpfnWndProc = window_proc;
  window_class.hInstance = instance;
  window_class.lpszClassName = SY_WIN32_TRAY_WINDOW_CLASS;
  if (!RegisterClassExW (&window_class) && GetLastError () != ERROR_CLASS_ALREADY_EXISTS)
    {
      free (tray);
      return NULL;
    }

  /* Top-level and never shown: it must receive the TaskbarCreated broadcast. */
  tray->window = CreateWindowExW (WS_EX_TOOLWINDOW, SY_WIN32_TRAY_WINDOW_CLASS, L"Switchyard",
                                  WS_POPUP, 0, 0, 0, 0, NULL, NULL, instance, tray);
  if (tray->window == NULL)
    {
      free (tray);
      return NULL;
    }
  /* A second instance running unelevated must be able to post to us even if this one runs
   * elevated (it never should, but UIPI would drop the message silently). */
  ChangeWindowMessageFilterEx (tray->window, tray->activate_message, MSGFLT_ALLOW, NULL);

  if (!add_icon (tray))
    {
      DWORD error = GetLastError ();

      DestroyWindow (tray->window);
      free (tray);
      SetLastError (error);
      return NULL;
    }
  return tray;
}

void
sy_win32_tray_free (SyWin32Tray *tray)
{
  NOTIFYICONDATAW data;
  int i;

  if (tray == NULL)
    return;
  fill_icon_data (tray, &data);
  Shell_NotifyIconW (NIM_DELETE, &data);
  DestroyWindow (tray->window);
  for (i = 0; i < SY_WIN32_TRAY_N_ITEMS; i++)
    free (tray->labels[i]);
  free (tray);
}

void
sy_win32_tray_set_tooltip (SyWin32Tray   *tray,
                           const wchar_t *tooltip)
{
  if (tray == NULL)
    return;
  tray->tooltip[0] = L'\0';
  if (tooltip != NULL)
    wcsncpy (tray->tooltip, tooltip, ARRAYSIZE (tray->tooltip) - 1);
  tray->tooltip[ARRAYSIZE (tray->tooltip) - 1] = L'\0';
  update_icon (tray);
}

void
sy_win32_tray_set_icon (SyWin32Tray *tray,
                        HICON        icon)
{
  if (tray == NULL || icon == NULL)
    return;
  tray->icon = icon;
  update_icon (tray);
}

void
sy_win32_tray_set_label (SyWin32Tray     *tray,
                         SyWin32TrayItem  item,
                         const wchar_t   *label)
{
  if (tray == NULL || item < 0 || item >= SY_WIN32_TRAY_N_ITEMS)
    return;
  free (tray->labels[item]);
  tray->labels[item] = label != NULL ? _wcsdup (label) : NULL;
}

void
sy_win32_tray_set_enabled (SyWin32Tray     *tray,
                           SyWin32TrayItem  item,
                           BOOL             enabled)
{
  if (tray == NULL || item < 0 || item >= SY_WIN32_TRAY_N_ITEMS)
    return;
  tray->enabled[item] = enabled;
}

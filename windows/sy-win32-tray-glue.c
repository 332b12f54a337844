/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Windows tray behind the tray interface: the same contract src/tray/ keeps with the app
 * on Linux (the actions open-window, copy-endpoint, change-port, pause, resume, quit, and the
 * read-only states gateway-state and endpoint), read from the GtkApplication's own
 * GActionGroup in-process instead of org.gtk.Actions over D-Bus. Texts come from
 * src/tray/sy-tray-state.c and the same msgids as src/tray/sy-tray-menu.c, so both platforms
 * say the same thing in every language. No GTK here: the app passes itself as a GActionGroup.
 *
 * Built only on Windows; it needs GLib for mingw, so the Linux data suite cannot compile it
 * (tests/data/check-win32-sources.sh reports it skipped) and windows.yml builds it.
 */
#define G_LOG_DOMAIN "sy-tray"

#include <glib/gi18n.h>

#include "sy-tray-state.h"
#include "sy-win32-tray-glue.h"
#include "sy-win32-tray.h"

#define ACTION_OPEN        "open-window"
#define ACTION_COPY        "copy-endpoint"
#define ACTION_CHANGE_PORT "change-port"
#define ACTION_PAUSE       "pause"
#define ACTION_RESUME      "resume"
#define ACTION_QUIT        "quit"

struct _SyWin32TrayGlue
{
  GActionGroup *actions;
  SyWin32Tray  *tray;
  gulong        state_id;
  gulong        enabled_id;
  gulong        added_id;
  gulong        removed_id;
  SyTrayState   state;
  char         *endpoint;
  const char   *removing;     /* during "action-removed", which comes just before removal */
};

static gboolean
action_usable (SyWin32TrayGlue *glue,
               const char      *name)
{
  return g_strcmp0 (name, glue->removing) != 0
         && g_action_group_has_action (glue->actions, name)
         && g_action_group_get_action_enabled (glue->actions, name);
}

static char *
dup_string_state (SyWin32TrayGlue *glue,
                  const char      *name)
{
  g_autoptr(GVariant) state = NULL;

  if (!g_action_group_has_action (glue->actions, name))
    return NULL;
  state = g_action_group_get_action_state (glue->actions, name);
  if (state == NULL || !g_variant_is_of_type (state, G_VARIANT_TYPE_STRING))
    return NULL;
  return g_variant_dup_string (state, NULL);
}

static void
set_label (SyWin32TrayGlue *glue,
           SyWin32TrayItem  item,
           const char      *utf8)
{
  g_autofree gunichar2 *utf16 = g_utf8_to_utf16 (utf8, -1, NULL, NULL, NULL);

  sy_win32_tray_set_label (glue->tray, item, (const wchar_t *) utf16);
}

static void
refresh (SyWin32TrayGlue *glue)
{
  g_autofree char *state = dup_string_state (glue, "gateway-state");
  g_autofree char *summary = NULL;
  g_autofree char *title = NULL;
  g_autofree char *copy_label = NULL;
  g_autofree gunichar2 *title16 = NULL;
  gboolean have_endpoint;

  g_free (glue->endpoint);
  glue->endpoint = dup_string_state (glue, "endpoint");
  glue->state = sy_tray_state_from_string (state);
  have_endpoint = glue->endpoint != NULL && *glue->endpoint != '\0';

  summary = sy_tray_state_dup_summary (glue->state, glue->endpoint);
  title = sy_tray_state_dup_title (glue->state, glue->endpoint);
  copy_label = have_endpoint ? g_strdup_printf (_("Copy %s"), glue->endpoint)
                             : g_strdup (_("Copy Endpoint URL"));

  set_label (glue, SY_WIN32_TRAY_STATUS, summary);
  set_label (glue, SY_WIN32_TRAY_OPEN, _("Open Switchyard"));
  set_label (glue, SY_WIN32_TRAY_COPY, copy_label);
  set_label (glue, SY_WIN32_TRAY_CHANGE_PORT, _("Change Port…"));
  set_label (glue, SY_WIN32_TRAY_PAUSE, sy_tray_state_is_running (glue->state)
                                        ? _("Pause Gateway") : _("Resume Gateway"));
  set_label (glue, SY_WIN32_TRAY_QUIT, _("Quit Switchyard"));

  sy_win32_tray_set_enabled (glue->tray, SY_WIN32_TRAY_OPEN, action_usable (glue, ACTION_OPEN));
  sy_win32_tray_set_enabled (glue->tray, SY_WIN32_TRAY_COPY,
                             have_endpoint && action_usable (glue, ACTION_COPY));
  /* The port is edited in the window's Settings page: the GTK 3 helper's small port dialog
   * has no counterpart in a Win32 popup menu. */
  sy_win32_tray_set_enabled (glue->tray, SY_WIN32_TRAY_CHANGE_PORT,
                             action_usable (glue, ACTION_OPEN));
  sy_win32_tray_set_enabled (glue->tray, SY_WIN32_TRAY_PAUSE,
                             glue->state != SY_TRAY_STATE_UNKNOWN
                             && action_usable (glue, sy_tray_state_is_running (glue->state)
                                                     ? ACTION_PAUSE : ACTION_RESUME));
  sy_win32_tray_set_enabled (glue->tray, SY_WIN32_TRAY_QUIT, action_usable (glue, ACTION_QUIT));

  title16 = g_utf8_to_utf16 (title, -1, NULL, NULL, NULL);
  sy_win32_tray_set_tooltip (glue->tray, (const wchar_t *) title16);
}

static void
activate_cb (SyWin32Tray     *tray,
             SyWin32TrayItem  item,
             void            *user_data)
{
  SyWin32TrayGlue *glue = user_data;
  const char *action = NULL;

  switch (item)
    {
    case SY_WIN32_TRAY_OPEN:
    case SY_WIN32_TRAY_CHANGE_PORT:
      action = ACTION_OPEN;
      break;
    case SY_WIN32_TRAY_COPY:
      action = ACTION_COPY;
      break;
    case SY_WIN32_TRAY_PAUSE:
      action = sy_tray_state_is_running (glue->state) ? ACTION_PAUSE : ACTION_RESUME;
      break;
    case SY_WIN32_TRAY_QUIT:
      action = ACTION_QUIT;
      break;
    case SY_WIN32_TRAY_STATUS:
    case SY_WIN32_TRAY_N_ITEMS:
    default:
      return;
    }
  /* The menu showed a state that may have changed since: the app checks again. */
  if (action_usable (glue, action))
    g_action_group_activate_action (glue->actions, action, NULL);
}

static void
action_added_cb (GActionGroup *actions,
                 const char   *name,
                 gpointer      user_data)
{
  refresh (user_data);
}

static void
action_removed_cb (GActionGroup *actions,
                   const char   *name,
                   gpointer      user_data)
{
  SyWin32TrayGlue *glue = user_data;

  glue->removing = name;
  refresh (glue);
  glue->removing = NULL;
}

static void
action_state_changed_cb (GActionGroup *actions,
                         const char   *name,
                         GVariant     *state,
                         gpointer      user_data)
{
  refresh (user_data);
}

static void
action_enabled_changed_cb (GActionGroup *actions,
                           const char   *name,
                           gboolean      enabled,
                           gpointer      user_data)
{
  refresh (user_data);
}

SyWin32TrayGlue *
sy_win32_tray_glue_new (GActionGroup *actions,
                        HICON         icon)
{
  SyWin32TrayGlue *glue;

  g_return_val_if_fail (G_IS_ACTION_GROUP (actions), NULL);

  glue = g_new0 (SyWin32TrayGlue, 1);
  glue->actions = g_object_ref (actions);
  glue->tray = sy_win32_tray_new (GetModuleHandleW (NULL), icon, activate_cb, glue);
  if (glue->tray == NULL)
    {
      g_autofree char *message = g_win32_error_message ((int) GetLastError ());

      g_message ("no notification area icon: %s", message);
      g_object_unref (glue->actions);
      g_free (glue);
      return NULL;
    }

  glue->state_id = g_signal_connect (actions, "action-state-changed",
                                     G_CALLBACK (action_state_changed_cb), glue);
  glue->enabled_id = g_signal_connect (actions, "action-enabled-changed",
                                       G_CALLBACK (action_enabled_changed_cb), glue);
  glue->added_id = g_signal_connect (actions, "action-added",
                                     G_CALLBACK (action_added_cb), glue);
  glue->removed_id = g_signal_connect (actions, "action-removed",
                                       G_CALLBACK (action_removed_cb), glue);
  refresh (glue);
  return glue;
}

void
sy_win32_tray_glue_free (SyWin32TrayGlue *glue)
{
  if (glue == NULL)
    return;
  g_clear_signal_handler (&glue->state_id, glue->actions);
  g_clear_signal_handler (&glue->enabled_id, glue->actions);
  g_clear_signal_handler (&glue->added_id, glue->actions);
  g_clear_signal_handler (&glue->removed_id, glue->actions);
  g_clear_pointer (&glue->tray, sy_win32_tray_free);
  g_clear_object (&glue->actions);
  g_free (glue->endpoint);
  g_free (glue);
}

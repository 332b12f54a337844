/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * main() of switchyard-tray, the GTK 3 + libayatana-appindicator helper that the GTK 4 app
 * starts (ayatana links GTK 3 and cannot live in the app's process). It watches the app's bus
 * name, shows the tray icon while the app is there and exits 0 when it goes. It holds no state
 * of its own: everything it shows or does goes through the app's exported actions.
 */
#define G_LOG_DOMAIN "switchyard-tray"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <gtk/gtk.h>
#include <locale.h>

#include "sy-tray-indicator.h"

typedef struct
{
  GMainLoop       *loop;
  char            *object_path;
  SyTrayIndicator *indicator;
  gboolean         app_seen;
  int              status;
} TrayHelper;

/* GApplication's rule: "dev.switchyard.Switchyard" exports at /dev/switchyard/Switchyard. */
static char *
object_path_for_app_id (const char *app_id)
{
  g_autofree char *path = g_strconcat ("/", app_id, NULL);

  g_strdelimit (path, ".", '/');
  g_strdelimit (path, "-", '_');
  return g_steal_pointer (&path);
}

static void
quit (TrayHelper *helper,
      int         status)
{
  helper->status = status;
  g_main_loop_quit (helper->loop);
}

static void
app_appeared_cb (GDBusConnection *connection,
                 const char      *name,
                 const char      *name_owner,
                 gpointer         user_data)
{
  TrayHelper *helper = user_data;
  g_autoptr(GDBusActionGroup) actions = NULL;

  if (helper->indicator != NULL)
    return;

  g_debug ("%s is %s", name, name_owner);
  helper->app_seen = TRUE;

  /* Follow this instance (its unique name), never whoever takes the name next. */
  actions = g_dbus_action_group_get (connection, name_owner, helper->object_path);
  helper->indicator = sy_tray_indicator_new (name, G_ACTION_GROUP (actions));
}

static void
app_vanished_cb (GDBusConnection *connection,
                 const char      *name,
                 gpointer         user_data)
{
  TrayHelper *helper = user_data;

  if (connection == NULL)
    {
      g_printerr ("switchyard-tray: %s\n", _("Cannot connect to the session bus"));
      quit (helper, 1);
    }
  else if (!helper->app_seen)
    {
      g_printerr ("switchyard-tray: %s\n",
                  _("Switchyard is not running; the tray icon follows the running app"));
      quit (helper, 1);
    }
  else
    {
      g_debug ("%s went away", name);
      quit (helper, 0);
    }
}

static gboolean
signal_cb (gpointer user_data)
{
  quit (user_data, 0);
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *object_path = NULL;
  gboolean version = FALSE;
  TrayHelper helper = { 0 };
  guint watch_id;
  guint term_id;
  guint int_id;
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Show the version and exit"), NULL },
    { NULL }
  };

  /* Before GTK reads its environment: the helper never draws with GL, and a GL context
   * triples its memory. */
  g_setenv ("GDK_GL", "disable", TRUE);

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Shows Switchyard's tray icon while Switchyard runs. The "
                                  "app starts it; it exits when the app quits."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_group (context, gtk_get_option_group (FALSE));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("switchyard-tray: %s\n", error->message);
      return 2;
    }

  if (version)
    {
      g_print ("switchyard-tray %s\n", SY_VERSION);
      return 0;
    }

  if (!gtk_init_check (&argc, &argv))
    {
      g_printerr ("switchyard-tray: %s\n", _("Cannot open the display"));
      return 1;
    }
  g_set_application_name ("Switchyard");

  loop = g_main_loop_new (NULL, FALSE);
  object_path = object_path_for_app_id (SY_APP_ID);
  helper.loop = loop;
  helper.object_path = object_path;

  term_id = g_unix_signal_add (SIGTERM, signal_cb, &helper);
  int_id = g_unix_signal_add (SIGINT, signal_cb, &helper);
  watch_id = g_bus_watch_name (G_BUS_TYPE_SESSION, SY_APP_ID, G_BUS_NAME_WATCHER_FLAGS_NONE,
                               app_appeared_cb, app_vanished_cb, &helper, NULL);

  g_main_loop_run (loop);

  g_bus_unwatch_name (watch_id);
  g_source_remove (term_id);
  g_source_remove (int_id);
  g_clear_object (&helper.indicator);

  return helper.status;
}

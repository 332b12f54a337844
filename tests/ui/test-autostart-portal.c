/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Start-in-tray as inside Flatpak (SWITCHYARD_AUTOSTART_BACKEND=portal), through the app's
 * check item, against the mock Background portal on a bus of this test's own (GTestDBus, no
 * services to activate): on asks the portal for autostart with the service command line over
 * the main window and writes nothing under XDG autostart; off asks it to stop; a dismissed or
 * refused question turns the setting back off without asking again; a toggle while the
 * question is open closes it; no portal at all is said, turns the setting off, and never hangs.
 */
#define G_LOG_DOMAIN "sy-test"

#include "sy-mock-portal.h"
#include "sy-test-app.h"
#include "sy-test-gateway.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

static char *config_home;
static SyMockPortal *portal;  /* this case's, or NULL: no portal on the bus */

static GSettings *
app_settings (SyTestApp *t)
{
  GSettings *settings = sy_application_get_settings (t->app);

  g_assert_nonnull (settings);
  return settings;
}

static gboolean
key (SyTestApp *t)
{
  return g_settings_get_boolean (app_settings (t), "start-in-tray");
}

static gboolean
action_state (SyTestApp *t)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (t->app),
                                                               "start-in-tray");

  return g_variant_get_boolean (state);
}

static void
toggle (SyTestApp *t,
        gboolean   on)
{
  g_action_group_change_action_state (G_ACTION_GROUP (t->app), "start-in-tray",
                                      g_variant_new_boolean (on));
}

static gboolean
asked_autostart (guint i)
{
  gboolean autostart;

  g_assert_true (g_variant_lookup (sy_mock_portal_get_options (portal, i), "autostart", "b",
                                   &autostart));
  return autostart;
}

/* Nothing under $XDG_CONFIG_HOME/autostart, not even the folder. */
static gboolean
autostart_folder_exists (void)
{
  g_autofree char *dir = g_build_filename (config_home, "autostart", NULL);

  return g_file_test (dir, G_FILE_TEST_EXISTS);
}

static void
pinged_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source),
                                                             result, NULL);

  *(gboolean *) user_data = TRUE;
}

/* A round trip to the portal on the app's own connection: its reply comes after everything
 * the portal sent the app before, so once it is in, the app has handled the answers. */
static void
sync_with_portal (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  gboolean done = FALSE;

  g_dbus_connection_call (bus, "org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop",
                          "org.freedesktop.DBus.Peer", "Ping", NULL, NULL,
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, pinged_cb, &done);
  sy_test_wait_until (done);
  sy_test_drain ();
}

static void
expected_parent_window (SyTestApp  *t,
                        const char *parent_window)
{
#ifdef GDK_WINDOWING_X11
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (sy_test_app_get_window (t)));

  if (GDK_IS_X11_SURFACE (surface))
    {
      g_autofree char *handle = g_strdup_printf ("x11:%lx",
                                                 (unsigned long) gdk_x11_surface_get_xid (surface));

      g_assert_cmpstr (parent_window, ==, handle);
      return;
    }
#endif
  g_assert_cmpstr (parent_window, ==, "");
}

static void
on_off_body (SyTestApp     *t,
             gconstpointer  data)
{
  g_autofree const char **commandline = NULL;
  gboolean activatable;

  g_assert_false (key (t));

  /* On: one request, for autostart, of `switchyard --gapplication-service`, over the window. */
  toggle (t, TRUE);
  sy_test_wait_until (sy_mock_portal_get_n_requests (portal) == 1);
  g_assert_true (asked_autostart (0));
  g_assert_true (g_variant_lookup (sy_mock_portal_get_options (portal, 0), "commandline", "^a&s",
                                   &commandline));
  g_assert_cmpuint (g_strv_length ((char **) commandline), ==, 2);
  g_assert_cmpstr (commandline[0], ==, "switchyard");
  g_assert_cmpstr (commandline[1], ==, "--gapplication-service");
  g_assert_true (g_variant_lookup (sy_mock_portal_get_options (portal, 0), "dbus-activatable",
                                   "b", &activatable));
  g_assert_false (activatable);
  expected_parent_window (t, sy_mock_portal_get_parent_window (portal, 0));

  /* Granted: it stays on, and the sandbox's own autostart folder is left alone. */
  sync_with_portal ();
  g_assert_true (key (t));
  g_assert_true (action_state (t));
  g_assert_false (autostart_folder_exists ());

  /* Off: asked to stop. */
  toggle (t, FALSE);
  sy_test_wait_until (sy_mock_portal_get_n_requests (portal) == 2);
  g_assert_false (asked_autostart (1));
  sync_with_portal ();
  g_assert_false (key (t));
  g_assert_false (autostart_folder_exists ());

  /* The key set elsewhere (gsettings set): the portal is asked as well. */
  g_settings_set_boolean (app_settings (t), "start-in-tray", TRUE);
  sy_test_wait_until (sy_mock_portal_get_n_requests (portal) == 3);
  g_assert_true (asked_autostart (2));
  sync_with_portal ();
  g_assert_true (action_state (t));
  toggle (t, FALSE);
  sy_test_wait_until (sy_mock_portal_get_n_requests (portal) == 4);
  sync_with_portal ();
  g_assert_false (autostart_folder_exists ());
}

typedef struct
{
  SyMockPortalAnswer  answer;
  const char         *message;  /* what the log says, a g_test_expect_message pattern */
} Refusal;

static const Refusal refusals[] = {
  { SY_MOCK_PORTAL_CANCEL, "start-in-tray: the portal's question was dismissed; turned off" },
  { SY_MOCK_PORTAL_GRANT_NO_AUTOSTART,
    "start-in-tray: the desktop does not let Switchyard start at log-in (running in the "
    "background: allowed); turned off" },
  { SY_MOCK_PORTAL_FAIL,
    "start-in-tray: the Background portal ended the request (response 2); turned off" },
};

/* Dismissed, answered without autostart, or failed: back off, said in the log, and not asked
 * again (turning the key back is not a new request). */
static void
refused_body (SyTestApp     *t,
              gconstpointer  data)
{
  const Refusal *refusal = data;

  sy_mock_portal_set_answer (portal, refusal->answer);
  g_test_expect_message ("sy-app", G_LOG_LEVEL_MESSAGE, refusal->message);
  toggle (t, TRUE);
  sy_test_wait_until (!key (t));
  g_test_assert_expected_messages ();
  g_assert_false (action_state (t));
  sync_with_portal ();
  g_assert_cmpuint (sy_mock_portal_get_n_requests (portal), ==, 1);
  g_assert_true (asked_autostart (0));
  g_assert_false (autostart_folder_exists ());
}

/* Turned off while the question is open: that question is closed, the new one asked. */
static void
replaced_body (SyTestApp     *t,
               gconstpointer  data)
{
  sy_mock_portal_set_answer (portal, SY_MOCK_PORTAL_SILENT);
  toggle (t, TRUE);
  sy_test_wait_until (sy_mock_portal_get_n_requests (portal) == 1);
  toggle (t, FALSE);
  sy_test_wait_until (sy_mock_portal_get_n_requests (portal) == 2 &&
                      sy_mock_portal_get_closed (portal, 0));
  g_assert_false (asked_autostart (1));
  g_assert_false (sy_mock_portal_get_closed (portal, 1));
  g_assert_false (key (t));
  /* Quitting with the second one open closes it too (checked after the run). */
}

/* No portal on the bus: said at once, and the setting goes back off. */
static void
missing_body (SyTestApp     *t,
              gconstpointer  data)
{
  g_test_expect_message ("sy-app", G_LOG_LEVEL_MESSAGE,
                         "start-in-tray: the Background portal (org.freedesktop.portal.Desktop)"
                         " is not available: *; turned off");
  toggle (t, TRUE);
  sy_test_wait_until (!key (t));
  g_test_assert_expected_messages ();
  g_assert_false (action_state (t));
  g_assert_false (autostart_folder_exists ());
}

static void
reset_key (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = g_settings_schema_source_lookup (source, SY_APP_ID, TRUE);
  g_autoptr(GSettings) settings = NULL;

  g_assert_nonnull (schema);  /* GSETTINGS_SCHEMA_DIR=<build>/data, tests/meson.build */
  settings = g_settings_new_full (schema, NULL, NULL);
  g_settings_reset (settings, "start-in-tray");
}

typedef struct
{
  SyTestAppFunc body;
  gconstpointer data;
  gboolean      with_portal;
} Case;

static void
run_case (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(GError) error = NULL;

  reset_key ();
  if (c->with_portal)
    {
      portal = sy_mock_portal_new (&error);
      g_assert_no_error (error);
    }
  sy_test_app_run (c->body, c->data, NULL);
  if (c->body == replaced_body)
    sy_test_wait_until (sy_mock_portal_get_closed (portal, 1));
  g_clear_object (&portal);
  sy_test_drain ();
  reset_key ();
}

int
main (int   argc,
      char *argv[])
{
  static const Case cases[] = {
    { on_off_body, NULL, TRUE },
    { refused_body, &refusals[0], TRUE },
    { refused_body, &refusals[1], TRUE },
    { refused_body, &refusals[2], TRUE },
    { replaced_body, NULL, TRUE },
    { missing_body, NULL, FALSE },
  };
  static const char * const names[] = {
    "/sy/ui/autostart-portal/on-off", "/sy/ui/autostart-portal/cancelled",
    "/sy/ui/autostart-portal/no-autostart", "/sy/ui/autostart-portal/failed",
    "/sy/ui/autostart-portal/replaced", "/sy/ui/autostart-portal/missing",
  };
  g_autoptr(GTestDBus) bus = NULL;
  g_autofree char *tmp = sy_test_app_make_config_home (&config_home);
  g_autofree char *display = NULL;
  int status;

  g_setenv ("SWITCHYARD_AUTOSTART_BACKEND", "portal", TRUE);
  /* No accessibility bus on a bus of our own. */
  g_setenv ("GTK_A11Y", "none", TRUE);

  /* Before GTK or the app touch the session bus: they get this one. GTestDBus unsets
   * DISPLAY (against X11 autolaunch of a bus): the display comes back. */
  display = g_strdup (g_getenv ("DISPLAY"));
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);

  if (!sy_test_app_init (&argc, &argv))
    {
      g_print ("1..0 # SKIP no display (run under tests/run-headless.sh)\n");
      g_test_dbus_down (bus);
      sy_test_rm_rf (tmp);
      return 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_test_add_data_func (names[i], &cases[i], run_case);
  status = g_test_run ();

  g_test_dbus_down (bus);
  sy_test_rm_rf (tmp);
  g_free (config_home);
  return status;
}

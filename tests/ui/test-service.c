/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real `switchyard` executable on the session bus under its real name: started as a
 * service (autostart, no window) it serves, exports the tray's action contract and brings the
 * autostart entry in line with start-in-tray (off here: its entry is removed); a second
 * launch hands over to it and exits at once; `--screenshot` from a second launch is rendered by
 * the running instance; quit over D-Bus ends it cleanly; a screenshot with nothing running
 * starts, renders and exits. Owns dev.switchyard.Switchyard: never run beside another test.
 */
#define G_LOG_DOMAIN "sy-test"

#include <glib/gstdio.h>
#include <string.h>

#include "sy-autostart.h"
#include "sy-test-app.h"
#include "sy-test-gateway.h"

#define BUS_NAME    "dev.switchyard.Switchyard"
#define OBJECT_PATH "/dev/switchyard/Switchyard"

typedef struct
{
  char            *dir;
  char            *config_home; /* the app's XDG_CONFIG_HOME */
  char            *tray;      /* the stand-in tray helper */
  char            *tray_mark; /* it writes one line here per start */
  char            *data_dir;
  GDBusConnection *bus;
  GSubprocess     *service;
  gboolean         owned;
  gboolean         exited;
  gboolean         exit_ok;
} Fixture;

static GSubprocessLauncher *
launcher_new (Fixture *f)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  g_subprocess_launcher_setenv (launcher, "SWITCHYARD_SECRET_STORE", "memory", TRUE);
  /* The tray helper the app starts: a stand-in that leaves a mark. */
  g_subprocess_launcher_setenv (launcher, "SWITCHYARD_TRAY", f->tray, TRUE);
  g_subprocess_launcher_set_cwd (launcher, f->dir);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", f->config_home, TRUE);
  /* Under ASan the app's own leak check needs full stacks to match libsoup's accept leak
   * (tests/lsan.supp), as this test binary does (sy-test-app.c). */
  if (g_getenv ("ASAN_OPTIONS") != NULL)
    {
      g_autofree char *options = g_strconcat (g_getenv ("ASAN_OPTIONS"),
                                              ":fast_unwind_on_malloc=0:malloc_context_size=16",
                                              NULL);

      g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", options, TRUE);
    }
  return launcher;
}

/* Runs switchyard with args to its end; returns its exit status, *out its stdout. */
static int
run_switchyard (Fixture     *f,
                char       **out,
                const char  *first_arg,
                ...)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (f);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  va_list ap;

  g_ptr_array_add (argv, (char *) SY_SWITCHYARD_BIN);
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &stdout_text, NULL, &error);
  g_assert_no_error (error);
  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static void
name_appeared_cb (GDBusConnection *connection,
                  const char      *name,
                  const char      *owner,
                  gpointer         user_data)
{
  ((Fixture *) user_data)->owned = TRUE;
}

static void
name_vanished_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  ((Fixture *) user_data)->owned = FALSE;
}

static void
service_exited_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Fixture *f = user_data;

  f->exit_ok = g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, NULL);
  f->exited = TRUE;
}

static gboolean
remote_state_is (GActionGroup *group,
                 const char   *name,
                 const char   *expected)
{
  g_autoptr(GVariant) state = NULL;

  if (!g_action_group_has_action (group, name))
    return FALSE;
  state = g_action_group_get_action_state (group, name);
  return state != NULL && g_variant_is_of_type (state, G_VARIANT_TYPE_STRING) &&
         g_str_equal (g_variant_get_string (state, NULL), expected);
}

/* Whether the app exports a window's actions (GtkApplicationWindow does, under
 * OBJECT_PATH/window/N), i.e. whether it opened one. */
static gboolean
has_window (Fixture *f)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GDBusNodeInfo) node = NULL;
  const char *xml;

  reply = g_dbus_connection_call_sync (f->bus, BUS_NAME, OBJECT_PATH "/window",
                                       "org.freedesktop.DBus.Introspectable", "Introspect",
                                       NULL, G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE,
                                       -1, NULL, NULL);
  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(&s)", &xml);
  node = g_dbus_node_info_new_for_xml (xml, NULL);
  return node != NULL && node->nodes != NULL && node->nodes[0] != NULL;
}

static guint
port_of (const char *endpoint)
{
  const char *colon = strrchr (endpoint, ':');
  guint64 port;

  g_assert_nonnull (colon);
  port = g_ascii_strtoull (colon + 1, NULL, 10);
  g_assert_cmpuint (port, >, 0);
  return (guint) port;
}

static void
check_png (Fixture    *f,
           const char *name)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 1100);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 720);
}

static void
test_service (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDBusActionGroup) remote = NULL;
  g_autoptr(GVariant) endpoint_state = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree char *data_dir_arg = NULL;
  g_autofree char *out = NULL;
  g_autofree char *entry = NULL;
  guint watch_id;
  guint port;

  f->dir = g_dir_make_tmp ("switchyard-service-XXXXXX", &error);
  g_assert_no_error (error);
  f->data_dir = g_build_filename (f->dir, "data", NULL);
  f->tray = g_build_filename (f->dir, "tray.sh", NULL);
  f->tray_mark = g_build_filename (f->dir, "tray-started", NULL);
  {
    g_autofree char *script = g_strdup_printf ("#!/bin/sh\necho started >> '%s'\n",
                                               f->tray_mark);

    g_file_set_contents (f->tray, script, -1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (g_chmod (f->tray, 0700), ==, 0);
  }
  data_dir_arg = g_strconcat ("--data-dir=", f->data_dir, NULL);
  /* An autostart entry of ours left from when start-in-tray was on; the key is off now (the
   * memory backend's default). */
  f->config_home = g_build_filename (f->dir, "config", NULL);
  entry = g_build_filename (f->config_home, "autostart", BUS_NAME ".desktop", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->config_home, 0700), ==, 0);
  {
    g_autofree char *autostart_dir = g_path_get_dirname (entry);

    g_assert_cmpint (g_mkdir_with_parents (autostart_dir, 0700), ==, 0);
    g_file_set_contents (entry, sy_autostart_get_fallback (), -1, &error);
    g_assert_no_error (error);
  }
  f->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  watch_id = g_bus_watch_name_on_connection (f->bus, BUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                             name_appeared_cb, name_vanished_cb, f, NULL);

  /* Autostart: a service, no window, serving. */
  launcher = launcher_new (f);
  f->service = g_subprocess_launcher_spawn (launcher, &error, SY_SWITCHYARD_BIN,
                                            "--gapplication-service", "--port=0", data_dir_arg,
                                            NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check_async (f->service, NULL, service_exited_cb, f);
  sy_test_wait_until (f->owned || f->exited);
  g_assert_false (f->exited);

  remote = g_dbus_action_group_get (f->bus, BUS_NAME, OBJECT_PATH);
  names = g_action_group_list_actions (G_ACTION_GROUP (remote));
  sy_test_wait_until (remote_state_is (G_ACTION_GROUP (remote), "gateway-state", "serving"));
  endpoint_state = g_action_group_get_action_state (G_ACTION_GROUP (remote), "endpoint");
  g_assert_true (g_str_has_prefix (g_variant_get_string (endpoint_state, NULL),
                                   "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (g_variant_get_string (endpoint_state, NULL), "/v1"));
  port = port_of (g_variant_get_string (endpoint_state, NULL));
  g_assert_true (sy_test_port_accepts (port));
  /* It started its tray icon helper, once, opened no window, and removed the entry. */
  sy_test_wait_until (g_file_test (f->tray_mark, G_FILE_TEST_EXISTS));
  g_assert_false (has_window (f));
  g_assert_false (g_file_test (entry, G_FILE_TEST_EXISTS));

  /* A second launch hands over and exits (the first opens its window); its port flag is not
   * silently dropped. */
  g_assert_cmpint (run_switchyard (f, NULL, NULL), ==, 0);
  sy_test_wait_until (has_window (f));
  g_assert_cmpint (run_switchyard (f, &out, "--port=1", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "already running"));
  g_assert_false (f->exited);

  /* A screenshot asked from a second launch: the running instance renders it, relative to
   * the asker's directory. A page that does not exist is refused before anything starts. */
  g_assert_cmpint (run_switchyard (f, NULL, "--screenshot", "providers", "providers.png", NULL),
                   ==, 0);
  check_png (f, "providers.png");
  g_assert_cmpint (run_switchyard (f, NULL, "--screenshot", "no-such-page", "x.png", NULL), ==,
                   2);
  g_assert_cmpint (run_switchyard (f, NULL, "--screenshot", "health", NULL), ==, 2);

  /* Pause and resume through the contract. */
  g_action_group_activate_action (G_ACTION_GROUP (remote), "pause", NULL);
  sy_test_wait_until (remote_state_is (G_ACTION_GROUP (remote), "gateway-state", "paused"));
  g_assert_false (sy_test_port_accepts (port));
  g_action_group_activate_action (G_ACTION_GROUP (remote), "resume", NULL);
  sy_test_wait_until (remote_state_is (G_ACTION_GROUP (remote), "gateway-state", "serving"));
  g_assert_true (sy_test_port_accepts (port));

  /* Quit: the process ends cleanly and gives the name back. */
  g_action_group_activate_action (G_ACTION_GROUP (remote), "quit", NULL);
  sy_test_wait_until (f->exited && !f->owned);
  g_assert_true (f->exit_ok);
  g_assert_false (sy_test_port_accepts (port));

  /* Nothing running: --screenshot starts, renders and exits on its own. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_switchyard (f, &out, "--port=0", data_dir_arg, "--screenshot", "health",
                                   "health.png", NULL), ==, 0);
  check_png (f, "health.png");
  sy_test_wait_until (!f->owned);  /* it held the name while it ran, and let it go */
  {
    g_autofree char *marks = NULL;

    /* Neither the second launches nor the screenshot run started another tray icon. */
    g_file_get_contents (f->tray_mark, &marks, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (marks, ==, "started\n");
  }

  g_bus_unwatch_name (watch_id);
  g_clear_object (&remote);
  g_clear_object (&f->service);
  g_clear_object (&f->bus);
  sy_test_rm_rf (f->dir);
  g_free (f->data_dir);
  g_free (f->config_home);
  g_free (f->tray);
  g_free (f->tray_mark);
  g_free (f->dir);
}

int
main (int   argc,
      char *argv[])
{
  if (!sy_test_app_init (&argc, &argv))
    {
      g_print ("1..0 # SKIP no display (run under tests/run-headless.sh)\n");
      return 0;
    }

  g_test_add_func ("/sy/ui/service/contract", test_service);
  return g_test_run ();
}

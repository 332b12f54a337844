/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Start-in-tray's autostart backends below the app (src/app/sy-autostart*.c), no display: the
 * front's choice of backend; the Background portal's Request protocol against the mock portal
 * on a private bus (GTestDBus), and with no portal at all; the LaunchAgent's text (parsed
 * back by Python's plistlib) and file, under a throw-away HOME; the Windows Run command.
 */
#define G_LOG_DOMAIN "sy-test"

#include <glib/gstdio.h>
#include <string.h>

#include "sy-autostart-private.h"
#include "sy-mock-portal.h"
#include "sy-test-app.h"  /* its waits only: no GTK is started here */

#define AGENT_LABEL "dev.switchyard.Switchyard"

static char *home;

/* --- the front's choice ------------------------------------------------------------------ */

static void
test_backend (void)
{
  g_setenv ("SWITCHYARD_AUTOSTART_BACKEND", "portal", TRUE);
  g_assert_cmpint (sy_autostart_get_backend (), ==, SY_AUTOSTART_BACKEND_PORTAL);
  g_setenv ("SWITCHYARD_AUTOSTART_BACKEND", "launchd", TRUE);
  g_assert_cmpint (sy_autostart_get_backend (), ==, SY_AUTOSTART_BACKEND_LAUNCHD);
  g_setenv ("SWITCHYARD_AUTOSTART_BACKEND", "xdg", TRUE);
  g_assert_cmpint (sy_autostart_get_backend (), ==, SY_AUTOSTART_BACKEND_XDG);
  g_assert_cmpstr (sy_autostart_backend_get_name (SY_AUTOSTART_BACKEND_PORTAL), ==, "portal");

  /* Not built here: said, and the platform's own. */
  g_setenv ("SWITCHYARD_AUTOSTART_BACKEND", "win32", TRUE);
  g_test_expect_message ("sy-app", G_LOG_LEVEL_MESSAGE, "*win32 is not a backend*");
  g_assert_cmpint (sy_autostart_get_backend (), ==,
                   g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS)
                     ? SY_AUTOSTART_BACKEND_PORTAL : SY_AUTOSTART_BACKEND_XDG);
  g_test_assert_expected_messages ();
  g_unsetenv ("SWITCHYARD_AUTOSTART_BACKEND");
}

/* --- the Background portal --------------------------------------------------------------- */

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Outcome;

static void
set_enabled_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->ok = sy_autostart_set_enabled_finish (result, &outcome->error);
  outcome->done = TRUE;
}

/* One toggle through the front, to its end (the test fails after 30 s without one). */
static gboolean
set_enabled (gboolean       enabled,
             GCancellable  *cancellable,
             GError       **error)
{
  Outcome outcome = { FALSE };

  sy_autostart_set_enabled_async (enabled, "", cancellable, set_enabled_cb, &outcome);
  sy_test_wait_until (outcome.done);
  if (outcome.error != NULL)
    g_propagate_error (error, outcome.error);
  return outcome.ok;
}

static void
test_portal_request_path (void)
{
  g_autofree char *path = _sy_autostart_portal_dup_request_path (":1.42", "switchyard7");

  g_assert_cmpstr (path, ==, "/org/freedesktop/portal/desktop/request/1_42/switchyard7");
}

static void
test_portal_answers (void)
{
  g_autoptr(SyMockPortal) portal = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) token = NULL;
  g_autofree const char **commandline = NULL;
  GVariant *options;
  const char *reason;
  gboolean flag;

  g_setenv ("SWITCHYARD_AUTOSTART_BACKEND", "portal", TRUE);
  portal = sy_mock_portal_new (&error);
  g_assert_no_error (error);

  /* On, granted: what it asked for, to the letter. */
  g_assert_true (set_enabled (TRUE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sy_mock_portal_get_n_requests (portal), ==, 1);
  options = sy_mock_portal_get_options (portal, 0);
  g_assert_true (g_variant_lookup (options, "autostart", "b", &flag));
  g_assert_true (flag);
  g_assert_true (g_variant_lookup (options, "dbus-activatable", "b", &flag));
  g_assert_false (flag);
  g_assert_true (g_variant_lookup (options, "commandline", "^a&s", &commandline));
  g_assert_cmpuint (g_strv_length ((char **) commandline), ==, 2);
  g_assert_cmpstr (commandline[0], ==, "switchyard");
  g_assert_cmpstr (commandline[1], ==, "--gapplication-service");
  g_assert_true (g_variant_lookup (options, "reason", "&s", &reason));
  g_assert_cmpstr (reason, !=, "");
  token = g_variant_lookup_value (options, "handle_token", G_VARIANT_TYPE_STRING);
  g_assert_nonnull (token);
  g_assert_cmpstr (sy_mock_portal_get_parent_window (portal, 0), ==, "");

  /* Off: asked with autostart false, and a yes to that is fine. */
  g_assert_true (set_enabled (FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (sy_mock_portal_get_options (portal, 1), "autostart", "b",
                                   &flag));
  g_assert_false (flag);

  /* A yes without autostart is a no; dismissed; failed. */
  sy_mock_portal_set_answer (portal, SY_MOCK_PORTAL_GRANT_NO_AUTOSTART);
  g_assert_false (set_enabled (TRUE, NULL, &error));
  g_assert_error (error, SY_AUTOSTART_ERROR, SY_AUTOSTART_ERROR_DENIED);
  g_clear_error (&error);
  sy_mock_portal_set_answer (portal, SY_MOCK_PORTAL_CANCEL);
  g_assert_false (set_enabled (TRUE, NULL, &error));
  g_assert_error (error, SY_AUTOSTART_ERROR, SY_AUTOSTART_ERROR_CANCELLED);
  g_clear_error (&error);
  sy_mock_portal_set_answer (portal, SY_MOCK_PORTAL_FAIL);
  g_assert_false (set_enabled (TRUE, NULL, &error));
  g_assert_error (error, SY_AUTOSTART_ERROR, SY_AUTOSTART_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpuint (sy_mock_portal_get_n_requests (portal), ==, 5);

  g_unsetenv ("SWITCHYARD_AUTOSTART_BACKEND");
  g_clear_object (&portal);
  sy_test_drain ();
}

static void
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

/* Cancelled while the user is being asked: it ends at once, and the question is closed. */
static void
test_portal_cancelled (void)
{
  g_autoptr(SyMockPortal) portal = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_setenv ("SWITCHYARD_AUTOSTART_BACKEND", "portal", TRUE);
  portal = sy_mock_portal_new (&error);
  g_assert_no_error (error);
  sy_mock_portal_set_answer (portal, SY_MOCK_PORTAL_SILENT);

  g_timeout_add_once (200, cancel_cb, cancellable);
  g_assert_false (set_enabled (TRUE, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (sy_mock_portal_get_n_requests (portal), ==, 1);
  sy_test_wait_until (sy_mock_portal_get_closed (portal, 0));

  g_unsetenv ("SWITCHYARD_AUTOSTART_BACKEND");
  g_clear_object (&portal);
  sy_test_drain ();
}

/* Nothing owns org.freedesktop.portal.Desktop on this bus, and nothing can be activated. */
static void
test_portal_missing (void)
{
  g_autoptr(GError) error = NULL;

  g_setenv ("SWITCHYARD_AUTOSTART_BACKEND", "portal", TRUE);
  g_assert_false (set_enabled (TRUE, NULL, &error));
  g_assert_error (error, SY_AUTOSTART_ERROR, SY_AUTOSTART_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "Background portal"));
  g_unsetenv ("SWITCHYARD_AUTOSTART_BACKEND");
  sy_test_drain ();
}

/* --- the LaunchAgent ----------------------------------------------------------------------- */

/* tests/ui/check-launch-agent.py reads it with plistlib and compares every key. */
static void
check_with_plistlib (const char *path,
                     const char *program)
{
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "ui", "check-launch-agent.py",
                                                   NULL);
  const char *argv[] = { python, script, path, AGENT_LABEL, program, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (python == NULL)
    {
      g_test_skip ("no python3 to read the plist back");
      return;
    }
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("check-launch-agent.py: %s%s", out, err);
}

static void
test_launchd_plist (void)
{
  /* Everything XML needs escaped, a space and a non-ASCII letter in the path. */
  static const char program[] = "/Users/zoë/Apps & <Tools>/\"Q\" 'A'/Switchyard.app/Contents/"
                                "MacOS/Switchyard";
  g_autofree char *text = _sy_autostart_launchd_dup_plist (AGENT_LABEL, program);
  g_autofree char *dir = g_dir_make_tmp ("switchyard-plist-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "agent.plist", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  check_with_plistlib (path, program);
  g_assert_true (_sy_autostart_launchd_is_ours (path));
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_launchd_file (void)
{
  static const char * const foreign[] = {
    /* someone else's label */
    "<plist version=\"1.0\"><dict><key>Label</key><string>com.example.agent</string>"
    "<key>ProgramArguments</key><array><string>/Applications/Switchyard.app/Contents/MacOS/"
    "Switchyard</string><string>--gapplication-service</string></array></dict></plist>",
    /* our label, another program */
    "<plist version=\"1.0\"><dict><key>Label</key><string>" AGENT_LABEL "</string>"
    "<key>ProgramArguments</key><array><string>/usr/local/bin/my-wrapper</string>"
    "<string>--gapplication-service</string></array></dict></plist>",
    /* not a plist at all */
    "Label = dev.switchyard.Switchyard\n",
  };
  g_autofree char *dir = g_dir_make_tmp ("switchyard-agents-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "LaunchAgents", AGENT_LABEL ".plist", NULL);
  g_autofree char *expected = _sy_autostart_launchd_dup_plist (AGENT_LABEL, "/opt/sy/switchyard");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  /* On: the folder made, the text written. Again: the same. Off: gone. Off again: fine. */
  g_assert_true (_sy_autostart_launchd_apply (path, "/opt/sy/switchyard", TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (_sy_autostart_launchd_apply (path, "/opt/sy/switchyard", TRUE, &error));
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, expected);
  g_assert_true (_sy_autostart_launchd_is_ours (path));
  g_assert_true (_sy_autostart_launchd_apply (path, NULL, FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (_sy_autostart_launchd_apply (path, NULL, FALSE, &error));
  g_assert_no_error (error);

  /* Someone else's agent under our name: neither replaced nor removed. */
  for (guint i = 0; i < G_N_ELEMENTS (foreign); i++)
    {
      g_autofree char *after = NULL;

      g_file_set_contents (path, foreign[i], -1, &error);
      g_assert_no_error (error);
      g_assert_false (_sy_autostart_launchd_is_ours (path));
      g_assert_false (_sy_autostart_launchd_apply (path, "/opt/sy/switchyard", TRUE, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
      g_clear_error (&error);
      g_assert_false (_sy_autostart_launchd_apply (path, NULL, FALSE, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
      g_clear_error (&error);
      g_file_get_contents (path, &after, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (after, ==, foreign[i]);
    }

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_clear_pointer (&path, g_free);
  path = g_build_filename (dir, "LaunchAgents", NULL);
  g_assert_cmpint (g_rmdir (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Through the front, for this executable, in ~/Library/LaunchAgents of this test's HOME. */
static void
test_launchd_front (void)
{
  g_autofree char *path = g_build_filename (home, "Library", "LaunchAgents",
                                            AGENT_LABEL ".plist", NULL);
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (g_get_home_dir (), ==, home);
  g_setenv ("SWITCHYARD_AUTOSTART_BACKEND", "launchd", TRUE);
  g_assert_true (set_enabled (TRUE, NULL, &error));
  g_assert_no_error (error);
  check_with_plistlib (path, exe);

  /* This test's executable is not a switchyard, so that agent is not one this app may
   * remove (launchd/file removes its own). */
  g_assert_false (set_enabled (FALSE, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_unsetenv ("SWITCHYARD_AUTOSTART_BACKEND");

  g_clear_pointer (&path, g_free);
  path = g_build_filename (home, "Library", "LaunchAgents", NULL);
  g_assert_cmpint (g_rmdir (path), ==, 0);
  g_clear_pointer (&path, g_free);
  path = g_build_filename (home, "Library", NULL);
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

/* --- the Windows Run value ----------------------------------------------------------------- */

static void
test_win32_command (void)
{
  static const struct { const char *command; gboolean ours; } cases[] = {
    /* what windows/switchyard.wxs writes, and what this app writes */
    { "\"C:\\Users\\Zoë\\AppData\\Local\\Programs\\Switchyard\\bin\\switchyard.exe\" "
      "--gapplication-service", TRUE },
    { "\"C:\\Switchyard\\SWITCHYARD.EXE\" --gapplication-service", TRUE },
    { "C:\\Switchyard\\switchyard.exe --gapplication-service", TRUE },
    { "  \"D:/tools/switchyard.exe\"   --gapplication-service  ", TRUE },
    { "\"C:\\Switchyard\\switchyard.exe\"", FALSE },
    { "\"C:\\Switchyard\\switchyard.exe\" --gapplication-service-not", FALSE },
    { "\"C:\\Other\\other.exe\" --gapplication-service", FALSE },
    { "\"C:\\switchyard.exe\\evil.exe\" --gapplication-service", FALSE },
    { "\"C:\\Switchyard\\switchyard.exe --gapplication-service", FALSE },
    { "", FALSE },
  };
  g_autofree char *command = _sy_autostart_win32_dup_command ("C:\\Program Files\\Sy\\"
                                                              "switchyard.exe");

  g_assert_cmpstr (command, ==,
                   "\"C:\\Program Files\\Sy\\switchyard.exe\" --gapplication-service");
  g_assert_true (_sy_autostart_win32_command_is_ours (command));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].command);
      g_assert_cmpint (_sy_autostart_win32_command_is_ours (cases[i].command), ==,
                       cases[i].ours);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GTestDBus) bus = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  /* Before GLib is asked for the home folder (it remembers the first answer). */
  home = g_dir_make_tmp ("switchyard-home-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);

  /* A bus of our own, with no services to activate: no real portal can answer. */
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);

  g_test_add_func ("/sy/ui/autostart/backend", test_backend);
  g_test_add_func ("/sy/ui/autostart/portal/request-path", test_portal_request_path);
  g_test_add_func ("/sy/ui/autostart/portal/answers", test_portal_answers);
  g_test_add_func ("/sy/ui/autostart/portal/cancelled", test_portal_cancelled);
  g_test_add_func ("/sy/ui/autostart/portal/missing", test_portal_missing);
  g_test_add_func ("/sy/ui/autostart/launchd/plist", test_launchd_plist);
  g_test_add_func ("/sy/ui/autostart/launchd/file", test_launchd_file);
  g_test_add_func ("/sy/ui/autostart/launchd/front", test_launchd_front);
  g_test_add_func ("/sy/ui/autostart/win32/command", test_win32_command);
  status = g_test_run ();

  g_test_dbus_down (bus);
  g_rmdir (home);
  g_free (home);
  return status;
}

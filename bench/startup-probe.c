/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The desktop app's start-up, timed from outside (bench/startup.sh runs it headless): it owns
 * org.kde.StatusNotifierWatcher (the tray tests' watcher), then RUNS times starts `switchyard`
 * afresh and measures, on CLOCK_MONOTONIC from just before the spawn, (a) when the tray helper
 * registers its StatusNotifierItem with the watcher and (b) when the app maps its main window
 * (its SWITCHYARD_TIMING=1 line, which carries the same clock). Then SIGTERM, wait for the
 * app and its tray helper to be gone, and the next run. Prints every run and the median and
 * p90 of each. Needs a private session bus and a display: never on a desktop session (it
 * would take the tray watcher's name).
 *
 *   startup-probe SWITCHYARD RUNS
 */
#define G_LOG_DOMAIN "sy-bench"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "sy-test-sni-watcher.h"

#define APP_NAME  "dev.switchyard.Switchyard"
#define TIMEOUT_S 30

typedef struct
{
  GDataInputStream *err;
  GCancellable     *cancellable;
  gint64            window_us;   /* 0 until the line came */
  gint64            startup_us;
  gboolean          eof;
  gboolean          exited;
} Run;

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main context until expr holds or TIMEOUT_S passed; its value is expr's. */
#define WAIT_UNTIL(expr)                                                              \
  ({                                                                                   \
    gint64 deadline_ = g_get_monotonic_time () + TIMEOUT_S * G_USEC_PER_SEC;           \
    guint wake_ = g_timeout_add (1, wake_cb, NULL);                                    \
    while (!(expr) && g_get_monotonic_time () < deadline_)                             \
      g_main_context_iteration (NULL, TRUE);                                           \
    g_source_remove (wake_);                                                           \
    (expr);                                                                            \
  })

static gint64
monotonic_of (const char *line)
{
  const char *at = strstr (line, "monotonic=");

  return at != NULL ? g_ascii_strtoll (at + strlen ("monotonic="), NULL, 10) : 0;
}

static void
line_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Run *run = user_data;
  g_autofree char *line = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL,
                                                    NULL);
  if (line == NULL)
    {
      run->eof = TRUE;
      return;
    }
  if (g_str_has_prefix (line, "switchyard-timing: window mapped"))
    run->window_us = monotonic_of (line);
  else if (g_str_has_prefix (line, "switchyard-timing: startup done"))
    run->startup_us = monotonic_of (line);
  g_data_input_stream_read_line_async (run->err, G_PRIORITY_DEFAULT, run->cancellable,
                                       line_read_cb, run);
}

static void
exited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  ((Run *) user_data)->exited = TRUE;
}

static gboolean
name_has_owner (GDBusConnection *bus,
                const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Nearest rank: the smallest value with at least p % of the values at or below it. */
static double
percentile (GArray *values,
            double  p)
{
  guint rank = (guint) ceil (p / 100.0 * values->len);

  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, MAX (rank, 1) - 1);
}

static void
report (const char *what,
        GArray     *values,
        const char *target)
{
  double median;
  double p90 = percentile (values, 90);

  median = values->len % 2 ? g_array_index (values, double, values->len / 2)
                           : (g_array_index (values, double, values->len / 2 - 1) +
                              g_array_index (values, double, values->len / 2)) / 2;
  g_print ("%-22s median %6.1f ms   p90 %6.1f ms   min %6.1f   max %6.1f   target %s\n",
           what, median, p90, g_array_index (values, double, 0),
           g_array_index (values, double, values->len - 1), target);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(SyTestSniWatcher) watcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) tray = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) window = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) startup = g_array_new (FALSE, FALSE, sizeof (double));
  const char *app;
  int runs;

  if (argc != 3 || (runs = atoi (argv[2])) < 1)
    {
      g_printerr ("usage: %s SWITCHYARD RUNS\n", argv[0]);
      return 2;
    }
  app = argv[1];

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL || (watcher = sy_test_sni_watcher_new (bus, &error)) == NULL)
    {
      g_printerr ("startup-probe: %s\n", error->message);
      return 1;
    }
  if (!WAIT_UNTIL (sy_test_sni_watcher_is_owner (watcher)))
    {
      g_printerr ("startup-probe: did not get org.kde.StatusNotifierWatcher\n");
      return 1;
    }

  /* Run 0 warms the page cache and is not counted. */
  for (int i = 0; i <= runs; i++)
    {
      g_autoptr(GSubprocessLauncher) launcher = NULL;
      g_autoptr(GSubprocess) process = NULL;
      g_autofree char *data_dir = NULL;
      g_autofree char *data_arg = NULL;
      Run run = { 0 };
      guint items = sy_test_sni_watcher_get_n_items (watcher);
      gint64 t0;
      gint64 tray_us = 0;
      guint wake;
      const char *helper = NULL;
      const char *path = NULL;

      data_dir = g_dir_make_tmp ("switchyard-startup-XXXXXX", &error);
      g_assert_no_error (error);
      data_arg = g_strconcat ("--data-dir=", data_dir, NULL);
      launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
      g_subprocess_launcher_setenv (launcher, "SWITCHYARD_TIMING", "1", TRUE);
      g_subprocess_launcher_setenv (launcher, "SWITCHYARD_SECRET_STORE", "memory", TRUE);

      t0 = g_get_monotonic_time ();
      process = g_subprocess_launcher_spawn (launcher, &error, app, "--port=0", data_arg, NULL);
      if (process == NULL)
        {
          g_printerr ("startup-probe: %s\n", error->message);
          return 1;
        }
      run.cancellable = g_cancellable_new ();
      run.err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (process));
      g_data_input_stream_read_line_async (run.err, G_PRIORITY_DEFAULT, run.cancellable,
                                           line_read_cb, &run);
      g_subprocess_wait_async (process, NULL, exited_cb, &run);

      /* Whichever comes first; the registration is stamped in the iteration that handles it. */
      wake = g_timeout_add (100, wake_cb, NULL);
      while (g_get_monotonic_time () < t0 + TIMEOUT_S * G_USEC_PER_SEC &&
             !run.exited && (tray_us == 0 || run.window_us == 0))
        {
          g_main_context_iteration (NULL, TRUE);
          if (tray_us == 0 && sy_test_sni_watcher_get_n_items (watcher) > items)
            tray_us = g_get_monotonic_time ();
        }
      g_source_remove (wake);
      if (tray_us == 0 || run.window_us == 0)
        {
          g_printerr ("startup-probe: run %d: %s\n", i,
                      run.exited ? "switchyard exited" : "timed out (is switchyard-tray built?)");
          return 1;
        }
      if (i > 0)
        {
          double t = (tray_us - t0) / 1000.0, w = (run.window_us - t0) / 1000.0;
          double s = run.startup_us > 0 ? (run.startup_us - t0) / 1000.0 : NAN;

          g_array_append_val (tray, t);
          g_array_append_val (window, w);
          g_array_append_val (startup, s);
          g_print ("run %2d: tray registered %6.1f ms, window mapped %6.1f ms "
                   "(startup done %6.1f ms)\n", i, t, w, s);
        }

      /* Quit, and wait for the app's name and its helper to be gone before the next start. */
      sy_test_sni_watcher_get_item (watcher, sy_test_sni_watcher_get_n_items (watcher) - 1,
                                    &helper, &path);
      g_subprocess_send_signal (process, SIGTERM);
      if (!WAIT_UNTIL (run.exited && !name_has_owner (bus, APP_NAME) &&
                       !name_has_owner (bus, helper)))
        {
          g_printerr ("startup-probe: run %d: switchyard or its tray helper did not exit\n", i);
          return 1;
        }
      g_cancellable_cancel (run.cancellable);
      WAIT_UNTIL (run.eof);
      g_clear_object (&run.err);
      g_clear_object (&run.cancellable);
      {
        g_autoptr(GFile) dir = g_file_new_for_path (data_dir);
        g_autoptr(GFileEnumerator) children = g_file_enumerate_children (
          dir, G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
        GFileInfo *info;

        while (children != NULL &&
               (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
          {
            g_autoptr(GFile) child = g_file_get_child (dir, g_file_info_get_name (info));

            g_file_delete (child, NULL, NULL);
            g_object_unref (info);
          }
        g_rmdir (data_dir);
      }
    }

  g_print ("\n%d runs (one more before them, not counted), from the spawn:\n", runs);
  report ("tray icon registered", tray, "300 ms");
  report ("main window mapped", window, "600 ms");
  report ("(app startup done)", startup, "-");
  return 0;
}

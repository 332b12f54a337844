/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * main() of switchyard-server: the gateway without any UI, for servers, containers and tests.
 * Parses the command line, starts the gateway, prints "listening on URL" once it accepts
 * connections, and shuts down cleanly on SIGTERM or SIGINT (usage flushed, exit 0); on Windows
 * on the console's Ctrl+C, Ctrl+Break, close, logoff and shutdown events.
 */
#define G_LOG_DOMAIN "switchyard-server"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#ifdef G_OS_UNIX
#include <glib-unix.h>
#else
#include <windows.h>
#endif

#include "core/sy-config.h"
#include "gateway/sy-gateway.h"

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

#ifdef G_OS_WIN32
static GMainLoop *console_loop;   /* set before the handler is installed */
static HANDLE shut_down_event;    /* set once the gateway has shut down */

/* Runs on a thread of its own: it only queues quit_cb on the main context. Windows ends the
 * process as soon as this returns from a close, logoff or shutdown event, so for those it
 * waits for main () to finish the clean shutdown (Windows allows it about five seconds). */
static BOOL WINAPI
console_ctrl_cb (DWORD ctrl_type)
{
  g_idle_add (quit_cb, console_loop);
  if (ctrl_type == CTRL_CLOSE_EVENT || ctrl_type == CTRL_LOGOFF_EVENT ||
      ctrl_type == CTRL_SHUTDOWN_EVENT)
    WaitForSingleObject (shut_down_event, INFINITE);
  return TRUE;
}
#endif

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SyConfig) config = NULL;
  g_autoptr(SyGateway) gateway = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *url = NULL;
  g_autofree char *locale_dir = sy_config_dup_locale_dir ();

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  config = sy_config_new_from_args (&argc, &argv, &error);
  if (config == NULL)
    {
      g_printerr ("switchyard-server: %s\n", error->message);
      return 2;
    }

  gateway = sy_gateway_new (config, &error);
  if (gateway == NULL || !sy_gateway_listen (gateway, config->host, config->port, &error))
    {
      g_printerr ("switchyard-server: %s\n", error->message);
      return 1;
    }

  loop = g_main_loop_new (NULL, FALSE);
#ifdef G_OS_UNIX
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
#else
  console_loop = loop;
  shut_down_event = CreateEventW (NULL, TRUE, FALSE, NULL);
  SetConsoleCtrlHandler (console_ctrl_cb, TRUE);
#endif

  url = sy_gateway_dup_base_url (gateway);
  printf ("listening on %s\n", url);
  fflush (stdout);

  g_main_loop_run (loop);

  sy_gateway_shutdown (gateway);
#ifdef G_OS_WIN32
  SetEvent (shut_down_event);
#endif
  return 0;
}

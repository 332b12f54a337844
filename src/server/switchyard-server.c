/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * main() of switchyard-server: the gateway without any UI, for servers, containers and tests.
 * Parses the command line, starts the gateway, prints "listening on URL" once it accepts
 * connections, and shuts down cleanly on SIGTERM or SIGINT (usage flushed, exit 0).
 */
#define G_LOG_DOMAIN "switchyard-server"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "core/sy-config.h"
#include "gateway/sy-gateway.h"

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SyConfig) config = NULL;
  g_autoptr(SyGateway) gateway = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *url = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
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
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);

  url = sy_gateway_dup_base_url (gateway);
  printf ("listening on %s\n", url);
  fflush (stdout);

  g_main_loop_run (loop);

  sy_gateway_shutdown (gateway);
  return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * main() of switchyard, the desktop app: gettext and the drawing choice, then SyApplication
 * does everything else (a second launch hands its command line to the first instance and
 * exits).
 */
#define G_LOG_DOMAIN "switchyard"

#include <glib/gi18n.h>
#include <locale.h>

#include "sy-application.h"
#include "sy-timing.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SyApplication) app = NULL;

  sy_timing_init ();
  /* Lists and forms draw as fast on the CPU, and GTK 4.8 on X11 sets up GL when it opens the
   * display: 60 MB more for the process, also while no window is open (measured under Xvfb:
   * 86 MB idle with GL, 26 MB without). SWITCHYARD_GL=1, or any GDK_DEBUG, keeps GTK's choice. */
  if (g_getenv ("GDK_DEBUG") == NULL && g_strcmp0 (g_getenv ("SWITCHYARD_GL"), "1") != 0)
    {
      g_setenv ("GDK_DEBUG", "gl-disable", TRUE);
      /* Asked for directly, so GSK does not try GL first and log that it could not. */
      g_setenv ("GSK_RENDERER", "cairo", FALSE);
    }

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = sy_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}

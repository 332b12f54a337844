/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * main() of switchyard, the desktop app: gettext and the drawing choice, then SyApplication
 * does everything else (a second launch hands its command line to the first instance and
 * exits). On Windows a named mutex, on macOS a lock file, guards that first, since neither
 * has the session bus GApplication's uniqueness needs: a second launch there only brings the
 * first one forward (windows/README.md and macos/README.md, "Single instance").
 */
#define G_LOG_DOMAIN "switchyard"

#include <glib/gi18n.h>
#include <locale.h>

#include "core/sy-config.h"
#include "sy-application.h"
#include "sy-timing.h"
#ifdef G_OS_WIN32
#include "sy-win32-instance.h"

/* GApplication's uniqueness needs a session bus, which Windows may lack: then every launch
 * would be primary and start a gateway on the same port. A second launch posts "show
 * yourself" to the first one's tray window instead, for up to five seconds while the first
 * is still starting, then exits 0 either way. */
static int
hand_over_to_first_instance (void)
{
  for (int i = 0; i < 50 && !sy_win32_instance_activate (); i++)
    g_usleep (100 * G_TIME_SPAN_MILLISECOND);
  return 0;
}
#endif
#ifdef __APPLE__
#include "sy-macos.h"
#endif

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SyApplication) app = NULL;
  g_autofree char *locale_dir = NULL;
#ifdef G_OS_WIN32
  HANDLE instance_mutex = NULL;   /* held until the process exits */

  if (sy_win32_instance_claim (L"" SY_APP_ID, &instance_mutex) == SY_WIN32_INSTANCE_SECONDARY)
    return hand_over_to_first_instance ();
#endif
#ifdef __APPLE__
  if (!sy_macos_instance_claim ())
    return 0;
#endif

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
  locale_dir = sy_config_dup_locale_dir ();
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = sy_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}

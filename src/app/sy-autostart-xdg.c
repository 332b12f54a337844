/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The XDG autostart backend of start-in-tray (Linux and BSD outside Flatpak): find the
 * installed template, copy it to the user's autostart folder atomically, remove the copy.
 * Small synchronous file operations on purpose: one file under a kilobyte, and a toggle must
 * be done (or have failed) when it returns. It only removes or replaces a file that starts
 * switchyard as a service. GIO only: no GTK, no D-Bus.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-autostart-private.h"

#define ENTRY_NAME    SY_APP_ID ".desktop"
#define TEMPLATE_NAME SY_APP_ID "-autostart.desktop"

/* Keep equal to data/dev.switchyard.Switchyard-autostart.desktop.in (a UI test compares). */
static const char fallback[] =
  "[Desktop Entry]\n"
  "Type=Application\n"
  "Name=Switchyard\n"
  "Comment=Start the Switchyard gateway without a window at log-in\n"
  "Exec=switchyard --gapplication-service\n"
  "Icon=dev.switchyard.Switchyard\n"
  "Terminal=false\n"
  "NoDisplay=true\n"
  "X-GNOME-Autostart-enabled=true\n";

const char *
sy_autostart_get_fallback (void)
{
  return fallback;
}

char *
sy_autostart_dup_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", ENTRY_NAME, NULL);
}

char *
sy_autostart_find_template (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = exe != NULL ? g_path_get_dirname (exe) : NULL;
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);

  /* Installed: next to the executable's prefix first (a relocated install), then the prefix it
   * was built for. Then the build tree, where data/meson.build merges the template (this
   * executable is two folders down there: _build/src/app, _build/tests/ui). */
  if (dir != NULL)
    g_ptr_array_add (candidates, g_build_filename (dir, "..", "share", "switchyard",
                                                   TEMPLATE_NAME, NULL));
  g_ptr_array_add (candidates, g_build_filename (SY_DATADIR, "switchyard", TEMPLATE_NAME, NULL));
  if (dir != NULL)
    {
      g_autofree char *ninja = g_build_filename (dir, "..", "..", "build.ninja", NULL);

      if (g_file_test (ninja, G_FILE_TEST_EXISTS))
        g_ptr_array_add (candidates, g_build_filename (dir, "..", "..", "data", TEMPLATE_NAME,
                                                       NULL));
    }

  for (guint i = 0; i < candidates->len; i++)
    if (g_file_test (g_ptr_array_index (candidates, i), G_FILE_TEST_IS_REGULAR))
      return g_strdup (g_ptr_array_index (candidates, i));
  return NULL;
}

gboolean
sy_autostart_is_ours (const char *path)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autofree char *exec = NULL;
  g_autofree char *program = NULL;
  g_auto(GStrv) argv = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, NULL))
    return FALSE;
  exec = g_key_file_get_string (key_file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC,
                                NULL);
  if (exec == NULL || !g_shell_parse_argv (exec, NULL, &argv, NULL))
    return FALSE;
  program = g_path_get_basename (argv[0]);
  return g_str_equal (program, "switchyard") &&
         g_strv_contains ((const char * const *) argv, "--gapplication-service");
}

static char *
dup_entry_contents (gsize *length)
{
  g_autofree char *template = sy_autostart_find_template ();
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  if (template != NULL && g_file_get_contents (template, &contents, length, &error))
    return contents;
  if (template != NULL)
    g_debug ("cannot read the autostart template %s: %s; writing the built-in one", template,
             error->message);
  else
    g_debug ("no autostart template installed; writing the built-in one");
  *length = sizeof fallback - 1;
  return g_strdup (fallback);
}

gboolean
_sy_autostart_xdg_set_enabled (gboolean   enabled,
                               GError   **error)
{
  g_autofree char *path = sy_autostart_dup_path ();
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (enabled)
    contents = dup_entry_contents (&length);
  return _sy_autostart_apply_file (path, enabled, contents, length, sy_autostart_is_ours,
                                   "Switchyard's autostart entry", error);
}

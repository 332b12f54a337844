/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The desktop app's own settings (dev.switchyard.Switchyard, memory backend, the schema
 * compiled into the build tree): the main window comes back at the size and page it was left
 * at, from one SyApplication to the next in this process; the start-in-tray check item writes
 * and removes the autostart entry under a throw-away XDG_CONFIG_HOME, and leaves an entry it
 * did not write alone. Start-up reconciliation under the real name is in test-service.c.
 */
#define G_LOG_DOMAIN "sy-test"

#include <glib/gstdio.h>

#include "sy-autostart.h"
#include "sy-test-app.h"
#include "sy-test-gateway.h"

static char *config_home;

static GSettings *
app_settings (SyTestApp *t)
{
  GSettings *settings = sy_application_get_settings (t->app);

  g_assert_nonnull (settings);
  return settings;
}

/* A GSettings of our own: the memory backend is one per process, so it sees what the app
 * saved after the app is gone. */
static GSettings *
settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  g_assert_nonnull (source);
  schema = g_settings_schema_source_lookup (source, SY_APP_ID, TRUE);
  g_assert_nonnull (schema);  /* GSETTINGS_SCHEMA_DIR=<build>/data, tests/meson.build */
  return g_settings_new_full (schema, NULL, NULL);
}

static void
reset_settings (void)
{
  g_autoptr(GSettings) settings = settings_new ();
  static const char * const keys[] = { "window-width", "window-height", "window-maximized",
                                       "start-in-tray", "last-page" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (settings, keys[i]);
}

/* --- window size and page ---------------------------------------------------------------- */

static void
first_run_body (SyTestApp     *t,
                gconstpointer  data)
{
  SyMainWindow *window = sy_test_app_get_window (t);
  g_autofree char *page = NULL;
  int width, height;

  /* Nothing saved yet: the schema's defaults. */
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1100);
  g_assert_cmpint (height, ==, 720);
  g_assert_cmpstr (sy_main_window_get_page (window), ==, "health");

  /* The user goes to Providers (saved at once) and makes the window smaller (saved when it
   * goes, here when the app quits). */
  sy_test_app_show_page (t, "providers");
  page = g_settings_get_string (app_settings (t), "last-page");
  g_assert_cmpstr (page, ==, "providers");
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 680);
  sy_test_drain ();
}

static void
second_run_body (SyTestApp     *t,
                 gconstpointer  data)
{
  SyMainWindow *window = sy_test_app_get_window (t);
  g_autofree char *page = NULL;
  g_autofree char *page2 = NULL;
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1000);
  g_assert_cmpint (height, ==, 680);
  g_assert_cmpstr (sy_main_window_get_page (window), ==, "providers");
  g_assert_false (gtk_window_is_maximized (GTK_WINDOW (window)));

  /* Every page of the sidebar can be the one saved. */
  sy_test_app_show_page (t, "settings");
  page = g_settings_get_string (app_settings (t), "last-page");
  g_assert_cmpstr (page, ==, "settings");
  sy_test_app_show_page (t, "cli-tools");
  page2 = g_settings_get_string (app_settings (t), "last-page");
  g_assert_cmpstr (page2, ==, "cli-tools");
}

static void
test_window_state (void)
{
  g_autoptr(GSettings) settings = settings_new ();
  g_autofree char *page = NULL;

  reset_settings ();
  sy_test_app_run (first_run_body, NULL, NULL);

  /* What the first instance left behind... */
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1000);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 680);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
  page = g_settings_get_string (settings, "last-page");
  g_assert_cmpstr (page, ==, "providers");

  /* ... is where the next one opens. */
  sy_test_app_run (second_run_body, NULL, NULL);
  g_clear_pointer (&page, g_free);
  page = g_settings_get_string (settings, "last-page");
  g_assert_cmpstr (page, ==, "cli-tools");
  reset_settings ();
}

static void
maximized_body (SyTestApp     *t,
                gconstpointer  data)
{
  SyMainWindow *window = sy_test_app_get_window (t);
  int width, height;

  /* Asked for before it was shown; Xvfb has no window manager, so whether the state comes
   * back is GDK's own doing: wait for it, but the size kept for later is what matters. */
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1000);
  g_assert_cmpint (height, ==, 650);
  sy_test_wait_until (gtk_window_is_maximized (GTK_WINDOW (window)));
}

static void
test_maximized (void)
{
  g_autoptr(GSettings) settings = settings_new ();

  reset_settings ();
  g_settings_set_int (settings, "window-width", 1000);
  g_settings_set_int (settings, "window-height", 650);
  g_settings_set_boolean (settings, "window-maximized", TRUE);

  sy_test_app_run (maximized_body, NULL, NULL);

  /* Still maximized when it went, and the unmaximized size was not overwritten by the
   * maximized one. */
  g_assert_true (g_settings_get_boolean (settings, "window-maximized"));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1000);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 650);
  reset_settings ();
}

/* --- start in the tray ------------------------------------------------------------------- */

static char *
entry_path (void)
{
  return g_build_filename (config_home, "autostart", SY_APP_ID ".desktop", NULL);
}

static gboolean
entry_exists (void)
{
  g_autofree char *path = entry_path ();

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static gboolean
menu_has_item (GMenuModel *menu,
               const char *action,
               const char *label)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);
      g_autofree char *item_action = NULL;
      g_autofree char *item_label = NULL;

      if (section != NULL && menu_has_item (section, action, label))
        return TRUE;
      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &item_action) &&
          g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &item_label) &&
          g_str_equal (item_action, action) && g_str_equal (item_label, label))
        return TRUE;
    }
  return FALSE;
}

static gboolean
action_state (SyTestApp *t)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (t->app),
                                                               "start-in-tray");

  g_assert_nonnull (state);
  return g_variant_get_boolean (state);
}

static void
start_in_tray_body (SyTestApp     *t,
                    gconstpointer  data)
{
  GSettings *settings = app_settings (t);
  GtkWidget *menu_button = sy_test_find_type (GTK_WIDGET (sy_test_app_get_window (t)),
                                              GTK_TYPE_MENU_BUTTON);
  g_autofree char *path = entry_path ();
  g_autoptr(GKeyFile) entry = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *exec = NULL;
  g_autofree char *foreign = NULL;
  const char *foreign_text = "[Desktop Entry]\nType=Application\nName=Mine\n"
                             "Exec=my-own-wrapper --tray\n";

  /* A check item in the primary menu, off. */
  g_assert_nonnull (menu_button);
  g_assert_true (menu_has_item (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button)),
                                "app.start-in-tray", "_Start at log-in in the tray"));
  g_assert_false (action_state (t));
  g_assert_false (entry_exists ());

  /* On: the key and the entry, a copy of the template, starting the app as a service. */
  g_action_group_change_action_state (G_ACTION_GROUP (t->app), "start-in-tray",
                                      g_variant_new_boolean (TRUE));
  g_assert_true (action_state (t));
  g_assert_true (g_settings_get_boolean (settings, "start-in-tray"));
  g_assert_true (entry_exists ());
  g_assert_true (sy_autostart_is_ours (path));
  g_key_file_load_from_file (entry, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  exec = g_key_file_get_string (entry, G_KEY_FILE_DESKTOP_GROUP, "Exec", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (exec, ==, "switchyard --gapplication-service");
  g_assert_true (g_key_file_get_boolean (entry, G_KEY_FILE_DESKTOP_GROUP,
                                         "X-GNOME-Autostart-enabled", &error));
  g_assert_no_error (error);
  g_assert_true (g_key_file_get_boolean (entry, G_KEY_FILE_DESKTOP_GROUP, "NoDisplay", &error));
  g_assert_no_error (error);

  /* Off: gone, and the key says so. */
  g_action_group_change_action_state (G_ACTION_GROUP (t->app), "start-in-tray",
                                      g_variant_new_boolean (FALSE));
  g_assert_false (g_settings_get_boolean (settings, "start-in-tray"));
  g_assert_false (entry_exists ());

  /* The key changed elsewhere (gsettings set, another instance): the entry follows, and the
   * check item shows it. */
  g_settings_set_boolean (settings, "start-in-tray", TRUE);
  sy_test_wait_until (entry_exists ());
  g_assert_true (action_state (t));
  g_settings_set_boolean (settings, "start-in-tray", FALSE);
  sy_test_wait_until (!entry_exists ());

  /* An entry under that name that someone else wrote: neither replaced nor removed. */
  g_file_set_contents (path, foreign_text, -1, &error);
  g_assert_no_error (error);
  g_assert_false (sy_autostart_is_ours (path));
  g_action_group_change_action_state (G_ACTION_GROUP (t->app), "start-in-tray",
                                      g_variant_new_boolean (TRUE));
  g_action_group_change_action_state (G_ACTION_GROUP (t->app), "start-in-tray",
                                      g_variant_new_boolean (FALSE));
  g_file_get_contents (path, &foreign, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (foreign, ==, foreign_text);
  g_assert_cmpint (g_unlink (path), ==, 0);
}

static void
test_start_in_tray (void)
{
  reset_settings ();
  sy_test_app_run (start_in_tray_body, NULL, NULL);
  g_assert_false (entry_exists ());
  reset_settings ();
}

/* The text written without an installed template is the template's own, and the build tree's
 * template is found from this test's executable. */
static void
test_fallback_matches_template (void)
{
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "..", "data",
                                                   SY_APP_ID "-autostart.desktop.in", NULL);
  g_autofree char *template = sy_autostart_find_template ();
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (source, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sy_autostart_get_fallback (), ==, contents);

  g_assert_nonnull (template);
  g_assert_true (g_str_has_suffix (template, SY_APP_ID "-autostart.desktop"));
  g_assert_true (sy_autostart_is_ours (template));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *tmp = sy_test_app_make_config_home (&config_home);
  int status;

  if (!sy_test_app_init (&argc, &argv))
    {
      g_print ("1..0 # SKIP no display (run under tests/run-headless.sh)\n");
      sy_test_rm_rf (tmp);
      return 0;
    }
  g_assert_cmpstr (g_get_user_config_dir (), ==, config_home);

  g_test_add_func ("/sy/ui/desktop-settings/window-state", test_window_state);
  g_test_add_func ("/sy/ui/desktop-settings/maximized", test_maximized);
  g_test_add_func ("/sy/ui/desktop-settings/start-in-tray", test_start_in_tray);
  g_test_add_func ("/sy/ui/desktop-settings/fallback-matches-template",
                   test_fallback_matches_template);
  status = g_test_run ();
  sy_test_rm_rf (tmp);
  g_free (config_home);
  return status;
}

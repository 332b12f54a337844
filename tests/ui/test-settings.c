/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Settings page, driven through its widgets: it shows what is stored (and the facts from
 * /api/health); a changed spin button and switch are saved, and only they are written; text
 * that is not JSON and a value the API refuses are shown under their field with the typed text
 * kept and nothing saved; a value changed through the API while the page was hidden appears
 * when it is shown again, while a field being edited keeps the edit until Revert; turning
 * requireApiKey off on a listener beyond loopback shows the API's refusal under the switch;
 * Advanced → Backups exports the database and the archive to files and imports the database
 * after the confirmation, saying so in words.
 */
#define G_LOG_DOMAIN "sy-test"

#include "sy-test-app.h"

#include <sqlite3.h>

#include "sy-backups-box.h"
#include "sy-test-gateway.h"
#include "sy-setting-row.h"
#include "sy-settings-page.h"

static SySettingsRepo *
get_settings (SyTestApp *t)
{
  return sy_gateway_get_settings (sy_test_app_get_gateway (t));
}

static void
update_settings (SyTestApp  *t,
                 const char *json)
{
  g_autoptr(JsonNode) patch = json_from_string (json, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (patch);
  g_assert_true (sy_settings_repo_update (get_settings (t), json_node_get_object (patch), &error));
  g_assert_no_error (error);
}

/* Every row, on any tab (hidden tabs included). */
static SySettingRow *
find_setting (GtkWidget  *root,
              const char *name)
{
  if (SY_IS_SETTING_ROW (root) && g_str_equal (sy_setting_row_get_name (SY_SETTING_ROW (root)),
                                               name))
    return SY_SETTING_ROW (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      SySettingRow *found = find_setting (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static SySettingRow *
show_setting (GtkWidget  *page,
              const char *tab,
              const char *name)
{
  SySettingRow *row = find_setting (page, name);

  g_assert_nonnull (row);
  sy_settings_page_set_tab (SY_SETTINGS_PAGE (page), tab);
  sy_test_wait_until (gtk_widget_get_mapped (GTK_WIDGET (row)));
  return row;
}

static GtkWidget *
control (SySettingRow *row)
{
  return sy_setting_row_get_control (row);
}

static double
spin_value (SySettingRow *row)
{
  g_assert_true (GTK_IS_SPIN_BUTTON (control (row)));
  return gtk_spin_button_get_value (GTK_SPIN_BUTTON (control (row)));
}

static void
set_text (SySettingRow *row,
          const char   *text)
{
  g_assert_true (GTK_IS_TEXT_VIEW (control (row)));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (control (row))), text, -1);
}

static void
assert_text (SySettingRow *row,
             const char   *expected)
{
  g_autofree char *text = sy_setting_row_dup_text (row);

  g_assert_cmpstr (text, ==, expected);
}

static char *
dup_json (SyTestApp  *t,
          const char *name)
{
  g_autoptr(JsonNode) node = sy_settings_repo_dup_json (get_settings (t), name);

  return json_to_string (node, FALSE);
}

/* Whether the settings table holds a row for name (defaults are never written). */
static gboolean
is_stored (SyTestApp  *t,
           const char *name)
{
  g_autofree char *path = g_build_filename (t->data_dir, "switchyard.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean found;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT 1 FROM settings WHERE key = ?", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return found;
}

/* --- shows what is stored ---------------------------------------------------------------- */

static void
shows_stored_body (SyTestApp     *t,
                   gconstpointer  data)
{
  GtkWidget *page;
  SySettingRow *row;
  g_autofree char *listening = NULL;

  update_settings (t, "{\"stickyRoundRobinLimit\": 7, \"routingStrategy\": \"p2c\","
                      " \"connectTimeoutMs\": 2500, \"useUpstreamRetryHints\": false,"
                      " \"ipAllowList\": [\"10.0.0.0/8\", \"::1\"],"
                      " \"systemPrompt\": \"Answer in French.\"}");
  page = sy_test_app_show_page (t, "settings");

  /* Security first, with the hint about keys. */
  row = show_setting (page, "security", "ipAllowList");
  assert_text (row, "10.0.0.0/8\n::1");
  g_assert_nonnull (sy_test_find_label (page, "Require an API key"));
  g_assert_nonnull (sy_test_find_label (page, "API keys"));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (control (find_setting (page,
                                                                           "requireApiKey")))));

  row = show_setting (page, "routing", "stickyRoundRobinLimit");
  g_assert_cmpfloat (spin_value (row), ==, 7);
  g_assert_nonnull (sy_test_find_label (page, "Round-robin stickiness"));
  row = find_setting (page, "routingStrategy");
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (control (row))), ==, 2);
  g_assert_nonnull (sy_test_find_label (GTK_WIDGET (row), "Healthier of two random accounts"));

  /* Milliseconds shown as seconds, with the schema's range. */
  row = show_setting (page, "resilience", "connectTimeoutMs");
  g_assert_cmpfloat (spin_value (row), ==, 2.5);
  {
    GtkAdjustment *range = gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (control (row)));

    g_assert_cmpfloat (gtk_adjustment_get_lower (range), ==, 0.1);
    g_assert_cmpfloat (gtk_adjustment_get_upper (range), ==, 600);
  }
  /* The wheel scrolls the page, not the value under the pointer. */
  {
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (control (row));

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

        g_assert_false (GTK_IS_EVENT_CONTROLLER_SCROLL (controller));
      }
  }
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (control (find_setting (
    page, "useUpstreamRetryHints")))));

  row = show_setting (page, "ai", "systemPrompt");
  assert_text (row, "Answer in French.");
  g_assert_cmpfloat (spin_value (find_setting (page, "cacheMaxEntries")), ==, 100);

  /* The facts come from /api/health. */
  show_setting (page, "advanced", "usageRetentionDays");
  sy_test_wait_until (sy_test_find_label (page, t->data_dir) != NULL);
  g_assert_nonnull (sy_test_find_label (page, SY_VERSION));
  listening = g_strdup_printf ("127.0.0.1:%u", sy_gateway_get_port (sy_test_app_get_gateway (t)));
  g_assert_nonnull (sy_test_find_label (page, listening));

  /* Nothing changed yet: nothing to save. */
  g_assert_false (gtk_widget_get_sensitive (sy_test_find_button (page, "Save")));
}

static void
test_shows_stored (void)
{
  sy_test_app_run (shows_stored_body, NULL, NULL);
}

/* --- saves only what changed ------------------------------------------------------------- */

static void
save_body (SyTestApp     *t,
           gconstpointer  data)
{
  GtkWidget *page = sy_test_app_show_page (t, "settings");
  SySettingsRepo *settings = get_settings (t);
  SySettingRow *sticky, *hints;

  sticky = show_setting (page, "routing", "stickyRoundRobinLimit");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (control (sticky)), 9);
  hints = show_setting (page, "resilience", "useUpstreamRetryHints");
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (control (hints))));
  gtk_switch_set_active (GTK_SWITCH (control (hints)), FALSE);
  g_assert_nonnull (sy_test_find_label (page, "2 unsaved changes"));

  sy_test_click (sy_test_find_button (page, "Save"));
  sy_test_wait_until (sy_test_find_label (page, "Saved.") != NULL);
  g_assert_cmpint (sy_settings_repo_get_int (settings, "stickyRoundRobinLimit"), ==, 9);
  g_assert_false (sy_settings_repo_get_boolean (settings, "useUpstreamRetryHints"));
  /* Only the changed values were sent: the others are still unwritten defaults. */
  g_assert_true (is_stored (t, "stickyRoundRobinLimit"));
  g_assert_true (is_stored (t, "useUpstreamRetryHints"));
  g_assert_false (is_stored (t, "connectTimeoutMs"));
  g_assert_false (is_stored (t, "modelAliases"));
  g_assert_false (sy_setting_row_is_changed (sticky));
  g_assert_false (gtk_widget_get_sensitive (sy_test_find_button (page, "Save")));

  /* A time shown in seconds goes back as milliseconds. */
  hints = show_setting (page, "resilience", "modelLockoutMs");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (control (hints)), 45.5);
  sy_test_click (sy_test_find_button (page, "Save"));
  sy_test_wait_until (sy_settings_repo_get_int (settings, "modelLockoutMs") == 45500);
}

static void
test_save (void)
{
  sy_test_app_run (save_body, NULL, NULL);
}

/* --- refusals keep the form -------------------------------------------------------------- */

#define BROKEN_ALIASES "[{\"pattern\": \"gpt-*\", \"target\": "
#define ALIASES "[{\"pattern\": \"gpt-*\", \"target\": \"gh/gpt-5\"}]"

static void
invalid_body (SyTestApp     *t,
              gconstpointer  data)
{
  GtkWidget *page = sy_test_app_show_page (t, "settings");
  SySettingRow *aliases, *deny;
  g_autofree char *stored = NULL;

  /* Text that is not JSON never leaves the window. */
  aliases = show_setting (page, "routing", "modelAliases");
  set_text (aliases, BROKEN_ALIASES);
  sy_test_click (sy_test_find_button (page, "Save"));
  g_assert_nonnull (sy_test_find_label (GTK_WIDGET (aliases), "not valid JSON"));
  g_assert_nonnull (sy_test_find_label (page, "Nothing was saved"));
  assert_text (aliases, BROKEN_ALIASES);

  /* JSON of the wrong shape: the API's words, under the field. */
  set_text (aliases, "[{\"pattern\": \"gpt-*\"}]");
  sy_test_click (sy_test_find_button (page, "Save"));
  sy_test_wait_until (sy_test_find_label (GTK_WIDGET (aliases), "arget: expected a string") !=
                      NULL);
  assert_text (aliases, "[{\"pattern\": \"gpt-*\"}]");
  stored = dup_json (t, "modelAliases");
  g_assert_cmpstr (stored, ==, "[]");

  /* Two changes, one refused: nothing is saved, the refused field's tab is shown, both keep
   * what was typed. */
  set_text (aliases, ALIASES);
  deny = find_setting (page, "ipDenyList");
  set_text (deny, "192.168.1.66\nnot-an-ip");
  sy_test_click (sy_test_find_button (page, "Save"));
  sy_test_wait_until (sy_test_find_label (page, "Line 2: expected an IPv4 or IPv6 address") !=
                      NULL);
  sy_test_wait_until (gtk_widget_get_mapped (GTK_WIDGET (deny)));
  g_assert_nonnull (sy_test_find_label (page, "Denied addresses was refused"));
  assert_text (deny, "192.168.1.66\nnot-an-ip");
  assert_text (aliases, ALIASES);
  g_clear_pointer (&stored, g_free);
  stored = dup_json (t, "modelAliases");
  g_assert_cmpstr (stored, ==, "[]");
  g_clear_pointer (&stored, g_free);
  stored = dup_json (t, "ipDenyList");
  g_assert_cmpstr (stored, ==, "[]");

  /* Fixed: both are saved together. */
  set_text (deny, "192.168.1.66\n\n");
  g_assert_null (sy_setting_row_get_message (deny));
  sy_test_click (sy_test_find_button (page, "Save"));
  sy_test_wait_until (sy_test_find_label (page, "Saved.") != NULL);
  g_clear_pointer (&stored, g_free);
  stored = dup_json (t, "ipDenyList");
  g_assert_cmpstr (stored, ==, "[\"192.168.1.66\"]");
  g_clear_pointer (&stored, g_free);
  stored = dup_json (t, "modelAliases");
  g_assert_cmpstr (stored, ==, "[{\"pattern\":\"gpt-*\",\"target\":\"gh/gpt-5\"}]");
  g_assert_null (sy_setting_row_get_message (aliases));
}

static void
test_invalid (void)
{
  sy_test_app_run (invalid_body, NULL, NULL);
}

/* --- changed behind the page's back ------------------------------------------------------ */

static void
patched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result,
                                                          &error);

  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
elsewhere_body (SyTestApp     *t,
                gconstpointer  data)
{
  GtkWidget *page = sy_test_app_show_page (t, "settings");
  SySettingRow *sticky, *depth;
  g_autoptr(JsonNode) patch = json_from_string ("{\"stickyRoundRobinLimit\": 42,"
                                                " \"maxComboDepth\": 2}", NULL);
  gboolean done = FALSE;

  sticky = show_setting (page, "routing", "stickyRoundRobinLimit");
  depth = find_setting (page, "maxComboDepth");
  g_assert_cmpfloat (spin_value (sticky), ==, 3);
  /* An edit in progress, not saved. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (control (depth)), 5);

  sy_test_app_show_page (t, "health");
  sy_admin_client_call_async (sy_application_get_client (t->app), "PATCH", "/api/settings",
                              patch, NULL, patched_cb, &done);
  sy_test_wait_until (done);
  g_assert_cmpint (sy_settings_repo_get_int (get_settings (t), "stickyRoundRobinLimit"), ==, 42);

  /* Shown again: the new value is there at once; the edit in progress is kept. */
  sy_test_app_show_page (t, "settings");
  g_assert_cmpfloat (spin_value (sticky), ==, 42);
  g_assert_cmpfloat (spin_value (depth), ==, 5);
  g_assert_true (sy_setting_row_is_changed (depth));

  /* Revert reads the stored values, the edit included. */
  sy_test_click (sy_test_find_button (page, "Revert"));
  g_assert_cmpfloat (spin_value (depth), ==, 2);
  g_assert_false (gtk_widget_get_sensitive (sy_test_find_button (page, "Save")));
}

static void
test_elsewhere (void)
{
  sy_test_app_run (elsewhere_body, NULL, NULL);
}

/* --- requireApiKey on a listener beyond loopback ----------------------------------------- */

static void
require_key_body (SyTestApp     *t,
                  gconstpointer  data)
{
  GtkWidget *page = sy_test_app_show_page (t, "settings");
  SySettingRow *require = show_setting (page, "security", "requireApiKey");

  g_assert_true (gtk_switch_get_active (GTK_SWITCH (control (require))));
  gtk_switch_set_active (GTK_SWITCH (control (require)), FALSE);
  sy_test_click (sy_test_find_button (page, "Save"));
  sy_test_wait_until (sy_setting_row_get_message (require) != NULL);
  g_assert_nonnull (sy_test_find_label (GTK_WIDGET (require),
                                        "Cannot be turned off while listening on 0.0.0.0"));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (control (require))));
  g_assert_true (sy_settings_repo_get_boolean (get_settings (t), "requireApiKey"));
}

static void
test_require_key (void)
{
  const char *args[] = { "--host=0.0.0.0", NULL };

  /* A listener beyond loopback starts only with keys required. */
  g_setenv ("SWITCHYARD_REQUIRE_API_KEY", "1", TRUE);
  sy_test_app_run (require_key_body, NULL, args);
  g_unsetenv ("SWITCHYARD_REQUIRE_API_KEY");
}

/* --- Backups ----------------------------------------------------------------------------- */

static char *
file_head (const char *path,
           gsize       n)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL) || len < n)
    return NULL;
  return g_strndup (contents, n);
}

/* The native file choosers cannot be driven under Xvfb (they may be portal dialogs in another
 * process): the test calls what their responses lead to, sy_backups_box_export/import, with a
 * GFile. */
static void
backups_body (SyTestApp     *t,
              gconstpointer  data)
{
  GtkWidget *page = sy_test_app_show_page (t, "settings");
  GtkWidget *box;
  g_autofree char *dir = g_dir_make_tmp ("sy-backups-XXXXXX", NULL);
  g_autofree char *db_path = g_build_filename (dir, "exported.sqlite", NULL);
  g_autofree char *archive_path = g_build_filename (dir, "exported.tar.gz", NULL);
  g_autoptr(GFile) db_file = g_file_new_for_path (db_path);
  g_autoptr(GFile) archive_file = g_file_new_for_path (archive_path);
  g_autofree char *head = NULL;
  GtkWindow *dialog;

  sy_settings_page_set_tab (SY_SETTINGS_PAGE (page), "advanced");
  box = sy_test_find_type (page, SY_TYPE_BACKUPS_BOX);
  g_assert_nonnull (box);
  g_assert_nonnull (sy_test_find_button (box, "Export database…"));
  g_assert_nonnull (sy_test_find_button (box, "Export archive (no secrets)…"));
  g_assert_nonnull (sy_test_find_button (box, "Import…"));

  sy_backups_box_export (SY_BACKUPS_BOX (box), SY_BACKUP_DATABASE, db_file);
  sy_test_wait_until (sy_test_find_label (box, "Saved to ") != NULL);
  head = file_head (db_path, 15);
  g_assert_cmpstr (head, ==, "SQLite format 3");
  g_clear_pointer (&head, g_free);

  sy_backups_box_export (SY_BACKUPS_BOX (box), SY_BACKUP_ARCHIVE, archive_file);
  sy_test_wait_until (sy_test_find_label (box, "exported.tar.gz") != NULL);
  head = file_head (archive_path, 2);
  g_assert_nonnull (head);
  g_assert_cmpint ((guchar) head[0], ==, 0x1f);
  g_assert_cmpint ((guchar) head[1], ==, 0x8b);

  /* Cancel while the download runs: a spinner until then, no file after. */
  {
    g_autofree char *cancelled_path = g_build_filename (dir, "cancelled.sqlite", NULL);
    g_autoptr(GFile) cancelled = g_file_new_for_path (cancelled_path);

    GtkWidget *spinner;

    sy_backups_box_export (SY_BACKUPS_BOX (box), SY_BACKUP_DATABASE, cancelled);
    spinner = sy_test_find_type (box, GTK_TYPE_SPINNER);
    g_assert_nonnull (spinner);
    g_assert_false (gtk_widget_get_sensitive (sy_test_find_button (box, "Import…")));
    sy_test_click (sy_test_find_button (box, "Cancel"));
    g_assert_nonnull (sy_test_find_label (box, "Cancelled."));
    g_assert_false (gtk_widget_get_visible (spinner));
    sy_test_wait_ms (500);
    g_assert_nonnull (sy_test_find_label (box, "Cancelled."));
    g_assert_false (g_file_test (cancelled_path, G_FILE_TEST_EXISTS));
  }

  /* Import asks first, naming the automatic backup; then it says what happened. */
  sy_backups_box_import (SY_BACKUPS_BOX (box), db_file);
  sy_test_wait_until (sy_test_find_window (GTK_TYPE_MESSAGE_DIALOG) != NULL);
  dialog = sy_test_find_window (GTK_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (sy_test_find_label (GTK_WIDGET (dialog), "saved to the backups folder first"));
  sy_test_click (sy_test_find_button (GTK_WIDGET (dialog), "Import"));
  sy_test_wait_until (sy_test_find_label (box, "Imported.") != NULL);
  g_assert_nonnull (sy_test_find_label (box, "switchyard-pre-import-"));
  g_assert_null (sy_test_find_window (GTK_TYPE_MESSAGE_DIALOG));

  /* A file that is not a database: refused in words, nothing changed. */
  sy_backups_box_import (SY_BACKUPS_BOX (box), archive_file);
  sy_test_wait_until (sy_test_find_window (GTK_TYPE_MESSAGE_DIALOG) != NULL);
  sy_test_click (sy_test_find_button (GTK_WIDGET (sy_test_find_window (GTK_TYPE_MESSAGE_DIALOG)),
                                      "Import"));
  sy_test_wait_until (sy_test_find_label (box, "Not imported, nothing changed") != NULL);

  sy_test_rm_rf (dir);
}

static void
test_backups (void)
{
  sy_test_app_run (backups_body, NULL, NULL);
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

  g_test_add_func ("/sy/ui/settings/shows-stored", test_shows_stored);
  g_test_add_func ("/sy/ui/settings/save", test_save);
  g_test_add_func ("/sy/ui/settings/invalid", test_invalid);
  g_test_add_func ("/sy/ui/settings/elsewhere", test_elsewhere);
  g_test_add_func ("/sy/ui/settings/require-key-refused", test_require_key);
  g_test_add_func ("/sy/ui/settings/backups", test_backups);
  return g_test_run ();
}

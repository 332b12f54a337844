/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The CLI Tools page with HOME in a throw-away directory: Claude Code reads "not configured",
 * Apply writes ~/.claude/settings.json with the endpoint (other settings kept) and the row
 * then says configured, Restore brings the previous file back. The key area: no key needed by
 * default; with requireApiKey on, "Create a key for the tools" gets one through the API and
 * Apply writes it.
 */
#define G_LOG_DOMAIN "sy-test"

#include "sy-test-app.h"

#include <glib/gstdio.h>
#include <string.h>

#include "core/sy-cli-tools.h"
#include "sy-test-gateway.h"

#define ORIGINAL "{\n  \"model\": \"opus\"\n}\n"

typedef struct
{
  char *home;
  char *settings;
  char *old_home;
  char *old_path;
} Home;

/* A HOME with ~/.claude/settings.json holding ORIGINAL, and no tool on PATH. */
static void
home_init (Home *h)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;

  h->home = g_dir_make_tmp ("switchyard-ui-home-XXXXXX", &error);
  g_assert_no_error (error);
  dir = g_build_filename (h->home, ".claude", NULL);
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  h->settings = g_build_filename (dir, "settings.json", NULL);
  g_file_set_contents (h->settings, ORIGINAL, -1, &error);
  g_assert_no_error (error);
  h->old_home = g_strdup (g_getenv ("HOME"));
  h->old_path = g_strdup (g_getenv ("PATH"));
  g_setenv ("HOME", h->home, TRUE);
  g_setenv ("PATH", h->home, TRUE);
  g_unsetenv ("CLAUDE_CONFIG_DIR");
  g_unsetenv ("CODEX_HOME");
  g_unsetenv ("OPENCLAW_CONFIG_PATH");
  g_unsetenv ("CONTINUE_GLOBAL_DIR");
}

static void
home_clear (Home *h)
{
  if (h->old_home != NULL)
    g_setenv ("HOME", h->old_home, TRUE);
  if (h->old_path != NULL)
    g_setenv ("PATH", h->old_path, TRUE);
  sy_test_rm_rf (h->home);
  g_free (h->old_home);
  g_free (h->old_path);
  g_free (h->home);
  g_free (h->settings);
}

static char *
read_settings (Home *h)
{
  char *contents = NULL;

  g_assert_true (g_file_get_contents (h->settings, &contents, NULL, NULL));
  return contents;
}

static GtkWidget *
claude_row (GtkWidget *page)
{
  GtkWidget *row = sy_test_find_row (page, "Claude Code");

  g_assert_nonnull (row);
  return row;
}

static void
apply_restore_body (SyTestApp     *t,
                    gconstpointer  data)
{
  Home h = { 0 };
  GtkWidget *page, *row;
  g_autofree char *base_url = sy_gateway_host_dup_base_url (sy_test_app_get_host (t));
  g_autofree char *endpoint = sy_gateway_host_dup_endpoint (sy_test_app_get_host (t));
  g_autofree char *contents = NULL;
  g_autofree char *expected_url = NULL;

  home_init (&h);
  page = sy_test_app_show_page (t, "cli-tools");
  g_assert_nonnull (sy_test_find_label (page, endpoint));
  g_assert_nonnull (sy_test_find_label (page, "No key is needed"));
  g_assert_null (sy_test_find_button (page, "Create a key for the tools"));

  row = claude_row (page);
  g_assert_nonnull (sy_test_find_label (row, "Not configured"));
  g_assert_nonnull (sy_test_find_label (row, h.settings));
  g_assert_false (gtk_widget_get_sensitive (sy_test_find_button (row, "Restore")));
  /* A tool with neither a directory nor a program reads "not installed". */
  g_assert_nonnull (sy_test_find_label (sy_test_find_row (page, "OpenClaw"), "Not installed"));

  /* Apply: the endpoint in the file, the model kept, a backup; the row follows. */
  sy_test_click (sy_test_find_button (row, "Apply"));
  contents = read_settings (&h);
  expected_url = g_strdup_printf ("\"ANTHROPIC_BASE_URL\" : \"%s\"", base_url);
  g_assert_nonnull (strstr (contents, expected_url));
  g_assert_nonnull (strstr (contents,
                            "\"ANTHROPIC_AUTH_TOKEN\" : \"" SY_CLI_TOOLS_PLACEHOLDER_KEY));
  g_assert_nonnull (strstr (contents, "\"model\" : \"opus\""));
  row = claude_row (page);
  g_assert_nonnull (sy_test_find_label (row, "Configured for Switchyard on port"));
  g_assert_nonnull (sy_test_find_label (row, "The previous file was saved as"));

  /* Again: nothing to change. */
  sy_test_click (sy_test_find_button (row, "Apply"));
  g_assert_nonnull (sy_test_find_label (row, "Already set up"));

  /* Restore: the file as it was, and the row says so. */
  sy_test_click (sy_test_find_button (row, "Restore"));
  g_clear_pointer (&contents, g_free);
  contents = read_settings (&h);
  g_assert_cmpstr (contents, ==, ORIGINAL);
  g_assert_nonnull (sy_test_find_label (row, "Not configured"));
  g_assert_nonnull (sy_test_find_label (row, "Restored the copy saved as"));
  g_assert_false (gtk_widget_get_sensitive (sy_test_find_button (row, "Restore")));

  /* A malformed file: refused in words, left as it is. */
  g_assert_true (g_file_set_contents (h.settings, "{\"env\": ", -1, NULL));
  sy_test_click (sy_test_find_icon_button (GTK_WIDGET (sy_test_app_get_window (t)),
                                           "view-refresh-symbolic"));
  g_assert_nonnull (sy_test_find_label (row, "Its file cannot be used"));
  sy_test_click (sy_test_find_button (row, "Apply"));
  g_assert_nonnull (sy_test_find_label (row, "Nothing was changed"));
  g_clear_pointer (&contents, g_free);
  contents = read_settings (&h);
  g_assert_cmpstr (contents, ==, "{\"env\": ");

  home_clear (&h);
}

static void
test_apply_restore (void)
{
  sy_test_app_run (apply_restore_body, NULL, NULL);
}

/* requireApiKey on: the page offers to create a key, shows it once, and Apply writes it. */
static void
key_body (SyTestApp     *t,
          gconstpointer  data)
{
  Home h = { 0 };
  SySettingsRepo *settings = sy_gateway_get_settings (sy_test_app_get_gateway (t));
  GtkWidget *page, *key_label;
  g_autoptr(JsonNode) patch = json_from_string ("{\"requireApiKey\": true}", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  const char *key;

  home_init (&h);
  sy_settings_repo_update (settings, json_node_get_object (patch), &error);
  g_assert_no_error (error);
  page = sy_test_app_show_page (t, "cli-tools");
  sy_test_click (sy_test_find_icon_button (GTK_WIDGET (sy_test_app_get_window (t)),
                                           "view-refresh-symbolic"));
  g_assert_nonnull (sy_test_find_label (page, "Switchyard requires an API key"));
  /* Apply before there is a key: done, with a word about the key. */
  sy_test_click (sy_test_find_button (claude_row (page), "Apply"));
  g_assert_nonnull (sy_test_find_label (claude_row (page), "create one above"));
  sy_test_click (sy_test_find_button (page, "Create a key for the tools"));
  sy_test_wait_until ((key_label = sy_test_find_label (page, "sy-")) != NULL);
  key = gtk_label_get_text (GTK_LABEL (key_label));
  g_assert_true (g_str_has_prefix (key, "sy-"));
  g_assert_nonnull (sy_test_find_label (page, "shown this once"));
  g_assert_null (sy_test_find_button (page, "Create a key for the tools"));

  sy_test_click (sy_test_find_button (claude_row (page), "Apply"));
  contents = read_settings (&h);
  g_assert_nonnull (strstr (contents, key));

  home_clear (&h);
}

static void
test_key (void)
{
  sy_test_app_run (key_body, NULL, NULL);
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

  g_test_add_func ("/sy/ui/cli-tools/apply-restore", test_apply_restore);
  g_test_add_func ("/sy/ui/cli-tools/key", test_key);
  return g_test_run ();
}

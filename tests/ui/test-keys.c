/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The API Keys page, driven through its widgets: with no keys it says what keys are for and
 * whether they are required; the Create window checks the name and the limits itself, shows the
 * API's refusal under the field it names (keeping what was typed, making no key), then stores
 * the key with its scopes and limits (as GET /api/keys says), shows it once with a Copy button
 * that puts it on the clipboard, and that key opens /v1/models while keys are required (401
 * without it); the list shows the row; Edit changes what is stored; Revoke asks first, then the
 * key is gone and refused; the page says when the keys cannot be read and Retry reads them
 * again; the Settings page's link to the keys shows this page.
 */
#define G_LOG_DOMAIN "sy-test"

#include "sy-test-app.h"

#include <string.h>

#include "sy-inbound-key-dialog.h"
#include "sy-keys-page.h"
#include "sy-settings-page.h"

/* --- the gateway, as a client and as the API sees it ------------------------------------- */

/* GET /v1/models as a tool sends it, with header: value (none when header is NULL). */
static guint
models_status (SyTestApp  *t,
               const char *header,
               const char *value)
{
  g_autoptr(SoupMessage) msg = sy_test_app_new_message (t, "GET", "/v1/models");

  if (header != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), header, value);
  return sy_test_send (msg);
}

static guint
bearer_status (SyTestApp  *t,
               const char *key)
{
  g_autofree char *authorization = g_strconcat ("Bearer ", key, NULL);

  return models_status (t, "Authorization", authorization);
}

static void
require_keys (SyTestApp *t)
{
  json_node_unref (sy_test_app_call_api (t, "PATCH", "/api/settings",
                                         "{\"requireApiKey\": true}"));
}

/* GET /api/keys. */
static JsonArray *
stored_keys (SyTestApp *t)
{
  g_autoptr(JsonNode) list = sy_test_app_call_api (t, "GET", "/api/keys", NULL);

  return json_array_ref (json_node_get_array (list));
}

static guint
n_stored_keys (SyTestApp *t)
{
  g_autoptr(JsonArray) keys = stored_keys (t);

  return json_array_get_length (keys);
}

/* The one stored key; asserts that there is exactly one. */
static JsonObject *
only_key (SyTestApp *t)
{
  g_autoptr(JsonArray) keys = stored_keys (t);

  g_assert_cmpuint (json_array_get_length (keys), ==, 1);
  return json_object_ref (json_array_get_object_element (keys, 0));
}

/* A list member as "a, b". */
static char *
joined (JsonObject *key,
        const char *member)
{
  JsonArray *array = json_object_get_array_member (key, member);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (array); i++)
    g_string_append_printf (text, "%s%s", i ? ", " : "", json_array_get_string_element (array, i));
  return g_strdup (text->str);
}

/* --- the windows ------------------------------------------------------------------------- */

static GtkWidget *
open_key_dialog (GtkWidget  *root,
                 const char *button)
{
  sy_test_click (sy_test_find_button (root, button));
  sy_test_wait_until (sy_test_find_window (SY_TYPE_INBOUND_KEY_DIALOG) != NULL);
  return GTK_WIDGET (sy_test_find_window (SY_TYPE_INBOUND_KEY_DIALOG));
}

static void
set_field (GtkWidget  *dialog,
           const char *label,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (sy_test_find_field (dialog, label)), text);
}

static const char *
field_text (GtkWidget  *dialog,
            const char *label)
{
  return gtk_editable_get_text (GTK_EDITABLE (sy_test_find_field (dialog, label)));
}

static void
read_text_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **out = user_data;

  *out = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  if (*out == NULL)
    *out = g_strdup ("");
}

static char *
clipboard_text (GtkWidget *widget)
{
  char *text = NULL;

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, read_text_cb, &text);
  sy_test_wait_until (text != NULL);
  return text;
}

/* --- creating a key ---------------------------------------------------------------------- */

static void
create_body (SyTestApp     *t,
             gconstpointer  data)
{
  GtkWidget *page, *dialog, *minute, *key_label, *row;
  g_autoptr(JsonObject) stored = NULL;
  g_autofree char *models = NULL;
  g_autofree char *combos = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *key = NULL;

  require_keys (t);
  json_node_unref (sy_test_app_call_api (t, "POST", "/api/combos",
                                         "{\"name\": \"duo\", \"models\": [\"openai/gpt-4o\"]}"));
  page = sy_test_app_show_page (t, "keys");

  /* None yet: what keys are for, and that they are required now. */
  sy_test_wait_until (sy_test_find_label (page, "No API keys yet") != NULL);
  g_assert_nonnull (sy_test_find_label (page, "Keys are needed when Require an API key is on"));
  g_assert_nonnull (sy_test_find_label (page, "Keys are required now"));
  g_assert_nonnull (sy_test_find_label (page, "x-api-key"));

  dialog = open_key_dialog (page, "Create key…");
  minute = sy_test_find_field (dialog, "Requests per minute");

  /* What is checked here never leaves the window. */
  set_field (dialog, "Requests per minute", "many");
  set_field (dialog, "Requests per day", "-3");
  sy_test_click (sy_test_find_button (dialog, "Create"));
  g_assert_nonnull (sy_test_find_message_under (dialog, sy_test_find_field (dialog, "Name"),
                                                "Enter a name"));
  g_assert_nonnull (sy_test_find_message_under (dialog, minute, "“many” is not a whole number"));
  g_assert_nonnull (sy_test_find_message_under (dialog,
                                                sy_test_find_field (dialog, "Requests per day"),
                                                "A limit cannot be below zero"));
  sy_test_drain ();
  g_assert_cmpuint (n_stored_keys (t), ==, 0);

  /* The combos menu adds a combo once. */
  gtk_widget_activate_action (dialog, "key.add-combo", "s", "duo");
  gtk_widget_activate_action (dialog, "key.add-combo", "s", "duo");
  g_assert_cmpstr (field_text (dialog, "Allowed combos"), ==, "duo");

  /* What the API refuses shows under its field; what was typed stays; no key is made. */
  set_field (dialog, "Name", "laptop");
  set_field (dialog, "Allowed models", "openai/gpt-4o, groq/*,");
  set_field (dialog, "Requests per minute", "200000");
  set_field (dialog, "Requests per day", "2000");
  sy_test_click (sy_test_find_button (dialog, "Create"));
  g_assert_null (sy_test_find_label (dialog, "Enter a name"));
  sy_test_wait_until (sy_test_find_label (dialog, "is out of range") != NULL);
  g_assert_nonnull (sy_test_find_message_under (dialog, minute, "200000 is out of range"));
  g_assert_cmpstr (field_text (dialog, "Requests per minute"), ==, "200000");
  g_assert_cmpstr (field_text (dialog, "Allowed models"), ==, "openai/gpt-4o, groq/*,");
  g_assert_cmpuint (n_stored_keys (t), ==, 0);

  /* Created: the key, shown once, with its scopes and limits stored. */
  set_field (dialog, "Requests per minute", " 30 ");
  sy_test_click (sy_test_find_button (dialog, "Create"));
  sy_test_wait_until ((key_label = sy_test_find_label (dialog, "sy-")) != NULL);
  key = g_strdup (gtk_label_get_text (GTK_LABEL (key_label)));
  g_assert_true (g_str_has_prefix (key, "sy-"));
  g_assert_nonnull (sy_test_find_label (dialog, "Your new API key “laptop”"));
  g_assert_nonnull (sy_test_find_label (dialog, "this is the only time it is shown"));
  g_assert_null (sy_test_find_label (dialog, "is out of range"));
  stored = only_key (t);
  models = joined (stored, "allowedModels");
  combos = joined (stored, "allowedCombos");
  g_assert_cmpstr (json_object_get_string_member (stored, "name"), ==, "laptop");
  g_assert_cmpstr (models, ==, "openai/gpt-4o, groq/*");
  g_assert_cmpstr (combos, ==, "duo");
  g_assert_cmpint (json_object_get_int_member (stored, "maxRequestsPerMinute"), ==, 30);
  g_assert_cmpint (json_object_get_int_member (stored, "maxRequestsPerDay"), ==, 2000);
  g_assert_true (g_str_has_prefix (key, json_object_get_string_member (stored, "prefix")));
  g_assert_false (json_object_has_member (stored, "key"));

  /* Copy puts exactly the key on the clipboard. */
  sy_test_click (sy_test_find_button (dialog, "Copy key"));
  g_assert_nonnull (sy_test_find_label (dialog, "Copied to the clipboard."));
  copied = clipboard_text (dialog);
  g_assert_cmpstr (copied, ==, key);

  /* The key shown is the key: keys are required, it opens /v1, nothing else does. */
  g_assert_cmpuint (bearer_status (t, key), ==, 200);
  g_assert_cmpuint (models_status (t, "x-api-key", key), ==, 200);
  g_assert_cmpuint (models_status (t, NULL, NULL), ==, 401);
  g_assert_cmpuint (bearer_status (t, "sy-not-a-key"), ==, 401);

  /* Done closes the window; the list has the key, by name, prefix, scopes and limits. */
  sy_test_click (sy_test_find_button (dialog, "Done"));
  sy_test_wait_until (sy_test_find_window (SY_TYPE_INBOUND_KEY_DIALOG) == NULL);
  sy_test_wait_until (sy_test_find_row (page, "laptop") != NULL);
  row = sy_test_find_row (page, "laptop");
  {
    g_autofree char *prefix = g_strconcat (json_object_get_string_member (stored, "prefix"),
                                           "…", NULL);

    g_assert_nonnull (sy_test_find_label (row, prefix));
  }
  g_assert_nonnull (sy_test_find_label (row, "Models: openai/gpt-4o, groq/* · Combos: duo"));
  g_assert_nonnull (sy_test_find_label (row, "Requests: at most 30 per minute and 2000 per day"));
  g_assert_nonnull (sy_test_find_label (row, "created "));
  g_assert_null (sy_test_find_label (page, "No API keys yet"));
  g_assert_null (sy_test_find_label (page, key));
}

static void
test_create (void)
{
  sy_test_app_run (create_body, NULL, NULL);
}

/* --- editing and revoking ---------------------------------------------------------------- */

static void
edit_revoke_body (SyTestApp     *t,
                  gconstpointer  data)
{
  g_autoptr(JsonNode) created = sy_test_app_call_api (t, "POST", "/api/keys",
                                                      "{\"name\": \"ci\"}");
  g_autofree char *key = g_strdup (json_object_get_string_member (json_node_get_object (created),
                                                                  "key"));
  GtkWidget *page, *row, *dialog;
  g_autoptr(JsonObject) stored = NULL;
  g_autofree char *models = NULL;

  require_keys (t);
  page = sy_test_app_show_page (t, "keys");
  sy_keys_page_refresh (SY_KEYS_PAGE (page));   /* it may have been shown already */
  sy_test_wait_until (sy_test_find_row (page, "ci") != NULL);
  row = sy_test_find_row (page, "ci");
  g_assert_nonnull (sy_test_find_label (row, "May use every model and combo"));
  g_assert_nonnull (sy_test_find_label (row, "Requests: no limit"));
  g_assert_cmpuint (bearer_status (t, key), ==, 200);

  /* Edit: the key's values, changed and saved. */
  dialog = open_key_dialog (row, "Edit");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Edit API key");
  g_assert_cmpstr (field_text (dialog, "Name"), ==, "ci");
  g_assert_cmpstr (field_text (dialog, "Requests per minute"), ==, "");
  set_field (dialog, "Name", "ci-runner");
  set_field (dialog, "Allowed models", "groq/*");
  set_field (dialog, "Requests per day", "500");
  sy_test_click (sy_test_find_button (dialog, "Save"));
  sy_test_wait_until (sy_test_find_window (SY_TYPE_INBOUND_KEY_DIALOG) == NULL);
  stored = only_key (t);
  models = joined (stored, "allowedModels");
  g_assert_cmpstr (json_object_get_string_member (stored, "name"), ==, "ci-runner");
  g_assert_cmpstr (models, ==, "groq/*");
  g_assert_cmpint (json_object_get_int_member (stored, "maxRequestsPerMinute"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (stored, "maxRequestsPerDay"), ==, 500);
  sy_test_wait_until (sy_test_find_label (page, "Requests: at most 500 per day") != NULL);
  row = sy_test_find_row (page, "ci-runner");
  g_assert_nonnull (sy_test_find_label (row, "Models: groq/* · Combos: none"));

  /* A refusal while editing: under its field, nothing changed. */
  dialog = open_key_dialog (row, "Edit");
  g_assert_cmpstr (field_text (dialog, "Allowed models"), ==, "groq/*");
  g_assert_cmpstr (field_text (dialog, "Requests per day"), ==, "500");
  set_field (dialog, "Requests per day", "100000001");
  sy_test_click (sy_test_find_button (dialog, "Save"));
  sy_test_wait_until (sy_test_find_label (dialog, "is out of range") != NULL);
  g_assert_nonnull (sy_test_find_message_under (dialog,
                                                sy_test_find_field (dialog, "Requests per day"),
                                                "100000001 is out of range"));
  sy_test_click (sy_test_find_button (dialog, "Cancel"));
  sy_test_wait_until (sy_test_find_window (SY_TYPE_INBOUND_KEY_DIALOG) == NULL);
  g_clear_pointer (&stored, json_object_unref);
  stored = only_key (t);
  g_assert_cmpint (json_object_get_int_member (stored, "maxRequestsPerDay"), ==, 500);

  /* Revoke asks first: Cancel keeps the key, Revoke removes it, and it is refused then. */
  sy_test_confirm (sy_test_find_row (page, "ci-runner"), "Revoke",
                   "Revoke the API key “ci-runner”?", GTK_RESPONSE_CANCEL);
  sy_test_drain ();
  g_assert_cmpuint (n_stored_keys (t), ==, 1);
  g_assert_cmpuint (bearer_status (t, key), ==, 200);
  sy_test_confirm (sy_test_find_row (page, "ci-runner"), "Revoke",
                   "Revoke the API key “ci-runner”?", GTK_RESPONSE_ACCEPT);
  sy_test_wait_until (sy_test_find_label (page, "No API keys yet") != NULL);
  g_assert_null (sy_test_find_row (page, "ci-runner"));
  g_assert_cmpuint (n_stored_keys (t), ==, 0);
  g_assert_cmpuint (bearer_status (t, key), ==, 401);
}

static void
test_edit_revoke (void)
{
  sy_test_app_run (edit_revoke_body, NULL, NULL);
}

/* --- not readable, and Retry ------------------------------------------------------------- */

static void
error_body (SyTestApp     *t,
            gconstpointer  data)
{
  GtkWidget *page = sy_test_app_show_page (t, "keys");

  json_node_unref (sy_test_app_call_api (t, "POST", "/api/keys", "{\"name\": \"laptop\"}"));
  sy_keys_page_refresh (SY_KEYS_PAGE (page));
  sy_test_wait_until (sy_test_find_row (page, "laptop") != NULL);
  g_assert_nonnull (sy_test_find_label (page, "Keys are not required now"));

  /* Paused: nothing to read from, said in words, with Retry. */
  sy_test_app_activate (t, "pause", NULL);
  sy_test_wait_until (sy_test_find_label (page, "its keys cannot be read") != NULL);
  g_assert_null (sy_test_find_row (page, "laptop"));
  sy_test_click (sy_test_find_button (page, "Retry"));
  g_assert_nonnull (sy_test_find_label (page, "Reading the keys…"));
  sy_test_wait_until (sy_test_find_label (page, "its keys cannot be read") != NULL);

  /* Serving again: the page reads them by itself. */
  sy_test_app_activate (t, "resume", NULL);
  sy_test_wait_until (sy_test_find_row (page, "laptop") != NULL);
  g_assert_null (sy_test_find_label (page, "its keys cannot be read"));
  g_assert_null (sy_test_find_button (page, "Retry"));
}

static void
test_error (void)
{
  sy_test_app_run (error_body, NULL, NULL);
}

/* --- the link from Settings -------------------------------------------------------------- */

static void
settings_link_body (SyTestApp     *t,
                    gconstpointer  data)
{
  GtkWidget *page = sy_test_app_show_page (t, "settings");
  GtkWidget *hint;
  gboolean handled = FALSE;

  sy_settings_page_set_tab (SY_SETTINGS_PAGE (page), "security");
  sy_test_wait_until ((hint = sy_test_find_label (page, "make keys before you turn this on"))
                      != NULL);
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (hint)), "href=\"sy-page:keys\""));
  g_signal_emit_by_name (hint, "activate-link", "sy-page:keys", &handled);
  g_assert_true (handled);
  g_assert_cmpstr (sy_main_window_get_page (sy_test_app_get_window (t)), ==, "keys");
  sy_test_wait_until (sy_test_find_label (GTK_WIDGET (sy_test_app_get_window (t)),
                                          "No API keys yet") != NULL);
}

static void
test_settings_link (void)
{
  sy_test_app_run (settings_link_body, NULL, NULL);
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

  g_test_add_func ("/sy/ui/keys/create", test_create);
  g_test_add_func ("/sy/ui/keys/edit-revoke", test_edit_revoke);
  g_test_add_func ("/sy/ui/keys/error", test_error);
  g_test_add_func ("/sy/ui/keys/settings-link", test_settings_link);
  return g_test_run ();
}

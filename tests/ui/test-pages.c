/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The pages with data put into the in-process gateway, driven through their widgets: Combos
 * (a combo saved by the repository appears; create, refusal in plain words, edit with reorder by
 * the buttons and by drag and drop, delete after confirmation), Providers (an account appears
 * with its state; Add API key stores the key through the API; the on/off switch; Test with its
 * spinner, result and Cancel, and leaving the page cancels it), Health
 * (breakers, cooldowns, lockouts appear; Unlock; Reset all).
 */
#define G_LOG_DOMAIN "sy-test"

#include "sy-test-app.h"

#include "sy-mock-upstream.h"
#include "sy-test-gateway.h"

#include "sy-combo-editor.h"
#include "sy-add-key-dialog.h"
#include "sy-custom-models-dialog.h"

static void
refresh_window (SyTestApp *t)
{
  sy_test_click (sy_test_find_icon_button (GTK_WIDGET (sy_test_app_get_window (t)),
                                           "view-refresh-symbolic"));
}

/* --- Combos ------------------------------------------------------------------------------ */

static void
combos_from_repo_body (SyTestApp     *t,
                       gconstpointer  data)
{
  GtkWidget *page = sy_test_app_show_page (t, "combos");
  g_autoptr(SyCombo) combo = sy_combo_new ();
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (sy_test_find_label (page, "No combos yet"));

  combo->id = sy_record_new_id ();
  combo->name = g_strdup ("premium-coding");
  g_free (combo->strategy);
  combo->strategy = g_strdup ("weighted");
  sy_combo_add_member (combo, "openai/gpt-4o", 3);
  sy_combo_add_member (combo, "ds/deepseek-chat", 1);
  combo->created_at = combo->updated_at = sy_record_now_ms ();
  sy_combo_repo_save (sy_gateway_get_combos (sy_test_app_get_gateway (t)), combo, &error);
  g_assert_no_error (error);

  /* Saved behind the page's back: the shown page notices by itself. */
  sy_test_wait_until (sy_test_find_label (page, "premium-coding") != NULL);
  g_assert_nonnull (sy_test_find_label (page, "1. openai/gpt-4o (weight 3)"));
  g_assert_nonnull (sy_test_find_label (page, "2. ds/deepseek-chat (weight 1)"));
  g_assert_nonnull (sy_test_find_label (page, "Weighted"));
  g_assert_null (sy_test_find_label (page, "No combos yet"));
}

static void
test_combos_from_repo (void)
{
  sy_test_app_run (combos_from_repo_body, NULL, NULL);
}

static GtkWidget *
wait_for_editor (void)
{
  sy_test_wait_until (sy_test_find_window (SY_TYPE_COMBO_EDITOR) != NULL);
  return GTK_WIDGET (sy_test_find_window (SY_TYPE_COMBO_EDITOR));
}

static void
set_entry (GtkWidget *entry,
           const char *text)
{
  g_assert_true (GTK_IS_EDITABLE (entry));
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

/* The editor's entries in order: name, members..., the new-member entry last. */
static GtkWidget *
name_entry (GtkWidget *editor)
{
  return sy_test_find_type (editor, GTK_TYPE_ENTRY);
}

static GtkWidget *
new_member_entry (GtkWidget *editor)
{
  GtkWidget *add = sy_test_find_button (editor, "Add member");

  return sy_test_find_type (gtk_widget_get_parent (add), GTK_TYPE_ENTRY);
}

static char *
member_models (SyTestApp  *t,
               const char *name)
{
  g_autoptr(SyCombo) combo = sy_combo_repo_lookup_by_name (
    sy_gateway_get_combos (sy_test_app_get_gateway (t)), name);
  GString *s = g_string_new (NULL);

  g_assert_nonnull (combo);
  for (guint i = 0; i < combo->members->len; i++)
    g_string_append_printf (s, "%s%s", i ? "," : "",
                            ((SyComboMember *) g_ptr_array_index (combo->members, i))->model);
  return g_string_free (s, FALSE);
}

static gpointer
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;  /* the widget keeps it */
    }
  g_assert_not_reached ();
}

/* Drags member row from by its handle onto row onto. Xvfb gives a test no pointer to press
 * and move, so this goes through the two controllers the way a real drag does: the handle's
 * GtkDragSource is asked for the content ("prepare", the start of a drag) and the other row's
 * GtkDropTarget is handed that value ("drop", the end of it). */
static void
drag_member (GtkWidget *list,
             int        from,
             int        onto)
{
  GtkWidget *row = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), from));
  GtkWidget *target_row = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), onto));
  GtkWidget *handle = sy_test_find_type (row, GTK_TYPE_IMAGE);
  g_autoptr(GdkContentProvider) content = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  gboolean accepted = FALSE;

  g_assert_nonnull (target_row);
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (handle)), ==,
                   "list-drag-handle-symbolic");
  g_signal_emit_by_name (find_controller (handle, GTK_TYPE_DRAG_SOURCE), "prepare", 2.0, 2.0,
                         &content);
  g_assert_nonnull (content);
  g_value_init (&value, GTK_TYPE_LIST_BOX_ROW);
  gdk_content_provider_get_value (content, &value, &error);
  g_assert_no_error (error);
  g_assert_true (g_value_get_object (&value) == (gpointer) row);
  g_signal_emit_by_name (find_controller (target_row, GTK_TYPE_DROP_TARGET), "drop", &value,
                         2.0, 2.0, &accepted);
  g_assert_true (accepted);
}

static gboolean
combo_exists (SyTestApp  *t,
              const char *name)
{
  g_autoptr(SyCombo) combo = sy_combo_repo_lookup_by_name (
    sy_gateway_get_combos (sy_test_app_get_gateway (t)), name);

  return combo != NULL;
}

static void
combos_edit_body (SyTestApp     *t,
                  gconstpointer  data)
{
  GtkWidget *page = sy_test_app_show_page (t, "combos");
  GtkWidget *editor, *error_label, *row, *dialog;
  g_autofree char *models = NULL;

  /* Create, first with a name the API refuses: the refusal is shown in the window. */
  sy_test_click (sy_test_find_button (page, "New combo"));
  editor = wait_for_editor ();
  set_entry (name_entry (editor), "openai");
  set_entry (new_member_entry (editor), "openai/gpt-4o");
  sy_test_click (sy_test_find_button (editor, "Add member"));
  sy_test_click (sy_test_find_button (editor, "Create"));
  sy_test_wait_until ((error_label = sy_test_find_label (editor, "built-in provider")) != NULL);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (error_label)), "Name: "));
  g_assert_false (combo_exists (t, "openai"));

  set_entry (name_entry (editor), "my-combo");
  sy_test_click (sy_test_find_button (editor, "Create"));
  sy_test_wait_until (sy_test_find_window (SY_TYPE_COMBO_EDITOR) == NULL);
  g_assert_true (combo_exists (t, "my-combo"));
  sy_test_wait_until (sy_test_find_label (page, "my-combo") != NULL);

  /* Edit: add a member, move it first, save. */
  row = sy_test_find_row (page, "my-combo");
  sy_test_click (sy_test_find_button (row, "Edit"));
  editor = wait_for_editor ();
  set_entry (new_member_entry (editor), "ds/deepseek-chat");
  sy_test_click (sy_test_find_button (editor, "Add member"));
  {
    GtkWidget *list = sy_test_find_type (editor, GTK_TYPE_LIST_BOX);
    GtkListBoxRow *second = gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 1);

    g_assert_nonnull (second);
    sy_test_click (sy_test_find_icon_button (GTK_WIDGET (second), "go-up-symbolic"));

    /* And by dragging: the third member onto the first row takes its place; the first onto
     * the last moves down. */
    set_entry (new_member_entry (editor), "openai/gpt-4o-mini");
    sy_test_click (sy_test_find_button (editor, "Add member"));
    drag_member (list, 2, 0);   /* mini, ds, gpt-4o */
    drag_member (list, 0, 2);   /* ds, gpt-4o, mini */
    drag_member (list, 2, 0);   /* mini, ds, gpt-4o */
  }
  sy_test_click (sy_test_find_button (editor, "Save"));
  sy_test_wait_until (sy_test_find_window (SY_TYPE_COMBO_EDITOR) == NULL);
  models = member_models (t, "my-combo");
  g_assert_cmpstr (models, ==, "openai/gpt-4o-mini,ds/deepseek-chat,openai/gpt-4o");
  sy_test_wait_until (sy_test_find_label (page, "1. openai/gpt-4o-mini") != NULL);

  /* Delete asks first; Cancel keeps it, Delete removes it. */
  row = sy_test_find_row (page, "my-combo");
  sy_test_click (sy_test_find_button (row, "Delete"));
  sy_test_wait_until (sy_test_find_window (GTK_TYPE_MESSAGE_DIALOG) != NULL);
  dialog = GTK_WIDGET (sy_test_find_window (GTK_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (sy_test_find_label (dialog, "Delete the combo “my-combo”?"));
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  sy_test_wait_until (sy_test_find_window (GTK_TYPE_MESSAGE_DIALOG) == NULL);
  sy_test_drain ();
  g_assert_true (combo_exists (t, "my-combo"));

  row = sy_test_find_row (page, "my-combo");
  sy_test_click (sy_test_find_button (row, "Delete"));
  sy_test_wait_until (sy_test_find_window (GTK_TYPE_MESSAGE_DIALOG) != NULL);
  dialog = GTK_WIDGET (sy_test_find_window (GTK_TYPE_MESSAGE_DIALOG));
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  sy_test_wait_until (!combo_exists (t, "my-combo"));
  sy_test_wait_until (sy_test_find_label (page, "my-combo") == NULL);
}

static void
test_combos_edit (void)
{
  sy_test_app_run (combos_edit_body, NULL, NULL);
}

/* Editing while paused cannot save: the window says what to do instead of failing silently. */
static void
combos_paused_body (SyTestApp     *t,
                    gconstpointer  data)
{
  GtkWidget *page = sy_test_app_show_page (t, "combos");
  GtkWidget *editor;

  sy_test_app_activate (t, "pause", NULL);
  sy_test_click (sy_test_find_button (page, "New combo"));
  editor = wait_for_editor ();
  set_entry (name_entry (editor), "later");
  set_entry (new_member_entry (editor), "openai/gpt-4o");
  sy_test_click (sy_test_find_button (editor, "Create"));
  sy_test_wait_until (sy_test_find_label (editor, "Resume it") != NULL);
  gtk_window_destroy (GTK_WINDOW (editor));
  g_assert_false (combo_exists (t, "later"));
}

static void
test_combos_paused (void)
{
  sy_test_app_run (combos_paused_body, NULL, NULL);
}

/* --- Providers --------------------------------------------------------------------------- */

static void
secret_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  char **secret = user_data;
  g_autoptr(GError) error = NULL;

  *secret = sy_credentials_get_finish (SY_CREDENTIALS (source), result, &error);
  g_assert_no_error (error);
  if (*secret == NULL)
    *secret = g_strdup ("");
}

static SyConnection *
find_account (SyTestApp  *t,
              const char *name)
{
  g_autoptr(GPtrArray) all = sy_connection_repo_list (
    sy_gateway_get_connections (sy_test_app_get_gateway (t)), NULL);

  for (guint i = 0; i < all->len; i++)
    {
      SyConnection *c = g_ptr_array_index (all, i);

      if (g_strcmp0 (c->name, name) == 0)
        return sy_connection_ref (c);
    }
  return NULL;
}

static gboolean
account_enabled (SyTestApp  *t,
                 const char *name)
{
  g_autoptr(SyConnection) c = find_account (t, name);

  return c != NULL && c->enabled;
}

static void
providers_body (SyTestApp     *t,
                gconstpointer  data)
{
  GtkWidget *page = sy_test_app_show_page (t, "providers");
  g_autoptr(SyConnection) work = NULL;
  g_autoptr(SyConnection) team = NULL;
  GtkWidget *row, *dialog, *sw;
  g_autofree char *secret = NULL;

  g_assert_nonnull (sy_test_find_label (page, "No accounts yet"));

  /* An account saved by the repository appears with its provider and priority. */
  work = sy_test_app_add_account (t, "openai", "work", 1);
  sy_test_wait_until ((row = sy_test_find_row (page, "work")) != NULL);
  g_assert_nonnull (sy_test_find_label (row, "OpenAI (openai) · priority 1"));
  g_assert_nonnull (sy_test_find_label (row, "No key stored"));

  /* The router's view of it: cooling down, with the time left. */
  g_assert_true (sy_test_app_fail (t, work, "gpt-4o", SY_FAILURE_RATE_LIMITED, 600000));
  refresh_window (t);
  row = sy_test_find_row (page, "work");
  g_assert_nonnull (sy_test_find_label (row, "Cooling down, 10 min left"));

  /* Add API key: a refusal in plain words first, then the key reaches the secret store. */
  sy_test_click (sy_test_find_button (page, "Add API key"));
  sy_test_wait_until (sy_test_find_window (SY_TYPE_ADD_KEY_DIALOG) != NULL);
  dialog = GTK_WIDGET (sy_test_find_window (SY_TYPE_ADD_KEY_DIALOG));
  g_assert_true (sy_add_key_dialog_select_provider (SY_ADD_KEY_DIALOG (dialog), "groq"));
  set_entry (sy_test_find_type (dialog, GTK_TYPE_ENTRY), "team");
  sy_test_click (sy_test_find_button (dialog, "Add"));
  sy_test_wait_until (sy_test_find_label (dialog, "API key: ") != NULL);

  set_entry (sy_test_find_type (dialog, GTK_TYPE_PASSWORD_ENTRY), "gsk-test-0123456789");
  sy_test_click (sy_test_find_button (dialog, "Add"));
  sy_test_wait_until (sy_test_find_window (SY_TYPE_ADD_KEY_DIALOG) == NULL);
  team = find_account (t, "team");
  g_assert_nonnull (team);
  g_assert_cmpstr (team->provider, ==, "groq");
  g_assert_true (team->has_secret);
  sy_credentials_get_async (sy_gateway_get_credentials (sy_test_app_get_gateway (t)), team->id,
                            NULL, secret_cb, &secret);
  sy_test_wait_until (secret != NULL);
  g_assert_cmpstr (secret, ==, "gsk-test-0123456789");
  sy_test_wait_until ((row = sy_test_find_row (page, "team")) != NULL);
  g_assert_nonnull (sy_test_find_label (row, "Ready"));

  /* The switch goes through the API and the row follows the stored value. */
  sw = sy_test_find_type (row, GTK_TYPE_SWITCH);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (sw)));
  gtk_switch_set_active (GTK_SWITCH (sw), FALSE);
  sy_test_wait_until (!account_enabled (t, "team"));
  sy_test_wait_until ((row = sy_test_find_row (page, "team")) != NULL &&
                      sy_test_find_label (row, "Switched off") != NULL);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (sy_test_find_type (row, GTK_TYPE_SWITCH))));
}

static void
test_providers (void)
{
  sy_test_app_run (providers_body, NULL, NULL);
}

/* The mock lists its models only after a while, so a test is still running when we look. */
static void
push_slow_models (SyMockUpstream *mock)
{
  SyMockBehaviour b = { 0 };

  b.kind = SY_MOCK_JSON;
  b.body = "{\"object\":\"list\",\"data\":[]}";
  b.delay_ms = 1500;
  sy_mock_upstream_push (mock, &b);
}

static GtkWidget *
mock_row (GtkWidget *page)
{
  return sy_test_find_row (page, "mock");
}

static void
providers_test_body (SyTestApp     *t,
                     gconstpointer  data)
{
  g_autoptr(SyMockUpstream) mock = sy_mock_upstream_new ();
  GtkWidget *page = sy_test_app_show_page (t, "providers");
  SyMockBehaviour refused = { 0 };

  sy_test_app_add_mock_account (t, mock);
  sy_test_wait_until (mock_row (page) != NULL);

  /* Works: the mock lists two models. */
  sy_test_click (sy_test_find_button (mock_row (page), "Test"));
  sy_test_wait_until (sy_test_find_label (mock_row (page), "Works: 2 models, ") != NULL);
  g_assert_cmpstr (soup_message_headers_get_one (sy_mock_upstream_get_request (mock, 0)->headers,
                                                 "Authorization"), ==, "Bearer sk-mock");

  /* Refused: the status and the gateway's sentence. */
  refused.kind = SY_MOCK_STATUS;
  refused.status = 401;
  sy_mock_upstream_push (mock, &refused);
  sy_test_click (sy_test_find_button (mock_row (page), "Test"));
  sy_test_wait_until (sy_test_find_label (mock_row (page), "Refused: 401, ") != NULL);
  g_assert_null (sy_test_find_label (mock_row (page), "Works"));

  /* A slow answer: a spinner and Cancel, which ends it and clears the result. */
  push_slow_models (mock);
  sy_test_click (sy_test_find_button (mock_row (page), "Test"));
  sy_test_wait_until (sy_test_find_button (mock_row (page), "Cancel") != NULL);
  g_assert_nonnull (sy_test_find_type (mock_row (page), GTK_TYPE_SPINNER));
  g_assert_null (sy_test_find_label (mock_row (page), "Refused"));
  sy_test_wait_until (sy_mock_upstream_get_requests (mock)->len == 3);  /* in flight upstream */
  sy_test_click (sy_test_find_button (mock_row (page), "Cancel"));
  sy_test_wait_until (sy_test_find_button (mock_row (page), "Test") != NULL);
  g_assert_null (sy_test_find_type (mock_row (page), GTK_TYPE_SPINNER));

  /* Leaving the page cancels a running test. */
  push_slow_models (mock);
  sy_test_click (sy_test_find_button (mock_row (page), "Test"));
  sy_test_wait_until (sy_test_find_button (mock_row (page), "Cancel") != NULL);
  sy_test_wait_until (sy_mock_upstream_get_requests (mock)->len == 4);
  sy_test_app_show_page (t, "combos");
  page = sy_test_app_show_page (t, "providers");
  sy_test_wait_until (mock_row (page) != NULL &&
                      sy_test_find_button (mock_row (page), "Test") != NULL);
  g_assert_null (sy_test_find_type (mock_row (page), GTK_TYPE_SPINNER));

  /* The gateway finishes the abandoned probes (the mock answers late) before the app goes. */
  sy_test_wait_ms (2000);
  g_assert_null (sy_test_find_label (mock_row (page), "Works: 0 models"));
}

static void
test_providers_test (void)
{
  sy_test_app_run (providers_test_body, NULL, NULL);
}

static gboolean
has_custom_model (SyTestApp  *t,
                  const char *provider,
                  const char *model)
{
  g_autoptr(GPtrArray) all = sy_custom_model_repo_list (
    sy_gateway_get_custom_models (sy_test_app_get_gateway (t)), provider);

  for (guint i = 0; i < all->len; i++)
    if (g_str_equal (((SyCustomModel *) g_ptr_array_index (all, i))->model, model))
      return TRUE;
  return FALSE;
}

/* Custom models: add one to OpenAI's list, a duplicate refused in the API's words, remove it. */
static void
custom_models_body (SyTestApp     *t,
                    gconstpointer  data)
{
  GtkWidget *page = sy_test_app_show_page (t, "providers");
  GtkWidget *dialog, *row;

  sy_test_click (sy_test_find_button (page, "Custom models…"));
  sy_test_wait_until (sy_test_find_window (SY_TYPE_CUSTOM_MODELS_DIALOG) != NULL);
  dialog = GTK_WIDGET (sy_test_find_window (SY_TYPE_CUSTOM_MODELS_DIALOG));
  /* The catalog comes first and Claude Code leads it; pick OpenAI by its label. */
  sy_test_wait_until (sy_test_find_label (dialog, "No custom models for this provider yet.") != NULL);
  {
    GtkDropDown *providers = GTK_DROP_DOWN (sy_test_find_type (dialog, GTK_TYPE_DROP_DOWN));
    GListModel *labels = gtk_drop_down_get_model (providers);

    for (guint i = 0; i < g_list_model_get_n_items (labels); i++)
      if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (labels), i),
                       "OpenAI (openai)"))
        gtk_drop_down_set_selected (providers, i);
  }
  set_entry (sy_test_find_type (dialog, GTK_TYPE_ENTRY), "gpt-4.5-preview");
  sy_test_click (sy_test_find_button (dialog, "Add"));
  sy_test_wait_until (has_custom_model (t, "openai", "gpt-4.5-preview"));
  sy_test_wait_until ((row = sy_test_find_row (dialog, "openai/gpt-4.5-preview · chat")) != NULL);

  /* Again: the API says it exists, the window says so. */
  set_entry (sy_test_find_type (dialog, GTK_TYPE_ENTRY), "gpt-4.5-preview");
  sy_test_click (sy_test_find_button (dialog, "Add"));
  sy_test_wait_until (sy_test_find_label (dialog, "already") != NULL);

  sy_test_click (sy_test_find_button (row, "Remove"));
  sy_test_wait_until (!has_custom_model (t, "openai", "gpt-4.5-preview"));
  sy_test_wait_until (sy_test_find_label (dialog, "No custom models for this provider yet.") != NULL);
}

static void
test_custom_models (void)
{
  sy_test_app_run (custom_models_body, NULL, NULL);
}

/* --- Health ------------------------------------------------------------------------------ */

static void
health_body (SyTestApp     *t,
             gconstpointer  data)
{
  GtkWidget *page = sy_test_app_show_page (t, "health");
  g_autoptr(SyConnection) work = sy_test_app_add_account (t, "openai", "work", 1);
  g_autoptr(SyConnection) backup = sy_test_app_add_account (t, "openai", "backup", 2);
  g_autoptr(SyConnection) fast = sy_test_app_add_account (t, "groq", "fast", 1);
  g_autoptr(SyConnection) spare = sy_test_app_add_account (t, "openai", "spare", 3);
  GtkWidget *row;

  g_assert_nonnull (sy_test_find_label (page, "No account is cooling down."));
  g_assert_nonnull (sy_test_find_label (page, "Serving"));
  /* The response cache: empty, then switched off in the settings. */
  {
    GtkWidget *cache = sy_test_find_label (page, "of lookups answered from it");
    g_autofree char *expected = NULL;
    g_autofree char *max = g_format_size (4 * 1024 * 1024);
    g_autofree char *none = g_format_size (0);

    g_assert_nonnull (cache);
    expected = g_strdup_printf ("0%% of lookups answered from it (0 of 0) · 0 answers kept, "
                                "%s of %s", none, max);
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (cache)), ==, expected);
  }
  {
    g_autoptr(JsonObject) off = json_object_new ();

    json_object_set_boolean_member (off, "cacheEnabled", FALSE);
    g_assert_true (sy_settings_repo_update (sy_gateway_get_settings (sy_test_app_get_gateway (t)),
                                            off, NULL));
  }
  refresh_window (t);
  g_assert_nonnull (sy_test_find_label (page, "Off (Settings → AI)"));

  g_assert_true (sy_test_app_fail (t, work, "gpt-4o", SY_FAILURE_RATE_LIMITED, 600000));
  g_assert_true (sy_test_app_fail (t, backup, "gpt-x", SY_FAILURE_MODEL_UNAVAILABLE, -1));
  sy_test_app_open_breaker (t, fast);
  sy_test_app_succeed (t, spare, "gpt-4o-mini", 120);
  refresh_window (t);

  /* A cooldown with its time left, a lockout, an open breaker; the app says degraded. */
  row = sy_test_find_row (page, "work · OpenAI (openai)");
  g_assert_nonnull (row);
  g_assert_nonnull (sy_test_find_label (row, "10 min left"));
  row = sy_test_find_row (page, "gpt-x · backup");
  g_assert_nonnull (row);
  row = sy_test_find_row (page, "Groq (groq)");
  g_assert_nonnull (row);
  g_assert_nonnull (sy_test_find_label (row, "Open"));
  g_assert_nonnull (sy_test_find_label (row, "No successful answers"));
  row = sy_test_find_row (page, "OpenAI (openai)");
  g_assert_nonnull (sy_test_find_label (row, "p50 120 ms   p95 120 ms   p99 120 ms"));
  g_assert_nonnull (sy_test_find_label (row, "1 request, 0% failed"));
  {
    g_autofree char *state = sy_test_app_dup_state (t, "gateway-state");

    g_assert_cmpstr (state, ==, "degraded");
  }

  /* Unlock lifts that lockout only. */
  sy_test_click (sy_test_find_button (sy_test_find_row (page, "gpt-x · backup"), "Unlock"));
  g_assert_null (sy_test_find_row (page, "gpt-x · backup"));
  g_assert_nonnull (sy_test_find_label (page, "No model is locked out."));
  g_assert_nonnull (sy_test_find_row (page, "work · OpenAI (openai)"));

  /* Reset all clears the rest. */
  sy_test_click (sy_test_find_button (page, "Reset all"));
  g_assert_null (sy_test_find_row (page, "work · OpenAI (openai)"));
  g_assert_nonnull (sy_test_find_label (page, "No account is cooling down."));
  row = sy_test_find_row (page, "Groq (groq)");
  g_assert_nonnull (row);
  g_assert_nonnull (sy_test_find_label (row, "Closed"));
  {
    g_autofree char *state = sy_test_app_dup_state (t, "gateway-state");

    g_assert_cmpstr (state, ==, "serving");
  }
}

static void
test_health (void)
{
  sy_test_app_run (health_body, NULL, NULL);
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

  g_test_add_func ("/sy/ui/pages/combos/from-repo", test_combos_from_repo);
  g_test_add_func ("/sy/ui/pages/combos/edit", test_combos_edit);
  g_test_add_func ("/sy/ui/pages/combos/paused", test_combos_paused);
  g_test_add_func ("/sy/ui/pages/providers", test_providers);
  g_test_add_func ("/sy/ui/pages/providers/custom-models", test_custom_models);
  g_test_add_func ("/sy/ui/pages/providers/test", test_providers_test);
  g_test_add_func ("/sy/ui/pages/health", test_health);
  return g_test_run ();
}

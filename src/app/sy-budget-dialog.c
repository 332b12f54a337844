/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The "Add a budget" and "Edit budget" window. It checks what people can get wrong before
 * sending (no key, an amount that is not a number above zero, a period the key already has a
 * budget for) and leaves the rest to /api/usage/budget, whose refusals name their field first:
 * each one shows under that field and nothing typed is lost. A budget is its key and period,
 * so editing changes only the amount and the warning threshold (PATCH).
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-budget-dialog.h"

#include <glib/gi18n.h>
#include <math.h>

#include "sy-format.h"
#include "sy-widgets.h"

struct _SyBudgetDialog
{
  GtkWindow      parent_instance;

  SyAdminClient *client;
  GCancellable  *cancellable;
  GPtrArray     *key_ids;      /* what the API takes, by drop-down position */
  JsonArray     *budgets;      /* those that exist, or NULL */
  char          *edit_key_id;  /* the budget being edited; NULL when adding */
  char          *edit_period;

  GtkLabel      *error_label;
  GtkDropDown   *key_dropdown;
  GtkLabel      *key_message;
  GtkEntry      *amount_entry;
  GtkLabel      *amount_message;
  GtkDropDown   *period_dropdown;
  GtkLabel      *period_message;
  GtkSpinButton *warning_spin;
  GtkLabel      *warning_message;
  GtkButton     *save_button;
};

G_DEFINE_FINAL_TYPE (SyBudgetDialog, sy_budget_dialog, GTK_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The period drop-down's items (ui/sy-budget-dialog.ui), in order. */
static const char * const periods[] = { "daily", "weekly", "monthly" };

/* The fields as the API names them, and their message lines. */
static const SyFormField fields[] = {
  { "keyId", G_STRUCT_OFFSET (SyBudgetDialog, key_message) },
  { "limit", G_STRUCT_OFFSET (SyBudgetDialog, amount_message) },
  { "period", G_STRUCT_OFFSET (SyBudgetDialog, period_message) },
  { "warningAt", G_STRUCT_OFFSET (SyBudgetDialog, warning_message) },
};

/* "limit: 2e+09 is out of range: ..." goes under the amount as "2e+09 is out of range: ...";
 * anything else above the form, in the client's words. */
static void
show_error (SyBudgetDialog *self,
            const GError   *error)
{
  sy_form_show_error (self, self->error_label, fields, G_N_ELEMENTS (fields), error);
}

static const char *
selected_key (SyBudgetDialog *self)
{
  guint index = gtk_drop_down_get_selected (self->key_dropdown);

  if (self->edit_key_id != NULL)
    return self->edit_key_id;
  return index < self->key_ids->len ? g_ptr_array_index (self->key_ids, index) : NULL;
}

static const char *
selected_period (SyBudgetDialog *self)
{
  guint index = gtk_drop_down_get_selected (self->period_dropdown);

  return periods[MIN (index, G_N_ELEMENTS (periods) - 1)];
}

/* Whether the key already has a budget for the period (adding one would replace it). */
static gboolean
is_taken (SyBudgetDialog *self,
          const char     *key_id,
          const char     *period)
{
  for (guint i = 0; self->budgets != NULL && i < json_array_get_length (self->budgets); i++)
    {
      JsonObject *budget = json_array_get_object_element (self->budgets, i);

      if (budget != NULL &&
          g_strcmp0 (json_object_get_string_member_with_default (budget, "keyId", NULL),
                     key_id) == 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (budget, "period", NULL),
                     period) == 0)
        return TRUE;
    }
  return FALSE;
}

/* What can be checked here, each problem under its field; the amount in *limit. */
static gboolean
check_form (SyBudgetDialog *self,
            double         *limit)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->amount_entry));
  const char *key_id = selected_key (self);
  gboolean ok = TRUE;

  if (key_id == NULL)
    {
      sy_label_set_message (self->key_message, _("Choose the API key the budget is for."));
      ok = FALSE;
    }
  else if (self->edit_key_id == NULL && is_taken (self, key_id, selected_period (self)))
    {
      sy_label_set_message (self->period_message,
                            _("This key already has a budget for this period: change that one "
                              "with its Edit button, or choose another period."));
      ok = FALSE;
    }
  if (!sy_format_parse_number (text, limit))
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (text));
      g_autofree char *message = NULL;

      if (trimmed[0] == '\0')
        message = g_strdup (_("Enter the most the key may spend in the period, in US dollars, "
                              "such as 50."));
      else
        message = g_strdup_printf (_("“%s” is not a number: enter US dollars, such as 50 or "
                                     "12.5."), text);
      sy_label_set_message (self->amount_message, message);
      ok = FALSE;
    }
  else if (!(*limit > 0))
    {
      sy_label_set_message (self->amount_message, _("The amount must be more than zero."));
      ok = FALSE;
    }
  return ok;
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SyBudgetDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), TRUE);
  if (node == NULL)
    {
      show_error (self, error);
      return;
    }
  g_signal_emit (self, signals[SAVED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_clicked_cb (SyBudgetDialog *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  double limit = 0;

  sy_form_clear_messages (self, self->error_label, fields, G_N_ELEMENTS (fields));
  if (!check_form (self, &limit))
    return;

  json_builder_begin_object (b);
  if (self->edit_key_id == NULL)
    {
      json_builder_set_member_name (b, "keyId");
      json_builder_add_string_value (b, selected_key (self));
      json_builder_set_member_name (b, "period");
      json_builder_add_string_value (b, selected_period (self));
    }
  json_builder_set_member_name (b, "limit");
  json_builder_add_double_value (b, limit);
  json_builder_set_member_name (b, "warningAt");
  json_builder_add_double_value (b, gtk_spin_button_get_value (self->warning_spin) / 100);
  json_builder_end_object (b);
  body = json_builder_get_root (b);

  if (self->edit_key_id != NULL)
    {
      g_autofree char *key = g_uri_escape_string (self->edit_key_id, NULL, FALSE);
      g_autofree char *period = g_uri_escape_string (self->edit_period, NULL, FALSE);

      path = g_strdup_printf ("/api/usage/budget?keyId=%s&period=%s", key, period);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), FALSE);
  sy_admin_client_call_async (self->client, path ? "PATCH" : "POST",
                              path ? path : "/api/usage/budget", body, self->cancellable,
                              saved_cb, g_object_ref (self));
}

static void
cancel_clicked_cb (SyBudgetDialog *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

/* --- the keys ---------------------------------------------------------------------------- */

static void
keys_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(SyBudgetDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  JsonArray *keys;

  node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      if (error != NULL)
        show_error (self, error);
      return;
    }
  keys = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (keys); i++)
    {
      JsonObject *key = json_array_get_object_element (keys, i);
      const char *id = key ? json_object_get_string_member_with_default (key, "id", NULL) : NULL;
      const char *name = id ? json_object_get_string_member_with_default (key, "name", id) : NULL;
      const char *prefix = id ? json_object_get_string_member_with_default (key, "prefix", NULL)
                              : NULL;
      g_autofree char *label = prefix ? g_strdup_printf ("%s (%s…)", name, prefix)
                                      : g_strdup (name);

      if (id == NULL)
        continue;
      g_ptr_array_add (self->key_ids, g_strdup (id));
      gtk_string_list_append (names, label);
    }
  gtk_drop_down_set_model (self->key_dropdown, G_LIST_MODEL (names));
  if (self->key_ids->len == 0)
    {
      sy_label_set_message (self->key_message,
                            _("There are no API keys yet. A budget belongs to an inbound API key: "
                              "create one on the API Keys page, then add its budget here."));
      gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), FALSE);
      return;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->key_dropdown), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), TRUE);
}

/* --- the widget -------------------------------------------------------------------------- */

static void
sy_budget_dialog_dispose (GObject *object)
{
  SyBudgetDialog *self = SY_BUDGET_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SY_TYPE_BUDGET_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (sy_budget_dialog_parent_class)->dispose (object);
}

static void
sy_budget_dialog_finalize (GObject *object)
{
  SyBudgetDialog *self = SY_BUDGET_DIALOG (object);

  g_clear_pointer (&self->key_ids, g_ptr_array_unref);
  g_clear_pointer (&self->budgets, json_array_unref);
  g_clear_pointer (&self->edit_key_id, g_free);
  g_clear_pointer (&self->edit_period, g_free);
  G_OBJECT_CLASS (sy_budget_dialog_parent_class)->finalize (object);
}

static void
sy_budget_dialog_class_init (SyBudgetDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sy_budget_dialog_dispose;
  object_class->finalize = sy_budget_dialog_finalize;

  /**
   * SyBudgetDialog::saved:
   *
   * The API stored the budget; the window closes next.
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/dev/switchyard/Switchyard/ui/sy-budget-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SyBudgetDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, SyBudgetDialog, key_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SyBudgetDialog, key_message);
  gtk_widget_class_bind_template_child (widget_class, SyBudgetDialog, amount_entry);
  gtk_widget_class_bind_template_child (widget_class, SyBudgetDialog, amount_message);
  gtk_widget_class_bind_template_child (widget_class, SyBudgetDialog, period_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SyBudgetDialog, period_message);
  gtk_widget_class_bind_template_child (widget_class, SyBudgetDialog, warning_spin);
  gtk_widget_class_bind_template_child (widget_class, SyBudgetDialog, warning_message);
  gtk_widget_class_bind_template_child (widget_class, SyBudgetDialog, save_button);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sy_budget_dialog_init (SyBudgetDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->key_ids = g_ptr_array_new_with_free_func (g_free);
}

/* "50", "12.5", "0.005": as many decimals as the amount has (up to six). */
static char *
format_amount (double amount)
{
  int decimals = 0;

  while (decimals < 6 && fabs (amount * pow (10, decimals) - round (amount * pow (10, decimals)))
                         > 1e-6)
    decimals++;
  return g_strdup_printf ("%.*f", decimals, amount);
}

/* Edit: the key and period are the budget's own, shown but fixed. */
static void
fill_from (SyBudgetDialog *self,
           JsonObject     *budget)
{
  const char *key_id = json_object_get_string_member_with_default (budget, "keyId", "");
  const char *key_name = json_object_get_string_member_with_default (budget, "keyName", key_id);
  const char *period = json_object_get_string_member_with_default (budget, "period", "");
  const char * const names[] = { key_name, NULL };
  g_autoptr(GtkStringList) list = gtk_string_list_new (names);
  g_autofree char *amount = format_amount (
    json_object_get_double_member_with_default (budget, "limit", 0));

  self->edit_key_id = g_strdup (key_id);
  self->edit_period = g_strdup (period);
  gtk_window_set_title (GTK_WINDOW (self), _("Edit budget"));
  gtk_button_set_label (self->save_button, _("_Save"));
  gtk_drop_down_set_model (self->key_dropdown, G_LIST_MODEL (list));
  for (guint i = 0; i < G_N_ELEMENTS (periods); i++)
    if (g_str_equal (periods[i], period))
      gtk_drop_down_set_selected (self->period_dropdown, i);
  gtk_widget_set_sensitive (GTK_WIDGET (self->period_dropdown), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->amount_entry), amount);
  gtk_spin_button_set_value (self->warning_spin,
                             100 * json_object_get_double_member_with_default (budget,
                                                                               "warningAt",
                                                                               0.8));
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), TRUE);
}

SyBudgetDialog *
sy_budget_dialog_new (SyAdminClient *client,
                      JsonArray     *budgets,
                      JsonObject    *budget)
{
  SyBudgetDialog *self;

  g_return_val_if_fail (SY_IS_ADMIN_CLIENT (client), NULL);

  self = g_object_new (SY_TYPE_BUDGET_DIALOG, NULL);
  self->client = g_object_ref (client);
  self->budgets = budgets ? json_array_ref (budgets) : NULL;
  if (budget != NULL)
    fill_from (self, budget);
  else
    sy_admin_client_call_async (client, "GET", "/api/keys", NULL, self->cancellable, keys_cb,
                                g_object_ref (self));
  return self;
}

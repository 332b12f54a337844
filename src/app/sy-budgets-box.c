/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Usage page's Budgets section. Every change goes through /api/usage/budget (POST from
 * the Add window, PATCH from Edit, DELETE after a confirmation), so the app obeys the API's
 * rules and never touches the store; the list is read again after each one. A newer read
 * cancels an older one, so a slow answer never overwrites a fresh list.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-budgets-box.h"

#include <glib/gi18n.h>

#include "sy-budget-dialog.h"
#include "sy-format.h"
#include "sy-usage-chart.h"
#include "sy-widgets.h"

struct _SyBudgetsBox
{
  GtkWidget      parent_instance;

  SyAdminClient *client;
  GCancellable  *cancellable;   /* every call; cancelled in dispose */
  GCancellable  *loading;       /* the read under way, cancelled by the next one */
  JsonArray     *budgets;       /* as read last, for the Add window's check */

  GtkLabel      *message_label;
  GtkListBox    *budgets_list;
};

G_DEFINE_FINAL_TYPE (SyBudgetsBox, sy_budgets_box, GTK_TYPE_WIDGET)

static const char *
period_label (const char *period)
{
  if (g_strcmp0 (period, "daily") == 0)
    return _("daily");
  if (g_strcmp0 (period, "weekly") == 0)
    return _("weekly");
  if (g_strcmp0 (period, "monthly") == 0)
    return _("monthly");
  return period;
}

/* "laptop, monthly": the key's name (its id when it has none) and the period. */
static char *
budget_title (JsonObject *budget)
{
  const char *key = json_object_get_string_member_with_default (budget, "keyName", NULL);

  if (key == NULL)
    key = json_object_get_string_member_with_default (budget, "keyId", "?");
  /* Translators: an API key's name and its budget's period: "laptop, monthly". */
  return g_strdup_printf (_("%s, %s"), key, period_label (
                            json_object_get_string_member_with_default (budget, "period", "")));
}

/* "in 3 d 4 h (Dec 1, 00:00 UTC)" for an ISO time. */
static char *
describe_reset (const char *iso)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) at = iso ? g_date_time_new_from_iso8601 (iso, utc) : NULL;
  g_autofree char *when = NULL;
  g_autofree char *left = NULL;

  if (at == NULL)
    return g_strdup (iso ? iso : "?");
  when = g_date_time_format (at, "%Y-%m-%d %H:%M UTC");
  left = sy_format_duration_ms (g_date_time_to_unix (at) * 1000 - g_get_real_time () / 1000);
  /* Translators: when a budget starts again from zero: "in 3 d 4 h (2026-12-01 00:00 UTC)". */
  return g_strdup_printf (_("in %s (%s)"), left, when);
}

/* --- changes ----------------------------------------------------------------------------- */

static void
delete_response_cb (GtkDialog    *dialog,
                    int           response,
                    SyBudgetsBox *self)
{
  JsonObject *budget = g_object_get_data (G_OBJECT (dialog), "budget");
  g_autofree char *key = g_uri_escape_string (
    json_object_get_string_member_with_default (budget, "keyId", ""), NULL, FALSE);
  g_autofree char *period = g_uri_escape_string (
    json_object_get_string_member_with_default (budget, "period", ""), NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/api/usage/budget?keyId=%s&period=%s", key, period);

  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response != GTK_RESPONSE_ACCEPT || self->client == NULL)
    return;
  sy_widget_send_change (GTK_WIDGET (self), self->client, "DELETE", path, self->cancellable,
                         self->message_label, (SyWidgetFunc) sy_budgets_box_reload);
}

static void
delete_clicked_cb (GtkButton    *button,
                   SyBudgetsBox *self)
{
  JsonObject *budget = g_object_get_data (G_OBJECT (button), "object");
  g_autofree char *title = budget_title (budget);
  g_autofree char *heading = g_strdup_printf (_("Delete the budget “%s”?"), title);
  GtkWidget *dialog = sy_confirm_dialog_new (
    GTK_WIDGET (self), heading,
    _("The key's requests are no longer held back by it. What the key spent stays in the "
      "usage history."), _("_Delete"));

  g_object_set_data_full (G_OBJECT (dialog), "budget", json_object_ref (budget),
                          (GDestroyNotify) json_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
saved_cb (SyBudgetDialog *dialog,
          SyBudgetsBox   *self)
{
  sy_label_set_message (self->message_label, NULL);
  sy_budgets_box_reload (self);
}

/* The Add window for budget NULL, the Edit window otherwise. */
static void
open_dialog (SyBudgetsBox *self,
             JsonObject   *budget)
{
  SyBudgetDialog *dialog;

  if (self->client == NULL)
    return;
  dialog = sy_budget_dialog_new (self->client, self->budgets, budget);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (saved_cb), self, 0);
  sy_window_present_over (GTK_WINDOW (dialog), GTK_WIDGET (self));
}

static void
edit_clicked_cb (GtkButton    *button,
                 SyBudgetsBox *self)
{
  open_dialog (self, g_object_get_data (G_OBJECT (button), "object"));
}

static void
add_clicked_cb (SyBudgetsBox *self)
{
  open_dialog (self, NULL);
}

/* --- the list ---------------------------------------------------------------------------- */

static void
add_budget_row (SyBudgetsBox *self,
                JsonObject   *budget)
{
  GtkWidget *row = sy_list_box_add_row (self->budgets_list);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *bar = gtk_level_bar_new_for_interval (0, 1);
  double percent = json_object_get_double_member_with_default (budget, "percent", 0);
  double warning_at = json_object_get_double_member_with_default (budget, "warningAt", 0.8);
  gboolean exceeded = json_object_get_boolean_member_with_default (budget, "exceeded", FALSE);
  gboolean warning = json_object_get_boolean_member_with_default (budget, "warning", FALSE);
  g_autofree char *title = budget_title (budget);
  g_autofree char *spent = sy_usage_chart_format (
    SY_USAGE_CHART_USD, json_object_get_double_member_with_default (budget, "spent", 0));
  g_autofree char *limit = sy_usage_chart_format (
    SY_USAGE_CHART_USD, json_object_get_double_member_with_default (budget, "limit", 0));
  g_autofree char *reset = describe_reset (
    json_object_get_string_member_with_default (budget, "resetAt", NULL));
  g_autofree char *line = NULL;

  /* Translators: "$41.20 of $50.00 spent (82%), starts again in 3 d (2026-12-01 00:00 UTC)". */
  line = g_strdup_printf (_("%s of %s spent (%.0f%%), starts again %s"), spent, limit, percent,
                          reset);
  gtk_box_append (GTK_BOX (text), sy_label_new (title, "sy-name"));
  gtk_box_append (GTK_BOX (text), sy_label_new (line, exceeded ? "sy-bad"
                                                      : warning ? "sy-warning" : "dim-label"));
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (row), text);

  /* Below the warning mark the bar is plain; from it, and past the limit, it says so. */
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_level_bar_add_offset_value (GTK_LEVEL_BAR (bar), "sy-budget-ok",
                                  warning_at > 0 && warning_at <= 1 ? warning_at : 0.8);
  gtk_level_bar_add_offset_value (GTK_LEVEL_BAR (bar), "sy-budget-warning", 0.9999);
  gtk_level_bar_add_offset_value (GTK_LEVEL_BAR (bar), "sy-budget-exceeded", 1);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), CLAMP (percent / 100, 0, 1));
  gtk_widget_set_size_request (bar, 160, -1);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, line, -1);
  gtk_box_append (GTK_BOX (row), bar);

  gtk_box_append (GTK_BOX (row), sy_row_button_new_for (_("_Edit"), G_CALLBACK (edit_clicked_cb),
                                                        self, budget));
  gtk_box_append (GTK_BOX (row), sy_row_button_new_for (_("_Delete"),
                                                        G_CALLBACK (delete_clicked_cb), self,
                                                        budget));
}

static void
budgets_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SyBudgetsBox) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result,
                                                          &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->loading);
  sy_list_box_clear (self->budgets_list);
  g_clear_pointer (&self->budgets, json_array_unref);
  if (node == NULL)
    {
      sy_label_set_error (self->message_label, error);
      return;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return;
  self->budgets = json_array_ref (json_node_get_array (node));
  for (guint i = 0; i < json_array_get_length (self->budgets); i++)
    {
      JsonObject *budget = json_array_get_object_element (self->budgets, i);

      if (budget != NULL)
        add_budget_row (self, budget);
    }
}

void
sy_budgets_box_reload (SyBudgetsBox *self)
{
  GCancellable *loading;

  g_return_if_fail (SY_IS_BUDGETS_BOX (self));

  /* Cancelled by the next read, or in dispose. */
  loading = sy_cancellable_renew (&self->loading);
  if (self->client != NULL)
    sy_admin_client_call_async (self->client, "GET", "/api/usage/budget", NULL, loading,
                                budgets_cb, g_object_ref (self));
}

void
sy_budgets_box_set_client (SyBudgetsBox  *self,
                           SyAdminClient *client)
{
  g_return_if_fail (SY_IS_BUDGETS_BOX (self));
  g_return_if_fail (client == NULL || SY_IS_ADMIN_CLIENT (client));

  g_set_object (&self->client, client);
  sy_budgets_box_reload (self);
}

/* --- the widget -------------------------------------------------------------------------- */

static void
sy_budgets_box_dispose (GObject *object)
{
  SyBudgetsBox *self = SY_BUDGETS_BOX (object);

  g_cancellable_cancel (self->cancellable);
  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), SY_TYPE_BUDGETS_BOX);
  sy_widget_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (sy_budgets_box_parent_class)->dispose (object);
}

static void
sy_budgets_box_finalize (GObject *object)
{
  g_clear_pointer (&SY_BUDGETS_BOX (object)->budgets, json_array_unref);
  G_OBJECT_CLASS (sy_budgets_box_parent_class)->finalize (object);
}

static void
sy_budgets_box_class_init (SyBudgetsBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sy_budgets_box_dispose;
  object_class->finalize = sy_budgets_box_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (
    widget_class, "/dev/switchyard/Switchyard/ui/sy-budgets-box.ui");
  gtk_widget_class_bind_template_child (widget_class, SyBudgetsBox, message_label);
  gtk_widget_class_bind_template_child (widget_class, SyBudgetsBox, budgets_list);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
}

static void
sy_budgets_box_init (SyBudgetsBox *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

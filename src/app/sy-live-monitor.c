/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Live monitor: one row per request, added when the gateway says it started and filled in
 * when it says it finished. It listens to the gateway the host serves with, and to the host's
 * "changed" to follow a replaced gateway. It keeps at most SY_LIVE_MONITOR_MAX_ROWS rows and
 * sends nothing itself.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-live-monitor.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sy-format.h"
#include "sy-widgets.h"

struct _SyLiveMonitor
{
  GtkWidget        parent_instance;

  GtkListBox      *list;
  GtkSearchEntry  *filter_entry;
  GtkLabel        *new_label;
  GtkToggleButton *pause_button;

  SyAdminClient   *client;
  SyGatewayHost   *host;
  gulong           host_changed_id;
  SyGateway       *gateway;       /* weak: the host owns it */
  gulong           started_id;
  gulong           finished_id;

  GHashTable      *rows;          /* request id -> GtkListBoxRow*, borrowed from list */
  guint            n_rows;
  GQueue           pending;       /* SyRequestEvent*, oldest first, while paused */
  GHashTable      *pending_new;   /* request ids counted in new_label */
  char            *filter;        /* casefolded, or NULL */
};

G_DEFINE_FINAL_TYPE (SyLiveMonitor, sy_live_monitor, GTK_TYPE_WIDGET)

/* What a row keeps: its labels (owned by the row) and what the filter matches. */
typedef struct
{
  char     *request_id;
  char     *haystack;
  GtkLabel *route;
  GtkLabel *status;
  GtkLabel *attempts;
  GtkLabel *ttfb;
  GtkLabel *total;
  GtkLabel *tokens;
  GtkLabel *cost;
} RowData;

static void
row_data_free (RowData *data)
{
  g_free (data->request_id);
  g_free (data->haystack);
  g_free (data);
}

static GtkLabel *
add_cell (GtkBox     *box,
          const char *text,
          int         width_chars,
          gboolean    expand)
{
  GtkWidget *label = sy_label_new_line (text, NULL);

  gtk_label_set_width_chars (GTK_LABEL (label), width_chars);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, expand);
  gtk_box_append (box, label);
  return GTK_LABEL (label);
}

static char *
format_count (gint64 n)
{
  return n >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, n) : g_strdup ("–");
}

static char *
format_tokens (gint64 in,
               gint64 out)
{
  g_autofree char *in_text = format_count (in);
  g_autofree char *out_text = format_count (out);

  if (in < 0 && out < 0)
    return g_strdup ("–");
  /* Translators: tokens in → tokens out */
  return g_strdup_printf (_("%s → %s tok"), in_text, out_text);
}

static void
fill_row (RowData              *data,
          const SyRequestEvent *event)
{
  g_autofree char *route = NULL;
  g_autofree char *attempts = NULL;
  g_autofree char *ttfb = NULL;
  g_autofree char *total = NULL;
  g_autofree char *tokens = NULL;
  g_autofree char *cost = NULL;
  g_autofree char *status = NULL;
  g_autofree char *haystack = NULL;
  GtkWidget *status_label = GTK_WIDGET (data->status);

  haystack = g_strjoin (" ", event->requested_model ? event->requested_model : "",
                        event->provider ? event->provider : "",
                        event->model ? event->model : "", NULL);
  g_free (data->haystack);
  data->haystack = g_utf8_casefold (haystack, -1);
  gtk_widget_remove_css_class (status_label, "sy-ok");
  gtk_widget_remove_css_class (status_label, "sy-warning");
  gtk_widget_remove_css_class (status_label, "sy-bad");
  if (!event->finished)
    {
      route = g_strdup_printf ("%s → %s", event->endpoint ? event->endpoint : "?",
                               event->requested_model ? event->requested_model : "?");
      gtk_label_set_text (data->route, route);
      gtk_label_set_text (data->status, _("running"));
      return;
    }

  route = g_strdup_printf ("%s → %s/%s", event->endpoint ? event->endpoint : "?",
                           event->provider ? event->provider : "?",
                           event->model ? event->model : "?");
  status = g_strdup_printf ("%d", event->status);
  attempts = g_strdup_printf (ngettext ("%d attempt", "%d attempts", event->attempts),
                              event->attempts);
  ttfb = sy_format_latency_ms (event->ttfb_ms);
  total = sy_format_latency_ms (event->latency_ms);
  tokens = format_tokens (event->tokens_input, event->tokens_output);
  cost = event->cost_usd >= 0 ? g_strdup_printf ("$%.4f", event->cost_usd) : g_strdup ("–");

  gtk_label_set_text (data->route, route);
  gtk_widget_set_tooltip_text (GTK_WIDGET (data->route), event->requested_model);
  gtk_label_set_text (data->status, status);
  gtk_widget_set_tooltip_text (status_label, event->error_code);
  gtk_widget_add_css_class (status_label,
                            event->status >= 200 && event->status < 300 && event->error_code == NULL
                              ? "sy-ok" : event->status >= 500 ? "sy-bad" : "sy-warning");
  gtk_label_set_text (data->attempts, attempts);
  gtk_label_set_text (data->ttfb, ttfb);
  gtk_label_set_text (data->total, total);
  gtk_label_set_text (data->tokens, tokens);
  gtk_label_set_text (data->cost, cost);
}

static GtkWidget *
new_row (const SyRequestEvent *event)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (event->timestamp_ms / 1000);
  g_autofree char *time = g_date_time_format (when, "%H:%M:%S");
  GtkWidget *row = gtk_list_box_row_new ();
  GtkBox *box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12));
  RowData *data = g_new0 (RowData, 1);

  gtk_widget_set_margin_start (GTK_WIDGET (box), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (box), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (box), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (box), 6);
  data->request_id = g_strdup (event->request_id);
  gtk_widget_add_css_class (GTK_WIDGET (add_cell (box, time, 8, FALSE)), "numeric");
  data->route = add_cell (box, "", 24, TRUE);
  data->status = add_cell (box, "", 7, FALSE);
  data->attempts = add_cell (box, "", 10, FALSE);
  data->ttfb = add_cell (box, "", 8, FALSE);
  data->total = add_cell (box, "", 8, FALSE);
  data->tokens = add_cell (box, "", 14, FALSE);
  data->cost = add_cell (box, "", 8, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (data->status), "sy-state");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), GTK_WIDGET (box));
  g_object_set_data_full (G_OBJECT (row), "sy-monitor-row", data,
                          (GDestroyNotify) row_data_free);
  fill_row (data, event);
  return row;
}

static gboolean
filter_row_cb (GtkListBoxRow *row,
               gpointer       user_data)
{
  SyLiveMonitor *self = user_data;
  RowData *data = g_object_get_data (G_OBJECT (row), "sy-monitor-row");

  return self->filter == NULL || (data->haystack && strstr (data->haystack, self->filter));
}

static void
drop_oldest (SyLiveMonitor *self)
{
  while (self->n_rows > SY_LIVE_MONITOR_MAX_ROWS)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, (int) self->n_rows - 1);
      RowData *data = g_object_get_data (G_OBJECT (row), "sy-monitor-row");

      g_hash_table_remove (self->rows, data->request_id);
      gtk_list_box_remove (self->list, GTK_WIDGET (row));
      self->n_rows--;
    }
}

static void
show_event (SyLiveMonitor        *self,
            const SyRequestEvent *event)
{
  GtkListBoxRow *row = g_hash_table_lookup (self->rows, event->request_id);
  GtkWidget *added;

  if (row != NULL)
    {
      fill_row (g_object_get_data (G_OBJECT (row), "sy-monitor-row"), event);
      gtk_list_box_row_changed (row);
      return;
    }
  added = new_row (event);
  gtk_list_box_prepend (self->list, added);
  g_hash_table_insert (self->rows, g_strdup (event->request_id), added);
  self->n_rows++;
  drop_oldest (self);
}

static void
update_new_label (SyLiveMonitor *self)
{
  guint n = g_hash_table_size (self->pending_new);
  g_autofree char *text = g_strdup_printf (ngettext ("%u new", "%u new", n), n);

  gtk_label_set_text (self->new_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->new_label), n > 0);
}

static void
event_cb (SyGateway            *gateway,
          const SyRequestEvent *event,
          SyLiveMonitor        *self)
{
  if (event->request_id == NULL)
    return;
  if (!gtk_toggle_button_get_active (self->pause_button))
    {
      show_event (self, event);
      return;
    }
  g_queue_push_tail (&self->pending, sy_request_event_copy (event));
  if (!g_hash_table_contains (self->rows, event->request_id) &&
      !g_hash_table_contains (self->pending_new, event->request_id))
    {
      g_hash_table_add (self->pending_new, g_strdup (event->request_id));
      update_new_label (self);
    }
}

static void
clear_pending (SyLiveMonitor *self)
{
  g_queue_clear_full (&self->pending, (GDestroyNotify) sy_request_event_free);
  g_hash_table_remove_all (self->pending_new);
  update_new_label (self);
}

static void
pause_toggled_cb (SyLiveMonitor *self)
{
  SyRequestEvent *event;

  if (gtk_toggle_button_get_active (self->pause_button))
    return;
  while ((event = g_queue_pop_head (&self->pending)) != NULL)
    {
      show_event (self, event);
      sy_request_event_free (event);
    }
  clear_pending (self);
}

static void
clear_clicked_cb (SyLiveMonitor *self)
{
  sy_list_box_clear (self->list);
  g_hash_table_remove_all (self->rows);
  self->n_rows = 0;
  clear_pending (self);
}

static void
filter_changed_cb (SyLiveMonitor *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->filter_entry));

  g_clear_pointer (&self->filter, g_free);
  if (text != NULL && *text != '\0')
    self->filter = g_utf8_casefold (text, -1);
  gtk_list_box_invalidate_filter (self->list);
}

static void
disconnect_gateway (SyLiveMonitor *self)
{
  if (self->gateway != NULL)
    {
      g_clear_signal_handler (&self->started_id, self->gateway);
      g_clear_signal_handler (&self->finished_id, self->gateway);
    }
  self->started_id = self->finished_id = 0;
  g_clear_weak_pointer (&self->gateway);
}

/* The host replaced its gateway (pause, resume, a new port): listen to the new one. */
static void
host_changed_cb (SyLiveMonitor *self)
{
  SyGateway *gateway = self->host ? sy_gateway_host_get_gateway (self->host) : NULL;

  if (gateway == self->gateway && (gateway == NULL || self->started_id != 0))
    return;
  disconnect_gateway (self);
  if (gateway == NULL)
    return;
  g_set_weak_pointer (&self->gateway, gateway);
  self->started_id = g_signal_connect_object (gateway, "request-started",
                                              G_CALLBACK (event_cb), self, 0);
  self->finished_id = g_signal_connect_object (gateway, "request-finished",
                                               G_CALLBACK (event_cb), self, 0);
}

static void
disconnect_host (SyLiveMonitor *self)
{
  disconnect_gateway (self);
  if (self->host != NULL)
    g_clear_signal_handler (&self->host_changed_id, self->host);
  g_clear_object (&self->host);
}

void
sy_live_monitor_set_client (SyLiveMonitor *self,
                            SyAdminClient *client)
{
  g_return_if_fail (SY_IS_LIVE_MONITOR (self));
  g_return_if_fail (client == NULL || SY_IS_ADMIN_CLIENT (client));

  disconnect_host (self);
  g_set_object (&self->client, client);
  if (client == NULL || sy_admin_client_get_host (client) == NULL)
    return;
  self->host = g_object_ref (sy_admin_client_get_host (client));
  self->host_changed_id = g_signal_connect_swapped (self->host, "changed",
                                                    G_CALLBACK (host_changed_cb), self);
  host_changed_cb (self);
}

guint
sy_live_monitor_get_n_rows (SyLiveMonitor *self)
{
  g_return_val_if_fail (SY_IS_LIVE_MONITOR (self), 0);

  return self->n_rows;
}

static void
sy_live_monitor_dispose (GObject *object)
{
  SyLiveMonitor *self = SY_LIVE_MONITOR (object);

  disconnect_host (self);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (object), SY_TYPE_LIVE_MONITOR);
  /* GTK 4.8 disposes only the bound children: the template's root box goes here. */
  sy_widget_unparent_children (GTK_WIDGET (object));
  G_OBJECT_CLASS (sy_live_monitor_parent_class)->dispose (object);
}

static void
sy_live_monitor_finalize (GObject *object)
{
  SyLiveMonitor *self = SY_LIVE_MONITOR (object);

  g_queue_clear_full (&self->pending, (GDestroyNotify) sy_request_event_free);
  g_clear_pointer (&self->pending_new, g_hash_table_unref);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_free (self->filter);
  G_OBJECT_CLASS (sy_live_monitor_parent_class)->finalize (object);
}

static void
sy_live_monitor_class_init (SyLiveMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sy_live_monitor_dispose;
  object_class->finalize = sy_live_monitor_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (
    widget_class, "/dev/switchyard/Switchyard/ui/sy-live-monitor.ui");
  gtk_widget_class_bind_template_child (widget_class, SyLiveMonitor, list);
  gtk_widget_class_bind_template_child (widget_class, SyLiveMonitor, filter_entry);
  gtk_widget_class_bind_template_child (widget_class, SyLiveMonitor, new_label);
  gtk_widget_class_bind_template_child (widget_class, SyLiveMonitor, pause_button);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, pause_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_clicked_cb);
}

static void
sy_live_monitor_init (SyLiveMonitor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pending_new = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->pending);
  gtk_list_box_set_filter_func (self->list, filter_row_cb, self, NULL);
}

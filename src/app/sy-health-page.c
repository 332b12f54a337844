/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Health page, drawn from sy_routing_state_to_json () of the in-process gateway (the same
 * view GET /api/monitoring/health serves). Unlock and Reset all act on the routing state
 * directly. Refreshes every 10 s while shown and whenever the gateway changes.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-health-page.h"

#include <glib/gi18n.h>

#include "gateway/sy-response-reuse.h"
#include "sy-format.h"
#include "sy-page-link.h"
#include "sy-widgets.h"

#define REFRESH_INTERVAL_S 10

struct _SyHealthPage
{
  GtkWidget      parent_instance;

  SyPageLink     link;        /* client, host and the page's timer */

  GtkWidget     *scroller;
  GtkLabel      *updated_label;
  GtkLabel      *status_value;
  GtkLabel      *endpoint_value;
  GtkLabel      *uptime_value;
  GtkLabel      *version_value;
  GtkLabel      *data_dir_value;
  GtkLabel      *cache_value;
  GtkListBox    *breakers_list;
  GtkListBox    *cooldowns_list;
  GtkListBox    *lockouts_list;
};

G_DEFINE_FINAL_TYPE (SyHealthPage, sy_health_page, GTK_TYPE_WIDGET)

static SyRoutingState *
get_routing (SyHealthPage *self)
{
  SyGateway *gateway = self->link.host ? sy_gateway_host_get_gateway (self->link.host) : NULL;

  return gateway ? sy_gateway_get_routing (gateway) : NULL;
}

static void
unlock_clicked_cb (GtkButton    *button,
                   SyHealthPage *self)
{
  SyRoutingState *routing = get_routing (self);
  const char *connection_id = g_object_get_data (G_OBJECT (button), "connection-id");
  const char *model = g_object_get_data (G_OBJECT (button), "model");

  if (routing != NULL)
    sy_routing_state_unlock (routing, connection_id, model);
  sy_health_page_refresh (self);
}

static void
reset_clicked_cb (SyHealthPage *self)
{
  SyRoutingState *routing = get_routing (self);

  if (routing != NULL)
    sy_routing_state_reset (routing);
  sy_health_page_refresh (self);
}

static GtkWidget *
unlock_button_new (SyHealthPage *self,
                   const char   *connection_id,
                   const char   *model,
                   const char   *tooltip)
{
  GtkWidget *button = gtk_button_new_with_label (_("Unlock"));

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  g_object_set_data_full (G_OBJECT (button), "connection-id", g_strdup (connection_id), g_free);
  g_object_set_data_full (G_OBJECT (button), "model", g_strdup (model), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (unlock_clicked_cb), self, 0);
  return button;
}

static GtkWidget *
single_line (GtkWidget *label)
{
  gtk_label_set_wrap (GTK_LABEL (label), FALSE);
  return label;
}

static GtkWidget *
right_aligned (GtkWidget *label)
{
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  return single_line (label);
}

/* "OpenAI (openai)", or a provider node's "llama.cpp (local)". */
static char *
provider_name (SyHealthPage *self,
               const char   *label)
{
  SyGateway *gateway = sy_gateway_host_get_gateway (self->link.host);
  g_autoptr(SyProviderNode) node = NULL;

  if (gateway != NULL)
    node = sy_node_repo_lookup_by_prefix (sy_gateway_get_nodes (gateway), label);
  if (node != NULL && node->name != NULL)
    return g_strdup_printf ("%s (%s)", node->name, node->prefix);
  return sy_format_provider (label);
}

/* The account's name as people gave it, else its id. */
static char *
account_name (SyHealthPage *self,
              const char   *connection_id)
{
  SyGateway *gateway = sy_gateway_host_get_gateway (self->link.host);
  g_autoptr(SyConnection) c = NULL;

  if (gateway != NULL)
    c = sy_connection_repo_lookup (sy_gateway_get_connections (gateway), connection_id);
  return g_strdup (c != NULL && c->name != NULL ? c->name : connection_id);
}

static char *
percentile (JsonObject *latency,
            const char *member)
{
  if (latency == NULL)
    return NULL;
  return sy_format_latency_ms (json_object_get_double_member_with_default (latency, member, -1));
}

static void
add_provider_row (SyHealthPage *self,
                   JsonObject   *p)
{
  const char *label = json_object_get_string_member_with_default (p, "provider", "?");
  const char *state = json_object_get_string_member_with_default (p, "state", "CLOSED");
  gint64 failures = json_object_get_int_member_with_default (p, "consecutiveFailures", 0);
  gint64 retry_ms = json_object_get_int_member_with_default (p, "retryAfterMs", 0);
  gint64 requests = json_object_get_int_member_with_default (p, "requests", 0);
  double error_rate = json_object_get_double_member_with_default (p, "errorRate", 0);
  JsonObject *latency = json_object_get_object_member (p, "latencyMs");
  g_autofree char *name = provider_name (self, label);
  g_autofree char *details = NULL;
  GtkWidget *row, *left, *right, *title, *chip;

  if (g_str_equal (state, "OPEN"))
    {
      g_autofree char *wait = sy_format_duration_ms (retry_ms);

      details = g_strdup_printf (_("Nothing is sent to it for %s; then one request tests it."),
                                 wait);
    }
  else if (g_str_equal (state, "HALF_OPEN"))
    details = g_strdup (_("The next request tests whether it works again."));
  else if (failures > 0)
    details = g_strdup_printf (ngettext ("%d failure in a row", "%d failures in a row",
                                         failures), (int) failures);
  else
    details = g_strdup (_("No failures in a row"));

  /* One row per provider: its breaker on the left, its latency on the right. */
  row = sy_list_box_add_row (self->breakers_list);
  left = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  title = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_box_append (GTK_BOX (title), single_line (sy_label_new (name, "sy-name")));
  chip = sy_label_new (sy_format_breaker_state (state), "sy-chip");
  gtk_widget_add_css_class (chip, g_str_equal (state, "CLOSED") ? "sy-ok"
                                  : g_str_equal (state, "OPEN") ? "sy-bad" : "sy-warning");
  gtk_box_append (GTK_BOX (title), chip);
  gtk_box_append (GTK_BOX (left), title);
  gtk_box_append (GTK_BOX (left), sy_label_new (details, "dim-label"));
  gtk_widget_set_hexpand (left, TRUE);
  gtk_box_append (GTK_BOX (row), left);

  right = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_valign (right, GTK_ALIGN_CENTER);
  if (requests > 0)
    {
      gint64 errors = json_object_get_int_member_with_default (p, "errors", 0);
      g_autofree char *p50 = percentile (latency, "p50");
      g_autofree char *p95 = percentile (latency, "p95");
      g_autofree char *p99 = percentile (latency, "p99");
      /* Percentiles of answers: a provider that only failed has none. */
      g_autofree char *percentiles = errors < requests && latency != NULL
                                       ? g_strdup_printf ("p50 %s   p95 %s   p99 %s", p50, p95, p99)
                                       : g_strdup (_("No successful answers"));
      g_autofree char *volume = g_strdup_printf (ngettext ("%d request, %.0f%% failed",
                                                           "%d requests, %.0f%% failed",
                                                           requests),
                                                 (int) requests, error_rate * 100);

      gtk_box_append (GTK_BOX (right), right_aligned (sy_label_new (percentiles, "monospace")));
      gtk_box_append (GTK_BOX (right), right_aligned (sy_label_new (volume, "dim-label")));
    }
  else
    gtk_box_append (GTK_BOX (right), right_aligned (sy_label_new (_("No requests yet"),
                                                                  "dim-label")));
  gtk_box_append (GTK_BOX (row), right);
}

static void
add_cooldown_row (SyHealthPage *self,
                  JsonObject   *c)
{
  const char *connection_id = json_object_get_string_member_with_default (c, "connectionId", "");
  const char *label = json_object_get_string_member_with_default (c, "provider", "?");
  const char *reason = json_object_get_string_member_with_default (c, "reason", NULL);
  g_autofree char *provider = provider_name (self, label);
  g_autofree char *name = account_name (self, connection_id);
  g_autofree char *title = g_strdup_printf ("%s · %s", name, provider);
  gint64 remaining = json_object_get_int_member_with_default (c, "remainingMs", 0);
  g_autofree char *left = sy_format_duration_ms (remaining);
  g_autofree char *details = g_strdup_printf (_("%s left"), left);
  GtkWidget *row = sy_list_box_add_row (self->cooldowns_list);
  GtkWidget *reason_label = sy_label_new_line (reason ? reason : "", "dim-label");

  gtk_box_append (GTK_BOX (row), single_line (sy_label_new (title, "sy-name")));
  gtk_box_append (GTK_BOX (row), single_line (sy_label_new (details, "sy-warning")));
  gtk_widget_set_hexpand (reason_label, TRUE);
  gtk_box_append (GTK_BOX (row), reason_label);
  gtk_box_append (GTK_BOX (row),
                  unlock_button_new (self, connection_id, NULL,
                                     _("Use this account again now, before the cooldown ends")));
}

static void
add_lockout_row (SyHealthPage *self,
                 JsonObject   *l)
{
  const char *connection_id = json_object_get_string_member_with_default (l, "connectionId", "");
  const char *model = json_object_get_string_member_with_default (l, "model", "");
  const char *reason = json_object_get_string_member_with_default (l, "reason", NULL);
  g_autofree char *name = account_name (self, connection_id);
  g_autofree char *title = g_strdup_printf ("%s · %s", model, name);
  gint64 remaining = json_object_get_int_member_with_default (l, "remainingMs", 0);
  g_autofree char *left = sy_format_duration_ms (remaining);
  g_autofree char *details = g_strdup_printf (_("%s left"), left);
  GtkWidget *row = sy_list_box_add_row (self->lockouts_list);
  GtkWidget *reason_label = sy_label_new_line (reason ? reason : "", "dim-label");

  gtk_box_append (GTK_BOX (row), single_line (sy_label_new (title, "sy-name")));
  gtk_box_append (GTK_BOX (row), single_line (sy_label_new (details, "sy-warning")));
  gtk_widget_set_hexpand (reason_label, TRUE);
  gtk_box_append (GTK_BOX (row), reason_label);
  gtk_box_append (GTK_BOX (row),
                  unlock_button_new (self, connection_id, model,
                                     _("Send this model to this account again now")));
}

static void
foreach_object (JsonObject *root,
                const char *member,
                void      (*func) (SyHealthPage *, JsonObject *),
                SyHealthPage *self)
{
  JsonArray *array = json_object_get_array_member (root, member);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    func (self, json_array_get_object_element (array, i));
}

/* "42% of lookups answered from it (120 of 285) · 37 answers kept, 1.2 MB of 4.2 MB". */
static void
update_cache (SyHealthPage *self,
              SyGateway    *gateway)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *cache;
  gint64 hits, lookups;
  g_autofree char *bytes = NULL;
  g_autofree char *max_bytes = NULL;
  g_autofree char *text = NULL;

  if (gateway == NULL)
    {
      gtk_label_set_text (self->cache_value, "–");
      return;
    }
  node = sy_response_reuse_to_json (gateway);
  cache = json_node_get_object (node);
  if (!json_object_get_boolean_member_with_default (cache, "enabled", FALSE))
    {
      gtk_label_set_text (self->cache_value, _("Off (Settings → AI)"));
      return;
    }
  hits = json_object_get_int_member_with_default (cache, "hits", 0);
  lookups = hits + json_object_get_int_member_with_default (cache, "misses", 0);
  bytes = g_format_size (json_object_get_int_member_with_default (cache, "bytes", 0));
  max_bytes = g_format_size (json_object_get_int_member_with_default (cache, "maxBytes", 0));
  text = g_strdup_printf (_("%d%% of lookups answered from it (%lld of %lld) · %lld answers "
                            "kept, %s of %s"),
                          lookups > 0 ? (int) (hits * 100 / lookups) : 0, (long long) hits,
                          (long long) lookups,
                          (long long) json_object_get_int_member_with_default (cache, "entries", 0),
                          bytes, max_bytes);
  gtk_label_set_text (self->cache_value, text);
}

static void
update_system (SyHealthPage *self)
{
  SyGateway *gateway = sy_gateway_host_get_gateway (self->link.host);
  SyGatewayHostStatus status = sy_gateway_host_get_status (self->link.host);
  g_autofree char *endpoint = sy_gateway_host_dup_endpoint (self->link.host);
  g_autofree char *uptime = NULL;
  const char *text;

  switch (status)
    {
    case SY_GATEWAY_HOST_SERVING:
      text = sy_gateway_host_is_degraded (self->link.host) ? _("Serving; a provider's breaker is open")
                                                      : _("Serving");
      break;
    case SY_GATEWAY_HOST_PAUSED:
      text = _("Paused");
      break;
    case SY_GATEWAY_HOST_PORT_IN_USE:
      text = _("Not serving: the port is in use");
      break;
    case SY_GATEWAY_HOST_FAILED:
    default:
      text = _("Not serving: it could not start");
      break;
    }
  gtk_label_set_text (self->status_value, text);
  gtk_label_set_text (self->endpoint_value, endpoint);
  gtk_label_set_text (self->version_value, SY_VERSION);
  gtk_label_set_text (self->data_dir_value, sy_gateway_host_get_data_dir (self->link.host));
  if (status == SY_GATEWAY_HOST_SERVING && gateway != NULL)
    uptime = sy_format_duration_ms ((g_get_real_time () - sy_gateway_get_start_time (gateway))
                                    / 1000);
  gtk_label_set_text (self->uptime_value, uptime ? uptime : "–");
  update_cache (self, gateway);
}

void
sy_health_page_refresh (SyHealthPage *self)
{
  SyRoutingState *routing;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *time = g_date_time_format (now, "%X");
  g_autofree char *updated = NULL;
  JsonObject *view;

  g_return_if_fail (SY_IS_HEALTH_PAGE (self));

  /* First: it may emit "changed", which comes back here; then this pass draws on a clean
   * slate. */
  if (self->link.host != NULL)
    sy_gateway_host_refresh (self->link.host);

  sy_list_box_clear (self->breakers_list);
  sy_list_box_clear (self->cooldowns_list);
  sy_list_box_clear (self->lockouts_list);
  if (self->link.host == NULL)
    return;

  update_system (self);
  updated = g_strdup_printf (_("Updated at %s; refreshes every %d s."), time,
                             REFRESH_INTERVAL_S);
  gtk_label_set_text (self->updated_label, updated);

  if ((routing = get_routing (self)) == NULL)
    return;
  root = sy_routing_state_to_json (routing);
  view = json_node_get_object (root);
  foreach_object (view, "providers", add_provider_row, self);
  foreach_object (view, "cooldowns", add_cooldown_row, self);
  foreach_object (view, "lockouts", add_lockout_row, self);
}

void
sy_health_page_set_client (SyHealthPage  *self,
                           SyAdminClient *client)
{
  g_return_if_fail (SY_IS_HEALTH_PAGE (self));

  sy_page_link_set_client (&self->link, client);
}

static void
sy_health_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sy_health_page_parent_class)->map (widget);
  sy_page_link_mapped (&SY_HEALTH_PAGE (widget)->link);
}

static void
sy_health_page_unmap (GtkWidget *widget)
{
  sy_page_link_unmapped (&SY_HEALTH_PAGE (widget)->link);
  GTK_WIDGET_CLASS (sy_health_page_parent_class)->unmap (widget);
}

static void
sy_health_page_dispose (GObject *object)
{
  SyHealthPage *self = SY_HEALTH_PAGE (object);

  sy_page_link_clear (&self->link);
  gtk_widget_dispose_template (GTK_WIDGET (self), SY_TYPE_HEALTH_PAGE);
  G_OBJECT_CLASS (sy_health_page_parent_class)->dispose (object);
}

static void
sy_health_page_class_init (SyHealthPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sy_health_page_dispose;
  widget_class->map = sy_health_page_map;
  widget_class->unmap = sy_health_page_unmap;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/switchyard/Switchyard/ui/sy-health-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SyHealthPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, SyHealthPage, updated_label);
  gtk_widget_class_bind_template_child (widget_class, SyHealthPage, status_value);
  gtk_widget_class_bind_template_child (widget_class, SyHealthPage, endpoint_value);
  gtk_widget_class_bind_template_child (widget_class, SyHealthPage, uptime_value);
  gtk_widget_class_bind_template_child (widget_class, SyHealthPage, version_value);
  gtk_widget_class_bind_template_child (widget_class, SyHealthPage, data_dir_value);
  gtk_widget_class_bind_template_child (widget_class, SyHealthPage, cache_value);
  gtk_widget_class_bind_template_child (widget_class, SyHealthPage, breakers_list);
  gtk_widget_class_bind_template_child (widget_class, SyHealthPage, cooldowns_list);
  gtk_widget_class_bind_template_child (widget_class, SyHealthPage, lockouts_list);
  gtk_widget_class_bind_template_callback (widget_class, reset_clicked_cb);
}

static void
sy_health_page_init (SyHealthPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  sy_page_link_init (&self->link, GTK_WIDGET (self), REFRESH_INTERVAL_S, (SyPageLinkFunc) sy_health_page_refresh,
                     (SyPageLinkFunc) sy_health_page_refresh);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Usage page. Figures, groups and the chart come from GET /api/usage: one call grouped by
 * the chosen dimension (totals and groups), one grouped by day (every group together), and one
 * per day for each of the top groups, filtered to it; "other" is the difference. The budgets
 * are SyBudgetsBox's, the pricing table SyPricingEditor's. Reads run while the page is shown.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-usage-page.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "sy-budgets-box.h"
#include "sy-format.h"
#include "sy-page-link.h"
#include "sy-pricing-editor.h"
#include "sy-usage-chart.h"
#include "sy-widgets.h"

/* Usage and budgets are read again every POLL_INTERVAL_S while the page is shown. */
#define POLL_INTERVAL_S 30
/* Groups with a colour of their own; the rest are "other". */
#define TOP_GROUPS      (SY_USAGE_CHART_MAX_SERIES - 1)
/* Rows of the groups table (the API gives up to 1,000). */
#define MAX_TABLE_ROWS  100

typedef enum {
  METRIC_COST,
  METRIC_TOKENS,
  METRIC_REQUESTS,
  N_METRICS
} Metric;

typedef struct
{
  char    *label;
  char    *provider;   /* the filters that select it */
  char    *model;
  char    *key_id;
  gboolean no_key;     /* requests without a key: no filter selects them */
  double   requests;
  double   errors;
  double   totals[N_METRICS];
  double  *per_day[N_METRICS];  /* top groups, once read */
} Group;

struct _SyUsagePage
{
  GtkWidget      parent_instance;

  SyPageLink     link;          /* client, host and the page's timer */
  GCancellable  *cancellable;   /* every call; cancelled in dispose */

  /* What is shown. */
  int            n_days;
  const char    *group_by;      /* "provider", "model", "key" */
  Metric         metric;

  /* The usage read last (or being read: generation). */
  guint          generation;
  guint          pending;
  gboolean       failed;
  GPtrArray     *days;          /* char*, "2026-11-23", oldest first */
  GHashTable    *day_index;     /* day -> index + 1 */
  JsonObject    *totals;
  GPtrArray     *groups;        /* Group*, dearest first */
  double        *all[N_METRICS];
  GHashTable    *key_names;     /* key id -> name */

  GtkWidget     *scroller;
  GtkLabel      *message_label;
  GtkBox        *figures_box;
  GtkLabel      *figures[6];
  GtkLabel      *empty_label;
  SyUsageChart  *chart;
  GtkWidget     *groups_frame;
  GtkGrid       *groups_grid;
  SyBudgetsBox  *budgets;
  SyPricingEditor *pricing;
  GtkToggleButton *days7_button;
  GtkToggleButton *days30_button;
  GtkToggleButton *days90_button;
  GtkToggleButton *cost_button;
  GtkToggleButton *tokens_button;
  GtkToggleButton *requests_button;
  GtkToggleButton *provider_button;
  GtkToggleButton *model_button;
  GtkToggleButton *key_button;
};

G_DEFINE_FINAL_TYPE (SyUsagePage, sy_usage_page, GTK_TYPE_WIDGET)

enum {
  FIGURE_REQUESTS,
  FIGURE_ERRORS,
  FIGURE_INPUT,
  FIGURE_OUTPUT,
  FIGURE_COST,
  FIGURE_UNPRICED,
};

static const struct { const char *name; const char *caption; } figure_specs[] = {
  { "requests-figure", N_("requests") },
  { "errors-figure", N_("errors") },
  { "input-figure", N_("input tokens") },
  { "output-figure", N_("output tokens") },
  { "cost-figure", N_("cost in US dollars") },
  { "unpriced-figure", N_("unpriced requests") },
};

static void
group_free (Group *group)
{
  g_free (group->label);
  g_free (group->provider);
  g_free (group->model);
  g_free (group->key_id);
  for (guint m = 0; m < N_METRICS; m++)
    g_free (group->per_day[m]);
  g_free (group);
}

static SyUsageChartUnit
metric_unit (Metric metric)
{
  switch (metric)
    {
    case METRIC_COST:
      return SY_USAGE_CHART_USD;
    case METRIC_TOKENS:
      return SY_USAGE_CHART_TOKENS;
    case METRIC_REQUESTS:
    case N_METRICS:
    default:
      return SY_USAGE_CHART_COUNT;
    }
}

static double
member_number (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  return json_node_get_double (node);
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* Tokens as the chart counts them: input (cached included) and output. */
static void
read_metrics (JsonObject *sums,
              double      out[N_METRICS])
{
  out[METRIC_COST] = member_number (sums, "costUsd");
  out[METRIC_TOKENS] = member_number (sums, "tokensInput") + member_number (sums, "tokensOutput");
  out[METRIC_REQUESTS] = member_number (sums, "requests");
}

/* --- drawing what was read --------------------------------------------------------------- */

static void
set_figure (SyUsagePage *self,
            guint        figure,
            char        *text)
{
  gtk_label_set_text (self->figures[figure], text);
  g_free (text);
}

static void
show_figures (SyUsagePage *self)
{
  JsonObject *t = self->totals;
  double unpriced = member_number (t, "unpricedRequests");

  set_figure (self, FIGURE_REQUESTS,
              sy_usage_chart_format (SY_USAGE_CHART_COUNT, member_number (t, "requests")));
  set_figure (self, FIGURE_ERRORS,
              sy_usage_chart_format (SY_USAGE_CHART_COUNT, member_number (t, "errors")));
  set_figure (self, FIGURE_INPUT,
              sy_usage_chart_format (SY_USAGE_CHART_TOKENS, member_number (t, "tokensInput")));
  set_figure (self, FIGURE_OUTPUT,
              sy_usage_chart_format (SY_USAGE_CHART_TOKENS, member_number (t, "tokensOutput")));
  set_figure (self, FIGURE_COST,
              sy_usage_chart_format (SY_USAGE_CHART_USD, member_number (t, "costUsd")));
  set_figure (self, FIGURE_UNPRICED, sy_usage_chart_format (SY_USAGE_CHART_COUNT, unpriced));
  if (unpriced > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->figures[FIGURE_UNPRICED]), "sy-warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->figures[FIGURE_UNPRICED]), "sy-warning");
}

/* The remainder's name: what it holds besides the groups beyond the top ones. */
static const char *
other_label (SyUsagePage *self)
{
  gboolean no_key_in_top = FALSE;

  for (guint i = 0; i < MIN (self->groups->len, TOP_GROUPS); i++)
    no_key_in_top |= ((Group *) self->groups->pdata[i])->no_key;
  if (!no_key_in_top)
    return _("Other");
  return self->groups->len > TOP_GROUPS ? _("No key and other keys") : _("No key");
}

/* "Cost per day by provider, last 7 days": the chart's accessible label. */
static char *
chart_title (SyUsagePage *self)
{
  static const char * const titles[N_METRICS][3] = {
    { N_("Cost per day by provider"), N_("Cost per day by model"),
      N_("Cost per day by API key") },
    { N_("Tokens per day by provider"), N_("Tokens per day by model"),
      N_("Tokens per day by API key") },
    { N_("Requests per day by provider"), N_("Requests per day by model"),
      N_("Requests per day by API key") },
  };
  guint group = g_str_equal (self->group_by, "key") ? 2
                : g_str_equal (self->group_by, "model") ? 1 : 0;

  /* Translators: the usage chart's title and period: "Cost per day by provider, last 7 days". */
  return g_strdup_printf (ngettext ("%s, last %d day", "%s, last %d days", self->n_days),
                          _(titles[self->metric][group]), self->n_days);
}

static void
show_chart (SyUsagePage *self)
{
  guint n = self->days->len;
  g_autofree double *rest = g_new0 (double, MAX (n, 1));
  g_autofree char *title = chart_title (self);
  gboolean has_rest = FALSE;

  sy_usage_chart_set_title (self->chart, title);
  sy_usage_chart_set_days (self->chart, (const char * const *) self->days->pdata, n,
                           metric_unit (self->metric));
  if (self->all[self->metric] != NULL)
    memcpy (rest, self->all[self->metric], sizeof (double) * n);
  for (guint i = 0; i < MIN (self->groups->len, TOP_GROUPS); i++)
    {
      Group *group = self->groups->pdata[i];

      if (group->per_day[self->metric] == NULL)
        continue;
      sy_usage_chart_add_series (self->chart, group->label, group->per_day[self->metric], FALSE);
      for (guint d = 0; d < n; d++)
        rest[d] -= group->per_day[self->metric][d];
    }
  /* Rounding leaves crumbs: less than a hundredth of a cent or of a token is nothing. */
  for (guint d = 0; d < n; d++)
    {
      if (rest[d] < 1e-6)
        rest[d] = 0;
      has_rest |= rest[d] > 0;
    }
  if (has_rest)
    sy_usage_chart_add_series (self->chart, other_label (self), rest, TRUE);
}

static GtkWidget *
cell (const char *text,
      float       xalign,
      const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
swatch_draw_cb (GtkDrawingArea *area,
                cairo_t        *cr,
                int             width,
                int             height,
                gpointer        user_data)
{
  gdk_cairo_set_source_rgba (cr, user_data);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
}

static GtkWidget *
swatch_new (guint    index,
            gboolean other)
{
  GtkWidget *swatch = gtk_drawing_area_new ();
  GdkRGBA color;

  sy_usage_chart_get_color (index, other, &color);
  gtk_widget_set_size_request (swatch, 12, 12);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), swatch_draw_cb,
                                  g_memdup2 (&color, sizeof color), g_free);
  return swatch;
}

static void
show_table (SyUsagePage *self)
{
  static const char * const share_captions[N_METRICS] = {
    N_("Share of cost"), N_("Share of tokens"), N_("Share of requests")
  };
  GtkWidget *child;
  double total = 0;
  guint own = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_grid))) != NULL)
    gtk_grid_remove (self->groups_grid, child);

  gtk_grid_attach (self->groups_grid, cell (_("Group"), 0, "heading"), 1, 0, 1, 1);
  gtk_grid_attach (self->groups_grid, cell (_("Requests"), 1, "heading"), 2, 0, 1, 1);
  gtk_grid_attach (self->groups_grid, cell (_("Tokens"), 1, "heading"), 3, 0, 1, 1);
  gtk_grid_attach (self->groups_grid, cell (_("Cost"), 1, "heading"), 4, 0, 1, 1);
  gtk_grid_attach (self->groups_grid, cell (_(share_captions[self->metric]), 0, "heading"),
                   5, 0, 2, 1);

  for (guint i = 0; i < self->groups->len; i++)
    total += ((Group *) self->groups->pdata[i])->totals[self->metric];

  for (guint i = 0; i < MIN (self->groups->len, MAX_TABLE_ROWS); i++)
    {
      Group *group = self->groups->pdata[i];
      gboolean has_own = i < TOP_GROUPS && group->per_day[self->metric] != NULL;
      double share = total > 0 ? group->totals[self->metric] / total : 0;
      g_autofree char *requests = sy_usage_chart_format (SY_USAGE_CHART_COUNT, group->requests);
      g_autofree char *tokens = sy_usage_chart_format (SY_USAGE_CHART_TOKENS,
                                                       group->totals[METRIC_TOKENS]);
      g_autofree char *cost = sy_usage_chart_format (SY_USAGE_CHART_USD,
                                                     group->totals[METRIC_COST]);
      g_autofree char *percent = g_strdup_printf ("%.1f %%", share * 100);
      GtkWidget *name = cell (group->label, 0, NULL);
      GtkWidget *bar = gtk_level_bar_new_for_interval (0, 1);
      int row = (int) i + 1;

      gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
      gtk_widget_set_hexpand (name, TRUE);
      gtk_widget_set_tooltip_text (name, group->label);
      gtk_grid_attach (self->groups_grid, swatch_new (own, !has_own), 0, row, 1, 1);
      own += has_own ? 1 : 0;
      gtk_grid_attach (self->groups_grid, name, 1, row, 1, 1);
      gtk_grid_attach (self->groups_grid, cell (requests, 1, "numeric"), 2, row, 1, 1);
      gtk_grid_attach (self->groups_grid, cell (tokens, 1, "numeric"), 3, row, 1, 1);
      gtk_grid_attach (self->groups_grid, cell (cost, 1, "numeric"), 4, row, 1, 1);
      gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), share);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
      gtk_widget_set_size_request (bar, 80, -1);
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      gtk_grid_attach (self->groups_grid, bar, 5, row, 1, 1);
      gtk_grid_attach (self->groups_grid, cell (percent, 1, "numeric"), 6, row, 1, 1);
    }
  if (self->groups->len > MAX_TABLE_ROWS)
    {
      g_autofree char *more = g_strdup_printf (_("and %u more"),
                                               self->groups->len - MAX_TABLE_ROWS);

      gtk_grid_attach (self->groups_grid, cell (more, 0, "dim-label"), 1, MAX_TABLE_ROWS + 1,
                       6, 1);
    }
}

static void
show_usage (SyUsagePage *self)
{
  gboolean empty = member_number (self->totals, "requests") <= 0;

  show_figures (self);
  if (empty)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("No requests in the last %d day.",
                                                         "No requests in the last %d days.",
                                                         self->n_days), self->n_days);

      gtk_label_set_text (self->empty_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), empty);
  gtk_widget_set_visible (GTK_WIDGET (self->chart), !empty);
  gtk_widget_set_visible (self->groups_frame, !empty);
  show_chart (self);
  show_table (self);
}

/* --- reading usage ----------------------------------------------------------------------- */

typedef struct
{
  SyUsagePage *self;
  guint        generation;
  int          group;  /* index into groups for a group's days; -1 otherwise */
} Load;

static Load *
load_new (SyUsagePage *self,
          int          group)
{
  Load *load = g_new0 (Load, 1);

  load->self = g_object_ref (self);
  load->generation = self->generation;
  load->group = group;
  self->pending++;
  return load;
}

static void
load_free (Load *load)
{
  g_object_unref (load->self);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Load, load_free)

static void
call_usage (SyUsagePage         *self,
            const char          *group_by,
            Group               *filter,
            GAsyncReadyCallback  callback,
            Load                *load)
{
  g_autoptr(GString) path = g_string_new ("/api/usage?limit=0&from=");

  g_string_append (path, self->days->pdata[0]);
  g_string_append_printf (path, "&groupBy=%s", group_by);
  if (filter != NULL && filter->provider != NULL)
    {
      g_string_append (path, "&provider=");
      g_string_append_uri_escaped (path, filter->provider, NULL, FALSE);
    }
  if (filter != NULL && filter->model != NULL)
    {
      g_string_append (path, "&model=");
      g_string_append_uri_escaped (path, filter->model, NULL, FALSE);
    }
  if (filter != NULL && filter->key_id != NULL)
    {
      g_string_append (path, "&keyId=");
      g_string_append_uri_escaped (path, filter->key_id, NULL, FALSE);
    }
  sy_admin_client_call_async (self->link.client, "GET", path->str, NULL, self->cancellable,
                              callback, load);
}

/* The answer of a call, or NULL when it is stale, cancelled or failed (shown). Counts it
 * done. */
static JsonObject *
finish_load (Load         *load,
             GObject      *source,
             GAsyncResult *result,
             JsonNode    **node)
{
  SyUsagePage *self = load->self;
  g_autoptr(GError) error = NULL;

  *node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      load->generation != self->generation)
    return NULL;
  self->pending--;
  if (*node == NULL)
    {
      self->failed = TRUE;
      sy_label_set_error (self->message_label, error);
      return NULL;
    }
  return JSON_NODE_HOLDS_OBJECT (*node) ? json_node_get_object (*node) : NULL;
}

static void
maybe_done (SyUsagePage *self)
{
  if (self->pending > 0 || self->failed)
    return;
  sy_label_set_message (self->message_label, NULL);
  show_usage (self);
}

/* "groups" of a groupBy=day answer into one array per metric. */
static void
read_days (SyUsagePage *self,
           JsonObject  *answer,
           double      *out[N_METRICS])
{
  JsonArray *days = member_array (answer, "groups");

  for (guint m = 0; m < N_METRICS; m++)
    out[m] = g_new0 (double, self->days->len);
  for (guint i = 0; days != NULL && i < json_array_get_length (days); i++)
    {
      JsonObject *day = json_array_get_object_element (days, i);
      const char *name = day ? json_object_get_string_member_with_default (day, "day", "") : "";
      guint index = GPOINTER_TO_UINT (g_hash_table_lookup (self->day_index, name));
      double values[N_METRICS];

      if (index == 0)
        continue;
      read_metrics (day, values);
      for (guint m = 0; m < N_METRICS; m++)
        out[m][index - 1] = values[m];
    }
}

static void
group_days_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *answer = finish_load (load, source, result, &node);
  Group *group;

  if (answer == NULL)
    return;
  group = load->self->groups->pdata[load->group];
  read_days (load->self, answer, group->per_day);
  maybe_done (load->self);
}

static void
all_days_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *answer = finish_load (load, source, result, &node);

  if (answer == NULL)
    return;
  read_days (load->self, answer, load->self->all);
  maybe_done (load->self);
}

static char *
group_label (SyUsagePage *self,
             Group       *group)
{
  if (g_str_equal (self->group_by, "provider"))
    return sy_format_provider (group->provider ? group->provider : "?");
  if (g_str_equal (self->group_by, "model"))
    return g_strdup_printf ("%s/%s", group->provider ? group->provider : "?",
                            group->model ? group->model : "?");
  if (group->no_key)
    return g_strdup (_("No key"));
  if (self->key_names != NULL && g_hash_table_contains (self->key_names, group->key_id))
    return g_strdup (g_hash_table_lookup (self->key_names, group->key_id));
  return g_strdup (group->key_id);
}

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  const Group *x = *(Group **) a;
  const Group *y = *(Group **) b;

  for (guint m = 0; m < N_METRICS; m++)
    if (x->totals[m] != y->totals[m])
      return x->totals[m] > y->totals[m] ? -1 : 1;
  return 0;
}

static void
groups_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *answer = finish_load (load, source, result, &node);
  SyUsagePage *self = load->self;
  JsonNode *node_totals;
  JsonArray *groups;

  if (answer == NULL)
    return;
  g_clear_pointer (&self->totals, json_object_unref);
  node_totals = json_object_get_member (answer, "totals");
  if (node_totals != NULL && JSON_NODE_HOLDS_OBJECT (node_totals))
    self->totals = json_object_ref (json_node_get_object (node_totals));
  groups = member_array (answer, "groups");
  for (guint i = 0; groups != NULL && i < json_array_get_length (groups); i++)
    {
      JsonObject *object = json_array_get_object_element (groups, i);
      Group *group = g_new0 (Group, 1);

      group->provider = g_strdup (json_object_get_string_member_with_default (object, "provider",
                                                                              NULL));
      if (g_str_equal (self->group_by, "model"))
        group->model = g_strdup (json_object_get_string_member_with_default (object, "model",
                                                                             NULL));
      if (g_str_equal (self->group_by, "key"))
        {
          group->key_id = g_strdup (json_object_get_string_member_with_default (object, "keyId",
                                                                                NULL));
          group->no_key = group->key_id == NULL;
        }
      group->requests = member_number (object, "requests");
      group->errors = member_number (object, "errors");
      read_metrics (object, group->totals);
      group->label = group_label (self, group);
      g_ptr_array_add (self->groups, group);
    }
  g_ptr_array_sort (self->groups, compare_groups);

  /* Each top group's days, except the one no filter can select (it is the remainder). */
  for (guint i = 0; i < MIN (self->groups->len, TOP_GROUPS); i++)
    {
      Group *group = self->groups->pdata[i];

      if (!group->no_key)
        call_usage (self, "day", group, group_days_cb, load_new (self, (int) i));
    }
  maybe_done (self);
}

static void
keys_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  g_autoptr(JsonNode) node = NULL;
  SyUsagePage *self = load->self;
  JsonArray *keys;

  finish_load (load, source, result, &node);
  if (node == NULL || load->generation != self->generation || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  keys = json_node_get_array (node);
  g_clear_pointer (&self->key_names, g_hash_table_unref);
  self->key_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < json_array_get_length (keys); i++)
    {
      JsonObject *key = json_array_get_object_element (keys, i);
      const char *id = key ? json_object_get_string_member_with_default (key, "id", NULL) : NULL;
      const char *name = key ? json_object_get_string_member_with_default (key, "name", NULL)
                             : NULL;

      if (id != NULL && name != NULL)
        g_hash_table_insert (self->key_names, g_strdup (id), g_strdup (name));
    }
  /* Names for groups read before the keys. */
  for (guint i = 0; i < self->groups->len; i++)
    {
      Group *group = self->groups->pdata[i];

      g_free (group->label);
      group->label = group_label (self, group);
    }
  maybe_done (self);
}

static void
load_usage (SyUsagePage *self)
{
  gint64 today = g_get_real_time () / G_USEC_PER_SEC / 86400;

  if (self->link.client == NULL)
    return;
  self->generation++;
  self->pending = 0;
  self->failed = FALSE;
  g_ptr_array_set_size (self->groups, 0);
  g_ptr_array_set_size (self->days, 0);
  g_hash_table_remove_all (self->day_index);
  for (guint m = 0; m < N_METRICS; m++)
    g_clear_pointer (&self->all[m], g_free);
  for (gint64 day = today - self->n_days + 1; day <= today; day++)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (day * 86400);

      g_ptr_array_add (self->days, g_date_time_format (dt, "%Y-%m-%d"));
      g_hash_table_insert (self->day_index, self->days->pdata[self->days->len - 1],
                           GUINT_TO_POINTER (self->days->len));
    }

  /* The keys first, so the groups have their names. */
  if (g_str_equal (self->group_by, "key"))
    sy_admin_client_call_async (self->link.client, "GET", "/api/keys", NULL, self->cancellable,
                                keys_cb, load_new (self, -1));
  call_usage (self, self->group_by, NULL, groups_cb, load_new (self, -1));
  call_usage (self, "day", NULL, all_days_cb, load_new (self, -1));
}

/* --- the switches ------------------------------------------------------------------------ */

static void
period_toggled_cb (SyUsagePage     *self,
                   GtkToggleButton *button)
{
  if (!gtk_toggle_button_get_active (button))
    return;
  self->n_days = button == self->days90_button ? 90 : button == self->days30_button ? 30 : 7;
  load_usage (self);
}

static void
group_toggled_cb (SyUsagePage     *self,
                  GtkToggleButton *button)
{
  if (!gtk_toggle_button_get_active (button))
    return;
  self->group_by = button == self->key_button ? "key"
                   : button == self->model_button ? "model" : "provider";
  load_usage (self);
}

static void
metric_toggled_cb (SyUsagePage     *self,
                   GtkToggleButton *button)
{
  if (!gtk_toggle_button_get_active (button))
    return;
  self->metric = button == self->requests_button ? METRIC_REQUESTS
                 : button == self->tokens_button ? METRIC_TOKENS : METRIC_COST;
  /* The same numbers: no need to ask again, unless they are still on their way. */
  if (self->pending == 0 && !self->failed && self->totals != NULL)
    show_usage (self);
}

/* --- the widget -------------------------------------------------------------------------- */

void
sy_usage_page_refresh (SyUsagePage *self)
{
  g_return_if_fail (SY_IS_USAGE_PAGE (self));

  load_usage (self);
  sy_budgets_box_set_client (self->budgets, self->link.client);
  sy_pricing_editor_set_client (self->pricing, self->link.client);
}

static void
poll (gpointer user_data)
{
  SyUsagePage *self = user_data;

  load_usage (self);
  sy_budgets_box_reload (self->budgets);
}

void
sy_usage_page_set_client (SyUsagePage   *self,
                          SyAdminClient *client)
{
  g_return_if_fail (SY_IS_USAGE_PAGE (self));

  sy_page_link_set_client (&self->link, client);
}

static void
sy_usage_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sy_usage_page_parent_class)->map (widget);
  sy_page_link_mapped (&SY_USAGE_PAGE (widget)->link);
}

static void
sy_usage_page_unmap (GtkWidget *widget)
{
  sy_page_link_unmapped (&SY_USAGE_PAGE (widget)->link);
  GTK_WIDGET_CLASS (sy_usage_page_parent_class)->unmap (widget);
}

static void
sy_usage_page_dispose (GObject *object)
{
  SyUsagePage *self = SY_USAGE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  sy_page_link_clear (&self->link);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SY_TYPE_USAGE_PAGE);
  G_OBJECT_CLASS (sy_usage_page_parent_class)->dispose (object);
}

static void
sy_usage_page_finalize (GObject *object)
{
  SyUsagePage *self = SY_USAGE_PAGE (object);

  g_clear_pointer (&self->days, g_ptr_array_unref);
  g_clear_pointer (&self->day_index, g_hash_table_unref);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  g_clear_pointer (&self->totals, json_object_unref);
  g_clear_pointer (&self->key_names, g_hash_table_unref);
  for (guint m = 0; m < N_METRICS; m++)
    g_clear_pointer (&self->all[m], g_free);
  G_OBJECT_CLASS (sy_usage_page_parent_class)->finalize (object);
}

static void
sy_usage_page_class_init (SyUsagePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sy_usage_page_dispose;
  object_class->finalize = sy_usage_page_finalize;
  widget_class->map = sy_usage_page_map;
  widget_class->unmap = sy_usage_page_unmap;

  g_type_ensure (SY_TYPE_USAGE_CHART);
  g_type_ensure (SY_TYPE_BUDGETS_BOX);
  g_type_ensure (SY_TYPE_PRICING_EDITOR);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/switchyard/Switchyard/ui/sy-usage-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SyUsagePage, scroller);
  gtk_widget_class_bind_template_child (widget_class, SyUsagePage, message_label);
  gtk_widget_class_bind_template_child (widget_class, SyUsagePage, figures_box);
  gtk_widget_class_bind_template_child (widget_class, SyUsagePage, empty_label);
  gtk_widget_class_bind_template_child (widget_class, SyUsagePage, chart);
  gtk_widget_class_bind_template_child (widget_class, SyUsagePage, groups_frame);
  gtk_widget_class_bind_template_child (widget_class, SyUsagePage, groups_grid);
  gtk_widget_class_bind_template_child (widget_class, SyUsagePage, budgets);
  gtk_widget_class_bind_template_child (widget_class, SyUsagePage, pricing);
  gtk_widget_class_bind_template_child (widget_class, SyUsagePage, days7_button);
  gtk_widget_class_bind_template_child (widget_class, SyUsagePage, days30_button);
  gtk_widget_class_bind_template_child (widget_class, SyUsagePage, days90_button);
  gtk_widget_class_bind_template_child (widget_class, SyUsagePage, cost_button);
  gtk_widget_class_bind_template_child (widget_class, SyUsagePage, tokens_button);
  gtk_widget_class_bind_template_child (widget_class, SyUsagePage, requests_button);
  gtk_widget_class_bind_template_child (widget_class, SyUsagePage, provider_button);
  gtk_widget_class_bind_template_child (widget_class, SyUsagePage, model_button);
  gtk_widget_class_bind_template_child (widget_class, SyUsagePage, key_button);
  gtk_widget_class_bind_template_callback (widget_class, period_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, group_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, metric_toggled_cb);
}

static void
sy_usage_page_init (SyUsagePage *self)
{
  self->n_days = 7;
  self->group_by = "provider";
  self->metric = METRIC_COST;
  self->days = g_ptr_array_new_with_free_func (g_free);
  self->day_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < G_N_ELEMENTS (figure_specs); i++)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *value = gtk_label_new ("–");
      GtkWidget *caption = gtk_label_new (_(figure_specs[i].caption));

      gtk_widget_set_name (value, figure_specs[i].name);
      gtk_label_set_xalign (GTK_LABEL (value), 0);
      gtk_widget_add_css_class (value, "title-1");
      gtk_widget_add_css_class (value, "numeric");
      gtk_label_set_xalign (GTK_LABEL (caption), 0);
      gtk_widget_add_css_class (caption, "dim-label");
      gtk_box_append (GTK_BOX (box), value);
      gtk_box_append (GTK_BOX (box), caption);
      gtk_box_append (self->figures_box, box);
      self->figures[i] = GTK_LABEL (value);
    }
  sy_page_link_init (&self->link, GTK_WIDGET (self), POLL_INTERVAL_S,
                     (SyPageLinkFunc) sy_usage_page_refresh, poll);
}

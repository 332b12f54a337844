/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Usage page, driven through its widgets: rows written through the gateway's usage writer
 * show up in the figures, the chart (a day model that adds up, a drawing in the palette's
 * colours, the hovered day's line) and the groups table, which follows the group-by switch;
 * the what-to-show switch changes the chart without asking again; with no rows the page says
 * so in words; a budget shows with its level bar; budgets are added, edited and deleted through
 * the page's window and buttons, as GET /api/usage/budget then says, with problems shown under
 * the field concerned and nothing typed lost; a price saved through the page is what
 * GET /api/pricing returns, and a negative one shows the API's refusal; the chart's numbers
 * read as people write them ($1.85, 6.1k), and its figures in words are what screen readers get.
 */
#define G_LOG_DOMAIN "sy-test"

#include "sy-test-app.h"

#include <string.h>

#include "store/sy-usage-writer.h"
#include "sy-budget-dialog.h"
#include "sy-usage-chart.h"
#include "sy-usage-page.h"

#define DAY_MS (G_GINT64_CONSTANT (86400000))

/* --- data -------------------------------------------------------------------------------- */

static void
write_row (SyTestApp  *t,
           const char *provider,
           const char *model,
           const char *key_id,
           int         days_ago,
           int         status,
           gint64      tokens_input,
           gint64      tokens_output,
           double      cost_usd)
{
  static guint counter;
  SyUsageRecord *r = sy_usage_record_new ();

  /* A second ago, so "today" is today in UTC whatever the time (but midnight's first one). */
  r->timestamp_ms = g_get_real_time () / 1000 - 1000 - days_ago * DAY_MS;
  r->request_id = g_strdup_printf ("req-%u", counter++);
  r->endpoint = g_strdup ("chat/completions");
  r->api_key_id = g_strdup (key_id);
  r->requested_model = g_strdup_printf ("%s/%s", provider, model);
  r->provider = g_strdup (provider);
  r->model = g_strdup (model);
  r->status = status;
  r->tokens_input = tokens_input;
  r->tokens_output = tokens_output;
  r->latency_ms = 120;
  r->cost_usd = cost_usd;
  if (status >= 400)
    r->error_code = g_strdup ("upstream_error");
  sy_usage_writer_submit (sy_gateway_get_usage_writer (sy_test_app_get_gateway (t)), r);
}

/* Six requests over three days: two providers with prices, one without, one error. */
static void
write_rows (SyTestApp *t)
{
  write_row (t, "openai", "gpt-4o", "k1", 0, 200, 1000, 500, 1.0);
  write_row (t, "openai", "gpt-4o", "k1", 1, 200, 2000, 1000, 0.5);
  write_row (t, "openai", "gpt-4o-mini", NULL, 0, 200, 100, 50, 0.25);
  write_row (t, "deepseek", "deepseek-chat", "k2", 2, 200, 3000, 0, 0.1);
  write_row (t, "deepseek", "deepseek-chat", "k2", 0, 500, -1, -1, 0);
  write_row (t, "local", "qwen-test", NULL, 0, 200, 10, 10, -1);
  sy_usage_writer_flush (sy_gateway_get_usage_writer (sy_test_app_get_gateway (t)));
}

/* --- finding things ---------------------------------------------------------------------- */

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
figure_is (GtkWidget  *page,
           const char *name,
           const char *text)
{
  GtkWidget *label = find_named (page, name);

  g_assert_true (GTK_IS_LABEL (label));
  return g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), text) == 0;
}

static GtkWidget *
groups_table (GtkWidget *page)
{
  GtkWidget *table = find_named (page, "groups-table");

  g_assert_true (GTK_IS_GRID (table));
  return table;
}

static SyUsageChart *
get_chart (GtkWidget *page)
{
  GtkWidget *chart = sy_test_find_type (page, SY_TYPE_USAGE_CHART);

  g_assert_nonnull (chart);
  return SY_USAGE_CHART (chart);
}

/* Whether texture holds a pixel of exactly this colour (the chart's bars are flat fills). */
static gboolean
has_colour (GdkTexture    *texture,
            const GdkRGBA *color)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = (gsize) width * 4;
  g_autofree guchar *pixels = g_malloc (stride * height);
  /* gdk_texture_download: GDK_MEMORY_DEFAULT, B G R A in memory on little-endian. */
  guchar r = (guchar) (color->red * 255 + 0.5);
  guchar g = (guchar) (color->green * 255 + 0.5);
  guchar b = (guchar) (color->blue * 255 + 0.5);

  gdk_texture_download (texture, pixels, stride);
  for (gsize i = 0; i < stride * height; i += 4)
    if (pixels[i] == b && pixels[i + 1] == g && pixels[i + 2] == r)
      return TRUE;
  return FALSE;
}

static GdkTexture *
render_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  return gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                      node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

/* The chart's drawing: the image its accessible label and description speak for. */
static GtkAccessible *
chart_drawing (SyUsageChart *chart)
{
  GtkWidget *area = gtk_widget_get_first_child (GTK_WIDGET (chart));

  g_assert_true (GTK_IS_DRAWING_AREA (area));
  return GTK_ACCESSIBLE (area);
}

/* The chart's figures in words are text, and so is its drawing's accessible description. */
static void
assert_chart_says (SyUsageChart *chart,
                   const char   *text)
{
  g_autofree char *summary = sy_usage_chart_dup_summary (chart);

  g_assert_cmpstr (summary, ==, text);
  gtk_test_accessible_assert_property (chart_drawing (chart),
                                       GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text);
}

/* "Tue Nov 24" for today (0), yesterday (1)..., as the chart writes a day. */
static char *
day_name (int days_ago)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) day = g_date_time_add_days (now, -days_ago);

  return g_date_time_format (day, "%a %b %-d");
}

/* --- figures, chart and groups ----------------------------------------------------------- */

static void
figures_body (SyTestApp     *t,
              gconstpointer  data)
{
  GtkWidget *page;
  SyUsageChart *chart;
  g_autoptr(GdkTexture) texture = NULL;
  GdkRGBA first;

  write_rows (t);
  page = sy_test_app_show_page (t, "usage");

  /* The figures: every request of the last 7 days. */
  sy_test_wait_until (figure_is (page, "requests-figure", "6"));
  g_assert_true (figure_is (page, "errors-figure", "1"));
  g_assert_true (figure_is (page, "input-figure", "6.1k"));
  g_assert_true (figure_is (page, "output-figure", "1.6k"));
  g_assert_true (figure_is (page, "cost-figure", "$1.85"));
  g_assert_true (figure_is (page, "unpriced-figure", "1"));

  /* The groups, by provider, dearest first. */
  g_assert_nonnull (sy_test_find_label (groups_table (page), "(openai)"));
  g_assert_nonnull (sy_test_find_label (groups_table (page), "(deepseek)"));
  g_assert_nonnull (sy_test_find_label (groups_table (page), "local"));
  g_assert_nonnull (sy_test_find_label (groups_table (page), "$1.75"));
  g_assert_nonnull (sy_test_find_label (groups_table (page), "94.6 %"));
  g_assert_null (sy_test_find_label (page, "No requests"));

  /* The chart: one bar per day, oldest first, each day's cost whole. */
  chart = get_chart (page);
  g_assert_cmpuint (sy_usage_chart_get_n_days (chart), ==, 7);
  g_assert_cmpuint (sy_usage_chart_get_n_series (chart), ==, 3);
  g_assert_cmpfloat_with_epsilon (sy_usage_chart_get_day_total (chart, 6), 1.25, 1e-9);
  g_assert_cmpfloat_with_epsilon (sy_usage_chart_get_day_total (chart, 5), 0.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (sy_usage_chart_get_day_total (chart, 4), 0.1, 1e-9);
  g_assert_cmpfloat_with_epsilon (sy_usage_chart_get_day_total (chart, 0), 0, 1e-9);
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");

    g_assert_cmpstr (sy_usage_chart_get_day (chart, 6), ==, today);
  }
  sy_usage_chart_set_hover (chart, 6);
  g_assert_nonnull (strstr (sy_usage_chart_get_detail (chart), ": $1.25 in all"));
  g_assert_nonnull (strstr (sy_usage_chart_get_detail (chart), "OpenAI (openai) $1.25"));
  sy_usage_chart_set_hover (chart, -1);

  /* The same in words, for screen readers: what is shown, and its figures. */
  {
    g_autofree char *today = day_name (0);
    g_autofree char *expected = g_strdup_printf (
      "Cost per day by provider, last 7 days: $1.85 in all. Highest day: %s, $1.25. "
      "Largest group: OpenAI (openai), $1.75.", today);

    gtk_test_accessible_assert_property (chart_drawing (chart), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                         "Cost per day by provider, last 7 days");
    assert_chart_says (chart, expected);
  }

  /* It draws, in the palette's first colour for the dearest provider. */
  sy_test_wait_until (gtk_widget_get_mapped (GTK_WIDGET (chart)) &&
                      gtk_widget_get_height (GTK_WIDGET (chart)) > 100);
  texture = render_widget (GTK_WIDGET (chart));
  sy_usage_chart_get_color (0, FALSE, &first);
  g_assert_true (has_colour (texture, &first));

  /* What to show: requests, from the numbers already read. */
  sy_test_click (sy_test_find_button (page, "Requests"));
  g_assert_cmpfloat_with_epsilon (sy_usage_chart_get_day_total (chart, 6), 4, 1e-9);
  g_assert_nonnull (sy_test_find_label (groups_table (page), "Share of requests"));
  {
    g_autofree char *today = day_name (0);
    g_autofree char *expected = g_strdup_printf (
      "Requests per day by provider, last 7 days: 6 in all. Highest day: %s, 4. "
      "Largest group: OpenAI (openai), 3.", today);

    assert_chart_says (chart, expected);
  }
  sy_test_click (sy_test_find_button (page, "Tokens"));
  g_assert_cmpfloat_with_epsilon (sy_usage_chart_get_day_total (chart, 5), 3000, 1e-9);

  /* Group by model: the table follows. */
  sy_test_click (sy_test_find_button (page, "By model"));
  sy_test_wait_until (sy_test_find_label (groups_table (page), "openai/gpt-4o-mini") != NULL);
  g_assert_nonnull (sy_test_find_label (groups_table (page), "deepseek/deepseek-chat"));
  g_assert_null (sy_test_find_label (groups_table (page), "(openai)"));
  g_assert_cmpuint (sy_usage_chart_get_n_series (chart), ==, 4);
  g_assert_cmpfloat_with_epsilon (sy_usage_chart_get_day_total (chart, 6), 1670, 1e-9);
  gtk_test_accessible_assert_property (chart_drawing (chart), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Tokens per day by model, last 7 days");
  {
    g_autofree char *two_days_ago = day_name (2);   /* 3k, as yesterday: the first one */
    g_autofree char *expected = g_strdup_printf (
      "Tokens per day by model, last 7 days: 7.7k in all. Highest day: %s, 3k. "
      "Largest group: openai/gpt-4o, 4.5k.", two_days_ago);

    assert_chart_says (chart, expected);
  }

  /* By key: requests without one are a group of their own. */
  sy_test_click (sy_test_find_button (page, "By API key"));
  sy_test_wait_until (sy_test_find_label (groups_table (page), "No key") != NULL);
  g_assert_nonnull (sy_test_find_label (groups_table (page), "k1"));
  g_assert_nonnull (sy_test_find_label (groups_table (page), "k2"));
  g_assert_null (sy_test_find_label (groups_table (page), "gpt-4o"));
  g_assert_cmpfloat_with_epsilon (sy_usage_chart_get_day_total (chart, 6), 1670, 1e-9);
}

static void
test_figures (void)
{
  sy_test_app_run (figures_body, NULL, NULL);
}

/* --- nothing yet, and budgets ------------------------------------------------------------ */

static void
empty_body (SyTestApp     *t,
            gconstpointer  data)
{
  GtkWidget *page = sy_test_app_show_page (t, "usage");
  g_autoptr(JsonNode) key = sy_test_app_call_api (t, "POST", "/api/keys",
                                                  "{\"name\": \"laptop\"}");
  const char *key_id = json_object_get_string_member (json_node_get_object (key), "id");
  g_autofree char *budget = g_strdup_printf ("{\"keyId\": \"%s\", \"limit\": 50,"
                                             " \"period\": \"monthly\"}", key_id);
  g_autoptr(JsonNode) created = sy_test_app_call_api (t, "POST", "/api/usage/budget", budget);
  GtkWidget *row;

  sy_test_wait_until (sy_test_find_label (page, "No requests in the last 7 days.") != NULL);
  g_assert_true (figure_is (page, "requests-figure", "0"));
  g_assert_true (figure_is (page, "cost-figure", "$0.00"));
  g_assert_null (sy_test_find_type (page, SY_TYPE_USAGE_CHART));  /* hidden */
  sy_test_click (sy_test_find_button (page, "30 days"));
  sy_test_wait_until (sy_test_find_label (page, "No requests in the last 30 days.") != NULL);

  /* The budget, read when the page is refreshed. */
  sy_usage_page_refresh (SY_USAGE_PAGE (page));
  sy_test_wait_until (sy_test_find_row (page, "laptop, monthly") != NULL);
  row = sy_test_find_row (page, "laptop, monthly");
  g_assert_nonnull (sy_test_find_label (row, "$0.00 of $50.00 spent (0%)"));
  g_assert_nonnull (sy_test_find_type (row, GTK_TYPE_LEVEL_BAR));
}

static void
test_empty (void)
{
  sy_test_app_run (empty_body, NULL, NULL);
}

/* --- editing budgets --------------------------------------------------------------------- */

/* The stored budget of key_id for period (through GET /api/usage/budget), or NULL. */
static JsonObject *
stored_budget (SyTestApp  *t,
               const char *key_id,
               const char *period)
{
  g_autoptr(JsonNode) list = sy_test_app_call_api (t, "GET", "/api/usage/budget", NULL);
  JsonArray *array = json_node_get_array (list);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *budget = json_array_get_object_element (array, i);

      if (g_str_equal (json_object_get_string_member (budget, "keyId"), key_id) &&
          g_str_equal (json_object_get_string_member (budget, "period"), period))
        return json_object_ref (budget);
    }
  return NULL;
}

static guint
n_stored_budgets (SyTestApp *t)
{
  g_autoptr(JsonNode) list = sy_test_app_call_api (t, "GET", "/api/usage/budget", NULL);

  return json_array_get_length (json_node_get_array (list));
}

/* A new inbound API key named name; returns its id. */
static char *
add_key (SyTestApp  *t,
         const char *name)
{
  g_autofree char *body = g_strdup_printf ("{\"name\": \"%s\"}", name);
  g_autoptr(JsonNode) key = sy_test_app_call_api (t, "POST", "/api/keys", body);

  return g_strdup (json_object_get_string_member (json_node_get_object (key), "id"));
}

static GtkWidget *
open_budget_dialog (GtkWidget  *root,
                    const char *button)
{
  sy_test_click (sy_test_find_button (root, button));
  sy_test_wait_until (sy_test_find_window (SY_TYPE_BUDGET_DIALOG) != NULL);
  return GTK_WIDGET (sy_test_find_window (SY_TYPE_BUDGET_DIALOG));
}

static void
close_budget_dialog (GtkWidget *dialog)
{
  sy_test_click (sy_test_find_button (dialog, "Cancel"));
  sy_test_wait_until (sy_test_find_window (SY_TYPE_BUDGET_DIALOG) == NULL);
}

static void
budget_add_body (SyTestApp     *t,
                 gconstpointer  data)
{
  GtkWidget *page = sy_test_app_show_page (t, "usage");
  GtkWidget *dialog, *amount, *period, *warning;
  g_autoptr(JsonObject) stored = NULL;
  g_autofree char *key_id = NULL;
  GtkWidget *row;

  sy_test_wait_until (sy_test_find_label (page, "No budgets") != NULL);

  /* Without a key there is nothing a budget could belong to: the window says so. */
  dialog = open_budget_dialog (page, "Add budget…");
  sy_test_wait_until (sy_test_find_label (dialog, "There are no API keys yet") != NULL);
  g_assert_nonnull (sy_test_find_message_under (dialog, sy_test_find_field (dialog, "API key"),
                                                "There are no API keys yet"));
  g_assert_false (gtk_widget_is_sensitive (sy_test_find_button (dialog, "Add")));
  close_budget_dialog (dialog);

  key_id = add_key (t, "laptop");
  dialog = open_budget_dialog (page, "Add budget…");
  sy_test_wait_until (gtk_widget_is_sensitive (sy_test_find_button (dialog, "Add")));
  amount = sy_test_find_field (dialog, "Amount");
  period = sy_test_find_field (dialog, "Period");
  warning = sy_test_find_field (dialog, "Warn at");
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (period)), ==, 2);  /* monthly */

  /* What is checked here never leaves the window. */
  sy_test_click (sy_test_find_button (dialog, "Add"));
  g_assert_nonnull (sy_test_find_message_under (dialog, amount,
                                                "Enter the most the key may spend"));
  gtk_editable_set_text (GTK_EDITABLE (amount), "cheap");
  sy_test_click (sy_test_find_button (dialog, "Add"));
  g_assert_nonnull (sy_test_find_message_under (dialog, amount, "“cheap” is not a number"));
  g_assert_null (sy_test_find_label (dialog, "Enter the most"));
  gtk_editable_set_text (GTK_EDITABLE (amount), "-5");
  sy_test_click (sy_test_find_button (dialog, "Add"));
  g_assert_nonnull (sy_test_find_message_under (dialog, amount,
                                                "The amount must be more than zero."));
  g_assert_cmpuint (n_stored_budgets (t), ==, 0);

  /* What the API refuses shows under its field, and what was typed stays. */
  gtk_editable_set_text (GTK_EDITABLE (amount), "2000000000");
  sy_test_click (sy_test_find_button (dialog, "Add"));
  sy_test_wait_until (sy_test_find_label (dialog, "is out of range") != NULL);
  g_assert_nonnull (sy_test_find_message_under (dialog, amount, "2e+09 is out of range"));
  g_assert_null (sy_test_find_label (dialog, "more than zero"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (amount)), ==, "2000000000");
  g_assert_true (sy_test_find_window (SY_TYPE_BUDGET_DIALOG) == GTK_WINDOW (dialog));
  g_assert_cmpuint (n_stored_budgets (t), ==, 0);

  /* A weekly budget of $25.50 that warns at half. */
  gtk_editable_set_text (GTK_EDITABLE (amount), "25,5");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (period), 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (warning), 50);
  sy_test_click (sy_test_find_button (dialog, "Add"));
  sy_test_wait_until (sy_test_find_window (SY_TYPE_BUDGET_DIALOG) == NULL);
  stored = stored_budget (t, key_id, "weekly");
  g_assert_nonnull (stored);
  g_assert_cmpfloat (json_object_get_double_member (stored, "limit"), ==, 25.5);
  g_assert_cmpfloat (json_object_get_double_member (stored, "warningAt"), ==, 0.5);
  g_assert_cmpuint (n_stored_budgets (t), ==, 1);
  sy_test_wait_until (sy_test_find_row (page, "laptop, weekly") != NULL);
  row = sy_test_find_row (page, "laptop, weekly");
  g_assert_nonnull (sy_test_find_label (row, "$0.00 of $25.50 spent (0%)"));

  /* Adding it again would replace it: the window says so instead. */
  dialog = open_budget_dialog (page, "Add budget…");
  sy_test_wait_until (gtk_widget_is_sensitive (sy_test_find_button (dialog, "Add")));
  gtk_editable_set_text (GTK_EDITABLE (sy_test_find_field (dialog, "Amount")), "10");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (sy_test_find_field (dialog, "Period")), 1);
  sy_test_click (sy_test_find_button (dialog, "Add"));
  g_assert_nonnull (sy_test_find_message_under (dialog, sy_test_find_field (dialog, "Period"),
                                                "already has a budget for this period"));
  close_budget_dialog (dialog);
  g_clear_pointer (&stored, json_object_unref);
  stored = stored_budget (t, key_id, "weekly");
  g_assert_cmpfloat (json_object_get_double_member (stored, "limit"), ==, 25.5);
}

static void
test_budget_add (void)
{
  sy_test_app_run (budget_add_body, NULL, NULL);
}

static void
budget_edit_delete_body (SyTestApp     *t,
                         gconstpointer  data)
{
  GtkWidget *page = sy_test_app_show_page (t, "usage");
  g_autofree char *key_id = add_key (t, "laptop");
  g_autofree char *budget = g_strdup_printf ("{\"keyId\": \"%s\", \"limit\": 50,"
                                             " \"period\": \"monthly\", \"warningAt\": 0.9}",
                                             key_id);
  g_autofree char *path = g_strdup_printf ("/api/usage/budget?keyId=%s&period=monthly", key_id);
  g_autoptr(JsonObject) stored = NULL;
  GtkWidget *row, *dialog, *amount;

  json_node_unref (sy_test_app_call_api (t, "POST", "/api/usage/budget", budget));
  sy_usage_page_refresh (SY_USAGE_PAGE (page));
  sy_test_wait_until (sy_test_find_row (page, "laptop, monthly") != NULL);
  row = sy_test_find_row (page, "laptop, monthly");

  /* Edit: the key and period are the budget's own; the amount and threshold change. */
  dialog = open_budget_dialog (row, "Edit");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Edit budget");
  amount = sy_test_find_field (dialog, "Amount");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (amount)), ==, "50");
  g_assert_cmpfloat (gtk_spin_button_get_value (
                       GTK_SPIN_BUTTON (sy_test_find_field (dialog, "Warn at"))), ==, 90);
  g_assert_false (gtk_widget_is_sensitive (sy_test_find_field (dialog, "Period")));
  g_assert_false (gtk_widget_is_sensitive (sy_test_find_field (dialog, "API key")));
  gtk_editable_set_text (GTK_EDITABLE (amount), "75");
  sy_test_click (sy_test_find_button (dialog, "Save"));
  sy_test_wait_until (sy_test_find_window (SY_TYPE_BUDGET_DIALOG) == NULL);
  stored = stored_budget (t, key_id, "monthly");
  g_assert_cmpfloat (json_object_get_double_member (stored, "limit"), ==, 75);
  g_assert_cmpfloat (json_object_get_double_member (stored, "warningAt"), ==, 0.9);
  g_assert_cmpuint (n_stored_budgets (t), ==, 1);
  sy_test_wait_until (sy_test_find_label (page, "$0.00 of $75.00 spent") != NULL);

  /* Saving a budget deleted meanwhile: the API's 404 above the form, nothing made again. */
  row = sy_test_find_row (page, "laptop, monthly");
  dialog = open_budget_dialog (row, "Edit");
  json_node_unref (sy_test_app_call_api (t, "DELETE", path, NULL));
  sy_test_click (sy_test_find_button (dialog, "Save"));
  sy_test_wait_until (sy_test_find_label (dialog, "has no monthly budget") != NULL);
  g_assert_cmpuint (n_stored_budgets (t), ==, 0);
  close_budget_dialog (dialog);

  /* Delete asks first: Cancel keeps it, Delete removes it. */
  json_node_unref (sy_test_app_call_api (t, "POST", "/api/usage/budget", budget));
  sy_usage_page_refresh (SY_USAGE_PAGE (page));
  sy_test_wait_until (sy_test_find_label (page, "$0.00 of $50.00 spent") != NULL);
  sy_test_confirm (sy_test_find_row (page, "laptop, monthly"), "Delete",
                   "Delete the budget “laptop, monthly”?", GTK_RESPONSE_CANCEL);
  sy_test_drain ();
  g_assert_cmpuint (n_stored_budgets (t), ==, 1);
  sy_test_confirm (sy_test_find_row (page, "laptop, monthly"), "Delete",
                   "Delete the budget “laptop, monthly”?", GTK_RESPONSE_ACCEPT);
  sy_test_wait_until (sy_test_find_label (page, "No budgets") != NULL);
  g_assert_null (sy_test_find_row (page, "laptop, monthly"));
  g_assert_cmpuint (n_stored_budgets (t), ==, 0);
}

static void
test_budget_edit_delete (void)
{
  sy_test_app_run (budget_edit_delete_body, NULL, NULL);
}

/* --- the pricing table ------------------------------------------------------------------- */

static GtkEditable *
entry_for (GtkWidget  *page,
           const char *mnemonic_label)
{
  GtkWidget *label = sy_test_find_label (page, mnemonic_label);

  g_assert_nonnull (label);
  return GTK_EDITABLE (gtk_label_get_mnemonic_widget (GTK_LABEL (label)));
}

static double
stored_input_price (SyTestApp  *t,
                    const char *model)
{
  g_autofree char *path = g_strdup_printf ("/api/pricing?provider=local&model=%s", model);
  g_autoptr(JsonNode) prices = sy_test_app_call_api (t, "GET", path, NULL);
  JsonArray *array = json_node_get_array (prices);

  if (json_array_get_length (array) == 0)
    return -1;
  return json_object_get_double_member (json_array_get_object_element (array, 0),
                                        "inputPerMTok");
}

static void
pricing_body (SyTestApp     *t,
              gconstpointer  data)
{
  GtkWidget *page = sy_test_app_show_page (t, "usage");
  GtkWidget *list = find_named (page, "prices-list");
  GtkWidget *row;

  /* The defaults are listed. */
  sy_test_wait_until (sy_test_find_row (list, "openai/gpt-4o") != NULL);
  g_assert_cmpfloat (stored_input_price (t, "qwen-test"), ==, -1);

  gtk_editable_set_text (entry_for (page, "Provider"), "local");
  gtk_editable_set_text (entry_for (page, "Model"), "qwen-test");
  gtk_editable_set_text (entry_for (page, "Input $"), "0.2");
  gtk_editable_set_text (entry_for (page, "Output $"), "0,8");
  sy_test_click (sy_test_find_button (page, "Save price"));
  sy_test_wait_until (sy_test_find_label (page, "Saved: local/qwen-test costs $0.20") != NULL);
  g_assert_cmpfloat (stored_input_price (t, "qwen-test"), ==, 0.2);
  sy_test_wait_until (sy_test_find_row (list, "local/qwen-test") != NULL);
  row = sy_test_find_row (list, "local/qwen-test");
  g_assert_nonnull (sy_test_find_label (row, "$0.20 input · $0.80 output · $0.20 cached input"));

  /* A negative price: the API's words, with the field named as on the page. */
  gtk_editable_set_text (entry_for (page, "Input $"), "-1");
  sy_test_click (sy_test_find_button (page, "Save price"));
  sy_test_wait_until (sy_test_find_label (page, "Input price: -1 is out of range") != NULL);
  g_assert_nonnull (sy_test_find_label (page, "Nothing was changed."));
  g_assert_cmpfloat (stored_input_price (t, "qwen-test"), ==, 0.2);

  /* Not a number never leaves the page. */
  gtk_editable_set_text (entry_for (page, "Input $"), "cheap");
  sy_test_click (sy_test_find_button (page, "Save price"));
  g_assert_nonnull (sy_test_find_label (page, "\"cheap\" is not a number"));

  /* Edit fills the form with the row's price. */
  gtk_editable_set_text (entry_for (page, "Provider"), "");
  sy_test_click (sy_test_find_icon_button (row, "document-edit-symbolic"));
  g_assert_cmpstr (gtk_editable_get_text (entry_for (page, "Provider")), ==, "local");
  g_assert_cmpstr (gtk_editable_get_text (entry_for (page, "Input $")), ==, "0.2");

  /* Remove deletes it. */
  sy_test_click (sy_test_find_icon_button (row, "user-trash-symbolic"));
  sy_test_wait_until (sy_test_find_label (page, "Removed.") != NULL);
  g_assert_cmpfloat (stored_input_price (t, "qwen-test"), ==, -1);
  sy_test_wait_until (sy_test_find_row (list, "local/qwen-test") == NULL);
}

static void
test_pricing (void)
{
  sy_test_app_run (pricing_body, NULL, NULL);
}

/* --- numbers for people ------------------------------------------------------------------ */

static void
test_format (void)
{
  static const struct { SyUsageChartUnit unit; double value; const char *text; } cases[] = {
    { SY_USAGE_CHART_USD, 0, "$0.00" },
    { SY_USAGE_CHART_USD, 1.85, "$1.85" },
    { SY_USAGE_CHART_USD, 0.0012, "$0.0012" },
    { SY_USAGE_CHART_USD, 0.00001, "< $0.0001" },
    { SY_USAGE_CHART_USD, 12.5, "$12.50" },
    { SY_USAGE_CHART_TOKENS, 950, "950" },
    { SY_USAGE_CHART_TOKENS, 6110, "6.1k" },
    { SY_USAGE_CHART_TOKENS, 25000, "25k" },
    { SY_USAGE_CHART_TOKENS, 2500000, "2.5M" },
    { SY_USAGE_CHART_TOKENS, 3e9, "3B" },
    { SY_USAGE_CHART_COUNT, 12, "12" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = sy_usage_chart_format (cases[i].unit, cases[i].value);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* The chart in words, from fixed data: the total, the highest day, the largest group. */
static void
test_summary (void)
{
  static const char * const days[] = { "2026-11-21", "2026-11-22", "2026-11-23" };
  static const char * const labels[] = { "OpenAI (openai)", "DeepSeek (ds)", "Other" };
  static const double a[] = { 1, 0.5, 0 };
  static const double b[] = { 0, 2, 0.25 };
  static const double c[] = { -1, 0.01, 0 };   /* negatives count as nothing */
  static const double zero[] = { 0, 0, 0 };
  const double *values[] = { a, b, c };
  const double *none[] = { zero };
  g_autofree char *text = NULL;

  text = sy_usage_chart_summarize ("Cost per day by provider, last 3 days", SY_USAGE_CHART_USD,
                                   days, 3, labels, values, 3);
  g_assert_cmpstr (text, ==, "Cost per day by provider, last 3 days: $3.76 in all. "
                             "Highest day: Sun Nov 22, $2.51. "
                             "Largest group: DeepSeek (ds), $2.25.");
  g_clear_pointer (&text, g_free);

  text = sy_usage_chart_summarize ("Tokens", SY_USAGE_CHART_TOKENS, days, 3, labels, values, 1);
  g_assert_cmpstr (text, ==, "Tokens: 2 in all. Highest day: Sat Nov 21, 1. "
                             "Largest group: OpenAI (openai), 2.");
  g_clear_pointer (&text, g_free);

  text = sy_usage_chart_summarize ("Requests", SY_USAGE_CHART_COUNT, days, 3, labels, none, 1);
  g_assert_cmpstr (text, ==, "Requests: nothing to show.");
  g_clear_pointer (&text, g_free);

  text = sy_usage_chart_summarize (NULL, SY_USAGE_CHART_COUNT, NULL, 0, NULL, NULL, 0);
  g_assert_cmpstr (text, ==, "Usage per day: nothing to show.");
}

int
main (int   argc,
      char *argv[])
{
  /* GTK's test accessibility backend keeps what widgets tell screen readers, so the cases can
   * read the chart's label and description back (tests/run-headless.sh turns it off). */
  g_setenv ("GTK_A11Y", "test", TRUE);
  if (!sy_test_app_init (&argc, &argv))
    {
      g_print ("1..0 # SKIP no display (run under tests/run-headless.sh)\n");
      return 0;
    }

  g_test_add_func ("/sy/ui/usage/format", test_format);
  g_test_add_func ("/sy/ui/usage/summary", test_summary);
  g_test_add_func ("/sy/ui/usage/figures", test_figures);
  g_test_add_func ("/sy/ui/usage/empty", test_empty);
  g_test_add_func ("/sy/ui/usage/budget-add", test_budget_add);
  g_test_add_func ("/sy/ui/usage/budget-edit-delete", test_budget_edit_delete);
  g_test_add_func ("/sy/ui/usage/pricing", test_pricing);
  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Usage page, driven through its widgets: rows written through the gateway's usage writer
 * show up in the figures, the chart (a day model that adds up, a drawing in the palette's
 * colours, the hovered day's line) and the groups table, which follows the group-by switch;
 * the what-to-show switch changes the chart without asking again; with no rows the page says
 * so in words; a budget shows with its level bar; a price saved through the page is what
 * GET /api/pricing returns, and a negative one shows the API's refusal; the chart's numbers
 * read as people write them ($1.85, 6.1k).
 */
#define G_LOG_DOMAIN "sy-test"

#include "sy-test-app.h"

#include <string.h>

#include "store/sy-usage-writer.h"
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

typedef struct
{
  JsonNode *node;
  GError   *error;
  gboolean  done;
} Call;

static void
called_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;

  call->node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result, &call->error);
  call->done = TRUE;
}

/* The management API's answer to method path [body]. */
static JsonNode *
call_api (SyTestApp  *t,
          const char *method,
          const char *path,
          const char *body)
{
  g_autoptr(JsonNode) json = body ? json_from_string (body, NULL) : NULL;
  Call call = { 0 };

  sy_admin_client_call_async (sy_application_get_client (t->app), method, path, json, NULL,
                              called_cb, &call);
  sy_test_wait_until (call.done);
  g_assert_no_error (call.error);
  return call.node;
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
  sy_test_click (sy_test_find_button (page, "Tokens"));
  g_assert_cmpfloat_with_epsilon (sy_usage_chart_get_day_total (chart, 5), 3000, 1e-9);

  /* Group by model: the table follows. */
  sy_test_click (sy_test_find_button (page, "By model"));
  sy_test_wait_until (sy_test_find_label (groups_table (page), "openai/gpt-4o-mini") != NULL);
  g_assert_nonnull (sy_test_find_label (groups_table (page), "deepseek/deepseek-chat"));
  g_assert_null (sy_test_find_label (groups_table (page), "(openai)"));
  g_assert_cmpuint (sy_usage_chart_get_n_series (chart), ==, 4);
  g_assert_cmpfloat_with_epsilon (sy_usage_chart_get_day_total (chart, 6), 1670, 1e-9);

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
  g_autoptr(JsonNode) key = call_api (t, "POST", "/api/keys", "{\"name\": \"laptop\"}");
  const char *key_id = json_object_get_string_member (json_node_get_object (key), "id");
  g_autofree char *budget = g_strdup_printf ("{\"keyId\": \"%s\", \"limit\": 50,"
                                             " \"period\": \"monthly\"}", key_id);
  g_autoptr(JsonNode) created = call_api (t, "POST", "/api/usage/budget", budget);
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
  g_autoptr(JsonNode) prices = call_api (t, "GET", path, NULL);
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

int
main (int   argc,
      char *argv[])
{
  if (!sy_test_app_init (&argc, &argv))
    {
      g_print ("1..0 # SKIP no display (run under tests/run-headless.sh)\n");
      return 0;
    }

  g_test_add_func ("/sy/ui/usage/format", test_format);
  g_test_add_func ("/sy/ui/usage/figures", test_figures);
  g_test_add_func ("/sy/ui/usage/empty", test_empty);
  g_test_add_func ("/sy/ui/usage/pricing", test_pricing);
  return g_test_run ();
}

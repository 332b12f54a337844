/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Usage page's chart: a GtkDrawingArea drawn with cairo (stacked bars per day, a value axis
 * with round steps, day labels that never overlap), a legend and a line for the hovered day.
 * Text takes the theme's foreground colour; the bars a fixed palette. The drawing's accessible
 * label and description say the same in words, kept up to date with the data. Holds plain
 * numbers only: no API, no I/O.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-usage-chart.h"

#include <glib/gi18n.h>
#include <math.h>

#define CHART_HEIGHT 220
#define BAR_FRACTION 0.7

/* Okabe & Ito, "Color Universal Design" (2008): told apart with every common colour-vision
 * deficiency. Yellow is left out: it vanishes on a light background. */
static const GdkRGBA palette[] = {
  { 0xE6 / 255.0, 0x9F / 255.0, 0x00 / 255.0, 1 },  /* orange */
  { 0x56 / 255.0, 0xB4 / 255.0, 0xE9 / 255.0, 1 },  /* sky blue */
  { 0x00 / 255.0, 0x9E / 255.0, 0x73 / 255.0, 1 },  /* bluish green */
  { 0x00 / 255.0, 0x72 / 255.0, 0xB2 / 255.0, 1 },  /* blue */
  { 0xD5 / 255.0, 0x5E / 255.0, 0x00 / 255.0, 1 },  /* vermillion */
  { 0xCC / 255.0, 0x79 / 255.0, 0xA7 / 255.0, 1 },  /* reddish purple */
};
static const GdkRGBA other_color = { 0.6, 0.6, 0.6, 1 };

typedef struct
{
  char    *label;
  double  *values;  /* one per day */
  gboolean other;
  guint    index;   /* colour */
} Series;

struct _SyUsageChart
{
  GtkWidget         parent_instance;

  GtkWidget        *area;
  GtkWidget        *legend;
  GtkWidget        *detail;

  SyUsageChartUnit  unit;
  char             *title;
  GPtrArray        *days;    /* char*, "2026-11-23" */
  GPtrArray        *series;  /* Series* */
  int               hover;   /* day, or -1 */
  double            enter_x; /* where the pointer came in: no move yet, no hover */
  double            enter_y;
  gboolean          moved;
  /* Where the last draw put the bars, for the pointer. */
  double            plot_left;
  double            slot;
};

G_DEFINE_FINAL_TYPE (SyUsageChart, sy_usage_chart, GTK_TYPE_WIDGET)

static void
series_free (Series *series)
{
  g_free (series->label);
  g_free (series->values);
  g_free (series);
}

/* --- numbers ----------------------------------------------------------------------------- */

/* "12.5k", "3M": one decimal, none when it is zero. */
static char *
format_short (double value,
              double unit,
              const char *suffix)
{
  double scaled = value / unit;

  if (fabs (scaled - round (scaled)) < 0.05)
    return g_strdup_printf ("%.0f%s", round (scaled), suffix);
  return g_strdup_printf ("%.1f%s", scaled, suffix);
}

char *
sy_usage_chart_format (SyUsageChartUnit unit,
                       double           value)
{
  double magnitude = fabs (value);

  switch (unit)
    {
    case SY_USAGE_CHART_USD:
      /* Cents, unless that would show a real cost as nothing. */
      if (magnitude > 0 && magnitude < 0.00005)
        return g_strdup (value > 0 ? "< $0.0001" : "> -$0.0001");
      if (magnitude > 0 && magnitude < 0.005)
        return g_strdup_printf ("$%.4f", value);
      return g_strdup_printf ("$%.2f", value);
    case SY_USAGE_CHART_TOKENS:
      if (magnitude >= 1e9)
        return format_short (value, 1e9, "B");
      if (magnitude >= 1e6)
        return format_short (value, 1e6, "M");
      if (magnitude >= 1e3)
        return format_short (value, 1e3, "k");
      return g_strdup_printf ("%.0f", value);
    case SY_USAGE_CHART_COUNT:
    default:
      return g_strdup_printf ("%.0f", value);
    }
}

/* A round step (1, 2, 2.5 or 5 times a power of ten) that splits max into about 4. */
static double
nice_step (double           max,
           SyUsageChartUnit unit)
{
  double smallest = unit == SY_USAGE_CHART_USD ? 0.01 : 1;
  double raw = max / 4;
  double magnitude, fraction, step;

  if (!(raw > smallest))
    return smallest;
  magnitude = pow (10, floor (log10 (raw)));
  fraction = raw / magnitude;
  if (fraction <= 1)
    step = magnitude;
  else if (fraction <= 2)
    step = 2 * magnitude;
  else if (fraction <= 2.5)
    step = 2.5 * magnitude;
  else if (fraction <= 5)
    step = 5 * magnitude;
  else
    step = 10 * magnitude;
  if (unit != SY_USAGE_CHART_USD && step < 10)
    step = ceil (step);  /* no half requests */
  return MAX (step, smallest);
}

/* "Nov 23" (short) or "Mon Nov 23" for "2026-11-23"; the string itself if it is no date. */
static char *
format_day (const char *day,
            gboolean    with_weekday)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autofree char *iso = g_strconcat (day, "T00:00:00Z", NULL);
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, utc);

  if (dt == NULL)
    return g_strdup (day);
  /* Translators: a day on the usage chart's axis; strftime-like, see g_date_time_format. */
  return g_date_time_format (dt, with_weekday ? _("%a %b %-d") : _("%b %-d"));
}

double
sy_usage_chart_get_day_total (SyUsageChart *self,
                              guint         day)
{
  double total = 0;

  g_return_val_if_fail (SY_IS_USAGE_CHART (self), 0);
  g_return_val_if_fail (day < self->days->len, 0);

  for (guint i = 0; i < self->series->len; i++)
    total += MAX (0, ((Series *) self->series->pdata[i])->values[day]);
  return total;
}

void
sy_usage_chart_get_color (guint     index,
                          gboolean  other,
                          GdkRGBA  *color)
{
  g_return_if_fail (color != NULL);

  *color = other ? other_color : palette[index % G_N_ELEMENTS (palette)];
}

/* --- in words ---------------------------------------------------------------------------- */

char *
sy_usage_chart_summarize (const char          *title,
                          SyUsageChartUnit     unit,
                          const char * const  *days,
                          guint                n_days,
                          const char * const  *labels,
                          const double * const *values,
                          guint                n_series)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *total_text = NULL;
  g_autofree char *day_text = NULL;
  g_autofree char *day_value = NULL;
  g_autofree char *top_value = NULL;
  double total = 0, best_day = 0, best_series = 0;
  int top_day = -1, top_series = -1;

  g_return_val_if_fail (days != NULL || n_days == 0, NULL);
  g_return_val_if_fail ((labels != NULL && values != NULL) || n_series == 0, NULL);

  for (guint d = 0; d < n_days; d++)
    {
      double sum = 0;

      for (guint s = 0; s < n_series; s++)
        sum += MAX (0, values[s][d]);
      total += sum;
      if (sum > best_day)
        {
          best_day = sum;
          top_day = (int) d;
        }
    }
  for (guint s = 0; s < n_series; s++)
    {
      double sum = 0;

      for (guint d = 0; d < n_days; d++)
        sum += MAX (0, values[s][d]);
      if (sum > best_series)
        {
          best_series = sum;
          top_series = (int) s;
        }
    }

  if (title == NULL)
    title = _("Usage per day");
  if (top_day < 0)
    {
      /* Translators: the usage chart in words when every day is zero; %s is its title. */
      g_string_printf (text, _("%s: nothing to show."), title);
      return g_string_free (g_steal_pointer (&text), FALSE);
    }
  total_text = sy_usage_chart_format (unit, total);
  /* Translators: the usage chart in words: "Cost per day by provider, last 7 days: $1.85 in
   * all." */
  g_string_printf (text, _("%s: %s in all."), title, total_text);
  day_text = format_day (days[top_day], TRUE);
  day_value = sy_usage_chart_format (unit, best_day);
  g_string_append_c (text, ' ');
  /* Translators: the usage chart in words: "Highest day: Mon Nov 23, $1.25." */
  g_string_append_printf (text, _("Highest day: %s, %s."), day_text, day_value);
  if (top_series >= 0)
    {
      top_value = sy_usage_chart_format (unit, best_series);
      g_string_append_c (text, ' ');
      /* Translators: the usage chart in words: "Largest group: OpenAI (openai), $1.75." */
      g_string_append_printf (text, _("Largest group: %s, %s."), labels[top_series], top_value);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

char *
sy_usage_chart_dup_summary (SyUsageChart *self)
{
  g_autofree const char **labels = NULL;
  g_autofree const double **values = NULL;
  guint n = 0;

  g_return_val_if_fail (SY_IS_USAGE_CHART (self), NULL);

  n = self->series->len;
  labels = g_new0 (const char *, MAX (n, 1));
  values = g_new0 (const double *, MAX (n, 1));
  for (guint s = 0; s < n; s++)
    {
      Series *series = self->series->pdata[s];

      labels[s] = series->label;
      values[s] = series->values;
    }
  return sy_usage_chart_summarize (self->title, self->unit,
                                   (const char * const *) self->days->pdata, self->days->len,
                                   labels, values, n);
}

/* The drawing's text alternative: what it shows (label) and its figures (description). */
static void
update_accessible (SyUsageChart *self)
{
  g_autofree char *summary = sy_usage_chart_dup_summary (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->area),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->title ? self->title : _("Usage per day"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, summary,
                                  -1);
}

void
sy_usage_chart_set_title (SyUsageChart *self,
                          const char   *title)
{
  g_return_if_fail (SY_IS_USAGE_CHART (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
  update_accessible (self);
}

/* --- drawing ----------------------------------------------------------------------------- */

static void
text_size (GtkWidget  *widget,
           const char *text,
           int        *width,
           int        *height)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);

  pango_layout_get_pixel_size (layout, width, height);
}

static void
draw_text (cairo_t    *cr,
           GtkWidget  *widget,
           const char *text,
           double      x,
           double      y,
           double      xalign,
           double      yalign)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int width, height;

  pango_layout_get_pixel_size (layout, &width, &height);
  cairo_move_to (cr, round (x - xalign * width), round (y - yalign * height));
  pango_cairo_show_layout (cr, layout);
}

static void
draw_cb (GtkDrawingArea *area,
         cairo_t        *cr,
         int             width,
         int             height,
         gpointer        user_data)
{
  SyUsageChart *self = user_data;
  GtkWidget *widget = GTK_WIDGET (area);
  guint n = self->days->len;
  GdkRGBA fg;
  double max = 0, step, top, plot_left, plot_right, plot_top, plot_bottom, slot, bar;
  int label_width = 0, label_height = 0, day_width = 0;
  guint n_ticks, every;

  if (n == 0)
    return;
  /* The theme's text colour (gtk_widget_get_color is GTK 4.10). */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);

  for (guint d = 0; d < n; d++)
    max = MAX (max, sy_usage_chart_get_day_total (self, d));
  step = nice_step (max, self->unit);
  n_ticks = MAX (1, (guint) ceil (max / step - 1e-9));
  top = n_ticks * step;

  for (guint i = 0; i <= n_ticks; i++)
    {
      g_autofree char *text = sy_usage_chart_format (self->unit, i * step);
      int w, h;

      text_size (widget, text, &w, &h);
      label_width = MAX (label_width, w);
      label_height = MAX (label_height, h);
    }
  {
    g_autofree char *sample = format_day ("2026-12-30", FALSE);

    text_size (widget, sample, &day_width, NULL);
  }

  plot_left = label_width + 10;
  plot_right = width - 6;
  plot_top = label_height / 2.0 + 2;
  plot_bottom = height - label_height - 8;
  if (plot_right - plot_left < 20 || plot_bottom - plot_top < 20)
    return;
  slot = (plot_right - plot_left) / n;
  bar = MAX (1, slot * BAR_FRACTION);
  self->plot_left = plot_left;
  self->slot = slot;

  /* The hovered day's column. */
  if (self->hover >= 0 && (guint) self->hover < n)
    {
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.08);
      cairo_rectangle (cr, plot_left + slot * self->hover, plot_top, slot, plot_bottom - plot_top);
      cairo_fill (cr);
    }

  /* Grid lines and the value axis. */
  cairo_set_line_width (cr, 1);
  for (guint i = 0; i <= n_ticks; i++)
    {
      g_autofree char *text = sy_usage_chart_format (self->unit, i * step);
      double y = round (plot_bottom - (plot_bottom - plot_top) * i / n_ticks) + 0.5;

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, i == 0 ? 0.45 : 0.12);
      cairo_move_to (cr, plot_left, y);
      cairo_line_to (cr, plot_right, y);
      cairo_stroke (cr);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.75);
      draw_text (cr, widget, text, plot_left - 6, y, 1, 0.5);
    }

  /* The bars, first series at the bottom. */
  for (guint d = 0; d < n; d++)
    {
      double y = plot_bottom;
      double x = plot_left + slot * d + (slot - bar) / 2;

      for (guint s = 0; s < self->series->len; s++)
        {
          Series *series = self->series->pdata[s];
          double h = MAX (0, series->values[d]) / top * (plot_bottom - plot_top);
          GdkRGBA color;

          if (h <= 0)
            continue;
          sy_usage_chart_get_color (series->index, series->other, &color);
          gdk_cairo_set_source_rgba (cr, &color);
          cairo_rectangle (cr, x, y - h, bar, h);
          cairo_fill (cr);
          y -= h;
        }
    }

  /* Day labels, as many as fit without touching. */
  every = MAX (1, (guint) ceil ((day_width + 12) / slot));
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.75);
  for (guint d = (n - 1) % every; d < n; d += every)
    {
      g_autofree char *text = format_day (self->days->pdata[d], FALSE);

      draw_text (cr, widget, text, plot_left + slot * (d + 0.5), plot_bottom + 4, 0.5, 0);
    }
}

/* --- the line under the chart ------------------------------------------------------------ */

static void
update_detail (SyUsageChart *self)
{
  g_autoptr(GString) text = NULL;
  g_autofree char *day = NULL;
  g_autofree char *total = NULL;

  if (self->hover < 0 || (guint) self->hover >= self->days->len)
    {
      gtk_label_set_text (GTK_LABEL (self->detail), self->days->len > 0
                            ? _("Point at a day to see its figures.") : "");
      return;
    }
  day = format_day (self->days->pdata[self->hover], TRUE);
  total = sy_usage_chart_format (self->unit, sy_usage_chart_get_day_total (self, self->hover));
  text = g_string_new (NULL);
  /* Translators: "Mon Nov 23: $1.25 in all", then each group's share of it. */
  g_string_printf (text, _("%s: %s in all"), day, total);
  for (guint s = 0; s < self->series->len; s++)
    {
      Series *series = self->series->pdata[s];
      g_autofree char *value = NULL;

      if (series->values[self->hover] <= 0)
        continue;
      value = sy_usage_chart_format (self->unit, series->values[self->hover]);
      g_string_append_printf (text, " · %s %s", series->label, value);
    }
  gtk_label_set_text (GTK_LABEL (self->detail), text->str);
}

void
sy_usage_chart_set_hover (SyUsageChart *self,
                          int           day)
{
  g_return_if_fail (SY_IS_USAGE_CHART (self));

  if (day >= (int) self->days->len)
    day = -1;
  if (day == self->hover)
    return;
  self->hover = day;
  update_detail (self);
  gtk_widget_queue_draw (self->area);
}

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           SyUsageChart             *self)
{
  int day = -1;

  /* A window that opens under a resting pointer is not being pointed at (screenshots). */
  if (!self->moved && x == self->enter_x && y == self->enter_y)
    return;
  self->moved = TRUE;
  if (self->slot > 0 && x >= self->plot_left)
    day = (int) ((x - self->plot_left) / self->slot);
  sy_usage_chart_set_hover (self, day);
}

static void
enter_cb (GtkEventControllerMotion *motion,
          double                    x,
          double                    y,
          SyUsageChart             *self)
{
  self->enter_x = x;
  self->enter_y = y;
  self->moved = FALSE;
}

static void
leave_cb (GtkEventControllerMotion *motion,
          SyUsageChart             *self)
{
  sy_usage_chart_set_hover (self, -1);
}

/* --- the legend -------------------------------------------------------------------------- */

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

static void
add_legend_item (SyUsageChart *self,
                 Series       *series)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *swatch = gtk_drawing_area_new ();
  GtkWidget *label = gtk_label_new (series->label);
  GdkRGBA color;

  sy_usage_chart_get_color (series->index, series->other, &color);
  gtk_widget_set_size_request (swatch, 12, 12);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), swatch_draw_cb,
                                  g_memdup2 (&color, sizeof color), g_free);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 32);
  gtk_widget_set_tooltip_text (label, series->label);
  gtk_box_append (GTK_BOX (box), swatch);
  gtk_box_append (GTK_BOX (box), label);
  gtk_flow_box_append (GTK_FLOW_BOX (self->legend), box);
}

/* --- the data ---------------------------------------------------------------------------- */

void
sy_usage_chart_set_days (SyUsageChart       *self,
                         const char * const *days,
                         guint               n_days,
                         SyUsageChartUnit    unit)
{
  GtkWidget *child;

  g_return_if_fail (SY_IS_USAGE_CHART (self));
  g_return_if_fail (days != NULL || n_days == 0);

  self->unit = unit;
  g_ptr_array_set_size (self->days, 0);
  for (guint i = 0; i < n_days; i++)
    g_ptr_array_add (self->days, g_strdup (days[i]));
  g_ptr_array_set_size (self->series, 0);
  while ((child = gtk_widget_get_first_child (self->legend)) != NULL)
    gtk_flow_box_remove (GTK_FLOW_BOX (self->legend), child);
  if (self->hover >= (int) n_days)
    self->hover = -1;
  update_detail (self);
  update_accessible (self);
  gtk_widget_queue_draw (self->area);
}

void
sy_usage_chart_add_series (SyUsageChart *self,
                           const char   *label,
                           const double *values,
                           gboolean      other)
{
  Series *series;
  guint own = 0;

  g_return_if_fail (SY_IS_USAGE_CHART (self));
  g_return_if_fail (label != NULL);
  g_return_if_fail (values != NULL || self->days->len == 0);
  g_return_if_fail (self->series->len < SY_USAGE_CHART_MAX_SERIES);

  for (guint i = 0; i < self->series->len; i++)
    own += ((Series *) self->series->pdata[i])->other ? 0 : 1;
  series = g_new0 (Series, 1);
  series->label = g_strdup (label);
  series->values = g_memdup2 (values, sizeof (double) * self->days->len);
  series->other = other;
  series->index = own;
  g_ptr_array_add (self->series, series);
  add_legend_item (self, series);
  update_detail (self);
  update_accessible (self);
  gtk_widget_queue_draw (self->area);
}

guint
sy_usage_chart_get_n_days (SyUsageChart *self)
{
  g_return_val_if_fail (SY_IS_USAGE_CHART (self), 0);
  return self->days->len;
}

guint
sy_usage_chart_get_n_series (SyUsageChart *self)
{
  g_return_val_if_fail (SY_IS_USAGE_CHART (self), 0);
  return self->series->len;
}

const char *
sy_usage_chart_get_day (SyUsageChart *self,
                        guint         day)
{
  g_return_val_if_fail (SY_IS_USAGE_CHART (self), NULL);
  g_return_val_if_fail (day < self->days->len, NULL);
  return self->days->pdata[day];
}

const char *
sy_usage_chart_get_detail (SyUsageChart *self)
{
  g_return_val_if_fail (SY_IS_USAGE_CHART (self), NULL);
  return gtk_label_get_text (GTK_LABEL (self->detail));
}

/* --- the widget -------------------------------------------------------------------------- */

static void
sy_usage_chart_dispose (GObject *object)
{
  SyUsageChart *self = SY_USAGE_CHART (object);

  g_clear_pointer (&self->area, gtk_widget_unparent);
  g_clear_pointer (&self->legend, gtk_widget_unparent);
  g_clear_pointer (&self->detail, gtk_widget_unparent);
  G_OBJECT_CLASS (sy_usage_chart_parent_class)->dispose (object);
}

static void
sy_usage_chart_finalize (GObject *object)
{
  SyUsageChart *self = SY_USAGE_CHART (object);

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->days, g_ptr_array_unref);
  g_clear_pointer (&self->series, g_ptr_array_unref);
  G_OBJECT_CLASS (sy_usage_chart_parent_class)->finalize (object);
}

static void
sy_usage_chart_class_init (SyUsageChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sy_usage_chart_dispose;
  object_class->finalize = sy_usage_chart_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "sy-usage-chart");
}

static void
sy_usage_chart_init (SyUsageChart *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  GtkEventController *motion = gtk_event_controller_motion_new ();

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);
  self->days = g_ptr_array_new_with_free_func (g_free);
  self->series = g_ptr_array_new_with_free_func ((GDestroyNotify) series_free);
  self->hover = -1;

  self->area = gtk_drawing_area_new ();
  gtk_widget_set_hexpand (self->area, TRUE);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self->area), CHART_HEIGHT);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->area), draw_cb, self, NULL);
  g_signal_connect (motion, "enter", G_CALLBACK (enter_cb), self);
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (self->area, motion);
  gtk_widget_set_parent (self->area, GTK_WIDGET (self));
  update_accessible (self);

  self->legend = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->legend), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->legend), SY_USAGE_CHART_MAX_SERIES);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->legend), 12);
  gtk_widget_set_parent (self->legend, GTK_WIDGET (self));

  self->detail = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->detail), 0);
  gtk_label_set_wrap (GTK_LABEL (self->detail), TRUE);
  gtk_widget_add_css_class (self->detail, "dim-label");
  gtk_widget_set_parent (self->detail, GTK_WIDGET (self));
}

GtkWidget *
sy_usage_chart_new (void)
{
  return g_object_new (SY_TYPE_USAGE_CHART, NULL);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyUsageChart: stacked bars per day, one colour per series (a fixed Okabe-Ito palette that
 * colour-blind people can tell apart), a value axis, a legend in the same colours and a line
 * under the chart with the hovered day's figures. It draws what it is given; it reads nothing.
 * Its drawing carries the same figures in words as its accessible label and description.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  SY_USAGE_CHART_USD,     /* "$1.25" */
  SY_USAGE_CHART_TOKENS,  /* "12.5k" */
  SY_USAGE_CHART_COUNT,   /* "12" */
} SyUsageChartUnit;

#define SY_USAGE_CHART_MAX_SERIES 6

#define SY_TYPE_USAGE_CHART (sy_usage_chart_get_type ())
G_DECLARE_FINAL_TYPE (SyUsageChart, sy_usage_chart, SY, USAGE_CHART, GtkWidget)

GtkWidget  *sy_usage_chart_new           (void);
/* Starts over with these days ("2026-11-23", oldest first) and no series. */
void        sy_usage_chart_set_days      (SyUsageChart       *self,
                                          const char * const *days,
                                          guint               n_days,
                                          SyUsageChartUnit    unit);
/* Adds a series (drawn above the previous ones) with one value per day; at most
 * SY_USAGE_CHART_MAX_SERIES. other: the grey of "everything else". */
void        sy_usage_chart_add_series    (SyUsageChart       *self,
                                          const char         *label,
                                          const double       *values,
                                          gboolean            other);
/* The colour of the index-th series, or of "other" (for the page's table). */
void        sy_usage_chart_get_color     (guint               index,
                                          gboolean            other,
                                          GdkRGBA            *color);
/* What the chart shows, as its accessible label: "Cost per day by provider, last 7 days". */
void        sy_usage_chart_set_title     (SyUsageChart       *self,
                                          const char         *title);
/* Shows day's figures under the chart as if the pointer were on it; -1 for none. */
void        sy_usage_chart_set_hover     (SyUsageChart       *self,
                                          int                 day);

/* The data model, for tests. */
guint       sy_usage_chart_get_n_days    (SyUsageChart       *self);
guint       sy_usage_chart_get_n_series  (SyUsageChart       *self);
const char *sy_usage_chart_get_day       (SyUsageChart       *self,
                                          guint               day);
double      sy_usage_chart_get_day_total (SyUsageChart       *self,
                                          guint               day);
const char *sy_usage_chart_get_detail    (SyUsageChart       *self);

/* The chart in words, its accessible description: "TITLE: $1.85 in all. Highest day: Mon Nov 23,
 * $1.25. Largest group: OpenAI (openai), $1.75." values[s] holds series s's n_days values
 * (negatives count as 0); title may be NULL. Pure. */
char       *sy_usage_chart_summarize     (const char          *title,
                                          SyUsageChartUnit     unit,
                                          const char * const  *days,
                                          guint                n_days,
                                          const char * const  *labels,
                                          const double * const *values,
                                          guint                n_series);
/* The chart's own data in words (what its description says). */
char       *sy_usage_chart_dup_summary   (SyUsageChart       *self);

/* A value in the chart's unit, for people: "$1.25", "12.5k", "12". */
char       *sy_usage_chart_format        (SyUsageChartUnit    unit,
                                          double              value);

G_END_DECLS

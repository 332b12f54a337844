/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyMetrics: the gateway's request counters for /metrics, in memory since start: requests by
 * provider and status, errors, a latency histogram, tokens, cost, budget refusals. Fed once
 * per finished request from its usage row. Label sets are bounded: past MAX providers new
 * ones count as provider="other". Rendered in Prometheus text format 0.0.4. Main thread only.
 */
#pragma once

#include "store/sy-budget.h"
#include "store/sy-pricing-repo.h"
#include "store/sy-usage-writer.h"

G_BEGIN_DECLS

#define SY_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

#define SY_TYPE_METRICS (sy_metrics_get_type ())
G_DECLARE_FINAL_TYPE (SyMetrics, sy_metrics, SY, METRICS, GObject)

SyMetrics *sy_metrics_new                  (void);
/* One finished request, by its usage row; the cost is its tokens at pricing's price. */
void       sy_metrics_observe              (SyMetrics           *self,
                                            SyPricingRepo       *pricing,
                                            const SyUsageRecord *record);
void       sy_metrics_count_budget_refusal (SyMetrics           *self,
                                            SyBudgetPeriod       period);
/* Appends every family this object counts (HELP, TYPE and samples). */
void       sy_metrics_render               (SyMetrics           *self,
                                            GString             *out);

/* Exposition helpers for the families other objects own. */
void       sy_metrics_append_family        (GString             *out,
                                            const char          *name,
                                            const char          *type,
                                            const char          *help);
/* name{label="value",...} value; labels are "name", "value" pairs, NULL-terminated.
 * Values are escaped (\\, \", \n). */
void       sy_metrics_append_sample        (GString             *out,
                                            const char          *name,
                                            double               value,
                                            ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS

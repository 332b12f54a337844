/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GET /metrics: Prometheus text format 0.0.4, behind the same guards as /api (admin token,
 * Host and Origin checks). Request counters come from SyMetrics; breaker states and budgets
 * are read from the router and the budget ledger at scrape time.
 */
#pragma once

#include "gateway/sy-gateway.h"

G_BEGIN_DECLS

void sy_metrics_endpoint_handle (SyGateway         *gateway,
                                 SoupServerMessage *msg);

G_END_DECLS

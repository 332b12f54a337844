/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Budgets on the proxy path: before a request goes upstream, its cost is estimated and
 * reserved against its API key's budgets (or it is refused with 402 in the client's dialect);
 * when it ends, the reservation is dropped and its actual cost is charged. The reservation
 * rides on the SoupServerMessage, so a request that never reaches the end still gives it back.
 */
#pragma once

#include "gateway/sy-gateway.h"
#include "routing/sy-route.h"

G_BEGIN_DECLS

/* Call once the key is known and the route is planned, right before the request starts.
 * FALSE: refused, the 402 is written. TRUE: go; a warning header may have been added. */
gboolean sy_budget_guard_admit        (SyGateway           *gateway,
                                       SoupServerMessage   *msg,
                                       SyDialect            dialect,
                                       SyApiKey            *api_key,
                                       const SyRoutePlan   *plan,
                                       GBytes              *body);
/* Call once per request when it is over, with its usage row (before it is submitted). */
void     sy_budget_guard_settle       (SyGateway           *gateway,
                                       SoupServerMessage   *msg,
                                       const SyUsageRecord *record);

/* The tokens a request is reserved for: the body's bytes / 4 in, and its own output limit
 * (max_tokens, max_completion_tokens, max_output_tokens, generationConfig.maxOutputTokens)
 * or default_output out. */
void     sy_budget_estimate_tokens    (SyDialect            dialect,
                                       const char          *data,
                                       gsize                len,
                                       gint64               default_output,
                                       gint64              *input,
                                       gint64              *output);
/* The cost of a finished request's tokens at its provider's and model's price (0 unpriced). */
double   sy_budget_record_cost_usd    (SyPricingRepo       *pricing,
                                       const SyUsageRecord *record);
/* "0.0235": USD with up to 6 decimals, trailing zeros dropped. */
char    *sy_budget_format_usd         (double               usd);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyPricingRepo: the pricing table (USD per million tokens, per provider and model) with an
 * in-memory copy, written through. The router reads it for the cost-optimized strategies;
 * cost accounting reads it for every usage row.
 */
#pragma once

#include "sy-database.h"

G_BEGIN_DECLS

typedef struct
{
  double input_per_mtok;
  double output_per_mtok;
  double cached_per_mtok;
} SyPrice;

#define SY_TYPE_PRICING_REPO (sy_pricing_repo_get_type ())
G_DECLARE_FINAL_TYPE (SyPricingRepo, sy_pricing_repo, SY, PRICING_REPO, GObject)

SyPricingRepo *sy_pricing_repo_new    (SyDatabase     *db,
                                       GError        **error);
/* FALSE when the model has no price. provider is the name users see: a catalog id ("openai")
 * or a provider node's prefix, as in "prefix/model". */
gboolean       sy_pricing_repo_lookup (SyPricingRepo  *self,
                                       const char     *provider,
                                       const char     *model,
                                       SyPrice        *out);
gboolean       sy_pricing_repo_set    (SyPricingRepo  *self,
                                       const char     *provider,
                                       const char     *model,
                                       const SyPrice  *price,
                                       GError        **error);

/* USD for one request's tokens at price. input counts every prompt token, cached ones included
 * (OpenAI's convention); cache_read of them are billed at the cached price. Negative counts
 * (not reported) count as 0. */
double         sy_price_cost_usd      (const SyPrice  *price,
                                       gint64          input,
                                       gint64          output,
                                       gint64          cache_read);

G_END_DECLS

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
/* FALSE when the model has no price. provider is the id connections store. */
gboolean       sy_pricing_repo_lookup (SyPricingRepo  *self,
                                       const char     *provider,
                                       const char     *model,
                                       SyPrice        *out);
gboolean       sy_pricing_repo_set    (SyPricingRepo  *self,
                                       const char     *provider,
                                       const char     *model,
                                       const SyPrice  *price,
                                       GError        **error);

G_END_DECLS

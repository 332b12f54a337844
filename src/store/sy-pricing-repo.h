/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyPricingRepo: the pricing table (USD per million tokens, per provider and model) with an
 * in-memory copy, written through. The router reads it for the cost-optimized strategies;
 * cost accounting reads it for every usage row. Main thread only.
 */
#pragma once

#include "sy-database.h"
#include "sy-pricing-defaults.h"
#include "sy-usage-writer.h"

G_BEGIN_DECLS

typedef struct
{
  double input_per_mtok;
  double output_per_mtok;
  double cached_per_mtok;
} SyPrice;

/* One row of the table, for listings. */
typedef struct
{
  char     *provider;
  char     *model;
  SyPrice   price;
  gboolean  is_default;   /* seeded and never edited: a later seeding may refresh it */
} SyPriceEntry;

void sy_price_entry_free (SyPriceEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyPriceEntry, sy_price_entry_free)

#define SY_TYPE_PRICING_REPO (sy_pricing_repo_get_type ())
G_DECLARE_FINAL_TYPE (SyPricingRepo, sy_pricing_repo, SY, PRICING_REPO, GObject)

/* Seeds the built-in defaults (sy-pricing-defaults.c), then loads the table. Seeding adds the
 * defaults that are missing and refreshes rows that are still defaults; it never changes a row
 * a user set and never brings back one a user deleted. */
SyPricingRepo *sy_pricing_repo_new    (SyDatabase     *db,
                                       GError        **error);
/* The same with another defaults table (tests). */
SyPricingRepo *sy_pricing_repo_new_with_defaults (SyDatabase           *db,
                                                  const SyPriceDefault *defaults,
                                                  guint                 n_defaults,
                                                  GError              **error);
/* FALSE when the model has no price. provider is the name users see: a catalog id ("openai")
 * or a provider node's prefix, as in "prefix/model". */
gboolean       sy_pricing_repo_lookup (SyPricingRepo  *self,
                                       const char     *provider,
                                       const char     *model,
                                       SyPrice        *out);
/* A user's price: it is never overridden by seeding. */
gboolean       sy_pricing_repo_set    (SyPricingRepo  *self,
                                       const char     *provider,
                                       const char     *model,
                                       const SyPrice  *price,
                                       GError        **error);
/* SY_STORE_ERROR_NOT_FOUND when there is no such row. A deleted default stays deleted. */
gboolean       sy_pricing_repo_delete (SyPricingRepo  *self,
                                       const char     *provider,
                                       const char     *model,
                                       GError        **error);
/* SyPriceEntry rows, by provider then model; provider and model (either may be NULL) filter. */
GPtrArray     *sy_pricing_repo_list   (SyPricingRepo  *self,
                                       const char     *provider,
                                       const char     *model);

/* USD for one request's tokens at price. input counts every prompt token, cached ones included
 * (OpenAI's convention); cache_read of them are billed at the cached price. Negative counts
 * (not reported) count as 0. */
double         sy_price_cost_usd      (const SyPrice  *price,
                                       gint64          input,
                                       gint64          output,
                                       gint64          cache_read);
/* Sets record->cost_usd from its provider, model and tokens. -1 (unknown) when the model has
 * no price, or when no token counts came back for an answer that was (at least partly)
 * produced: a 2xx, or a stream the client cut (499 after the first byte). An error status
 * without counts (refused, unreachable, cut before any answer) costs 0. */
void           sy_pricing_repo_price_usage (SyPricingRepo *self,
                                            SyUsageRecord *record);

G_END_DECLS

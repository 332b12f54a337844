/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyBudgetRepo: the api_key_budgets table (one row per key and period; deleting a key deletes
 * its budgets) and the one query that sums what each key spent from usage_history, used once
 * when the in-memory ledger starts. Main thread; no caching here (SyBudgetLedger caches).
 */
#pragma once

#include "sy-budget.h"
#include "sy-database.h"
#include "sy-pricing-repo.h"

G_BEGIN_DECLS

#define SY_TYPE_BUDGET_REPO (sy_budget_repo_get_type ())
G_DECLARE_FINAL_TYPE (SyBudgetRepo, sy_budget_repo, SY, BUDGET_REPO, GObject)

SyBudgetRepo *sy_budget_repo_new        (SyDatabase      *db);
/* Every budget (SyBudget*), by key then period. */
GPtrArray    *sy_budget_repo_list       (SyBudgetRepo    *self,
                                         GError         **error);
/* Inserts or replaces the key's budget for budget->period; *created says which. A key that
 * does not exist fails with SY_STORE_ERROR_CONSTRAINT. Sets the timestamps. */
gboolean      sy_budget_repo_save       (SyBudgetRepo    *self,
                                         SyBudget        *budget,
                                         gboolean        *created,
                                         GError         **error);
/* Deletes the key's budget for period, or all of its budgets when all_periods; *n_deleted
 * says how many rows went. */
gboolean      sy_budget_repo_delete     (SyBudgetRepo    *self,
                                         const char      *key_id,
                                         SyBudgetPeriod   period,
                                         gboolean         all_periods,
                                         guint           *n_deleted,
                                         GError         **error);
/* What each API key spent since since_ms[period], per period: api key id -> gint64[3] in
 * nano-USD (1e-9 USD). A row's cost is its cost_usd column when it has one, else its tokens
 * at the price of its provider and model today (0 when unpriced). */
GHashTable   *sy_budget_repo_sum_spend  (SyBudgetRepo    *self,
                                         SyPricingRepo   *pricing,
                                         const gint64    *since_ms,
                                         GError         **error);

/* USD to the nano-USD the ledger counts in (rounded to nearest, never negative). */
gint64        sy_budget_usd_to_nano     (double           usd);

G_END_DECLS

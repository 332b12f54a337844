/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyBudgetLedger: every API key's budgets and what it spent in the current day, week and month
 * (UTC), in memory, plus what its requests in flight have reserved. Admission is one check and
 * one reservation on the main thread, so concurrent requests can never together pass a limit
 * that each alone would not. Loaded once from the database; budgets are written through.
 * Amounts are counted in nano-USD so sums are exact. Main thread only; no HTTP here.
 */
#pragma once

#include "store/sy-budget-repo.h"

G_BEGIN_DECLS

typedef gint64 (*SyBudgetClockFunc) (gpointer user_data);

/* One budget as users see it at one moment. */
typedef struct
{
  char           *key_id;
  SyBudgetPeriod  period;
  double          limit_usd;
  double          warning_at;
  double          spent_usd;      /* settled, in this period */
  double          reserved_usd;   /* estimates of the key's requests in flight */
  gint64          period_start_ms;
  gint64          reset_ms;       /* the end of this period */
} SyBudgetStatus;

void sy_budget_status_free (SyBudgetStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyBudgetStatus, sy_budget_status_free)

/* What admission found, per period (only those with a budget are set). */
typedef struct
{
  gboolean has_budget[SY_BUDGET_N_PERIODS];
  double   limit_usd[SY_BUDGET_N_PERIODS];
  double   warning_at[SY_BUDGET_N_PERIODS];
  double   spent_usd[SY_BUDGET_N_PERIODS];      /* settled plus reserved, before this request */
  double   projected_usd[SY_BUDGET_N_PERIODS];  /* the same with this request's estimate */
  gint64   reset_ms[SY_BUDGET_N_PERIODS];
  double   estimate_usd;
  int      refused_period;   /* the exhausted period that resets last, or -1 */
} SyBudgetVerdict;

/* An admitted request's estimate, held until it is freed (its request ended). */
typedef struct _SyBudgetReservation SyBudgetReservation;

void sy_budget_reservation_free (SyBudgetReservation *reservation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyBudgetReservation, sy_budget_reservation_free)

#define SY_TYPE_BUDGET_LEDGER (sy_budget_ledger_get_type ())
G_DECLARE_FINAL_TYPE (SyBudgetLedger, sy_budget_ledger, SY, BUDGET_LEDGER, GObject)

/* Reads the budgets, and what every key spent this day, week and month from usage_history. */
SyBudgetLedger *sy_budget_ledger_new          (SyDatabase         *db,
                                               SyPricingRepo      *pricing,
                                               GError            **error);
/* Wall-clock ms since the epoch (tests move across period boundaries). */
void            sy_budget_ledger_set_clock    (SyBudgetLedger     *self,
                                               SyBudgetClockFunc   clock,
                                               gpointer            user_data);
gint64          sy_budget_ledger_now_ms       (SyBudgetLedger     *self);

/* Writes through, then applies. *created: there was no budget for this key and period. */
gboolean        sy_budget_ledger_set_budget   (SyBudgetLedger     *self,
                                               const char         *key_id,
                                               SyBudgetPeriod      period,
                                               double              limit_usd,
                                               double              warning_at,
                                               gboolean           *created,
                                               GError            **error);
/* Removes one period's budget, or all of the key's when all_periods; *n_removed may be 0. */
gboolean        sy_budget_ledger_remove       (SyBudgetLedger     *self,
                                               const char         *key_id,
                                               SyBudgetPeriod      period,
                                               gboolean            all_periods,
                                               guint              *n_removed,
                                               GError            **error);
/* Drops everything held for a key that no longer exists (its rows went with it). */
void            sy_budget_ledger_forget_key   (SyBudgetLedger     *self,
                                               const char         *key_id);
/* Every budget now (SyBudgetStatus*), by key id then period. */
GPtrArray      *sy_budget_ledger_list         (SyBudgetLedger     *self);

/* Has the key any budget? (Requests of keys without one skip the estimate.) */
gboolean        sy_budget_ledger_has_budget   (SyBudgetLedger     *self,
                                               const char         *key_id);
/* May a request of key_id estimated at estimate_usd go? It is refused when, for any of the
 * key's budgets, what is spent and reserved already reaches the limit, or this estimate would
 * take it past. Admitted with a budget: *reservation holds the estimate until freed; without
 * one: *reservation is NULL. verdict may be NULL. */
gboolean        sy_budget_ledger_admit        (SyBudgetLedger     *self,
                                               const char         *key_id,
                                               double              estimate_usd,
                                               SyBudgetReservation **reservation,
                                               SyBudgetVerdict    *verdict);
/* A finished request's actual cost, counted in the key's current periods. */
void            sy_budget_ledger_charge       (SyBudgetLedger     *self,
                                               const char         *key_id,
                                               double              cost_usd);
/* Settled spend of the key in the current period (0 for an unknown key). */
double          sy_budget_ledger_get_spent    (SyBudgetLedger     *self,
                                               const char         *key_id,
                                               SyBudgetPeriod      period);
double          sy_budget_ledger_get_reserved (SyBudgetLedger     *self,
                                               const char         *key_id);

G_END_DECLS

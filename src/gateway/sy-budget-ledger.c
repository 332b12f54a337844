/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The in-memory side of budgets: per key, its limits, its settled spend per period (reset
 * lazily when the clock enters a new period) and its reserved estimates. Never blocks: the
 * only SQLite work is the initial load and the (rare) budget edits from /api.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-budget-ledger.h"

#include <string.h>

typedef struct
{
  gboolean set;
  double   limit_usd;
  gint64   limit_nano;
  double   warning_at;
} Limit;

typedef struct
{
  char   *key_id;
  Limit   limits[SY_BUDGET_N_PERIODS];
  gint64  period_start[SY_BUDGET_N_PERIODS];  /* the period spent[] counts */
  gint64  spent[SY_BUDGET_N_PERIODS];         /* nano-USD */
  gint64  reserved;                           /* nano-USD, requests in flight */
} Account;

struct _SyBudgetReservation
{
  SyBudgetLedger *ledger;
  char           *key_id;
  gint64          amount;
};

struct _SyBudgetLedger
{
  GObject            parent_instance;
  SyBudgetRepo      *repo;
  GHashTable        *accounts;   /* key id (owned by the Account) -> Account */
  SyBudgetClockFunc  clock;
  gpointer           clock_data;
};

G_DEFINE_FINAL_TYPE (SyBudgetLedger, sy_budget_ledger, G_TYPE_OBJECT)

static double
to_usd (gint64 nano)
{
  return (double) nano / 1e9;
}

static void
account_free (Account *a)
{
  g_free (a->key_id);
  g_free (a);
}

void
sy_budget_status_free (SyBudgetStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->key_id);
  g_free (status);
}

static void
sy_budget_ledger_dispose (GObject *object)
{
  SyBudgetLedger *self = SY_BUDGET_LEDGER (object);

  g_clear_object (&self->repo);
  G_OBJECT_CLASS (sy_budget_ledger_parent_class)->dispose (object);
}

static void
sy_budget_ledger_finalize (GObject *object)
{
  SyBudgetLedger *self = SY_BUDGET_LEDGER (object);

  g_clear_pointer (&self->accounts, g_hash_table_unref);
  G_OBJECT_CLASS (sy_budget_ledger_parent_class)->finalize (object);
}

static void
sy_budget_ledger_class_init (SyBudgetLedgerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_budget_ledger_dispose;
  object_class->finalize = sy_budget_ledger_finalize;
}

static void
sy_budget_ledger_init (SyBudgetLedger *self)
{
  self->accounts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) account_free);
}

gint64
sy_budget_ledger_now_ms (SyBudgetLedger *self)
{
  g_return_val_if_fail (SY_IS_BUDGET_LEDGER (self), 0);

  if (self->clock != NULL)
    return self->clock (self->clock_data);
  return g_get_real_time () / 1000;
}

void
sy_budget_ledger_set_clock (SyBudgetLedger    *self,
                            SyBudgetClockFunc  clock,
                            gpointer           user_data)
{
  g_return_if_fail (SY_IS_BUDGET_LEDGER (self));

  self->clock = clock;
  self->clock_data = user_data;
}

static void
period_starts (gint64  now,
               gint64 *starts)
{
  for (guint p = 0; p < SY_BUDGET_N_PERIODS; p++)
    {
      gint64 end;

      sy_budget_period_bounds ((SyBudgetPeriod) p, now, &starts[p], &end);
    }
}

/* Entering a new period starts its count from zero. (A clock that goes back keeps counting
 * into the later period rather than forgetting it.) */
static void
roll (Account *a,
      gint64   now)
{
  gint64 starts[SY_BUDGET_N_PERIODS];

  period_starts (now, starts);
  for (guint p = 0; p < SY_BUDGET_N_PERIODS; p++)
    if (starts[p] > a->period_start[p])
      {
        a->period_start[p] = starts[p];
        a->spent[p] = 0;
      }
}

static Account *
lookup (SyBudgetLedger *self,
        const char     *key_id,
        gboolean        create)
{
  Account *a = g_hash_table_lookup (self->accounts, key_id);

  if (a == NULL && create)
    {
      a = g_new0 (Account, 1);
      a->key_id = g_strdup (key_id);
      period_starts (sy_budget_ledger_now_ms (self), a->period_start);
      g_hash_table_insert (self->accounts, a->key_id, a);
    }
  if (a != NULL)
    roll (a, sy_budget_ledger_now_ms (self));
  return a;
}

static void
apply_limit (Account        *a,
             SyBudgetPeriod  period,
             double          limit_usd,
             double          warning_at)
{
  Limit *l = &a->limits[period];

  l->set = TRUE;
  l->limit_usd = limit_usd;
  l->limit_nano = sy_budget_usd_to_nano (limit_usd);
  l->warning_at = warning_at;
}

SyBudgetLedger *
sy_budget_ledger_new (SyDatabase     *db,
                      SyPricingRepo  *pricing,
                      GError        **error)
{
  g_autoptr(SyBudgetLedger) self = g_object_new (SY_TYPE_BUDGET_LEDGER, NULL);
  g_autoptr(GPtrArray) budgets = NULL;
  g_autoptr(GHashTable) spend = NULL;
  gint64 starts[SY_BUDGET_N_PERIODS];
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (SY_IS_PRICING_REPO (pricing), NULL);

  self->repo = sy_budget_repo_new (db);
  period_starts (sy_budget_ledger_now_ms (self), starts);
  if ((budgets = sy_budget_repo_list (self->repo, error)) == NULL ||
      (spend = sy_budget_repo_sum_spend (self->repo, pricing, starts, error)) == NULL)
    return NULL;

  g_hash_table_iter_init (&iter, spend);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Account *a = lookup (self, key, TRUE);

      memcpy (a->spent, value, sizeof a->spent);
      memcpy (a->period_start, starts, sizeof a->period_start);
    }
  for (guint i = 0; i < budgets->len; i++)
    {
      SyBudget *b = g_ptr_array_index (budgets, i);

      apply_limit (lookup (self, b->key_id, TRUE), b->period, b->limit_usd, b->warning_at);
    }
  return g_steal_pointer (&self);
}

gboolean
sy_budget_ledger_set_budget (SyBudgetLedger *self,
                             const char     *key_id,
                             SyBudgetPeriod  period,
                             double          limit_usd,
                             double          warning_at,
                             gboolean       *created,
                             GError        **error)
{
  g_autoptr(SyBudget) budget = sy_budget_new ();

  g_return_val_if_fail (SY_IS_BUDGET_LEDGER (self), FALSE);
  g_return_val_if_fail (period < SY_BUDGET_N_PERIODS, FALSE);

  budget->key_id = g_strdup (key_id);
  budget->period = period;
  budget->limit_usd = limit_usd;
  budget->warning_at = warning_at;
  if (!sy_budget_repo_save (self->repo, budget, created, error))
    return FALSE;
  apply_limit (lookup (self, key_id, TRUE), period, limit_usd, warning_at);
  return TRUE;
}

gboolean
sy_budget_ledger_remove (SyBudgetLedger *self,
                         const char     *key_id,
                         SyBudgetPeriod  period,
                         gboolean        all_periods,
                         guint          *n_removed,
                         GError        **error)
{
  Account *a;

  g_return_val_if_fail (SY_IS_BUDGET_LEDGER (self), FALSE);

  if (!sy_budget_repo_delete (self->repo, key_id, period, all_periods, n_removed, error))
    return FALSE;
  if ((a = lookup (self, key_id, FALSE)) != NULL)
    for (guint p = 0; p < SY_BUDGET_N_PERIODS; p++)
      if (all_periods || p == period)
        a->limits[p].set = FALSE;
  return TRUE;
}

void
sy_budget_ledger_forget_key (SyBudgetLedger *self,
                             const char     *key_id)
{
  g_return_if_fail (SY_IS_BUDGET_LEDGER (self));

  g_hash_table_remove (self->accounts, key_id);
}

static int
compare_status (gconstpointer a,
                gconstpointer b)
{
  const SyBudgetStatus *sa = *(SyBudgetStatus **) a;
  const SyBudgetStatus *sb = *(SyBudgetStatus **) b;
  int by_key = g_strcmp0 (sa->key_id, sb->key_id);

  return by_key != 0 ? by_key : (int) sa->period - (int) sb->period;
}

GPtrArray *
sy_budget_ledger_list (SyBudgetLedger *self)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_budget_status_free);
  gint64 now = sy_budget_ledger_now_ms (self);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->accounts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Account *a = value;

      roll (a, now);
      for (guint p = 0; p < SY_BUDGET_N_PERIODS; p++)
        {
          SyBudgetStatus *s;

          if (!a->limits[p].set)
            continue;
          s = g_new0 (SyBudgetStatus, 1);
          s->key_id = g_strdup (a->key_id);
          s->period = (SyBudgetPeriod) p;
          s->limit_usd = a->limits[p].limit_usd;
          s->warning_at = a->limits[p].warning_at;
          s->spent_usd = to_usd (a->spent[p]);
          s->reserved_usd = to_usd (a->reserved);
          sy_budget_period_bounds ((SyBudgetPeriod) p, now, &s->period_start_ms, &s->reset_ms);
          g_ptr_array_add (out, s);
        }
    }
  g_ptr_array_sort (out, compare_status);
  return out;
}

gboolean
sy_budget_ledger_has_budget (SyBudgetLedger *self,
                             const char     *key_id)
{
  Account *a;

  g_return_val_if_fail (SY_IS_BUDGET_LEDGER (self), FALSE);

  if (key_id == NULL || (a = g_hash_table_lookup (self->accounts, key_id)) == NULL)
    return FALSE;
  for (guint p = 0; p < SY_BUDGET_N_PERIODS; p++)
    if (a->limits[p].set)
      return TRUE;
  return FALSE;
}

gboolean
sy_budget_ledger_admit (SyBudgetLedger       *self,
                        const char           *key_id,
                        double                estimate_usd,
                        SyBudgetReservation **reservation,
                        SyBudgetVerdict      *verdict)
{
  SyBudgetVerdict local;
  Account *a;
  gint64 estimate = sy_budget_usd_to_nano (estimate_usd);
  gint64 now = sy_budget_ledger_now_ms (self);
  gboolean any = FALSE;
  SyBudgetReservation *r;

  g_return_val_if_fail (SY_IS_BUDGET_LEDGER (self), FALSE);
  g_return_val_if_fail (reservation != NULL, FALSE);

  *reservation = NULL;
  if (verdict == NULL)
    verdict = &local;
  memset (verdict, 0, sizeof *verdict);
  verdict->refused_period = -1;
  verdict->estimate_usd = to_usd (estimate);
  if (key_id == NULL || (a = lookup (self, key_id, FALSE)) == NULL)
    return TRUE;

  for (guint p = 0; p < SY_BUDGET_N_PERIODS; p++)
    {
      Limit *l = &a->limits[p];
      gint64 used, start;

      if (!l->set)
        continue;
      any = TRUE;
      used = a->spent[p] + a->reserved;
      verdict->has_budget[p] = TRUE;
      verdict->limit_usd[p] = l->limit_usd;
      verdict->warning_at[p] = l->warning_at;
      verdict->spent_usd[p] = to_usd (used);
      verdict->projected_usd[p] = to_usd (used + estimate);
      sy_budget_period_bounds ((SyBudgetPeriod) p, now, &start, &verdict->reset_ms[p]);
      if ((used >= l->limit_nano || estimate > l->limit_nano - used) &&
          (verdict->refused_period < 0 ||
           verdict->reset_ms[p] > verdict->reset_ms[verdict->refused_period]))
        verdict->refused_period = (int) p;
    }
  if (!any)
    return TRUE;
  if (verdict->refused_period >= 0)
    return FALSE;

  a->reserved += estimate;
  r = g_new0 (SyBudgetReservation, 1);
  r->ledger = g_object_ref (self);
  r->key_id = g_strdup (key_id);
  r->amount = estimate;
  *reservation = r;
  return TRUE;
}

void
sy_budget_reservation_free (SyBudgetReservation *reservation)
{
  Account *a;

  if (reservation == NULL)
    return;
  a = g_hash_table_lookup (reservation->ledger->accounts, reservation->key_id);
  if (a != NULL)
    a->reserved = MAX (a->reserved - reservation->amount, 0);
  g_object_unref (reservation->ledger);
  g_free (reservation->key_id);
  g_free (reservation);
}

void
sy_budget_ledger_charge (SyBudgetLedger *self,
                         const char     *key_id,
                         double          cost_usd)
{
  gint64 cost = sy_budget_usd_to_nano (cost_usd);
  Account *a;

  g_return_if_fail (SY_IS_BUDGET_LEDGER (self));

  if (key_id == NULL)
    return;
  a = lookup (self, key_id, TRUE);
  for (guint p = 0; p < SY_BUDGET_N_PERIODS; p++)
    a->spent[p] = cost > G_MAXINT64 - a->spent[p] ? G_MAXINT64 : a->spent[p] + cost;
}

double
sy_budget_ledger_get_spent (SyBudgetLedger *self,
                            const char     *key_id,
                            SyBudgetPeriod  period)
{
  Account *a;

  g_return_val_if_fail (SY_IS_BUDGET_LEDGER (self), 0);
  g_return_val_if_fail (period < SY_BUDGET_N_PERIODS, 0);

  a = lookup (self, key_id, FALSE);
  return a ? to_usd (a->spent[period]) : 0;
}

double
sy_budget_ledger_get_reserved (SyBudgetLedger *self,
                               const char     *key_id)
{
  Account *a;

  g_return_val_if_fail (SY_IS_BUDGET_LEDGER (self), 0);

  a = lookup (self, key_id, FALSE);
  return a ? to_usd (a->reserved) : 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * api_key_budgets rows, and the spend of each key summed from usage_history in one grouped
 * query (rows grouped by key, provider and model, then priced), so starting the ledger costs
 * one pass over the last month's rows through the timestamp index, not one row per request.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-budget-repo.h"

struct _SyBudgetRepo
{
  GObject     parent_instance;
  SyDatabase *db;
};

G_DEFINE_FINAL_TYPE (SyBudgetRepo, sy_budget_repo, G_TYPE_OBJECT)

static void
sy_budget_repo_dispose (GObject *object)
{
  SyBudgetRepo *self = SY_BUDGET_REPO (object);

  g_clear_object (&self->db);
  G_OBJECT_CLASS (sy_budget_repo_parent_class)->dispose (object);
}

static void
sy_budget_repo_class_init (SyBudgetRepoClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sy_budget_repo_dispose;
}

static void
sy_budget_repo_init (SyBudgetRepo *self)
{
}

SyBudgetRepo *
sy_budget_repo_new (SyDatabase *db)
{
  SyBudgetRepo *self;

  g_return_val_if_fail (SY_IS_DATABASE (db), NULL);

  self = g_object_new (SY_TYPE_BUDGET_REPO, NULL);
  self->db = g_object_ref (db);
  return self;
}

gint64
sy_budget_usd_to_nano (double usd)
{
  if (!(usd > 0))
    return 0;
  if (usd >= (double) G_MAXINT64 / 1e9)
    return G_MAXINT64;
  return (gint64) (usd * 1e9 + 0.5);
}

GPtrArray *
sy_budget_repo_list (SyBudgetRepo  *self,
                     GError       **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_budget_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (SY_IS_BUDGET_REPO (self), NULL);

  stmt = sy_database_prepare (self->db, "SELECT key_id, period, limit_usd, warning_at, "
                                        "created_at, updated_at FROM api_key_budgets "
                                        "ORDER BY key_id, period", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(SyBudget) budget = sy_budget_new ();

      /* The table's CHECK keeps the period valid; a row edited by hand is skipped, not fatal. */
      if (!sy_budget_period_from_string ((const char *) sqlite3_column_text (stmt, 1),
                                         &budget->period))
        continue;
      budget->key_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      budget->limit_usd = sqlite3_column_double (stmt, 2);
      budget->warning_at = sqlite3_column_double (stmt, 3);
      budget->created_at = sqlite3_column_int64 (stmt, 4);
      budget->updated_at = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (out, g_steal_pointer (&budget));
    }
  if (rc != SQLITE_DONE)
    {
      sy_database_set_error (self->db, error, "cannot read budgets");
      return NULL;
    }
  return g_steal_pointer (&out);
}

gboolean
sy_budget_repo_save (SyBudgetRepo  *self,
                     SyBudget      *budget,
                     gboolean      *created,
                     GError       **error)
{
  g_autoptr(sqlite3_stmt) find = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *period = sy_budget_period_to_string (budget->period);
  gint64 now = g_get_real_time () / 1000;

  g_return_val_if_fail (SY_IS_BUDGET_REPO (self), FALSE);
  g_return_val_if_fail (budget->key_id != NULL, FALSE);

  find = sy_database_prepare (self->db, "SELECT created_at FROM api_key_budgets "
                                        "WHERE key_id = ? AND period = ?", error);
  if (find == NULL)
    return FALSE;
  sqlite3_bind_text (find, 1, budget->key_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (find, 2, period, -1, SQLITE_STATIC);
  *created = sqlite3_step (find) != SQLITE_ROW;
  budget->created_at = *created ? now : sqlite3_column_int64 (find, 0);
  budget->updated_at = now;

  stmt = sy_database_prepare (self->db,
                              "INSERT INTO api_key_budgets (key_id, period, limit_usd, warning_at, "
                              "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
                              "ON CONFLICT (key_id, period) DO UPDATE SET "
                              "limit_usd = excluded.limit_usd, warning_at = excluded.warning_at, "
                              "updated_at = excluded.updated_at", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, budget->key_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, period, -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, 3, budget->limit_usd);
  sqlite3_bind_double (stmt, 4, budget->warning_at);
  sqlite3_bind_int64 (stmt, 5, budget->created_at);
  sqlite3_bind_int64 (stmt, 6, budget->updated_at);
  return sy_database_step_done (self->db, stmt, error);
}

gboolean
sy_budget_repo_delete (SyBudgetRepo    *self,
                       const char      *key_id,
                       SyBudgetPeriod   period,
                       gboolean         all_periods,
                       guint           *n_deleted,
                       GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (SY_IS_BUDGET_REPO (self), FALSE);

  stmt = sy_database_prepare (self->db, all_periods
                                ? "DELETE FROM api_key_budgets WHERE key_id = ?1"
                                : "DELETE FROM api_key_budgets WHERE key_id = ?1 AND period = ?2",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key_id, -1, SQLITE_STATIC);
  if (!all_periods)
    sqlite3_bind_text (stmt, 2, sy_budget_period_to_string (period), -1, SQLITE_STATIC);
  if (!sy_database_step_done (self->db, stmt, error))
    return FALSE;
  *n_deleted = (guint) sqlite3_changes (sy_database_get_handle (self->db));
  return TRUE;
}

/* --- spend ---------------------------------------------------------------------------------- */

/* Token counts as the writer stores them: NULL (not reported) and negatives count as 0, and
 * cached tokens never exceed the prompt they are part of. */
#define IN "MAX(COALESCE(tokens_input, 0), 0)"
#define OUT "MAX(COALESCE(tokens_output, 0), 0)"
#define CACHED "MIN(MAX(COALESCE(tokens_cache_read, 0), 0), " IN ")"

/* One grouped pass: per period n (?1 the day, ?2 the week, ?3 the month), the recorded cost of
 * the rows that have one, and the tokens of those that do not, priced by the caller. cost is
 * "cost_usd", or "NULL" for a table without that column (every row is then priced here). */
static char *
spend_sql (const char *cost)
{
  GString *sql = g_string_new ("SELECT api_key_id, provider, model");

  for (int n = 1; n <= SY_BUDGET_N_PERIODS; n++)
    g_string_append_printf (sql,
                            ", SUM(CASE WHEN timestamp >= ?%d AND %s IS NOT NULL "
                            "THEN MAX(%s, 0) ELSE 0 END)"
                            ", SUM(CASE WHEN timestamp >= ?%d AND %s IS NULL THEN " IN
                            " ELSE 0 END)"
                            ", SUM(CASE WHEN timestamp >= ?%d AND %s IS NULL THEN " OUT
                            " ELSE 0 END)"
                            ", SUM(CASE WHEN timestamp >= ?%d AND %s IS NULL THEN " CACHED
                            " ELSE 0 END)",
                            n, cost, cost, n, cost, n, cost, n, cost);
  g_string_append (sql, " FROM usage_history WHERE api_key_id IS NOT NULL AND timestamp >= ?4 "
                        "GROUP BY api_key_id, provider, model");
  return g_string_free (sql, FALSE);
}

static gboolean
has_cost_column (SyDatabase *db)
{
  g_autoptr(sqlite3_stmt) stmt = sy_database_prepare (db, "SELECT 1 FROM pragma_table_info "
                                                          "('usage_history') WHERE name = "
                                                          "'cost_usd'", NULL);

  return stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW;
}

static gint64 *
spend_of (GHashTable *out,
          const char *key_id)
{
  gint64 *spent = g_hash_table_lookup (out, key_id);

  if (spent == NULL)
    {
      spent = g_new0 (gint64, SY_BUDGET_N_PERIODS);
      g_hash_table_insert (out, g_strdup (key_id), spent);
    }
  return spent;
}

GHashTable *
sy_budget_repo_sum_spend (SyBudgetRepo   *self,
                          SyPricingRepo  *pricing,
                          const gint64   *since_ms,
                          GError        **error)
{
  g_autoptr(GHashTable) out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = NULL;
  gint64 earliest = since_ms[0];
  int rc;

  g_return_val_if_fail (SY_IS_BUDGET_REPO (self), NULL);

  for (guint p = 1; p < SY_BUDGET_N_PERIODS; p++)
    earliest = MIN (earliest, since_ms[p]);
  sql = spend_sql (has_cost_column (self->db) ? "cost_usd" : "NULL");
  stmt = sy_database_prepare (self->db, sql, error);
  if (stmt == NULL)
    return NULL;
  for (guint p = 0; p < SY_BUDGET_N_PERIODS; p++)
    sqlite3_bind_int64 (stmt, (int) p + 1, since_ms[p]);
  sqlite3_bind_int64 (stmt, 4, earliest);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 *spent = spend_of (out, (const char *) sqlite3_column_text (stmt, 0));
      const char *provider = (const char *) sqlite3_column_text (stmt, 1);
      const char *model = (const char *) sqlite3_column_text (stmt, 2);
      SyPrice price;
      gboolean priced = provider != NULL && model != NULL &&
                        sy_pricing_repo_lookup (pricing, provider, model, &price);

      for (guint p = 0; p < SY_BUDGET_N_PERIODS; p++)
        {
          int col = 3 + 4 * (int) p;

          spent[p] += sy_budget_usd_to_nano (sqlite3_column_double (stmt, col));
          if (priced)
            spent[p] += sy_budget_usd_to_nano (
              sy_price_cost_usd (&price, sqlite3_column_int64 (stmt, col + 1),
                                 sqlite3_column_int64 (stmt, col + 2),
                                 sqlite3_column_int64 (stmt, col + 3)));
        }
    }
  if (rc != SQLITE_DONE)
    {
      sy_database_set_error (self->db, error, "cannot sum usage for budgets");
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The usage log's read side. A range [from, to) splits into whole UTC days, summed from
 * usage_daily (a few rows per day), and the cut days at its edges, summed from usage_history
 * through its time or filter indices; a range ending after "now" reads its last day whole from
 * the aggregates, as no row is newer. Both sources use the same filter columns, so one WHERE
 * builder serves both. Raw pages are keyset-paginated (timestamp, id), newest first.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-usage-query.h"
#include "sy-usage-upkeep.h"

#include <string.h>

typedef enum {
  SOURCE_DAILY,
  SOURCE_RAW,
} Source;

static void
sums_free (SyUsageSums *s)
{
  g_free (s->provider);
  g_free (s->model);
  g_free (s->key_id);
  g_free (s);
}

static void
row_free (SyUsageRow *row)
{
  sy_usage_record_free (row->record);
  g_free (row);
}

void
sy_usage_result_free (SyUsageResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->groups, g_ptr_array_unref);
  g_clear_pointer (&result->rows, g_ptr_array_unref);
  g_free (result);
}

/* The WHERE clause after the time bounds, with its parameters bound from index first; both
 * tables name the filter columns alike. */
static void
append_filters (GString            *sql,
                const SyUsageQuery *q)
{
  if (q->provider != NULL)
    g_string_append (sql, " AND provider = :provider");
  if (q->model != NULL)
    g_string_append (sql, " AND model = :model");
  if (q->key_id != NULL)
    g_string_append (sql, " AND api_key_id = :key");
  if (q->status != SY_USAGE_STATUS_ANY)
    g_string_append (sql, " AND success = :success");
}

static void
bind_named_text (sqlite3_stmt *stmt,
                 const char   *name,
                 const char   *value)
{
  int i = sqlite3_bind_parameter_index (stmt, name);

  if (i > 0)
    sqlite3_bind_text (stmt, i, value, -1, SQLITE_STATIC);
}

static void
bind_named_int (sqlite3_stmt *stmt,
                const char   *name,
                gint64        value)
{
  int i = sqlite3_bind_parameter_index (stmt, name);

  if (i > 0)
    sqlite3_bind_int64 (stmt, i, value);
}

static void
bind_filters (sqlite3_stmt       *stmt,
              const SyUsageQuery *q,
              gint64              lo,
              gint64              hi)
{
  bind_named_int (stmt, ":lo", lo);
  bind_named_int (stmt, ":hi", hi);
  bind_named_text (stmt, ":provider", q->provider);
  bind_named_text (stmt, ":model", q->model);
  bind_named_text (stmt, ":key", q->key_id);
  bind_named_int (stmt, ":success", q->status == SY_USAGE_STATUS_OK);
}

/* One row per aggregate bucket or raw row: the group columns (provider, model, key, day;
 * NULL when not grouped by them), then the row's contribution to the sums. No GROUP BY: a
 * month of buckets is tens of thousands of rows, and SQLite sorts them in a temporary b-tree
 * to group them, several times slower than summing them here by hash. Ungrouped, one row of
 * SQL sums. */
static char *
rows_for_sums_sql (Source              source,
                   const SyUsageQuery *q)
{
  GString *sql = g_string_new ("SELECT ");
  gboolean by_provider = q->group_by == SY_USAGE_GROUP_PROVIDER ||
                         q->group_by == SY_USAGE_GROUP_MODEL;

  g_string_append (sql, by_provider ? "provider, " : "NULL, ");
  g_string_append (sql, q->group_by == SY_USAGE_GROUP_MODEL ? "model, " : "NULL, ");
  g_string_append (sql, q->group_by == SY_USAGE_GROUP_KEY ? "api_key_id, " : "NULL, ");
  if (q->group_by == SY_USAGE_GROUP_DAY)
    g_string_append (sql, source == SOURCE_DAILY ? "day, " : "timestamp / 86400000, ");
  else
    g_string_append (sql, "NULL, ");

  /* Ungrouped, SQLite sums without sorting: one row. */
  if (q->group_by == SY_USAGE_GROUP_NONE && source == SOURCE_DAILY)
    g_string_append (sql, "SUM (requests), SUM (CASE WHEN success = 0 THEN requests ELSE 0 "
                          "END), SUM (tokens_input), SUM (tokens_output), "
                          "SUM (tokens_cache_read), SUM (tokens_cache_creation), "
                          "SUM (tokens_reasoning), TOTAL (cost_usd), SUM (unpriced), "
                          "TOTAL (latency_ms)");
  else if (q->group_by == SY_USAGE_GROUP_NONE)
    g_string_append (sql, "COUNT(*), TOTAL (success = 0), TOTAL (tokens_input), "
                          "TOTAL (tokens_output), TOTAL (tokens_cache_read), "
                          "TOTAL (tokens_cache_creation), TOTAL (tokens_reasoning), "
                          "TOTAL (cost_usd), TOTAL (cost_usd IS NULL), TOTAL (latency_ms)");
  else if (source == SOURCE_DAILY)
    g_string_append (sql, "requests, CASE WHEN success = 0 THEN requests ELSE 0 END, "
                          "tokens_input, tokens_output, tokens_cache_read, "
                          "tokens_cache_creation, tokens_reasoning, cost_usd, unpriced, "
                          "latency_ms");
  else
    g_string_append (sql, "1, success = 0, tokens_input, tokens_output, tokens_cache_read, "
                          "tokens_cache_creation, tokens_reasoning, cost_usd, cost_usd IS NULL, "
                          "latency_ms");
  if (source == SOURCE_DAILY)
    g_string_append (sql, " FROM usage_daily WHERE day >= :lo AND day < :hi");
  else
    g_string_append (sql, " FROM usage_history WHERE timestamp >= :lo AND timestamp < :hi");
  append_filters (sql, q);
  return g_string_free (sql, FALSE);
}

static char *
dup_column (sqlite3_stmt *stmt,
            int           col)
{
  const char *s = (const char *) sqlite3_column_text (stmt, col);

  return s != NULL && *s != '\0' ? g_strdup (s) : NULL;
}

static const char *
text_or_empty (sqlite3_stmt *stmt,
               int           col)
{
  const char *s = (const char *) sqlite3_column_text (stmt, col);

  return s != NULL ? s : "";
}

/* Column values of SQL NULL read as 0 (unreported counts, unknown costs). */
static void
add_sums (SyUsageSums  *to,
          sqlite3_stmt *stmt)
{
  to->requests += sqlite3_column_int64 (stmt, 4);
  to->errors += sqlite3_column_int64 (stmt, 5);
  to->tokens_input += sqlite3_column_int64 (stmt, 6);
  to->tokens_output += sqlite3_column_int64 (stmt, 7);
  to->tokens_cache_read += sqlite3_column_int64 (stmt, 8);
  to->tokens_cache_creation += sqlite3_column_int64 (stmt, 9);
  to->tokens_reasoning += sqlite3_column_int64 (stmt, 10);
  to->cost_usd += sqlite3_column_double (stmt, 11);
  to->unpriced += sqlite3_column_int64 (stmt, 12);
  to->latency_ms += sqlite3_column_double (stmt, 13);
}

/* The group a row belongs to, as a hash key, written into scratch (no allocation per row). */
static const char *
group_key (sqlite3_stmt *stmt,
           SyUsageGroup  group_by,
           GString      *scratch)
{
  g_string_truncate (scratch, 0);
  switch (group_by)
    {
    case SY_USAGE_GROUP_PROVIDER:
      return text_or_empty (stmt, 0);
    case SY_USAGE_GROUP_KEY:
      return text_or_empty (stmt, 2);
    case SY_USAGE_GROUP_MODEL:
      g_string_append (scratch, text_or_empty (stmt, 0));
      g_string_append_c (scratch, '\n');
      g_string_append (scratch, text_or_empty (stmt, 1));
      return scratch->str;
    case SY_USAGE_GROUP_DAY:
      g_string_append_printf (scratch, "%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 3));
      return scratch->str;
    case SY_USAGE_GROUP_NONE:
    default:
      return "";
    }
}

/* Sums one source over [lo, hi) (days or ms) into groups, keyed by group_key (). */
static gboolean
sum_range (SyDatabase          *db,
           Source               source,
           const SyUsageQuery  *q,
           gint64               lo,
           gint64               hi,
           GHashTable          *groups,
           GError             **error)
{
  g_autofree char *sql = rows_for_sums_sql (source, q);
  g_autoptr(sqlite3_stmt) stmt = sy_database_prepare (db, sql, error);
  g_autoptr(GString) scratch = g_string_new (NULL);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_filters (stmt, q, lo, hi);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = group_key (stmt, q->group_by, scratch);
      SyUsageSums *s = g_hash_table_lookup (groups, key);

      if (s == NULL)
        {
          s = g_new0 (SyUsageSums, 1);
          s->provider = dup_column (stmt, 0);
          s->model = dup_column (stmt, 1);
          s->key_id = dup_column (stmt, 2);
          s->day = q->group_by == SY_USAGE_GROUP_DAY ? sqlite3_column_int64 (stmt, 3) : -1;
          g_hash_table_insert (groups, g_strdup (key), s);
        }
      add_sums (s, stmt);
    }
  if (rc != SQLITE_DONE)
    {
      sy_database_set_error (db, error, "cannot read usage");
      return FALSE;
    }
  return TRUE;
}

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  const SyUsageSums *x = *(SyUsageSums * const *) a;
  const SyUsageSums *y = *(SyUsageSums * const *) b;
  int c;

  if (x->day != y->day)
    return x->day < y->day ? -1 : 1;
  if (x->cost_usd != y->cost_usd)
    return x->cost_usd > y->cost_usd ? -1 : 1;
  if (x->requests != y->requests)
    return x->requests > y->requests ? -1 : 1;
  if ((c = g_strcmp0 (x->provider, y->provider)) != 0)
    return c;
  if ((c = g_strcmp0 (x->model, y->model)) != 0)
    return c;
  return g_strcmp0 (x->key_id, y->key_id);
}

static void
add_to_totals (SyUsageSums       *t,
               const SyUsageSums *s)
{
  t->requests += s->requests;
  t->errors += s->errors;
  t->tokens_input += s->tokens_input;
  t->tokens_output += s->tokens_output;
  t->tokens_cache_read += s->tokens_cache_read;
  t->tokens_cache_creation += s->tokens_cache_creation;
  t->tokens_reasoning += s->tokens_reasoning;
  t->cost_usd += s->cost_usd;
  t->unpriced += s->unpriced;
  t->latency_ms += s->latency_ms;
}

static gboolean
read_sums (SyDatabase          *db,
           const SyUsageQuery  *q,
           SyUsageResult       *result,
           GError             **error)
{
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) sums_free);
  gint64 first_day = sy_usage_day_of (q->from_ms + SY_USAGE_DAY_MS - 1);   /* whole days */
  gint64 end_day = sy_usage_day_of (q->to_ms);
  GHashTableIter iter;
  gpointer key, value;

  /* Rows are never newer than now: the day holding "to" is whole if to is now or later. */
  if (q->to_ms >= q->now_ms && end_day * SY_USAGE_DAY_MS < q->to_ms)
    end_day++;

  if (first_day >= end_day)
    {
      result->raw_ms = q->to_ms - q->from_ms;
      if (!sum_range (db, SOURCE_RAW, q, q->from_ms, q->to_ms, groups, error))
        return FALSE;
    }
  else
    {
      gint64 head_end = first_day * SY_USAGE_DAY_MS, tail_start = end_day * SY_USAGE_DAY_MS;

      if (!sum_range (db, SOURCE_DAILY, q, first_day, end_day, groups, error))
        return FALSE;
      if (q->from_ms < head_end)
        {
          result->raw_ms += head_end - q->from_ms;
          if (!sum_range (db, SOURCE_RAW, q, q->from_ms, head_end, groups, error))
            return FALSE;
        }
      if (tail_start < q->to_ms)
        {
          result->raw_ms += q->to_ms - tail_start;
          if (!sum_range (db, SOURCE_RAW, q, tail_start, q->to_ms, groups, error))
            return FALSE;
        }
    }

  result->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) sums_free);
  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      add_to_totals (&result->totals, value);
      g_hash_table_iter_steal (&iter);
      g_free (key);
      g_ptr_array_add (result->groups, value);
    }
  g_ptr_array_sort (result->groups, compare_groups);
  if (q->group_by == SY_USAGE_GROUP_NONE)
    g_ptr_array_set_size (result->groups, 0);
  if (result->groups->len > SY_USAGE_QUERY_MAX_GROUPS)
    {
      g_ptr_array_set_size (result->groups, SY_USAGE_QUERY_MAX_GROUPS);
      result->groups_truncated = TRUE;
    }
  return TRUE;
}

static const char rows_sql[] =
  "SELECT id, timestamp, request_id, endpoint, api_key_id, requested_model, provider, "
  "connection_id, model, status, success, stream, attempts, tokens_input, tokens_output, "
  "tokens_cache_read, tokens_cache_creation, tokens_reasoning, latency_ms, ttfb_ms, "
  "error_code, cost_usd FROM usage_history WHERE timestamp >= :lo AND timestamp < :hi";

static gint64
column_count (sqlite3_stmt *stmt,
              int           col)
{
  return sqlite3_column_type (stmt, col) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, col);
}

static char *
column_text (sqlite3_stmt *stmt,
             int           col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

static gboolean
read_rows (SyDatabase          *db,
           const SyUsageQuery  *q,
           SyUsageResult       *result,
           GError             **error)
{
  g_autoptr(GString) sql = g_string_new (rows_sql);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  result->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  if (q->limit == 0)
    return TRUE;

  append_filters (sql, q);
  /* The cursor also lowers the range's upper bound (below): SQLite bounds the index walk by
   * one plain comparison, not by the row value, and would otherwise walk down from "to". */
  if (q->has_cursor)
    g_string_append (sql, " AND (timestamp, id) < (:cursor_ts, :cursor_id)");
  g_string_append (sql, " ORDER BY timestamp DESC, id DESC LIMIT :limit");
  if ((stmt = sy_database_prepare (db, sql->str, error)) == NULL)
    return FALSE;
  bind_filters (stmt, q, q->from_ms,
                q->has_cursor ? MIN (q->to_ms, q->cursor_ts + 1) : q->to_ms);
  bind_named_int (stmt, ":cursor_ts", q->cursor_ts);
  bind_named_int (stmt, ":cursor_id", q->cursor_id);
  bind_named_int (stmt, ":limit", (gint64) MIN (q->limit, SY_USAGE_QUERY_MAX_ROWS) + 1);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SyUsageRow *row;
      SyUsageRecord *r;

      if (result->rows->len == MIN (q->limit, SY_USAGE_QUERY_MAX_ROWS))
        {
          result->more_rows = TRUE;
          break;
        }
      row = g_new0 (SyUsageRow, 1);
      row->record = r = sy_usage_record_new ();
      row->id = sqlite3_column_int64 (stmt, 0);
      r->timestamp_ms = sqlite3_column_int64 (stmt, 1);
      r->request_id = column_text (stmt, 2);
      r->endpoint = column_text (stmt, 3);
      r->api_key_id = column_text (stmt, 4);
      r->requested_model = column_text (stmt, 5);
      r->provider = column_text (stmt, 6);
      r->connection_id = column_text (stmt, 7);
      r->model = column_text (stmt, 8);
      r->status = sqlite3_column_int (stmt, 9);
      row->success = sqlite3_column_int (stmt, 10) != 0;
      r->stream = sqlite3_column_int (stmt, 11) != 0;
      r->attempts = sqlite3_column_int (stmt, 12);
      r->tokens_input = column_count (stmt, 13);
      r->tokens_output = column_count (stmt, 14);
      r->tokens_cache_read = column_count (stmt, 15);
      r->tokens_cache_creation = column_count (stmt, 16);
      r->tokens_reasoning = column_count (stmt, 17);
      r->latency_ms = sqlite3_column_double (stmt, 18);
      r->ttfb_ms = sqlite3_column_type (stmt, 19) == SQLITE_NULL ? -1
                                                                 : sqlite3_column_double (stmt, 19);
      r->error_code = column_text (stmt, 20);
      r->cost_usd = sqlite3_column_type (stmt, 21) == SQLITE_NULL ? -1
                                                                  : sqlite3_column_double (stmt, 21);
      g_ptr_array_add (result->rows, row);
    }
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      sy_database_set_error (db, error, "cannot read usage rows");
      return FALSE;
    }
  return TRUE;
}

SyUsageResult *
sy_usage_query_run (SyDatabase          *db,
                    const SyUsageQuery  *query,
                    GError             **error)
{
  g_autoptr(SyUsageResult) result = g_new0 (SyUsageResult, 1);

  g_return_val_if_fail (SY_IS_DATABASE (db), NULL);
  g_return_val_if_fail (query != NULL && query->from_ms < query->to_ms, NULL);

  /* One snapshot for sums and rows: the writer commits between statements otherwise. */
  if (!sy_database_exec (db, "BEGIN", error))
    return NULL;
  if (!read_sums (db, query, result, error) || !read_rows (db, query, result, error))
    {
      sy_database_exec (db, "ROLLBACK", NULL);
      return NULL;
    }
  sy_database_exec (db, "COMMIT", NULL);
  return g_steal_pointer (&result);
}

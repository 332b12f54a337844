/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Daily aggregates and retention of the usage log, for the writer thread. A batch of rows
 * mostly shares a few (day, key, provider, model, success) buckets: they are summed in memory
 * and written with one upsert per bucket, not one per row. Nothing here opens a transaction
 * for the aggregates; the writer's batch transaction holds rows and sums together.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-usage-upkeep.h"

typedef struct
{
  gint64  day;
  char   *api_key_id;
  char   *provider;
  char   *model;
  int     success;
  gint64  requests;
  gint64  tokens_input;
  gint64  tokens_output;
  gint64  tokens_cache_read;
  gint64  tokens_cache_creation;
  gint64  tokens_reasoning;
  double  cost_usd;
  gint64  unpriced;
  double  latency_ms;
} Bucket;

struct _SyUsageDaily
{
  SyDatabase   *db;
  sqlite3_stmt *upsert;
  GHashTable   *buckets;   /* "day\nkey\nprovider\nmodel\nsuccess" -> Bucket */
};

static const char upsert_sql[] =
  "INSERT INTO usage_daily (day, api_key_id, provider, model, success, requests, tokens_input, "
  "tokens_output, tokens_cache_read, tokens_cache_creation, tokens_reasoning, cost_usd, "
  "unpriced, latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
  "ON CONFLICT (day, api_key_id, provider, model, success) DO UPDATE SET "
  "requests = requests + excluded.requests, "
  "tokens_input = tokens_input + excluded.tokens_input, "
  "tokens_output = tokens_output + excluded.tokens_output, "
  "tokens_cache_read = tokens_cache_read + excluded.tokens_cache_read, "
  "tokens_cache_creation = tokens_cache_creation + excluded.tokens_cache_creation, "
  "tokens_reasoning = tokens_reasoning + excluded.tokens_reasoning, "
  "cost_usd = cost_usd + excluded.cost_usd, "
  "unpriced = unpriced + excluded.unpriced, "
  "latency_ms = latency_ms + excluded.latency_ms";

static void
bucket_free (Bucket *b)
{
  g_free (b->api_key_id);
  g_free (b->provider);
  g_free (b->model);
  g_free (b);
}

SyUsageDaily *
sy_usage_daily_new (SyDatabase  *db,
                    GError     **error)
{
  sqlite3_stmt *upsert = sy_database_prepare (db, upsert_sql, error);
  SyUsageDaily *self;

  if (upsert == NULL)
    return NULL;
  self = g_new0 (SyUsageDaily, 1);
  self->db = g_object_ref (db);
  self->upsert = upsert;
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) bucket_free);
  return self;
}

void
sy_usage_daily_free (SyUsageDaily *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->upsert, sqlite3_finalize);
  g_clear_pointer (&self->buckets, g_hash_table_unref);
  g_clear_object (&self->db);
  g_free (self);
}

static gint64
count (gint64 v)
{
  return MAX (v, 0);
}

void
sy_usage_daily_add (SyUsageDaily        *self,
                    const SyUsageRecord *r)
{
  gint64 day = sy_usage_day_of (r->timestamp_ms);
  int success = sy_usage_record_succeeded (r);
  const char *key_id = r->api_key_id ? r->api_key_id : "";
  const char *provider = r->provider ? r->provider : "";
  const char *model = r->model ? r->model : "";
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT "\n%s\n%s\n%s\n%d", day, key_id,
                                          provider, model, success);
  Bucket *b = g_hash_table_lookup (self->buckets, key);

  if (b == NULL)
    {
      b = g_new0 (Bucket, 1);
      b->day = day;
      b->api_key_id = g_strdup (key_id);
      b->provider = g_strdup (provider);
      b->model = g_strdup (model);
      b->success = success;
      g_hash_table_insert (self->buckets, g_steal_pointer (&key), b);
    }
  b->requests++;
  b->tokens_input += count (r->tokens_input);
  b->tokens_output += count (r->tokens_output);
  b->tokens_cache_read += count (r->tokens_cache_read);
  b->tokens_cache_creation += count (r->tokens_cache_creation);
  b->tokens_reasoning += count (r->tokens_reasoning);
  if (r->cost_usd >= 0)
    b->cost_usd += r->cost_usd;
  else
    b->unpriced++;
  b->latency_ms += MAX (r->latency_ms, 0);
}

void
sy_usage_daily_clear (SyUsageDaily *self)
{
  g_hash_table_remove_all (self->buckets);
}

gboolean
sy_usage_daily_write (SyUsageDaily  *self,
                      GError       **error)
{
  GHashTableIter iter;
  gpointer value;
  gboolean ok = TRUE;

  g_hash_table_iter_init (&iter, self->buckets);
  while (ok && g_hash_table_iter_next (&iter, NULL, &value))
    {
      Bucket *b = value;
      sqlite3_stmt *stmt = self->upsert;

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, b->day);
      sqlite3_bind_text (stmt, 2, b->api_key_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, b->provider, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, b->model, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 5, b->success);
      sqlite3_bind_int64 (stmt, 6, b->requests);
      sqlite3_bind_int64 (stmt, 7, b->tokens_input);
      sqlite3_bind_int64 (stmt, 8, b->tokens_output);
      sqlite3_bind_int64 (stmt, 9, b->tokens_cache_read);
      sqlite3_bind_int64 (stmt, 10, b->tokens_cache_creation);
      sqlite3_bind_int64 (stmt, 11, b->tokens_reasoning);
      sqlite3_bind_double (stmt, 12, b->cost_usd);
      sqlite3_bind_int64 (stmt, 13, b->unpriced);
      sqlite3_bind_double (stmt, 14, b->latency_ms);
      ok = sy_database_step_done (self->db, stmt, error);
    }
  sqlite3_reset (self->upsert);
  sqlite3_clear_bindings (self->upsert);
  sy_usage_daily_clear (self);
  return ok;
}

gint64
sy_usage_prune_batch (SyDatabase  *db,
                      gint64       cutoff_ms,
                      guint        limit,
                      GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 deleted;

  if (!sy_database_exec (db, "BEGIN IMMEDIATE", error))
    return -1;
  stmt = sy_database_prepare (db, "DELETE FROM usage_history WHERE id IN (SELECT id FROM "
                                  "usage_history WHERE timestamp < ? ORDER BY timestamp LIMIT ?)",
                              error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, cutoff_ms);
  sqlite3_bind_int (stmt, 2, (int) limit);
  if (!sy_database_step_done (db, stmt, error))
    goto fail;
  deleted = sqlite3_changes64 (sy_database_get_handle (db));
  if (!sy_database_exec (db, "COMMIT", error))
    goto fail;
  return deleted;

fail:
  sy_database_exec (db, "ROLLBACK", NULL);
  return -1;
}

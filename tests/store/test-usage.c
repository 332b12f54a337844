/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The usage log's store side: default prices seeded without overriding edits, the cost of a
 * usage record, daily aggregates that match the raw rows, retention that deletes only old raw
 * rows, and the query that mixes aggregates and raw rows, checked against sums computed here
 * from the records themselves.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "store/sy-database.h"
#include "store/sy-pricing-repo.h"
#include "store/sy-usage-query.h"
#include "store/sy-usage-upkeep.h"
#include "store/sy-usage-writer.h"
#include "providers/sy-provider-catalog.h"

#define DAY SY_USAGE_DAY_MS
#define BASE_DAY G_GINT64_CONSTANT (20000)   /* 2024-10-04, far from "now" */

typedef struct
{
  char          *dir;
  char          *path;
  SyDatabase    *db;
  SyUsageWriter *writer;
  GPtrArray     *records;   /* copies of what was submitted, the oracle */
} Fixture;

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_remove (child);
    }
  g_rmdir (path);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("sy-usage-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "switchyard.db", NULL);
  f->db = sy_database_open (f->path, &error);
  g_assert_no_error (error);
  f->writer = sy_usage_writer_new (f->path, &error);
  g_assert_no_error (error);
  f->records = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_usage_record_free);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_assert_finalize_object (f->writer);
  g_assert_finalize_object (f->db);
  g_ptr_array_unref (f->records);
  rm_rf (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static SyUsageRecord *
record_copy (const SyUsageRecord *r)
{
  SyUsageRecord *c = g_memdup2 (r, sizeof *r);

  c->request_id = g_strdup (r->request_id);
  c->endpoint = g_strdup (r->endpoint);
  c->api_key_id = g_strdup (r->api_key_id);
  c->requested_model = g_strdup (r->requested_model);
  c->provider = g_strdup (r->provider);
  c->connection_id = g_strdup (r->connection_id);
  c->model = g_strdup (r->model);
  c->error_code = g_strdup (r->error_code);
  return c;
}

static void
submit (Fixture    *f,
        gint64      ts,
        const char *key,
        const char *provider,
        const char *model,
        int         status,
        gint64      input,
        gint64      output,
        gint64      cached,
        double      cost)
{
  SyUsageRecord *r = sy_usage_record_new ();

  r->timestamp_ms = ts;
  r->request_id = g_strdup_printf ("req-%u", f->records->len);
  r->endpoint = g_strdup ("chat/completions");
  r->api_key_id = g_strdup (key);
  r->provider = g_strdup (provider);
  r->model = g_strdup (model);
  r->status = status;
  r->tokens_input = input;
  r->tokens_output = output;
  r->tokens_cache_read = cached;
  r->tokens_reasoning = output > 0 ? output / 2 : -1;
  r->latency_ms = 100;
  r->cost_usd = cost;
  g_ptr_array_add (f->records, record_copy (r));
  sy_usage_writer_submit (f->writer, r);
}

static gint64
db_int (Fixture    *f,
        const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = sy_database_prepare (f->db, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static double
db_double (Fixture    *f,
           const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = sy_database_prepare (f->db, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_double (stmt, 0);
}

/* --- pricing ------------------------------------------------------------------------------ */

static const SyPriceDefault defaults_v1[] = {
  { "openai", "gpt-a", 1.0, 2.0, 0.5 },
  { "openai", "gpt-b", 3.0, 4.0, 1.5 },
  { "anthropic", "claude-c", 5.0, 6.0, 0.5 },
};

/* A later release: every price changed, one model added. */
static const SyPriceDefault defaults_v2[] = {
  { "openai", "gpt-a", 10.0, 20.0, 5.0 },
  { "openai", "gpt-b", 30.0, 40.0, 15.0 },
  { "anthropic", "claude-c", 50.0, 60.0, 5.0 },
  { "anthropic", "claude-d", 7.0, 8.0, 0.7 },
};

static void
assert_price (SyPricingRepo *repo,
              const char    *provider,
              const char    *model,
              double         input,
              double         output,
              double         cached)
{
  SyPrice p;

  g_assert_true (sy_pricing_repo_lookup (repo, provider, model, &p));
  g_assert_cmpfloat (p.input_per_mtok, ==, input);
  g_assert_cmpfloat (p.output_per_mtok, ==, output);
  g_assert_cmpfloat (p.cached_per_mtok, ==, cached);
}

static void
test_seed_never_overrides_edits (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SyPricingRepo) first = NULL;
  g_autoptr(SyPricingRepo) again = NULL;
  g_autoptr(GPtrArray) list = NULL;
  SyPrice mine = { 0.25, 0.75, 0.125 };
  SyPrice p;

  first = sy_pricing_repo_new_with_defaults (f->db, defaults_v1, G_N_ELEMENTS (defaults_v1),
                                             &error);
  g_assert_no_error (error);
  assert_price (first, "openai", "gpt-a", 1.0, 2.0, 0.5);
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM pricing WHERE is_default = 1"), ==, 3);

  /* The user edits one default and deletes another. */
  g_assert_true (sy_pricing_repo_set (first, "openai", "gpt-a", &mine, &error));
  g_assert_true (sy_pricing_repo_delete (first, "openai", "gpt-b", &error));
  g_assert_no_error (error);
  g_assert_false (sy_pricing_repo_delete (first, "openai", "gpt-b", &error));
  g_assert_error (error, SY_STORE_ERROR, SY_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_finalize_object (g_steal_pointer (&first));

  /* Restart with new defaults: the edit and the deletion stand; the untouched default is
   * refreshed; the new default arrives. */
  again = sy_pricing_repo_new_with_defaults (f->db, defaults_v2, G_N_ELEMENTS (defaults_v2),
                                             &error);
  g_assert_no_error (error);
  assert_price (again, "openai", "gpt-a", 0.25, 0.75, 0.125);
  g_assert_false (sy_pricing_repo_lookup (again, "openai", "gpt-b", &p));
  assert_price (again, "anthropic", "claude-c", 50.0, 60.0, 5.0);
  assert_price (again, "anthropic", "claude-d", 7.0, 8.0, 0.7);

  list = sy_pricing_repo_list (again, "openai", NULL);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((SyPriceEntry *) list->pdata[0])->model, ==, "gpt-a");
  g_assert_false (((SyPriceEntry *) list->pdata[0])->is_default);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = sy_pricing_repo_list (again, NULL, NULL);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpstr (((SyPriceEntry *) list->pdata[0])->provider, ==, "anthropic");
  g_assert_true (((SyPriceEntry *) list->pdata[0])->is_default);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Setting a deleted default again makes it the user's, and it stays through seeding. */
  g_assert_true (sy_pricing_repo_set (again, "openai", "gpt-b", &mine, &error));
  g_assert_finalize_object (g_steal_pointer (&again));
  again = sy_pricing_repo_new_with_defaults (f->db, defaults_v2, G_N_ELEMENTS (defaults_v2),
                                             &error);
  g_assert_no_error (error);
  assert_price (again, "openai", "gpt-b", 0.25, 0.75, 0.125);
}

/* The built-in table: every provider is a catalog id (what usage rows carry), prices are sane,
 * and the repository seeds them all. */
static void
test_builtin_defaults (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SyPricingRepo) repo = sy_pricing_repo_new (f->db, &error);
  g_autoptr(GHashTable) providers = g_hash_table_new (g_str_hash, g_str_equal);
  guint n;
  const SyPriceDefault *d = sy_pricing_defaults_get (&n);

  g_assert_no_error (error);
  g_assert_cmpuint (n, >=, 100);
  for (guint i = 0; i < n; i++)
    {
      const SyProviderInfo *info = sy_provider_catalog_lookup (d[i].provider);
      SyPrice p;

      g_test_message ("%s/%s", d[i].provider, d[i].model);
      g_assert_nonnull (info);
      g_assert_cmpstr (info->id, ==, d[i].provider);
      g_assert_cmpfloat (d[i].input_per_mtok, >=, 0);
      g_assert_cmpfloat (d[i].output_per_mtok, >=, d[i].input_per_mtok * 0.5);
      g_assert_cmpfloat (d[i].cached_per_mtok, <=, d[i].input_per_mtok);
      g_assert_true (sy_pricing_repo_lookup (repo, d[i].provider, d[i].model, &p));
      g_assert_cmpfloat (p.output_per_mtok, ==, d[i].output_per_mtok);
      g_hash_table_add (providers, (gpointer) d[i].provider);
    }
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM pricing"), ==, n);
  /* Every built-in provider with a public per-token list has prices (not NVIDIA NIM). */
  g_assert_cmpuint (g_hash_table_size (providers), ==, 15);
  assert_price (repo, "openai", "gpt-4o", 2.5, 10.0, 1.25);
  assert_price (repo, "anthropic", "claude-sonnet-4-5", 3.0, 15.0, 0.3);
}

static void
test_price_usage (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SyPricingRepo) repo = sy_pricing_repo_new_with_defaults (f->db, defaults_v1,
                                                                     G_N_ELEMENTS (defaults_v1),
                                                                     &error);
  g_autoptr(SyUsageRecord) r = sy_usage_record_new ();

  r->provider = g_strdup ("openai");
  r->model = g_strdup ("gpt-a");
  r->status = 200;
  r->tokens_input = 1000000;
  r->tokens_output = 500000;
  r->tokens_cache_read = 400000;
  sy_pricing_repo_price_usage (repo, r);
  /* 600k fresh at 1.0 + 400k cached at 0.5 + 500k out at 2.0 */
  g_assert_cmpfloat_with_epsilon (r->cost_usd, 0.6 + 0.2 + 1.0, 1e-12);

  /* A success without counts: unknown, never guessed. */
  r->tokens_input = r->tokens_output = r->tokens_cache_read = -1;
  sy_pricing_repo_price_usage (repo, r);
  g_assert_cmpfloat (r->cost_usd, <, 0);
  /* Refused, even with the refusal relayed to the client: free. */
  r->status = 429;
  sy_pricing_repo_price_usage (repo, r);
  g_assert_cmpfloat (r->cost_usd, ==, 0);
  r->ttfb_ms = 12;
  sy_pricing_repo_price_usage (repo, r);
  g_assert_cmpfloat (r->cost_usd, ==, 0);
  /* A stream the client cut after its first byte: unknown. Before it: free. */
  r->status = 499;
  sy_pricing_repo_price_usage (repo, r);
  g_assert_cmpfloat (r->cost_usd, <, 0);
  r->ttfb_ms = -1;
  sy_pricing_repo_price_usage (repo, r);
  g_assert_cmpfloat (r->cost_usd, ==, 0);
  /* Counts from the output alone are enough. */
  r->tokens_output = 1000000;
  sy_pricing_repo_price_usage (repo, r);
  g_assert_cmpfloat_with_epsilon (r->cost_usd, 2.0, 1e-12);
  r->tokens_output = -1;
  /* No price: unknown. */
  g_free (r->model);
  r->model = g_strdup ("gpt-unknown");
  r->status = 200;
  r->tokens_input = 10;
  sy_pricing_repo_price_usage (repo, r);
  g_assert_cmpfloat (r->cost_usd, <, 0);
}

/* --- aggregates and retention --------------------------------------------------------------- */

static const char * const keys[] = { "key-a", "key-b", NULL };
static const char * const providers[] = { "openai", "anthropic", "mock" };
static const char * const models[] = { "m1", "m2" };

/* n records over days BASE_DAY .. BASE_DAY+days-1, at varied hours, varied everything. */
static void
fill (Fixture *f,
      guint    n,
      guint    days)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  for (guint i = 0; i < n; i++)
    {
      gint64 ts = (BASE_DAY + g_rand_int_range (rand, 0, days)) * DAY +
                  g_rand_int_range (rand, 0, (gint32) DAY);
      int status = g_rand_int_range (rand, 0, 10) == 0 ? 429 : 200;
      gboolean priced = g_rand_int_range (rand, 0, 5) != 0;
      gint64 in = status == 200 ? g_rand_int_range (rand, 1, 5000) : -1;

      submit (f, ts, keys[g_rand_int_range (rand, 0, 3)],
              providers[g_rand_int_range (rand, 0, 3)], models[g_rand_int_range (rand, 0, 2)],
              status, in, status == 200 ? g_rand_int_range (rand, 1, 900) : -1,
              status == 200 ? in / 3 : -1, priced ? g_rand_int_range (rand, 0, 1000) / 1e4 : -1);
    }
  sy_usage_writer_flush (f->writer);
  g_assert_cmpuint (sy_usage_writer_get_written (f->writer), ==, n);
  g_assert_cmpuint (sy_usage_writer_get_failed (f->writer), ==, 0);
}

/* Every aggregate bucket equals the same sums over the raw rows, and nothing is in one but
 * not the other. */
static void
test_aggregates_match_rows (Fixture       *f,
                            gconstpointer  data)
{
  fill (f, 3000, 4);

  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM ("
                              "SELECT timestamp / 86400000 AS day, COALESCE (api_key_id, '') AS k, "
                              "provider, model, success, COUNT(*) AS requests, "
                              "TOTAL (tokens_input) AS ti, TOTAL (tokens_output) AS tout, "
                              "TOTAL (tokens_cache_read) AS tc, TOTAL (tokens_reasoning) AS tr, "
                              "TOTAL (cost_usd) AS cost, TOTAL (cost_usd IS NULL) AS unpriced "
                              "FROM usage_history GROUP BY 1, 2, 3, 4, 5) AS raw "
                              "FULL OUTER JOIN usage_daily AS d ON d.day = raw.day AND "
                              "d.api_key_id = raw.k AND d.provider = raw.provider AND "
                              "d.model = raw.model AND d.success = raw.success "
                              "WHERE raw.requests IS NOT d.requests OR raw.ti IS NOT d.tokens_input "
                              "OR raw.tout IS NOT d.tokens_output OR raw.tc IS NOT "
                              "d.tokens_cache_read OR raw.tr IS NOT d.tokens_reasoning OR "
                              "ABS (raw.cost - d.cost_usd) > 1e-9 OR raw.unpriced IS NOT d.unpriced"),
                   ==, 0);
  g_assert_cmpint (db_int (f, "SELECT SUM(requests) FROM usage_daily"), ==, 3000);
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM usage_daily"), <=, 4 * 3 * 3 * 2 * 2);
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM usage_history WHERE cost_usd IS NULL"), >, 0);
  g_assert_cmpint (db_int (f, "SELECT SUM(unpriced) FROM usage_daily"), ==,
                   db_int (f, "SELECT COUNT(*) FROM usage_history WHERE cost_usd IS NULL"));
}

static void
test_retention (Fixture       *f,
                gconstpointer  data)
{
  gint64 now = g_get_real_time () / 1000;
  g_autoptr(GError) error = NULL;
  g_autoptr(SyUsageResult) result = NULL;
  SyUsageQuery q = { 0 };

  /* 2,500 rows from 100 days ago (three retention batches), and a few around the edge. */
  for (guint i = 0; i < 2500; i++)
    submit (f, now - 100 * DAY + i, "key-a", "openai", "m1", 200, 10, 5, 0, 0.001);
  submit (f, now - 91 * DAY, "key-a", "openai", "m1", 200, 10, 5, 0, 0.001);
  submit (f, now - 89 * DAY, "key-a", "openai", "m1", 200, 10, 5, 0, 0.001);
  submit (f, now - DAY, "key-b", "openai", "m1", 429, -1, -1, -1, 0);
  sy_usage_writer_flush (f->writer);

  /* Nothing goes before the retention is set, nor with 0 (keep forever). */
  sy_usage_writer_prune (f->writer);
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM usage_history"), ==, 2503);
  sy_usage_writer_set_retention_days (f->writer, 0);
  sy_usage_writer_prune (f->writer);
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM usage_history"), ==, 2503);

  sy_usage_writer_set_retention_days (f->writer, 90);
  sy_usage_writer_prune (f->writer);
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM usage_history"), ==, 2);
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM usage_history WHERE timestamp < "
                              "strftime('%s', 'now') * 1000 - 90 * 86400000"), ==, 0);
  g_assert_cmpuint (sy_usage_writer_get_pruned (f->writer), ==, 2501);
  /* The aggregates keep everything, and whole-day queries still see it. */
  g_assert_cmpint (db_int (f, "SELECT SUM(requests) FROM usage_daily"), ==, 2503);
  g_assert_cmpfloat_with_epsilon (db_double (f, "SELECT SUM(cost_usd) FROM usage_daily"),
                                  2502 * 0.001, 1e-9);
  q.from_ms = sy_usage_day_of (now - 101 * DAY) * DAY;
  q.to_ms = sy_usage_day_of (now - 50 * DAY) * DAY;
  q.now_ms = now;
  result = sy_usage_query_run (f->db, &q, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->totals.requests, ==, 2502);
  g_assert_cmpint (result->raw_ms, ==, 0);

  /* New rows still go in after a pass. */
  submit (f, now, "key-a", "openai", "m1", 200, 1, 1, 0, 0);
  sy_usage_writer_flush (f->writer);
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM usage_history"), ==, 3);
}

/* --- the query ------------------------------------------------------------------------------ */

static gboolean
matches (const SyUsageRecord *r,
         const SyUsageQuery  *q)
{
  gboolean ok = sy_usage_record_succeeded (r);

  return r->timestamp_ms >= q->from_ms && r->timestamp_ms < q->to_ms &&
         (q->provider == NULL || g_strcmp0 (q->provider, r->provider) == 0) &&
         (q->model == NULL || g_strcmp0 (q->model, r->model) == 0) &&
         (q->key_id == NULL || g_strcmp0 (q->key_id, r->api_key_id) == 0) &&
         (q->status == SY_USAGE_STATUS_ANY || (q->status == SY_USAGE_STATUS_OK) == ok);
}

static char *
group_of (const SyUsageRecord *r,
          SyUsageGroup         g)
{
  switch (g)
    {
    case SY_USAGE_GROUP_PROVIDER:
      return g_strdup (r->provider);
    case SY_USAGE_GROUP_MODEL:
      return g_strdup_printf ("%s/%s", r->provider, r->model);
    case SY_USAGE_GROUP_KEY:
      return g_strdup (r->api_key_id ? r->api_key_id : "(none)");
    case SY_USAGE_GROUP_DAY:
      return g_strdup_printf ("%" G_GINT64_FORMAT, sy_usage_day_of (r->timestamp_ms));
    case SY_USAGE_GROUP_NONE:
    default:
      return g_strdup ("all");
    }
}

static char *
group_of_sums (const SyUsageSums *s,
               SyUsageGroup       g)
{
  switch (g)
    {
    case SY_USAGE_GROUP_PROVIDER:
      return g_strdup (s->provider);
    case SY_USAGE_GROUP_MODEL:
      return g_strdup_printf ("%s/%s", s->provider, s->model);
    case SY_USAGE_GROUP_KEY:
      return g_strdup (s->key_id ? s->key_id : "(none)");
    case SY_USAGE_GROUP_DAY:
      return g_strdup_printf ("%" G_GINT64_FORMAT, s->day);
    case SY_USAGE_GROUP_NONE:
    default:
      return g_strdup ("all");
    }
}

static void
sums_add (SyUsageSums         *s,
          const SyUsageRecord *r)
{
  s->requests++;
  s->errors += !sy_usage_record_succeeded (r);
  s->tokens_input += MAX (r->tokens_input, 0);
  s->tokens_output += MAX (r->tokens_output, 0);
  s->tokens_cache_read += MAX (r->tokens_cache_read, 0);
  s->tokens_reasoning += MAX (r->tokens_reasoning, 0);
  if (r->cost_usd >= 0)
    s->cost_usd += r->cost_usd;
  else
    s->unpriced++;
}

static void
assert_sums_equal (const SyUsageSums *expected,
                   const SyUsageSums *got)
{
  g_assert_cmpint (got->requests, ==, expected->requests);
  g_assert_cmpint (got->errors, ==, expected->errors);
  g_assert_cmpint (got->tokens_input, ==, expected->tokens_input);
  g_assert_cmpint (got->tokens_output, ==, expected->tokens_output);
  g_assert_cmpint (got->tokens_cache_read, ==, expected->tokens_cache_read);
  g_assert_cmpint (got->tokens_reasoning, ==, expected->tokens_reasoning);
  g_assert_cmpint (got->unpriced, ==, expected->unpriced);
  g_assert_cmpfloat_with_epsilon (got->cost_usd, expected->cost_usd, 1e-9);
}

/* Runs q and compares totals, every group and the first page with the oracle. */
static void
check_query (Fixture            *f,
             const SyUsageQuery *q)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SyUsageResult) result = sy_usage_query_run (f->db, q, &error);
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) page = g_ptr_array_new ();
  SyUsageSums totals = { 0 };

  g_assert_no_error (error);
  for (guint i = 0; i < f->records->len; i++)
    {
      const SyUsageRecord *r = g_ptr_array_index (f->records, i);
      char *group;
      SyUsageSums *s;

      if (!matches (r, q))
        continue;
      sums_add (&totals, r);
      g_ptr_array_add (page, (gpointer) r);
      group = group_of (r, q->group_by);
      if ((s = g_hash_table_lookup (expected, group)) == NULL)
        g_hash_table_insert (expected, group, s = g_new0 (SyUsageSums, 1));
      else
        g_free (group);
      sums_add (s, r);
    }
  assert_sums_equal (&totals, &result->totals);

  if (q->group_by == SY_USAGE_GROUP_NONE)
    g_assert_cmpuint (result->groups->len, ==, 0);
  else
    {
      g_assert_cmpuint (result->groups->len, ==, g_hash_table_size (expected));
      for (guint i = 0; i < result->groups->len; i++)
        {
          SyUsageSums *got = g_ptr_array_index (result->groups, i);
          g_autofree char *group = group_of_sums (got, q->group_by);
          SyUsageSums *want = g_hash_table_lookup (expected, group);

          g_assert_nonnull (want);
          assert_sums_equal (want, got);
          if (i > 0 && q->group_by == SY_USAGE_GROUP_DAY)
            g_assert_cmpint (got->day, >, ((SyUsageSums *) result->groups->pdata[i - 1])->day);
        }
    }

  /* The page: the newest matching rows, newest first. */
  g_assert_cmpuint (result->rows->len, ==, MIN (q->limit, page->len));
  g_assert_true (result->more_rows == (q->limit > 0 && page->len > q->limit));
  for (guint i = 1; i < result->rows->len; i++)
    {
      SyUsageRow *a = g_ptr_array_index (result->rows, i - 1);
      SyUsageRow *b = g_ptr_array_index (result->rows, i);

      g_assert_true (a->record->timestamp_ms > b->record->timestamp_ms ||
                     (a->record->timestamp_ms == b->record->timestamp_ms && a->id > b->id));
      g_assert_true (matches (b->record, q));
    }
}

/* Ranges cut mid-day (raw edges), whole days (aggregates only), within one day (raw only) and
 * past "now", each with every grouping and filter. */
static void
test_query_matches_records (Fixture       *f,
                            gconstpointer  data)
{
  struct { gint64 from, to; } ranges[] = {
    { BASE_DAY * DAY, (BASE_DAY + 5) * DAY },                          /* whole days */
    { BASE_DAY * DAY + 3600000, (BASE_DAY + 4) * DAY + 7200000 },      /* both edges cut */
    { (BASE_DAY + 1) * DAY + 1000, (BASE_DAY + 1) * DAY + DAY / 2 },   /* inside one day */
    { (BASE_DAY + 1) * DAY + 5000, (BASE_DAY + 2) * DAY + 5000 },      /* two cut days */
    { (BASE_DAY - 3) * DAY, (BASE_DAY + 2) * DAY + 1 },                 /* before any row */
  };
  SyUsageGroup groups[] = { SY_USAGE_GROUP_NONE, SY_USAGE_GROUP_PROVIDER, SY_USAGE_GROUP_MODEL,
                            SY_USAGE_GROUP_KEY, SY_USAGE_GROUP_DAY };

  fill (f, 2000, 5);
  for (guint r = 0; r < G_N_ELEMENTS (ranges); r++)
    for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
      for (guint filter = 0; filter < 6; filter++)
        {
          SyUsageQuery q = { 0 };

          q.from_ms = ranges[r].from;
          q.to_ms = ranges[r].to;
          q.now_ms = (BASE_DAY + 100) * DAY;
          q.group_by = groups[g];
          q.limit = 25;
          q.provider = filter == 1 ? "anthropic" : NULL;
          q.model = filter == 2 ? "m2" : NULL;
          q.key_id = filter == 3 ? "key-b" : NULL;
          q.status = filter == 4 ? SY_USAGE_STATUS_ERROR
                   : filter == 5 ? SY_USAGE_STATUS_OK : SY_USAGE_STATUS_ANY;
          check_query (f, &q);
        }

  /* A range ending after "now" reads its last day from the aggregates alone. */
  {
    SyUsageQuery q = { 0 };
    g_autoptr(SyUsageResult) result = NULL;

    q.from_ms = BASE_DAY * DAY;
    q.to_ms = (BASE_DAY + 4) * DAY + 1000;
    q.now_ms = (BASE_DAY + 4) * DAY + 500;
    result = sy_usage_query_run (f->db, &q, NULL);
    g_assert_cmpint (result->raw_ms, ==, 0);
    q.now_ms = (BASE_DAY + 100) * DAY;
    check_query (f, &q);
  }
}

/* Following nextCursor visits every matching row once, in order. */
static void
test_query_pages (Fixture       *f,
                  gconstpointer  data)
{
  SyUsageQuery q = { 0 };
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  guint expected = 0, pages = 0;
  gboolean more = TRUE;

  fill (f, 500, 3);
  /* Same timestamps on several rows: the id breaks ties. */
  for (guint i = 0; i < 10; i++)
    submit (f, (BASE_DAY + 1) * DAY + 1234, "key-a", "openai", "m1", 200, 1, 1, 0, 0);
  sy_usage_writer_flush (f->writer);

  q.from_ms = BASE_DAY * DAY + 1;
  q.to_ms = (BASE_DAY + 3) * DAY;
  q.now_ms = (BASE_DAY + 100) * DAY;
  q.provider = "openai";
  q.limit = 7;
  for (guint i = 0; i < f->records->len; i++)
    expected += matches (g_ptr_array_index (f->records, i), &q);

  while (more)
    {
      g_autoptr(SyUsageResult) result = sy_usage_query_run (f->db, &q, NULL);
      SyUsageRow *last;

      g_assert_nonnull (result);
      pages++;
      for (guint i = 0; i < result->rows->len; i++)
        {
          SyUsageRow *row = g_ptr_array_index (result->rows, i);

          g_assert_cmpint (row->id, >, 0);
          g_assert_false (g_hash_table_contains (seen, GSIZE_TO_POINTER (row->id)));
          g_hash_table_add (seen, GSIZE_TO_POINTER (row->id));
        }
      more = result->more_rows;
      if (more)
        {
          last = g_ptr_array_index (result->rows, result->rows->len - 1);
          q.has_cursor = TRUE;
          q.cursor_ts = last->record->timestamp_ms;
          q.cursor_id = last->id;
        }
    }
  g_assert_cmpuint (expected, >, 100);
  g_assert_cmpuint (g_hash_table_size (seen), ==, expected);
  g_assert_cmpuint (pages, ==, (expected + 6) / 7);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sy/store/pricing/seed-never-overrides-edits", Fixture, NULL, setup,
              test_seed_never_overrides_edits, teardown);
  g_test_add ("/sy/store/pricing/builtin-defaults", Fixture, NULL, setup, test_builtin_defaults,
              teardown);
  g_test_add ("/sy/store/pricing/price-usage", Fixture, NULL, setup, test_price_usage, teardown);
  g_test_add ("/sy/store/usage/aggregates-match-rows", Fixture, NULL, setup,
              test_aggregates_match_rows, teardown);
  g_test_add ("/sy/store/usage/retention", Fixture, NULL, setup, test_retention, teardown);
  g_test_add ("/sy/store/usage/query-matches-records", Fixture, NULL, setup,
              test_query_matches_records, teardown);
  g_test_add ("/sy/store/usage/query-pages", Fixture, NULL, setup, test_query_pages, teardown);
  return g_test_run ();
}

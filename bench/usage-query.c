/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GET /api/usage at scale: fills a usage log through the real writer (rows and daily
 * aggregates, batched transactions), then times the queries the API runs, each on a fresh
 * connection as the API opens one per request. Wall time, so run it on an idle machine;
 * bench/usage-query.sh drives it and also times the same queries over HTTP.
 *   usage-query fill DIR ROWS DAYS   writes DIR/switchyard.db, rows spread over the last DAYS
 *   usage-query time DIR             prints one line per query: name, median wall and CPU ms
 * CPU time (this thread's) is the steadier figure on a shared machine.
 */
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "store/sy-database.h"
#include "store/sy-usage-query.h"
#include "store/sy-usage-upkeep.h"
#include "store/sy-usage-writer.h"

#define RUNS 15

static const char * const providers[] = {
  "openai", "anthropic", "gemini", "deepseek", "groq", "mistral", "openrouter", "xai"
};

static int
fill (const char *dir,
      guint       rows,
      guint       days)
{
  g_autofree char *path = g_build_filename (dir, "switchyard.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SyDatabase) db = sy_database_open (path, &error);   /* creates and migrates */
  g_autoptr(SyUsageWriter) writer = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  gint64 now = g_get_real_time () / 1000;
  gint64 start = g_get_monotonic_time ();
  GStatBuf st;
  double secs;

  if (db == NULL || (writer = sy_usage_writer_new (path, &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < rows; i++)
    {
      SyUsageRecord *r = sy_usage_record_new ();
      guint p = g_rand_int_range (rand, 0, G_N_ELEMENTS (providers));
      guint key = g_rand_int_range (rand, 0, 21);
      gboolean error_row = g_rand_int_range (rand, 0, 20) == 0;

      /* In time order, as a live gateway appends them, a few seconds of jitter apart. */
      r->timestamp_ms = now - (gint64) days * SY_USAGE_DAY_MS +
                        (gint64) ((double) i / rows * days * SY_USAGE_DAY_MS) +
                        g_rand_int_range (rand, 0, 3000);
      r->request_id = g_strdup_printf ("req-%08u", i);
      r->endpoint = g_strdup ("chat/completions");
      r->api_key_id = key < 20 ? g_strdup_printf ("key-%02u", key) : NULL;
      r->requested_model = g_strdup_printf ("%s/model-%u", providers[p], i % 5);
      r->provider = g_strdup (providers[p]);
      r->connection_id = g_strdup_printf ("conn-%u-%u", p, i % 3);
      r->model = g_strdup_printf ("model-%u", i % 5);
      r->status = error_row ? 429 : 200;
      r->stream = i % 2;
      if (!error_row)
        {
          r->tokens_input = g_rand_int_range (rand, 100, 20000);
          r->tokens_output = g_rand_int_range (rand, 10, 2000);
          r->tokens_cache_read = r->tokens_input / 4;
          r->tokens_reasoning = r->tokens_output / 3;
          r->cost_usd = i % 10 == 0 ? -1 : r->tokens_input * 2e-6 + r->tokens_output * 8e-6;
        }
      else
        r->error_code = g_strdup ("rate_limited");
      r->latency_ms = g_rand_double_range (rand, 200, 20000);
      sy_usage_writer_submit (writer, r);
      /* Keep the queue (memory) bounded, as a live gateway's would be. */
      if (i % 20000 == 19999)
        sy_usage_writer_flush (writer);
    }
  sy_usage_writer_flush (writer);
  secs = (g_get_monotonic_time () - start) / 1e6;
  g_stat (path, &st);
  printf ("filled %u rows over %u days in %.1f s: %.0f rows/s through the usage writer "
          "(rows + daily aggregates); database %.0f MiB\n", rows, days, secs, rows / secs,
          st.st_size / 1048576.0);
  if (sy_usage_writer_get_failed (writer) != 0)
    {
      g_printerr ("%" G_GUINT64_FORMAT " rows failed\n", sy_usage_writer_get_failed (writer));
      return 1;
    }
  return 0;
}

typedef struct
{
  const char   *name;
  SyUsageQuery  q;
} Case;

static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* A cursor halfway through the range: the page after it costs what the first one does. */
static void
set_middle_cursor (const char   *path,
                   SyUsageQuery *q)
{
  g_autoptr(SyDatabase) db = sy_database_open (path, NULL);
  g_autoptr(sqlite3_stmt) stmt = sy_database_prepare (db, "SELECT timestamp, id FROM "
                                                           "usage_history WHERE timestamp < ? "
                                                           "ORDER BY timestamp DESC LIMIT 1", NULL);

  sqlite3_bind_int64 (stmt, 1, (q->from_ms + q->to_ms) / 2);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      q->has_cursor = TRUE;
      q->cursor_ts = sqlite3_column_int64 (stmt, 0);
      q->cursor_id = sqlite3_column_int64 (stmt, 1);
    }
}

static int
time_queries (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "switchyard.db", NULL);
  gint64 now = g_get_real_time () / 1000;
  gint64 month = (sy_usage_day_of (now) - 29) * SY_USAGE_DAY_MS;
  Case cases[] = {
    { "30 days, by day, first page of 100 rows" },
    { "30 days, by provider" },
    { "30 days, by key" },
    { "30 days, by provider and model" },
    { "7 days cut mid-day (raw edge), by provider" },
    { "30 days, status=ok, by key" },
    { "page: provider=anthropic, status=error, 100 rows" },
    { "page: keyId=key-07, model=model-3, 100 rows" },
    { "page after a cursor mid-range, 100 rows" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      cases[i].q.from_ms = month;
      cases[i].q.to_ms = now;
      cases[i].q.now_ms = now;
    }
  cases[0].q.group_by = SY_USAGE_GROUP_DAY;
  cases[0].q.limit = 100;
  cases[1].q.group_by = SY_USAGE_GROUP_PROVIDER;
  cases[2].q.group_by = SY_USAGE_GROUP_KEY;
  cases[3].q.group_by = SY_USAGE_GROUP_MODEL;
  cases[4].q.from_ms = now - 7 * SY_USAGE_DAY_MS;
  cases[4].q.group_by = SY_USAGE_GROUP_PROVIDER;
  cases[5].q.status = SY_USAGE_STATUS_OK;
  cases[5].q.group_by = SY_USAGE_GROUP_KEY;
  cases[6].q.provider = "anthropic";
  cases[6].q.status = SY_USAGE_STATUS_ERROR;
  cases[6].q.limit = 100;
  cases[7].q.key_id = "key-07";
  cases[7].q.model = "model-3";
  cases[7].q.limit = 100;
  cases[8].q.limit = 100;
  set_middle_cursor (path, &cases[8].q);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double ms[RUNS], cpu[RUNS];
      gint64 requests = 0;

      for (int run = -1; run < RUNS; run++)   /* one warm-up */
        {
          g_autoptr(GError) error = NULL;
          double c0 = thread_cpu_ms ();
          gint64 t0 = g_get_monotonic_time ();
          g_autoptr(SyDatabase) db = sy_database_open (path, &error);
          g_autoptr(SyUsageResult) result = db ? sy_usage_query_run (db, &cases[i].q, &error)
                                               : NULL;

          if (result == NULL)
            {
              g_printerr ("%s: %s\n", cases[i].name, error->message);
              return 1;
            }
          if (run >= 0)
            {
              ms[run] = (g_get_monotonic_time () - t0) / 1000.0;
              cpu[run] = thread_cpu_ms () - c0;
            }
          requests = result->totals.requests;
        }
      qsort (ms, RUNS, sizeof ms[0], compare_doubles);
      qsort (cpu, RUNS, sizeof cpu[0], compare_doubles);
      printf ("%-50s %8.2f ms wall %8.2f ms CPU  (%" G_GINT64_FORMAT " requests)\n",
              cases[i].name, ms[RUNS / 2], cpu[RUNS / 2], requests);
    }
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 5 && g_str_equal (argv[1], "fill"))
    return fill (argv[2], (guint) atoi (argv[3]), (guint) atoi (argv[4]));
  if (argc == 3 && g_str_equal (argv[1], "time"))
    return time_queries (argv[2]);
  g_printerr ("usage: usage-query fill DIR ROWS DAYS | usage-query time DIR\n");
  return 2;
}

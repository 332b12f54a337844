/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyUsageWriter: records one usage_history row per request from one worker thread, in batched
 * transactions, with the daily aggregates (usage_daily) in the same transactions, and applies
 * the retention to raw rows. submit() never blocks on SQLite; flush() and the dispose path
 * wait for every submitted row (clean shutdown loses nothing).
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct
{
  gint64  timestamp_ms;
  char   *request_id;
  char   *endpoint;
  char   *api_key_id;
  char   *requested_model;
  char   *provider;
  char   *connection_id;
  char   *model;
  int     status;
  int     attempts;
  gboolean stream;
  /* Token counts as the upstream reported them; -1 when it did not (never guessed). */
  gint64  tokens_input;
  gint64  tokens_output;
  gint64  tokens_cache_read;
  gint64  tokens_cache_creation;
  gint64  tokens_reasoning;
  double  latency_ms;
  double  ttfb_ms;   /* < 0: no first byte */
  char   *error_code;
  /* USD at the pricing table's price (sy_pricing_repo_price_usage); < 0: unknown. */
  double  cost_usd;
} SyUsageRecord;

SyUsageRecord *sy_usage_record_new  (void);
void           sy_usage_record_free (SyUsageRecord *record);
/* The success column: a 2xx answer and no error code (a stream cut or failed mid-way is not). */
gboolean       sy_usage_record_succeeded (const SyUsageRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyUsageRecord, sy_usage_record_free)

#define SY_TYPE_USAGE_WRITER (sy_usage_writer_get_type ())
G_DECLARE_FINAL_TYPE (SyUsageWriter, sy_usage_writer, SY, USAGE_WRITER, GObject)

/* Opens its own connection to db_path in the worker thread. */
SyUsageWriter *sy_usage_writer_new            (const char     *db_path,
                                               GError        **error);
/* Takes ownership of record. Thread-safe, O(1). */
void           sy_usage_writer_submit         (SyUsageWriter  *self,
                                               SyUsageRecord  *record);
/* Blocks until every row submitted before the call is committed (or failed). For shutdown and
 * tests only: never on the request path. */
void           sy_usage_writer_flush          (SyUsageWriter  *self);
/* Rows committed, and rows that could not be written (disk full, ...), so far. */
guint64        sy_usage_writer_get_written    (SyUsageWriter  *self);
guint64        sy_usage_writer_get_failed     (SyUsageWriter  *self);
/* Raw rows deleted by retention so far. */
guint64        sy_usage_writer_get_pruned     (SyUsageWriter  *self);
/* Raw rows older than days are deleted, in small batches between batches of new rows: a pass
 * starts when the value changes, then one an hour. 0 keeps them forever; until the first call
 * nothing is deleted. Aggregates are never deleted. Thread-safe. */
void           sy_usage_writer_set_retention_days (SyUsageWriter *self,
                                                   int            days);
/* Runs a whole retention pass now and blocks until it is done (tests, maintenance). */
void           sy_usage_writer_prune          (SyUsageWriter  *self);

G_END_DECLS

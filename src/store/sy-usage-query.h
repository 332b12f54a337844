/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads the usage log for GET /api/usage: totals and breakdowns over a time range, from the
 * daily aggregates for whole days and from the raw rows only for the parts of days at the
 * range's edges, plus a bounded, newest-first page of raw rows. Every statement is bounded by
 * the range and an index. Blocking: run it off the main thread, on its own connection.
 */
#pragma once

#include "sy-database.h"
#include "sy-usage-writer.h"

G_BEGIN_DECLS

#define SY_USAGE_QUERY_MAX_ROWS   1000
#define SY_USAGE_QUERY_MAX_GROUPS 1000

typedef enum {
  SY_USAGE_GROUP_NONE,
  SY_USAGE_GROUP_PROVIDER,
  SY_USAGE_GROUP_MODEL,      /* provider and model */
  SY_USAGE_GROUP_KEY,
  SY_USAGE_GROUP_DAY,        /* UTC days */
} SyUsageGroup;

typedef enum {
  SY_USAGE_STATUS_ANY,
  SY_USAGE_STATUS_OK,
  SY_USAGE_STATUS_ERROR,
} SyUsageStatus;

typedef struct
{
  gint64         from_ms;     /* [from, to) */
  gint64         to_ms;
  gint64         now_ms;      /* no row is newer: a range ending at or after it reads its
                               * last day whole from the aggregates */
  const char    *provider;    /* NULL: any */
  const char    *model;
  const char    *key_id;
  SyUsageStatus  status;
  SyUsageGroup   group_by;
  guint          limit;       /* raw rows, at most SY_USAGE_QUERY_MAX_ROWS; 0: none */
  gboolean       has_cursor;  /* rows strictly older than (cursor_ts, cursor_id) */
  gint64         cursor_ts;
  gint64         cursor_id;
} SyUsageQuery;

typedef struct
{
  /* What the group is (per group_by); NULL/-1 when not grouped by it. "" ids read as NULL. */
  char   *provider;
  char   *model;
  char   *key_id;
  gint64  day;
  gint64  requests;
  gint64  errors;
  gint64  tokens_input;
  gint64  tokens_output;
  gint64  tokens_cache_read;
  gint64  tokens_cache_creation;
  gint64  tokens_reasoning;
  double  cost_usd;        /* of the priced requests */
  gint64  unpriced;        /* requests whose cost is unknown */
  double  latency_ms;      /* sum */
} SyUsageSums;

typedef struct
{
  gint64         id;
  gboolean       success;
  SyUsageRecord *record;
} SyUsageRow;

typedef struct
{
  SyUsageSums  totals;
  GPtrArray   *groups;            /* SyUsageSums*, sorted: days ascending, else dearest first */
  gboolean     groups_truncated;  /* more than SY_USAGE_QUERY_MAX_GROUPS */
  GPtrArray   *rows;              /* SyUsageRow*, newest first */
  gboolean     more_rows;         /* the next page starts after the last row */
  gint64       raw_ms;            /* how much of the range was read from raw rows */
} SyUsageResult;

SyUsageResult *sy_usage_query_run   (SyDatabase          *db,
                                     const SyUsageQuery  *query,
                                     GError             **error);
void           sy_usage_result_free (SyUsageResult       *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyUsageResult, sy_usage_result_free)

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the usage writer thread keeps besides the raw rows: the daily aggregates (usage_daily),
 * summed per batch and upserted in the rows' own transaction, and retention, which deletes
 * raw rows past a cutoff in small batches. Runs on the writer's connection and thread only.
 */
#pragma once

#include "sy-database.h"
#include "sy-usage-writer.h"

G_BEGIN_DECLS

#define SY_USAGE_DAY_MS G_GINT64_CONSTANT (86400000)

/* The UTC day (days since 1970-01-01) of an epoch-ms time, rounded down. */
static inline gint64
sy_usage_day_of (gint64 ms)
{
  return ms >= 0 ? ms / SY_USAGE_DAY_MS : -((-ms + SY_USAGE_DAY_MS - 1) / SY_USAGE_DAY_MS);
}

typedef struct _SyUsageDaily SyUsageDaily;

/* Prepares the upsert on db (the writer's connection). */
SyUsageDaily *sy_usage_daily_new     (SyDatabase           *db,
                                      GError              **error);
void          sy_usage_daily_free    (SyUsageDaily         *self);
/* Adds one row to the pending sums. */
void          sy_usage_daily_add     (SyUsageDaily         *self,
                                      const SyUsageRecord  *record);
/* Upserts the pending sums (inside the caller's transaction) and clears them; on failure they
 * are cleared too, as the caller rolls back and adds the rows again on its retry. */
gboolean      sy_usage_daily_write   (SyUsageDaily         *self,
                                      GError              **error);
void          sy_usage_daily_clear   (SyUsageDaily         *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyUsageDaily, sy_usage_daily_free)

/* Deletes at most limit raw rows older than cutoff_ms (oldest first) in one transaction;
 * aggregates stay. Returns how many went, or -1 on error. */
gint64        sy_usage_prune_batch   (SyDatabase           *db,
                                      gint64                cutoff_ms,
                                      guint                 limit,
                                      GError              **error);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyBudget: one spending limit of one inbound API key (daily, weekly or monthly, in USD, with a
 * warning threshold), and the calendar of its periods. Periods are UTC; weeks start on Monday.
 * Plain values and pure functions: no I/O, no clock of its own.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SY_BUDGET_DAILY,
  SY_BUDGET_WEEKLY,
  SY_BUDGET_MONTHLY,
} SyBudgetPeriod;

#define SY_BUDGET_N_PERIODS 3
#define SY_BUDGET_DEFAULT_WARNING_AT 0.8

typedef struct
{
  char           *key_id;
  SyBudgetPeriod  period;
  double          limit_usd;    /* > 0 */
  double          warning_at;   /* fraction of the limit, (0, 1] */
  gint64          created_at;   /* ms since the epoch */
  gint64          updated_at;
} SyBudget;

SyBudget   *sy_budget_new                (void);
void        sy_budget_free               (SyBudget        *budget);

/* "daily", "weekly", "monthly". */
const char *sy_budget_period_to_string   (SyBudgetPeriod   period);
gboolean    sy_budget_period_from_string (const char      *name,
                                          SyBudgetPeriod  *out);
/* The UTC period holding now_ms (ms since the epoch): [*start_ms, *end_ms). A day starts at
 * 00:00, a week on Monday 00:00, a month on its 1st at 00:00. *end_ms is the reset time. */
void        sy_budget_period_bounds      (SyBudgetPeriod   period,
                                          gint64           now_ms,
                                          gint64          *start_ms,
                                          gint64          *end_ms);
/* "2025-07-01T00:00:00Z". */
char       *sy_budget_format_time        (gint64           ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyBudget, sy_budget_free)

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Budget records and the UTC calendar of their periods. Pure: the caller passes the time, so
 * tests pin period boundaries (month ends, leap days, weeks across a new year) exactly.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-budget.h"

static const char * const period_names[SY_BUDGET_N_PERIODS] = {
  [SY_BUDGET_DAILY] = "daily",
  [SY_BUDGET_WEEKLY] = "weekly",
  [SY_BUDGET_MONTHLY] = "monthly",
};

SyBudget *
sy_budget_new (void)
{
  SyBudget *budget = g_new0 (SyBudget, 1);

  budget->warning_at = SY_BUDGET_DEFAULT_WARNING_AT;
  return budget;
}

void
sy_budget_free (SyBudget *budget)
{
  if (budget == NULL)
    return;
  g_free (budget->key_id);
  g_free (budget);
}

const char *
sy_budget_period_to_string (SyBudgetPeriod period)
{
  g_return_val_if_fail (period < SY_BUDGET_N_PERIODS, NULL);
  return period_names[period];
}

gboolean
sy_budget_period_from_string (const char     *name,
                              SyBudgetPeriod *out)
{
  for (guint i = 0; name != NULL && i < SY_BUDGET_N_PERIODS; i++)
    if (g_str_equal (name, period_names[i]))
      {
        *out = (SyBudgetPeriod) i;
        return TRUE;
      }
  return FALSE;
}

static gint64
to_ms (GDateTime *dt)
{
  return g_date_time_to_unix (dt) * 1000;
}

void
sy_budget_period_bounds (SyBudgetPeriod  period,
                         gint64          now_ms,
                         gint64         *start_ms,
                         gint64         *end_ms)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) day = NULL;
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;
  int year, month, mday;

  g_return_if_fail (period < SY_BUDGET_N_PERIODS);

  /* Floor division: a time before the epoch still falls in the right second. */
  now = g_date_time_new_from_unix_utc (now_ms >= 0 ? now_ms / 1000 : (now_ms - 999) / 1000);
  g_date_time_get_ymd (now, &year, &month, &mday);
  day = g_date_time_new_utc (year, month, mday, 0, 0, 0);

  switch (period)
    {
    case SY_BUDGET_WEEKLY:
      /* ISO 8601 days: Monday is 1, Sunday 7. */
      start = g_date_time_add_days (day, 1 - g_date_time_get_day_of_week (day));
      end = g_date_time_add_weeks (start, 1);
      break;
    case SY_BUDGET_MONTHLY:
      start = g_date_time_new_utc (year, month, 1, 0, 0, 0);
      end = g_date_time_add_months (start, 1);
      break;
    case SY_BUDGET_DAILY:
    default:
      start = g_date_time_ref (day);
      end = g_date_time_add_days (start, 1);
      break;
    }
  *start_ms = to_ms (start);
  *end_ms = to_ms (end);
}

char *
sy_budget_format_time (gint64 ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ms / 1000);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

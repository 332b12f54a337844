/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How the desktop app writes things for people: durations, latencies, provider names and the
 * routing vocabulary (combo and account strategies, breaker states). Pure functions.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *id;     /* what the API takes */
  const char *label;  /* translated with _() when shown */
} SyChoice;

/* "2 h 5 min", "3 min 20 s", "45 s", "less than a second". */
char           *sy_format_duration_ms     (gint64      ms);
/* "120 ms", "1.4 s"; "–" for no samples (negative or NaN). */
char           *sy_format_latency_ms      (double      ms);
/* "OpenAI (openai)" for catalog ids and aliases; the label itself otherwise. */
char           *sy_format_provider        (const char *label);
/* The choices offered for a combo's strategy and account strategy, in display order. */
const SyChoice *sy_format_combo_strategies   (guint   *n_choices);
const SyChoice *sy_format_account_strategies (guint   *n_choices);
/* The thinkingBudgetMode setting's choices. */
const SyChoice *sy_format_thinking_modes     (guint   *n_choices);
/* The translated label of a strategy id; the id itself when unknown. */
const char     *sy_format_combo_strategy  (const char *id);
/* A subscription account's quota windows in one line: "5h: 42% used, resets in 2 h 5 min ·
 * weekly: 10% used"; NULL when it has none. quota is a SyQuota (src/providers/sy-quota.h). */
char           *sy_format_quota           (gconstpointer quota,
                                           gint64        now_ms);
/* A number as people type it: "2.5" or "2,5", spaces around allowed; FALSE for anything else
 * (empty, "cheap", "2.5$", infinity). */
gboolean        sy_format_parse_number    (const char *text,
                                           double     *out);
/* "Closed", "Open", "Half-open" for the API's CLOSED, OPEN, HALF_OPEN. */
const char     *sy_format_breaker_state   (const char *state);

G_END_DECLS

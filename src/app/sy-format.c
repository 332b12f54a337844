/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Words and numbers for people. The ids are the management API's; nothing here decides
 * anything about routing, and an id this file does not know is shown as it is.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-format.h"

#include <glib/gi18n.h>
#include <math.h>

#include "providers/sy-provider-catalog.h"
#include "providers/sy-quota.h"

static const SyChoice combo_strategies[] = {
  { "default", N_("Default (the global setting)") },
  { "priority", N_("Priority: in order, the next when one fails") },
  { "round-robin", N_("Round-robin: a different first member each time") },
  { "random", N_("Random order") },
  { "weighted", N_("Weighted: by each member's weight") },
  { "least-used", N_("Least used first") },
  { "cost-optimized", N_("Cheapest first") },
};

static const SyChoice account_strategies[] = {
  { "default", N_("Default (the global setting)") },
  { "fill-first", N_("Fill first: priority order") },
  { "round-robin", N_("Round-robin") },
  { "p2c", N_("Healthier of two random accounts") },
  { "random", N_("Random order") },
  { "least-used", N_("Least recently used first") },
  { "cost-optimized", N_("Lowest priority number first") },
};

static const SyChoice thinking_modes[] = {
  { "passthrough", N_("Off: each request keeps its own") },
  { "default", N_("For requests that ask for none") },
  { "override", N_("For every request") },
};

char *
sy_format_duration_ms (gint64 ms)
{
  gint64 s = (ms + 999) / 1000;

  if (ms <= 0)
    return g_strdup (_("less than a second"));
  if (s < 60)
    return g_strdup_printf (_("%d s"), (int) s);
  if (s < 3600)
    return s % 60 ? g_strdup_printf (_("%d min %d s"), (int) (s / 60), (int) (s % 60))
                  : g_strdup_printf (_("%d min"), (int) (s / 60));
  if (s < 86400)
    return g_strdup_printf (_("%d h %d min"), (int) (s / 3600), (int) (s % 3600 / 60));
  return g_strdup_printf (_("%d d %d h"), (int) (s / 86400), (int) (s % 86400 / 3600));
}

/* "5h: 42% used, resets in 2 h 5 min", "premium_interactions: 120 of 300 left". */
static void
append_window (GString             *out,
               const SyQuotaWindow *w,
               gint64               now_ms)
{
  if (out->len > 0)
    g_string_append (out, " · ");
  g_string_append_printf (out, "%s: ", w->scope ? w->scope : w->name);
  if (w->unlimited)
    g_string_append (out, _("unlimited"));
  else if (w->remaining >= 0 && w->limit > 0)
    g_string_append_printf (out, _("%lld of %lld left"), (long long) w->remaining,
                            (long long) w->limit);
  else if (w->used >= 0)
    g_string_append_printf (out, _("%d%% used"), (int) (w->used * 100 + 0.5));
  else
    g_string_append (out, _("usage unknown"));
  if (w->resets_at > now_ms)
    {
      g_autofree char *left = sy_format_duration_ms (w->resets_at - now_ms);

      g_string_append_printf (out, _(", resets in %s"), left);
    }
}

char *
sy_format_quota (gconstpointer quota,
                 gint64        now_ms)
{
  guint n = 0;
  const SyQuotaWindow *windows = quota ? sy_quota_get_windows (quota, &n) : NULL;
  GString *out;

  if (n == 0)
    return NULL;
  out = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    append_window (out, &windows[i], now_ms);
  return g_string_free (out, FALSE);
}

char *
sy_format_latency_ms (double ms)
{
  if (isnan (ms) || ms < 0)
    return g_strdup ("–");
  if (ms < 1000)
    return g_strdup_printf (_("%.0f ms"), ms);
  return g_strdup_printf (_("%.1f s"), ms / 1000);
}

char *
sy_format_provider (const char *label)
{
  const SyProviderInfo *info;

  g_return_val_if_fail (label != NULL, NULL);

  info = sy_provider_catalog_lookup (label);
  if (info == NULL)
    return g_strdup (label);
  return g_strdup_printf ("%s (%s)", info->name, label);
}

const SyChoice *
sy_format_combo_strategies (guint *n_choices)
{
  *n_choices = G_N_ELEMENTS (combo_strategies);
  return combo_strategies;
}

const SyChoice *
sy_format_account_strategies (guint *n_choices)
{
  *n_choices = G_N_ELEMENTS (account_strategies);
  return account_strategies;
}

const SyChoice *
sy_format_thinking_modes (guint *n_choices)
{
  *n_choices = G_N_ELEMENTS (thinking_modes);
  return thinking_modes;
}

const char *
sy_format_combo_strategy (const char *id)
{
  for (guint i = 0; id != NULL && i < G_N_ELEMENTS (combo_strategies); i++)
    if (g_str_equal (id, combo_strategies[i].id))
      return _(combo_strategies[i].label);
  return id;
}

gboolean
sy_format_parse_number (const char *text,
                        double     *out)
{
  g_autofree char *copy = NULL;
  char *end = NULL;
  double value;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  copy = g_strstrip (g_strdup (text));
  g_strdelimit (copy, ",", '.');
  value = g_ascii_strtod (copy, &end);
  if (end == copy || *end != '\0' || !isfinite (value))
    return FALSE;
  *out = value;
  return TRUE;
}

const char *
sy_format_breaker_state (const char *state)
{
  if (g_strcmp0 (state, "CLOSED") == 0)
    return _("Closed");
  if (g_strcmp0 (state, "OPEN") == 0)
    return _("Open");
  if (g_strcmp0 (state, "HALF_OPEN") == 0)
    return _("Half-open");
  return state;
}

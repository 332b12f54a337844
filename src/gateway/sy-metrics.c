/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Counters behind /metrics and the Prometheus text exposition (format 0.0.4) they are written
 * in. O(1) per request, no allocation once a provider and status have been seen; nothing here
 * reads the database or the clock.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-metrics.h"

#include <stdlib.h>
#include <string.h>

#include "gateway/sy-budget-guard.h"

#define MAX_PROVIDERS 200
#define OTHER_PROVIDER "other"

/* Upper bounds in seconds: from a cached answer to a long thinking stream. */
static const double duration_buckets[] = {
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
};

struct _SyMetrics
{
  GObject     parent_instance;
  GHashTable *providers;   /* provider label -> itself, at most MAX_PROVIDERS */
  GHashTable *requests;    /* "provider\nstatus" -> guint64* */
  guint64     errors;
  guint64     duration_counts[G_N_ELEMENTS (duration_buckets) + 1];  /* last: above all */
  double      duration_sum;
  guint64     tokens_input;
  guint64     tokens_output;
  gint64      cost_nano;
  guint64     budget_refusals[SY_BUDGET_N_PERIODS];
};

G_DEFINE_FINAL_TYPE (SyMetrics, sy_metrics, G_TYPE_OBJECT)

static void
sy_metrics_finalize (GObject *object)
{
  SyMetrics *self = SY_METRICS (object);

  g_clear_pointer (&self->providers, g_hash_table_unref);
  g_clear_pointer (&self->requests, g_hash_table_unref);
  G_OBJECT_CLASS (sy_metrics_parent_class)->finalize (object);
}

static void
sy_metrics_class_init (SyMetricsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sy_metrics_finalize;
}

static void
sy_metrics_init (SyMetrics *self)
{
  self->providers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

SyMetrics *
sy_metrics_new (void)
{
  return g_object_new (SY_TYPE_METRICS, NULL);
}

/* The label a provider is counted under: itself while there is room, else "other". */
static const char *
provider_label (SyMetrics  *self,
                const char *provider)
{
  if (provider == NULL || *provider == '\0')
    return "none";
  if (g_hash_table_contains (self->providers, provider))
    return provider;
  if (g_hash_table_size (self->providers) >= MAX_PROVIDERS)
    return OTHER_PROVIDER;
  g_hash_table_add (self->providers, g_strdup (provider));
  return provider;
}

void
sy_metrics_observe (SyMetrics           *self,
                    SyPricingRepo       *pricing,
                    const SyUsageRecord *record)
{
  g_autofree char *key = NULL;
  guint64 *count;
  double seconds;
  guint bucket = 0;
  int status;

  g_return_if_fail (SY_IS_METRICS (self));
  g_return_if_fail (record != NULL);

  /* HTTP statuses are three digits; anything else is one bucket, so the set stays bounded. */
  status = record->status >= 100 && record->status <= 999 ? record->status : 0;
  key = g_strdup_printf ("%s\n%d", provider_label (self, record->provider), status);
  if ((count = g_hash_table_lookup (self->requests, key)) == NULL)
    {
      count = g_new0 (guint64, 1);
      g_hash_table_insert (self->requests, g_steal_pointer (&key), count);
    }
  (*count)++;
  if (status < 200 || status >= 400)
    self->errors++;

  seconds = MAX (record->latency_ms, 0) / 1000.0;
  while (bucket < G_N_ELEMENTS (duration_buckets) && seconds > duration_buckets[bucket])
    bucket++;
  self->duration_counts[bucket]++;
  self->duration_sum += seconds;

  self->tokens_input += (guint64) MAX (record->tokens_input, 0);
  self->tokens_output += (guint64) MAX (record->tokens_output, 0);
  if (pricing != NULL)
    self->cost_nano += sy_budget_usd_to_nano (sy_budget_record_cost_usd (pricing, record));
}

void
sy_metrics_count_budget_refusal (SyMetrics      *self,
                                 SyBudgetPeriod  period)
{
  g_return_if_fail (SY_IS_METRICS (self));
  g_return_if_fail (period < SY_BUDGET_N_PERIODS);

  self->budget_refusals[period]++;
}

/* --- exposition ------------------------------------------------------------------------------ */

void
sy_metrics_append_family (GString    *out,
                          const char *name,
                          const char *type,
                          const char *help)
{
  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
append_number (GString *out,
               double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* 15 significant digits: integers print exactly, 0.14 prints as 0.14. */
  g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.15g", value));
}

void
sy_metrics_append_sample (GString    *out,
                          const char *name,
                          double      value,
                          ...)
{
  const char *label;
  gboolean first = TRUE;
  va_list args;

  g_string_append (out, name);
  va_start (args, value);
  while ((label = va_arg (args, const char *)) != NULL)
    {
      const char *v = va_arg (args, const char *);

      g_string_append (out, first ? "{" : ",");
      first = FALSE;
      g_string_append_printf (out, "%s=\"", label);
      for (const char *p = v ? v : ""; *p != '\0'; p++)
        {
          if (*p == '\\' || *p == '"')
            g_string_append_c (out, '\\');
          if (*p == '\n')
            g_string_append (out, "\\n");
          else
            g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  va_end (args);
  if (!first)
    g_string_append_c (out, '}');
  g_string_append_c (out, ' ');
  append_number (out, value);
  g_string_append_c (out, '\n');
}

static int
compare_keys (const void *a,
              const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
render_requests (SyMetrics *self,
                 GString   *out)
{
  g_autofree gpointer *keys = NULL;
  guint n;

  sy_metrics_append_family (out, "switchyard_requests_total", "counter",
                            "Requests routed to a provider, by provider and final HTTP status.");
  keys = g_hash_table_get_keys_as_array (self->requests, &n);
  qsort (keys, n, sizeof *keys, compare_keys);
  for (guint i = 0; i < n; i++)
    {
      const char *key = keys[i];
      const char *nl = strchr (key, '\n');
      g_autofree char *provider = g_strndup (key, nl - key);
      guint64 *count = g_hash_table_lookup (self->requests, key);

      sy_metrics_append_sample (out, "switchyard_requests_total", (double) *count,
                                "provider", provider, "status", nl + 1, NULL);
    }
}

static void
render_duration (SyMetrics *self,
                 GString   *out)
{
  guint64 cumulative = 0;
  char le[G_ASCII_DTOSTR_BUF_SIZE];

  sy_metrics_append_family (out, "switchyard_request_duration_seconds", "histogram",
                            "Time from a request's arrival to its last byte.");
  for (guint i = 0; i < G_N_ELEMENTS (duration_buckets); i++)
    {
      cumulative += self->duration_counts[i];
      sy_metrics_append_sample (out, "switchyard_request_duration_seconds_bucket",
                                (double) cumulative, "le",
                                g_ascii_formatd (le, sizeof le, "%g", duration_buckets[i]), NULL);
    }
  cumulative += self->duration_counts[G_N_ELEMENTS (duration_buckets)];
  sy_metrics_append_sample (out, "switchyard_request_duration_seconds_bucket",
                            (double) cumulative, "le", "+Inf", NULL);
  sy_metrics_append_sample (out, "switchyard_request_duration_seconds_sum", self->duration_sum,
                            NULL);
  sy_metrics_append_sample (out, "switchyard_request_duration_seconds_count",
                            (double) cumulative, NULL);
}

void
sy_metrics_render (SyMetrics *self,
                   GString   *out)
{
  g_return_if_fail (SY_IS_METRICS (self));

  render_requests (self, out);

  sy_metrics_append_family (out, "switchyard_request_errors_total", "counter",
                            "Requests that did not succeed (final status outside 2xx and 3xx).");
  sy_metrics_append_sample (out, "switchyard_request_errors_total", (double) self->errors, NULL);

  render_duration (self, out);

  sy_metrics_append_family (out, "switchyard_tokens_total", "counter",
                            "Tokens as the providers reported them; input includes cached.");
  sy_metrics_append_sample (out, "switchyard_tokens_total", (double) self->tokens_input,
                            "direction", "input", NULL);
  sy_metrics_append_sample (out, "switchyard_tokens_total", (double) self->tokens_output,
                            "direction", "output", NULL);

  sy_metrics_append_family (out, "switchyard_cost_usd_total", "counter",
                            "Cost of the reported tokens at the pricing table's prices.");
  sy_metrics_append_sample (out, "switchyard_cost_usd_total", (double) self->cost_nano / 1e9,
                            NULL);

  sy_metrics_append_family (out, "switchyard_budget_refusals_total", "counter",
                            "Requests refused with 402 because an API key's budget was spent.");
  for (guint p = 0; p < SY_BUDGET_N_PERIODS; p++)
    sy_metrics_append_sample (out, "switchyard_budget_refusals_total",
                              (double) self->budget_refusals[p],
                              "period", sy_budget_period_to_string ((SyBudgetPeriod) p), NULL);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Budget admission and settlement for proxied requests. Estimates are deliberately simple and
 * on the high side (4 bytes a token, the request's whole output allowance): a refused request
 * costs nothing, an overspent budget costs money. The ledger decides; this file only estimates,
 * writes the refusal or the warning header, and carries the reservation.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-budget-guard.h"

#include <math.h>
#include <string.h>

#include "core/sy-json-scan.h"
#include "gateway/sy-budget-ledger.h"
#include "gateway/sy-http.h"
#include "gateway/sy-metrics.h"

#define RESERVATION_KEY "sy-budget-reservation"
#define BYTES_PER_TOKEN 4
#define MAX_OUTPUT_TOKENS ((gint64) 100000000)

char *
sy_budget_format_usd (double usd)
{
  char *text = g_strdup_printf ("%.6f", usd);
  char *end = text + strlen (text) - 1;

  while (*end == '0')
    *end-- = '\0';
  if (*end == '.')
    *end = '\0';
  return text;
}

/* A non-negative number at member name of the object in data, or -1. */
static gint64
read_count (const char *data,
            gsize       len,
            const char *name)
{
  SyJsonSpan span;
  g_autofree char *text = NULL;
  double value;

  if (!sy_json_object_lookup (data, len, name, &span) || span.kind != SY_JSON_KIND_NUMBER)
    return -1;
  text = g_strndup (data + span.start, span.end - span.start);
  value = g_ascii_strtod (text, NULL);
  if (!isfinite (value) || value < 0)
    return -1;
  return value >= (double) MAX_OUTPUT_TOKENS ? MAX_OUTPUT_TOKENS : (gint64) value;
}

void
sy_budget_estimate_tokens (SyDialect   dialect,
                           const char *data,
                           gsize       len,
                           gint64      default_output,
                           gint64     *input,
                           gint64     *output)
{
  gint64 limit = -1;
  SyJsonSpan config;

  *input = (gint64) ((len + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN);
  switch (dialect)
    {
    case SY_DIALECT_GEMINI:
      if (sy_json_object_lookup (data, len, "generationConfig", &config) &&
          config.kind == SY_JSON_KIND_OBJECT)
        {
          limit = read_count (data + config.start, config.end - config.start, "maxOutputTokens");
          if (limit < 0)
            limit = read_count (data + config.start, config.end - config.start,
                                "max_output_tokens");
        }
      break;
    case SY_DIALECT_RESPONSES:
      limit = read_count (data, len, "max_output_tokens");
      break;
    case SY_DIALECT_ANTHROPIC:
      limit = read_count (data, len, "max_tokens");
      break;
    case SY_DIALECT_OPENAI:
    default:
      limit = read_count (data, len, "max_completion_tokens");
      if (limit < 0)
        limit = read_count (data, len, "max_tokens");
      break;
    }
  *output = limit >= 0 ? limit : default_output;
}

double
sy_budget_record_cost_usd (SyPricingRepo       *pricing,
                           const SyUsageRecord *record)
{
  SyPrice price;

  if (record->cost_usd >= 0)
    return record->cost_usd;   /* priced already (sy_pricing_repo_price_usage) */
  if (record->provider == NULL || record->model == NULL ||
      !sy_pricing_repo_lookup (pricing, record->provider, record->model, &price))
    return 0;
  return sy_price_cost_usd (&price, record->tokens_input, record->tokens_output,
                            record->tokens_cache_read);
}

static double
estimate_usd (SyGateway         *gateway,
              SyDialect          dialect,
              const SyRoutePlan *plan,
              GBytes            *body)
{
  const SyRoute *first = g_ptr_array_index (plan->targets, 0);
  gint64 default_output = sy_settings_repo_get_int (sy_gateway_get_settings (gateway),
                                                    "budgetDefaultOutputTokens");
  gint64 input, output;
  SyPrice price;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);

  if (!sy_pricing_repo_lookup (sy_gateway_get_pricing (gateway), first->provider_label,
                               first->upstream_model, &price))
    return 0;
  sy_budget_estimate_tokens (dialect, data, len, default_output, &input, &output);
  return sy_price_cost_usd (&price, input, output, 0);
}

static void
refuse (SoupServerMessage     *msg,
        SyDialect              dialect,
        SyApiKey              *api_key,
        const SyBudgetVerdict *v,
        gint64                 now_ms)
{
  int p = v->refused_period;
  g_autofree char *reset = sy_budget_format_time (v->reset_ms[p]);
  g_autofree char *limit = sy_budget_format_usd (v->limit_usd[p]);
  g_autofree char *used = sy_budget_format_usd (v->spent_usd[p]);
  g_autofree char *estimate = sy_budget_format_usd (v->estimate_usd);
  g_autofree char *retry = g_strdup_printf ("%" G_GINT64_FORMAT,
                                            MAX ((v->reset_ms[p] - now_ms + 999) / 1000, 1));

  /* OpenAI and Responses read "insufficient_quota"; Anthropic's codec writes billing_error
   * for a 402 and Gemini's FAILED_PRECONDITION (neither has a budget error of its own). */
  sy_http_respond_error (msg, dialect, SOUP_STATUS_PAYMENT_REQUIRED, "insufficient_quota",
                         "budget_exceeded",
                         "the %s budget of API key \"%s\" is exhausted: %s of %s USD spent or "
                         "reserved, and this request is estimated at %s USD; it resets at %s",
                         sy_budget_period_to_string ((SyBudgetPeriod) p), api_key->name, used,
                         limit, estimate, reset);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After",
                                retry);
}

/* "daily 85.7% of 0.14 USD, resets 2025-06-02T00:00:00Z" for each budget this request takes
 * past its warning threshold (counting what is in flight, this request included). */
static void
add_warning (SoupServerMessage     *msg,
             const SyBudgetVerdict *v)
{
  g_autoptr(GString) warning = g_string_new (NULL);

  for (guint p = 0; p < SY_BUDGET_N_PERIODS; p++)
    {
      g_autofree char *limit = NULL;
      g_autofree char *reset = NULL;

      if (!v->has_budget[p] || v->projected_usd[p] < v->warning_at[p] * v->limit_usd[p])
        continue;
      limit = sy_budget_format_usd (v->limit_usd[p]);
      reset = sy_budget_format_time (v->reset_ms[p]);
      g_string_append_printf (warning, "%s%s %.1f%% of %s USD, resets %s",
                              warning->len > 0 ? ", " : "",
                              sy_budget_period_to_string ((SyBudgetPeriod) p),
                              100.0 * v->projected_usd[p] / v->limit_usd[p], limit, reset);
    }
  if (warning->len > 0)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "X-Switchyard-Budget-Warning", warning->str);
}

gboolean
sy_budget_guard_admit (SyGateway         *gateway,
                       SoupServerMessage *msg,
                       SyDialect          dialect,
                       SyApiKey          *api_key,
                       const SyRoutePlan *plan,
                       GBytes            *body)
{
  SyBudgetLedger *ledger = sy_gateway_get_budgets (gateway);
  SyBudgetReservation *reservation = NULL;
  SyBudgetVerdict verdict;

  if (api_key == NULL || !sy_budget_ledger_has_budget (ledger, api_key->id))
    return TRUE;

  if (!sy_budget_ledger_admit (ledger, api_key->id, estimate_usd (gateway, dialect, plan, body),
                               &reservation, &verdict))
    {
      refuse (msg, dialect, api_key, &verdict, sy_budget_ledger_now_ms (ledger));
      sy_metrics_count_budget_refusal (sy_gateway_get_metrics (gateway),
                                       (SyBudgetPeriod) verdict.refused_period);
      return FALSE;
    }
  add_warning (msg, &verdict);
  if (reservation != NULL)
    g_object_set_data_full (G_OBJECT (msg), RESERVATION_KEY, reservation,
                            (GDestroyNotify) sy_budget_reservation_free);
  return TRUE;
}

void
sy_budget_guard_settle (SyGateway           *gateway,
                        SoupServerMessage   *msg,
                        const SyUsageRecord *record)
{
  g_autoptr(SyBudgetReservation) reservation = NULL;

  g_return_if_fail (SY_IS_GATEWAY (gateway));

  /* Charged to the ledger the gateway has now (a database import replaces it); the estimate
   * goes back to the ledger that held it. */
  if (record->api_key_id != NULL)
    sy_budget_ledger_charge (sy_gateway_get_budgets (gateway), record->api_key_id,
                             sy_budget_record_cost_usd (sy_gateway_get_pricing (gateway), record));
  if (msg != NULL)
    reservation = g_object_steal_data (G_OBJECT (msg), RESERVATION_KEY);
}

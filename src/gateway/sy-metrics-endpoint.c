/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The /metrics scrape: guards, then the families of SyMetrics, the circuit breakers and the
 * budgets, sorted so two scrapes of the same state read the same. Reads only memory; never
 * the database.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-metrics-endpoint.h"

#include <string.h>

#include "gateway/sy-budget-ledger.h"
#include "gateway/sy-http.h"
#include "gateway/sy-metrics.h"
#include "gateway/sy-request-guard.h"

typedef struct
{
  char           *provider;
  SyBreakerState  state;
} Breaker;

static void
breaker_free (Breaker *b)
{
  g_free (b->provider);
  g_free (b);
}

static void
collect_breaker_cb (const char     *provider_label,
                    SyBreakerState  state,
                    gpointer        user_data)
{
  Breaker *b = g_new0 (Breaker, 1);

  b->provider = g_strdup (provider_label);
  b->state = state;
  g_ptr_array_add (user_data, b);
}

static int
compare_breakers (gconstpointer a,
                  gconstpointer b)
{
  return g_strcmp0 ((*(Breaker **) a)->provider, (*(Breaker **) b)->provider);
}

static void
render_breakers (SyRoutingState *routing,
                 GString        *out)
{
  g_autoptr(GPtrArray) breakers = g_ptr_array_new_with_free_func ((GDestroyNotify) breaker_free);

  sy_metrics_append_family (out, "switchyard_circuit_breaker_state", "gauge",
                            "Each provider's circuit breaker: 0 closed, 1 open, 2 half-open.");
  sy_routing_state_foreach_breaker (routing, collect_breaker_cb, breakers);
  g_ptr_array_sort (breakers, compare_breakers);
  for (guint i = 0; i < breakers->len; i++)
    {
      Breaker *b = g_ptr_array_index (breakers, i);
      double value = b->state == SY_BREAKER_OPEN ? 1 : b->state == SY_BREAKER_HALF_OPEN ? 2 : 0;

      sy_metrics_append_sample (out, "switchyard_circuit_breaker_state", value,
                                "provider", b->provider, NULL);
    }
}

static void
render_budgets (SyBudgetLedger *ledger,
                GString        *out)
{
  g_autoptr(GPtrArray) budgets = sy_budget_ledger_list (ledger);

  sy_metrics_append_family (out, "switchyard_budget_spent_usd", "gauge",
                            "What each API key spent in its budget's current period (UTC).");
  for (guint i = 0; i < budgets->len; i++)
    {
      SyBudgetStatus *s = g_ptr_array_index (budgets, i);

      sy_metrics_append_sample (out, "switchyard_budget_spent_usd", s->spent_usd,
                                "key", s->key_id,
                                "period", sy_budget_period_to_string (s->period), NULL);
    }
  sy_metrics_append_family (out, "switchyard_budget_limit_usd", "gauge",
                            "Each API key's budget limit for the period.");
  for (guint i = 0; i < budgets->len; i++)
    {
      SyBudgetStatus *s = g_ptr_array_index (budgets, i);

      sy_metrics_append_sample (out, "switchyard_budget_limit_usd", s->limit_usd,
                                "key", s->key_id,
                                "period", sy_budget_period_to_string (s->period), NULL);
    }
}

void
sy_metrics_endpoint_handle (SyGateway         *gateway,
                            SoupServerMessage *msg)
{
  const char *method = soup_server_message_get_method (msg);
  GString *out;
  gsize len;

  if (!sy_request_guard_check_api (gateway, msg))
    return;
  if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD)
    {
      sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_METHOD_NOT_ALLOWED,
                             "invalid_request_error", "method_not_allowed",
                             "%s is not allowed here; use GET", method);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    "GET, HEAD");
      return;
    }

  out = g_string_sized_new (4096);
  sy_metrics_render (sy_gateway_get_metrics (gateway), out);
  render_breakers (sy_gateway_get_routing (gateway), out);
  render_budgets (sy_gateway_get_budgets (gateway), out);
  len = out->len;
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, SY_METRICS_CONTENT_TYPE, SOUP_MEMORY_TAKE,
                                    g_string_free (out, FALSE), len);
}

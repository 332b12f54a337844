/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The part of a routed request that does not depend on what goes upstream: the walk over the
 * plan's targets and accounts on the routing state, the bookkeeping of failures, the route
 * headers and the usage row. SyProxyRequest and SyAudioRequest embed it; no I/O here.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-request-core.h"

#include "gateway/sy-budget-guard.h"
#include "gateway/sy-metrics.h"

static double
ms_since (gint64 start_us)
{
  return (double) (g_get_monotonic_time () - start_us) / 1000.0;
}

void
sy_request_core_init (SyRequestCore *core)
{
  core->cancellable = g_cancellable_new ();
  core->retry_after_ms = -1;
  sy_usage_init (&core->usage);
}

void
sy_request_core_dispose (SyRequestCore *core)
{
  g_clear_handle_id (&core->total_timer_id, g_source_remove);
  if (core->cancel_link_id != 0)
    g_cancellable_disconnect (core->cancellable, core->cancel_link_id);
  core->cancel_link_id = 0;
  if (core->msg != NULL)
    {
      g_clear_signal_handler (&core->finished_id, core->msg);
      g_clear_signal_handler (&core->disconnected_id, core->msg);
    }
  g_clear_object (&core->attempt_cancellable);
  g_clear_object (&core->cancellable);
  g_clear_object (&core->msg);
  g_clear_object (&core->routing);
  g_clear_object (&core->gateway);
}

void
sy_request_core_finalize (SyRequestCore *core)
{
  g_clear_pointer (&core->api_key, sy_api_key_unref);
  g_clear_pointer (&core->plan, sy_route_plan_free);
  g_clear_pointer (&core->accounts, g_ptr_array_unref);
  g_clear_pointer (&core->connection, sy_connection_unref);
  g_clear_pointer (&core->request_id, g_free);
  g_clear_pointer (&core->last_error, g_free);
  g_clear_pointer (&core->error_code, g_free);
}

void
sy_request_core_start (SyRequestCore     *core,
                       SyGateway         *gateway,
                       SoupServerMessage *msg,
                       SyApiKey          *api_key,
                       SyRoutePlan       *plan,
                       GCallback          finished_cb,
                       GCallback          cancelled_cb,
                       GSourceFunc        total_timeout_cb,
                       gpointer           owner)
{
  SySettingsRepo *settings = sy_gateway_get_settings (gateway);
  gint64 total_ms;

  g_assert (plan != NULL && plan->targets->len > 0);

  core->gateway = g_object_ref (gateway);
  core->routing = g_object_ref (sy_gateway_get_routing (gateway));
  core->msg = g_object_ref (msg);
  core->api_key = api_key ? sy_api_key_ref (api_key) : NULL;
  core->plan = plan;
  core->route = g_ptr_array_index (plan->targets, 0);
  core->max_attempts = (guint) sy_settings_repo_get_int (settings, "maxAttemptsPerRequest");
  core->request_id = g_uuid_string_random ();
  core->start_us = g_get_monotonic_time ();

  sy_gateway_track_request (gateway, core->cancellable);
  core->cancel_link_id = g_cancellable_connect (core->cancellable, cancelled_cb, owner, NULL);
  core->finished_id = g_signal_connect (msg, "finished", finished_cb, owner);
  core->disconnected_id = g_signal_connect (msg, "disconnected", finished_cb, owner);
  total_ms = sy_settings_repo_get_int (settings, "totalTimeoutMs");
  if (total_ms > 0)
    core->total_timer_id = g_timeout_add ((guint) MIN (total_ms, G_MAXUINT), total_timeout_cb,
                                          owner);
}

static void
release_slot (SyRequestCore *core)
{
  if (!core->slot_held)
    return;
  core->slot_held = FALSE;
  sy_routing_state_release_slot (core->routing, core->connection);
}

void
sy_request_core_stop (SyRequestCore *core)
{
  g_clear_handle_id (&core->total_timer_id, g_source_remove);
  g_cancellable_cancel (core->cancellable);
  sy_gateway_untrack_request (core->gateway, core->cancellable);
  if (core->verdict_pending)
    {
      /* The client left (or the gateway stopped) before the upstream said anything. */
      core->verdict_pending = FALSE;
      sy_routing_state_abandon (core->routing, core->route);
    }
  release_slot (core);
}

void
sy_request_core_submit_usage (SyRequestCore *core,
                              const char    *endpoint,
                              gboolean       stream)
{
  SyUsageRecord *r = sy_usage_record_new ();
  gboolean cut = core->client_gone && !core->completed;

  r->request_id = g_strdup (core->request_id);
  r->endpoint = g_strdup (endpoint);
  r->api_key_id = core->api_key ? g_strdup (core->api_key->id) : NULL;
  r->requested_model = g_strdup (core->plan->requested_model);
  r->provider = g_strdup (core->route->provider_label);
  r->connection_id = core->connection ? g_strdup (core->connection->id) : NULL;
  r->model = g_strdup (core->route->upstream_model);
  r->status = cut ? 499 : (int) core->final_status;
  r->attempts = (int) core->attempts;
  r->stream = stream;
  r->tokens_input = core->usage.input;
  r->tokens_output = core->usage.output;
  r->tokens_cache_read = core->usage.cache_read;
  r->tokens_cache_creation = core->usage.cache_creation;
  r->tokens_reasoning = core->usage.reasoning;
  r->latency_ms = ms_since (core->start_us);
  r->ttfb_ms = core->first_byte_us
                 ? (double) (core->first_byte_us - core->start_us) / 1000.0 : -1;
  r->error_code = cut ? g_strdup ("client_closed") : g_strdup (core->error_code);
  sy_pricing_repo_price_usage (sy_gateway_get_pricing (core->gateway), r);
  sy_budget_guard_settle (core->gateway, core->msg, r);
  sy_metrics_observe (sy_gateway_get_metrics (core->gateway),
                      sy_gateway_get_pricing (core->gateway), r);
  sy_gateway_publish_finished (core->gateway, r, FALSE);
  sy_usage_writer_submit (sy_gateway_get_usage_writer (core->gateway), r);
}

void
sy_request_core_announce (SyRequestCore *core,
                          const char    *endpoint)
{
  sy_gateway_publish_started (core->gateway, core->request_id, endpoint,
                              core->plan->requested_model);
}

void
sy_request_core_set_error_code (SyRequestCore *core,
                                const char    *code)
{
  g_free (core->error_code);
  core->error_code = g_strdup (code);
}

void
sy_request_core_add_route_headers (SyRequestCore *core)
{
  SoupMessageHeaders *out = soup_server_message_get_response_headers (core->msg);
  g_autofree char *attempts = g_strdup_printf ("%u", core->attempts);

  soup_message_headers_replace (out, "X-Switchyard-Provider", core->route->provider_label);
  soup_message_headers_replace (out, "X-Switchyard-Model", core->route->upstream_model);
  if (core->connection != NULL)
    soup_message_headers_replace (out, "X-Switchyard-Connection", core->connection->id);
  soup_message_headers_replace (out, "X-Switchyard-Attempts", attempts);
  if (core->plan->combo != NULL)
    soup_message_headers_replace (out, "X-Switchyard-Combo", core->plan->combo);
  if (core->final_status >= 400 && core->retry_after_ms >= 0)
    {
      g_autofree char *seconds = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                  (core->retry_after_ms + 999) / 1000);

      soup_message_headers_replace (out, "Retry-After", seconds);
    }
  soup_message_headers_replace (out, "X-Request-Id", core->request_id);
}

/* --- the walk over the plan ----------------------------------------------------------------- */

void
sy_request_core_note_retry_after (SyRequestCore *core,
                                  gint64         ms)
{
  if (ms >= 0 && (core->retry_after_ms < 0 || ms < core->retry_after_ms))
    core->retry_after_ms = ms;
}

gboolean
sy_request_core_has_next (SyRequestCore *core)
{
  if (core->attempts >= core->max_attempts)
    return FALSE;
  return (core->accounts != NULL && core->next_account < core->accounts->len) ||
         core->next_target < core->plan->targets->len;
}

void
sy_request_core_settle (SyRequestCore   *core,
                        const SyFailure *failure,
                        const char      *message)
{
  if (!core->verdict_pending)
    return;
  core->verdict_pending = FALSE;
  if (failure == NULL)
    sy_routing_state_record_success (core->routing, core->route, core->connection,
                                     ms_since (core->start_us));
  else
    {
      sy_routing_state_record_failure (core->routing, core->route, core->connection, failure,
                                       message);
      sy_request_core_note_retry_after (core, failure->retry_after_ms);
    }
  if (core->route->combo != NULL)
    sy_routing_state_record_member (core->routing, core->route->combo,
                                    core->route->requested_model, failure == NULL);
}

static void
keep_failure (SyRequestCore *core,
              guint          status,
              char          *message)
{
  g_free (core->last_error);
  core->last_error = message;
  core->last_status = status;
}

void
sy_request_core_attempt_failed (SyRequestCore   *core,
                                guint            status,
                                const SyFailure *failure,
                                const char      *message)
{
  sy_request_core_settle (core, failure, message);
  release_slot (core);
  keep_failure (core, status, g_strdup (message));
}

void
sy_request_core_slot_refused (SyRequestCore *core)
{
  core->verdict_pending = FALSE;
  sy_routing_state_abandon (core->routing, core->route);
  keep_failure (core, 429,
                g_strdup_printf ("account %s stayed at its rate limit for "
                                 "rateLimitQueueTimeoutMs", core->connection->id));
}

/* Moves to the next target with a usable account; FALSE when the plan is spent. */
static gboolean
advance_target (SyRequestCore *core,
                gboolean      *new_target)
{
  while (core->next_target < core->plan->targets->len)
    {
      gint64 wait = -1;

      core->route = g_ptr_array_index (core->plan->targets, core->next_target++);
      *new_target = TRUE;
      g_clear_pointer (&core->accounts, g_ptr_array_unref);
      core->accounts = sy_routing_state_order_accounts (core->routing, core->route, &wait);
      sy_quota_watch_order (sy_gateway_get_quota_watch (core->gateway), core->route,
                            core->accounts);
      core->next_account = 0;
      if (core->accounts->len > 0)
        return TRUE;
      sy_request_core_note_retry_after (core, wait);
      keep_failure (core, 429,
                    g_strdup_printf ("every account of %s is cooling down after rate limits "
                                     "or errors", core->route->provider_label));
    }
  return FALSE;
}

gboolean
sy_request_core_next_account (SyRequestCore *core,
                              gboolean      *new_target)
{
  gint64 wait = -1;

  *new_target = FALSE;
  for (;;)
    {
      if (core->attempts >= core->max_attempts ||
          ((core->accounts == NULL || core->next_account >= core->accounts->len) &&
           !advance_target (core, new_target)))
        return FALSE;
      if (sy_routing_state_admit (core->routing, core->route, &wait))
        break;
      /* The provider's breaker is open: none of its accounts is tried. */
      sy_request_core_note_retry_after (core, wait);
      keep_failure (core, SOUP_STATUS_SERVICE_UNAVAILABLE,
                    g_strdup_printf ("%s is failing; its circuit breaker is open",
                                     core->route->provider_label));
      core->next_account = core->accounts->len;
    }

  g_clear_pointer (&core->connection, sy_connection_unref);
  core->connection = sy_connection_ref (g_ptr_array_index (core->accounts, core->next_account++));
  core->attempts++;
  core->verdict_pending = TRUE;
  sy_routing_state_note_attempt (core->routing, core->route, core->connection);
  return TRUE;
}

guint
sy_request_core_exhausted (SyRequestCore  *core,
                           const char    **type,
                           const char    **code,
                           const char    **message)
{
  guint status = core->last_status ? core->last_status : SOUP_STATUS_SERVICE_UNAVAILABLE;

  if (core->attempts >= core->max_attempts && core->last_error == NULL)
    core->last_error = g_strdup_printf ("stopped after %u attempts (maxAttemptsPerRequest)",
                                        core->attempts);
  *type = status == 429 ? "rate_limit_error" : "api_error";
  *code = status == 429 ? "rate_limited"
          : core->attempts == 0 ? "no_available_account" : "all_accounts_failed";
  *message = core->last_error ? core->last_error : "no account could serve the request";
  return status;
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The transcription attempt loop. It walks the plan as the proxy does: accounts in the order
 * the routing state gives (cooling ones left out), nothing to a provider whose breaker is
 * open, an outbound rate-limit slot per attempt, and after a failure the next account, member
 * or chain only when the failure policy says it moves on. Each attempt may take
 * firstByteTimeoutMs (a transcript is its first byte), the whole request totalTimeoutMs.
 * Errors reach the client in OpenAI's shape; a client that leaves cancels everything.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-audio-request-private.h"

#include <string.h>

#include "gateway/sy-budget-guard.h"
#include "gateway/sy-media-target.h"
#include "gateway/sy-metrics.h"
#include "gateway/sy-outbound-proxies.h"

G_DEFINE_FINAL_TYPE (SyAudioRequest, sy_audio_request, G_TYPE_OBJECT)

static void next_attempt (SyAudioRequest *self);

static void
sy_audio_request_dispose (GObject *object)
{
  SyAudioRequest *self = SY_AUDIO_REQUEST (object);

  g_clear_handle_id (&self->attempt_timer_id, g_source_remove);
  g_clear_handle_id (&self->total_timer_id, g_source_remove);
  g_clear_pointer (&self->watch, sy_client_watch_free);
  if (self->cancel_link_id != 0)
    g_cancellable_disconnect (self->cancellable, self->cancel_link_id);
  self->cancel_link_id = 0;
  if (self->msg != NULL)
    {
      g_clear_signal_handler (&self->finished_id, self->msg);
      g_clear_signal_handler (&self->disconnected_id, self->msg);
    }
  g_clear_object (&self->attempt_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->msg);
  g_clear_object (&self->routing);
  g_clear_object (&self->gateway);
  G_OBJECT_CLASS (sy_audio_request_parent_class)->dispose (object);
}

static void
sy_audio_request_finalize (GObject *object)
{
  SyAudioRequest *self = SY_AUDIO_REQUEST (object);

  g_clear_pointer (&self->upload, sy_audio_upload_unref);
  g_clear_pointer (&self->api_key, sy_api_key_unref);
  g_clear_pointer (&self->plan, sy_route_plan_free);
  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  g_clear_pointer (&self->connection, sy_connection_unref);
  g_free (self->request_id);
  g_free (self->last_error);
  g_free (self->error_code);
  G_OBJECT_CLASS (sy_audio_request_parent_class)->finalize (object);
}

static void
sy_audio_request_class_init (SyAudioRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_audio_request_dispose;
  object_class->finalize = sy_audio_request_finalize;
}

static void
sy_audio_request_init (SyAudioRequest *self)
{
  self->cancellable = g_cancellable_new ();
  self->retry_after_ms = -1;
  sy_usage_init (&self->usage);
}

static double
ms_since (gint64 start_us)
{
  return (double) (g_get_monotonic_time () - start_us) / 1000.0;
}

/* The request is over for us: its usage row, and the self reference goes. */
void
_sy_audio_request_finish (SyAudioRequest *self)
{
  SyUsageRecord *r;
  gboolean cut = self->client_gone && !self->completed;

  if (self->self_ref == NULL)
    return;

  g_clear_handle_id (&self->attempt_timer_id, g_source_remove);
  g_clear_handle_id (&self->total_timer_id, g_source_remove);
  g_clear_pointer (&self->watch, sy_client_watch_free);
  g_cancellable_cancel (self->cancellable);
  sy_gateway_untrack_request (self->gateway, self->cancellable);
  if (self->verdict_pending)
    {
      self->verdict_pending = FALSE;
      sy_routing_state_abandon (self->routing, self->route);
    }
  if (self->slot_held)
    {
      self->slot_held = FALSE;
      sy_routing_state_release_slot (self->routing, self->connection);
    }

  r = sy_usage_record_new ();
  r->request_id = g_strdup (self->request_id);
  r->endpoint = g_strdup (sy_media_kind_endpoint (SY_MEDIA_TRANSCRIPTION));
  r->api_key_id = self->api_key ? g_strdup (self->api_key->id) : NULL;
  r->requested_model = g_strdup (self->plan->requested_model);
  r->provider = g_strdup (self->route->provider_label);
  r->connection_id = self->connection ? g_strdup (self->connection->id) : NULL;
  r->model = g_strdup (self->route->upstream_model);
  r->status = cut ? 499 : (int) self->final_status;
  r->attempts = (int) self->attempts;
  r->stream = FALSE;
  r->tokens_input = self->usage.input;
  r->tokens_output = self->usage.output;
  r->tokens_cache_read = self->usage.cache_read;
  r->tokens_cache_creation = self->usage.cache_creation;
  r->tokens_reasoning = self->usage.reasoning;
  r->latency_ms = ms_since (self->start_us);
  r->ttfb_ms = self->first_byte_us ? (double) (self->first_byte_us - self->start_us) / 1000.0 : -1;
  r->error_code = cut ? g_strdup ("client_closed") : g_strdup (self->error_code);
  /* As the proxy path records its rows: priced, settled against budgets, counted. */
  sy_pricing_repo_price_usage (sy_gateway_get_pricing (self->gateway), r);
  sy_budget_guard_settle (self->gateway, self->msg, r);
  sy_metrics_observe (sy_gateway_get_metrics (self->gateway),
                      sy_gateway_get_pricing (self->gateway), r);
  sy_usage_writer_submit (sy_gateway_get_usage_writer (self->gateway), r);

  g_clear_object (&self->self_ref);
}

/* --- the routing state ---------------------------------------------------------------------- */

static void
note_retry_after (SyAudioRequest *self,
                  gint64          ms)
{
  if (ms >= 0 && (self->retry_after_ms < 0 || ms < self->retry_after_ms))
    self->retry_after_ms = ms;
}

static gboolean
has_next (SyAudioRequest *self)
{
  if (self->attempts >= self->max_attempts)
    return FALSE;
  return (self->accounts != NULL && self->next_account < self->accounts->len) ||
         self->next_target < self->plan->targets->len;
}

/* The router hears how the attempt went (failure NULL: it succeeded), once. */
static void
settle (SyAudioRequest  *self,
        const SyFailure *failure,
        const char      *message)
{
  if (!self->verdict_pending)
    return;
  self->verdict_pending = FALSE;
  if (failure == NULL)
    sy_routing_state_record_success (self->routing, self->route, self->connection,
                                     ms_since (self->start_us));
  else
    {
      sy_routing_state_record_failure (self->routing, self->route, self->connection, failure,
                                       message);
      note_retry_after (self, failure->retry_after_ms);
    }
  if (self->route->combo != NULL)
    sy_routing_state_record_member (self->routing, self->route->combo,
                                    self->route->requested_model, failure == NULL);
}

static void
release_slot (SyAudioRequest *self)
{
  if (!self->slot_held)
    return;
  self->slot_held = FALSE;
  sy_routing_state_release_slot (self->routing, self->connection);
}

static void
attempt_failed (SyAudioRequest  *self,
                guint            status,
                const SyFailure *failure,
                const char      *message)
{
  g_debug ("transcription %s: attempt %u on %s failed: %s", self->request_id, self->attempts,
           self->connection ? self->connection->id : "?", message);
  settle (self, failure, message);
  release_slot (self);
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  self->last_status = status;
  next_attempt (self);
}

static void
exchanged_cb (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr(SyAudioRequest) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SyAudioResult) result = sy_audio_exchange_transcribe_finish (res, &error);
  SyFailure failure;

  g_clear_handle_id (&self->attempt_timer_id, g_source_remove);
  if (self->client_gone)
    {
      _sy_audio_request_finish (self);
      return;
    }
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      /* Not the provider's doing: the request ran out of time, or the gateway stops. */
      next_attempt (self);
      return;
    }
  if (result == NULL)
    {
      g_autofree char *message = NULL;

      if (self->attempt_timed_out)
        message = g_strdup_printf ("%s sent no transcript in time (firstByteTimeoutMs)",
                                   self->route->provider_label);
      else if (error->domain == SY_AUDIO_EXCHANGE_ERROR)
        message = g_strdup_printf ("upstream %s: %s", self->route->provider_label, error->message);
      else
        message = g_strdup_printf ("cannot reach %s: %s", self->route->provider_label,
                                   error->message);
      /* Like a provider that cannot be reached: it counts towards its breaker. */
      sy_failure_classify_network (&failure);
      attempt_failed (self, self->attempt_timed_out ? SOUP_STATUS_GATEWAY_TIMEOUT
                                                    : SOUP_STATUS_BAD_GATEWAY, &failure, message);
      return;
    }
  if (SOUP_STATUS_IS_SUCCESSFUL (result->status))
    {
      settle (self, NULL, NULL);
      _sy_audio_reply_success (self, result);
      return;
    }

  {
    gsize len;
    const char *data = g_bytes_get_data (result->body, &len);
    g_autofree char *words = _sy_audio_reply_dup_upstream_message (result);
    g_autofree char *message = g_strdup_printf ("upstream %s answered %u%s%s",
                                                self->route->provider_label, result->status,
                                                *words ? ": " : "", words);

    sy_failure_classify_response (result->status, result->headers, data, len,
                                  sy_routing_state_now_ms (self->routing), &failure);
    if (failure.move_on && has_next (self))
      {
        attempt_failed (self, result->status, &failure, message);
        return;
      }
    settle (self, &failure, message);
    _sy_audio_reply_upstream_error (self, result);
  }
}

static gboolean
attempt_timeout_cb (gpointer user_data)
{
  SyAudioRequest *self = user_data;

  self->attempt_timer_id = 0;
  self->attempt_timed_out = TRUE;
  if (self->attempt_cancellable != NULL)
    g_cancellable_cancel (self->attempt_cancellable);
  return G_SOURCE_REMOVE;
}

static void
send_attempt (SyAudioRequest *self,
              const char     *secret)
{
  gint64 timeout_ms = sy_settings_repo_get_int (sy_gateway_get_settings (self->gateway),
                                                "firstByteTimeoutMs");
  SyAudioCall call = {
    sy_outbound_proxies_session_for (self->gateway, self->api_key, self->plan, self->route),
    sy_media_target_audio_protocol (self->route),
    self->connection->base_url ? self->connection->base_url : self->route->default_base_url,
    self->route->auth_header,
    secret,
    self->route->upstream_model,
    self->upload,
  };

  g_clear_object (&self->attempt_cancellable);
  self->attempt_cancellable = g_cancellable_new ();
  self->attempt_timed_out = FALSE;
  if (timeout_ms > 0)
    self->attempt_timer_id = g_timeout_add ((guint) MIN (timeout_ms, G_MAXUINT),
                                            attempt_timeout_cb, self);
  sy_audio_exchange_transcribe_async (&call, self->attempt_cancellable, exchanged_cb,
                                      g_object_ref (self));
}

static void
credentials_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SyAudioRequest) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = sy_credentials_get_finish (SY_CREDENTIALS (source), result, &error);

  if (self->client_gone)
    {
      _sy_audio_request_finish (self);
      return;
    }
  if (secret == NULL && g_cancellable_is_cancelled (self->cancellable))
    {
      next_attempt (self);
      return;
    }
  if (secret == NULL)
    {
      g_autofree char *message =
        g_strdup_printf ("account %s has no usable credential: %s", self->connection->id,
                         error ? error->message : "no API key stored");
      /* Like an expired credential: this account is skipped for a while. */
      SyFailure failure = { SY_FAILURE_AUTH, TRUE, FALSE, SY_COOLDOWN_ACCOUNT, -1 };

      attempt_failed (self, SOUP_STATUS_SERVICE_UNAVAILABLE, &failure, message);
      return;
    }
  send_attempt (self, secret);
}

static void
start_attempt (SyAudioRequest *self)
{
  SyCredentials *credentials = sy_gateway_get_credentials (self->gateway);
  const char *secret = sy_credentials_peek (credentials, self->connection->id);

  if (secret != NULL)
    send_attempt (self, secret);
  else
    sy_credentials_get_async (credentials, self->connection->id, self->cancellable,
                              credentials_cb, g_object_ref (self));
}

static void
slot_ready_cb (gboolean granted,
               gpointer user_data)
{
  g_autoptr(SyAudioRequest) self = user_data;

  if (granted)
    self->slot_held = TRUE;
  if (self->client_gone)
    {
      _sy_audio_request_finish (self);
      return;
    }
  if (!granted)
    {
      /* No verdict on the provider: the account was busy, not failing. */
      self->verdict_pending = FALSE;
      sy_routing_state_abandon (self->routing, self->route);
      g_free (self->last_error);
      self->last_error = g_strdup_printf ("account %s stayed at its rate limit for "
                                          "rateLimitQueueTimeoutMs", self->connection->id);
      self->last_status = 429;
      next_attempt (self);
      return;
    }
  start_attempt (self);
}

/* Every candidate is spent: the last failure, with the earliest known reset. */
static void
respond_exhausted (SyAudioRequest *self)
{
  guint status = self->last_status ? self->last_status : SOUP_STATUS_SERVICE_UNAVAILABLE;

  if (self->attempts >= self->max_attempts && self->last_error == NULL)
    self->last_error = g_strdup_printf ("stopped after %u attempts (maxAttemptsPerRequest)",
                                        self->attempts);
  _sy_audio_reply_error (self, status, status == 429 ? "rate_limit_error" : "api_error",
                 status == 429 ? "rate_limited"
                 : self->attempts == 0 ? "no_available_account" : "all_accounts_failed",
                 self->last_error ? self->last_error : "no account could serve the request");
}

static gboolean
advance_target (SyAudioRequest *self)
{
  while (self->next_target < self->plan->targets->len)
    {
      gint64 wait = -1;

      self->route = g_ptr_array_index (self->plan->targets, self->next_target++);
      g_clear_pointer (&self->accounts, g_ptr_array_unref);
      self->accounts = sy_routing_state_order_accounts (self->routing, self->route, &wait);
      self->next_account = 0;
      if (self->accounts->len > 0)
        return TRUE;
      note_retry_after (self, wait);
      g_free (self->last_error);
      self->last_error = g_strdup_printf ("every account of %s is cooling down after rate limits "
                                          "or errors", self->route->provider_label);
      self->last_status = 429;
    }
  return FALSE;
}

static void
next_attempt (SyAudioRequest *self)
{
  gint64 wait = -1;

  if (self->client_gone)
    {
      _sy_audio_request_finish (self);
      return;
    }
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      if (self->total_timed_out)
        _sy_audio_reply_error (self, SOUP_STATUS_GATEWAY_TIMEOUT, "api_error", "upstream_timeout",
                       "the request exceeded totalTimeoutMs");
      else
        _sy_audio_reply_error (self, SOUP_STATUS_SERVICE_UNAVAILABLE, "api_error", "shutting_down",
                       "the gateway is shutting down");
      return;
    }

  for (;;)
    {
      if (self->attempts >= self->max_attempts ||
          ((self->accounts == NULL || self->next_account >= self->accounts->len) &&
           !advance_target (self)))
        {
          respond_exhausted (self);
          return;
        }
      if (sy_routing_state_admit (self->routing, self->route, &wait))
        break;
      note_retry_after (self, wait);
      g_free (self->last_error);
      self->last_error = g_strdup_printf ("%s is failing; its circuit breaker is open",
                                          self->route->provider_label);
      self->last_status = SOUP_STATUS_SERVICE_UNAVAILABLE;
      self->next_account = self->accounts->len;
    }

  g_clear_pointer (&self->connection, sy_connection_unref);
  self->connection = sy_connection_ref (g_ptr_array_index (self->accounts, self->next_account++));
  self->attempts++;
  self->verdict_pending = TRUE;
  sy_routing_state_note_attempt (self->routing, self->route, self->connection);

  switch (sy_routing_state_acquire_slot (self->routing, self->connection, self->cancellable,
                                         slot_ready_cb, self))
    {
    case SY_SLOT_GRANTED:
      self->slot_held = TRUE;
      start_attempt (self);
      break;
    case SY_SLOT_QUEUED:
      g_object_ref (self);   /* dropped by slot_ready_cb */
      break;
    case SY_SLOT_REFUSED:
    default:
      slot_ready_cb (FALSE, g_object_ref (self));
      break;
    }
}

/* --- client side ---------------------------------------------------------------------------- */

static void
client_finished_cb (SoupServerMessage *msg,
                    gpointer           user_data)
{
  SyAudioRequest *self = user_data;

  if (!self->completed)
    self->client_gone = TRUE;
  /* Pending callbacks hold their own references and see client_gone or completed. */
  _sy_audio_request_finish (self);
}

/* The client hung up while the request was paused: stop everything, and let soup find the
 * dead connection by writing to it (a paused message is otherwise never released). */
static void
client_gone_cb (gpointer user_data)
{
  g_autoptr(SyAudioRequest) self = g_object_ref (user_data);

  g_clear_pointer (&self->watch, sy_client_watch_free);
  if (self->completed || self->client_gone)
    return;
  self->client_gone = TRUE;
  g_cancellable_cancel (self->cancellable);
  soup_server_message_set_status (self->msg, 499, "Client Closed Request");
  soup_message_headers_replace (soup_server_message_get_response_headers (self->msg),
                                "Connection", "close");
  soup_server_message_unpause (self->msg);
  _sy_audio_request_finish (self);
}

static void
request_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  SyAudioRequest *self = user_data;

  if (self->attempt_cancellable != NULL)
    g_cancellable_cancel (self->attempt_cancellable);
}

static gboolean
total_timeout_cb (gpointer user_data)
{
  SyAudioRequest *self = user_data;

  self->total_timer_id = 0;
  self->total_timed_out = TRUE;
  g_cancellable_cancel (self->cancellable);
  return G_SOURCE_REMOVE;
}

void
sy_audio_request_start (SyGateway         *gateway,
                        SoupServerMessage *msg,
                        SyAudioUpload     *upload,
                        SyApiKey          *api_key,
                        SyRoutePlan       *plan)
{
  SyAudioRequest *self;
  gint64 total_ms;

  g_return_if_fail (SY_IS_GATEWAY (gateway));
  g_return_if_fail (plan != NULL && plan->targets->len > 0);

  self = g_object_new (SY_TYPE_AUDIO_REQUEST, NULL);
  self->self_ref = self;
  self->gateway = g_object_ref (gateway);
  self->routing = g_object_ref (sy_gateway_get_routing (gateway));
  self->msg = g_object_ref (msg);
  self->upload = sy_audio_upload_ref (upload);
  self->api_key = api_key ? sy_api_key_ref (api_key) : NULL;
  self->plan = plan;
  self->route = g_ptr_array_index (plan->targets, 0);
  self->max_attempts = (guint) sy_settings_repo_get_int (sy_gateway_get_settings (gateway),
                                                         "maxAttemptsPerRequest");
  self->request_id = g_uuid_string_random ();
  self->start_us = g_get_monotonic_time ();

  sy_gateway_track_request (gateway, self->cancellable);
  self->cancel_link_id = g_cancellable_connect (self->cancellable,
                                                G_CALLBACK (request_cancelled_cb), self, NULL);
  self->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (client_finished_cb), self);
  self->disconnected_id = g_signal_connect (msg, "disconnected",
                                            G_CALLBACK (client_finished_cb), self);
  total_ms = sy_settings_repo_get_int (sy_gateway_get_settings (gateway), "totalTimeoutMs");
  if (total_ms > 0)
    self->total_timer_id = g_timeout_add ((guint) MIN (total_ms, G_MAXUINT), total_timeout_cb,
                                          self);

  soup_server_message_pause (msg);
  self->watch = sy_client_watch_new (msg, client_gone_cb, self);
  next_attempt (self);
}

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

#include "gateway/sy-media-target.h"
#include "gateway/sy-outbound-proxies.h"

G_DEFINE_FINAL_TYPE (SyAudioRequest, sy_audio_request, G_TYPE_OBJECT)

static void next_attempt (SyAudioRequest *self);

static void
sy_audio_request_dispose (GObject *object)
{
  SyAudioRequest *self = SY_AUDIO_REQUEST (object);

  g_clear_handle_id (&self->attempt_timer_id, g_source_remove);
  g_clear_pointer (&self->watch, sy_client_watch_free);
  sy_request_core_dispose (&self->core);
  G_OBJECT_CLASS (sy_audio_request_parent_class)->dispose (object);
}

static void
sy_audio_request_finalize (GObject *object)
{
  SyAudioRequest *self = SY_AUDIO_REQUEST (object);

  g_clear_pointer (&self->upload, sy_audio_upload_unref);
  sy_request_core_finalize (&self->core);
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
  sy_request_core_init (&self->core);
}

/* The request is over for us: its usage row, and the self reference goes. */
void
_sy_audio_request_finish (SyAudioRequest *self)
{
  if (self->self_ref == NULL)
    return;

  g_clear_handle_id (&self->attempt_timer_id, g_source_remove);
  g_clear_pointer (&self->watch, sy_client_watch_free);
  /* As the proxy path records its rows: priced, settled against budgets, counted. */
  sy_request_core_stop (&self->core);
  sy_request_core_submit_usage (&self->core, sy_media_kind_endpoint (SY_MEDIA_TRANSCRIPTION),
                                FALSE);
  g_clear_object (&self->self_ref);
}

/* --- the routing state ---------------------------------------------------------------------- */

static void
attempt_failed (SyAudioRequest  *self,
                guint            status,
                const SyFailure *failure,
                const char      *message)
{
  g_debug ("transcription %s: attempt %u on %s failed: %s", self->core.request_id,
           self->core.attempts, self->core.connection ? self->core.connection->id : "?", message);
  sy_request_core_attempt_failed (&self->core, status, failure, message);
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
  if (self->core.client_gone)
    {
      _sy_audio_request_finish (self);
      return;
    }
  if (g_cancellable_is_cancelled (self->core.cancellable))
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
                                   self->core.route->provider_label);
      else if (error->domain == SY_AUDIO_EXCHANGE_ERROR)
        message = g_strdup_printf ("upstream %s: %s", self->core.route->provider_label,
                                   error->message);
      else
        message = g_strdup_printf ("cannot reach %s: %s", self->core.route->provider_label,
                                   error->message);
      /* Like a provider that cannot be reached: it counts towards its breaker. */
      sy_failure_classify_network (&failure);
      attempt_failed (self, self->attempt_timed_out ? SOUP_STATUS_GATEWAY_TIMEOUT
                                                    : SOUP_STATUS_BAD_GATEWAY, &failure, message);
      return;
    }
  if (SOUP_STATUS_IS_SUCCESSFUL (result->status))
    {
      sy_request_core_settle (&self->core, NULL, NULL);
      _sy_audio_reply_success (self, result);
      return;
    }

  {
    gsize len;
    const char *data = g_bytes_get_data (result->body, &len);
    g_autofree char *words = _sy_audio_reply_dup_upstream_message (result);
    g_autofree char *message = g_strdup_printf ("upstream %s answered %u%s%s",
                                                self->core.route->provider_label, result->status,
                                                *words ? ": " : "", words);

    sy_failure_classify_response (result->status, result->headers, data, len,
                                  sy_routing_state_now_ms (self->core.routing), &failure);
    if (failure.move_on && sy_request_core_has_next (&self->core))
      {
        attempt_failed (self, result->status, &failure, message);
        return;
      }
    sy_request_core_settle (&self->core, &failure, message);
    _sy_audio_reply_upstream_error (self, result);
  }
}

static gboolean
attempt_timeout_cb (gpointer user_data)
{
  SyAudioRequest *self = user_data;

  self->attempt_timer_id = 0;
  self->attempt_timed_out = TRUE;
  if (self->core.attempt_cancellable != NULL)
    g_cancellable_cancel (self->core.attempt_cancellable);
  return G_SOURCE_REMOVE;
}

static void
send_attempt (SyAudioRequest *self,
              const char     *secret)
{
  gint64 timeout_ms = sy_settings_repo_get_int (sy_gateway_get_settings (self->core.gateway),
                                                "firstByteTimeoutMs");
  SyAudioCall call = {
    sy_outbound_proxies_session_for (self->core.gateway, self->core.api_key, self->core.plan,
                                     self->core.route),
    sy_media_target_audio_protocol (self->core.route),
    self->core.connection->base_url ? self->core.connection->base_url
                                    : self->core.route->default_base_url,
    self->core.route->auth_header,
    secret,
    self->core.route->upstream_model,
    self->upload,
  };

  g_clear_object (&self->core.attempt_cancellable);
  self->core.attempt_cancellable = g_cancellable_new ();
  self->attempt_timed_out = FALSE;
  if (timeout_ms > 0)
    self->attempt_timer_id = g_timeout_add ((guint) MIN (timeout_ms, G_MAXUINT),
                                            attempt_timeout_cb, self);
  sy_audio_exchange_transcribe_async (&call, self->core.attempt_cancellable, exchanged_cb,
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

  if (self->core.client_gone)
    {
      _sy_audio_request_finish (self);
      return;
    }
  if (secret == NULL && g_cancellable_is_cancelled (self->core.cancellable))
    {
      next_attempt (self);
      return;
    }
  if (secret == NULL)
    {
      g_autofree char *message =
        g_strdup_printf ("account %s has no usable credential: %s", self->core.connection->id,
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
  SyCredentials *credentials = sy_gateway_get_credentials (self->core.gateway);
  const char *secret = sy_credentials_peek (credentials, self->core.connection->id);

  if (secret != NULL)
    send_attempt (self, secret);
  else
    sy_credentials_get_async (credentials, self->core.connection->id, self->core.cancellable,
                              credentials_cb, g_object_ref (self));
}

static void
slot_ready_cb (gboolean granted,
               gpointer user_data)
{
  g_autoptr(SyAudioRequest) self = user_data;

  if (granted)
    self->core.slot_held = TRUE;
  if (self->core.client_gone)
    {
      _sy_audio_request_finish (self);
      return;
    }
  if (!granted)
    {
      /* No verdict on the provider: the account was busy, not failing. */
      sy_request_core_slot_refused (&self->core);
      next_attempt (self);
      return;
    }
  start_attempt (self);
}

/* Every candidate is spent: the last failure, with the earliest known reset. */
static void
respond_exhausted (SyAudioRequest *self)
{
  const char *type, *code, *message;
  guint status = sy_request_core_exhausted (&self->core, &type, &code, &message);

  _sy_audio_reply_error (self, status, type, code, message);
}

static void
next_attempt (SyAudioRequest *self)
{
  gboolean new_target;

  if (self->core.client_gone)
    {
      _sy_audio_request_finish (self);
      return;
    }
  if (g_cancellable_is_cancelled (self->core.cancellable))
    {
      if (self->total_timed_out)
        _sy_audio_reply_error (self, SOUP_STATUS_GATEWAY_TIMEOUT, "api_error", "upstream_timeout",
                               "the request exceeded totalTimeoutMs");
      else
        _sy_audio_reply_error (self, SOUP_STATUS_SERVICE_UNAVAILABLE, "api_error",
                               "shutting_down", "the gateway is shutting down");
      return;
    }

  if (!sy_request_core_next_account (&self->core, &new_target))
    {
      respond_exhausted (self);
      return;
    }

  switch (sy_routing_state_acquire_slot (self->core.routing, self->core.connection,
                                         self->core.cancellable, slot_ready_cb, self))
    {
    case SY_SLOT_GRANTED:
      self->core.slot_held = TRUE;
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

  if (!self->core.completed)
    self->core.client_gone = TRUE;
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
  if (self->core.completed || self->core.client_gone)
    return;
  self->core.client_gone = TRUE;
  g_cancellable_cancel (self->core.cancellable);
  soup_server_message_set_status (self->core.msg, 499, "Client Closed Request");
  soup_message_headers_replace (soup_server_message_get_response_headers (self->core.msg),
                                "Connection", "close");
  soup_server_message_unpause (self->core.msg);
  _sy_audio_request_finish (self);
}

static void
request_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  SyAudioRequest *self = user_data;

  if (self->core.attempt_cancellable != NULL)
    g_cancellable_cancel (self->core.attempt_cancellable);
}

static gboolean
total_timeout_cb (gpointer user_data)
{
  SyAudioRequest *self = user_data;

  self->core.total_timer_id = 0;
  self->total_timed_out = TRUE;
  g_cancellable_cancel (self->core.cancellable);
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

  g_return_if_fail (SY_IS_GATEWAY (gateway));
  g_return_if_fail (plan != NULL && plan->targets->len > 0);

  self = g_object_new (SY_TYPE_AUDIO_REQUEST, NULL);
  self->self_ref = self;
  self->upload = sy_audio_upload_ref (upload);
  sy_request_core_start (&self->core, gateway, msg, api_key, plan,
                         G_CALLBACK (client_finished_cb), G_CALLBACK (request_cancelled_cb),
                         total_timeout_cb, self);
  sy_request_core_announce (&self->core, sy_media_kind_endpoint (SY_MEDIA_TRANSCRIPTION));

  soup_server_message_pause (msg);
  self->watch = sy_client_watch_new (msg, client_gone_cb, self);
  next_attempt (self);
}

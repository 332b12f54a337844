/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The proxy path, second half: the upstream has answered with a status and headers; carry the
 * answer to the client. Four shapes, each in the client's dialect:
 *
 *   upstream        client wants    how
 *   SSE             a stream        chunk by chunk: as is (same dialect, watched for usage and
 *                                   a proper end) or through a SyStreamTranslator
 *   SSE             JSON            decoded and assembled, then written as one response
 *   JSON            JSON            as is (same dialect) or parsed and re-emitted
 *   JSON            a stream        parsed and replayed as a complete stream
 *
 * A stream is pulled: the next upstream read is issued only when the client has taken enough
 * of what was written, so a slow client slows the upstream instead of growing memory. A
 * failure before the first byte goes back to the attempt loop; after it, the stream ends with
 * an error event, never a silent clean end.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-proxy-request-private.h"

#include <string.h>

#include "core/sy-json-scan.h"
#include "gateway/sy-http.h"
#include "gateway/sy-response-capture.h"
#include "translate/sy-response-assembler.h"
#include "translate/sy-usage-scan.h"

#define READ_CHUNK          16384
#define MAX_CHUNKS_QUEUED   4
#define MAX_BUFFERED_BODY   (64 * 1024 * 1024)

static void read_stream_next (SyProxyRequest *self);

/* Hands a GString's text to the client's body (the length is read before the string goes). */
static void
append_gstring (SoupMessageBody *body,
                GString         *text)
{
  gsize len = text->len;

  soup_message_body_append (body, SOUP_MEMORY_TAKE, g_string_free (text, FALSE), len);
}

void
_sy_proxy_relay_mark_first_byte (SyProxyRequest *self)
{
  if (self->core.first_byte_us == 0)
    self->core.first_byte_us = g_get_monotonic_time ();
}

static gboolean
upstream_is_sse (SyProxyRequest *self)
{
  const char *type = soup_message_headers_get_content_type (
    soup_message_get_response_headers (self->upstream), NULL);

  /* Kiro answers in AWS event-stream frames, which its stream translator reads. */
  return SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (self->upstream)) &&
         (g_strcmp0 (type, "text/event-stream") == 0 ||
          (self->core.route->dialect == SY_DIALECT_KIRO &&
           g_strcmp0 (type, "application/vnd.amazon.eventstream") == 0));
}

/* Status and end-to-end headers from upstream; content headers are set by the caller. */
static void
commit_headers (SyProxyRequest *self,
                guint           status,
                gboolean        copy_upstream)
{
  SoupMessageHeaders *in = soup_message_get_response_headers (self->upstream);
  SoupMessageHeaders *out = soup_server_message_get_response_headers (self->core.msg);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  self->core.final_status = status;
  if (self->early)
    return;  /* status and headers went out with the first keep-alive */
  self->committed = TRUE;
  soup_server_message_set_status (self->core.msg, status, NULL);
  soup_message_headers_iter_init (&iter, in);
  while (copy_upstream && soup_message_headers_iter_next (&iter, &name, &value))
    {
      if (sy_http_is_hop_by_hop (name, in) ||
          g_ascii_strcasecmp (name, "Content-Length") == 0 ||
          g_ascii_strcasecmp (name, "Content-Type") == 0 ||
          g_ascii_strcasecmp (name, "Set-Cookie") == 0 ||
          g_ascii_strcasecmp (name, "Date") == 0 ||
          g_ascii_strcasecmp (name, "Server") == 0)
        continue;
      soup_message_headers_append (out, name, value);
    }
  _sy_proxy_request_add_route_headers (self);
}

static void
respond_bytes (SyProxyRequest *self,
               guint           status,
               const char     *content_type,
               guint8         *data,
               gsize           len)
{
  SoupMessageHeaders *out = soup_server_message_get_response_headers (self->core.msg);

  _sy_proxy_request_stop_timer (self);
  _sy_proxy_relay_stop_keepalive (self);
  if (self->early)
    {
      /* A replayed stream into the stream the keep-alives opened. */
      sy_response_capture_whole (self->core.msg, status, content_type, data, len);
      SoupMessageBody *body = soup_server_message_get_response_body (self->core.msg);

      soup_message_body_append_take (body, data, len);
      soup_message_body_complete (body);
      self->core.final_status = status;
      self->core.completed = TRUE;
      _sy_proxy_relay_mark_first_byte (self);
      soup_server_message_unpause (self->core.msg);
      return;
    }
  commit_headers (self, status, !_sy_proxy_request_translating (self));
  _sy_proxy_relay_mark_first_byte (self);
  soup_message_headers_set_content_type (out, content_type, NULL);
  soup_message_headers_set_content_length (out, len);
  sy_response_capture_whole (self->core.msg, status, content_type, data, len);
  soup_message_body_truncate (soup_server_message_get_response_body (self->core.msg));
  soup_message_body_append_take (soup_server_message_get_response_body (self->core.msg), data, len);
  self->core.completed = TRUE;
  soup_server_message_unpause (self->core.msg);
}

static void
respond_gstring (SyProxyRequest *self,
                 guint           status,
                 const char     *content_type,
                 GString        *text)
{
  gsize len = text->len;

  respond_bytes (self, status, content_type, (guint8 *) g_string_free (text, FALSE), len);
}

/* A short printable excerpt of a body that is not what it should be, for error messages. */
static char *
excerpt (const guint8 *data,
         gsize         len)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < len && s->len < 160; i++)
    g_string_append_c (s, g_ascii_isprint (data[i]) ? (char) data[i] : ' ');
  return g_strstrip (g_string_free (s, FALSE));
}

/* The upstream's answer could not be used. Before the first byte that is a failed attempt;
 * with no account left, a 502 in the client's dialect. */
static void
unusable_answer (SyProxyRequest *self,
                 const char     *message)
{
  SyFailure failure;

  /* Like a provider that cannot be reached: it counts towards its breaker. */
  sy_failure_classify_network (&failure);
  if (sy_request_core_has_next (&self->core))
    {
      _sy_proxy_request_attempt_failed (self, SOUP_STATUS_BAD_GATEWAY, &failure, message);
      return;
    }
  sy_request_core_settle (&self->core, &failure, message);
  _sy_proxy_request_respond_error (self, SOUP_STATUS_BAD_GATEWAY, "api_error",
                                   "upstream_invalid_response", message);
}

/* --- streams -------------------------------------------------------------------------------- */

/* An error event in the client's dialect, ending a stream whose bytes were relayed as is. */
static void
append_error_event (SyProxyRequest *self,
                    GString        *out,
                    const char     *code,
                    const char     *message)
{
  g_autoptr(SyStreamTranslator) renderer =
    sy_stream_translator_new (self->client_dialect, self->client_dialect,
                              self->core.route->upstream_model);

  sy_request_core_set_error_code (&self->core, code);
  sy_stream_translator_fail (renderer, SOUP_STATUS_BAD_GATEWAY, "api_error", message, out);
}

static void
complete_stream (SyProxyRequest *self,
                 GString        *tail)
{
  SoupMessageBody *body = soup_server_message_get_response_body (self->core.msg);

  _sy_proxy_request_stop_timer (self);
  sy_response_capture_add (self->core.msg, tail->str, tail->len);
  if (tail->len > 0)
    append_gstring (body, tail);
  else
    g_string_free (tail, TRUE);
  sy_usage_merge (&self->core.usage, self->watcher ? sy_stream_watcher_get_usage (self->watcher)
                                               : sy_stream_translator_get_usage (self->translator));
  sy_response_capture_end (self->core.msg, self->core.final_status);
  soup_message_body_complete (body);
  self->core.completed = TRUE;
  soup_server_message_unpause (self->core.msg);
}

static void
stream_failed (SyProxyRequest *self,
               const char     *code,
               const char     *message)
{
  GString *tail = g_string_new (NULL);

  if (!_sy_proxy_request_translating (self))
    append_error_event (self, tail, code, message);
  else
    {
      sy_request_core_set_error_code (&self->core, code);
      sy_stream_translator_fail (self->translator, SOUP_STATUS_BAD_GATEWAY, "api_error", message,
                                 tail);
    }
  complete_stream (self, tail);
}

static void
stream_ended (SyProxyRequest *self)
{
  GString *tail = g_string_new (NULL);

  if (_sy_proxy_request_translating (self))
    sy_stream_translator_finish (self->translator, tail);
  else
    {
      /* Relayed as is. libsoup 3.2 reports a chunked body cut between chunks as a clean EOF,
       * so "the stream ended properly" is the dialect's own end, which the watcher saw. */
      sy_stream_watcher_finish (self->watcher);
      if (!sy_stream_watcher_saw_end (self->watcher))
        append_error_event (self, tail, "upstream_truncated",
                            "the upstream closed the stream before it was complete");
    }
  complete_stream (self, tail);
}

static void
stream_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SyProxyRequest) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result,
                                                              &error);
  SoupMessageBody *body;
  const char *data;
  gsize len;
  gboolean appended;

  self->read_pending = FALSE;
  if (self->core.client_gone || self->core.completed)
    {
      _sy_proxy_request_finish (self);
      return;
    }
  if (bytes == NULL)
    {
      const char *why = _sy_proxy_request_timer_message (self->fired_timer);

      stream_failed (self, self->fired_timer ? "upstream_timeout" : "upstream_broken",
                     why ? why : error->message);
      return;
    }
  data = g_bytes_get_data (bytes, &len);
  if (len == 0)
    {
      stream_ended (self);
      return;
    }

  _sy_proxy_request_start_timer (self, SY_TIMER_IDLE);
  _sy_proxy_relay_mark_first_byte (self);
  body = soup_server_message_get_response_body (self->core.msg);
  if (!_sy_proxy_request_translating (self))
    {
      sy_stream_watcher_push (self->watcher, data, len);
      sy_response_capture_add (self->core.msg, data, len);
      soup_message_body_append_bytes (body, bytes);
      appended = TRUE;
    }
  else
    {
      GString *out = g_string_new (NULL);

      if (!sy_stream_translator_push (self->translator, data, len, out, &error))
        {
          if (out->len > 0)
            append_gstring (body, out);
          else
            g_string_free (out, TRUE);
          stream_failed (self, "upstream_malformed", error->message);
          return;
        }
      if (sy_stream_translator_is_over (self->translator))
        {
          /* The upstream said its last word (or an error): nothing after it matters. */
          complete_stream (self, out);
          return;
        }
      appended = out->len > 0;
      sy_response_capture_add (self->core.msg, out->str, out->len);
      if (appended)
        append_gstring (body, out);
      else
        g_string_free (out, TRUE);
    }

  /* Only a written chunk is acknowledged by wrote-chunk; a read that translated to nothing
   * (an event held back until the next one) reads on at once. */
  if (appended)
    {
      self->chunks_queued++;
      soup_server_message_unpause (self->core.msg);
    }

  if (self->chunks_queued < MAX_CHUNKS_QUEUED)
    read_stream_next (self);
  else
    self->waiting_for_client = TRUE;
}

static void
read_stream_next (SyProxyRequest *self)
{
  if (self->read_pending || self->core.completed || self->core.client_gone)
    return;
  self->read_pending = TRUE;
  self->waiting_for_client = FALSE;
  g_input_stream_read_bytes_async (self->upstream_body, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   self->core.attempt_cancellable, stream_read_cb,
                                   g_object_ref (self));
}

static void
wrote_chunk_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  SyProxyRequest *self = user_data;

  if (self->chunks_queued > 0)
    self->chunks_queued--;
  if (self->waiting_for_client && self->chunks_queued < MAX_CHUNKS_QUEUED)
    read_stream_next (self);
}

static void
start_stream_relay (SyProxyRequest *self)
{
  SoupMessageHeaders *out = soup_server_message_get_response_headers (self->core.msg);

  if (!_sy_proxy_request_translating (self))
    self->watcher = sy_stream_watcher_new (self->core.route->dialect);
  else
    self->translator = sy_stream_translator_new (self->core.route->dialect, self->client_dialect,
                                                 self->core.route->upstream_model);
  _sy_proxy_relay_stop_keepalive (self);
  /* A stream is judged a success at its first event; trouble later is the stream's own. */
  sy_request_core_settle (&self->core, NULL, NULL);
  if (!self->early)
    {
      commit_headers (self, soup_message_get_status (self->upstream),
                      !_sy_proxy_request_translating (self));
      soup_message_headers_set_content_type (out, "text/event-stream", NULL);
      soup_message_headers_set_encoding (out, SOUP_ENCODING_CHUNKED);
      soup_message_body_set_accumulate (soup_server_message_get_response_body (self->core.msg),
                                        FALSE);
      self->wrote_chunk_id = g_signal_connect (self->core.msg, "wrote-chunk",
                                               G_CALLBACK (wrote_chunk_cb), self);
    }
  else
    self->core.final_status = soup_message_get_status (self->upstream);
  _sy_proxy_request_start_timer (self, SY_TIMER_IDLE);
  read_stream_next (self);
}

/* --- whole answers ------------------------------------------------------------------------ */

/* A complete response for the client, as JSON or replayed as a stream. */
static void
respond_response (SyProxyRequest *self,
                  SyChatResponse *response,
                  guint           status)
{
  const SyCodec *client = sy_codec_get (self->client_dialect);

  sy_request_core_settle (&self->core, NULL, NULL);
  sy_usage_merge (&self->core.usage, &response->usage);
  if (response->model == NULL)
    response->model = g_strdup (self->core.route->upstream_model);

  if (self->stream)
    {
      g_autoptr(SyStreamTranslator) replay =
        sy_stream_translator_new (self->core.route->dialect, self->client_dialect,
                                  self->core.route->upstream_model);
      GString *text = g_string_new (NULL);

      sy_stream_translator_set_output (replay, text);
      sy_chat_response_replay (response, sy_stream_translator_add_event, replay);
      respond_gstring (self, status, "text/event-stream", text);
    }
  else
    {
      g_autoptr(GBytes) body = client->emit_response (response, self->notes);
      gsize len;
      gconstpointer data = g_bytes_get_data (body, &len);

      respond_bytes (self, status, "application/json", g_memdup2 (data, len), len);
    }
}

/* An upstream error status, carried over in the client's dialect. */
static void
respond_upstream_error (SyProxyRequest *self,
                        guint           status,
                        const guint8   *data,
                        gsize           len,
                        gboolean        is_json)
{
  g_autofree char *type = NULL;
  g_autofree char *message = NULL;
  g_autofree char *body = NULL;
  gsize body_len;

  sy_request_core_set_error_code (&self->core, "upstream_error");
  if (is_json && !_sy_proxy_request_translating (self) && !self->early)
    {
      respond_bytes (self, status, "application/json", g_memdup2 (data, len), len);
      return;
    }
  if (!is_json ||
      !sy_codec_get (self->core.route->dialect)->parse_error ((const char *) data, len, &type,
                                                              &message))
    {
      g_autofree char *snippet = excerpt (data, len);

      message = g_strdup_printf ("upstream %s answered %u%s%s", self->core.route->provider_label,
                                 status, *snippet ? ": " : "", snippet);
    }
  if (self->early)
    {
      _sy_proxy_relay_fail_early (self, status, type ? type : "api_error", "upstream_error",
                                  message);
      return;
    }
  body = sy_codec_get (self->client_dialect)->format_error (status,
                                                            type ? type : "api_error",
                                                            NULL, message);
  body_len = strlen (body);
  respond_bytes (self, status, "application/json", (guint8 *) g_steal_pointer (&body), body_len);
}

static void
complete_buffered (SyProxyRequest *self)
{
  guint status = soup_message_get_status (self->upstream);
  const char *content_type =
    soup_message_headers_get_content_type (soup_message_get_response_headers (self->upstream), NULL);
  gsize len = self->buffer->len;
  const guint8 *data = self->buffer->data;
  gboolean is_json = sy_json_check_object ((const char *) data, len, 128, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SyChatResponse) response = NULL;

  _sy_proxy_request_stop_timer (self);

  if (status == SOUP_STATUS_UNAUTHORIZED && _sy_proxy_request_reauthenticate (self))
    return;
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      SyFailure failure;
      g_autofree char *snippet = excerpt (data, len);
      g_autofree char *message = g_strdup_printf ("upstream %s answered %u%s%s",
                                                  self->core.route->provider_label, status,
                                                  *snippet ? ": " : "", snippet);

      sy_failure_classify_response (status, soup_message_get_response_headers (self->upstream),
                                    (const char *) data, len,
                                    sy_routing_state_now_ms (
                                      sy_gateway_get_routing (self->core.gateway)),
                                    &failure);
      if (failure.move_on && sy_request_core_has_next (&self->core))
        {
          _sy_proxy_request_attempt_failed (self, status, &failure, message);
          return;
        }
      sy_request_core_settle (&self->core, &failure, message);
      respond_upstream_error (self, status, data, len, is_json);
      return;
    }
  if (!is_json)
    {
      g_autofree char *snippet = excerpt (data, len);
      g_autofree char *message =
        g_strdup_printf ("upstream %s answered %u with %s instead of JSON%s%s",
                         self->core.route->provider_label, status,
                         content_type ? content_type : "no content type",
                         *snippet ? ": " : "", snippet);

      unusable_answer (self, message);
      return;
    }

  if (!_sy_proxy_request_translating (self) && !self->stream)
    {
      /* Same dialect: the bytes as the upstream wrote them, the usage read off them. */
      sy_request_core_settle (&self->core, NULL, NULL);
      sy_usage_scan_json (self->core.route->dialect, (const char *) data, len, &self->core.usage);
      respond_bytes (self, status, content_type ? content_type : "application/json",
                     g_byte_array_steal (self->buffer, NULL), len);
      return;
    }
  response = sy_codec_get (self->core.route->dialect)->parse_response ((const char *) data, len,
                                                                       &error);
  if (response == NULL)
    {
      /* Includes an upstream "response.failed": an error, never an empty 200. */
      g_autofree char *message = g_strdup_printf ("upstream %s: %s",
                                                  self->core.route->provider_label,
                                                  error->message);
      unusable_answer (self, message);
      return;
    }
  respond_response (self, response, status);
}

static void
complete_assembled (SyProxyRequest *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SyChatResponse) response = NULL;

  sy_stream_translator_finish (self->translator, NULL);
  response = sy_stream_translator_steal_response (self->translator, &error);
  if (response == NULL)
    {
      g_autofree char *message = g_strdup_printf ("upstream %s: %s",
                                                  self->core.route->provider_label,
                                                  error->message);
      unusable_answer (self, message);
      return;
    }
  respond_response (self, response, soup_message_get_status (self->upstream));
}

static void
buffered_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SyProxyRequest) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result,
                                                              &error);
  gsize len;
  const char *data;

  self->read_pending = FALSE;
  if (self->core.client_gone)
    {
      _sy_proxy_request_finish (self);
      return;
    }
  if (bytes == NULL)
    {
      const char *why = _sy_proxy_request_timer_message (self->fired_timer);
      SyFailure failure;

      sy_failure_classify_network (&failure);
      _sy_proxy_request_attempt_failed (self, self->fired_timer ? SOUP_STATUS_GATEWAY_TIMEOUT
                                                                : SOUP_STATUS_BAD_GATEWAY,
                                        &failure, why ? why : error->message);
      return;
    }
  data = g_bytes_get_data (bytes, &len);
  if (len == 0)
    {
      if (self->translator != NULL)
        complete_assembled (self);
      else
        complete_buffered (self);
      return;
    }
  self->received += len;
  if (self->received > MAX_BUFFERED_BODY)
    {
      _sy_proxy_request_respond_error (self, SOUP_STATUS_BAD_GATEWAY, "api_error",
                                       "upstream_too_large", "the upstream response exceeds 64 MiB");
      return;
    }
  if (self->translator != NULL)
    {
      /* Not kept: the assembler holds the decoded parts. */
      sy_stream_translator_push (self->translator, data, len, NULL, NULL);
    }
  else
    g_byte_array_append (self->buffer, (const guint8 *) data, len);

  self->read_pending = TRUE;
  g_input_stream_read_bytes_async (self->upstream_body, 65536, G_PRIORITY_DEFAULT,
                                   self->core.attempt_cancellable, buffered_read_cb,
                                   g_object_ref (self));
}

/* --- keep-alives while a streaming client waits ------------------------------------------ */

/* Opens the client's stream (200, text/event-stream) before any upstream has answered. No
 * content goes out until one does, so failover still works; from here on errors are events. */
static void
commit_early (SyProxyRequest *self)
{
  SoupMessageHeaders *out = soup_server_message_get_response_headers (self->core.msg);

  self->early = TRUE;
  self->committed = TRUE;
  self->core.final_status = SOUP_STATUS_OK;
  soup_server_message_set_status (self->core.msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (out, "text/event-stream", NULL);
  soup_message_headers_set_encoding (out, SOUP_ENCODING_CHUNKED);
  soup_message_headers_replace (out, "X-Request-Id", self->core.request_id);
  soup_message_headers_replace (out, "X-Switchyard-Provider", self->core.route->provider_label);
  soup_message_headers_replace (out, "X-Switchyard-Model", self->core.route->upstream_model);
  soup_message_body_set_accumulate (soup_server_message_get_response_body (self->core.msg), FALSE);
  self->wrote_chunk_id = g_signal_connect (self->core.msg, "wrote-chunk",
                                           G_CALLBACK (wrote_chunk_cb), self);
}

static gboolean
keepalive_cb (gpointer user_data)
{
  SyProxyRequest *self = user_data;
  g_autoptr(SyStreamTranslator) renderer = NULL;
  GString *ping;

  if (self->core.client_gone || self->core.completed || (self->committed && !self->early))
    {
      self->keepalive_id = 0;
      return G_SOURCE_REMOVE;
    }
  if (!self->committed)
    commit_early (self);

  renderer = sy_stream_translator_new (self->client_dialect, self->client_dialect,
                                       self->core.route->upstream_model);
  ping = g_string_new (NULL);
  sy_stream_translator_ping (renderer, ping);
  if (ping->len > 0)
    {
      self->chunks_queued++;
      append_gstring (soup_server_message_get_response_body (self->core.msg), ping);
    }
  else
    g_string_free (ping, TRUE);
  soup_server_message_unpause (self->core.msg);
  return G_SOURCE_CONTINUE;
}

void
_sy_proxy_relay_start_keepalive (SyProxyRequest *self)
{
  gint64 ms = sy_settings_repo_get_int (sy_gateway_get_settings (self->core.gateway),
                                        "streamKeepAliveMs");

  if (ms > 0 && self->keepalive_id == 0)
    self->keepalive_id = g_timeout_add ((guint) ms, keepalive_cb, self);
}

void
_sy_proxy_relay_stop_keepalive (SyProxyRequest *self)
{
  g_clear_handle_id (&self->keepalive_id, g_source_remove);
}

void
_sy_proxy_relay_progress (SyProxyRequest  *self,
                          SyProgressPhase  phase)
{
  SyProgress progress = {
    phase, self->core.request_id,
    phase == SY_PROGRESS_ROUTING ? self->core.plan->requested_model
                                 : self->core.route->upstream_model,
    self->core.route->provider_label, self->core.attempts, self->core.plan->targets->len,
    (g_get_monotonic_time () - self->core.start_us) / 1000,
  };
  GString *event;

  if (!self->stream || self->core.client_gone || self->core.completed ||
      (self->committed && !self->early) ||
      (phase == SY_PROGRESS_FIRST_BYTE &&
       !SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (self->upstream))) ||
      !sy_progress_requested (self->core.msg))
    return;
  if (!self->committed)
    commit_early (self);  /* as a keep-alive does: failover stays possible */
  event = g_string_new (NULL);
  sy_progress_append (self->client_dialect, &progress, event);
  self->chunks_queued++;
  append_gstring (soup_server_message_get_response_body (self->core.msg), event);
  soup_server_message_unpause (self->core.msg);
}

void
_sy_proxy_relay_fail_early (SyProxyRequest *self,
                            guint           status,
                            const char     *type,
                            const char     *code,
                            const char     *message)
{
  g_autoptr(SyStreamTranslator) renderer =
    sy_stream_translator_new (self->client_dialect, self->client_dialect,
                              self->core.route->upstream_model);
  GString *out = g_string_new (NULL);
  SoupMessageBody *body = soup_server_message_get_response_body (self->core.msg);

  _sy_proxy_relay_stop_keepalive (self);
  sy_request_core_set_error_code (&self->core, code);
  self->core.final_status = status;
  sy_stream_translator_fail (renderer, status, type, message, out);
  append_gstring (body, out);
  soup_message_body_complete (body);
  self->core.completed = TRUE;
  soup_server_message_unpause (self->core.msg);
}

void
_sy_proxy_relay_start (SyProxyRequest *self)
{
  _sy_proxy_relay_progress (self, SY_PROGRESS_FIRST_BYTE);
  if (upstream_is_sse (self) && self->stream)
    {
      start_stream_relay (self);
      return;
    }
  if (upstream_is_sse (self))
    self->translator = sy_stream_translator_new_assembler (self->core.route->dialect);
  self->buffer = g_byte_array_new ();
  self->read_pending = TRUE;
  g_input_stream_read_bytes_async (self->upstream_body, 65536, G_PRIORITY_DEFAULT,
                                   self->core.attempt_cancellable, buffered_read_cb,
                                   g_object_ref (self));
}

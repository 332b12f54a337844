/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The proxy path for one request. Same-dialect forwarding is byte-faithful: the body goes
 * upstream exactly as the client sent it except the model value, and only end-to-end headers
 * cross. Before the first byte reaches the client a failed attempt moves to the next account
 * (see the failover table below); after it, an upstream failure ends the stream with an error
 * event in the client's dialect. A stream is pulled: the next upstream read is issued only when
 * the client has taken enough of what was already written, so memory stays bounded.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-proxy-request.h"

#include <string.h>

#include "core/sy-json-scan.h"
#include "gateway/sy-http.h"
#include "gateway/sy-relay-observer.h"

#define READ_CHUNK          16384
#define MAX_CHUNKS_QUEUED   4
#define MAX_BUFFERED_BODY   (64 * 1024 * 1024)

/* Failover: which upstream outcomes move on to the next account (before the first byte has
 * reached the client) and which are returned as they are.
 *
 *   outcome                                   action
 *   connect error, refused, DNS, TLS          next account
 *   connect / first-byte timeout              next account
 *   408, 429, 500, 502, 503, 504              next account
 *   401, 403 (credential expired or revoked)  next account
 *   2xx with a body that is not JSON          next account
 *   other 4xx (the request itself is wrong)   returned to the client
 *   client went away                          everything stops
 *   anything after the first byte             error event, stream ends
 */
static gboolean
status_moves_on (guint status)
{
  switch (status)
    {
    case 401: case 403: case 408: case 429:
    case 500: case 502: case 503: case 504:
      return TRUE;
    default:
      return FALSE;
    }
}

typedef enum {
  TIMER_NONE,
  TIMER_CONNECT,
  TIMER_FIRST_BYTE,
  TIMER_IDLE,
  TIMER_TOTAL,
} TimerKind;

struct _SyProxyRequest
{
  GObject             parent_instance;

  SyProxyRequest     *self_ref;       /* held until the client has its answer */
  SyGateway          *gateway;
  SoupServerMessage  *msg;
  SyDialect           client_dialect;
  char               *endpoint;
  char               *upstream_path;
  GBytes             *body;
  gsize               model_start;
  gsize               model_end;
  gboolean            stream;
  SyApiKey           *api_key;
  SyRoute            *route;
  char               *request_id;

  GCancellable       *cancellable;    /* the whole request */
  GCancellable       *attempt_cancellable;
  gulong              cancel_link_id;
  guint               next_candidate;
  guint               attempts;
  SyConnection       *connection;     /* current attempt */
  SoupMessage        *upstream;
  GInputStream       *upstream_body;

  guint               timer_id;
  TimerKind           timer_kind;
  TimerKind           fired_timer;
  guint               total_timer_id;

  gboolean            committed;      /* response status and headers handed to the client */
  gboolean            completed;      /* the response is whole; finished is expected */
  gboolean            client_gone;
  guint               chunks_queued;
  gboolean            read_pending;
  gboolean            waiting_for_client;
  GByteArray         *buffer;         /* buffered (non-stream) upstream body */
  SyRelayObserver     *usage;

  gulong              finished_id;
  gulong              disconnected_id;
  gulong              wrote_chunk_id;

  gint64              start_us;
  gint64              first_byte_us;
  guint               final_status;
  char               *error_code;
  char               *last_error;     /* why the previous attempt failed, for the final reply */
  guint               last_status;
};

G_DEFINE_FINAL_TYPE (SyProxyRequest, sy_proxy_request, G_TYPE_OBJECT)

static void next_attempt (SyProxyRequest *self);
static void read_next (SyProxyRequest *self);

static void
sy_proxy_request_dispose (GObject *object)
{
  SyProxyRequest *self = SY_PROXY_REQUEST (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_handle_id (&self->total_timer_id, g_source_remove);
  if (self->cancel_link_id != 0)
    g_cancellable_disconnect (self->cancellable, self->cancel_link_id);
  self->cancel_link_id = 0;
  if (self->msg != NULL)
    {
      g_clear_signal_handler (&self->finished_id, self->msg);
      g_clear_signal_handler (&self->disconnected_id, self->msg);
      g_clear_signal_handler (&self->wrote_chunk_id, self->msg);
    }
  g_clear_object (&self->upstream_body);
  g_clear_object (&self->upstream);
  g_clear_object (&self->attempt_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->msg);
  g_clear_object (&self->usage);
  g_clear_object (&self->gateway);
  G_OBJECT_CLASS (sy_proxy_request_parent_class)->dispose (object);
}

static void
sy_proxy_request_finalize (GObject *object)
{
  SyProxyRequest *self = SY_PROXY_REQUEST (object);

  g_clear_pointer (&self->body, g_bytes_unref);
  g_clear_pointer (&self->api_key, sy_api_key_unref);
  g_clear_pointer (&self->route, sy_route_free);
  g_clear_pointer (&self->connection, sy_connection_unref);
  g_clear_pointer (&self->buffer, g_byte_array_unref);
  g_free (self->endpoint);
  g_free (self->upstream_path);
  g_free (self->request_id);
  g_free (self->error_code);
  g_free (self->last_error);
  G_OBJECT_CLASS (sy_proxy_request_parent_class)->finalize (object);
}

static void
sy_proxy_request_class_init (SyProxyRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_proxy_request_dispose;
  object_class->finalize = sy_proxy_request_finalize;
}

static void
sy_proxy_request_init (SyProxyRequest *self)
{
  self->cancellable = g_cancellable_new ();
  self->usage = sy_relay_observer_new ();
}

static double
ms_since (gint64 start_us,
          gint64 end_us)
{
  return (double) (end_us - start_us) / 1000.0;
}

/* The request is over for us: write its usage row and drop the self reference. */
static void
finish (SyProxyRequest *self)
{
  SyUsageRecord *r;
  gint64 now = g_get_monotonic_time ();

  if (self->self_ref == NULL)
    return;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_handle_id (&self->total_timer_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  sy_gateway_untrack_request (self->gateway, self->cancellable);

  r = sy_usage_record_new ();
  r->request_id = g_strdup (self->request_id);
  r->endpoint = g_strdup (self->endpoint);
  r->api_key_id = self->api_key ? g_strdup (self->api_key->id) : NULL;
  r->requested_model = g_strdup (self->route->requested_model);
  r->provider = g_strdup (self->route->provider_label);
  r->connection_id = self->connection ? g_strdup (self->connection->id) : NULL;
  r->model = g_strdup (self->route->upstream_model);
  r->status = self->client_gone && !self->completed ? 499 : (int) self->final_status;
  r->attempts = (int) self->attempts;
  r->stream = self->stream;
  sy_relay_observer_fill_record (self->usage, r);
  r->latency_ms = ms_since (self->start_us, now);
  r->ttfb_ms = self->first_byte_us ? ms_since (self->start_us, self->first_byte_us) : -1;
  r->error_code = self->client_gone && !self->completed ? g_strdup ("client_closed")
                                                       : g_strdup (self->error_code);
  sy_usage_writer_submit (sy_gateway_get_usage_writer (self->gateway), r);

  g_clear_object (&self->self_ref);
}

static void
set_error_code (SyProxyRequest *self,
                const char     *code)
{
  g_free (self->error_code);
  self->error_code = g_strdup (code);
}

static void
add_route_headers (SyProxyRequest *self)
{
  SoupMessageHeaders *out = soup_server_message_get_response_headers (self->msg);
  g_autofree char *attempts = g_strdup_printf ("%u", self->attempts);

  soup_message_headers_replace (out, "X-Switchyard-Provider", self->route->provider_label);
  soup_message_headers_replace (out, "X-Switchyard-Model", self->route->upstream_model);
  if (self->connection != NULL)
    soup_message_headers_replace (out, "X-Switchyard-Connection", self->connection->id);
  soup_message_headers_replace (out, "X-Switchyard-Attempts", attempts);
  soup_message_headers_replace (out, "X-Request-Id", self->request_id);
}

/* An error the gateway itself answers with (nothing was relayed yet). */
static void
respond_error (SyProxyRequest *self,
               guint           status,
               const char     *type,
               const char     *code,
               const char     *message)
{
  g_autofree char *body = sy_http_format_error (self->client_dialect, status, type, code, message);

  if (self->client_gone)
    {
      finish (self);
      return;
    }
  self->final_status = status;
  set_error_code (self, code);
  add_route_headers (self);
  soup_server_message_set_status (self->msg, status, NULL);
  soup_server_message_set_response (self->msg, "application/json", SOUP_MEMORY_COPY, body,
                                    strlen (body));
  self->committed = TRUE;
  self->completed = TRUE;
  soup_server_message_unpause (self->msg);
}

static void
stop_timer (SyProxyRequest *self)
{
  g_clear_handle_id (&self->timer_id, g_source_remove);
  self->timer_kind = TIMER_NONE;
}

static gboolean
timer_cb (gpointer user_data)
{
  SyProxyRequest *self = user_data;

  self->timer_id = 0;
  self->fired_timer = self->timer_kind;
  self->timer_kind = TIMER_NONE;
  if (self->attempt_cancellable != NULL)
    g_cancellable_cancel (self->attempt_cancellable);
  return G_SOURCE_REMOVE;
}

static void
start_timer (SyProxyRequest *self,
             TimerKind       kind,
             const char     *setting)
{
  gint64 ms = sy_settings_repo_get_int (sy_gateway_get_settings (self->gateway), setting);

  stop_timer (self);
  self->timer_kind = kind;
  self->timer_id = g_timeout_add ((guint) ms, timer_cb, self);
}

static gboolean
total_timer_cb (gpointer user_data)
{
  SyProxyRequest *self = user_data;

  self->total_timer_id = 0;
  self->fired_timer = TIMER_TOTAL;
  g_cancellable_cancel (self->cancellable);
  return G_SOURCE_REMOVE;
}

static const char *
timer_description (TimerKind kind)
{
  switch (kind)
    {
    case TIMER_CONNECT: return "connecting to the upstream timed out (connectTimeoutMs)";
    case TIMER_FIRST_BYTE: return "the upstream sent no response in time (firstByteTimeoutMs)";
    case TIMER_IDLE: return "the upstream stream stalled (idleTimeoutMs)";
    case TIMER_TOTAL: return "the request exceeded totalTimeoutMs";
    case TIMER_NONE:
    default: return NULL;
    }
}

/* The attempt failed before anything reached the client: remember why, try the next one. */
static void
attempt_failed (SyProxyRequest *self,
                guint           status,
                const char     *message)
{
  g_debug ("request %s: attempt %u on %s failed: %s", self->request_id, self->attempts,
           self->connection ? self->connection->id : "?", message);
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  self->last_status = status;
  stop_timer (self);
  g_clear_object (&self->upstream_body);
  g_clear_object (&self->upstream);
  next_attempt (self);
}

/* --- relaying back to the client -------------------------------------------------------- */

static void
copy_response_headers (SyProxyRequest *self,
                       gboolean        streaming)
{
  SoupMessageHeaders *in = soup_message_get_response_headers (self->upstream);
  SoupMessageHeaders *out = soup_server_message_get_response_headers (self->msg);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  soup_message_headers_iter_init (&iter, in);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      if (sy_http_is_hop_by_hop (name, in) ||
          g_ascii_strcasecmp (name, "Content-Length") == 0 ||
          g_ascii_strcasecmp (name, "Set-Cookie") == 0 ||
          g_ascii_strcasecmp (name, "Date") == 0 ||
          g_ascii_strcasecmp (name, "Server") == 0)
        continue;
      soup_message_headers_append (out, name, value);
    }
  if (streaming)
    soup_message_headers_set_encoding (out, SOUP_ENCODING_CHUNKED);
  add_route_headers (self);
}

static void
mark_first_byte (SyProxyRequest *self)
{
  if (self->first_byte_us == 0)
    self->first_byte_us = g_get_monotonic_time ();
}

static void
stream_end_with_error (SyProxyRequest *self,
                       const char     *code,
                       const char     *message)
{
  SoupMessageBody *body = soup_server_message_get_response_body (self->msg);
  g_autofree char *json = sy_http_format_error (self->client_dialect, 502, "api_error", code,
                                                message);
  g_autofree char *event = NULL;

  set_error_code (self, code);
  if (self->client_dialect == SY_DIALECT_ANTHROPIC)
    event = g_strdup_printf ("event: error\ndata: %s\n\n", json);
  else
    event = g_strdup_printf ("data: %s\n\n", json);
  soup_message_body_append (body, SOUP_MEMORY_COPY, event, strlen (event));
  soup_message_body_complete (body);
  self->completed = TRUE;
  soup_server_message_unpause (self->msg);
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

  self->read_pending = FALSE;
  if (self->client_gone || self->completed)
    {
      finish (self);
      return;
    }

  if (bytes == NULL)
    {
      const char *why = timer_description (self->fired_timer);

      stream_end_with_error (self, self->fired_timer ? "upstream_timeout" : "upstream_broken",
                             why ? why : error->message);
      return;
    }

  body = soup_server_message_get_response_body (self->msg);
  if (g_bytes_get_size (bytes) == 0)
    {
      stop_timer (self);
      sy_relay_observer_finish (self->usage);
      if (!sy_relay_observer_saw_end (self->usage))
        {
          /* libsoup 3.2 reports a chunked body cut between chunks as a clean EOF. */
          stream_end_with_error (self, "upstream_truncated",
                                 "the upstream closed the stream before it was complete");
          return;
        }
      soup_message_body_complete (body);
      self->completed = TRUE;
      soup_server_message_unpause (self->msg);
      return;
    }

  start_timer (self, TIMER_IDLE, "idleTimeoutMs");
  sy_relay_observer_push_sse (self->usage, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  mark_first_byte (self);
  soup_message_body_append_bytes (body, bytes);
  self->chunks_queued++;
  soup_server_message_unpause (self->msg);

  if (self->chunks_queued < MAX_CHUNKS_QUEUED)
    read_next (self);
  else
    self->waiting_for_client = TRUE;
}

static void
read_next (SyProxyRequest *self)
{
  if (self->read_pending || self->completed || self->client_gone)
    return;
  self->read_pending = TRUE;
  self->waiting_for_client = FALSE;
  g_input_stream_read_bytes_async (self->upstream_body, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   self->attempt_cancellable, stream_read_cb,
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
    read_next (self);
}

static void
start_stream_relay (SyProxyRequest *self)
{
  guint status = soup_message_get_status (self->upstream);

  self->committed = TRUE;
  self->final_status = status;
  soup_server_message_set_status (self->msg, status, NULL);
  copy_response_headers (self, TRUE);
  soup_message_body_set_accumulate (soup_server_message_get_response_body (self->msg), FALSE);
  self->wrote_chunk_id = g_signal_connect (self->msg, "wrote-chunk",
                                           G_CALLBACK (wrote_chunk_cb), self);
  start_timer (self, TIMER_IDLE, "idleTimeoutMs");
  read_next (self);
}

/* A short printable excerpt of a non-JSON upstream body for the error message. */
static char *
excerpt (const guint8 *data,
         gsize         len)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < len && s->len < 160; i++)
    g_string_append_c (s, g_ascii_isprint (data[i]) ? (char) data[i] : ' ');
  return g_strstrip (g_string_free (s, FALSE));
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

  stop_timer (self);

  if (!is_json)
    {
      g_autofree char *snippet = excerpt (data, len);
      g_autofree char *message =
        g_strdup_printf ("upstream %s answered %u with %s instead of JSON%s%s",
                         self->route->provider_label, status,
                         content_type ? content_type : "no content type",
                         *snippet ? ": " : "", snippet);

      if (SOUP_STATUS_IS_SUCCESSFUL (status) || status_moves_on (status))
        {
          if (self->next_candidate < self->route->candidates->len)
            {
              attempt_failed (self, SOUP_STATUS_BAD_GATEWAY, message);
              return;
            }
          respond_error (self, SOUP_STATUS_BAD_GATEWAY, "api_error", "upstream_invalid_response",
                         message);
          return;
        }
      respond_error (self, status, "invalid_request_error", "upstream_error", message);
      return;
    }

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    sy_relay_observer_take_json (self->usage, (const char *) data, len);
  else
    set_error_code (self, "upstream_error");

  self->committed = TRUE;
  self->completed = TRUE;
  self->final_status = status;
  mark_first_byte (self);
  soup_server_message_set_status (self->msg, status, NULL);
  copy_response_headers (self, FALSE);
  soup_message_headers_replace (soup_server_message_get_response_headers (self->msg),
                                "Content-Type", content_type ? content_type : "application/json");
  soup_message_body_truncate (soup_server_message_get_response_body (self->msg));
  soup_message_body_append_take (soup_server_message_get_response_body (self->msg),
                                 g_byte_array_steal (self->buffer, NULL), len);
  soup_message_headers_set_content_length (soup_server_message_get_response_headers (self->msg), len);
  soup_server_message_unpause (self->msg);
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

  if (self->client_gone)
    {
      finish (self);
      return;
    }
  if (bytes == NULL)
    {
      const char *why = timer_description (self->fired_timer);

      attempt_failed (self, self->fired_timer ? SOUP_STATUS_GATEWAY_TIMEOUT : SOUP_STATUS_BAD_GATEWAY,
                      why ? why : error->message);
      return;
    }
  if (g_bytes_get_size (bytes) == 0)
    {
      complete_buffered (self);
      return;
    }
  if (self->buffer->len + g_bytes_get_size (bytes) > MAX_BUFFERED_BODY)
    {
      respond_error (self, SOUP_STATUS_BAD_GATEWAY, "api_error", "upstream_too_large",
                     "the upstream response exceeds 64 MiB");
      return;
    }
  g_byte_array_append (self->buffer, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_input_stream_read_bytes_async (self->upstream_body, 65536, G_PRIORITY_DEFAULT,
                                   self->attempt_cancellable, buffered_read_cb,
                                   g_object_ref (self));
}

/* --- the upstream exchange -------------------------------------------------------------- */

static GBytes *
build_upstream_body (SyProxyRequest *self)
{
  gsize len;
  const char *data = g_bytes_get_data (self->body, &len);
  g_autofree char *current = NULL;
  SyJsonSpan span = { self->model_start, self->model_end, SY_JSON_KIND_STRING };
  GString *out;

  current = sy_json_span_dup_string (data, &span);
  if (g_strcmp0 (current, self->route->upstream_model) == 0)
    return g_bytes_ref (self->body);

  out = g_string_sized_new (len + 16);
  g_string_append_len (out, data, self->model_start);
  sy_json_append_string (out, self->route->upstream_model);
  g_string_append_len (out, data + self->model_end, len - self->model_end);
  return g_string_free_to_bytes (out);
}

static gboolean
request_header_forwarded (const char         *name,
                          SoupMessageHeaders *headers)
{
  static const char * const dropped[] = {
    "Host", "Content-Length", "Authorization", "x-api-key", "x-goog-api-key",
    "Accept-Encoding", "Cookie", "Expect", "Origin", "Referer",
  };

  if (sy_http_is_hop_by_hop (name, headers))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (dropped); i++)
    if (g_ascii_strcasecmp (name, dropped[i]) == 0)
      return FALSE;
  return g_ascii_strncasecmp (name, "X-Switchyard-", 13) != 0 &&
         g_ascii_strncasecmp (name, "X-OmniRoute-", 12) != 0;
}

static void
set_auth_header (SoupMessageHeaders *headers,
                 SyAuthHeader        kind,
                 const char         *secret)
{
  g_autofree char *bearer = NULL;

  switch (kind)
    {
    case SY_AUTH_HEADER_X_API_KEY:
      soup_message_headers_replace (headers, "x-api-key", secret);
      break;
    case SY_AUTH_HEADER_GOOG_API_KEY:
      soup_message_headers_replace (headers, "x-goog-api-key", secret);
      break;
    case SY_AUTH_HEADER_BEARER:
    default:
      bearer = g_strconcat ("Bearer ", secret, NULL);
      soup_message_headers_replace (headers, "Authorization", bearer);
      break;
    }
}

static void
upstream_wrote_headers_cb (SoupMessage *upstream,
                           gpointer     user_data)
{
  SyProxyRequest *self = user_data;

  if (self->timer_kind == TIMER_CONNECT)
    start_timer (self, TIMER_FIRST_BYTE, "firstByteTimeoutMs");
}

static void
upstream_sent_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SyProxyRequest) self = user_data;
  g_autoptr(GError) error = NULL;
  GInputStream *stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  const char *content_type;
  guint status;

  if (self->client_gone || self->fired_timer == TIMER_TOTAL)
    {
      g_clear_object (&stream);
      if (self->fired_timer == TIMER_TOTAL && !self->client_gone)
        respond_error (self, SOUP_STATUS_GATEWAY_TIMEOUT, "api_error", "upstream_timeout",
                       timer_description (TIMER_TOTAL));
      else
        finish (self);
      return;
    }

  if (stream == NULL)
    {
      const char *why = timer_description (self->fired_timer);
      g_autofree char *message = g_strdup_printf ("cannot reach %s: %s", self->route->provider_label,
                                                  why ? why : error->message);

      attempt_failed (self, self->fired_timer ? SOUP_STATUS_GATEWAY_TIMEOUT : SOUP_STATUS_BAD_GATEWAY,
                      message);
      return;
    }

  self->upstream_body = stream;
  status = soup_message_get_status (self->upstream);
  content_type = soup_message_headers_get_content_type (
    soup_message_get_response_headers (self->upstream), NULL);

  if (status_moves_on (status) && self->next_candidate < self->route->candidates->len)
    {
      g_autofree char *message = g_strdup_printf ("upstream %s answered %u",
                                                  self->route->provider_label, status);

      attempt_failed (self, status, message);
      return;
    }

  if (SOUP_STATUS_IS_SUCCESSFUL (status) && g_strcmp0 (content_type, "text/event-stream") == 0)
    {
      start_stream_relay (self);
      return;
    }

  self->buffer = self->buffer ? (g_byte_array_set_size (self->buffer, 0), self->buffer)
                              : g_byte_array_new ();
  g_input_stream_read_bytes_async (self->upstream_body, 65536, G_PRIORITY_DEFAULT,
                                   self->attempt_cancellable, buffered_read_cb,
                                   g_object_ref (self));
}

static void
send_attempt (SyProxyRequest *self,
              const char     *secret)
{
  SoupMessageHeaders *in = soup_server_message_get_request_headers (self->msg);
  const char *base = self->connection->base_url ? self->connection->base_url
                                                : self->route->default_base_url;
  g_autofree char *url = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  SoupMessageHeaders *out;
  SoupMessageHeadersIter iter;
  const char *name, *value;

  url = g_str_has_suffix (base, "/") ? g_strconcat (base, self->upstream_path + 1, NULL)
                                     : g_strconcat (base, self->upstream_path, NULL);
  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, &error);
  if (uri == NULL)
    {
      g_autofree char *message = g_strdup_printf ("invalid base URL for %s: %s",
                                                  self->route->provider_label, error->message);
      attempt_failed (self, SOUP_STATUS_BAD_GATEWAY, message);
      return;
    }

  g_clear_object (&self->attempt_cancellable);
  self->attempt_cancellable = g_cancellable_new ();
  self->fired_timer = TIMER_NONE;

  self->upstream = soup_message_new_from_uri (SOUP_METHOD_POST, uri);
  out = soup_message_get_request_headers (self->upstream);
  soup_message_headers_iter_init (&iter, in);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (request_header_forwarded (name, in))
      soup_message_headers_append (out, name, value);
  set_auth_header (out, self->route->auth_header, secret);

  body = build_upstream_body (self);
  soup_message_set_request_body_from_bytes (self->upstream,
                                            soup_message_headers_get_content_type (in, NULL)
                                              ? soup_message_headers_get_content_type (in, NULL)
                                              : "application/json",
                                            body);
  g_signal_connect_object (self->upstream, "wrote-headers",
                           G_CALLBACK (upstream_wrote_headers_cb), self, 0);

  start_timer (self, TIMER_CONNECT, "connectTimeoutMs");
  soup_session_send_async (sy_gateway_get_session (self->gateway), self->upstream,
                           G_PRIORITY_DEFAULT, self->attempt_cancellable, upstream_sent_cb,
                           g_object_ref (self));
}

static void
credentials_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SyProxyRequest) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = sy_credentials_get_finish (SY_CREDENTIALS (source), result, &error);

  if (self->client_gone)
    {
      finish (self);
      return;
    }
  if (secret == NULL)
    {
      g_autofree char *message =
        g_strdup_printf ("account %s has no usable credential: %s", self->connection->id,
                         error ? error->message : "no API key stored");
      attempt_failed (self, SOUP_STATUS_SERVICE_UNAVAILABLE, message);
      return;
    }
  send_attempt (self, secret);
}

static void
next_attempt (SyProxyRequest *self)
{
  SyCredentials *credentials = sy_gateway_get_credentials (self->gateway);
  const char *secret;

  if (self->client_gone)
    {
      finish (self);
      return;
    }

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      respond_error (self, SOUP_STATUS_GATEWAY_TIMEOUT, "api_error", "upstream_timeout",
                     self->fired_timer == TIMER_TOTAL ? timer_description (TIMER_TOTAL)
                                                      : "the gateway is shutting down");
      return;
    }

  if (self->next_candidate >= self->route->candidates->len)
    {
      guint status = self->last_status ? self->last_status : SOUP_STATUS_BAD_GATEWAY;

      respond_error (self, status, status == 429 ? "rate_limit_error" : "api_error",
                     status == 429 ? "rate_limited" : "all_accounts_failed",
                     self->last_error ? self->last_error : "no account could serve the request");
      return;
    }

  g_clear_pointer (&self->connection, sy_connection_unref);
  self->connection = sy_connection_ref (g_ptr_array_index (self->route->candidates,
                                                           self->next_candidate++));
  self->attempts++;

  secret = sy_credentials_peek (credentials, self->connection->id);
  if (secret != NULL)
    send_attempt (self, secret);
  else
    sy_credentials_get_async (credentials, self->connection->id, self->cancellable,
                              credentials_cb, g_object_ref (self));
}

/* --- client side ------------------------------------------------------------------------ */

static void
client_finished_cb (SoupServerMessage *msg,
                    gpointer           user_data)
{
  SyProxyRequest *self = user_data;

  if (!self->completed)
    {
      self->client_gone = TRUE;
      g_cancellable_cancel (self->cancellable);
    }
  /* Nothing more will be written; pending async callbacks see client_gone or completed. */
  if (!self->read_pending)
    finish (self);
  else
    g_cancellable_cancel (self->attempt_cancellable);
}

static void
request_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  SyProxyRequest *self = user_data;

  if (self->attempt_cancellable != NULL)
    g_cancellable_cancel (self->attempt_cancellable);
}

void
sy_proxy_request_start (SyGateway          *gateway,
                        SyProxyRequestInit *init)
{
  SyProxyRequest *self;
  gint64 total_ms;

  g_return_if_fail (SY_IS_GATEWAY (gateway));

  self = g_object_new (SY_TYPE_PROXY_REQUEST, NULL);
  self->self_ref = self;
  self->gateway = g_object_ref (gateway);
  self->msg = g_object_ref (init->msg);
  self->client_dialect = init->client_dialect;
  self->endpoint = g_strdup (init->endpoint);
  self->upstream_path = g_strdup (init->upstream_path);
  self->body = g_bytes_ref (init->body);
  self->model_start = init->model_start;
  self->model_end = init->model_end;
  self->stream = init->stream;
  self->api_key = init->api_key ? sy_api_key_ref (init->api_key) : NULL;
  self->route = g_steal_pointer (&init->route);
  self->request_id = g_uuid_string_random ();
  self->start_us = g_get_monotonic_time ();

  sy_gateway_track_request (gateway, self->cancellable);
  self->cancel_link_id = g_cancellable_connect (self->cancellable,
                                                G_CALLBACK (request_cancelled_cb), self, NULL);
  self->finished_id = g_signal_connect (self->msg, "finished",
                                        G_CALLBACK (client_finished_cb), self);
  self->disconnected_id = g_signal_connect (self->msg, "disconnected",
                                            G_CALLBACK (client_finished_cb), self);

  total_ms = sy_settings_repo_get_int (sy_gateway_get_settings (gateway), "totalTimeoutMs");
  if (total_ms > 0)
    self->total_timer_id = g_timeout_add ((guint) total_ms, total_timer_cb, self);

  soup_server_message_pause (self->msg);
  next_attempt (self);
}

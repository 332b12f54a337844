/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The proxy path for one request, first half: the attempt loop across accounts, the per-phase
 * timers and the upstream exchange up to the response headers. Same-dialect forwarding is
 * byte-faithful: the body goes upstream as the client sent it except the model value, and only
 * end-to-end headers cross. Across dialects the parsed request is emitted in the provider's
 * dialect. The second half, the answer back to the client, is sy-proxy-relay.c.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-proxy-request-private.h"

#include <string.h>

#include "core/sy-json-scan.h"
#include "gateway/sy-budget-guard.h"
#include "gateway/sy-http.h"
#include "gateway/sy-token-keeper.h"
#include "providers/sy-upstream-adapter.h"

/* Failover: what moves on to the next candidate (another account of the same provider, then
 * the next member of a combo, then the fallback chains) is decided by SyFailurePolicy, whose
 * table is in src/routing/sy-failure-policy.c and docs/routing.md. Here: a client that went
 * away stops everything, and nothing fails over once a byte has reached the client (errors
 * after that are stream events). */

G_DEFINE_FINAL_TYPE (SyProxyRequest, sy_proxy_request, G_TYPE_OBJECT)

static void next_attempt (SyProxyRequest *self);

static void
sy_proxy_request_dispose (GObject *object)
{
  SyProxyRequest *self = SY_PROXY_REQUEST (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  if (self->core.msg != NULL)
    g_clear_signal_handler (&self->wrote_chunk_id, self->core.msg);
  g_clear_object (&self->upstream_body);
  g_clear_object (&self->upstream);
  g_clear_object (&self->translator);
  g_clear_object (&self->watcher);
  sy_request_core_dispose (&self->core);
  G_OBJECT_CLASS (sy_proxy_request_parent_class)->dispose (object);
}

static void
sy_proxy_request_finalize (GObject *object)
{
  SyProxyRequest *self = SY_PROXY_REQUEST (object);

  g_clear_pointer (&self->body, g_bytes_unref);
  g_clear_pointer (&self->upstream_request_body, g_bytes_unref);
  g_clear_pointer (&self->request, sy_chat_request_free);
  g_clear_pointer (&self->tokens, sy_token_bundle_free);
  g_clear_pointer (&self->buffer, g_byte_array_unref);
  g_clear_pointer (&self->notes, g_ptr_array_unref);
  g_free (self->endpoint);
  g_free (self->upstream_path);
  sy_request_core_finalize (&self->core);
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
  sy_request_core_init (&self->core);
  self->notes = g_ptr_array_new_with_free_func (g_free);
}

/* The request is over for us: write its usage row and drop the self reference. */
void
_sy_proxy_request_finish (SyProxyRequest *self)
{
  if (self->self_ref == NULL)
    return;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  sy_request_core_stop (&self->core);

  for (guint i = 0; i < self->notes->len; i++)
    g_debug ("request %s: %s", self->core.request_id, (char *) g_ptr_array_index (self->notes, i));

  sy_request_core_submit_usage (&self->core, self->endpoint, self->stream);
  g_clear_object (&self->self_ref);
}

void
_sy_proxy_request_add_route_headers (SyProxyRequest *self)
{
  SoupMessageHeaders *out = soup_server_message_get_response_headers (self->core.msg);

  sy_request_core_add_route_headers (&self->core);
  if (self->notes->len > 0)
    {
      g_autofree char *count = g_strdup_printf ("%u", self->notes->len);

      /* The notes themselves may hold user text; the count says "look at the log". */
      soup_message_headers_replace (out, "X-Switchyard-Translation-Notes", count);
    }
}

/* An error the gateway itself answers with, in the client's dialect (nothing relayed yet). */
void
_sy_proxy_request_respond_error (SyProxyRequest *self,
                                 guint           status,
                                 const char     *type,
                                 const char     *code,
                                 const char     *message)
{
  g_autofree char *body = sy_http_format_error (self->client_dialect, status, type, code, message);

  if (self->core.client_gone)
    {
      _sy_proxy_request_finish (self);
      return;
    }
  if (self->early)
    {
      _sy_proxy_relay_fail_early (self, status, type, code, message);
      return;
    }
  self->core.final_status = status;
  sy_request_core_set_error_code (&self->core, code);
  _sy_proxy_request_add_route_headers (self);
  soup_server_message_set_status (self->core.msg, status, NULL);
  soup_server_message_set_response (self->core.msg, "application/json", SOUP_MEMORY_COPY, body,
                                    strlen (body));
  self->committed = TRUE;
  self->core.completed = TRUE;
  soup_server_message_unpause (self->core.msg);
}

/* --- timers ------------------------------------------------------------------------------- */

static const char * const timer_settings[] = {
  [SY_TIMER_CONNECT] = "connectTimeoutMs",
  [SY_TIMER_FIRST_BYTE] = "firstByteTimeoutMs",
  [SY_TIMER_IDLE] = "idleTimeoutMs",
  [SY_TIMER_TOTAL] = "totalTimeoutMs",
};

void
_sy_proxy_request_stop_timer (SyProxyRequest *self)
{
  g_clear_handle_id (&self->timer_id, g_source_remove);
  self->timer_kind = SY_TIMER_NONE;
}

static gboolean
timer_cb (gpointer user_data)
{
  SyProxyRequest *self = user_data;

  self->timer_id = 0;
  self->fired_timer = self->timer_kind;
  self->timer_kind = SY_TIMER_NONE;
  if (self->core.attempt_cancellable != NULL)
    g_cancellable_cancel (self->core.attempt_cancellable);
  return G_SOURCE_REMOVE;
}

void
_sy_proxy_request_start_timer (SyProxyRequest *self,
                               SyTimerKind     kind)
{
  gint64 ms = sy_settings_repo_get_int (sy_gateway_get_settings (self->core.gateway),
                                        timer_settings[kind]);

  _sy_proxy_request_stop_timer (self);
  self->timer_kind = kind;
  self->timer_id = g_timeout_add ((guint) ms, timer_cb, self);
}

static gboolean
total_timer_cb (gpointer user_data)
{
  SyProxyRequest *self = user_data;

  self->core.total_timer_id = 0;
  self->fired_timer = SY_TIMER_TOTAL;
  g_cancellable_cancel (self->core.cancellable);
  return G_SOURCE_REMOVE;
}

const char *
_sy_proxy_request_timer_message (SyTimerKind kind)
{
  switch (kind)
    {
    case SY_TIMER_CONNECT: return "connecting to the upstream timed out (connectTimeoutMs)";
    case SY_TIMER_FIRST_BYTE: return "the upstream sent no response in time (firstByteTimeoutMs)";
    case SY_TIMER_IDLE: return "the upstream stream stalled (idleTimeoutMs)";
    case SY_TIMER_TOTAL: return "the request exceeded totalTimeoutMs";
    case SY_TIMER_NONE:
    default: return NULL;
    }
}

/* --- attempts ----------------------------------------------------------------------------- */

/* Drops what one exchange with the upstream left behind, before another one. */
static void
clear_exchange (SyProxyRequest *self)
{
  _sy_proxy_request_stop_timer (self);
  g_clear_object (&self->upstream_body);
  g_clear_object (&self->upstream);
  g_clear_object (&self->translator);
  g_clear_object (&self->watcher);
  g_clear_pointer (&self->buffer, g_byte_array_unref);
  self->received = 0;
  sy_usage_init (&self->core.usage);
}

void
_sy_proxy_request_attempt_failed (SyProxyRequest  *self,
                                  guint            status,
                                  const SyFailure *failure,
                                  const char      *message)
{
  g_debug ("request %s: attempt %u on %s failed: %s", self->core.request_id, self->core.attempts,
           self->core.connection ? self->core.connection->id : "?", message);
  sy_request_core_attempt_failed (&self->core, status, failure, message);
  clear_exchange (self);
  g_clear_pointer (&self->tokens, sy_token_bundle_free);
  next_attempt (self);
}

/* Same dialect: the client's bytes with only the model value replaced. */
static GBytes *
forward_body (SyProxyRequest *self)
{
  gsize len;
  const char *data = g_bytes_get_data (self->body, &len);
  g_autofree char *current = NULL;
  SyJsonSpan span = { self->model_start, self->model_end, SY_JSON_KIND_STRING };
  GString *out;

  if (!self->has_model_span)
    return g_bytes_ref (self->body);
  current = sy_json_span_dup_string (data, &span);
  if (g_strcmp0 (current, self->core.route->upstream_model) == 0)
    return g_bytes_ref (self->body);

  out = g_string_sized_new (len + 16);
  g_string_append_len (out, data, self->model_start);
  sy_json_append_string (out, self->core.route->upstream_model);
  g_string_append_len (out, data + self->model_end, len - self->model_end);
  return g_string_free_to_bytes (out);
}

/* The Chat Completions emitter writes the portable "max_tokens"; a provider that wants
 * "max_completion_tokens" gets the same value under that name. Takes body. */
static GBytes *
rename_max_tokens (GBytes *body)
{
  static const char key[] = "\"max_tokens\":";
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  SyJsonSpan span;
  gsize key_start;
  GString *out;

  if (!sy_json_object_lookup (data, len, "max_tokens", &span) ||
      span.start < sizeof key - 1 ||
      memcmp (data + span.start - (sizeof key - 1), key, sizeof key - 1) != 0)
    return body;
  key_start = span.start - (sizeof key - 1);
  out = g_string_sized_new (len + 16);
  g_string_append_len (out, data, key_start);
  g_string_append (out, "\"max_completion_tokens\":");
  g_string_append_len (out, data + span.start, len - span.start);
  g_bytes_unref (body);
  return g_string_free_to_bytes (out);
}

/* The body for the route's dialect, built once (every account of a route speaks it). */
static GBytes *
dup_upstream_body (SyProxyRequest  *self,
                   GError         **error)
{
  if (self->upstream_request_body == NULL)
    {
      if (!_sy_proxy_request_translating (self))
        self->upstream_request_body = forward_body (self);
      else
        {
          g_free (self->request->model);
          self->request->model = g_strdup (self->core.route->upstream_model);
          self->request->stream = self->stream;
          self->upstream_request_body =
            sy_codec_get (self->core.route->dialect)->emit_request (self->request, self->notes,
                                                                     error);
          if (self->upstream_request_body == NULL)
            return NULL;
          if (self->core.route->max_completion_tokens)
            self->upstream_request_body = rename_max_tokens (self->upstream_request_body);
        }
    }
  return g_bytes_ref (self->upstream_request_body);
}

static char *
dup_upstream_path (SyProxyRequest *self)
{
  const SyCodec *codec = sy_codec_get (self->core.route->dialect);
  g_autoptr(SyChatRequest) stub = NULL;

  if (self->upstream_path != NULL)
    return g_strdup (self->upstream_path);
  /* The path depends on the target's model and on streaming only. */
  stub = sy_chat_request_new ();
  stub->model = g_strdup (self->core.route->upstream_model);
  stub->stream = self->stream;
  return codec->request_path (stub);
}

static gboolean
request_header_forwarded (const char         *name,
                          SoupMessageHeaders *headers)
{
  static const char * const dropped[] = {
    "Host", "Content-Length", "Content-Type", "Authorization", "x-api-key", "x-goog-api-key",
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
upstream_wrote_headers_cb (SoupMessage *upstream,
                           gpointer     user_data)
{
  SyProxyRequest *self = user_data;

  if (self->timer_kind == SY_TIMER_CONNECT)
    _sy_proxy_request_start_timer (self, SY_TIMER_FIRST_BYTE);
}

static void
upstream_sent_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SyProxyRequest) self = user_data;
  g_autoptr(GError) error = NULL;
  GInputStream *stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);

  if (self->core.client_gone || self->fired_timer == SY_TIMER_TOTAL)
    {
      g_clear_object (&stream);
      if (self->fired_timer == SY_TIMER_TOTAL && !self->core.client_gone)
        _sy_proxy_request_respond_error (self, SOUP_STATUS_GATEWAY_TIMEOUT, "api_error",
                                         "upstream_timeout",
                                         _sy_proxy_request_timer_message (SY_TIMER_TOTAL));
      else
        _sy_proxy_request_finish (self);
      return;
    }

  if (stream == NULL || sy_outbound_proxies_refused (self->upstream, &stream, &error))
    {
      const char *why = _sy_proxy_request_timer_message (self->fired_timer);
      g_autofree char *message = g_strdup_printf ("cannot reach %s: %s",
                                                  self->core.route->provider_label,
                                                  why ? why : error->message);
      SyFailure failure;

      sy_failure_classify_network (&failure);
      _sy_proxy_request_attempt_failed (self, self->fired_timer ? SOUP_STATUS_GATEWAY_TIMEOUT
                                                                : SOUP_STATUS_BAD_GATEWAY,
                                        &failure, message);
      return;
    }

  self->upstream_body = stream;
  sy_quota_watch_note_answer (sy_gateway_get_quota_watch (self->core.gateway),
                              self->core.connection,
                              soup_message_get_response_headers (self->upstream));
  /* The relay judges the attempt: an error once its body is read (the body says whether it is
   * a rate limit, a quota, a missing model or a bad request), a success once the answer is
   * usable (a whole JSON body, or a stream's start). */
  _sy_proxy_relay_start (self);
}

/* The upstream's address, headers and body for this attempt: the subscription upstreams'
 * shaping (src/providers/sy-upstream-adapter.c), or for everyone else the base URL plus the
 * codec's path, the client's end-to-end headers and the catalog's auth header. NULL after
 * answering or failing the attempt. */
static SyUpstreamRequest *
build_upstream_request (SyProxyRequest *self,
                        const char     *secret)
{
  SoupMessageHeaders *in = soup_server_message_get_request_headers (self->core.msg);
  g_autofree char *path = dup_upstream_path (self);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  SyUpstreamInput input = { 0 };
  SyUpstreamRequest *request;

  body = dup_upstream_body (self, &error);
  if (body == NULL)
    {
      /* The request cannot be expressed in this provider's dialect: not a failover. */
      _sy_proxy_request_respond_error (self, SOUP_STATUS_BAD_REQUEST, "invalid_request_error",
                                       "untranslatable_request", error->message);
      return NULL;
    }
  input.provider = self->core.route->provider_id;
  input.model = self->core.route->upstream_model;
  input.stream = self->stream;
  input.dialect = self->core.route->dialect;
  input.body = body;
  input.path = path;
  input.bearer = secret;
  input.provider_data = self->core.connection->provider_data;
  input.base_url = self->core.connection->base_url ? self->core.connection->base_url
                                                   : self->core.route->default_base_url;
  input.base_url_fixed = self->core.connection->base_url != NULL;
  input.client_headers = in;
  input.uuid = self->core.request_id;
  request = sy_upstream_adapter_adapt (&input, &error);
  if (request != NULL)
    return request;
  if (g_error_matches (error, SY_UPSTREAM_ADAPTER_ERROR, SY_UPSTREAM_ADAPTER_ERROR_INVALID_BODY))
    _sy_proxy_request_respond_error (self, SOUP_STATUS_BAD_REQUEST, "invalid_request_error",
                                     "invalid_request", error->message);
  else
    {
      SyFailure failure;

      sy_failure_classify_network (&failure);
      _sy_proxy_request_attempt_failed (self, SOUP_STATUS_BAD_GATEWAY, &failure, error->message);
    }
  return NULL;
}

static void
send_attempt (SyProxyRequest *self,
              const char     *secret)
{
  SoupMessageHeaders *in = soup_server_message_get_request_headers (self->core.msg);
  g_autoptr(SyUpstreamRequest) request = build_upstream_request (self, secret);
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  SoupMessageHeaders *out;
  SoupMessageHeadersIter iter;
  const char *name, *value;

  if (request == NULL)
    return;
  uri = g_uri_parse (request->url, SOUP_HTTP_URI_FLAGS, &error);
  if (uri == NULL)
    {
      g_autofree char *message = g_strdup_printf ("invalid base URL for %s: %s",
                                                  self->core.route->provider_label, error->message);
      SyFailure failure;

      sy_failure_classify_network (&failure);
      _sy_proxy_request_attempt_failed (self, SOUP_STATUS_BAD_GATEWAY, &failure, message);
      return;
    }

  g_clear_object (&self->core.attempt_cancellable);
  self->core.attempt_cancellable = g_cancellable_new ();
  self->fired_timer = SY_TIMER_NONE;

  self->upstream = soup_message_new_from_uri (SOUP_METHOD_POST, uri);
  /* libsoup 3.2 opens a new connection for every non-idempotent message: without this flag
   * each POST paid a TCP (and TLS) handshake and left a TIME-WAIT socket behind. The cost is
   * that soup may resend a request once if a pooled connection turns out dead before any
   * answer, which is what the failover loop would do anyway. */
  soup_message_add_flags (self->upstream, SOUP_MESSAGE_IDEMPOTENT);
  out = soup_message_get_request_headers (self->upstream);
  if (request->forward_client_headers)
    {
      soup_message_headers_iter_init (&iter, in);
      while (soup_message_headers_iter_next (&iter, &name, &value))
        if (request_header_forwarded (name, in))
          soup_message_headers_append (out, name, value);
    }
  if (!request->auth_included)
    sy_http_set_auth_header (out, self->core.route->auth_header, secret);
  /* A plain provider's required headers, unless the client sent its own value (the special
   * upstreams' adapter sets theirs itself). */
  for (const char * const *h = self->core.route->extra_headers;
       request->forward_client_headers && h != NULL && h[0] != NULL; h += 2)
    if (soup_message_headers_get_one (out, h[0]) == NULL)
      soup_message_headers_replace (out, h[0], h[1]);
  if (self->core.route->dialect == SY_DIALECT_ANTHROPIC &&
      soup_message_headers_get_one (out, "anthropic-version") == NULL)
    soup_message_headers_replace (out, "anthropic-version", "2023-06-01");
  if (self->request != NULL)
    soup_message_headers_replace (out, "Accept",
                                  self->stream || request->force_stream ? "text/event-stream"
                                                                        : "application/json");
  for (guint i = 0; i < request->headers->len; i++)
    {
      SyUpstreamHeader *header = g_ptr_array_index (request->headers, i);

      soup_message_headers_replace (out, header->name, header->value);
    }

  soup_message_set_request_body_from_bytes (self->upstream, "application/json", request->body);
  g_signal_connect_object (self->upstream, "wrote-headers",
                           G_CALLBACK (upstream_wrote_headers_cb), self, 0);

  _sy_proxy_request_start_timer (self, SY_TIMER_CONNECT);
  soup_session_send_async (sy_outbound_proxies_session_for (self->core.gateway, self->core.api_key,
                                                           self->core.plan, self->core.route),
                           self->upstream, G_PRIORITY_DEFAULT, self->core.attempt_cancellable,
                           upstream_sent_cb, g_object_ref (self));
}

static void
credentials_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SyProxyRequest) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = sy_credentials_get_finish (SY_CREDENTIALS (source), result, &error);

  if (self->core.client_gone)
    {
      _sy_proxy_request_finish (self);
      return;
    }
  if (secret == NULL)
    {
      g_autofree char *message =
        g_strdup_printf ("account %s has no usable credential: %s", self->core.connection->id,
                         error ? error->message : "no API key stored");
      /* Like an expired credential: this account is skipped for a while, the next one goes. */
      SyFailure failure = { SY_FAILURE_AUTH, TRUE, FALSE, SY_COOLDOWN_ACCOUNT, -1 };

      _sy_proxy_request_attempt_failed (self, SOUP_STATUS_SERVICE_UNAVAILABLE, &failure, message);
      return;
    }
  send_attempt (self, secret);
}

static void
tokens_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SyProxyRequest) self = user_data;
  g_autoptr(GError) error = NULL;
  SyTokenBundle *tokens = sy_token_keeper_get_finish (SY_TOKEN_KEEPER (source), result, &error);

  if (self->core.client_gone)
    {
      g_clear_pointer (&tokens, sy_token_bundle_free);
      _sy_proxy_request_finish (self);
      return;
    }
  if (tokens == NULL)
    {
      /* Needs a login: skipped until someone signs in again (the row says so). A refresh that
       * failed for now: skipped for a while like any failing account. */
      SyFailure failure = { SY_FAILURE_AUTH, TRUE, FALSE, SY_COOLDOWN_ACCOUNT, -1 };

      _sy_proxy_request_attempt_failed (self, SOUP_STATUS_SERVICE_UNAVAILABLE, &failure,
                                        error->message);
      return;
    }
  g_clear_pointer (&self->tokens, sy_token_bundle_free);
  self->tokens = tokens;
  send_attempt (self, sy_token_bundle_get_bearer (tokens));
}

static gboolean
is_oauth_account (const SyConnection *connection)
{
  return g_strcmp0 (connection->auth_type, "oauth") == 0;
}

gboolean
_sy_proxy_request_reauthenticate (SyProxyRequest *self)
{
  if (self->reauthenticated || !is_oauth_account (self->core.connection))
    return FALSE;
  self->reauthenticated = TRUE;
  g_debug ("request %s: %s refused the token of account %s; refreshing it once",
           self->core.request_id, self->core.route->provider_label, self->core.connection->id);
  clear_exchange (self);
  sy_token_keeper_get_async (sy_gateway_get_token_keeper (self->core.gateway),
                             self->core.connection, TRUE, NULL, tokens_cb, g_object_ref (self));
  return TRUE;
}

/* The account has its rate-limit slot: fetch its credential (an OAuth account's tokens,
 * refreshed when they are about to expire) and go. */
static void
start_attempt (SyProxyRequest *self)
{
  SyCredentials *credentials = sy_gateway_get_credentials (self->core.gateway);
  const char *secret;

  if (is_oauth_account (self->core.connection))
    {
      sy_token_keeper_get_async (sy_gateway_get_token_keeper (self->core.gateway),
                                 self->core.connection, FALSE, NULL, tokens_cb,
                                 g_object_ref (self));
      return;
    }
  secret = sy_credentials_peek (credentials, self->core.connection->id);

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
  g_autoptr(SyProxyRequest) self = user_data;

  if (granted)
    self->core.slot_held = TRUE;
  if (self->core.client_gone)
    {
      _sy_proxy_request_finish (self);
      return;
    }
  if (!granted)
    {
      sy_request_core_slot_refused (&self->core);
      next_attempt (self);
      return;
    }
  start_attempt (self);
}

/* Every candidate is spent: the last failure goes back, in the client's dialect, with the
 * earliest reset we know of as Retry-After. */
static void
respond_exhausted (SyProxyRequest *self)
{
  const char *type, *code, *message;
  guint status = sy_request_core_exhausted (&self->core, &type, &code, &message);

  _sy_proxy_request_respond_error (self, status, type, code, message);
}

static void
next_attempt (SyProxyRequest *self)
{
  gboolean new_target;

  if (self->core.client_gone)
    {
      _sy_proxy_request_finish (self);
      return;
    }

  if (g_cancellable_is_cancelled (self->core.cancellable))
    {
      _sy_proxy_request_respond_error (self, SOUP_STATUS_GATEWAY_TIMEOUT, "api_error",
                                       "upstream_timeout",
                                       self->fired_timer == SY_TIMER_TOTAL
                                         ? _sy_proxy_request_timer_message (SY_TIMER_TOTAL)
                                         : "the gateway is shutting down");
      return;
    }

  if (!sy_request_core_next_account (&self->core, &new_target))
    {
      respond_exhausted (self);
      return;
    }
  if (new_target)
    g_clear_pointer (&self->upstream_request_body, g_bytes_unref);
  _sy_proxy_relay_progress (self, SY_PROGRESS_ATTEMPT);

  switch (sy_routing_state_acquire_slot (self->core.routing, self->core.connection,
                                         self->core.cancellable, slot_ready_cb, self))
    {
    case SY_SLOT_GRANTED:
      self->core.slot_held = TRUE;
      start_attempt (self);
      break;
    case SY_SLOT_QUEUED:
      _sy_proxy_relay_progress (self, SY_PROGRESS_WAITING);
      g_object_ref (self);   /* dropped by slot_ready_cb */
      break;
    case SY_SLOT_REFUSED:
    default:
      slot_ready_cb (FALSE, g_object_ref (self));
      break;
    }
}

/* --- client side ------------------------------------------------------------------------ */

static void
client_finished_cb (SoupServerMessage *msg,
                    gpointer           user_data)
{
  SyProxyRequest *self = user_data;

  if (!self->core.completed)
    {
      self->core.client_gone = TRUE;
      g_cancellable_cancel (self->core.cancellable);
    }
  /* Nothing more will be written; pending async callbacks see client_gone or completed. */
  if (!self->read_pending)
    _sy_proxy_request_finish (self);
  else if (self->core.attempt_cancellable != NULL)
    g_cancellable_cancel (self->core.attempt_cancellable);
}

static void
request_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  SyProxyRequest *self = user_data;

  if (self->core.attempt_cancellable != NULL)
    g_cancellable_cancel (self->core.attempt_cancellable);
}

void
sy_proxy_request_start (SyGateway          *gateway,
                        SyProxyRequestInit *init)
{
  SyProxyRequest *self;

  g_return_if_fail (SY_IS_GATEWAY (gateway));

  self = g_object_new (SY_TYPE_PROXY_REQUEST, NULL);
  self->self_ref = self;
  self->client_dialect = init->client_dialect;
  self->endpoint = g_strdup (init->endpoint);
  self->upstream_path = g_strdup (init->upstream_path);
  self->body = g_bytes_ref (init->body);
  self->has_model_span = init->has_model_span;
  self->model_start = init->model_start;
  self->model_end = init->model_end;
  self->stream = init->stream;
  self->request = g_steal_pointer (&init->request);
  sy_request_core_start (&self->core, gateway, init->msg, init->api_key,
                         g_steal_pointer (&init->plan), G_CALLBACK (client_finished_cb),
                         G_CALLBACK (request_cancelled_cb), total_timer_cb, self);
  sy_request_core_announce (&self->core, self->endpoint);

  soup_server_message_pause (self->core.msg);
  if (self->stream)
    _sy_proxy_relay_start_keepalive (self);
  _sy_proxy_relay_progress (self, SY_PROGRESS_ROUTING);
  next_attempt (self);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The front door of the response cache and idempotency (docs/cache.md).
 *
 * Idempotency comes first: a request carrying Idempotency-Key (or X-Request-Id) gets the first
 * answer to the same key and request within 5 s, or waits for it while the first runs. The
 * key covers the client's API key, the route and the whole body, so the same key sent with a
 * different request is a different request, never someone else's answer.
 *
 * The cache serves requests that ask for temperature 0 explicitly, unless
 * X-Switchyard-No-Cache (or X-OmniRoute-No-Cache) is true. Its key covers the client's API
 * key, dialect, route, model and body, with the body's "stream" value left out: a stream and
 * a JSON request share the stored answer, kept as JSON and replayed as a stream when asked.
 *
 * Answers given from here write their own usage row: attempts 0, no tokens (nothing was
 * spent), provider "cache" or "idempotent".
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-response-reuse.h"

#include <string.h>

#include "core/sy-crypto.h"
#include "core/sy-json-scan.h"
#include "gateway/sy-http.h"
#include "gateway/sy-response-capture.h"
#include "translate/sy-codec.h"
#include "translate/sy-response-assembler.h"
#include "translate/sy-stream-translator.h"

#define PROVIDER_CACHE      "cache"
#define PROVIDER_IDEMPOTENT "idempotent"

/* A duplicate parked behind the request it duplicates. */
typedef struct
{
  SyGateway          *gateway;   /* unowned: idempotency stops waking before it goes */
  SyChatEndpointCall  call;      /* strings owned */
  char               *endpoint;
  char               *api_key_id;
  char               *model;
  gboolean            stream;
  gint64              start_us;
} Parked;

static void
parked_free (gpointer data)
{
  Parked *p = data;

  g_free ((char *) p->call.forced_provider);
  g_free ((char *) p->call.url_model);
  g_free (p->endpoint);
  g_free (p->api_key_id);
  g_free (p->model);
  g_free (p);
}

static gboolean
header_is_true (SoupMessageHeaders *headers,
                const char         *name)
{
  const char *value = soup_message_headers_get_one (headers, name);

  return value != NULL &&
         (g_ascii_strcasecmp (value, "true") == 0 || g_ascii_strcasecmp (value, "1") == 0 ||
          g_ascii_strcasecmp (value, "yes") == 0);
}

/* A usage row for an answer no upstream was asked for. */
static void
record_usage (SyGateway  *gateway,
              const char *request_id,
              const char *endpoint,
              const char *api_key_id,
              const char *requested_model,
              const char *provider,
              const char *model,
              guint       status,
              gboolean    stream,
              gint64      start_us,
              const char *error_code)
{
  SyUsageRecord *r = sy_usage_record_new ();
  double latency_ms = (double) (g_get_monotonic_time () - start_us) / 1000.0;

  r->request_id = g_strdup (request_id);
  r->endpoint = g_strdup (endpoint);
  r->api_key_id = g_strdup (api_key_id);
  r->requested_model = g_strdup (requested_model);
  r->provider = g_strdup (provider);
  r->model = g_strdup (model);
  r->status = (int) status;
  r->attempts = 0;
  r->stream = stream;
  r->tokens_input = 0;
  r->tokens_output = 0;
  r->tokens_cache_read = 0;
  r->tokens_cache_creation = 0;
  r->tokens_reasoning = 0;
  r->latency_ms = latency_ms;
  r->ttfb_ms = status < 400 ? latency_ms : -1;
  r->error_code = g_strdup (error_code);
  sy_gateway_publish_finished (gateway, r, TRUE);
  sy_usage_writer_submit (sy_gateway_get_usage_writer (gateway), r);
}

/* Writes a stored answer as this request's reply, with its own request id; returns the id. */
static char *
write_answer (SoupServerMessage *msg,
              SyStoredAnswer    *answer,
              const char        *marker,
              const char        *marker_value)
{
  SoupMessageHeaders *out = soup_server_message_get_response_headers (msg);
  char *request_id = g_uuid_string_random ();

  sy_stored_answer_write (answer, msg, NULL, NULL);
  soup_message_headers_replace (out, marker, marker_value);
  soup_message_headers_replace (out, "X-Request-Id", request_id);
  return request_id;
}

static void
reply_idempotent (SyGateway         *gateway,
                  SoupServerMessage *msg,
                  SyStoredAnswer    *answer,
                  const Parked      *p)
{
  g_autofree char *request_id = write_answer (msg, answer, "X-Switchyard-Idempotent", "true");

  record_usage (gateway, request_id, p->endpoint, p->api_key_id, p->model, PROVIDER_IDEMPOTENT,
                soup_message_headers_get_one (answer->headers, "X-Switchyard-Model"),
                answer->status, p->stream, p->start_us, NULL);
}

/* A 503 written to a parked duplicate at shutdown counts as in flight until it is sent, so
 * the gateway's drain waits for it. */
typedef struct
{
  SyGateway    *gateway;
  GCancellable *token;
  gulong        finished_id;
  gulong        disconnected_id;
} Ending;

static void
ending_over_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  Ending *e = user_data;

  g_clear_signal_handler (&e->finished_id, msg);
  g_clear_signal_handler (&e->disconnected_id, msg);
  sy_gateway_untrack_request (e->gateway, e->token);
  g_object_unref (e->token);
  g_free (e);
}

static void
track_ending (SyGateway         *gateway,
              SoupServerMessage *msg)
{
  Ending *e = g_new0 (Ending, 1);

  e->gateway = gateway;
  e->token = g_cancellable_new ();
  sy_gateway_track_request (gateway, e->token);
  e->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (ending_over_cb), e);
  e->disconnected_id = g_signal_connect (msg, "disconnected", G_CALLBACK (ending_over_cb), e);
}

/* A parked duplicate's turn (see SyIdempotencyWakeFunc). */
static void
wake_cb (SoupServerMessage *msg,
         SyIdempotencyWake  why,
         SyStoredAnswer    *answer,
         gpointer           user_data)
{
  Parked *p = user_data;
  g_autofree char *request_id = NULL;

  switch (why)
    {
    case SY_IDEMPOTENCY_WAKE_REPLAY:
      reply_idempotent (p->gateway, msg, answer, p);
      soup_server_message_unpause (msg);
      break;
    case SY_IDEMPOTENCY_WAKE_RUN:
      /* Unpaused first: a reply written at once goes out; a request that goes upstream pauses
       * the message again before the main loop runs. */
      soup_server_message_unpause (msg);
      sy_chat_endpoint_handle (p->gateway, msg, &p->call);
      break;
    case SY_IDEMPOTENCY_WAKE_STOP:
      request_id = g_uuid_string_random ();
      sy_http_respond_error (msg, p->call.dialect, SOUP_STATUS_SERVICE_UNAVAILABLE, "api_error",
                             "shutting_down", "the gateway is shutting down");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "X-Request-Id", request_id);
      record_usage (p->gateway, request_id, p->endpoint, p->api_key_id, p->model,
                    PROVIDER_IDEMPOTENT, NULL, SOUP_STATUS_SERVICE_UNAVAILABLE, p->stream,
                    p->start_us, "shutting_down");
      track_ending (p->gateway, msg);
      soup_server_message_unpause (msg);
      break;
    case SY_IDEMPOTENCY_WAKE_GONE:
    default:
      request_id = g_uuid_string_random ();
      record_usage (p->gateway, request_id, p->endpoint, p->api_key_id, p->model,
                    PROVIDER_IDEMPOTENT, NULL, 499, p->stream, p->start_us, "client_closed");
      break;
    }
}

/* --- what is cacheable, and the keys ------------------------------------------------------ */

static gboolean
temperature_is_zero (SyDialect   dialect,
                     const char *data,
                     gsize       len)
{
  SyJsonSpan span;
  g_autofree char *text = NULL;
  char *end = NULL;
  double value;

  if (dialect == SY_DIALECT_GEMINI)
    {
      SyJsonSpan config;

      if ((!sy_json_object_lookup (data, len, "generationConfig", &config) &&
           !sy_json_object_lookup (data, len, "generation_config", &config)) ||
          config.kind != SY_JSON_KIND_OBJECT)
        return FALSE;
      data += config.start;
      len = config.end - config.start;
    }
  if (!sy_json_object_lookup (data, len, "temperature", &span) || span.kind != SY_JSON_KIND_NUMBER)
    return FALSE;
  text = g_strndup (data + span.start, span.end - span.start);
  value = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && value == 0.0;
}

static void
append_field (GString    *s,
              const char *value)
{
  if (value == NULL)
    value = "";
  g_string_append_printf (s, "%" G_GSIZE_FORMAT ":%s", strlen (value), value);
}

/* SHA-256 over length-prefixed fields, then the body without the bytes of skip (the "stream"
 * value, for the cache). The cache key leaves Gemini's streaming URL out the same way. */
static char *
request_key (const char               *kind,
             const char               *api_key_id,
             const char               *client_key,
             const SyChatEndpointCall *call,
             const char               *endpoint,
             const char               *data,
             gsize                     len,
             const SyJsonSpan         *skip)
{
  g_autoptr(GString) s = g_string_sized_new (len + 256);

  append_field (s, kind);
  append_field (s, api_key_id);
  append_field (s, client_key);
  append_field (s, sy_dialect_to_string (call->dialect));
  append_field (s, endpoint);
  append_field (s, call->forced_provider);
  append_field (s, call->url_model);
  append_field (s, g_str_equal (kind, "idempotency") && call->url_stream ? "stream" : "");
  if (skip != NULL)
    {
      g_string_append_len (s, data, skip->start);
      g_string_append_len (s, data + skip->end, len - skip->end);
    }
  else
    g_string_append_len (s, data, len);
  return sy_sha256_hex (s->str, s->len);
}

/* --- cache hits ---------------------------------------------------------------------------- */

/* The stored JSON answer replayed as a stream in the client's dialect; NULL if it cannot be. */
static GBytes *
dup_replayed_stream (SyDialect       dialect,
                     SyStoredAnswer *entry)
{
  const SyCodec *codec = sy_codec_get (dialect);
  gsize len;
  const char *data = g_bytes_get_data (entry->body, &len);
  g_autoptr(SyChatResponse) response = codec->parse_response (data, len, NULL);
  g_autoptr(SyStreamTranslator) replay = NULL;
  GString *text;

  if (response == NULL)
    return NULL;
  replay = sy_stream_translator_new (dialect, dialect,
                                     response->model ? response->model
                                       : soup_message_headers_get_one (entry->headers,
                                                                       "X-Switchyard-Model"));
  text = g_string_new (NULL);
  sy_stream_translator_set_output (replay, text);
  sy_chat_response_replay (response, sy_stream_translator_add_event, replay);
  return g_string_free_to_bytes (text);
}

/* Answers msg from the cache entry; returns what was sent, or NULL if the entry could not be
 * given in the shape asked for (then the request runs as a miss). */
static SyStoredAnswer *
reply_from_cache (SoupServerMessage *msg,
                  SyDialect          dialect,
                  gboolean           stream,
                  SyStoredAnswer    *entry,
                  char             **request_id)
{
  g_autoptr(GBytes) body = stream ? dup_replayed_stream (dialect, entry)
                                  : g_bytes_ref (entry->body);
  SyStoredAnswer *sent;

  if (body == NULL)
    return NULL;
  sent = sy_stored_answer_new (entry->status, stream ? "text/event-stream" : "application/json",
                               body);
  sy_stored_answer_keep_headers (sent, entry->headers, TRUE);
  soup_message_headers_replace (sent->headers, "X-Switchyard-Attempts", "0");
  *request_id = write_answer (msg, sent, "X-Switchyard-Cache", "hit");
  return sent;
}

/* --- the front door ------------------------------------------------------------------------ */

gboolean
sy_response_reuse_begin (SyGateway                *gateway,
                         SoupServerMessage        *msg,
                         const SyChatEndpointCall *call,
                         const char               *endpoint,
                         SyApiKey                 *api_key,
                         const char               *model,
                         GBytes                   *body)
{
  SoupMessageHeaders *in = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *out = soup_server_message_get_response_headers (msg);
  SyResponseCache *cache = sy_gateway_get_response_cache (gateway);
  SyIdempotency *idempotency = sy_gateway_get_idempotency (gateway);
  const char *api_key_id = api_key ? api_key->id : NULL;
  const char *client_key = soup_message_headers_get_one (in, "Idempotency-Key");
  g_autofree char *idempotency_key = NULL;
  g_autofree char *cache_key = NULL;
  g_autoptr(SyStoredAnswer) answer = NULL;
  SyResponseCaptureInit capture = { call->dialect };
  SyCacheLimits limits;
  SyJsonSpan stream_span = { 0, 0, SY_JSON_KIND_NULL };
  gint64 start_us = g_get_monotonic_time ();
  guint64 token = 0;
  gboolean stream;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);

  if (call->dialect == SY_DIALECT_GEMINI)
    stream = call->url_stream;
  else
    stream = sy_json_object_lookup (data, len, "stream", &stream_span) &&
             stream_span.kind == SY_JSON_KIND_BOOLEAN && data[stream_span.start] == 't';

  if (client_key == NULL || *client_key == '\0')
    client_key = soup_message_headers_get_one (in, "X-Request-Id");
  if (client_key != NULL && *client_key != '\0')
    {
      Parked *p = g_new0 (Parked, 1);

      p->gateway = gateway;
      p->call = *call;
      p->call.forced_provider = g_strdup (call->forced_provider);
      p->call.url_model = g_strdup (call->url_model);
      p->endpoint = g_strdup (endpoint);
      p->api_key_id = g_strdup (api_key_id);
      p->model = g_strdup (model);
      p->stream = stream;
      p->start_us = start_us;
      idempotency_key = request_key ("idempotency", api_key_id, client_key, call, endpoint, data,
                                     len, NULL);
      switch (sy_idempotency_claim (idempotency, idempotency_key, msg, wake_cb, p, parked_free,
                                    &answer, &token))
        {
        case SY_IDEMPOTENCY_DONE:
          {
            Parked here = { gateway, *call, (char *) endpoint, (char *) api_key_id,
                            (char *) model, stream, start_us };

            reply_idempotent (gateway, msg, answer, &here);
            return TRUE;
          }
        case SY_IDEMPOTENCY_WAITING:
          return TRUE;
        case SY_IDEMPOTENCY_CLAIMED:
        default:
          break;
        }
    }

  sy_response_cache_get_limits (cache, sy_gateway_get_settings (gateway), &limits);
  if (!limits.enabled)
    sy_response_cache_clear (cache);
  else if (header_is_true (in, "X-Switchyard-No-Cache") ||
           header_is_true (in, "X-OmniRoute-No-Cache"))
    soup_message_headers_replace (out, "X-Switchyard-Cache", "bypass");
  else if (temperature_is_zero (call->dialect, data, len))
    {
      g_autoptr(SyStoredAnswer) entry = NULL;
      g_autoptr(SyStoredAnswer) sent = NULL;
      g_autofree char *request_id = NULL;

      cache_key = request_key ("cache", api_key_id, NULL, call, endpoint, data, len,
                               stream_span.kind == SY_JSON_KIND_BOOLEAN ? &stream_span : NULL);
      entry = sy_response_cache_lookup (cache, &limits, cache_key);
      if (entry != NULL &&
          (sent = reply_from_cache (msg, call->dialect, stream, entry, &request_id)) != NULL)
        {
          if (token != 0)
            sy_idempotency_resolve (idempotency, idempotency_key, token, sent);
          record_usage (gateway, request_id, endpoint, api_key_id, model, PROVIDER_CACHE,
                        soup_message_headers_get_one (sent->headers, "X-Switchyard-Model"),
                        sent->status, stream, start_us, NULL);
          return TRUE;
        }
      soup_message_headers_replace (out, "X-Switchyard-Cache", "miss");
    }

  if (cache_key == NULL && token == 0)
    return FALSE;
  capture.stream = stream;
  capture.cache = cache_key ? cache : NULL;
  capture.cache_key = cache_key;
  capture.cache_limits = limits;
  capture.idempotency = token ? idempotency : NULL;
  capture.idempotency_key = idempotency_key;
  capture.token = token;
  sy_response_capture_attach (msg, &capture);
  return FALSE;
}

JsonNode *
sy_response_reuse_to_json (SyGateway *gateway)
{
  SyResponseCache *cache = sy_gateway_get_response_cache (gateway);
  SyCacheLimits limits;
  JsonNode *node;

  sy_response_cache_get_limits (cache, sy_gateway_get_settings (gateway), &limits);
  node = sy_response_cache_to_json (cache, &limits);
  json_object_set_member (json_node_get_object (node), "idempotency",
                          sy_idempotency_to_json (sy_gateway_get_idempotency (gateway)));
  return node;
}

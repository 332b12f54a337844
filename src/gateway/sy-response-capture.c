/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One capture per request that may be stored, kept as data on its SoupServerMessage so the
 * relay needs no field for it. Stream bytes are kept up to MAX_CAPTURE; past that the answer
 * is not stored. Whether an answer is whole is judged by decoding it in the client's dialect,
 * the same decoder that assembles streams for JSON clients: an error event or a missing end
 * fails it. Runs on the main thread, inside the relay's calls and the message's signals.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-response-capture.h"

#include "translate/sy-codec.h"
#include "translate/sy-stream-translator.h"

#define MAX_CAPTURE (16 * 1024 * 1024)

typedef struct
{
  SoupServerMessage *msg;        /* unowned: the capture lives in its data */
  SyDialect          dialect;
  gboolean           stream;
  SyResponseCache   *cache;
  char              *cache_key;
  SyCacheLimits      cache_limits;
  SyIdempotency     *idempotency;
  char              *idempotency_key;
  guint64            token;
  GByteArray        *bytes;      /* stream bytes so far */
  gboolean           overflow;
  gboolean           done;
} Capture;

static GQuark
capture_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("sy-response-capture");
  return quark;
}

static Capture *
get_capture (SoupServerMessage *msg)
{
  return g_object_get_qdata (G_OBJECT (msg), capture_quark ());
}

/* The answer will not be stored: duplicates waiting for it run on their own. */
static void
give_up (Capture *c)
{
  if (c->done)
    return;
  c->done = TRUE;
  g_clear_pointer (&c->bytes, g_byte_array_unref);
  if (c->idempotency != NULL)
    sy_idempotency_abandon (c->idempotency, c->idempotency_key, c->token);
}

static void
capture_free (gpointer data)
{
  Capture *c = data;

  give_up (c);
  g_clear_object (&c->cache);
  g_clear_object (&c->idempotency);
  g_free (c->cache_key);
  g_free (c->idempotency_key);
  g_free (c);
}

static void
msg_over_cb (SoupServerMessage *msg,
             gpointer           user_data)
{
  give_up (user_data);
}

void
sy_response_capture_attach (SoupServerMessage           *msg,
                            const SyResponseCaptureInit *init)
{
  Capture *c;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (init != NULL && get_capture (msg) == NULL);

  c = g_new0 (Capture, 1);
  c->msg = msg;
  c->dialect = init->dialect;
  c->stream = init->stream;
  if (init->cache != NULL && init->cache_key != NULL)
    {
      c->cache = g_object_ref (init->cache);
      c->cache_key = g_strdup (init->cache_key);
      c->cache_limits = init->cache_limits;
    }
  if (init->idempotency != NULL && init->idempotency_key != NULL)
    {
      c->idempotency = g_object_ref (init->idempotency);
      c->idempotency_key = g_strdup (init->idempotency_key);
      c->token = init->token;
    }
  /* Signal handlers go before the data when the message is disposed: no disconnect needed. */
  g_signal_connect (msg, "finished", G_CALLBACK (msg_over_cb), c);
  g_signal_connect (msg, "disconnected", G_CALLBACK (msg_over_cb), c);
  g_object_set_qdata_full (G_OBJECT (msg), capture_quark (), c, capture_free);
}

void
sy_response_capture_add (SoupServerMessage *msg,
                         const char        *data,
                         gsize              len)
{
  Capture *c = get_capture (msg);

  if (c == NULL || c->done || c->overflow)
    return;
  if (c->bytes == NULL)
    c->bytes = g_byte_array_new ();
  if (c->bytes->len + len > MAX_CAPTURE)
    {
      c->overflow = TRUE;
      g_clear_pointer (&c->bytes, g_byte_array_unref);
      return;
    }
  g_byte_array_append (c->bytes, (const guint8 *) data, len);
}

/* The stream decoded in the client's dialect; NULL unless it is a whole answer. */
static SyChatResponse *
assemble (SyDialect  dialect,
          GBytes    *bytes)
{
  g_autoptr(SyStreamTranslator) assembler = sy_stream_translator_new_assembler (dialect);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  if (!sy_stream_translator_push (assembler, data, len, NULL, NULL))
    return NULL;
  sy_stream_translator_finish (assembler, NULL);
  return sy_stream_translator_steal_response (assembler, NULL);
}

/* The answer as the cache keeps it: JSON in the client's dialect, whatever shape it went out
 * in, so it can be given to a JSON client as is and replayed to a streaming one. */
static GBytes *
dup_cacheable_json (Capture        *c,
                    GBytes         *bytes,
                    SyChatResponse *assembled)
{
  const SyCodec *codec = sy_codec_get (c->dialect);
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(SyChatResponse) parsed = NULL;
  gsize len;
  const char *data;

  if (assembled != NULL)
    {
      notes = g_ptr_array_new_with_free_func (g_free);
      if (assembled->model == NULL)
        assembled->model = g_strdup (soup_message_headers_get_one (
          soup_server_message_get_response_headers (c->msg), "X-Switchyard-Model"));
      return codec->emit_response (assembled, notes);
    }
  data = g_bytes_get_data (bytes, &len);
  parsed = codec->parse_response (data, len, NULL);
  return parsed != NULL ? g_bytes_ref (bytes) : NULL;
}

static void
store (Capture    *c,
       guint       status,
       const char *content_type,
       GBytes     *bytes,
       gboolean    sse)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (c->msg);
  g_autoptr(SyChatResponse) assembled = NULL;

  if (c->done)
    return;
  if (sse)
    assembled = assemble (c->dialect, bytes);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status) || (sse && assembled == NULL))
    {
      give_up (c);
      return;
    }
  c->done = TRUE;
  g_clear_pointer (&c->bytes, g_byte_array_unref);

  if (c->idempotency != NULL)
    {
      g_autoptr(SyStoredAnswer) answer = sy_stored_answer_new (status, content_type, bytes);

      sy_stored_answer_keep_headers (answer, headers, TRUE);
      sy_idempotency_resolve (c->idempotency, c->idempotency_key, c->token, answer);
    }
  if (c->cache != NULL)
    {
      g_autoptr(GBytes) json = dup_cacheable_json (c, bytes, assembled);
      g_autoptr(SyStoredAnswer) answer = NULL;

      if (json == NULL)
        return;
      answer = sy_stored_answer_new (status, "application/json", json);
      sy_stored_answer_keep_headers (answer, headers, FALSE);
      sy_response_cache_store (c->cache, &c->cache_limits, c->cache_key, answer);
    }
}

void
sy_response_capture_end (SoupServerMessage *msg,
                         guint              status)
{
  Capture *c = get_capture (msg);
  g_autoptr(GBytes) bytes = NULL;

  if (c == NULL || c->done)
    return;
  if (c->overflow || c->bytes == NULL)
    {
      give_up (c);
      return;
    }
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&c->bytes));
  store (c, status, "text/event-stream", bytes, TRUE);
}

void
sy_response_capture_whole (SoupServerMessage *msg,
                           guint              status,
                           const char        *content_type,
                           const guint8      *data,
                           gsize              len)
{
  Capture *c = get_capture (msg);
  g_autoptr(GBytes) bytes = NULL;

  if (c == NULL || c->done)
    return;
  if (!SOUP_STATUS_IS_SUCCESSFUL (status) || len > MAX_CAPTURE)
    {
      give_up (c);
      return;
    }
  bytes = g_bytes_new (data, len);
  store (c, status, content_type, bytes,
         g_strcmp0 (content_type, "text/event-stream") == 0);
}

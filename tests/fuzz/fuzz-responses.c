/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for the OpenAI Responses codec: the input is tried as a request body, a
 * response body, an error body and an event stream (fed in chunks whose size the first byte
 * picks). Whatever parses is emitted again, and what this codec emits must parse back: a
 * request, a response, and the stream its encoder writes.
 */
#include <stdint.h>
#include <string.h>

#include "translate/sy-codec.h"

typedef struct
{
  SyStreamDecoder *decoder;
  SyStreamEncoder *encoder;
  GString         *out;
  GError          *error;
} Run;

static void
event_cb (const SyStreamEvent *event,
          gpointer             user_data)
{
  Run *run = user_data;

  if (run->encoder != NULL)
    sy_stream_encoder_encode (run->encoder, event, run->out);
}

static void
sse_cb (const SySseEvent *event,
        gpointer          user_data)
{
  Run *run = user_data;

  if (run->error == NULL)
    sy_stream_decoder_push (run->decoder, event, event_cb, run, &run->error);
}

/* Decodes data as a Responses stream; with encode, re-encodes it as a Responses stream. */
static char *
run_stream (const char *data,
            gsize       len,
            gsize       chunk,
            gboolean    encode,
            gboolean   *ok)
{
  Run run = { sy_responses_codec.new_decoder (),
              encode ? sy_responses_codec.new_encoder () : NULL,
              g_string_new (NULL), NULL };
  SySseParser *parser = sy_sse_parser_new (1024 * 1024, sse_cb, &run);
  gboolean pushed = TRUE;

  if (run.encoder != NULL)
    sy_stream_encoder_set_model (run.encoder, "fuzz-model");
  for (gsize off = 0; off < len && pushed; off += chunk)
    pushed = sy_sse_parser_push (parser, data + off, MIN (chunk, len - off), NULL);
  if (pushed)
    sy_sse_parser_finish (parser);
  if (run.error == NULL)
    sy_stream_decoder_finish (run.decoder, event_cb, &run);
  *ok = pushed && run.error == NULL;
  g_clear_error (&run.error);
  g_object_unref (parser);
  g_object_unref (run.decoder);
  g_clear_object (&run.encoder);
  return g_string_free (run.out, FALSE);
}

static void
fuzz_request (const char *data,
              gsize       len)
{
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SyChatRequest) request = NULL;
  g_autoptr(SyChatRequest) again = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  request = sy_responses_codec.parse_request (data, len, &error);
  if (request == NULL)
    {
      g_assert_nonnull (error);
      return;
    }
  out = sy_responses_codec.emit_request (request, notes, &error);
  g_assert_nonnull (out);
  path = sy_responses_codec.request_path (request);
  g_assert_cmpstr (path, ==, "/responses");
  again = sy_responses_codec.parse_request (g_bytes_get_data (out, NULL), g_bytes_get_size (out),
                                            &error);
  if (again == NULL)
    g_error ("emitted request does not parse back: %s", error->message);
}

static void
fuzz_response (const char *data,
               gsize       len)
{
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SyChatResponse) response = NULL;
  g_autoptr(SyChatResponse) again = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *type = NULL;
  g_autofree char *message = NULL;
  g_autofree char *body = NULL;

  response = sy_responses_codec.parse_response (data, len, &error);
  if (response != NULL)
    {
      out = sy_responses_codec.emit_response (response, notes);
      again = sy_responses_codec.parse_response (g_bytes_get_data (out, NULL),
                                                 g_bytes_get_size (out), &error);
      if (again == NULL)
        g_error ("emitted response does not parse back: %s", error->message);
      g_assert_cmpuint (again->parts->len, ==, response->parts->len);
    }
  if (sy_responses_codec.parse_error (data, len, &type, &message))
    {
      g_assert_nonnull (message);
      body = sy_responses_codec.format_error (502, type, NULL, message);
      g_assert_true (sy_responses_codec.parse_error (body, strlen (body), NULL, NULL));
    }
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;
  g_autofree char *whole = NULL;
  g_autofree char *split = NULL;
  g_autofree char *reencoded = NULL;
  gboolean ok_whole, ok_split, ok_again;

  fuzz_request (text, size);
  fuzz_response (text, size);

  if (size < 1)
    return 0;
  whole = run_stream (text + 1, size - 1, size, TRUE, &ok_whole);
  split = run_stream (text + 1, size - 1, 1 + data[0] % 23, TRUE, &ok_split);
  if (ok_whole != ok_split || (ok_whole && strcmp (whole, split) != 0))
    g_error ("the stream translates differently when split");
  /* what the encoder wrote is a Responses stream this decoder reads without error */
  reencoded = run_stream (whole, strlen (whole), strlen (whole) + 1, FALSE, &ok_again);
  if (ok_whole && !ok_again)
    g_error ("the encoder's stream does not decode:\n%s", whole);
  return 0;
}

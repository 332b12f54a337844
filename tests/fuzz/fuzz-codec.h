/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The codec round trips the Gemini-family fuzz targets share (fuzz-gemini.c, fuzz-gemini-cli.c):
 * any bytes as a request, a response, an error body and an SSE stream; whatever parses is
 * emitted again and read back, streams re-encoded in the codec's own dialect. Included by each
 * target (run-fuzzers.sh builds every fuzz-*.c on its own).
 */
#pragma once

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

static void
fuzz_request (const SyCodec *codec,
              const char    *data,
              size_t         size)
{
  g_autoptr(SyChatRequest) request = codec->parse_request (data, size, NULL);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *path = NULL;

  if (request == NULL)
    return;
  if (request->model == NULL)
    request->model = g_strdup ("gemini-3-pro-preview");
  request->stream = size % 2;
  path = codec->request_path (request);
  body = codec->emit_request (request, notes, NULL);
  if (body != NULL)
    {
      g_autoptr(SyChatRequest) again = codec->parse_request (g_bytes_get_data (body, NULL),
                                                             g_bytes_get_size (body), NULL);
      (void) again;
    }
}

static void
fuzz_response (const SyCodec *codec,
               const char    *data,
               size_t         size)
{
  g_autoptr(SyChatResponse) response = codec->parse_response (data, size, NULL);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SyChatResponse) again = NULL;

  if (response == NULL)
    return;
  body = codec->emit_response (response, notes);
  again = codec->parse_response (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
}

static void
fuzz_error (const SyCodec *codec,
            const char    *data,
            size_t         size)
{
  g_autofree char *type = NULL;
  g_autofree char *message = NULL;

  if (codec->parse_error (data, size, &type, &message))
    {
      g_autofree char *body = codec->format_error (size % 600, type, NULL, message);
      g_autofree char *type2 = NULL;
      g_autofree char *message2 = NULL;

      g_assert_true (codec->parse_error (body, strlen (body), &type2, &message2));
    }
}

/* The stream, read in chunks of chunk bytes (0: at once). */
static void
fuzz_stream (const SyCodec *codec,
             const char    *data,
             size_t         size,
             size_t         chunk)
{
  Run run = { codec->new_decoder (), codec->new_encoder (), g_string_new (NULL), NULL };
  SySseParser *parser = sy_sse_parser_new (1 << 20, sse_cb, &run);
  gboolean ok = TRUE;

  sy_stream_encoder_set_model (run.encoder, "gemini-2.5-flash");
  if (chunk == 0)
    chunk = size ? size : 1;
  for (size_t off = 0; ok && off < size; off += chunk)
    ok = sy_sse_parser_push (parser, data + off, MIN (chunk, size - off), NULL);
  if (ok)
    sy_sse_parser_finish (parser);
  if (ok && run.error == NULL)
    sy_stream_decoder_finish (run.decoder, event_cb, &run);
  g_clear_error (&run.error);
  g_object_unref (parser);
  g_object_unref (run.decoder);
  g_object_unref (run.encoder);
  g_string_free (run.out, TRUE);
}

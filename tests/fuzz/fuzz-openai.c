/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for the OpenAI Chat Completions codec: any bytes go through parse_request,
 * parse_response, parse_error and (through SySseParser) the stream decoder and encoder; what
 * parses is emitted again and must parse again. Owns no state between inputs.
 */
#define G_LOG_DOMAIN "sy-fuzz"

#include <stdint.h>
#include <string.h>

#include "translate/sy-codec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

typedef struct
{
  SyStreamDecoder *decoder;
  SyStreamEncoder *encoder;
  GString         *out;
  GError          *error;
} StreamRun;

static void
event_cb (const SyStreamEvent *event,
          gpointer             user_data)
{
  StreamRun *run = user_data;

  sy_stream_encoder_encode (run->encoder, event, run->out);
}

static void
sse_cb (const SySseEvent *event,
        gpointer          user_data)
{
  StreamRun *run = user_data;

  if (run->error == NULL)
    sy_stream_decoder_push (run->decoder, event, event_cb, run, &run->error);
}

/* The encoder's own output must read back through the decoder without an error. */
static void
reparse_stream (const char *text)
{
  StreamRun run = { sy_openai_codec.new_decoder (), sy_openai_codec.new_encoder (),
                    g_string_new (NULL), NULL };
  SySseParser *parser = sy_sse_parser_new (0, sse_cb, &run);

  g_assert_true (sy_sse_parser_push (parser, text, strlen (text), NULL));
  sy_sse_parser_finish (parser);
  if (run.error != NULL)
    g_error ("the encoder's output does not decode: %s\n%s", run.error->message, text);
  g_object_unref (parser);
  g_object_unref (run.decoder);
  g_object_unref (run.encoder);
  g_string_free (run.out, TRUE);
}

static void
fuzz_stream (const char *data,
             size_t      size)
{
  StreamRun run = { sy_openai_codec.new_decoder (), sy_openai_codec.new_encoder (),
                    g_string_new (NULL), NULL };
  SySseParser *parser = sy_sse_parser_new (1 << 20, sse_cb, &run);
  size_t half = size / 2;

  sy_stream_encoder_set_model (run.encoder, "fuzz-model");
  /* Two reads, split in the middle: state must survive a boundary anywhere. */
  if (sy_sse_parser_push (parser, data, half, NULL)
      && sy_sse_parser_push (parser, data + half, size - half, NULL))
    {
      sy_sse_parser_finish (parser);
      if (run.error == NULL)
        sy_stream_decoder_finish (run.decoder, event_cb, &run);
    }
  if (run.error == NULL)
    reparse_stream (run.out->str);
  g_clear_error (&run.error);
  g_object_unref (parser);
  g_object_unref (run.decoder);
  g_object_unref (run.encoder);
  g_string_free (run.out, TRUE);
}

static void
fuzz_request (const char *data,
              size_t      size)
{
  g_autoptr(SyChatRequest) request = sy_openai_codec.parse_request (data, size, NULL);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(SyChatRequest) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (request == NULL)
    return;
  if (request->model == NULL)
    request->model = g_strdup ("fuzz-model");
  path = sy_openai_codec.request_path (request);
  out = sy_openai_codec.emit_request (request, notes, &error);
  g_assert_no_error (error);
  again = sy_openai_codec.parse_request (g_bytes_get_data (out, NULL), g_bytes_get_size (out),
                                         &error);
  if (again == NULL)
    g_error ("emitted request does not parse: %s\n%.*s", error->message,
             (int) g_bytes_get_size (out), (const char *) g_bytes_get_data (out, NULL));
}

static void
fuzz_response (const char *data,
               size_t      size)
{
  g_autoptr(SyChatResponse) response = sy_openai_codec.parse_response (data, size, NULL);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(SyChatResponse) again = NULL;
  g_autoptr(GError) error = NULL;

  if (response == NULL)
    return;
  out = sy_openai_codec.emit_response (response, notes);
  again = sy_openai_codec.parse_response (g_bytes_get_data (out, NULL), g_bytes_get_size (out),
                                          &error);
  if (again == NULL)
    g_error ("emitted response does not parse: %s\n%.*s", error->message,
             (int) g_bytes_get_size (out), (const char *) g_bytes_get_data (out, NULL));
}

static void
fuzz_error (const char *data,
            size_t      size)
{
  g_autofree char *type = NULL;
  g_autofree char *message = NULL;

  if (sy_openai_codec.parse_error (data, size, &type, &message))
    {
      g_autofree char *body = sy_openai_codec.format_error (502, type, NULL, message);
      g_autofree char *type2 = NULL;
      g_autofree char *message2 = NULL;

      g_assert_true (sy_openai_codec.parse_error (body, strlen (body), &type2, &message2));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;

  fuzz_request (text, size);
  fuzz_response (text, size);
  fuzz_error (text, size);
  fuzz_stream (text, size);
  return 0;
}

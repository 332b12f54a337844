/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for the Anthropic Messages codec: any bytes go to parse_request,
 * parse_response, parse_error and (through SySseParser, whole and split) the stream decoder
 * feeding the stream encoder; whatever parses is written back out, and what is written must
 * be valid JSON (or SSE whose data is JSON) and must parse again. Crashes, leaks, criticals
 * and invalid output abort.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sy-json-scan.h"
#include "translate/sy-codec.h"

#define MAX_DEPTH 256

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_json (const char *what,
            const char *text,
            gsize       len)
{
  g_autoptr(GError) error = NULL;

  if (!sy_json_check_object (text, len, MAX_DEPTH, &error))
    {
      fprintf (stderr, "%s wrote invalid JSON (%s):\n%.*s\n", what, error->message, (int) len,
               text);
      abort ();
    }
}

static void
fuzz_request (const SyCodec *codec,
              const char    *data,
              gsize          len)
{
  g_autoptr(SyChatRequest) request = codec->parse_request (data, len, NULL);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(SyChatRequest) again = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  gsize out_len;
  const char *out_data;

  if (request == NULL)
    return;
  path = codec->request_path (request);
  out = codec->emit_request (request, notes, NULL);
  if (out == NULL)
    return;
  out_data = g_bytes_get_data (out, &out_len);
  check_json ("emit_request", out_data, out_len);

  /* What we send must be something we would accept. */
  again = codec->parse_request (out_data, out_len, &error);
  if (again == NULL)
    {
      fprintf (stderr, "emit_request output does not parse again: %s\n%.*s\n", error->message,
               (int) out_len, out_data);
      abort ();
    }
}

static void
fuzz_response (const SyCodec *codec,
               const char    *data,
               gsize          len)
{
  g_autoptr(SyChatResponse) response = codec->parse_response (data, len, NULL);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(SyChatResponse) again = NULL;
  g_autoptr(GError) error = NULL;
  gsize out_len;
  const char *out_data;

  if (response == NULL)
    return;
  out = codec->emit_response (response, notes);
  out_data = g_bytes_get_data (out, &out_len);
  check_json ("emit_response", out_data, out_len);
  again = codec->parse_response (out_data, out_len, &error);
  if (again == NULL)
    {
      fprintf (stderr, "emit_response output does not parse again: %s\n%.*s\n",
               error->message, (int) out_len, out_data);
      abort ();
    }
}

static void
fuzz_error (const SyCodec *codec,
            const char    *data,
            gsize          len)
{
  g_autofree char *type = NULL;
  g_autofree char *message = NULL;
  g_autofree char *formatted = NULL;

  if (!codec->parse_error (data, len, &type, &message))
    return;
  formatted = codec->format_error (len % 600, type, NULL, message);
  check_json ("format_error", formatted, strlen (formatted));
}

typedef struct
{
  SyStreamDecoder *decoder;
  SyStreamEncoder *encoder;
  GString         *out;
  gboolean         failed;
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

  if (!run->failed && !sy_stream_decoder_push (run->decoder, event, event_cb, run, NULL))
    run->failed = TRUE;
}

static void
output_event_cb (const SySseEvent *event,
                 gpointer          user_data)
{
  if (event->event == NULL)
    {
      fprintf (stderr, "stream encoder wrote an event without a name\n");
      abort ();
    }
  check_json ("stream encoder", event->data, event->data_len);
}

static char *
translate_stream (const SyCodec *codec,
                  const char    *data,
                  gsize          len,
                  gsize          split)
{
  Run run = { codec->new_decoder (), codec->new_encoder (), g_string_new (NULL), FALSE };
  g_autoptr(SySseParser) parser = sy_sse_parser_new (1 << 20, sse_cb, &run);
  gboolean ok;

  sy_stream_encoder_set_model (run.encoder, "fuzz-model");
  ok = sy_sse_parser_push (parser, data, split, NULL) &&
       sy_sse_parser_push (parser, data + split, len - split, NULL);
  if (ok)
    sy_sse_parser_finish (parser);
  if (ok && !run.failed)
    sy_stream_decoder_finish (run.decoder, event_cb, &run);
  g_object_unref (run.decoder);
  g_object_unref (run.encoder);
  return g_string_free (run.out, FALSE);
}

static void
fuzz_stream (const SyCodec *codec,
             const char    *data,
             gsize          len)
{
  g_autofree char *whole = translate_stream (codec, data, len, 0);
  g_autofree char *split = translate_stream (codec, data, len, len / 2);
  g_autoptr(SySseParser) check = sy_sse_parser_new (0, output_event_cb, NULL);

  if (!sy_sse_parser_push (check, whole, strlen (whole), NULL))
    abort ();
  sy_sse_parser_finish (check);
  if (strcmp (whole, split) != 0)
    {
      fprintf (stderr, "stream output depends on how the input is split:\n%s\n---\n%s\n",
               whole, split);
      abort ();
    }
}

/* The encoder must write a valid stream for any event sequence, even one a buggy decoder
 * of another dialect might send: each 4 bytes are one event. */
static void
fuzz_encoder_events (const SyCodec *codec,
                     const uint8_t *data,
                     gsize          len)
{
  static const char *texts[] = { "", "hi", "{\"a\":", "1}", "sig", "\"\\\n\x01", "x" };
  g_autoptr(SyStreamEncoder) encoder = codec->new_encoder ();
  g_autoptr(SySseParser) check = sy_sse_parser_new (0, output_event_cb, NULL);
  g_autoptr(GString) out = g_string_new (NULL);

  for (gsize i = 0; i + 4 <= len; i += 4)
    {
      SyStreamEvent ev;
      const char *text = texts[data[i + 3] % G_N_ELEMENTS (texts)];

      memset (&ev, 0, sizeof ev);
      sy_usage_init (&ev.usage);
      ev.kind = data[i] % (SY_EVENT_DONE + 1);
      ev.index = data[i + 1] % 5;
      ev.part_kind = data[i + 2] % (SY_PART_REDACTED_THINKING + 1);
      ev.text = data[i + 3] & 0x80 ? NULL : text;
      ev.text_len = ev.text ? strlen (ev.text) : 0;
      ev.id = data[i + 2] & 0x40 ? "call:1" : NULL;
      ev.name = data[i + 2] & 0x20 ? "tool" : NULL;
      ev.model = data[i + 1] & 0x40 ? "m" : NULL;
      ev.stop_reason = data[i + 3] % (SY_STOP_REFUSAL + 1);
      ev.stop_sequence = data[i + 1] & 0x80 ? "END" : NULL;
      ev.status = 400 + data[i + 1];
      ev.error_type = data[i + 2] & 0x80 ? "overloaded_error" : "nonsense";
      if (data[i + 1] & 0x20)
        {
          ev.usage.input = data[i + 2];
          ev.usage.output = data[i + 3];
          ev.usage.cache_read = data[i + 3] & 1 ? 300 : SY_UNSET;
        }
      sy_stream_encoder_encode (encoder, &ev, out);
    }
  if (!sy_sse_parser_push (check, out->str, out->len, NULL))
    abort ();
  sy_sse_parser_finish (check);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  /* A critical or warning is a bug whatever the input. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const SyCodec *codec = &sy_anthropic_codec;
  const char *text = (const char *) data;

  fuzz_request (codec, text, size);
  fuzz_response (codec, text, size);
  fuzz_error (codec, text, size);
  fuzz_stream (codec, text, size);
  fuzz_encoder_events (codec, data, size);
  return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Cloud Code stream: every "data:" event is a Gemini stream chunk inside "response". The
 * envelope comes off here and the chunk goes to a gemini stream decoder, which keeps all the
 * state (parts, usage, the end). An event without a "response" object (Google's error object,
 * a bare chunk, something malformed) goes to it as it is, to be read or reported in its words.
 * Pure; safe on untrusted input.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-gemini-cli-stream-decoder.h"

#include "sy-gemini-cli.h"
#include "translate/gemini/sy-gemini-stream-decoder.h"

struct _SyGeminiCliStreamDecoder
{
  SyStreamDecoder  parent_instance;

  SyStreamDecoder *inner;
};

G_DEFINE_FINAL_TYPE (SyGeminiCliStreamDecoder, sy_gemini_cli_stream_decoder,
                     SY_TYPE_STREAM_DECODER)

static gboolean
sy_gemini_cli_stream_decoder_push (SyStreamDecoder    *decoder,
                                   const SySseEvent   *event,
                                   SyStreamEventFunc   func,
                                   gpointer            user_data,
                                   GError            **error)
{
  SyGeminiCliStreamDecoder *self = SY_GEMINI_CLI_STREAM_DECODER (decoder);
  g_autofree char *chunk = NULL;
  SySseEvent unwrapped;
  const char *inner;
  gsize inner_len;

  if (!sy_gemini_cli_unwrap (event->data, event->data_len, "response", &inner, &inner_len))
    return sy_stream_decoder_push (self->inner, event, func, user_data, error);
  /* the decoders read NUL-terminated data */
  chunk = g_strndup (inner, inner_len);
  unwrapped = *event;
  unwrapped.data = chunk;
  unwrapped.data_len = inner_len;
  return sy_stream_decoder_push (self->inner, &unwrapped, func, user_data, error);
}

static void
sy_gemini_cli_stream_decoder_finish (SyStreamDecoder   *decoder,
                                     SyStreamEventFunc  func,
                                     gpointer           user_data)
{
  SyGeminiCliStreamDecoder *self = SY_GEMINI_CLI_STREAM_DECODER (decoder);

  sy_stream_decoder_finish (self->inner, func, user_data);
}

static void
sy_gemini_cli_stream_decoder_dispose (GObject *object)
{
  SyGeminiCliStreamDecoder *self = SY_GEMINI_CLI_STREAM_DECODER (object);

  g_clear_object (&self->inner);
  G_OBJECT_CLASS (sy_gemini_cli_stream_decoder_parent_class)->dispose (object);
}

static void
sy_gemini_cli_stream_decoder_class_init (SyGeminiCliStreamDecoderClass *klass)
{
  SyStreamDecoderClass *decoder_class = SY_STREAM_DECODER_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = sy_gemini_cli_stream_decoder_dispose;
  decoder_class->push = sy_gemini_cli_stream_decoder_push;
  decoder_class->finish = sy_gemini_cli_stream_decoder_finish;
}

static void
sy_gemini_cli_stream_decoder_init (SyGeminiCliStreamDecoder *self)
{
  self->inner = sy_gemini_stream_decoder_new ();
}

SyStreamDecoder *
sy_gemini_cli_stream_decoder_new (void)
{
  return g_object_new (SY_TYPE_GEMINI_CLI_STREAM_DECODER, NULL);
}

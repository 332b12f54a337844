/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Glue of the streaming translation path, with no knowledge of any dialect: the codecs supply
 * the framing, the decoder and the encoder. The upstream's bytes go through one framing step,
 * an SSE parser or an AWS event-stream decoder as the source codec says, and either way reach
 * the decoder as SySseEvents. Usage is captured from USAGE and FINISH events on the way
 * through.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-stream-translator.h"
#include "sy-response-assembler.h"
#include "kiro/sy-aws-event-stream.h"

#include <string.h>

#define MAX_EVENT_BYTES (16 * 1024 * 1024)

struct _SyStreamTranslator
{
  GObject          parent_instance;
  SySseParser     *parser;     /* SSE framing, or */
  SyAwsEventStream *frames;    /* AWS event-stream framing */
  SyStreamDecoder *decoder;
  SyStreamEncoder *encoder;    /* NULL when assembling */
  SyResponseAssembler *assembler;  /* assembling only */
  GString         *out;       /* borrowed during push/finish */
  GError          *error;     /* first decode error */
  SyUsage          usage;
  gboolean         over;
};

G_DEFINE_FINAL_TYPE (SyStreamTranslator, sy_stream_translator, G_TYPE_OBJECT)

static void
sy_stream_translator_dispose (GObject *object)
{
  SyStreamTranslator *self = SY_STREAM_TRANSLATOR (object);

  g_clear_object (&self->parser);
  g_clear_object (&self->frames);
  g_clear_object (&self->decoder);
  g_clear_object (&self->encoder);
  g_clear_object (&self->assembler);
  G_OBJECT_CLASS (sy_stream_translator_parent_class)->dispose (object);
}

static void
sy_stream_translator_finalize (GObject *object)
{
  SyStreamTranslator *self = SY_STREAM_TRANSLATOR (object);

  g_clear_error (&self->error);
  G_OBJECT_CLASS (sy_stream_translator_parent_class)->finalize (object);
}

static void
sy_stream_translator_class_init (SyStreamTranslatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_stream_translator_dispose;
  object_class->finalize = sy_stream_translator_finalize;
}

static void
sy_stream_translator_init (SyStreamTranslator *self)
{
  sy_usage_init (&self->usage);
}

void
sy_stream_translator_add_event (const SyStreamEvent *event,
                                gpointer             translator)
{
  SyStreamTranslator *self = translator;

  if (self->over)
    return;
  if (event->kind == SY_EVENT_USAGE || event->kind == SY_EVENT_FINISH)
    sy_usage_merge (&self->usage, &event->usage);
  if (event->kind == SY_EVENT_DONE || event->kind == SY_EVENT_ERROR)
    self->over = TRUE;
  if (self->encoder != NULL && self->out != NULL)
    sy_stream_encoder_encode (self->encoder, event, self->out);
  if (self->assembler != NULL)
    sy_response_assembler_add (event, self->assembler);
}

static void
sse_event_cb (const SySseEvent *event,
              gpointer          user_data)
{
  SyStreamTranslator *self = user_data;

  if (self->error != NULL || self->over)
    return;
  sy_stream_decoder_push (self->decoder, event, sy_stream_translator_add_event, self,
                          &self->error);
}

static void
frame_cb (const SyAwsEventStreamMessage *message,
          gpointer                       user_data)
{
  SySseEvent event;

  sy_aws_event_stream_message_as_sse (message, &event);
  sse_event_cb (&event, user_data);
}

static SyStreamTranslator *
new_decoding (SyDialect from)
{
  SyStreamTranslator *self = g_object_new (SY_TYPE_STREAM_TRANSLATOR, NULL);
  const SyCodec *codec = sy_codec_get (from);

  if (codec->stream_framing == SY_FRAMING_AWS_EVENT_STREAM)
    self->frames = sy_aws_event_stream_new (MAX_EVENT_BYTES, frame_cb, self);
  else
    self->parser = sy_sse_parser_new (MAX_EVENT_BYTES, sse_event_cb, self);
  self->decoder = codec->new_decoder ();
  return self;
}

/* The framing step: bytes in, SySseEvents out to sse_event_cb. */
static gboolean
push_framing (SyStreamTranslator  *self,
              const char          *data,
              gsize                len,
              GError             **error)
{
  if (self->frames != NULL)
    return sy_aws_event_stream_push (self->frames, data, len, error);
  if (!sy_sse_parser_push (self->parser, data, len, error))
    {
      g_prefix_error (error, "upstream stream: ");
      return FALSE;
    }
  return TRUE;
}

/* The end of the bytes; fails if they stopped inside a frame. */
static gboolean
finish_framing (SyStreamTranslator  *self,
                GError             **error)
{
  if (self->frames != NULL)
    return sy_aws_event_stream_finish (self->frames, error);
  sy_sse_parser_finish (self->parser);
  return TRUE;
}

SyStreamTranslator *
sy_stream_translator_new_assembler (SyDialect from)
{
  SyStreamTranslator *self = new_decoding (from);

  self->assembler = sy_response_assembler_new ();
  return self;
}

SyChatResponse *
sy_stream_translator_steal_response (SyStreamTranslator  *self,
                                     GError             **error)
{
  g_return_val_if_fail (SY_IS_STREAM_TRANSLATOR (self), NULL);
  g_return_val_if_fail (self->assembler != NULL, NULL);

  if (!sy_response_assembler_is_done (self->assembler, error))
    return NULL;
  return sy_response_assembler_steal (self->assembler);
}

SyStreamTranslator *
sy_stream_translator_new (SyDialect   from,
                          SyDialect   to,
                          const char *model)
{
  SyStreamTranslator *self = new_decoding (from);

  self->encoder = sy_codec_get (to)->new_encoder ();
  sy_stream_encoder_set_model (self->encoder, model);
  return self;
}

void
sy_stream_translator_set_output (SyStreamTranslator *self,
                                 GString            *out)
{
  self->out = out;
}

gboolean
sy_stream_translator_push (SyStreamTranslator  *self,
                           const char          *data,
                           gsize                len,
                           GString             *out,
                           GError             **error)
{
  g_return_val_if_fail (SY_IS_STREAM_TRANSLATOR (self), FALSE);

  self->out = out;
  if (self->error == NULL)
    {
      g_autoptr(GError) local = NULL;

      /* A decode error raised inside the framing's callback comes first. */
      if (!push_framing (self, data, len, &local) && self->error == NULL)
        self->error = g_steal_pointer (&local);
    }
  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }
  return TRUE;
}

void
sy_stream_translator_fail (SyStreamTranslator *self,
                           guint               status,
                           const char         *type,
                           const char         *message,
                           GString            *out)
{
  SyStreamEvent ev = { 0 };

  g_return_if_fail (SY_IS_STREAM_TRANSLATOR (self));

  sy_usage_init (&ev.usage);
  ev.kind = SY_EVENT_ERROR;
  ev.status = status;
  ev.error_type = type;
  ev.text = message;
  ev.text_len = strlen (message);
  self->out = out;
  sy_stream_translator_add_event (&ev, self);
}

void
sy_stream_translator_finish (SyStreamTranslator *self,
                             GString            *out)
{
  g_return_if_fail (SY_IS_STREAM_TRANSLATOR (self));

  self->out = out;
  if (self->error == NULL && !self->over)
    {
      g_autoptr(GError) local = NULL;

      if (!finish_framing (self, &local) && self->error == NULL)
        self->error = g_steal_pointer (&local);
      if (self->error == NULL && !self->over)
        sy_stream_decoder_finish (self->decoder, sy_stream_translator_add_event, self);
    }
  if (!self->over)
    sy_stream_translator_fail (self, 502, "api_error",
                               self->error ? self->error->message
                                           : "the upstream stream ended before it was complete",
                               out);
}

void
sy_stream_translator_ping (SyStreamTranslator *self,
                           GString            *out)
{
  SyStreamEvent ev = { 0 };

  sy_usage_init (&ev.usage);
  ev.kind = SY_EVENT_PING;
  self->out = out;
  sy_stream_translator_add_event (&ev, self);
}

const SyUsage *
sy_stream_translator_get_usage (SyStreamTranslator *self)
{
  return &self->usage;
}

gboolean
sy_stream_translator_is_over (SyStreamTranslator *self)
{
  return self->over;
}

GPtrArray *
sy_stream_translator_get_notes (SyStreamTranslator *self)
{
  return self->encoder ? sy_stream_encoder_get_notes (self->encoder) : NULL;
}

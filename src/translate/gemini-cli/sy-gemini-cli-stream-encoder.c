/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Cloud Code stream events from a gemini stream encoder's output: each "data:" line (one
 * compact Gemini chunk) is put inside {"response": ...}; an error object stays as it is, as
 * Google sends it. Keeps no state but the inner encoder. Pure.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-gemini-cli-stream-encoder.h"

#include <string.h>

#include "translate/gemini/sy-gemini-stream-encoder.h"

struct _SyGeminiCliStreamEncoder
{
  SyStreamEncoder  parent_instance;

  SyStreamEncoder *inner;
  GString         *scratch;
};

G_DEFINE_FINAL_TYPE (SyGeminiCliStreamEncoder, sy_gemini_cli_stream_encoder,
                     SY_TYPE_STREAM_ENCODER)

static void
wrap_line (const char *line,
           gsize       len,
           GString    *out)
{
  static const char data[] = "data: ";
  const gsize prefix = sizeof data - 1;

  if (len > prefix && memcmp (line, data, prefix) == 0 && line[prefix] == '{' &&
      !(len - prefix >= 8 && memcmp (line + prefix, "{\"error\"", 8) == 0))
    {
      g_string_append (out, "data: {\"response\":");
      g_string_append_len (out, line + prefix, (gssize) (len - prefix));
      g_string_append_c (out, '}');
    }
  else
    g_string_append_len (out, line, (gssize) len);
}

static void
sy_gemini_cli_stream_encoder_encode (SyStreamEncoder     *encoder,
                                     const SyStreamEvent *event,
                                     GString             *out)
{
  SyGeminiCliStreamEncoder *self = SY_GEMINI_CLI_STREAM_ENCODER (encoder);
  const char *model = sy_stream_encoder_get_model (encoder);
  GPtrArray *inner_notes = sy_stream_encoder_get_notes (self->inner);
  GPtrArray *notes = sy_stream_encoder_get_notes (encoder);
  const char *p, *end, *nl;

  if (g_strcmp0 (model, sy_stream_encoder_get_model (self->inner)) != 0)
    sy_stream_encoder_set_model (self->inner, model);
  g_string_truncate (self->scratch, 0);
  sy_stream_encoder_encode (self->inner, event, self->scratch);

  p = self->scratch->str;
  end = p + self->scratch->len;
  while (p < end)
    {
      nl = memchr (p, '\n', (gsize) (end - p));
      if (nl == NULL)
        nl = end;
      wrap_line (p, (gsize) (nl - p), out);
      if (nl < end)
        g_string_append_c (out, '\n');
      p = nl + 1;
    }

  /* the inner encoder's notes are this stream's */
  for (guint i = 0; i < inner_notes->len; i++)
    g_ptr_array_add (notes, g_strdup (g_ptr_array_index (inner_notes, i)));
  g_ptr_array_set_size (inner_notes, 0);
}

static void
sy_gemini_cli_stream_encoder_dispose (GObject *object)
{
  SyGeminiCliStreamEncoder *self = SY_GEMINI_CLI_STREAM_ENCODER (object);

  g_clear_object (&self->inner);
  G_OBJECT_CLASS (sy_gemini_cli_stream_encoder_parent_class)->dispose (object);
}

static void
sy_gemini_cli_stream_encoder_finalize (GObject *object)
{
  SyGeminiCliStreamEncoder *self = SY_GEMINI_CLI_STREAM_ENCODER (object);

  g_string_free (self->scratch, TRUE);
  G_OBJECT_CLASS (sy_gemini_cli_stream_encoder_parent_class)->finalize (object);
}

static void
sy_gemini_cli_stream_encoder_class_init (SyGeminiCliStreamEncoderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_gemini_cli_stream_encoder_dispose;
  object_class->finalize = sy_gemini_cli_stream_encoder_finalize;
  SY_STREAM_ENCODER_CLASS (klass)->encode = sy_gemini_cli_stream_encoder_encode;
}

static void
sy_gemini_cli_stream_encoder_init (SyGeminiCliStreamEncoder *self)
{
  self->inner = sy_gemini_stream_encoder_new ();
  self->scratch = g_string_new (NULL);
}

SyStreamEncoder *
sy_gemini_cli_stream_encoder_new (void)
{
  return g_object_new (SY_TYPE_GEMINI_CLI_STREAM_ENCODER, NULL);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The abstract stream encoder: dispatch to the dialect's class, plus the state every dialect
 * shares (the model name to report, notes, whether the stream is over). Pure.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-stream-encoder.h"

typedef struct
{
  char      *model;
  GPtrArray *notes;
  gboolean   over;
} SyStreamEncoderPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (SyStreamEncoder, sy_stream_encoder, G_TYPE_OBJECT)

static void
sy_stream_encoder_finalize (GObject *object)
{
  SyStreamEncoderPrivate *priv = sy_stream_encoder_get_instance_private (SY_STREAM_ENCODER (object));

  g_free (priv->model);
  g_ptr_array_unref (priv->notes);
  G_OBJECT_CLASS (sy_stream_encoder_parent_class)->finalize (object);
}

static void
sy_stream_encoder_class_init (SyStreamEncoderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sy_stream_encoder_finalize;
}

static void
sy_stream_encoder_init (SyStreamEncoder *self)
{
  SyStreamEncoderPrivate *priv = sy_stream_encoder_get_instance_private (self);

  priv->notes = g_ptr_array_new_with_free_func (g_free);
}

void
sy_stream_encoder_encode (SyStreamEncoder     *self,
                          const SyStreamEvent *event,
                          GString             *out)
{
  SyStreamEncoderPrivate *priv = sy_stream_encoder_get_instance_private (self);

  g_return_if_fail (SY_IS_STREAM_ENCODER (self));

  if (priv->over)
    return;
  if (event->kind == SY_EVENT_DONE || event->kind == SY_EVENT_ERROR)
    priv->over = TRUE;
  SY_STREAM_ENCODER_GET_CLASS (self)->encode (self, event, out);
}

void
sy_stream_encoder_set_model (SyStreamEncoder *self,
                             const char      *model)
{
  SyStreamEncoderPrivate *priv = sy_stream_encoder_get_instance_private (self);

  g_return_if_fail (SY_IS_STREAM_ENCODER (self));
  g_free (priv->model);
  priv->model = g_strdup (model);
}

const char *
sy_stream_encoder_get_model (SyStreamEncoder *self)
{
  SyStreamEncoderPrivate *priv = sy_stream_encoder_get_instance_private (self);

  g_return_val_if_fail (SY_IS_STREAM_ENCODER (self), NULL);
  return priv->model;
}

GPtrArray *
sy_stream_encoder_get_notes (SyStreamEncoder *self)
{
  SyStreamEncoderPrivate *priv = sy_stream_encoder_get_instance_private (self);

  g_return_val_if_fail (SY_IS_STREAM_ENCODER (self), NULL);
  return priv->notes;
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The abstract stream decoder: dispatch to the dialect's class. Pure.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-stream-decoder.h"

G_DEFINE_ABSTRACT_TYPE (SyStreamDecoder, sy_stream_decoder, G_TYPE_OBJECT)

static void
sy_stream_decoder_class_init (SyStreamDecoderClass *klass)
{
}

static void
sy_stream_decoder_init (SyStreamDecoder *self)
{
}

gboolean
sy_stream_decoder_push (SyStreamDecoder    *self,
                        const SySseEvent   *event,
                        SyStreamEventFunc   func,
                        gpointer            user_data,
                        GError            **error)
{
  g_return_val_if_fail (SY_IS_STREAM_DECODER (self), FALSE);
  return SY_STREAM_DECODER_GET_CLASS (self)->push (self, event, func, user_data, error);
}

void
sy_stream_decoder_finish (SyStreamDecoder   *self,
                          SyStreamEventFunc  func,
                          gpointer           user_data)
{
  g_return_if_fail (SY_IS_STREAM_DECODER (self));
  SY_STREAM_DECODER_GET_CLASS (self)->finish (self, func, user_data);
}

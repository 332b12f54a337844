/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyStreamDecoder: turns one dialect's server-sent events into SyStreamEvents. Stateful per
 * stream (part numbering, open tool calls); each dialect subclasses it. Pure: no I/O.
 */
#pragma once

#include "sy-chat.h"
#include "sy-sse-parser.h"

G_BEGIN_DECLS

#define SY_TYPE_STREAM_DECODER (sy_stream_decoder_get_type ())
G_DECLARE_DERIVABLE_TYPE (SyStreamDecoder, sy_stream_decoder, SY, STREAM_DECODER, GObject)

struct _SyStreamDecoderClass
{
  GObjectClass parent_class;

  gboolean (*push)   (SyStreamDecoder    *self,
                      const SySseEvent   *event,
                      SyStreamEventFunc   func,
                      gpointer            user_data,
                      GError            **error);
  /* The upstream's bytes ended. Emits what is still owed: the closing events of a stream that
   * ended properly, or an SY_EVENT_ERROR if it was cut off. */
  void     (*finish) (SyStreamDecoder    *self,
                      SyStreamEventFunc   func,
                      gpointer            user_data);
};

/* A malformed event is an error (SY_TRANSLATE_ERROR_INVALID_RESPONSE). An upstream error
 * event is not: it becomes SY_EVENT_ERROR. */
gboolean sy_stream_decoder_push   (SyStreamDecoder    *self,
                                   const SySseEvent   *event,
                                   SyStreamEventFunc   func,
                                   gpointer            user_data,
                                   GError            **error);
void     sy_stream_decoder_finish (SyStreamDecoder    *self,
                                   SyStreamEventFunc   func,
                                   gpointer            user_data);

G_END_DECLS

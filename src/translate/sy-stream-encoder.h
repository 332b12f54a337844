/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyStreamEncoder: writes SyStreamEvents as one dialect's server-sent events, with the exact
 * event grammar that dialect's SDKs expect. Stateful per stream; each dialect subclasses it.
 * Pure: appends text to a GString, no I/O.
 */
#pragma once

#include "sy-chat.h"

G_BEGIN_DECLS

#define SY_TYPE_STREAM_ENCODER (sy_stream_encoder_get_type ())
G_DECLARE_DERIVABLE_TYPE (SyStreamEncoder, sy_stream_encoder, SY, STREAM_ENCODER, GObject)

struct _SyStreamEncoderClass
{
  GObjectClass parent_class;

  void (*encode) (SyStreamEncoder     *self,
                  const SyStreamEvent *event,
                  GString             *out);
};

/* Appends the SSE text for event (possibly nothing, possibly several events) to out. After
 * SY_EVENT_DONE or SY_EVENT_ERROR the stream is over and later events are ignored. */
void sy_stream_encoder_encode (SyStreamEncoder     *self,
                               const SyStreamEvent *event,
                               GString             *out);
/* Sets the model name to report when the upstream's events do not name one. */
void        sy_stream_encoder_set_model (SyStreamEncoder *self,
                                         const char      *model);
const char *sy_stream_encoder_get_model (SyStreamEncoder *self);
/* Notes about what this stream could not carry, for the caller to log. */
GPtrArray  *sy_stream_encoder_get_notes (SyStreamEncoder *self);

G_END_DECLS

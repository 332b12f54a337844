/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internals shared by the two halves of SyAudioRequest: sy-audio-request.c (the attempt loop
 * on the routing state) and sy-audio-reply.c (the answer back to the client). Nothing else
 * includes this.
 */
#pragma once

#include "gateway/sy-audio-exchange.h"
#include "gateway/sy-audio-request.h"
#include "gateway/sy-client-watch.h"
#include "gateway/sy-request-core.h"
#include "translate/sy-chat.h"

G_BEGIN_DECLS

struct _SyAudioRequest
{
  GObject            parent_instance;

  SyAudioRequest    *self_ref;        /* held until the client has its answer */
  SyRequestCore      core;            /* the walk over the plan, the client, the usage row */
  SyAudioUpload     *upload;

  guint              attempt_timer_id;
  gboolean           attempt_timed_out;
  gboolean           total_timed_out;

  SyClientWatch     *watch;           /* notices a client that hangs up while we wait */
};

/* sy-audio-request.c: the request is over for us: its usage row, and the self reference. */
void  _sy_audio_request_finish              (SyAudioRequest      *self);

/* sy-audio-reply.c */
/* The answer, whole, with the route headers; the usage row follows once it is written. */
void  _sy_audio_reply_send                  (SyAudioRequest      *self,
                                             guint                status,
                                             const char          *content_type,
                                             GBytes              *body);
/* An error of the gateway's own, in OpenAI's shape; code also goes to the usage row. */
void  _sy_audio_reply_error                 (SyAudioRequest      *self,
                                             guint                status,
                                             const char          *type,
                                             const char          *code,
                                             const char          *message);
/* The provider's own words from an error answer. */
char *_sy_audio_reply_dup_upstream_message  (const SyAudioResult *result);
/* An upstream error status that ends the request. */
void  _sy_audio_reply_upstream_error        (SyAudioRequest      *self,
                                             const SyAudioResult *result);
/* A transcript, in the shape the client asked for. */
void  _sy_audio_reply_success               (SyAudioRequest      *self,
                                             SyAudioResult       *result);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Which routes can serve which kind of request. Chat goes anywhere the translator reaches;
 * embeddings and image generation only to OpenAI-compatible providers; transcription to those
 * and to the speech providers with a protocol of their own (Deepgram, AssemblyAI), which serve
 * nothing else. Pure: reads routes, no I/O.
 */
#pragma once

#include "routing/sy-route.h"

G_BEGIN_DECLS

typedef enum {
  SY_MEDIA_CHAT,
  SY_MEDIA_EMBEDDINGS,
  SY_MEDIA_IMAGES,
  SY_MEDIA_TRANSCRIPTION,
} SyMediaKind;

typedef enum {
  SY_AUDIO_PROTOCOL_NONE,        /* cannot transcribe */
  SY_AUDIO_PROTOCOL_OPENAI,      /* POST {base}/audio/transcriptions, the form as sent */
  SY_AUDIO_PROTOCOL_DEEPGRAM,    /* POST {base}/v1/listen, the raw audio */
  SY_AUDIO_PROTOCOL_ASSEMBLYAI,  /* upload, create a transcript, poll it */
} SyAudioProtocol;

/* How the route's provider transcribes audio. */
SyAudioProtocol sy_media_target_audio_protocol (const SyRoute *route);
gboolean        sy_media_target_can_serve      (const SyRoute *route,
                                                SyMediaKind    kind);
/* Drops the plan's targets that cannot serve kind. When none is left: FALSE and a
 * SY_ROUTING_ERROR_INVALID_MODEL (a 400) saying why the first one could not. */
gboolean        sy_media_target_filter_plan    (SyRoutePlan   *plan,
                                                SyMediaKind    kind,
                                                GError       **error);
/* "/v1/embeddings" and so on, for messages and the usage log. */
const char     *sy_media_kind_endpoint         (SyMediaKind    kind);

G_END_DECLS

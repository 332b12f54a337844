/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One transcription attempt against one account, in the provider's own protocol: the
 * OpenAI-compatible form forwarded as is (sy-audio-openai.c), Deepgram's listen call
 * (sy-audio-deepgram.c) or AssemblyAI's upload, transcript and poll (sy-audio-assemblyai.c).
 * It answers what the upstream said; routing decisions (failover, cooldowns, breakers) are
 * SyAudioRequest's, never made here.
 */
#pragma once

#include <libsoup/soup.h>

#include "gateway/sy-audio-upload.h"
#include "gateway/sy-media-target.h"
#include "providers/sy-provider-catalog.h"

G_BEGIN_DECLS

#define SY_AUDIO_EXCHANGE_ERROR (sy_audio_exchange_error_quark ())

typedef enum {
  SY_AUDIO_EXCHANGE_ERROR_INVALID_RESPONSE,  /* a 2xx answer that is not what it should be */
  SY_AUDIO_EXCHANGE_ERROR_TOO_LARGE,         /* an answer past SY_AUDIO_MAX_ANSWER bytes */
  SY_AUDIO_EXCHANGE_ERROR_BAD_URL,           /* the account's base URL cannot be used */
} SyAudioExchangeError;

#define SY_AUDIO_MAX_ANSWER (16 * 1024 * 1024)

/* What one attempt needs; the exchange keeps its own copy. */
typedef struct
{
  SoupSession     *session;
  SyAudioProtocol  protocol;
  const char      *base_url;     /* the account's or the provider's */
  SyAuthHeader     auth_header;
  const char      *secret;
  const char      *model;        /* the upstream's model name */
  SyAudioUpload   *upload;
} SyAudioCall;

/* The upstream's answer: any status. On a 2xx, text holds the transcript for the protocols
 * Switchyard maps to {"text"}; the OpenAI-compatible answer is body as the provider wrote it. */
typedef struct
{
  guint               status;
  SoupMessageHeaders *headers;        /* of the answer that decided, NULL if none */
  GBytes             *body;
  char               *content_type;   /* without parameters, NULL if none */
  char               *text;           /* Deepgram, AssemblyAI: the transcript */
  char               *error_message;  /* AssemblyAI: why a transcript failed, in its words */
} SyAudioResult;

GQuark         sy_audio_exchange_error_quark       (void);
void           sy_audio_result_free                (SyAudioResult        *result);

/* Runs the attempt; cancellable ends it (its timeout, the client leaving). */
void           sy_audio_exchange_transcribe_async  (const SyAudioCall    *call,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
/* The upstream's answer, or an error when there was none or it was unusable. */
SyAudioResult *sy_audio_exchange_transcribe_finish (GAsyncResult         *result,
                                                    GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyAudioResult, sy_audio_result_free)

G_END_DECLS

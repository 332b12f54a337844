/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internals shared by the transcription protocols (sy-audio-openai.c, sy-audio-deepgram.c,
 * sy-audio-assemblyai.c) and sy-audio-exchange.c. Nothing else includes this.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "gateway/sy-audio-exchange.h"

G_BEGIN_DECLS

/* A deep copy of a SyAudioCall, owned by a protocol's task. */
typedef struct
{
  SoupSession     *session;
  SyAudioProtocol  protocol;
  char            *base_url;     /* without a trailing slash */
  SyAuthHeader     auth_header;
  char            *secret;
  char            *model;
  SyAudioUpload   *upload;
} SyAudioJob;

void           _sy_audio_job_free          (SyAudioJob         *job);
/* base_url + path (and query) as a message; NULL and an error for an unusable URL. */
SoupMessage   *_sy_audio_job_new_message   (SyAudioJob         *job,
                                            const char         *method,
                                            const char         *path_and_query,
                                            GError            **error);
/* Sends msg and reads its whole answer, at most SY_AUDIO_MAX_ANSWER bytes. */
void           _sy_audio_send_async        (SoupSession        *session,
                                            SoupMessage        *msg,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
SyAudioResult *_sy_audio_send_finish       (GAsyncResult       *result,
                                            GError            **error);
/* The answer's JSON object, or NULL and an INVALID_RESPONSE error naming the provider. */
JsonObject    *_sy_audio_result_dup_object (const SyAudioResult *result,
                                            const char          *provider,
                                            GError             **error);
/* Members of an untrusted object, NULL unless present with that type (borrowed). */
JsonObject    *_sy_audio_json_object       (JsonObject          *object,
                                            const char          *member);
JsonArray     *_sy_audio_json_array        (JsonObject          *object,
                                            const char          *member);
const char    *_sy_audio_json_string       (JsonObject          *object,
                                            const char          *member);
/* The first element of array if it is an object, else NULL (borrowed). */
JsonObject    *_sy_audio_json_first_object (JsonArray           *array);

/* Each protocol: runs job (the task's data) and returns a SyAudioResult or an error. */
void           _sy_audio_openai_start      (GTask              *task);
void           _sy_audio_deepgram_start    (GTask              *task);
void           _sy_audio_assemblyai_start  (GTask              *task);

G_END_DECLS

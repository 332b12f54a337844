/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyAudioUpload: a transcription request as a client sent it to /v1/audio/transcriptions,
 * validated: the multipart form, its audio file (one of the supported formats, by name and
 * content type), the model and the optional language, prompt, response_format and
 * temperature. Immutable and reference counted, so upstream exchanges can hold it. Pure.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define SY_AUDIO_UPLOAD_ERROR (sy_audio_upload_error_quark ())

typedef enum {
  SY_AUDIO_UPLOAD_ERROR_NOT_MULTIPART,       /* 415 */
  SY_AUDIO_UPLOAD_ERROR_INVALID_MULTIPART,   /* 400 invalid_multipart */
  SY_AUDIO_UPLOAD_ERROR_MISSING_FILE,        /* 400 missing_file */
  SY_AUDIO_UPLOAD_ERROR_UNSUPPORTED_FORMAT,  /* 400 unsupported_format */
  SY_AUDIO_UPLOAD_ERROR_MISSING_MODEL,       /* 400 missing_model */
  SY_AUDIO_UPLOAD_ERROR_INVALID_FIELD,       /* 400 invalid_value */
} SyAudioUploadError;

typedef struct
{
  GBytes     *form;               /* the body as received */
  char       *form_content_type;  /* its Content-Type header, boundary included */
  GBytes     *audio;              /* the file's bytes (a slice of form) */
  char       *filename;           /* as sent, may be NULL */
  char       *audio_content_type; /* as sent, or application/octet-stream */
  const char *format;             /* "mp3", "wav", "m4a", "flac", "ogg" or "webm" */
  char       *model;
  gsize       model_start;        /* the model field's value in form */
  gsize       model_end;
  char       *language;           /* NULL when not given */
  char       *prompt;
  char       *response_format;    /* "json" when not given */
  double      temperature;        /* NAN when not given */
} SyAudioUpload;

GQuark         sy_audio_upload_error_quark (void);

/* The formats accepted, for messages: "mp3, wav, m4a, flac, ogg, webm". */
const char    *sy_audio_upload_formats     (void);
SyAudioUpload *sy_audio_upload_new         (SoupMessageHeaders  *request_headers,
                                            GBytes              *body,
                                            GError             **error);
SyAudioUpload *sy_audio_upload_ref         (SyAudioUpload       *self);
void           sy_audio_upload_unref       (SyAudioUpload       *self);
/* The form as received with only the model field's value replaced by model. */
GBytes        *sy_audio_upload_dup_form    (const SyAudioUpload *self,
                                            const char          *model);
/* A text answer ("text", "srt", "vtt") rather than JSON. */
gboolean       sy_audio_upload_wants_text  (const SyAudioUpload *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyAudioUpload, sy_audio_upload_unref)

G_END_DECLS

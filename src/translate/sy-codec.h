/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyCodec: one dialect's converters to and from the internal representation (sy-chat.h):
 * requests, complete responses, streams and errors. N dialects, 2N converters. Every function
 * is pure and safe on untrusted input: malformed input is a GError, never a crash. What the
 * target dialect cannot carry is added to notes (a GPtrArray of char*), never silently dropped.
 * An upstream-only dialect (Kiro) has no client side: its parse_request fails with
 * SY_TRANSLATE_ERROR_UNSUPPORTED, and its emit_response and new_encoder return NULL.
 */
#pragma once

#include "sy-chat.h"
#include "sy-dialect.h"
#include "sy-sse-parser.h"
#include "sy-stream-decoder.h"
#include "sy-stream-encoder.h"

G_BEGIN_DECLS

#define SY_TRANSLATE_ERROR (sy_translate_error_quark ())

typedef enum {
  SY_TRANSLATE_ERROR_INVALID_REQUEST,   /* 400: the message starts with the field path */
  SY_TRANSLATE_ERROR_UNSUPPORTED,       /* 400: valid, but the target cannot express it */
  SY_TRANSLATE_ERROR_INVALID_RESPONSE,  /* 502: the upstream answered something malformed */
} SyTranslateError;

/* How a dialect's upstream streams are framed. */
typedef enum {
  SY_FRAMING_SSE,               /* text/event-stream */
  SY_FRAMING_AWS_EVENT_STREAM,  /* application/vnd.amazon.eventstream (Kiro) */
} SyStreamFraming;

typedef struct
{
  SyDialect dialect;
  /* The framing of this dialect's streams, which new_decoder's decoder reads message by
   * message as SySseEvents (SY_FRAMING_SSE, 0, unless the table says otherwise). */
  SyStreamFraming stream_framing;

  /* A client or upstream request body in this dialect. Gemini carries the model in the URL:
   * the caller sets request->model afterwards when the body has none. */
  SyChatRequest   *(*parse_request)   (const char           *data,
                                       gsize                 len,
                                       GError              **error);
  /* The body to send upstream in this dialect. */
  GBytes          *(*emit_request)    (const SyChatRequest  *request,
                                       GPtrArray            *notes,
                                       GError              **error);
  /* Path (and query) below the provider's base URL for this request, e.g. "/chat/completions",
   * "/messages", "/models/gemini-2.5-pro:streamGenerateContent?alt=sse", "/responses". */
  char            *(*request_path)    (const SyChatRequest  *request);

  SyChatResponse  *(*parse_response)  (const char           *data,
                                       gsize                 len,
                                       GError              **error);
  GBytes          *(*emit_response)   (const SyChatResponse *response,
                                       GPtrArray            *notes);

  SyStreamDecoder *(*new_decoder)     (void);
  SyStreamEncoder *(*new_encoder)     (void);

  /* An error body in this dialect. code may be NULL. */
  char            *(*format_error)    (guint                 status,
                                       const char           *type,
                                       const char           *code,
                                       const char           *message);
  /* Reads an error body in this dialect; FALSE if it is not one. */
  gboolean         (*parse_error)     (const char           *data,
                                       gsize                 len,
                                       char                **type,
                                       char                **message);
} SyCodec;

GQuark         sy_translate_error_quark (void);
const SyCodec *sy_codec_get             (SyDialect dialect);

/* Each dialect's codec, defined in its own files. */
extern const SyCodec sy_openai_codec;
extern const SyCodec sy_anthropic_codec;
extern const SyCodec sy_gemini_codec;
extern const SyCodec sy_responses_codec;
/* Upstream only: Gemini in Google's Cloud Code envelope (src/translate/gemini-cli). */
extern const SyCodec sy_gemini_cli_codec;
/* Upstream only: CodeWhisperer in AWS event-stream frames (src/translate/kiro). */
extern const SyCodec sy_kiro_codec;

G_END_DECLS

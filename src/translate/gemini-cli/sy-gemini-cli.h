/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Cloud Code envelope that Gemini CLI accounts speak (cloudcode-pa.googleapis.com
 * v1internal): a Gemini generateContent body inside {"model", "project", "user_prompt_id",
 * "request"}, answered as {"response": <Gemini response>, "traceId"}. The codec
 * (sy_gemini_cli_codec) reuses the gemini codec for everything inside. Pure: no I/O.
 */
#pragma once

#include "translate/sy-codec.h"

G_BEGIN_DECLS

/* The envelope around gemini_body: {"model": model (a leading "models/" dropped), "project":
 * project (omitted when NULL), "user_prompt_id": <uuid>, "request": gemini_body}, with
 * "session_id" added first in the request when session_id is given and it has none.
 *
 * gemini_body may also be an envelope already (what the codec's emit_request gives, without a
 * project): its request is wrapped again, so the gateway can emit in the gemini-cli dialect and
 * then set the account's project. Re-wrapping with project NULL keeps the envelope's project.
 *
 * user_prompt_id is derived from the request bytes (a SHA-1 in UUID form), so that the same
 * request gets the same id and the function stays pure. The request is copied byte for byte.
 * Fails (SY_TRANSLATE_ERROR_INVALID_REQUEST) when gemini_body is not a JSON object. */
GBytes *sy_gemini_cli_wrap (GBytes      *gemini_body,
                            const char  *model,
                            const char  *project,
                            const char  *session_id,
                            GError     **error);

/* The Gemini body an envelope carries under member ("request" for a request, "response" for
 * an answer or a stream event), as a span of data; FALSE when data is not an object with that
 * member holding an object (an error object, or a bare Gemini body). */
gboolean sy_gemini_cli_unwrap (const char  *data,
                               gsize        len,
                               const char  *member,
                               const char **inner,
                               gsize       *inner_len);

G_END_DECLS

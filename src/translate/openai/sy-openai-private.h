/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internals shared by the OpenAI Chat Completions codec's files: the converters the codec
 * table points to, and small JSON reading and writing helpers. Pure: no I/O, no state.
 */
#pragma once

#include "translate/sy-codec.h"
#include "translate/sy-json-read.h"
#include "translate/sy-json-write.h"

G_BEGIN_DECLS

/* Deepest nesting accepted in a body or a stream event (tool schemas nest, nothing else does). */
#define SY_OPENAI_MAX_DEPTH 128

/* The id given to a completion whose upstream id is unknown (no randomness: output is a
 * function of the input). */
#define SY_OPENAI_UNKNOWN_ID "chatcmpl-switchyard"

/* --- the codec's converters ----------------------------------------------------------------- */

SyChatRequest  *_sy_openai_parse_request  (const char           *data,
                                           gsize                 len,
                                           GError              **error);
GBytes         *_sy_openai_emit_request   (const SyChatRequest  *request,
                                           GPtrArray            *notes,
                                           GError              **error);
SyChatResponse *_sy_openai_parse_response (const char           *data,
                                           gsize                 len,
                                           GError              **error);
GBytes         *_sy_openai_emit_response  (const SyChatResponse *response,
                                           GPtrArray            *notes);
char           *_sy_openai_format_error   (guint                 status,
                                           const char           *type,
                                           const char           *code,
                                           const char           *message);
gboolean        _sy_openai_parse_error    (const char           *data,
                                           gsize                 len,
                                           char                **type,
                                           char                **message);

/* --- reading -------------------------------------------------------------------------------- */

/* Request fields the IR cannot carry: FALSE (UNSUPPORTED) for those that change the answer. */
gboolean        _sy_openai_check_refused_fields (JsonObject     *object,
                                                 GError        **error);
/* Every request field but model, user and messages. */
gboolean        _sy_openai_parse_request_params (SyChatRequest  *request,
                                                 JsonObject     *object,
                                                 GError        **error);

/* One element of tool_calls ({id, type: "function", function: {name, arguments}}) as a
 * TOOL_CALL part, its id unpacked (sy_tool_call_id_unpack); errors use code. */
SyPart         *_sy_openai_parse_tool_call (JsonNode   *node,
                                            const char *path,
                                            int         code,
                                            GError    **error);

/* data as one JSON object, checked first (UTF-8, depth) so that untrusted bytes never reach
 * json-glib unchecked. what names the input in the error ("request body", "stream event"). */
JsonNode       *_sy_openai_parse_object   (const char  *data,
                                           gsize        len,
                                           int          code,
                                           const char  *what,
                                           GError     **error);

/* Reads a Chat Completions usage object into usage (unknown counts stay SY_UNSET). */
void            _sy_openai_read_usage     (JsonObject  *object,
                                           SyUsage     *usage);

/* stop, length, tool_calls, function_call, content_filter; SY_STOP_UNSET for anything else. */
SyStopReason    _sy_openai_stop_reason_from_string (const char *finish_reason);

/* --- writing -------------------------------------------------------------------------------- */

/* The finish_reason for a stop reason; what Chat Completions cannot say goes to notes (may be
 * NULL). */
const char     *_sy_openai_finish_reason  (SyStopReason reason,
                                           GPtrArray   *notes);

/* Appends a usage object with the known counts, or nothing (returns FALSE) when neither the
 * input nor the output count is known. Counts it cannot carry go to notes (may be NULL). */
gboolean        _sy_openai_append_usage   (GString       *out,
                                           const SyUsage *usage,
                                           GPtrArray     *notes);

/* The id to hand an OpenAI client: "chatcmpl-" + id unless it already starts so. */
char           *_sy_openai_dup_completion_id (const char *id);

/* The OpenAI error type for an HTTP status. */
const char     *_sy_openai_error_type_for_status (guint status);

/* Adds a note unless an equal one is already there. */
void            _sy_openai_note           (GPtrArray   *notes,
                                           const char  *format,
                                           ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS

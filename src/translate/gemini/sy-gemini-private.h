/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internals shared by the Gemini generateContent codec's files: the converters the codec table
 * points to, the JSON Schema sanitizer, and small JSON reading and writing helpers. Pure: no
 * I/O, no state.
 */
#pragma once

#include "translate/sy-codec.h"
#include "translate/sy-json-read.h"
#include "translate/sy-json-write.h"

G_BEGIN_DECLS

/* Deepest nesting accepted in a body or a stream event (tool schemas nest, nothing else does). */
#define SY_GEMINI_MAX_DEPTH 128

/* Gemini's documented thoughtSignature for a function call it did not produce itself (a
 * conversation begun with another provider): Gemini 3 rejects an unsigned call in the current
 * turn, and accepts this one. */
#define SY_GEMINI_FOREIGN_SIGNATURE "skip_thought_signature_validator"

/* --- the codec's converters ----------------------------------------------------------------- */

SyChatRequest  *_sy_gemini_parse_request  (const char           *data,
                                           gsize                 len,
                                           GError              **error);
GBytes         *_sy_gemini_emit_request   (const SyChatRequest  *request,
                                           GPtrArray            *notes,
                                           GError              **error);
char           *_sy_gemini_request_path   (const SyChatRequest  *request);
SyChatResponse *_sy_gemini_parse_response (const char           *data,
                                           gsize                 len,
                                           GError              **error);
GBytes         *_sy_gemini_emit_response  (const SyChatResponse *response,
                                           GPtrArray            *notes);
char           *_sy_gemini_format_error   (guint                 status,
                                           const char           *type,
                                           const char           *code,
                                           const char           *message);
gboolean        _sy_gemini_parse_error    (const char           *data,
                                           gsize                 len,
                                           char                **type,
                                           char                **message);

/* The id of a function call that came without one: "call_<responseId>_<n>" (or, with no
 * response id, a digest of name and arguments): deterministic, and distinct across turns so
 * that clients which need unique ids in a conversation get them. */
char           *_sy_gemini_call_id        (const char           *response_id,
                                           const char           *name,
                                           const char           *arguments,
                                           guint                 n);

/* --- request settings (sy-gemini-request-config.c) ----------------------------------------- */

gboolean        _sy_gemini_parse_tools             (SyChatRequest  *request,
                                                    JsonArray      *tools,
                                                    GError        **error);
/* After the tools: ANY with several allowed names withdraws the others. */
gboolean        _sy_gemini_parse_tool_config       (SyChatRequest  *request,
                                                    JsonObject     *config,
                                                    GError        **error);
gboolean        _sy_gemini_parse_generation_config (SyChatRequest  *request,
                                                    JsonObject     *config,
                                                    GError        **error);

/* --- JSON Schema (sy-gemini-schema.c) ------------------------------------------------------- */

/* A copy of a JSON Schema reduced to the keywords Gemini's parametersJsonSchema and
 * responseJsonSchema accept; what it removes is noted, naming what ("tool \"get_weather\"")
 * and the keyword's place. Fails (SY_TRANSLATE_ERROR_UNSUPPORTED, the message starting with
 * path) only on a schema that is not an object or nests deeper than SY_GEMINI_MAX_DEPTH. */
JsonNode       *_sy_gemini_schema_sanitize     (JsonNode    *schema,
                                                const char  *path,
                                                const char  *what,
                                                GPtrArray   *notes,
                                                GError     **error);
/* A JSON Schema equivalent of Gemini's OpenAPI-subset Schema (parameters, responseSchema):
 * types lower-cased, nullable folded into the type, example into examples. */
JsonNode       *_sy_gemini_schema_from_openapi (JsonNode    *schema);

/* --- reading -------------------------------------------------------------------------------- */

/* data as one JSON value (an object, or for errors an array), checked first (UTF-8, depth) so
 * that untrusted bytes never reach json-glib unchecked. what names the input in the error. */
JsonNode       *_sy_gemini_parse_object   (const char  *data,
                                           gsize        len,
                                           int          code,
                                           const char  *what,
                                           GError     **error);

/* The member's node, or NULL when it is absent or JSON null. Gemini's JSON accepts both the
 * lowerCamelCase name and the proto's snake_case name: camel is given, both are tried. */
JsonNode       *_sy_gemini_member         (JsonObject  *object,
                                           const char  *camel);
gboolean        _sy_gemini_has_member     (JsonObject  *object,
                                           const char  *camel);

/* Typed getters: absent or null members give NULL / SY_UNSET / NAN / FALSE and succeed; a value
 * of the wrong type fails with "<path>.<member>: expected ..." (SY_TRANSLATE_ERROR_INVALID_*
 * per code). Integers may also be given as strings of digits (proto3 JSON). */
gboolean        _sy_gemini_get_string     (JsonObject  *object,
                                           const char  *path,
                                           const char  *member,
                                           int          code,
                                           const char **out,
                                           GError     **error);
/* A string that must be present ("<path>.<member>: required"), INVALID_REQUEST. */
gboolean        _sy_gemini_get_required_string (JsonObject  *object,
                                                const char  *path,
                                                const char  *member,
                                                const char **out,
                                                GError     **error);
/* TRUE, with error UNSUPPORTED ("<path>.<member>: <why>"), when member is present. */
gboolean        _sy_gemini_unsupported_member (JsonObject  *object,
                                               const char  *path,
                                               const char  *member,
                                               const char  *why,
                                               GError     **error);
gboolean        _sy_gemini_get_bool       (JsonObject  *object,
                                           const char  *path,
                                           const char  *member,
                                           int          code,
                                           gboolean    *out,
                                           GError     **error);
gboolean        _sy_gemini_get_int        (JsonObject  *object,
                                           const char  *path,
                                           const char  *member,
                                           int          code,
                                           gint64      *out,
                                           GError     **error);
gboolean        _sy_gemini_get_number     (JsonObject  *object,
                                           const char  *path,
                                           const char  *member,
                                           int          code,
                                           double      *out,
                                           GError     **error);
gboolean        _sy_gemini_get_object     (JsonObject  *object,
                                           const char  *path,
                                           const char  *member,
                                           int          code,
                                           JsonObject **out,
                                           GError     **error);
gboolean        _sy_gemini_get_array      (JsonObject  *object,
                                           const char  *path,
                                           const char  *member,
                                           int          code,
                                           JsonArray  **out,
                                           GError     **error);

/* Reads a usageMetadata object into usage (unknown counts stay SY_UNSET). */
void            _sy_gemini_read_usage     (JsonObject  *object,
                                           SyUsage     *usage);

/* A finishReason as the IR's stop reason. has_tool_call turns STOP into TOOL_USE. Reasons that
 * mean the candidate failed (MALFORMED_FUNCTION_CALL, UNEXPECTED_TOOL_CALL, ...) set *failed. */
SyStopReason    _sy_gemini_stop_reason    (const char  *finish_reason,
                                           gboolean     has_tool_call,
                                           gboolean    *failed);

/* google.rpc status names and the IR's error types (the OpenAI / Anthropic vocabulary). */
const char     *_sy_gemini_status_name    (guint        status);
guint           _sy_gemini_status_code    (const char  *status_name);
const char     *_sy_gemini_error_type     (const char  *status_name,
                                           guint        code);
guint           _sy_gemini_status_for_type (const char *type);
/* The HTTP status to report to a Gemini client for an error of status and type: the status,
 * or what type implies when it is 0, with Anthropic's 529 as Google's 503. */
guint           _sy_gemini_error_status   (guint        status,
                                           const char  *type);

/* --- writing -------------------------------------------------------------------------------- */

/* Appends "usageMetadata":{...} (the known counts; candidatesTokenCount excludes reasoning) as
 * a member of the object being written; nothing when no count is known. A cache-creation count
 * has no place in Gemini's usage: it goes to notes (may be NULL). */
void            _sy_gemini_append_usage   (GString       *out,
                                           const SyUsage *usage,
                                           GPtrArray     *notes);

/* The finishReason for a stop reason (NULL for SY_STOP_UNSET); what Gemini cannot say goes to
 * notes (may be NULL). */
const char     *_sy_gemini_finish_reason  (SyStopReason  reason,
                                           GPtrArray    *notes);

/* A model name as the last segments of a Gemini resource path: a leading "models/" dropped. */
const char     *_sy_gemini_model_id       (const char  *model);

/* Adds a note (printf-style) to notes, which may be NULL. */
void            _sy_gemini_note           (GPtrArray   *notes,
                                           const char  *format,
                                           ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS

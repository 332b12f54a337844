/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internals shared by the Anthropic Messages codec's files: the converters the codec table
 * points at, typed readers for untrusted JSON that name the bad field's path, and small
 * writers and mappings. Pure: no I/O, no state.
 */
#pragma once

#include "translate/sy-codec.h"
#include "translate/sy-json-read.h"
#include "translate/sy-json-write.h"

G_BEGIN_DECLS

/* Nesting accepted in a request or response body (tool schemas nest). */
#define SY_ANTHROPIC_MAX_DEPTH 128

/* What Anthropic needs when a source did not say (each use is noted). */
#define SY_ANTHROPIC_DEFAULT_MAX_TOKENS 8192
#define SY_ANTHROPIC_MIN_THINKING_BUDGET 1024

/* --- the codec's converters ----------------------------------------------------------------- */

SyChatRequest  *_sy_anthropic_parse_request  (const char           *data,
                                              gsize                 len,
                                              GError              **error);
GBytes         *_sy_anthropic_emit_request   (const SyChatRequest  *request,
                                              GPtrArray            *notes,
                                              GError              **error);
char           *_sy_anthropic_request_path   (const SyChatRequest  *request);
SyChatResponse *_sy_anthropic_parse_response (const char           *data,
                                              gsize                 len,
                                              GError              **error);
GBytes         *_sy_anthropic_emit_response  (const SyChatResponse *response,
                                              GPtrArray            *notes);
char           *_sy_anthropic_format_error   (guint                 status,
                                              const char           *type,
                                              const char           *code,
                                              const char           *message);
gboolean        _sy_anthropic_parse_error    (const char           *data,
                                              gsize                 len,
                                              char                **type,
                                              char                **message);

/* The messages of a request as Anthropic takes them (sy-anthropic-messages.c): grouped into
 * alternating turns, tool results moved right after their calls, tool ids settled. Fails,
 * naming the message, when a tool result has no call before it or a call goes unanswered. */
typedef struct _SyAnthropicTurns SyAnthropicTurns;

SyAnthropicTurns *_sy_anthropic_turns_new    (const SyChatRequest  *request,
                                              GPtrArray            *notes,
                                              GError              **error);
/* FALSE when the conversation is in a tool loop whose last assistant message has no
 * leading thinking block: Anthropic then refuses thinking for the request. */
gboolean          _sy_anthropic_turns_allow_thinking  (SyAnthropicTurns *turns);
/* Puts thinking blocks first in their messages and drops those Anthropic refuses in a final
 * assistant message (all of them when thinking is off, trailing ones when it is on). */
void              _sy_anthropic_turns_settle_thinking (SyAnthropicTurns *turns,
                                                       gboolean          thinking);
/* Appends ,"messages":[...]. */
gboolean          _sy_anthropic_turns_append (SyAnthropicTurns     *turns,
                                              GString              *out,
                                              GError              **error);
void              _sy_anthropic_turns_free   (SyAnthropicTurns     *turns);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyAnthropicTurns, _sy_anthropic_turns_free)

/* --- reading untrusted JSON ----------------------------------------------------------------- */

/* Parses data as one JSON object, bounded in depth; the error names the problem (code
 * INVALID_REQUEST). */
JsonNode   *_sy_anthropic_parse_object (JsonParser  *parser,
                                        const char  *data,
                                        gsize        len,
                                        GError     **error);

/* Each reader looks up key in obj (whose path is path, "" at the top level). An absent member
 * or a JSON null leaves the output unset and succeeds, unless required. A value of the wrong
 * type fails with SY_TRANSLATE_ERROR_INVALID_REQUEST, "<path>.<key>: expected ...". */
gboolean    _sy_anthropic_get_string  (JsonObject   *obj,
                                       const char   *path,
                                       const char   *key,
                                       gboolean      required,
                                       const char  **out,
                                       GError      **error);
gboolean    _sy_anthropic_get_int     (JsonObject   *obj,
                                       const char   *path,
                                       const char   *key,
                                       gint64       *out,
                                       GError      **error);
gboolean    _sy_anthropic_get_double  (JsonObject   *obj,
                                       const char   *path,
                                       const char   *key,
                                       double       *out,
                                       GError      **error);
gboolean    _sy_anthropic_get_bool    (JsonObject   *obj,
                                       const char   *path,
                                       const char   *key,
                                       gboolean     *out,
                                       GError      **error);
gboolean    _sy_anthropic_get_object  (JsonObject   *obj,
                                       const char   *path,
                                       const char   *key,
                                       gboolean      required,
                                       JsonObject  **out,
                                       GError      **error);
gboolean    _sy_anthropic_get_array   (JsonObject   *obj,
                                       const char   *path,
                                       const char   *key,
                                       gboolean      required,
                                       JsonArray   **out,
                                       GError      **error);

/* Anthropic's own counts, SY_UNSET when not given. Its input_tokens excludes the tokens read
 * from or written to the cache; the IR's input includes them. */
typedef struct
{
  gint64 input;
  gint64 output;
  gint64 cache_read;
  gint64 cache_creation;
} SyAnthropicUsage;

void        _sy_anthropic_usage_init  (SyAnthropicUsage       *raw);
/* Takes the counts present in a usage object into raw (later values win: they are
 * cumulative). Negative or non-integer counts are ignored. */
void        _sy_anthropic_usage_read  (JsonObject             *usage,
                                       SyAnthropicUsage       *raw);
/* IR usage: input = input_tokens + cache_read + cache_creation (saturating). */
void        _sy_anthropic_usage_to_ir (const SyAnthropicUsage *raw,
                                       SyUsage                *out);

SyStopReason _sy_anthropic_stop_reason_from_string (const char *reason);
/* NULL for SY_STOP_UNSET. CONTENT_FILTER becomes "refusal", Anthropic's nearest. */
const char  *_sy_anthropic_stop_reason_to_string   (SyStopReason reason);

/* The HTTP status Anthropic uses for an error type, and the type for a status. */
guint        _sy_anthropic_status_for_error_type (const char *type);
const char  *_sy_anthropic_error_type_for_status (guint       status);
gboolean     _sy_anthropic_is_error_type         (const char *type);

/* --- writing JSON --------------------------------------------------------------------------- */

/* Appends ",\"key\":" (no comma for the first member of an object; *first tracks it). */
void        _sy_anthropic_key         (GString     *out,
                                       gboolean    *first,
                                       const char  *key);
/* Anthropic's usage object for a complete message or a message_start event. Counts the
 * source did not give are written as 0 only where the schema requires an integer
 * (input_tokens, output_tokens); the cache counts are left out when unknown. */
void        _sy_anthropic_append_usage (GString       *out,
                                        const SyUsage *usage);

/* Appends a tool_use "input" object from IR arguments (JSON text of an object). Empty
 * arguments are {}. Anything else that is not a JSON object is kept, not dropped, as
 * {"_raw": "<the text>"} with a note naming the call: Anthropic only takes an object here. */
void        _sy_anthropic_append_tool_input (GString    *out,
                                             const char *arguments,
                                             const char *tool_name,
                                             GPtrArray  *notes);

/* A tool call id as Anthropic requires it (^[a-zA-Z0-9_-]+$): other characters become '_'.
 * Deterministic, so a call and its result map to the same id. NULL or "" gives NULL. */
char       *_sy_anthropic_sanitize_tool_id (const char *id);

/* The message id for a client: "msg_" + the upstream's id (unchanged when it already starts
 * with "msg_"), or "msg_sy_unknown" when there is none. */
char       *_sy_anthropic_message_id  (const char *upstream_id);

/* Adds a note unless the same text is already there. */
void        _sy_anthropic_note        (GPtrArray   *notes,
                                       const char  *format,
                                       ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internals shared by the OpenAI Responses codec's files: the converters the codec table points
 * to, JSON reading and writing helpers, and the conventions for ids and reasoning signatures.
 * Pure: no I/O, no state.
 */
#pragma once

#include "translate/sy-codec.h"
#include "translate/sy-json-read.h"
#include "translate/sy-json-write.h"

G_BEGIN_DECLS

/* Deepest nesting accepted in a body or a stream event (tool schemas nest, nothing else does). */
#define SY_RESPONSES_MAX_DEPTH 128

/* The response id used when the upstream gave none: Responses clients (Codex) require one, and
 * output must be a function of the input (no randomness). */
#define SY_RESPONSES_UNKNOWN_ID "switchyard"

/* Reasoning signatures. A reasoning item's encrypted_content is only meaningful to OpenAI, and a
 * thinking signature from another provider is only meaningful to that provider, so the IR
 * signature says where it came from:
 *
 *  - OpenAI's reasoning item: "<item id>" SY_TOOL_ID_SIGNATURE_SEPARATOR "<encrypted_content>"
 *    (the id may be empty; Codex never sends it). Only these become reasoning items upstream.
 *  - anything else is another provider's signature, carried as is.
 *
 * Handed to a Responses client, OpenAI's encrypted_content goes out unchanged, and another
 * provider's signature (or Anthropic redacted_thinking data) goes out inside encrypted_content
 * behind one of these prefixes, so that when the client sends the item back it is recognised
 * and returned to its provider instead of being sent to OpenAI. */
#define SY_RESPONSES_FOREIGN_PREFIX  "sy-sig:"
#define SY_RESPONSES_REDACTED_PREFIX "sy-redacted:"

/* --- the codec's converters ----------------------------------------------------------------- */

SyChatRequest  *_sy_responses_parse_request  (const char           *data,
                                              gsize                 len,
                                              GError              **error);
GBytes         *_sy_responses_emit_request   (const SyChatRequest  *request,
                                              GPtrArray            *notes,
                                              GError              **error);
char           *_sy_responses_request_path   (const SyChatRequest  *request);
SyChatResponse *_sy_responses_parse_response (const char           *data,
                                              gsize                 len,
                                              GError              **error);
GBytes         *_sy_responses_emit_response  (const SyChatResponse *response,
                                              GPtrArray            *notes);
char           *_sy_responses_format_error   (guint                 status,
                                              const char           *type,
                                              const char           *code,
                                              const char           *message);
gboolean        _sy_responses_parse_error    (const char           *data,
                                              gsize                 len,
                                              char                **type,
                                              char                **message);

/* Parts of parse_request (sy-responses-request-options.c): the members of root into request. */
gboolean        _sy_responses_parse_tools        (SyChatRequest  *request,
                                                  JsonObject     *root,
                                                  GError        **error);
gboolean        _sy_responses_parse_tool_choice  (SyChatRequest  *request,
                                                  JsonObject     *root,
                                                  GError        **error);
gboolean        _sy_responses_parse_reasoning    (SyChatRequest  *request,
                                                  JsonObject     *root,
                                                  GError        **error);
gboolean        _sy_responses_parse_text_format  (SyChatRequest  *request,
                                                  JsonObject     *root,
                                                  GError        **error);
/* Fails for the members that need state or features only OpenAI has. */
gboolean        _sy_responses_refuse_server_side (JsonObject     *root,
                                                  GError        **error);

/* --- reading -------------------------------------------------------------------------------- */

/* A non-negative integer. */
gboolean        _sy_responses_get_count      (JsonObject  *object,
                                              const char  *path,
                                              const char  *member,
                                              int          code,
                                              gint64      *out,
                                              GError     **error);

/* A Responses usage object into usage (unknown counts stay SY_UNSET; bad values are ignored). */
void            _sy_responses_read_usage     (JsonObject  *object,
                                              SyUsage     *usage);

/* A reasoning item (output item or input item) as a THINKING or REDACTED_THINKING part, per
 * the signature conventions above. *out is NULL when the item carries nothing (no text, no
 * encrypted content). */
gboolean        _sy_responses_read_reasoning (JsonObject  *item,
                                              const char  *path,
                                              int          code,
                                              SyPart     **out,
                                              GError     **error);

/* The IR signature for an OpenAI reasoning item's encrypted_content (see above). */
char           *_sy_responses_pack_reasoning_signature (const char *item_id,
                                                        const char *encrypted_content);

/* --- writing -------------------------------------------------------------------------------- */

/* "resp_" + id unless it already starts so; SY_RESPONSES_UNKNOWN_ID when id is NULL. */
char           *_sy_responses_dup_response_id (const char *id);
/* An output item id derived from the response id and the item's output index:
 * "<prefix>_<response id without resp_>_<n>". */
char           *_sy_responses_dup_item_id     (const char *prefix,
                                               const char *response_id,
                                               guint       n);

/* The encrypted_content to hand a Responses client for a THINKING signature or a
 * REDACTED_THINKING part's data (see the conventions above); NULL when there is none. If
 * item_id is given and the signature names OpenAI's item id, it is stored there. */
char           *_sy_responses_client_encrypted_content (SyPartKind   kind,
                                                        const char  *signature_or_data,
                                                        char       **item_id);

/* Appends a reasoning output item (summary from text, which may be NULL or empty). */
void            _sy_responses_append_reasoning_item (GString    *out,
                                                     const char *item_id,
                                                     const char *text,
                                                     gsize       text_len,
                                                     const char *encrypted_content);

/* The response status for a stop reason; *incomplete_reason gets the incomplete_details reason
 * or NULL. */
const char     *_sy_responses_status_for_stop (SyStopReason  reason,
                                               const char  **incomplete_reason);

/* Appends the members closing a response object after "output": incomplete_details, error
 * (when error_message is given), usage (when input and output counts are known; what cannot be
 * carried goes to notes), then the closing brace. */
void            _sy_responses_append_tail     (GString       *out,
                                               const char    *incomplete_reason,
                                               const char    *error_code,
                                               const char    *error_message,
                                               const SyUsage *usage,
                                               GPtrArray     *notes);

/* Adds a note unless an equal one is already there (notes may be NULL). */
void            _sy_responses_note            (GPtrArray   *notes,
                                               const char  *format,
                                               ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internals shared by the Kiro (CodeWhisperer) codec's files: the converters the codec table
 * points at, and the mapping between AWS exception names and HTTP statuses and error types.
 * Pure: no I/O, no state.
 */
#pragma once

#include "translate/sy-codec.h"
#include "translate/sy-json-read.h"
#include "translate/sy-json-write.h"

G_BEGIN_DECLS

/* Nesting accepted in an upstream event payload or error body. */
#define SY_KIRO_MAX_DEPTH 128

/* Tool descriptions longer than this (in characters) are cut: CodeWhisperer refuses them. */
#define SY_KIRO_MAX_TOOL_DESCRIPTION 10000

GBytes         *_sy_kiro_emit_request   (const SyChatRequest  *request,
                                         GPtrArray            *notes,
                                         GError              **error);
char           *_sy_kiro_request_path   (const SyChatRequest  *request);
SyChatResponse *_sy_kiro_parse_response (const char           *data,
                                         gsize                 len,
                                         GError              **error);
char           *_sy_kiro_format_error   (guint                 status,
                                         const char           *type,
                                         const char           *code,
                                         const char           *message);
gboolean        _sy_kiro_parse_error    (const char           *data,
                                         gsize                 len,
                                         char                **type,
                                         char                **message);

/* An AWS exception name ("ThrottlingException", or a qualified
 * "com.amazon.aws.codewhisperer#ThrottlingException") as an HTTP status and the generic error
 * type the client dialects share ("rate_limit_error", "invalid_request_error", ...). */
guint        _sy_kiro_status_for_exception (const char *exception);
const char  *_sy_kiro_type_for_exception   (const char *exception);
/* The unqualified name: the part after the last '#' (and ':'), or exception itself. */
const char  *_sy_kiro_exception_name       (const char *exception);

/* Adds a note unless the same text is already there. */
void         _sy_kiro_note                 (GPtrArray  *notes,
                                            const char *format,
                                            ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS

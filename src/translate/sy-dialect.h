/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyDialect: the API dialects Switchyard speaks on either side. Pure names and parsing.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SY_DIALECT_OPENAI,     /* OpenAI Chat Completions */
  SY_DIALECT_ANTHROPIC,  /* Anthropic Messages */
  SY_DIALECT_GEMINI,     /* Gemini generateContent */
  SY_DIALECT_RESPONSES,  /* OpenAI Responses */
  /* Upstream only (no client speaks them): */
  SY_DIALECT_GEMINI_CLI, /* Gemini inside Google's Cloud Code envelope (Gemini CLI accounts) */
  SY_DIALECT_KIRO,       /* CodeWhisperer conversationState, answered in AWS event-stream */
} SyDialect;

/* "openai", "anthropic", "gemini", "responses". */
const char *sy_dialect_to_string   (SyDialect   dialect);
gboolean    sy_dialect_from_string (const char *name,
                                    SyDialect  *out);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the Translator page shows, without GTK: the four client dialects' names and built-in
 * examples, and one translation through the codecs (parse in the source dialect, emit in the
 * target one), pretty-printed. Pure: no I/O, safe on whatever the user pastes.
 */
#pragma once

#include "translate/sy-codec.h"

G_BEGIN_DECLS

/* The dialects a client speaks, in the order the page lists them (SyDialect 0 to 3). */
#define SY_TRANSLATION_N_DIALECTS 4

/* Gemini carries the model in the URL, not in the body: a Gemini request without one is
 * translated as if the URL named this model. */
#define SY_TRANSLATION_GEMINI_MODEL "gemini-2.5-flash"

typedef enum {
  SY_TRANSLATION_REQUEST,
  SY_TRANSLATION_RESPONSE,
} SyTranslationKind;

/* "OpenAI Chat", "Anthropic Messages", "Gemini", "OpenAI Responses" (translated). */
const char *sy_translation_dialect_label (SyDialect          dialect);
/* A realistic body in dialect: a request with a system prompt, a user message and a tool
 * definition, or the response that calls that tool. */
const char *sy_translation_example       (SyDialect          dialect,
                                          SyTranslationKind  kind);
/* input (a body in source) as target would carry it, pretty-printed; what target cannot carry
 * is appended to notes (char*). For requests, *path (may be NULL) is set to the path the target
 * sends it to below a provider's base URL. NULL with error when input is not a valid body in
 * source: the message names the field. */
char       *sy_translation_run           (SyDialect          source,
                                          SyDialect          target,
                                          SyTranslationKind  kind,
                                          const char        *input,
                                          gsize              len,
                                          char             **path,
                                          GPtrArray         *notes,
                                          GError           **error);
/* A test bench cell: translates the built-in example of source into target, then checks that
 * target's own parser reads the result back. */
gboolean    sy_translation_check_pair    (SyDialect          source,
                                          SyDialect          target,
                                          SyTranslationKind  kind,
                                          GPtrArray         *notes,
                                          GError           **error);
/* data as indented JSON, or NULL when it is not JSON. */
char       *sy_translation_pretty        (const char        *data,
                                          gsize              len);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyUsageScanner: reads token usage out of what an upstream sent (a JSON body or an SSE
 * stream) without changing it. Reports only what the upstream said: a count it did not send
 * stays unknown, never guessed or padded.
 */
#pragma once

#include <glib-object.h>

#include "store/sy-usage-writer.h"

G_BEGIN_DECLS

#define SY_TYPE_USAGE_SCANNER (sy_usage_scanner_get_type ())
G_DECLARE_FINAL_TYPE (SyUsageScanner, sy_usage_scanner, SY, USAGE_SCANNER, GObject)

SyUsageScanner *sy_usage_scanner_new         (void);
/* A complete JSON response body (OpenAI, Anthropic or Gemini usage shapes). */
void            sy_usage_scanner_take_json   (SyUsageScanner *self,
                                              const char     *data,
                                              gsize           len);
/* Raw SSE bytes as they pass through, split anywhere. */
void            sy_usage_scanner_push_sse    (SyUsageScanner *self,
                                              const char     *data,
                                              gsize           len);
void            sy_usage_scanner_finish      (SyUsageScanner *self);
/* Copies what is known into the record's token fields. */
void            sy_usage_scanner_fill_record (SyUsageScanner *self,
                                              SyUsageRecord  *record);

G_END_DECLS

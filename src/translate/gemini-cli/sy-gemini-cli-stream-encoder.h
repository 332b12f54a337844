/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyGeminiCliStreamEncoder: SyStreamEvents as Cloud Code stream events, each Gemini chunk a
 * gemini stream encoder writes put inside {"response": ...}; error events stay Google's bare
 * error objects. No client speaks this dialect; it exists so that the dialect round-trips in
 * tests. Pure: no I/O.
 */
#pragma once

#include "translate/sy-stream-encoder.h"

G_BEGIN_DECLS

#define SY_TYPE_GEMINI_CLI_STREAM_ENCODER (sy_gemini_cli_stream_encoder_get_type ())
G_DECLARE_FINAL_TYPE (SyGeminiCliStreamEncoder, sy_gemini_cli_stream_encoder, SY,
                      GEMINI_CLI_STREAM_ENCODER, SyStreamEncoder)

SyStreamEncoder *sy_gemini_cli_stream_encoder_new (void);

G_END_DECLS

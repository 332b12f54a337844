/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyGeminiCliStreamDecoder: Cloud Code stream events ({"response": <Gemini chunk>, "traceId"})
 * into SyStreamEvents, through a gemini stream decoder. Pure: no I/O.
 */
#pragma once

#include "translate/sy-stream-decoder.h"

G_BEGIN_DECLS

#define SY_TYPE_GEMINI_CLI_STREAM_DECODER (sy_gemini_cli_stream_decoder_get_type ())
G_DECLARE_FINAL_TYPE (SyGeminiCliStreamDecoder, sy_gemini_cli_stream_decoder, SY,
                      GEMINI_CLI_STREAM_DECODER, SyStreamDecoder)

SyStreamDecoder *sy_gemini_cli_stream_decoder_new (void);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyGeminiStreamDecoder: Gemini streamGenerateContent?alt=sse events into SyStreamEvents.
 * Each event is a whole GenerateContentResponse chunk; there is no end marker, so the end of
 * the bytes decides whether the stream ended properly. Pure: no I/O.
 */
#pragma once

#include "translate/sy-stream-decoder.h"

G_BEGIN_DECLS

#define SY_TYPE_GEMINI_STREAM_DECODER (sy_gemini_stream_decoder_get_type ())
G_DECLARE_FINAL_TYPE (SyGeminiStreamDecoder, sy_gemini_stream_decoder, SY, GEMINI_STREAM_DECODER,
                      SyStreamDecoder)

SyStreamDecoder *sy_gemini_stream_decoder_new (void);

G_END_DECLS

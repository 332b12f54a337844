/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyGeminiStreamEncoder: SyStreamEvents as Gemini streamGenerateContent?alt=sse events, each a
 * whole GenerateContentResponse chunk on one "data:" line, as Google's SDKs read them. Pure:
 * appends text to a GString.
 */
#pragma once

#include "translate/sy-stream-encoder.h"

G_BEGIN_DECLS

#define SY_TYPE_GEMINI_STREAM_ENCODER (sy_gemini_stream_encoder_get_type ())
G_DECLARE_FINAL_TYPE (SyGeminiStreamEncoder, sy_gemini_stream_encoder, SY, GEMINI_STREAM_ENCODER,
                      SyStreamEncoder)

SyStreamEncoder *sy_gemini_stream_encoder_new (void);

G_END_DECLS

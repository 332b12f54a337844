/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyOpenaiStreamEncoder: SyStreamEvents as OpenAI Chat Completions chunks, the grammar the
 * OpenAI SDKs expect (role chunk, deltas, finish chunk, usage chunk, data: [DONE]). Pure.
 */
#pragma once

#include "translate/sy-stream-encoder.h"

G_BEGIN_DECLS

#define SY_TYPE_OPENAI_STREAM_ENCODER (sy_openai_stream_encoder_get_type ())
G_DECLARE_FINAL_TYPE (SyOpenaiStreamEncoder, sy_openai_stream_encoder, SY, OPENAI_STREAM_ENCODER,
                      SyStreamEncoder)

SyStreamEncoder *sy_openai_stream_encoder_new (void);

G_END_DECLS

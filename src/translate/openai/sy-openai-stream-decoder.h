/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyOpenaiStreamDecoder: OpenAI Chat Completions chunks (data: {chat.completion.chunk} ...
 * data: [DONE]) as SyStreamEvents. Pure: no I/O.
 */
#pragma once

#include "translate/sy-stream-decoder.h"

G_BEGIN_DECLS

#define SY_TYPE_OPENAI_STREAM_DECODER (sy_openai_stream_decoder_get_type ())
G_DECLARE_FINAL_TYPE (SyOpenaiStreamDecoder, sy_openai_stream_decoder, SY, OPENAI_STREAM_DECODER,
                      SyStreamDecoder)

SyStreamDecoder *sy_openai_stream_decoder_new (void);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyResponsesStreamDecoder: an OpenAI Responses event stream (response.created ...
 * response.completed) into SyStreamEvents. Pure: no I/O.
 */
#pragma once

#include "translate/sy-stream-decoder.h"

G_BEGIN_DECLS

#define SY_TYPE_RESPONSES_STREAM_DECODER (sy_responses_stream_decoder_get_type ())
G_DECLARE_FINAL_TYPE (SyResponsesStreamDecoder, sy_responses_stream_decoder, SY,
                      RESPONSES_STREAM_DECODER, SyStreamDecoder)

SyStreamDecoder *sy_responses_stream_decoder_new (void);

G_END_DECLS

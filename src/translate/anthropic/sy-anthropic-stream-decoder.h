/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyAnthropicStreamDecoder: reads an Anthropic Messages event stream (message_start,
 * content_block_*, message_delta, message_stop, ping, error) into SyStreamEvents. Pure.
 */
#pragma once

#include "translate/sy-stream-decoder.h"

G_BEGIN_DECLS

#define SY_TYPE_ANTHROPIC_STREAM_DECODER (sy_anthropic_stream_decoder_get_type ())
G_DECLARE_FINAL_TYPE (SyAnthropicStreamDecoder, sy_anthropic_stream_decoder, SY,
                      ANTHROPIC_STREAM_DECODER, SyStreamDecoder)

SyStreamDecoder *sy_anthropic_stream_decoder_new (void);

G_END_DECLS

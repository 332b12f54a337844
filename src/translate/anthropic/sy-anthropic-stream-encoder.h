/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyAnthropicStreamEncoder: writes SyStreamEvents as the Anthropic Messages event stream that
 * Anthropic's SDKs and Claude Code expect. Pure.
 */
#pragma once

#include "translate/sy-stream-encoder.h"

G_BEGIN_DECLS

#define SY_TYPE_ANTHROPIC_STREAM_ENCODER (sy_anthropic_stream_encoder_get_type ())
G_DECLARE_FINAL_TYPE (SyAnthropicStreamEncoder, sy_anthropic_stream_encoder, SY,
                      ANTHROPIC_STREAM_ENCODER, SyStreamEncoder)

SyStreamEncoder *sy_anthropic_stream_encoder_new (void);

G_END_DECLS

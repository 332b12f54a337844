/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyResponsesStreamEncoder: SyStreamEvents as the OpenAI Responses event stream that Codex CLI
 * and the OpenAI SDKs read (event: <type> / data: <json>, increasing sequence_number). Pure:
 * appends text, no I/O.
 */
#pragma once

#include "translate/sy-stream-encoder.h"

G_BEGIN_DECLS

#define SY_TYPE_RESPONSES_STREAM_ENCODER (sy_responses_stream_encoder_get_type ())
G_DECLARE_FINAL_TYPE (SyResponsesStreamEncoder, sy_responses_stream_encoder, SY,
                      RESPONSES_STREAM_ENCODER, SyStreamEncoder)

SyStreamEncoder *sy_responses_stream_encoder_new (void);

G_END_DECLS

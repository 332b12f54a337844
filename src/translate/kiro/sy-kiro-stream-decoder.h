/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyKiroStreamDecoder: reads the messages of a Kiro (CodeWhisperer generateAssistantResponse)
 * event stream into SyStreamEvents: assistantResponseEvent text (with a leading
 * <thinking>...</thinking> as thinking), toolUseEvent fragments, usage, messageStopEvent, and
 * exceptions. The binary framing is SyAwsEventStream's job; this decoder sees one message at a
 * time, as sy_aws_event_stream_message_as_sse() presents it. Pure.
 */
#pragma once

#include "translate/sy-stream-decoder.h"

G_BEGIN_DECLS

#define SY_TYPE_KIRO_STREAM_DECODER (sy_kiro_stream_decoder_get_type ())
G_DECLARE_FINAL_TYPE (SyKiroStreamDecoder, sy_kiro_stream_decoder, SY,
                      KIRO_STREAM_DECODER, SyStreamDecoder)

SyStreamDecoder *sy_kiro_stream_decoder_new (void);

G_END_DECLS

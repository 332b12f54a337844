/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * POST /v1/audio/transcriptions: OpenAI's multipart form (file, model, and optionally
 * language, prompt, response_format, temperature), checked before any upstream is contacted,
 * routed like chat and handed to SyAudioRequest.
 */
#pragma once

#include "gateway/sy-gateway.h"

G_BEGIN_DECLS

void sy_audio_endpoint_handle (SyGateway         *gateway,
                               SoupServerMessage *msg);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyAudioRequest: one transcription from the moment it is routed until the client has its
 * answer. The attempt loop is the proxy's, on the same routing state (account order,
 * breakers, cooldowns, rate-limit slots, failover on what SyFailurePolicy says moves on); the
 * exchange with each upstream is sy-audio-exchange.c's. Writes the request's usage row.
 */
#pragma once

#include "gateway/sy-audio-upload.h"
#include "gateway/sy-gateway.h"

G_BEGIN_DECLS

#define SY_TYPE_AUDIO_REQUEST (sy_audio_request_get_type ())
G_DECLARE_FINAL_TYPE (SyAudioRequest, sy_audio_request, SY, AUDIO_REQUEST, GObject)

/* Pauses msg and runs the request to completion; the object keeps itself alive until then.
 * api_key may be NULL; plan is taken and holds only targets that can transcribe. */
void sy_audio_request_start (SyGateway         *gateway,
                             SoupServerMessage *msg,
                             SyAudioUpload     *upload,
                             SyApiKey          *api_key,
                             SyRoutePlan       *plan);

G_END_DECLS

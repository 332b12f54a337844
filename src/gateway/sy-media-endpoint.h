/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The /v1 routes beyond chat: POST /v1/embeddings, /v1/images/generations, their forced-provider
 * forms /v1/providers/{provider}/embeddings and /images/generations, and (handed to
 * sy-audio-endpoint.c) /v1/audio/transcriptions. Embeddings and images go through the same
 * route planner and proxy attempt loop as chat, OpenAI-compatible targets only, the body
 * forwarded byte for byte except its model.
 */
#pragma once

#include "gateway/sy-gateway.h"

G_BEGIN_DECLS

/* path is the request path without its /v1 prefix. FALSE when it is not one of these routes
 * (nothing was answered then). */
gboolean sy_media_endpoint_dispatch (SyGateway         *gateway,
                                     SoupServerMessage *msg,
                                     const char        *path);

G_END_DECLS

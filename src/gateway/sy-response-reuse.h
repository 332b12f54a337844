/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Answers given again without asking an upstream: the response cache for deterministic
 * requests and idempotent replays. The chat endpoint calls sy_response_reuse_begin() once a
 * request is valid and authenticated, before it is routed; it answers from what is stored,
 * parks a duplicate behind the request it duplicates, or lets the request run with a capture
 * attached (sy-response-capture.h) so its answer can be stored. Decides keys and what is
 * cacheable; never contacts an upstream.
 */
#pragma once

#include "gateway/sy-chat-endpoint.h"

G_BEGIN_DECLS

/* TRUE when msg has been dealt with (answered, or waiting for the request it duplicates);
 * FALSE when the caller goes on to route it. endpoint names the route in the usage log;
 * model is the requested model (from the URL for Gemini); body is the request after the
 * configured injections. */
gboolean  sy_response_reuse_begin   (SyGateway                *gateway,
                                     SoupServerMessage        *msg,
                                     const SyChatEndpointCall *call,
                                     const char               *endpoint,
                                     SyApiKey                 *api_key,
                                     const char               *model,
                                     GBytes                   *body);
/* The cache's figures with the idempotency table's under "idempotency", for
 * GET /api/monitoring/health and GET /api/cache. */
JsonNode *sy_response_reuse_to_json (SyGateway                *gateway);

G_END_DECLS

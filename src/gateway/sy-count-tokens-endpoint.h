/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * POST /v1/messages/count_tokens (Anthropic): an estimate of a request's input tokens, made
 * locally without calling any provider.
 */
#pragma once

#include "gateway/sy-gateway.h"

G_BEGIN_DECLS

void sy_count_tokens_endpoint_handle (SyGateway         *gateway,
                                      SoupServerMessage *msg);

G_END_DECLS

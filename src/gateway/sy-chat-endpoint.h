/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * POST /v1/chat/completions and /v1/providers/{provider}/chat/completions: validates the
 * request, authenticates the client, resolves the model and hands over to SyProxyRequest.
 */
#pragma once

#include "gateway/sy-gateway.h"

G_BEGIN_DECLS

/* forced_provider: from /v1/providers/{provider}/..., or NULL. */
void sy_chat_endpoint_handle (SyGateway         *gateway,
                              SoupServerMessage *msg,
                              const char        *forced_provider);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The AI endpoints of every dialect: POST /v1/chat/completions, /v1/messages, /v1/responses,
 * /v1beta/models/{model}:generateContent and :streamGenerateContent, and the forced-provider
 * /v1/providers/{provider}/chat/completions. Validates the request, authenticates the client,
 * resolves the model and hands over to SyProxyRequest.
 */
#pragma once

#include "gateway/sy-gateway.h"

G_BEGIN_DECLS

typedef struct
{
  SyDialect   dialect;          /* the client's */
  const char *forced_provider;  /* from /v1/providers/{provider}/..., or NULL */
  const char *url_model;        /* Gemini: the model from the URL path */
  gboolean    url_stream;       /* Gemini: :streamGenerateContent */
} SyChatEndpointCall;

/* Method, client key, content type, size and JSON well-formedness, the same for every AI
 * endpoint. Returns the body, or NULL after writing the error in dialect. */
GBytes *sy_chat_endpoint_read_body (SyGateway          *gateway,
                                    SoupServerMessage  *msg,
                                    SyDialect           dialect,
                                    SyApiKey          **api_key);

void sy_chat_endpoint_handle (SyGateway                *gateway,
                              SoupServerMessage        *msg,
                              const SyChatEndpointCall *call);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyProxyRequest: one proxied request from the moment it is routed until the client has the
 * last byte: the attempt loop across accounts, timeouts, the upstream exchange, the relay back
 * (buffered or streamed with backpressure) and its usage row.
 */
#pragma once

#include "gateway/sy-gateway.h"
#include "routing/sy-route.h"

G_BEGIN_DECLS

#include "translate/sy-chat.h"

typedef struct
{
  SoupServerMessage *msg;
  SyDialect          client_dialect;
  const char        *endpoint;        /* "/v1/chat/completions", for the usage log */
  const char        *upstream_path;   /* "/embeddings": overrides the codec's request path
                                       * (NULL: the dialect's chat path) */
  GBytes            *body;            /* the client's body, as received */
  gboolean           has_model_span;  /* body holds the model as a top-level string */
  gsize              model_start;     /* its byte span, for same-dialect forwarding */
  gsize              model_end;
  gboolean           stream;          /* the client asked for a stream */
  SyApiKey          *api_key;         /* nullable */
  SyRoutePlan       *plan;            /* taken */
  SyChatRequest     *request;         /* taken; the parsed body, needed when a target's dialect
                                       * differs from the client's (NULL otherwise) */
} SyProxyRequestInit;

#define SY_TYPE_PROXY_REQUEST (sy_proxy_request_get_type ())
G_DECLARE_FINAL_TYPE (SyProxyRequest, sy_proxy_request, SY, PROXY_REQUEST, GObject)

/* Pauses msg and runs the request to completion; the object keeps itself alive until then. */
void sy_proxy_request_start (SyGateway          *gateway,
                             SyProxyRequestInit *init);

G_END_DECLS

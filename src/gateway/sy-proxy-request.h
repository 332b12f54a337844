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

typedef struct
{
  SoupServerMessage *msg;
  SyDialect          client_dialect;
  const char        *endpoint;        /* "/v1/chat/completions" */
  const char        *upstream_path;   /* appended to the base URL: "/chat/completions" */
  GBytes            *body;
  gsize              model_start;     /* byte span of the "model" string value in body */
  gsize              model_end;
  gboolean           stream;          /* the client asked for a stream */
  SyApiKey          *api_key;         /* nullable */
  SyRoute           *route;           /* taken */
} SyProxyRequestInit;

#define SY_TYPE_PROXY_REQUEST (sy_proxy_request_get_type ())
G_DECLARE_FINAL_TYPE (SyProxyRequest, sy_proxy_request, SY, PROXY_REQUEST, GObject)

/* Pauses msg and runs the request to completion; the object keeps itself alive until then. */
void sy_proxy_request_start (SyGateway          *gateway,
                             SyProxyRequestInit *init);

G_END_DECLS

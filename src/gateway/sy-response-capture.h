/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The capture of a client's answer, for the response cache and idempotency. sy-response-reuse.c
 * attaches one to a request that may be stored; the proxy relay reports the bytes it hands the
 * client (one call per write) and the end. A complete 2xx answer is then stored: in the cache
 * as JSON in the client's dialect (a stream is assembled first), for idempotency as the exact
 * bytes. Anything else (an error, a broken stream, a client that left) releases the
 * idempotency claim so duplicates waiting on it run themselves. Every call is a no-op on a
 * message without a capture.
 */
#pragma once

#include "gateway/sy-idempotency.h"
#include "gateway/sy-response-cache.h"
#include "translate/sy-dialect.h"

G_BEGIN_DECLS

typedef struct
{
  SyDialect        dialect;    /* the client's */
  gboolean         stream;     /* the client asked for a stream */
  SyResponseCache *cache;      /* with cache_key: store a complete answer there */
  const char      *cache_key;
  SyCacheLimits    cache_limits;
  SyIdempotency   *idempotency;  /* with idempotency_key: resolve or abandon the claim */
  const char      *idempotency_key;
  guint64          token;
} SyResponseCaptureInit;

void sy_response_capture_attach (SoupServerMessage           *msg,
                                 const SyResponseCaptureInit *init);
/* Stream bytes as they are written to the client. */
void sy_response_capture_add    (SoupServerMessage           *msg,
                                 const char                  *data,
                                 gsize                        len);
/* The stream is complete (its last bytes were added). */
void sy_response_capture_end    (SoupServerMessage           *msg,
                                 guint                        status);
/* A whole answer written at once (JSON, or a stream replayed in one piece). */
void sy_response_capture_whole  (SoupServerMessage           *msg,
                                 guint                        status,
                                 const char                  *content_type,
                                 const guint8                *data,
                                 gsize                        len);

G_END_DECLS

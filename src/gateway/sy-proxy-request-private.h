/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internals shared by the two halves of SyProxyRequest: sy-proxy-request.c (the attempt loop,
 * timers and the upstream exchange) and sy-proxy-relay.c (the answer back to the client, as
 * is or translated). Nothing outside those two files includes this.
 */
#pragma once

#include "gateway/sy-progress.h"
#include "gateway/sy-proxy-request.h"
#include "gateway/sy-request-core.h"
#include "providers/sy-token-bundle.h"
#include "routing/sy-failure-policy.h"
#include "translate/sy-codec.h"
#include "translate/sy-stream-translator.h"
#include "translate/sy-stream-watcher.h"

G_BEGIN_DECLS

typedef enum {
  SY_TIMER_NONE,
  SY_TIMER_CONNECT,
  SY_TIMER_FIRST_BYTE,
  SY_TIMER_IDLE,
  SY_TIMER_TOTAL,
} SyTimerKind;

struct _SyProxyRequest
{
  GObject             parent_instance;

  SyProxyRequest     *self_ref;       /* held until the client has its answer */
  SyRequestCore       core;           /* the walk over the plan, the client, the usage row */
  SyDialect           client_dialect;
  char               *endpoint;
  char               *upstream_path;  /* NULL: the codec's */
  GBytes             *body;
  gboolean            has_model_span;
  gsize               model_start;
  gsize               model_end;
  gboolean            stream;
  SyChatRequest      *request;        /* the parsed body, when some target speaks another
                                       * dialect; same-dialect targets get the client's bytes */
  GBytes             *upstream_request_body;  /* built once per target */
  GPtrArray          *notes;          /* what translation could not carry */

  SyTokenBundle      *tokens;         /* an OAuth account's, for this attempt */
  gboolean            reauthenticated; /* a 401 already cost one refresh and one retry */

  SoupMessage        *upstream;
  GInputStream       *upstream_body;

  guint               timer_id;
  SyTimerKind         timer_kind;
  SyTimerKind         fired_timer;

  gboolean            committed;      /* status and headers handed to the client */
  gboolean            early;          /* committed as a stream by keep-alive pings, before any
                                       * upstream answered: failover still possible, errors
                                       * must be events */
  guint               keepalive_id;
  guint               chunks_queued;
  gboolean            read_pending;
  gboolean            waiting_for_client;
  GByteArray         *buffer;         /* a buffered upstream body */
  gsize               received;       /* upstream body bytes of this attempt */
  SyStreamTranslator *translator;     /* a translated or assembled upstream stream */
  SyStreamWatcher    *watcher;        /* an upstream stream relayed as is */

  gulong              wrote_chunk_id;
};

/* The current target speaks another dialect than the client. */
static inline gboolean
_sy_proxy_request_translating (SyProxyRequest *self)
{
  return self->core.route->dialect != self->client_dialect;
}

/* sy-proxy-request.c */
/* The attempt failed before the first byte: the router hears why, the next candidate goes. */
void        _sy_proxy_request_attempt_failed (SyProxyRequest  *self,
                                              guint            status,
                                              const SyFailure *failure,
                                              const char      *message);
void        _sy_proxy_request_respond_error  (SyProxyRequest *self,
                                              guint           status,
                                              const char     *type,
                                              const char     *code,
                                              const char     *message);
void        _sy_proxy_request_start_timer    (SyProxyRequest *self,
                                              SyTimerKind     kind);
void        _sy_proxy_request_stop_timer     (SyProxyRequest *self);
const char *_sy_proxy_request_timer_message  (SyTimerKind     kind);
void        _sy_proxy_request_add_route_headers (SyProxyRequest *self);
void        _sy_proxy_request_finish         (SyProxyRequest *self);
/* The upstream refused an OAuth account's token (401): refresh it and send the attempt again,
 * once per request. FALSE when that was done already or the account has no tokens. */
gboolean    _sy_proxy_request_reauthenticate (SyProxyRequest *self);

/* sy-proxy-relay.c */
/* Streaming clients waiting for a slow upstream get keep-alives in their dialect. */
void        _sy_proxy_relay_start_keepalive  (SyProxyRequest *self);
void        _sy_proxy_relay_stop_keepalive   (SyProxyRequest *self);
/* A progress event (X-Switchyard-Progress) for a streaming client still waiting. */
void        _sy_proxy_relay_progress         (SyProxyRequest *self,
                                              SyProgressPhase phase);
/* Ends an early-committed stream with an error event. */
void        _sy_proxy_relay_fail_early       (SyProxyRequest *self,
                                              guint           status,
                                              const char     *type,
                                              const char     *code,
                                              const char     *message);
/* Called once the upstream answered with a status and headers. */
void        _sy_proxy_relay_start            (SyProxyRequest *self);
/* The first byte is about to reach the client. */
void        _sy_proxy_relay_mark_first_byte  (SyProxyRequest *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a proxied request and a transcription request share: the walk over the route plan
 * (accounts in strategy order, breakers, rate-limit slots, the failure bookkeeping), the
 * client-side state and the usage row. Embedded in SyProxyRequest and SyAudioRequest, driven
 * by them; it sends nothing upstream and answers no client itself.
 */
#pragma once

#include <libsoup/soup.h>

#include "gateway/sy-gateway.h"
#include "routing/sy-failure-policy.h"
#include "translate/sy-chat.h"

G_BEGIN_DECLS

typedef struct
{
  SyGateway         *gateway;
  SyRoutingState    *routing;         /* the one the request started with: a database import
                                       * swaps the gateway's, slots go back where they came from */
  SoupServerMessage *msg;
  SyApiKey          *api_key;
  SyRoutePlan       *plan;
  SyRoute           *route;           /* the current target, owned by plan */
  char              *request_id;

  GCancellable      *cancellable;     /* the whole request */
  GCancellable      *attempt_cancellable;
  gulong             cancel_link_id;
  guint              total_timer_id;

  guint              next_target;
  GPtrArray         *accounts;        /* the current target's, in strategy order */
  guint              next_account;
  guint              attempts;
  guint              max_attempts;
  SyConnection      *connection;      /* current attempt */
  gboolean           verdict_pending; /* the breaker admitted this attempt: it owes an outcome */
  gboolean           slot_held;       /* an outbound rate-limit slot of connection */
  gint64             retry_after_ms;  /* the earliest announced or known reset, -1 none */
  char              *last_error;      /* why the previous attempt failed */
  guint              last_status;

  gboolean           completed;       /* the response is whole; finished is expected */
  gboolean           client_gone;
  gulong             finished_id;
  gulong             disconnected_id;
  guint              final_status;
  char              *error_code;
  SyUsage            usage;
  gint64             start_us;
  gint64             first_byte_us;
} SyRequestCore;

void     sy_request_core_init              (SyRequestCore     *core);
/* Refs and handlers (the owner's dispose), then plain memory (its finalize). */
void     sy_request_core_dispose           (SyRequestCore     *core);
void     sy_request_core_finalize          (SyRequestCore     *core);
/* Takes plan; tracks the request with the gateway, links cancellable to cancelled_cb, connects
 * finished and disconnected to finished_cb and arms totalTimeoutMs; all with owner. */
void     sy_request_core_start             (SyRequestCore     *core,
                                            SyGateway         *gateway,
                                            SoupServerMessage *msg,
                                            SyApiKey          *api_key,
                                            SyRoutePlan       *plan,
                                            GCallback          finished_cb,
                                            GCallback          cancelled_cb,
                                            GSourceFunc        total_timeout_cb,
                                            gpointer           owner);
/* The request is over: timers and cancellable go, a pending verdict is abandoned, the slot
 * goes back. */
void     sy_request_core_stop              (SyRequestCore     *core);
/* Its usage row: priced, settled against budgets, counted and queued for the log. */
void     sy_request_core_submit_usage      (SyRequestCore     *core,
                                            const char        *endpoint,
                                            gboolean           stream);
/* The live monitor hears that the request began (nothing is built when nobody listens). */
void     sy_request_core_announce          (SyRequestCore     *core,
                                            const char        *endpoint);
void     sy_request_core_set_error_code    (SyRequestCore     *core,
                                            const char        *code);
/* X-Switchyard-* route headers, Retry-After on errors and X-Request-Id. */
void     sy_request_core_add_route_headers (SyRequestCore     *core);

void     sy_request_core_note_retry_after  (SyRequestCore     *core,
                                            gint64             ms);
gboolean sy_request_core_has_next          (SyRequestCore     *core);
/* The router hears how the attempt went (failure NULL: it succeeded), once per attempt. */
void     sy_request_core_settle            (SyRequestCore     *core,
                                            const SyFailure   *failure,
                                            const char        *message);
/* The attempt failed: the router hears why, its slot goes back, the failure is kept. */
void     sy_request_core_attempt_failed    (SyRequestCore     *core,
                                            guint              status,
                                            const SyFailure   *failure,
                                            const char        *message);
/* No slot came in time: no verdict on the provider, the account was busy, not failing. */
void     sy_request_core_slot_refused      (SyRequestCore     *core);
/* Picks the next account (TRUE) or says the plan is spent (FALSE); new_target says the
 * current target changed on the way. The attempt is counted and the router told. */
gboolean sy_request_core_next_account      (SyRequestCore     *core,
                                            gboolean          *new_target);
/* Every candidate is spent: the last failure, as status, type, code and message. */
guint    sy_request_core_exhausted         (SyRequestCore     *core,
                                            const char       **type,
                                            const char       **code,
                                            const char       **message);

G_END_DECLS

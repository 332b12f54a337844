/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyRoutingState: what the router knows about providers and accounts right now: breakers,
 * account cooldowns and backoff, model lockouts, outbound rate-limit queues, latency and error
 * windows, combo rotation and metrics. The proxy asks it which accounts to try and tells it
 * how each attempt went; the monitoring API reads it. Transitions that must survive a restart
 * go to SyRoutingStateRepo. Memory is bounded by the configured providers, accounts and combos
 * (lockouts by MAX_LOCKOUTS). The clock is injectable for tests.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "routing/sy-account-queue.h"
#include "routing/sy-circuit-breaker.h"
#include "routing/sy-failure-policy.h"
#include "routing/sy-route.h"
#include "store/sy-routing-state-repo.h"
#include "store/sy-settings-repo.h"

G_BEGIN_DECLS

/* Wall-clock ms since the epoch (persisted times must mean the same after a restart). */
typedef gint64 (*SyClockFunc) (gpointer user_data);

#define SY_TYPE_ROUTING_STATE (sy_routing_state_get_type ())
G_DECLARE_FINAL_TYPE (SyRoutingState, sy_routing_state, SY, ROUTING_STATE, GObject)

/* repo may be NULL (nothing persisted). Loads what repo holds. */
SyRoutingState *sy_routing_state_new             (SySettingsRepo     *settings,
                                                  SyRoutingStateRepo *repo);
void            sy_routing_state_set_clock       (SyRoutingState     *self,
                                                  SyClockFunc         clock,
                                                  gpointer            user_data);
/* Seeds the strategies' randomness (tests). */
void            sy_routing_state_set_seed        (SyRoutingState     *self,
                                                  guint32             seed);
gint64          sy_routing_state_now_ms          (SyRoutingState     *self);
/* The strategies' randomness, shared so a seeded test is reproducible end to end. */
GRand          *sy_routing_state_get_rand        (SyRoutingState     *self);

/* The route's accounts in the order the routing strategy chooses, without those cooling down
 * or with the route's model locked. When none is left, *retry_after_ms (if not NULL) is the
 * time until the first becomes usable again (-1: none will by waiting). Refs. */
GPtrArray      *sy_routing_state_order_accounts  (SyRoutingState     *self,
                                                  const SyRoute      *route,
                                                  gint64             *retry_after_ms);
/* May an attempt go to the route's provider (its breaker)? An admitted attempt must end in
 * record_success, record_failure or abandon. */
gboolean        sy_routing_state_admit           (SyRoutingState     *self,
                                                  const SyRoute      *route,
                                                  gint64             *retry_after_ms);
/* The attempt goes to connection now (round-robin and least-used bookkeeping). */
void            sy_routing_state_note_attempt    (SyRoutingState     *self,
                                                  const SyRoute      *route,
                                                  SyConnection       *connection);
void            sy_routing_state_record_success  (SyRoutingState     *self,
                                                  const SyRoute      *route,
                                                  SyConnection       *connection,
                                                  double              latency_ms);
/* connection may be NULL (the failure happened before an account was chosen). */
void            sy_routing_state_record_failure  (SyRoutingState     *self,
                                                  const SyRoute      *route,
                                                  SyConnection       *connection,
                                                  const SyFailure    *failure,
                                                  const char         *message);
/* An admitted attempt ended without a verdict on the provider (the client left). */
void            sy_routing_state_abandon         (SyRoutingState     *self,
                                                  const SyRoute      *route);

/* Outbound limits: the account's own, else the global settings. Queued requests wait up to
 * rateLimitQueueTimeoutMs; cancellable ends the wait early. A granted slot (now or through
 * ready) is given back with release_slot. */
SySlotResult    sy_routing_state_acquire_slot    (SyRoutingState     *self,
                                                  SyConnection       *connection,
                                                  GCancellable       *cancellable,
                                                  SySlotReadyFunc     ready,
                                                  gpointer            user_data);
void            sy_routing_state_release_slot    (SyRoutingState     *self,
                                                  SyConnection       *connection);

/* Combos: the rotation position (returned, then advanced) and per-member request counts. */
guint           sy_routing_state_next_position   (SyRoutingState     *self,
                                                  const char         *combo);
guint64         sy_routing_state_member_requests (SyRoutingState     *self,
                                                  const char         *combo,
                                                  const char         *member);
void            sy_routing_state_record_member   (SyRoutingState     *self,
                                                  const char         *combo,
                                                  const char         *member,
                                                  gboolean            success);

/* Clears every breaker, cooldown and lockout (metrics stay). */
void            sy_routing_state_reset           (SyRoutingState     *self);
/* Lifts lockouts of connection_id (of one model, or all when model is NULL) and its cooldown.
 * Returns how many entries were lifted. */
guint           sy_routing_state_unlock          (SyRoutingState     *self,
                                                  const char         *connection_id,
                                                  const char         *model);
/* Breakers, cooldowns, lockouts, queues, latency percentiles, error rates and combo metrics. */
JsonNode       *sy_routing_state_to_json         (SyRoutingState     *self);
/* Each provider's breaker state as users should read it (OPEN past its reset reads
 * HALF_OPEN), in no particular order; for /metrics. */
typedef void  (*SyBreakerStateFunc)              (const char         *provider_label,
                                                  SyBreakerState      state,
                                                  gpointer            user_data);
void            sy_routing_state_foreach_breaker (SyRoutingState     *self,
                                                  SyBreakerStateFunc  func,
                                                  gpointer            user_data);

G_END_DECLS

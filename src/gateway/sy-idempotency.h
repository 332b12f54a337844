/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyIdempotency: requests that carry the same idempotency key (the caller makes the key from
 * Idempotency-Key or X-Request-Id, the client's API key and the request) get one upstream
 * call. The first claims the key and runs; a duplicate while it runs waits, paused; a
 * duplicate within SY_IDEMPOTENCY_WINDOW_MS of its answer gets that answer. When the first
 * fails or its client leaves, the waiters are woken to run themselves. Holds paused messages,
 * never writes to them: the wake function does. Main thread only.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "gateway/sy-stored-answer.h"
#include "routing/sy-routing-state.h"

G_BEGIN_DECLS

#define SY_IDEMPOTENCY_WINDOW_MS 5000

typedef enum {
  SY_IDEMPOTENCY_CLAIMED,  /* the first with this key: run it, then resolve or abandon */
  SY_IDEMPOTENCY_DONE,     /* answered within the window: *answer is the first answer */
  SY_IDEMPOTENCY_WAITING,  /* the first is running: msg is paused until the wake function */
} SyIdempotencyClaim;

typedef enum {
  SY_IDEMPOTENCY_WAKE_REPLAY,  /* the first answer is known: give it */
  SY_IDEMPOTENCY_WAKE_RUN,     /* the first ended without an answer to keep: run this one */
  SY_IDEMPOTENCY_WAKE_STOP,    /* the gateway is shutting down */
  SY_IDEMPOTENCY_WAKE_GONE,    /* the waiting client went away (msg is no longer usable) */
} SyIdempotencyWake;

/* Called once per waiter, from the main loop (never from inside resolve or abandon). answer is
 * set for REPLAY only. */
typedef void (*SyIdempotencyWakeFunc) (SoupServerMessage *msg,
                                       SyIdempotencyWake  why,
                                       SyStoredAnswer    *answer,
                                       gpointer           user_data);

#define SY_TYPE_IDEMPOTENCY (sy_idempotency_get_type ())
G_DECLARE_FINAL_TYPE (SyIdempotency, sy_idempotency, SY, IDEMPOTENCY, GObject)

SyIdempotency     *sy_idempotency_new       (void);
/* The clock for the window, in ms (monotonic by default); tests pass a fake one. */
void               sy_idempotency_set_clock (SyIdempotency          *self,
                                             SyClockFunc             clock,
                                             gpointer                user_data);
/* CLAIMED: *token identifies the claim for resolve/abandon. DONE: *answer is a reference.
 * WAITING: msg is paused and referenced; wake (with user_data, freed by destroy after) is
 * called once when the first request is over or this client leaves. */
SyIdempotencyClaim sy_idempotency_claim     (SyIdempotency          *self,
                                             const char             *key,
                                             SoupServerMessage      *msg,
                                             SyIdempotencyWakeFunc   wake,
                                             gpointer                user_data,
                                             GDestroyNotify          destroy,
                                             SyStoredAnswer        **answer,
                                             guint64                *token);
/* The claimed request answered: waiters get the answer, and so do duplicates within the
 * window. A stale token (the claim was abandoned or evicted) is ignored. */
void               sy_idempotency_resolve   (SyIdempotency          *self,
                                             const char             *key,
                                             guint64                 token,
                                             SyStoredAnswer         *answer);
/* The claimed request ended without an answer to keep: the key is free again and its waiters
 * run. */
void               sy_idempotency_abandon   (SyIdempotency          *self,
                                             const char             *key,
                                             guint64                 token);
/* Wakes every waiter with STOP (or REPLAY when its answer is known) and refuses new waits. */
void               sy_idempotency_shutdown  (SyIdempotency          *self);
/* {"keys", "inFlight", "waiting", "replays", "windowMs"} */
JsonNode          *sy_idempotency_to_json   (SyIdempotency          *self);

G_END_DECLS

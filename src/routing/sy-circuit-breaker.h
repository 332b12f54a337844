/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyCircuitBreaker: one provider's breaker. CLOSED lets requests through and counts
 * consecutive provider-level failures; at the profile's threshold it OPENs and refuses
 * everything until the reset time; then one probe goes through (HALF_OPEN): its success closes
 * the breaker, its failure opens it again for twice as long (up to the profile's cap). A plain
 * value type driven by the caller's clock (epoch ms), so tests control time exactly.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SY_BREAKER_CLOSED,
  SY_BREAKER_OPEN,
  SY_BREAKER_HALF_OPEN,
} SyBreakerState;

typedef struct
{
  guint  failure_threshold;      /* consecutive failures that open the breaker, >= 1 */
  gint64 reset_ms;               /* how long OPEN lasts before the probe */
  guint  max_backoff_multiplier; /* each failed probe doubles reset_ms, up to reset_ms x this */
} SyBreakerProfile;

typedef struct
{
  SyBreakerState state;
  guint          failures;        /* consecutive, while CLOSED */
  guint          failed_probes;   /* consecutive OPEN -> probe -> OPEN cycles */
  gint64         open_until_ms;   /* while OPEN */
  gboolean       probe_in_flight; /* while HALF_OPEN */
} SyCircuitBreaker;

void           sy_circuit_breaker_init           (SyCircuitBreaker       *self);
/* May a request go to this provider now? OPEN past its reset time becomes HALF_OPEN and lets
 * exactly one request through (the probe); the others are refused until it reports. */
gboolean       sy_circuit_breaker_allow          (SyCircuitBreaker       *self,
                                                  gint64                  now_ms);
void           sy_circuit_breaker_record_success (SyCircuitBreaker       *self);
void           sy_circuit_breaker_record_failure (SyCircuitBreaker       *self,
                                                  const SyBreakerProfile *profile,
                                                  gint64                  now_ms);
/* A request that was let through ended with no verdict on the provider (the client left, or
 * the failure was the account's own): a pending probe slot is given back. */
void           sy_circuit_breaker_release        (SyCircuitBreaker       *self);
/* The state as users should see it: OPEN past its reset time reads HALF_OPEN. */
SyBreakerState sy_circuit_breaker_peek           (const SyCircuitBreaker *self,
                                                  gint64                  now_ms);
/* ms until an OPEN breaker lets its probe through; 0 otherwise. */
gint64         sy_circuit_breaker_retry_after_ms (const SyCircuitBreaker *self,
                                                  gint64                  now_ms);
const char    *sy_breaker_state_to_string        (SyBreakerState          state);

/* Account cooldowns grow the same way: base x 2^level, level capped at max_level. */
gint64         sy_backoff_delay_ms               (gint64                  base_ms,
                                                  guint                   level,
                                                  guint                   max_level);

G_END_DECLS

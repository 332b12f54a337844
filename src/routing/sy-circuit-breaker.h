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
  guint  failure_threshold;      /* consecutive failures that open the breaker, >= 1 (0 reads
                                  * as 1) */
  gint64 reset_ms;               /* how long OPEN lasts before the probe */
  guint  max_backoff_multiplier; /* each failed probe doubles reset_ms, up to reset_ms x this
                                  * (0 reads as 1): the n-th failed probe in a row opens it for
                                  * reset_ms x min (2^n, this) */
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
/* May a request go to this provider now? OPEN past its reset time (now_ms >= open_until_ms)
 * becomes HALF_OPEN and lets exactly one request through (the probe); the others are refused
 * until it reports or is released. */
gboolean       sy_circuit_breaker_allow          (SyCircuitBreaker       *self,
                                                  gint64                  now_ms);
/* Verdicts. CLOSED: a success resets the failure count, a failure adds to it. HALF_OPEN: a
 * success closes, a failure opens again for longer (also when the probe slot had been given
 * back: the provider still fails after the reset time). OPEN: both are ignored; they come from
 * requests let through before the breaker opened and neither closes it nor pushes the probe
 * further away. Times saturate at G_MAXINT64 rather than overflow. */
void           sy_circuit_breaker_record_success (SyCircuitBreaker       *self);
void           sy_circuit_breaker_record_failure (SyCircuitBreaker       *self,
                                                  const SyBreakerProfile *profile,
                                                  gint64                  now_ms);
/* A request that was let through ended with no verdict on the provider (the client left, or
 * the failure was the account's own): a pending probe slot is given back. A no-op in the other
 * states. */
void           sy_circuit_breaker_release        (SyCircuitBreaker       *self);
/* The state as users should see it: OPEN past its reset time reads HALF_OPEN. */
SyBreakerState sy_circuit_breaker_peek           (const SyCircuitBreaker *self,
                                                  gint64                  now_ms);
/* ms until an OPEN breaker lets its probe through; 0 otherwise. */
gint64         sy_circuit_breaker_retry_after_ms (const SyCircuitBreaker *self,
                                                  gint64                  now_ms);
/* "CLOSED", "OPEN", "HALF_OPEN", as OmniRoute's health API spells them. */
const char    *sy_breaker_state_to_string        (SyBreakerState          state);

/* Account cooldowns grow the same way: base x 2^level, level capped at max_level; 0 for
 * base <= 0, G_MAXINT64 when the product does not fit. */
gint64         sy_backoff_delay_ms               (gint64                  base_ms,
                                                  guint                   level,
                                                  guint                   max_level);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy-circuit-breaker.c: the per-provider breaker state machine (CLOSED -> OPEN -> HALF_OPEN)
 * and the capped exponential backoff shared with account cooldowns. Pure: no clock of its own,
 * no I/O, no allocation; every sum and product saturates instead of overflowing.
 */
#define G_LOG_DOMAIN "sy-routing"

#include "sy-circuit-breaker.h"

/* a + b for b >= 0, saturating at G_MAXINT64. */
static inline gint64
add_saturating (gint64 a,
                gint64 b)
{
  g_assert (b >= 0);
  return a > G_MAXINT64 - b ? G_MAXINT64 : a + b;
}

/* base x 2^level for base >= 0, saturating at G_MAXINT64. */
static inline gint64
shift_saturating (gint64 base,
                  guint  level)
{
  g_assert (base >= 0);
  if (base == 0)
    return 0;
  if (level >= 63 || base > (G_MAXINT64 >> level))
    return G_MAXINT64;
  return base << level;
}

/* A profile read defensively: a threshold or a cap of 0 reads as 1, a negative reset as 0. */
static guint
profile_threshold (const SyBreakerProfile *profile)
{
  return MAX (profile->failure_threshold, 1);
}

static gint64
profile_reset_ms (const SyBreakerProfile *profile)
{
  return MAX (profile->reset_ms, 0);
}

/* reset_ms x min (2^failed_probes, max_backoff_multiplier). */
static gint64
open_duration_ms (const SyBreakerProfile *profile,
                  guint                   failed_probes)
{
  guint cap = MAX (profile->max_backoff_multiplier, 1);
  guint64 multiplier;

  if (failed_probes >= 32)
    multiplier = cap;
  else
    multiplier = MIN ((guint64) 1 << failed_probes, (guint64) cap);

  if ((guint64) profile_reset_ms (profile) > (guint64) G_MAXINT64 / multiplier)
    return G_MAXINT64;
  return profile_reset_ms (profile) * (gint64) multiplier;
}

static void
trip (SyCircuitBreaker       *self,
      const SyBreakerProfile *profile,
      gint64                  now_ms)
{
  self->state = SY_BREAKER_OPEN;
  self->failures = 0;
  self->probe_in_flight = FALSE;
  self->open_until_ms = add_saturating (now_ms, open_duration_ms (profile, self->failed_probes));
}

void
sy_circuit_breaker_init (SyCircuitBreaker *self)
{
  g_return_if_fail (self != NULL);

  *self = (SyCircuitBreaker) {
    .state = SY_BREAKER_CLOSED,
  };
}

gboolean
sy_circuit_breaker_allow (SyCircuitBreaker *self,
                          gint64            now_ms)
{
  g_return_val_if_fail (self != NULL, FALSE);

  switch (self->state)
    {
    case SY_BREAKER_CLOSED:
      return TRUE;

    case SY_BREAKER_OPEN:
      if (now_ms < self->open_until_ms)
        return FALSE;
      self->state = SY_BREAKER_HALF_OPEN;
      self->probe_in_flight = TRUE;
      return TRUE;

    case SY_BREAKER_HALF_OPEN:
      if (self->probe_in_flight)
        return FALSE;
      self->probe_in_flight = TRUE;
      return TRUE;

    default:
      g_return_val_if_reached (FALSE);
    }
}

void
sy_circuit_breaker_record_success (SyCircuitBreaker *self)
{
  g_return_if_fail (self != NULL);

  switch (self->state)
    {
    case SY_BREAKER_CLOSED:
      self->failures = 0;
      break;

    case SY_BREAKER_HALF_OPEN:
      self->state = SY_BREAKER_CLOSED;
      self->failures = 0;
      self->failed_probes = 0;
      self->probe_in_flight = FALSE;
      break;

    case SY_BREAKER_OPEN:
      /* A request admitted before the breaker opened came back fine. Only the probe decides
       * when an OPEN breaker closes: one late success does not outweigh the run of failures
       * that tripped it. */
      break;

    default:
      g_return_if_reached ();
    }
}

void
sy_circuit_breaker_record_failure (SyCircuitBreaker       *self,
                                   const SyBreakerProfile *profile,
                                   gint64                  now_ms)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (profile != NULL);

  switch (self->state)
    {
    case SY_BREAKER_CLOSED:
      if (self->failures < G_MAXUINT)
        self->failures++;
      if (self->failures >= profile_threshold (profile))
        {
          self->failed_probes = 0;
          trip (self, profile, now_ms);
        }
      break;

    case SY_BREAKER_HALF_OPEN:
      /* The probe failed (or, with the probe slot given back, a request admitted before the
       * breaker opened failed after the reset time: the provider is still failing). */
      if (self->failed_probes < G_MAXUINT)
        self->failed_probes++;
      trip (self, profile, now_ms);
      break;

    case SY_BREAKER_OPEN:
      /* A request admitted before the breaker opened failed late: it says nothing new, and it
       * must not push the probe further away. */
      break;

    default:
      g_return_if_reached ();
    }
}

void
sy_circuit_breaker_release (SyCircuitBreaker *self)
{
  g_return_if_fail (self != NULL);

  if (self->state == SY_BREAKER_HALF_OPEN)
    self->probe_in_flight = FALSE;
}

SyBreakerState
sy_circuit_breaker_peek (const SyCircuitBreaker *self,
                         gint64                  now_ms)
{
  g_return_val_if_fail (self != NULL, SY_BREAKER_CLOSED);

  if (self->state == SY_BREAKER_OPEN && now_ms >= self->open_until_ms)
    return SY_BREAKER_HALF_OPEN;
  return self->state;
}

gint64
sy_circuit_breaker_retry_after_ms (const SyCircuitBreaker *self,
                                   gint64                  now_ms)
{
  g_return_val_if_fail (self != NULL, 0);

  if (self->state != SY_BREAKER_OPEN || now_ms >= self->open_until_ms)
    return 0;
  /* open_until_ms > now_ms here; the difference only overflows for a clock near G_MININT64. */
  if (now_ms < 0 && self->open_until_ms > G_MAXINT64 + now_ms)
    return G_MAXINT64;
  return self->open_until_ms - now_ms;
}

const char *
sy_breaker_state_to_string (SyBreakerState state)
{
  switch (state)
    {
    case SY_BREAKER_CLOSED: return "CLOSED";
    case SY_BREAKER_OPEN: return "OPEN";
    case SY_BREAKER_HALF_OPEN: return "HALF_OPEN";
    default: g_return_val_if_reached ("CLOSED");
    }
}

gint64
sy_backoff_delay_ms (gint64 base_ms,
                     guint  level,
                     guint  max_level)
{
  if (base_ms <= 0)
    return 0;
  return shift_saturating (base_ms, MIN (level, max_level));
}

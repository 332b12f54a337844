/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyResilienceProfile: how patient Switchyard is with one provider: when its breaker opens and
 * for how long, and how long its accounts cool down after a rate limit. Defaults come by
 * provider class (local servers fail fast, subscriptions are given longer); the
 * "providerProfiles" setting overrides them by class or by provider id.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "sy-circuit-breaker.h"

G_BEGIN_DECLS

typedef enum {
  SY_PROVIDER_CLASS_APIKEY,
  SY_PROVIDER_CLASS_OAUTH,
  SY_PROVIDER_CLASS_LOCAL,     /* a server on this machine or the local network */
} SyProviderClass;

typedef struct
{
  SyBreakerProfile breaker;
  gint64           cooldown_base_ms;   /* first cooldown of an account without a reset hint */
  guint            cooldown_max_level; /* cooldowns double up to base x 2^max_level */
} SyResilienceProfile;

/* The profile for provider_id of class klass: class defaults, then overrides (the validated
 * "providerProfiles" setting, may be NULL) for the class name, then for the provider id. */
void        sy_resilience_profile_resolve      (SyResilienceProfile *out,
                                                SyProviderClass      klass,
                                                const char          *provider_id,
                                                JsonNode            *overrides);
/* A base URL on loopback or a private network is LOCAL; otherwise auth_type decides. */
SyProviderClass sy_provider_class_for          (const char          *base_url,
                                                const char          *auth_type);
const char *sy_provider_class_to_string        (SyProviderClass      klass);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Provider profiles: class defaults (after OmniRoute's PROVIDER_PROFILES, with thresholds
 * lowered for API keys: twelve failures in a row is a long time to keep sending users into a
 * dead provider) and the user's overrides. Pure.
 */
#define G_LOG_DOMAIN "sy-routing"

#include "sy-resilience-profile.h"

#include <gio/gio.h>
#include <string.h>

static const SyResilienceProfile class_defaults[] = {
  [SY_PROVIDER_CLASS_APIKEY] = { { 5, 30000, 4 }, 5000, 6 },
  [SY_PROVIDER_CLASS_OAUTH] = { { 8, 60000, 8 }, 5000, 8 },
  [SY_PROVIDER_CLASS_LOCAL] = { { 2, 15000, 4 }, 2000, 3 },
};

static const char * const class_names[] = {
  [SY_PROVIDER_CLASS_APIKEY] = "apikey",
  [SY_PROVIDER_CLASS_OAUTH] = "oauth",
  [SY_PROVIDER_CLASS_LOCAL] = "local",
};

const char *
sy_provider_class_to_string (SyProviderClass klass)
{
  g_return_val_if_fail (klass < G_N_ELEMENTS (class_names), "apikey");
  return class_names[klass];
}

static void
apply (SyResilienceProfile *out,
       JsonObject          *o)
{
  if (json_object_has_member (o, "failureThreshold"))
    out->breaker.failure_threshold = (guint) json_object_get_int_member (o, "failureThreshold");
  if (json_object_has_member (o, "resetMs"))
    out->breaker.reset_ms = json_object_get_int_member (o, "resetMs");
  if (json_object_has_member (o, "maxBackoffMultiplier"))
    out->breaker.max_backoff_multiplier =
      (guint) json_object_get_int_member (o, "maxBackoffMultiplier");
  if (json_object_has_member (o, "cooldownBaseMs"))
    out->cooldown_base_ms = json_object_get_int_member (o, "cooldownBaseMs");
  if (json_object_has_member (o, "cooldownMaxLevel"))
    out->cooldown_max_level = (guint) json_object_get_int_member (o, "cooldownMaxLevel");
}

void
sy_resilience_profile_resolve (SyResilienceProfile *out,
                               SyProviderClass      klass,
                               const char          *provider_id,
                               JsonNode            *overrides)
{
  JsonObject *all;

  g_return_if_fail (klass < G_N_ELEMENTS (class_defaults));

  *out = class_defaults[klass];
  if (overrides == NULL || !JSON_NODE_HOLDS_OBJECT (overrides))
    return;
  all = json_node_get_object (overrides);
  if (json_object_has_member (all, class_names[klass]))
    apply (out, json_object_get_object_member (all, class_names[klass]));
  if (provider_id != NULL && json_object_has_member (all, provider_id))
    apply (out, json_object_get_object_member (all, provider_id));
}

SyProviderClass
sy_provider_class_for (const char *base_url,
                       const char *auth_type)
{
  g_autoptr(GUri) uri = base_url ? g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host = uri ? g_uri_get_host (uri) : NULL;

  if (host != NULL)
    {
      g_autoptr(GInetAddress) address = NULL;
      g_autofree char *bare = NULL;

      if (g_ascii_strcasecmp (host, "localhost") == 0)
        return SY_PROVIDER_CLASS_LOCAL;
      bare = host[0] == '[' ? g_strndup (host + 1, strlen (host) - 2) : g_strdup (host);
      address = g_inet_address_new_from_string (bare);
      if (address != NULL && (g_inet_address_get_is_loopback (address) ||
                              g_inet_address_get_is_site_local (address) ||
                              g_inet_address_get_is_link_local (address)))
        return SY_PROVIDER_CLASS_LOCAL;
    }
  return g_strcmp0 (auth_type, "oauth") == 0 ? SY_PROVIDER_CLASS_OAUTH : SY_PROVIDER_CLASS_APIKEY;
}

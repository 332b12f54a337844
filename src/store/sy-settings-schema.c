/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every setting Switchyard knows, with its default and its valid values. The management API,
 * the desktop app and the router all read settings through SySettingsRepo, which validates
 * against this table before anything is written. Structured values are checked here in full
 * so the router can trust what it reads.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-settings-schema.h"

#include <string.h>

#include "sy-network-settings.h"

/* The names SyAccountStrategy and SyComboStrategy parse (src/routing/sy-strategy.h). */
static const char * const account_strategies[] = {
  "fill-first", "round-robin", "p2c", "random", "least-used", "cost-optimized", NULL
};
static const char * const thinking_policies[] = {
  "passthrough", "default", "override", NULL
};
static const char * const combo_strategies[] = {
  "priority", "round-robin", "random", "weighted", "least-used", "cost-optimized", NULL
};

#define MAX_ALIASES 500
#define MAX_CHAINS 20
#define MAX_CHAIN_MODELS 20
#define MAX_MODEL_CHARS 256

static gboolean
is_text (JsonNode   *node,
         gsize       max_chars,
         const char *what,
         GString    *why)
{
  const char *s;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_string_append_printf (why, "%s: expected a string", what);
      return FALSE;
    }
  s = json_node_get_string (node);
  if (*s == '\0' || g_utf8_strlen (s, -1) > (glong) max_chars)
    {
      g_string_append_printf (why, "%s: expected 1 to %" G_GSIZE_FORMAT " characters", what,
                              max_chars);
      return FALSE;
    }
  for (const char *p = s; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      {
        g_string_append_printf (why, "%s: control characters are not allowed", what);
        return FALSE;
      }
  return TRUE;
}

static gboolean
only_members (JsonObject         *object,
              const char * const *allowed,
              const char         *what,
              GString            *why)
{
  g_autoptr(GList) names = json_object_get_members (object);

  for (GList *l = names; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_string_append_printf (why, "%s: unknown member \"%s\"", what, (const char *) l->data);
        return FALSE;
      }
  return TRUE;
}

/* An array of at most max objects, each with only the members allowed, each passing check. */
static gboolean
validate_object_array (JsonNode           *node,
                       guint               max,
                       const char * const *members,
                       gboolean          (*check) (JsonObject *item, const char *at, GString *why),
                       GString            *why)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autofree char *list = g_strjoinv ("\", \"", (char **) members);

      g_string_append_printf (why, "expected an array of {\"%s\"}", list);
      return FALSE;
    }
  array = json_node_get_array (node);
  if (json_array_get_length (array) > max)
    {
      g_string_append_printf (why, "at most %u entries", max);
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      g_autofree char *at = g_strdup_printf ("[%u]", i);

      if (!JSON_NODE_HOLDS_OBJECT (item))
        {
          g_string_append_printf (why, "%s: expected an object", at);
          return FALSE;
        }
      if (!only_members (json_node_get_object (item), members, at, why) ||
          !check (json_node_get_object (item), at, why))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_alias (JsonObject *o,
             const char *at,
             GString    *why)
{
  return is_text (json_object_get_member (o, "pattern"), MAX_MODEL_CHARS, "pattern", why) &&
         is_text (json_object_get_member (o, "target"), MAX_MODEL_CHARS, "target", why);
}

/* [{"pattern": "claude-sonnet-*", "target": "cc/claude-sonnet-4-5-20250929"}] */
static gboolean
validate_aliases (JsonNode *node,
                  GString  *why)
{
  static const char * const members[] = { "pattern", "target", NULL };

  return validate_object_array (node, MAX_ALIASES, members, check_alias, why);
}

static gboolean
check_chain (JsonObject *o,
             const char *at,
             GString    *why)
{
  JsonNode *models = json_object_get_member (o, "models");
  JsonArray *list;

  if (!is_text (json_object_get_member (o, "name"), 64, "name", why))
    return FALSE;
  if (models == NULL || !JSON_NODE_HOLDS_ARRAY (models) ||
      (list = json_node_get_array (models), json_array_get_length (list) == 0) ||
      json_array_get_length (list) > MAX_CHAIN_MODELS)
    {
      g_string_append_printf (why, "%s.models: expected 1 to %d model names", at,
                              MAX_CHAIN_MODELS);
      return FALSE;
    }
  for (guint j = 0; j < json_array_get_length (list); j++)
    if (!is_text (json_array_get_element (list, j), MAX_MODEL_CHARS, "models", why))
      return FALSE;
  return TRUE;
}

/* [{"name": "production-fallback", "models": ["cc/claude-opus-4-6", "glm/glm-4.7"]}] */
static gboolean
validate_chains (JsonNode *node,
                 GString  *why)
{
  static const char * const members[] = { "name", "models", NULL };

  return validate_object_array (node, MAX_CHAINS, members, check_chain, why);
}

typedef struct
{
  const char *name;
  gint64      min;
  gint64      max;
} ProfileField;

/* Keep in step with SyResilienceProfile (src/routing/sy-resilience-profile.h). */
static const ProfileField profile_fields[] = {
  { "failureThreshold",     1,   1000 },
  { "resetMs",              100, 86400000 },
  { "maxBackoffMultiplier", 1,   1024 },
  { "cooldownBaseMs",       0,   86400000 },
  { "cooldownMaxLevel",     0,   20 },
};

/* {"apikey": {"failureThreshold": 12}, "openai": {"resetMs": 60000}}: keys are a provider
 * class (apikey, oauth, local) or a provider id; members override the class defaults. */
static gboolean
validate_profiles (JsonNode *node,
                   GString  *why)
{
  JsonObject *object;
  g_autoptr(GList) names = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_string_append (why, "expected an object of profiles by provider or class");
      return FALSE;
    }
  object = json_node_get_object (node);
  names = json_object_get_members (object);
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *profile = json_object_get_member (object, l->data);
      g_autoptr(GList) fields = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (profile))
        {
          g_string_append_printf (why, "%s: expected an object", (const char *) l->data);
          return FALSE;
        }
      fields = json_object_get_members (json_node_get_object (profile));
      for (GList *f = fields; f != NULL; f = f->next)
        {
          JsonNode *value = json_object_get_member (json_node_get_object (profile), f->data);
          const ProfileField *spec = NULL;

          for (guint i = 0; i < G_N_ELEMENTS (profile_fields) && spec == NULL; i++)
            if (g_str_equal (profile_fields[i].name, f->data))
              spec = &profile_fields[i];
          if (spec == NULL)
            {
              g_string_append_printf (why, "%s.%s: unknown member", (const char *) l->data,
                                      (const char *) f->data);
              return FALSE;
            }
          if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_INT64 ||
              json_node_get_int (value) < spec->min || json_node_get_int (value) > spec->max)
            {
              g_string_append_printf (why, "%s.%s: expected an integer from %" G_GINT64_FORMAT
                                      " to %" G_GINT64_FORMAT, (const char *) l->data,
                                      spec->name, spec->min, spec->max);
              return FALSE;
            }
        }
    }
  return TRUE;
}

/* A string of at most 32 KiB (the global system prompt; "" is off). */
static gboolean
validate_prompt (JsonNode *node,
                 GString  *why)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_string_append (why, "expected a string (\"\" turns it off)");
      return FALSE;
    }
  if (strlen (json_node_get_string (node)) > 32768 ||
      !g_utf8_validate (json_node_get_string (node), -1, NULL))
    {
      g_string_append (why, "expected UTF-8 text of at most 32 KiB");
      return FALSE;
    }
  return TRUE;
}

#define BOOLEAN(n, d)          { n, SY_SETTING_BOOLEAN, d, 0, 1, NULL, NULL, NULL }
#define INT(n, d, lo, hi)      { n, SY_SETTING_INT, d, lo, hi, NULL, NULL, NULL }
#define CHOICE(n, list)        { n, SY_SETTING_CHOICE, 0, 0, 0, list, NULL, NULL }
#define JSON(n, def, check)    { n, SY_SETTING_JSON, 0, 0, 0, NULL, def, check }

static const SySettingSpec schema[] = {
  BOOLEAN ("requireApiKey", FALSE),
  /* Timeouts default long enough for slow thinking models: a first byte may take minutes. */
  INT ("connectTimeoutMs", 10000, 100, 600000),
  INT ("firstByteTimeoutMs", 600000, 1000, 3600000),
  INT ("idleTimeoutMs", 300000, 1000, 3600000),
  INT ("totalTimeoutMs", 3600000, 0, 86400000),
  INT ("maxBodyBytes", 32 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  /* A streaming client waiting for a slow first byte gets its dialect's keep-alive this often
   * (Anthropic "event: ping", an SSE comment for OpenAI); 0 turns them off. */
  INT ("streamKeepAliveMs", 15000, 0, 300000),
  /* Longer than the clients' own pools (hyper, behind Codex, keeps idle connections 90 s):
   * closing first makes them write into a dead connection. */
  INT ("keepAliveIdleMs", 120000, 1000, 3600000),

  /* Routing (docs/routing.md). */
  CHOICE ("routingStrategy", account_strategies),
  INT ("stickyRoundRobinLimit", 3, 1, 1000),
  /* Subscription accounts whose quota window resets soonest go first, so quota that would
   * expire unused is spent first (docs/subscriptions.md). */
  BOOLEAN ("preferExpiringQuota", TRUE),
  CHOICE ("comboStrategy", combo_strategies),
  INT ("maxComboDepth", 3, 1, 8),
  INT ("maxAttemptsPerRequest", 30, 1, 100),
  JSON ("modelAliases", "[]", validate_aliases),
  JSON ("fallbackChains", "[]", validate_chains),

  /* Resilience: breakers and cooldowns per provider profile, outbound limits per account
   * (0: no limit; an account's own limits win), how long a request may queue for one. */
  JSON ("providerProfiles", "{}", validate_profiles),
  BOOLEAN ("useUpstreamRetryHints", TRUE),
  INT ("modelLockoutMs", 120000, 0, 86400000),
  INT ("rateLimitRpm", 0, 0, 100000),
  INT ("rateLimitMinGapMs", 0, 0, 600000),
  INT ("rateLimitMaxConcurrent", 0, 0, 10000),
  INT ("rateLimitQueueTimeoutMs", 30000, 0, 600000),

  /* AI: added to every request, off unless the user turns them on (docs/injection.md). */
  JSON ("systemPrompt", "\"\"", validate_prompt),
  CHOICE ("thinkingBudgetMode", thinking_policies),
  INT ("thinkingBudgetTokens", 8192, 1024, 200000),

  /* Usage log: raw rows older than this many days are deleted (daily aggregates are kept);
   * 0 keeps them forever (docs/usage.md). */
  INT ("usageRetentionDays", 90, 0, 36500),

  /* Budgets (docs/budgets.md): the output tokens a request without its own max_tokens is
   * reserved for against its API key's budget. */
  INT ("budgetDefaultOutputTokens", 4096, 0, 1000000),

  /* Response cache (docs/cache.md): answers to temperature-0 requests, per API key. The
   * environment's PROMPT_CACHE_MAX_SIZE, SEMANTIC_CACHE_MAX_SIZE and SEMANTIC_CACHE_TTL_MS
   * override the limits. */
  BOOLEAN ("cacheEnabled", TRUE),
  INT ("cacheMaxEntries", 100, 0, 1000000),
  INT ("cacheMaxBytes", 4 * 1024 * 1024, 0, 1024 * 1024 * 1024),
  INT ("cacheTtlMs", 1800000, 1000, 7 * 86400000LL),

  /* Network and access control (docs/network.md): outbound proxies by level (passwords live
   * in the secret store; edit through /api/settings/proxy), which clients may call /v1, and
   * providers routing must skip. */
  JSON ("outboundProxies", "{}", sy_network_settings_validate_proxies),
  JSON ("ipAllowList", "[]", sy_network_settings_validate_ip_list),
  JSON ("ipDenyList", "[]", sy_network_settings_validate_ip_list),
  JSON ("blockedProviders", "[]", sy_network_settings_validate_providers),
};

const SySettingSpec *
sy_settings_schema_get (guint *n_specs)
{
  *n_specs = G_N_ELEMENTS (schema);
  return schema;
}

int
sy_settings_schema_find (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (schema); i++)
    if (strcmp (schema[i].name, name) == 0)
      return (int) i;
  return -1;
}

const SySettingSpec *
sy_settings_schema_lookup (const char *name)
{
  int i;

  g_return_val_if_fail (name != NULL, NULL);

  i = sy_settings_schema_find (name);
  return i < 0 ? NULL : &schema[i];
}

JsonNode *
sy_settings_schema_dup_default (const SySettingSpec *spec)
{
  g_return_val_if_fail (spec != NULL, NULL);

  switch (spec->type)
    {
    case SY_SETTING_BOOLEAN:
      return json_node_init_boolean (json_node_alloc (), spec->def != 0);
    case SY_SETTING_INT:
      return json_node_init_int (json_node_alloc (), spec->def);
    case SY_SETTING_CHOICE:
      return json_node_init_string (json_node_alloc (), spec->choices[0]);
    case SY_SETTING_JSON:
    default:
      return json_from_string (spec->def_json, NULL);
    }
}

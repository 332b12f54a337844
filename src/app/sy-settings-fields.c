/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The words and layout of the Settings page, one entry per setting. Pure data: the values,
 * their ranges and what is valid belong to the store's schema and the management API.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-settings-fields.h"

#include <glib/gi18n.h>

#define SECURITY SY_SETTINGS_TAB_SECURITY
#define ROUTING SY_SETTINGS_TAB_ROUTING
#define RESILIENCE SY_SETTINGS_TAB_RESILIENCE
#define AI SY_SETTINGS_TAB_AI
#define ADVANCED SY_SETTINGS_TAB_ADVANCED

/* A control shown as stored, one shown in another unit, a structured value, a choice. */
#define PLAIN(n, t, g, l, d, u)      { n, t, g, l, d, SY_SETTING_EDIT_CONTROL, 1, 0, u, NULL }
#define SCALED(n, t, g, l, d, s, digits, u) \
                                     { n, t, g, l, d, SY_SETTING_EDIT_CONTROL, s, digits, u, NULL }
#define EDITED(n, t, g, l, d, e)     { n, t, g, l, d, e, 1, 0, NULL, NULL }
#define CHOICE(n, t, g, l, d, c)     { n, t, g, l, d, SY_SETTING_EDIT_CONTROL, 1, 0, NULL, c }

static const SySettingField fields[] = {
  /* Security */
  PLAIN ("requireApiKey", SECURITY, N_("Access"), N_("Require an API key"),
         N_("Tools must send one of your inbound API keys with every request. Needed when "
            "Switchyard listens beyond this computer."), NULL),
  EDITED ("ipAllowList", SECURITY, N_("IP access control"), N_("Allowed addresses"),
          N_("One address or range per line (192.168.1.0/24, ::1). Empty allows every address "
             "that is not denied."), SY_SETTING_EDIT_LINES),
  EDITED ("ipDenyList", SECURITY, NULL, N_("Denied addresses"),
          N_("One address or range per line. A denied address is refused even when it is also "
             "allowed."), SY_SETTING_EDIT_LINES),
  EDITED ("blockedProviders", SECURITY, N_("Provider blocking"), N_("Blocked providers"),
          N_("One provider id or prefix per line (openai, ds). Routing skips them as if they "
             "had no accounts."), SY_SETTING_EDIT_LINES),

  /* Routing */
  CHOICE ("routingStrategy", ROUTING, N_("Accounts"), N_("Account strategy"),
          N_("Which account of a provider serves the next request."),
          sy_format_account_strategies),
  PLAIN ("stickyRoundRobinLimit", ROUTING, NULL, N_("Round-robin stickiness"),
         N_("Under round-robin, how many requests in a row one account serves before the next "
            "takes over."), N_("requests")),
  PLAIN ("preferExpiringQuota", ROUTING, NULL, N_("Spend expiring quota first"),
         N_("Among subscription accounts, the one whose quota window resets soonest goes first, "
            "so quota is not left to expire unused. Exhausted accounts go last."), NULL),
  CHOICE ("comboStrategy", ROUTING, N_("Combos"), N_("Combo strategy"),
          N_("How combos whose own strategy is Default pick their members."),
          sy_format_combo_strategies),
  PLAIN ("maxComboDepth", ROUTING, NULL, N_("Nested combo depth"),
         N_("How many levels of combos inside combos are followed."), N_("levels")),
  PLAIN ("maxAttemptsPerRequest", ROUTING, NULL, N_("Attempts per request"),
         N_("The most accounts and members one request tries before it fails."),
         N_("attempts")),
  EDITED ("modelAliases", ROUTING, N_("Models"), N_("Model aliases"),
          N_("JSON: [{\"pattern\": \"claude-sonnet-*\", \"target\": \"cc/claude-sonnet-4-5\"}]. "
             "A model name matching a pattern (* and ? work) is sent to its target."),
          SY_SETTING_EDIT_JSON),
  EDITED ("fallbackChains", ROUTING, NULL, N_("Fallback chains"),
          N_("JSON: [{\"name\": \"production-fallback\", \"models\": [\"cc/claude-opus-4-6\", "
             "\"glm/glm-4.7\"]}]. When the first model fails, the next one answers."),
          SY_SETTING_EDIT_JSON),

  /* Resilience */
  SCALED ("connectTimeoutMs", RESILIENCE, N_("Timeouts"), N_("Connect"),
          N_("How long to wait for a provider to accept the connection."), 1000, 1, N_("s")),
  SCALED ("firstByteTimeoutMs", RESILIENCE, NULL, N_("First byte"),
          N_("How long a provider may think before its answer starts. Slow reasoning models "
             "need minutes."), 1000, 1, N_("s")),
  SCALED ("idleTimeoutMs", RESILIENCE, NULL, N_("Pause in a stream"),
          N_("The longest silence allowed between two parts of a streamed answer."), 1000, 1,
          N_("s")),
  SCALED ("totalTimeoutMs", RESILIENCE, NULL, N_("Whole request"),
          N_("The longest a request may take from start to end; 0 means no limit."), 1000, 1,
          N_("s")),
  PLAIN ("useUpstreamRetryHints", RESILIENCE, N_("Failures"), N_("Use providers' retry times"),
         N_("When a provider says when to try again, an account rests exactly that long."),
         NULL),
  SCALED ("modelLockoutMs", RESILIENCE, NULL, N_("Model lockout"),
          N_("How long an account is not asked again for a model it does not have; 0 turns "
             "this off."), 1000, 1, N_("s")),
  PLAIN ("rateLimitRpm", RESILIENCE, N_("Rate limits for every account"),
         N_("Requests per minute"),
         N_("The most requests one account is sent per minute; 0 means no limit. An account's "
            "own limits win."), N_("per minute")),
  PLAIN ("rateLimitMinGapMs", RESILIENCE, NULL, N_("Gap between requests"),
         N_("The least time between two requests to one account; 0 means none."), N_("ms")),
  PLAIN ("rateLimitMaxConcurrent", RESILIENCE, NULL, N_("Requests at once"),
         N_("The most requests one account handles at the same time; 0 means no limit."),
         N_("requests")),
  SCALED ("rateLimitQueueTimeoutMs", RESILIENCE, NULL, N_("Waiting for a busy account"),
          N_("How long a request waits for an account at its limit before it moves on."), 1000,
          1, N_("s")),
  EDITED ("providerProfiles", RESILIENCE, N_("Provider profiles"), N_("Breaker and cooldown "
                                                                      "overrides"),
          N_("JSON by provider class (apikey, oauth, local) or provider id: {\"openai\": "
             "{\"failureThreshold\": 8, \"resetMs\": 60000}}. Empty uses the built-in profiles."),
          SY_SETTING_EDIT_JSON),

  /* AI */
  EDITED ("systemPrompt", AI, N_("Added to every request"), N_("Global system prompt"),
          N_("Placed before each request's own system instructions, whatever the tool. Empty "
             "adds nothing."), SY_SETTING_EDIT_TEXT),
  CHOICE ("thinkingBudgetMode", AI, NULL, N_("Thinking budget"),
          N_("Whether requests get the thinking budget below."), sy_format_thinking_modes),
  PLAIN ("thinkingBudgetTokens", AI, NULL, N_("Thinking budget size"),
         N_("Tokens of reasoning a request may use; tools that speak in efforts get the matching "
            "effort."), N_("tokens")),
  PLAIN ("cacheEnabled", AI, N_("Answer cache"), N_("Reuse identical answers"),
         N_("A request sent again with temperature 0 is answered from the cache. Turning it off "
            "empties the cache."), NULL),
  PLAIN ("cacheMaxEntries", AI, NULL, N_("Cache entries"),
         N_("The most answers kept; 0 keeps none."), N_("answers")),
  SCALED ("cacheMaxBytes", AI, NULL, N_("Cache size"),
          N_("The most memory the stored answers may use; a larger answer is not kept."), 1024,
          0, N_("KiB")),
  SCALED ("cacheTtlMs", AI, NULL, N_("Cache lifetime"),
          N_("How long a stored answer is reused."), 1000, 0, N_("s")),

  /* Advanced */
  SCALED ("maxBodyBytes", ADVANCED, N_("Requests"), N_("Largest request"),
          N_("Requests larger than this are refused before they are read."), 1024, 0,
          N_("KiB")),
  SCALED ("streamKeepAliveMs", ADVANCED, NULL, N_("Stream keep-alive"),
          N_("While a provider is slow to start, tools get a keep-alive this often so they do "
             "not give up; 0 turns it off."), 1000, 1, N_("s")),
  SCALED ("keepAliveIdleMs", ADVANCED, NULL, N_("Idle connections"),
          N_("How long an idle connection from a tool is kept open."), 1000, 1, N_("s")),
  PLAIN ("budgetDefaultOutputTokens", ADVANCED, NULL, N_("Budget reservation"),
         N_("Output tokens a request without its own limit is counted for against its key's "
            "budget."), N_("tokens")),
  PLAIN ("usageRetentionDays", ADVANCED, N_("Usage log"), N_("Keep request details"),
         N_("Requests older than this are deleted; daily totals stay. 0 keeps everything."),
         N_("days")),

  /* Has its own API and page-to-be: /api/settings/proxy. */
  EDITED ("outboundProxies", ADVANCED, NULL, NULL, NULL, SY_SETTING_EDIT_HIDDEN),
};

static const char * const tab_names[SY_SETTINGS_N_TABS] = {
  "security", "routing", "resilience", "ai", "advanced",
};

const SySettingField *
sy_settings_fields_get (guint *n_fields)
{
  *n_fields = G_N_ELEMENTS (fields);
  return fields;
}

SySettingField
sy_settings_fields_lookup (const char *name)
{
  SySettingField unknown = EDITED (name, ADVANCED, NULL, name, NULL, SY_SETTING_EDIT_JSON);

  g_return_val_if_fail (name != NULL, unknown);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].name, name))
      return fields[i];
  return unknown;
}

const char *
sy_settings_tab_get_name (SySettingsTab tab)
{
  g_return_val_if_fail (tab < SY_SETTINGS_N_TABS, NULL);
  return tab_names[tab];
}

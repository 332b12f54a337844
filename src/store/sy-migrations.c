/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Schema of switchyard.db, as numbered migrations applied in order inside one transaction each.
 * Table names follow OmniRoute's user guide (provider_connections, provider_nodes, combos,
 * api_keys). Credentials never appear here: connections hold a secret-store reference only.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-migrations.h"

static const SyMigration migrations[] = {
  { 1,
    "CREATE TABLE provider_nodes ("
    "  id TEXT PRIMARY KEY,"
    "  prefix TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  api_type TEXT NOT NULL,"
    "  base_url TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE TABLE provider_connections ("
    "  id TEXT PRIMARY KEY,"
    "  provider TEXT NOT NULL,"
    "  auth_type TEXT NOT NULL DEFAULT 'apikey',"
    "  name TEXT NOT NULL,"
    "  base_url TEXT,"
    "  priority INTEGER NOT NULL DEFAULT 1,"
    "  is_active INTEGER NOT NULL DEFAULT 1,"
    "  has_secret INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE INDEX provider_connections_by_provider ON provider_connections (provider, priority);"
    "CREATE TABLE combos ("
    "  id TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  strategy TEXT NOT NULL DEFAULT 'priority',"
    "  data TEXT NOT NULL DEFAULT '{}',"
    "  sort_order INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE TABLE api_keys ("
    "  id TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  key_hash TEXT NOT NULL UNIQUE,"
    "  key_prefix TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  last_used_at INTEGER);"
    "CREATE TABLE settings ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL);"
    "CREATE TABLE pricing ("
    "  provider TEXT NOT NULL,"
    "  model TEXT NOT NULL,"
    "  input_per_mtok REAL NOT NULL DEFAULT 0,"
    "  output_per_mtok REAL NOT NULL DEFAULT 0,"
    "  cached_per_mtok REAL NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (provider, model));"
    "CREATE TABLE usage_history ("
    "  id INTEGER PRIMARY KEY,"
    "  timestamp INTEGER NOT NULL,"
    "  request_id TEXT NOT NULL,"
    "  endpoint TEXT NOT NULL,"
    "  api_key_id TEXT,"
    "  requested_model TEXT,"
    "  provider TEXT,"
    "  connection_id TEXT,"
    "  model TEXT,"
    "  status INTEGER NOT NULL,"
    "  success INTEGER NOT NULL,"
    "  stream INTEGER NOT NULL DEFAULT 0,"
    "  attempts INTEGER NOT NULL DEFAULT 1,"
    "  tokens_input INTEGER,"
    "  tokens_output INTEGER,"
    "  tokens_cache_read INTEGER,"
    "  tokens_cache_creation INTEGER,"
    "  tokens_reasoning INTEGER,"
    "  latency_ms REAL,"
    "  ttfb_ms REAL,"
    "  error_code TEXT);"
    "CREATE INDEX usage_history_by_time ON usage_history (timestamp);"
    "CREATE INDEX usage_history_by_key ON usage_history (api_key_id, timestamp);"
  },
  /* Routing: per-account outbound limits (NULL follows the global setting) and the state
   * that must survive a restart (breakers, cooldowns, lockouts, rotation positions). */
  { 2,
    "ALTER TABLE provider_connections ADD COLUMN rpm_limit INTEGER;"
    "ALTER TABLE provider_connections ADD COLUMN min_gap_ms INTEGER;"
    "ALTER TABLE provider_connections ADD COLUMN max_concurrent INTEGER;"
    "CREATE TABLE routing_state ("
    "  scope TEXT NOT NULL,"
    "  key TEXT NOT NULL,"
    "  data TEXT NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  PRIMARY KEY (scope, key));"
  },
  /* Costs and the usage API (docs/usage.md): each row's cost (NULL: unknown), indices for
   * newest-first pages filtered by provider, model or errors, and daily aggregates (UTC days
   * since 1970-01-01, kept by the usage writer in the rows' own transaction, split by
   * success so a status filter reads them too; '' stands for "none", as NULL would break the
   * key). Defaults in the pricing table are marked so seeding may refresh them but never a
   * user's edit; a removed default stays removed. */
  { 3,
    "ALTER TABLE usage_history ADD COLUMN cost_usd REAL;"
    "CREATE INDEX usage_history_by_provider ON usage_history (provider, timestamp);"
    "CREATE INDEX usage_history_by_model ON usage_history (model, timestamp);"
    "CREATE INDEX usage_history_errors ON usage_history (timestamp) WHERE success = 0;"
    "CREATE TABLE usage_daily ("
    "  day INTEGER NOT NULL,"
    "  api_key_id TEXT NOT NULL,"
    "  provider TEXT NOT NULL,"
    "  model TEXT NOT NULL,"
    "  success INTEGER NOT NULL,"
    "  requests INTEGER NOT NULL DEFAULT 0,"
    "  tokens_input INTEGER NOT NULL DEFAULT 0,"
    "  tokens_output INTEGER NOT NULL DEFAULT 0,"
    "  tokens_cache_read INTEGER NOT NULL DEFAULT 0,"
    "  tokens_cache_creation INTEGER NOT NULL DEFAULT 0,"
    "  tokens_reasoning INTEGER NOT NULL DEFAULT 0,"
    "  cost_usd REAL NOT NULL DEFAULT 0,"
    "  unpriced INTEGER NOT NULL DEFAULT 0,"
    "  latency_ms REAL NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (day, api_key_id, provider, model, success)) WITHOUT ROWID;"
    "INSERT INTO usage_daily SELECT timestamp / 86400000, COALESCE (api_key_id, ''),"
    "  COALESCE (provider, ''), COALESCE (model, ''), success, COUNT(*),"
    "  TOTAL (tokens_input), TOTAL (tokens_output), TOTAL (tokens_cache_read),"
    "  TOTAL (tokens_cache_creation), TOTAL (tokens_reasoning), 0, COUNT(*),"
    "  TOTAL (latency_ms)"
    "  FROM usage_history GROUP BY 1, 2, 3, 4, 5;"
    "ALTER TABLE pricing ADD COLUMN is_default INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE pricing_removed ("
    "  provider TEXT NOT NULL,"
    "  model TEXT NOT NULL,"
    "  PRIMARY KEY (provider, model)) WITHOUT ROWID;"
  },
  /* Budgets per inbound API key (docs/budgets.md): one row per key and period, gone with
   * the key. Spending is not stored here: it is summed from usage_history. */
  { 4,
    "CREATE TABLE api_key_budgets ("
    "  key_id TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,"
    "  period TEXT NOT NULL CHECK (period IN ('daily', 'weekly', 'monthly')),"
    "  limit_usd REAL NOT NULL CHECK (limit_usd > 0),"
    "  warning_at REAL NOT NULL DEFAULT 0.8 CHECK (warning_at > 0 AND warning_at <= 1),"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  PRIMARY KEY (key_id, period)) WITHOUT ROWID;"
  },
  /* Inbound key scopes: the models (glob patterns) and combos a key may use, as JSON arrays
   * (empty: no restriction), and its own request limits (0: none). */
  { 5,
    "ALTER TABLE api_keys ADD COLUMN allowed_models TEXT NOT NULL DEFAULT '[]';"
    "ALTER TABLE api_keys ADD COLUMN allowed_combos TEXT NOT NULL DEFAULT '[]';"
    "ALTER TABLE api_keys ADD COLUMN max_requests_per_minute INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE api_keys ADD COLUMN max_requests_per_day INTEGER NOT NULL DEFAULT 0;"
  },
  /* Subscription accounts and custom models (docs/providers.md). A connection signed in with
   * OAuth keeps its tokens in the secret store; here only what is not secret: whether it needs
   * a new login and why, the account it belongs to (an e-mail or a login name), when its access
   * token expires, and provider data such as a workspace, project or region (a JSON object).
   * custom_models are model ids a user added to a provider's list (the "Custom Models" page). */
  { 6,
    "ALTER TABLE provider_connections ADD COLUMN auth_state TEXT NOT NULL DEFAULT 'ok';"
    "ALTER TABLE provider_connections ADD COLUMN auth_error TEXT;"
    "ALTER TABLE provider_connections ADD COLUMN account TEXT;"
    "ALTER TABLE provider_connections ADD COLUMN token_expires_at INTEGER;"
    "ALTER TABLE provider_connections ADD COLUMN provider_data TEXT NOT NULL DEFAULT '{}';"
    "CREATE TABLE custom_models ("
    "  provider TEXT NOT NULL,"
    "  model TEXT NOT NULL,"
    "  name TEXT,"
    "  type TEXT NOT NULL DEFAULT 'chat' CHECK (type IN ('chat', 'embedding', 'image', 'audio')),"
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (provider, model)) WITHOUT ROWID;"
  },
};

const SyMigration *
sy_migrations_get (guint *n_migrations)
{
  *n_migrations = G_N_ELEMENTS (migrations);
  return migrations;
}

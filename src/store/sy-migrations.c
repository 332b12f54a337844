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
};

const SyMigration *
sy_migrations_get (guint *n_migrations)
{
  *n_migrations = G_N_ELEMENTS (migrations);
  return migrations;
}

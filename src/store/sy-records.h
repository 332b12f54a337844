/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The stored configuration records: provider nodes, provider connections and inbound API keys.
 * Immutable once built and reference counted, so a request in flight keeps the version it
 * started with while the management API replaces it. No secrets in here, ever.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct
{
  char   *id;
  char   *prefix;
  char   *name;
  char   *api_type;     /* "openai" | "anthropic" | "gemini" | "responses" */
  char   *base_url;
  gint64  created_at;   /* ms since the epoch */
  gint64  updated_at;
} SyProviderNode;

typedef struct
{
  char     *id;
  char     *provider;   /* canonical provider id, or a provider node's id */
  char     *auth_type;  /* "apikey" | "oauth" */
  char     *name;
  char     *base_url;   /* NULL: the provider's default */
  int       priority;   /* lower first */
  gboolean  enabled;
  gboolean  has_secret;
  int       rpm_limit;        /* outbound limits; -1 follows the global setting, 0 none */
  int       min_gap_ms;
  int       max_concurrent;
  /* OAuth accounts (auth_type "oauth"); API-key accounts leave these at their defaults. */
  char     *auth_state;       /* "ok" | "needs_login" */
  char     *auth_error;       /* why it needs a login, for people; NULL when ok */
  char     *account;          /* e-mail or login name the tokens belong to; may be NULL */
  gint64    token_expires_at; /* ms since the epoch; 0: unknown or not a token */
  char     *provider_data;    /* JSON object text: workspaceId, projectId, region, ... */
  gint64    created_at;
  gint64    updated_at;
} SyConnection;

typedef struct
{
  char   *id;
  char   *name;
  char   *key_hash;    /* hex SHA-256 of the key */
  char   *key_prefix;  /* first characters, for people to recognise it */
  gint64  created_at;
  /* Scopes (docs/network.md): with both lists empty the key may use everything; otherwise a
   * combo must be in allowed_combos and any other model must match allowed_models. */
  char  **allowed_models;        /* glob patterns such as openai/gpt-4o*; NULL or empty: none */
  char  **allowed_combos;        /* combo names; NULL or empty: none */
  int     max_requests_per_minute;  /* 0: no limit */
  int     max_requests_per_day;     /* 0: no limit */
} SyApiKey;

SyProviderNode *sy_provider_node_new   (void);
SyProviderNode *sy_provider_node_ref   (SyProviderNode *self);
void            sy_provider_node_unref (SyProviderNode *self);

SyConnection   *sy_connection_new      (void);
SyConnection   *sy_connection_copy     (const SyConnection *self);
SyConnection   *sy_connection_ref      (SyConnection *self);
void            sy_connection_unref    (SyConnection *self);

SyApiKey       *sy_api_key_new         (void);
SyApiKey       *sy_api_key_ref         (SyApiKey *self);
void            sy_api_key_unref       (SyApiKey *self);

/* A random identifier (UUID v4 text) and the wall clock in ms, for every table. */
char           *sy_record_new_id       (void);
gint64          sy_record_now_ms       (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyProviderNode, sy_provider_node_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyConnection, sy_connection_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyApiKey, sy_api_key_unref)

G_END_DECLS

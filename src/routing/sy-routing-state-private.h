/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyRoutingState internals shared by its three files: sy-routing-state.c (decisions and
 * outcomes), sy-routing-state-persist.c (what survives a restart) and sy-routing-state-view.c
 * (the monitoring view). Nothing else includes this.
 */
#pragma once

#include "sy-routing-state.h"

#include "sy-circuit-breaker.h"
#include "sy-latency-window.h"

G_BEGIN_DECLS

#define LATENCY_SAMPLES 512
#define MAX_LOCKOUTS 10000
#define MAX_COMBOS 1000
#define QUOTA_COOLDOWN_MS (60 * 60 * 1000)  /* a quota with no announced reset */
#define POSITION_TTL_MS ((gint64) 30 * 24 * 60 * 60 * 1000)

typedef struct
{
  char             *label;
  SyProviderClass   klass;
  SyCircuitBreaker  breaker;
  SyLatencyWindow  *latency;
  char             *last_connection;  /* the most recently used account, for round-robin */
} ProviderHealth;

typedef struct
{
  char           *provider_label;
  char           *name;
  gint64          cooldown_until;
  guint           backoff_level;
  char           *reason;
  guint64         last_use;           /* the state's use counter at the last use; 0: never */
  guint           consecutive_uses;
  double          error_rate;         /* exponentially weighted, 0..1 */
  SyAccountQueue *queue;
} AccountHealth;

typedef struct
{
  char   *connection_id;
  char   *provider_label;
  char   *model;
  gint64  until;
  char   *reason;
} Lockout;

typedef struct
{
  guint64 requests;
  guint64 successes;
  guint64 failures;
} MemberStats;

typedef struct
{
  guint       position;
  GHashTable *members;   /* member model string -> MemberStats */
} ComboStats;

struct _SyRoutingState
{
  GObject             parent_instance;
  SySettingsRepo     *settings;
  SyRoutingStateRepo *repo;
  SyClockFunc         clock;
  gpointer            clock_data;
  GRand              *rand;
  GHashTable         *providers;  /* provider id -> ProviderHealth */
  GHashTable         *accounts;   /* connection id -> AccountHealth */
  GHashTable         *lockouts;   /* "connection\nmodel" -> Lockout */
  GHashTable         *combos;     /* sy_name_fold (combo name) -> ComboStats */
  guint64             uses;       /* counts attempts: orders accounts by recency */
  guint               profiles_generation;
  JsonNode           *profiles;   /* the providerProfiles setting */
};

ProviderHealth *_sy_routing_state_provider       (SyRoutingState *self,
                                                  const char     *id,
                                                  const char     *label,
                                                  SyProviderClass klass);
AccountHealth  *_sy_routing_state_account        (SyRoutingState *self,
                                                  SyConnection   *connection,
                                                  const char     *provider_label);
ComboStats     *_sy_routing_state_combo          (SyRoutingState *self,
                                                  const char     *combo);
char           *_sy_routing_state_lockout_key    (const char     *connection_id,
                                                  const char     *model);

void            _sy_routing_state_save_breaker   (SyRoutingState *self,
                                                  const char     *provider_id,
                                                  ProviderHealth *p);
void            _sy_routing_state_save_cooldown  (SyRoutingState *self,
                                                  const char     *connection_id,
                                                  AccountHealth  *a);
void            _sy_routing_state_save_lockout   (SyRoutingState *self,
                                                  const char     *key,
                                                  Lockout        *l);
void            _sy_routing_state_save_positions (SyRoutingState *self);
void            _sy_routing_state_load_row       (const char     *scope,
                                                  const char     *key,
                                                  JsonObject     *data,
                                                  gint64          expires_at,
                                                  gpointer        user_data);

G_END_DECLS

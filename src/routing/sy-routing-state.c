/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The router's memory. Everything here runs on the main loop and is O(1) or O(accounts of one
 * provider) per request; the JSON view for the monitoring API is the only walk over it all.
 * Rows persisted: "breaker" (open breakers), "cooldown" (accounts), "lockout" (account and
 * model), "position" (combo rotation), each with its expiry.
 */
#define G_LOG_DOMAIN "sy-routing"

#include "sy-routing-state-private.h"

#include "sy-circuit-breaker.h"
#include "sy-latency-window.h"
#include "sy-strategy.h"

#include "core/sy-name-fold.h"

G_DEFINE_FINAL_TYPE (SyRoutingState, sy_routing_state, G_TYPE_OBJECT)

static void
provider_health_free (ProviderHealth *p)
{
  g_free (p->label);
  g_free (p->last_connection);
  sy_latency_window_free (p->latency);
  g_free (p);
}

static void
account_health_free (AccountHealth *a)
{
  g_free (a->provider_label);
  g_free (a->name);
  g_free (a->reason);
  sy_account_queue_free (a->queue);
  g_free (a);
}

static void
lockout_free (Lockout *l)
{
  g_free (l->connection_id);
  g_free (l->provider_label);
  g_free (l->model);
  g_free (l->reason);
  g_free (l);
}

static void
combo_stats_free (ComboStats *c)
{
  g_hash_table_unref (c->members);
  g_free (c);
}

static gint64
wall_clock (gpointer user_data)
{
  return g_get_real_time () / 1000;
}

gint64
sy_routing_state_now_ms (SyRoutingState *self)
{
  return self->clock (self->clock_data);
}

static void
sy_routing_state_dispose (GObject *object)
{
  SyRoutingState *self = SY_ROUTING_STATE (object);

  if (self->repo != NULL && self->combos != NULL)
    _sy_routing_state_save_positions (self);
  g_clear_pointer (&self->accounts, g_hash_table_unref);
  g_clear_pointer (&self->providers, g_hash_table_unref);
  g_clear_pointer (&self->lockouts, g_hash_table_unref);
  g_clear_pointer (&self->combos, g_hash_table_unref);
  g_clear_pointer (&self->profiles, json_node_unref);
  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_object (&self->repo);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (sy_routing_state_parent_class)->dispose (object);
}

static void
sy_routing_state_class_init (SyRoutingStateClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sy_routing_state_dispose;
}

static void
sy_routing_state_init (SyRoutingState *self)
{
  self->clock = wall_clock;
  self->rand = g_rand_new ();
  self->providers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) provider_health_free);
  self->accounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) account_health_free);
  self->lockouts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) lockout_free);
  self->combos = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) combo_stats_free);
}

/* --- lookups ------------------------------------------------------------------------------ */

ProviderHealth *
_sy_routing_state_provider (SyRoutingState *self,
                 const char     *id,
                 const char     *label,
                 SyProviderClass klass)
{
  ProviderHealth *p = g_hash_table_lookup (self->providers, id);

  if (p == NULL)
    {
      p = g_new0 (ProviderHealth, 1);
      p->label = g_strdup (label ? label : id);
      p->klass = klass;
      p->latency = sy_latency_window_new (LATENCY_SAMPLES);
      sy_circuit_breaker_init (&p->breaker);
      g_hash_table_insert (self->providers, g_strdup (id), p);
    }
  return p;
}

AccountHealth *
_sy_routing_state_account (SyRoutingState *self,
                SyConnection   *connection,
                const char     *provider_label)
{
  AccountHealth *a = g_hash_table_lookup (self->accounts, connection->id);

  if (a == NULL)
    {
      a = g_new0 (AccountHealth, 1);
      a->queue = sy_account_queue_new ();
      g_hash_table_insert (self->accounts, g_strdup (connection->id), a);
    }
  if (provider_label != NULL && g_strcmp0 (a->provider_label, provider_label) != 0)
    {
      g_free (a->provider_label);
      a->provider_label = g_strdup (provider_label);
    }
  if (g_strcmp0 (a->name, connection->name) != 0)
    {
      g_free (a->name);
      a->name = g_strdup (connection->name);
    }
  return a;
}

char *
_sy_routing_state_lockout_key (const char *connection_id,
             const char *model)
{
  return g_strconcat (connection_id, "\n", model, NULL);
}

ComboStats *
_sy_routing_state_combo (SyRoutingState *self,
             const char     *combo)
{
  g_autofree char *key = sy_name_fold (combo);
  ComboStats *c = g_hash_table_lookup (self->combos, key);

  if (c == NULL)
    {
      if (g_hash_table_size (self->combos) >= MAX_COMBOS)
        g_hash_table_remove_all (self->combos);
      c = g_new0 (ComboStats, 1);
      c->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_insert (self->combos, g_steal_pointer (&key), c);
    }
  return c;
}

/* The breaker is per provider; its class is worked out once, when it is first seen. */
static ProviderHealth *
provider_for_route (SyRoutingState *self,
                    const SyRoute  *route)
{
  ProviderHealth *p = g_hash_table_lookup (self->providers, route->provider_id);

  return p ? p : _sy_routing_state_provider (self, route->provider_id, route->provider_label,
                                              sy_route_provider_class (route));
}

static void
profile_for (SyRoutingState      *self,
             const SyRoute       *route,
             SyResilienceProfile *out)
{
  guint generation = sy_settings_repo_get_generation (self->settings);

  if (self->profiles == NULL || generation != self->profiles_generation)
    {
      g_clear_pointer (&self->profiles, json_node_unref);
      self->profiles = sy_settings_repo_dup_json (self->settings, "providerProfiles");
      self->profiles_generation = generation;
    }
  sy_resilience_profile_resolve (out, provider_for_route (self, route)->klass,
                                 route->provider_label, self->profiles);
}

SyRoutingState *
sy_routing_state_new (SySettingsRepo     *settings,
                      SyRoutingStateRepo *repo)
{
  SyRoutingState *self = g_object_new (SY_TYPE_ROUTING_STATE, NULL);
  g_autoptr(GError) error = NULL;

  self->settings = g_object_ref (settings);
  if (repo != NULL)
    {
      self->repo = g_object_ref (repo);
      if (!sy_routing_state_repo_load (repo, sy_routing_state_now_ms (self), _sy_routing_state_load_row, self,
                                       &error))
        g_warning ("starting with fresh routing state: %s", error->message);
    }
  return self;
}

void
sy_routing_state_set_clock (SyRoutingState *self,
                            SyClockFunc     clock,
                            gpointer        user_data)
{
  g_return_if_fail (SY_IS_ROUTING_STATE (self));
  self->clock = clock ? clock : wall_clock;
  self->clock_data = user_data;
}

GRand *
sy_routing_state_get_rand (SyRoutingState *self)
{
  g_return_val_if_fail (SY_IS_ROUTING_STATE (self), NULL);
  return self->rand;
}

void
sy_routing_state_set_seed (SyRoutingState *self,
                           guint32         seed)
{
  g_return_if_fail (SY_IS_ROUTING_STATE (self));
  g_rand_set_seed (self->rand, seed);
}

/* --- choosing accounts ------------------------------------------------------------------- */

static gboolean
locked (SyRoutingState *self,
        const char     *connection_id,
        const char     *model,
        gint64          now,
        gint64         *until)
{
  g_autofree char *key = NULL;
  Lockout *l;

  if (g_hash_table_size (self->lockouts) == 0)
    return FALSE;
  key = _sy_routing_state_lockout_key (connection_id, model);
  l = g_hash_table_lookup (self->lockouts, key);
  if (l == NULL)
    return FALSE;
  if (l->until <= now)
    {
      g_hash_table_remove (self->lockouts, key);
      return FALSE;
    }
  *until = l->until;
  return TRUE;
}

GPtrArray *
sy_routing_state_order_accounts (SyRoutingState *self,
                                 const SyRoute  *route,
                                 gint64         *retry_after_ms)
{
  gint64 now = sy_routing_state_now_ms (self);
  gint64 earliest = G_MAXINT64;
  SyAccountStrategy strategy = SY_ACCOUNT_FILL_FIRST;
  g_autofree SyAccountView *views = NULL;
  g_autofree guint *order = NULL;
  g_autoptr(GPtrArray) usable = g_ptr_array_new ();
  GPtrArray *out;

  g_return_val_if_fail (SY_IS_ROUTING_STATE (self), NULL);

  for (guint i = 0; i < route->candidates->len; i++)
    {
      SyConnection *c = g_ptr_array_index (route->candidates, i);
      AccountHealth *a = g_hash_table_lookup (self->accounts, c->id);
      gint64 until;

      if (a != NULL && a->cooldown_until > now)
        earliest = MIN (earliest, a->cooldown_until);
      else if (locked (self, c->id, route->upstream_model, now, &until))
        earliest = MIN (earliest, until);
      else
        g_ptr_array_add (usable, c);
    }
  if (retry_after_ms != NULL)
    *retry_after_ms = usable->len == 0 && earliest != G_MAXINT64 ? earliest - now : -1;

  out = g_ptr_array_new_full (usable->len, (GDestroyNotify) sy_connection_unref);
  if (usable->len <= 1)
    {
      if (usable->len == 1)
        g_ptr_array_add (out, sy_connection_ref (g_ptr_array_index (usable, 0)));
      return out;
    }

  if (route->account_strategy >= 0)
    strategy = (SyAccountStrategy) route->account_strategy;
  else
    sy_account_strategy_from_string (sy_settings_repo_get_choice (self->settings,
                                                                  "routingStrategy"), &strategy);
  views = g_new0 (SyAccountView, usable->len);
  order = g_new (guint, usable->len);
  for (guint i = 0; i < usable->len; i++)
    {
      SyConnection *c = g_ptr_array_index (usable, i);
      AccountHealth *a = g_hash_table_lookup (self->accounts, c->id);

      views[i].priority = c->priority;
      if (a != NULL)
        {
          views[i].last_used_ms = (gint64) a->last_use;
          views[i].consecutive_uses = a->consecutive_uses;
          views[i].backoff_level = a->backoff_level;
          views[i].error_rate = a->error_rate;
          views[i].in_flight = sy_account_queue_in_flight (a->queue);
        }
    }
  sy_account_strategy_order (strategy, views, usable->len,
                             (guint) sy_settings_repo_get_int (self->settings,
                                                               "stickyRoundRobinLimit"),
                             self->rand, order);
  for (guint i = 0; i < usable->len; i++)
    g_ptr_array_add (out, sy_connection_ref (g_ptr_array_index (usable, order[i])));
  return out;
}

gboolean
sy_routing_state_admit (SyRoutingState *self,
                        const SyRoute  *route,
                        gint64         *retry_after_ms)
{
  ProviderHealth *p;
  gint64 now;

  g_return_val_if_fail (SY_IS_ROUTING_STATE (self), FALSE);

  p = g_hash_table_lookup (self->providers, route->provider_id);
  if (p == NULL)
    return TRUE;
  now = sy_routing_state_now_ms (self);
  if (sy_circuit_breaker_allow (&p->breaker, now))
    return TRUE;
  if (retry_after_ms != NULL)
    *retry_after_ms = sy_circuit_breaker_retry_after_ms (&p->breaker, now);
  return FALSE;
}

void
sy_routing_state_note_attempt (SyRoutingState *self,
                               const SyRoute  *route,
                               SyConnection   *connection)
{
  ProviderHealth *p = provider_for_route (self, route);
  AccountHealth *a = _sy_routing_state_account (self, connection, route->provider_label);

  if (g_strcmp0 (p->last_connection, connection->id) == 0)
    a->consecutive_uses++;
  else
    {
      g_free (p->last_connection);
      p->last_connection = g_strdup (connection->id);
      a->consecutive_uses = 1;
    }
  a->last_use = ++self->uses;
}

/* --- outcomes ------------------------------------------------------------------------------ */

#define ERROR_RATE_WEIGHT 0.2

void
sy_routing_state_record_success (SyRoutingState *self,
                                 const SyRoute  *route,
                                 SyConnection   *connection,
                                 double          latency_ms)
{
  ProviderHealth *p = provider_for_route (self, route);
  AccountHealth *a;
  SyBreakerState before = p->breaker.state;

  sy_circuit_breaker_record_success (&p->breaker);
  sy_latency_window_add_success (p->latency, latency_ms);
  if (before != SY_BREAKER_CLOSED)
    {
      g_message ("provider %s answers again: circuit closed", p->label);
      _sy_routing_state_save_breaker (self, route->provider_id, p);
    }
  if (connection == NULL)
    return;
  a = _sy_routing_state_account (self, connection, route->provider_label);
  a->error_rate *= 1.0 - ERROR_RATE_WEIGHT;
  if (a->backoff_level > 0 || a->cooldown_until > 0)
    {
      a->backoff_level = 0;
      a->cooldown_until = 0;
      g_clear_pointer (&a->reason, g_free);
      if (self->repo != NULL)
        sy_routing_state_repo_remove (self->repo, "cooldown", connection->id);
    }
}

static void
lock_model (SyRoutingState *self,
            const SyRoute  *route,
            SyConnection   *connection,
            gint64          until,
            const char     *reason)
{
  g_autofree char *key = _sy_routing_state_lockout_key (connection->id, route->upstream_model);
  Lockout *l = g_new0 (Lockout, 1);

  if (g_hash_table_size (self->lockouts) >= MAX_LOCKOUTS)
    {
      g_message ("more than %d model lockouts: forgetting them all", MAX_LOCKOUTS);
      g_hash_table_remove_all (self->lockouts);
    }
  l->connection_id = g_strdup (connection->id);
  l->provider_label = g_strdup (route->provider_label);
  l->model = g_strdup (route->upstream_model);
  l->until = until;
  l->reason = g_strdup (reason);
  _sy_routing_state_save_lockout (self, key, l);
  g_hash_table_replace (self->lockouts, g_steal_pointer (&key), l);
}

static void
cool_down (SyRoutingState            *self,
           const SyRoute             *route,
           SyConnection              *connection,
           const SyFailure           *failure,
           const SyResilienceProfile *profile,
           gint64                     now,
           const char                *reason)
{
  AccountHealth *a = _sy_routing_state_account (self, connection, route->provider_label);
  gboolean hints = sy_settings_repo_get_boolean (self->settings, "useUpstreamRetryHints");
  gint64 delay;

  /* Attempts that were already in flight when the cooldown began do not raise it again. */
  if (a->cooldown_until > now)
    return;
  if (hints && failure->retry_after_ms >= 0)
    delay = failure->retry_after_ms;
  else if (failure->kind == SY_FAILURE_QUOTA_EXHAUSTED)
    delay = QUOTA_COOLDOWN_MS;
  else
    delay = sy_backoff_delay_ms (profile->cooldown_base_ms, a->backoff_level,
                                 profile->cooldown_max_level);
  a->backoff_level = MIN (a->backoff_level + 1, profile->cooldown_max_level);
  if (delay <= 0)
    return;
  a->cooldown_until = now + delay;
  g_free (a->reason);
  a->reason = g_strdup (reason);
  _sy_routing_state_save_cooldown (self, connection->id, a);
}

void
sy_routing_state_record_failure (SyRoutingState  *self,
                                 const SyRoute   *route,
                                 SyConnection    *connection,
                                 const SyFailure *failure,
                                 const char      *message)
{
  ProviderHealth *p = provider_for_route (self, route);
  gint64 now = sy_routing_state_now_ms (self);
  const char *reason = message ? message : sy_failure_kind_to_string (failure->kind);
  SyResilienceProfile profile;

  profile_for (self, route, &profile);
  if (failure->counts_for_breaker)
    {
      SyBreakerState before = p->breaker.state;

      sy_circuit_breaker_record_failure (&p->breaker, &profile.breaker, now);
      sy_latency_window_add_failure (p->latency);
      if (p->breaker.state == SY_BREAKER_OPEN && before != SY_BREAKER_OPEN)
        {
          g_message ("provider %s keeps failing (%s): circuit open for %" G_GINT64_FORMAT " ms",
                     p->label, reason, p->breaker.open_until_ms - now);
          _sy_routing_state_save_breaker (self, route->provider_id, p);
        }
    }
  else
    sy_circuit_breaker_release (&p->breaker);

  if (connection == NULL)
    return;
  if (failure->kind != SY_FAILURE_REQUEST_INVALID)
    {
      AccountHealth *a = _sy_routing_state_account (self, connection, route->provider_label);

      a->error_rate = a->error_rate * (1.0 - ERROR_RATE_WEIGHT) + ERROR_RATE_WEIGHT;
    }
  switch (failure->cooldown)
    {
    case SY_COOLDOWN_ACCOUNT:
      cool_down (self, route, connection, failure, &profile, now, reason);
      break;
    case SY_COOLDOWN_MODEL:
      {
        gint64 ms = failure->retry_after_ms >= 0
                      ? failure->retry_after_ms
                      : sy_settings_repo_get_int (self->settings, "modelLockoutMs");

        if (ms > 0)
          lock_model (self, route, connection, now + ms, reason);
      }
      break;
    case SY_COOLDOWN_NONE:
    default:
      break;
    }
}

void
sy_routing_state_abandon (SyRoutingState *self,
                          const SyRoute  *route)
{
  ProviderHealth *p = g_hash_table_lookup (self->providers, route->provider_id);

  if (p != NULL)
    sy_circuit_breaker_release (&p->breaker);
}

/* --- outbound limits ----------------------------------------------------------------------- */

static void
limits_for (SyRoutingState *self,
            SyConnection   *connection,
            SyRateLimits   *out)
{
  out->rpm = (guint) (connection->rpm_limit >= 0
                        ? connection->rpm_limit
                        : sy_settings_repo_get_int (self->settings, "rateLimitRpm"));
  out->min_gap_ms = (guint) (connection->min_gap_ms >= 0
                               ? connection->min_gap_ms
                               : sy_settings_repo_get_int (self->settings, "rateLimitMinGapMs"));
  out->max_concurrent =
    (guint) (connection->max_concurrent >= 0
               ? connection->max_concurrent
               : sy_settings_repo_get_int (self->settings, "rateLimitMaxConcurrent"));
}

SySlotResult
sy_routing_state_acquire_slot (SyRoutingState  *self,
                               SyConnection    *connection,
                               GCancellable    *cancellable,
                               SySlotReadyFunc  ready,
                               gpointer         user_data)
{
  SyRateLimits limits;

  g_return_val_if_fail (SY_IS_ROUTING_STATE (self), SY_SLOT_REFUSED);

  limits_for (self, connection, &limits);
  return sy_account_queue_acquire (_sy_routing_state_account (self, connection, NULL)->queue, &limits,
                                   sy_settings_repo_get_int (self->settings,
                                                             "rateLimitQueueTimeoutMs"),
                                   cancellable, ready, user_data);
}

void
sy_routing_state_release_slot (SyRoutingState *self,
                               SyConnection   *connection)
{
  AccountHealth *a = g_hash_table_lookup (self->accounts, connection->id);

  g_return_if_fail (a != NULL);
  sy_account_queue_release (a->queue);
}

/* --- combos -------------------------------------------------------------------------------- */

guint
sy_routing_state_next_position (SyRoutingState *self,
                                const char     *combo)
{
  return _sy_routing_state_combo (self, combo)->position++;
}

guint64
sy_routing_state_member_requests (SyRoutingState *self,
                                  const char     *combo,
                                  const char     *member)
{
  MemberStats *m = g_hash_table_lookup (_sy_routing_state_combo (self, combo)->members, member);

  return m ? m->requests : 0;
}

void
sy_routing_state_record_member (SyRoutingState *self,
                                const char     *combo,
                                const char     *member,
                                gboolean        success)
{
  ComboStats *c = _sy_routing_state_combo (self, combo);
  MemberStats *m = g_hash_table_lookup (c->members, member);

  if (m == NULL)
    {
      m = g_new0 (MemberStats, 1);
      g_hash_table_insert (c->members, g_strdup (member), m);
    }
  m->requests++;
  if (success)
    m->successes++;
  else
    m->failures++;
}

/* --- operator actions ---------------------------------------------------------------------- */

void
sy_routing_state_reset (SyRoutingState *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (SY_IS_ROUTING_STATE (self));

  g_hash_table_iter_init (&iter, self->providers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    sy_circuit_breaker_init (&((ProviderHealth *) value)->breaker);
  g_hash_table_iter_init (&iter, self->accounts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      AccountHealth *a = value;

      a->cooldown_until = 0;
      a->backoff_level = 0;
      a->error_rate = 0;
      g_clear_pointer (&a->reason, g_free);
    }
  g_hash_table_remove_all (self->lockouts);
  if (self->repo != NULL)
    {
      sy_routing_state_repo_clear (self->repo, "breaker");
      sy_routing_state_repo_clear (self->repo, "cooldown");
      sy_routing_state_repo_clear (self->repo, "lockout");
    }
  g_message ("routing state reset: breakers closed, cooldowns and lockouts lifted");
}

guint
sy_routing_state_unlock (SyRoutingState *self,
                         const char     *connection_id,
                         const char     *model)
{
  AccountHealth *a;
  GHashTableIter iter;
  gpointer key, value;
  guint lifted = 0;

  g_return_val_if_fail (SY_IS_ROUTING_STATE (self), 0);

  g_hash_table_iter_init (&iter, self->lockouts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Lockout *l = value;

      if (g_str_equal (l->connection_id, connection_id) &&
          (model == NULL || g_str_equal (l->model, model)))
        {
          if (self->repo != NULL)
            sy_routing_state_repo_remove (self->repo, "lockout", key);
          g_hash_table_iter_remove (&iter);
          lifted++;
        }
    }
  a = g_hash_table_lookup (self->accounts, connection_id);
  if (model == NULL && a != NULL && a->cooldown_until > sy_routing_state_now_ms (self))
    {
      a->cooldown_until = 0;
      a->backoff_level = 0;
      g_clear_pointer (&a->reason, g_free);
      if (self->repo != NULL)
        sy_routing_state_repo_remove (self->repo, "cooldown", connection_id);
      lifted++;
    }
  return lifted;
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What of SyRoutingState survives a restart, and how it comes back: open breakers (with their
 * failed probes), account cooldowns, model lockouts and combo rotation positions, each row
 * expiring when the state it holds would have.
 */
#define G_LOG_DOMAIN "sy-routing"

#include "sy-routing-state-private.h"

void
_sy_routing_state_save_breaker (SyRoutingState *self,
              const char     *provider_id,
              ProviderHealth *p)
{
  g_autoptr(JsonObject) data = NULL;

  if (self->repo == NULL)
    return;
  if (p->breaker.state == SY_BREAKER_CLOSED)
    {
      sy_routing_state_repo_remove (self->repo, "breaker", provider_id);
      return;
    }
  data = json_object_new ();
  json_object_set_string_member (data, "label", p->label);
  json_object_set_int_member (data, "class", p->klass);
  json_object_set_int_member (data, "openUntil", p->breaker.open_until_ms);
  json_object_set_int_member (data, "failedProbes", p->breaker.failed_probes);
  /* Kept a day past the reset: a breaker that reopens after a restart remembers its cycles. */
  sy_routing_state_repo_put (self->repo, "breaker", provider_id, data,
                             p->breaker.open_until_ms + 24 * 60 * 60 * 1000);
}

void
_sy_routing_state_save_cooldown (SyRoutingState *self,
               const char     *connection_id,
               AccountHealth  *a)
{
  g_autoptr(JsonObject) data = NULL;

  if (self->repo == NULL)
    return;
  data = json_object_new ();
  json_object_set_string_member (data, "provider", a->provider_label);
  json_object_set_string_member (data, "name", a->name);
  json_object_set_int_member (data, "level", a->backoff_level);
  json_object_set_string_member (data, "reason", a->reason);
  json_object_set_int_member (data, "until", a->cooldown_until);
  sy_routing_state_repo_put (self->repo, "cooldown", connection_id, data, a->cooldown_until);
}

void
_sy_routing_state_save_lockout (SyRoutingState *self,
              const char     *key,
              Lockout        *l)
{
  g_autoptr(JsonObject) data = NULL;

  if (self->repo == NULL)
    return;
  data = json_object_new ();
  json_object_set_string_member (data, "connection", l->connection_id);
  json_object_set_string_member (data, "provider", l->provider_label);
  json_object_set_string_member (data, "model", l->model);
  json_object_set_string_member (data, "reason", l->reason);
  sy_routing_state_repo_put (self->repo, "lockout", key, data, l->until);
}

void
_sy_routing_state_load_row (const char *scope,
          const char *key,
          JsonObject *data,
          gint64      expires_at,
          gpointer    user_data)
{
  SyRoutingState *self = user_data;

  if (g_str_equal (scope, "breaker"))
    {
      ProviderHealth *p = _sy_routing_state_provider (self, key,
                                           json_object_get_string_member_with_default (data, "label", key),
                                           (SyProviderClass) CLAMP (json_object_get_int_member_with_default (data, "class", 0), 0, SY_PROVIDER_CLASS_LOCAL));

      p->breaker.state = SY_BREAKER_OPEN;
      p->breaker.open_until_ms = json_object_get_int_member_with_default (data, "openUntil", 0);
      p->breaker.failed_probes = (guint) json_object_get_int_member_with_default (data, "failedProbes", 0);
    }
  else if (g_str_equal (scope, "cooldown"))
    {
      AccountHealth *a = g_new0 (AccountHealth, 1);

      a->queue = sy_account_queue_new ();
      a->provider_label = g_strdup (json_object_get_string_member_with_default (data, "provider", ""));
      a->name = g_strdup (json_object_get_string_member_with_default (data, "name", ""));
      a->reason = g_strdup (json_object_get_string_member_with_default (data, "reason", ""));
      a->backoff_level = (guint) json_object_get_int_member_with_default (data, "level", 0);
      a->cooldown_until = expires_at;
      g_hash_table_replace (self->accounts, g_strdup (key), a);
    }
  else if (g_str_equal (scope, "lockout"))
    {
      Lockout *l = g_new0 (Lockout, 1);

      l->connection_id = g_strdup (json_object_get_string_member_with_default (data, "connection", ""));
      l->provider_label = g_strdup (json_object_get_string_member_with_default (data, "provider", ""));
      l->model = g_strdup (json_object_get_string_member_with_default (data, "model", ""));
      l->reason = g_strdup (json_object_get_string_member_with_default (data, "reason", ""));
      l->until = expires_at;
      g_hash_table_replace (self->lockouts, g_strdup (key), l);
    }
  else if (g_str_equal (scope, "position"))
    _sy_routing_state_combo (self, key)->position =
      (guint) json_object_get_int_member_with_default (data, "position", 0);
}


/* Rotation positions are written once, at shutdown: they change on every request. */
void
_sy_routing_state_save_positions (SyRoutingState *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->combos);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autoptr(JsonObject) data = json_object_new ();

      json_object_set_int_member (data, "position", ((ComboStats *) value)->position);
      sy_routing_state_repo_put (self->repo, "position", key, data,
                                 sy_routing_state_now_ms (self) + POSITION_TTL_MS);
    }
}

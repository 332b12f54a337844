/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The monitoring view of SyRoutingState, for GET /api/monitoring/health and the Health page:
 * breakers with their state as users should read it, cooldowns and lockouts with the time
 * left, queues, latency percentiles, error rates and combo metrics. Read only; expired
 * entries are simply not shown.
 */
#define G_LOG_DOMAIN "sy-routing"

#include "sy-routing-state-private.h"

static int
compare_by_string_member (gconstpointer a,
                          gconstpointer b,
                          gpointer      member)
{
  JsonObject *oa = json_node_get_object (*(JsonNode **) a);
  JsonObject *ob = json_node_get_object (*(JsonNode **) b);

  return g_strcmp0 (json_object_get_string_member (oa, member),
                    json_object_get_string_member (ob, member));
}

/* Hash tables iterate in no particular order: the view is sorted so it reads the same twice. */
static JsonNode *
sorted_array (GPtrArray  *nodes,
              const char *member)
{
  JsonArray *array = json_array_sized_new (nodes->len);
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  g_ptr_array_sort_with_data (nodes, compare_by_string_member, (gpointer) member);
  for (guint i = 0; i < nodes->len; i++)
    json_array_add_element (array, g_ptr_array_index (nodes, i));
  json_node_take_array (node, array);
  return node;
}

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), object);

  json_object_unref (object);
  return node;
}

static JsonNode *
providers_view (SyRoutingState *self,
                gint64          now)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->providers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      ProviderHealth *p = value;
      JsonObject *o = json_object_new ();
      JsonObject *latency = json_object_new ();
      double p50, p95, p99;
      guint64 ok = sy_latency_window_successes (p->latency);
      guint64 failed = sy_latency_window_failures (p->latency);

      json_object_set_string_member (o, "provider", p->label);
      json_object_set_string_member (o, "id", key);
      json_object_set_string_member (o, "class", sy_provider_class_to_string (p->klass));
      json_object_set_string_member (o, "state",
                                     sy_breaker_state_to_string (sy_circuit_breaker_peek (&p->breaker, now)));
      json_object_set_int_member (o, "consecutiveFailures", p->breaker.failures);
      json_object_set_int_member (o, "failedProbes", p->breaker.failed_probes);
      json_object_set_int_member (o, "retryAfterMs",
                                  sy_circuit_breaker_retry_after_ms (&p->breaker, now));
      json_object_set_int_member (o, "requests", (gint64) (ok + failed));
      json_object_set_int_member (o, "errors", (gint64) failed);
      json_object_set_double_member (o, "errorRate", sy_latency_window_error_rate (p->latency));
      sy_latency_window_percentiles (p->latency, &p50, &p95, &p99);
      json_object_set_double_member (latency, "p50", p50);
      json_object_set_double_member (latency, "p95", p95);
      json_object_set_double_member (latency, "p99", p99);
      json_object_set_object_member (o, "latencyMs", latency);
      g_ptr_array_add (out, object_node (o));
    }
  return sorted_array (out, "provider");
}

static JsonNode *
cooldowns_view (SyRoutingState *self,
                gint64          now,
                JsonNode      **queues)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new ();
  g_autoptr(GPtrArray) busy = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->accounts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      AccountHealth *a = value;
      guint in_flight = sy_account_queue_in_flight (a->queue);
      guint waiting = sy_account_queue_waiting (a->queue);
      JsonObject *o;

      if (in_flight > 0 || waiting > 0)
        {
          o = json_object_new ();
          json_object_set_string_member (o, "connectionId", key);
          json_object_set_string_member (o, "provider", a->provider_label);
          json_object_set_int_member (o, "inFlight", in_flight);
          json_object_set_int_member (o, "waiting", waiting);
          g_ptr_array_add (busy, object_node (o));
        }
      if (a->cooldown_until <= now)
        continue;
      o = json_object_new ();
      json_object_set_string_member (o, "connectionId", key);
      json_object_set_string_member (o, "provider", a->provider_label);
      json_object_set_string_member (o, "name", a->name);
      json_object_set_int_member (o, "until", a->cooldown_until);
      json_object_set_int_member (o, "remainingMs", a->cooldown_until - now);
      json_object_set_int_member (o, "backoffLevel", a->backoff_level);
      json_object_set_string_member (o, "reason", a->reason);
      g_ptr_array_add (out, object_node (o));
    }
  *queues = sorted_array (busy, "connectionId");
  return sorted_array (out, "connectionId");
}

static JsonNode *
lockouts_view (SyRoutingState *self,
               gint64          now)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->lockouts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Lockout *l = value;
      JsonObject *o;

      if (l->until <= now)
        continue;
      o = json_object_new ();
      json_object_set_string_member (o, "connectionId", l->connection_id);
      json_object_set_string_member (o, "provider", l->provider_label);
      json_object_set_string_member (o, "model", l->model);
      json_object_set_int_member (o, "until", l->until);
      json_object_set_int_member (o, "remainingMs", l->until - now);
      json_object_set_string_member (o, "reason", l->reason);
      g_ptr_array_add (out, object_node (o));
    }
  return sorted_array (out, "model");
}

static JsonNode *
combos_view (SyRoutingState *self)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->combos);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      ComboStats *c = value;
      JsonObject *o = json_object_new ();
      g_autoptr(GPtrArray) members = g_ptr_array_new ();
      GHashTableIter inner;
      gpointer model, stats;
      guint64 total = 0;

      g_hash_table_iter_init (&inner, c->members);
      while (g_hash_table_iter_next (&inner, &model, &stats))
        {
          MemberStats *m = stats;
          JsonObject *mo = json_object_new ();

          json_object_set_string_member (mo, "model", model);
          json_object_set_int_member (mo, "requests", (gint64) m->requests);
          json_object_set_int_member (mo, "successes", (gint64) m->successes);
          json_object_set_int_member (mo, "failures", (gint64) m->failures);
          total += m->requests;
          g_ptr_array_add (members, object_node (mo));
        }
      json_object_set_string_member (o, "name", key);
      json_object_set_int_member (o, "requests", (gint64) total);
      json_object_set_int_member (o, "position", c->position);
      json_object_set_member (o, "members", sorted_array (members, "model"));
      g_ptr_array_add (out, object_node (o));
    }
  return sorted_array (out, "name");
}

JsonNode *
sy_routing_state_to_json (SyRoutingState *self)
{
  gint64 now;
  JsonObject *root;
  JsonNode *queues = NULL;

  g_return_val_if_fail (SY_IS_ROUTING_STATE (self), NULL);

  now = sy_routing_state_now_ms (self);
  root = json_object_new ();
  json_object_set_int_member (root, "now", now);
  json_object_set_member (root, "providers", providers_view (self, now));
  json_object_set_member (root, "cooldowns", cooldowns_view (self, now, &queues));
  json_object_set_member (root, "rateLimits", queues);
  json_object_set_member (root, "lockouts", lockouts_view (self, now));
  json_object_set_member (root, "combos", combos_view (self));
  return object_node (root);
}

void
sy_routing_state_foreach_breaker (SyRoutingState     *self,
                                  SyBreakerStateFunc  func,
                                  gpointer            user_data)
{
  GHashTableIter iter;
  gpointer value;
  gint64 now;

  g_return_if_fail (SY_IS_ROUTING_STATE (self));
  g_return_if_fail (func != NULL);

  now = sy_routing_state_now_ms (self);
  g_hash_table_iter_init (&iter, self->providers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ProviderHealth *p = value;

      func (p->label, sy_circuit_breaker_peek (&p->breaker, now), user_data);
    }
}

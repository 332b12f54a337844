/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cost of one routing decision, no I/O: planning the model string (combo, alias, prefix,
 * fallback chains), ordering the accounts, the breaker's admission and the outcome bookkeeping
 * of one successful attempt. Two configurations with the same four accounts per provider:
 * "small" (one provider, one combo) and "large" (100 accounts over 25 providers, 5,000 priced
 * models, 200 combos, 50 aliases), to show the cost does not grow with the configuration. Run under callgrind
 * (bench/callgrind-routing.sh) for instruction counts that repeat exactly.
 *   routing-cost small|large direct|combo ITERATIONS
 */
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "routing/sy-route-planner.h"
#include "store/sy-node-repo.h"

typedef struct
{
  SyDatabase       *db;
  SyNodeRepo       *nodes;
  SyConnectionRepo *connections;
  SyComboRepo      *combos;
  SySettingsRepo   *settings;
  SyPricingRepo    *pricing;
  SyCustomModelRepo *custom_models;
  SyRoutingState   *state;
  SyRoutePlanner   *planner;
} Setup;

static void
add_provider (Setup *s,
              guint  p,
              guint  accounts)
{
  g_autoptr(SyProviderNode) node = sy_provider_node_new ();

  node->id = g_strdup_printf ("node-%u", p);
  node->prefix = g_strdup_printf ("p%u", p);
  node->name = g_strdup (node->prefix);
  node->api_type = g_strdup ("openai");
  node->base_url = g_strdup ("https://api.example.com/v1");
  sy_node_repo_save (s->nodes, node, NULL);
  for (guint a = 0; a < accounts; a++)
    {
      g_autoptr(SyConnection) c = sy_connection_new ();

      c->id = g_strdup_printf ("account-%u-%u", p, a);
      c->provider = g_strdup (node->id);
      c->name = g_strdup (c->id);
      c->priority = (int) a + 1;
      sy_connection_repo_save (s->connections, c, NULL);
    }
}

static void
populate_large (Setup *s)
{
  GString *aliases = g_string_new ("{\"modelAliases\":[");
  g_autoptr(JsonNode) patch = NULL;

  for (guint p = 0; p < 25; p++)
    add_provider (s, p, 4);
  sy_database_exec (s->db, "BEGIN", NULL);
  for (guint m = 0; m < 5000; m++)
    {
      g_autofree char *provider = g_strdup_printf ("p%u", m % 25);
      g_autofree char *model = g_strdup_printf ("model-%u", m);
      SyPrice price = { 0.1 * (m % 50), 0.4 * (m % 50), 0 };

      sy_pricing_repo_set (s->pricing, provider, model, &price, NULL);
    }
  sy_database_exec (s->db, "COMMIT", NULL);
  for (guint c = 0; c < 200; c++)
    {
      g_autoptr(SyCombo) combo = sy_combo_new ();

      combo->id = g_strdup_printf ("combo-id-%u", c);
      combo->name = g_strdup_printf ("combo-%u", c);
      for (guint k = 0; k < 5; k++)
        {
          g_autofree char *member = g_strdup_printf ("p%u/model-%u", (c + k) % 25, c * 5 + k);

          sy_combo_add_member (combo, member, 1);
        }
      sy_combo_repo_save (s->combos, combo, NULL);
    }
  for (guint i = 0; i < 50; i++)
    g_string_append_printf (aliases, "%s{\"pattern\":\"family-%u-*\",\"target\":\"p%u/model-%u\"}",
                            i ? "," : "", i, i % 25, i);
  g_string_append (aliases, "]}");
  patch = json_from_string (aliases->str, NULL);
  sy_settings_repo_update (s->settings, json_node_get_object (patch), NULL);
  g_string_free (aliases, TRUE);
}

static void
populate_small (Setup *s)
{
  g_autoptr(SyCombo) combo = sy_combo_new ();

  add_provider (s, 7, 4);
  combo->id = g_strdup ("combo-id-42");
  combo->name = g_strdup ("combo-42");
  for (guint k = 0; k < 5; k++)
    {
      g_autofree char *member = g_strdup_printf ("p7/model-%u", 210 + k);

      sy_combo_add_member (combo, member, 1);
    }
  sy_combo_repo_save (s->combos, combo, NULL);
}

/* What the proxy asks of routing for one request that succeeds on its first attempt. */
static void
decide (Setup      *s,
        const char *model)
{
  g_autoptr(SyRoutePlan) plan = sy_route_planner_plan (s->planner, model, NULL, NULL);
  SyRoute *route = g_ptr_array_index (plan->targets, 0);
  g_autoptr(GPtrArray) accounts = sy_routing_state_order_accounts (s->state, route, NULL);
  SyConnection *c = g_ptr_array_index (accounts, 0);

  sy_routing_state_admit (s->state, route, NULL);
  sy_routing_state_note_attempt (s->state, route, c);
  sy_routing_state_record_success (s->state, route, c, 120.0);
  if (route->combo != NULL)
    sy_routing_state_record_member (s->state, route->combo, route->requested_model, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("switchyard-bench-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "switchyard.db", NULL);
  g_autoptr(SyModelResolver) resolver = NULL;
  gboolean large = argc > 1 && g_str_equal (argv[1], "large");
  const char *kind = argc > 2 ? argv[2] : "direct";
  const char *model = g_str_equal (kind, "combo") ? "combo-42"
                      : g_str_equal (kind, "bare") ? "custom-210" : "p7/model-210";
  long n = argc > 3 ? atol (argv[3]) : 100000;
  Setup s = { 0 };
  gint64 start;

  s.db = sy_database_open (path, NULL);
  s.nodes = sy_node_repo_new (s.db, NULL);
  s.connections = sy_connection_repo_new (s.db, NULL);
  s.combos = sy_combo_repo_new (s.db, NULL);
  s.settings = sy_settings_repo_new (s.db, NULL);
  s.pricing = sy_pricing_repo_new (s.db, NULL);
  s.custom_models = sy_custom_model_repo_new (s.db, NULL);
  s.state = sy_routing_state_new (s.settings, NULL);
  resolver = sy_model_resolver_new (s.nodes, s.connections, s.custom_models);
  s.planner = sy_route_planner_new (resolver, s.combos, s.settings, s.pricing, s.state);
  if (large)
    populate_large (&s);
  else
    populate_small (&s);
  /* A bare name only p7 lists (with 25 connected providers, only the index finds it). */
  {
    SyCustomModel custom = { (char *) "node-7", (char *) "custom-210", NULL, (char *) "chat", 1 };

    sy_custom_model_repo_add (s.custom_models, &custom, NULL);
  }

  decide (&s, model);  /* first use builds the caches */
  start = g_get_monotonic_time ();
  for (long i = 0; i < n; i++)
    decide (&s, model);
  printf ("routing-cost %s %s: %.0f ns per decision (wall clock, noisy)\n",
          large ? "large" : "small", model, n ? 1000.0 * (g_get_monotonic_time () - start) / n : 0);

  g_object_unref (s.planner);
  g_object_unref (s.state);
  g_object_unref (s.pricing);
  g_object_unref (s.custom_models);
  g_object_unref (s.settings);
  g_object_unref (s.combos);
  g_object_unref (s.connections);
  g_object_unref (s.nodes);
  g_object_unref (s.db);
  g_unlink (path);
  for (const char *suffix = "-wal"; suffix != NULL; suffix = g_str_equal (suffix, "-wal") ? "-shm" : NULL)
    {
      g_autofree char *extra = g_strconcat (path, suffix, NULL);

      g_unlink (extra);
    }
  g_rmdir (dir);
  return 0;
}

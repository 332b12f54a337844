/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyRoutePlanner over real repositories in a throw-away database: what a model string becomes
 * (combos, aliases, prefixes, fallback chains), in which order (each combo strategy), what is
 * skipped (unknown members, accounts-less providers, duplicates, too-deep nesting) and the
 * errors a client reads when nothing is left.
 */
#define G_LOG_DOMAIN "sy-test"

#include <json-glib/json-glib.h>

#include "routing/sy-route-planner.h"
#include "store/sy-node-repo.h"
#include "sy-test-gateway.h"

typedef struct
{
  char             *dir;
  SyDatabase       *db;
  SyNodeRepo       *nodes;
  SyConnectionRepo *connections;
  SyComboRepo      *combos;
  SySettingsRepo   *settings;
  SyPricingRepo    *pricing;
  SyCustomModelRepo *custom_models;
  SyRoutingState   *state;
  SyRoutePlanner   *planner;
} Fixture;

static void
add_provider (Fixture    *f,
              const char *prefix,
              gboolean    with_account)
{
  g_autoptr(SyProviderNode) node = sy_provider_node_new ();
  g_autoptr(GError) error = NULL;

  node->id = g_strdup_printf ("node-%s", prefix);
  node->prefix = g_strdup (prefix);
  node->name = g_strdup (prefix);
  node->api_type = g_strdup ("openai");
  node->base_url = g_strdup ("https://example.invalid/v1");
  g_assert_true (sy_node_repo_save (f->nodes, node, &error));
  if (with_account)
    {
      g_autoptr(SyConnection) c = sy_connection_new ();

      c->id = g_strdup_printf ("account-%s", prefix);
      c->provider = g_strdup (node->id);
      c->name = g_strdup (prefix);
      g_assert_true (sy_connection_repo_save (f->connections, c, &error));
    }
  g_assert_no_error (error);
}

static void
add_combo (Fixture    *f,
           const char *name,
           const char *strategy,
           ...)
{
  g_autoptr(SyCombo) combo = sy_combo_new ();
  g_autoptr(GError) error = NULL;
  va_list args;
  const char *model;

  combo->id = g_strdup_printf ("combo-%s", name);
  combo->name = g_strdup (name);
  g_free (combo->strategy);
  combo->strategy = g_strdup (strategy);
  va_start (args, strategy);
  while ((model = va_arg (args, const char *)) != NULL)
    sy_combo_add_member (combo, model, va_arg (args, guint));
  va_end (args);
  g_assert_true (sy_combo_repo_save (f->combos, combo, &error));
  g_assert_no_error (error);
}

static void
set (Fixture    *f,
     const char *json)
{
  g_autoptr(JsonNode) patch = json_from_string (json, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (sy_settings_repo_update (f->settings, json_node_get_object (patch), &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(SyModelResolver) resolver = NULL;

  f->dir = g_dir_make_tmp ("switchyard-planner-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "switchyard.db", NULL);
  f->db = sy_database_open (path, &error);
  g_assert_no_error (error);
  f->nodes = sy_node_repo_new (f->db, &error);
  f->connections = sy_connection_repo_new (f->db, &error);
  f->combos = sy_combo_repo_new (f->db, &error);
  f->settings = sy_settings_repo_new (f->db, &error);
  f->pricing = sy_pricing_repo_new (f->db, &error);
  f->custom_models = sy_custom_model_repo_new (f->db, &error);
  g_assert_no_error (error);
  f->state = sy_routing_state_new (f->settings, NULL);
  sy_routing_state_set_seed (f->state, 7);
  resolver = sy_model_resolver_new (f->nodes, f->connections, f->custom_models);
  f->planner = sy_route_planner_new (resolver, f->combos, f->settings, f->pricing, f->state);

  add_provider (f, "p1", TRUE);
  add_provider (f, "p2", TRUE);
  add_provider (f, "p3", TRUE);
  add_provider (f, "idle", FALSE);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->planner);
  g_clear_object (&f->state);
  g_clear_object (&f->pricing);
  g_clear_object (&f->custom_models);
  g_clear_object (&f->settings);
  g_clear_object (&f->combos);
  g_clear_object (&f->connections);
  g_clear_object (&f->nodes);
  g_clear_object (&f->db);
  sy_test_rm_rf (f->dir);
  g_free (f->dir);
}

/* "p1/a p2/b": each target as label/upstream model. */
static char *
plan_text (Fixture     *f,
           const char  *model,
           GError     **error)
{
  g_autoptr(SyRoutePlan) plan = sy_route_planner_plan (f->planner, model, NULL, error);
  GString *s;

  if (plan == NULL)
    return NULL;
  s = g_string_new (NULL);
  for (guint i = 0; i < plan->targets->len; i++)
    {
      SyRoute *r = g_ptr_array_index (plan->targets, i);

      g_string_append_printf (s, "%s%s/%s", i ? " " : "", r->provider_label, r->upstream_model);
    }
  return g_string_free (s, FALSE);
}

static void
assert_plan (Fixture    *f,
             const char *model,
             const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = plan_text (f, model, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, expected);
}

static void
test_single_model (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(SyRoutePlan) plan = sy_route_planner_plan (f->planner, "p1/m", NULL, NULL);

  g_assert_nonnull (plan);
  g_assert_null (plan->combo);
  g_assert_cmpstr (plan->requested_model, ==, "p1/m");
  assert_plan (f, "p1/m", "p1/m");
}

static void
test_priority_combo (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(SyRoutePlan) plan = NULL;

  add_combo (f, "Premium", "priority", "p2/x", 1, "p1/y", 1, "p3/z", 1, NULL);
  assert_plan (f, "premium", "p2/x p1/y p3/z");
  plan = sy_route_planner_plan (f->planner, "PREMIUM", NULL, NULL);
  g_assert_cmpstr (plan->combo, ==, "Premium");
  g_assert_cmpstr (((SyRoute *) g_ptr_array_index (plan->targets, 1))->combo, ==, "Premium");
  g_assert_cmpstr (((SyRoute *) g_ptr_array_index (plan->targets, 1))->requested_model, ==,
                   "p1/y");
}

static void
test_default_strategy_follows_setting (Fixture       *f,
                                       gconstpointer  data)
{
  add_combo (f, "rr", "default", "p1/a", 1, "p2/b", 1, NULL);
  assert_plan (f, "rr", "p1/a p2/b");
  assert_plan (f, "rr", "p1/a p2/b");
  set (f, "{\"comboStrategy\":\"round-robin\"}");
  assert_plan (f, "rr", "p1/a p2/b");
  assert_plan (f, "rr", "p2/b p1/a");
  assert_plan (f, "rr", "p1/a p2/b");
}

static void
test_cost_optimized (Fixture       *f,
                     gconstpointer  data)
{
  SyPrice cheap = { 0.2, 1.1, 0 }, dear = { 15, 75, 1.5 }, mid = { 3, 15, 0.3 };

  g_assert_true (sy_pricing_repo_set (f->pricing, "p1", "opus", &dear, NULL));
  g_assert_true (sy_pricing_repo_set (f->pricing, "p2", "minimax", &cheap, NULL));
  g_assert_true (sy_pricing_repo_set (f->pricing, "p3", "sonnet", &mid, NULL));
  add_combo (f, "cheap-first", "cost-optimized", "p1/opus", 1, "p3/unpriced", 1,
             "p3/sonnet", 1, "p2/minimax", 1, NULL);
  assert_plan (f, "cheap-first", "p2/minimax p3/sonnet p1/opus p3/unpriced");
}

static void
test_least_used (Fixture       *f,
                 gconstpointer  data)
{
  add_combo (f, "lu", "least-used", "p1/a", 1, "p2/b", 1, "p3/c", 1, NULL);
  sy_routing_state_record_member (f->state, "lu", "p1/a", TRUE);
  sy_routing_state_record_member (f->state, "lu", "p1/a", TRUE);
  sy_routing_state_record_member (f->state, "lu", "p2/b", FALSE);
  assert_plan (f, "lu", "p3/c p2/b p1/a");
}

/* Members that cannot serve are skipped; the combo still works. */
static void
test_unusable_members_skipped (Fixture       *f,
                               gconstpointer  data)
{
  add_combo (f, "mixed", "priority", "gone/x", 1, "idle/y", 1, "p2/z", 1, "p2/z", 1, NULL);
  assert_plan (f, "mixed", "p2/z");
}

static void
test_nothing_usable (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  add_combo (f, "dead", "priority", "idle/y", 1, "idle/z", 1, NULL);
  text = plan_text (f, "dead", &error);
  g_assert_null (text);
  g_assert_error (error, SY_ROUTING_ERROR, SY_ROUTING_ERROR_NO_CONNECTION);
  g_assert_true (g_str_has_prefix (error->message, "combo \"dead\" has no usable member: "));
  g_assert_nonnull (strstr (error->message, "idle"));
}

static void
test_nesting_depth (Fixture       *f,
                    gconstpointer  data)
{
  add_combo (f, "c3", "priority", "p3/deep", 1, NULL);
  add_combo (f, "c2", "priority", "p2/mid", 1, "c3", 1, NULL);
  add_combo (f, "c1", "priority", "p1/top", 1, "c2", 1, NULL);
  assert_plan (f, "c1", "p1/top p2/mid p3/deep");
  set (f, "{\"maxComboDepth\":1}");
  assert_plan (f, "c1", "p1/top p2/mid");
}

/* A loop written straight into the table (the API refuses them) still ends. */
static void
test_loop_terminates (Fixture       *f,
                      gconstpointer  data)
{
  add_combo (f, "ping", "priority", "p1/a", 1, "pong", 1, NULL);
  add_combo (f, "pong", "priority", "p2/b", 1, "ping", 1, NULL);
  assert_plan (f, "ping", "p1/a p2/b");
}

static void
test_aliases_and_chains (Fixture       *f,
                         gconstpointer  data)
{
  add_combo (f, "backup", "priority", "p3/b", 1, NULL);
  set (f, "{\"modelAliases\":[{\"pattern\":\"claude-*\",\"target\":\"p1/claude\"},"
          "{\"pattern\":\"team-?\",\"target\":\"backup\"}],"
          "\"fallbackChains\":[{\"name\":\"prod\",\"models\":[\"p2/fb\",\"p1/claude\","
          "\"nowhere/x\"]}]}");
  assert_plan (f, "claude-opus-4", "p1/claude p2/fb");
  assert_plan (f, "team-a", "p3/b p2/fb p1/claude");
  assert_plan (f, "p3/own", "p3/own p2/fb p1/claude");
}

static void
test_forced_provider_has_no_fallback (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(SyRoutePlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  set (f, "{\"fallbackChains\":[{\"name\":\"prod\",\"models\":[\"p2/fb\"]}]}");
  plan = sy_route_planner_plan (f->planner, "m", "p1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plan->targets->len, ==, 1);
}

static void
test_unknown_model (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = plan_text (f, "mystery-model", &error);

  g_assert_null (text);
  g_assert_error (error, SY_ROUTING_ERROR, SY_ROUTING_ERROR_AMBIGUOUS);
  g_assert_nonnull (strstr (error->message, "p1/"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sy/routing/planner/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("single-model", test_single_model);
  ADD ("priority-combo", test_priority_combo);
  ADD ("default-strategy", test_default_strategy_follows_setting);
  ADD ("cost-optimized", test_cost_optimized);
  ADD ("least-used", test_least_used);
  ADD ("unusable-members-skipped", test_unusable_members_skipped);
  ADD ("nothing-usable", test_nothing_usable);
  ADD ("nesting-depth", test_nesting_depth);
  ADD ("loop-terminates", test_loop_terminates);
  ADD ("aliases-and-chains", test_aliases_and_chains);
  ADD ("forced-provider", test_forced_provider_has_no_fallback);
  ADD ("unknown-model", test_unknown_model);
#undef ADD

  return g_test_run ();
}

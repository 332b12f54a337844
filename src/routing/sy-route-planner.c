/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Route planning. A combo member that cannot be resolved (its provider was removed, it has no
 * enabled account) is skipped, not fatal: the combo exists to survive exactly that. Only when
 * nothing at all is left does the request fail, with the first member's reason. Identical
 * targets (same provider and upstream model) appear once, at their first position.
 */
#define G_LOG_DOMAIN "sy-routing"

#include "sy-route-planner.h"

#include "sy-blocked-providers.h"
#include "sy-strategy.h"

typedef struct
{
  GPatternSpec *pattern;
  char         *target;
} Alias;

struct _SyRoutePlanner
{
  GObject          parent_instance;
  SyModelResolver *resolver;
  SyComboRepo     *combos;
  SySettingsRepo  *settings;
  SyPricingRepo   *pricing;
  SyRoutingState  *state;
  GArray          *aliases;            /* Alias, compiled from the setting */
  GHashTable      *alias_hits;         /* model -> target ("" for none), bounded */
  guint            aliases_generation;
  gboolean         aliases_loaded;
};

G_DEFINE_FINAL_TYPE (SyRoutePlanner, sy_route_planner, G_TYPE_OBJECT)

static void
alias_clear (Alias *alias)
{
  g_pattern_spec_free (alias->pattern);
  g_free (alias->target);
}

static void
sy_route_planner_dispose (GObject *object)
{
  SyRoutePlanner *self = SY_ROUTE_PLANNER (object);

  g_clear_object (&self->resolver);
  g_clear_object (&self->combos);
  g_clear_object (&self->settings);
  g_clear_object (&self->pricing);
  g_clear_object (&self->state);
  g_clear_pointer (&self->aliases, g_array_unref);
  g_clear_pointer (&self->alias_hits, g_hash_table_unref);
  G_OBJECT_CLASS (sy_route_planner_parent_class)->dispose (object);
}

static void
sy_route_planner_class_init (SyRoutePlannerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sy_route_planner_dispose;
}

static void
sy_route_planner_init (SyRoutePlanner *self)
{
  self->aliases = g_array_new (FALSE, FALSE, sizeof (Alias));
  g_array_set_clear_func (self->aliases, (GDestroyNotify) alias_clear);
  self->alias_hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

SyRoutePlanner *
sy_route_planner_new (SyModelResolver *resolver,
                      SyComboRepo     *combos,
                      SySettingsRepo  *settings,
                      SyPricingRepo   *pricing,
                      SyRoutingState  *state)
{
  SyRoutePlanner *self = g_object_new (SY_TYPE_ROUTE_PLANNER, NULL);

  self->resolver = g_object_ref (resolver);
  self->combos = g_object_ref (combos);
  self->settings = g_object_ref (settings);
  self->pricing = g_object_ref (pricing);
  self->state = g_object_ref (state);
  return self;
}

/* --- aliases ------------------------------------------------------------------------------- */

static void
load_aliases (SyRoutePlanner *self)
{
  guint generation = sy_settings_repo_get_generation (self->settings);
  g_autoptr(JsonNode) node = NULL;
  JsonArray *array;

  if (self->aliases_loaded && generation == self->aliases_generation)
    return;
  self->aliases_loaded = TRUE;
  self->aliases_generation = generation;
  g_array_set_size (self->aliases, 0);
  g_hash_table_remove_all (self->alias_hits);
  node = sy_settings_repo_dup_json (self->settings, "modelAliases");
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      Alias alias = {
        g_pattern_spec_new (json_object_get_string_member (o, "pattern")),
        g_strdup (json_object_get_string_member (o, "target")),
      };

      g_array_append_val (self->aliases, alias);
    }
}

#define MAX_ALIAS_HITS 4096

/* The first alias whose pattern matches the whole model name, in the user's order. Answers are
 * remembered per model name (clients repeat the same few), so the cost does not grow with the
 * number of aliases; the memory is bounded by MAX_ALIAS_HITS names. */
static const char *
alias_target (SyRoutePlanner *self,
              const char     *model)
{
  const char *target = NULL;
  gpointer hit;

  load_aliases (self);
  if (self->aliases->len == 0)
    return NULL;
  if (g_hash_table_lookup_extended (self->alias_hits, model, NULL, &hit))
    return hit;
  for (guint i = 0; i < self->aliases->len && target == NULL; i++)
    {
      Alias *alias = &g_array_index (self->aliases, Alias, i);

      if (g_pattern_spec_match_string (alias->pattern, model))
        target = alias->target;
    }
  if (g_hash_table_size (self->alias_hits) >= MAX_ALIAS_HITS)
    g_hash_table_remove_all (self->alias_hits);
  g_hash_table_insert (self->alias_hits, g_strdup (model), (gpointer) target);
  return target;
}

/* --- building the plan --------------------------------------------------------------------- */

typedef struct
{
  SyRoutePlan *plan;
  GPtrArray   *active;      /* combo ids being expanded, against cycles */
  guint        max_depth;
  GError      *first_error; /* why the first unusable member was skipped */
} Planning;

static gboolean add_model (SyRoutePlanner *self, Planning *p, const char *model, SyCombo *combo,
                           guint depth, GError **error);

static void
append_route (Planning   *p,
              SyRoute    *route,
              SyCombo    *combo)
{
  for (guint i = 0; i < p->plan->targets->len; i++)
    {
      SyRoute *seen = g_ptr_array_index (p->plan->targets, i);

      if (g_str_equal (seen->provider_id, route->provider_id) &&
          g_str_equal (seen->upstream_model, route->upstream_model))
        {
          sy_route_free (route);
          return;
        }
    }
  if (combo != NULL)
    {
      SyAccountStrategy strategy;

      route->combo = g_strdup (combo->name);
      if (sy_account_strategy_from_string (combo->account_strategy, &strategy))
        route->account_strategy = strategy;
    }
  g_ptr_array_add (p->plan->targets, route);
}

static double
member_price (SyRoutePlanner *self,
              const char     *model)
{
  g_autoptr(SyRoute) route = sy_model_resolver_resolve (self->resolver, model, NULL);
  SyPrice price;

  if (route == NULL ||
      !sy_pricing_repo_lookup (self->pricing, route->provider_label, route->upstream_model,
                               &price))
    return -1;
  return price.input_per_mtok + price.output_per_mtok;
}

static SyComboStrategy
combo_strategy (SyRoutePlanner *self,
                SyCombo        *combo)
{
  SyComboStrategy strategy = SY_COMBO_PRIORITY;

  if (!sy_combo_strategy_from_string (combo->strategy, &strategy))
    sy_combo_strategy_from_string (sy_settings_repo_get_choice (self->settings, "comboStrategy"),
                                   &strategy);
  return strategy;
}

static void
add_combo (SyRoutePlanner *self,
           Planning       *p,
           SyCombo        *combo,
           guint           depth)
{
  guint n = combo->members->len;
  SyComboStrategy strategy = combo_strategy (self, combo);
  g_autofree SyTargetView *views = g_new0 (SyTargetView, n);
  g_autofree guint *order = g_new (guint, n);
  guint position = 0;

  if (depth > p->max_depth)
    {
      g_debug ("combo %s is nested deeper than maxComboDepth: skipped", combo->name);
      return;
    }
  for (guint i = 0; i < p->active->len; i++)
    if (g_str_equal (g_ptr_array_index (p->active, i), combo->id))
      {
        g_debug ("combo %s contains itself: the inner reference is skipped", combo->name);
        return;
      }

  for (guint i = 0; i < n; i++)
    {
      SyComboMember *m = g_ptr_array_index (combo->members, i);

      views[i].weight = m->weight;
      if (strategy == SY_COMBO_LEAST_USED)
        views[i].recent_requests = sy_routing_state_member_requests (self->state, combo->name,
                                                                     m->model);
      if (strategy == SY_COMBO_COST_OPTIMIZED)
        views[i].price = member_price (self, m->model);
    }
  if (strategy == SY_COMBO_ROUND_ROBIN)
    position = sy_routing_state_next_position (self->state, combo->name);
  sy_combo_strategy_order (strategy, views, n, position,
                           sy_routing_state_get_rand (self->state), order);

  g_ptr_array_add (p->active, combo->id);
  for (guint i = 0; i < n; i++)
    {
      SyComboMember *m = g_ptr_array_index (combo->members, order[i]);
      g_autoptr(GError) error = NULL;

      if (!add_model (self, p, m->model, combo, depth + 1, &error) &&
          p->first_error == NULL)
        p->first_error = g_steal_pointer (&error);
    }
  g_ptr_array_remove_index (p->active, p->active->len - 1);
}

/* Adds model's targets to the plan. FALSE (and error) when it resolves to nothing usable. */
static gboolean
add_model (SyRoutePlanner  *self,
           Planning        *p,
           const char      *model,
           SyCombo         *combo,
           guint            depth,
           GError         **error)
{
  g_autoptr(SyCombo) named = sy_combo_repo_lookup_by_name (self->combos, model);
  const char *target;
  guint before = p->plan->targets->len;
  SyRoute *route;

  if (named == NULL && (target = alias_target (self, model)) != NULL)
    {
      named = sy_combo_repo_lookup_by_name (self->combos, target);
      model = target;
    }
  if (named != NULL)
    {
      add_combo (self, p, named, depth);
      if (p->plan->targets->len > before)
        return TRUE;
      if (p->first_error != NULL)
        g_propagate_prefixed_error (error, g_steal_pointer (&p->first_error),
                                    "combo \"%s\" has no usable member: ", named->name);
      else
        g_set_error (error, SY_ROUTING_ERROR, SY_ROUTING_ERROR_NO_CONNECTION,
                     "combo \"%s\" has no usable member", named->name);
      return FALSE;
    }

  route = sy_model_resolver_resolve (self->resolver, model, error);
  if (route == NULL || !sy_blocked_providers_check (self->settings, route, error))
    {
      g_clear_pointer (&route, sy_route_free);
      return FALSE;
    }
  append_route (p, route, combo);
  return TRUE;
}

static void
add_fallback_chains (SyRoutePlanner *self,
                     Planning       *p)
{
  g_autoptr(JsonNode) node = sy_settings_repo_dup_json (self->settings, "fallbackChains");
  JsonArray *chains = json_node_get_array (node);

  for (guint i = 0; i < json_array_get_length (chains); i++)
    {
      JsonArray *models = json_object_get_array_member (json_array_get_object_element (chains, i),
                                                        "models");

      for (guint j = 0; j < json_array_get_length (models); j++)
        {
          g_autoptr(GError) error = NULL;
          const char *model = json_array_get_string_element (models, j);

          if (!add_model (self, p, model, NULL, 0, &error))
            g_debug ("fallback chain member %s skipped: %s", model, error->message);
          g_clear_error (&p->first_error);
        }
    }
}

SyRoutePlan *
sy_route_planner_plan (SyRoutePlanner  *self,
                       const char      *model,
                       const char      *forced_provider,
                       GError         **error)
{
  g_autoptr(SyRoutePlan) plan = NULL;
  g_autoptr(GPtrArray) active = NULL;
  g_autoptr(SyCombo) combo = NULL;
  Planning p = { 0 };
  gboolean ok;

  g_return_val_if_fail (SY_IS_ROUTE_PLANNER (self), NULL);
  g_return_val_if_fail (model != NULL, NULL);

  if (forced_provider != NULL)
    {
      SyRoute *route = sy_model_resolver_resolve_for_provider (self->resolver, forced_provider,
                                                               model, error);

      if (route != NULL && !sy_blocked_providers_check (self->settings, route, error))
        g_clear_pointer (&route, sy_route_free);
      return route ? sy_route_plan_new_single (route) : NULL;
    }

  plan = sy_route_plan_new (model);
  if ((combo = sy_combo_repo_lookup_by_name (self->combos, model)) != NULL)
    plan->combo = g_strdup (combo->name);
  active = g_ptr_array_new ();
  p.plan = plan;
  p.active = active;
  p.max_depth = (guint) sy_settings_repo_get_int (self->settings, "maxComboDepth");
  ok = add_model (self, &p, model, NULL, 0, error);
  g_clear_error (&p.first_error);
  if (!ok)
    return NULL;
  add_fallback_chains (self, &p);
  return g_steal_pointer (&plan);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Model-string resolution for single models. Combos, wildcard aliases and fallback chains
 * (the routing issue) layer on top of this; nothing here talks to the network or the disk.
 */
#define G_LOG_DOMAIN "sy-routing"

#include "sy-model-resolver.h"

#include <string.h>

#include "providers/sy-upstream-adapter.h"

struct _SyModelResolver
{
  GObject            parent_instance;
  SyNodeRepo        *nodes;
  SyConnectionRepo  *connections;
  SyCustomModelRepo *custom_models;
  /* Bare model name -> provider id, for the connected providers; rebuilt when the accounts or
   * the custom models change, so a request pays one hash lookup. */
  GHashTable        *bare;
  guint              bare_connections_generation;
  guint              bare_custom_generation;
  gboolean           bare_built;
};

G_DEFINE_FINAL_TYPE (SyModelResolver, sy_model_resolver, G_TYPE_OBJECT)

G_DEFINE_QUARK (sy-routing-error-quark, sy_routing_error)

void
sy_route_free (SyRoute *route)
{
  if (route == NULL)
    return;
  g_free (route->requested_model);
  g_free (route->combo);
  g_free (route->provider_id);
  g_free (route->provider_label);
  g_free (route->default_base_url);
  g_free (route->upstream_model);
  g_clear_pointer (&route->candidates, g_ptr_array_unref);
  g_free (route);
}

SyProviderClass
sy_route_provider_class (const SyRoute *route)
{
  SyConnection *first;

  if (route->candidates == NULL || route->candidates->len == 0)
    return sy_provider_class_for (route->default_base_url, NULL);
  first = g_ptr_array_index (route->candidates, 0);
  return sy_provider_class_for (first->base_url ? first->base_url : route->default_base_url,
                                first->auth_type);
}

SyRoutePlan *
sy_route_plan_new (const char *requested_model)
{
  SyRoutePlan *plan = g_new0 (SyRoutePlan, 1);

  plan->requested_model = g_strdup (requested_model);
  plan->targets = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_route_free);
  return plan;
}

SyRoutePlan *
sy_route_plan_new_single (SyRoute *route)
{
  SyRoutePlan *plan = sy_route_plan_new (route->requested_model);

  g_ptr_array_add (plan->targets, route);
  return plan;
}

void
sy_route_plan_free (SyRoutePlan *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->requested_model);
  g_free (plan->combo);
  g_ptr_array_unref (plan->targets);
  g_free (plan);
}

static void
sy_model_resolver_dispose (GObject *object)
{
  SyModelResolver *self = SY_MODEL_RESOLVER (object);

  g_clear_object (&self->nodes);
  g_clear_object (&self->connections);
  g_clear_object (&self->custom_models);
  g_clear_pointer (&self->bare, g_hash_table_unref);
  G_OBJECT_CLASS (sy_model_resolver_parent_class)->dispose (object);
}

static void
sy_model_resolver_class_init (SyModelResolverClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sy_model_resolver_dispose;
}

static void
sy_model_resolver_init (SyModelResolver *self)
{
  self->bare = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

SyModelResolver *
sy_model_resolver_new (SyNodeRepo        *nodes,
                       SyConnectionRepo  *connections,
                       SyCustomModelRepo *custom_models)
{
  SyModelResolver *self = g_object_new (SY_TYPE_MODEL_RESOLVER, NULL);

  self->nodes = g_object_ref (nodes);
  self->connections = g_object_ref (connections);
  self->custom_models = g_object_ref (custom_models);
  return self;
}

/* Enabled, and not waiting for a new login (its tokens were refused for good). */
static gboolean
account_usable (const SyConnection *c)
{
  return c->enabled && g_strcmp0 (c->auth_state, "needs_login") != 0;
}

/* A route for a known provider (catalog entry or node), with its enabled accounts. */
static SyRoute *
route_new (SyModelResolver      *self,
           const SyProviderInfo *info,
           SyProviderNode       *node)
{
  g_autoptr(GPtrArray) all = NULL;
  SyRoute *route;

  route = g_new0 (SyRoute, 1);
  route->account_strategy = -1;
  if (info != NULL)
    {
      route->provider_id = g_strdup (info->id);
      route->provider_label = g_strdup (info->id);
      route->dialect = info->dialect;
      route->auth_header = info->auth_header;
      route->default_base_url = g_strdup (info->base_url);
      route->max_completion_tokens = info->max_completion_tokens;
      route->extra_headers = info->extra_headers;
    }
  else
    {
      route->provider_id = g_strdup (node->id);
      route->provider_label = g_strdup (node->prefix);
      sy_dialect_from_string (node->api_type, &route->dialect);
      route->auth_header = sy_auth_header_for_dialect (route->dialect);
      route->default_base_url = g_strdup (node->base_url);
    }

  route->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_connection_unref);
  all = sy_connection_repo_list (self->connections, route->provider_id);
  for (guint i = 0; i < all->len; i++)
    {
      SyConnection *c = g_ptr_array_index (all, i);

      if (account_usable (c))
        g_ptr_array_add (route->candidates, sy_connection_ref (c));
    }
  return route;
}

/* By catalog id, alias or node prefix (what users write). */
static SyRoute *
route_for_prefix (SyModelResolver *self,
                  const char      *prefix)
{
  const SyProviderInfo *info = sy_provider_catalog_lookup (prefix);
  g_autoptr(SyProviderNode) node = NULL;

  if (info == NULL && (node = sy_node_repo_lookup_by_prefix (self->nodes, prefix)) == NULL)
    return NULL;
  return route_new (self, info, node);
}

/* By what connections store: catalog id or node id. */
static SyRoute *
route_for_provider_id (SyModelResolver *self,
                       const char      *provider_id)
{
  const SyProviderInfo *info = sy_provider_catalog_lookup (provider_id);
  g_autoptr(SyProviderNode) node = NULL;

  if (info == NULL && (node = sy_node_repo_lookup (self->nodes, provider_id)) == NULL)
    return NULL;
  return route_new (self, info, node);
}

/* --- bare model names ------------------------------------------------------------------------ */

/* The provider's custom models, then its catalog models; a name already taken by an earlier
 * provider stays with it. */
static void
index_provider (SyModelResolver      *self,
                const char           *provider_id,
                const SyProviderInfo *info)
{
  g_autoptr(GPtrArray) custom = sy_custom_model_repo_list (self->custom_models, provider_id);

  for (guint i = 0; i < custom->len; i++)
    {
      SyCustomModel *m = g_ptr_array_index (custom, i);

      if (!g_hash_table_contains (self->bare, m->model))
        g_hash_table_insert (self->bare, g_strdup (m->model), g_strdup (provider_id));
    }
  for (const SyModelInfo *m = info ? info->models : NULL; m != NULL && m->id != NULL; m++)
    if (!g_hash_table_contains (self->bare, m->id))
      g_hash_table_insert (self->bare, g_strdup (m->id), g_strdup (provider_id));
}

static void
build_bare_index (SyModelResolver *self)
{
  g_autoptr(GPtrArray) all = sy_connection_repo_list (self->connections, NULL);
  g_autoptr(GHashTable) connected = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) nodes = NULL;
  const SyProviderInfo *catalog;
  guint n;

  g_hash_table_remove_all (self->bare);
  for (guint i = 0; i < all->len; i++)
    {
      SyConnection *c = g_ptr_array_index (all, i);

      if (account_usable (c))
        g_hash_table_add (connected, c->provider);
    }
  if (g_hash_table_size (connected) == 0)
    return;

  catalog = sy_provider_catalog_get_all (&n);
  for (guint i = 0; i < n; i++)
    if (g_hash_table_contains (connected, catalog[i].id))
      index_provider (self, catalog[i].id, &catalog[i]);
  nodes = sy_node_repo_list (self->nodes);
  for (guint i = 0; i < nodes->len; i++)
    {
      SyProviderNode *node = g_ptr_array_index (nodes, i);

      if (g_hash_table_contains (connected, node->id))
        index_provider (self, node->id, NULL);
    }
}

const char *
sy_model_resolver_lookup_bare (SyModelResolver *self,
                               const char      *model)
{
  guint connections_generation, custom_generation;

  g_return_val_if_fail (SY_IS_MODEL_RESOLVER (self), NULL);
  g_return_val_if_fail (model != NULL, NULL);

  connections_generation = sy_connection_repo_get_generation (self->connections);
  custom_generation = sy_custom_model_repo_get_generation (self->custom_models);
  if (!self->bare_built || connections_generation != self->bare_connections_generation ||
      custom_generation != self->bare_custom_generation)
    {
      build_bare_index (self);
      self->bare_built = TRUE;
      self->bare_connections_generation = connections_generation;
      self->bare_custom_generation = custom_generation;
    }
  return g_hash_table_lookup (self->bare, model);
}

static const char *
label_for_provider_id (SyModelResolver *self,
                       const char      *provider_id,
                       char           **owned)
{
  g_autoptr(SyProviderNode) node = sy_node_repo_lookup (self->nodes, provider_id);

  if (node == NULL)
    return provider_id;
  *owned = g_strdup (node->prefix);
  return *owned;
}

/* The providers that have at least one enabled account, as "label/" strings. */
static GPtrArray *
connected_prefixes (SyModelResolver *self)
{
  g_autoptr(GPtrArray) all = sy_connection_repo_list (self->connections, NULL);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < all->len; i++)
    {
      SyConnection *c = g_ptr_array_index (all, i);
      g_autofree char *owned = NULL;
      const char *label;
      gboolean seen = FALSE;

      if (!account_usable (c))
        continue;
      label = label_for_provider_id (self, c->provider, &owned);
      for (guint j = 0; j < ids->len && !seen; j++)
        seen = g_str_equal (g_ptr_array_index (ids, j), label);
      if (!seen)
        g_ptr_array_add (ids, g_strdup (label));
    }
  return ids;
}

static char *
join_prefixes (GPtrArray *ids)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (s, "%s%s/", i ? ", " : "", (const char *) g_ptr_array_index (ids, i));
  return g_string_free (s, FALSE);
}

/* Why a provider has no usable account: its accounts need a new login, or it has none. */
static void
set_no_account_error (SyModelResolver  *self,
                      const SyRoute    *route,
                      GError          **error)
{
  g_autoptr(GPtrArray) all = sy_connection_repo_list (self->connections, route->provider_id);

  for (guint i = 0; i < all->len; i++)
    {
      SyConnection *c = g_ptr_array_index (all, i);

      if (c->enabled && g_strcmp0 (c->auth_state, "needs_login") == 0)
        {
          g_set_error (error, SY_ROUTING_ERROR, SY_ROUTING_ERROR_NO_CONNECTION,
                       "every account of provider \"%s\" needs a new login (%s); sign in again "
                       "in Providers, or with POST /api/oauth/%s/start", route->provider_label,
                       c->auth_error ? c->auth_error : "signed out", route->provider_id);
          return;
        }
    }
  g_set_error (error, SY_ROUTING_ERROR, SY_ROUTING_ERROR_NO_CONNECTION,
               "no enabled account for provider \"%s\"; add one with POST /api/providers",
               route->provider_label);
}

static SyRoute *
finish_route (SyModelResolver  *self,
              SyRoute          *route,
              const char       *requested,
              const char       *upstream_model,
              GError          **error)
{
  g_autoptr(SyRoute) owned = route;

  owned->requested_model = g_strdup (requested);
  owned->upstream_model = g_strdup (upstream_model);
  /* A subscription upstream may speak another dialect for some models (Copilot serves its
   * *-codex models on /responses only); the whole route uses that one. */
  owned->dialect = sy_upstream_adapter_dialect_for (owned->provider_id, upstream_model,
                                                    owned->dialect);
  if (owned->candidates->len == 0)
    {
      set_no_account_error (self, owned, error);
      return NULL;
    }
  return g_steal_pointer (&owned);
}

SyRoute *
sy_model_resolver_resolve (SyModelResolver  *self,
                           const char       *model,
                           GError          **error)
{
  const char *slash;
  const char *provider_id;
  g_autoptr(GPtrArray) connected = NULL;

  g_return_val_if_fail (SY_IS_MODEL_RESOLVER (self), NULL);
  g_return_val_if_fail (model != NULL, NULL);

  if (*model == '\0')
    {
      g_set_error (error, SY_ROUTING_ERROR, SY_ROUTING_ERROR_INVALID_MODEL, "model is empty");
      return NULL;
    }

  slash = strchr (model, '/');
  if (slash != NULL && slash != model && slash[1] != '\0')
    {
      g_autofree char *prefix = g_strndup (model, slash - model);
      SyRoute *route = route_for_prefix (self, prefix);

      /* A prefix with no account may still be part of another provider's model id
       * ("openai/gpt-oss-120b" at Groq). */
      if (route != NULL && route->candidates->len == 0 &&
          (provider_id = sy_model_resolver_lookup_bare (self, model)) != NULL)
        {
          SyRoute *other = route_for_provider_id (self, provider_id);

          if (other != NULL)
            {
              sy_route_free (route);
              return finish_route (self, other, model, model, error);
            }
        }
      if (route != NULL)
        return finish_route (self, route, model, slash + 1, error);
    }

  /* A bare model name (or an unknown prefix, which may be part of the model's own name, as
   * in "meta-llama/llama-3"): first the connected providers' model lists, then the only
   * connected provider if there is just one. */
  if ((provider_id = sy_model_resolver_lookup_bare (self, model)) != NULL)
    {
      SyRoute *route = route_for_provider_id (self, provider_id);

      if (route != NULL)
        return finish_route (self, route, model, model, error);
    }
  connected = connected_prefixes (self);
  if (connected->len == 1)
    return finish_route (self, route_for_prefix (self, g_ptr_array_index (connected, 0)), model,
                         model, error);

  if (connected->len == 0)
    g_set_error (error, SY_ROUTING_ERROR, SY_ROUTING_ERROR_UNKNOWN_PROVIDER,
                 "model \"%s\" does not name a connected provider, and no provider is connected; "
                 "add an account with POST /api/providers", model);
  else
    {
      g_autofree char *list = join_prefixes (connected);

      g_set_error (error, SY_ROUTING_ERROR,
                   slash != NULL ? SY_ROUTING_ERROR_UNKNOWN_PROVIDER : SY_ROUTING_ERROR_AMBIGUOUS,
                   "model \"%s\" does not name a connected provider; prefix it with one of: %s",
                   model, list);
    }
  return NULL;
}

SyRoute *
sy_model_resolver_resolve_for_provider (SyModelResolver  *self,
                                        const char       *provider,
                                        const char       *model,
                                        GError          **error)
{
  SyRoute *route;
  const char *slash;
  const char *upstream = model;

  g_return_val_if_fail (SY_IS_MODEL_RESOLVER (self), NULL);

  route = route_for_prefix (self, provider);
  if (route == NULL)
    {
      g_set_error (error, SY_ROUTING_ERROR, SY_ROUTING_ERROR_UNKNOWN_PROVIDER,
                   "unknown provider \"%s\"", provider);
      return NULL;
    }

  slash = strchr (model, '/');
  if (slash != NULL)
    {
      g_autofree char *prefix = g_strndup (model, slash - model);
      g_autoptr(SyRoute) other = route_for_prefix (self, prefix);

      if (other != NULL && !g_str_equal (other->provider_id, route->provider_id))
        {
          g_set_error (error, SY_ROUTING_ERROR, SY_ROUTING_ERROR_INVALID_MODEL,
                       "model \"%s\" belongs to provider \"%s\", not \"%s\"", model,
                       other->provider_label, route->provider_label);
          sy_route_free (route);
          return NULL;
        }
      if (other != NULL)
        upstream = slash + 1;
    }
  return finish_route (self, route, model, upstream, error);
}

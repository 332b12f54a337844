/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /api/provider-models (custom models: model ids a user adds to a provider's list) and
 * /api/models/catalog (every provider with its models, built-in and custom). Custom models are
 * stored under the id connections use (catalog id or node id) and shown under the name users
 * write (catalog id, node prefix). Adding a model a provider already has is a 409. No routing
 * here: SyModelResolver reads the same repository.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-api.h"

#include <string.h>

#include "gateway/sy-api-fields.h"
#include "gateway/sy-http.h"
#include "providers/sy-provider-catalog.h"
#include "store/sy-database.h"

static const char * const model_types[] = { "chat", "embedding", "image", "audio", NULL };

/* A provider as users name it (catalog id, alias or node prefix). */
typedef struct
{
  const SyProviderInfo *info;   /* NULL for a node */
  SyProviderNode       *node;   /* NULL for a catalog entry */
  const char           *id;     /* what the repository stores */
  const char           *label;  /* what users see: catalog id or node prefix */
  const char           *alias;  /* the model prefix: catalog alias or node prefix */
} Provider;

static void
provider_clear (Provider *p)
{
  g_clear_pointer (&p->node, sy_provider_node_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Provider, provider_clear)

static void
provider_set_node (Provider       *p,
                   SyProviderNode *node)
{
  p->node = node;
  p->id = node->id;
  p->label = p->alias = node->prefix;
}

static gboolean
resolve_provider (SyGateway   *gateway,
                  const char  *name,
                  Provider    *out,
                  GError     **error)
{
  SyProviderNode *node;

  if ((out->info = sy_provider_catalog_lookup (name)) != NULL)
    {
      out->id = out->label = out->info->id;
      out->alias = out->info->alias;
      return TRUE;
    }
  if ((node = sy_node_repo_lookup_by_prefix (sy_gateway_get_nodes (gateway), name)) != NULL)
    {
      provider_set_node (out, node);
      return TRUE;
    }
  return sy_api_invalid (error, "provider: unknown provider \"%s\"; use a built-in id or alias "
                         "such as \"openai\" or the prefix of a provider node", name);
}

/* By stored id (catalog id or node id); FALSE for an orphan (its node was removed). */
static gboolean
provider_for_id (SyGateway  *gateway,
                 const char *id,
                 Provider   *out)
{
  SyProviderNode *node;

  if ((out->info = sy_provider_catalog_lookup (id)) != NULL)
    {
      out->id = out->label = out->info->id;
      out->alias = out->info->alias;
      return TRUE;
    }
  if ((node = sy_node_repo_lookup (sy_gateway_get_nodes (gateway), id)) == NULL)
    return FALSE;
  provider_set_node (out, node);
  return TRUE;
}

static gboolean
check_model_id (const char  *model,
                GError     **error)
{
  if (*model == '\0' || strlen (model) > 256)
    return sy_api_invalid (error, "modelId: expected 1 to 256 characters");
  for (const char *p = model; *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || *p == 0x7f)
      return sy_api_invalid (error, "modelId: must not contain spaces or control characters");
  return TRUE;
}

static void
build_custom_model (JsonBuilder         *b,
                    const Provider      *p,
                    const SyCustomModel *m)
{
  g_autofree char *full = g_strconcat (p->alias, "/", m->model, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, full);
  json_builder_set_member_name (b, "provider");
  json_builder_add_string_value (b, p->label);
  json_builder_set_member_name (b, "modelId");
  json_builder_add_string_value (b, m->model);
  json_builder_set_member_name (b, "modelName");
  json_builder_add_string_value (b, m->name ? m->name : m->model);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, m->type);
  json_builder_set_member_name (b, "createdAt");
  json_builder_add_int_value (b, m->created_at);
  json_builder_end_object (b);
}

/* ?provider=&model= from the query string; unknown parameters are refused. */
static gboolean
read_query (SyApiCall  *call,
            gboolean    required,
            Provider   *provider,
            char      **model,
            GError    **error)
{
  const char *raw = g_uri_get_query (soup_server_message_get_uri (call->msg));
  g_autoptr(GHashTable) params = raw ? soup_form_decode (raw) : NULL;
  GHashTableIter iter;
  gpointer name;
  const char *p, *m;

  if (params != NULL)
    {
      g_hash_table_iter_init (&iter, params);
      while (g_hash_table_iter_next (&iter, &name, NULL))
        if (!g_str_equal (name, "provider") && !g_str_equal (name, "model"))
          return sy_api_invalid (error, "%s: unknown parameter; use provider and model",
                                 (char *) name);
    }
  p = params ? g_hash_table_lookup (params, "provider") : NULL;
  m = params ? g_hash_table_lookup (params, "model") : NULL;
  if (required && p == NULL)
    return sy_api_invalid (error, "provider: required, as in ?provider=openai&model=gpt-4.5-preview");
  if (required && m == NULL)
    return sy_api_invalid (error, "model: required, as in ?provider=openai&model=gpt-4.5-preview");
  if (p != NULL && !resolve_provider (call->gateway, p, provider, error))
    return FALSE;
  *model = g_strdup (m);
  return TRUE;
}

JsonNode *
sy_api_custom_models_to_json (SyGateway  *gateway,
                              const char *provider_id,
                              const char *model)
{
  g_autoptr(GPtrArray) all = sy_custom_model_repo_list (sy_gateway_get_custom_models (gateway),
                                                        provider_id);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint i = 0; i < all->len; i++)
    {
      SyCustomModel *m = g_ptr_array_index (all, i);
      g_auto(Provider) p = { 0 };

      if ((model == NULL || g_str_equal (model, m->model)) &&
          provider_for_id (gateway, m->provider, &p))
        build_custom_model (b, &p, m);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}

static void
list_custom_models (SyApiCall *call)
{
  g_auto(Provider) filter = { 0 };
  g_autofree char *model = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (!read_query (call, FALSE, &filter, &model, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  root = sy_api_custom_models_to_json (call->gateway, filter.id, model);
  sy_api_reply (call->msg, SOUP_STATUS_OK, root);
}

static void
add_custom_model (SyApiCall *call)
{
  static const char * const allowed[] = { "provider", "modelId", "modelName", "type", NULL };
  g_auto(Provider) p = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *provider = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  SyCustomModel m = { 0 };
  gboolean ok;

  ok = sy_api_fields_only (call->body, allowed, &error) &&
       sy_api_field_string (call->body, "provider", TRUE, 64, &provider, NULL, &error) &&
       resolve_provider (call->gateway, provider, &p, &error) &&
       sy_api_field_string (call->body, "modelId", TRUE, 256, &m.model, NULL, &error) &&
       check_model_id (m.model, &error) &&
       sy_api_field_string (call->body, "modelName", FALSE, 200, &m.name, NULL, &error) &&
       sy_api_field_choice (call->body, "type", FALSE, model_types, &m.type, NULL, &error);
  if (ok)
    {
      if (m.type == NULL)
        m.type = g_strdup ("chat");
      m.provider = g_strdup (p.id);
      m.created_at = sy_record_now_ms ();
      if (p.info != NULL && sy_provider_info_find_model (p.info, m.model) != NULL)
        {
          g_set_error (&error, SY_STORE_ERROR, SY_STORE_ERROR_CONSTRAINT,
                       "modelId: \"%s\" is already a built-in model of %s", m.model,
                       p.info->name);
          ok = FALSE;
        }
      else
        ok = sy_custom_model_repo_add (sy_gateway_get_custom_models (call->gateway), &m,
                                       &error);
    }
  if (ok)
    {
      build_custom_model (b, &p, &m);
      root = json_builder_get_root (b);
      sy_api_reply (call->msg, SOUP_STATUS_CREATED, root);
    }
  else
    sy_api_reply_gerror (call->msg, error);
  g_free (m.provider);
  g_free (m.model);
  g_free (m.name);
  g_free (m.type);
}

static void
delete_custom_model (SyApiCall *call)
{
  g_auto(Provider) p = { 0 };
  g_autofree char *model = NULL;
  g_autoptr(GError) error = NULL;

  if (!read_query (call, TRUE, &p, &model, &error) ||
      !sy_custom_model_repo_delete (sy_gateway_get_custom_models (call->gateway), p.id, model,
                                    &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  soup_server_message_set_status (call->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

void
sy_api_provider_models_handle (SyApiCall *call)
{
  if (call->id != NULL)
    {
      sy_http_respond_error (call->msg, SY_DIALECT_OPENAI, SOUP_STATUS_NOT_FOUND,
                             "invalid_request_error", "not_found",
                             "no management route for %s /api/provider-models/%s; name the model "
                             "with ?provider=&model=", call->method, call->id);
      return;
    }
  if (call->method == SOUP_METHOD_GET)
    list_custom_models (call);
  else if (call->method == SOUP_METHOD_POST)
    add_custom_model (call);
  else if (call->method == SOUP_METHOD_DELETE)
    delete_custom_model (call);
  else
    sy_api_reply_bad_method (call, "GET, POST, DELETE");
}

/* --- /api/models/catalog ------------------------------------------------------------------- */

static void
add_limit (JsonBuilder *b,
           const char  *name,
           guint        value)
{
  json_builder_set_member_name (b, name);
  if (value > 0)
    json_builder_add_int_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
build_model (JsonBuilder *b,
             const char  *alias,
             const char  *model,
             const char  *name,
             const char  *type,
             guint        context_length,
             guint        max_output_tokens,
             gboolean     custom)
{
  g_autofree char *full = g_strconcat (alias, "/", model, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, full);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, model);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name ? name : model);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  add_limit (b, "contextLength", context_length);
  add_limit (b, "maxOutputTokens", max_output_tokens);
  json_builder_set_member_name (b, "custom");
  json_builder_add_boolean_value (b, custom);
  json_builder_end_object (b);
}

static void
build_provider (JsonBuilder    *b,
                SyGateway      *gateway,
                const Provider *p,
                const char     *name,
                const char     *auth_type,
                gboolean        connected)
{
  g_autoptr(GPtrArray) custom = sy_custom_model_repo_list (sy_gateway_get_custom_models (gateway),
                                                           p->id);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, p->label);
  json_builder_set_member_name (b, "alias");
  json_builder_add_string_value (b, p->alias);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "authType");
  json_builder_add_string_value (b, auth_type);
  json_builder_set_member_name (b, "connected");
  json_builder_add_boolean_value (b, connected);
  json_builder_set_member_name (b, "models");
  json_builder_begin_array (b);
  for (const SyModelInfo *m = p->info ? p->info->models : NULL; m != NULL && m->id != NULL; m++)
    build_model (b, p->alias, m->id, m->name, sy_model_type_to_string (m->type),
                 m->context_length, m->max_output_tokens, FALSE);
  for (guint i = 0; i < custom->len; i++)
    {
      SyCustomModel *m = g_ptr_array_index (custom, i);

      build_model (b, p->alias, m->model, m->name, m->type, 0, 0, TRUE);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

GHashTable *
sy_api_connected_providers (SyGateway *gateway)
{
  g_autoptr(GPtrArray) all = sy_connection_repo_list (sy_gateway_get_connections (gateway), NULL);
  GHashTable *connected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < all->len; i++)
    {
      SyConnection *c = g_ptr_array_index (all, i);

      if (c->enabled)
        g_hash_table_add (connected, g_strdup (c->provider));
    }
  return connected;
}

static void
reply_catalog (SyApiCall *call)
{
  g_autoptr(GHashTable) connected = sy_api_connected_providers (call->gateway);
  g_autoptr(GPtrArray) nodes = sy_node_repo_list (sy_gateway_get_nodes (call->gateway));
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const SyProviderInfo *catalog;
  guint n;

  catalog = sy_provider_catalog_get_all (&n);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "providers");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      Provider p = { &catalog[i], NULL, catalog[i].id, catalog[i].id, catalog[i].alias };

      build_provider (b, call->gateway, &p, catalog[i].name,
                      sy_auth_kind_to_string (catalog[i].auth_kind),
                      g_hash_table_contains (connected, catalog[i].id));
    }
  for (guint i = 0; i < nodes->len; i++)
    {
      SyProviderNode *node = g_ptr_array_index (nodes, i);
      Provider p = { NULL, node, node->id, node->prefix, node->prefix };

      build_provider (b, call->gateway, &p, node->name ? node->name : node->prefix, "apikey",
                      g_hash_table_contains (connected, node->id));
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  sy_api_reply (call->msg, SOUP_STATUS_OK, root);
}

void
sy_api_models_handle (SyApiCall *call)
{
  if (g_strcmp0 (call->id, "catalog") != 0)
    {
      sy_http_respond_error (call->msg, SY_DIALECT_OPENAI, SOUP_STATUS_NOT_FOUND,
                             "invalid_request_error", "not_found",
                             "no management route for %s /api/models%s%s; see /api/models/catalog",
                             call->method, call->id ? "/" : "", call->id ? call->id : "");
      return;
    }
  if (call->method == SOUP_METHOD_GET)
    reply_catalog (call);
  else
    sy_api_reply_bad_method (call, "GET");
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /api/provider-nodes: user-defined compatible providers ({"prefix", "name", "apiType",
 * "baseUrl"}). A prefix may not shadow a built-in provider id or alias, and a node that still
 * has accounts cannot be deleted.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-api.h"

#include "gateway/sy-api-fields.h"
#include "gateway/sy-http.h"
#include "providers/sy-provider-catalog.h"
#include "store/sy-database.h"

static const char * const node_fields[] = { "prefix", "name", "apiType", "baseUrl", NULL };

JsonNode *
sy_api_node_to_json (SyProviderNode *node)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, node->id);
  json_builder_set_member_name (b, "prefix");
  json_builder_add_string_value (b, node->prefix);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, node->name);
  json_builder_set_member_name (b, "apiType");
  json_builder_add_string_value (b, node->api_type);
  json_builder_set_member_name (b, "baseUrl");
  json_builder_add_string_value (b, node->base_url);
  json_builder_set_member_name (b, "createdAt");
  json_builder_add_int_value (b, node->created_at);
  json_builder_set_member_name (b, "updatedAt");
  json_builder_add_int_value (b, node->updated_at);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
prefix_valid (const char  *prefix,
              GError     **error)
{
  if (!g_ascii_isalnum (prefix[0]))
    goto bad;
  for (const char *p = prefix; *p != '\0'; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-' || *p == '_' || *p == '.'))
      goto bad;
  if (sy_provider_catalog_lookup (prefix) != NULL)
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                   "prefix: \"%s\" is a built-in provider; choose another prefix", prefix);
      return FALSE;
    }
  return TRUE;

bad:
  g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
               "prefix: use lower-case letters, digits, '-', '_' or '.', starting with a letter "
               "or digit (got \"%s\")", prefix);
  return FALSE;
}

/* Reads the body into node (all fields when creating, the given ones when patching). */
static gboolean
read_node (JsonObject      *body,
           SyProviderNode  *node,
           gboolean         creating,
           GError         **error)
{
  SyDialect dialect;

  if (!sy_api_fields_only (body, node_fields, error) ||
      !sy_api_field_string (body, "prefix", creating, 32, &node->prefix, NULL, error) ||
      !sy_api_field_string (body, "name", FALSE, 100, &node->name, NULL, error) ||
      !sy_api_field_string (body, "apiType", creating, 32, &node->api_type, NULL, error) ||
      !sy_api_field_url (body, "baseUrl", creating, &node->base_url, NULL, error))
    return FALSE;
  if (!prefix_valid (node->prefix, error))
    return FALSE;
  if (!sy_dialect_from_string (node->api_type, &dialect))
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                   "apiType: expected \"openai\", \"anthropic\", \"gemini\" or \"responses\"");
      return FALSE;
    }
  if (node->base_url == NULL)
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID, "baseUrl: is required");
      return FALSE;
    }
  if (node->name == NULL)
    node->name = g_strdup (node->prefix);
  return TRUE;
}

static void
reply_node (SyApiCall      *call,
            guint           status,
            SyProviderNode *node)
{
  g_autoptr(JsonNode) root = sy_api_node_to_json (node);

  sy_api_reply (call->msg, status, root);
}

static void
create_node (SyApiCall *call)
{
  SyNodeRepo *repo = sy_gateway_get_nodes (call->gateway);
  g_autoptr(SyProviderNode) node = sy_provider_node_new ();
  g_autoptr(GError) error = NULL;

  if (!read_node (call->body, node, TRUE, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  node->id = sy_record_new_id ();
  node->created_at = node->updated_at = sy_record_now_ms ();
  if (!sy_node_repo_save (repo, node, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  reply_node (call, SOUP_STATUS_CREATED, node);
}

static void
list_nodes (SyApiCall *call)
{
  g_autoptr(GPtrArray) nodes = sy_node_repo_list (sy_gateway_get_nodes (call->gateway));
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < nodes->len; i++)
    json_array_add_element (array, sy_api_node_to_json (g_ptr_array_index (nodes, i)));
  json_node_set_array (root, array);
  sy_api_reply (call->msg, SOUP_STATUS_OK, root);
}

static void
patch_node (SyApiCall      *call,
            SyProviderNode *current)
{
  g_autoptr(SyProviderNode) next = sy_provider_node_new ();
  g_autoptr(GError) error = NULL;

  next->id = g_strdup (current->id);
  next->prefix = g_strdup (current->prefix);
  next->name = g_strdup (current->name);
  next->api_type = g_strdup (current->api_type);
  next->base_url = g_strdup (current->base_url);
  next->created_at = current->created_at;
  next->updated_at = sy_record_now_ms ();

  if (!read_node (call->body, next, FALSE, &error) ||
      !sy_node_repo_save (sy_gateway_get_nodes (call->gateway), next, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  reply_node (call, SOUP_STATUS_OK, next);
}

static void
delete_node (SyApiCall      *call,
             SyProviderNode *node)
{
  g_autoptr(GPtrArray) accounts = sy_connection_repo_list (sy_gateway_get_connections (call->gateway),
                                                           node->id);
  g_autoptr(GError) error = NULL;

  if (accounts->len > 0)
    {
      sy_http_respond_error (call->msg, SY_DIALECT_OPENAI, SOUP_STATUS_CONFLICT,
                             "invalid_request_error", "in_use",
                             "provider node \"%s\" still has %u account(s); delete them first",
                             node->prefix, accounts->len);
      return;
    }
  if (!sy_node_repo_delete (sy_gateway_get_nodes (call->gateway), node->id, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  /* Its custom models go with it (a later node never inherits them). */
  {
    SyCustomModelRepo *custom = sy_gateway_get_custom_models (call->gateway);
    g_autoptr(GPtrArray) models = sy_custom_model_repo_list (custom, node->id);

    for (guint i = 0; i < models->len; i++)
      {
        SyCustomModel *m = g_ptr_array_index (models, i);
        g_autoptr(GError) ignored = NULL;

        if (!sy_custom_model_repo_delete (custom, m->provider, m->model, &ignored))
          g_warning ("node %s deleted, but not its custom model %s: %s", node->prefix, m->model,
                     ignored->message);
      }
  }
  soup_server_message_set_status (call->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

void
sy_api_nodes_handle (SyApiCall *call)
{
  g_autoptr(SyProviderNode) node = NULL;

  if (call->id == NULL)
    {
      if (call->method == SOUP_METHOD_POST)
        create_node (call);
      else if (call->method == SOUP_METHOD_GET)
        list_nodes (call);
      else
        sy_api_reply_bad_method (call, "GET, POST");
      return;
    }

  node = sy_node_repo_lookup (sy_gateway_get_nodes (call->gateway), call->id);
  if (node == NULL)
    {
      sy_api_reply_not_found (call, "provider node");
      return;
    }
  if (call->method == SOUP_METHOD_GET)
    reply_node (call, SOUP_STATUS_OK, node);
  else if (g_str_equal (call->method, "PATCH") || call->method == SOUP_METHOD_PUT)
    patch_node (call, node);
  else if (call->method == SOUP_METHOD_DELETE)
    delete_node (call, node);
  else
    sy_api_reply_bad_method (call, "GET, PATCH, DELETE");
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /api/providers: provider connections (accounts). The API key goes to the secret store, never
 * the database, and is never echoed back; the row only records that a key exists. A connection
 * may override its provider's base URL (corporate gateways, local mocks).
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-api.h"

#include "gateway/sy-api-fields.h"
#include "gateway/sy-http.h"
#include "gateway/sy-quota-watch.h"
#include "providers/sy-provider-catalog.h"
#include "store/sy-database.h"

static const char * const connection_fields[] = {
  "provider", "name", "apiKey", "baseUrl", "priority", "enabled", "rateLimit", NULL
};

typedef struct
{
  SyGateway         *gateway;
  SoupServerMessage *msg;
  SyConnection      *connection;
  guint              status;
} Pending;

static void
pending_free (Pending *p)
{
  g_clear_object (&p->gateway);
  g_clear_object (&p->msg);
  g_clear_pointer (&p->connection, sy_connection_unref);
  g_free (p);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pending, pending_free)

/* What users see as the provider: the catalog id or the node's prefix. */
static char *
provider_label (SyGateway  *gateway,
                const char *provider_id)
{
  g_autoptr(SyProviderNode) node = sy_node_repo_lookup (sy_gateway_get_nodes (gateway), provider_id);

  return g_strdup (node ? node->prefix : provider_id);
}

/* An account's own outbound limit, or null when it follows the global setting. */
static void
add_limit (JsonBuilder *b,
           const char  *name,
           int          value)
{
  json_builder_set_member_name (b, name);
  if (value < 0)
    json_builder_add_null_value (b);
  else
    json_builder_add_int_value (b, value);
}

static const struct
{
  const char *name;
  gint64      max;
  gsize       offset;
} limit_fields[] = {
  { "rpm", 100000, G_STRUCT_OFFSET (SyConnection, rpm_limit) },
  { "minGapMs", 600000, G_STRUCT_OFFSET (SyConnection, min_gap_ms) },
  { "maxConcurrent", 10000, G_STRUCT_OFFSET (SyConnection, max_concurrent) },
};

/* "rateLimit": {"rpm": 60, "minGapMs": 350, "maxConcurrent": 6}; a member that is null (or
 * rateLimit: null for all three) follows the global setting again; 0 means no limit. */
static gboolean
read_rate_limit (JsonObject    *body,
                 SyConnection  *c,
                 GError       **error)
{
  static const char * const allowed[] = { "rpm", "minGapMs", "maxConcurrent", NULL };
  JsonNode *node = json_object_get_member (body, "rateLimit");
  JsonObject *limits;

  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_NULL (node))
    {
      c->rpm_limit = c->min_gap_ms = c->max_concurrent = -1;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                   "rateLimit: expected an object such as {\"rpm\": 60, \"minGapMs\": 350, "
                   "\"maxConcurrent\": 6}, or null");
      return FALSE;
    }
  limits = json_node_get_object (node);
  if (!sy_api_fields_only (limits, allowed, error))
    {
      g_prefix_error (error, "rateLimit.");
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (limit_fields); i++)
    {
      JsonNode *member = json_object_get_member (limits, limit_fields[i].name);
      int *slot = G_STRUCT_MEMBER_P (c, limit_fields[i].offset);
      gint64 value;

      if (member == NULL)
        continue;
      if (JSON_NODE_HOLDS_NULL (member))
        {
          *slot = -1;
          continue;
        }
      if (!sy_api_field_int (limits, limit_fields[i].name, 0, limit_fields[i].max, &value, NULL,
                             error))
        {
          g_prefix_error (error, "rateLimit.");
          return FALSE;
        }
      *slot = (int) value;
    }
  return TRUE;
}

/* Stored text that is not an object (never written by us) reads as {}. */
static JsonNode *
provider_data_node (const char *text)
{
  g_autoptr(JsonNode) node = text ? json_from_string (text, NULL) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_clear_pointer (&node, json_node_unref);
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, json_object_new ());
    }
  return g_steal_pointer (&node);
}

/* What the quota book last heard for a subscription account (no fetch), else null. */
static JsonNode *
quota_node (SyGateway    *gateway,
            SyConnection *c)
{
  SyQuotaBook *book = sy_quota_watch_get_book (sy_gateway_get_quota_watch (gateway));
  g_autoptr(SyQuota) quota = sy_quota_book_lookup (book, c->id);

  if (quota == NULL)
    return json_node_new (JSON_NODE_NULL);
  return sy_quota_book_to_json (book, c->id);
}

JsonNode *
sy_api_connection_to_json (SyGateway    *gateway,
                           SyConnection *c)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *label = provider_label (gateway, c->provider);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, c->id);
  json_builder_set_member_name (b, "provider");
  json_builder_add_string_value (b, label);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, c->name);
  json_builder_set_member_name (b, "authType");
  json_builder_add_string_value (b, c->auth_type);
  json_builder_set_member_name (b, "baseUrl");
  if (c->base_url != NULL)
    json_builder_add_string_value (b, c->base_url);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "priority");
  json_builder_add_int_value (b, c->priority);
  json_builder_set_member_name (b, "enabled");
  json_builder_add_boolean_value (b, c->enabled);
  json_builder_set_member_name (b, "rateLimit");
  json_builder_begin_object (b);
  add_limit (b, "rpm", c->rpm_limit);
  add_limit (b, "minGapMs", c->min_gap_ms);
  add_limit (b, "maxConcurrent", c->max_concurrent);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "hasApiKey");
  json_builder_add_boolean_value (b, c->has_secret);
  json_builder_set_member_name (b, "authState");
  json_builder_add_string_value (b, c->auth_state);
  json_builder_set_member_name (b, "authError");
  if (c->auth_error != NULL)
    json_builder_add_string_value (b, c->auth_error);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "account");
  if (c->account != NULL)
    json_builder_add_string_value (b, c->account);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "tokenExpiresAt");
  if (c->token_expires_at > 0)
    json_builder_add_int_value (b, c->token_expires_at);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "providerData");
  json_builder_add_value (b, provider_data_node (c->provider_data));
  json_builder_set_member_name (b, "quota");
  json_builder_add_value (b, quota_node (gateway, c));
  json_builder_set_member_name (b, "createdAt");
  json_builder_add_int_value (b, c->created_at);
  json_builder_set_member_name (b, "updatedAt");
  json_builder_add_int_value (b, c->updated_at);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
reply_connection (SyGateway         *gateway,
                  SoupServerMessage *msg,
                  guint              status,
                  SyConnection      *c)
{
  g_autoptr(JsonNode) root = sy_api_connection_to_json (gateway, c);

  sy_api_reply (msg, status, root);
}

/* "openai", "ds" (alias) or a node prefix -> the id connections store. */
static char *
resolve_provider (SyGateway   *gateway,
                  const char  *name,
                  GError     **error)
{
  const SyProviderInfo *info = sy_provider_catalog_lookup (name);
  g_autoptr(SyProviderNode) node = NULL;

  if (info != NULL)
    return g_strdup (info->id);
  if ((node = sy_node_repo_lookup_by_prefix (sy_gateway_get_nodes (gateway), name)) != NULL)
    return g_strdup (node->id);
  g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
               "provider: unknown provider \"%s\"; use a built-in id such as \"openai\" or the "
               "prefix of a provider node (POST /api/provider-nodes)", name);
  return NULL;
}

static gboolean
is_oauth_provider (const char *name)
{
  const SyProviderInfo *info = name ? sy_provider_catalog_lookup (name) : NULL;

  return info != NULL && info->auth_kind == SY_AUTH_KIND_OAUTH;
}

/* Accounts of an OAuth provider are made by its login flow, never from a key: a key given
 * here, or a create without one, is refused with the way to sign in. */
static gboolean
oauth_account_allowed (const char    *provider_id,
                       gboolean       has_key,
                       gboolean       creating,
                       GError       **error)
{
  const SyProviderInfo *info = provider_id ? sy_provider_catalog_lookup (provider_id) : NULL;

  if (info == NULL || info->auth_kind != SY_AUTH_KIND_OAUTH)
    return TRUE;
  if (has_key || creating)
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                   "provider: %s signs in with OAuth; use /api/oauth/%s/start", info->name,
                   info->id);
      return FALSE;
    }
  return TRUE;
}

/* Reads the body into c; *api_key receives a new key if one was given. */
static gboolean
read_connection (SyGateway     *gateway,
                 JsonObject    *body,
                 SyConnection  *c,
                 gboolean       creating,
                 char         **api_key,
                 GError       **error)
{
  g_autofree char *provider = NULL;
  gint64 priority = c->priority;

  if (!sy_api_fields_only (body, connection_fields, error) ||
      !sy_api_field_string (body, "provider", creating, 64, &provider, NULL, error) ||
      !sy_api_field_string (body, "name", FALSE, 100, &c->name, NULL, error) ||
      !sy_api_field_string (body, "apiKey", creating && !is_oauth_provider (provider), 8192,
                            api_key, NULL, error) ||
      !sy_api_field_url (body, "baseUrl", FALSE, &c->base_url, NULL, error) ||
      !sy_api_field_int (body, "priority", 1, 1000, &priority, NULL, error) ||
      !sy_api_field_boolean (body, "enabled", &c->enabled, NULL, error) ||
      !read_rate_limit (body, c, error))
    return FALSE;

  if (provider != NULL)
    {
      g_autofree char *id = resolve_provider (gateway, provider, error);

      if (id == NULL)
        return FALSE;

      if (!creating && g_strcmp0 (id, c->provider) != 0)
        {
          g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                       "provider: an account cannot move to another provider; create a new one");
          return FALSE;
        }
      g_free (c->provider);
      c->provider = g_steal_pointer (&id);
    }
  /* An OAuth provider's accounts come from a login; a key would route with the wrong
   * credentials (and never refresh). */
  if (!oauth_account_allowed (c->provider, *api_key != NULL, creating, error))
    return FALSE;
  c->priority = (int) priority;
  if (c->name == NULL)
    c->name = provider_label (gateway, c->provider);
  return TRUE;
}

static void
save_and_reply (Pending *p)
{
  g_autoptr(GError) error = NULL;

  if (!sy_connection_repo_save (sy_gateway_get_connections (p->gateway), p->connection, &error))
    sy_api_reply_gerror (p->msg, error);
  else
    reply_connection (p->gateway, p->msg, p->status, p->connection);
  soup_server_message_unpause (p->msg);
}

static void
secret_stored_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Pending) p = user_data;
  g_autoptr(GError) error = NULL;

  if (!sy_credentials_set_finish (SY_CREDENTIALS (source), result, &error))
    {
      sy_http_respond_error (p->msg, SY_DIALECT_OPENAI, SOUP_STATUS_SERVICE_UNAVAILABLE,
                             "api_error", "secret_store_unavailable",
                             "cannot store the API key in the secret store: %s", error->message);
      soup_server_message_unpause (p->msg);
      return;
    }
  p->connection->has_secret = TRUE;
  save_and_reply (p);
}

/* Stores the key (if any) in the secret store, then the row, then replies. */
static void
store_connection (SyApiCall    *call,
                  SyConnection *c,
                  const char   *api_key,
                  guint         status)
{
  Pending *p = g_new0 (Pending, 1);
  g_autofree char *label = NULL;

  p->gateway = g_object_ref (call->gateway);
  p->msg = g_object_ref (call->msg);
  p->connection = sy_connection_ref (c);
  p->status = status;
  soup_server_message_pause (call->msg);

  if (api_key == NULL)
    {
      g_autoptr(Pending) owned = p;

      save_and_reply (owned);
      return;
    }
  label = g_strdup_printf ("Switchyard: %s (%s)", c->name, c->id);
  sy_credentials_set_async (sy_gateway_get_credentials (call->gateway), c->id, label, api_key,
                            NULL, secret_stored_cb, p);
}

static void
create_connection (SyApiCall *call)
{
  g_autoptr(SyConnection) c = sy_connection_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *api_key = NULL;

  if (!read_connection (call->gateway, call->body, c, TRUE, &api_key, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  c->id = sy_record_new_id ();
  c->created_at = c->updated_at = sy_record_now_ms ();
  store_connection (call, c, api_key, SOUP_STATUS_CREATED);
}

static void
list_connections (SyApiCall *call)
{
  g_autoptr(GPtrArray) all = sy_connection_repo_list (sy_gateway_get_connections (call->gateway),
                                                      NULL);
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < all->len; i++)
    json_array_add_element (array, sy_api_connection_to_json (call->gateway, g_ptr_array_index (all, i)));
  json_node_set_array (root, array);
  sy_api_reply (call->msg, SOUP_STATUS_OK, root);
}

static void
patch_connection (SyApiCall    *call,
                  SyConnection *current)
{
  g_autoptr(SyConnection) next = sy_connection_copy (current);
  g_autoptr(GError) error = NULL;
  g_autofree char *api_key = NULL;

  if (!read_connection (call->gateway, call->body, next, FALSE, &api_key, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  next->updated_at = sy_record_now_ms ();
  store_connection (call, next, api_key, SOUP_STATUS_OK);
}

static void
secret_forgotten_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(Pending) p = user_data;
  g_autoptr(GError) error = NULL;

  /* The row is gone already; a key left in the keyring is logged, not fatal. */
  if (!sy_credentials_forget_finish (SY_CREDENTIALS (source), result, &error))
    g_warning ("account %s deleted, but its key stays in the secret store: %s",
               p->connection->id, error->message);
  soup_server_message_set_status (p->msg, SOUP_STATUS_NO_CONTENT, NULL);
  soup_server_message_unpause (p->msg);
}

static void
delete_connection (SyApiCall    *call,
                   SyConnection *c)
{
  g_autoptr(GError) error = NULL;
  Pending *p;

  if (!sy_connection_repo_delete (sy_gateway_get_connections (call->gateway), c->id, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  sy_quota_book_remove (sy_quota_watch_get_book (sy_gateway_get_quota_watch (call->gateway)),
                        c->id);
  p = g_new0 (Pending, 1);
  p->gateway = g_object_ref (call->gateway);
  p->msg = g_object_ref (call->msg);
  p->connection = sy_connection_ref (c);
  soup_server_message_pause (call->msg);
  sy_credentials_forget_async (sy_gateway_get_credentials (call->gateway), c->id, NULL,
                               secret_forgotten_cb, p);
}

void
sy_api_providers_handle (SyApiCall *call)
{
  g_autoptr(SyConnection) c = NULL;

  if (call->id == NULL)
    {
      if (call->method == SOUP_METHOD_POST)
        create_connection (call);
      else if (call->method == SOUP_METHOD_GET)
        list_connections (call);
      else
        sy_api_reply_bad_method (call, "GET, POST");
      return;
    }

  c = sy_connection_repo_lookup (sy_gateway_get_connections (call->gateway), call->id);
  if (c == NULL)
    {
      sy_api_reply_not_found (call, "provider connection");
      return;
    }
  if (call->sub != NULL)
    {
      if (g_str_equal (call->sub, "quota"))
        sy_api_provider_quota (call, c);
      else if (g_str_equal (call->sub, "test"))
        sy_api_provider_test (call, c);
      else
        sy_api_reply_not_found (call, "provider connection resource");
      return;
    }
  if (call->method == SOUP_METHOD_GET)
    reply_connection (call->gateway, call->msg, SOUP_STATUS_OK, c);
  else if (g_str_equal (call->method, "PATCH") || call->method == SOUP_METHOD_PUT)
    patch_connection (call, c);
  else if (call->method == SOUP_METHOD_DELETE)
    delete_connection (call, c);
  else
    sy_api_reply_bad_method (call, "GET, PATCH, DELETE");
}

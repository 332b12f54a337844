/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model list: combos, then every connected built-in provider's catalog and custom models
 * from memory (no upstream call: IDEs poll this), then the connected provider nodes: their
 * custom models and what their own /models answers, asked with their first enabled account
 * and a bounded wait; a node that fails is left out of the list (and logged), never faked.
 * The per-listing state lives in a GTask-free struct that frees itself after the reply.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-models-endpoint.h"

#include <json-glib/json-glib.h>

#include "gateway/sy-api.h"
#include "gateway/sy-http.h"
#include "gateway/sy-outbound-proxies.h"
#include "gateway/sy-inbound-auth.h"

#define LIST_TIMEOUT_SECONDS 10

typedef struct
{
  SyGateway         *gateway;
  SoupServerMessage *msg;
  GCancellable      *cancellable;
  char              *api_key_id;  /* picks the outbound proxy, like a request's would */
  JsonArray         *data;
  GHashTable        *ids;         /* the ids listed so far, each once */
  guint              pending;
  guint              timeout_id;
} Listing;

typedef struct
{
  Listing      *listing;
  SoupMessage  *upstream;
  char         *label;
  char         *base_url;
  SyAuthHeader  auth_header;
} Probe;

static void
listing_reply (Listing *listing)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonNode *data_node = json_node_new (JSON_NODE_ARRAY);

  g_clear_handle_id (&listing->timeout_id, g_source_remove);
  json_node_take_array (data_node, g_steal_pointer (&listing->data));
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, "list");
  json_builder_set_member_name (builder, "data");
  json_builder_add_value (builder, data_node);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  sy_http_respond_json (listing->msg, SOUP_STATUS_OK, root);
  soup_server_message_unpause (listing->msg);
  g_cancellable_cancel (listing->cancellable);
}

static void
listing_unref (Listing *listing)
{
  if (--listing->pending > 0)
    return;
  if (listing->data != NULL)
    listing_reply (listing);
  g_clear_object (&listing->cancellable);
  g_clear_object (&listing->msg);
  g_clear_object (&listing->gateway);
  g_clear_pointer (&listing->ids, g_hash_table_unref);
  g_free (listing->api_key_id);
  g_free (listing);
}

/* Combos first: they are model names of their own, answered by whichever member can. */
static void
add_combos (SyGateway *gateway,
            JsonArray *data)
{
  g_autoptr(GPtrArray) combos = sy_combo_repo_list (sy_gateway_get_combos (gateway));

  for (guint i = 0; i < combos->len; i++)
    {
      SyCombo *combo = g_ptr_array_index (combos, i);
      JsonObject *out = json_object_new ();

      json_object_set_string_member (out, "id", combo->name);
      json_object_set_string_member (out, "object", "model");
      json_object_set_int_member (out, "created", combo->created_at / 1000);
      json_object_set_string_member (out, "owned_by", "combo");
      json_array_add_object_element (data, out);
    }
}

static void
add_model (Listing    *listing,
           const char *alias,
           const char *model,
           const char *owned_by,
           gint64      created)
{
  char *full_id = g_strconcat (alias, "/", model, NULL);
  JsonObject *out;

  if (!g_hash_table_add (listing->ids, full_id))
    return;
  out = json_object_new ();
  json_object_set_string_member (out, "id", full_id);
  json_object_set_string_member (out, "object", "model");
  json_object_set_int_member (out, "created", created);
  json_object_set_string_member (out, "owned_by", owned_by);
  json_array_add_object_element (listing->data, out);
}

/* A provider's custom models, then its catalog models (info may be NULL: a node). */
static void
add_known_models (Listing              *listing,
                  const char           *provider_id,
                  const char           *alias,
                  const char           *owned_by,
                  const SyProviderInfo *info)
{
  g_autoptr(GPtrArray) custom = sy_custom_model_repo_list (
    sy_gateway_get_custom_models (listing->gateway), provider_id);

  for (guint i = 0; i < custom->len; i++)
    {
      SyCustomModel *m = g_ptr_array_index (custom, i);

      add_model (listing, alias, m->model, owned_by, m->created_at / 1000);
    }
  for (const SyModelInfo *m = info ? info->models : NULL; m != NULL && m->id != NULL; m++)
    add_model (listing, alias, m->id, owned_by, 0);
}

static gboolean
listing_timeout_cb (gpointer user_data)
{
  Listing *listing = user_data;

  listing->timeout_id = 0;
  g_message ("model listing: some providers did not answer within %d s", LIST_TIMEOUT_SECONDS);
  listing_reply (listing);
  return G_SOURCE_REMOVE;
}

static void
probe_free (Probe *probe)
{
  g_clear_object (&probe->upstream);
  g_free (probe->label);
  g_free (probe->base_url);
  listing_unref (probe->listing);
  g_free (probe);
}

static void
add_models (Listing    *listing,
            const char *label,
            JsonNode   *root)
{
  JsonNode *data_node;
  JsonArray *models;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (data_node = json_object_get_member (json_node_get_object (root), "data")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (data_node))
    {
      g_message ("model listing: %s answered without a data array", label);
      return;
    }
  models = json_node_get_array (data_node);
  for (guint i = 0; i < json_array_get_length (models); i++)
    {
      JsonObject *in = json_array_get_object_element (models, i);
      const char *id = in ? json_object_get_string_member_with_default (in, "id", NULL) : NULL;
      g_autofree char *full_id = NULL;
      JsonObject *out;

      if (id == NULL)
        continue;
      full_id = g_strconcat (label, "/", id, NULL);
      if (!g_hash_table_add (listing->ids, g_strdup (full_id)))
        continue;
      out = json_object_new ();
      json_object_set_string_member (out, "id", full_id);
      json_object_set_string_member (out, "object", "model");
      json_object_set_int_member (out, "created",
                                  json_object_get_int_member_with_default (in, "created", 0));
      json_object_set_string_member (out, "owned_by", label);
      json_array_add_object_element (listing->data, out);
    }
}

static void
models_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Probe *probe = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                               &error);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize len;
  const char *data;

  if (bytes == NULL || probe->listing->data == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("model listing: %s: %s", probe->label, error->message);
      probe_free (probe);
      return;
    }
  data = g_bytes_get_data (bytes, &len);
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (probe->upstream)) ||
      !json_parser_load_from_data (parser, data, (gssize) len, NULL))
    g_message ("model listing: %s answered %u", probe->label,
               soup_message_get_status (probe->upstream));
  else
    add_models (probe->listing, probe->label, json_parser_get_root (parser));
  probe_free (probe);
}

static void
probe_send (Probe      *probe,
            const char *secret)
{
  g_autofree char *url = g_str_has_suffix (probe->base_url, "/")
                           ? g_strconcat (probe->base_url, "models", NULL)
                           : g_strconcat (probe->base_url, "/models", NULL);
  SoupMessageHeaders *headers;
  g_autofree char *bearer = NULL;

  probe->upstream = soup_message_new (SOUP_METHOD_GET, url);
  if (probe->upstream == NULL)
    {
      g_message ("model listing: %s has an invalid base URL", probe->label);
      probe_free (probe);
      return;
    }
  headers = soup_message_get_request_headers (probe->upstream);
  bearer = g_strconcat ("Bearer ", secret, NULL);
  soup_message_headers_replace (headers, "Authorization", bearer);
  soup_message_headers_replace (headers, "Accept", "application/json");
  soup_session_send_and_read_async (sy_outbound_proxies_get_session (
                                      sy_gateway_get_proxies (probe->listing->gateway),
                                      probe->listing->api_key_id, NULL, NULL, probe->label),
                                    probe->upstream, G_PRIORITY_DEFAULT,
                                    probe->listing->cancellable, models_read_cb, probe);
}

static void
secret_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Probe *probe = user_data;
  g_autofree char *secret = sy_credentials_get_finish (SY_CREDENTIALS (source), result, NULL);

  if (secret == NULL || probe->listing->data == NULL)
    {
      probe_free (probe);
      return;
    }
  probe_send (probe, secret);
}

void
sy_models_endpoint_handle (SyGateway         *gateway,
                           SoupServerMessage *msg)
{
  g_autoptr(GPtrArray) connections = sy_connection_repo_list (sy_gateway_get_connections (gateway),
                                                              NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) connected = NULL;
  g_autoptr(SyApiKey) api_key = NULL;
  const SyProviderInfo *catalog;
  guint n_catalog;
  g_autofree char *auth_message = NULL;
  Listing *listing;

  if (soup_server_message_get_method (msg) != SOUP_METHOD_GET)
    {
      sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_METHOD_NOT_ALLOWED,
                             "invalid_request_error", "method_not_allowed", "use GET for models");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET");
      return;
    }
  if (!sy_inbound_auth_check (sy_gateway_get_api_keys (gateway), msg,
                              sy_settings_repo_get_boolean (sy_gateway_get_settings (gateway),
                                                            "requireApiKey"),
                              &api_key, &auth_message))
    {
      sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_UNAUTHORIZED,
                             "authentication_error", "invalid_api_key", "%s", auth_message);
      return;
    }

  connected = sy_api_connected_providers (gateway);
  listing = g_new0 (Listing, 1);
  listing->gateway = g_object_ref (gateway);
  listing->msg = g_object_ref (msg);
  listing->cancellable = g_cancellable_new ();
  listing->api_key_id = api_key ? g_strdup (api_key->id) : NULL;
  listing->data = json_array_new ();
  listing->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  add_combos (gateway, listing->data);
  listing->pending = 1;  /* ours, dropped at the end of this function */
  soup_server_message_pause (msg);
  listing->timeout_id = g_timeout_add_seconds (LIST_TIMEOUT_SECONDS, listing_timeout_cb, listing);

  catalog = sy_provider_catalog_get_all (&n_catalog);
  for (guint i = 0; i < n_catalog; i++)
    if (g_hash_table_contains (connected, catalog[i].id))
      add_known_models (listing, catalog[i].id, catalog[i].alias, catalog[i].id, &catalog[i]);

  for (guint i = 0; i < connections->len; i++)
    {
      SyConnection *c = g_ptr_array_index (connections, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(SyRoute) route = NULL;
      g_autoptr(SyProviderNode) node = NULL;
      Probe *probe;

      if (!c->enabled || g_hash_table_contains (seen, c->provider) ||
          sy_provider_catalog_lookup (c->provider) != NULL)
        continue;
      g_hash_table_add (seen, c->provider);

      /* A node is addressed by its prefix, not its id. */
      node = sy_node_repo_lookup (sy_gateway_get_nodes (gateway), c->provider);
      if (node == NULL)
        continue;
      add_known_models (listing, node->id, node->prefix, node->prefix, NULL);
      route = sy_model_resolver_resolve_for_provider (sy_gateway_get_resolver (gateway),
                                                      node->prefix, "x", &error);
      if (route == NULL || route->dialect != SY_DIALECT_OPENAI)
        continue;

      probe = g_new0 (Probe, 1);
      probe->listing = listing;
      probe->label = g_strdup (route->provider_label);
      probe->base_url = g_strdup (c->base_url ? c->base_url : route->default_base_url);
      probe->auth_header = route->auth_header;
      listing->pending++;
      sy_credentials_get_async (sy_gateway_get_credentials (gateway), c->id, listing->cancellable,
                                secret_cb, probe);
    }
  listing_unref (listing);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /api/keys: inbound API keys. POST creates one (with its name, and optionally its scopes and
 * request limits) and returns the key exactly once; GET lists names, prefixes and scopes; PATCH
 * sets a key's name, scopes and request limits (enforced by SyAccessControl); DELETE revokes.
 * Keys are stored hashed (SyApiKeyRepo).
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-api.h"

#include <string.h>

#include "gateway/sy-api-fields.h"
#include "store/sy-database.h"

static void
add_strv (JsonBuilder *b,
          const char  *member,
          char       **strv)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (b, strv[i]);
  json_builder_end_array (b);
}

static void
build_key (JsonBuilder *b,
           SyApiKey    *key,
           const char  *plaintext)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, key->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, key->name);
  json_builder_set_member_name (b, "prefix");
  json_builder_add_string_value (b, key->key_prefix);
  json_builder_set_member_name (b, "createdAt");
  json_builder_add_int_value (b, key->created_at);
  add_strv (b, "allowedModels", key->allowed_models);
  add_strv (b, "allowedCombos", key->allowed_combos);
  json_builder_set_member_name (b, "maxRequestsPerMinute");
  json_builder_add_int_value (b, key->max_requests_per_minute);
  json_builder_set_member_name (b, "maxRequestsPerDay");
  json_builder_add_int_value (b, key->max_requests_per_day);
  if (plaintext != NULL)
    {
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, plaintext);
    }
  json_builder_end_object (b);
}

static void
list_keys (SyApiCall *call)
{
  g_autoptr(GPtrArray) keys = sy_api_key_repo_list (sy_gateway_get_api_keys (call->gateway));
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; i < keys->len; i++)
    build_key (b, g_ptr_array_index (keys, i), NULL);
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  sy_api_reply (call->msg, SOUP_STATUS_OK, root);
}

static void
reply_key (SyApiCall *call,
           SyApiKey  *key)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  build_key (b, key, NULL);
  root = json_builder_get_root (b);
  sy_api_reply (call->msg, SOUP_STATUS_OK, root);
}

/* A list of names or patterns such as gpt-4o*: at most max strings of 1 to max_len characters;
 * null is the empty list. */
static gboolean
read_list (JsonObject   *body,
           const char   *name,
           guint         max,
           gsize         max_len,
           char       ***out,
           GError      **error)
{
  JsonNode *node = json_object_get_member (body, name);
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonArray *array = NULL;

  if (node == NULL)
    return TRUE;
  builder = g_strv_builder_new ();
  if (!JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_ARRAY (node) ||
          json_array_get_length (array = json_node_get_array (node)) > max)
        {
          g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                       "%s: expected an array of at most %u names", name, max);
          return FALSE;
        }
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *at = g_strdup_printf ("%s[%u]", name, i);
          g_autofree char *value = NULL;

          if (!sy_api_value_string (json_array_get_element (array, i), at, max_len, &value,
                                    error))
            return FALSE;
          g_strv_builder_add (builder, value);
        }
    }
  g_strfreev (*out);
  *out = g_strv_builder_end (builder);
  return TRUE;
}

/* A limit: 0 to max, null is 0 (none). */
static gboolean
read_limit (JsonObject  *body,
            const char  *name,
            gint64       max,
            int         *out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (body, name);
  gint64 value = 0;

  if (node != NULL && JSON_NODE_HOLDS_NULL (node))
    {
      *out = 0;
      return TRUE;
    }
  if (!sy_api_field_int (body, name, 0, max, &value, NULL, error))
    return FALSE;
  if (node != NULL)
    *out = (int) value;
  return TRUE;
}

/* The members POST and PATCH take, read over changes (which holds the current values): only
 * those given change; null clears a list or a limit. */
static gboolean
read_changes (JsonObject  *body,
              SyApiKey    *changes,
              GError     **error)
{
  static const char * const allowed[] = {
    "name", "allowedModels", "allowedCombos", "maxRequestsPerMinute", "maxRequestsPerDay", NULL
  };

  return sy_api_fields_only (body, allowed, error) &&
         sy_api_field_string (body, "name", FALSE, 100, &changes->name, NULL, error) &&
         read_list (body, "allowedModels", 100, 256, &changes->allowed_models, error) &&
         read_list (body, "allowedCombos", 100, 100, &changes->allowed_combos, error) &&
         read_limit (body, "maxRequestsPerMinute", 100000, &changes->max_requests_per_minute,
                     error) &&
         read_limit (body, "maxRequestsPerDay", 100000000, &changes->max_requests_per_day,
                     error);
}

static void
clear_changes (SyApiKey *changes)
{
  g_free (changes->name);
  g_strfreev (changes->allowed_models);
  g_strfreev (changes->allowed_combos);
}

/* The whole body is checked before the key exists, so a refusal leaves nothing behind. */
static void
create_key (SyApiCall *call)
{
  SyApiKeyRepo *repo = sy_gateway_get_api_keys (call->gateway);
  g_autoptr(GError) error = NULL;
  g_autoptr(SyApiKey) key = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *plaintext = NULL;
  SyApiKey changes = { 0 };

  changes.name = g_strdup ("default");
  if (read_changes (call->body, &changes, &error) &&
      (key = sy_api_key_repo_create (repo, changes.name, &plaintext, &error)) != NULL)
    {
      g_autoptr(SyApiKey) scoped = sy_api_key_repo_update (repo, key->id, &changes, &error);

      if (scoped == NULL)
        sy_api_key_repo_delete (repo, key->id, NULL);
      g_clear_pointer (&key, sy_api_key_unref);
      key = g_steal_pointer (&scoped);
    }
  clear_changes (&changes);
  if (key != NULL)
    {
      build_key (b, key, plaintext);
      root = json_builder_get_root (b);
    }
  if (plaintext != NULL)
    memset (plaintext, 0, strlen (plaintext));
  if (key == NULL)
    sy_api_reply_gerror (call->msg, error);
  else
    sy_api_reply (call->msg, SOUP_STATUS_CREATED, root);
}

static void
patch_key (SyApiCall *call)
{
  SyApiKeyRepo *repo = sy_gateway_get_api_keys (call->gateway);
  g_autoptr(SyApiKey) current = sy_api_key_repo_lookup (repo, call->id);
  g_autoptr(SyApiKey) updated = NULL;
  g_autoptr(GError) error = NULL;
  SyApiKey changes = { 0 };

  if (current == NULL)
    {
      sy_api_reply_not_found (call, "API key");
      return;
    }
  changes.name = g_strdup (current->name);
  changes.allowed_models = g_strdupv (current->allowed_models);
  changes.allowed_combos = g_strdupv (current->allowed_combos);
  changes.max_requests_per_minute = current->max_requests_per_minute;
  changes.max_requests_per_day = current->max_requests_per_day;
  if (read_changes (call->body, &changes, &error))
    updated = sy_api_key_repo_update (repo, call->id, &changes, &error);
  clear_changes (&changes);
  if (updated == NULL)
    sy_api_reply_gerror (call->msg, error);
  else
    reply_key (call, updated);
}

void
sy_api_keys_handle (SyApiCall *call)
{
  g_autoptr(GError) error = NULL;

  if (call->id == NULL)
    {
      if (call->method == SOUP_METHOD_POST)
        create_key (call);
      else if (call->method == SOUP_METHOD_GET)
        list_keys (call);
      else
        sy_api_reply_bad_method (call, "GET, POST");
      return;
    }

  if (call->method == SOUP_METHOD_GET)
    {
      g_autoptr(SyApiKey) key = sy_api_key_repo_lookup (sy_gateway_get_api_keys (call->gateway),
                                                        call->id);

      if (key == NULL)
        sy_api_reply_not_found (call, "API key");
      else
        reply_key (call, key);
      return;
    }
  if (g_str_equal (call->method, "PATCH"))
    {
      patch_key (call);
      return;
    }
  if (call->method != SOUP_METHOD_DELETE)
    {
      sy_api_reply_bad_method (call, "GET, PATCH, DELETE");
      return;
    }
  if (!sy_api_key_repo_delete (sy_gateway_get_api_keys (call->gateway), call->id, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  soup_server_message_set_status (call->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

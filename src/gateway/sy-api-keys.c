/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /api/keys: inbound API keys. POST creates one and returns the key exactly once; GET lists
 * names and prefixes; DELETE revokes. Keys are stored hashed (SyApiKeyRepo).
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-api.h"

#include <string.h>

#include "gateway/sy-api-fields.h"

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
  if (plaintext != NULL)
    {
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, plaintext);
    }
  json_builder_end_object (b);
}

static void
create_key (SyApiCall *call)
{
  static const char * const allowed[] = { "name", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(SyApiKey) key = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *name = NULL;
  g_autofree char *plaintext = NULL;

  if (!sy_api_fields_only (call->body, allowed, &error) ||
      !sy_api_field_string (call->body, "name", FALSE, 100, &name, NULL, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  key = sy_api_key_repo_create (sy_gateway_get_api_keys (call->gateway),
                                name ? name : "default", &plaintext, &error);
  if (key == NULL)
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  build_key (b, key, plaintext);
  root = json_builder_get_root (b);
  memset (plaintext, 0, strlen (plaintext));
  sy_api_reply (call->msg, SOUP_STATUS_CREATED, root);
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

  if (call->method != SOUP_METHOD_DELETE)
    {
      sy_api_reply_bad_method (call, "DELETE");
      return;
    }
  if (!sy_api_key_repo_delete (sy_gateway_get_api_keys (call->gateway), call->id, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  soup_server_message_set_status (call->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads the client's key from the places the coding tools put it (OpenAI SDKs: Authorization;
 * Anthropic SDKs: x-api-key; Gemini: x-goog-api-key or ?key=) and checks it against the
 * hashed keys. No key material is logged or echoed.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-inbound-auth.h"

#include <string.h>

char *
sy_inbound_auth_dup_presented_key (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *value;
  const char *query;

  value = soup_message_headers_get_one (headers, "Authorization");
  if (value != NULL && g_ascii_strncasecmp (value, "Bearer ", 7) == 0)
    {
      value += 7;
      while (*value == ' ')
        value++;
      if (*value != '\0')
        return g_strstrip (g_strdup (value));
    }
  if ((value = soup_message_headers_get_one (headers, "x-api-key")) != NULL && *value != '\0')
    return g_strstrip (g_strdup (value));
  if ((value = soup_message_headers_get_one (headers, "x-goog-api-key")) != NULL && *value != '\0')
    return g_strstrip (g_strdup (value));

  query = g_uri_get_query (soup_server_message_get_uri (msg));
  if (query != NULL && strstr (query, "key=") != NULL)
    {
      g_autoptr(GHashTable) params = soup_form_decode (query);
      const char *key = g_hash_table_lookup (params, "key");

      if (key != NULL && *key != '\0')
        return g_strdup (key);
    }
  return NULL;
}

gboolean
sy_inbound_auth_check (SyApiKeyRepo       *keys,
                       SoupServerMessage  *msg,
                       gboolean            require,
                       SyApiKey          **out_key,
                       char              **out_message)
{
  g_autofree char *presented = NULL;
  SyApiKey *key;

  *out_key = NULL;
  if (!require && sy_api_key_repo_get_count (keys) == 0)
    return TRUE;

  presented = sy_inbound_auth_dup_presented_key (msg);
  key = presented ? sy_api_key_repo_authenticate (keys, presented) : NULL;
  if (presented != NULL)
    memset (presented, 0, strlen (presented));

  if (key != NULL)
    {
      *out_key = key;
      return TRUE;
    }
  if (!require)
    return TRUE;

  *out_message = g_strdup (presented == NULL
                           ? "missing API key: send it as \"Authorization: Bearer <key>\" or "
                             "\"x-api-key: <key>\" (create one with POST /api/keys)"
                           : "invalid API key");
  return FALSE;
}

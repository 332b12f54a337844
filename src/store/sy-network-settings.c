/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The checks behind the network settings: an outbound proxy entry, the whole proxy setting, CIDR
 * lists and provider lists. Messages name the member that is wrong ("global.port: ...") so the
 * API's 400 tells the user what to fix. Passwords never appear in settings: the stored form
 * holds a reference into the secret store ("proxy/<uuid>") and refuses a "password" member.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-network-settings.h"

#include <string.h>

#include "core/sy-cidr.h"

const char * const sy_proxy_named_levels[] = { "providers", "combos", "keys", NULL };

#define MAX_IP_ENTRIES 1000
#define MAX_BLOCKED 500
#define MAX_NAMED_PROXIES 1000
#define MAX_NAME_CHARS 128
#define MAX_CREDENTIAL_CHARS 1024

static gboolean
holds_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
has_control_chars (const char *s)
{
  for (const char *p = s; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return TRUE;
  return FALSE;
}

/* A DNS name (letters, digits, '-', '_', '.') or an IP literal without brackets. */
static gboolean
is_host (const char *host)
{
  gsize len = strlen (host);

  if (len == 0 || len > 253)
    return FALSE;
  if (g_hostname_is_ip_address (host))
    return TRUE;
  if (host[0] == '-' || host[0] == '.')
    return FALSE;
  for (const char *p = host; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.' && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
check_port (JsonNode   *node,
            const char *at,
            GString    *why)
{
  gint64 port = -1;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_INT64)
    port = json_node_get_int (node);
  else if (holds_string (node))
    {
      const char *s = json_node_get_string (node);

      port = (*s != '\0' && strlen (s) <= 5) ? 0 : -1;
      for (const char *p = s; *p != '\0' && port >= 0; p++)
        port = g_ascii_isdigit (*p) ? port * 10 + (*p - '0') : -1;
    }
  if (port < 1 || port > 65535)
    {
      g_string_append_printf (why, "%s.port: expected a port number from 1 to 65535", at);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_text_member (JsonObject *entry,
                   const char *member,
                   gsize       max_chars,
                   const char *at,
                   GString    *why)
{
  JsonNode *node = json_object_get_member (entry, member);
  const char *s;

  if (!holds_string (node) || *(s = json_node_get_string (node)) == '\0' ||
      g_utf8_strlen (s, -1) > (glong) max_chars || has_control_chars (s))
    {
      g_string_append_printf (why, "%s.%s: expected 1 to %" G_GSIZE_FORMAT " characters of text",
                              at, member, max_chars);
      return FALSE;
    }
  return TRUE;
}

gboolean
sy_network_settings_check_proxy_entry (JsonNode         *node,
                                       SyProxyEntryForm  form,
                                       const char       *at,
                                       GString          *why)
{
  static const char * const stored_members[] = {
    "type", "host", "port", "username", "passwordRef", NULL
  };
  static const char * const input_members[] = {
    "type", "host", "port", "username", "password", NULL
  };
  const char * const *allowed = form == SY_PROXY_ENTRY_STORED ? stored_members : input_members;
  JsonObject *entry;
  JsonNode *type;
  g_autoptr(GList) names = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_string_append_printf (why, "%s: expected {\"type\": \"http\" or \"socks5\", \"host\", "
                              "\"port\"}", at);
      return FALSE;
    }
  entry = json_node_get_object (node);
  names = json_object_get_members (entry);
  for (GList *l = names; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        if (form == SY_PROXY_ENTRY_STORED && g_str_equal (l->data, "password"))
          g_string_append_printf (why, "%s.password: proxy passwords are set through "
                                  "PUT /api/settings/proxy and kept in the secret store", at);
        else
          g_string_append_printf (why, "%s: unknown member \"%s\"", at, (const char *) l->data);
        return FALSE;
      }

  type = json_object_get_member (entry, "type");
  if (!holds_string (type) || (!g_str_equal (json_node_get_string (type), "http") &&
                               !g_str_equal (json_node_get_string (type), "socks5")))
    {
      g_string_append_printf (why, "%s.type: expected \"http\" or \"socks5\"", at);
      return FALSE;
    }
  if (!holds_string (json_object_get_member (entry, "host")) ||
      !is_host (json_object_get_string_member (entry, "host")))
    {
      g_string_append_printf (why, "%s.host: expected a host name or an IP address", at);
      return FALSE;
    }
  if (!check_port (json_object_get_member (entry, "port"), at, why))
    return FALSE;
  if (json_object_has_member (entry, "username") &&
      !check_text_member (entry, "username", 255, at, why))
    return FALSE;

  if (form == SY_PROXY_ENTRY_INPUT && json_object_has_member (entry, "password") &&
      !JSON_NODE_HOLDS_NULL (json_object_get_member (entry, "password")))
    {
      JsonNode *password = json_object_get_member (entry, "password");

      if (!holds_string (password) ||
          strlen (json_node_get_string (password)) > MAX_CREDENTIAL_CHARS ||
          !g_utf8_validate (json_node_get_string (password), -1, NULL))
        {
          g_string_append_printf (why, "%s.password: expected text of at most %d bytes, or null",
                                  at, MAX_CREDENTIAL_CHARS);
          return FALSE;
        }
      if (!json_object_has_member (entry, "username"))
        {
          g_string_append_printf (why, "%s.password: a password needs a username", at);
          return FALSE;
        }
    }
  if (form == SY_PROXY_ENTRY_STORED && json_object_has_member (entry, "passwordRef"))
    {
      JsonNode *ref = json_object_get_member (entry, "passwordRef");

      /* Only the proxies' own secrets: a reference may never point at a provider's key. */
      if (!holds_string (ref) || !g_str_has_prefix (json_node_get_string (ref), "proxy/") ||
          strlen (json_node_get_string (ref)) > 100 || !json_object_has_member (entry, "username"))
        {
          g_string_append_printf (why, "%s.passwordRef: expected a \"proxy/...\" secret "
                                  "reference beside a username", at);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
sy_network_settings_check_proxy_name (const char *name,
                                      const char *at,
                                      GString    *why)
{
  if (*name == '\0' || g_utf8_strlen (name, -1) > MAX_NAME_CHARS || has_control_chars (name))
    {
      g_string_append_printf (why, "%s: names are 1 to %d characters of text", at,
                              MAX_NAME_CHARS);
      return FALSE;
    }
  return TRUE;
}

gboolean
sy_network_settings_validate_proxies (JsonNode *node,
                                      GString  *why)
{
  static const char * const levels[] = { "global", "providers", "combos", "keys", NULL };
  JsonObject *root;
  g_autoptr(GList) names = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_string_append (why, "expected {\"global\", \"providers\", \"combos\", \"keys\"}");
      return FALSE;
    }
  root = json_node_get_object (node);
  names = json_object_get_members (root);
  for (GList *l = names; l != NULL; l = l->next)
    if (!g_strv_contains (levels, l->data))
      {
        g_string_append_printf (why, "unknown member \"%s\"", (const char *) l->data);
        return FALSE;
      }

  if (json_object_has_member (root, "global") &&
      !sy_network_settings_check_proxy_entry (json_object_get_member (root, "global"),
                                              SY_PROXY_ENTRY_STORED, "global", why))
    return FALSE;

  for (guint i = 0; sy_proxy_named_levels[i] != NULL; i++)
    {
      const char *level = sy_proxy_named_levels[i];
      JsonNode *map = json_object_get_member (root, level);
      g_autoptr(GList) entries = NULL;

      if (map == NULL)
        continue;
      if (!JSON_NODE_HOLDS_OBJECT (map))
        {
          g_string_append_printf (why, "%s: expected an object of proxies by name", level);
          return FALSE;
        }
      entries = json_object_get_members (json_node_get_object (map));
      if (g_list_length (entries) > MAX_NAMED_PROXIES)
        {
          g_string_append_printf (why, "%s: at most %d entries", level, MAX_NAMED_PROXIES);
          return FALSE;
        }
      for (GList *e = entries; e != NULL; e = e->next)
        {
          g_autofree char *at = g_strdup_printf ("%s.%s", level, (const char *) e->data);

          if (!sy_network_settings_check_proxy_name (e->data, at, why) ||
              !sy_network_settings_check_proxy_entry (
                json_object_get_member (json_node_get_object (map), e->data),
                SY_PROXY_ENTRY_STORED, at, why))
            return FALSE;
        }
    }
  return TRUE;
}

gboolean
sy_network_settings_validate_ip_list (JsonNode *node,
                                      GString  *why)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_string_append (why, "expected an array of addresses or CIDR ranges, such as "
                            "[\"192.168.1.0/24\", \"::1\"]");
      return FALSE;
    }
  array = json_node_get_array (node);
  if (json_array_get_length (array) > MAX_IP_ENTRIES)
    {
      g_string_append_printf (why, "at most %d entries", MAX_IP_ENTRIES);
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      SyCidr cidr;

      if (!holds_string (item) || !sy_cidr_parse (json_node_get_string (item), &cidr))
        {
          g_string_append_printf (why, "[%u]: expected an IPv4 or IPv6 address or CIDR range "
                                  "such as \"10.0.0.0/8\"", i);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
sy_network_settings_validate_providers (JsonNode *node,
                                        GString  *why)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_string_append (why, "expected an array of provider ids or prefixes, such as "
                            "[\"openai\", \"ds\"]");
      return FALSE;
    }
  array = json_node_get_array (node);
  if (json_array_get_length (array) > MAX_BLOCKED)
    {
      g_string_append_printf (why, "at most %d entries", MAX_BLOCKED);
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *s;
      gboolean ok = holds_string (item);

      if (ok)
        {
          s = json_node_get_string (item);
          ok = *s != '\0' && strlen (s) <= 64 && !has_control_chars (s) && strchr (s, ' ') == NULL
               && strchr (s, '/') == NULL;
        }
      if (!ok)
        {
          g_string_append_printf (why, "[%u]: expected a provider id or prefix such as \"openai\"",
                                  i);
          return FALSE;
        }
    }
  return TRUE;
}

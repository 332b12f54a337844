/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /api/settings/proxy: GET shows the outbound proxies by level (passwords never, only
 * "hasPassword"); PUT changes only the levels and entries it names (null removes one), storing
 * new passwords in the secret store before the setting points at them and clearing the ones no
 * longer used after; POST /api/settings/proxy/test sends one GET through a proxy and says how it
 * went. Which proxy a request uses is SyOutboundProxies'.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-api.h"

#include <string.h>

#include "gateway/sy-api-fields.h"
#include "gateway/sy-http.h"
#include "gateway/sy-probe.h"
#include "store/sy-database.h"
#include "store/sy-network-settings.h"

#define DEFAULT_TEST_URL "https://api.openai.com/v1/models"

static SySecretStore *
secret_store (SyGateway *gateway)
{
  return sy_credentials_get_store (sy_gateway_get_credentials (gateway));
}

/* A member that is an object, or NULL (json-glib warns on a missing one). */
static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* --- GET ----------------------------------------------------------------------------------- */

static JsonNode *
entry_view (JsonObject *stored)
{
  JsonObject *view = json_object_new ();
  JsonNode *port = json_object_get_member (stored, "port");
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (view, "type", json_object_get_string_member (stored, "type"));
  json_object_set_string_member (view, "host", json_object_get_string_member (stored, "host"));
  /* A string, as the user guide's examples send it, so GET output can be PUT back. */
  if (json_node_get_value_type (port) == G_TYPE_STRING)
    json_object_set_string_member (view, "port", json_node_get_string (port));
  else
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (port));

      json_object_set_string_member (view, "port", text);
    }
  if (json_object_has_member (stored, "username"))
    json_object_set_string_member (view, "username",
                                   json_object_get_string_member (stored, "username"));
  json_object_set_boolean_member (view, "hasPassword",
                                  json_object_has_member (stored, "passwordRef"));
  json_node_take_object (node, view);
  return node;
}

static JsonNode *
build_view (JsonNode *setting)
{
  JsonObject *stored = json_node_get_object (setting);
  JsonObject *view = json_object_new ();
  JsonNode *root = json_node_new (JSON_NODE_OBJECT);

  if (object_member (stored, "global") != NULL)
    json_object_set_member (view, "global", entry_view (object_member (stored, "global")));
  else
    json_object_set_null_member (view, "global");
  for (guint i = 0; sy_proxy_named_levels[i] != NULL; i++)
    {
      JsonObject *map = object_member (stored, sy_proxy_named_levels[i]);
      JsonObject *out = json_object_new ();
      g_autoptr(GList) names = map ? json_object_get_members (map) : NULL;

      for (GList *l = names; l != NULL; l = l->next)
        json_object_set_member (out, l->data, entry_view (object_member (map, l->data)));
      json_object_set_object_member (view, sy_proxy_named_levels[i], out);
    }
  json_node_take_object (root, view);
  return root;
}

static void
reply_view (SyGateway         *gateway,
            SoupServerMessage *msg)
{
  g_autoptr(JsonNode) setting = sy_settings_repo_dup_json (sy_gateway_get_settings (gateway),
                                                           "outboundProxies");
  g_autoptr(JsonNode) view = build_view (setting);

  sy_api_reply (msg, SOUP_STATUS_OK, view);
}

/* --- PUT ----------------------------------------------------------------------------------- */

typedef struct
{
  SyGateway         *gateway;
  SoupServerMessage *msg;
  JsonNode          *next;       /* the new setting value */
  GPtrArray         *new_refs;   /* secret references this PUT creates */
  GPtrArray         *passwords;  /* their passwords, same order */
  GPtrArray         *labels;
  guint              pending;
  char              *failure;
} Put;

static void
wipe_free (gpointer data)
{
  char *s = data;

  if (s != NULL)
    memset (s, 0, strlen (s));
  g_free (s);
}

static void
put_free (Put *put)
{
  g_clear_object (&put->gateway);
  g_clear_object (&put->msg);
  g_clear_pointer (&put->next, json_node_unref);
  g_clear_pointer (&put->new_refs, g_ptr_array_unref);
  g_clear_pointer (&put->passwords, g_ptr_array_unref);
  g_clear_pointer (&put->labels, g_ptr_array_unref);
  g_free (put->failure);
  g_free (put);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Put, put_free)

static void
secret_cleared_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!sy_secret_store_clear_finish (SY_SECRET_STORE (source), result, &error))
    g_message ("could not remove an unused proxy password from the secret store: %s",
               error->message);
}

static void
collect_refs (JsonNode   *setting,
              GHashTable *into)
{
  JsonObject *root = json_node_get_object (setting);
  JsonObject *global = object_member (root, "global");

  if (global != NULL && json_object_has_member (global, "passwordRef"))
    g_hash_table_add (into, g_strdup (json_object_get_string_member (global, "passwordRef")));
  for (guint i = 0; sy_proxy_named_levels[i] != NULL; i++)
    {
      JsonObject *map = object_member (root, sy_proxy_named_levels[i]);
      g_autoptr(GList) names = map ? json_object_get_members (map) : NULL;

      for (GList *l = names; l != NULL; l = l->next)
        {
          JsonObject *entry = object_member (map, l->data);

          if (json_object_has_member (entry, "passwordRef"))
            g_hash_table_add (into,
                              g_strdup (json_object_get_string_member (entry, "passwordRef")));
        }
    }
}

/* The new setting takes effect: write it, then make new passwords usable and drop old ones. */
static void
commit (Put *put)
{
  SySettingsRepo *settings = sy_gateway_get_settings (put->gateway);
  SyOutboundProxies *proxies = sy_gateway_get_proxies (put->gateway);
  g_autoptr(JsonNode) before = sy_settings_repo_dup_json (settings, "outboundProxies");
  g_autoptr(GHashTable) old_refs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) kept_refs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonObject) patch = json_object_new ();
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer ref;

  json_object_set_member (patch, "outboundProxies", json_node_ref (put->next));
  if (!sy_settings_repo_update (settings, patch, &error))
    {
      for (guint i = 0; i < put->new_refs->len; i++)
        sy_secret_store_clear_async (secret_store (put->gateway),
                                     g_ptr_array_index (put->new_refs, i), NULL,
                                     secret_cleared_cb, NULL);
      sy_api_reply_gerror (put->msg, error);
      return;
    }

  for (guint i = 0; i < put->new_refs->len; i++)
    sy_outbound_proxies_remember_password (proxies, g_ptr_array_index (put->new_refs, i),
                                           g_ptr_array_index (put->passwords, i));
  collect_refs (before, old_refs);
  collect_refs (put->next, kept_refs);
  g_hash_table_iter_init (&iter, old_refs);
  while (g_hash_table_iter_next (&iter, &ref, NULL))
    if (!g_hash_table_contains (kept_refs, ref))
      {
        sy_outbound_proxies_forget_password (proxies, ref);
        sy_secret_store_clear_async (secret_store (put->gateway), ref, NULL, secret_cleared_cb,
                                     NULL);
      }
  reply_view (put->gateway, put->msg);
}

static void
secret_stored_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Put *put = user_data;
  g_autoptr(GError) error = NULL;

  if (!sy_secret_store_store_finish (SY_SECRET_STORE (source), result, &error) &&
      put->failure == NULL)
    put->failure = g_strdup (error->message);
  if (--put->pending > 0)
    return;

  if (put->failure != NULL)
    {
      for (guint i = 0; i < put->new_refs->len; i++)
        sy_secret_store_clear_async (SY_SECRET_STORE (source),
                                     g_ptr_array_index (put->new_refs, i), NULL,
                                     secret_cleared_cb, NULL);
      sy_http_respond_error (put->msg, SY_DIALECT_OPENAI, SOUP_STATUS_SERVICE_UNAVAILABLE,
                             "api_error", "secret_store_unavailable",
                             "cannot store the proxy password in the secret store: %s",
                             put->failure);
    }
  else
    commit (put);
  soup_server_message_unpause (put->msg);
  put_free (put);
}

/* "[::1]" is the URL spelling of ::1; settings hold the bare address. */
static void
normalize_host (JsonObject *entry)
{
  const char *host = json_object_get_string_member_with_default (entry, "host", NULL);
  gsize len = host ? strlen (host) : 0;

  if (len > 2 && host[0] == '[' && host[len - 1] == ']')
    {
      g_autofree char *bare = g_strndup (host + 1, len - 2);

      json_object_set_string_member (entry, "host", bare);
    }
}

static gint64
port_number (JsonNode *port)
{
  if (json_node_get_value_type (port) == G_TYPE_STRING)
    return (gint64) g_ascii_strtoll (json_node_get_string (port), NULL, 10);
  return json_node_get_int (port);
}

/* An entry as the client sent it, checked and turned into its stored form. The password:
 * a string is stored anew; null removes it; absent keeps the old entry's, if the username is
 * the same (so a proxy can move to another host without retyping it). */
static JsonNode *
stored_entry (Put         *put,
              JsonNode    *input,
              JsonObject  *old,
              const char  *at,
              GError     **error)
{
  g_autoptr(GString) why = g_string_new (NULL);
  g_autoptr(JsonNode) copy = NULL;
  JsonObject *in, *out;
  JsonNode *password;
  const char *username;
  JsonNode *node;

  if (input != NULL && JSON_NODE_HOLDS_OBJECT (input))
    {
      copy = json_node_copy (input);
      normalize_host (json_node_get_object (copy));
      json_object_remove_member (json_node_get_object (copy), "hasPassword");  /* GET's */
    }
  if (!sy_network_settings_check_proxy_entry (copy ? copy : input, SY_PROXY_ENTRY_INPUT, at,
                                              why))
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID, "%s", why->str);
      return NULL;
    }
  in = json_node_get_object (copy);
  out = json_object_new ();
  json_object_set_string_member (out, "type", json_object_get_string_member (in, "type"));
  json_object_set_string_member (out, "host", json_object_get_string_member (in, "host"));
  json_object_set_int_member (out, "port", port_number (json_object_get_member (in, "port")));
  username = json_object_get_string_member_with_default (in, "username", NULL);
  if (username != NULL)
    json_object_set_string_member (out, "username", username);

  password = json_object_get_member (in, "password");
  if (username != NULL && password != NULL && !JSON_NODE_HOLDS_NULL (password))
    {
      g_autofree char *uuid = g_uuid_string_random ();
      char *ref = g_strconcat ("proxy/", uuid, NULL);

      json_object_set_string_member (out, "passwordRef", ref);
      g_ptr_array_add (put->new_refs, ref);
      g_ptr_array_add (put->passwords, g_strdup (json_node_get_string (password)));
      g_ptr_array_add (put->labels, g_strdup_printf ("Switchyard: outbound proxy %s", at));
    }
  else if (username != NULL && password == NULL && old != NULL &&
           json_object_has_member (old, "passwordRef") &&
           g_strcmp0 (json_object_get_string_member_with_default (old, "username", NULL),
                      username) == 0)
    json_object_set_string_member (out, "passwordRef",
                                   json_object_get_string_member (old, "passwordRef"));

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, out);
  return node;
}

/* Applies one named level ("providers": {"openai": {...}, "groq": null}, or null for none). */
static gboolean
apply_level (Put         *put,
             JsonObject  *next,
             JsonObject  *body,
             const char  *level,
             GError     **error)
{
  JsonNode *changes = json_object_get_member (body, level);
  JsonObject *map;
  g_autoptr(GList) names = NULL;

  if (changes == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_NULL (changes))
    {
      json_object_remove_member (next, level);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (changes))
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                   "%s: expected an object of proxies by name (null removes one)", level);
      return FALSE;
    }
  if (object_member (next, level) == NULL)
    json_object_set_object_member (next, level, json_object_new ());
  map = object_member (next, level);

  names = json_object_get_members (json_node_get_object (changes));
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *change = json_object_get_member (json_node_get_object (changes), name);
      g_autofree char *at = g_strdup_printf ("%s.%s", level, name);
      g_autoptr(GString) why = g_string_new (NULL);
      g_autoptr(SyApiKey) key = NULL;
      JsonNode *entry;

      if (!sy_network_settings_check_proxy_name (name, at, why))
        {
          g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID, "%s", why->str);
          return FALSE;
        }
      if (JSON_NODE_HOLDS_NULL (change))
        {
          json_object_remove_member (map, name);
          continue;
        }
      if (g_str_equal (level, "keys") &&
          (key = sy_api_key_repo_lookup (sy_gateway_get_api_keys (put->gateway), name)) == NULL)
        {
          g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                       "%s: no API key has this id (GET /api/keys lists them)", at);
          return FALSE;
        }
      entry = stored_entry (put, change, object_member (map, name), at, error);
      if (entry == NULL)
        return FALSE;
      json_object_set_member (map, name, entry);
    }
  if (json_object_get_size (map) == 0)
    json_object_remove_member (next, level);
  return TRUE;
}

static gboolean
build_next (Put         *put,
            JsonObject  *body,
            GError     **error)
{
  static const char * const allowed[] = { "global", "providers", "combos", "keys", NULL };
  g_autoptr(JsonNode) current = sy_settings_repo_dup_json (sy_gateway_get_settings (put->gateway),
                                                           "outboundProxies");
  JsonNode *global = json_object_get_member (body, "global");
  JsonObject *next;

  if (!sy_api_fields_only (body, allowed, error))
    return FALSE;
  put->next = json_node_copy (current);
  next = json_node_get_object (put->next);

  if (global != NULL && JSON_NODE_HOLDS_NULL (global))
    json_object_remove_member (next, "global");
  else if (global != NULL)
    {
      JsonNode *entry = stored_entry (put, global, object_member (next, "global"), "global",
                                      error);

      if (entry == NULL)
        return FALSE;
      json_object_set_member (next, "global", entry);
    }
  for (guint i = 0; sy_proxy_named_levels[i] != NULL; i++)
    if (!apply_level (put, next, body, sy_proxy_named_levels[i], error))
      return FALSE;
  return TRUE;
}

static void
put_proxies (SyApiCall *call)
{
  g_autoptr(Put) put = g_new0 (Put, 1);
  g_autoptr(GError) error = NULL;

  put->gateway = g_object_ref (call->gateway);
  put->msg = g_object_ref (call->msg);
  put->new_refs = g_ptr_array_new_with_free_func (g_free);
  put->passwords = g_ptr_array_new_with_free_func (wipe_free);
  put->labels = g_ptr_array_new_with_free_func (g_free);
  if (!build_next (put, call->body, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  if (put->new_refs->len == 0)
    {
      commit (put);
      return;
    }

  /* Passwords first: the setting never points at a secret that is not there. */
  soup_server_message_pause (call->msg);
  put->pending = put->new_refs->len;
  for (guint i = 0; i < put->new_refs->len; i++)
    sy_secret_store_store_async (secret_store (call->gateway), g_ptr_array_index (put->new_refs, i),
                                 g_ptr_array_index (put->labels, i),
                                 g_ptr_array_index (put->passwords, i), NULL, secret_stored_cb,
                                 put);
  g_steal_pointer (&put);
}

/* --- POST test ----------------------------------------------------------------------------- */

typedef struct
{
  SoupServerMessage *msg;
  SoupSession       *session;
} Test;

static void
test_free (Test *test)
{
  g_clear_object (&test->msg);
  if (test->session != NULL)
    soup_session_abort (test->session);
  g_clear_object (&test->session);
  g_free (test);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Test, test_free)

static void
probe_sent_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Test) test = user_data;
  g_autoptr(SyProbeResult) probe = sy_probe_send_finish (result);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *problem = NULL;
  guint status = probe->status;

  if (status == 0)
    problem = g_strdup (probe->timed_out ? "no answer through the proxy in time (timeoutMs)"
                                         : probe->error->message);
  else if (status == SOUP_STATUS_PROXY_AUTHENTICATION_REQUIRED)
    problem = g_strdup ("the proxy wants credentials (407): set username and password");
  else if (status == SOUP_STATUS_BAD_GATEWAY || status == SOUP_STATUS_GATEWAY_TIMEOUT)
    problem = g_strdup_printf ("the proxy answered %u: it could not reach the URL", status);

  root = sy_probe_reply_new (status, probe->latency_ms, problem);
  sy_api_reply (test->msg, SOUP_STATUS_OK, root);
  soup_server_message_unpause (test->msg);
}

static void
test_proxy (SyApiCall *call)
{
  static const char * const allowed[] = { "proxy", "url", "timeoutMs", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) why = g_string_new (NULL);
  g_autoptr(JsonNode) proxy = NULL;
  g_autofree char *url = NULL;
  gint64 timeout_ms = 15000;
  g_autoptr(SoupMessage) probe = NULL;
  JsonObject *p;
  Test *test;

  if (!sy_api_fields_only (call->body, allowed, &error) ||
      !sy_api_field_url (call->body, "url", FALSE, &url, NULL, &error) ||
      !sy_api_field_int (call->body, "timeoutMs", 100, 60000, &timeout_ms, NULL, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  if (json_object_get_member (call->body, "proxy") != NULL &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (call->body, "proxy")))
    {
      proxy = json_node_copy (json_object_get_member (call->body, "proxy"));
      normalize_host (json_node_get_object (proxy));
      json_object_remove_member (json_node_get_object (proxy), "hasPassword");
    }
  if (!sy_network_settings_check_proxy_entry (proxy, SY_PROXY_ENTRY_INPUT, "proxy", why))
    {
      sy_http_respond_error (call->msg, SY_DIALECT_OPENAI, SOUP_STATUS_BAD_REQUEST,
                             "invalid_request_error", "invalid_value", "%s", why->str);
      return;
    }
  p = json_node_get_object (proxy);

  test = g_new0 (Test, 1);
  test->msg = g_object_ref (call->msg);
  test->session = sy_outbound_proxies_new_session (
    sy_gateway_get_proxies (call->gateway), json_object_get_string_member (p, "type"),
    json_object_get_string_member (p, "host"),
    (guint) port_number (json_object_get_member (p, "port")),
    json_object_get_string_member_with_default (p, "username", NULL),
    json_object_get_member (p, "password") && !JSON_NODE_HOLDS_NULL (json_object_get_member (p,
                                                                                  "password"))
      ? json_object_get_string_member (p, "password") : NULL);
  probe = soup_message_new (SOUP_METHOD_GET, url ? url : DEFAULT_TEST_URL);
  soup_server_message_pause (call->msg);
  sy_probe_send_async (test->session, probe, (guint) timeout_ms, FALSE, NULL, probe_sent_cb,
                       test);
}

void
sy_api_proxy_handle (SyApiCall *call)
{
  if (call->sub != NULL && g_str_equal (call->sub, "test"))
    {
      if (call->method == SOUP_METHOD_POST)
        test_proxy (call);
      else
        sy_api_reply_bad_method (call, "POST");
      return;
    }
  if (call->sub != NULL)
    {
      sy_http_respond_error (call->msg, SY_DIALECT_OPENAI, SOUP_STATUS_NOT_FOUND,
                             "invalid_request_error", "not_found",
                             "no management route for /api/settings/proxy/%s", call->sub);
      return;
    }
  if (call->method == SOUP_METHOD_GET)
    reply_view (call->gateway, call->msg);
  else if (call->method == SOUP_METHOD_PUT || g_str_equal (call->method, "PATCH"))
    put_proxies (call);
  else
    sy_api_reply_bad_method (call, "GET, PUT, PATCH");
}

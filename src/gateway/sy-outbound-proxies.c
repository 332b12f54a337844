/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Outbound proxies. The "outboundProxies" setting is compiled into proxy URIs per level the
 * first time a request needs it after it changed (the settings node is compared by identity,
 * so a database import counts as a change too). Sessions are cached by URI: an unchanged proxy
 * keeps its pooled connections across edits of other entries. Requests in flight hold their
 * own session reference. Passwords are read from the secret store asynchronously and kept
 * here only; nothing here logs a URI that carries one.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-outbound-proxies.h"

#include <string.h>

#include "core/sy-name-fold.h"
#include "gateway/sy-gateway.h"
#include "providers/sy-provider-catalog.h"

struct _SyOutboundProxies
{
  GObject     parent_instance;
  SyGateway  *gateway;          /* not referenced: the owner */

  JsonNode   *compiled_from;    /* the setting node the maps below were built from */
  gboolean    dirty;            /* a password arrived: compile again */
  char       *global;           /* proxy URI, or NULL */
  GHashTable *by_key;           /* API key id -> proxy URI */
  GHashTable *by_combo;         /* folded combo name -> proxy URI */
  GHashTable *by_provider;      /* provider label (aliases resolved to ids) -> proxy URI */

  GHashTable *sessions;         /* proxy URI -> SoupSession */
  GHashTable *passwords;        /* secret reference -> password */
  GHashTable *loading;          /* secret references being read from the store */
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (SyOutboundProxies, sy_outbound_proxies, G_TYPE_OBJECT)

static void compile (SyOutboundProxies *self);

static void
wipe_free (gpointer data)
{
  char *s = data;

  if (s != NULL)
    memset (s, 0, strlen (s));
  g_free (s);
}

static void
sy_outbound_proxies_dispose (GObject *object)
{
  SyOutboundProxies *self = SY_OUTBOUND_PROXIES (object);

  g_cancellable_cancel (self->cancellable);
  sy_outbound_proxies_abort (self);
  G_OBJECT_CLASS (sy_outbound_proxies_parent_class)->dispose (object);
}

static void
sy_outbound_proxies_finalize (GObject *object)
{
  SyOutboundProxies *self = SY_OUTBOUND_PROXIES (object);

  g_clear_pointer (&self->compiled_from, json_node_unref);
  wipe_free (g_steal_pointer (&self->global));
  g_clear_pointer (&self->by_key, g_hash_table_unref);
  g_clear_pointer (&self->by_combo, g_hash_table_unref);
  g_clear_pointer (&self->by_provider, g_hash_table_unref);
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_pointer (&self->passwords, g_hash_table_unref);
  g_clear_pointer (&self->loading, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (sy_outbound_proxies_parent_class)->finalize (object);
}

static void
sy_outbound_proxies_class_init (SyOutboundProxiesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_outbound_proxies_dispose;
  object_class->finalize = sy_outbound_proxies_finalize;
}

static void
sy_outbound_proxies_init (SyOutboundProxies *self)
{
  self->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, wipe_free);
  self->by_combo = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, wipe_free);
  self->by_provider = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, wipe_free);
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, wipe_free, g_object_unref);
  self->passwords = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, wipe_free);
  self->loading = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
}

SyOutboundProxies *
sy_outbound_proxies_new (SyGateway *gateway)
{
  SyOutboundProxies *self = g_object_new (SY_TYPE_OUTBOUND_PROXIES, NULL);

  self->gateway = gateway;
  /* Starts reading the proxy passwords now, so they are there before the first request. */
  compile (self);
  return self;
}

/* --- passwords ----------------------------------------------------------------------------- */

typedef struct
{
  GWeakRef  self;   /* the lookup may outlive the gateway */
  char     *ref;
} Lookup;

static void
password_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Lookup *lookup = user_data;
  g_autoptr(SyOutboundProxies) self = g_weak_ref_get (&lookup->self);
  g_autoptr(GError) error = NULL;
  char *password = sy_secret_store_lookup_finish (SY_SECRET_STORE (source), result, &error);

  if (self != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_hash_table_remove (self->loading, lookup->ref);
      if (password != NULL && !g_hash_table_contains (self->passwords, lookup->ref))
        {
          g_hash_table_insert (self->passwords, g_strdup (lookup->ref),
                               g_steal_pointer (&password));
          self->dirty = TRUE;
        }
      else if (password == NULL)
        g_message ("the secret store holds no password for an outbound proxy (%s)%s%s: it is "
                   "used without one", lookup->ref, error ? ": " : "",
                   error ? error->message : "");
    }
  wipe_free (password);
  g_weak_ref_clear (&lookup->self);
  g_free (lookup->ref);
  g_free (lookup);
}

static const char *
password_for (SyOutboundProxies *self,
              const char        *ref)
{
  const char *password = g_hash_table_lookup (self->passwords, ref);
  SySecretStore *store;
  Lookup *lookup;

  if (password != NULL || g_hash_table_contains (self->loading, ref))
    return password;
  /* Until the store answers, the proxy is used without its password (first requests after a
   * start with a keyring that answers slowly). */
  store = sy_credentials_get_store (sy_gateway_get_credentials (self->gateway));
  lookup = g_new0 (Lookup, 1);
  g_weak_ref_init (&lookup->self, self);
  lookup->ref = g_strdup (ref);
  g_hash_table_add (self->loading, g_strdup (ref));
  sy_secret_store_lookup_async (store, ref, self->cancellable, password_read_cb, lookup);
  return NULL;
}

void
sy_outbound_proxies_remember_password (SyOutboundProxies *self,
                                       const char        *ref,
                                       const char        *password)
{
  g_return_if_fail (SY_IS_OUTBOUND_PROXIES (self));
  g_return_if_fail (ref != NULL && password != NULL);

  g_hash_table_replace (self->passwords, g_strdup (ref), g_strdup (password));
  self->dirty = TRUE;
}

void
sy_outbound_proxies_forget_password (SyOutboundProxies *self,
                                     const char        *ref)
{
  g_return_if_fail (SY_IS_OUTBOUND_PROXIES (self));

  g_hash_table_remove (self->passwords, ref);
  self->dirty = TRUE;
}

/* --- compiling the setting ----------------------------------------------------------------- */

static char *
proxy_uri (const char *type,
           const char *host,
           guint       port,
           const char *username,
           const char *password)
{
  /* Escaped by g_uri_join_with_user; GProxyAddressEnumerator unescapes them again. */
  return g_uri_join_with_user (G_URI_FLAGS_HAS_PASSWORD, type, username,
                               username ? password : NULL, NULL, host, (int) port, "", NULL,
                               NULL);
}

static guint
entry_port (JsonObject *entry)
{
  JsonNode *node = json_object_get_member (entry, "port");

  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return (guint) g_ascii_strtoull (json_node_get_string (node), NULL, 10);
  return (guint) json_node_get_int (node);
}

static char *
entry_uri (SyOutboundProxies *self,
           JsonNode          *node)
{
  JsonObject *entry = json_node_get_object (node);
  const char *username = json_object_get_string_member_with_default (entry, "username", NULL);
  const char *ref = json_object_get_string_member_with_default (entry, "passwordRef", NULL);

  return proxy_uri (json_object_get_string_member (entry, "type"),
                    json_object_get_string_member (entry, "host"), entry_port (entry), username,
                    ref != NULL ? password_for (self, ref) : NULL);
}

static char *
provider_key (const char *name)
{
  const SyProviderInfo *info = sy_provider_catalog_lookup (name);

  return info != NULL ? g_strdup (info->id) : g_ascii_strdown (name, -1);
}

static void
compile_level (SyOutboundProxies *self,
               JsonObject        *root,
               const char        *level,
               GHashTable        *into,
               char *           (*key_for) (const char *name),
               GHashTable        *in_use)
{
  JsonNode *level_node = json_object_get_member (root, level);
  JsonObject *map = level_node ? json_node_get_object (level_node) : NULL;
  g_autoptr(GList) names = map ? json_object_get_members (map) : NULL;

  g_hash_table_remove_all (into);
  for (GList *l = names; l != NULL; l = l->next)
    {
      char *uri = entry_uri (self, json_object_get_member (map, l->data));

      g_hash_table_add (in_use, uri);
      g_hash_table_replace (into, key_for (l->data), g_strdup (uri));
    }
}

/* Reads the setting again if it changed; drops the sessions of proxies it no longer names. */
static void
compile (SyOutboundProxies *self)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GHashTable) in_use = NULL;
  JsonObject *root;
  GHashTableIter iter;
  gpointer uri;

  node = sy_settings_repo_dup_json (sy_gateway_get_settings (self->gateway), "outboundProxies");
  if (node == self->compiled_from && !self->dirty)
    return;
  self->dirty = FALSE;
  g_clear_pointer (&self->compiled_from, json_node_unref);
  self->compiled_from = json_node_ref (node);

  in_use = g_hash_table_new_full (g_str_hash, g_str_equal, wipe_free, NULL);
  root = json_node_get_object (node);
  wipe_free (g_steal_pointer (&self->global));
  if (json_object_has_member (root, "global"))
    {
      self->global = entry_uri (self, json_object_get_member (root, "global"));
      g_hash_table_add (in_use, g_strdup (self->global));
    }
  compile_level (self, root, "keys", self->by_key, (char *(*) (const char *)) g_strdup, in_use);
  compile_level (self, root, "combos", self->by_combo, sy_name_fold, in_use);
  compile_level (self, root, "providers", self->by_provider, provider_key, in_use);

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, &uri, NULL))
    if (!g_hash_table_contains (in_use, uri))
      g_hash_table_iter_remove (&iter);
}

/* --- sessions ------------------------------------------------------------------------------ */

/* HTTP proxy credentials, answered when libsoup asks (a 407 from the proxy; cached by the
 * session's auth manager afterwards, so later requests send them up front). libsoup 3.2
 * re-addresses a message to the proxy itself when the credentials are in the proxy URI, so
 * for HTTP proxies they never are. SOCKS5 credentials stay in the URI: GIO reads them there. */
typedef struct
{
  char *username;
  char *password;
} ProxyCredentials;

#define PROXY_CREDENTIALS_KEY "sy-proxy-credentials"

static void
proxy_credentials_free (gpointer data)
{
  ProxyCredentials *credentials = data;

  wipe_free (credentials->username);
  wipe_free (credentials->password);
  g_free (credentials);
}

static gboolean
proxy_authenticate_cb (SoupMessage *msg,
                       SoupAuth    *auth,
                       gboolean     retrying,
                       gpointer     user_data)
{
  ProxyCredentials *credentials = g_object_get_data (user_data, PROXY_CREDENTIALS_KEY);

  /* Wrong credentials are not retried: the 407 ends the attempt (sy_outbound_proxies_refused). */
  if (credentials == NULL || retrying || !soup_auth_is_for_proxy (auth))
    return FALSE;
  soup_auth_authenticate (auth, credentials->username, credentials->password);
  return TRUE;
}

static void
request_queued_cb (SoupSession *session,
                   SoupMessage *msg,
                   gpointer     user_data)
{
  g_signal_connect_object (msg, "authenticate", G_CALLBACK (proxy_authenticate_cb), session, 0);
}

/* A session like the gateway's own (limits, timeouts, no content decoding) through the proxy
 * at uri, which may carry credentials. */
static SoupSession *
session_through (SyOutboundProxies *self,
                 const char        *uri)
{
  SoupSession *base = sy_gateway_get_session (self->gateway);
  g_autoptr(GProxyResolver) resolver = NULL;
  g_autofree char *user_agent = NULL;
  g_autofree char *scheme = NULL;
  g_autofree char *user = NULL;
  g_autofree char *password = NULL;
  g_autofree char *host = NULL;
  g_autofree char *bare = NULL;
  SoupSession *session;
  int max_conns, max_per_host, port = -1;
  guint timeout, idle_timeout;

  g_uri_split_with_user (uri, G_URI_FLAGS_HAS_PASSWORD, &scheme, &user, &password, NULL, &host,
                         &port, NULL, NULL, NULL, NULL);
  if (user != NULL && g_strcmp0 (scheme, "http") == 0)
    bare = g_uri_join (G_URI_FLAGS_NONE, scheme, NULL, host, port, "", NULL, NULL);
  resolver = g_simple_proxy_resolver_new (bare ? bare : uri, NULL);

  g_object_get (base, "max-conns", &max_conns, "max-conns-per-host", &max_per_host,
                "timeout", &timeout, "idle-timeout", &idle_timeout, "user-agent", &user_agent,
                NULL);
  session = g_object_new (SOUP_TYPE_SESSION,
                          "proxy-resolver", resolver,
                          "max-conns", max_conns,
                          "max-conns-per-host", max_per_host,
                          "timeout", timeout,
                          "idle-timeout", idle_timeout,
                          "user-agent", user_agent,
                          NULL);
  if (!soup_session_has_feature (base, SOUP_TYPE_CONTENT_DECODER))
    soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);
  if (bare != NULL)
    {
      ProxyCredentials *credentials = g_new0 (ProxyCredentials, 1);

      credentials->username = g_steal_pointer (&user);
      credentials->password = g_strdup (password ? password : "");
      g_object_set_data_full (G_OBJECT (session), PROXY_CREDENTIALS_KEY, credentials,
                              proxy_credentials_free);
      g_signal_connect (session, "request-queued", G_CALLBACK (request_queued_cb), NULL);
    }
  if (password != NULL)
    memset (password, 0, strlen (password));
  return session;
}

static SoupSession *
cached_session (SyOutboundProxies *self,
                const char        *uri)
{
  SoupSession *session = g_hash_table_lookup (self->sessions, uri);

  if (session == NULL)
    {
      session = session_through (self, uri);
      g_hash_table_insert (self->sessions, g_strdup (uri), session);
    }
  return session;
}

SoupSession *
sy_outbound_proxies_get_session (SyOutboundProxies *self,
                                 const char        *api_key_id,
                                 const char        *combo,
                                 const char        *outer_combo,
                                 const char        *provider)
{
  const char *uri = NULL;

  g_return_val_if_fail (SY_IS_OUTBOUND_PROXIES (self), NULL);

  compile (self);
  if (api_key_id != NULL)
    uri = g_hash_table_lookup (self->by_key, api_key_id);
  for (guint i = 0; i < 2 && uri == NULL; i++)
    {
      const char *name = i == 0 ? combo : outer_combo;

      if (name != NULL && g_hash_table_size (self->by_combo) > 0)
        {
          g_autofree char *folded = sy_name_fold (name);

          uri = g_hash_table_lookup (self->by_combo, folded);
        }
    }
  if (uri == NULL && provider != NULL && g_hash_table_size (self->by_provider) > 0)
    {
      g_autofree char *key = provider_key (provider);

      uri = g_hash_table_lookup (self->by_provider, key);
    }
  if (uri == NULL)
    uri = self->global;
  return uri != NULL ? cached_session (self, uri) : sy_gateway_get_session (self->gateway);
}

SoupSession *
sy_outbound_proxies_session_for (SyGateway         *gateway,
                                 const SyApiKey    *api_key,
                                 const SyRoutePlan *plan,
                                 const SyRoute     *route)
{
  return sy_outbound_proxies_get_session (sy_gateway_get_proxies (gateway),
                                          api_key ? api_key->id : NULL, route->combo,
                                          plan->combo, route->provider_label);
}

gboolean
sy_outbound_proxies_refused (SoupMessage   *upstream,
                             GInputStream **stream,
                             GError       **error)
{
  g_return_val_if_fail (SOUP_IS_MESSAGE (upstream), FALSE);
  g_return_val_if_fail (stream != NULL && G_IS_INPUT_STREAM (*stream), FALSE);

  if (soup_message_get_status (upstream) != SOUP_STATUS_PROXY_AUTHENTICATION_REQUIRED)
    return FALSE;
  g_input_stream_close (*stream, NULL, NULL);
  g_clear_object (stream);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                       "the outbound proxy refused the credentials it was given (407 Proxy "
                       "Authentication Required)");
  return TRUE;
}

SoupSession *
sy_outbound_proxies_new_session (SyOutboundProxies *self,
                                 const char        *type,
                                 const char        *host,
                                 guint              port,
                                 const char        *username,
                                 const char        *password)
{
  g_autofree char *uri = NULL;
  SoupSession *session;

  g_return_val_if_fail (SY_IS_OUTBOUND_PROXIES (self), NULL);

  uri = proxy_uri (type, host, port, username, password);
  session = session_through (self, uri);
  memset (uri, 0, strlen (uri));
  return session;
}

void
sy_outbound_proxies_abort (SyOutboundProxies *self)
{
  GHashTableIter iter;
  gpointer session;

  g_return_if_fail (SY_IS_OUTBOUND_PROXIES (self));

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &session))
    soup_session_abort (session);
  g_hash_table_remove_all (self->sessions);
}

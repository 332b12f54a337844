/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The gateway object: wires storage, secrets and the usage writer to one SoupServer and one
 * SoupSession, and dispatches each request by path to the /v1 endpoints or the management API.
 * It owns no request logic itself; that lives in the endpoint files.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-gateway.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "core/sy-crypto.h"
#include "core/sy-private-file.h"
#include "gateway/sy-api.h"
#include "gateway/sy-chat-endpoint.h"
#include "gateway/sy-connection-reaper.h"
#include "gateway/sy-count-tokens-endpoint.h"
#include "gateway/sy-http.h"
#include "gateway/sy-media-endpoint.h"
#include "gateway/sy-metrics-endpoint.h"
#include "gateway/sy-models-endpoint.h"
#include "gateway/sy-oauth-logins.h"
#include "gateway/sy-request-guard.h"
#include "providers/sy-oauth-provider.h"
#include "providers/sy-oauth-refresh.h"
#include "store/sy-database.h"

struct _SyGateway
{
  GObject             parent_instance;

  char               *data_dir;
  char               *admin_token;
  char               *host;
  guint               port;
  gint64              start_time;
  gboolean            shut_down;
  gboolean            require_api_key_env;  /* REQUIRE_API_KEY given: it wins over the db */
  gboolean            require_api_key;

  SyDatabase         *db;
  SyNodeRepo         *nodes;
  SyConnectionRepo   *connections;
  SyComboRepo        *combos;
  SyApiKeyRepo       *api_keys;
  SySettingsRepo     *settings;
  SyCredentials      *credentials;
  SyModelResolver    *resolver;
  SyPricingRepo      *pricing;
  SyCustomModelRepo  *custom_models;
  SyRoutingState     *routing;
  SyRoutePlanner     *planner;
  SyUsageWriter      *usage_writer;
  SyResponseCache    *response_cache;
  SyIdempotency      *idempotency;
  SyOutboundProxies  *proxies;
  SyAccessControl    *access;
  SyBudgetLedger     *budgets;
  SyMetrics          *metrics;
  SyOriginMap        *origins;
  SyOAuthLogins      *oauth_logins;
  SyTokenKeeper      *tokens;
  SyQuotaWatch       *quotas;

  SoupServer         *server;
  SoupSession        *session;
  SyConnectionReaper *reaper;
  GHashTable         *in_flight;  /* GCancellable* set */
  GQueue              recent;     /* SyRequestEvent*, newest at the head */
};

enum {
  REQUEST_STARTED,
  REQUEST_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SyGateway, sy_gateway, G_TYPE_OBJECT)

/* OAuth accounts' tokens are refreshed by the providers' own protocols. */
static const SyTokenRefresher oauth_refresher = {
  sy_oauth_refresh_async, sy_oauth_refresh_finish, sy_oauth_error_is_revoked,
  sy_oauth_refresh_lead_ms,
};

G_DEFINE_QUARK (sy-gateway-error-quark, sy_gateway_error)

static void
sy_gateway_dispose (GObject *object)
{
  SyGateway *self = SY_GATEWAY (object);

  sy_gateway_shutdown (self);
  g_clear_object (&self->reaper);
  g_clear_object (&self->server);
  g_clear_object (&self->session);
  g_clear_object (&self->planner);
  g_clear_object (&self->routing);
  g_clear_object (&self->pricing);
  g_clear_object (&self->custom_models);
  g_clear_object (&self->resolver);
  g_clear_object (&self->credentials);
  g_clear_object (&self->settings);
  g_clear_object (&self->api_keys);
  g_clear_object (&self->combos);
  g_clear_object (&self->connections);
  g_clear_object (&self->nodes);
  g_clear_object (&self->usage_writer);
  g_clear_object (&self->response_cache);
  g_clear_object (&self->idempotency);
  g_clear_object (&self->proxies);
  g_clear_object (&self->access);
  g_clear_object (&self->budgets);
  g_clear_object (&self->metrics);
  g_clear_object (&self->oauth_logins);
  g_clear_object (&self->quotas);
  g_clear_object (&self->tokens);
  g_clear_object (&self->origins);
  g_clear_object (&self->db);
  G_OBJECT_CLASS (sy_gateway_parent_class)->dispose (object);
}

static void
sy_gateway_finalize (GObject *object)
{
  SyGateway *self = SY_GATEWAY (object);

  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_queue_clear_full (&self->recent, (GDestroyNotify) sy_request_event_free);
  if (self->admin_token != NULL)
    memset (self->admin_token, 0, strlen (self->admin_token));
  g_free (self->admin_token);
  g_free (self->data_dir);
  g_free (self->host);
  G_OBJECT_CLASS (sy_gateway_parent_class)->finalize (object);
}

static void
sy_gateway_class_init (SyGatewayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_gateway_dispose;
  object_class->finalize = sy_gateway_finalize;

  signals[REQUEST_STARTED] =
    g_signal_new ("request-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1,
                  SY_TYPE_REQUEST_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[REQUEST_FINISHED] =
    g_signal_new ("request-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1,
                  SY_TYPE_REQUEST_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
sy_gateway_init (SyGateway *self)
{
  self->in_flight = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, NULL);
  self->start_time = g_get_real_time ();
  g_queue_init (&self->recent);
}

/* The admin token file: owner-only (core/sy-private-file.c), written once when missing; refused
 * if others can read it. */
static char *
load_admin_token (const char  *data_dir,
                  GError     **error)
{
  g_autofree char *path = g_build_filename (data_dir, "admin-token", NULL);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) contents = NULL;
  g_autofree char *token = NULL;

  contents = sy_private_file_read (path, &local_error);
  if (contents != NULL)
    {
      token = g_strndup (g_bytes_get_data (contents, NULL), g_bytes_get_size (contents));
      g_strstrip (token);
      if (strlen (token) < 16)
        {
          g_set_error (error, SY_GATEWAY_ERROR, SY_GATEWAY_ERROR_ADMIN_TOKEN,
                       _("%s holds a token shorter than 16 characters; delete it to generate a "
                         "new one"), path);
          return NULL;
        }
      return g_steal_pointer (&token);
    }

  if (g_error_matches (local_error, SY_PRIVATE_FILE_ERROR, SY_PRIVATE_FILE_ERROR_EXPOSED))
    {
      g_set_error (error, SY_GATEWAY_ERROR, SY_GATEWAY_ERROR_ADMIN_TOKEN,
                   _("%s is readable by other users; run: chmod 600 %s"), path, path);
      return NULL;
    }
  if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  g_clear_error (&local_error);
  token = sy_random_token ("sya-", 32);
  if (!sy_private_file_write (path, token, strlen (token), &local_error))
    {
      g_set_error (error, SY_GATEWAY_ERROR, SY_GATEWAY_ERROR_ADMIN_TOKEN,
                   _("cannot write %s: %s"), path, local_error->message);
      return NULL;
    }
  g_message ("generated an admin token in %s", path);
  return g_steal_pointer (&token);
}

static void
settings_changed_cb (SySettingsRepo *settings,
                     gpointer        user_data)
{
  SyGateway *self = user_data;

  if (self->reaper != NULL)
    sy_connection_reaper_set_idle_limit (self->reaper,
                                         sy_settings_repo_get_int (settings, "keepAliveIdleMs"));
  sy_usage_writer_set_retention_days (self->usage_writer,
                                      sy_settings_repo_get_int (settings, "usageRetentionDays"));
}

SyGateway *
sy_gateway_new (const SyConfig  *config,
                GError         **error)
{
  g_autoptr(SyGateway) self = g_object_new (SY_TYPE_GATEWAY, NULL);
  g_autoptr(SySecretStore) secrets = NULL;
  g_autoptr(GProxyResolver) proxy = NULL;
  g_autofree char *db_path = NULL;

  g_return_val_if_fail (config != NULL, NULL);

  self->data_dir = g_strdup (config->data_dir);
  self->host = g_strdup (config->host);
  self->origins = sy_origin_map_new ();
  if (config->origin_map != NULL && !sy_origin_map_parse (self->origins, config->origin_map, error))
    {
      g_prefix_error (error, "SWITCHYARD_ORIGIN_MAP: ");
      return NULL;
    }
  if (g_mkdir_with_parents (self->data_dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("cannot create %s: %s"),
                   self->data_dir, g_strerror (saved));
      return NULL;
    }

  if (config->admin_token != NULL)
    self->admin_token = g_strdup (config->admin_token);
  else if ((self->admin_token = load_admin_token (self->data_dir, error)) == NULL)
    return NULL;

  db_path = g_build_filename (self->data_dir, "switchyard.db", NULL);
  if ((self->db = sy_database_open (db_path, error)) == NULL ||
      (self->nodes = sy_node_repo_new (self->db, error)) == NULL ||
      (self->connections = sy_connection_repo_new (self->db, error)) == NULL ||
      (self->combos = sy_combo_repo_new (self->db, error)) == NULL ||
      (self->api_keys = sy_api_key_repo_new (self->db, error)) == NULL ||
      (self->settings = sy_settings_repo_new (self->db, error)) == NULL ||
      (self->pricing = sy_pricing_repo_new (self->db, error)) == NULL ||
      (self->custom_models = sy_custom_model_repo_new (self->db, error)) == NULL ||
      (self->budgets = sy_budget_ledger_new (self->db, self->pricing, error)) == NULL ||
      (self->usage_writer = sy_usage_writer_new (db_path, error)) == NULL)
    return NULL;

  self->require_api_key_env = config->require_api_key_env;
  self->require_api_key = config->require_api_key;
  if (config->require_api_key_env)
    sy_settings_repo_override_boolean (self->settings, "requireApiKey", config->require_api_key);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self, 0);
  settings_changed_cb (self->settings, self);   /* the usage retention; no reaper yet */

  if ((secrets = sy_secret_store_new_for_host (config->secret_backend, self->data_dir, error)) == NULL)
    return NULL;
  self->credentials = sy_credentials_new (secrets);
  self->resolver = sy_model_resolver_new (self->nodes, self->connections, self->custom_models);
  {
    g_autoptr(SyRoutingStateRepo) routing_repo = sy_routing_state_repo_new (self->db);

    self->routing = sy_routing_state_new (self->settings, routing_repo);
  }
  self->planner = sy_route_planner_new (self->resolver, self->combos, self->settings,
                                        self->pricing, self->routing);
  self->response_cache = sy_response_cache_new (NULL);
  self->idempotency = sy_idempotency_new ();
  self->proxies = sy_outbound_proxies_new (self);
  self->access = sy_access_control_new (self);
  self->metrics = sy_metrics_new ();
  self->oauth_logins = sy_oauth_logins_new (self);
  self->tokens = sy_token_keeper_new (self, &oauth_refresher);

  /* One session for all upstreams. Bodies are relayed as the upstream sent them, so no content
   * decoding (and no Accept-Encoding sent); timeouts are ours, per phase, not soup's. */
  self->session = g_object_new (SOUP_TYPE_SESSION,
                                "max-conns", 512,
                                "max-conns-per-host", 128,
                                "timeout", 0,
                                "idle-timeout", 90,
                                "user-agent", NULL,
                                NULL);
  soup_session_remove_feature_by_type (self->session, SOUP_TYPE_CONTENT_DECODER);
  self->quotas = sy_quota_watch_new (self);

  return g_steal_pointer (&self);
}

/* Everything built on the database, opened again on the file at its path: repositories,
 * settings, resolver, routing state, planner, usage writer; the response cache is emptied.
 * All are made before any is swapped in, so a failure leaves the gateway as it was. Requests
 * in flight keep the objects they hold (references); the old usage writer is flushed and
 * stopped. */
gboolean
sy_gateway_reload_database (SyGateway  *self,
                            GError    **error)
{
  g_autofree char *db_path = NULL;
  g_autoptr(SyDatabase) db = NULL;
  g_autoptr(SyNodeRepo) nodes = NULL;
  g_autoptr(SyConnectionRepo) connections = NULL;
  g_autoptr(SyComboRepo) combos = NULL;
  g_autoptr(SyApiKeyRepo) api_keys = NULL;
  g_autoptr(SySettingsRepo) settings = NULL;
  g_autoptr(SyPricingRepo) pricing = NULL;
  g_autoptr(SyCustomModelRepo) custom_models = NULL;
  g_autoptr(SyBudgetLedger) budgets = NULL;
  g_autoptr(SyUsageWriter) usage_writer = NULL;
  g_autoptr(SyRoutingStateRepo) routing_repo = NULL;
  g_autoptr(SyModelResolver) resolver = NULL;
  g_autoptr(SyRoutingState) routing = NULL;
  g_autoptr(SyRoutePlanner) planner = NULL;

  g_return_val_if_fail (SY_IS_GATEWAY (self), FALSE);

  if (self->usage_writer != NULL)
    sy_usage_writer_flush (self->usage_writer);

  db_path = g_build_filename (self->data_dir, "switchyard.db", NULL);
  if ((db = sy_database_open (db_path, error)) == NULL ||
      (nodes = sy_node_repo_new (db, error)) == NULL ||
      (connections = sy_connection_repo_new (db, error)) == NULL ||
      (combos = sy_combo_repo_new (db, error)) == NULL ||
      (api_keys = sy_api_key_repo_new (db, error)) == NULL ||
      (settings = sy_settings_repo_new (db, error)) == NULL ||
      (pricing = sy_pricing_repo_new (db, error)) == NULL ||
      (custom_models = sy_custom_model_repo_new (db, error)) == NULL ||
      (budgets = sy_budget_ledger_new (db, pricing, error)) == NULL ||
      (usage_writer = sy_usage_writer_new (db_path, error)) == NULL)
    return FALSE;
  if (self->require_api_key_env)
    sy_settings_repo_override_boolean (settings, "requireApiKey", self->require_api_key);
  resolver = sy_model_resolver_new (nodes, connections, custom_models);
  routing_repo = sy_routing_state_repo_new (db);
  routing = sy_routing_state_new (settings, routing_repo);
  planner = sy_route_planner_new (resolver, combos, settings, pricing, routing);

  g_signal_handlers_disconnect_by_func (self->settings, settings_changed_cb, self);
  g_set_object (&self->db, db);
  g_set_object (&self->nodes, nodes);
  g_set_object (&self->connections, connections);
  g_set_object (&self->combos, combos);
  g_set_object (&self->api_keys, api_keys);
  g_set_object (&self->settings, settings);
  g_set_object (&self->pricing, pricing);
  g_set_object (&self->custom_models, custom_models);
  g_set_object (&self->budgets, budgets);
  g_set_object (&self->resolver, resolver);
  g_set_object (&self->routing, routing);
  g_set_object (&self->planner, planner);
  g_set_object (&self->usage_writer, usage_writer);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self, 0);
  settings_changed_cb (self->settings, self);
  /* Cached answers were routed by the old data (combos, aliases, keys). Idempotency entries
   * live 5 s and belong to requests, not to the data: they stay. */
  if (self->response_cache != NULL)
    sy_response_cache_clear (self->response_cache);
  return TRUE;
}

/* --- dispatch ---------------------------------------------------------------------------- */

/* "/v1/chat/completions", "/chat/completions" and "/v1/v1/chat/completions" are one route. */
static const char *
strip_v1 (const char *path)
{
  for (int i = 0; i < 2 && g_str_has_prefix (path, "/v1/"); i++)
    path += 3;
  return path;
}

/* "/v1beta/models/{model}:generateContent" or ":streamGenerateContent" (also without the
 * version prefix). The model may hold slashes ("openai/gpt-4o"). */
static gboolean
handle_gemini (SyGateway         *self,
               SoupServerMessage *msg,
               const char        *raw_path)
{
  const char *path = raw_path;
  const char *colon;
  g_autofree char *model = NULL;
  SyChatEndpointCall call = { SY_DIALECT_GEMINI };

  if (g_str_has_prefix (path, "/v1beta/"))
    path += strlen ("/v1beta");
  else if (g_str_has_prefix (path, "/v1/"))
    path += strlen ("/v1");
  if (!g_str_has_prefix (path, "/models/"))
    return FALSE;
  path += strlen ("/models/");
  colon = strrchr (path, ':');
  if (colon == NULL || colon == path)
    return FALSE;
  if (g_str_equal (colon, ":generateContent"))
    call.url_stream = FALSE;
  else if (g_str_equal (colon, ":streamGenerateContent"))
    call.url_stream = TRUE;
  else
    return FALSE;

  model = g_uri_unescape_segment (path, colon, NULL);
  if (model == NULL || *model == '\0')
    return FALSE;
  call.url_model = model;
  sy_chat_endpoint_handle (self, msg, &call);
  return TRUE;
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *raw_path,
           GHashTable        *query,
           gpointer           user_data)
{
  SyGateway *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *path;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");

  if (self->shut_down)
    {
      sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_SERVICE_UNAVAILABLE, "api_error",
                             "shutting_down", "the gateway is shutting down");
      return;
    }

  if (g_str_has_prefix (raw_path, "/api/") || g_str_equal (raw_path, "/api"))
    {
      sy_api_handle (self, msg, raw_path);
      return;
    }

  if (g_str_equal (raw_path, "/metrics"))
    {
      sy_metrics_endpoint_handle (self, msg);
      return;
    }

  if (!sy_request_guard_check_v1 (self, msg) || !sy_access_control_check_ip (self, msg, raw_path))
    return;

  path = strip_v1 (raw_path);
  if (g_str_equal (path, "/chat/completions"))
    sy_chat_endpoint_handle (self, msg, &(SyChatEndpointCall) { SY_DIALECT_OPENAI });
  else if (g_str_equal (path, "/messages"))
    sy_chat_endpoint_handle (self, msg, &(SyChatEndpointCall) { SY_DIALECT_ANTHROPIC });
  else if (g_str_equal (path, "/messages/count_tokens"))
    sy_count_tokens_endpoint_handle (self, msg);
  else if (g_str_equal (path, "/responses"))
    sy_chat_endpoint_handle (self, msg, &(SyChatEndpointCall) { SY_DIALECT_RESPONSES });
  else if (g_str_has_prefix (path, "/providers/") && g_str_has_suffix (path, "/chat/completions"))
    {
      gsize len = strlen (path) - strlen ("/providers/") - strlen ("/chat/completions");
      g_autofree char *provider = g_strndup (path + strlen ("/providers/"), len);

      if (len == 0 || strchr (provider, '/') != NULL)
        sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_NOT_FOUND,
                               "invalid_request_error", "not_found", "no route for %s", raw_path);
      else
        sy_chat_endpoint_handle (self, msg, &(SyChatEndpointCall) { SY_DIALECT_OPENAI, provider });
    }
  else if (sy_media_endpoint_dispatch (self, msg, path))
    ;  /* embeddings, images, audio transcriptions */
  else if (g_str_equal (path, "/models") || g_str_equal (raw_path, "/v1"))
    sy_models_endpoint_handle (self, msg);
  else if (!handle_gemini (self, msg, raw_path))
    sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_NOT_FOUND, "invalid_request_error",
                           "not_found", "no route for %s %s", method, raw_path);
}

/* A chunked body has no announced size: count it as it arrives. Past the limit it is no
 * longer kept (the handler answers 413 when it ends, see sy_http_body_exceeded()); far past it
 * the connection is cut, so a client cannot make the server read without end. (libsoup reads a
 * request body whole before any handler runs; no reply is possible until then.) */
static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  SyBodyBudget *budget = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  GSocket *socket;

  budget->received += g_bytes_get_size (chunk);
  if (budget->received <= budget->limit)
    return;
  if (!budget->exceeded)
    {
      budget->exceeded = TRUE;
      soup_message_body_set_accumulate (body, FALSE);
      soup_message_body_truncate (body);
    }
  if (budget->received > 2 * budget->limit + 1024 * 1024 &&
      (socket = soup_server_message_get_socket (msg)) != NULL)
    {
      g_signal_handlers_disconnect_by_func (msg, got_chunk_cb, budget);
      g_message ("closing a connection whose chunked request body went far past maxBodyBytes");
      g_socket_shutdown (socket, TRUE, TRUE, NULL);
    }
}

/* Refuses an announced body over the limit before soup reads it. */
static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  SyGateway *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset own_limit = sy_api_backups_body_limit (path);  /* database imports */
  goffset limit = own_limit >= 0 ? own_limit
                                 : sy_settings_repo_get_int (self->settings, "maxBodyBytes");

  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    {
      SyBodyBudget *budget = g_new0 (SyBodyBudget, 1);

      budget->limit = limit;
      g_object_set_data_full (G_OBJECT (msg), SY_BODY_BUDGET_KEY, budget, g_free);
      g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), budget);
    }
  else if (soup_message_headers_get_content_length (headers) > limit)
    {
      sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                             "invalid_request_error", "request_too_large",
                             "request body of %" G_GOFFSET_FORMAT " bytes exceeds the limit of %"
                             G_GOFFSET_FORMAT " bytes (%s)",
                             soup_message_headers_get_content_length (headers), limit,
                             own_limit >= 0 ? "database imports" : "setting maxBodyBytes");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Connection", "close");
    }
}

/* The listening socket, made here rather than by soup_server_listen (): GSocket's default
 * backlog of 10 dropped handshakes when 64 clients connected at once (0.2-0.9 s stalls). */
static GSocket *
open_listener (GSocketAddress  *address,
               GError         **error)
{
  g_autoptr(GSocket) socket = g_socket_new (g_socket_address_get_family (address),
                                            G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);

  if (socket == NULL)
    return NULL;
  g_socket_set_listen_backlog (socket, 4096);
  if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error))
    return NULL;
  return g_steal_pointer (&socket);
}

/* The bound port (for --port 0), read from the listening socket. soup_server_get_uris () is
 * not used: libsoup 3.2 leaks the address it builds there. */
static guint
read_bound_port (SoupServer *server)
{
  g_autoptr(GSList) listeners = soup_server_get_listeners (server);
  g_autoptr(GSocketAddress) local = NULL;

  if (listeners == NULL)
    return 0;
  local = g_socket_get_local_address (listeners->data, NULL);
  return local ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)) : 0;
}

gboolean
sy_gateway_listen (SyGateway   *self,
                   const char  *host,
                   guint        port,
                   GError     **error)
{
  g_autoptr(GInetAddress) addr = NULL;
  g_autoptr(GSocketAddress) sockaddr = NULL;
  g_autoptr(GSocket) listener = NULL;

  g_return_val_if_fail (SY_IS_GATEWAY (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  if (!sy_host_is_loopback (host) && !sy_settings_repo_get_boolean (self->settings, "requireApiKey"))
    {
      g_set_error (error, SY_GATEWAY_ERROR, SY_GATEWAY_ERROR_INSECURE_BIND,
                   _("refusing to listen on %s without inbound API keys: anyone on the network "
                     "could spend your provider accounts. Set REQUIRE_API_KEY=true (and create a key "
                     "with POST /api/keys), or listen on 127.0.0.1"), host);
      return FALSE;
    }

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    addr = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else if ((addr = g_inet_address_new_from_string (host)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("cannot listen on \"%s\": give an IP address such as 127.0.0.1 or 0.0.0.0"), host);
      return FALSE;
    }
  g_free (self->host);
  self->host = g_strdup (host);

  self->server = g_object_new (SOUP_TYPE_SERVER, "server-header", NULL, NULL);
  soup_server_add_early_handler (self->server, NULL, early_cb, self, NULL);
  soup_server_add_handler (self->server, NULL, server_cb, self, NULL);
  self->reaper = sy_connection_reaper_new (self->server,
                                           sy_settings_repo_get_int (self->settings,
                                                                     "keepAliveIdleMs"));

  sockaddr = g_inet_socket_address_new (addr, port);
  if ((listener = open_listener (sockaddr, error)) == NULL ||
      !soup_server_listen_socket (self->server, listener, 0, error))
    {
      g_prefix_error (error, _("cannot listen on %s:%u: "), host, port);
      g_clear_object (&self->reaper);
      g_clear_object (&self->server);
      return FALSE;
    }
  self->port = read_bound_port (self->server);
  return TRUE;
}

guint
sy_gateway_get_port (SyGateway *self)
{
  g_return_val_if_fail (SY_IS_GATEWAY (self), 0);
  return self->port;
}

char *
sy_gateway_dup_base_url (SyGateway *self)
{
  const char *host = self->host;

  if (g_str_equal (host, "0.0.0.0") || g_str_equal (host, "::"))
    host = "127.0.0.1";
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("http://[%s]:%u", host, sy_gateway_get_port (self));
  return g_strdup_printf ("http://%s:%u", host, sy_gateway_get_port (self));
}

void
sy_gateway_track_request (SyGateway    *self,
                          GCancellable *cancellable)
{
  g_hash_table_add (self->in_flight, g_object_ref (cancellable));
}

void
sy_gateway_untrack_request (SyGateway    *self,
                            GCancellable *cancellable)
{
  g_hash_table_remove (self->in_flight, cancellable);
}

static gboolean
drain_timeout_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

void
sy_gateway_shutdown (SyGateway *self)
{
  g_autoptr(GList) pending = NULL;
  gboolean expired = FALSE;
  guint drain_id;

  g_return_if_fail (SY_IS_GATEWAY (self));

  if (self->shut_down)
    return;
  self->shut_down = TRUE;
  if (self->tokens != NULL)
    sy_token_keeper_stop (self->tokens);
  if (self->quotas != NULL)
    sy_quota_watch_stop (self->quotas);

  if (self->oauth_logins != NULL)
    sy_oauth_logins_cancel_all (self->oauth_logins);

  /* Stop accepting first, keep the open connections so in-flight clients get an ending. */
  if (self->server != NULL)
    {
      g_autoptr(GSList) listeners = soup_server_get_listeners (self->server);

      for (GSList *l = listeners; l != NULL; l = l->next)
        g_socket_close (l->data, NULL);
    }

  /* Duplicates parked behind an idempotency key get their ending first, so none starts anew. */
  if (self->idempotency != NULL)
    sy_idempotency_shutdown (self->idempotency);

  /* Cancelling ends each stream with an error event and each waiting request with an error
   * reply; their usage rows reach the writer before it is flushed below. */
  pending = g_hash_table_get_keys (self->in_flight);
  for (GList *l = pending; l != NULL; l = l->next)
    g_cancellable_cancel (l->data);

  drain_id = g_timeout_add (2000, drain_timeout_cb, &expired);
  while (g_hash_table_size (self->in_flight) > 0 && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (drain_id);

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  if (self->session != NULL)
    soup_session_abort (self->session);
  if (self->proxies != NULL)
    sy_outbound_proxies_abort (self->proxies);
  if (self->usage_writer != NULL)
    sy_usage_writer_flush (self->usage_writer);
}

const char *
sy_gateway_get_data_dir (SyGateway *self)
{
  return self->data_dir;
}

const char *
sy_gateway_get_admin_token (SyGateway *self)
{
  return self->admin_token;
}

const char *
sy_gateway_get_host (SyGateway *self)
{
  return self->host;
}

gint64
sy_gateway_get_start_time (SyGateway *self)
{
  return self->start_time;
}

guint
sy_gateway_get_open_connections (SyGateway *self)
{
  return self->reaper ? sy_connection_reaper_get_open (self->reaper) : 0;
}

SoupSession *
sy_gateway_get_session (SyGateway *self)
{
  return self->session;
}

SyNodeRepo *
sy_gateway_get_nodes (SyGateway *self)
{
  return self->nodes;
}

SyConnectionRepo *
sy_gateway_get_connections (SyGateway *self)
{
  return self->connections;
}

SyComboRepo *
sy_gateway_get_combos (SyGateway *self)
{
  return self->combos;
}

SyApiKeyRepo *
sy_gateway_get_api_keys (SyGateway *self)
{
  return self->api_keys;
}

SySettingsRepo *
sy_gateway_get_settings (SyGateway *self)
{
  return self->settings;
}

SyCredentials *
sy_gateway_get_credentials (SyGateway *self)
{
  return self->credentials;
}

SyModelResolver *
sy_gateway_get_resolver (SyGateway *self)
{
  return self->resolver;
}

SyRoutePlanner *
sy_gateway_get_planner (SyGateway *self)
{
  return self->planner;
}

SyRoutingState *
sy_gateway_get_routing (SyGateway *self)
{
  return self->routing;
}

SyQuotaWatch *
sy_gateway_get_quota_watch (SyGateway *self)
{
  return self->quotas;
}

SyTokenKeeper *
sy_gateway_get_token_keeper (SyGateway *self)
{
  return self->tokens;
}

SyOriginMap *
sy_gateway_get_origin_map (SyGateway *self)
{
  return self->origins;
}

SyOAuthLogins *
sy_gateway_get_oauth_logins (SyGateway *self)
{
  return self->oauth_logins;
}

SyCustomModelRepo *
sy_gateway_get_custom_models (SyGateway *self)
{
  return self->custom_models;
}

SyPricingRepo *
sy_gateway_get_pricing (SyGateway *self)
{
  return self->pricing;
}

SyUsageWriter *
sy_gateway_get_usage_writer (SyGateway *self)
{
  return self->usage_writer;
}

SyResponseCache *
sy_gateway_get_response_cache (SyGateway *self)
{
  return self->response_cache;
}

SyIdempotency *
sy_gateway_get_idempotency (SyGateway *self)
{
  return self->idempotency;
}

SyOutboundProxies *
sy_gateway_get_proxies (SyGateway *self)
{
  return self->proxies;
}

SyAccessControl *
sy_gateway_get_access (SyGateway *self)
{
  return self->access;
}

SyBudgetLedger *
sy_gateway_get_budgets (SyGateway *self)
{
  return self->budgets;
}

SyMetrics *
sy_gateway_get_metrics (SyGateway *self)
{
  return self->metrics;
}

/* --- the live monitor ----------------------------------------------------------------------- */

void
sy_gateway_publish_started (SyGateway  *self,
                            const char *request_id,
                            const char *endpoint,
                            const char *requested_model)
{
  g_autoptr(SyRequestEvent) event = NULL;

  g_return_if_fail (SY_IS_GATEWAY (self));

  if (!g_signal_has_handler_pending (self, signals[REQUEST_STARTED], 0, FALSE))
    return;
  event = sy_request_event_new_started (request_id, endpoint, requested_model);
  g_signal_emit (self, signals[REQUEST_STARTED], 0, event);
}

void
sy_gateway_publish_finished (SyGateway           *self,
                             const SyUsageRecord *record,
                             gboolean             cache_hit)
{
  SyRequestEvent *event;

  g_return_if_fail (SY_IS_GATEWAY (self));
  g_return_if_fail (record != NULL);

  event = sy_request_event_new_finished (record, cache_hit);
  g_queue_push_head (&self->recent, event);
  while (self->recent.length > SY_GATEWAY_RECENT_REQUESTS)
    sy_request_event_free (g_queue_pop_tail (&self->recent));
  g_signal_emit (self, signals[REQUEST_FINISHED], 0, event);
}

GPtrArray *
sy_gateway_dup_recent_requests (SyGateway *self,
                                guint      limit)
{
  g_autoptr(GPtrArray) events = NULL;

  g_return_val_if_fail (SY_IS_GATEWAY (self), NULL);

  events = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_request_event_free);
  for (GList *l = self->recent.head; l != NULL; l = l->next)
    {
      if (limit > 0 && events->len >= limit)
        break;
      g_ptr_array_add (events, sy_request_event_copy (l->data));
    }
  return g_steal_pointer (&events);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * POST /api/providers/{id}/test: does this account work, without spending tokens? An API-key
 * account asks its provider for the model list (or another cheap authenticated GET) through
 * its outbound proxy session and base URL; an OAuth account gets its token from the token
 * keeper (refreshed if due) and, where the provider tells its quota, fetches it. The answer is
 * the proxy test's {"ok", "status", "latencyMs", "error"} plus "models". Never a secret in it.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-api.h"

#include <string.h>

#include "gateway/sy-api-fields.h"
#include "gateway/sy-http.h"
#include "gateway/sy-probe.h"
#include "gateway/sy-quota-watch.h"
#include "gateway/sy-token-keeper.h"
#include "providers/sy-provider-catalog.h"
#include "providers/sy-quota-fetch.h"
#include "providers/sy-quota.h"

#define TEST_TIMEOUT_MS 10000

typedef struct
{
  SyGateway         *gateway;
  SoupServerMessage *msg;
  SyConnection      *connection;
  GCancellable      *cancellable;
  guint              timeout_id;   /* OAuth checks; the probe keeps its own */
  gboolean           timed_out;
  gint64             start_us;
  gulong             finished_id;
  gulong             disconnected_id;
  gboolean           client_gone;  /* never answer then; the work in flight is cancelled */
  /* How to ask (API-key accounts). */
  char              *url;
  SyAuthHeader       auth_header;
  SyDialect          dialect;
  const char * const *extra_headers;
  char              *label;        /* the provider's catalog id or node prefix */
  gboolean           lists_models; /* the GET answers a model list (not the audio providers) */
} AccountTest;

static void
account_test_free (AccountTest *t)
{
  g_clear_handle_id (&t->timeout_id, g_source_remove);
  if (t->msg != NULL)
    {
      g_clear_signal_handler (&t->finished_id, t->msg);
      g_clear_signal_handler (&t->disconnected_id, t->msg);
    }
  g_clear_object (&t->gateway);
  g_clear_object (&t->msg);
  g_clear_pointer (&t->connection, sy_connection_unref);
  g_clear_object (&t->cancellable);
  g_free (t->url);
  g_free (t->label);
  g_free (t);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccountTest, account_test_free)

static gint64
elapsed_ms (AccountTest *t)
{
  return (g_get_monotonic_time () - t->start_us) / 1000;
}

static void
answer (AccountTest *t,
        guint        status,
        gint64       latency_ms,
        const char  *problem,
        gint64       models)
{
  g_autoptr(JsonNode) root = NULL;

  if (t->client_gone)
    return;
  root = sy_probe_reply_new (status, latency_ms, problem);
  if (models >= 0)
    json_object_set_int_member (json_node_get_object (root), "models", models);
  else
    json_object_set_null_member (json_node_get_object (root), "models");
  sy_api_reply (t->msg, SOUP_STATUS_OK, root);
  soup_server_message_unpause (t->msg);
}

/* A paused message can go away under us (the client cancelled, the server stopped). */
static void
client_gone_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  AccountTest *t = user_data;

  t->client_gone = TRUE;
  g_cancellable_cancel (t->cancellable);
}

/* --- API-key accounts ---------------------------------------------------------------------- */

/* The length of the list a model-list answer holds ("data" or Gemini's "models"), or -1. */
static gint64
count_models (GBytes *body)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  JsonObject *object;
  JsonNode *list;
  gsize size;
  const char *data;

  if (body == NULL)
    return -1;
  data = g_bytes_get_data (body, &size);
  text = g_strndup (data, size);
  node = json_from_string (text, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return -1;
  object = json_node_get_object (node);
  list = json_object_get_member (object, "data");
  if (list == NULL)
    list = json_object_get_member (object, "models");
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    return -1;
  return json_array_get_length (json_node_get_array (list));
}

/* What an answer's status means for the account, in plain words; NULL when it works. */
static char *
status_problem (guint status)
{
  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    return NULL;
  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    return g_strdup_printf ("the provider refused the API key (%u): check or replace it",
                            status);
  if (status == SOUP_STATUS_PROXY_AUTHENTICATION_REQUIRED)
    return g_strdup ("the outbound proxy wants credentials (407)");
  if (status == SOUP_STATUS_NOT_FOUND)
    return g_strdup ("the provider has no model list at this address (404): check the base URL");
  if (status == 429)
    return g_strdup ("the provider is rate limiting this account (429): try again later");
  if (status >= 500)
    return g_strdup_printf ("the provider is having trouble (%u): try again later", status);
  return g_strdup_printf ("the provider answered %u", status);
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(AccountTest) t = user_data;
  g_autoptr(SyProbeResult) probe = sy_probe_send_finish (result);
  g_autofree char *problem = NULL;
  gint64 models = -1;

  if (probe->status == 0 && probe->timed_out)
    problem = g_strdup ("no answer from the provider within 10 seconds");
  else if (probe->status == 0 && g_error_matches (probe->error, G_IO_ERROR,
                                                  G_IO_ERROR_CANCELLED))
    problem = g_strdup ("the test was cancelled");
  else if (probe->status == 0)
    problem = g_strdup_printf ("could not reach the provider: %s", probe->error->message);
  else
    problem = status_problem (probe->status);
  if (problem == NULL && t->lists_models)
    models = count_models (probe->body);
  answer (t, probe->status, probe->latency_ms, problem, models);
}

static void
key_loaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(AccountTest) t = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = sy_credentials_get_finish (SY_CREDENTIALS (source), result, &error);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GUri) uri = NULL;
  SoupMessageHeaders *headers;
  GCancellable *cancellable;
  SoupSession *session;

  if (error != NULL)
    {
      answer (t, 0, elapsed_ms (t), "the secret store cannot give the API key", -1);
      return;
    }
  if (key == NULL)
    {
      answer (t, 0, elapsed_ms (t), "no API key is stored for this account", -1);
      return;
    }
  uri = g_uri_parse (t->url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL)
    {
      answer (t, 0, elapsed_ms (t), "the base URL is not a valid URL", -1);
      return;
    }
  msg = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
  headers = soup_message_get_request_headers (msg);
  sy_http_set_auth_header (headers, t->auth_header, key);
  for (const char * const *h = t->extra_headers; h != NULL && h[0] != NULL; h += 2)
    soup_message_headers_replace (headers, h[0], h[1]);
  if (t->dialect == SY_DIALECT_ANTHROPIC &&
      soup_message_headers_get_one (headers, "anthropic-version") == NULL)
    soup_message_headers_replace (headers, "anthropic-version", "2023-06-01");
  soup_message_headers_replace (headers, "Accept", "application/json");
  session = sy_outbound_proxies_get_session (sy_gateway_get_proxies (t->gateway), NULL, NULL,
                                             NULL, t->label);
  cancellable = t->cancellable;  /* t is stolen in the same call */
  sy_probe_send_async (session, msg, TEST_TIMEOUT_MS, TRUE, cancellable, listed_cb,
                       g_steal_pointer (&t));
}

/* Fills in how to reach the account; FALSE with a sentence when it cannot be tested. */
static gboolean
plan_request (AccountTest  *t,
              char        **problem)
{
  SyConnection *c = t->connection;
  const SyProviderInfo *info = sy_provider_catalog_lookup (c->provider);
  g_autoptr(SyProviderNode) node = NULL;
  const char *base = c->base_url;
  const char *path = "/models";
  g_autofree char *trimmed = NULL;

  t->lists_models = TRUE;
  if (info != NULL)
    {
      t->label = g_strdup (info->id);
      t->dialect = info->dialect;
      t->auth_header = info->auth_header;
      t->extra_headers = info->extra_headers;
      if (base == NULL)
        base = info->base_url;
      /* The audio providers have no model list: a cheap authenticated GET instead. */
      if (info->auth_header == SY_AUTH_HEADER_TOKEN)
        path = "/v1/projects";              /* Deepgram: the key's projects */
      else if (info->auth_header == SY_AUTH_HEADER_PLAIN)
        path = "/v2/transcript?limit=1";    /* AssemblyAI: the latest transcript */
      t->lists_models = g_str_equal (path, "/models");
    }
  else if ((node = sy_node_repo_lookup (sy_gateway_get_nodes (t->gateway), c->provider)) != NULL)
    {
      t->label = g_strdup (node->prefix);
      if (!sy_dialect_from_string (node->api_type, &t->dialect))
        t->dialect = SY_DIALECT_OPENAI;
      t->auth_header = sy_auth_header_for_dialect (t->dialect);
      if (base == NULL)
        base = node->base_url;
    }
  else
    {
      *problem = g_strdup ("the account's provider no longer exists");
      return FALSE;
    }
  if (base == NULL)
    {
      *problem = g_strdup ("the provider has no base URL to test");
      return FALSE;
    }
  trimmed = g_strdup (base);
  while (g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';
  t->url = g_strconcat (trimmed, path, NULL);
  return TRUE;
}

static void
test_api_key (AccountTest *t)
{
  g_autofree char *problem = NULL;

  if (!plan_request (t, &problem))
    {
      g_autoptr(AccountTest) owned = t;

      answer (owned, 0, elapsed_ms (owned), problem, -1);
      return;
    }
  sy_credentials_get_async (sy_gateway_get_credentials (t->gateway), t->connection->id,
                            t->cancellable, key_loaded_cb, t);
}

/* --- OAuth accounts ------------------------------------------------------------------------ */

static gboolean
oauth_timeout_cb (gpointer user_data)
{
  AccountTest *t = user_data;

  t->timeout_id = 0;
  t->timed_out = TRUE;
  g_cancellable_cancel (t->cancellable);
  return G_SOURCE_REMOVE;
}

static char *
oauth_problem (AccountTest  *t,
               const GError *error)
{
  if (t->timed_out)
    return g_strdup ("no answer from the provider within 10 seconds");
  if (g_error_matches (error, SY_TOKEN_KEEPER_ERROR, SY_TOKEN_KEEPER_ERROR_NEEDS_LOGIN))
    return g_strdup_printf ("the account must sign in again: %s", error->message);
  return g_strdup (error->message);
}

static void
quota_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(AccountTest) t = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SyQuota) quota = sy_quota_watch_refresh_finish (SY_QUOTA_WATCH (source), result,
                                                            &error);
  g_autofree char *problem = NULL;

  /* A quota can come back with the fetch's error in it (the book's last windows kept). */
  if (quota == NULL)
    problem = oauth_problem (t, error);
  else if (sy_quota_get_error (quota) != NULL)
    problem = g_strdup_printf ("the token works, but the quota check failed: %s",
                               sy_quota_get_error (quota)->message);
  g_clear_handle_id (&t->timeout_id, g_source_remove);
  answer (t, 0, elapsed_ms (t), problem, -1);
}

static void
token_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(AccountTest) t = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SyTokenBundle) bundle = sy_token_keeper_get_finish (SY_TOKEN_KEEPER (source), result,
                                                                &error);
  g_autofree char *problem = NULL;
  SyQuotaWatch *watch;
  SyConnection *connection;
  GCancellable *cancellable;

  if (bundle == NULL)
    {
      problem = oauth_problem (t, error);
      g_clear_handle_id (&t->timeout_id, g_source_remove);
      answer (t, 0, elapsed_ms (t), problem, -1);
      return;
    }
  if (!sy_quota_fetch_is_supported (t->connection->provider))
    {
      g_clear_handle_id (&t->timeout_id, g_source_remove);
      answer (t, 0, elapsed_ms (t), NULL, -1);
      return;
    }
  /* The quota endpoint is the live check: it takes the token and says something true. */
  watch = sy_gateway_get_quota_watch (t->gateway);
  connection = t->connection;
  cancellable = t->cancellable;  /* t is stolen in the same call */
  sy_quota_watch_refresh_async (watch, connection, TRUE, cancellable, quota_cb,
                                g_steal_pointer (&t));
}

static void
test_oauth (AccountTest *t)
{
  t->timeout_id = g_timeout_add (TEST_TIMEOUT_MS, oauth_timeout_cb, t);
  sy_token_keeper_get_async (sy_gateway_get_token_keeper (t->gateway), t->connection, FALSE,
                             t->cancellable, token_cb, t);
}

void
sy_api_provider_test (SyApiCall    *call,
                      SyConnection *connection)
{
  static const char * const allowed[] = { NULL };
  g_autoptr(GError) error = NULL;
  AccountTest *t;

  if (call->method != SOUP_METHOD_POST)
    {
      sy_api_reply_bad_method (call, "POST");
      return;
    }
  if (!sy_api_fields_only (call->body, allowed, &error))  /* the body is {} */
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  t = g_new0 (AccountTest, 1);
  t->gateway = g_object_ref (call->gateway);
  t->msg = g_object_ref (call->msg);
  t->connection = sy_connection_ref (connection);
  t->cancellable = g_cancellable_new ();
  t->start_us = g_get_monotonic_time ();
  t->finished_id = g_signal_connect (t->msg, "finished", G_CALLBACK (client_gone_cb), t);
  t->disconnected_id = g_signal_connect (t->msg, "disconnected", G_CALLBACK (client_gone_cb), t);
  soup_server_message_pause (call->msg);
  if (g_strcmp0 (connection->auth_type, "oauth") == 0)
    test_oauth (t);
  else
    test_api_key (t);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One refresh per call: build the provider's refresh request from the protocol table, read
 * the answer into a new bundle (keeping what the provider does not rotate), and for iFlow read
 * the API key again. Errors are classified by sy_oauth_reply_check(); no token is logged.
 */
#define G_LOG_DOMAIN "sy-providers"

#include "sy-oauth-refresh.h"

#include <string.h>

#include "providers/sy-oauth-profile-private.h"

typedef struct
{
  const SyOAuthProvider *provider;
  SoupSession           *session;
  SyOriginMap           *map;
  SyTokenBundle         *previous;
  SyTokenBundle         *next;       /* after the token step (iFlow) */
} Refresh;

static void
refresh_free (Refresh *r)
{
  g_clear_object (&r->session);
  g_clear_object (&r->map);
  g_clear_pointer (&r->previous, sy_token_bundle_free);
  g_clear_pointer (&r->next, sy_token_bundle_free);
  g_free (r);
}

static SoupMessage *
refresh_request (Refresh    *r,
                 JsonObject *data)
{
  const SyOAuthProvider *p = r->provider;
  const char *secret = sy_oauth_provider_get_secret (p);
  g_autofree char *url = sy_oauth_expand_url (p->refresh_url,
                                              data ? sy_oauth_json_string (data, "region") : NULL);
  SoupMessage *msg;

  if (p->refresh_body == SY_OAUTH_BODY_JSON)
    {
      g_autoptr(JsonObject) body = json_object_new ();

      json_object_set_string_member (body, "clientId", sy_oauth_json_string (data, "clientId"));
      json_object_set_string_member (body, "clientSecret", r->previous->client_secret);
      json_object_set_string_member (body, "refreshToken", r->previous->refresh_token);
      json_object_set_string_member (body, "grantType", "refresh_token");
      return sy_oauth_http_json (r->map, url, json_node_init_object (json_node_alloc (), body));
    }
  /* No scope: Codex's Auth0 treats one as a re-scope and revokes sibling token families. */
  msg = sy_oauth_http_form (r->map, url,
                            "grant_type", "refresh_token",
                            "refresh_token", r->previous->refresh_token,
                            "client_id", p->client_id,
                            "client_secret", secret,
                            NULL);
  if (p->basic_auth)
    {
      g_autofree char *pair = g_strdup_printf ("%s:%s", p->client_id, secret ? secret : "");
      g_autofree char *basic = g_base64_encode ((const guchar *) pair, strlen (pair));

      sy_oauth_http_authorize (msg, "Basic", basic);
    }
  return msg;
}

static void
iflow_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Refresh *r = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = sy_oauth_http_fetch_finish (result, &error);

  if (answer == NULL || !_sy_oauth_iflow_apply (r->next, answer, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&r->next), (GDestroyNotify) sy_token_bundle_free);
}

static void
tokens_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Refresh *r = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = sy_oauth_http_fetch_finish (result, &error);
  g_autoptr(JsonObject) standard = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  GCancellable *cancellable;

  if (answer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (r->provider->refresh_body == SY_OAUTH_BODY_JSON)
    standard = _sy_oauth_aws_to_standard (answer);
  r->next = sy_token_bundle_from_response (standard ? standard : answer, r->previous,
                                           g_get_real_time () / 1000, &error);
  if (r->next == NULL)
    {
      g_task_return_new_error (task, SY_OAUTH_ERROR, SY_OAUTH_ERROR_PROTOCOL,
                               "token refresh: %s", error->message);
      return;
    }
  /* Derived tokens survive a refresh until replaced. */
  if (r->next->api_key == NULL)
    r->next->api_key = g_strdup (r->previous->api_key);
  if (r->provider->profile != SY_OAUTH_PROFILE_IFLOW)
    {
      g_task_return_pointer (task, g_steal_pointer (&r->next),
                             (GDestroyNotify) sy_token_bundle_free);
      return;
    }
  msg = _sy_oauth_iflow_request (r->map, r->next->access_token);
  cancellable = g_task_get_cancellable (task);
  sy_oauth_http_fetch_async (r->session, msg, "iFlow user info", cancellable, iflow_cb,
                             g_steal_pointer (&task));
}

static void
copilot_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Refresh *r = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = sy_oauth_http_fetch_finish (result, &error);
  g_autoptr(SyTokenBundle) next = sy_token_bundle_copy (r->previous);

  if (answer == NULL || !_sy_oauth_copilot_apply (next, answer, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&next), (GDestroyNotify) sy_token_bundle_free);
}

void
sy_oauth_refresh_async (SoupSession          *session,
                        SyOriginMap          *map,
                        const char           *provider_id,
                        const SyTokenBundle  *bundle,
                        const char           *provider_data_json,
                        GCancellable         *cancellable,
                        GAsyncReadyCallback   callback,
                        gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  Refresh *r;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (map == NULL || SY_IS_ORIGIN_MAP (map));
  g_return_if_fail (bundle != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sy_oauth_refresh_async);
  r = g_new0 (Refresh, 1);
  r->provider = sy_oauth_provider_lookup (provider_id);
  r->session = g_object_ref (session);
  r->map = map != NULL ? g_object_ref (map) : NULL;
  r->previous = sy_token_bundle_copy (bundle);
  g_task_set_task_data (task, r, (GDestroyNotify) refresh_free);

  if (r->provider == NULL)
    {
      g_task_return_new_error (task, SY_OAUTH_ERROR, SY_OAUTH_ERROR_INVALID,
                               "\"%s\" is not an OAuth provider", provider_id);
      return;
    }
  if (provider_data_json != NULL)
    data = json_from_string (provider_data_json, NULL);
  if (data != NULL && !JSON_NODE_HOLDS_OBJECT (data))
    g_clear_pointer (&data, json_node_unref);

  if (r->provider->profile == SY_OAUTH_PROFILE_GITHUB)
    {
      if (bundle->access_token == NULL)
        {
          g_task_return_new_error (task, SY_OAUTH_ERROR, SY_OAUTH_ERROR_REVOKED,
                                   "no GitHub token stored; log in again");
          return;
        }
      msg = _sy_oauth_copilot_request (r->map, bundle->access_token);
      sy_oauth_http_fetch_async (session, msg, "Copilot token", cancellable, copilot_cb,
                                 g_steal_pointer (&task));
      return;
    }
  if (bundle->refresh_token == NULL)
    {
      g_task_return_new_error (task, SY_OAUTH_ERROR, SY_OAUTH_ERROR_REVOKED,
                               "no refresh token stored; log in again");
      return;
    }
  if (r->provider->refresh_body == SY_OAUTH_BODY_JSON &&
      (data == NULL || sy_oauth_json_string (json_node_get_object (data), "clientId") == NULL ||
       bundle->client_secret == NULL))
    {
      g_task_return_new_error (task, SY_OAUTH_ERROR, SY_OAUTH_ERROR_REVOKED,
                               "the registered client (its id in the provider data, its secret "
                               "with the tokens) is missing; log in again");
      return;
    }
  msg = refresh_request (r, data ? json_node_get_object (data) : NULL);
  sy_oauth_http_fetch_async (session, msg, "token refresh", cancellable, tokens_cb,
                             g_steal_pointer (&task));
}

SyTokenBundle *
sy_oauth_refresh_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
sy_oauth_refresh_due (const char          *provider_id,
                      const SyTokenBundle *bundle,
                      gint64               now_ms)
{
  const SyOAuthProvider *provider = sy_oauth_provider_lookup (provider_id);
  gboolean github = provider != NULL && provider->profile == SY_OAUTH_PROFILE_GITHUB;
  gint64 expiry;

  g_return_val_if_fail (bundle != NULL, FALSE);

  expiry = github ? bundle->session_expires_at : sy_token_bundle_get_bearer_expiry (bundle);
  if (expiry <= 0)
    return github && bundle->session_token == NULL;
  return expiry - sy_oauth_refresh_lead_ms (provider_id) <= now_ms;
}

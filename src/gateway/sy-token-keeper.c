/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Token upkeep for OAuth accounts (see the header). The secret store holds the bundle; the
 * connection row mirrors what is not secret (expiry, needs-login state and reason). Refreshes
 * run under the keeper's own cancellable, not a request's: a client that leaves must not abort
 * a refresh other requests are waiting for. Never logs a token.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-token-keeper.h"

#include "gateway/sy-credentials.h"
#include "gateway/sy-gateway.h"
#include "gateway/sy-outbound-proxies.h"

#define SWEEP_INTERVAL_S 60
#define REFRESH_TIMEOUT_S 30
/* A forced refresh this soon after another one reuses its answer (concurrent 401s). */
#define FORCE_REUSE_MS 10000

struct _SyTokenKeeper
{
  GObject           parent_instance;
  SyGateway        *gateway;
  SyTokenRefresher  refresher;
  GCancellable     *cancellable;
  GHashTable       *refreshing;     /* connection id -> Refresh */
  GHashTable       *refreshed_at;   /* connection id -> gint64 ms, last success */
  guint             sweep_id;
};

typedef struct
{
  SyTokenKeeper *keeper;
  SyConnection  *connection;
  GPtrArray     *waiters;   /* GTask */
  SyTokenBundle *bundle;    /* the answer, once refreshed */
  guint          timeout_id;
  GCancellable  *cancellable;
} Refresh;

typedef struct
{
  SyConnection *connection;
  gboolean      force;
} Ask;

G_DEFINE_FINAL_TYPE (SyTokenKeeper, sy_token_keeper, G_TYPE_OBJECT)

G_DEFINE_QUARK (sy-token-keeper-error-quark, sy_token_keeper_error)

static void
ask_free (Ask *ask)
{
  sy_connection_unref (ask->connection);
  g_free (ask);
}

static void
refresh_free (Refresh *refresh)
{
  g_clear_handle_id (&refresh->timeout_id, g_source_remove);
  g_clear_object (&refresh->cancellable);
  sy_connection_unref (refresh->connection);
  g_ptr_array_unref (refresh->waiters);
  g_clear_pointer (&refresh->bundle, sy_token_bundle_free);
  g_clear_object (&refresh->keeper);
  g_free (refresh);
}

static void
sy_token_keeper_dispose (GObject *object)
{
  SyTokenKeeper *self = SY_TOKEN_KEEPER (object);

  sy_token_keeper_stop (self);
  G_OBJECT_CLASS (sy_token_keeper_parent_class)->dispose (object);
}

static void
sy_token_keeper_finalize (GObject *object)
{
  SyTokenKeeper *self = SY_TOKEN_KEEPER (object);

  g_clear_object (&self->cancellable);
  g_hash_table_unref (self->refreshing);
  g_hash_table_unref (self->refreshed_at);
  G_OBJECT_CLASS (sy_token_keeper_parent_class)->finalize (object);
}

static void
sy_token_keeper_class_init (SyTokenKeeperClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_token_keeper_dispose;
  object_class->finalize = sy_token_keeper_finalize;
}

static void
sy_token_keeper_init (SyTokenKeeper *self)
{
  self->cancellable = g_cancellable_new ();
  /* Values are owned by the refresh in flight, which removes itself when done. */
  self->refreshing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->refreshed_at = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static gboolean
sweep_cb (gpointer user_data)
{
  sy_token_keeper_sweep (SY_TOKEN_KEEPER (user_data));
  return G_SOURCE_CONTINUE;
}

SyTokenKeeper *
sy_token_keeper_new (SyGateway              *gateway,
                     const SyTokenRefresher *refresher)
{
  SyTokenKeeper *self = g_object_new (SY_TYPE_TOKEN_KEEPER, NULL);

  self->gateway = gateway;
  self->refresher = *refresher;
  self->sweep_id = g_timeout_add_seconds (SWEEP_INTERVAL_S, sweep_cb, self);
  return self;
}

void
sy_token_keeper_set_refresher (SyTokenKeeper          *self,
                               const SyTokenRefresher *refresher)
{
  g_return_if_fail (SY_IS_TOKEN_KEEPER (self));
  self->refresher = *refresher;
}

void
sy_token_keeper_stop (SyTokenKeeper *self)
{
  g_return_if_fail (SY_IS_TOKEN_KEEPER (self));
  g_clear_handle_id (&self->sweep_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
}

/* --- the account row ----------------------------------------------------------------------- */

/* Writes the account's token state onto its current row (it may have changed meanwhile). */
static void
save_state (SyTokenKeeper *self,
            const char    *connection_id,
            const char    *auth_state,
            const char    *auth_error,
            gint64         expires_at)
{
  SyConnectionRepo *repo = sy_gateway_get_connections (self->gateway);
  g_autoptr(SyConnection) current = sy_connection_repo_lookup (repo, connection_id);
  g_autoptr(SyConnection) updated = NULL;
  g_autoptr(GError) error = NULL;

  if (current == NULL)
    return;   /* deleted while refreshing */
  updated = sy_connection_copy (current);
  g_free (updated->auth_state);
  updated->auth_state = g_strdup (auth_state);
  g_free (updated->auth_error);
  updated->auth_error = g_strdup (auth_error);
  if (expires_at >= 0)
    updated->token_expires_at = expires_at;
  updated->updated_at = sy_record_now_ms ();
  if (!sy_connection_repo_save (repo, updated, &error))
    g_warning ("cannot record the token state of account %s: %s", connection_id, error->message);
}

static void
needs_login (SyTokenKeeper *self,
             const char    *connection_id,
             const char    *reason)
{
  g_message ("account %s needs a new login: %s", connection_id, reason);
  save_state (self, connection_id, "needs_login", reason, -1);
}

/* --- refreshing ---------------------------------------------------------------------------- */

static void
finish_refresh (Refresh      *refresh,
                const GError *error)
{
  SyTokenKeeper *self = refresh->keeper;

  g_hash_table_remove (self->refreshing, refresh->connection->id);
  for (guint i = 0; i < refresh->waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (refresh->waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, sy_token_bundle_copy (refresh->bundle),
                               (GDestroyNotify) sy_token_bundle_free);
    }
  refresh_free (refresh);
}

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Refresh *refresh = user_data;
  g_autoptr(GError) error = NULL;

  /* The new access token works even if the store failed; the account may need a login after
   * a restart if the provider rotated its refresh token, which the log says. */
  if (!sy_credentials_set_finish (SY_CREDENTIALS (source), result, &error))
    g_warning ("cannot store the refreshed tokens of account %s: %s", refresh->connection->id,
               error->message);
  if (g_cancellable_is_cancelled (refresh->keeper->cancellable))
    {
      finish_refresh (refresh, NULL);
      return;
    }
  save_state (refresh->keeper, refresh->connection->id, "ok", NULL,
              sy_token_bundle_get_bearer_expiry (refresh->bundle));
  g_hash_table_replace (refresh->keeper->refreshed_at, g_strdup (refresh->connection->id),
                        g_memdup2 (&(gint64) { g_get_monotonic_time () / 1000 }, sizeof (gint64)));
  finish_refresh (refresh, NULL);
}

static void
refreshed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Refresh *refresh = user_data;
  SyTokenKeeper *self = refresh->keeper;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) reported = NULL;
  g_autofree char *text = NULL;

  g_clear_handle_id (&refresh->timeout_id, g_source_remove);
  refresh->bundle = self->refresher.refresh_finish (result, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      /* Stopped: the gateway is going away, nothing may be written any more. */
      reported = g_error_new_literal (SY_TOKEN_KEEPER_ERROR, SY_TOKEN_KEEPER_ERROR_UNAVAILABLE,
                                      "the gateway is shutting down");
      finish_refresh (refresh, reported);
      return;
    }
  if (refresh->bundle == NULL)
    {
      if (self->refresher.is_revoked (error))
        {
          needs_login (self, refresh->connection->id, error->message);
          reported = g_error_new (SY_TOKEN_KEEPER_ERROR, SY_TOKEN_KEEPER_ERROR_NEEDS_LOGIN,
                                  "account %s needs a new login: %s", refresh->connection->id,
                                  error->message);
        }
      else
        reported = g_error_new (SY_TOKEN_KEEPER_ERROR, SY_TOKEN_KEEPER_ERROR_UNAVAILABLE,
                                "cannot refresh the tokens of account %s: %s",
                                refresh->connection->id,
                                g_cancellable_is_cancelled (refresh->cancellable) &&
                                !g_cancellable_is_cancelled (self->cancellable)
                                  ? "the token endpoint did not answer in time"
                                  : error->message);
      finish_refresh (refresh, reported);
      return;
    }
  text = sy_token_bundle_serialize (refresh->bundle);
  sy_credentials_set_async (sy_gateway_get_credentials (self->gateway), refresh->connection->id,
                            refresh->connection->name, text, NULL, stored_cb, refresh);
}

static gboolean
refresh_timeout_cb (gpointer user_data)
{
  Refresh *refresh = user_data;

  refresh->timeout_id = 0;
  g_cancellable_cancel (refresh->cancellable);
  return G_SOURCE_REMOVE;
}

static void
start_refresh (SyTokenKeeper       *self,
               SyConnection        *connection,
               const SyTokenBundle *bundle,
               GTask               *first_waiter)
{
  Refresh *refresh = g_new0 (Refresh, 1);
  SyOutboundProxies *proxies = sy_gateway_get_proxies (self->gateway);

  refresh->keeper = g_object_ref (self);
  refresh->connection = sy_connection_ref (connection);
  refresh->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (refresh->waiters, g_object_ref (first_waiter));
  refresh->cancellable = g_cancellable_new ();
  g_signal_connect_object (self->cancellable, "cancelled", G_CALLBACK (g_cancellable_cancel),
                           refresh->cancellable, G_CONNECT_SWAPPED);
  if (g_cancellable_is_cancelled (self->cancellable))
    g_cancellable_cancel (refresh->cancellable);
  refresh->timeout_id = g_timeout_add_seconds (REFRESH_TIMEOUT_S, refresh_timeout_cb, refresh);
  g_hash_table_insert (self->refreshing, g_strdup (connection->id), refresh);
  self->refresher.refresh_async (sy_outbound_proxies_get_session (proxies, NULL, NULL, NULL,
                                                                 connection->provider),
                                 sy_gateway_get_origin_map (self->gateway), connection->provider,
                                 bundle, connection->provider_data, refresh->cancellable,
                                 refreshed_cb, refresh);
}

/* --- handing out tokens -------------------------------------------------------------------- */

static gboolean
wants_refresh (SyTokenKeeper       *self,
               const Ask           *ask,
               const SyTokenBundle *bundle)
{
  gint64 now = g_get_real_time () / 1000;
  gint64 expiry = sy_token_bundle_get_bearer_expiry (bundle);
  const gint64 *last;

  if (ask->force)
    {
      last = g_hash_table_lookup (self->refreshed_at, ask->connection->id);
      return last == NULL || g_get_monotonic_time () / 1000 - *last > FORCE_REUSE_MS;
    }
  return expiry > 0 && expiry - now <= self->refresher.lead_ms (ask->connection->provider);
}

static void
secret_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyTokenKeeper *self = g_task_get_source_object (task);
  Ask *ask = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = sy_credentials_get_finish (SY_CREDENTIALS (source), result, &error);
  g_autoptr(SyTokenBundle) bundle = NULL;
  Refresh *pending;

  if (secret == NULL && error != NULL)
    {
      g_task_return_new_error (task, SY_TOKEN_KEEPER_ERROR, SY_TOKEN_KEEPER_ERROR_UNAVAILABLE,
                               "cannot read the tokens of account %s: %s", ask->connection->id,
                               error->message);
      return;
    }
  bundle = secret ? sy_token_bundle_parse (secret, NULL) : NULL;
  if (bundle == NULL)
    {
      const char *reason = "no tokens are stored for this account";

      needs_login (self, ask->connection->id, reason);
      g_task_return_new_error (task, SY_TOKEN_KEEPER_ERROR, SY_TOKEN_KEEPER_ERROR_NEEDS_LOGIN,
                               "account %s needs a new login: %s", ask->connection->id, reason);
      return;
    }
  /* Someone may have started a refresh while the secret was read: share it. */
  if ((pending = g_hash_table_lookup (self->refreshing, ask->connection->id)) != NULL)
    {
      g_ptr_array_add (pending->waiters, g_steal_pointer (&task));
      return;
    }
  if (!wants_refresh (self, ask, bundle))
    {
      g_task_return_pointer (task, g_steal_pointer (&bundle), (GDestroyNotify) sy_token_bundle_free);
      return;
    }
  start_refresh (self, ask->connection, bundle, task);
}

void
sy_token_keeper_get_async (SyTokenKeeper       *self,
                           SyConnection        *connection,
                           gboolean             force,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Ask *ask;
  Refresh *pending;

  g_return_if_fail (SY_IS_TOKEN_KEEPER (self));
  g_return_if_fail (connection != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sy_token_keeper_get_async);
  ask = g_new0 (Ask, 1);
  ask->connection = sy_connection_ref (connection);
  ask->force = force;
  g_task_set_task_data (task, ask, (GDestroyNotify) ask_free);

  if (g_strcmp0 (connection->auth_state, "needs_login") == 0)
    {
      g_task_return_new_error (task, SY_TOKEN_KEEPER_ERROR, SY_TOKEN_KEEPER_ERROR_NEEDS_LOGIN,
                               "account %s needs a new login: %s", connection->id,
                               connection->auth_error ? connection->auth_error : "signed out");
      return;
    }
  if ((pending = g_hash_table_lookup (self->refreshing, connection->id)) != NULL)
    {
      g_ptr_array_add (pending->waiters, g_steal_pointer (&task));
      return;
    }
  sy_credentials_get_async (sy_gateway_get_credentials (self->gateway), connection->id, NULL,
                            secret_cb, g_steal_pointer (&task));
}

SyTokenBundle *
sy_token_keeper_get_finish (SyTokenKeeper  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sy_token_keeper_sweep (SyTokenKeeper *self)
{
  g_autoptr(GPtrArray) all = NULL;
  gint64 now = g_get_real_time () / 1000;

  g_return_if_fail (SY_IS_TOKEN_KEEPER (self));

  all = sy_connection_repo_list (sy_gateway_get_connections (self->gateway), NULL);
  for (guint i = 0; i < all->len; i++)
    {
      SyConnection *c = g_ptr_array_index (all, i);

      if (!c->enabled || g_strcmp0 (c->auth_type, "oauth") != 0 ||
          g_strcmp0 (c->auth_state, "ok") != 0 || c->token_expires_at <= 0 ||
          c->token_expires_at - now > self->refresher.lead_ms (c->provider))
        continue;
      sy_token_keeper_get_async (self, c, FALSE, NULL, NULL, NULL);
    }
}

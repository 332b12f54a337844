/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The OAuth logins the management API started: at most SY_OAUTH_LOGINS_MAX, each forgotten
 * (and cancelled) after SY_OAUTH_LOGINS_LIFETIME. A DONE flow becomes an account: bundle to
 * the secret store, then the connection row. Tokens pass through here only to the store.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-oauth-logins.h"

#include <string.h>

#include "gateway/sy-gateway.h"
#include "providers/sy-provider-catalog.h"

typedef struct
{
  SyOAuthLogins *owner;
  char          *id;
  SyOAuthFlow   *flow;
  gulong         notify_id;
  char          *connection_id;  /* the account logged in again, then the stored one */
  gboolean       storing;
  gboolean       stored;
  char          *store_error;
  guint          expiry_id;
  gint64         started;
} Login;

struct _SyOAuthLogins
{
  GObject     parent_instance;
  SyGateway  *gateway;
  GHashTable *logins;        /* id -> Login */
  int         callback_port;
  guint       second_ms;
  guint       lifetime_ms;
};

G_DEFINE_FINAL_TYPE (SyOAuthLogins, sy_oauth_logins, G_TYPE_OBJECT)

static void
login_free (Login *login)
{
  g_clear_handle_id (&login->expiry_id, g_source_remove);
  g_clear_signal_handler (&login->notify_id, login->flow);
  sy_oauth_flow_cancel (login->flow);
  g_clear_object (&login->flow);
  g_free (login->id);
  g_free (login->connection_id);
  g_free (login->store_error);
  g_free (login);
}

static void
sy_oauth_logins_dispose (GObject *object)
{
  SyOAuthLogins *self = SY_OAUTH_LOGINS (object);

  if (self->logins != NULL)
    g_hash_table_remove_all (self->logins);
  G_OBJECT_CLASS (sy_oauth_logins_parent_class)->dispose (object);
}

static void
sy_oauth_logins_finalize (GObject *object)
{
  SyOAuthLogins *self = SY_OAUTH_LOGINS (object);

  g_clear_pointer (&self->logins, g_hash_table_unref);
  G_OBJECT_CLASS (sy_oauth_logins_parent_class)->finalize (object);
}

static void
sy_oauth_logins_class_init (SyOAuthLoginsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_oauth_logins_dispose;
  object_class->finalize = sy_oauth_logins_finalize;
}

static void
sy_oauth_logins_init (SyOAuthLogins *self)
{
  self->logins = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) login_free);
  self->callback_port = -1;
  self->second_ms = 1000;
  self->lifetime_ms = SY_OAUTH_LOGINS_LIFETIME;
}

SyOAuthLogins *
sy_oauth_logins_new (SyGateway *gateway)
{
  SyOAuthLogins *self = g_object_new (SY_TYPE_OAUTH_LOGINS, NULL);

  self->gateway = gateway;
  return self;
}

typedef struct
{
  SyGateway     *gateway;
  SyOAuthLogins *logins;
  char          *login_id;
  SyConnection  *connection;
} Store;

static void
store_free (Store *s)
{
  g_clear_object (&s->logins);
  g_clear_object (&s->gateway);
  g_free (s->login_id);
  g_clear_pointer (&s->connection, sy_connection_unref);
  g_free (s);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Store, store_free)

static void
secret_stored_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Store) s = user_data;
  g_autoptr(GError) error = NULL;
  Login *login = g_hash_table_lookup (s->logins->logins, s->login_id);

  if (sy_credentials_set_finish (SY_CREDENTIALS (source), result, &error))
    {
      s->connection->has_secret = TRUE;
      sy_connection_repo_save (sy_gateway_get_connections (s->gateway), s->connection, &error);
    }
  if (login == NULL)
    return;
  login->storing = FALSE;
  if (error != NULL)
    {
      g_warning ("%s login done, but the account cannot be stored: %s",
                 sy_oauth_flow_get_provider_id (login->flow), error->message);
      login->store_error = g_strdup_printf ("cannot store the account: %s", error->message);
      return;
    }
  g_free (login->connection_id);
  login->connection_id = g_strdup (s->connection->id);
  login->stored = TRUE;
}

/* The connection this login updates: the one logged in again, else the provider's account
 * with the same label; NULL for a new one. */
static SyConnection *
find_account (SyOAuthLogins *self,
              Login         *login)
{
  SyConnectionRepo *repo = sy_gateway_get_connections (self->gateway);
  const char *provider = sy_oauth_flow_get_provider_id (login->flow);
  const char *account = sy_oauth_flow_get_account (login->flow);
  g_autoptr(GPtrArray) all = NULL;

  if (login->connection_id != NULL)
    return sy_connection_repo_lookup (repo, login->connection_id);
  if (account == NULL)
    return NULL;
  all = sy_connection_repo_list (repo, provider);
  for (guint i = 0; i < all->len; i++)
    {
      SyConnection *c = g_ptr_array_index (all, i);

      if (g_strcmp0 (c->auth_type, "oauth") == 0 && g_strcmp0 (c->account, account) == 0)
        return sy_connection_ref (c);
    }
  return NULL;
}

static void
store_account (SyOAuthLogins *self,
               Login         *login)
{
  g_autoptr(SyConnection) existing = find_account (self, login);
  g_autoptr(SyConnection) c = existing ? sy_connection_copy (existing) : sy_connection_new ();
  const SyTokenBundle *bundle = sy_oauth_flow_get_bundle (login->flow);
  const char *account = sy_oauth_flow_get_account (login->flow);
  g_autofree char *secret = NULL;
  g_autofree char *label = NULL;
  const SyProviderInfo *info;
  Store *s;

  if (existing == NULL)
    {
      c->id = sy_record_new_id ();
      c->created_at = sy_record_now_ms ();
      c->provider = g_strdup (sy_oauth_flow_get_provider_id (login->flow));
      info = sy_provider_catalog_lookup (c->provider);
      c->name = g_strdup (account != NULL ? account : info != NULL ? info->name : c->provider);
    }
  g_free (c->auth_type);
  c->auth_type = g_strdup ("oauth");
  g_free (c->auth_state);
  c->auth_state = g_strdup ("ok");
  g_clear_pointer (&c->auth_error, g_free);
  if (account != NULL)
    {
      g_free (c->account);
      c->account = g_strdup (account);
    }
  g_free (c->provider_data);
  c->provider_data = g_strdup (sy_oauth_flow_get_provider_data (login->flow));
  c->token_expires_at = sy_token_bundle_get_bearer_expiry (bundle);
  c->updated_at = sy_record_now_ms ();

  secret = sy_token_bundle_serialize (bundle);
  label = g_strdup_printf ("Switchyard: %s (%s)", c->name, c->id);
  s = g_new0 (Store, 1);
  s->gateway = g_object_ref (self->gateway);
  s->logins = g_object_ref (self);
  s->login_id = g_strdup (login->id);
  s->connection = sy_connection_ref (c);
  login->storing = TRUE;
  sy_credentials_set_async (sy_gateway_get_credentials (self->gateway), c->id, label, secret,
                            NULL, secret_stored_cb, s);
  memset (secret, 0, strlen (secret));
}

static void
state_changed_cb (SyOAuthFlow *flow,
                  GParamSpec  *pspec,
                  gpointer     user_data)
{
  Login *login = user_data;

  if (sy_oauth_flow_get_state (flow) == SY_OAUTH_FLOW_DONE)
    store_account (login->owner, login);
}

static gboolean
expired_cb (gpointer user_data)
{
  Login *login = user_data;

  login->expiry_id = 0;
  g_hash_table_remove (login->owner->logins, login->id);
  return G_SOURCE_REMOVE;
}

/* Room for one more: the oldest finished login goes when all slots are taken. */
static gboolean
make_room (SyOAuthLogins *self)
{
  GHashTableIter iter;
  Login *login, *oldest = NULL;

  if (g_hash_table_size (self->logins) < SY_OAUTH_LOGINS_MAX)
    return TRUE;
  g_hash_table_iter_init (&iter, self->logins);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &login))
    if (sy_oauth_flow_is_finished (login->flow) && !login->storing &&
        (oldest == NULL || login->started < oldest->started))
      oldest = login;
  if (oldest == NULL)
    return FALSE;
  g_hash_table_remove (self->logins, oldest->id);
  return TRUE;
}

SyOAuthFlow *
sy_oauth_logins_start (SyOAuthLogins  *self,
                       const char     *provider_id,
                       SyOAuthMethod   method,
                       const char     *connection_id,
                       char          **flow_id,
                       GError        **error)
{
  const SyOAuthProvider *provider = sy_oauth_provider_lookup (provider_id);
  SoupSession *session;
  g_autoptr(SyOAuthFlow) flow = NULL;
  Login *login;

  g_return_val_if_fail (SY_IS_OAUTH_LOGINS (self), NULL);

  if (provider != NULL && connection_id != NULL)
    {
      g_autoptr(SyConnection) c = sy_connection_repo_lookup (
        sy_gateway_get_connections (self->gateway), connection_id);

      if (c == NULL || g_strcmp0 (c->provider, provider->id) != 0)
        {
          g_set_error (error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_INVALID,
                       "connectionId: no %s account with id \"%s\"", provider->id, connection_id);
          return NULL;
        }
    }
  if (!make_room (self))
    {
      g_set_error (error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_UNAVAILABLE,
                   "%d logins are in progress already; finish or cancel one first",
                   SY_OAUTH_LOGINS_MAX);
      return NULL;
    }
  session = sy_outbound_proxies_get_session (sy_gateway_get_proxies (self->gateway), NULL, NULL,
                                             NULL, provider ? provider->id : provider_id);
  flow = sy_oauth_flow_new (session, sy_gateway_get_origin_map (self->gateway), provider_id,
                            method, error);
  if (flow == NULL)
    return NULL;
  g_object_set (flow, "callback-port", self->callback_port, "second-ms", self->second_ms, NULL);

  login = g_new0 (Login, 1);
  login->owner = self;
  login->id = g_uuid_string_random ();
  login->flow = g_object_ref (flow);
  login->connection_id = g_strdup (connection_id);
  login->started = g_get_monotonic_time ();
  login->notify_id = g_signal_connect (flow, "notify::state", G_CALLBACK (state_changed_cb), login);
  login->expiry_id = g_timeout_add (self->lifetime_ms, expired_cb, login);
  g_hash_table_insert (self->logins, login->id, login);
  *flow_id = g_strdup (login->id);
  sy_oauth_flow_start (flow);
  return flow;
}

SyOAuthFlow *
sy_oauth_logins_lookup (SyOAuthLogins *self,
                        const char    *flow_id)
{
  Login *login = g_hash_table_lookup (self->logins, flow_id);

  return login != NULL ? login->flow : NULL;
}

const char *
sy_oauth_logins_get_state (SyOAuthLogins *self,
                           const char    *flow_id)
{
  Login *login = g_hash_table_lookup (self->logins, flow_id);
  SyOAuthFlowState state;

  if (login == NULL)
    return NULL;
  state = sy_oauth_flow_get_state (login->flow);
  if (state == SY_OAUTH_FLOW_DONE && !login->stored)
    return login->store_error != NULL ? "failed" : "exchanging";
  return sy_oauth_flow_state_to_string (state);
}

const char *
sy_oauth_logins_get_connection (SyOAuthLogins *self,
                                const char    *flow_id)
{
  Login *login = g_hash_table_lookup (self->logins, flow_id);

  return login != NULL && login->stored ? login->connection_id : NULL;
}

const char *
sy_oauth_logins_get_error (SyOAuthLogins *self,
                           const char    *flow_id)
{
  Login *login = g_hash_table_lookup (self->logins, flow_id);
  const GError *error;

  if (login == NULL)
    return NULL;
  if (login->store_error != NULL)
    return login->store_error;
  error = sy_oauth_flow_get_error (login->flow);
  return error != NULL ? error->message : NULL;
}

gboolean
sy_oauth_logins_cancel (SyOAuthLogins *self,
                        const char    *flow_id)
{
  return g_hash_table_remove (self->logins, flow_id);
}

void
sy_oauth_logins_cancel_all (SyOAuthLogins *self)
{
  g_return_if_fail (SY_IS_OAUTH_LOGINS (self));

  g_hash_table_remove_all (self->logins);
}

void
sy_oauth_logins_set_test_options (SyOAuthLogins *self,
                                  int            callback_port,
                                  guint          second_ms,
                                  guint          lifetime_ms)
{
  g_return_if_fail (SY_IS_OAUTH_LOGINS (self));

  self->callback_port = callback_port;
  self->second_ms = second_ms;
  self->lifetime_ms = lifetime_ms;
}

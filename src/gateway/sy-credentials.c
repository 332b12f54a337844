/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A read-through cache over SySecretStore keyed by connection id ("connection/<id>" in the
 * store). Secrets in the cache are wiped when replaced or dropped. Never logs a secret.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-credentials.h"

#include <string.h>

struct _SyCredentials
{
  GObject        parent_instance;
  SySecretStore *store;
  GHashTable    *cache;  /* connection id -> secret */
};

G_DEFINE_FINAL_TYPE (SyCredentials, sy_credentials, G_TYPE_OBJECT)

static void
wipe_free (gpointer data)
{
  char *s = data;

  if (s != NULL)
    memset (s, 0, strlen (s));
  g_free (s);
}

static char *
store_id (const char *connection_id)
{
  return g_strconcat ("connection/", connection_id, NULL);
}

static void
sy_credentials_dispose (GObject *object)
{
  SyCredentials *self = SY_CREDENTIALS (object);

  g_clear_object (&self->store);
  G_OBJECT_CLASS (sy_credentials_parent_class)->dispose (object);
}

static void
sy_credentials_finalize (GObject *object)
{
  SyCredentials *self = SY_CREDENTIALS (object);

  g_clear_pointer (&self->cache, g_hash_table_unref);
  G_OBJECT_CLASS (sy_credentials_parent_class)->finalize (object);
}

static void
sy_credentials_class_init (SyCredentialsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_credentials_dispose;
  object_class->finalize = sy_credentials_finalize;
}

static void
sy_credentials_init (SyCredentials *self)
{
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, wipe_free);
}

SyCredentials *
sy_credentials_new (SySecretStore *store)
{
  SyCredentials *self = g_object_new (SY_TYPE_CREDENTIALS, NULL);

  self->store = g_object_ref (store);
  return self;
}

SySecretStore *
sy_credentials_get_store (SyCredentials *self)
{
  return self->store;
}

const char *
sy_credentials_peek (SyCredentials *self,
                     const char    *connection_id)
{
  g_return_val_if_fail (SY_IS_CREDENTIALS (self), NULL);
  return g_hash_table_lookup (self->cache, connection_id);
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyCredentials *self = g_task_get_source_object (task);
  GError *error = NULL;
  char *secret = sy_secret_store_lookup_finish (SY_SECRET_STORE (source), result, &error);

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (secret != NULL)
    g_hash_table_replace (self->cache, g_strdup (g_task_get_task_data (task)), g_strdup (secret));
  g_task_return_pointer (task, secret, wipe_free);
}

void
sy_credentials_get_async (SyCredentials       *self,
                          const char          *connection_id,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *id = store_id (connection_id);
  const char *cached;

  g_return_if_fail (SY_IS_CREDENTIALS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sy_credentials_get_async);
  g_task_set_task_data (task, g_strdup (connection_id), g_free);

  if ((cached = g_hash_table_lookup (self->cache, connection_id)) != NULL)
    {
      g_task_return_pointer (task, g_strdup (cached), wipe_free);
      return;
    }
  sy_secret_store_lookup_async (self->store, id, cancellable, lookup_cb, g_steal_pointer (&task));
}

char *
sy_credentials_get_finish (SyCredentials  *self,
                           GAsyncResult   *result,
                           GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  char *connection_id;
  char *secret;  /* NULL: forget */
} Change;

static void
change_free (gpointer data)
{
  Change *change = data;

  g_free (change->connection_id);
  wipe_free (change->secret);
  g_free (change);
}

static void
change_done (GTask    *task,
             gboolean  ok,
             GError   *error)
{
  SyCredentials *self = g_task_get_source_object (task);
  Change *change = g_task_get_task_data (task);

  if (!ok)
    {
      g_task_return_error (task, error);
      return;
    }
  if (change->secret != NULL)
    g_hash_table_replace (self->cache, g_strdup (change->connection_id), g_strdup (change->secret));
  else
    g_hash_table_remove (self->cache, change->connection_id);
  g_task_return_boolean (task, TRUE);
}

static void
store_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean ok = sy_secret_store_store_finish (SY_SECRET_STORE (source), result, &error);

  change_done (task, ok, error);
}

static void
clear_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean ok = sy_secret_store_clear_finish (SY_SECRET_STORE (source), result, &error);

  change_done (task, ok, error);
}

static GTask *
new_change_task (SyCredentials       *self,
                 const char          *connection_id,
                 const char          *secret,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Change *change = g_new0 (Change, 1);

  change->connection_id = g_strdup (connection_id);
  change->secret = g_strdup (secret);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, change, change_free);
  return task;
}

void
sy_credentials_set_async (SyCredentials       *self,
                          const char          *connection_id,
                          const char          *label,
                          const char          *secret,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autofree char *id = store_id (connection_id);
  GTask *task;

  g_return_if_fail (SY_IS_CREDENTIALS (self));
  g_return_if_fail (secret != NULL);

  task = new_change_task (self, connection_id, secret, sy_credentials_set_async, cancellable,
                          callback, user_data);
  sy_secret_store_store_async (self->store, id, label, secret, cancellable, store_cb, task);
}

gboolean
sy_credentials_set_finish (SyCredentials  *self,
                           GAsyncResult   *result,
                           GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sy_credentials_forget_async (SyCredentials       *self,
                             const char          *connection_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autofree char *id = store_id (connection_id);
  GTask *task;

  g_return_if_fail (SY_IS_CREDENTIALS (self));

  task = new_change_task (self, connection_id, NULL, sy_credentials_forget_async, cancellable,
                          callback, user_data);
  sy_secret_store_clear_async (self->store, id, cancellable, clear_cb, task);
}

gboolean
sy_credentials_forget_finish (SyCredentials  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyLibsecretStore: SySecretStore on the Secret Service (gnome-keyring, KWallet, KeePassXC)
 * through libsecret's asynchronous calls only: a sync call blocks the main loop for a D-Bus
 * round trip, or for as long as an unlock prompt stays open. Never caches a secret itself.
 *
 * Every call goes to the Secret Service itself (secret_service_*), never through libsecret's
 * "simple" secret_password_* API: inside a Flatpak or Snap that API silently switches to a
 * file keyring in the sandbox, whatever SECRET_BACKEND says, so a secret stored through it
 * would never be found by the lookup below, which must search the service (see there).
 */
#define G_LOG_DOMAIN "sy-store"

#include "store/sy-libsecret-store.h"

#include <libsecret/secret.h>

struct _SyLibsecretStore
{
  GObject parent_instance;
};

static void sy_libsecret_store_iface_init (SySecretStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SyLibsecretStore, sy_libsecret_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SY_TYPE_SECRET_STORE,
                                                      sy_libsecret_store_iface_init))

/* One keyring item per id. libsecret also adds and matches xdg:schema, so items of other
 * applications that happen to use an "id" attribute are never touched. */
static const SecretSchema credential_schema = {
  "dev.switchyard.Credential",
  SECRET_SCHEMA_NONE,
  {
    { "id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

static const char *
sy_libsecret_store_get_backend_name (SySecretStore *store)
{
  return "libsecret";
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_service_store_finish (NULL, result, &error))
    {
      g_prefix_error (&error, "Could not store the secret in the keyring: ");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
sy_libsecret_store_store_async (SySecretStore       *store,
                                const char          *id,
                                const char          *label,
                                const char          *secret,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(SecretValue) value = NULL;
  GTask *task;

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, sy_libsecret_store_store_async);

  attributes = secret_attributes_build (&credential_schema, "id", id, NULL);
  value = secret_value_new (secret, -1, "text/plain");
  secret_service_store (NULL, &credential_schema, attributes, SECRET_COLLECTION_DEFAULT, label,
                        value, cancellable, stored_cb, task);
}

static gboolean
sy_libsecret_store_store_finish (SySecretStore  *store,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
items_found_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretValue) value = NULL;
  GList *items;
  const char *data;
  gsize length = 0;

  items = secret_service_search_finish (NULL, result, &error);
  if (error != NULL)
    {
      g_prefix_error (&error, "Could not read the secret from the keyring: ");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (items != NULL)
    value = secret_item_get_secret (items->data);
  g_list_free_full (items, g_object_unref);

  if (value == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  data = secret_value_get (value, &length);
  if (!g_utf8_validate_len (data, length, NULL))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "The keyring item for this credential does not hold text");
      return;
    }

  g_task_return_pointer (task, g_strndup (data, length), g_free);
}

/* Not secret_password_lookup (): libsecret 0.20.5 (Debian 12) leaks the GetSecrets reply,
 * about 1 KB, on every lookup that finds something. A search that loads the secrets does
 * the same D-Bus work (SearchItems, Unlock if needed, GetSecrets) without the leak. */
static void
sy_libsecret_store_lookup_async (SySecretStore       *store,
                                 const char          *id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = NULL;
  GTask *task;

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, sy_libsecret_store_lookup_async);

  attributes = secret_attributes_build (&credential_schema, "id", id, NULL);
  secret_service_search (NULL, &credential_schema, attributes,
                         SECRET_SEARCH_LOAD_SECRETS | SECRET_SEARCH_UNLOCK,
                         cancellable, items_found_cb, task);
}

static char *
sy_libsecret_store_lookup_finish (SySecretStore  *store,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
cleared_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* FALSE without an error means nothing matched: clearing nothing succeeds. */
  if (!secret_service_clear_finish (NULL, result, &error) && error != NULL)
    {
      g_prefix_error (&error, "Could not remove the secret from the keyring: ");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
sy_libsecret_store_clear_async (SySecretStore       *store,
                                const char          *id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = NULL;
  GTask *task;

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, sy_libsecret_store_clear_async);

  attributes = secret_attributes_build (&credential_schema, "id", id, NULL);
  secret_service_clear (NULL, &credential_schema, attributes, cancellable, cleared_cb, task);
}

static gboolean
sy_libsecret_store_clear_finish (SySecretStore  *store,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
sy_libsecret_store_class_init (SyLibsecretStoreClass *klass)
{
}

static void
sy_libsecret_store_iface_init (SySecretStoreInterface *iface)
{
  iface->get_backend_name = sy_libsecret_store_get_backend_name;
  iface->store_async = sy_libsecret_store_store_async;
  iface->store_finish = sy_libsecret_store_store_finish;
  iface->lookup_async = sy_libsecret_store_lookup_async;
  iface->lookup_finish = sy_libsecret_store_lookup_finish;
  iface->clear_async = sy_libsecret_store_clear_async;
  iface->clear_finish = sy_libsecret_store_clear_finish;
}

static void
sy_libsecret_store_init (SyLibsecretStore *self)
{
}

SySecretStore *
sy_libsecret_store_new (void)
{
  return g_object_new (SY_TYPE_LIBSECRET_STORE, NULL);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SySecretStore: the interface, its checked wrappers and the per-host backend choice.
 * Owns no secret itself and does no I/O beyond asking the session bus who serves
 * org.freedesktop.secrets; the backends do the work, always asynchronously.
 */
#define G_LOG_DOMAIN "sy-store"

#include "store/sy-secret-store.h"

#include <glib/gi18n-lib.h>

#include "store/sy-file-secret-store.h"
#include "store/sy-memory-secret-store.h"
#ifdef SY_HAVE_LIBSECRET
#include "store/sy-libsecret-store.h"
#endif

#define SECRET_SERVICE_BUS_NAME "org.freedesktop.secrets"
#define BUS_CALL_TIMEOUT_MSEC   5000

G_DEFINE_INTERFACE (SySecretStore, sy_secret_store, G_TYPE_OBJECT)

static void
sy_secret_store_default_init (SySecretStoreInterface *iface)
{
}

const char *
sy_secret_store_get_backend_name (SySecretStore *self)
{
  g_return_val_if_fail (SY_IS_SECRET_STORE (self), NULL);

  return SY_SECRET_STORE_GET_IFACE (self)->get_backend_name (self);
}

void
sy_secret_store_store_async (SySecretStore       *self,
                             const char          *id,
                             const char          *label,
                             const char          *secret,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (SY_IS_SECRET_STORE (self));
  g_return_if_fail (id != NULL && *id != '\0');
  g_return_if_fail (g_utf8_validate (id, -1, NULL));
  g_return_if_fail (label == NULL || g_utf8_validate (label, -1, NULL));
  g_return_if_fail (secret != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  /* A secret comes from user input or an upstream: a bad one is a runtime error. */
  if (!g_utf8_validate (secret, -1, NULL))
    {
      g_task_report_new_error (self, callback, user_data, sy_secret_store_store_async,
                               G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "A secret must be valid UTF-8 text");
      return;
    }

  SY_SECRET_STORE_GET_IFACE (self)->store_async (self, id, label != NULL ? label : id, secret,
                                                 cancellable, callback, user_data);
}

gboolean
sy_secret_store_store_finish (SySecretStore  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (SY_IS_SECRET_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_async_result_is_tagged (result, sy_secret_store_store_async))
    return g_task_propagate_boolean (G_TASK (result), error);

  return SY_SECRET_STORE_GET_IFACE (self)->store_finish (self, result, error);
}

void
sy_secret_store_lookup_async (SySecretStore       *self,
                              const char          *id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (SY_IS_SECRET_STORE (self));
  g_return_if_fail (id != NULL && *id != '\0');
  g_return_if_fail (g_utf8_validate (id, -1, NULL));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  SY_SECRET_STORE_GET_IFACE (self)->lookup_async (self, id, cancellable, callback, user_data);
}

char *
sy_secret_store_lookup_finish (SySecretStore  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (SY_IS_SECRET_STORE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return SY_SECRET_STORE_GET_IFACE (self)->lookup_finish (self, result, error);
}

void
sy_secret_store_clear_async (SySecretStore       *self,
                             const char          *id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (SY_IS_SECRET_STORE (self));
  g_return_if_fail (id != NULL && *id != '\0');
  g_return_if_fail (g_utf8_validate (id, -1, NULL));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  SY_SECRET_STORE_GET_IFACE (self)->clear_async (self, id, cancellable, callback, user_data);
}

gboolean
sy_secret_store_clear_finish (SySecretStore  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (SY_IS_SECRET_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return SY_SECRET_STORE_GET_IFACE (self)->clear_finish (self, result, error);
}

#ifdef SY_HAVE_LIBSECRET
/* Returns TRUE when a Secret Service owns or can be activated for org.freedesktop.secrets;
 * otherwise FALSE with *reason saying why not. Runs once at start-up, before the main loop
 * serves anything, so the short synchronous bus calls here block nobody. */
static gboolean
find_secret_service (char **reason)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) owned = NULL;
  g_autoptr(GVariant) activatable = NULL;
  g_autofree const char **names = NULL;
  gboolean has_owner = FALSE;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    {
      *reason = g_strdup_printf ("no D-Bus session bus (%s)", error->message);
      return FALSE;
    }

  owned = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", SECRET_SERVICE_BUS_NAME),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE,
                                       BUS_CALL_TIMEOUT_MSEC, NULL, &error);
  if (owned == NULL)
    {
      *reason = g_strdup_printf ("the session bus did not answer NameHasOwner (%s)",
                                 error->message);
      return FALSE;
    }

  g_variant_get (owned, "(b)", &has_owner);
  if (has_owner)
    {
      g_message ("Secret store: libsecret (%s is owned on the session bus)",
                 SECRET_SERVICE_BUS_NAME);
      return TRUE;
    }

  activatable = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus",
                                             "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                             "ListActivatableNames", NULL,
                                             G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE,
                                             BUS_CALL_TIMEOUT_MSEC, NULL, &error);
  if (activatable == NULL)
    {
      *reason = g_strdup_printf ("the session bus did not answer ListActivatableNames (%s)",
                                 error->message);
      return FALSE;
    }

  g_variant_get (activatable, "(^a&s)", &names);
  if (g_strv_contains (names, SECRET_SERVICE_BUS_NAME))
    {
      g_message ("Secret store: libsecret (%s is activatable on the session bus)",
                 SECRET_SERVICE_BUS_NAME);
      return TRUE;
    }

  *reason = g_strdup_printf ("nothing owns or can activate %s on the session bus",
                             SECRET_SERVICE_BUS_NAME);
  return FALSE;
}
#endif

SySecretStore *
sy_secret_store_new_for_host (const char  *kind,
                              const char  *data_dir,
                              GError     **error)
{
  g_autofree char *reason = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_strcmp0 (kind, "memory") == 0)
    {
      g_message ("Secret store: memory (configured); credentials are forgotten on exit");
      return sy_memory_secret_store_new ();
    }

  if (kind != NULL && g_strcmp0 (kind, "libsecret") != 0 && g_strcmp0 (kind, "file") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Unknown secret store “%s” (expected libsecret, file or memory)"), kind);
      return NULL;
    }

#ifdef SY_HAVE_LIBSECRET
  if (g_strcmp0 (kind, "libsecret") == 0)
    {
      g_message ("Secret store: libsecret (configured)");
      return sy_libsecret_store_new ();
    }

  if (kind == NULL && find_secret_service (&reason))
    return sy_libsecret_store_new ();
#else
  /* Built without libsecret (-Dkeyring=disabled, and on Windows): the file store keeps the
   * secrets, also when libsecret was configured. */
  if (kind == NULL || g_strcmp0 (kind, "libsecret") == 0)
    {
      if (data_dir == NULL || *data_dir == '\0')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "The file secret store needs a data directory, and this build has no "
                       "libsecret");
          return NULL;
        }
      if (kind != NULL)
        g_warning ("Secret store: libsecret is configured but this build has none (meson "
                   "option keyring); using a plaintext file in %s instead", data_dir);
      else
        g_message ("Secret store: file (this build has no libsecret: meson option keyring)");
      return sy_file_secret_store_new (data_dir);
    }
#endif

  if (data_dir == NULL || *data_dir == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The file secret store needs a data directory%s%s",
                   reason != NULL ? ", and there is no Secret Service: " : "",
                   reason != NULL ? reason : "");
      return NULL;
    }

  if (reason != NULL)
    g_warning ("Secret store: falling back to a plaintext file in %s because %s. "
               "Install and unlock a Secret Service (gnome-keyring, KeePassXC) to keep "
               "credentials encrypted.", data_dir, reason);

  return sy_file_secret_store_new (data_dir);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SySecretStore: where credentials (provider API keys, OAuth tokens) live. Never the database.
 * Implementations: libsecret (default, the OS keyring), memory (tests), file (0600, only on
 * headless hosts without a Secret Service, and it says so in the log). All calls are async;
 * none blocks the main loop.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SY_TYPE_SECRET_STORE (sy_secret_store_get_type ())
G_DECLARE_INTERFACE (SySecretStore, sy_secret_store, SY, SECRET_STORE, GObject)

struct _SySecretStoreInterface
{
  GTypeInterface parent_iface;

  const char *(*get_backend_name) (SySecretStore *self);

  void      (*store_async)   (SySecretStore       *self,
                              const char          *id,
                              const char          *label,
                              const char          *secret,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data);
  gboolean  (*store_finish)  (SySecretStore       *self,
                              GAsyncResult        *result,
                              GError             **error);
  void      (*lookup_async)  (SySecretStore       *self,
                              const char          *id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data);
  char     *(*lookup_finish) (SySecretStore       *self,
                              GAsyncResult        *result,
                              GError             **error);
  void      (*clear_async)   (SySecretStore       *self,
                              const char          *id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data);
  gboolean  (*clear_finish)  (SySecretStore       *self,
                              GAsyncResult        *result,
                              GError             **error);
};

/* "libsecret", "file" or "memory". */
const char    *sy_secret_store_get_backend_name (SySecretStore *self);

/* id is a stable opaque key such as "connection/3f2a…"; label is what the keyring UI shows. */
void           sy_secret_store_store_async   (SySecretStore       *self,
                                              const char          *id,
                                              const char          *label,
                                              const char          *secret,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean       sy_secret_store_store_finish  (SySecretStore       *self,
                                              GAsyncResult        *result,
                                              GError             **error);
/* lookup_finish returns NULL without an error when nothing is stored under id. */
void           sy_secret_store_lookup_async  (SySecretStore       *self,
                                              const char          *id,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
char          *sy_secret_store_lookup_finish (SySecretStore       *self,
                                              GAsyncResult        *result,
                                              GError             **error);
/* Clearing an id that holds nothing succeeds. */
void           sy_secret_store_clear_async   (SySecretStore       *self,
                                              const char          *id,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean       sy_secret_store_clear_finish  (SySecretStore       *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* Picks the backend for this host. kind is "libsecret", "file", "memory" or NULL (auto:
 * libsecret when a Secret Service owns or can activate org.freedesktop.secrets on the session
 * bus, else the file store in data_dir with a logged warning). A build without libsecret
 * (meson option keyring; Windows) gives the file store for NULL and "libsecret", and logs it. */
SySecretStore *sy_secret_store_new_for_host  (const char          *kind,
                                              const char          *data_dir,
                                              GError             **error);

G_END_DECLS

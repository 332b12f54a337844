/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyCredentials: the provider credentials the request path needs, read through from the secret
 * store once and then kept in memory, so a proxied request never waits on the keyring twice.
 */
#pragma once

#include "store/sy-secret-store.h"

G_BEGIN_DECLS

#define SY_TYPE_CREDENTIALS (sy_credentials_get_type ())
G_DECLARE_FINAL_TYPE (SyCredentials, sy_credentials, SY, CREDENTIALS, GObject)

SyCredentials *sy_credentials_new          (SySecretStore       *store);
SySecretStore *sy_credentials_get_store    (SyCredentials       *self);
/* The cached secret for a connection, or NULL if not loaded yet. */
const char    *sy_credentials_peek         (SyCredentials       *self,
                                            const char          *connection_id);
void           sy_credentials_get_async    (SyCredentials       *self,
                                            const char          *connection_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
/* NULL without error: nothing stored. */
char          *sy_credentials_get_finish   (SyCredentials       *self,
                                            GAsyncResult        *result,
                                            GError             **error);
void           sy_credentials_set_async    (SyCredentials       *self,
                                            const char          *connection_id,
                                            const char          *label,
                                            const char          *secret,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean       sy_credentials_set_finish   (SyCredentials       *self,
                                            GAsyncResult        *result,
                                            GError             **error);
void           sy_credentials_forget_async (SyCredentials       *self,
                                            const char          *connection_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean       sy_credentials_forget_finish (SyCredentials      *self,
                                             GAsyncResult       *result,
                                             GError            **error);

G_END_DECLS

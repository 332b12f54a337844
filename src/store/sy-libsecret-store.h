/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyLibsecretStore: secrets in the OS keyring through libsecret's asynchronous calls, one
 * item per id (schema "dev.switchyard.Credential", attribute "id") in the default collection.
 */
#pragma once

#include "store/sy-secret-store.h"

G_BEGIN_DECLS

#define SY_TYPE_LIBSECRET_STORE (sy_libsecret_store_get_type ())
G_DECLARE_FINAL_TYPE (SyLibsecretStore, sy_libsecret_store, SY, LIBSECRET_STORE, GObject)

SySecretStore *sy_libsecret_store_new (void);

G_END_DECLS

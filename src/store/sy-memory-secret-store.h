/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyMemorySecretStore: secrets in a hash table for the life of the process. For tests and
 * for `--secret-store=memory`; nothing is ever written anywhere.
 */
#pragma once

#include "store/sy-secret-store.h"

G_BEGIN_DECLS

#define SY_TYPE_MEMORY_SECRET_STORE (sy_memory_secret_store_get_type ())
G_DECLARE_FINAL_TYPE (SyMemorySecretStore, sy_memory_secret_store, SY, MEMORY_SECRET_STORE,
                      GObject)

SySecretStore *sy_memory_secret_store_new (void);

G_END_DECLS

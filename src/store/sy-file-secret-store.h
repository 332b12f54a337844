/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyFileSecretStore: the fallback for headless hosts without a Secret Service. Secrets are
 * plaintext at rest in <data_dir>/secrets.json, protected only by file mode 0600.
 */
#pragma once

#include "store/sy-secret-store.h"

G_BEGIN_DECLS

#define SY_TYPE_FILE_SECRET_STORE (sy_file_secret_store_get_type ())
G_DECLARE_FINAL_TYPE (SyFileSecretStore, sy_file_secret_store, SY, FILE_SECRET_STORE, GObject)

SySecretStore *sy_file_secret_store_new      (const char        *data_dir);

/* The file's full path; borrowed, valid for the store's lifetime. */
const char    *sy_file_secret_store_get_path (SyFileSecretStore *self);

G_END_DECLS

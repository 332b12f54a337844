/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The full backup archive (GET /api/db-backups/exportAll): a .tar.gz holding the database and
 * readable JSON copies of the configuration. Credentials never go in: they live in the secret
 * store, and key metadata leaves out even the hash.
 */
#pragma once

#include "gateway/sy-gateway.h"

G_BEGIN_DECLS

typedef struct
{
  char   *name;
  GBytes *data;
} SyBackupEntry;

void       sy_backup_entry_free       (SyBackupEntry  *entry);

/* Main thread: manifest.json, settings.json, combos.json, provider-nodes.json,
 * provider-connections.json and api-keys.json, from the gateway's repositories, in archive
 * order (SyBackupEntry). */
GPtrArray *sy_backup_archive_collect  (SyGateway      *gateway);
/* Any thread: writes dest_path (mode 0600) as a gzip-compressed ustar archive of the entries
 * followed by the database file db_path, stored as "switchyard.db". */
gboolean   sy_backup_archive_write    (const char     *dest_path,
                                       GPtrArray      *entries,
                                       const char     *db_path,
                                       GError        **error);

G_END_DECLS

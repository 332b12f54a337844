/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Whole-database copies through SQLite's online backup API: snapshots for export, the checks an
 * uploaded database must pass before it may replace ours, the replacement itself, and the
 * automatic pre-import backups in DATA_DIR/backups. Every function opens its own connections
 * and blocks: call them from a worker thread, never from the main loop.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The largest database an import accepts. */
#define SY_DB_BACKUP_MAX_IMPORT_BYTES  ((goffset) 100 * 1024 * 1024)
/* Automatic pre-import backups kept in DATA_DIR/backups. */
#define SY_DB_BACKUP_KEEP              10

typedef struct
{
  char    *name;        /* file name inside the backups directory */
  goffset  size;
  gint64   created_at;  /* ms since the epoch */
} SyDbBackupInfo;

void        sy_db_backup_info_free    (SyDbBackupInfo  *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyDbBackupInfo, sy_db_backup_info_free)

/* Writes a consistent snapshot of the database at src_path to dest_path (created or truncated,
 * mode 0600) as one self-contained file (rollback journal, no -wal). */
gboolean    sy_db_backup_copy         (const char  *src_path,
                                       const char  *dest_path,
                                       GError     **error);
/* Checks that path is a Switchyard database we can load: the SQLite header, PRAGMA
 * integrity_check, the required tables, a schema version not newer than ours. An older one is
 * migrated in place, then every table and column of our schema must be there. path must be a
 * private copy: it is modified. Failures are SY_STORE_ERROR_INVALID with a message that starts
 * with "file: " and says why. */
gboolean    sy_db_backup_check_import (const char  *path,
                                       GError     **error);
/* Replaces the contents of the live database at live_path with those of src_path, in one
 * transaction; other connections to live_path see the new data from their next statement. */
gboolean    sy_db_backup_restore      (const char  *src_path,
                                       const char  *live_path,
                                       GError     **error);
/* Copies live_path into dir as "switchyard-pre-import-<UTC time>.sqlite" and deletes the
 * oldest automatic backups beyond SY_DB_BACKUP_KEEP. Returns the new file's name. */
char       *sy_db_backup_save_automatic (const char  *live_path,
                                         const char  *dir,
                                         GError     **error);
/* The automatic backups in dir (SyDbBackupInfo), newest first. */
GPtrArray  *sy_db_backup_list         (const char  *dir);

G_END_DECLS

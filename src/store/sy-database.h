/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyDatabase: one SQLite connection to switchyard.db in WAL mode, brought to the current schema
 * by numbered migrations (PRAGMA user_version). Each thread that touches the database opens
 * its own SyDatabase; a connection is never shared across threads.
 */
#pragma once

#include <glib-object.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define SY_STORE_ERROR (sy_store_error_quark ())

typedef enum {
  SY_STORE_ERROR_OPEN,
  SY_STORE_ERROR_SQL,
  SY_STORE_ERROR_CONSTRAINT,
  SY_STORE_ERROR_NOT_FOUND,
  SY_STORE_ERROR_FULL,
  SY_STORE_ERROR_TOO_NEW,
  SY_STORE_ERROR_INVALID,
} SyStoreError;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

#define SY_TYPE_DATABASE (sy_database_get_type ())
G_DECLARE_FINAL_TYPE (SyDatabase, sy_database, SY, DATABASE, GObject)

GQuark        sy_store_error_quark           (void);

/* Opens (creating it and its directory, 0700) and migrates. path ":memory:" works for tests. */
SyDatabase   *sy_database_open               (const char  *path,
                                              GError     **error);
sqlite3      *sy_database_get_handle         (SyDatabase  *self);
const char   *sy_database_get_path           (SyDatabase  *self);
int           sy_database_get_schema_version (SyDatabase  *self);
/* The newest schema version this build knows. */
int           sy_database_get_latest_version (void);

gboolean      sy_database_exec               (SyDatabase  *self,
                                              const char  *sql,
                                              GError     **error);
sqlite3_stmt *sy_database_prepare            (SyDatabase  *self,
                                              const char  *sql,
                                              GError     **error);
/* Steps a statement that returns no rows. */
gboolean      sy_database_step_done          (SyDatabase   *self,
                                              sqlite3_stmt *stmt,
                                              GError      **error);
/* Turns the last SQLite error into a GError with a stable code (FULL for SQLITE_FULL, ...). */
void          sy_database_set_error          (SyDatabase  *self,
                                              GError     **error,
                                              const char  *what);

G_END_DECLS

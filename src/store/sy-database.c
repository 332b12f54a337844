/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opens switchyard.db with the pragmas a desktop gateway wants (WAL, NORMAL sync, busy timeout,
 * foreign keys) and runs pending migrations, each in its own transaction. Refuses a database
 * written by a newer Switchyard rather than guessing. Owns one sqlite3 handle; one thread.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-database.h"
#include "sy-migrations.h"

#include <errno.h>
#include <glib/gstdio.h>

struct _SyDatabase
{
  GObject  parent_instance;
  sqlite3 *db;
  char    *path;
};

G_DEFINE_FINAL_TYPE (SyDatabase, sy_database, G_TYPE_OBJECT)

G_DEFINE_QUARK (sy-store-error-quark, sy_store_error)

static void
sy_database_finalize (GObject *object)
{
  SyDatabase *self = SY_DATABASE (object);

  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_free (self->path);

  G_OBJECT_CLASS (sy_database_parent_class)->finalize (object);
}

static void
sy_database_class_init (SyDatabaseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sy_database_finalize;
}

static void
sy_database_init (SyDatabase *self)
{
}

void
sy_database_set_error (SyDatabase  *self,
                       GError     **error,
                       const char  *what)
{
  int code = sqlite3_errcode (self->db);
  SyStoreError domain_code;

  switch (code & 0xff)
    {
    case SQLITE_FULL:
      domain_code = SY_STORE_ERROR_FULL;
      break;
    case SQLITE_CONSTRAINT:
      domain_code = SY_STORE_ERROR_CONSTRAINT;
      break;
    default:
      domain_code = SY_STORE_ERROR_SQL;
      break;
    }
  g_set_error (error, SY_STORE_ERROR, domain_code, "%s: %s", what, sqlite3_errmsg (self->db));
}

gboolean
sy_database_exec (SyDatabase  *self,
                  const char  *sql,
                  GError     **error)
{
  g_return_val_if_fail (SY_IS_DATABASE (self), FALSE);

  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      sy_database_set_error (self, error, "database statement failed");
      return FALSE;
    }
  return TRUE;
}

sqlite3_stmt *
sy_database_prepare (SyDatabase  *self,
                     const char  *sql,
                     GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  g_return_val_if_fail (SY_IS_DATABASE (self), NULL);

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      sy_database_set_error (self, error, "cannot prepare statement");
      return NULL;
    }
  return stmt;
}

gboolean
sy_database_step_done (SyDatabase    *self,
                       sqlite3_stmt  *stmt,
                       GError       **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sy_database_set_error (self, error, "database write failed");
      return FALSE;
    }
  return TRUE;
}

int
sy_database_get_schema_version (SyDatabase *self)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (SY_IS_DATABASE (self), -1);

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int (stmt, 0);
}

int
sy_database_get_latest_version (void)
{
  guint n;
  const SyMigration *m = sy_migrations_get (&n);

  return m[n - 1].version;
}

static gboolean
migrate (SyDatabase  *self,
         GError     **error)
{
  int current = sy_database_get_schema_version (self);
  guint n;
  const SyMigration *m = sy_migrations_get (&n);

  if (current > sy_database_get_latest_version ())
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_TOO_NEW,
                   "%s has schema version %d but this Switchyard knows only up to %d; "
                   "upgrade Switchyard or restore an older backup",
                   self->path, current, sy_database_get_latest_version ());
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *set_version = NULL;

      if (m[i].version <= current)
        continue;

      set_version = g_strdup_printf ("PRAGMA user_version = %d", m[i].version);
      if (!sy_database_exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!sy_database_exec (self, m[i].sql, error) ||
          !sy_database_exec (self, set_version, error) ||
          !sy_database_exec (self, "COMMIT", error))
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          g_prefix_error (error, "migration %d: ", m[i].version);
          return FALSE;
        }
      g_debug ("applied migration %d", m[i].version);
    }
  return TRUE;
}

SyDatabase *
sy_database_open (const char  *path,
                  GError     **error)
{
  g_autoptr(SyDatabase) self = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (SY_TYPE_DATABASE, NULL);
  self->path = g_strdup (path);

  if (g_strcmp0 (path, ":memory:") != 0)
    {
      g_autofree char *dir = g_path_get_dirname (path);

      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          int saved = errno;

          g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_OPEN,
                       "cannot create %s: %s", dir, g_strerror (saved));
          return NULL;
        }
    }

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_OPEN, "cannot open %s: %s", path,
                   self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }
  /* Usage rows and key hashes are nobody else's business, whatever the directory's mode. The
   * WAL and shared-memory files SQLite creates later take the database file's mode. */
  if (g_strcmp0 (path, ":memory:") != 0)
    g_chmod (path, 0600);
  sqlite3_extended_result_codes (self->db, 0);
  sqlite3_busy_timeout (self->db, 5000);

  if (!sy_database_exec (self,
                         "PRAGMA journal_mode = WAL;"
                         "PRAGMA synchronous = NORMAL;"
                         "PRAGMA foreign_keys = ON;"
                         "PRAGMA temp_store = MEMORY;",
                         error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }

  if (!migrate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

sqlite3 *
sy_database_get_handle (SyDatabase *self)
{
  g_return_val_if_fail (SY_IS_DATABASE (self), NULL);
  return self->db;
}

const char *
sy_database_get_path (SyDatabase *self)
{
  g_return_val_if_fail (SY_IS_DATABASE (self), NULL);
  return self->path;
}

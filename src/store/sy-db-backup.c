/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Database copies with sqlite3_backup_*, the validation of an uploaded database, and the
 * automatic pre-import backups. Blocking by design: the gateway runs these in GTask threads,
 * each call with connections of its own. Nothing here knows about HTTP or the running gateway.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-db-backup.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/sy-private-file.h"  /* O_CLOEXEC on Windows */
#include "sy-database.h"

#define AUTO_PREFIX      "switchyard-pre-import-"
#define AUTO_SUFFIX      ".sqlite"
#define BUSY_TIMEOUT_MS  5000
#define STEP_RETRIES     100     /* then 50 ms apart, after the busy handler gave up */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, sqlite3_close_v2)

/* The tables the user guide names; a file without them is not a gateway database. */
static const char * const required_tables[] = {
  "provider_connections", "provider_nodes", "combos", "api_keys", NULL
};

void
sy_db_backup_info_free (SyDbBackupInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info);
}

static sqlite3 *
open_raw (const char  *path,
          GError     **error)
{
  g_autoptr(sqlite3) db = NULL;
  int rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_OPEN, "cannot open %s: %s", path,
                   db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      return NULL;
    }
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  return g_steal_pointer (&db);
}

static gboolean
exec (sqlite3     *db,
      const char  *sql,
      GError     **error)
{
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_SQL, "%s: %s", sql, sqlite3_errmsg (db));
      return FALSE;
    }
  return TRUE;
}

/* The first column of the first row of sql, as text; NULL (and *rc the reason) without one. */
static char *
query_text (sqlite3    *db,
            const char *sql,
            int        *rc)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if ((*rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL)) != SQLITE_OK)
    return NULL;
  if ((*rc = sqlite3_step (stmt)) != SQLITE_ROW)
    return NULL;
  *rc = SQLITE_OK;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

static int
query_int (sqlite3    *db,
           const char *sql)
{
  int rc;
  g_autofree char *text = query_text (db, sql, &rc);

  return text ? (int) g_ascii_strtoll (text, NULL, 10) : -1;
}

/* Copies all of src's main database into dest's, in one step, waiting out short locks. */
static gboolean
run_backup (sqlite3     *dest,
            sqlite3     *src,
            GError     **error)
{
  sqlite3_backup *backup = sqlite3_backup_init (dest, "main", src, "main");
  int rc;

  if (backup == NULL)
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_SQL, "cannot start the copy: %s",
                   sqlite3_errmsg (dest));
      return FALSE;
    }
  for (guint i = 0;; i++)
    {
      rc = sqlite3_backup_step (backup, -1);
      if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && i < STEP_RETRIES)
        {
          g_usleep (50 * 1000);
          continue;
        }
      break;
    }
  if (sqlite3_backup_finish (backup) != SQLITE_OK || rc != SQLITE_DONE)
    {
      g_set_error (error, SY_STORE_ERROR,
                   (rc & 0xff) == SQLITE_FULL ? SY_STORE_ERROR_FULL : SY_STORE_ERROR_SQL,
                   "the database copy failed: %s",
                   rc != SQLITE_DONE ? sqlite3_errstr (rc) : sqlite3_errmsg (dest));
      return FALSE;
    }
  return TRUE;
}

gboolean
sy_db_backup_copy (const char  *src_path,
                   const char  *dest_path,
                   GError     **error)
{
  g_autoptr(sqlite3) src = NULL;
  g_autoptr(sqlite3) dest = NULL;
  int fd;

  g_return_val_if_fail (src_path != NULL && dest_path != NULL, FALSE);

  /* Created here so the copy is private from its first byte; SQLite takes an empty file as an
   * empty database. */
  fd = g_open (dest_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot create %s: %s",
                   dest_path, g_strerror (saved));
      return FALSE;
    }
  close (fd);

  if ((src = open_raw (src_path, error)) == NULL ||
      (dest = open_raw (dest_path, error)) == NULL ||
      !run_backup (dest, src, error))
    goto failed;

  /* The copied header still says WAL when the source is in WAL mode; reopening reads it, and
   * switching to a rollback journal rewrites it, so the file stands alone (no -wal, no -shm). */
  g_clear_pointer (&dest, sqlite3_close_v2);
  if ((dest = open_raw (dest_path, error)) == NULL ||
      !exec (dest, "PRAGMA journal_mode = DELETE", error))
    goto failed;
  return TRUE;

failed:
  g_clear_pointer (&dest, sqlite3_close_v2);
  g_unlink (dest_path);
  return FALSE;
}

static gboolean G_GNUC_PRINTF (2, 3)
reject (GError     **error,
        const char  *format,
        ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (SY_STORE_ERROR, SY_STORE_ERROR_INVALID, format,
                                                args));
  va_end (args);
  return FALSE;
}

static gboolean
has_column (sqlite3    *db,
            const char *table,
            const char *column)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db, column != NULL
                              ? "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2"
                              : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  if (column != NULL)
    sqlite3_bind_text (stmt, 2, column, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

/* A trigger or view of the imported file that our own schema lacks, as "trigger name", or
 * NULL. Such code would run inside every later write of ours. */
static char *
find_foreign_code (sqlite3 *theirs,
                   sqlite3 *ours)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (theirs,
                          "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view')",
                          -1, &stmt, NULL) != SQLITE_OK)
    return g_strdup ("schema that cannot be read");
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *type = (const char *) sqlite3_column_text (stmt, 0);
      const char *name = (const char *) sqlite3_column_text (stmt, 1);
      g_autoptr(sqlite3_stmt) known = NULL;

      if (sqlite3_prepare_v2 (ours, "SELECT 1 FROM sqlite_master WHERE type = ?1 AND name = ?2",
                              -1, &known, NULL) != SQLITE_OK)
        return g_strdup ("schema that cannot be compared");
      sqlite3_bind_text (known, 1, type, -1, SQLITE_STATIC);
      sqlite3_bind_text (known, 2, name, -1, SQLITE_STATIC);
      if (sqlite3_step (known) != SQLITE_ROW)
        return g_strdup_printf ("%s \"%s\"", type, name);
    }
  return NULL;
}

/* Every table and column a freshly migrated database has must be in the imported one too:
 * otherwise the repositories would fail on it after the switch. And nothing that runs code. */
static gboolean
check_schema (SyDatabase  *imported,
              GError     **error)
{
  g_autoptr(SyDatabase) reference = sy_database_open (":memory:", error);
  g_autoptr(sqlite3_stmt) tables = NULL;
  g_autofree char *foreign = NULL;
  sqlite3 *ours;
  sqlite3 *theirs = sy_database_get_handle (imported);

  if (reference == NULL)
    return FALSE;
  ours = sy_database_get_handle (reference);
  tables = sy_database_prepare (reference, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                           "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'", error);
  if (tables == NULL)
    return FALSE;
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (tables, 0);
      g_autoptr(sqlite3_stmt) columns = NULL;

      if (!has_column (theirs, table, NULL))
        return reject (error, "file: table %s is missing", table);
      if (sqlite3_prepare_v2 (ours, "SELECT name FROM pragma_table_info(?1)", -1, &columns,
                              NULL) != SQLITE_OK)
        {
          sy_database_set_error (reference, error, "cannot read our own schema");
          return FALSE;
        }
      sqlite3_bind_text (columns, 1, table, -1, SQLITE_TRANSIENT);
      while (sqlite3_step (columns) == SQLITE_ROW)
        {
          const char *column = (const char *) sqlite3_column_text (columns, 0);

          if (!has_column (theirs, table, column))
            return reject (error, "file: table %s has no column %s", table, column);
        }
    }
  foreign = find_foreign_code (theirs, ours);
  if (foreign != NULL)
    return reject (error, "file: has a %s that Switchyard never creates; remove it and import "
                          "again", foreign);
  return TRUE;
}

/* PRAGMA integrity_check's verdict on one line: "ok", or its first findings joined by "; "
 * (without its "*** in database main ***" headings), or the error that stopped it (a file
 * too damaged to walk). */
static char *
integrity_verdict (sqlite3 *db)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) verdict = g_string_new (NULL);
  int rc;

  if (sqlite3_prepare_v2 (db, "PRAGMA integrity_check(5)", -1, &stmt, NULL) != SQLITE_OK)
    return g_strdup (sqlite3_errmsg (db));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_auto(GStrv) lines = g_strsplit ((const char *) sqlite3_column_text (stmt, 0), "\n", 0);

      for (guint i = 0; lines[i] != NULL; i++)
        if (*lines[i] != '\0' && !g_str_has_prefix (lines[i], "***"))
          g_string_append_printf (verdict, "%s%s", verdict->len ? "; " : "", lines[i]);
    }
  if (rc != SQLITE_DONE)
    return g_strdup (sqlite3_errmsg (db));
  if (verdict->len == 0)
    return g_strdup ("no verdict");
  return g_string_free (g_steal_pointer (&verdict), FALSE);
}

/* Header, integrity, required tables, version: what can be judged before touching the file. */
static gboolean
check_raw (const char  *path,
           int         *version,
           GError     **error)
{
  static const char magic[16] = "SQLite format 3";
  char header[16] = { 0 };
  g_autoptr(sqlite3) db = NULL;
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autofree char *verdict = NULL;
  FILE *f;
  size_t n = 0;

  if ((f = g_fopen (path, "rb")) != NULL)
    {
      n = fread (header, 1, sizeof header, f);
      fclose (f);
    }
  if (n < sizeof header || memcmp (header, magic, sizeof magic) != 0)
    return reject (error, "file: not a SQLite database (it does not start with the SQLite "
                          "header)");

  if ((db = open_raw (path, NULL)) == NULL)
    return reject (error, "file: cannot be opened as a SQLite database");
  /* A file from elsewhere: no writes to the schema table, no double-quoted string tricks. */
  sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);

  verdict = integrity_verdict (db);
  if (g_strcmp0 (verdict, "ok") != 0)
    return reject (error, "file: the database is damaged (PRAGMA integrity_check: %s)", verdict);

  for (guint i = 0; required_tables[i] != NULL; i++)
    if (!has_column (db, required_tables[i], NULL))
      g_string_append_printf (missing, "%s%s", missing->len ? ", " : "", required_tables[i]);
  if (missing->len > 0)
    return reject (error, "file: required table%s missing: %s", strchr (missing->str, ',') ?
                   "s" : "", missing->str);

  *version = query_int (db, "PRAGMA user_version");
  if (*version > sy_database_get_latest_version ())
    return reject (error, "file: schema version %d is newer than this Switchyard's (%d); "
                          "upgrade Switchyard before importing it", *version,
                   sy_database_get_latest_version ());
  if (*version < 1)
    return reject (error, "file: schema version %d: not a database written by Switchyard",
                   *version);
  return TRUE;
}

gboolean
sy_db_backup_check_import (const char  *path,
                           GError     **error)
{
  g_autoptr(SyDatabase) migrated = NULL;
  g_autoptr(GError) local_error = NULL;
  int version = -1;

  g_return_val_if_fail (path != NULL, FALSE);

  if (!check_raw (path, &version, error))
    return FALSE;
  if ((migrated = sy_database_open (path, &local_error)) == NULL)
    return reject (error, "file: cannot bring schema version %d up to date: %s", version,
                   local_error->message);
  if (!check_schema (migrated, error))
    return FALSE;
  /* Leave one self-contained file behind (sy_database_open switched it to WAL). */
  return sy_database_exec (migrated, "PRAGMA journal_mode = DELETE", error);
}

gboolean
sy_db_backup_restore (const char  *src_path,
                      const char  *live_path,
                      GError     **error)
{
  g_autoptr(sqlite3) src = NULL;
  g_autoptr(sqlite3) dest = NULL;
  int src_page, dest_page;

  g_return_val_if_fail (src_path != NULL && live_path != NULL, FALSE);

  if ((src = open_raw (src_path, error)) == NULL || (dest = open_raw (live_path, error)) == NULL)
    return FALSE;

  /* A WAL database cannot change its page size, so the copy is made to match it. */
  src_page = query_int (src, "PRAGMA page_size");
  dest_page = query_int (dest, "PRAGMA page_size");
  if (src_page > 0 && dest_page > 0 && src_page != dest_page)
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA journal_mode = DELETE; "
                                              "PRAGMA page_size = %d; VACUUM;", dest_page);

      if (!exec (src, sql, error))
        return FALSE;
    }

  if (!run_backup (dest, src, error))
    return FALSE;
  /* The whole database went through the WAL: fold it back so the -wal file does not stay at
   * the size of the import. Busy readers only delay this; it is not an error. */
  sqlite3_exec (dest, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
  return TRUE;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const SyDbBackupInfo *x = *(SyDbBackupInfo * const *) a;
  const SyDbBackupInfo *y = *(SyDbBackupInfo * const *) b;

  return -strcmp (x->name, y->name);
}

GPtrArray *
sy_db_backup_list (const char *dir)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_db_backup_info_free);
  g_autoptr(GDir) d = NULL;
  const char *name;

  g_return_val_if_fail (dir != NULL, list);

  if ((d = g_dir_open (dir, 0, NULL)) == NULL)
    return list;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      SyDbBackupInfo *info;
      GStatBuf st;

      if (!g_str_has_prefix (name, AUTO_PREFIX) || !g_str_has_suffix (name, AUTO_SUFFIX))
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      info = g_new0 (SyDbBackupInfo, 1);
      info->name = g_strdup (name);
      info->size = st.st_size;
      info->created_at = (gint64) st.st_mtime * 1000;
      g_ptr_array_add (list, info);
    }
  /* Names carry the UTC time with milliseconds: their order is the order they were made in. */
  g_ptr_array_sort (list, compare_newest_first);
  return list;
}

static void
prune (const char *dir)
{
  g_autoptr(GPtrArray) list = sy_db_backup_list (dir);

  for (guint i = SY_DB_BACKUP_KEEP; i < list->len; i++)
    {
      SyDbBackupInfo *info = g_ptr_array_index (list, i);
      g_autofree char *path = g_build_filename (dir, info->name, NULL);

      if (g_unlink (path) != 0)
        g_warning ("cannot delete the old backup %s: %s", path, g_strerror (errno));
    }
}

char *
sy_db_backup_save_automatic (const char  *live_path,
                             const char  *dir,
                             GError     **error)
{
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (live_path != NULL && dir != NULL, NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot create %s: %s", dir,
                   g_strerror (saved));
      return NULL;
    }

  /* Two backups in the same millisecond wait for the next one: names stay in time order. */
  for (;;)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

      g_free (name);
      g_free (path);
      name = g_strdup_printf (AUTO_PREFIX "%s-%03d" AUTO_SUFFIX, stamp,
                              g_date_time_get_microsecond (now) / 1000);
      path = g_build_filename (dir, name, NULL);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        break;
      g_usleep (1000);
    }

  if (!sy_db_backup_copy (live_path, path, error))
    {
      g_prefix_error (error, "cannot write the pre-import backup: ");
      return NULL;
    }
  prune (dir);
  return g_steal_pointer (&name);
}

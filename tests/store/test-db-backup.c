/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy-db-backup and SyTarWriter below the HTTP layer: a copy includes rows still in the WAL, a
 * restore crosses page sizes into a live WAL database, an import lacking one of our columns is
 * refused, and the tar writer refuses bad names and short input and pads to blocks.
 */
#define G_LOG_DOMAIN "sy-test"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "store/sy-database.h"
#include "store/sy-db-backup.h"
#include "store/sy-tar-writer.h"

typedef struct
{
  char *dir;
} Fixture;

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("switchyard-backup-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  rm_rf (f->dir);
  g_free (f->dir);
}

static char *
query (const char *path,
       const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text;
}

static void
insert_node (SyDatabase *db,
             const char *prefix)
{
  g_autofree char *sql = g_strdup_printf ("INSERT INTO provider_nodes VALUES ('id-%s', '%s', "
                                          "'n', 'openai', 'http://127.0.0.1:1/v1', 0, 0)",
                                          prefix, prefix);
  g_autoptr(GError) error = NULL;

  sy_database_exec (db, sql, &error);
  g_assert_no_error (error);
}

/* A row committed a moment ago lives in the -wal file only; the copy has it all the same, and
 * is one file (rollback journal). */
static void
test_copy_includes_wal (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *live = g_build_filename (f->dir, "live.db", NULL);
  g_autofree char *copy = g_build_filename (f->dir, "copy.sqlite", NULL);
  g_autofree char *wal = g_strconcat (live, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SyDatabase) db = sy_database_open (live, &error);
  g_autofree char *prefix = NULL;
  g_autofree char *mode = NULL;
  GStatBuf st;

  g_assert_no_error (error);
  insert_node (db, "walrow");
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 0);

  g_assert_true (sy_db_backup_copy (live, copy, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (copy, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  prefix = query (copy, "SELECT prefix FROM provider_nodes");
  g_assert_cmpstr (prefix, ==, "walrow");
  mode = query (copy, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "delete");
}

/* An import made with another page size replaces a live WAL database; the connection that
 * stayed open sees the new rows. */
static void
test_restore_other_page_size (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *live = g_build_filename (f->dir, "live.db", NULL);
  g_autofree char *import = g_build_filename (f->dir, "import.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SyDatabase) db = sy_database_open (live, &error);
  g_autoptr(SyDatabase) other = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *page = NULL;

  g_assert_no_error (error);
  insert_node (db, "before");

  /* page_size takes effect on an empty file, before the first table. */
  {
    sqlite3 *raw = NULL;

    g_assert_cmpint (sqlite3_open (import, &raw), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (raw, "PRAGMA page_size = 8192; VACUUM;", NULL, NULL, NULL), ==,
                     SQLITE_OK);
    sqlite3_close (raw);
  }
  other = sy_database_open (import, &error);
  g_assert_no_error (error);
  insert_node (other, "after");
  g_clear_object (&other);
  page = query (import, "PRAGMA page_size");
  g_assert_cmpstr (page, ==, "8192");

  g_assert_true (sy_db_backup_check_import (import, &error));
  g_assert_no_error (error);
  g_assert_true (sy_db_backup_restore (import, live, &error));
  g_assert_no_error (error);

  stmt = sy_database_prepare (db, "SELECT group_concat(prefix) FROM provider_nodes", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "after");
  g_clear_pointer (&stmt, sqlite3_finalize);
  stmt = sy_database_prepare (db, "PRAGMA integrity_check", &error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
}

static void
test_check_refuses_missing_column (Fixture       *f,
                                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "import.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SyDatabase) db = sy_database_open (path, &error);

  g_assert_no_error (error);
  sy_database_exec (db, "ALTER TABLE provider_connections DROP COLUMN max_concurrent", &error);
  g_assert_no_error (error);
  g_clear_object (&db);

  g_assert_false (sy_db_backup_check_import (path, &error));
  g_assert_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "file: table provider_connections has no column max_concurrent");
}

/* A trigger would run inside the gateway's own writes: an import with one is refused. */
static void
test_check_refuses_trigger (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "import.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SyDatabase) db = sy_database_open (path, &error);

  g_assert_no_error (error);
  sy_database_exec (db, "CREATE TRIGGER wipe AFTER INSERT ON usage_history "
                        "BEGIN DELETE FROM api_keys; END", &error);
  g_assert_no_error (error);
  g_clear_object (&db);

  g_assert_false (sy_db_backup_check_import (path, &error));
  g_assert_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "file: has a trigger \"wipe\" that Switchyard never "
                                       "creates; remove it and import again");
}

static void
test_tar_writer (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(SyTarWriter) tar = sy_tar_writer_new (out);
  g_autoptr(GBytes) hello = g_bytes_new_static ("hello", 5);
  g_autoptr(GInputStream) short_input = g_memory_input_stream_new_from_data ("abc", 3, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) archive = NULL;
  const guint8 *bytes;
  gsize len;

  g_assert_false (sy_tar_writer_add_bytes (tar, "../escape", hello, 0, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (sy_tar_writer_add_bytes (tar, "/absolute", hello, 0, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_true (sy_tar_writer_add_bytes (tar, "hello.txt", hello, 1700000000, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (sy_tar_writer_finish (tar, NULL, &error));
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  archive = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  bytes = g_bytes_get_data (archive, &len);

  /* One header, one padded data block, two zero blocks. */
  g_assert_cmpuint (len, ==, 4 * 512);
  g_assert_cmpstr ((const char *) bytes, ==, "hello.txt");
  g_assert_cmpstr ((const char *) bytes + 124, ==, "00000000005");
  g_assert_cmpstr ((const char *) bytes + 136, ==, "14524770400");
  g_assert_cmpmem (bytes + 512, 5, "hello", 5);
  for (gsize i = 512 + 5; i < len; i++)
    g_assert_cmpint (bytes[i], ==, 0);

  /* A stream shorter than announced is an error, not a shifted archive. */
  {
    g_autoptr(GOutputStream) out2 = g_memory_output_stream_new_resizable ();
    g_autoptr(SyTarWriter) tar2 = sy_tar_writer_new (out2);

    g_assert_false (sy_tar_writer_add_stream (tar2, "short", short_input, 10, 0, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sy/store/db-backup/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("copy-includes-wal", test_copy_includes_wal);
  ADD ("restore-other-page-size", test_restore_other_page_size);
  ADD ("check-refuses-missing-column", test_check_refuses_missing_column);
  ADD ("check-refuses-trigger", test_check_refuses_trigger);
  ADD ("tar-writer", test_tar_writer);
#undef ADD

  return g_test_run ();
}

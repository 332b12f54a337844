/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyCombo and SyComboRepo: reference counting, lookups by id and by case-folded name, renames,
 * name conflicts (in memory and from a second writer), the generation counter, list order, the
 * data column's shape, and the round trip through a reopen, including rows written by others.
 */
#define G_LOG_DOMAIN "sy-test"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "store/sy-combo-repo.h"
#include "store/sy-database.h"
#include "store/sy-records.h"

typedef struct
{
  char        *dir;
  char        *path;
  SyDatabase  *db;
  SyComboRepo *repo;
} Fixture;

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
open_repo (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->db = sy_database_open (f->path, &error);
  g_assert_no_error (error);
  f->repo = sy_combo_repo_new (f->db, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->repo);
}

static void
close_repo (Fixture *f)
{
  g_assert_finalize_object (g_steal_pointer (&f->repo));
  g_assert_finalize_object (g_steal_pointer (&f->db));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("switchyard-combo-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "switchyard.db", NULL);
  open_repo (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->repo != NULL)
    close_repo (f);
  rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static void
reopen (Fixture *f)
{
  close_repo (f);
  open_repo (f);
}

static SyCombo *
make_combo (const char *name,
            int         sort_order)
{
  SyCombo *combo = sy_combo_new ();

  combo->id = sy_record_new_id ();
  combo->name = g_strdup (name);
  combo->sort_order = sort_order;
  combo->created_at = combo->updated_at = sy_record_now_ms ();
  sy_combo_add_member (combo, "mock/m1", 1);
  return combo;
}

static void
save_ok (Fixture *f,
         SyCombo *combo)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sy_combo_repo_save (f->repo, combo, &error));
  g_assert_no_error (error);
}

/* Runs SQL on the database file through its own connection, as another writer would. */
static void
raw_exec (Fixture    *f,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static char *
raw_text (Fixture    *f,
          const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *out = NULL;

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    out = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return out;
}

/* --- SyCombo ------------------------------------------------------------------------------- */

static void
test_combo_record (void)
{
  g_autoptr(SyCombo) combo = sy_combo_new ();
  SyCombo *extra;
  SyComboMember *member;

  g_assert_cmpstr (combo->strategy, ==, "default");
  g_assert_nonnull (combo->members);
  g_assert_cmpuint (combo->members->len, ==, 0);
  g_assert_cmpint (combo->sort_order, ==, 0);

  sy_combo_add_member (combo, "mock/m1", 1);
  sy_combo_add_member (combo, "glm/glm-4.7", 0);
  g_assert_cmpuint (combo->members->len, ==, 2);
  member = g_ptr_array_index (combo->members, 1);
  g_assert_cmpstr (member->model, ==, "glm/glm-4.7");
  g_assert_cmpuint (member->weight, ==, 0);

  /* a second reference keeps it alive after the first is dropped */
  extra = sy_combo_ref (combo);
  g_assert_true (extra == combo);
  sy_combo_unref (g_steal_pointer (&combo));
  g_assert_cmpuint (extra->members->len, ==, 2);
  sy_combo_unref (extra);
}

/* --- the repository ------------------------------------------------------------------------ */

static void
test_repo_lookup (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(SyCombo) combo = make_combo ("Free-Forever", 0);
  g_autoptr(SyCombo) by_id = NULL;
  g_autoptr(SyCombo) by_name = NULL;
  g_autoptr(SyCombo) by_other_case = NULL;
  g_autoptr(SyCombo) missing = NULL;
  g_autoptr(SyCombo) unicode = make_combo ("ÉCLAIR", 0);
  g_autoptr(SyCombo) unicode_found = NULL;
  guint generation = sy_combo_repo_get_generation (f->repo);

  g_assert_null (sy_combo_repo_lookup_by_name (f->repo, "free-forever"));
  save_ok (f, combo);
  g_assert_cmpuint (sy_combo_repo_get_generation (f->repo), ==, generation + 1);

  by_id = sy_combo_repo_lookup (f->repo, combo->id);
  by_name = sy_combo_repo_lookup_by_name (f->repo, "Free-Forever");
  by_other_case = sy_combo_repo_lookup_by_name (f->repo, "FREE-forever");
  missing = sy_combo_repo_lookup_by_name (f->repo, "free-forever2");
  g_assert_true (by_id == combo);
  g_assert_true (by_name == combo);
  g_assert_true (by_other_case == combo);
  g_assert_null (missing);
  g_assert_null (sy_combo_repo_lookup (f->repo, "Free-Forever"));

  /* case folding is Unicode's, not only ASCII's */
  save_ok (f, unicode);
  unicode_found = sy_combo_repo_lookup_by_name (f->repo, "éclair");
  g_assert_true (unicode_found == unicode);
}

static void
test_repo_rename (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(SyCombo) combo = make_combo ("fast", 0);
  g_autoptr(SyCombo) renamed = make_combo ("quick", 0);
  g_autoptr(SyCombo) old_name = NULL;
  g_autoptr(SyCombo) new_name = NULL;
  g_autoptr(SyCombo) by_id = NULL;
  g_autoptr(SyCombo) reused = make_combo ("fast", 0);
  g_autoptr(GPtrArray) all = NULL;

  save_ok (f, combo);
  g_free (renamed->id);
  renamed->id = g_strdup (combo->id);
  save_ok (f, renamed);

  old_name = sy_combo_repo_lookup_by_name (f->repo, "fast");
  new_name = sy_combo_repo_lookup_by_name (f->repo, "QUICK");
  by_id = sy_combo_repo_lookup (f->repo, combo->id);
  g_assert_null (old_name);
  g_assert_true (new_name == renamed);
  g_assert_true (by_id == renamed);
  all = sy_combo_repo_list (f->repo);
  g_assert_cmpuint (all->len, ==, 1);

  /* the old name is free again */
  save_ok (f, reused);
}

static void
test_repo_conflict (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(SyCombo) first = make_combo ("fast", 0);
  g_autoptr(SyCombo) second = make_combo ("FAST", 0);
  g_autoptr(SyCombo) recased = make_combo ("Fast", 3);
  g_autoptr(SyCombo) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *count = NULL;
  guint generation;

  save_ok (f, first);
  generation = sy_combo_repo_get_generation (f->repo);
  g_assert_false (sy_combo_repo_save (f->repo, second, &error));
  g_assert_error (error, SY_STORE_ERROR, SY_STORE_ERROR_CONSTRAINT);
  g_assert_true (g_str_has_prefix (error->message, "name:"));
  g_assert_cmpuint (sy_combo_repo_get_generation (f->repo), ==, generation);
  g_assert_null (sy_combo_repo_lookup (f->repo, second->id));
  count = raw_text (f, "SELECT COUNT(*) FROM combos");
  g_assert_cmpstr (count, ==, "1");

  /* the same combo may change the case of its own name */
  g_free (recased->id);
  recased->id = g_strdup (first->id);
  save_ok (f, recased);
  found = sy_combo_repo_lookup_by_name (f->repo, "fast");
  g_assert_true (found == recased);
  g_assert_cmpstr (found->name, ==, "Fast");
}

/* Another writer took the name after this repo read the table: the save fails on the UNIQUE
 * constraint instead of replacing (deleting) the other row. */
static void
test_repo_second_writer (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(SyCombo) combo = make_combo ("shared", 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *other = NULL;

  raw_exec (f, "INSERT INTO combos (id, name, strategy, data, created_at, updated_at) "
               "VALUES ('other-writer', 'shared', 'priority', '{\"models\":[]}', 1, 1)");
  g_assert_false (sy_combo_repo_save (f->repo, combo, &error));
  g_assert_error (error, SY_STORE_ERROR, SY_STORE_ERROR_CONSTRAINT);
  other = raw_text (f, "SELECT id FROM combos WHERE name = 'shared'");
  g_assert_cmpstr (other, ==, "other-writer");
  g_assert_null (sy_combo_repo_lookup (f->repo, combo->id));
}

static void
test_repo_delete (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(SyCombo) combo = make_combo ("gone", 0);
  g_autoptr(SyCombo) held = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *count = NULL;
  guint generation;

  save_ok (f, combo);
  held = sy_combo_repo_lookup (f->repo, combo->id);
  generation = sy_combo_repo_get_generation (f->repo);
  g_assert_true (sy_combo_repo_delete (f->repo, combo->id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sy_combo_repo_get_generation (f->repo), ==, generation + 1);
  g_assert_null (sy_combo_repo_lookup (f->repo, combo->id));
  g_assert_null (sy_combo_repo_lookup_by_name (f->repo, "gone"));
  count = raw_text (f, "SELECT COUNT(*) FROM combos");
  g_assert_cmpstr (count, ==, "0");
  /* a reference taken before stays valid */
  g_assert_cmpstr (held->name, ==, "gone");

  g_assert_false (sy_combo_repo_delete (f->repo, combo->id, &error));
  g_assert_error (error, SY_STORE_ERROR, SY_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (sy_combo_repo_get_generation (f->repo), ==, generation + 1);
}

static void
test_repo_list_order (Fixture       *f,
                      gconstpointer  data)
{
  static const struct { const char *name; int sort_order; } rows[] = {
    { "zeta", 0 }, { "Alpha", 0 }, { "beta", 0 }, { "late", 5 }, { "early", -2 },
  };
  static const char * const expected[] = { "early", "Alpha", "beta", "zeta", "late" };
  g_autoptr(GPtrArray) all = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(SyCombo) combo = make_combo (rows[i].name, rows[i].sort_order);

      save_ok (f, combo);
    }
  all = sy_combo_repo_list (f->repo);
  g_assert_cmpuint (all->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < all->len; i++)
    g_assert_cmpstr (((SyCombo *) g_ptr_array_index (all, i))->name, ==, expected[i]);
}

static void
test_repo_round_trip (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(SyCombo) combo = sy_combo_new ();
  g_autoptr(SyCombo) back = NULL;
  g_autofree char *id = NULL;
  g_autofree char *stored = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *models;
  SyComboMember *member;

  combo->id = sy_record_new_id ();
  combo->name = g_strdup ("premium-coding");
  g_free (combo->strategy);
  combo->strategy = g_strdup ("weighted");
  combo->sort_order = 7;
  combo->created_at = 1700000000000;
  combo->updated_at = 1700000000123;
  sy_combo_add_member (combo, "cc/claude-opus-4-6", 3);
  sy_combo_add_member (combo, "glm/glm-4.7", 0);
  sy_combo_add_member (combo, "other-combo", 1000);
  save_ok (f, combo);
  id = g_strdup (combo->id);

  /* the data column holds {"models": [{"model", "weight"}, ...]} */
  stored = raw_text (f, "SELECT data FROM combos");
  g_assert_true (json_parser_load_from_data (parser, stored, -1, &error));
  g_assert_no_error (error);
  models = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                         "models");
  g_assert_cmpuint (json_array_get_length (models), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (models, 0),
                                                  "model"), ==, "cc/claude-opus-4-6");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (models, 0),
                                               "weight"), ==, 3);

  g_clear_pointer (&combo, sy_combo_unref);
  reopen (f);

  back = sy_combo_repo_lookup_by_name (f->repo, "PREMIUM-CODING");
  g_assert_nonnull (back);
  g_assert_cmpstr (back->id, ==, id);
  g_assert_cmpstr (back->name, ==, "premium-coding");
  g_assert_cmpstr (back->strategy, ==, "weighted");
  g_assert_cmpint (back->sort_order, ==, 7);
  g_assert_cmpint (back->created_at, ==, 1700000000000);
  g_assert_cmpint (back->updated_at, ==, 1700000000123);
  g_assert_cmpuint (back->members->len, ==, 3);
  member = g_ptr_array_index (back->members, 0);
  g_assert_cmpstr (member->model, ==, "cc/claude-opus-4-6");
  g_assert_cmpuint (member->weight, ==, 3);
  member = g_ptr_array_index (back->members, 1);
  g_assert_cmpstr (member->model, ==, "glm/glm-4.7");
  g_assert_cmpuint (member->weight, ==, 0);
  member = g_ptr_array_index (back->members, 2);
  g_assert_cmpstr (member->model, ==, "other-combo");
  g_assert_cmpuint (member->weight, ==, 1000);
  g_assert_cmpuint (sy_combo_repo_get_generation (f->repo), ==, 0);
}

/* Rows written by others: members as plain strings (OmniRoute's shape), odd members skipped,
 * weights clamped, a data column that is not JSON (kept, with no members and a warning), and
 * two names that differ only in case (the older keeps the name). */
static void
test_repo_foreign_rows (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(SyCombo) strings = NULL;
  g_autoptr(SyCombo) damaged = NULL;
  g_autoptr(SyCombo) first = NULL;
  g_autoptr(SyCombo) second = NULL;
  g_autoptr(SyCombo) by_name = NULL;
  g_autoptr(SyCombo) renamed = NULL;
  g_autoptr(GPtrArray) all = NULL;
  SyComboMember *member;

  close_repo (f);
  raw_exec (f, "INSERT INTO combos (id, name, strategy, data, created_at, updated_at) VALUES "
               "('s', 'strings', 'priority', "
               "'{\"models\":[\"a/m1\",{\"model\":\"b/m2\",\"weight\":5000},{\"weight\":2},7,"
               "{\"model\":\"c/m3\",\"weight\":\"x\"}],\"extra\":true}', 1, 1),"
               "('d', 'damaged', 'random', 'not json', 2, 2),"
               "('e', 'empty', 'priority', '{}', 3, 3),"
               "('f1', 'fast', 'priority', '{\"models\":[\"a/m1\"]}', 4, 4),"
               "('f2', 'FAST', 'priority', '{\"models\":[\"b/m2\"]}', 5, 5)");

  g_test_expect_message ("sy-store", G_LOG_LEVEL_WARNING, "*damaged*cannot read its models*");
  g_test_expect_message ("sy-store", G_LOG_LEVEL_WARNING, "*differ only in case*");
  open_repo (f);
  g_test_assert_expected_messages ();

  strings = sy_combo_repo_lookup (f->repo, "s");
  g_assert_cmpuint (strings->members->len, ==, 3);
  member = g_ptr_array_index (strings->members, 0);
  g_assert_cmpstr (member->model, ==, "a/m1");
  g_assert_cmpuint (member->weight, ==, 1);
  member = g_ptr_array_index (strings->members, 1);
  g_assert_cmpstr (member->model, ==, "b/m2");
  g_assert_cmpuint (member->weight, ==, 1000);
  member = g_ptr_array_index (strings->members, 2);
  g_assert_cmpstr (member->model, ==, "c/m3");
  g_assert_cmpuint (member->weight, ==, 1);

  damaged = sy_combo_repo_lookup_by_name (f->repo, "damaged");
  g_assert_nonnull (damaged);
  g_assert_cmpstr (damaged->strategy, ==, "random");
  g_assert_cmpuint (damaged->members->len, ==, 0);

  /* the older row keeps the name; the other is reachable by id */
  first = sy_combo_repo_lookup (f->repo, "f1");
  second = sy_combo_repo_lookup (f->repo, "f2");
  by_name = sy_combo_repo_lookup_by_name (f->repo, "Fast");
  g_assert_nonnull (first);
  g_assert_nonnull (second);
  g_assert_true (by_name == first);
  all = sy_combo_repo_list (f->repo);
  g_assert_cmpuint (all->len, ==, 5);

  /* renaming the hidden one frees it, and leaves the first one's name alone */
  renamed = make_combo ("fast-2", 0);
  g_free (renamed->id);
  renamed->id = g_strdup ("f2");
  save_ok (f, renamed);
  g_clear_pointer (&by_name, sy_combo_unref);
  by_name = sy_combo_repo_lookup_by_name (f->repo, "fast");
  g_assert_true (by_name == first);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sy/store/combo-repo/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/sy/store/combo/record", test_combo_record);
  ADD ("lookup", test_repo_lookup);
  ADD ("rename", test_repo_rename);
  ADD ("conflict", test_repo_conflict);
  ADD ("second-writer", test_repo_second_writer);
  ADD ("delete", test_repo_delete);
  ADD ("list-order", test_repo_list_order);
  ADD ("round-trip", test_repo_round_trip);
  ADD ("foreign-rows", test_repo_foreign_rows);

  return g_test_run ();
}

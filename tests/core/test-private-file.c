/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy_private_file_read () and sy_private_file_write (): written and read back, no temp file
 * left, a missing file or directory reported; on POSIX also written 0600 and replaced by a
 * rename (a reader of the old file keeps the old bytes), refused when group or others may read
 * it, when it is a symbolic link or not a regular file. Each case works in a temporary
 * directory of its own. The portable cases run in the Windows build too.
 */
#define G_LOG_DOMAIN "sy-test"

#include <glib/gstdio.h>
#ifdef G_OS_UNIX
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "core/sy-private-file.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("sy-private-file-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "secret", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) listing = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        g_assert_cmpint (g_rmdir (path), ==, 0);
      else
        g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_clear_pointer (&f->path, g_free);
  g_clear_pointer (&f->dir, g_free);
}

static void
assert_reads (const char *path,
              const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) contents = sy_private_file_read (path, &error);
  g_autoptr(GBytes) want = g_bytes_new_static (expected, strlen (expected));

  g_assert_no_error (error);
  g_assert_nonnull (contents);
  g_assert_true (g_bytes_equal (contents, want));
}

static void
assert_refused (const char *path,
                GQuark      domain,
                int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) contents = sy_private_file_read (path, &error);

  g_assert_error (error, domain, code);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_null (contents);
}

static void
test_write_read (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GBytes) empty = NULL;

  g_assert_true (sy_private_file_write (f->path, "sya-token", 9, &error));
  g_assert_no_error (error);
  assert_reads (f->path, "sya-token");

  /* Only the file itself: the temp file was renamed, not left behind. */
  listing = g_dir_open (f->dir, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_dir_read_name (listing), ==, "secret");
  g_assert_null (g_dir_read_name (listing));

  g_assert_true (sy_private_file_write (f->path, NULL, 0, &error));
  g_assert_no_error (error);
  empty = sy_private_file_read (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (empty), ==, 0);
}

static void
test_missing (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *nowhere = g_build_filename (f->dir, "no", "such", "dir", "secret", NULL);
  g_autoptr(GError) error = NULL;

  assert_refused (f->path, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  /* Writing does not create directories. */
  g_assert_false (sy_private_file_write (nowhere, "x", 1, &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test (nowhere, G_FILE_TEST_EXISTS));
}

#ifdef G_OS_UNIX
static unsigned
mode_of (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_lstat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static void
test_mode_0600 (Fixture       *f,
                gconstpointer  data)
{
  g_assert_true (sy_private_file_write (f->path, "sya-token", 9, NULL));
  g_assert_cmpuint (mode_of (f->path), ==, 0600);
}

/* A rename, never a rewrite in place: whoever holds the old file keeps its bytes, and the new
 * file is 0600 even where the old one was not. */
static void
test_atomic_replace (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) old = NULL;
  GStatBuf before, after;

  g_assert_true (g_file_set_contents_full (f->path, "old contents", -1,
                                           G_FILE_SET_CONTENTS_NONE, 0644, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (f->path, &before), ==, 0);
  old = g_mapped_file_new (f->path, FALSE, &error);
  g_assert_no_error (error);

  g_assert_true (sy_private_file_write (f->path, "new", 3, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_stat (f->path, &after), ==, 0);
  g_assert_cmpuint (before.st_ino, !=, after.st_ino);
  g_assert_cmpuint (mode_of (f->path), ==, 0600);
  g_assert_cmpmem (g_mapped_file_get_contents (old), g_mapped_file_get_length (old),
                   "old contents", 12);
  assert_reads (f->path, "new");
}

static void
test_refuses_exposed (Fixture       *f,
                      gconstpointer  data)
{
  const unsigned bad_modes[] = { 0644, 0640, 0604, 0660, 0620, 0602, 0610, 0601 };

  g_assert_true (sy_private_file_write (f->path, "sya-token", 9, NULL));
  for (unsigned i = 0; i < G_N_ELEMENTS (bad_modes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) contents = NULL;

      g_assert_cmpint (g_chmod (f->path, bad_modes[i]), ==, 0);
      contents = sy_private_file_read (f->path, &error);
      g_assert_error (error, SY_PRIVATE_FILE_ERROR, SY_PRIVATE_FILE_ERROR_EXPOSED);
      g_assert_nonnull (strstr (error->message, "chmod 600"));
      g_assert_nonnull (strstr (error->message, f->path));
      g_assert_null (contents);
    }

  /* Owner-only modes read. */
  g_assert_cmpint (g_chmod (f->path, 0400), ==, 0);
  assert_reads (f->path, "sya-token");
  g_assert_cmpint (g_chmod (f->path, 0600), ==, 0);
  assert_reads (f->path, "sya-token");
}

/* A link is refused even when its target is a private file. */
static void
test_refuses_symlink (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *target = g_build_filename (f->dir, "target", NULL);

  g_assert_true (sy_private_file_write (target, "sya-token", 9, NULL));
  g_assert_cmpint (symlink (target, f->path), ==, 0);

  assert_refused (f->path, G_IO_ERROR, G_IO_ERROR_TOO_MANY_LINKS);
  assert_reads (target, "sya-token");
}

static void
test_refuses_directory (Fixture       *f,
                        gconstpointer  data)
{
  g_assert_cmpint (g_mkdir (f->path, 0700), ==, 0);
  assert_refused (f->path, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
}

#endif

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/sy/core/private-file/" name, Fixture, NULL, fixture_setup, func, \
              fixture_teardown)
  ADD ("write-read", test_write_read);
  ADD ("missing", test_missing);
#ifdef G_OS_UNIX
  ADD ("mode-0600", test_mode_0600);
  ADD ("atomic-replace", test_atomic_replace);
  ADD ("refuses-exposed", test_refuses_exposed);
  ADD ("refuses-symlink", test_refuses_symlink);
  ADD ("refuses-directory", test_refuses_directory);
#endif
#undef ADD

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SySecretStore: one behaviour table run against every backend (memory, file, libsecret on
 * a real Secret Service), plus the file store's on-disk guarantees and the host auto-choice.
 * Built without libsecret (-Dkeyring=disabled), the libsecret cases are skipped and the
 * host choice must fall back to the file store.
 * Waits on async results with a GMainLoop; never touches a keyring item it did not create.
 */
#define G_LOG_DOMAIN "sy-test"

#include <sys/stat.h>

#include <glib/gstdio.h>

#include "store/sy-file-secret-store.h"
#include "store/sy-memory-secret-store.h"
#include "store/sy-secret-store.h"
#ifdef SY_HAVE_LIBSECRET
#include <libsecret/secret.h>

#include "store/sy-libsecret-store.h"
#endif

#define WAIT_TIMEOUT_SECONDS 20
#define MANY_IDS             40

typedef enum
{
  BACKEND_MEMORY,
  BACKEND_FILE,
  BACKEND_LIBSECRET,
} Backend;

static const char * const backend_names[] = { "memory", "file", "libsecret" };

/* Set when run by tests/run-headless.sh: there a missing Secret Service is a failure. */
static gboolean under_headless_wrapper;
static gboolean have_secret_service;
static char *no_secret_service_reason;

typedef struct
{
  Backend        backend;
  SySecretStore *store;
  char          *tmpdir;
  char          *prefix;   /* makes ids unique: keyring items outlive this process */
  GHashTable    *used_ids; /* cleared again in teardown */
} Fixture;

/* Async plumbing: every wait runs a GMainLoop until the expected callbacks arrived. */

typedef struct
{
  GMainLoop *loop;
  GPtrArray *results;
  unsigned   expected;
  gboolean   timed_out;
} Waiter;

static void
waiter_init (Waiter   *w,
             unsigned  expected)
{
  w->loop = g_main_loop_new (NULL, FALSE);
  w->results = g_ptr_array_new_with_free_func (g_object_unref);
  w->expected = expected;
  w->timed_out = FALSE;
}

static void
waiter_clear (Waiter *w)
{
  g_clear_pointer (&w->loop, g_main_loop_unref);
  g_clear_pointer (&w->results, g_ptr_array_unref);
}

static void
waiter_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Waiter *w = user_data;

  g_ptr_array_add (w->results, g_object_ref (result));
  if (w->results->len == w->expected)
    g_main_loop_quit (w->loop);
}

static gboolean
waiter_timeout_cb (gpointer user_data)
{
  Waiter *w = user_data;

  w->timed_out = TRUE;
  g_main_loop_quit (w->loop);
  return G_SOURCE_REMOVE;
}

static void
waiter_run (Waiter *w)
{
  unsigned timeout_id;

  if (w->results->len == w->expected)
    return;

  timeout_id = g_timeout_add_seconds (WAIT_TIMEOUT_SECONDS, waiter_timeout_cb, w);
  g_main_loop_run (w->loop);
  if (w->timed_out)
    g_error ("Timed out after %d s waiting for the secret store (a keyring unlock prompt?)",
             WAIT_TIMEOUT_SECONDS);
  g_source_remove (timeout_id);
}

static gboolean
store_sync (SySecretStore  *store,
            GCancellable   *cancellable,
            const char     *id,
            const char     *label,
            const char     *secret,
            GError        **error)
{
  Waiter w;
  gboolean ok;

  waiter_init (&w, 1);
  sy_secret_store_store_async (store, id, label, secret, cancellable, waiter_done_cb, &w);
  waiter_run (&w);
  ok = sy_secret_store_store_finish (store, w.results->pdata[0], error);
  waiter_clear (&w);
  return ok;
}

static char *
lookup_sync (SySecretStore  *store,
             const char     *id,
             GError        **error)
{
  Waiter w;
  char *secret;

  waiter_init (&w, 1);
  sy_secret_store_lookup_async (store, id, NULL, waiter_done_cb, &w);
  waiter_run (&w);
  secret = sy_secret_store_lookup_finish (store, w.results->pdata[0], error);
  waiter_clear (&w);
  return secret;
}

static gboolean
clear_sync (SySecretStore  *store,
            const char     *id,
            GError        **error)
{
  Waiter w;
  gboolean ok;

  waiter_init (&w, 1);
  sy_secret_store_clear_async (store, id, NULL, waiter_done_cb, &w);
  waiter_run (&w);
  ok = sy_secret_store_clear_finish (store, w.results->pdata[0], error);
  waiter_clear (&w);
  return ok;
}

static void
assert_lookup (SySecretStore *store,
               const char    *id,
               const char    *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = lookup_sync (store, id, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, expected);
}

static void
assert_store (SySecretStore *store,
              const char    *id,
              const char    *secret)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (store_sync (store, NULL, id, "Switchyard test credential", secret, &error));
  g_assert_no_error (error);
}

/* A file store's GTask threads drop their task (and its store reference) just after the
 * callback ran on the main thread: wait for that before proving nothing else holds one. */
static void
assert_finalize_store (SySecretStore *store)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (g_atomic_int_get (&G_OBJECT (store)->ref_count) > 1
         && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  g_assert_finalize_object (store);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* ids: "<prefix>/<name>", remembered so teardown can clear them from a real keyring. */
static const char *
fixture_id (Fixture    *f,
            const char *name)
{
  g_autofree char *id = g_strdup_printf ("%s/%s", f->prefix, name);
  const char *known = g_hash_table_lookup (f->used_ids, id);

  if (known != NULL)
    return known;

  g_hash_table_add (f->used_ids, g_strdup (id));
  return g_hash_table_lookup (f->used_ids, id);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->backend = GPOINTER_TO_INT (data);
  f->prefix = g_strdup_printf ("sy-test-%08x%08x", g_random_int (), g_random_int ());
  f->used_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  switch (f->backend)
    {
    case BACKEND_MEMORY:
      f->store = sy_memory_secret_store_new ();
      break;

    case BACKEND_FILE:
      f->tmpdir = g_dir_make_tmp ("sy-secret-store-XXXXXX", &error);
      g_assert_no_error (error);
      f->store = sy_file_secret_store_new (f->tmpdir);
      break;

#ifdef SY_HAVE_LIBSECRET
    case BACKEND_LIBSECRET:
      f->store = sy_libsecret_store_new ();
      break;
#endif

    default:
      g_assert_not_reached ();
    }

  g_assert_cmpstr (sy_secret_store_get_backend_name (f->store), ==, backend_names[f->backend]);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  GHashTableIter iter;
  const char *id;

  g_hash_table_iter_init (&iter, f->used_ids);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    {
      g_autoptr(GError) error = NULL;

      /* A test that broke the file on purpose cannot clear: its tmpdir goes anyway. */
      if (!clear_sync (f->store, id, &error) && f->backend != BACKEND_FILE)
        g_assert_no_error (error);
    }

  assert_finalize_store (g_steal_pointer (&f->store));

  if (f->tmpdir != NULL)
    remove_tree (f->tmpdir);
  g_clear_pointer (&f->tmpdir, g_free);
  g_clear_pointer (&f->prefix, g_free);
  g_clear_pointer (&f->used_ids, g_hash_table_unref);
}

/* The behaviour table: every backend must pass all of these. */

static void
test_store_lookup (Fixture       *f,
                   gconstpointer  data)
{
  const char *id = fixture_id (f, "connection/3f2a");

  assert_store (f->store, id, "sk-test-0123456789");
  assert_lookup (f->store, id, "sk-test-0123456789");
}

static void
test_null_label (Fixture       *f,
                 gconstpointer  data)
{
  const char *id = fixture_id (f, "no-label");
  g_autoptr(GError) error = NULL;

  g_assert_true (store_sync (f->store, NULL, id, NULL, "secret", &error));
  g_assert_no_error (error);
  assert_lookup (f->store, id, "secret");
}

static void
test_overwrite (Fixture       *f,
                gconstpointer  data)
{
  const char *id = fixture_id (f, "connection/overwrite");

  assert_store (f->store, id, "first");
  assert_store (f->store, id, "second");
  assert_lookup (f->store, id, "second");
}

static void
test_clear (Fixture       *f,
            gconstpointer  data)
{
  const char *id = fixture_id (f, "connection/clear");
  const char *other = fixture_id (f, "connection/clear-other");
  g_autoptr(GError) error = NULL;

  assert_store (f->store, id, "to-be-cleared");
  assert_store (f->store, other, "stays");
  g_assert_true (clear_sync (f->store, id, &error));
  g_assert_no_error (error);
  assert_lookup (f->store, id, NULL);
  assert_lookup (f->store, other, "stays");
}

static void
test_lookup_missing (Fixture       *f,
                     gconstpointer  data)
{
  assert_lookup (f->store, fixture_id (f, "never-stored"), NULL);
}

static void
test_clear_missing (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (clear_sync (f->store, fixture_id (f, "never-stored"), &error));
  g_assert_no_error (error);
}

static void
test_unicode (Fixture       *f,
              gconstpointer  data)
{
  const char *secret = "pässwörd 🔑 日本語 \"quoted\" \\ back\tslash\nnew line";
  const char *id = fixture_id (f, "connexión/日本/🔑");
  g_autoptr(GError) error = NULL;

  g_assert_true (store_sync (f->store, NULL, id, "Clé « unicode » ✓", secret, &error));
  g_assert_no_error (error);
  assert_lookup (f->store, id, secret);
}

static void
test_invalid_utf8 (Fixture       *f,
                   gconstpointer  data)
{
  const char *id = fixture_id (f, "invalid-utf8");
  g_autoptr(GError) error = NULL;

  g_assert_false (store_sync (f->store, NULL, id, NULL, "bad \xff\xfe bytes", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  assert_lookup (f->store, id, NULL);
}

static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  const char *id = fixture_id (f, "cancelled");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (store_sync (f->store, cancellable, id, NULL, "never", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_lookup (f->store, id, NULL);
}

/* All calls in flight at once: no store may lose another's write, ids never bleed into each
 * other ("many/1" vs "many/10"). */
static void
test_many_ids (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) secrets = g_ptr_array_new_with_free_func (g_free);
  Waiter w;

  for (unsigned i = 0; i < MANY_IDS; i++)
    {
      g_autofree char *name = g_strdup_printf ("many/%u", i);

      g_ptr_array_add (ids, (gpointer) fixture_id (f, name));
      g_ptr_array_add (secrets, g_strdup_printf ("secret-%u-%08x", i, g_random_int ()));
    }

  waiter_init (&w, MANY_IDS);
  for (unsigned i = 0; i < MANY_IDS; i++)
    sy_secret_store_store_async (f->store, ids->pdata[i], NULL, secrets->pdata[i], NULL,
                                 waiter_done_cb, &w);
  waiter_run (&w);
  for (unsigned i = 0; i < MANY_IDS; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (sy_secret_store_store_finish (f->store, w.results->pdata[i], &error));
      g_assert_no_error (error);
    }
  waiter_clear (&w);

  for (unsigned i = 0; i < MANY_IDS; i++)
    assert_lookup (f->store, ids->pdata[i], secrets->pdata[i]);

  /* Clear the even ones, concurrently too. */
  waiter_init (&w, MANY_IDS / 2);
  for (unsigned i = 0; i < MANY_IDS; i += 2)
    sy_secret_store_clear_async (f->store, ids->pdata[i], NULL, waiter_done_cb, &w);
  waiter_run (&w);
  for (unsigned i = 0; i < w.results->len; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (sy_secret_store_clear_finish (f->store, w.results->pdata[i], &error));
      g_assert_no_error (error);
    }
  waiter_clear (&w);

  for (unsigned i = 0; i < MANY_IDS; i++)
    assert_lookup (f->store, ids->pdata[i], i % 2 == 0 ? NULL : secrets->pdata[i]);
}

static void
skip_without_secret_service (gconstpointer data)
{
#ifndef SY_HAVE_LIBSECRET
  /* A build choice, not a missing service: skipped under tests/run-headless.sh too. */
  g_test_skip ("this build has no libsecret (meson option keyring)");
#else
  if (under_headless_wrapper)
    {
      g_test_fail_printf ("tests/run-headless.sh should have started gnome-keyring, but %s",
                          no_secret_service_reason);
      return;
    }

  g_test_skip_printf ("No Secret Service to test the libsecret backend against (%s); run "
                      "under tests/run-headless.sh to test it with a private gnome-keyring",
                      no_secret_service_reason);
#endif
}

/* File store specifics: what is on disk and how it reacts to what others did to it. */

static unsigned
file_mode (const char *path)
{
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static void
file_fixture_setup (Fixture       *f,
                    gconstpointer  data)
{
  fixture_setup (f, GINT_TO_POINTER (BACKEND_FILE));
}

static void
test_file_modes (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (f->tmpdir, "not", "yet", NULL);
  g_autoptr(SySecretStore) store = sy_file_secret_store_new (dir);
  const char *path = sy_file_secret_store_get_path (SY_FILE_SECRET_STORE (store));
  g_autofree char *expected = g_build_filename (dir, "secrets.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = NULL;

  g_assert_cmpstr (path, ==, expected);
  assert_lookup (store, "nothing", NULL);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));

  for (unsigned i = 0; i < 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("id-%u", i);

      assert_store (store, id, "plaintext");
    }

  g_assert_cmpuint (file_mode (path), ==, 0600);
  g_assert_cmpuint (file_mode (dir), ==, 0700);

  /* The atomic replace leaves no temp file behind. */
  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_dir_read_name (listing), ==, "secrets.json");
  g_assert_null (g_dir_read_name (listing));

  assert_finalize_store (g_steal_pointer (&store));
}

static void
test_file_refuses_readable (Fixture       *f,
                            gconstpointer  data)
{
  const char *path = sy_file_secret_store_get_path (SY_FILE_SECRET_STORE (f->store));
  const char *id = fixture_id (f, "exposed");
  const unsigned bad_modes[] = { 0644, 0640, 0604, 0660 };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  assert_store (f->store, id, "exposed-secret");
  g_assert_true (g_file_get_contents (path, &before, NULL, NULL));

  for (unsigned i = 0; i < G_N_ELEMENTS (bad_modes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *secret = NULL;

      g_assert_cmpint (g_chmod (path, bad_modes[i]), ==, 0);

      secret = lookup_sync (f->store, id, &error);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_assert_nonnull (strstr (error->message, "chmod 600"));
      g_assert_nonnull (strstr (error->message, path));
      g_assert_null (secret);
      g_clear_error (&error);

      g_assert_false (store_sync (f->store, NULL, id, NULL, "replacement", &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_assert_cmpuint (file_mode (path), ==, bad_modes[i]);
    }

  /* Nothing was rewritten while refusing; after the chmod it reads again. */
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  assert_lookup (f->store, id, "exposed-secret");
}

static void
test_file_survives_reopen (Fixture       *f,
                           gconstpointer  data)
{
  const char *id = fixture_id (f, "persisted");
  const char *other = fixture_id (f, "persisted-other");
  g_autoptr(SySecretStore) second = sy_file_secret_store_new (f->tmpdir);

  assert_store (f->store, id, "written-by-first");
  assert_finalize_store (g_steal_pointer (&f->store));

  f->store = sy_file_secret_store_new (f->tmpdir);
  assert_lookup (f->store, id, "written-by-first");

  /* Two stores on one directory see each other's writes. */
  assert_store (second, other, "written-by-second");
  assert_lookup (f->store, other, "written-by-second");
  assert_lookup (second, id, "written-by-first");
  assert_finalize_store (g_steal_pointer (&second));
}

static void
test_file_rejects_garbage (Fixture       *f,
                           gconstpointer  data)
{
  const char *path = sy_file_secret_store_get_path (SY_FILE_SECRET_STORE (f->store));
  const char * const garbage[] = {
    "not json at all",
    "",
    "[1, 2, 3]",
    "{\"version\": 2, \"secrets\": {}}",
    "{\"version\": \"1\", \"secrets\": {}}",
    "{\"version\": 1, \"secrets\": []}",
    "{\"version\": 1, \"secrets\": {\"a\": {\"secret\": 42}}}",
    "{\"version\": 1, \"secrets\": {\"a\": \"bare string\"}}",
  };

  for (unsigned i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *secret = NULL;
      g_autofree char *after = NULL;

      g_assert_true (g_file_set_contents_full (path, garbage[i], -1,
                                               G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                               NULL));

      secret = lookup_sync (f->store, "a", &error);
      g_assert_nonnull (error);
      g_assert_null (secret);
      g_clear_error (&error);

      /* A store must not paper over a file it cannot read. */
      g_assert_false (store_sync (f->store, NULL, "a", NULL, "new", &error));
      g_assert_nonnull (error);
      g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
      g_assert_cmpstr (after, ==, garbage[i]);
    }

  g_assert_cmpint (g_unlink (path), ==, 0);
}

/* A file sealed with Windows' DPAPI, copied to a system that cannot unseal it: a clear error
 * naming the cause, and the file left as it is. (Windows itself is not tested here.) */
static void
test_file_sealed_elsewhere (Fixture       *f,
                            gconstpointer  data)
{
  const char *path = sy_file_secret_store_get_path (SY_FILE_SECRET_STORE (f->store));
  static const char sealed[] = "SWITCHYARD-SEALED-DPAPI-1\n\x01\x00\x00\x00\xd0\x8c\x9d\xdf";
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *after = NULL;
  gsize length = 0;

  g_assert_true (g_file_set_contents_full (path, sealed, sizeof sealed - 1,
                                           G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));
  secret = lookup_sync (f->store, "a", &error);
  g_assert_null (secret);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "DPAPI"));
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  g_assert_false (store_sync (f->store, NULL, "a", NULL, "new", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_true (g_file_get_contents (path, &after, &length, NULL));
  g_assert_cmpmem (after, length, sealed, sizeof sealed - 1);
  g_assert_cmpint (g_unlink (path), ==, 0);
}

/* sy_secret_store_new_for_host () */

static void
test_host_explicit (void)
{
  g_autofree char *tmpdir = g_dir_make_tmp ("sy-secret-store-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  SySecretStore *store;

  store = sy_secret_store_new_for_host ("memory", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sy_secret_store_get_backend_name (store), ==, "memory");
  g_assert_finalize_object (store);

  store = sy_secret_store_new_for_host ("file", tmpdir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sy_secret_store_get_backend_name (store), ==, "file");
  g_assert_finalize_object (store);

#ifdef SY_HAVE_LIBSECRET
  store = sy_secret_store_new_for_host ("libsecret", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sy_secret_store_get_backend_name (store), ==, "libsecret");
  g_assert_finalize_object (store);
#else
  /* Configured, but not built in: the file store, with a warning. */
  g_test_expect_message ("sy-store", G_LOG_LEVEL_WARNING,
                         "*libsecret is configured but this build has none*");
  store = sy_secret_store_new_for_host ("libsecret", tmpdir, &error);
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_cmpstr (sy_secret_store_get_backend_name (store), ==, "file");
  g_assert_finalize_object (store);

  store = sy_secret_store_new_for_host ("libsecret", NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_null (store);
  g_clear_error (&error);
#endif

  store = sy_secret_store_new_for_host ("file", NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_null (store);
  g_clear_error (&error);

  store = sy_secret_store_new_for_host ("kwallet", tmpdir, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_null (store);

  g_rmdir (tmpdir);
}

/* The automatic choice without a Secret Service: the file store, logged at level with a message
 * matching pattern; without a data dir, an error whose message holds reason. */
static void
assert_auto_falls_back_to_file (GLogLevelFlags  level,
                                const char     *pattern,
                                const char     *reason)
{
  g_autofree char *tmpdir = g_dir_make_tmp ("sy-secret-store-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  SySecretStore *store;

  g_test_expect_message ("sy-store", level, pattern);
  store = sy_secret_store_new_for_host (NULL, tmpdir, &error);
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_cmpstr (sy_secret_store_get_backend_name (store), ==, "file");
  g_assert_finalize_object (store);

  /* Without a data dir there is nothing to fall back to. */
  store = sy_secret_store_new_for_host (NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, reason));
  g_assert_null (store);

  g_rmdir (tmpdir);
}

static void
test_host_auto_with_service (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SySecretStore) store = NULL;

  if (!have_secret_service)
    {
      skip_without_secret_service (NULL);
      return;
    }

  store = sy_secret_store_new_for_host (NULL, "/nonexistent", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sy_secret_store_get_backend_name (store), ==, "libsecret");
}

#ifdef SY_HAVE_LIBSECRET
static void
test_host_auto_without_bus (void)
{
  if (g_test_subprocess ())
    {
      /* A fresh process: no bus connection is cached yet. */
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/sy-test-bus", TRUE);
      g_unsetenv ("DISPLAY");

      assert_auto_falls_back_to_file (G_LOG_LEVEL_WARNING,
                                      "*plaintext file*no D-Bus session bus*",
                                      "no D-Bus session bus");
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*NOT encrypted at rest*");
}
#else
/* Without libsecret the auto choice is the file store, said once, and needs a data dir. */
static void
test_host_auto_without_libsecret (void)
{
  assert_auto_falls_back_to_file (G_LOG_LEVEL_MESSAGE, "*this build has no libsecret*",
                                  "no libsecret");
}
#endif

#ifdef SY_HAVE_LIBSECRET
/* libsecret's simple API picks a file keyring inside a Flatpak (and wherever SECRET_BACKEND
 * says "file"); a store on it would be invisible to the lookup, which searches the Secret
 * Service. Every call of the store must reach the service whatever libsecret's backend is. */
static void
test_libsecret_ignores_simple_backend (void)
{
  /* The probe runs in the parent only. */
  if (!g_test_subprocess () && !have_secret_service)
    {
      skip_without_secret_service (NULL);
      return;
    }
  if (g_test_subprocess ())
    {
      g_autofree char *id = g_strdup_printf ("sy-test-%08x-backend", g_random_int ());
      g_autoptr(SySecretStore) store = NULL;
      g_autoptr(SecretService) service = NULL;
      g_autoptr(GHashTable) attributes = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *secret = NULL;
      GList *items;

      /* Before libsecret initialises its backend in this fresh process. */
      g_setenv ("SECRET_BACKEND", "file", TRUE);
      store = sy_libsecret_store_new ();
      g_assert_true (store_sync (store, NULL, id, "label", "in-the-service", &error));
      g_assert_no_error (error);

      /* Found by a plain search of the service, not only by the store itself. */
      service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
      g_assert_no_error (error);
      attributes = g_hash_table_new (g_str_hash, g_str_equal);
      g_hash_table_insert (attributes, (char *) "id", id);
      items = secret_service_search_sync (service, NULL, attributes,
                                          SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_list_length (items), ==, 1);
      g_list_free_full (items, g_object_unref);

      secret = lookup_sync (store, id, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (secret, ==, "in-the-service");
      g_assert_true (clear_sync (store, id, &error));
      g_assert_no_error (error);
      g_clear_pointer (&secret, g_free);
      secret = lookup_sync (store, id, &error);
      g_assert_no_error (error);
      g_assert_null (secret);
      g_clear_object (&service);
      secret_service_disconnect ();
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* Start-up probe: is a Secret Service running right now? Never activates one, because an
 * activated gnome-keyring without --unlock would open a password prompt and hang. */
static void
probe_secret_service (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus != NULL)
    reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                         "org.freedesktop.DBus", "NameHasOwner",
                                         g_variant_new ("(s)", "org.freedesktop.secrets"),
                                         G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 5000,
                                         NULL, &error);
  if (reply == NULL)
    no_secret_service_reason = g_strdup_printf ("no session bus: %s", error->message);
  else
    {
      g_variant_get (reply, "(b)", &have_secret_service);
      if (!have_secret_service)
        no_secret_service_reason = g_strdup ("org.freedesktop.secrets has no owner on the "
                                             "session bus");
    }
}
#endif

typedef struct
{
  const char *name;
  void      (*func) (Fixture *f, gconstpointer data);
} BehaviourCase;

static const BehaviourCase behaviour_cases[] = {
  { "store-lookup", test_store_lookup },
  { "null-label", test_null_label },
  { "overwrite", test_overwrite },
  { "clear", test_clear },
  { "lookup-missing", test_lookup_missing },
  { "clear-missing", test_clear_missing },
  { "unicode", test_unicode },
  { "invalid-utf8", test_invalid_utf8 },
  { "cancelled", test_cancelled },
  { "many-ids", test_many_ids },
};

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  under_headless_wrapper = g_strcmp0 (g_getenv ("SY_HEADLESS"), "1") == 0;
#ifdef SY_HAVE_LIBSECRET
  if (!g_test_subprocess ())
    probe_secret_service ();
#endif

  for (unsigned b = 0; b < G_N_ELEMENTS (backend_names); b++)
    for (unsigned i = 0; i < G_N_ELEMENTS (behaviour_cases); i++)
      {
        g_autofree char *path = g_strdup_printf ("/sy/store/secret-store/%s/%s",
                                                 backend_names[b], behaviour_cases[i].name);

        if (b == BACKEND_LIBSECRET && !have_secret_service)
          g_test_add_data_func (path, NULL, skip_without_secret_service);
        else
          g_test_add (path, Fixture, GINT_TO_POINTER (b), fixture_setup,
                      behaviour_cases[i].func, fixture_teardown);
      }

  g_test_add ("/sy/store/secret-store/file/modes", Fixture, NULL,
              file_fixture_setup, test_file_modes, fixture_teardown);
  g_test_add ("/sy/store/secret-store/file/refuses-readable", Fixture, NULL,
              file_fixture_setup, test_file_refuses_readable, fixture_teardown);
  g_test_add ("/sy/store/secret-store/file/survives-reopen", Fixture, NULL,
              file_fixture_setup, test_file_survives_reopen, fixture_teardown);
  g_test_add ("/sy/store/secret-store/file/rejects-garbage", Fixture, NULL,
              file_fixture_setup, test_file_rejects_garbage, fixture_teardown);
  g_test_add ("/sy/store/secret-store/file/sealed-elsewhere", Fixture, NULL,
              file_fixture_setup, test_file_sealed_elsewhere, fixture_teardown);

  g_test_add_func ("/sy/store/secret-store/host/explicit", test_host_explicit);
  g_test_add_func ("/sy/store/secret-store/host/auto-with-service",
                   test_host_auto_with_service);
#ifdef SY_HAVE_LIBSECRET
  g_test_add_func ("/sy/store/secret-store/libsecret/ignores-simple-backend",
                   test_libsecret_ignores_simple_backend);
  g_test_add_func ("/sy/store/secret-store/host/auto-without-bus", test_host_auto_without_bus);
#else
  g_test_add_func ("/sy/store/secret-store/host/auto-without-libsecret",
                   test_host_auto_without_libsecret);
#endif

  ret = g_test_run ();

#ifdef SY_HAVE_LIBSECRET
  /* Drop libsecret's cached SecretService (and its bus) so leak checkers see a clean exit. */
  secret_service_disconnect ();
#endif
  g_clear_pointer (&no_secret_service_reason, g_free);

  return ret;
}

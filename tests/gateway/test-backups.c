/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Database export, the full archive and import, end to end through /api/db-backups: the export
 * is a self-contained SQLite file with our rows, the archive lists its members and holds no
 * secret, an import switches the running gateway to the imported data at once (and a request
 * in flight finishes on what it started with), and every bad upload is refused with the data
 * left as it was.
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "store/sy-database.h"
#include "store/sy-migrations.h"
#include "sy-test-gateway-fixture.h"

typedef SyTestGatewayFixture Fixture;

#define PROVIDER_SECRET  "sk-provider-secret-5f0c2a9e71d84b3c"
#define IMPORT_PATH      "/api/db-backups/import"

/* --- helpers ------------------------------------------------------------------------------- */

static SyTestResponse *
api_expect (Fixture    *f,
            const char *method,
            const char *path,
            const char *json,
            guint       status)
{
  SyTestResponse *r = sy_test_gateway_api (f->t, method, path, json);

  if (r->status != status)
    g_error ("%s %s: expected %u, got %u: %s", method, path, status, r->status,
             sy_test_response_dup_body (r));
  return r;
}

static void
api_ok (Fixture    *f,
        const char *method,
        const char *path,
        const char *json,
        guint       status)
{
  g_autoptr(SyTestResponse) r = api_expect (f, method, path, json, status);
}

/* Provider node p1 on the mock with an account holding PROVIDER_SECRET, combo "kept-combo"
 * over it, and an inbound key; returns the inbound key's plain value. */
static char *
populate (Fixture *f)
{
  g_autoptr(SyTestResponse) key = NULL;

  g_free (sy_test_gateway_add_account (f->t, "p1", PROVIDER_SECRET, 1, NULL));
  api_ok (f, "POST", "/api/combos", "{\"name\":\"kept-combo\",\"models\":[\"p1/m1\"]}", 201);
  key = api_expect (f, "POST", "/api/keys", "{\"name\":\"laptop\"}", 201);
  g_assert_nonnull (sy_test_response_get_string (key, "key"));
  return g_strdup (sy_test_response_get_string (key, "key"));
}

static SyTestResponse *
chat (Fixture    *f,
      const char *model)
{
  g_autofree char *body = g_strdup_printf ("{\"model\":\"%s\",\"messages\":[{\"role\":\"user\","
                                           "\"content\":\"hi\"}]}", model);

  return sy_test_gateway_chat (f->t, body);
}

static gboolean
bytes_contain (GBytes     *haystack,
               const char *needle)
{
  gsize len, n = strlen (needle);
  const char *data = g_bytes_get_data (haystack, &len);

  for (gsize i = 0; n <= len && i <= len - n; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/* GET a download; checks its headers and returns its bytes. */
static GBytes *
download (Fixture    *f,
          const char *path,
          const char *content_type,
          const char *filename_pattern)
{
  g_autoptr(SyTestResponse) r = api_expect (f, "GET", path, NULL, 200);
  g_autofree char *disposition = NULL;
  g_autoptr(GHashTable) params = NULL;

  g_assert_cmpstr (soup_message_headers_get_content_type (r->headers, NULL), ==, content_type);
  g_assert_true (soup_message_headers_get_content_disposition (r->headers, &disposition,
                                                               &params));
  g_assert_cmpstr (disposition, ==, "attachment");
  g_assert_true (g_regex_match_simple (filename_pattern, g_hash_table_lookup (params, "filename"),
                                       0, 0));
  return g_bytes_ref (r->body);
}

static GBytes *
export_db (Fixture *f)
{
  return download (f, "/api/db-backups/export", "application/vnd.sqlite3",
                   "^switchyard-[0-9]{8}-[0-9]{6}\\.sqlite$");
}

/* Writes bytes to a file in the test's data dir (removed with it). */
static char *
save (Fixture    *f,
      GBytes     *bytes,
      const char *name)
{
  g_autofree char *dir = g_build_filename (f->t->data_dir, "test-files", NULL);
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return path;
}

static GBytes *
load (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

/* The first column of the first row of sql on the SQLite file at path, or NULL. */
static char *
file_query (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text;
}

static void
file_exec (const char *path,
           const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                   ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  sqlite3_close (db);
}

static void
assert_file_query (const char *path,
                   const char *sql,
                   const char *expected)
{
  g_autofree char *text = file_query (path, sql);

  g_assert_cmpstr (text, ==, expected);
}

typedef enum {
  AS_FORM,
  AS_RAW,
} UploadKind;

static SyTestResponse *
import (Fixture    *f,
        GBytes     *bytes,
        UploadKind  how)
{
  g_autoptr(SoupMultipart) form = NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autoptr(GBytes) body = NULL;

  if (how == AS_RAW)
    return sy_test_gateway_request (f->t, "POST", IMPORT_PATH, "application/octet-stream",
                                    g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                    "Authorization", "Bearer " SY_TEST_ADMIN_TOKEN, NULL);

  /* As curl -F sends it: another field first, then the file. */
  form = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_multipart_append_form_string (form, "comment", "moving machines");
  soup_multipart_append_form_file (form, "file", "backup.sqlite", "application/octet-stream",
                                   bytes);
  soup_multipart_to_message (form, headers, &body);
  return sy_test_gateway_request (f->t, "POST", IMPORT_PATH,
                                  soup_message_headers_get_one (headers, "Content-Type"),
                                  g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                  "Authorization", "Bearer " SY_TEST_ADMIN_TOKEN, NULL);
}

static guint
backup_count (Fixture *f)
{
  g_autoptr(SyTestResponse) r = api_expect (f, "GET", "/api/db-backups", NULL, 200);

  return json_array_get_length (sy_test_response_get_array (r));
}

static guint
combo_count (Fixture *f)
{
  g_autoptr(SyTestResponse) r = api_expect (f, "GET", "/api/combos", NULL, 200);

  return json_array_get_length (sy_test_response_get_array (r));
}

/* A refused import: 400 with a reason starting with "file: " that mentions what; no backup
 * taken, nothing changed. */
static void
assert_refused (Fixture    *f,
                GBytes     *bytes,
                const char *what)
{
  guint combos = combo_count (f);
  guint backups = backup_count (f);
  g_autoptr(SyTestResponse) r = import (f, bytes, AS_FORM);
  const char *message = sy_test_response_get_string (r, "error.message");

  g_assert_cmpuint (r->status, ==, 400);
  g_assert_cmpstr (sy_test_response_get_string (r, "error.type"), ==, "invalid_request_error");
  g_assert_cmpstr (sy_test_response_get_string (r, "error.code"), ==, "invalid_database");
  g_assert_true (g_str_has_prefix (message, "file: "));
  if (strstr (message, what) == NULL)
    g_error ("\"%s\" does not mention \"%s\"", message, what);
  g_assert_cmpuint (combo_count (f), ==, combos);
  g_assert_cmpuint (backup_count (f), ==, backups);
}

/* --- tar.gz reading ------------------------------------------------------------------------ */

static GBytes *
gunzip (GBytes *gz)
{
  g_autoptr(GZlibDecompressor) gzip = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) base = g_memory_input_stream_new_from_bytes (gz);
  g_autoptr(GInputStream) in = g_converter_input_stream_new (base, G_CONVERTER (gzip));
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                                   G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static gboolean
block_is_zero (const guint8 *block)
{
  for (guint i = 0; i < 512; i++)
    if (block[i] != 0)
      return FALSE;
  return TRUE;
}

/* name -> contents, in a ustar archive whose headers and checksums are checked; names in
 * archive order go to order. */
static GHashTable *
untar (GBytes    *tar,
       GPtrArray *order)
{
  GHashTable *members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) g_bytes_unref);
  gsize len, offset = 0;
  const guint8 *data = g_bytes_get_data (tar, &len);

  g_assert_cmpuint (len % 512, ==, 0);
  for (;;)
    {
      const guint8 *h = data + offset;
      guint sum = 0;
      guint64 size;
      char *name;

      g_assert_cmpuint (offset + 1024, <=, len);
      if (block_is_zero (h))
        {
          g_assert_true (block_is_zero (h + 512));  /* the end marker is two zero blocks */
          break;
        }
      for (guint i = 0; i < 512; i++)
        sum += (i >= 148 && i < 156) ? ' ' : h[i];
      g_assert_cmpuint (sum, ==, g_ascii_strtoull ((const char *) h + 148, NULL, 8));
      g_assert_cmpmem (h + 257, 6, "ustar", 6);
      g_assert_cmpint (h[156], ==, '0');
      name = g_strndup ((const char *) h, 100);
      size = g_ascii_strtoull ((const char *) h + 124, NULL, 8);
      offset += 512;
      g_assert_cmpuint (offset + size, <=, len);
      g_assert_false (g_hash_table_contains (members, name));
      g_ptr_array_add (order, g_strdup (name));
      g_hash_table_insert (members, name, g_bytes_new_from_bytes (tar, offset, size));
      offset += (size + 511) / 512 * 512;
    }
  return members;
}

static JsonNode *
member_json (GHashTable *members,
             const char *name)
{
  GBytes *bytes = g_hash_table_lookup (members, name);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonNode *node;

  g_assert_nonnull (bytes);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  node = json_from_string (text, &error);
  g_assert_no_error (error);
  return node;
}

/* --- export -------------------------------------------------------------------------------- */

static void
test_export_is_a_database (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *inbound_key = populate (f);
  g_autoptr(GBytes) bytes = export_db (f);
  g_autofree char *path = save (f, bytes, "export.sqlite");
  g_autofree char *version = g_strdup_printf ("%d", sy_database_get_latest_version ());
  const guint8 *header = g_bytes_get_data (bytes, NULL);

  g_assert_cmpuint (g_bytes_get_size (bytes), >, 100);
  g_assert_cmpmem (header, 16, "SQLite format 3", 16);
  /* Stands alone: a rollback journal, not WAL (header bytes 18 and 19 are 1). */
  g_assert_cmpint (header[18], ==, 1);
  g_assert_cmpint (header[19], ==, 1);

  assert_file_query (path, "PRAGMA integrity_check", "ok");
  assert_file_query (path, "PRAGMA user_version", version);
  assert_file_query (path, "SELECT prefix FROM provider_nodes", "p1");
  assert_file_query (path, "SELECT name FROM combos", "kept-combo");
  assert_file_query (path, "SELECT name FROM api_keys", "laptop");
  assert_file_query (path, "SELECT has_secret FROM provider_connections", "1");
  g_assert_false (bytes_contain (bytes, PROVIDER_SECRET));
  g_assert_false (bytes_contain (bytes, inbound_key));
}

static void
test_export_all_archive (Fixture       *f,
                         gconstpointer  data)
{
  static const char * const expected[] = {
    "manifest.json", "settings.json", "combos.json", "provider-nodes.json",
    "provider-connections.json", "custom-models.json", "api-keys.json", "switchyard.db", NULL
  };
  g_autofree char *inbound_key = populate (f);
  g_autoptr(GBytes) gz = download (f, "/api/db-backups/exportAll", "application/gzip",
                                   "^switchyard-[0-9]{8}-[0-9]{6}\\.tar\\.gz$");
  g_autoptr(GBytes) tar = gunzip (gz);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) members = untar (tar, order);
  g_autoptr(JsonNode) manifest = member_json (members, "manifest.json");
  g_autoptr(JsonNode) settings = member_json (members, "settings.json");
  g_autoptr(JsonNode) combos = member_json (members, "combos.json");
  g_autoptr(JsonNode) connections = member_json (members, "provider-connections.json");
  g_autoptr(JsonNode) keys = member_json (members, "api-keys.json");
  g_autofree char *db = save (f, g_hash_table_lookup (members, "switchyard.db"), "archive.db");
  JsonObject *m = json_node_get_object (manifest);
  JsonObject *connection, *key;
  g_autoptr(GList) key_members = NULL;
  g_autoptr(GDateTime) created = NULL;

  /* Never a credential, compressed or not (the database is in the tar as plain bytes). */
  g_assert_false (bytes_contain (gz, PROVIDER_SECRET));
  g_assert_false (bytes_contain (gz, inbound_key));
  g_assert_false (bytes_contain (tar, PROVIDER_SECRET));
  g_assert_false (bytes_contain (tar, inbound_key));

  g_assert_cmpuint (order->len, ==, g_strv_length ((char **) expected));
  g_assert_cmpstr (g_ptr_array_index (order, 0), ==, "manifest.json");
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_true (g_hash_table_contains (members, expected[i]));

  g_assert_cmpstr (json_object_get_string_member (m, "version"), ==, SY_VERSION);
  g_assert_cmpint (json_object_get_int_member (m, "schemaVersion"), ==,
                   sy_database_get_latest_version ());
  created = g_date_time_new_from_iso8601 (json_object_get_string_member (m, "created"), NULL);
  g_assert_nonnull (created);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (m, "files")), ==,
                    order->len);

  g_assert_true (json_object_has_member (json_node_get_object (settings), "requireApiKey"));
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (json_node_get_array (combos), 0), "name"),
                   ==, "kept-combo");

  connection = json_array_get_object_element (json_node_get_array (connections), 0);
  g_assert_cmpstr (json_object_get_string_member (connection, "provider"), ==, "p1");
  g_assert_true (json_object_get_boolean_member (connection, "hasApiKey"));
  g_assert_false (json_object_has_member (connection, "apiKey"));

  /* Key metadata only: id, name, prefix, created; no hash. */
  key = json_array_get_object_element (json_node_get_array (keys), 0);
  key_members = json_object_get_members (key);
  g_assert_cmpuint (g_list_length (key_members), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (key, "name"), ==, "laptop");
  g_assert_true (g_str_has_prefix (inbound_key, json_object_get_string_member (key, "prefix")));
  g_assert_true (json_object_has_member (key, "id"));
  g_assert_true (json_object_has_member (key, "createdAt"));

  assert_file_query (db, "PRAGMA integrity_check", "ok");
  assert_file_query (db, "SELECT name FROM combos", "kept-combo");
}

/* --- import -------------------------------------------------------------------------------- */

/* Export, change things, import the export: the gateway serves the imported data at once. */
static void
test_import_restores_export (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *inbound_key = populate (f);
  g_autoptr(GBytes) exported = export_db (f);
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) answer = NULL;
  g_autoptr(SyTestResponse) gone = NULL;
  g_autoptr(SyTestResponse) list = NULL;
  g_autoptr(SyTestResponse) settings = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *db_path = g_build_filename (f->t->data_dir, "switchyard.db", NULL);
  JsonObject *entry;
  guint requests;

  api_ok (f, "DELETE", "/api/combos/kept-combo", NULL, 204);
  api_ok (f, "POST", "/api/combos", "{\"name\":\"later-combo\",\"models\":[\"p1/m2\"]}", 201);
  api_ok (f, "PUT", "/api/settings", "{\"maxBodyBytes\": 4096}", 200);
  /* (With one provider connected, a bare name still reaches it, but not as a combo.) */
  gone = chat (f, "kept-combo");
  g_assert_null (soup_message_headers_get_one (gone->headers, "X-Switchyard-Combo"));

  r = import (f, exported, AS_FORM);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (sy_test_response_get_object (r), "imported"));
  g_assert_cmpint (sy_test_response_get_int_member (r, "combos"), ==, 1);
  g_assert_cmpint (sy_test_response_get_int_member (r, "providerConnections"), ==, 1);
  g_assert_cmpint (sy_test_response_get_int_member (r, "apiKeys"), ==, 1);
  backup = g_strdup (sy_test_response_get_string (r, "preImportBackup"));
  g_assert_nonnull (backup);

  /* The combo that only exists in the imported data routes to the mock; the later one is
   * gone; the settings are the imported ones. */
  requests = sy_mock_upstream_get_requests (f->t->mock)->len;
  answer = chat (f, "kept-combo");
  g_assert_cmpuint (answer->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (answer->headers, "X-Switchyard-Combo"), ==,
                   "kept-combo");
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, requests + 1);
  g_assert_cmpuint (combo_count (f), ==, 1);
  settings = api_expect (f, "GET", "/api/settings", NULL, 200);
  g_assert_cmpint (sy_test_response_get_int_member (settings, "maxBodyBytes"), >, 4096);

  /* The new usage writer writes into the imported database. */
  sy_usage_writer_flush (sy_gateway_get_usage_writer (f->t->gateway));
  assert_file_query (db_path, "SELECT requested_model FROM usage_history "
                              "ORDER BY id DESC LIMIT 1", "kept-combo");

  /* The pre-import backup holds the data as it was just before. */
  list = api_expect (f, "GET", "/api/db-backups", NULL, 200);
  g_assert_cmpuint (json_array_get_length (sy_test_response_get_array (list)), ==, 1);
  entry = json_array_get_object_element (sy_test_response_get_array (list), 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "name"), ==, backup);
  g_assert_true (g_str_has_prefix (backup, "switchyard-pre-import-"));
  g_assert_cmpint (json_object_get_int_member (entry, "size"), >, 0);
  g_assert_cmpint (json_object_get_int_member (entry, "createdAt"), >, 0);
  {
    g_autofree char *path = g_build_filename (f->t->data_dir, "backups", backup, NULL);

    assert_file_query (path, "PRAGMA integrity_check", "ok");
    assert_file_query (path, "SELECT name FROM combos", "later-combo");
    assert_file_query (path, "SELECT value FROM settings WHERE key = 'maxBodyBytes'", "4096");
  }
}

/* A raw body works too, and the import limit is not maxBodyBytes. */
static void
test_import_raw_body_past_max_body (Fixture       *f,
                                    gconstpointer  data)
{
  g_autofree char *inbound_key = populate (f);
  g_autoptr(GBytes) exported = export_db (f);
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) answer = NULL;

  g_assert_cmpuint (g_bytes_get_size (exported), >, 1024);
  api_ok (f, "DELETE", "/api/combos/kept-combo", NULL, 204);
  api_ok (f, "PUT", "/api/settings", "{\"maxBodyBytes\": 1024}", 200);

  r = import (f, exported, AS_RAW);
  g_assert_cmpuint (r->status, ==, 200);
  answer = chat (f, "kept-combo");
  g_assert_cmpuint (answer->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (answer->headers, "X-Switchyard-Combo"), ==,
                   "kept-combo");
}

/* A database from an older Switchyard is brought up to date; its provider node serves. */
static void
test_import_migrates_older_schema (Fixture       *f,
                                   gconstpointer  data)
{
  guint n;
  const SyMigration *migrations = sy_migrations_get (&n);
  g_autofree char *dir = g_build_filename (f->t->data_dir, "test-files", NULL);
  g_autofree char *path = g_build_filename (dir, "v1.sqlite", NULL);
  g_autofree char *insert = NULL;
  g_autofree char *version = g_strdup_printf ("%d", sy_database_get_latest_version ());
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) answer = NULL;
  g_autofree char *live_version = NULL;

  g_assert_cmpint (migrations[0].version, ==, 1);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  file_exec (path, migrations[0].sql);
  insert = g_strdup_printf ("PRAGMA user_version = 1; INSERT INTO provider_nodes VALUES "
                            "('node-old', 'old', 'Old', 'openai', '%s', 0, 0)",
                            sy_mock_upstream_get_base_url (f->t->mock));
  file_exec (path, insert);
  bytes = load (path);

  r = import (f, bytes, AS_FORM);
  g_assert_cmpuint (r->status, ==, 200);
  live_version = sy_test_gateway_query_db_text (f->t, "PRAGMA user_version", NULL);
  g_assert_cmpstr (live_version, ==, version);

  /* A node only the imported file knew, with an account made through the migrated schema. */
  api_ok (f, "POST", "/api/providers", "{\"provider\":\"old\",\"apiKey\":\"k\"}", 201);
  answer = chat (f, "old/m1");
  g_assert_cmpuint (answer->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (answer->headers, "X-Switchyard-Provider"), ==,
                   "old");
}

/* Answers cached before an import were routed by the old data: the cache starts empty. */
static void
test_import_empties_response_cache (Fixture       *f,
                                    gconstpointer  data)
{
  static const char request[] = "{\"model\":\"kept-combo\",\"temperature\":0,"
                                "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  g_autofree char *inbound_key = populate (f);
  g_autoptr(GBytes) exported = export_db (f);
  g_autoptr(SyTestResponse) first = sy_test_gateway_chat (f->t, request);
  g_autoptr(SyTestResponse) cached = sy_test_gateway_chat (f->t, request);
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) after = NULL;

  g_assert_cmpuint (first->status, ==, 200);
  g_assert_cmpuint (cached->status, ==, 200);
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 1);

  r = import (f, exported, AS_FORM);
  g_assert_cmpuint (r->status, ==, 200);
  after = sy_test_gateway_chat (f->t, request);
  g_assert_cmpuint (after->status, ==, 200);
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 2);
}

/* Automatic backups: the newest SY_DB_BACKUP_KEEP stay, older ones go. */
static void
test_import_keeps_ten_backups (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *inbound_key = populate (f);
  g_autoptr(GBytes) exported = export_db (f);
  g_autofree char *dir = g_build_filename (f->t->data_dir, "backups", NULL);
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) list = NULL;
  g_autofree char *mine = g_build_filename (dir, "my-own-copy.sqlite", NULL);
  g_autofree char *pruned =
    g_build_filename (dir, "switchyard-pre-import-20000101-000002-000.sqlite", NULL);
  JsonArray *array;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *name = g_strdup_printf ("switchyard-pre-import-20000101-0000%02u-000.sqlite",
                                               i);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_true (g_file_set_contents (path, "old", -1, NULL));
    }
  g_assert_true (g_file_set_contents (mine, "mine", -1, NULL));

  r = import (f, exported, AS_FORM);
  g_assert_cmpuint (r->status, ==, 200);
  list = api_expect (f, "GET", "/api/db-backups", NULL, 200);
  array = sy_test_response_get_array (list);
  g_assert_cmpuint (json_array_get_length (array), ==, 10);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0),
                                                  "name"),
                   ==, sy_test_response_get_string (r, "preImportBackup"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 9),
                                                  "name"),
                   ==, "switchyard-pre-import-20000101-000003-000.sqlite");
  g_assert_false (g_file_test (pruned, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (mine, G_FILE_TEST_EXISTS));  /* not ours: left alone */
}

/* --- refusals ------------------------------------------------------------------------------ */

static void
test_refuse_not_sqlite (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *inbound_key = populate (f);
  static const char csv[] = "name,value\nthis,is a csv file\n";
  g_autoptr(GBytes) text = g_bytes_new_static (csv, strlen (csv));

  assert_refused (f, text, "not a SQLite database");
}

static void
test_refuse_corrupted (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *inbound_key = populate (f);
  g_autoptr(GBytes) exported = export_db (f);
  gsize len;
  guint8 *bytes = g_bytes_unref_to_data (g_bytes_ref (exported), &len);
  guint page = (bytes[16] << 8) | bytes[17];
  g_autoptr(GBytes) damaged = NULL;

  /* Page 1 (the header and the schema) stays; every other page becomes garbage. */
  g_assert_cmpuint (page, >=, 512);
  g_assert_cmpuint (len, >, 2 * page);
  for (gsize i = page; i < len; i++)
    bytes[i] = (guint8) (0x5a ^ (i * 131));
  damaged = g_bytes_new_take (bytes, len);
  assert_refused (f, damaged, "the database is damaged (PRAGMA integrity_check: ");
}

/* The schema reads fine, but one table's root page is garbage. */
static void
test_refuse_failed_integrity_check (Fixture       *f,
                                    gconstpointer  data)
{
  g_autofree char *inbound_key = populate (f);
  g_autoptr(GBytes) exported = export_db (f);
  g_autofree char *path = save (f, exported, "export.sqlite");
  g_autofree char *root = file_query (path, "SELECT rootpage FROM sqlite_master "
                                            "WHERE name = 'combos'");
  gsize len;
  guint8 *bytes = g_bytes_unref_to_data (g_bytes_ref (exported), &len);
  guint page = (bytes[16] << 8) | bytes[17];
  gsize start = (g_ascii_strtoull (root, NULL, 10) - 1) * page;
  g_autoptr(GBytes) damaged = NULL;

  g_assert_cmpuint (start, >, 0);
  g_assert_cmpuint (start + page, <=, len);
  memset (bytes + start, 0xee, page);
  damaged = g_bytes_new_take (bytes, len);
  assert_refused (f, damaged, "the database is damaged (PRAGMA integrity_check: ");
}

static void
test_refuse_missing_table (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *inbound_key = populate (f);
  g_autoptr(GBytes) exported = export_db (f);
  g_autofree char *path = save (f, exported, "no-combos.sqlite");
  g_autoptr(GBytes) bytes = NULL;

  file_exec (path, "DROP TABLE combos");
  bytes = load (path);
  assert_refused (f, bytes, "required table missing: combos");
}

static void
test_refuse_newer_schema (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *inbound_key = populate (f);
  g_autoptr(GBytes) exported = export_db (f);
  g_autofree char *path = save (f, exported, "newer.sqlite");
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d",
                                          sy_database_get_latest_version () + 1);
  g_autoptr(GBytes) bytes = NULL;

  file_exec (path, sql);
  bytes = load (path);
  assert_refused (f, bytes, "newer");
}

static void
test_refuse_bad_forms (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(SoupMultipart) form = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SyTestResponse) no_file = NULL;
  g_autoptr(SyTestResponse) empty = NULL;
  g_autoptr(SyTestResponse) json = NULL;
  g_autoptr(SyTestResponse) get = NULL;
  g_autoptr(SyTestResponse) unknown = NULL;

  soup_multipart_append_form_string (form, "database", "not the right field");
  soup_multipart_to_message (form, headers, &body);
  no_file = sy_test_gateway_request (f->t, "POST", IMPORT_PATH,
                                     soup_message_headers_get_one (headers, "Content-Type"),
                                     g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                     "Authorization", "Bearer " SY_TEST_ADMIN_TOKEN, NULL);
  g_assert_cmpuint (no_file->status, ==, 400);
  g_assert_true (g_str_has_prefix (sy_test_response_get_string (no_file, "error.message"),
                                   "file: missing"));

  empty = sy_test_gateway_request (f->t, "POST", IMPORT_PATH, "application/octet-stream", "", 0,
                                   "Authorization", "Bearer " SY_TEST_ADMIN_TOKEN, NULL);
  g_assert_cmpuint (empty->status, ==, 400);
  g_assert_cmpstr (sy_test_response_get_string (empty, "error.message"), ==, "file: empty");

  json = sy_test_gateway_api (f->t, "POST", IMPORT_PATH, "{}");
  g_assert_cmpuint (json->status, ==, 415);

  get = sy_test_gateway_api (f->t, "GET", IMPORT_PATH, NULL);
  g_assert_cmpuint (get->status, ==, 405);
  g_assert_cmpstr (soup_message_headers_get_one (get->headers, "Allow"), ==, "POST");
  unknown = sy_test_gateway_api (f->t, "GET", "/api/db-backups/restore", NULL);
  g_assert_cmpuint (unknown->status, ==, 404);
  g_assert_cmpuint (backup_count (f), ==, 0);
}

typedef struct
{
  gboolean  done;
  GBytes   *body;
} Pending;

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pending *p = user_data;

  p->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  p->done = TRUE;
}

/* Over 100 MB announced: refused before a byte of the body is read (the client waits for
 * 100 Continue and never sends it). */
static void
test_refuse_too_large (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *url = g_strconcat (f->t->base_url, IMPORT_PATH, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data ("SQLite format 3", 16,
                                                                        NULL);
  Pending p = { FALSE, NULL };
  g_autofree char *text = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                "Bearer " SY_TEST_ADMIN_TOKEN);
  soup_message_headers_set_expectations (soup_message_get_request_headers (msg),
                                         SOUP_EXPECTATION_CONTINUE);
  soup_message_set_request_body (msg, "application/octet-stream", stream,
                                 (gssize) 101 * 1024 * 1024);
  soup_session_send_and_read_async (f->t->client, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &p);
  while (!p.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (soup_message_get_status (msg), ==, 413);
  g_assert_nonnull (p.body);
  text = g_strndup (g_bytes_get_data (p.body, NULL), g_bytes_get_size (p.body));
  g_assert_nonnull (strstr (text, "database imports"));
  g_bytes_unref (p.body);
  g_assert_cmpuint (backup_count (f), ==, 0);
}

/* --- in flight ----------------------------------------------------------------------------- */

/* A request in flight during an import keeps the routing state it started with: when it ends
 * (here, cut by shutdown) it gives its outbound slot back there, not to the new state. */
static void
test_in_flight_request_survives_import (Fixture       *f,
                                        gconstpointer  data)
{
  g_autofree char *inbound_key = populate (f);
  g_autoptr(GBytes) exported = export_db (f);
  g_autofree char *url = g_strconcat (f->t->base_url, "/v1/chat/completions", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  static const char json[] = "{\"model\":\"p1/slow\",\"messages\":[{\"role\":\"user\","
                             "\"content\":\"hi\"}]}";
  g_autoptr(GBytes) body = g_bytes_new_static (json, strlen (json));
  SyMockBehaviour hang = { SY_MOCK_HANG };
  Pending p = { FALSE, NULL };
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) answer = NULL;

  sy_mock_upstream_push (f->t->mock, &hang);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  soup_session_send_and_read_async (f->t->client, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &p);
  while (sy_mock_upstream_get_requests (f->t->mock)->len == 0)
    g_main_context_iteration (NULL, TRUE);

  r = import (f, exported, AS_FORM);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_false (p.done);

  /* New requests run on the new objects... */
  answer = chat (f, "kept-combo");
  g_assert_cmpuint (answer->status, ==, 200);

  /* ...and the old one ends on its own. */
  sy_gateway_shutdown (f->t->gateway);
  while (!p.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (soup_message_get_status (msg), !=, 200);
  g_clear_pointer (&p.body, g_bytes_unref);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sy/gateway/backups/" path, Fixture, NULL, sy_test_gateway_fixture_setup, func, \
              sy_test_gateway_fixture_teardown)
  ADD ("export/database", test_export_is_a_database);
  ADD ("export/archive", test_export_all_archive);
  ADD ("import/restores-export", test_import_restores_export);
  ADD ("import/raw-body-past-max-body", test_import_raw_body_past_max_body);
  ADD ("import/migrates-older-schema", test_import_migrates_older_schema);
  ADD ("import/empties-response-cache", test_import_empties_response_cache);
  ADD ("import/keeps-ten-backups", test_import_keeps_ten_backups);
  ADD ("import/in-flight-request", test_in_flight_request_survives_import);
  ADD ("refuse/not-sqlite", test_refuse_not_sqlite);
  ADD ("refuse/corrupted", test_refuse_corrupted);
  ADD ("refuse/failed-integrity-check", test_refuse_failed_integrity_check);
  ADD ("refuse/missing-table", test_refuse_missing_table);
  ADD ("refuse/newer-schema", test_refuse_newer_schema);
  ADD ("refuse/bad-forms", test_refuse_bad_forms);
  ADD ("refuse/too-large", test_refuse_too_large);
#undef ADD

  return g_test_run ();
}

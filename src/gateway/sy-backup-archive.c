/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Builds the JSON members of the full backup archive from the running gateway (main thread)
 * and writes the .tar.gz (worker thread). Must never put a credential in the archive: API keys
 * are in the secret store, inbound keys leave only their id, name and prefix, and any setting
 * member that looks like a credential is redacted on the way out.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-backup-archive.h"

#include <string.h>

#include "gateway/sy-api.h"
#include "store/sy-database.h"
#include "store/sy-tar-writer.h"

#define DB_MEMBER  "switchyard.db"
#define REDACTED   "[redacted]"

void
sy_backup_entry_free (SyBackupEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->name);
  g_clear_pointer (&entry->data, g_bytes_unref);
  g_free (entry);
}

static void
add_entry (GPtrArray  *entries,
           const char *name,
           JsonNode   *root)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  SyBackupEntry *entry = g_new0 (SyBackupEntry, 1);
  gsize len;
  char *text;

  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, &len);
  entry->name = g_strdup (name);
  entry->data = g_bytes_new_take (text, len);
  g_ptr_array_add (entries, entry);
}

/* --- redaction ----------------------------------------------------------------------------- */

static gboolean
name_is_credential (const char *name)
{
  static const char * const names[] = {
    "password", "passwd", "secret", "clientsecret", "apikey", "api_key", "token",
    "accesstoken", "refreshtoken", "authorization", "cookie", "privatekey", NULL
  };
  g_autofree char *folded = g_ascii_strdown (name, -1);

  return g_strv_contains (names, folded);
}

/* "http://user:pass@host:8080" -> "http://user:[redacted]@host:8080". */
static char *
redact_url (const char *text)
{
  g_autoptr(GUri) uri = NULL;

  if (strstr (text, "://") == NULL || strchr (text, '@') == NULL)
    return NULL;
  uri = g_uri_parse (text, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || g_uri_get_password (uri) == NULL)
    return NULL;
  return g_uri_join_with_user (G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED,
                               g_uri_get_scheme (uri), g_uri_get_user (uri), REDACTED, NULL,
                               g_uri_get_host (uri), g_uri_get_port (uri), g_uri_get_path (uri),
                               g_uri_get_query (uri), g_uri_get_fragment (uri));
}

static void
redact (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *child = json_object_get_member (object, l->data);

          if (name_is_credential (l->data) && !JSON_NODE_HOLDS_NULL (child))
            json_object_set_string_member (object, l->data, REDACTED);
          else
            redact (child);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        redact (json_array_get_element (array, i));
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_autofree char *clean = redact_url (json_node_get_string (node));

      if (clean != NULL)
        json_node_set_string (node, clean);
    }
}

/* --- members ------------------------------------------------------------------------------- */

static void
add_combos (GPtrArray *entries,
            SyGateway *gateway)
{
  g_autoptr(GPtrArray) combos = sy_combo_repo_list (sy_gateway_get_combos (gateway));
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; i < combos->len; i++)
    {
      SyCombo *combo = g_ptr_array_index (combos, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, combo->id);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, combo->name);
      json_builder_set_member_name (b, "strategy");
      json_builder_add_string_value (b, combo->strategy);
      json_builder_set_member_name (b, "models");
      sy_combo_write_members (combo, b);
      json_builder_set_member_name (b, "sortOrder");
      json_builder_add_int_value (b, combo->sort_order);
      json_builder_set_member_name (b, "createdAt");
      json_builder_add_int_value (b, combo->created_at);
      json_builder_set_member_name (b, "updatedAt");
      json_builder_add_int_value (b, combo->updated_at);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  add_entry (entries, "combos.json", root);
}

static void
add_nodes (GPtrArray *entries,
           SyGateway *gateway)
{
  g_autoptr(GPtrArray) nodes = sy_node_repo_list (sy_gateway_get_nodes (gateway));
  g_autoptr(JsonArray) array = json_array_sized_new (nodes->len);
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < nodes->len; i++)
    json_array_add_element (array, sy_api_node_to_json (g_ptr_array_index (nodes, i)));
  json_node_set_array (root, array);
  redact (root);
  add_entry (entries, "provider-nodes.json", root);
}

/* Accounts as GET /api/providers shows them: whether a key exists, never the key. */
static void
add_connections (GPtrArray *entries,
                 SyGateway *gateway)
{
  g_autoptr(GPtrArray) all = sy_connection_repo_list (sy_gateway_get_connections (gateway), NULL);
  g_autoptr(JsonArray) array = json_array_sized_new (all->len);
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < all->len; i++)
    json_array_add_element (array, sy_api_connection_to_json (gateway, g_ptr_array_index (all, i)));
  json_node_set_array (root, array);
  redact (root);
  add_entry (entries, "provider-connections.json", root);
}

static void
add_custom_models (GPtrArray *entries,
                   SyGateway *gateway)
{
  g_autoptr(JsonNode) root = sy_api_custom_models_to_json (gateway, NULL, NULL);

  add_entry (entries, "custom-models.json", root);
}

/* Metadata only: no key, no hash. */
static void
add_api_keys (GPtrArray *entries,
              SyGateway *gateway)
{
  g_autoptr(GPtrArray) keys = sy_api_key_repo_list (sy_gateway_get_api_keys (gateway));
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; i < keys->len; i++)
    {
      SyApiKey *key = g_ptr_array_index (keys, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, key->id);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, key->name);
      json_builder_set_member_name (b, "prefix");
      json_builder_add_string_value (b, key->key_prefix);
      json_builder_set_member_name (b, "createdAt");
      json_builder_add_int_value (b, key->created_at);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  add_entry (entries, "api-keys.json", root);
}

static void
add_manifest (GPtrArray *entries)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = g_date_time_format_iso8601 (now);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "app");
  json_builder_add_string_value (b, "switchyard");
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, SY_VERSION);
  json_builder_set_member_name (b, "schemaVersion");
  json_builder_add_int_value (b, sy_database_get_latest_version ());
  json_builder_set_member_name (b, "created");
  json_builder_add_string_value (b, created);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "manifest.json");
  for (guint i = 0; i < entries->len; i++)
    json_builder_add_string_value (b, ((SyBackupEntry *) g_ptr_array_index (entries, i))->name);
  json_builder_add_string_value (b, DB_MEMBER);
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  add_entry (entries, "manifest.json", root);
  /* First in the archive, so a reader meets it before anything else. */
  g_ptr_array_insert (entries, 0, g_ptr_array_steal_index (entries, entries->len - 1));
}

GPtrArray *
sy_backup_archive_collect (SyGateway *gateway)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_backup_entry_free);
  g_autoptr(JsonNode) settings = NULL;

  g_return_val_if_fail (SY_IS_GATEWAY (gateway), entries);

  settings = sy_settings_repo_to_json (sy_gateway_get_settings (gateway));
  redact (settings);
  add_entry (entries, "settings.json", settings);
  add_combos (entries, gateway);
  add_nodes (entries, gateway);
  add_connections (entries, gateway);
  add_custom_models (entries, gateway);
  add_api_keys (entries, gateway);
  add_manifest (entries);
  return entries;
}

/* --- the archive --------------------------------------------------------------------------- */

gboolean
sy_backup_archive_write (const char  *dest_path,
                         GPtrArray   *entries,
                         const char  *db_path,
                         GError     **error)
{
  g_autoptr(GFile) dest = g_file_new_for_path (dest_path);
  g_autoptr(GFile) db = g_file_new_for_path (db_path);
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GZlibCompressor) gzip = NULL;
  g_autoptr(GOutputStream) compressed = NULL;
  g_autoptr(SyTarWriter) tar = NULL;
  g_autoptr(GFileInputStream) db_in = NULL;
  g_autoptr(GFileInfo) db_info = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  out = g_file_replace (dest, NULL, FALSE,
                        G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION, NULL, error);
  if (out == NULL)
    return FALSE;
  gzip = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
  compressed = g_converter_output_stream_new (G_OUTPUT_STREAM (out), G_CONVERTER (gzip));
  tar = sy_tar_writer_new (compressed);

  for (guint i = 0; i < entries->len; i++)
    {
      SyBackupEntry *entry = g_ptr_array_index (entries, i);

      if (!sy_tar_writer_add_bytes (tar, entry->name, entry->data, now, NULL, error))
        return FALSE;
    }

  if ((db_in = g_file_read (db, NULL, error)) == NULL ||
      (db_info = g_file_input_stream_query_info (db_in, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL,
                                                 error)) == NULL ||
      !sy_tar_writer_add_stream (tar, DB_MEMBER, G_INPUT_STREAM (db_in),
                                 g_file_info_get_size (db_info), now, NULL, error) ||
      !sy_tar_writer_finish (tar, NULL, error))
    return FALSE;
  /* Closing the converter flushes the gzip trailer and closes the file. */
  return g_output_stream_close (compressed, NULL, error);
}

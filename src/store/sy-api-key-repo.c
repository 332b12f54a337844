/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * api_keys, indexed in memory by key hash so authenticating a request is one SHA-256 and one
 * hash-table lookup. Keys are 32 random bytes ("sy-" + base64url); plaintext is never stored.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-api-key-repo.h"

#include <json-glib/json-glib.h>

#include "core/sy-crypto.h"

#define KEY_PREFIX_SHOWN 10

struct _SyApiKeyRepo
{
  GObject     parent_instance;
  SyDatabase *db;
  GHashTable *by_hash;  /* key_hash (borrowed) -> SyApiKey */
};

G_DEFINE_FINAL_TYPE (SyApiKeyRepo, sy_api_key_repo, G_TYPE_OBJECT)

static void
sy_api_key_repo_dispose (GObject *object)
{
  SyApiKeyRepo *self = SY_API_KEY_REPO (object);

  g_clear_object (&self->db);
  G_OBJECT_CLASS (sy_api_key_repo_parent_class)->dispose (object);
}

static void
sy_api_key_repo_finalize (GObject *object)
{
  SyApiKeyRepo *self = SY_API_KEY_REPO (object);

  g_clear_pointer (&self->by_hash, g_hash_table_unref);
  G_OBJECT_CLASS (sy_api_key_repo_parent_class)->finalize (object);
}

static void
sy_api_key_repo_class_init (SyApiKeyRepoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_api_key_repo_dispose;
  object_class->finalize = sy_api_key_repo_finalize;
}

static void
sy_api_key_repo_init (SyApiKeyRepo *self)
{
  self->by_hash = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) sy_api_key_unref);
}

/* The scope columns: JSON arrays of strings. Anything else reads as empty (no restriction
 * cannot come from a bad row: only this repository writes them, through strv_to_json). */
static char **
strv_from_json (const char *text)
{
  g_autoptr(JsonNode) node = text ? json_from_string (text, NULL) : NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (item));
        }
    }
  else if (text != NULL && g_strcmp0 (text, "[]") != 0)
    g_warning ("api_keys: ignoring a scope that is not a JSON array of strings");
  return g_strv_builder_end (builder);
}

static char *
strv_to_json (char **strv)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_new ();

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_array_add_string_element (array, strv[i]);
  json_node_take_array (node, array);
  return json_to_string (node, FALSE);
}

SyApiKeyRepo *
sy_api_key_repo_new (SyDatabase  *db,
                     GError     **error)
{
  g_autoptr(SyApiKeyRepo) self = g_object_new (SY_TYPE_API_KEY_REPO, NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  self->db = g_object_ref (db);
  stmt = sy_database_prepare (db, "SELECT id, name, key_hash, key_prefix, created_at, "
                                  "allowed_models, allowed_combos, max_requests_per_minute, "
                                  "max_requests_per_day FROM api_keys", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SyApiKey *key = sy_api_key_new ();

      key->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      key->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      key->key_hash = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      key->key_prefix = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      key->created_at = sqlite3_column_int64 (stmt, 4);
      key->allowed_models = strv_from_json ((const char *) sqlite3_column_text (stmt, 5));
      key->allowed_combos = strv_from_json ((const char *) sqlite3_column_text (stmt, 6));
      key->max_requests_per_minute = sqlite3_column_int (stmt, 7);
      key->max_requests_per_day = sqlite3_column_int (stmt, 8);
      g_hash_table_replace (self->by_hash, key->key_hash, key);
    }
  if (rc != SQLITE_DONE)
    {
      sy_database_set_error (db, error, "cannot read api_keys");
      return NULL;
    }
  return g_steal_pointer (&self);
}

static int
compare_created (gconstpointer a,
                 gconstpointer b)
{
  const SyApiKey *ka = *(SyApiKey * const *) a;
  const SyApiKey *kb = *(SyApiKey * const *) b;

  if (ka->created_at != kb->created_at)
    return ka->created_at < kb->created_at ? -1 : 1;
  return g_strcmp0 (ka->id, kb->id);
}

GPtrArray *
sy_api_key_repo_list (SyApiKeyRepo *self)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_api_key_unref);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->by_hash);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (out, sy_api_key_ref (value));
  g_ptr_array_sort (out, compare_created);
  return out;
}

guint
sy_api_key_repo_get_count (SyApiKeyRepo *self)
{
  g_return_val_if_fail (SY_IS_API_KEY_REPO (self), 0);
  return g_hash_table_size (self->by_hash);
}

SyApiKey *
sy_api_key_repo_create (SyApiKeyRepo  *self,
                        const char    *name,
                        char         **out_plaintext,
                        GError       **error)
{
  g_autoptr(SyApiKey) key = sy_api_key_new ();
  g_autofree char *plaintext = sy_random_token ("sy-", 32);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (SY_IS_API_KEY_REPO (self), NULL);
  g_return_val_if_fail (out_plaintext != NULL, NULL);

  key->id = sy_record_new_id ();
  key->name = g_strdup (name);
  key->key_hash = sy_sha256_hex (plaintext, -1);
  key->key_prefix = g_strndup (plaintext, KEY_PREFIX_SHOWN);
  key->created_at = sy_record_now_ms ();
  key->allowed_models = g_new0 (char *, 1);
  key->allowed_combos = g_new0 (char *, 1);

  stmt = sy_database_prepare (self->db, "INSERT INTO api_keys (id, name, key_hash, key_prefix, "
                                        "created_at) VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, key->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, key->key_hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, key->key_prefix, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, key->created_at);
  if (!sy_database_step_done (self->db, stmt, error))
    return NULL;

  g_hash_table_replace (self->by_hash, key->key_hash, sy_api_key_ref (key));
  *out_plaintext = g_steal_pointer (&plaintext);
  return g_steal_pointer (&key);
}

SyApiKey *
sy_api_key_repo_authenticate (SyApiKeyRepo *self,
                              const char   *plaintext)
{
  g_autofree char *hash = NULL;
  SyApiKey *key;

  g_return_val_if_fail (SY_IS_API_KEY_REPO (self), NULL);

  if (plaintext == NULL || *plaintext == '\0' || g_hash_table_size (self->by_hash) == 0)
    return NULL;
  hash = sy_sha256_hex (plaintext, -1);
  key = g_hash_table_lookup (self->by_hash, hash);
  return key ? sy_api_key_ref (key) : NULL;
}

SyApiKey *
sy_api_key_repo_lookup (SyApiKeyRepo *self,
                        const char   *id)
{
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (SY_IS_API_KEY_REPO (self), NULL);

  g_hash_table_iter_init (&iter, self->by_hash);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_str_equal (((SyApiKey *) value)->id, id))
      return sy_api_key_ref (value);
  return NULL;
}

SyApiKey *
sy_api_key_repo_update (SyApiKeyRepo    *self,
                        const char      *id,
                        const SyApiKey  *changes,
                        GError         **error)
{
  g_autoptr(SyApiKey) current = NULL;
  g_autoptr(SyApiKey) key = sy_api_key_new ();
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *models = NULL;
  g_autofree char *combos = NULL;

  g_return_val_if_fail (SY_IS_API_KEY_REPO (self), NULL);
  g_return_val_if_fail (changes != NULL && changes->name != NULL, NULL);

  if ((current = sy_api_key_repo_lookup (self, id)) == NULL)
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_NOT_FOUND, "no API key %s", id);
      return NULL;
    }
  /* A new record: requests in flight keep the one they started with. */
  key->id = g_strdup (current->id);
  key->key_hash = g_strdup (current->key_hash);
  key->key_prefix = g_strdup (current->key_prefix);
  key->created_at = current->created_at;
  key->name = g_strdup (changes->name);
  key->allowed_models = changes->allowed_models ? g_strdupv (changes->allowed_models)
                                                : g_new0 (char *, 1);
  key->allowed_combos = changes->allowed_combos ? g_strdupv (changes->allowed_combos)
                                                : g_new0 (char *, 1);
  key->max_requests_per_minute = changes->max_requests_per_minute;
  key->max_requests_per_day = changes->max_requests_per_day;

  models = strv_to_json (key->allowed_models);
  combos = strv_to_json (key->allowed_combos);
  stmt = sy_database_prepare (self->db, "UPDATE api_keys SET name = ?, allowed_models = ?, "
                                        "allowed_combos = ?, max_requests_per_minute = ?, "
                                        "max_requests_per_day = ? WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, models, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, combos, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, key->max_requests_per_minute);
  sqlite3_bind_int (stmt, 5, key->max_requests_per_day);
  sqlite3_bind_text (stmt, 6, key->id, -1, SQLITE_STATIC);
  if (!sy_database_step_done (self->db, stmt, error))
    return NULL;

  g_hash_table_replace (self->by_hash, key->key_hash, sy_api_key_ref (key));
  return g_steal_pointer (&key);
}

gboolean
sy_api_key_repo_delete (SyApiKeyRepo  *self,
                        const char    *id,
                        GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (SY_IS_API_KEY_REPO (self), FALSE);

  g_hash_table_iter_init (&iter, self->by_hash);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SyApiKey *key = value;

      if (!g_str_equal (key->id, id))
        continue;
      stmt = sy_database_prepare (self->db, "DELETE FROM api_keys WHERE id = ?", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      if (!sy_database_step_done (self->db, stmt, error))
        return FALSE;
      g_hash_table_iter_remove (&iter);
      return TRUE;
    }
  g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_NOT_FOUND, "no API key %s", id);
  return FALSE;
}

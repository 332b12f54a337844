/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * api_keys, indexed in memory by key hash so authenticating a request is one SHA-256 and one
 * hash-table lookup. Keys are 32 random bytes ("sy-" + base64url); plaintext is never stored.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-api-key-repo.h"

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

SyApiKeyRepo *
sy_api_key_repo_new (SyDatabase  *db,
                     GError     **error)
{
  g_autoptr(SyApiKeyRepo) self = g_object_new (SY_TYPE_API_KEY_REPO, NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  self->db = g_object_ref (db);
  stmt = sy_database_prepare (db, "SELECT id, name, key_hash, key_prefix, created_at "
                                  "FROM api_keys", error);
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

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * provider_connections, read once at start and written through. The in-memory array stays
 * sorted (priority, created_at, id) so the router reads candidates in order without sorting,
 * and indexed by provider (rebuilt on every change, which is rare) so a request reads only its
 * provider's accounts however many others there are.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-connection-repo.h"

struct _SyConnectionRepo
{
  GObject     parent_instance;
  SyDatabase *db;
  GPtrArray  *all;         /* SyConnection, sorted */
  GHashTable *by_provider; /* provider -> GPtrArray of SyConnection, sorted */
  guint       generation;
};

G_DEFINE_FINAL_TYPE (SyConnectionRepo, sy_connection_repo, G_TYPE_OBJECT)

static void
sy_connection_repo_dispose (GObject *object)
{
  SyConnectionRepo *self = SY_CONNECTION_REPO (object);

  g_clear_object (&self->db);
  G_OBJECT_CLASS (sy_connection_repo_parent_class)->dispose (object);
}

static void
sy_connection_repo_finalize (GObject *object)
{
  SyConnectionRepo *self = SY_CONNECTION_REPO (object);

  g_clear_pointer (&self->all, g_ptr_array_unref);
  g_clear_pointer (&self->by_provider, g_hash_table_unref);
  G_OBJECT_CLASS (sy_connection_repo_parent_class)->finalize (object);
}

static void
sy_connection_repo_class_init (SyConnectionRepoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_connection_repo_dispose;
  object_class->finalize = sy_connection_repo_finalize;
}

static void
sy_connection_repo_init (SyConnectionRepo *self)
{
  self->all = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_connection_unref);
  self->by_provider = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_ptr_array_unref);
}

static int
compare_connections (gconstpointer a,
                     gconstpointer b)
{
  const SyConnection *ca = *(SyConnection * const *) a;
  const SyConnection *cb = *(SyConnection * const *) b;

  if (ca->priority != cb->priority)
    return ca->priority < cb->priority ? -1 : 1;
  if (ca->created_at != cb->created_at)
    return ca->created_at < cb->created_at ? -1 : 1;
  return g_strcmp0 (ca->id, cb->id);
}

/* Sorts the array and rebuilds the per-provider index from it. */
static void
reindex (SyConnectionRepo *self)
{
  g_ptr_array_sort (self->all, compare_connections);
  g_hash_table_remove_all (self->by_provider);
  for (guint i = 0; i < self->all->len; i++)
    {
      SyConnection *c = g_ptr_array_index (self->all, i);
      GPtrArray *list = g_hash_table_lookup (self->by_provider, c->provider);

      if (list == NULL)
        {
          list = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_connection_unref);
          g_hash_table_insert (self->by_provider, g_strdup (c->provider), list);
        }
      g_ptr_array_add (list, sy_connection_ref (c));
    }
  self->generation++;
}

static int
find_index (SyConnectionRepo *self,
            const char       *id)
{
  for (guint i = 0; i < self->all->len; i++)
    {
      SyConnection *c = g_ptr_array_index (self->all, i);

      if (g_str_equal (c->id, id))
        return (int) i;
    }
  return -1;
}

/* NULL (follow the global setting) reads as -1. */
static int
column_limit (sqlite3_stmt *stmt,
              int           column)
{
  return sqlite3_column_type (stmt, column) == SQLITE_NULL ? -1
                                                           : sqlite3_column_int (stmt, column);
}

static void
bind_limit (sqlite3_stmt *stmt,
            int           column,
            int           value)
{
  if (value < 0)
    sqlite3_bind_null (stmt, column);
  else
    sqlite3_bind_int (stmt, column, value);
}

SyConnectionRepo *
sy_connection_repo_new (SyDatabase  *db,
                        GError     **error)
{
  g_autoptr(SyConnectionRepo) self = g_object_new (SY_TYPE_CONNECTION_REPO, NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  self->db = g_object_ref (db);
  stmt = sy_database_prepare (db, "SELECT id, provider, auth_type, name, base_url, priority, "
                                  "is_active, has_secret, created_at, updated_at, rpm_limit, "
                                  "min_gap_ms, max_concurrent, auth_state, auth_error, account, "
                                  "token_expires_at, provider_data FROM provider_connections",
                              error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SyConnection *c = sy_connection_new ();

      g_free (c->auth_type);
      g_free (c->auth_state);
      g_free (c->provider_data);
      c->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      c->provider = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      c->auth_type = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      c->name = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      c->base_url = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      c->priority = sqlite3_column_int (stmt, 5);
      c->enabled = sqlite3_column_int (stmt, 6) != 0;
      c->has_secret = sqlite3_column_int (stmt, 7) != 0;
      c->created_at = sqlite3_column_int64 (stmt, 8);
      c->updated_at = sqlite3_column_int64 (stmt, 9);
      c->rpm_limit = column_limit (stmt, 10);
      c->min_gap_ms = column_limit (stmt, 11);
      c->max_concurrent = column_limit (stmt, 12);
      c->auth_state = g_strdup ((const char *) sqlite3_column_text (stmt, 13));
      c->auth_error = g_strdup ((const char *) sqlite3_column_text (stmt, 14));
      c->account = g_strdup ((const char *) sqlite3_column_text (stmt, 15));
      c->token_expires_at = sqlite3_column_int64 (stmt, 16);
      c->provider_data = g_strdup ((const char *) sqlite3_column_text (stmt, 17));
      g_ptr_array_add (self->all, c);
    }
  if (rc != SQLITE_DONE)
    {
      sy_database_set_error (db, error, "cannot read provider_connections");
      return NULL;
    }
  reindex (self);
  return g_steal_pointer (&self);
}

GPtrArray *
sy_connection_repo_list (SyConnectionRepo *self,
                         const char       *provider)
{
  GPtrArray *from;
  GPtrArray *out;

  g_return_val_if_fail (SY_IS_CONNECTION_REPO (self), NULL);

  from = provider == NULL ? self->all : g_hash_table_lookup (self->by_provider, provider);
  out = g_ptr_array_new_full (from ? from->len : 0, (GDestroyNotify) sy_connection_unref);
  for (guint i = 0; from != NULL && i < from->len; i++)
    g_ptr_array_add (out, sy_connection_ref (g_ptr_array_index (from, i)));
  return out;
}

SyConnection *
sy_connection_repo_lookup (SyConnectionRepo *self,
                           const char       *id)
{
  int i;

  g_return_val_if_fail (SY_IS_CONNECTION_REPO (self), NULL);

  i = find_index (self, id);
  return i < 0 ? NULL : sy_connection_ref (g_ptr_array_index (self->all, i));
}

gboolean
sy_connection_repo_save (SyConnectionRepo  *self,
                         SyConnection      *c,
                         GError           **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int i;

  g_return_val_if_fail (SY_IS_CONNECTION_REPO (self), FALSE);
  g_return_val_if_fail (c->id != NULL && c->provider != NULL, FALSE);

  stmt = sy_database_prepare (self->db,
                              "INSERT OR REPLACE INTO provider_connections (id, provider, "
                              "auth_type, name, base_url, priority, is_active, has_secret, "
                              "created_at, updated_at, rpm_limit, min_gap_ms, max_concurrent, "
                              "auth_state, auth_error, account, token_expires_at, provider_data) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, c->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, c->provider, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, c->auth_type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, c->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, c->base_url, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 6, c->priority);
  sqlite3_bind_int (stmt, 7, c->enabled);
  sqlite3_bind_int (stmt, 8, c->has_secret);
  sqlite3_bind_int64 (stmt, 9, c->created_at);
  sqlite3_bind_int64 (stmt, 10, c->updated_at);
  bind_limit (stmt, 11, c->rpm_limit);
  bind_limit (stmt, 12, c->min_gap_ms);
  bind_limit (stmt, 13, c->max_concurrent);
  sqlite3_bind_text (stmt, 14, c->auth_state ? c->auth_state : "ok", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 15, c->auth_error, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 16, c->account, -1, SQLITE_STATIC);
  if (c->token_expires_at > 0)
    sqlite3_bind_int64 (stmt, 17, c->token_expires_at);
  else
    sqlite3_bind_null (stmt, 17);
  sqlite3_bind_text (stmt, 18, c->provider_data ? c->provider_data : "{}", -1, SQLITE_STATIC);
  if (!sy_database_step_done (self->db, stmt, error))
    return FALSE;

  i = find_index (self, c->id);
  if (i >= 0)
    g_ptr_array_remove_index (self->all, i);
  g_ptr_array_add (self->all, sy_connection_ref (c));
  reindex (self);
  return TRUE;
}

gboolean
sy_connection_repo_delete (SyConnectionRepo  *self,
                           const char        *id,
                           GError           **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int i;

  g_return_val_if_fail (SY_IS_CONNECTION_REPO (self), FALSE);

  i = find_index (self, id);
  if (i < 0)
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_NOT_FOUND, "no provider connection %s", id);
      return FALSE;
    }
  stmt = sy_database_prepare (self->db, "DELETE FROM provider_connections WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (!sy_database_step_done (self->db, stmt, error))
    return FALSE;

  g_ptr_array_remove_index (self->all, i);
  reindex (self);
  return TRUE;
}

guint
sy_connection_repo_get_generation (SyConnectionRepo *self)
{
  g_return_val_if_fail (SY_IS_CONNECTION_REPO (self), 0);
  return self->generation;
}

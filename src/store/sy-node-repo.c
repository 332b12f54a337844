/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * provider_nodes, read once at start and written through on every change so lookups on the
 * request path never touch SQLite. Validation of field values is the API layer's job.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-node-repo.h"

struct _SyNodeRepo
{
  GObject     parent_instance;
  SyDatabase *db;
  GHashTable *by_id;      /* id -> SyProviderNode */
  GHashTable *by_prefix;  /* prefix (borrowed from the node) -> SyProviderNode */
};

G_DEFINE_FINAL_TYPE (SyNodeRepo, sy_node_repo, G_TYPE_OBJECT)

static void
sy_node_repo_dispose (GObject *object)
{
  SyNodeRepo *self = SY_NODE_REPO (object);

  g_clear_object (&self->db);
  G_OBJECT_CLASS (sy_node_repo_parent_class)->dispose (object);
}

static void
sy_node_repo_finalize (GObject *object)
{
  SyNodeRepo *self = SY_NODE_REPO (object);

  g_clear_pointer (&self->by_prefix, g_hash_table_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  G_OBJECT_CLASS (sy_node_repo_parent_class)->finalize (object);
}

static void
sy_node_repo_class_init (SyNodeRepoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_node_repo_dispose;
  object_class->finalize = sy_node_repo_finalize;
}

static void
sy_node_repo_init (SyNodeRepo *self)
{
  self->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) sy_provider_node_unref);
  self->by_prefix = g_hash_table_new (g_str_hash, g_str_equal);
}

static void
index_node (SyNodeRepo     *self,
            SyProviderNode *node)
{
  SyProviderNode *old = g_hash_table_lookup (self->by_id, node->id);

  if (old != NULL)
    g_hash_table_remove (self->by_prefix, old->prefix);
  g_hash_table_insert (self->by_prefix, node->prefix, node);
  g_hash_table_replace (self->by_id, node->id, sy_provider_node_ref (node));
}

SyNodeRepo *
sy_node_repo_new (SyDatabase  *db,
                  GError     **error)
{
  g_autoptr(SyNodeRepo) self = g_object_new (SY_TYPE_NODE_REPO, NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  self->db = g_object_ref (db);
  stmt = sy_database_prepare (db, "SELECT id, prefix, name, api_type, base_url, created_at, "
                                  "updated_at FROM provider_nodes", error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(SyProviderNode) node = sy_provider_node_new ();

      node->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      node->prefix = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      node->name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      node->api_type = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      node->base_url = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      node->created_at = sqlite3_column_int64 (stmt, 5);
      node->updated_at = sqlite3_column_int64 (stmt, 6);
      index_node (self, node);
    }
  if (rc != SQLITE_DONE)
    {
      sy_database_set_error (db, error, "cannot read provider_nodes");
      return NULL;
    }
  return g_steal_pointer (&self);
}

static int
compare_created (gconstpointer a,
                 gconstpointer b)
{
  const SyProviderNode *na = *(SyProviderNode * const *) a;
  const SyProviderNode *nb = *(SyProviderNode * const *) b;

  if (na->created_at != nb->created_at)
    return na->created_at < nb->created_at ? -1 : 1;
  return g_strcmp0 (na->id, nb->id);
}

GPtrArray *
sy_node_repo_list (SyNodeRepo *self)
{
  GPtrArray *out;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (SY_IS_NODE_REPO (self), NULL);

  out = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_provider_node_unref);
  g_hash_table_iter_init (&iter, self->by_id);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (out, sy_provider_node_ref (value));
  g_ptr_array_sort (out, compare_created);
  return out;
}

SyProviderNode *
sy_node_repo_lookup (SyNodeRepo *self,
                     const char *id)
{
  SyProviderNode *node;

  g_return_val_if_fail (SY_IS_NODE_REPO (self), NULL);

  node = g_hash_table_lookup (self->by_id, id);
  return node ? sy_provider_node_ref (node) : NULL;
}

SyProviderNode *
sy_node_repo_lookup_by_prefix (SyNodeRepo *self,
                               const char *prefix)
{
  SyProviderNode *node;

  g_return_val_if_fail (SY_IS_NODE_REPO (self), NULL);

  node = g_hash_table_lookup (self->by_prefix, prefix);
  return node ? sy_provider_node_ref (node) : NULL;
}

gboolean
sy_node_repo_save (SyNodeRepo      *self,
                   SyProviderNode  *node,
                   GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  SyProviderNode *other;

  g_return_val_if_fail (SY_IS_NODE_REPO (self), FALSE);
  g_return_val_if_fail (node->id != NULL && node->prefix != NULL, FALSE);

  other = g_hash_table_lookup (self->by_prefix, node->prefix);
  if (other != NULL && g_strcmp0 (other->id, node->id) != 0)
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_CONSTRAINT,
                   "prefix \"%s\" is already used by provider node %s", node->prefix, other->id);
      return FALSE;
    }

  stmt = sy_database_prepare (self->db,
                              "INSERT OR REPLACE INTO provider_nodes (id, prefix, name, api_type, "
                              "base_url, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, node->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, node->prefix, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, node->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, node->api_type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, node->base_url, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, node->created_at);
  sqlite3_bind_int64 (stmt, 7, node->updated_at);
  if (!sy_database_step_done (self->db, stmt, error))
    return FALSE;

  index_node (self, node);
  return TRUE;
}

gboolean
sy_node_repo_delete (SyNodeRepo  *self,
                     const char  *id,
                     GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  SyProviderNode *node;

  g_return_val_if_fail (SY_IS_NODE_REPO (self), FALSE);

  node = g_hash_table_lookup (self->by_id, id);
  if (node == NULL)
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_NOT_FOUND, "no provider node %s", id);
      return FALSE;
    }

  stmt = sy_database_prepare (self->db, "DELETE FROM provider_nodes WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (!sy_database_step_done (self->db, stmt, error))
    return FALSE;

  g_hash_table_remove (self->by_prefix, node->prefix);
  g_hash_table_remove (self->by_id, id);
  return TRUE;
}

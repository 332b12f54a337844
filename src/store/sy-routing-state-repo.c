/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Persistence for routing state. Writes happen only on transitions (a breaker opening, an
 * account starting a cooldown), never per request, so they run on the main loop directly.
 * A write that fails is logged and forgotten: the state in memory stays authoritative.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-routing-state-repo.h"

struct _SyRoutingStateRepo
{
  GObject     parent_instance;
  SyDatabase *db;
};

G_DEFINE_FINAL_TYPE (SyRoutingStateRepo, sy_routing_state_repo, G_TYPE_OBJECT)

static void
sy_routing_state_repo_dispose (GObject *object)
{
  SyRoutingStateRepo *self = SY_ROUTING_STATE_REPO (object);

  g_clear_object (&self->db);
  G_OBJECT_CLASS (sy_routing_state_repo_parent_class)->dispose (object);
}

static void
sy_routing_state_repo_class_init (SyRoutingStateRepoClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sy_routing_state_repo_dispose;
}

static void
sy_routing_state_repo_init (SyRoutingStateRepo *self)
{
}

SyRoutingStateRepo *
sy_routing_state_repo_new (SyDatabase *db)
{
  SyRoutingStateRepo *self = g_object_new (SY_TYPE_ROUTING_STATE_REPO, NULL);

  self->db = g_object_ref (db);
  return self;
}

gboolean
sy_routing_state_repo_load (SyRoutingStateRepo     *self,
                            gint64                  now_ms,
                            SyRoutingStateRowFunc   func,
                            gpointer                user_data,
                            GError                **error)
{
  g_autoptr(sqlite3_stmt) prune = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  int rc;

  g_return_val_if_fail (SY_IS_ROUTING_STATE_REPO (self), FALSE);

  prune = sy_database_prepare (self->db, "DELETE FROM routing_state WHERE expires_at <= ?",
                               error);
  if (prune == NULL)
    return FALSE;
  sqlite3_bind_int64 (prune, 1, now_ms);
  if (!sy_database_step_done (self->db, prune, error))
    return FALSE;

  stmt = sy_database_prepare (self->db, "SELECT scope, key, data, expires_at FROM routing_state",
                              error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *data = (const char *) sqlite3_column_text (stmt, 2);
      JsonNode *root;

      if (!json_parser_load_from_data (parser, data, -1, NULL) ||
          (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        continue;
      func ((const char *) sqlite3_column_text (stmt, 0),
            (const char *) sqlite3_column_text (stmt, 1),
            json_node_get_object (root), sqlite3_column_int64 (stmt, 3), user_data);
    }
  if (rc != SQLITE_DONE)
    {
      sy_database_set_error (self->db, error, "cannot read routing_state");
      return FALSE;
    }
  return TRUE;
}

static void
run (SyRoutingStateRepo *self,
     sqlite3_stmt       *stmt,
     const char         *what)
{
  g_autoptr(GError) error = NULL;

  if (stmt == NULL || !sy_database_step_done (self->db, stmt, &error))
    g_warning ("cannot %s routing state (kept in memory only): %s", what,
               error ? error->message : "cannot prepare the statement");
}

void
sy_routing_state_repo_put (SyRoutingStateRepo *self,
                           const char         *scope,
                           const char         *key,
                           JsonObject         *data,
                           gint64              expires_at_ms)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), data);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_if_fail (SY_IS_ROUTING_STATE_REPO (self));

  stmt = sy_database_prepare (self->db, "INSERT OR REPLACE INTO routing_state "
                                        "(scope, key, data, expires_at) VALUES (?, ?, ?, ?)",
                              NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, scope, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, key, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, text, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, expires_at_ms);
    }
  run (self, stmt, "save");
}

void
sy_routing_state_repo_remove (SyRoutingStateRepo *self,
                              const char         *scope,
                              const char         *key)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_if_fail (SY_IS_ROUTING_STATE_REPO (self));

  stmt = sy_database_prepare (self->db, "DELETE FROM routing_state WHERE scope = ? AND key = ?",
                              NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, scope, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, key, -1, SQLITE_STATIC);
    }
  run (self, stmt, "remove");
}

void
sy_routing_state_repo_clear (SyRoutingStateRepo *self,
                             const char         *scope)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_if_fail (SY_IS_ROUTING_STATE_REPO (self));

  stmt = sy_database_prepare (self->db, scope ? "DELETE FROM routing_state WHERE scope = ?"
                                              : "DELETE FROM routing_state", NULL);
  if (stmt != NULL && scope != NULL)
    sqlite3_bind_text (stmt, 1, scope, -1, SQLITE_STATIC);
  run (self, stmt, "clear");
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * combos, read once at start and written through, indexed by id and by case-folded name so the
 * router's lookup never touches SQLite. The members live in the row's data column as
 * {"models": [{"model": "...", "weight": 1}, ...]}. Validation of values is the API's job.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-combo-repo.h"

#include <json-glib/json-glib.h>

#include "core/sy-name-fold.h"

struct _SyComboRepo
{
  GObject     parent_instance;
  SyDatabase *db;
  GHashTable *by_id;    /* id (borrowed from the combo) -> SyCombo ref */
  GHashTable *by_name;  /* sy_name_fold (name), owned -> SyCombo (borrowed) */
  guint       generation;
};

G_DEFINE_FINAL_TYPE (SyComboRepo, sy_combo_repo, G_TYPE_OBJECT)

static void
sy_combo_repo_dispose (GObject *object)
{
  SyComboRepo *self = SY_COMBO_REPO (object);

  g_clear_object (&self->db);
  G_OBJECT_CLASS (sy_combo_repo_parent_class)->dispose (object);
}

static void
sy_combo_repo_finalize (GObject *object)
{
  SyComboRepo *self = SY_COMBO_REPO (object);

  g_clear_pointer (&self->by_name, g_hash_table_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  G_OBJECT_CLASS (sy_combo_repo_parent_class)->finalize (object);
}

static void
sy_combo_repo_class_init (SyComboRepoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_combo_repo_dispose;
  object_class->finalize = sy_combo_repo_finalize;
}

static void
sy_combo_repo_init (SyComboRepo *self)
{
  self->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) sy_combo_unref);
  self->by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* Drops combo's name from the index, if the index holds it for this combo. */
static void
unindex_name (SyComboRepo *self,
              SyCombo     *combo)
{
  g_autofree char *key = sy_name_fold (combo->name);

  if (g_hash_table_lookup (self->by_name, key) == combo)
    g_hash_table_remove (self->by_name, key);
}

static void
index_combo (SyComboRepo *self,
             SyCombo     *combo)
{
  SyCombo *old = g_hash_table_lookup (self->by_id, combo->id);

  if (old != NULL)
    unindex_name (self, old);
  g_hash_table_replace (self->by_name, sy_name_fold (combo->name), combo);
  g_hash_table_replace (self->by_id, combo->id, sy_combo_ref (combo));
}

/* --- the data column ------------------------------------------------------------------------ */

static char *
members_to_data (SyCombo *combo)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "models");
  sy_combo_write_members (combo, b);
  json_builder_set_member_name (b, "accountStrategy");
  json_builder_add_string_value (b, combo->account_strategy);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/* Reads what it can: a member is a string (OmniRoute's older shape) or {"model", "weight"};
 * anything else is skipped. FALSE when the column is not a {"models": [...]} object at all. */
static gboolean
members_from_data (SyCombo    *combo,
                   const char *data)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root, *models_node;
  JsonArray *models;

  if (data == NULL || !json_parser_load_from_data (parser, data, -1, NULL))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  if (json_object_get_string_member_with_default (json_node_get_object (root), "accountStrategy",
                                                  NULL) != NULL)
    {
      g_free (combo->account_strategy);
      combo->account_strategy =
        g_strdup (json_object_get_string_member (json_node_get_object (root), "accountStrategy"));
    }
  models_node = json_object_get_member (json_node_get_object (root), "models");
  if (models_node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (models_node))
    return FALSE;

  models = json_node_get_array (models_node);
  for (guint i = 0; i < json_array_get_length (models); i++)
    {
      JsonNode *element = json_array_get_element (models, i);
      JsonObject *obj;
      JsonNode *model, *weight;
      gint64 w = 1;

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        {
          sy_combo_add_member (combo, json_node_get_string (element), 1);
          continue;
        }
      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      obj = json_node_get_object (element);
      model = json_object_get_member (obj, "model");
      weight = json_object_get_member (obj, "weight");
      if (model == NULL || !JSON_NODE_HOLDS_VALUE (model) ||
          json_node_get_value_type (model) != G_TYPE_STRING)
        continue;
      if (weight != NULL && JSON_NODE_HOLDS_VALUE (weight) &&
          json_node_get_value_type (weight) == G_TYPE_INT64)
        w = CLAMP (json_node_get_int (weight), 0, 1000);
      sy_combo_add_member (combo, json_node_get_string (model), (guint) w);
    }
  return TRUE;
}

/* --- public --------------------------------------------------------------------------------- */

SyComboRepo *
sy_combo_repo_new (SyDatabase  *db,
                   GError     **error)
{
  g_autoptr(SyComboRepo) self = g_object_new (SY_TYPE_COMBO_REPO, NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (SY_IS_DATABASE (db), NULL);

  self->db = g_object_ref (db);
  stmt = sy_database_prepare (db, "SELECT id, name, strategy, data, sort_order, created_at, "
                                  "updated_at FROM combos ORDER BY created_at, id", error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(SyCombo) combo = sy_combo_new ();

      combo->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      combo->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      g_free (combo->strategy);
      combo->strategy = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      combo->sort_order = sqlite3_column_int (stmt, 4);
      combo->created_at = sqlite3_column_int64 (stmt, 5);
      combo->updated_at = sqlite3_column_int64 (stmt, 6);
      /* A damaged row stays visible (and fixable through the API) with no members rather than
       * keeping the whole gateway from starting. */
      if (!members_from_data (combo, (const char *) sqlite3_column_text (stmt, 3)))
        g_warning ("combo \"%s\" (%s): cannot read its models from the data column; it has "
                   "none until it is saved again", combo->name, combo->id);
      /* The UNIQUE constraint is case-sensitive; another writer may have stored "Fast" beside
       * "fast". The older keeps the name; the other stays reachable by id to be renamed. */
      {
        g_autofree char *key = sy_name_fold (combo->name);
        SyCombo *clash = g_hash_table_lookup (self->by_name, key);

        if (clash != NULL)
          {
            g_warning ("combos \"%s\" (%s) and \"%s\" (%s) differ only in case; the second is "
                       "reachable by id only until renamed", clash->name, clash->id, combo->name,
                       combo->id);
            g_hash_table_replace (self->by_id, combo->id, sy_combo_ref (combo));
            continue;
          }
      }
      index_combo (self, combo);
    }
  if (rc != SQLITE_DONE)
    {
      sy_database_set_error (db, error, "cannot read combos");
      return NULL;
    }
  return g_steal_pointer (&self);
}

static int
compare_combos (gconstpointer a,
                gconstpointer b)
{
  const SyCombo *ca = *(SyCombo * const *) a;
  const SyCombo *cb = *(SyCombo * const *) b;
  g_autofree char *na = NULL;
  g_autofree char *nb = NULL;
  int by_name;

  if (ca->sort_order != cb->sort_order)
    return ca->sort_order < cb->sort_order ? -1 : 1;
  na = sy_name_fold (ca->name);
  nb = sy_name_fold (cb->name);
  if ((by_name = g_strcmp0 (na, nb)) != 0)
    return by_name;
  return g_strcmp0 (ca->id, cb->id);
}

GPtrArray *
sy_combo_repo_list (SyComboRepo *self)
{
  GPtrArray *out;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (SY_IS_COMBO_REPO (self), NULL);

  out = g_ptr_array_new_full (g_hash_table_size (self->by_id), (GDestroyNotify) sy_combo_unref);
  g_hash_table_iter_init (&iter, self->by_id);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (out, sy_combo_ref (value));
  g_ptr_array_sort (out, compare_combos);
  return out;
}

SyCombo *
sy_combo_repo_lookup (SyComboRepo *self,
                      const char  *id)
{
  SyCombo *combo;

  g_return_val_if_fail (SY_IS_COMBO_REPO (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  combo = g_hash_table_lookup (self->by_id, id);
  return combo ? sy_combo_ref (combo) : NULL;
}

SyCombo *
sy_combo_repo_lookup_by_name (SyComboRepo *self,
                              const char  *name)
{
  g_autofree char *key = NULL;
  SyCombo *combo;

  g_return_val_if_fail (SY_IS_COMBO_REPO (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  key = sy_name_fold (name);
  combo = g_hash_table_lookup (self->by_name, key);
  return combo ? sy_combo_ref (combo) : NULL;
}

gboolean
sy_combo_repo_save (SyComboRepo  *self,
                    SyCombo      *combo,
                    GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *key = NULL;
  g_autofree char *data = NULL;
  SyCombo *other;

  g_return_val_if_fail (SY_IS_COMBO_REPO (self), FALSE);
  g_return_val_if_fail (combo != NULL, FALSE);
  g_return_val_if_fail (combo->id != NULL && combo->name != NULL && combo->strategy != NULL,
                        FALSE);

  key = sy_name_fold (combo->name);
  other = g_hash_table_lookup (self->by_name, key);
  if (other != NULL && g_strcmp0 (other->id, combo->id) != 0)
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_CONSTRAINT,
                   "name: \"%s\" is already used by combo \"%s\" (%s)", combo->name, other->name,
                   other->id);
      return FALSE;
    }

  /* An upsert, not INSERT OR REPLACE: REPLACE would silently delete another row that holds the
   * same name (a second writer), where this fails on the UNIQUE constraint. */
  data = members_to_data (combo);
  stmt = sy_database_prepare (self->db,
                              "INSERT INTO combos (id, name, strategy, data, sort_order, "
                              "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                              "ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                              "strategy = excluded.strategy, data = excluded.data, "
                              "sort_order = excluded.sort_order, created_at = excluded.created_at, "
                              "updated_at = excluded.updated_at", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, combo->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, combo->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, combo->strategy, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, data, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, combo->sort_order);
  sqlite3_bind_int64 (stmt, 6, combo->created_at);
  sqlite3_bind_int64 (stmt, 7, combo->updated_at);
  if (!sy_database_step_done (self->db, stmt, error))
    return FALSE;

  index_combo (self, combo);
  self->generation++;
  return TRUE;
}

gboolean
sy_combo_repo_delete (SyComboRepo  *self,
                      const char   *id,
                      GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  SyCombo *combo;

  g_return_val_if_fail (SY_IS_COMBO_REPO (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  combo = g_hash_table_lookup (self->by_id, id);
  if (combo == NULL)
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_NOT_FOUND, "no combo %s", id);
      return FALSE;
    }

  stmt = sy_database_prepare (self->db, "DELETE FROM combos WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (!sy_database_step_done (self->db, stmt, error))
    return FALSE;

  unindex_name (self, combo);
  g_hash_table_remove (self->by_id, id);
  self->generation++;
  return TRUE;
}

guint
sy_combo_repo_get_generation (SyComboRepo *self)
{
  g_return_val_if_fail (SY_IS_COMBO_REPO (self), 0);
  return self->generation;
}

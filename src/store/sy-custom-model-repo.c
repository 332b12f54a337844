/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Custom models in creation order in an array (there are tens, not thousands), loaded once
 * and written through. Validation of ids and types is the API's; the table's CHECK is the
 * last word on types.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-custom-model-repo.h"

struct _SyCustomModelRepo
{
  GObject     parent_instance;
  SyDatabase *db;
  GPtrArray  *models;      /* SyCustomModel, oldest first */
  guint       generation;
};

G_DEFINE_FINAL_TYPE (SyCustomModelRepo, sy_custom_model_repo, G_TYPE_OBJECT)

SyCustomModel *
sy_custom_model_copy (const SyCustomModel *self)
{
  SyCustomModel *copy = g_new0 (SyCustomModel, 1);

  copy->provider = g_strdup (self->provider);
  copy->model = g_strdup (self->model);
  copy->name = g_strdup (self->name);
  copy->type = g_strdup (self->type ? self->type : "chat");
  copy->created_at = self->created_at;
  return copy;
}

void
sy_custom_model_free (SyCustomModel *self)
{
  if (self == NULL)
    return;
  g_free (self->provider);
  g_free (self->model);
  g_free (self->name);
  g_free (self->type);
  g_free (self);
}

static void
sy_custom_model_repo_dispose (GObject *object)
{
  SyCustomModelRepo *self = SY_CUSTOM_MODEL_REPO (object);

  g_clear_object (&self->db);
  g_clear_pointer (&self->models, g_ptr_array_unref);
  G_OBJECT_CLASS (sy_custom_model_repo_parent_class)->dispose (object);
}

static void
sy_custom_model_repo_class_init (SyCustomModelRepoClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sy_custom_model_repo_dispose;
}

static void
sy_custom_model_repo_init (SyCustomModelRepo *self)
{
  self->models = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_custom_model_free);
}

static gboolean
load (SyCustomModelRepo  *self,
      GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sy_database_prepare (self->db, "SELECT provider, model, name, type, created_at "
                                        "FROM custom_models ORDER BY created_at, provider, model",
                              error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SyCustomModel *m = g_new0 (SyCustomModel, 1);

      m->provider = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      m->model = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      m->name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      m->type = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      m->created_at = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (self->models, m);
    }
  if (rc != SQLITE_DONE)
    {
      sy_database_set_error (self->db, error, "cannot read custom models");
      return FALSE;
    }
  return TRUE;
}

SyCustomModelRepo *
sy_custom_model_repo_new (SyDatabase  *db,
                          GError     **error)
{
  g_autoptr(SyCustomModelRepo) self = NULL;

  g_return_val_if_fail (SY_IS_DATABASE (db), NULL);

  self = g_object_new (SY_TYPE_CUSTOM_MODEL_REPO, NULL);
  self->db = g_object_ref (db);
  if (!load (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

static gint
find (SyCustomModelRepo *self,
      const char        *provider,
      const char        *model)
{
  for (guint i = 0; i < self->models->len; i++)
    {
      SyCustomModel *m = g_ptr_array_index (self->models, i);

      if (g_str_equal (m->provider, provider) && g_str_equal (m->model, model))
        return (gint) i;
    }
  return -1;
}

GPtrArray *
sy_custom_model_repo_list (SyCustomModelRepo *self,
                           const char        *provider)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_custom_model_free);

  g_return_val_if_fail (SY_IS_CUSTOM_MODEL_REPO (self), out);

  for (guint i = 0; i < self->models->len; i++)
    {
      SyCustomModel *m = g_ptr_array_index (self->models, i);

      if (provider == NULL || g_str_equal (m->provider, provider))
        g_ptr_array_add (out, sy_custom_model_copy (m));
    }
  return out;
}

const SyCustomModel *
sy_custom_model_repo_lookup (SyCustomModelRepo *self,
                             const char        *provider,
                             const char        *model)
{
  gint i;

  g_return_val_if_fail (SY_IS_CUSTOM_MODEL_REPO (self), NULL);
  g_return_val_if_fail (provider != NULL && model != NULL, NULL);

  i = find (self, provider, model);
  return i < 0 ? NULL : g_ptr_array_index (self->models, i);
}

gboolean
sy_custom_model_repo_add (SyCustomModelRepo    *self,
                          const SyCustomModel  *model,
                          GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (SY_IS_CUSTOM_MODEL_REPO (self), FALSE);
  g_return_val_if_fail (model != NULL && model->provider != NULL && model->model != NULL, FALSE);

  if (find (self, model->provider, model->model) >= 0)
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_CONSTRAINT,
                   "modelId: provider \"%s\" already has a custom model \"%s\"", model->provider,
                   model->model);
      return FALSE;
    }
  stmt = sy_database_prepare (self->db, "INSERT INTO custom_models (provider, model, name, type, "
                                        "created_at) VALUES (?1, ?2, ?3, ?4, ?5)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, model->provider, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, model->model, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, model->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, model->type ? model->type : "chat", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, model->created_at);
  if (!sy_database_step_done (self->db, stmt, error))
    return FALSE;
  g_ptr_array_add (self->models, sy_custom_model_copy (model));
  self->generation++;
  return TRUE;
}

gboolean
sy_custom_model_repo_delete (SyCustomModelRepo  *self,
                             const char         *provider,
                             const char         *model,
                             GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint i;

  g_return_val_if_fail (SY_IS_CUSTOM_MODEL_REPO (self), FALSE);
  g_return_val_if_fail (provider != NULL && model != NULL, FALSE);

  if ((i = find (self, provider, model)) < 0)
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_NOT_FOUND,
                   "no custom model \"%s\" for provider \"%s\"", model, provider);
      return FALSE;
    }
  stmt = sy_database_prepare (self->db, "DELETE FROM custom_models WHERE provider = ?1 AND "
                                        "model = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, provider, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, model, -1, SQLITE_STATIC);
  if (!sy_database_step_done (self->db, stmt, error))
    return FALSE;
  g_ptr_array_remove_index (self->models, (guint) i);
  self->generation++;
  return TRUE;
}

guint
sy_custom_model_repo_get_generation (SyCustomModelRepo *self)
{
  g_return_val_if_fail (SY_IS_CUSTOM_MODEL_REPO (self), 0);

  return self->generation;
}

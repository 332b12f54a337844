/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Settings: name -> JSON value rows, read once, cached as typed values, written in one
 * transaction per update. sy-settings-schema.c is the single list of what can be set; the
 * management API, the desktop app and the router all go through this repository.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-settings-repo.h"

#include <string.h>

#include "sy-settings-schema.h"

/* One current value per schema entry: numbers for booleans and integers, a JSON node for
 * choices (a string node) and structured settings. */
typedef struct
{
  gint64    number;
  JsonNode *node;
} SettingValue;

struct _SySettingsRepo
{
  GObject       parent_instance;
  SyDatabase   *db;
  SettingValue *values;
  guint         n_values;
  guint         generation;
};

G_DEFINE_FINAL_TYPE (SySettingsRepo, sy_settings_repo, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const SySettingSpec *
schema_table (void)
{
  guint n;

  return sy_settings_schema_get (&n);
}

static void
clear_values (SettingValue *values,
              guint         n)
{
  for (guint i = 0; i < n; i++)
    g_clear_pointer (&values[i].node, json_node_unref);
}

static void
sy_settings_repo_dispose (GObject *object)
{
  SySettingsRepo *self = SY_SETTINGS_REPO (object);

  g_clear_object (&self->db);
  G_OBJECT_CLASS (sy_settings_repo_parent_class)->dispose (object);
}

static void
sy_settings_repo_finalize (GObject *object)
{
  SySettingsRepo *self = SY_SETTINGS_REPO (object);

  clear_values (self->values, self->n_values);
  g_free (self->values);
  G_OBJECT_CLASS (sy_settings_repo_parent_class)->finalize (object);
}

static void
sy_settings_repo_class_init (SySettingsRepoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_settings_repo_dispose;
  object_class->finalize = sy_settings_repo_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sy_settings_repo_init (SySettingsRepo *self)
{
  const SySettingSpec *schema = sy_settings_schema_get (&self->n_values);

  self->values = g_new0 (SettingValue, self->n_values);
  for (guint i = 0; i < self->n_values; i++)
    switch (schema[i].type)
      {
      case SY_SETTING_BOOLEAN:
      case SY_SETTING_INT:
        self->values[i].number = schema[i].def;
        break;
      case SY_SETTING_CHOICE:
        self->values[i].node = json_node_init_string (json_node_alloc (), schema[i].choices[0]);
        break;
      case SY_SETTING_JSON:
      default:
        self->values[i].node = json_from_string (schema[i].def_json, NULL);
        g_assert (self->values[i].node != NULL);
        break;
      }
}

static gboolean
parse_value (const SySettingSpec  *spec,
             JsonNode             *node,
             SettingValue         *out,
             GError              **error)
{
  GType vtype = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  switch (spec->type)
    {
    case SY_SETTING_BOOLEAN:
      if (vtype != G_TYPE_BOOLEAN)
        {
          g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                       "%s: expected true or false", spec->name);
          return FALSE;
        }
      out->number = json_node_get_boolean (node);
      return TRUE;

    case SY_SETTING_INT:
      if (vtype != G_TYPE_INT64)
        {
          g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                       "%s: expected an integer from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                       spec->name, spec->min, spec->max);
          return FALSE;
        }
      out->number = json_node_get_int (node);
      if (out->number < spec->min || out->number > spec->max)
        {
          g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                       "%s: %" G_GINT64_FORMAT " is out of range %" G_GINT64_FORMAT
                       "..%" G_GINT64_FORMAT, spec->name, out->number, spec->min, spec->max);
          return FALSE;
        }
      return TRUE;

    case SY_SETTING_CHOICE:
      if (vtype != G_TYPE_STRING || !g_strv_contains (spec->choices, json_node_get_string (node)))
        {
          g_autofree char *list = g_strjoinv (", ", (char **) spec->choices);

          g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                       "%s: expected one of %s", spec->name, list);
          return FALSE;
        }
      out->node = json_node_copy (node);
      return TRUE;

    case SY_SETTING_JSON:
    default:
      {
        g_autoptr(GString) why = g_string_new (NULL);

        if (!spec->validate (node, why))
          {
            g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID, "%s%s%s", spec->name,
                         why->str[0] == '[' ? "" : ": ", why->str);
            return FALSE;
          }
        out->node = json_node_copy (node);
        return TRUE;
      }
    }
}

static char *
value_to_text (const SySettingSpec *spec,
               const SettingValue  *value)
{
  switch (spec->type)
    {
    case SY_SETTING_BOOLEAN:
      return g_strdup (value->number ? "true" : "false");
    case SY_SETTING_INT:
      return g_strdup_printf ("%" G_GINT64_FORMAT, value->number);
    case SY_SETTING_CHOICE:
    case SY_SETTING_JSON:
    default:
      return json_to_string (value->node, FALSE);
    }
}

static void
set_value (SettingValue *slot,
           SettingValue *value)
{
  g_clear_pointer (&slot->node, json_node_unref);
  *slot = *value;
  value->node = NULL;
}

SySettingsRepo *
sy_settings_repo_new (SyDatabase  *db,
                      GError     **error)
{
  g_autoptr(SySettingsRepo) self = g_object_new (SY_TYPE_SETTINGS_REPO, NULL);
  const SySettingSpec *schema = schema_table ();
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  int rc;

  self->db = g_object_ref (db);
  stmt = sy_database_prepare (db, "SELECT key, value FROM settings", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      const char *text = (const char *) sqlite3_column_text (stmt, 1);
      g_autoptr(GError) local_error = NULL;
      int i = sy_settings_schema_find (name);
      SettingValue v = { 0, NULL };

      /* Rows this build does not understand (a newer version wrote them) are kept, not read. */
      if (i < 0)
        continue;
      if (!json_parser_load_from_data (parser, text, -1, &local_error) ||
          !parse_value (&schema[i], json_parser_get_root (parser), &v, &local_error))
        {
          g_warning ("ignoring stored setting %s: %s", name, local_error->message);
          continue;
        }
      set_value (&self->values[i], &v);
    }
  if (rc != SQLITE_DONE)
    {
      sy_database_set_error (db, error, "cannot read settings");
      return NULL;
    }
  return g_steal_pointer (&self);
}

static int
find_typed (SySettingsRepo *self,
            const char     *name,
            SySettingType   type)
{
  const SySettingSpec *schema = schema_table ();
  int i = sy_settings_schema_find (name);

  g_return_val_if_fail (SY_IS_SETTINGS_REPO (self), -1);
  g_return_val_if_fail (i >= 0 && schema[i].type == type, -1);
  return i;
}

gboolean
sy_settings_repo_get_boolean (SySettingsRepo *self,
                              const char     *name)
{
  int i = find_typed (self, name, SY_SETTING_BOOLEAN);

  return i >= 0 && self->values[i].number != 0;
}

gint64
sy_settings_repo_get_int (SySettingsRepo *self,
                          const char     *name)
{
  int i = find_typed (self, name, SY_SETTING_INT);

  return i >= 0 ? self->values[i].number : 0;
}

const char *
sy_settings_repo_get_choice (SySettingsRepo *self,
                             const char     *name)
{
  int i = find_typed (self, name, SY_SETTING_CHOICE);

  return i >= 0 ? json_node_get_string (self->values[i].node) : NULL;
}

JsonNode *
sy_settings_repo_dup_json (SySettingsRepo *self,
                           const char     *name)
{
  int i = find_typed (self, name, SY_SETTING_JSON);

  return i >= 0 ? json_node_ref (self->values[i].node) : NULL;
}

guint
sy_settings_repo_get_generation (SySettingsRepo *self)
{
  g_return_val_if_fail (SY_IS_SETTINGS_REPO (self), 0);
  return self->generation;
}

void
sy_settings_repo_override_boolean (SySettingsRepo *self,
                                   const char     *name,
                                   gboolean        value)
{
  int i = find_typed (self, name, SY_SETTING_BOOLEAN);

  if (i >= 0)
    self->values[i].number = value;
}

JsonNode *
sy_settings_repo_to_json (SySettingsRepo *self)
{
  const SySettingSpec *schema = schema_table ();
  JsonObject *object = json_object_new ();
  JsonNode *root = json_node_new (JSON_NODE_OBJECT);

  for (guint i = 0; i < self->n_values; i++)
    switch (schema[i].type)
      {
      case SY_SETTING_BOOLEAN:
        json_object_set_boolean_member (object, schema[i].name, self->values[i].number != 0);
        break;
      case SY_SETTING_INT:
        json_object_set_int_member (object, schema[i].name, self->values[i].number);
        break;
      case SY_SETTING_CHOICE:
      case SY_SETTING_JSON:
      default:
        json_object_set_member (object, schema[i].name, json_node_copy (self->values[i].node));
        break;
      }
  json_node_take_object (root, object);
  return root;
}

gboolean
sy_settings_repo_update (SySettingsRepo  *self,
                         JsonObject      *patch,
                         GError         **error)
{
  const SySettingSpec *schema = schema_table ();
  g_autofree SettingValue *next = NULL;
  g_autofree gboolean *touched = NULL;
  g_autoptr(GList) names = json_object_get_members (patch);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (SY_IS_SETTINGS_REPO (self), FALSE);

  next = g_new0 (SettingValue, self->n_values);
  touched = g_new0 (gboolean, self->n_values);
  for (GList *l = names; l != NULL; l = l->next)
    {
      int i = sy_settings_schema_find (l->data);

      if (i < 0)
        {
          g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                       "%s: unknown setting", (const char *) l->data);
          goto out;
        }
      g_clear_pointer (&next[i].node, json_node_unref);
      if (!parse_value (&schema[i], json_object_get_member (patch, l->data), &next[i], error))
        goto out;
      touched[i] = TRUE;
    }

  stmt = sy_database_prepare (self->db, "INSERT OR REPLACE INTO settings (key, value) "
                                        "VALUES (?, ?)", error);
  if (stmt == NULL || !sy_database_exec (self->db, "BEGIN IMMEDIATE", error))
    goto out;
  for (guint i = 0; i < self->n_values; i++)
    {
      g_autofree char *text = NULL;

      if (!touched[i])
        continue;
      text = value_to_text (&schema[i], &next[i]);
      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, schema[i].name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
      if (!sy_database_step_done (self->db, stmt, error))
        {
          sy_database_exec (self->db, "ROLLBACK", NULL);
          goto out;
        }
    }
  if (!sy_database_exec (self->db, "COMMIT", error))
    {
      sy_database_exec (self->db, "ROLLBACK", NULL);
      goto out;
    }

  for (guint i = 0; i < self->n_values; i++)
    if (touched[i])
      set_value (&self->values[i], &next[i]);
  self->generation++;
  ok = TRUE;
  g_signal_emit (self, signals[CHANGED], 0);

out:
  clear_values (next, self->n_values);
  return ok;
}

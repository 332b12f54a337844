/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Settings: name -> JSON value rows, read once, cached as typed values, written in one
 * transaction per update. The schema below is the single list of what can be set; the
 * management API and the desktop app both go through it.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-settings-repo.h"

#include <string.h>

typedef enum {
  SETTING_BOOLEAN,
  SETTING_INT,
} SettingType;

typedef struct
{
  const char  *name;
  SettingType  type;
  gint64       def;
  gint64       min;
  gint64       max;
} SettingSpec;

/* Timeouts default long enough for slow thinking models: a first byte may take minutes. */
static const SettingSpec schema[] = {
  { "requireApiKey",      SETTING_BOOLEAN, FALSE,             0,     1 },
  { "connectTimeoutMs",   SETTING_INT,     10000,             100,   600000 },
  { "firstByteTimeoutMs", SETTING_INT,     600000,            1000,  3600000 },
  { "idleTimeoutMs",      SETTING_INT,     300000,            1000,  3600000 },
  { "totalTimeoutMs",     SETTING_INT,     3600000,           0,     86400000 },
  { "maxBodyBytes",       SETTING_INT,     32 * 1024 * 1024,  1024,  1024 * 1024 * 1024 },
  /* Longer than the clients' own pools (hyper, behind Codex, keeps idle connections 90 s):
   * closing first makes them write into a dead connection. */
  /* A streaming client waiting for a slow first byte gets its dialect's keep-alive this often
   * (Anthropic "event: ping", an SSE comment for OpenAI); 0 turns them off. */
  { "streamKeepAliveMs",  SETTING_INT,     15000,             0,     300000 },
  { "keepAliveIdleMs",    SETTING_INT,     120000,            1000,  3600000 },
};

struct _SySettingsRepo
{
  GObject     parent_instance;
  SyDatabase *db;
  gint64      values[G_N_ELEMENTS (schema)];
};

G_DEFINE_FINAL_TYPE (SySettingsRepo, sy_settings_repo, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
sy_settings_repo_dispose (GObject *object)
{
  SySettingsRepo *self = SY_SETTINGS_REPO (object);

  g_clear_object (&self->db);
  G_OBJECT_CLASS (sy_settings_repo_parent_class)->dispose (object);
}

static void
sy_settings_repo_class_init (SySettingsRepoClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sy_settings_repo_dispose;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sy_settings_repo_init (SySettingsRepo *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (schema); i++)
    self->values[i] = schema[i].def;
}

static int
find_spec (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (schema); i++)
    if (g_str_equal (schema[i].name, name))
      return (int) i;
  return -1;
}

static gboolean
parse_value (const SettingSpec  *spec,
             JsonNode           *node,
             gint64             *out,
             GError            **error)
{
  GType vtype = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (spec->type == SETTING_BOOLEAN)
    {
      if (vtype != G_TYPE_BOOLEAN)
        {
          g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                       "%s: expected true or false", spec->name);
          return FALSE;
        }
      *out = json_node_get_boolean (node);
      return TRUE;
    }

  if (vtype != G_TYPE_INT64)
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                   "%s: expected an integer from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                   spec->name, spec->min, spec->max);
      return FALSE;
    }
  *out = json_node_get_int (node);
  if (*out < spec->min || *out > spec->max)
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                   "%s: %" G_GINT64_FORMAT " is out of range %" G_GINT64_FORMAT
                   "..%" G_GINT64_FORMAT, spec->name, *out, spec->min, spec->max);
      return FALSE;
    }
  return TRUE;
}

SySettingsRepo *
sy_settings_repo_new (SyDatabase  *db,
                      GError     **error)
{
  g_autoptr(SySettingsRepo) self = g_object_new (SY_TYPE_SETTINGS_REPO, NULL);
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
      const char *value = (const char *) sqlite3_column_text (stmt, 1);
      g_autoptr(GError) local_error = NULL;
      int i = find_spec (name);
      gint64 v;

      /* Rows this build does not understand (a newer version wrote them) are kept, not read. */
      if (i < 0)
        continue;
      if (!json_parser_load_from_data (parser, value, -1, &local_error) ||
          !parse_value (&schema[i], json_parser_get_root (parser), &v, &local_error))
        {
          g_warning ("ignoring stored setting %s: %s", name, local_error->message);
          continue;
        }
      self->values[i] = v;
    }
  if (rc != SQLITE_DONE)
    {
      sy_database_set_error (db, error, "cannot read settings");
      return NULL;
    }
  return g_steal_pointer (&self);
}

gboolean
sy_settings_repo_get_boolean (SySettingsRepo *self,
                              const char     *name)
{
  int i = find_spec (name);

  g_return_val_if_fail (i >= 0 && schema[i].type == SETTING_BOOLEAN, FALSE);
  return self->values[i] != 0;
}

gint64
sy_settings_repo_get_int (SySettingsRepo *self,
                          const char     *name)
{
  int i = find_spec (name);

  g_return_val_if_fail (i >= 0 && schema[i].type == SETTING_INT, 0);
  return self->values[i];
}

void
sy_settings_repo_override_boolean (SySettingsRepo *self,
                                   const char     *name,
                                   gboolean        value)
{
  int i = find_spec (name);

  g_return_if_fail (i >= 0 && schema[i].type == SETTING_BOOLEAN);
  self->values[i] = value;
}

JsonNode *
sy_settings_repo_to_json (SySettingsRepo *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (schema); i++)
    {
      json_builder_set_member_name (builder, schema[i].name);
      if (schema[i].type == SETTING_BOOLEAN)
        json_builder_add_boolean_value (builder, self->values[i] != 0);
      else
        json_builder_add_int_value (builder, self->values[i]);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

gboolean
sy_settings_repo_update (SySettingsRepo  *self,
                         JsonObject      *patch,
                         GError         **error)
{
  gint64 next[G_N_ELEMENTS (schema)];
  g_autoptr(GList) names = json_object_get_members (patch);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (SY_IS_SETTINGS_REPO (self), FALSE);

  memcpy (next, self->values, sizeof next);
  for (GList *l = names; l != NULL; l = l->next)
    {
      int i = find_spec (l->data);

      if (i < 0)
        {
          g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                       "%s: unknown setting", (const char *) l->data);
          return FALSE;
        }
      if (!parse_value (&schema[i], json_object_get_member (patch, l->data), &next[i], error))
        return FALSE;
    }

  stmt = sy_database_prepare (self->db, "INSERT OR REPLACE INTO settings (key, value) "
                                        "VALUES (?, ?)", error);
  if (stmt == NULL || !sy_database_exec (self->db, "BEGIN IMMEDIATE", error))
    return FALSE;
  for (GList *l = names; l != NULL; l = l->next)
    {
      int i = find_spec (l->data);
      g_autofree char *text = schema[i].type == SETTING_BOOLEAN
                                ? g_strdup (next[i] ? "true" : "false")
                                : g_strdup_printf ("%" G_GINT64_FORMAT, next[i]);

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, schema[i].name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
      if (!sy_database_step_done (self->db, stmt, error))
        {
          sy_database_exec (self->db, "ROLLBACK", NULL);
          return FALSE;
        }
    }
  if (!sy_database_exec (self->db, "COMMIT", error))
    {
      sy_database_exec (self->db, "ROLLBACK", NULL);
      return FALSE;
    }

  memcpy (self->values, next, sizeof next);
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

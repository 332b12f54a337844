/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list of every setting: name, type, default and what a valid value is. Internal to
 * SySettingsRepo (the repository is the only reader); the validators for structured settings
 * (aliases, fallback chains, provider profiles) live beside the table in sy-settings-schema.c.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  SY_SETTING_BOOLEAN,
  SY_SETTING_INT,
  SY_SETTING_CHOICE,    /* one string of choices */
  SY_SETTING_JSON,      /* a structured value checked by validate */
} SySettingType;

typedef struct
{
  const char          *name;
  SySettingType        type;
  gint64               def;       /* BOOLEAN, INT */
  gint64               min;
  gint64               max;
  const char * const  *choices;   /* CHOICE: NULL-terminated; the first is the default */
  const char          *def_json;  /* JSON: the default value */
  gboolean           (*validate) (JsonNode *node, GString *why);  /* JSON */
} SySettingSpec;

const SySettingSpec *sy_settings_schema_get  (guint      *n_specs);
int                  sy_settings_schema_find (const char *name);

G_END_DECLS

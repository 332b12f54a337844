/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list of every setting: name, type, default and what a valid value is. SySettingsRepo is
 * the only one that validates and stores with it; the desktop app reads it (read-only) to build
 * its Settings form. The validators for structured settings (aliases, fallback chains, provider
 * profiles) live beside the table in sy-settings-schema.c.
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
/* The entry for name, or NULL when there is no such setting. */
const SySettingSpec *sy_settings_schema_lookup (const char *name);
/* The default of any entry as JSON (false, 10000, "fill-first", []); the caller unrefs it. */
JsonNode            *sy_settings_schema_dup_default (const SySettingSpec *spec);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the Settings page says about each setting: its tab, group, label, one-line description,
 * the unit it is shown in and how a structured value is edited. The type, range, choices and
 * default come from the store's schema (store/sy-settings-schema.h), never from here.
 */
#pragma once

#include <glib.h>

#include "sy-format.h"

G_BEGIN_DECLS

typedef enum {
  SY_SETTINGS_TAB_SECURITY,
  SY_SETTINGS_TAB_ROUTING,
  SY_SETTINGS_TAB_RESILIENCE,
  SY_SETTINGS_TAB_AI,
  SY_SETTINGS_TAB_ADVANCED,
  SY_SETTINGS_N_TABS,
} SySettingsTab;

typedef enum {
  SY_SETTING_EDIT_CONTROL,  /* booleans, integers and choices: their own widget */
  SY_SETTING_EDIT_LINES,    /* a JSON array of strings, one per line */
  SY_SETTING_EDIT_JSON,     /* any JSON, pretty-printed */
  SY_SETTING_EDIT_TEXT,     /* a JSON string as plain text */
  SY_SETTING_EDIT_HIDDEN,   /* edited elsewhere (the proxy settings have their own API) */
} SySettingEdit;

typedef struct
{
  const char      *name;          /* the schema's */
  SySettingsTab    tab;
  const char      *group;         /* a heading, N_(); NULL continues the previous one */
  const char      *label;         /* N_() */
  const char      *description;   /* N_(): one plain sentence */
  SySettingEdit    edit;
  gint64           scale;         /* stored units per shown unit (1000: ms shown as s) */
  guint            digits;        /* decimals shown */
  const char      *unit;          /* N_() or NULL */
  const SyChoice *(*choices) (guint *n_choices);  /* labels of a choice setting, or NULL */
} SySettingField;

/* Every field the page knows, in display order (tab by tab). */
const SySettingField *sy_settings_fields_get    (guint      *n_fields);
/* The field for name; for a setting this table does not know yet, a plain one in Advanced
 * labelled with its name (so a new schema entry still shows up). */
SySettingField        sy_settings_fields_lookup (const char *name);
/* The tab's page name in the Settings page's stack ("security"). */
const char           *sy_settings_tab_get_name  (SySettingsTab tab);

G_END_DECLS

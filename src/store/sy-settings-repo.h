/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SySettingsRepo: the settings table, a typed view over it. Every known setting has a type,
 * default and valid values in one schema table (sy-settings-schema.c); an update is validated
 * whole before anything is written, and a bad value is an error naming the field.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "sy-database.h"

G_BEGIN_DECLS

#define SY_TYPE_SETTINGS_REPO (sy_settings_repo_get_type ())
G_DECLARE_FINAL_TYPE (SySettingsRepo, sy_settings_repo, SY, SETTINGS_REPO, GObject)

SySettingsRepo *sy_settings_repo_new         (SyDatabase      *db,
                                              GError         **error);
gboolean        sy_settings_repo_get_boolean (SySettingsRepo  *self,
                                              const char      *name);
gint64          sy_settings_repo_get_int     (SySettingsRepo  *self,
                                              const char      *name);
/* A choice setting ("routingStrategy"): one of its schema's strings. */
const char     *sy_settings_repo_get_choice  (SySettingsRepo  *self,
                                              const char      *name);
/* A structured setting ("modelAliases"), already validated; a reference the caller drops. */
JsonNode       *sy_settings_repo_dup_json    (SySettingsRepo  *self,
                                              const char      *name);
/* Bumped by every successful update: readers that compile settings cache per generation. */
guint           sy_settings_repo_get_generation (SySettingsRepo *self);
/* Every setting with its current value, as a JSON object. */
JsonNode       *sy_settings_repo_to_json     (SySettingsRepo  *self);
/* Applies the members of patch (unknown names and bad values fail with SY_STORE_ERROR_INVALID
 * and a message that starts with the field name; nothing is written then). Emits "changed". */
gboolean        sy_settings_repo_update      (SySettingsRepo  *self,
                                              JsonObject      *patch,
                                              GError         **error);
/* Overrides a value for this process only (environment variables), not stored. */
void            sy_settings_repo_override_boolean (SySettingsRepo *self,
                                                   const char     *name,
                                                   gboolean        value);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SySettingRow: one setting on the Settings page, built from its schema entry: a switch, a
 * spin button in the field's unit, a drop-down of labelled choices, or a text view for lists
 * and JSON; the description under it and a message line for what the API refused. It knows
 * the value it last loaded, so it can tell whether the person changed it.
 */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "store/sy-settings-schema.h"
#include "sy-settings-fields.h"

G_BEGIN_DECLS

#define SY_TYPE_SETTING_ROW (sy_setting_row_get_type ())
G_DECLARE_FINAL_TYPE (SySettingRow, sy_setting_row, SY, SETTING_ROW, GtkWidget)

/* spec is the schema's (static); field says how to show it. */
GtkWidget  *sy_setting_row_new          (const SySettingSpec  *spec,
                                         const SySettingField *field);
const char *sy_setting_row_get_name     (SySettingRow         *self);
SySettingsTab sy_setting_row_get_tab    (SySettingRow         *self);
/* Shows a stored value. Unless force, a row the person changed keeps what they typed. */
void        sy_setting_row_set_value    (SySettingRow         *self,
                                         JsonNode             *value,
                                         gboolean              force);
/* Whether the control differs from the value last loaded into it. */
gboolean    sy_setting_row_is_changed   (SySettingRow         *self);
/* The control's value as the API takes it, or NULL with a message for people (text that is
 * not JSON). */
JsonNode   *sy_setting_row_dup_value    (SySettingRow         *self,
                                         GError              **error);
/* A message under the control (NULL hides it). */
void        sy_setting_row_set_message  (SySettingRow         *self,
                                         const char           *message);
const char *sy_setting_row_get_message  (SySettingRow         *self);
/* The editable text of a list or JSON row ("" for other rows): what the person sees. */
char       *sy_setting_row_dup_text     (SySettingRow         *self);
/* The widget the person edits (switch, spin button, drop-down or text view). */
GtkWidget  *sy_setting_row_get_control  (SySettingRow         *self);

G_END_DECLS

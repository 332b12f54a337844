/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SySettingsPage: every setting in tabs (Security, Routing, Resilience, AI, Advanced),
 * generated from the settings schema, saved with one PATCH /api/settings of the changed values
 * only; a refusal is shown next to the field it names and the form keeps what was typed.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"

G_BEGIN_DECLS

#define SY_TYPE_SETTINGS_PAGE (sy_settings_page_get_type ())
G_DECLARE_FINAL_TYPE (SySettingsPage, sy_settings_page, SY, SETTINGS_PAGE, GtkWidget)

void sy_settings_page_set_client (SySettingsPage *self,
                                  SyAdminClient  *client);
/* Reads the stored settings again; rows with unsaved changes keep them. */
void sy_settings_page_refresh    (SySettingsPage *self);
/* Shows the tab named "security", "routing", "resilience", "ai" or "advanced". */
void sy_settings_page_set_tab    (SySettingsPage *self,
                                  const char     *name);

G_END_DECLS

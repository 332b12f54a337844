/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyCombosPage: the combos with their strategy and members; New, Edit (SyComboEditor) and
 * Delete after a confirmation. Changes go through the management API.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"

G_BEGIN_DECLS

#define SY_TYPE_COMBOS_PAGE (sy_combos_page_get_type ())
G_DECLARE_FINAL_TYPE (SyCombosPage, sy_combos_page, SY, COMBOS_PAGE, GtkWidget)

void sy_combos_page_set_client (SyCombosPage  *self,
                                SyAdminClient *client);
/* Reads the combos again (also when they change while the page is shown). */
void sy_combos_page_refresh    (SyCombosPage  *self);

G_END_DECLS

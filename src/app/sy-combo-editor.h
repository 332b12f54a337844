/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyComboEditor: a window to create or edit one combo: name, strategy, account strategy and
 * the members in order with their weights. Saving goes through the management API; its
 * refusals are shown in the window, in plain words.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"
#include "store/sy-combo.h"

G_BEGIN_DECLS

#define SY_TYPE_COMBO_EDITOR (sy_combo_editor_get_type ())
G_DECLARE_FINAL_TYPE (SyComboEditor, sy_combo_editor, SY, COMBO_EDITOR, GtkWindow)

/* combo NULL: a new one. Emits "saved" after the API accepted it, then closes. */
SyComboEditor *sy_combo_editor_new        (SyAdminClient *client,
                                           SyCombo       *combo);
/* Appends a member row (what the Add button does). */
void           sy_combo_editor_add_member (SyComboEditor *self,
                                           const char    *model,
                                           guint          weight);

G_END_DECLS

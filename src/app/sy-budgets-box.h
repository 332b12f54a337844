/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyBudgetsBox: the Budgets section of the Usage page. Lists GET /api/usage/budget (what each
 * key spent of its budget, a level bar, when it starts again), adds one through
 * SyBudgetDialog, and edits or deletes one from its row, after a confirmation for a delete.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"

G_BEGIN_DECLS

#define SY_TYPE_BUDGETS_BOX (sy_budgets_box_get_type ())
G_DECLARE_FINAL_TYPE (SyBudgetsBox, sy_budgets_box, SY, BUDGETS_BOX, GtkWidget)

/* Follows client (may be NULL) and reads the budgets again. */
void sy_budgets_box_set_client (SyBudgetsBox  *self,
                                SyAdminClient *client);
/* Reads the budgets again. */
void sy_budgets_box_reload     (SyBudgetsBox  *self);

G_END_DECLS

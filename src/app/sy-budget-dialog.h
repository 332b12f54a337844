/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyBudgetDialog: a window to add a budget to an inbound API key (key, amount in US dollars,
 * period, warning threshold) or to change one's amount and threshold. POST or PATCH
 * /api/usage/budget does the rest; what the API refuses shows under the field it names.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"

G_BEGIN_DECLS

#define SY_TYPE_BUDGET_DIALOG (sy_budget_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SyBudgetDialog, sy_budget_dialog, SY, BUDGET_DIALOG, GtkWindow)

/* budget: one of GET /api/usage/budget's objects to edit, or NULL to add one. budgets: those
 * that exist now (may be NULL), so adding one a key already has for that period is refused
 * before it would replace it. Emits "saved" once the API stored it, then closes. */
SyBudgetDialog *sy_budget_dialog_new (SyAdminClient *client,
                                      JsonArray     *budgets,
                                      JsonObject    *budget);

G_END_DECLS

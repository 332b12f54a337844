/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyUsagePage: requests, tokens and cost over the last 7, 30 or 90 UTC days, in figures, a
 * chart per day split by provider, model or API key, and a table of those groups; the budgets
 * of the API keys; and the pricing table, editable. Everything goes through /api.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"

G_BEGIN_DECLS

#define SY_TYPE_USAGE_PAGE (sy_usage_page_get_type ())
G_DECLARE_FINAL_TYPE (SyUsagePage, sy_usage_page, SY, USAGE_PAGE, GtkWidget)

void sy_usage_page_set_client (SyUsagePage   *self,
                               SyAdminClient *client);
/* Reads usage, budgets and prices again. */
void sy_usage_page_refresh    (SyUsagePage   *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyPricingEditor: the pricing table (USD per million tokens by provider and model), listed
 * with a filter, and edited through /api/pricing: add or change a price, remove one.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"

G_BEGIN_DECLS

#define SY_TYPE_PRICING_EDITOR (sy_pricing_editor_get_type ())
G_DECLARE_FINAL_TYPE (SyPricingEditor, sy_pricing_editor, SY, PRICING_EDITOR, GtkWidget)

/* Follows client (may be NULL) and reads the prices again. */
void sy_pricing_editor_set_client (SyPricingEditor *self,
                                   SyAdminClient   *client);

G_END_DECLS

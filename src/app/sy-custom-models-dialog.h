/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyCustomModelsDialog: a provider's custom models (the user guide's "Custom Models"): model ids
 * added to a provider's list without waiting for an update, through /api/provider-models.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"

G_BEGIN_DECLS

#define SY_TYPE_CUSTOM_MODELS_DIALOG (sy_custom_models_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SyCustomModelsDialog, sy_custom_models_dialog, SY, CUSTOM_MODELS_DIALOG,
                      GtkWindow)

/* provider (catalog id or node prefix) preselected when not NULL. */
SyCustomModelsDialog *sy_custom_models_dialog_new (SyAdminClient *client,
                                                   const char    *provider);

G_END_DECLS

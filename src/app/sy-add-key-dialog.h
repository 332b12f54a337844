/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyAddKeyDialog: a window to connect an account with an API key: provider (built-in catalog
 * and the user's provider nodes), name, key and priority. POST /api/providers does the rest.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"

G_BEGIN_DECLS

#define SY_TYPE_ADD_KEY_DIALOG (sy_add_key_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SyAddKeyDialog, sy_add_key_dialog, SY, ADD_KEY_DIALOG, GtkWindow)

/* Emits "added" once the API stored the account and its key, then closes. */
SyAddKeyDialog *sy_add_key_dialog_new             (SyAdminClient  *client);
/* Selects a provider by catalog id or node prefix; FALSE when it is not offered. */
gboolean        sy_add_key_dialog_select_provider (SyAddKeyDialog *self,
                                                   const char     *provider);

G_END_DECLS

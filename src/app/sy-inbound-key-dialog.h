/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyInboundKeyDialog: a window to create an inbound API key (its name, the models and combos it
 * may use, its requests per minute and per day) or to change one's. POST or PATCH /api/keys
 * does the rest; what the API refuses shows under the field it names. A new key is shown once,
 * in this window, with a Copy button.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"

G_BEGIN_DECLS

#define SY_TYPE_INBOUND_KEY_DIALOG (sy_inbound_key_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SyInboundKeyDialog, sy_inbound_key_dialog, SY, INBOUND_KEY_DIALOG,
                      GtkWindow)

/* key: one of GET /api/keys's objects to edit, or NULL to create one. Emits "saved" once the
 * API stored it; an edited key's window then closes, a new key's shows the key until it is
 * closed. */
SyInboundKeyDialog *sy_inbound_key_dialog_new (SyAdminClient *client,
                                               JsonObject    *key);

G_END_DECLS

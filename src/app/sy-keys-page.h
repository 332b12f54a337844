/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyKeysPage: the inbound API keys tools send to the gateway, with their prefix, scopes,
 * request limits and creation time; Create (the key shown once), Edit and Revoke after a
 * confirmation. Everything goes through /api/keys.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"

G_BEGIN_DECLS

#define SY_TYPE_KEYS_PAGE (sy_keys_page_get_type ())
G_DECLARE_FINAL_TYPE (SyKeysPage, sy_keys_page, SY, KEYS_PAGE, GtkWidget)

void sy_keys_page_set_client (SyKeysPage    *self,
                              SyAdminClient *client);
/* Reads the keys again (also every few seconds while the page is shown). */
void sy_keys_page_refresh    (SyKeysPage    *self);

G_END_DECLS

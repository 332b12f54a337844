/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyProvidersPage: the connected accounts with their provider, priority, on/off switch and
 * what the router thinks of them right now (cooling down, breaker open); Add API key.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"

G_BEGIN_DECLS

#define SY_TYPE_PROVIDERS_PAGE (sy_providers_page_get_type ())
G_DECLARE_FINAL_TYPE (SyProvidersPage, sy_providers_page, SY, PROVIDERS_PAGE, GtkWidget)

void sy_providers_page_set_client (SyProvidersPage *self,
                                   SyAdminClient   *client);
/* Reads the accounts and the routing state again. */
void sy_providers_page_refresh    (SyProvidersPage *self);

G_END_DECLS

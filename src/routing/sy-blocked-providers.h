/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The "blockedProviders" setting as the route planner applies it: a route to a blocked
 * provider is not usable, like a provider without accounts, so combos and fallback chains
 * move past it and a request naming only blocked providers is refused.
 */
#pragma once

#include "routing/sy-route.h"
#include "store/sy-settings-repo.h"

G_BEGIN_DECLS

/* FALSE (and SY_ROUTING_ERROR_PROVIDER_BLOCKED) when the setting names route's provider by its
 * id, its label (a provider node's prefix) or its catalog alias, ignoring case. */
gboolean sy_blocked_providers_check (SySettingsRepo  *settings,
                                     const SyRoute   *route,
                                     GError         **error);

G_END_DECLS

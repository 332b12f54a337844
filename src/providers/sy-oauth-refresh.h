/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Token refresh for OAuth accounts, per provider as its official CLI does it: the refresh_token
 * grant (Codex deliberately without scope; Kiro through AWS OIDC with its registered client;
 * Google's refresh token kept, it never rotates), iFlow's API key read again, GitHub's Copilot
 * session token exchanged again. Async, main loop only; stores nothing, logs no token.
 */
#pragma once

#include <libsoup/soup.h>

#include "providers/sy-oauth-provider.h"
#include "providers/sy-origin-map.h"
#include "providers/sy-token-bundle.h"

G_BEGIN_DECLS

/* provider_data_json: the connection's provider data (Kiro's clientId, clientSecret, region);
 * may be NULL. bundle is copied. */
void           sy_oauth_refresh_async  (SoupSession          *session,
                                        SyOriginMap          *map,
                                        const char           *provider_id,
                                        const SyTokenBundle  *bundle,
                                        const char           *provider_data_json,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
/* The new bundle; errors in SY_OAUTH_ERROR: REVOKED (log in again), TRANSIENT (try later),
 * PROTOCOL, DENIED. */
SyTokenBundle *sy_oauth_refresh_finish (GAsyncResult         *result,
                                        GError              **error);
/* TRUE when the bundle's bearer expires within the provider's lead time of now_ms (or has a
 * known expiry in the past). Unknown expiry: FALSE. */
gboolean       sy_oauth_refresh_due    (const char           *provider_id,
                                        const SyTokenBundle  *bundle,
                                        gint64                now_ms);

G_END_DECLS

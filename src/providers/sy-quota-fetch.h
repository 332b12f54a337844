/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fetching a subscription account's quota from its provider: Claude's oauth/usage, Codex's
 * wham/usage, Copilot's copilot_internal/user, Gemini CLI's retrieveUserQuota and Kiro's
 * GetUsageLimits, each with the headers its own client sends. Every URL goes through the
 * SyOriginMap (tests point it at loopback). One request per call: no retries, no caching
 * (SyQuotaBook does that), nothing stored.
 */
#pragma once

#include <libsoup/soup.h>

#include "providers/sy-origin-map.h"
#include "providers/sy-quota.h"

G_BEGIN_DECLS

/* How long one fetch may take before it fails with SY_QUOTA_ERROR_NETWORK. */
#define SY_QUOTA_FETCH_TIMEOUT_S 30

/* Has provider_id (a canonical id or alias: claude/cc, codex/cx, github/gh, gemini-cli,
 * antigravity/agy, kiro/kr, amazon-q/aq) a quota endpoint? */
gboolean     sy_quota_fetch_is_supported (const char          *provider_id);

/* bearer is the account's access token (for github: the GitHub OAuth token, not the
 * short-lived Copilot token). provider_data_json is the connection's provider data (may be
 * NULL): Codex reads workspaceId, Gemini CLI projectId, Kiro region (default us-east-1,
 * checked against ^[a-z]{2}(-gov)?-[a-z]+-[0-9]$) and profileArn. origins may be NULL. */
void         sy_quota_fetch_async        (SoupSession         *session,
                                          SyOriginMap         *origins,
                                          const char          *provider_id,
                                          const char          *bearer,
                                          const char          *provider_data_json,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
/* The quota, or NULL with an SY_QUOTA_ERROR (G_IO_ERROR_CANCELLED when cancelled). After
 * SY_QUOTA_ERROR_RATE_LIMITED, *retry_after_ms (may be NULL) is the delay the endpoint asked
 * for, else -1. */
SyQuota     *sy_quota_fetch_finish       (GAsyncResult        *result,
                                          gint64              *retry_after_ms,
                                          GError             **error);

G_END_DECLS

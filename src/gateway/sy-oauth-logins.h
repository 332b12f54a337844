/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyOAuthLogins: the gateway's OAuth logins in progress, by flow id, bounded in number and
 * lifetime. When a flow is DONE it stores the account: the token bundle in the secret store
 * first, then a new connection row, or the existing one (same provider and account, or the
 * connection being logged in again) back to auth_state "ok". It never logs or returns tokens.
 */
#pragma once

#include "providers/sy-oauth-flow.h"

G_BEGIN_DECLS

typedef struct _SyGateway SyGateway;

#define SY_OAUTH_LOGINS_MAX       16
#define SY_OAUTH_LOGINS_LIFETIME  (10 * 60 * 1000)  /* ms */

#define SY_TYPE_OAUTH_LOGINS (sy_oauth_logins_get_type ())
G_DECLARE_FINAL_TYPE (SyOAuthLogins, sy_oauth_logins, SY, OAUTH_LOGINS, GObject)

/* gateway is not referenced (it owns the logins). */
SyOAuthLogins *sy_oauth_logins_new             (SyGateway      *gateway);
/* A started flow and its new id (*flow_id, owned). connection_id: the account to log in
 * again, or NULL. Fails with SY_OAUTH_ERROR_INVALID (provider, method, connectionId) or
 * SY_OAUTH_ERROR_UNAVAILABLE (too many logins in progress). */
SyOAuthFlow   *sy_oauth_logins_start           (SyOAuthLogins  *self,
                                                const char     *provider_id,
                                                SyOAuthMethod   method,
                                                const char     *connection_id,
                                                char          **flow_id,
                                                GError        **error);
/* Borrowed; NULL when unknown or expired. */
SyOAuthFlow   *sy_oauth_logins_lookup          (SyOAuthLogins  *self,
                                                const char     *flow_id);
/* What the API shows as the state: "done" only once the account is stored; "failed" also
 * when storing it failed. */
const char    *sy_oauth_logins_get_state       (SyOAuthLogins  *self,
                                                const char     *flow_id);
/* The stored connection's id once stored, else NULL. */
const char    *sy_oauth_logins_get_connection  (SyOAuthLogins  *self,
                                                const char     *flow_id);
/* Why it failed (the flow's error or the storing one), else NULL. */
const char    *sy_oauth_logins_get_error       (SyOAuthLogins  *self,
                                                const char     *flow_id);
/* Cancels the flow and forgets it; FALSE when unknown. */
gboolean       sy_oauth_logins_cancel          (SyOAuthLogins  *self,
                                                const char     *flow_id);
/* Cancels everything (gateway shutdown). */
void           sy_oauth_logins_cancel_all      (SyOAuthLogins  *self);
/* Tests: the loopback port new flows listen on (-1: the provider's), the length of a polling
 * second, how long a login lives. */
void           sy_oauth_logins_set_test_options (SyOAuthLogins *self,
                                                 int            callback_port,
                                                 guint          second_ms,
                                                 guint          lifetime_ms);

G_END_DECLS

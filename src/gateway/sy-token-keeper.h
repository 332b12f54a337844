/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyTokenKeeper: usable tokens for OAuth accounts. Hands out the stored SyTokenBundle,
 * refreshing it first when it expires within the provider's lead time (or when an upstream
 * said 401). One refresh per account at a time: concurrent callers wait for it and share its
 * answer. A rotated refresh token is written to the secret store before anyone gets the new
 * access token. A refusal that no retry can fix (revoked, reused or expired refresh token)
 * marks the account "needs_login" with the reason and stops: no silent loops. A sweep every
 * minute refreshes accounts before they expire, so requests rarely wait.
 */
#pragma once

#include <libsoup/soup.h>

#include "providers/sy-origin-map.h"
#include "providers/sy-token-bundle.h"
#include "store/sy-records.h"

G_BEGIN_DECLS

typedef struct _SyGateway SyGateway;

#define SY_TOKEN_KEEPER_ERROR (sy_token_keeper_error_quark ())

typedef enum {
  SY_TOKEN_KEEPER_ERROR_NEEDS_LOGIN,  /* the account must sign in again; the message says why */
  SY_TOKEN_KEEPER_ERROR_UNAVAILABLE,  /* no token now (network, provider trouble): try later */
} SyTokenKeeperError;

/* How a provider's tokens are refreshed (sy_oauth_refresh_async in production, fakes in
 * tests). is_revoked says whether a refresh error can never succeed on retry. */
typedef struct
{
  void            (*refresh_async)  (SoupSession          *session,
                                     SyOriginMap          *origins,
                                     const char           *provider_id,
                                     const SyTokenBundle  *bundle,
                                     const char           *provider_data,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
  SyTokenBundle  *(*refresh_finish) (GAsyncResult         *result,
                                     GError              **error);
  gboolean        (*is_revoked)     (const GError         *error);
  gint64          (*lead_ms)        (const char           *provider_id);
} SyTokenRefresher;

#define SY_TYPE_TOKEN_KEEPER (sy_token_keeper_get_type ())
G_DECLARE_FINAL_TYPE (SyTokenKeeper, sy_token_keeper, SY, TOKEN_KEEPER, GObject)

GQuark          sy_token_keeper_error_quark (void);
/* gateway is not referenced (it owns the keeper). */
SyTokenKeeper  *sy_token_keeper_new         (SyGateway              *gateway,
                                             const SyTokenRefresher *refresher);
void            sy_token_keeper_set_refresher (SyTokenKeeper          *self,
                                               const SyTokenRefresher *refresher);
/* force: the upstream refused the token it was given; refresh unless another caller already
 * did in the last few seconds. */
void            sy_token_keeper_get_async   (SyTokenKeeper          *self,
                                             SyConnection           *connection,
                                             gboolean                force,
                                             GCancellable           *cancellable,
                                             GAsyncReadyCallback     callback,
                                             gpointer                user_data);
SyTokenBundle  *sy_token_keeper_get_finish  (SyTokenKeeper          *self,
                                             GAsyncResult           *result,
                                             GError                **error);
/* Refreshes every signed-in account that expires within its lead time (the minute sweep). */
void            sy_token_keeper_sweep       (SyTokenKeeper          *self);
/* Stops the sweep and cancels refreshes in flight (gateway shutdown). */
void            sy_token_keeper_stop        (SyTokenKeeper          *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a login learns after the tokens arrive (account label, provider data, a derived token),
 * shared by SyOAuthFlow and the refresh code. Internal to src/providers.
 */
#pragma once

#include "providers/sy-oauth-http.h"
#include "providers/sy-token-bundle.h"

G_BEGIN_DECLS

typedef struct
{
  const SyOAuthProvider *provider;
  SoupSession           *session;
  SyOriginMap           *map;
  SyTokenBundle         *bundle;          /* filled in further (Copilot, iFlow) */
  JsonObject            *token_response;  /* the token endpoint's answer */
  char                  *account;         /* out */
  JsonObject            *data;            /* out: provider data, never NULL */
} SyOAuthLogin;

/* Fills login->account and login->data (and the bundle where the provider derives a token).
 * login must outlive the call. */
void         _sy_oauth_profile_fetch_async  (SyOAuthLogin        *login,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean     _sy_oauth_profile_fetch_finish (GAsyncResult        *result,
                                             GError             **error);

/* GitHub Copilot: the session token request and how its answer enters the bundle. */
SoupMessage *_sy_oauth_copilot_request      (SyOriginMap         *map,
                                             const char          *github_token);
gboolean     _sy_oauth_copilot_apply        (SyTokenBundle       *bundle,
                                             JsonObject          *answer,
                                             GError             **error);
/* iFlow: getUserInfo; the apiKey into the bundle, *account (may be NULL) the e-mail or phone. */
SoupMessage *_sy_oauth_iflow_request        (SyOriginMap         *map,
                                             const char          *access_token);
gboolean     _sy_oauth_iflow_apply          (SyTokenBundle       *bundle,
                                             JsonObject          *answer,
                                             char               **account,
                                             GError             **error);

/* AWS SSO OIDC answers in camelCase (accessToken, refreshToken, expiresIn, tokenType,
 * idToken): the same as a standard token answer (new object). */
JsonObject  *_sy_oauth_aws_to_standard      (JsonObject          *answer);

G_END_DECLS

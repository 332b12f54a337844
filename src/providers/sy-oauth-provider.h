/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The OAuth protocol table: for each subscription provider (ids as in the catalog), the public
 * client, endpoints, scopes, redirect and which flow shapes it speaks, as data. Also the
 * SY_OAUTH_ERROR domain, refresh lead times, PKCE and JWT-claim helpers. No I/O here.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define SY_OAUTH_ERROR (sy_oauth_error_quark ())

typedef enum {
  SY_OAUTH_ERROR_REVOKED,     /* invalid_grant, refresh_token_reused, 401...: log in again */
  SY_OAUTH_ERROR_TRANSIENT,   /* network, 5xx, 429: try later */
  SY_OAUTH_ERROR_PROTOCOL,    /* a malformed or unexpected answer */
  SY_OAUTH_ERROR_DENIED,      /* the user (or the provider) said no */
  SY_OAUTH_ERROR_EXPIRED,     /* the device code or the flow ran out of time */
  SY_OAUTH_ERROR_INVALID,     /* bad input: pasted code, state mismatch, unknown provider */
  SY_OAUTH_ERROR_UNAVAILABLE, /* cannot run here: callback port taken, client not configured */
} SyOAuthError;

typedef enum {
  SY_OAUTH_METHOD_BROWSER,
  SY_OAUTH_METHOD_DEVICE,
} SyOAuthMethod;

/* How the browser flow comes back. */
typedef enum {
  SY_OAUTH_BROWSER_NONE,
  SY_OAUTH_BROWSER_PASTE,     /* fixed web redirect; the user pastes code#state (Claude) */
  SY_OAUTH_BROWSER_LOOPBACK,  /* a callback server on 127.0.0.1; a pasted URL works too */
} SyOAuthBrowser;

typedef enum {
  SY_OAUTH_DEVICE_NONE,
  SY_OAUTH_DEVICE_RFC8628,    /* GitHub, Qwen: form-encoded device_code grant */
  SY_OAUTH_DEVICE_OPENAI,     /* deviceauth/usercode + deviceauth/token, then a code exchange */
  SY_OAUTH_DEVICE_AWS,        /* AWS SSO OIDC: client/register, device_authorization, token */
} SyOAuthDevice;

typedef enum {
  SY_OAUTH_BODY_FORM,
  SY_OAUTH_BODY_JSON,
} SyOAuthBody;

/* What happens after the tokens arrive to learn the account and provider data. */
typedef enum {
  SY_OAUTH_PROFILE_TOKEN,     /* from the token response (Claude: account.email_address) */
  SY_OAUTH_PROFILE_ID_TOKEN,  /* id_token claims (Codex: email, chatgpt_account_id) */
  SY_OAUTH_PROFILE_GOOGLE,    /* userinfo, then loadCodeAssist / onboardUser */
  SY_OAUTH_PROFILE_GITHUB,    /* GET /user, then the Copilot session token */
  SY_OAUTH_PROFILE_IFLOW,     /* getUserInfo: apiKey, email or phone */
  SY_OAUTH_PROFILE_NONE,      /* Qwen, Kiro: nothing to ask */
} SyOAuthProfile;

typedef struct
{
  const char     *id;
  const char     *client_id;
  /* The environment variable holding the provider's public client secret (Google, iFlow ship
   * one inside their CLIs); NULL when the client has none. */
  const char     *client_secret_env;
  const char     *scope;

  SyOAuthBrowser  browser;
  const char     *authorize_url;
  const char     *authorize_extra;     /* "k=v&k=v" appended to the authorize URL */
  const char     *redirect_param;      /* the authorize parameter naming the redirect */
  const char     *redirect_uri;        /* fixed, or with {port} for the loopback port */
  const char     *callback_path;
  guint           callback_port;       /* the default; 0: ephemeral */
  gboolean        pkce;
  SyOAuthBody     exchange_body;
  gboolean        basic_auth;          /* client_id:client_secret as HTTP Basic (iFlow) */
  const char     *token_url;           /* {region} is replaced (Kiro) */

  SyOAuthDevice   device;
  const char     *device_url;
  const char     *device_token_url;
  const char     *register_url;        /* AWS client registration */
  const char     *verification_uri;    /* when the answer names none */

  const char     *refresh_url;
  SyOAuthBody     refresh_body;
  SyOAuthProfile  profile;
  gint64          refresh_lead_ms;
} SyOAuthProvider;

GQuark                 sy_oauth_error_quark          (void);

/* By catalog id or alias (sy-provider-catalog.c: "cc", "cx", "gc", "gh", ...); NULL when not
 * an OAuth provider. */
const SyOAuthProvider *sy_oauth_provider_lookup       (const char            *id);
gboolean               sy_oauth_provider_supports     (const SyOAuthProvider *provider,
                                                       SyOAuthMethod          method);
/* The public client secret from the environment, or NULL. */
const char            *sy_oauth_provider_get_secret   (const SyOAuthProvider *provider);
/* How long before expiry a token should be refreshed (ms); 5 min for unknown ids. GitHub's is
 * the Copilot session token's. */
gint64                 sy_oauth_refresh_lead_ms       (const char            *provider_id);
/* TRUE for SY_OAUTH_ERROR_REVOKED: no retry can fix it, the account needs a new login. */
gboolean               sy_oauth_error_is_revoked      (const GError          *error);
/* url with every "{region}" replaced (NULL region: us-east-1). */
char                  *sy_oauth_expand_url            (const char            *url,
                                                       const char            *region);

/* PKCE: a fresh code_verifier (43 base64url characters) and its S256 challenge. */
char                  *sy_oauth_pkce_verifier         (void);
char                  *sy_oauth_pkce_challenge        (const char            *verifier);
/* The payload of a JWT as an object, without checking its signature (our own tokens only);
 * NULL when it is not one. */
JsonObject            *sy_oauth_jwt_claims            (const char            *jwt);

G_END_DECLS

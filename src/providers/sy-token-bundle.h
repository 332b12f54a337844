/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyTokenBundle: what an OAuth account keeps in the secret store, as one JSON object (the
 * secret of an API-key account is the bare key; a stored secret starting with '{' is a bundle).
 * Parsing, serialising and reading standard token responses; no I/O, no clock of its own.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  char   *access_token;
  char   *refresh_token;     /* NULL when the provider gives none */
  char   *id_token;          /* OpenID Connect, kept for the claims (Codex workspace) */
  char   *token_type;
  gint64  expires_at;        /* ms since the epoch; 0: unknown */
  /* A second, short-lived token derived from the access token (GitHub Copilot's). */
  char   *session_token;
  gint64  session_expires_at;
  /* A key the provider hands out after login and that inference uses instead (iFlow). */
  char   *api_key;
  /* The secret of a client registered at login (Kiro's AWS OIDC client), needed to refresh;
   * its id is not secret and stays in the account's provider data. */
  char   *client_secret;
} SyTokenBundle;

SyTokenBundle *sy_token_bundle_new        (void);
SyTokenBundle *sy_token_bundle_copy       (const SyTokenBundle *self);
void           sy_token_bundle_free       (SyTokenBundle       *self);
/* The stored form; NULL with error when secret is not a bundle. */
SyTokenBundle *sy_token_bundle_parse      (const char          *secret,
                                           GError             **error);
char          *sy_token_bundle_serialize  (const SyTokenBundle *self);
gboolean       sy_token_bundle_is_bundle  (const char          *secret);
/* A token endpoint's answer (access_token, refresh_token, id_token, token_type, expires_in in
 * seconds or expires_at). A rotating provider's new refresh token replaces the old one; without
 * one the previous refresh token stays (Google's never rotate). previous may be NULL. */
SyTokenBundle *sy_token_bundle_from_response (JsonObject          *response,
                                              const SyTokenBundle *previous,
                                              gint64               now_ms,
                                              GError             **error);
/* What goes upstream: the session token, else the issued key, else the access token. */
const char    *sy_token_bundle_get_bearer (const SyTokenBundle *self);
/* When that bearer stops working (0: unknown). */
gint64         sy_token_bundle_get_bearer_expiry (const SyTokenBundle *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyTokenBundle, sy_token_bundle_free)

G_END_DECLS

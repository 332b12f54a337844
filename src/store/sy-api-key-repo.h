/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyApiKeyRepo: inbound API keys (the keys coding tools send to Switchyard). Only a SHA-256
 * hash and a short prefix are stored; the key itself is shown once, at creation.
 */
#pragma once

#include "sy-database.h"
#include "sy-records.h"

G_BEGIN_DECLS

#define SY_TYPE_API_KEY_REPO (sy_api_key_repo_get_type ())
G_DECLARE_FINAL_TYPE (SyApiKeyRepo, sy_api_key_repo, SY, API_KEY_REPO, GObject)

SyApiKeyRepo *sy_api_key_repo_new          (SyDatabase    *db,
                                            GError       **error);
GPtrArray    *sy_api_key_repo_list         (SyApiKeyRepo  *self);
guint         sy_api_key_repo_get_count    (SyApiKeyRepo  *self);
/* Creates a key; *out_plaintext receives the key, the only time it exists outside the client. */
SyApiKey     *sy_api_key_repo_create       (SyApiKeyRepo  *self,
                                            const char    *name,
                                            char         **out_plaintext,
                                            GError       **error);
/* The key whose hash matches plaintext, or NULL. */
SyApiKey     *sy_api_key_repo_authenticate (SyApiKeyRepo  *self,
                                            const char    *plaintext);
/* The key with this id (a reference), or NULL. */
SyApiKey     *sy_api_key_repo_lookup       (SyApiKeyRepo  *self,
                                            const char    *id);
/* Sets a key's name, scopes and limits from changes (its id, hash and prefix are ignored).
 * The stored record is replaced by a new one, which is returned. */
SyApiKey     *sy_api_key_repo_update       (SyApiKeyRepo    *self,
                                            const char      *id,
                                            const SyApiKey  *changes,
                                            GError         **error);
gboolean      sy_api_key_repo_delete       (SyApiKeyRepo  *self,
                                            const char    *id,
                                            GError       **error);

G_END_DECLS

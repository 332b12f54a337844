/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyConnectionRepo: the provider_connections table (accounts) with an in-memory copy kept in
 * priority order, written through. Credentials are not here: see SySecretStore.
 */
#pragma once

#include "sy-database.h"
#include "sy-records.h"

G_BEGIN_DECLS

#define SY_TYPE_CONNECTION_REPO (sy_connection_repo_get_type ())
G_DECLARE_FINAL_TYPE (SyConnectionRepo, sy_connection_repo, SY, CONNECTION_REPO, GObject)

SyConnectionRepo *sy_connection_repo_new          (SyDatabase       *db,
                                                   GError          **error);
/* All connections (provider NULL) or one provider's, by priority then age; refs. */
GPtrArray        *sy_connection_repo_list         (SyConnectionRepo *self,
                                                   const char       *provider);
SyConnection     *sy_connection_repo_lookup       (SyConnectionRepo *self,
                                                   const char       *id);
/* Inserts or replaces by connection->id. */
gboolean          sy_connection_repo_save         (SyConnectionRepo *self,
                                                   SyConnection     *connection,
                                                   GError          **error);
gboolean          sy_connection_repo_delete       (SyConnectionRepo *self,
                                                   const char       *id,
                                                   GError          **error);
/* Bumped on every change; the router caches per generation. */
guint             sy_connection_repo_get_generation (SyConnectionRepo *self);

G_END_DECLS

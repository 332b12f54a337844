/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyCustomModelRepo: the custom_models table (model ids a user added to a provider's list)
 * with an in-memory copy, written through. Main thread only.
 */
#pragma once

#include "sy-database.h"

G_BEGIN_DECLS

typedef struct
{
  char   *provider;    /* what connections reference: a catalog id or a provider node's id */
  char   *model;       /* the upstream model id, without prefix */
  char   *name;        /* display name; NULL: the id */
  char   *type;        /* "chat" | "embedding" | "image" | "audio" */
  gint64  created_at;  /* ms since the epoch */
} SyCustomModel;

SyCustomModel *sy_custom_model_copy (const SyCustomModel *self);
void           sy_custom_model_free (SyCustomModel       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyCustomModel, sy_custom_model_free)

#define SY_TYPE_CUSTOM_MODEL_REPO (sy_custom_model_repo_get_type ())
G_DECLARE_FINAL_TYPE (SyCustomModelRepo, sy_custom_model_repo, SY, CUSTOM_MODEL_REPO, GObject)

SyCustomModelRepo *sy_custom_model_repo_new      (SyDatabase           *db,
                                                  GError              **error);
/* Copies (SyCustomModel), oldest first; provider (may be NULL for all) filters. */
GPtrArray         *sy_custom_model_repo_list     (SyCustomModelRepo    *self,
                                                  const char           *provider);
/* The stored row (borrowed until the next change), or NULL. */
const SyCustomModel *sy_custom_model_repo_lookup (SyCustomModelRepo    *self,
                                                  const char           *provider,
                                                  const char           *model);
/* SY_STORE_ERROR_CONSTRAINT when the provider already has that model. */
gboolean           sy_custom_model_repo_add      (SyCustomModelRepo    *self,
                                                  const SyCustomModel  *model,
                                                  GError              **error);
/* SY_STORE_ERROR_NOT_FOUND when there is no such row. */
gboolean           sy_custom_model_repo_delete   (SyCustomModelRepo    *self,
                                                  const char           *provider,
                                                  const char           *model,
                                                  GError              **error);
/* Bumped on every change; the resolver's bare-name index is rebuilt per generation. */
guint              sy_custom_model_repo_get_generation (SyCustomModelRepo *self);

G_END_DECLS

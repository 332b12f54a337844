/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyNodeRepo: the provider_nodes table (user-defined compatible providers) with an in-memory
 * index by id and by prefix, written through. Main thread only.
 */
#pragma once

#include "sy-database.h"
#include "sy-records.h"

G_BEGIN_DECLS

#define SY_TYPE_NODE_REPO (sy_node_repo_get_type ())
G_DECLARE_FINAL_TYPE (SyNodeRepo, sy_node_repo, SY, NODE_REPO, GObject)

SyNodeRepo     *sy_node_repo_new              (SyDatabase     *db,
                                               GError        **error);
/* Array of SyProviderNode, oldest first; caller owns the array (elements are refs). */
GPtrArray      *sy_node_repo_list             (SyNodeRepo     *self);
SyProviderNode *sy_node_repo_lookup           (SyNodeRepo     *self,
                                               const char     *id);
SyProviderNode *sy_node_repo_lookup_by_prefix (SyNodeRepo     *self,
                                               const char     *prefix);
/* Inserts or replaces by node->id. A prefix already used by another node is
 * SY_STORE_ERROR_CONSTRAINT. */
gboolean        sy_node_repo_save             (SyNodeRepo     *self,
                                               SyProviderNode *node,
                                               GError        **error);
gboolean        sy_node_repo_delete           (SyNodeRepo     *self,
                                               const char     *id,
                                               GError        **error);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyComboRepo: the combos table with an in-memory copy, written through. Lookups by name are
 * case-insensitive and O(1): the router asks on every request.
 */
#pragma once

#include "sy-combo.h"
#include "sy-database.h"

G_BEGIN_DECLS

#define SY_TYPE_COMBO_REPO (sy_combo_repo_get_type ())
G_DECLARE_FINAL_TYPE (SyComboRepo, sy_combo_repo, SY, COMBO_REPO, GObject)

SyComboRepo *sy_combo_repo_new            (SyDatabase   *db,
                                           GError      **error);
/* All combos by sort order, then name; refs. */
GPtrArray   *sy_combo_repo_list           (SyComboRepo  *self);
SyCombo     *sy_combo_repo_lookup         (SyComboRepo  *self,
                                           const char   *id);
SyCombo     *sy_combo_repo_lookup_by_name (SyComboRepo  *self,
                                           const char   *name);
/* Inserts or replaces by combo->id; a name taken by another combo is SY_STORE_ERROR_CONSTRAINT. */
gboolean     sy_combo_repo_save           (SyComboRepo  *self,
                                           SyCombo      *combo,
                                           GError      **error);
gboolean     sy_combo_repo_delete         (SyComboRepo  *self,
                                           const char   *id,
                                           GError      **error);
guint        sy_combo_repo_get_generation (SyComboRepo  *self);

G_END_DECLS

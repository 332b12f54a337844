/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyCombo: a named chain of models tried in turn ("premium-coding": cc/claude-opus-4-6, then
 * glm/glm-4.7, ...), with the strategy that orders its members. Immutable once built and
 * reference counted, like the other stored records. Members may name other combos.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  char  *model;         /* "prefix/model", a bare model or another combo's name */
  guint  weight;        /* for the weighted strategy; 0..1000 */
} SyComboMember;

typedef struct
{
  char      *id;
  char      *name;      /* what clients send as the model; unique, case-insensitively */
  char      *strategy;  /* "priority" | "round-robin" | "random" | "weighted" |
                         * "least-used" | "cost-optimized" | "default" (the global setting) */
  char      *account_strategy;  /* how each member's accounts are ordered: "default" (the
                                 * routingStrategy setting) or an account strategy name */
  GPtrArray *members;   /* SyComboMember, in the user's order */
  int        sort_order;
  gint64     created_at;
  gint64     updated_at;
} SyCombo;

SyCombo *sy_combo_new        (void);
SyCombo *sy_combo_ref        (SyCombo    *self);
void     sy_combo_unref      (SyCombo    *self);
void     sy_combo_add_member (SyCombo    *self,
                              const char *model,
                              guint       weight);
/* Adds the members to builder as one array value, [{"model": "...", "weight": 1}, ...]: the
 * shape both the database column and the API use. */
void     sy_combo_write_members (SyCombo     *self,
                                 JsonBuilder *builder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyCombo, sy_combo_unref)

G_END_DECLS

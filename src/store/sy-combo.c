/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Allocation and reference counting of SyCombo (atomic, like the other records: a request in
 * flight may hold the last reference), and its members as JSON. Validation of names and members
 * is the API layer's job.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-combo.h"

static void
combo_member_free (gpointer data)
{
  SyComboMember *member = data;

  g_free (member->model);
  g_free (member);
}

static void
combo_clear (gpointer data)
{
  SyCombo *self = data;

  g_free (self->id);
  g_free (self->name);
  g_free (self->strategy);
  g_free (self->account_strategy);
  g_clear_pointer (&self->members, g_ptr_array_unref);
}

SyCombo *
sy_combo_new (void)
{
  SyCombo *self = g_atomic_rc_box_new0 (SyCombo);

  self->strategy = g_strdup ("default");
  self->account_strategy = g_strdup ("default");
  self->members = g_ptr_array_new_with_free_func (combo_member_free);
  return self;
}

SyCombo *
sy_combo_ref (SyCombo *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
sy_combo_unref (SyCombo *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, combo_clear);
}

void
sy_combo_add_member (SyCombo    *self,
                     const char *model,
                     guint       weight)
{
  SyComboMember *member;

  g_return_if_fail (self != NULL);
  g_return_if_fail (model != NULL);

  member = g_new0 (SyComboMember, 1);
  member->model = g_strdup (model);
  member->weight = weight;
  g_ptr_array_add (self->members, member);
}

void
sy_combo_write_members (SyCombo     *self,
                        JsonBuilder *builder)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (JSON_IS_BUILDER (builder));

  json_builder_begin_array (builder);
  for (guint i = 0; i < self->members->len; i++)
    {
      SyComboMember *member = g_ptr_array_index (self->members, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "model");
      json_builder_add_string_value (builder, member->model);
      json_builder_set_member_name (builder, "weight");
      json_builder_add_int_value (builder, member->weight);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

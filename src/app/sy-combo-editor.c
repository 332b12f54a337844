/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The combo editor window. It checks nothing itself beyond "is there something to send": the
 * management API owns the rules (names, strategies, weights, loops), and its answer is shown
 * with the field named as the window names it. Members are reordered by dragging a row's
 * handle onto another row, or with the row's up and down buttons (the keyboard's way).
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-combo-editor.h"

#include <glib/gi18n.h>

#include "sy-format.h"
#include "sy-widgets.h"

struct _SyComboEditor
{
  GtkWindow      parent_instance;

  SyAdminClient *client;
  char          *combo_id;     /* NULL while creating */
  GCancellable  *cancellable;

  GtkEntry      *name_entry;
  GtkDropDown   *strategy_dropdown;
  GtkDropDown   *account_dropdown;
  GtkListBox    *members_list;
  GtkEntry      *new_member_entry;
  GtkLabel      *error_label;
  GtkButton     *save_button;
};

G_DEFINE_FINAL_TYPE (SyComboEditor, sy_combo_editor, GTK_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GtkStringList *
choices_model (const SyChoice *choices,
               guint           n)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint i = 0; i < n; i++)
    gtk_string_list_append (list, _(choices[i].label));
  return list;
}

static void
select_choice (GtkDropDown    *dropdown,
               const SyChoice *choices,
               guint           n,
               const char     *id)
{
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (choices[i].id, id) == 0)
      {
        gtk_drop_down_set_selected (dropdown, i);
        return;
      }
  gtk_drop_down_set_selected (dropdown, 0);
}

static const char *
selected_choice (GtkDropDown    *dropdown,
                 const SyChoice *choices,
                 guint           n)
{
  guint i = gtk_drop_down_get_selected (dropdown);

  return i < n ? choices[i].id : choices[0].id;
}

static GtkListBoxRow *
row_of (GtkWidget *button)
{
  return GTK_LIST_BOX_ROW (gtk_widget_get_ancestor (button, GTK_TYPE_LIST_BOX_ROW));
}

/* Puts row at index target: the row there and those after it move down one (or, when row
 * comes from above, up one): row takes its place. */
static void
move_row_to (SyComboEditor *self,
             GtkListBoxRow *row,
             int            target)
{
  if (target < 0 || gtk_list_box_get_row_at_index (self->members_list, target) == NULL ||
      target == gtk_list_box_row_get_index (row))
    return;
  g_object_ref (row);
  gtk_list_box_remove (self->members_list, GTK_WIDGET (row));
  gtk_list_box_insert (self->members_list, GTK_WIDGET (row), target);
  g_object_unref (row);
}

static void
move_row (SyComboEditor *self,
          GtkWidget     *button,
          int            delta)
{
  GtkListBoxRow *row = row_of (button);

  move_row_to (self, row, gtk_list_box_row_get_index (row) + delta);
}

/* --- drag and drop: the handle is the source, every row a target ------------------------ */

static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source,
                 double         x,
                 double         y,
                 SyComboEditor *self)
{
  GtkWidget *handle = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));

  return gdk_content_provider_new_typed (GTK_TYPE_LIST_BOX_ROW, row_of (handle));
}

static void
drag_begin_cb (GtkDragSource *source,
               GdkDrag       *drag,
               SyComboEditor *self)
{
  GtkWidget *handle = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  g_autoptr(GdkPaintable) icon = gtk_widget_paintable_new (GTK_WIDGET (row_of (handle)));

  gtk_drag_source_set_icon (source, icon, 0, 0);
}

static gboolean
row_drop_cb (GtkDropTarget *target,
             const GValue  *value,
             double         x,
             double         y,
             SyComboEditor *self)
{
  GtkWidget *onto = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target));
  GtkListBoxRow *row;

  if (!G_VALUE_HOLDS (value, GTK_TYPE_LIST_BOX_ROW))
    return FALSE;
  row = g_value_get_object (value);
  /* Only this editor's own members: a row dragged from another window is refused. */
  if (row == NULL || gtk_widget_get_parent (GTK_WIDGET (row)) != GTK_WIDGET (self->members_list))
    return FALSE;
  move_row_to (self, row, gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (onto)));
  return TRUE;
}

static void
up_clicked_cb (GtkButton     *button,
               SyComboEditor *self)
{
  move_row (self, GTK_WIDGET (button), -1);
}

static void
down_clicked_cb (GtkButton     *button,
                 SyComboEditor *self)
{
  move_row (self, GTK_WIDGET (button), +1);
}

static void
remove_clicked_cb (GtkButton     *button,
                   SyComboEditor *self)
{
  gtk_list_box_remove (self->members_list, GTK_WIDGET (row_of (GTK_WIDGET (button))));
}

static GtkWidget *
icon_button_new (SyComboEditor *self,
                 const char    *icon,
                 const char    *tooltip,
                 GCallback      callback)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect_object (button, "clicked", callback, self, 0);
  return button;
}

void
sy_combo_editor_add_member (SyComboEditor *self,
                            const char    *model,
                            guint          weight)
{
  GtkWidget *box;
  GtkWidget *handle;
  GtkWidget *entry;
  GtkWidget *spin;
  GtkWidget *row;
  GtkDragSource *source;
  GtkDropTarget *target;

  g_return_if_fail (SY_IS_COMBO_EDITOR (self));
  g_return_if_fail (model != NULL);

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (box, "sy-row");
  handle = gtk_image_new_from_icon_name ("list-drag-handle-symbolic");
  gtk_widget_set_tooltip_text (handle, _("Drag to reorder"));
  gtk_widget_set_cursor_from_name (handle, "grab");
  source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect_object (source, "prepare", G_CALLBACK (drag_prepare_cb), self, 0);
  g_signal_connect_object (source, "drag-begin", G_CALLBACK (drag_begin_cb), self, 0);
  gtk_widget_add_controller (handle, GTK_EVENT_CONTROLLER (source));
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), model);
  gtk_widget_set_hexpand (entry, TRUE);
  gtk_widget_set_tooltip_text (entry, _("prefix/model, or the name of another combo"));
  spin = gtk_spin_button_new_with_range (0, 1000, 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), weight);
  gtk_widget_set_tooltip_text (spin, _("Weight, used by the weighted strategy"));
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), handle);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), spin);
  gtk_box_append (GTK_BOX (box), icon_button_new (self, "go-up-symbolic", _("Move up"),
                                                  G_CALLBACK (up_clicked_cb)));
  gtk_box_append (GTK_BOX (box), icon_button_new (self, "go-down-symbolic", _("Move down"),
                                                  G_CALLBACK (down_clicked_cb)));
  gtk_box_append (GTK_BOX (box), icon_button_new (self, "list-remove-symbolic",
                                                  _("Remove this member"),
                                                  G_CALLBACK (remove_clicked_cb)));
  g_object_set_data (G_OBJECT (box), "model-entry", entry);
  g_object_set_data (G_OBJECT (box), "weight-spin", spin);
  gtk_list_box_append (self->members_list, box);
  row = gtk_widget_get_parent (box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  target = gtk_drop_target_new (GTK_TYPE_LIST_BOX_ROW, GDK_ACTION_MOVE);
  g_signal_connect_object (target, "drop", G_CALLBACK (row_drop_cb), self, 0);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (target));
}

static void
add_clicked_cb (SyComboEditor *self)
{
  g_autofree char *model = g_strstrip (g_strdup (gtk_editable_get_text (
                                         GTK_EDITABLE (self->new_member_entry))));

  if (*model == '\0')
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->new_member_entry));
      return;
    }
  sy_combo_editor_add_member (self, model, 1);
  gtk_editable_set_text (GTK_EDITABLE (self->new_member_entry), "");
}

static JsonNode *
build_body (SyComboEditor *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (
                                        GTK_EDITABLE (self->name_entry))));
  const SyChoice *choices;
  guint n;
  GtkListBoxRow *row;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  choices = sy_format_combo_strategies (&n);
  json_builder_set_member_name (b, "strategy");
  json_builder_add_string_value (b, selected_choice (self->strategy_dropdown, choices, n));
  choices = sy_format_account_strategies (&n);
  json_builder_set_member_name (b, "accountStrategy");
  json_builder_add_string_value (b, selected_choice (self->account_dropdown, choices, n));
  json_builder_set_member_name (b, "models");
  json_builder_begin_array (b);
  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->members_list, i)) != NULL; i++)
    {
      GtkWidget *box = gtk_list_box_row_get_child (row);
      GtkEditable *entry = g_object_get_data (G_OBJECT (box), "model-entry");
      GtkSpinButton *spin = g_object_get_data (G_OBJECT (box), "weight-spin");
      g_autofree char *model = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "model");
      json_builder_add_string_value (b, model);
      json_builder_set_member_name (b, "weight");
      json_builder_add_int_value (b, gtk_spin_button_get_value_as_int (spin));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SyComboEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), TRUE);
  if (node == NULL)
    {
      g_autofree char *text = sy_admin_client_describe_error (error);

      sy_label_set_message (self->error_label, text);
      return;
    }
  g_signal_emit (self, signals[SAVED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_clicked_cb (SyComboEditor *self)
{
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  /* A model typed but not added yet is what the user meant to add. */
  if (*gtk_editable_get_text (GTK_EDITABLE (self->new_member_entry)) != '\0')
    add_clicked_cb (self);

  body = build_body (self);
  if (self->combo_id != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (self->combo_id, NULL, FALSE);

      path = g_strconcat ("/api/combos/", escaped, NULL);
    }
  sy_label_set_message (self->error_label, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), FALSE);
  sy_admin_client_call_async (self->client, self->combo_id ? "PUT" : "POST",
                              path ? path : "/api/combos", body, self->cancellable, saved_cb,
                              g_object_ref (self));
}

static void
cancel_clicked_cb (SyComboEditor *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
sy_combo_editor_dispose (GObject *object)
{
  SyComboEditor *self = SY_COMBO_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SY_TYPE_COMBO_EDITOR);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (sy_combo_editor_parent_class)->dispose (object);
}

static void
sy_combo_editor_finalize (GObject *object)
{
  SyComboEditor *self = SY_COMBO_EDITOR (object);

  g_free (self->combo_id);
  G_OBJECT_CLASS (sy_combo_editor_parent_class)->finalize (object);
}

static void
sy_combo_editor_class_init (SyComboEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sy_combo_editor_dispose;
  object_class->finalize = sy_combo_editor_finalize;

  /**
   * SyComboEditor::saved:
   *
   * The management API accepted the combo; the window closes next.
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/switchyard/Switchyard/ui/sy-combo-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, SyComboEditor, name_entry);
  gtk_widget_class_bind_template_child (widget_class, SyComboEditor, strategy_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SyComboEditor, account_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SyComboEditor, members_list);
  gtk_widget_class_bind_template_child (widget_class, SyComboEditor, new_member_entry);
  gtk_widget_class_bind_template_child (widget_class, SyComboEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, SyComboEditor, save_button);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sy_combo_editor_init (SyComboEditor *self)
{
  g_autoptr(GtkStringList) strategies = NULL;
  g_autoptr(GtkStringList) account_strategies = NULL;
  const SyChoice *choices;
  guint n;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  choices = sy_format_combo_strategies (&n);
  strategies = choices_model (choices, n);
  gtk_drop_down_set_model (self->strategy_dropdown, G_LIST_MODEL (strategies));
  choices = sy_format_account_strategies (&n);
  account_strategies = choices_model (choices, n);
  gtk_drop_down_set_model (self->account_dropdown, G_LIST_MODEL (account_strategies));
}

SyComboEditor *
sy_combo_editor_new (SyAdminClient *client,
                     SyCombo       *combo)
{
  SyComboEditor *self;
  const SyChoice *choices;
  guint n;

  g_return_val_if_fail (SY_IS_ADMIN_CLIENT (client), NULL);

  self = g_object_new (SY_TYPE_COMBO_EDITOR, NULL);
  self->client = g_object_ref (client);
  if (combo == NULL)
    {
      gtk_window_set_title (GTK_WINDOW (self), _("New combo"));
      gtk_button_set_label (self->save_button, _("_Create"));
      return self;
    }

  self->combo_id = g_strdup (combo->id);
  gtk_window_set_title (GTK_WINDOW (self), _("Edit combo"));
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), combo->name);
  choices = sy_format_combo_strategies (&n);
  select_choice (self->strategy_dropdown, choices, n, combo->strategy);
  choices = sy_format_account_strategies (&n);
  select_choice (self->account_dropdown, choices, n, combo->account_strategy);
  for (guint i = 0; i < combo->members->len; i++)
    {
      SyComboMember *member = g_ptr_array_index (combo->members, i);

      sy_combo_editor_add_member (self, member->model, member->weight);
    }
  return self;
}

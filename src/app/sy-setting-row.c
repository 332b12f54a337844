/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One setting's row, generated from the schema: the control follows the type (switch, spin
 * button with the schema's range in the field's unit, drop-down of the schema's choices, text
 * view for lists and JSON). It compares what the control shows with what it last loaded, as
 * text, so a value shown rounded (ms as seconds) is not mistaken for a change. It validates
 * nothing the API validates: only text that is not JSON at all is caught here.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-setting-row.h"

#include <glib/gi18n.h>
#include <math.h>

struct _SySettingRow
{
  GtkWidget            parent_instance;

  const SySettingSpec *spec;
  SySettingField       field;
  SySettingEdit        edit;        /* CONTROL for every non-JSON type */
  GtkWidget           *control;
  GtkTextBuffer       *buffer;      /* text rows */
  GtkLabel            *message_label;
  char                *loaded;      /* the control's text right after the last load */
  gboolean             loading;
};

G_DEFINE_FINAL_TYPE (SySettingRow, sy_setting_row, GTK_TYPE_WIDGET)

enum {
  EDITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The control's state as text: what is compared with the loaded state. */
static char *
dup_control_text (SySettingRow *self)
{
  GtkTextIter start, end;

  switch (self->spec->type)
    {
    case SY_SETTING_BOOLEAN:
      return g_strdup (gtk_switch_get_active (GTK_SWITCH (self->control)) ? "1" : "0");
    case SY_SETTING_INT:
      return g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->control)));
    case SY_SETTING_CHOICE:
      return g_strdup_printf ("%u", gtk_drop_down_get_selected (GTK_DROP_DOWN (self->control)));
    case SY_SETTING_JSON:
    default:
      gtk_text_buffer_get_bounds (self->buffer, &start, &end);
      return gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
    }
}

static void
control_changed_cb (SySettingRow *self)
{
  if (self->loading)
    return;
  sy_setting_row_set_message (self, NULL);
  g_signal_emit (self, signals[EDITED], 0);
}

/* A spin button changes its value under the wheel: on a long scrolling form that edits
 * whatever passes under the pointer. Without its scroll controller the wheel scrolls the page;
 * the buttons and the keyboard still step the value. */
static void
drop_scroll_controllers (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = g_list_model_get_n_items (controllers); i > 0; i--)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i - 1);

      if (GTK_IS_EVENT_CONTROLLER_SCROLL (controller))
        gtk_widget_remove_controller (widget, GTK_EVENT_CONTROLLER (controller));
    }
}

static GtkWidget *
new_spin (SySettingRow *self)
{
  double scale = (double) self->field.scale;
  GtkAdjustment *adjustment = gtk_adjustment_new (self->spec->def / scale, self->spec->min / scale,
                                                  self->spec->max / scale, 1, 10, 0);
  GtkWidget *spin = gtk_spin_button_new (adjustment, 1, self->field.digits);

  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 9);
  drop_scroll_controllers (spin);
  g_signal_connect_swapped (spin, "changed", G_CALLBACK (control_changed_cb), self);
  return spin;
}

static GtkWidget *
new_drop_down (SySettingRow *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  const SyChoice *choices = NULL;
  guint n_choices = 0;
  GtkWidget *drop_down;

  if (self->field.choices != NULL)
    choices = self->field.choices (&n_choices);
  for (guint i = 0; self->spec->choices[i] != NULL; i++)
    {
      const char *label = self->spec->choices[i];

      for (guint j = 0; j < n_choices; j++)
        if (g_str_equal (choices[j].id, label))
          {
            label = _(choices[j].label);
            break;
          }
      gtk_string_list_append (labels, label);
    }
  drop_down = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&labels)), NULL);
  g_signal_connect_swapped (drop_down, "notify::selected", G_CALLBACK (control_changed_cb), self);
  return drop_down;
}

static GtkWidget *
new_text_view (SySettingRow *self)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *view = gtk_text_view_new ();

  gtk_scrolled_window_set_has_frame (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller),
                                              self->edit == SY_SETTING_EDIT_JSON ? 120 : 80);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_AUTOMATIC);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), self->edit != SY_SETTING_EDIT_TEXT);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), self->edit == SY_SETTING_EDIT_TEXT
                                                       ? GTK_WRAP_WORD_CHAR : GTK_WRAP_NONE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 6);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  self->buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  g_signal_connect_swapped (self->buffer, "changed", G_CALLBACK (control_changed_cb), self);
  self->control = view;
  return scroller;
}

static GtkWidget *
new_label (const char *text,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
build (SySettingRow *self)
{
  GtkWidget *title = new_label (self->field.label ? _(self->field.label) : self->spec->name,
                                "sy-name");
  GtkWidget *description = self->field.description
                             ? new_label (_(self->field.description), "dim-label") : NULL;
  GtkWidget *text_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

  gtk_widget_set_tooltip_text (title, self->spec->name);
  gtk_box_append (GTK_BOX (text_box), title);
  if (description != NULL)
    gtk_box_append (GTK_BOX (text_box), description);
  gtk_widget_set_hexpand (text_box, TRUE);

  if (self->edit == SY_SETTING_EDIT_CONTROL)
    {
      GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

      switch (self->spec->type)
        {
        case SY_SETTING_BOOLEAN:
          self->control = gtk_switch_new ();
          g_signal_connect_swapped (self->control, "notify::active",
                                    G_CALLBACK (control_changed_cb), self);
          break;
        case SY_SETTING_INT:
          self->control = new_spin (self);
          break;
        case SY_SETTING_CHOICE:
        default:
          self->control = new_drop_down (self);
          break;
        }
      gtk_widget_set_valign (self->control, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (line), text_box);
      gtk_box_append (GTK_BOX (line), self->control);
      if (self->field.unit != NULL)
        {
          GtkWidget *unit = new_label (_(self->field.unit), "dim-label");

          gtk_label_set_wrap (GTK_LABEL (unit), FALSE);
          gtk_label_set_width_chars (GTK_LABEL (unit), 10);
          gtk_box_append (GTK_BOX (line), unit);
        }
      else if (self->spec->type == SY_SETTING_INT)
        gtk_box_append (GTK_BOX (line), gtk_label_new (NULL));
      gtk_widget_set_parent (line, GTK_WIDGET (self));
    }
  else
    {
      gtk_widget_set_parent (text_box, GTK_WIDGET (self));
      gtk_widget_set_parent (new_text_view (self), GTK_WIDGET (self));
    }
  gtk_label_set_mnemonic_widget (GTK_LABEL (title), self->control);

  self->message_label = GTK_LABEL (new_label (NULL, "error"));
  gtk_label_set_selectable (self->message_label, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), FALSE);
  gtk_widget_set_parent (GTK_WIDGET (self->message_label), GTK_WIDGET (self));
}

static void
sy_setting_row_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (sy_setting_row_parent_class)->dispose (object);
}

static void
sy_setting_row_finalize (GObject *object)
{
  g_free (SY_SETTING_ROW (object)->loaded);
  G_OBJECT_CLASS (sy_setting_row_parent_class)->finalize (object);
}

static void
sy_setting_row_class_init (SySettingRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sy_setting_row_dispose;
  object_class->finalize = sy_setting_row_finalize;

  /**
   * SySettingRow::edited:
   *
   * The person changed the control (not emitted while a value is loaded).
   */
  signals[EDITED] = g_signal_new ("edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
}

static void
sy_setting_row_init (SySettingRow *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);
  gtk_widget_add_css_class (GTK_WIDGET (self), "sy-setting");
}

GtkWidget *
sy_setting_row_new (const SySettingSpec  *spec,
                    const SySettingField *field)
{
  SySettingRow *self;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (field != NULL, NULL);

  self = g_object_new (SY_TYPE_SETTING_ROW, NULL);
  self->spec = spec;
  self->field = *field;
  if (self->field.scale < 1)
    self->field.scale = 1;
  if (spec->type != SY_SETTING_JSON)
    self->edit = SY_SETTING_EDIT_CONTROL;
  else
    self->edit = field->edit == SY_SETTING_EDIT_CONTROL ? SY_SETTING_EDIT_JSON : field->edit;
  build (self);
  return GTK_WIDGET (self);
}

const char *
sy_setting_row_get_name (SySettingRow *self)
{
  g_return_val_if_fail (SY_IS_SETTING_ROW (self), NULL);
  return self->spec->name;
}

SySettingsTab
sy_setting_row_get_tab (SySettingRow *self)
{
  g_return_val_if_fail (SY_IS_SETTING_ROW (self), SY_SETTINGS_TAB_ADVANCED);
  return self->field.tab;
}

GtkWidget *
sy_setting_row_get_control (SySettingRow *self)
{
  g_return_val_if_fail (SY_IS_SETTING_ROW (self), NULL);
  return self->control;
}

/* A JSON array of strings as one line each; NULL when it is not one. */
static char *
dup_lines (JsonNode *value)
{
  JsonArray *array;
  GString *text;

  if (!JSON_NODE_HOLDS_ARRAY (value))
    return NULL;
  array = json_node_get_array (value);
  text = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        {
          g_string_free (text, TRUE);
          return NULL;
        }
      g_string_append_printf (text, "%s%s", i ? "\n" : "", json_node_get_string (item));
    }
  return g_string_free (text, FALSE);
}

static char *
dup_json_text (SySettingRow *self,
               JsonNode     *value)
{
  char *text = NULL;

  if (self->edit == SY_SETTING_EDIT_LINES)
    text = dup_lines (value);
  else if (self->edit == SY_SETTING_EDIT_TEXT && JSON_NODE_HOLDS_VALUE (value) &&
           json_node_get_value_type (value) == G_TYPE_STRING)
    text = g_strdup (json_node_get_string (value));
  return text != NULL ? text : json_to_string (value, TRUE);
}

static void
load (SySettingRow *self,
      JsonNode     *value)
{
  switch (self->spec->type)
    {
    case SY_SETTING_BOOLEAN:
      gtk_switch_set_active (GTK_SWITCH (self->control), json_node_get_boolean (value));
      break;
    case SY_SETTING_INT:
      {
        double shown = (double) json_node_get_int (value) / (double) self->field.scale;
        g_autofree char *text = g_strdup_printf ("%0.*f", self->field.digits, shown);

        gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->control), shown);
        /* Also when the value is the same and only typed text differs. */
        if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->control)), text) != 0)
          gtk_editable_set_text (GTK_EDITABLE (self->control), text);
        break;
      }
    case SY_SETTING_CHOICE:
      {
        const char *id = json_node_get_string (value);
        guint index = 0;

        for (guint i = 0; id != NULL && self->spec->choices[i] != NULL; i++)
          if (g_str_equal (self->spec->choices[i], id))
            index = i;
        gtk_drop_down_set_selected (GTK_DROP_DOWN (self->control), index);
        break;
      }
    case SY_SETTING_JSON:
    default:
      {
        g_autofree char *text = dup_json_text (self, value);

        gtk_text_buffer_set_text (self->buffer, text, -1);
        break;
      }
    }
}

void
sy_setting_row_set_value (SySettingRow *self,
                          JsonNode     *value,
                          gboolean      force)
{
  g_autoptr(JsonNode) fallback = NULL;

  g_return_if_fail (SY_IS_SETTING_ROW (self));

  if (!force && sy_setting_row_is_changed (self))
    return;
  if (value == NULL)
    value = fallback = sy_settings_schema_dup_default (self->spec);
  self->loading = TRUE;
  load (self, value);
  g_free (self->loaded);
  self->loaded = dup_control_text (self);
  self->loading = FALSE;
  if (force)
    sy_setting_row_set_message (self, NULL);
}

gboolean
sy_setting_row_is_changed (SySettingRow *self)
{
  g_autofree char *now = NULL;

  g_return_val_if_fail (SY_IS_SETTING_ROW (self), FALSE);

  if (self->loaded == NULL)
    return FALSE;
  now = dup_control_text (self);
  return g_strcmp0 (now, self->loaded) != 0;
}

static JsonNode *
parse_text (SySettingRow  *self,
            const char    *text,
            GError       **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  JsonArray *array;
  JsonNode *node;
  g_auto(GStrv) lines = NULL;

  switch (self->edit)
    {
    case SY_SETTING_EDIT_TEXT:
      return json_node_init_string (json_node_alloc (), text);

    case SY_SETTING_EDIT_LINES:
      array = json_array_new ();
      lines = g_strsplit (text, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_strstrip (lines[i]);
          if (lines[i][0] != '\0')
            json_array_add_string_element (array, lines[i]);
        }
      node = json_node_init (json_node_alloc (), JSON_NODE_ARRAY);
      json_node_take_array (node, array);
      return node;

    case SY_SETTING_EDIT_JSON:
    default:
      if (trimmed[0] == '\0')
        return sy_settings_schema_dup_default (self->spec);
      if (!json_parser_load_from_data (parser, trimmed, -1, &local_error))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("This is not valid JSON, so nothing was saved: %s"),
                       local_error->message);
          return NULL;
        }
      return json_node_ref (json_parser_get_root (parser));
    }
}

JsonNode *
sy_setting_row_dup_value (SySettingRow  *self,
                          GError       **error)
{
  g_return_val_if_fail (SY_IS_SETTING_ROW (self), NULL);

  switch (self->spec->type)
    {
    case SY_SETTING_BOOLEAN:
      return json_node_init_boolean (json_node_alloc (),
                                     gtk_switch_get_active (GTK_SWITCH (self->control)));
    case SY_SETTING_INT:
      {
        double shown;
        gint64 value;

        gtk_spin_button_update (GTK_SPIN_BUTTON (self->control));
        shown = gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->control));
        value = (gint64) llround (shown * (double) self->field.scale);
        return json_node_init_int (json_node_alloc (),
                                   CLAMP (value, self->spec->min, self->spec->max));
      }
    case SY_SETTING_CHOICE:
      {
        guint index = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->control));

        if (index >= g_strv_length ((char **) self->spec->choices))
          index = 0;
        return json_node_init_string (json_node_alloc (), self->spec->choices[index]);
      }
    case SY_SETTING_JSON:
    default:
      {
        g_autofree char *text = dup_control_text (self);

        return parse_text (self, text, error);
      }
    }
}

void
sy_setting_row_set_message (SySettingRow *self,
                            const char   *message)
{
  g_return_if_fail (SY_IS_SETTING_ROW (self));

  gtk_label_set_text (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (self->control, "error");
  else
    gtk_widget_remove_css_class (self->control, "error");
}

const char *
sy_setting_row_get_message (SySettingRow *self)
{
  g_return_val_if_fail (SY_IS_SETTING_ROW (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->message_label)))
    return NULL;
  return gtk_label_get_text (self->message_label);
}

char *
sy_setting_row_dup_text (SySettingRow *self)
{
  g_return_val_if_fail (SY_IS_SETTING_ROW (self), NULL);

  if (self->buffer == NULL)
    return g_strdup ("");
  return dup_control_text (self);
}

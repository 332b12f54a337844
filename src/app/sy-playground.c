/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Playground: every change of the input waits DEBOUNCE_MS for the next keystroke, then
 * the text goes through sy_translation_run (the codecs, as the gateway uses them). A change of
 * dialect or kind translates at once. The input follows the source's example until the user
 * edits it; Example puts it back. Nothing here touches the network.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-playground.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sy-widgets.h"

#define DEBOUNCE_MS 300

struct _SyPlayground
{
  GtkWidget      parent_instance;

  guint          debounce_id;
  const char    *example;      /* the example the input holds unedited, or NULL */
  gboolean       loading;      /* the input is being replaced by code */

  GtkDropDown   *source_drop;
  GtkDropDown   *target_drop;
  GtkToggleButton *request_toggle;
  GtkToggleButton *response_toggle;
  GtkTextView   *input_view;
  GtkTextView   *output_view;
  GtkLabel      *input_heading;
  GtkLabel      *output_heading;
  GtkLabel      *path_label;
  GtkLabel      *error_label;
  GtkLabel      *notes_heading;
  GtkWidget     *notes_scroller;
  GtkBox        *notes_box;
};

G_DEFINE_FINAL_TYPE (SyPlayground, sy_playground, GTK_TYPE_WIDGET)

static SyDialect
get_source (SyPlayground *self)
{
  return (SyDialect) gtk_drop_down_get_selected (self->source_drop);
}

static SyDialect
get_target (SyPlayground *self)
{
  return (SyDialect) gtk_drop_down_get_selected (self->target_drop);
}

static SyTranslationKind
get_kind (SyPlayground *self)
{
  return gtk_toggle_button_get_active (self->response_toggle) ? SY_TRANSLATION_RESPONSE
                                                              : SY_TRANSLATION_REQUEST;
}

static char *
dup_input (SyPlayground *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->input_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
clear_notes (SyPlayground *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->notes_box))) != NULL)
    gtk_box_remove (self->notes_box, child);
}

static void
show_notes (SyPlayground *self,
            GPtrArray    *notes)
{
  const char *target = sy_translation_dialect_label (get_target (self));
  g_autofree char *heading = NULL;

  clear_notes (self);
  if (notes->len == 0)
    heading = g_strdup_printf (_("No notes: %s carries everything in the input."), target);
  else
    heading = g_strdup_printf (ngettext ("%u note: what %s cannot carry as it is",
                                         "%u notes: what %s cannot carry as it is",
                                         notes->len),
                               notes->len, target);
  gtk_label_set_text (self->notes_heading, heading);
  for (guint i = 0; i < notes->len; i++)
    {
      g_autofree char *text = g_strdup_printf ("• %s", (const char *) notes->pdata[i]);

      gtk_box_append (self->notes_box, sy_label_new (text, NULL));
    }
  gtk_widget_set_visible (self->notes_scroller, notes->len > 0);
}

/* "The input is not a valid OpenAI Chat request: messages[0].content: ..." */
static char *
describe_error (SyPlayground *self,
                const GError *error)
{
  const char *source = sy_translation_dialect_label (get_source (self));
  const char *target = sy_translation_dialect_label (get_target (self));

  if (g_error_matches (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_UNSUPPORTED))
    return g_strdup_printf (_("%s cannot express this input: %s"), target, error->message);
  if (get_kind (self) == SY_TRANSLATION_RESPONSE)
    return g_strdup_printf (_("The input is not a valid %s response: %s"), source,
                            error->message);
  return g_strdup_printf (_("The input is not a valid %s request: %s"), source, error->message);
}

static void
translate_now (SyPlayground *self)
{
  g_autofree char *input = dup_input (self);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *output = NULL;
  g_autofree char *path_text = NULL;
  GtkTextBuffer *out = gtk_text_view_get_buffer (self->output_view);

  g_clear_handle_id (&self->debounce_id, g_source_remove);

  output = sy_translation_run (get_source (self), get_target (self), get_kind (self), input,
                               strlen (input), &path, notes, &error);
  if (output == NULL)
    {
      g_autofree char *message = describe_error (self, error);

      gtk_text_buffer_set_text (out, "", -1);
      gtk_label_set_text (self->error_label, message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->path_label), FALSE);
      gtk_label_set_text (self->notes_heading, "");
      clear_notes (self);
      gtk_widget_set_visible (self->notes_scroller, FALSE);
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_text_buffer_set_text (out, output, -1);
  if (path != NULL && get_source (self) == SY_DIALECT_GEMINI && strstr (input, "\"model\"") == NULL)
    path_text = g_strdup_printf (_("POST {base URL}%s (Gemini requests name the model in the "
                                   "URL: %s is assumed)"), path, SY_TRANSLATION_GEMINI_MODEL);
  else if (path != NULL)
    path_text = g_strdup_printf (_("POST {base URL}%s"), path);
  if (path_text != NULL)
    gtk_label_set_text (self->path_label, path_text);
  gtk_widget_set_visible (GTK_WIDGET (self->path_label), path_text != NULL);
  show_notes (self, notes);
}

static gboolean
debounce_cb (gpointer user_data)
{
  SyPlayground *self = user_data;

  self->debounce_id = 0;
  translate_now (self);
  return G_SOURCE_REMOVE;
}

static void
input_changed_cb (SyPlayground *self)
{
  if (self->loading)
    return;
  self->example = NULL;  /* edited: it no longer follows the source's example */
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  self->debounce_id = g_timeout_add (DEBOUNCE_MS, debounce_cb, self);
}

static void
load_input (SyPlayground *self,
            const char   *text)
{
  self->loading = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->input_view), text, -1);
  self->loading = FALSE;
}

static void
load_example (SyPlayground *self)
{
  self->example = sy_translation_example (get_source (self), get_kind (self));
  load_input (self, self->example);
}

static void
update_headings (SyPlayground *self)
{
  gboolean response = get_kind (self) == SY_TRANSLATION_RESPONSE;
  g_autofree char *in = g_strdup_printf (response ? _("%s response") : _("%s request"),
                                         sy_translation_dialect_label (get_source (self)));
  g_autofree char *out = g_strdup_printf (response ? _("%s response") : _("%s request"),
                                          sy_translation_dialect_label (get_target (self)));

  gtk_label_set_text (self->input_heading, in);
  gtk_label_set_text (self->output_heading, out);
}

/* A new pair or kind: an unedited example follows the source, then translate at once. */
static void
selection_changed (SyPlayground *self)
{
  update_headings (self);
  if (self->example != NULL)
    load_example (self);
  translate_now (self);
}

static void
selection_changed_cb (GObject    *object,
                      GParamSpec *pspec,
                      gpointer    user_data)
{
  selection_changed (user_data);
}

static void
kind_toggled_cb (SyPlayground    *self,
                 GtkToggleButton *button)
{
  if (gtk_toggle_button_get_active (button))
    selection_changed (self);
}

static void
example_clicked_cb (SyPlayground *self)
{
  load_example (self);
  translate_now (self);
}

static void
swap_clicked_cb (SyPlayground *self)
{
  GtkTextBuffer *out = gtk_text_view_get_buffer (self->output_view);
  SyDialect source = get_source (self);
  SyDialect target = get_target (self);
  g_autofree char *output = NULL;
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (out, &start, &end);
  output = gtk_text_buffer_get_text (out, &start, &end, FALSE);
  self->loading = TRUE;
  g_signal_handlers_block_by_func (self->source_drop, selection_changed_cb, self);
  g_signal_handlers_block_by_func (self->target_drop, selection_changed_cb, self);
  gtk_drop_down_set_selected (self->source_drop, target);
  gtk_drop_down_set_selected (self->target_drop, source);
  g_signal_handlers_unblock_by_func (self->source_drop, selection_changed_cb, self);
  g_signal_handlers_unblock_by_func (self->target_drop, selection_changed_cb, self);
  self->loading = FALSE;
  if (*output != '\0')
    {
      self->example = NULL;
      load_input (self, output);
    }
  selection_changed (self);
}

void
sy_playground_set_pair (SyPlayground      *self,
                        SyDialect          source,
                        SyDialect          target,
                        SyTranslationKind  kind)
{
  g_return_if_fail (SY_IS_PLAYGROUND (self));
  g_return_if_fail ((guint) source < SY_TRANSLATION_N_DIALECTS);
  g_return_if_fail ((guint) target < SY_TRANSLATION_N_DIALECTS);

  g_signal_handlers_block_by_func (self->source_drop, selection_changed_cb, self);
  g_signal_handlers_block_by_func (self->target_drop, selection_changed_cb, self);
  g_signal_handlers_block_by_func (self->request_toggle, kind_toggled_cb, self);
  g_signal_handlers_block_by_func (self->response_toggle, kind_toggled_cb, self);
  gtk_drop_down_set_selected (self->source_drop, source);
  gtk_drop_down_set_selected (self->target_drop, target);
  gtk_toggle_button_set_active (kind == SY_TRANSLATION_RESPONSE ? self->response_toggle
                                                                : self->request_toggle, TRUE);
  g_signal_handlers_unblock_by_func (self->source_drop, selection_changed_cb, self);
  g_signal_handlers_unblock_by_func (self->target_drop, selection_changed_cb, self);
  g_signal_handlers_unblock_by_func (self->request_toggle, kind_toggled_cb, self);
  g_signal_handlers_unblock_by_func (self->response_toggle, kind_toggled_cb, self);
  selection_changed (self);
}

void
sy_playground_set_input (SyPlayground *self,
                         const char   *text)
{
  g_return_if_fail (SY_IS_PLAYGROUND (self));
  g_return_if_fail (text != NULL);

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->input_view), text, -1);
}

char *
sy_playground_dup_output (SyPlayground *self)
{
  GtkTextBuffer *out;
  GtkTextIter start, end;

  g_return_val_if_fail (SY_IS_PLAYGROUND (self), NULL);

  out = gtk_text_view_get_buffer (self->output_view);
  gtk_text_buffer_get_bounds (out, &start, &end);
  return gtk_text_buffer_get_text (out, &start, &end, FALSE);
}

static void
sy_playground_dispose (GObject *object)
{
  SyPlayground *self = SY_PLAYGROUND (object);

  g_clear_handle_id (&self->debounce_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), SY_TYPE_PLAYGROUND);
  /* GTK 4.8 disposes only the bound children: the template's root box goes here. */
  sy_widget_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (sy_playground_parent_class)->dispose (object);
}

static void
sy_playground_class_init (SyPlaygroundClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sy_playground_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/switchyard/Switchyard/ui/sy-playground.ui");
  gtk_widget_class_bind_template_child (widget_class, SyPlayground, source_drop);
  gtk_widget_class_bind_template_child (widget_class, SyPlayground, target_drop);
  gtk_widget_class_bind_template_child (widget_class, SyPlayground, request_toggle);
  gtk_widget_class_bind_template_child (widget_class, SyPlayground, response_toggle);
  gtk_widget_class_bind_template_child (widget_class, SyPlayground, input_view);
  gtk_widget_class_bind_template_child (widget_class, SyPlayground, output_view);
  gtk_widget_class_bind_template_child (widget_class, SyPlayground, input_heading);
  gtk_widget_class_bind_template_child (widget_class, SyPlayground, output_heading);
  gtk_widget_class_bind_template_child (widget_class, SyPlayground, path_label);
  gtk_widget_class_bind_template_child (widget_class, SyPlayground, error_label);
  gtk_widget_class_bind_template_child (widget_class, SyPlayground, notes_heading);
  gtk_widget_class_bind_template_child (widget_class, SyPlayground, notes_scroller);
  gtk_widget_class_bind_template_child (widget_class, SyPlayground, notes_box);
  gtk_widget_class_bind_template_callback (widget_class, kind_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, example_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, swap_clicked_cb);
}

static void
sy_playground_init (SyPlayground *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (gtk_text_view_get_buffer (self->input_view), "changed",
                           G_CALLBACK (input_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect (self->source_drop, "notify::selected", G_CALLBACK (selection_changed_cb),
                    self);
  g_signal_connect (self->target_drop, "notify::selected", G_CALLBACK (selection_changed_cb),
                    self);
  update_headings (self);
  load_example (self);
  translate_now (self);
}

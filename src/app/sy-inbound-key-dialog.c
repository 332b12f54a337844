/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The "Create an API key" and "Edit API key" window. It checks what people can get wrong
 * before sending (no name, a limit that is not a whole number) and leaves the rest to
 * /api/keys, whose refusals name their field first: each one shows under that field and
 * nothing typed is lost. A new key comes back from POST exactly once: it is shown here, kept
 * only in this window's memory, and wiped when the window goes.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-inbound-key-dialog.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sy-widgets.h"

struct _SyInboundKeyDialog
{
  GtkWindow      parent_instance;

  SyAdminClient *client;
  GCancellable  *cancellable;
  char          *edit_id;     /* the key being edited; NULL when creating one */
  char          *key;         /* the new key, shown once; wiped in finalize */

  GtkStack      *stack;
  GtkButton     *cancel_button;
  GtkButton     *save_button;
  GtkButton     *done_button;
  GtkLabel      *error_label;
  GtkEntry      *name_entry;
  GtkLabel      *name_message;
  GtkEntry      *models_entry;
  GtkLabel      *models_message;
  GtkEntry      *combos_entry;
  GtkMenuButton *add_combo_button;
  GtkLabel      *combos_message;
  GtkEntry      *minute_entry;
  GtkLabel      *minute_message;
  GtkEntry      *day_entry;
  GtkLabel      *day_message;
  GtkLabel      *created_label;
  GtkLabel      *key_label;
  GtkLabel      *copied_label;
};

G_DEFINE_FINAL_TYPE (SyInboundKeyDialog, sy_inbound_key_dialog, GTK_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* --- the form ---------------------------------------------------------------------------- */

/* The fields as the API names them ("allowedModels[2]" is the models'), and their message
 * lines. */
static const SyFormField fields[] = {
  { "name", G_STRUCT_OFFSET (SyInboundKeyDialog, name_message) },
  { "allowedModels", G_STRUCT_OFFSET (SyInboundKeyDialog, models_message) },
  { "allowedCombos", G_STRUCT_OFFSET (SyInboundKeyDialog, combos_message) },
  { "maxRequestsPerMinute", G_STRUCT_OFFSET (SyInboundKeyDialog, minute_message) },
  { "maxRequestsPerDay", G_STRUCT_OFFSET (SyInboundKeyDialog, day_message) },
};

/* "openai/gpt-4o, groq/llama*" -> { "openai/gpt-4o", "groq/llama*" }: trimmed, no empty items. */
static GStrv
split_list (const char *text)
{
  g_auto(GStrv) parts = g_strsplit_set (text, ",\n", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    if (*g_strstrip (parts[i]) != '\0')
      g_strv_builder_add (builder, parts[i]);
  return g_strv_builder_end (builder);
}

static void
add_list (JsonBuilder *b,
          const char  *member,
          GtkEntry    *entry)
{
  g_auto(GStrv) items = split_list (gtk_editable_get_text (GTK_EDITABLE (entry)));

  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; items[i] != NULL; i++)
    json_builder_add_string_value (b, items[i]);
  json_builder_end_array (b);
}

/* An empty limit is none (0); otherwise a whole number from 0 on, else a message under it.
 * The most the gateway takes is its to say. */
static gboolean
read_limit (GtkEntry *entry,
            GtkLabel *message,
            gint64   *out)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  g_autoptr(GError) error = NULL;

  *out = 0;
  if (text[0] == '\0')
    return TRUE;
  if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, out, &error) &&
      !g_error_matches (error, G_NUMBER_PARSER_ERROR, G_NUMBER_PARSER_ERROR_OUT_OF_BOUNDS))
    {
      g_autofree char *problem = g_strdup_printf (
        _("“%s” is not a whole number: enter how many requests, such as 60, or leave it empty "
          "for no limit."), text);

      sy_label_set_message (message, problem);
      return FALSE;
    }
  if (error != NULL)
    *out = text[0] == '-' ? -1 : G_MAXINT64;  /* too large: the API says what it takes */
  if (*out < 0)
    {
      sy_label_set_message (message, _("A limit cannot be below zero: leave it empty for no "
                                       "limit."));
      return FALSE;
    }
  return TRUE;
}

/* What can be checked here, each problem under its field; the limits in per_minute, per_day. */
static gboolean
check_form (SyInboundKeyDialog *self,
            gint64             *per_minute,
            gint64             *per_day)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (
                                        GTK_EDITABLE (self->name_entry))));
  gboolean ok = TRUE;

  if (name[0] == '\0')
    {
      sy_label_set_message (self->name_message,
                            _("Enter a name, such as the tool or computer that will use the "
                              "key, so you can tell your keys apart."));
      ok = FALSE;
    }
  ok &= read_limit (self->minute_entry, self->minute_message, per_minute);
  ok &= read_limit (self->day_entry, self->day_message, per_day);
  return ok;
}

/* --- saving ------------------------------------------------------------------------------ */

static void
show_key (SyInboundKeyDialog *self,
          JsonObject         *created)
{
  const char *name = json_object_get_string_member_with_default (created, "name", "");
  g_autofree char *heading = g_strdup_printf (_("Your new API key “%s”"), name);

  self->key = g_strdup (json_object_get_string_member_with_default (created, "key", ""));
  gtk_window_set_title (GTK_WINDOW (self), _("API key created"));
  gtk_label_set_text (self->created_label, heading);
  gtk_label_set_text (self->key_label, self->key);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->save_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->done_button), TRUE);
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->done_button));
  gtk_stack_set_visible_child_name (self->stack, "created");
  gtk_widget_grab_focus (GTK_WIDGET (self->done_button));
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SyInboundKeyDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), TRUE);
  if (node == NULL)
    {
      sy_form_show_error (self, self->error_label, fields, G_N_ELEMENTS (fields), error);
      return;
    }
  g_signal_emit (self, signals[SAVED], 0);
  if (self->edit_id != NULL || !JSON_NODE_HOLDS_OBJECT (node))
    gtk_window_destroy (GTK_WINDOW (self));
  else
    show_key (self, json_node_get_object (node));
}

static void
save_clicked_cb (SyInboundKeyDialog *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  gint64 per_minute = 0;
  gint64 per_day = 0;

  sy_form_clear_messages (self, self->error_label, fields, G_N_ELEMENTS (fields));
  if (!check_form (self, &per_minute, &per_day))
    return;

  name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_entry))));
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  add_list (b, "allowedModels", self->models_entry);
  add_list (b, "allowedCombos", self->combos_entry);
  json_builder_set_member_name (b, "maxRequestsPerMinute");
  json_builder_add_int_value (b, per_minute);
  json_builder_set_member_name (b, "maxRequestsPerDay");
  json_builder_add_int_value (b, per_day);
  json_builder_end_object (b);
  body = json_builder_get_root (b);

  if (self->edit_id != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (self->edit_id, NULL, FALSE);

      path = g_strconcat ("/api/keys/", escaped, NULL);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), FALSE);
  sy_admin_client_call_async (self->client, path ? "PATCH" : "POST", path ? path : "/api/keys",
                              body, self->cancellable, saved_cb, g_object_ref (self));
}

static void
close_clicked_cb (SyInboundKeyDialog *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
copy_clicked_cb (SyInboundKeyDialog *self)
{
  if (self->key == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->key);
  gtk_widget_set_visible (GTK_WIDGET (self->copied_label), TRUE);
}

/* key.add-combo: adds the combo named by the parameter to the list, once. */
static void
add_combo_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  SyInboundKeyDialog *self = SY_INBOUND_KEY_DIALOG (widget);
  const char *combo = g_variant_get_string (parameter, NULL);
  g_auto(GStrv) items = split_list (gtk_editable_get_text (GTK_EDITABLE (self->combos_entry)));
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) joined = NULL;
  g_autofree char *text = NULL;

  for (guint i = 0; items[i] != NULL; i++)
    if (g_ascii_strcasecmp (items[i], combo) == 0)
      return;
  g_strv_builder_addv (builder, (const char **) items);
  g_strv_builder_add (builder, combo);
  joined = g_strv_builder_end (builder);
  text = g_strjoinv (", ", joined);
  gtk_editable_set_text (GTK_EDITABLE (self->combos_entry), text);
}

/* --- the widget -------------------------------------------------------------------------- */

static void
sy_inbound_key_dialog_dispose (GObject *object)
{
  SyInboundKeyDialog *self = SY_INBOUND_KEY_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SY_TYPE_INBOUND_KEY_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (sy_inbound_key_dialog_parent_class)->dispose (object);
}

static void
sy_inbound_key_dialog_finalize (GObject *object)
{
  SyInboundKeyDialog *self = SY_INBOUND_KEY_DIALOG (object);

  if (self->key != NULL)
    memset (self->key, 0, strlen (self->key));
  g_clear_pointer (&self->key, g_free);
  g_clear_pointer (&self->edit_id, g_free);
  G_OBJECT_CLASS (sy_inbound_key_dialog_parent_class)->finalize (object);
}

static void
sy_inbound_key_dialog_class_init (SyInboundKeyDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sy_inbound_key_dialog_dispose;
  object_class->finalize = sy_inbound_key_dialog_finalize;

  /**
   * SyInboundKeyDialog::saved:
   *
   * The API stored the key: an edited one's window closes next; a new one's shows the key.
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/dev/switchyard/Switchyard/ui/sy-inbound-key-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SyInboundKeyDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, SyInboundKeyDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, SyInboundKeyDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, SyInboundKeyDialog, done_button);
  gtk_widget_class_bind_template_child (widget_class, SyInboundKeyDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, SyInboundKeyDialog, name_entry);
  gtk_widget_class_bind_template_child (widget_class, SyInboundKeyDialog, name_message);
  gtk_widget_class_bind_template_child (widget_class, SyInboundKeyDialog, models_entry);
  gtk_widget_class_bind_template_child (widget_class, SyInboundKeyDialog, models_message);
  gtk_widget_class_bind_template_child (widget_class, SyInboundKeyDialog, combos_entry);
  gtk_widget_class_bind_template_child (widget_class, SyInboundKeyDialog, add_combo_button);
  gtk_widget_class_bind_template_child (widget_class, SyInboundKeyDialog, combos_message);
  gtk_widget_class_bind_template_child (widget_class, SyInboundKeyDialog, minute_entry);
  gtk_widget_class_bind_template_child (widget_class, SyInboundKeyDialog, minute_message);
  gtk_widget_class_bind_template_child (widget_class, SyInboundKeyDialog, day_entry);
  gtk_widget_class_bind_template_child (widget_class, SyInboundKeyDialog, day_message);
  gtk_widget_class_bind_template_child (widget_class, SyInboundKeyDialog, created_label);
  gtk_widget_class_bind_template_child (widget_class, SyInboundKeyDialog, key_label);
  gtk_widget_class_bind_template_child (widget_class, SyInboundKeyDialog, copied_label);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_clicked_cb);
  gtk_widget_class_install_action (widget_class, "key.add-combo", "s", add_combo_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sy_inbound_key_dialog_init (SyInboundKeyDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/* The combos menu: one item per combo the gateway has; no button without any. */
static void
fill_combos_menu (SyInboundKeyDialog *self)
{
  SyGateway *gateway = sy_gateway_host_get_gateway (sy_admin_client_get_host (self->client));
  g_autoptr(GPtrArray) combos = gateway ? sy_combo_repo_list (sy_gateway_get_combos (gateway))
                                        : NULL;
  g_autoptr(GMenu) menu = g_menu_new ();

  for (guint i = 0; combos != NULL && i < combos->len; i++)
    {
      SyCombo *combo = g_ptr_array_index (combos, i);
      g_autoptr(GMenuItem) item = g_menu_item_new (combo->name, NULL);

      g_menu_item_set_action_and_target_value (item, "key.add-combo",
                                               g_variant_new_string (combo->name));
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_menu_model (self->add_combo_button, G_MENU_MODEL (menu));
  gtk_widget_set_visible (GTK_WIDGET (self->add_combo_button),
                          g_menu_model_get_n_items (G_MENU_MODEL (menu)) > 0);
}

static void
set_list (GtkEntry   *entry,
          JsonObject *key,
          const char *member)
{
  JsonNode *node = json_object_get_member (key, member);
  JsonArray *array = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    g_string_append_printf (text, "%s%s", i > 0 ? ", " : "",
                            json_array_get_string_element (array, i));
  gtk_editable_set_text (GTK_EDITABLE (entry), text->str);
}

static void
set_limit (GtkEntry   *entry,
           JsonObject *key,
           const char *member)
{
  gint64 limit = json_object_get_int_member_with_default (key, member, 0);
  g_autofree char *text = limit > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, limit) : NULL;

  gtk_editable_set_text (GTK_EDITABLE (entry), text ? text : "");
}

/* Edit: the key's values, and Save. */
static void
fill_from (SyInboundKeyDialog *self,
           JsonObject         *key)
{
  self->edit_id = g_strdup (json_object_get_string_member_with_default (key, "id", ""));
  gtk_window_set_title (GTK_WINDOW (self), _("Edit API key"));
  gtk_button_set_label (self->save_button, _("_Save"));
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry),
                         json_object_get_string_member_with_default (key, "name", ""));
  set_list (self->models_entry, key, "allowedModels");
  set_list (self->combos_entry, key, "allowedCombos");
  set_limit (self->minute_entry, key, "maxRequestsPerMinute");
  set_limit (self->day_entry, key, "maxRequestsPerDay");
}

SyInboundKeyDialog *
sy_inbound_key_dialog_new (SyAdminClient *client,
                           JsonObject    *key)
{
  SyInboundKeyDialog *self;

  g_return_val_if_fail (SY_IS_ADMIN_CLIENT (client), NULL);

  self = g_object_new (SY_TYPE_INBOUND_KEY_DIALOG, NULL);
  self->client = g_object_ref (client);
  fill_combos_menu (self);
  if (key != NULL)
    fill_from (self, key);
  return self;
}

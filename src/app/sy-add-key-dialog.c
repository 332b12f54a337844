/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The "Add API key" window. The key goes to POST /api/providers like any other client's, so it
 * reaches the keyring (or the configured secret store) by the gateway's one path and is never
 * written anywhere by this window. The key text leaves the entry only in the request body.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-add-key-dialog.h"

#include <glib/gi18n.h>

#include "sy-provider-choices.h"
#include "sy-widgets.h"

struct _SyAddKeyDialog
{
  GtkWindow         parent_instance;

  SyAdminClient    *client;
  GCancellable     *cancellable;
  GPtrArray        *provider_ids;   /* what the API takes, by drop-down position */

  GtkDropDown      *provider_dropdown;
  GtkEntry         *name_entry;
  GtkPasswordEntry *key_entry;
  GtkSpinButton    *priority_spin;
  GtkLabel         *error_label;
  GtkButton        *add_button;
};

G_DEFINE_FINAL_TYPE (SyAddKeyDialog, sy_add_key_dialog, GTK_TYPE_WINDOW)

enum {
  ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

gboolean
sy_add_key_dialog_select_provider (SyAddKeyDialog *self,
                                   const char     *provider)
{
  g_return_val_if_fail (SY_IS_ADD_KEY_DIALOG (self), FALSE);
  g_return_val_if_fail (provider != NULL, FALSE);

  return sy_provider_choices_select (self->provider_dropdown, self->provider_ids, provider);
}

static void
added_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SyAddKeyDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), TRUE);
  if (node == NULL)
    {
      g_autofree char *text = sy_admin_client_describe_error (error);

      sy_label_set_message (self->error_label, text);
      return;
    }
  g_signal_emit (self, signals[ADDED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
add_clicked_cb (SyAddKeyDialog *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (
                                        GTK_EDITABLE (self->name_entry))));
  guint index = gtk_drop_down_get_selected (self->provider_dropdown);

  if (index >= self->provider_ids->len)
    {
      sy_label_set_message (self->error_label, _("Provider: choose one from the list."));
      return;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "provider");
  json_builder_add_string_value (b, g_ptr_array_index (self->provider_ids, index));
  if (*name != '\0')
    {
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, name);
    }
  /* An empty key is sent as it is: the API says it is required, in its own words. */
  json_builder_set_member_name (b, "apiKey");
  json_builder_add_string_value (b, gtk_editable_get_text (GTK_EDITABLE (self->key_entry)));
  json_builder_set_member_name (b, "priority");
  json_builder_add_int_value (b, gtk_spin_button_get_value_as_int (self->priority_spin));
  json_builder_end_object (b);
  body = json_builder_get_root (b);

  sy_label_set_message (self->error_label, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), FALSE);
  sy_admin_client_call_async (self->client, "POST", "/api/providers", body, self->cancellable,
                              added_cb, g_object_ref (self));
}

static void
cancel_clicked_cb (SyAddKeyDialog *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
sy_add_key_dialog_dispose (GObject *object)
{
  SyAddKeyDialog *self = SY_ADD_KEY_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SY_TYPE_ADD_KEY_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (sy_add_key_dialog_parent_class)->dispose (object);
}

static void
sy_add_key_dialog_finalize (GObject *object)
{
  SyAddKeyDialog *self = SY_ADD_KEY_DIALOG (object);

  g_clear_pointer (&self->provider_ids, g_ptr_array_unref);
  G_OBJECT_CLASS (sy_add_key_dialog_parent_class)->finalize (object);
}

static void
sy_add_key_dialog_class_init (SyAddKeyDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sy_add_key_dialog_dispose;
  object_class->finalize = sy_add_key_dialog_finalize;

  /**
   * SyAddKeyDialog::added:
   *
   * The account and its key were stored; the window closes next.
   */
  signals[ADDED] = g_signal_new ("added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/dev/switchyard/Switchyard/ui/sy-add-key-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SyAddKeyDialog, provider_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SyAddKeyDialog, name_entry);
  gtk_widget_class_bind_template_child (widget_class, SyAddKeyDialog, key_entry);
  gtk_widget_class_bind_template_child (widget_class, SyAddKeyDialog, priority_spin);
  gtk_widget_class_bind_template_child (widget_class, SyAddKeyDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, SyAddKeyDialog, add_button);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sy_add_key_dialog_init (SyAddKeyDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->provider_ids = g_ptr_array_new_with_free_func (g_free);
}

SyAddKeyDialog *
sy_add_key_dialog_new (SyAdminClient *client)
{
  SyAddKeyDialog *self;

  g_return_val_if_fail (SY_IS_ADMIN_CLIENT (client), NULL);

  self = g_object_new (SY_TYPE_ADD_KEY_DIALOG, NULL);
  self->client = g_object_ref (client);
  sy_provider_choices_fill (self->provider_dropdown, self->provider_ids,
                            sy_gateway_host_get_gateway (sy_admin_client_get_host (client)),
                            TRUE);
  return self;
}

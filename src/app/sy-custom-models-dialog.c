/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The "Custom models" window: pick a provider, see the model ids added to it, add one (id,
 * display name, type) or remove one. Everything goes through /api/provider-models, so the
 * window refuses what the API refuses (a model the provider already lists, say), in its words.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-custom-models-dialog.h"

#include <glib/gi18n.h>

#include "sy-provider-choices.h"
#include "sy-widgets.h"

struct _SyCustomModelsDialog
{
  GtkWindow      parent_instance;

  SyAdminClient *client;
  GCancellable  *cancellable;
  GPtrArray     *provider_ids;   /* what the API takes, by drop-down position */

  GtkDropDown   *provider_dropdown;
  GtkListBox    *models_list;
  GtkEntry      *model_entry;
  GtkEntry      *name_entry;
  GtkDropDown   *type_dropdown;
  GtkButton     *add_button;
  GtkLabel      *error_label;
};

G_DEFINE_FINAL_TYPE (SyCustomModelsDialog, sy_custom_models_dialog, GTK_TYPE_WINDOW)

static const char * const model_types[] = { "chat", "embedding", "image", "audio" };

static void reload (SyCustomModelsDialog *self);

static const char *
selected_provider (SyCustomModelsDialog *self)
{
  guint index = gtk_drop_down_get_selected (self->provider_dropdown);

  return index < self->provider_ids->len ? g_ptr_array_index (self->provider_ids, index) : NULL;
}

static void
show_error (SyCustomModelsDialog *self,
            const GError         *error)
{
  g_autofree char *text = error ? sy_admin_client_describe_error (error) : NULL;

  sy_label_set_message (self->error_label, text);
}

static void
changed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SyCustomModelsDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result,
                                                          &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), TRUE);
  show_error (self, error);
  if (node != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->model_entry), "");
      gtk_editable_set_text (GTK_EDITABLE (self->name_entry), "");
    }
  reload (self);
}

static void
remove_clicked_cb (GtkButton            *button,
                   SyCustomModelsDialog *self)
{
  const char *model = g_object_get_data (G_OBJECT (button), "model-id");
  const char *provider = selected_provider (self);
  g_autofree char *escaped_provider = NULL;
  g_autofree char *escaped_model = NULL;
  g_autofree char *path = NULL;

  if (provider == NULL)
    return;
  escaped_provider = g_uri_escape_string (provider, NULL, FALSE);
  escaped_model = g_uri_escape_string (model, NULL, FALSE);
  path = g_strdup_printf ("/api/provider-models?provider=%s&model=%s", escaped_provider,
                          escaped_model);
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  sy_admin_client_call_async (self->client, "DELETE", path, NULL, self->cancellable, changed_cb,
                              g_object_ref (self));
}

static void
add_model_row (SyCustomModelsDialog *self,
               JsonObject           *model)
{
  GtkWidget *row = sy_list_box_add_row (self->models_list);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *remove = gtk_button_new_with_mnemonic (_("_Remove"));
  const char *id = json_object_get_string_member_with_default (model, "id", "");
  const char *name = json_object_get_string_member_with_default (model, "modelName", id);
  const char *type = json_object_get_string_member_with_default (model, "type", "chat");
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", id, type);

  gtk_box_append (GTK_BOX (text), sy_label_new (name, "sy-name"));
  gtk_box_append (GTK_BOX (text), sy_label_new (subtitle, "dim-label"));
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (row), text);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (remove), "model-id",
                          g_strdup (json_object_get_string_member_with_default (model, "modelId",
                                                                                "")), g_free);
  g_signal_connect_object (remove, "clicked", G_CALLBACK (remove_clicked_cb), self, 0);
  gtk_box_append (GTK_BOX (row), remove);
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SyCustomModelsDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result,
                                                          &error);
  JsonArray *models;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  sy_list_box_clear (self->models_list);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      show_error (self, error);
      return;
    }
  models = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (models); i++)
    add_model_row (self, json_array_get_object_element (models, i));
  if (json_array_get_length (models) == 0)
    gtk_list_box_append (self->models_list,
                         sy_label_new (_("No custom models for this provider yet."),
                                       "dim-label"));
}

static void
reload (SyCustomModelsDialog *self)
{
  const char *provider = selected_provider (self);
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  if (provider == NULL)
    return;
  escaped = g_uri_escape_string (provider, NULL, FALSE);
  path = g_strdup_printf ("/api/provider-models?provider=%s", escaped);
  sy_admin_client_call_async (self->client, "GET", path, NULL, self->cancellable, listed_cb,
                              g_object_ref (self));
}

static void
provider_changed_cb (SyCustomModelsDialog *self)
{
  show_error (self, NULL);
  reload (self);
}

static void
add_clicked_cb (SyCustomModelsDialog *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *model = g_strstrip (g_strdup (gtk_editable_get_text (
                                         GTK_EDITABLE (self->model_entry))));
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (
                                        GTK_EDITABLE (self->name_entry))));
  guint type = gtk_drop_down_get_selected (self->type_dropdown);
  const char *provider = selected_provider (self);

  if (provider == NULL)
    return;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "provider");
  json_builder_add_string_value (b, provider);
  /* An empty id is sent as it is: the API says it is required, in its own words. */
  json_builder_set_member_name (b, "modelId");
  json_builder_add_string_value (b, model);
  if (*name != '\0')
    {
      json_builder_set_member_name (b, "modelName");
      json_builder_add_string_value (b, name);
    }
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, model_types[MIN (type, G_N_ELEMENTS (model_types) - 1)]);
  json_builder_end_object (b);
  body = json_builder_get_root (b);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), FALSE);
  sy_admin_client_call_async (self->client, "POST", "/api/provider-models", body,
                              self->cancellable, changed_cb, g_object_ref (self));
}

static void
close_clicked_cb (SyCustomModelsDialog *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
sy_custom_models_dialog_dispose (GObject *object)
{
  SyCustomModelsDialog *self = SY_CUSTOM_MODELS_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SY_TYPE_CUSTOM_MODELS_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (sy_custom_models_dialog_parent_class)->dispose (object);
}

static void
sy_custom_models_dialog_finalize (GObject *object)
{
  g_clear_pointer (&SY_CUSTOM_MODELS_DIALOG (object)->provider_ids, g_ptr_array_unref);
  G_OBJECT_CLASS (sy_custom_models_dialog_parent_class)->finalize (object);
}

static void
sy_custom_models_dialog_class_init (SyCustomModelsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sy_custom_models_dialog_dispose;
  object_class->finalize = sy_custom_models_dialog_finalize;

  gtk_widget_class_set_template_from_resource (
    widget_class, "/dev/switchyard/Switchyard/ui/sy-custom-models-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SyCustomModelsDialog, provider_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SyCustomModelsDialog, models_list);
  gtk_widget_class_bind_template_child (widget_class, SyCustomModelsDialog, model_entry);
  gtk_widget_class_bind_template_child (widget_class, SyCustomModelsDialog, name_entry);
  gtk_widget_class_bind_template_child (widget_class, SyCustomModelsDialog, type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SyCustomModelsDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, SyCustomModelsDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, provider_changed_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sy_custom_models_dialog_init (SyCustomModelsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->provider_ids = g_ptr_array_new_with_free_func (g_free);
}

SyCustomModelsDialog *
sy_custom_models_dialog_new (SyAdminClient *client,
                             const char    *provider)
{
  SyCustomModelsDialog *self;

  g_return_val_if_fail (SY_IS_ADMIN_CLIENT (client), NULL);

  self = g_object_new (SY_TYPE_CUSTOM_MODELS_DIALOG, NULL);
  self->client = g_object_ref (client);
  sy_provider_choices_fill (self->provider_dropdown, self->provider_ids,
                            sy_gateway_host_get_gateway (sy_admin_client_get_host (client)),
                            FALSE);
  sy_provider_choices_select (self->provider_dropdown, self->provider_ids, provider);
  reload (self);
  return self;
}

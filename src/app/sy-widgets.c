/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers for the pages' rows, messages, confirmations and the changes they send. GTK 4.8 has
 * no gtk_list_box_remove_all (4.12).
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-widgets.h"

#include <glib/gi18n.h>
#include <string.h>

void
sy_list_box_clear (GtkListBox *list)
{
  GtkListBoxRow *row;

  g_return_if_fail (GTK_IS_LIST_BOX (list));

  while ((row = gtk_list_box_get_row_at_index (list, 0)) != NULL)
    gtk_list_box_remove (list, GTK_WIDGET (row));
}

GtkWidget *
sy_label_new (const char *text,
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

GtkWidget *
sy_label_new_line (const char *text,
                   const char *css_class)
{
  GtkWidget *label = sy_label_new (text, css_class);

  gtk_label_set_wrap (GTK_LABEL (label), FALSE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_widget_set_tooltip_text (label, text);
  return label;
}

GtkWidget *
sy_list_box_add_row (GtkListBox *list)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  g_return_val_if_fail (GTK_IS_LIST_BOX (list), NULL);

  gtk_widget_add_css_class (box, "sy-row");
  gtk_list_box_append (list, box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (gtk_widget_get_parent (box)), FALSE);
  return box;
}

GtkWidget *
sy_row_button_new (const char *mnemonic,
                   GCallback   clicked,
                   gpointer    instance)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (mnemonic);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect_object (button, "clicked", clicked, instance, 0);
  return button;
}

GtkWidget *
sy_row_button_new_for (const char *mnemonic,
                       GCallback   clicked,
                       gpointer    instance,
                       JsonObject *object)
{
  GtkWidget *button;

  g_return_val_if_fail (object != NULL, NULL);

  button = sy_row_button_new (mnemonic, clicked, instance);
  g_object_set_data_full (G_OBJECT (button), "object", json_object_ref (object),
                          (GDestroyNotify) json_object_unref);
  return button;
}

GtkWidget *
sy_confirm_dialog_new (GtkWidget  *widget,
                       const char *heading,
                       const char *detail,
                       const char *accept_label)
{
  GtkRoot *root;
  GtkWidget *dialog;
  GtkWidget *accept;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);
  g_return_val_if_fail (heading != NULL, NULL);
  g_return_val_if_fail (accept_label != NULL, NULL);

  root = gtk_widget_get_root (widget);
  dialog = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, "%s", heading);
  if (detail != NULL)
    gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", detail);
  gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
  accept = gtk_dialog_add_button (GTK_DIALOG (dialog), accept_label, GTK_RESPONSE_ACCEPT);
  gtk_widget_add_css_class (accept, "destructive-action");
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  return dialog;
}

void
sy_label_set_message (GtkLabel   *label,
                      const char *message)
{
  g_return_if_fail (GTK_IS_LABEL (label));

  gtk_label_set_text (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

void
sy_label_set_error (GtkLabel     *label,
                    const GError *error)
{
  g_autofree char *text = error ? sy_admin_client_describe_error (error) : NULL;

  sy_label_set_message (label, text);
}

void
sy_window_present_over (GtkWindow *window,
                        GtkWidget *widget)
{
  GtkRoot *root;

  g_return_if_fail (GTK_IS_WINDOW (window));
  g_return_if_fail (GTK_IS_WIDGET (widget));

  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (window, GTK_WINDOW (root));
  gtk_window_present (window);
}

/* What a change sent for a list keeps until it is answered. */
typedef struct
{
  GtkWidget    *widget;
  GtkLabel     *message;
  SyWidgetFunc  refresh;
} Change;

static void
change_sent_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Change *change = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result,
                                                          &error);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      sy_label_set_error (change->message, error);
      change->refresh (change->widget);
    }
  g_object_unref (change->message);
  g_object_unref (change->widget);
  g_free (change);
}

void
sy_widget_send_change (GtkWidget     *widget,
                       SyAdminClient *client,
                       const char    *method,
                       const char    *path,
                       GCancellable  *cancellable,
                       GtkLabel      *message,
                       SyWidgetFunc   refresh)
{
  Change *change;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (SY_IS_ADMIN_CLIENT (client));
  g_return_if_fail (GTK_IS_LABEL (message));
  g_return_if_fail (refresh != NULL);

  change = g_new0 (Change, 1);
  change->widget = g_object_ref (widget);
  change->message = g_object_ref (message);
  change->refresh = refresh;
  sy_admin_client_call_async (client, method, path, NULL, cancellable, change_sent_cb, change);
}

GCancellable *
sy_cancellable_renew (GCancellable **slot)
{
  g_return_val_if_fail (slot != NULL, NULL);

  if (*slot != NULL)
    g_cancellable_cancel (*slot);
  g_clear_object (slot);
  *slot = g_cancellable_new ();
  return *slot;
}

void
sy_form_clear_messages (gpointer           form,
                        GtkLabel          *form_label,
                        const SyFormField *fields,
                        guint              n_fields)
{
  g_return_if_fail (GTK_IS_LABEL (form_label));

  sy_label_set_message (form_label, NULL);
  for (guint i = 0; i < n_fields; i++)
    sy_label_set_message (G_STRUCT_MEMBER (GtkLabel *, form, fields[i].offset), NULL);
}

/* The message line of the field the API calls name, or NULL. */
static GtkLabel *
field_message (gpointer           form,
               const SyFormField *fields,
               guint              n_fields,
               const char        *name)
{
  for (guint i = 0; i < n_fields; i++)
    {
      gsize len = strlen (fields[i].name);

      if (strncmp (name, fields[i].name, len) == 0 && (name[len] == '\0' || name[len] == '['))
        return G_STRUCT_MEMBER (GtkLabel *, form, fields[i].offset);
    }
  return NULL;
}

void
sy_form_show_error (gpointer           form,
                    GtkLabel          *form_label,
                    const SyFormField *fields,
                    guint              n_fields,
                    const GError      *error)
{
  const char *colon;
  g_autofree char *field = NULL;
  GtkLabel *label = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (GTK_IS_LABEL (form_label));
  g_return_if_fail (error != NULL);

  colon = strstr (error->message, ": ");
  if (g_error_matches (error, SY_ADMIN_CLIENT_ERROR, SY_ADMIN_CLIENT_ERROR_REFUSED) &&
      colon != NULL && colon[2] != '\0')
    {
      field = g_strndup (error->message, colon - error->message);
      label = field_message (form, fields, n_fields, field);
    }
  if (label == NULL)
    {
      sy_label_set_error (form_label, error);
      return;
    }
  text = g_strdup (colon + 2);
  text[0] = g_ascii_toupper (text[0]);
  sy_label_set_message (label, text);
}

void
sy_widget_unparent_children (GtkWidget *widget)
{
  GtkWidget *child;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    gtk_widget_unparent (child);
}

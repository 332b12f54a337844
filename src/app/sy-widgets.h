/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Small widget helpers the pages share: emptying a list, labels with a style class, a row laid
 * out as cells, a row's button, a delete confirmation, a change sent for a list, a form's
 * error under its field. No state of their own.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"

G_BEGIN_DECLS

typedef void (*SyWidgetFunc) (gpointer widget);

/* Removes every row (the placeholder stays). */
void       sy_list_box_clear   (GtkListBox *list);
/* A left-aligned label; css_class may be NULL. */
GtkWidget *sy_label_new        (const char *text,
                                const char *css_class);
/* A one-line label that ellipsizes at the end and shows the whole text as its tooltip. */
GtkWidget *sy_label_new_line   (const char *text,
                                const char *css_class);
/* A horizontal box with the row padding, appended to list as one row; returns the box. */
GtkWidget *sy_list_box_add_row (GtkListBox *list);
/* A button for a list row: mnemonic label, centred, "clicked" calling clicked on instance
 * (connected with g_signal_connect_object, the button first). */
GtkWidget *sy_row_button_new   (const char *mnemonic,
                                GCallback   clicked,
                                gpointer    instance);
/* sy_row_button_new() that carries object (referenced) as its "object" data, for clicked to
 * read back with g_object_get_data (button, "object"). */
GtkWidget *sy_row_button_new_for (const char *mnemonic,
                                  GCallback   clicked,
                                  gpointer    instance,
                                  JsonObject *object);
/* A modal question over widget's window: heading, detail under it, Cancel (the default) and
 * a destructive accept_label button, whose response is GTK_RESPONSE_ACCEPT. The caller
 * connects "response" and presents it. */
GtkWidget *sy_confirm_dialog_new (GtkWidget  *widget,
                                  const char *heading,
                                  const char *detail,
                                  const char *accept_label);
/* Shows message in label (hidden when message is NULL). */
void       sy_label_set_message (GtkLabel  *label,
                                 const char *message);
/* Shows error (from SyAdminClient) in label in sy_admin_client_describe_error()'s words;
 * hides label when error is NULL. */
void       sy_label_set_error   (GtkLabel     *label,
                                 const GError *error);
/* Makes window transient for widget's window (when it is in one) and presents it. */
void       sy_window_present_over (GtkWindow *window,
                                   GtkWidget *widget);
/* Sends method path (no body) through client for widget, a list that shows what the API
 * holds: once answered, the refusal or failure in message (hidden on success), then
 * refresh (widget) to read the list again. Nothing happens on an answer after cancellable was
 * cancelled, which widget's dispose does. */
void       sy_widget_send_change (GtkWidget     *widget,
                                  SyAdminClient *client,
                                  const char    *method,
                                  const char    *path,
                                  GCancellable  *cancellable,
                                  GtkLabel      *message,
                                  SyWidgetFunc   refresh);
/* Cancels what *slot guards, if anything, and puts a new cancellable there (the read under
 * way, which the next one replaces); returns it. */
GCancellable *sy_cancellable_renew (GCancellable **slot);

/* A form's field as the management API names it ("limit"; "allowedModels" also stands for a
 * list's items, "allowedModels[2]"), and where the form's struct keeps the message line under
 * it: G_STRUCT_OFFSET (SyBudgetDialog, amount_message). */
typedef struct
{
  const char *name;
  glong       offset;
} SyFormField;

/* Hides form_label and the message line of every field. */
void       sy_form_clear_messages (gpointer           form,
                                   GtkLabel          *form_label,
                                   const SyFormField *fields,
                                   guint              n_fields);
/* Shows error (from SyAdminClient) where people look for it: a refusal that names one of the
 * fields ("limit: 2e+09 is out of range") under that field, as a sentence ("2e+09 is out of
 * range"); anything else in form_label, in sy_admin_client_describe_error()'s words. */
void       sy_form_show_error     (gpointer           form,
                                   GtkLabel          *form_label,
                                   const SyFormField *fields,
                                   guint              n_fields,
                                   const GError      *error);

/* Unparents every child of widget (a template's unbound root, from dispose). */
void       sy_widget_unparent_children (GtkWidget *widget);

G_END_DECLS

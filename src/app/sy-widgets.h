/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Small widget helpers the pages share: emptying a list, labels with a style class, a row laid
 * out as cells, a row's button, a delete confirmation. No state of their own.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

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

/* Unparents every child of widget (a template's unbound root, from dispose). */
void       sy_widget_unparent_children (GtkWidget *widget);

G_END_DECLS

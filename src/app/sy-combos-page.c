/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Combos page. Reads the combos from the in-process repository (sy_combo_repo_list) and
 * notices changes made elsewhere (curl, another window) by the repository's generation while
 * shown. Creating, editing and deleting go through the management API, so the rules are the
 * API's own (names that shadow providers, loops, weights).
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-combos-page.h"

#include <glib/gi18n.h>

#include "sy-combo-editor.h"
#include "sy-format.h"
#include "sy-page-link.h"
#include "sy-widgets.h"

/* How often a shown page looks for changes made elsewhere (a generation number compare). */
#define POLL_INTERVAL_S 2

struct _SyCombosPage
{
  GtkWidget      parent_instance;

  SyPageLink     link;        /* client, host and the page's timer */
  GCancellable  *cancellable;
  gpointer       seen_repo;   /* compared only, never dereferenced */
  guint          seen_generation;

  GtkWidget     *scroller;
  GtkListBox    *combos_list;
  GtkLabel      *message_label;
};

G_DEFINE_FINAL_TYPE (SyCombosPage, sy_combos_page, GTK_TYPE_WIDGET)

static SyComboRepo *
get_repo (SyCombosPage *self)
{
  SyGateway *gateway = self->link.host ? sy_gateway_host_get_gateway (self->link.host) : NULL;

  return gateway ? sy_gateway_get_combos (gateway) : NULL;
}

static void
editor_saved_cb (SyComboEditor *editor,
                 SyCombosPage  *self)
{
  sy_label_set_message (self->message_label, NULL);
  sy_combos_page_refresh (self);
}

static void
open_editor (SyCombosPage *self,
             SyCombo      *combo)
{
  SyComboEditor *editor = sy_combo_editor_new (self->link.client, combo);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (editor), GTK_WINDOW (root));
  g_signal_connect_object (editor, "saved", G_CALLBACK (editor_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
new_clicked_cb (SyCombosPage *self)
{
  open_editor (self, NULL);
}

static void
edit_clicked_cb (GtkButton    *button,
                 SyCombosPage *self)
{
  SyComboRepo *repo = get_repo (self);
  const char *id = g_object_get_data (G_OBJECT (button), "combo-id");
  g_autoptr(SyCombo) combo = repo ? sy_combo_repo_lookup (repo, id) : NULL;

  if (combo == NULL)
    {
      sy_label_set_message (self->message_label,
                            _("This combo is gone: it was deleted elsewhere. The list is read "
                              "again."));
      sy_combos_page_refresh (self);
      return;
    }
  open_editor (self, combo);
}

static void
deleted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SyCombosPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (node == NULL)
    {
      g_autofree char *text = sy_admin_client_describe_error (error);

      sy_label_set_message (self->message_label, text);
    }
  else
    sy_label_set_message (self->message_label, NULL);
  sy_combos_page_refresh (self);
}

static void
delete_response_cb (GtkDialog    *dialog,
                    int           response,
                    SyCombosPage *self)
{
  g_autofree char *id = g_strdup (g_object_get_data (G_OBJECT (dialog), "combo-id"));
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response != GTK_RESPONSE_ACCEPT || self->link.client == NULL)
    return;
  escaped = g_uri_escape_string (id, NULL, FALSE);
  path = g_strconcat ("/api/combos/", escaped, NULL);
  sy_admin_client_call_async (self->link.client, "DELETE", path, NULL, self->cancellable, deleted_cb,
                              g_object_ref (self));
}

static void
delete_clicked_cb (GtkButton    *button,
                   SyCombosPage *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "combo-id");
  const char *name = g_object_get_data (G_OBJECT (button), "combo-name");
  g_autofree char *heading = g_strdup_printf (_("Delete the combo “%s”?"), name);
  g_autofree char *detail = g_strdup_printf (
    _("Tools that send “%s” as their model will get an error until a combo of that name "
      "exists again."), name);
  GtkWidget *dialog = sy_confirm_dialog_new (GTK_WIDGET (self), heading, detail, _("_Delete"));

  g_object_set_data_full (G_OBJECT (dialog), "combo-id", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static char *
describe_members (SyCombo *combo)
{
  GString *text = g_string_new (NULL);
  gboolean weighted = g_strcmp0 (combo->strategy, "weighted") == 0;

  for (guint i = 0; i < combo->members->len; i++)
    {
      SyComboMember *member = g_ptr_array_index (combo->members, i);

      if (i > 0)
        g_string_append (text, "   ");
      g_string_append_printf (text, "%u. %s", i + 1, member->model);
      if (weighted || member->weight != 1)
        g_string_append_printf (text, _(" (weight %u)"), member->weight);
    }
  return g_string_free (text, FALSE);
}

static GtkWidget *
row_button_new (SyCombosPage *self,
                SyCombo      *combo,
                const char   *label,
                GCallback     callback)
{
  GtkWidget *button = sy_row_button_new (label, callback, self);

  g_object_set_data_full (G_OBJECT (button), "combo-id", g_strdup (combo->id), g_free);
  g_object_set_data_full (G_OBJECT (button), "combo-name", g_strdup (combo->name), g_free);
  return button;
}

static void
add_combo_row (SyCombosPage *self,
               SyCombo      *combo)
{
  GtkWidget *row = sy_list_box_add_row (self->combos_list);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *title = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  g_autofree char *members = describe_members (combo);
  GtkWidget *name = sy_label_new (combo->name, "sy-name");

  gtk_label_set_selectable (GTK_LABEL (name), TRUE);
  gtk_box_append (GTK_BOX (title), name);
  gtk_box_append (GTK_BOX (title),
                  sy_label_new (sy_format_combo_strategy (combo->strategy), "sy-chip"));
  gtk_box_append (GTK_BOX (text), title);
  gtk_box_append (GTK_BOX (text), sy_label_new (members, "dim-label"));
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (row), text);
  gtk_box_append (GTK_BOX (row),
                  row_button_new (self, combo, _("_Edit"), G_CALLBACK (edit_clicked_cb)));
  gtk_box_append (GTK_BOX (row),
                  row_button_new (self, combo, _("_Delete"), G_CALLBACK (delete_clicked_cb)));
}

void
sy_combos_page_refresh (SyCombosPage *self)
{
  SyComboRepo *repo;
  g_autoptr(GPtrArray) combos = NULL;

  g_return_if_fail (SY_IS_COMBOS_PAGE (self));

  sy_list_box_clear (self->combos_list);
  if ((repo = get_repo (self)) == NULL)
    return;
  self->seen_repo = repo;
  self->seen_generation = sy_combo_repo_get_generation (repo);
  combos = sy_combo_repo_list (repo);
  for (guint i = 0; i < combos->len; i++)
    add_combo_row (self, g_ptr_array_index (combos, i));
}

/* Redraws when the stored combos changed, here or elsewhere. */
static void
poll (gpointer user_data)
{
  SyCombosPage *self = user_data;
  SyComboRepo *repo = get_repo (self);

  if (repo != self->seen_repo ||
      (repo != NULL && sy_combo_repo_get_generation (repo) != self->seen_generation))
    sy_combos_page_refresh (self);
}

void
sy_combos_page_set_client (SyCombosPage  *self,
                           SyAdminClient *client)
{
  g_return_if_fail (SY_IS_COMBOS_PAGE (self));

  sy_page_link_set_client (&self->link, client);
}

static void
sy_combos_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sy_combos_page_parent_class)->map (widget);
  sy_page_link_mapped (&SY_COMBOS_PAGE (widget)->link);
}

static void
sy_combos_page_unmap (GtkWidget *widget)
{
  sy_page_link_unmapped (&SY_COMBOS_PAGE (widget)->link);
  GTK_WIDGET_CLASS (sy_combos_page_parent_class)->unmap (widget);
}

static void
sy_combos_page_dispose (GObject *object)
{
  SyCombosPage *self = SY_COMBOS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  sy_page_link_clear (&self->link);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SY_TYPE_COMBOS_PAGE);
  G_OBJECT_CLASS (sy_combos_page_parent_class)->dispose (object);
}

static void
sy_combos_page_class_init (SyCombosPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sy_combos_page_dispose;
  widget_class->map = sy_combos_page_map;
  widget_class->unmap = sy_combos_page_unmap;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/switchyard/Switchyard/ui/sy-combos-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SyCombosPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, SyCombosPage, combos_list);
  gtk_widget_class_bind_template_child (widget_class, SyCombosPage, message_label);
  gtk_widget_class_bind_template_callback (widget_class, new_clicked_cb);
}

static void
sy_combos_page_init (SyCombosPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  sy_page_link_init (&self->link, GTK_WIDGET (self), POLL_INTERVAL_S, (SyPageLinkFunc) sy_combos_page_refresh,
                     (SyPageLinkFunc) poll);
  self->cancellable = g_cancellable_new ();
}

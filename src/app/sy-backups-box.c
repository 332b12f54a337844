/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Backups section: file choosers, a confirmation before an import, then the download or
 * upload through SyAdminClient and the file written or read asynchronously. One operation at a
 * time; its GCancellable is the Cancel button's. No database access of its own: the
 * management API does the work, so the desktop and curl behave the same.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-backups-box.h"

#include <glib/gi18n.h>

struct _SyBackupsBox
{
  GtkWidget        parent_instance;

  SyAdminClient   *client;
  GCancellable    *cancellable;     /* the operation running, or NULL */
  GtkNativeDialog *chooser;         /* the open file chooser, or NULL */
  SyBackupKind     chooser_kind;
  GFile           *pending_import;  /* waiting for the confirmation */

  GtkWidget       *export_db_button;
  GtkWidget       *export_archive_button;
  GtkWidget       *import_button;
  GtkWidget       *spinner;
  GtkWidget       *cancel_button;
  GtkLabel        *status_label;
};

G_DEFINE_FINAL_TYPE (SyBackupsBox, sy_backups_box, GTK_TYPE_WIDGET)

/* The operation in flight with its box (a reference), its file and its cancellable. */
typedef struct
{
  SyBackupsBox *self;
  GFile        *file;
  GCancellable *cancellable;
} Job;

static void
job_free (Job *job)
{
  g_object_unref (job->self);
  g_clear_object (&job->file);
  g_object_unref (job->cancellable);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

static void
set_busy (SyBackupsBox *self,
          const char   *status)
{
  gboolean busy = self->cancellable != NULL;

  gtk_widget_set_sensitive (self->export_db_button, !busy);
  gtk_widget_set_sensitive (self->export_archive_button, !busy);
  gtk_widget_set_sensitive (self->import_button, !busy);
  gtk_widget_set_visible (self->spinner, busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), busy);
  gtk_widget_set_visible (self->cancel_button, busy);
  gtk_label_set_text (self->status_label, status ? status : "");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static void
show_error (SyBackupsBox *self,
            const char   *text)
{
  set_busy (self, text);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
}

/* Starts an operation; NULL when one is running already. */
static Job *
job_start (SyBackupsBox *self,
           GFile        *file,
           const char   *status)
{
  Job *job;

  if (self->cancellable != NULL)
    return NULL;
  self->cancellable = g_cancellable_new ();
  job = g_new0 (Job, 1);
  job->self = g_object_ref (self);
  job->file = file ? g_object_ref (file) : NULL;
  job->cancellable = g_object_ref (self->cancellable);
  set_busy (self, status);
  return job;
}

/* The job ended; FALSE when it was cancelled (the box says so already) or superseded. */
static gboolean
job_end (Job          *job,
         const GError *error)
{
  SyBackupsBox *self = job->self;

  if (self->cancellable != job->cancellable)
    return FALSE;
  g_clear_object (&self->cancellable);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_busy (self, _("Cancelled."));
      return FALSE;
    }
  return TRUE;
}

static void
cancel_clicked_cb (SyBackupsBox *self)
{
  if (self->cancellable == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_busy (self, _("Cancelled."));
}

/* --- export ------------------------------------------------------------------------------ */

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  g_file_replace_contents_finish (G_FILE (source), result, NULL, &error);
  if (!job_end (job, error))
    return;
  name = g_file_get_parse_name (job->file);
  if (error != NULL)
    {
      text = g_strdup_printf (_("Could not write %s: %s"), name, error->message);
      show_error (job->self, text);
      return;
    }
  text = g_strdup_printf (_("Saved to %s."), name);
  set_busy (job->self, text);
}

static void
downloaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = sy_admin_client_call_bytes_finish (SY_ADMIN_CLIENT (source), result,
                                                               &error);
  GCancellable *cancellable = job->cancellable;
  GFile *file = job->file;

  if (bytes == NULL)
    {
      g_autofree char *text = NULL;

      if (!job_end (job, error))
        return;
      text = sy_admin_client_describe_error (error);
      show_error (job->self, text);
      return;
    }
  if (g_cancellable_is_cancelled (cancellable))
    return;
  gtk_label_set_text (job->self->status_label, _("Writing the file…"));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                       G_FILE_CREATE_REPLACE_DESTINATION, cancellable,
                                       written_cb, g_steal_pointer (&job));
}

void
sy_backups_box_export (SyBackupsBox *self,
                       SyBackupKind  kind,
                       GFile        *file)
{
  Job *job;

  g_return_if_fail (SY_IS_BACKUPS_BOX (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->client == NULL)
    {
      show_error (self, _("Nothing to export from: the gateway is not running."));
      return;
    }
  if ((job = job_start (self, file, _("Exporting…"))) == NULL)
    return;
  sy_admin_client_call_bytes_async (self->client, "GET",
                                    kind == SY_BACKUP_ARCHIVE ? "/api/db-backups/exportAll"
                                                              : "/api/db-backups/export",
                                    NULL, NULL, job->cancellable, downloaded_cb, job);
}

/* --- import ------------------------------------------------------------------------------ */

static void
imported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = sy_admin_client_call_bytes_finish (SY_ADMIN_CLIENT (source), result,
                                                               &error);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  const char *backup = NULL;

  if (!job_end (job, error))
    return;
  if (bytes == NULL)
    {
      g_autofree char *why = sy_admin_client_describe_error (error);

      text = g_strdup_printf (_("Not imported, nothing changed: %s"), why);
      show_error (job->self, text);
      return;
    }
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  node = json_from_string (text, NULL);
  g_clear_pointer (&text, g_free);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    backup = json_object_get_string_member_with_default (json_node_get_object (node),
                                                         "preImportBackup", NULL);
  if (backup != NULL)
    text = g_strdup_printf (_("Imported. The gateway uses the new database now; the previous one "
                              "is saved as %s in the backups folder."), backup);
  else
    text = g_strdup (_("Imported. The gateway uses the new database now."));
  set_busy (job->self, text);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);
  GCancellable *cancellable = job->cancellable;
  SyAdminClient *client = job->self->client;

  if (bytes == NULL)
    {
      g_autofree char *name = NULL;
      g_autofree char *text = NULL;

      if (!job_end (job, error))
        return;
      name = g_file_get_parse_name (job->file);
      text = g_strdup_printf (_("Could not read %s: %s"), name, error->message);
      show_error (job->self, text);
      return;
    }
  if (client == NULL)
    {
      job_end (job, NULL);
      show_error (job->self, _("Nothing to import into: the gateway is not running."));
      return;
    }
  gtk_label_set_text (job->self->status_label, _("Importing…"));
  sy_admin_client_call_bytes_async (client, "POST", "/api/db-backups/import",
                                    "application/octet-stream", bytes, cancellable, imported_cb,
                                    g_steal_pointer (&job));
}

static void
confirm_response_cb (GtkDialog    *dialog,
                     int           response,
                     SyBackupsBox *self)
{
  g_autoptr(GFile) file = g_steal_pointer (&self->pending_import);
  Job *job;

  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response != GTK_RESPONSE_ACCEPT || file == NULL)
    return;
  if ((job = job_start (self, file, _("Reading the file…"))) == NULL)
    return;
  g_file_load_bytes_async (file, job->cancellable, loaded_cb, job);
}

void
sy_backups_box_import (SyBackupsBox *self,
                       GFile        *file)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *name = NULL;
  GtkWidget *dialog;

  g_return_if_fail (SY_IS_BACKUPS_BOX (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->cancellable != NULL || self->pending_import != NULL)
    return;
  g_set_object (&self->pending_import, file);
  name = g_file_get_basename (file);
  dialog = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   _("Replace the database with %s?"), name);
  gtk_message_dialog_format_secondary_text (
    GTK_MESSAGE_DIALOG (dialog),
    _("Accounts, combos, keys and settings are replaced at once, without a restart. The current "
      "database is saved to the backups folder first, so importing that backup undoes this."));
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("_Import"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- the file choosers ------------------------------------------------------------------- */

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     SyBackupsBox    *self)
{
  g_autoptr(GFile) file = NULL;
  gboolean opening = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)) ==
                     GTK_FILE_CHOOSER_ACTION_OPEN;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file == NULL)
    return;
  if (opening)
    sy_backups_box_import (self, file);
  else
    sy_backups_box_export (self, self->chooser_kind, file);
}

static void
open_chooser (SyBackupsBox         *self,
              GtkFileChooserAction  action,
              SyBackupKind          kind)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *name = NULL;
  GtkFileChooserNative *chooser;

  if (self->chooser != NULL)
    return;
  chooser = gtk_file_chooser_native_new (
    action == GTK_FILE_CHOOSER_ACTION_OPEN ? _("Import a database")
    : kind == SY_BACKUP_ARCHIVE            ? _("Export the archive")
                                           : _("Export the database"),
    GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, action,
    action == GTK_FILE_CHOOSER_ACTION_OPEN ? _("_Open") : _("_Save"), _("_Cancel"));
  if (action == GTK_FILE_CHOOSER_ACTION_SAVE)
    {
      name = g_strdup_printf ("switchyard-%s.%s", stamp,
                              kind == SY_BACKUP_ARCHIVE ? "tar.gz" : "sqlite");
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
    }
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  self->chooser_kind = kind;
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (self->chooser);
}

static void
export_db_clicked_cb (SyBackupsBox *self)
{
  open_chooser (self, GTK_FILE_CHOOSER_ACTION_SAVE, SY_BACKUP_DATABASE);
}

static void
export_archive_clicked_cb (SyBackupsBox *self)
{
  open_chooser (self, GTK_FILE_CHOOSER_ACTION_SAVE, SY_BACKUP_ARCHIVE);
}

static void
import_clicked_cb (SyBackupsBox *self)
{
  open_chooser (self, GTK_FILE_CHOOSER_ACTION_OPEN, SY_BACKUP_DATABASE);
}

/* --- the widget -------------------------------------------------------------------------- */

void
sy_backups_box_set_client (SyBackupsBox  *self,
                           SyAdminClient *client)
{
  g_return_if_fail (SY_IS_BACKUPS_BOX (self));
  g_return_if_fail (client == NULL || SY_IS_ADMIN_CLIENT (client));

  g_set_object (&self->client, client);
}

GtkWidget *
sy_backups_box_new (void)
{
  return g_object_new (SY_TYPE_BACKUPS_BOX, NULL);
}

static void
sy_backups_box_dispose (GObject *object)
{
  SyBackupsBox *self = SY_BACKUPS_BOX (object);
  GtkWidget *child;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_object (&self->pending_import);
  g_clear_object (&self->client);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (sy_backups_box_parent_class)->dispose (object);
}

static void
sy_backups_box_class_init (SyBackupsBoxClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sy_backups_box_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BOX_LAYOUT);
}

static GtkWidget *
add_button (SyBackupsBox *self,
            GtkWidget    *parent,
            const char   *label,
            const char   *tooltip,
            GCallback     clicked)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_tooltip_text (button, tooltip);
  g_signal_connect_object (button, "clicked", clicked, self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (parent), button);
  return button;
}

static void
sy_backups_box_init (SyBackupsBox *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkWidget *heading = gtk_label_new (_("Backups"));
  GtkWidget *hint = gtk_label_new (_("The database holds accounts, combos, inbound keys and "
                                     "settings; provider keys stay in your keyring. The archive "
                                     "holds the same as JSON files, without any secret."));
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (widget)),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (widget)), 6);
  gtk_widget_set_margin_top (widget, 12);

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_widget_set_parent (heading, widget);
  gtk_label_set_xalign (GTK_LABEL (hint), 0);
  gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_widget_set_parent (hint, widget);

  self->export_db_button = add_button (self, buttons, _("Export _database…"),
                                       _("Save the database as a .sqlite file"),
                                       G_CALLBACK (export_db_clicked_cb));
  self->export_archive_button = add_button (self, buttons, _("Export _archive (no secrets)…"),
                                            _("Save everything as JSON files in a .tar.gz, "
                                              "without keys"),
                                            G_CALLBACK (export_archive_clicked_cb));
  self->import_button = add_button (self, buttons, _("_Import…"),
                                    _("Replace the database with an exported one"),
                                    G_CALLBACK (import_clicked_cb));
  self->spinner = gtk_spinner_new ();
  gtk_widget_set_visible (self->spinner, FALSE);
  gtk_box_append (GTK_BOX (buttons), self->spinner);
  self->cancel_button = add_button (self, buttons, _("_Cancel"), _("Stop the export or import"),
                                    G_CALLBACK (cancel_clicked_cb));
  gtk_widget_set_visible (self->cancel_button, FALSE);
  gtk_widget_set_parent (buttons, widget);

  self->status_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->status_label, 0);
  gtk_label_set_wrap (self->status_label, TRUE);
  gtk_label_set_selectable (self->status_label, TRUE);
  gtk_widget_set_parent (GTK_WIDGET (self->status_label), widget);
}

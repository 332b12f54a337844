/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyBackupsBox: the Backups section of Settings → Advanced. Exports the database (.sqlite) or
 * the archive without secrets (.tar.gz) to a file the user picks, and imports a database after
 * a confirmation, all through the management API (/api/db-backups), with a spinner and Cancel.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"

G_BEGIN_DECLS

typedef enum {
  SY_BACKUP_DATABASE,  /* GET /api/db-backups/export: the .sqlite file */
  SY_BACKUP_ARCHIVE,   /* GET /api/db-backups/exportAll: the .tar.gz, no secrets */
} SyBackupKind;

#define SY_TYPE_BACKUPS_BOX (sy_backups_box_get_type ())
G_DECLARE_FINAL_TYPE (SyBackupsBox, sy_backups_box, SY, BACKUPS_BOX, GtkWidget)

GtkWidget *sy_backups_box_new        (void);
void       sy_backups_box_set_client (SyBackupsBox  *self,
                                      SyAdminClient *client);
/* What the file choosers lead to (a native chooser cannot be driven under Xvfb, so tests call
 * these with a GFile): export writes the download to file; import asks for confirmation, then
 * uploads file. Both show progress and can be cancelled with the section's Cancel button. */
void       sy_backups_box_export     (SyBackupsBox  *self,
                                      SyBackupKind   kind,
                                      GFile         *file);
void       sy_backups_box_import     (SyBackupsBox  *self,
                                      GFile         *file);

G_END_DECLS

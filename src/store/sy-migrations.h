/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The numbered schema migrations. Append only: a released migration is never edited.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int         version;
  const char *sql;
} SyMigration;

const SyMigration *sy_migrations_get (guint *n_migrations);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy_name_fold: the key under which names that compare case-insensitively (combo names) are
 * indexed and looked up. Pure: no I/O, no global state.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The same string as g_utf8_casefold (name, -1), cheaper for the usual all-ASCII name. */
char *sy_name_fold (const char *name);

G_END_DECLS

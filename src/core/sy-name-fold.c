/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Case folding of names on the request path: an all-ASCII name is folded byte by byte, where
 * g_utf8_casefold's Unicode tables cost thousands of instructions a call; anything else goes
 * to g_utf8_casefold, so both paths give the same key.
 */
#define G_LOG_DOMAIN "sy-core"

#include "sy-name-fold.h"

static gboolean
is_ascii (const char *s)
{
  for (; *s != '\0'; s++)
    if ((guchar) *s >= 0x80)
      return FALSE;
  return TRUE;
}

char *
sy_name_fold (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  /* Unicode case folding maps A-Z to a-z and leaves every other ASCII byte alone. */
  if (is_ascii (name))
    return g_ascii_strdown (name, -1);
  return g_utf8_casefold (name, -1);
}

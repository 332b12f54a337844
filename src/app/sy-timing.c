/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SWITCHYARD_TIMING=1 start-up marks (see sy-timing.h). Nothing here may cost anything when the
 * variable is unset: one getenv at init, one boolean test per mark.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-timing.h"

static gint64   start_us;
static gboolean enabled;

void
sy_timing_init (void)
{
  start_us = g_get_monotonic_time ();
  enabled = g_strcmp0 (g_getenv ("SWITCHYARD_TIMING"), "1") == 0;
}

void
sy_timing_mark (const char *what)
{
  gint64 now;

  g_return_if_fail (what != NULL);

  if (!enabled)
    return;
  now = g_get_monotonic_time ();
  /* stderr, unbuffered: the bench reads it while the app runs. stdout stays for scripts. */
  g_printerr ("switchyard-timing: %s +%.1f ms monotonic=%" G_GINT64_FORMAT "\n", what,
              (now - start_us) / 1000.0, now);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers shared by the quota parsers (sy-quota-parse.c, sy-quota-headers.c): numbers, times and
 * window names as providers write them. Pure. Not for use outside src/providers.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* All of text (blanks around allowed) as a finite decimal number. */
gboolean _sy_quota_parse_number         (const char *text,
                                         double     *out);
/* An epoch in seconds, or in ms when that large, as ms; 0 for nothing usable. */
gint64   _sy_quota_epoch_to_ms          (double      value);
/* RFC 3339 (no zone: UTC) or a bare date (midnight UTC) as epoch ms; 0 when it does not parse. */
gint64   _sy_quota_iso_to_ms            (const char *text);
/* "5h", "weekly", else "<n>d", "<n>h", "<n>m"; fallback when seconds is not positive. */
char    *_sy_quota_window_name          (double      seconds,
                                         const char *fallback);
/* A count from a double, rounded down and kept within 0..9e15 (never an overflowing cast). */
gint64   _sy_quota_count                (double      value);
/* A percentage as a fraction, clamped to 0..1. */
double   _sy_quota_percent_to_fraction  (double      percent);

G_END_DECLS

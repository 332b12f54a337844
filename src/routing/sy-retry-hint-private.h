/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internals shared by sy-retry-hint.c and sy-failure-policy.c: how much of an error body is
 * read, and the case-folded copy both search. Not for use outside src/routing.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Error bodies are read up to this many bytes; the rest is ignored. */
#define SY_RETRY_HINT_MAX_BODY ((gsize) 64 * 1024)

/* A NUL-terminated copy of body[0 .. MIN (len, SY_RETRY_HINT_MAX_BODY)) with ASCII letters
 * lowered and NUL bytes turned into spaces, so that strstr() finds any phrase in it. Other
 * bytes (invalid UTF-8 included) are copied as they are. body may be NULL when len is 0. */
char *_sy_retry_hint_fold_body (const char *body,
                                gsize       len);

G_END_DECLS

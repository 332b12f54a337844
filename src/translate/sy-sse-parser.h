/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SySseParser: an incremental parser for text/event-stream (WHATWG HTML, "Server-sent events").
 * Bytes arrive in chunks split anywhere (inside a line, inside CRLF, inside a UTF-8 sequence);
 * complete events come out through a callback. Pure: no I/O, bounded memory.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SY_SSE_ERROR (sy_sse_error_quark ())

typedef enum {
  SY_SSE_ERROR_TOO_LARGE,
} SySseError;

/* One dispatched event. event is NULL when no "event:" field was given; data is the "data:"
 * lines joined with '\n' (no trailing newline), NUL-terminated, data_len bytes; id is the last
 * "id:" seen or NULL. All pointers are valid only during the callback. */
typedef struct {
  const char *event;
  const char *data;
  gsize       data_len;
  const char *id;
} SySseEvent;

typedef void (*SySseEventFunc) (const SySseEvent *event,
                                gpointer          user_data);

#define SY_TYPE_SSE_PARSER (sy_sse_parser_get_type ())
G_DECLARE_FINAL_TYPE (SySseParser, sy_sse_parser, SY, SSE_PARSER, GObject)

GQuark       sy_sse_error_quark     (void);

/* max_event_size bounds the bytes buffered for one event (0: 16 MiB). */
SySseParser *sy_sse_parser_new      (gsize           max_event_size,
                                     SySseEventFunc  func,
                                     gpointer        user_data);

/* Feeds bytes. Calls the callback once per complete event, in order. Comment lines (":...")
 * are skipped; events with no data lines are not dispatched (per spec). Fails with
 * SY_SSE_ERROR_TOO_LARGE when one event exceeds the bound; the parser is then unusable. */
gboolean     sy_sse_parser_push     (SySseParser    *self,
                                     const char     *chunk,
                                     gsize           len,
                                     GError        **error);

/* End of stream: a trailing event not terminated by a blank line is dispatched too (upstreams
 * that forget the last blank line are common; the spec would drop it, we are lenient). */
void         sy_sse_parser_finish   (SySseParser    *self);

/* Counts comment lines seen so far (keep-alives). */
guint64      sy_sse_parser_get_comment_count (SySseParser *self);

G_END_DECLS

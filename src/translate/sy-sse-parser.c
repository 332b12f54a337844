/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy-sse-parser.c: splits a text/event-stream into events as the WHATWG HTML standard says
 * ("Interpreting an event stream"). Owns only its line and event buffers, bounded by
 * max_event_size; no I/O, no main loop, no per-byte allocation.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-sse-parser.h"

#include <string.h>

#define DEFAULT_MAX_EVENT_SIZE (16 * 1024 * 1024)

/* After an event bigger than this, the buffer is given back instead of kept for reuse. */
#define KEEP_BUFFER_SIZE (64 * 1024)

#define BOM_LEN 3

static const char bom[] = "\xEF\xBB\xBF";  /* U+FEFF in UTF-8 */

struct _SySseParser
{
  GObject         parent_instance;

  SySseEventFunc  func;
  gpointer        user_data;
  gsize           max_event_size;

  GString        *line;            /* a line split across chunks, without its terminator */
  GString        *data;            /* the "data" values, each followed by '\n' */
  GString        *event;           /* the "event" value */
  GString        *id;              /* the last event ID, if has_id */
  guint64         comment_count;

  unsigned        bom_seen;        /* bytes of a leading BOM matched; BOM_LEN once decided */
  unsigned        skip_lf : 1;     /* the last chunk ended in CR: a leading LF is its partner */
  unsigned        in_comment : 1;  /* the line split across chunks is a comment: not kept */
  unsigned        has_id : 1;
  unsigned        failed : 1;
  unsigned        dispatching : 1;
};

G_DEFINE_FINAL_TYPE (SySseParser, sy_sse_parser, G_TYPE_OBJECT)

G_DEFINE_QUARK (sy-sse-error-quark, sy_sse_error)

static void
sy_sse_parser_finalize (GObject *object)
{
  SySseParser *self = SY_SSE_PARSER (object);

  g_string_free (self->line, TRUE);
  g_string_free (self->data, TRUE);
  g_string_free (self->event, TRUE);
  g_string_free (self->id, TRUE);

  G_OBJECT_CLASS (sy_sse_parser_parent_class)->finalize (object);
}

static void
sy_sse_parser_class_init (SySseParserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sy_sse_parser_finalize;
}

static void
sy_sse_parser_init (SySseParser *self)
{
  self->max_event_size = DEFAULT_MAX_EVENT_SIZE;
  self->line = g_string_sized_new (128);
  self->data = g_string_sized_new (1024);
  self->event = g_string_sized_new (32);
  self->id = g_string_sized_new (32);
}

/**
 * sy_sse_parser_new:
 * @max_event_size: the most bytes buffered for one event, or 0 for 16 MiB
 * @func: called once per event; it must not push to, finish or unref the parser
 * @user_data: for @func
 *
 * What counts against @max_event_size is the event's data and type so far plus the line
 * being read, so the bound and whether it is hit do not depend on how the stream is split
 * into chunks. Comment lines are never buffered and do not count.
 *
 * Returns: (transfer full): a parser at the start of a stream
 */
SySseParser *
sy_sse_parser_new (gsize          max_event_size,
                   SySseEventFunc func,
                   gpointer       user_data)
{
  SySseParser *self;

  g_return_val_if_fail (func != NULL, NULL);

  self = g_object_new (SY_TYPE_SSE_PARSER, NULL);
  if (max_event_size > 0)
    self->max_event_size = max_event_size;
  self->func = func;
  self->user_data = user_data;

  return self;
}

/* Empties a buffer, giving back its memory if one large event grew it. */
static void
reset_buffer (GString **buffer)
{
  if ((*buffer)->allocated_len > KEEP_BUFFER_SIZE)
    {
      g_string_free (*buffer, TRUE);
      *buffer = g_string_sized_new (1024);
    }
  else
    g_string_truncate (*buffer, 0);
}

static gboolean
check_size (SySseParser  *self,
            gsize         line_len,
            GError      **error)
{
  if (line_len + self->data->len + self->event->len <= self->max_event_size)
    return TRUE;

  g_set_error (error, SY_SSE_ERROR, SY_SSE_ERROR_TOO_LARGE,
               "server-sent event larger than %" G_GSIZE_FORMAT " bytes",
               self->max_event_size);
  return FALSE;
}

static void
dispatch (SySseParser *self)
{
  SySseEvent event;

  if (self->data->len == 0)
    {
      /* No data line: nothing is dispatched, but the event type is reset all the same. */
      g_string_truncate (self->event, 0);
      return;
    }

  /* Drop the last data line's '\n'. */
  g_string_truncate (self->data, self->data->len - 1);

  event.event = self->event->len > 0 ? self->event->str : NULL;
  event.data = self->data->str;
  event.data_len = self->data->len;
  event.id = self->has_id ? self->id->str : NULL;

  self->dispatching = TRUE;
  self->func (&event, self->user_data);
  self->dispatching = FALSE;

  reset_buffer (&self->data);
  g_string_truncate (self->event, 0);
}

/* One complete line, without its terminator. */
static gboolean
process_line (SySseParser  *self,
              const char   *line,
              gsize         len,
              GError      **error)
{
  const char *colon;
  const char *value;
  gsize name_len;
  gsize value_len;

  if (len == 0)
    {
      dispatch (self);
      return TRUE;
    }

  if (line[0] == ':')
    {
      self->comment_count++;
      return TRUE;
    }

  if (!check_size (self, len, error))
    return FALSE;

  colon = memchr (line, ':', len);
  if (colon != NULL)
    {
      name_len = colon - line;
      value = colon + 1;
      value_len = len - name_len - 1;
      if (value_len > 0 && value[0] == ' ')
        {
          value++;
          value_len--;
        }
    }
  else
    {
      name_len = len;
      value = "";
      value_len = 0;
    }

  if (name_len == 4 && memcmp (line, "data", 4) == 0)
    {
      g_string_append_len (self->data, value, value_len);
      g_string_append_c (self->data, '\n');
    }
  else if (name_len == 5 && memcmp (line, "event", 5) == 0)
    {
      g_string_truncate (self->event, 0);
      g_string_append_len (self->event, value, value_len);
    }
  else if (name_len == 2 && memcmp (line, "id", 2) == 0)
    {
      if (memchr (value, '\0', value_len) == NULL)
        {
          g_string_truncate (self->id, 0);
          g_string_append_len (self->id, value, value_len);
          self->has_id = TRUE;
        }
    }
  /* "retry" and unknown fields are ignored. */

  return TRUE;
}

/* Part of a line whose end is in a later chunk. */
static gboolean
buffer_partial_line (SySseParser  *self,
                     const char   *p,
                     gsize         len,
                     GError      **error)
{
  if (self->in_comment)
    return TRUE;

  if (self->line->len == 0 && p[0] == ':')
    {
      self->in_comment = TRUE;
      return TRUE;
    }

  if (!check_size (self, self->line->len + len, error))
    return FALSE;

  g_string_append_len (self->line, p, len);

  return TRUE;
}

/* The end of a line: [p, p + len) completes what is buffered, if anything. */
static gboolean
complete_line (SySseParser  *self,
               const char   *p,
               gsize         len,
               GError      **error)
{
  gboolean ok;

  if (self->in_comment)
    {
      self->in_comment = FALSE;
      self->comment_count++;
      return TRUE;
    }

  if (self->line->len == 0)
    return process_line (self, p, len, error);

  if (!check_size (self, self->line->len + len, error))
    return FALSE;

  g_string_append_len (self->line, p, len);
  ok = process_line (self, self->line->str, self->line->len, error);
  reset_buffer (&self->line);

  return ok;
}

/* Splits [p, end) into lines. The next CR and LF are each searched once with memchr and
 * remembered, so a chunk is scanned in linear time whichever line ending it uses. */
static gboolean
feed (SySseParser  *self,
      const char   *p,
      const char   *end,
      GError      **error)
{
  const char *next_lf = NULL;
  const char *next_cr = NULL;

  if (self->skip_lf && p < end)
    {
      self->skip_lf = FALSE;
      if (*p == '\n')
        p++;
    }

  while (p < end)
    {
      const char *eol;

      if (next_lf == NULL || next_lf < p)
        {
          next_lf = memchr (p, '\n', end - p);
          if (next_lf == NULL)
            next_lf = end;
        }
      if (next_cr == NULL || next_cr < p)
        {
          next_cr = memchr (p, '\r', end - p);
          if (next_cr == NULL)
            next_cr = end;
        }

      eol = MIN (next_lf, next_cr);
      if (eol == end)
        return buffer_partial_line (self, p, end - p, error);

      if (!complete_line (self, p, eol - p, error))
        return FALSE;

      p = eol + 1;
      if (*eol == '\r')
        {
          if (p == end)
            self->skip_lf = TRUE;
          else if (*p == '\n')
            p++;
        }
    }

  return TRUE;
}

/* Skips one leading U+FEFF, which may itself arrive split across chunks. Returns where the
 * stream proper starts in [p, end). */
static const char *
skip_bom (SySseParser  *self,
          const char   *p,
          const char   *end,
          GError      **error)
{
  while (self->bom_seen < BOM_LEN && p < end)
    {
      unsigned matched = self->bom_seen;

      if (*p == bom[matched])
        {
          self->bom_seen++;
          p++;
          continue;
        }

      /* Not a BOM after all: the bytes taken so far belong to the first line. */
      self->bom_seen = BOM_LEN;
      if (matched > 0 && !feed (self, bom, bom + matched, error))
        return NULL;
    }

  return p;
}

static void
fail (SySseParser *self)
{
  self->failed = TRUE;
  self->in_comment = FALSE;
  reset_buffer (&self->line);
  reset_buffer (&self->data);
  g_string_truncate (self->event, 0);
}

/**
 * sy_sse_parser_push:
 * @self: a #SySseParser
 * @chunk: (array length=len): the next bytes of the stream
 * @len: how many
 * @error: a #GError with domain %SY_SSE_ERROR
 *
 * Bytes are passed through as they are: invalid UTF-8 is not replaced, so a consumer that
 * needs text validates it (sy_json_check_object() does for JSON payloads).
 *
 * Returns: %FALSE if an event exceeded the bound, now or before
 */
gboolean
sy_sse_parser_push (SySseParser  *self,
                    const char   *chunk,
                    gsize         len,
                    GError      **error)
{
  const char *p = chunk;
  const char *end;

  g_return_val_if_fail (SY_IS_SSE_PARSER (self), FALSE);
  g_return_val_if_fail (chunk != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (!self->dispatching, FALSE);

  if (self->failed)
    {
      g_set_error (error, SY_SSE_ERROR, SY_SSE_ERROR_TOO_LARGE,
                   "server-sent event larger than %" G_GSIZE_FORMAT " bytes",
                   self->max_event_size);
      return FALSE;
    }

  if (len == 0)
    return TRUE;

  end = chunk + len;
  if (self->bom_seen < BOM_LEN)
    p = skip_bom (self, p, end, error);

  if (p == NULL || !feed (self, p, end, error))
    {
      fail (self);
      return FALSE;
    }

  return TRUE;
}

/**
 * sy_sse_parser_finish:
 * @self: a #SySseParser
 *
 * Ends the stream: an unterminated last line is read as if it ended, and a pending event is
 * dispatched. The parser is then back at the start of a new stream (a BOM is skipped again,
 * the last event ID is forgotten); the comment count carries on. After a failure, nothing is
 * dispatched and the parser stays failed.
 */
void
sy_sse_parser_finish (SySseParser *self)
{
  g_return_if_fail (SY_IS_SSE_PARSER (self));
  g_return_if_fail (!self->dispatching);

  if (self->failed)
    return;

  /* A stream of only the start of a BOM would be one line with an unknown field name: it
   * changes nothing, so those bytes are simply dropped. The buffered line was checked
   * against the bound as it grew, so completing it cannot fail. */
  if (self->line->len > 0 || self->in_comment)
    complete_line (self, "", 0, NULL);
  dispatch (self);

  self->bom_seen = 0;
  self->skip_lf = FALSE;
  self->has_id = FALSE;
  g_string_truncate (self->id, 0);
}

guint64
sy_sse_parser_get_comment_count (SySseParser *self)
{
  g_return_val_if_fail (SY_IS_SSE_PARSER (self), 0);

  return self->comment_count;
}

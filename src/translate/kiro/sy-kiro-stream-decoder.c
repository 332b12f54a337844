/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Kiro stream decoder: one state machine per stream over the decoded event-stream
 * messages. Text before any answer may open a <thinking> block (its tags can be split across
 * events, so a possible tag prefix is held back, never more); tool calls arrive as toolUseEvent
 * fragments of one call at a time. Usage is passed on only where an event carries token
 * counts (meteringEvent's credits are not tokens). Pure: no I/O.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-kiro-stream-decoder.h"

#include <string.h>

#include "sy-kiro-private.h"

#define OPEN_TAG "<thinking>"
#define CLOSE_TAG "</thinking>"

typedef enum {
  MODE_LEAD,      /* nothing shown yet: a <thinking> block may open */
  MODE_THINKING,  /* inside <thinking> */
  MODE_TEXT,      /* the answer: text is text */
} TextMode;

struct _SyKiroStreamDecoder
{
  SyStreamDecoder  parent_instance;

  JsonParser      *parser;
  TextMode         mode;
  GString         *pending;      /* text held back: leading space, a possible tag prefix */
  gboolean         skip_space;   /* after </thinking>: the space before the answer */
  guint            n_parts;
  gboolean         part_open;
  guint            open_index;
  SyPartKind       open_kind;
  char            *tool_id;      /* the open tool call's id */
  GString         *tool_args;    /* its arguments so far */
  GHashTable      *closed_tools; /* ids of finished tool calls (Kiro may repeat events) */
  gboolean         any_tool;
  SyUsage          usage;
  gboolean         started;
  gboolean         over;
};

G_DEFINE_FINAL_TYPE (SyKiroStreamDecoder, sy_kiro_stream_decoder, SY_TYPE_STREAM_DECODER)

/* --- helpers ---------------------------------------------------------------------------------- */

typedef struct
{
  SyStreamEventFunc func;
  gpointer          user_data;
} Sink;

static void
event_init (SyStreamEvent *ev,
            SyEventKind    kind)
{
  memset (ev, 0, sizeof *ev);
  sy_usage_init (&ev->usage);
  ev->kind = kind;
}

static gboolean
fail (GError     **error,
      const char  *format,
      ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError     **error,
      const char  *format,
      ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_INVALID_RESPONSE,
               "upstream Kiro stream: %s", text);
  return FALSE;
}

static void
ensure_started (SyKiroStreamDecoder *self,
                const Sink          *sink)
{
  SyStreamEvent ev;

  if (self->started)
    return;
  self->started = TRUE;
  event_init (&ev, SY_EVENT_START);
  sink->func (&ev, sink->user_data);
}

static void
close_part (SyKiroStreamDecoder *self,
            const Sink          *sink)
{
  SyStreamEvent ev;

  if (!self->part_open)
    return;
  if (self->open_kind == SY_PART_TOOL_CALL)
    {
      /* A call whose input never came in fragments: its input is {}. */
      if (self->tool_args->len == 0)
        {
          event_init (&ev, SY_EVENT_DELTA);
          ev.index = self->open_index;
          ev.part_kind = SY_PART_TOOL_CALL;
          ev.text = "{}";
          ev.text_len = 2;
          sink->func (&ev, sink->user_data);
        }
      g_hash_table_add (self->closed_tools, g_steal_pointer (&self->tool_id));
      g_string_truncate (self->tool_args, 0);
    }
  event_init (&ev, SY_EVENT_PART_STOP);
  ev.index = self->open_index;
  ev.part_kind = self->open_kind;
  sink->func (&ev, sink->user_data);
  self->part_open = FALSE;
}

static void
open_part (SyKiroStreamDecoder *self,
           SyPartKind           kind,
           const char          *id,
           const char          *name,
           const Sink          *sink)
{
  SyStreamEvent ev;

  ensure_started (self, sink);
  close_part (self, sink);
  self->part_open = TRUE;
  self->open_index = self->n_parts++;
  self->open_kind = kind;
  event_init (&ev, SY_EVENT_PART_START);
  ev.index = self->open_index;
  ev.part_kind = kind;
  ev.id = id;
  ev.name = name;
  sink->func (&ev, sink->user_data);
}

/* A TEXT or THINKING delta, in a part of that kind (opened when the open one is another). */
static void
emit_delta (SyKiroStreamDecoder *self,
            SyPartKind           kind,
            const char          *text,
            gsize                len,
            const Sink          *sink)
{
  g_autofree char *copy = NULL;
  SyStreamEvent ev;

  if (len == 0)
    return;
  /* Event text is NUL-terminated at text_len: a piece of a longer string is copied. */
  if (text[len] != '\0')
    text = copy = g_strndup (text, len);
  if (!self->part_open || self->open_kind != kind)
    open_part (self, kind, NULL, NULL, sink);
  event_init (&ev, SY_EVENT_DELTA);
  ev.index = self->open_index;
  ev.part_kind = kind;
  ev.text = text;
  ev.text_len = len;
  sink->func (&ev, sink->user_data);
}

/* How many bytes at the end of s could be the start of tag (a tag split across events). */
static gsize
tag_prefix_at_end (const char *s,
                   gsize       len,
                   const char *tag)
{
  gsize tag_len = strlen (tag);

  for (gsize n = MIN (len, tag_len - 1); n > 0; n--)
    if (memcmp (s + len - n, tag, n) == 0)
      return n;
  return 0;
}

static void
feed_text (SyKiroStreamDecoder *self,
           const char          *text,
           gsize                len,
           const Sink          *sink)
{
  const char *s;
  gsize skip, rest;

  switch (self->mode)
    {
    case MODE_LEAD:
      g_string_append_len (self->pending, text, (gssize) len);
      for (skip = 0; skip < self->pending->len && g_ascii_isspace (self->pending->str[skip]);
           skip++)
        ;
      s = self->pending->str + skip;
      rest = self->pending->len - skip;
      if (rest >= strlen (OPEN_TAG) && memcmp (s, OPEN_TAG, strlen (OPEN_TAG)) == 0)
        {
          g_autofree char *after = g_strndup (s + strlen (OPEN_TAG), rest - strlen (OPEN_TAG));

          g_string_truncate (self->pending, 0);
          self->mode = MODE_THINKING;
          feed_text (self, after, strlen (after), sink);
        }
      else if (rest < strlen (OPEN_TAG) && memcmp (s, OPEN_TAG, rest) == 0)
        ;  /* could still become the tag: wait for more */
      else
        {
          self->mode = MODE_TEXT;
          emit_delta (self, SY_PART_TEXT, self->pending->str, self->pending->len, sink);
          g_string_truncate (self->pending, 0);
        }
      break;

    case MODE_THINKING:
      {
        const char *end;

        g_string_append_len (self->pending, text, (gssize) len);
        end = g_strstr_len (self->pending->str, (gssize) self->pending->len, CLOSE_TAG);
        if (end != NULL)
          {
            gsize at = (gsize) (end - self->pending->str);
            g_autofree char *after = g_strdup (end + strlen (CLOSE_TAG));

            emit_delta (self, SY_PART_THINKING, self->pending->str, at, sink);
            g_string_truncate (self->pending, 0);
            self->mode = MODE_TEXT;
            self->skip_space = TRUE;
            feed_text (self, after, strlen (after), sink);
          }
        else
          {
            gsize keep = tag_prefix_at_end (self->pending->str, self->pending->len, CLOSE_TAG);

            emit_delta (self, SY_PART_THINKING, self->pending->str, self->pending->len - keep,
                        sink);
            g_string_erase (self->pending, 0, (gssize) (self->pending->len - keep));
          }
      }
      break;

    case MODE_TEXT:
    default:
      if (self->skip_space)
        {
          while (len > 0 && g_ascii_isspace (*text))
            text++, len--;
          if (len == 0)
            return;
          self->skip_space = FALSE;
        }
      emit_delta (self, SY_PART_TEXT, text, len, sink);
      break;
    }
}

/* Passes on text held back (the stream moves on to a tool call, or ends). */
static void
flush_text (SyKiroStreamDecoder *self,
            const Sink          *sink)
{
  if (self->pending->len > 0)
    emit_delta (self, self->mode == MODE_THINKING ? SY_PART_THINKING : SY_PART_TEXT,
                self->pending->str, self->pending->len, sink);
  g_string_truncate (self->pending, 0);
  self->mode = MODE_TEXT;
}

static void
end_stream (SyKiroStreamDecoder *self,
            const Sink          *sink)
{
  SyStreamEvent ev;

  ensure_started (self, sink);
  flush_text (self, sink);
  close_part (self, sink);
  event_init (&ev, SY_EVENT_FINISH);
  ev.stop_reason = self->any_tool ? SY_STOP_TOOL_USE : SY_STOP_END_TURN;
  ev.usage = self->usage;
  sink->func (&ev, sink->user_data);
  event_init (&ev, SY_EVENT_DONE);
  sink->func (&ev, sink->user_data);
  self->over = TRUE;
}

/* --- events ----------------------------------------------------------------------------------- */

static gboolean
tool_use_event (SyKiroStreamDecoder  *self,
                JsonObject           *data,
                const Sink           *sink,
                GError              **error)
{
  const char *id = NULL, *name = NULL;
  JsonNode *input;
  int stop = SY_UNSET;
  g_autofree char *input_text = NULL;
  const char *fragment = NULL;
  SyStreamEvent ev;

  if (!sy_json_read_string (data, "toolUseEvent", "toolUseId", SY_TRANSLATE_ERROR_INVALID_RESPONSE,
                            &id, error) ||
      !sy_json_read_string (data, "toolUseEvent", "name", SY_TRANSLATE_ERROR_INVALID_RESPONSE,
                            &name, error) ||
      !sy_json_read_bool (data, "toolUseEvent", "stop", SY_TRANSLATE_ERROR_INVALID_RESPONSE,
                          &stop, error))
    return FALSE;
  if (id == NULL)
    id = self->tool_id;
  if (id == NULL)
    return fail (error, "a toolUseEvent without a toolUseId");
  if (g_hash_table_contains (self->closed_tools, id))
    return TRUE;  /* a repeat of a finished call */

  if (!self->part_open || self->open_kind != SY_PART_TOOL_CALL ||
      g_strcmp0 (self->tool_id, id) != 0)
    {
      g_autofree char *call_id = g_strdup (id);

      if (name == NULL || *name == '\0')
        return fail (error, "tool call %s starts without a name", id);
      flush_text (self, sink);
      open_part (self, SY_PART_TOOL_CALL, call_id, name, sink);
      self->tool_id = g_steal_pointer (&call_id);
      self->any_tool = TRUE;
    }

  input = sy_json_read_member (data, "input");
  if (input != NULL && JSON_NODE_HOLDS_VALUE (input) &&
      json_node_get_value_type (input) == G_TYPE_STRING)
    fragment = json_node_get_string (input);
  else if (input != NULL && JSON_NODE_HOLDS_OBJECT (input))
    fragment = input_text = json_to_string (input, FALSE);
  else if (input != NULL)
    return fail (error, "toolUseEvent.input: expected a string or an object");
  if (fragment != NULL && *fragment != '\0')
    {
      g_string_append (self->tool_args, fragment);
      event_init (&ev, SY_EVENT_DELTA);
      ev.index = self->open_index;
      ev.part_kind = SY_PART_TOOL_CALL;
      ev.text = fragment;
      ev.text_len = strlen (fragment);
      sink->func (&ev, sink->user_data);
    }
  if (stop == TRUE)
    close_part (self, sink);
  return TRUE;
}

static void
reasoning_event (SyKiroStreamDecoder *self,
                 JsonObject          *data,
                 const Sink          *sink)
{
  const char *text = NULL, *signature = NULL;
  SyStreamEvent ev;

  sy_json_read_string (data, NULL, "text", 0, &text, NULL);
  sy_json_read_string (data, NULL, "signature", 0, &signature, NULL);
  flush_text (self, sink);
  if (text != NULL)
    emit_delta (self, SY_PART_THINKING, text, strlen (text), sink);
  if (signature != NULL && *signature != '\0')
    {
      if (!self->part_open || self->open_kind != SY_PART_THINKING)
        open_part (self, SY_PART_THINKING, NULL, NULL, sink);
      event_init (&ev, SY_EVENT_SIGNATURE);
      ev.index = self->open_index;
      ev.part_kind = SY_PART_THINKING;
      ev.text = signature;
      ev.text_len = strlen (signature);
      sink->func (&ev, sink->user_data);
    }
}

/* Token counts, where an event has them: at its top level, or in a tokenUsage or usage
 * object. Anything else (meteringEvent's credits, contextUsageEvent's percentage) is not a
 * token count and is not turned into one. */
static gboolean
read_tokens (JsonObject *obj,
             SyUsage    *usage)
{
  gint64 input = SY_UNSET, output = SY_UNSET, uncached = SY_UNSET;
  gint64 cache_read = SY_UNSET, cache_write = SY_UNSET;

  sy_json_read_int (obj, NULL, "inputTokens", 0, &input, NULL);
  sy_json_read_int (obj, NULL, "outputTokens", 0, &output, NULL);
  sy_json_read_int (obj, NULL, "uncachedInputTokens", 0, &uncached, NULL);
  sy_json_read_int (obj, NULL, "cacheReadInputTokens", 0, &cache_read, NULL);
  sy_json_read_int (obj, NULL, "cacheWriteInputTokens", 0, &cache_write, NULL);
  if (input < 0 && uncached >= 0)
    input = uncached + MAX (cache_read, 0) + MAX (cache_write, 0);
  if (input >= 0)
    usage->input = input;
  if (output >= 0)
    usage->output = output;
  if (cache_read >= 0)
    usage->cache_read = cache_read;
  if (cache_write >= 0)
    usage->cache_creation = cache_write;
  return input >= 0 || output >= 0 || cache_read >= 0 || cache_write >= 0;
}

static void
usage_event (SyKiroStreamDecoder *self,
             JsonObject          *data,
             const Sink          *sink)
{
  static const char * const nested[] = { "tokenUsage", "usage" };
  gboolean found = read_tokens (data, &self->usage);
  SyStreamEvent ev;

  for (guint i = 0; i < G_N_ELEMENTS (nested); i++)
    {
      JsonNode *node = sy_json_read_member (data, nested[i]);

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        found |= read_tokens (json_node_get_object (node), &self->usage);
    }
  if (!found)
    return;
  ensure_started (self, sink);
  event_init (&ev, SY_EVENT_USAGE);
  ev.usage = self->usage;
  sink->func (&ev, sink->user_data);
}

static void
exception_event (SyKiroStreamDecoder *self,
                 const SySseEvent    *event,
                 const Sink          *sink)
{
  g_autoptr(GError) local = NULL;
  const char *type = event->id, *message = NULL;
  g_autofree char *text = NULL;
  JsonNode *root = NULL;
  SyStreamEvent ev;

  if (event->data_len > 0)
    root = sy_json_read_load (self->parser, event->data, event->data_len, SY_KIRO_MAX_DEPTH,
                              &local);
  if (root != NULL)
    {
      JsonObject *obj = json_node_get_object (root);

      sy_json_read_string (obj, NULL, "message", 0, &message, NULL);
      if (message == NULL)
        sy_json_read_string (obj, NULL, "Message", 0, &message, NULL);
      if (type == NULL)
        sy_json_read_string (obj, NULL, "__type", 0, &type, NULL);
    }
  else if (event->data_len > 0 && g_utf8_validate (event->data, (gssize) event->data_len, NULL))
    message = event->data;
  if (type == NULL)
    type = g_str_equal (event->event, "error") ? "InternalServerException" : "UnknownException";

  text = g_strdup_printf ("%s: %s", _sy_kiro_exception_name (type),
                          message ? message : "the upstream reported an error");
  event_init (&ev, SY_EVENT_ERROR);
  ev.status = _sy_kiro_status_for_exception (type);
  ev.error_type = _sy_kiro_type_for_exception (type);
  ev.text = text;
  ev.text_len = strlen (text);
  sink->func (&ev, sink->user_data);
  self->over = TRUE;
}

static gboolean
sy_kiro_stream_decoder_push (SyStreamDecoder    *decoder,
                             const SySseEvent   *event,
                             SyStreamEventFunc   func,
                             gpointer            user_data,
                             GError            **error)
{
  SyKiroStreamDecoder *self = SY_KIRO_STREAM_DECODER (decoder);
  Sink sink = { func, user_data };
  g_autoptr(GError) local = NULL;
  const char *type = event->event;
  JsonObject *data;
  JsonNode *root;

  if (self->over)
    return TRUE;
  if (type != NULL && (g_str_equal (type, "exception") || g_str_equal (type, "error")))
    {
      exception_event (self, event, &sink);
      return TRUE;
    }
  if (type == NULL)
    return fail (error, "an event message without an :event-type");
  if (!g_str_equal (type, "assistantResponseEvent") && !g_str_equal (type, "toolUseEvent") &&
      !g_str_equal (type, "reasoningContentEvent") && !g_str_equal (type, "meteringEvent") &&
      !g_str_equal (type, "contextUsageEvent") && !g_str_equal (type, "metadataEvent") &&
      !g_str_equal (type, "messageStopEvent"))
    return TRUE;  /* followupPromptEvent, codeReferenceEvent, ...: nothing the IR carries */

  if (event->data_len == 0)
    root = sy_json_read_load (self->parser, "{}", 2, SY_KIRO_MAX_DEPTH, &local);
  else
    root = sy_json_read_load (self->parser, event->data, event->data_len, SY_KIRO_MAX_DEPTH,
                              &local);
  if (root == NULL)
    return fail (error, "%s is not a JSON object: %s", type, local->message);
  data = json_node_get_object (root);

  if (g_str_equal (type, "assistantResponseEvent"))
    {
      const char *content = NULL;

      if (!sy_json_read_string (data, type, "content", SY_TRANSLATE_ERROR_INVALID_RESPONSE,
                                &content, error))
        return FALSE;
      ensure_started (self, &sink);
      if (content != NULL)
        feed_text (self, content, strlen (content), &sink);
    }
  else if (g_str_equal (type, "toolUseEvent"))
    return tool_use_event (self, data, &sink, error);
  else if (g_str_equal (type, "reasoningContentEvent"))
    reasoning_event (self, data, &sink);
  else if (g_str_equal (type, "messageStopEvent"))
    end_stream (self, &sink);
  else
    usage_event (self, data, &sink);
  return TRUE;
}

static void
sy_kiro_stream_decoder_finish (SyStreamDecoder   *decoder,
                               SyStreamEventFunc  func,
                               gpointer           user_data)
{
  SyKiroStreamDecoder *self = SY_KIRO_STREAM_DECODER (decoder);
  Sink sink = { func, user_data };
  SyStreamEvent ev;
  const char *problem = NULL;

  if (self->over)
    return;
  /* Kiro often ends without messageStopEvent: the end of the bytes is the end of the answer,
   * unless nothing came or a tool call's input was cut off. */
  if (!self->started)
    problem = "the upstream stream ended before any event";
  else if (self->part_open && self->open_kind == SY_PART_TOOL_CALL && self->tool_args->len > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (!json_parser_load_from_data (parser, self->tool_args->str,
                                       (gssize) self->tool_args->len, NULL))
        problem = "the upstream stream ended inside a tool call's input";
    }
  if (problem == NULL)
    {
      end_stream (self, &sink);
      return;
    }
  event_init (&ev, SY_EVENT_ERROR);
  ev.status = 502;
  ev.error_type = "api_error";
  ev.text = problem;
  ev.text_len = strlen (problem);
  func (&ev, user_data);
  self->over = TRUE;
}

/* --- object ----------------------------------------------------------------------------------- */

static void
sy_kiro_stream_decoder_finalize (GObject *object)
{
  SyKiroStreamDecoder *self = SY_KIRO_STREAM_DECODER (object);

  g_object_unref (self->parser);
  g_string_free (self->pending, TRUE);
  g_string_free (self->tool_args, TRUE);
  g_free (self->tool_id);
  g_hash_table_unref (self->closed_tools);
  G_OBJECT_CLASS (sy_kiro_stream_decoder_parent_class)->finalize (object);
}

static void
sy_kiro_stream_decoder_class_init (SyKiroStreamDecoderClass *klass)
{
  SyStreamDecoderClass *decoder_class = SY_STREAM_DECODER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = sy_kiro_stream_decoder_finalize;
  decoder_class->push = sy_kiro_stream_decoder_push;
  decoder_class->finish = sy_kiro_stream_decoder_finish;
}

static void
sy_kiro_stream_decoder_init (SyKiroStreamDecoder *self)
{
  self->parser = json_parser_new ();
  self->pending = g_string_new (NULL);
  self->tool_args = g_string_new (NULL);
  self->closed_tools = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sy_usage_init (&self->usage);
}

SyStreamDecoder *
sy_kiro_stream_decoder_new (void)
{
  return g_object_new (SY_TYPE_KIRO_STREAM_DECODER, NULL);
}

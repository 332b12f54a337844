/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Anthropic stream decoder: one state machine per stream that checks the event grammar
 * (one message_start, deltas only inside an open block of their kind) and turns each event
 * into IR stream events as it arrives; nothing is buffered. A stream that ends without
 * message_stop ends in an error event, never a silent clean end. Pure: no I/O.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-anthropic-stream-decoder.h"

#include <string.h>

#include "sy-anthropic-private.h"

typedef struct
{
  gint64     anthropic_index;
  guint      index;          /* the IR part index */
  SyPartKind kind;
  gboolean   open;
  gboolean   has_arguments;  /* TOOL_CALL: a non-empty fragment was passed on */
} Block;

struct _SyAnthropicStreamDecoder
{
  SyStreamDecoder   parent_instance;

  JsonParser       *parser;
  GArray           *blocks;  /* Block, in order of appearance */
  SyAnthropicUsage  usage;
  SyStopReason      stop_reason;
  char             *stop_sequence;
  gboolean          started;
  gboolean          over;    /* message_stop or an error event was passed on */
};

G_DEFINE_FINAL_TYPE (SyAnthropicStreamDecoder, sy_anthropic_stream_decoder,
                     SY_TYPE_STREAM_DECODER)

/* --- helpers ---------------------------------------------------------------------------------- */

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
               "upstream Anthropic stream: %s", text);
  return FALSE;
}

/* Re-labels a reader's error as the upstream's fault. */
static gboolean
upstream_fault (GError **error)
{
  if (error != NULL && *error != NULL && (*error)->code == SY_TRANSLATE_ERROR_INVALID_REQUEST)
    {
      g_autofree char *message = g_steal_pointer (&(*error)->message);

      (*error)->code = SY_TRANSLATE_ERROR_INVALID_RESPONSE;
      (*error)->message = g_strconcat ("upstream Anthropic stream: ", message, NULL);
    }
  return FALSE;
}

static void
emit_text (SyStreamEventFunc  func,
           gpointer           user_data,
           SyEventKind        kind,
           const Block       *block,
           const char        *text)
{
  SyStreamEvent ev;

  if (text == NULL || *text == '\0')
    return;
  event_init (&ev, kind);
  ev.index = block->index;
  ev.part_kind = block->kind;
  ev.text = text;
  ev.text_len = strlen (text);
  func (&ev, user_data);
}

static Block *
find_block (SyAnthropicStreamDecoder *self,
            gint64                    anthropic_index)
{
  /* Blocks arrive one after another; the one wanted is nearly always the last. */
  for (guint i = self->blocks->len; i > 0; i--)
    {
      Block *b = &g_array_index (self->blocks, Block, i - 1);

      if (b->anthropic_index == anthropic_index)
        return b;
    }
  return NULL;
}

static gboolean
read_index (JsonObject  *data,
            const char  *type,
            gint64      *index,
            GError     **error)
{
  *index = -1;
  if (!_sy_anthropic_get_int (data, type, "index", index, error))
    return upstream_fault (error);
  if (*index < 0)
    return fail (error, "%s without a valid index", type);
  return TRUE;
}

static void
close_block (Block             *block,
             SyStreamEventFunc  func,
             gpointer           user_data)
{
  SyStreamEvent ev;

  /* A tool_use block whose input never came in fragments: its input is {}. */
  if (block->kind == SY_PART_TOOL_CALL && !block->has_arguments)
    emit_text (func, user_data, SY_EVENT_DELTA, block, "{}");
  event_init (&ev, SY_EVENT_PART_STOP);
  ev.index = block->index;
  ev.part_kind = block->kind;
  func (&ev, user_data);
  block->open = FALSE;
}

/* --- events ----------------------------------------------------------------------------------- */

static gboolean
message_start (SyAnthropicStreamDecoder  *self,
               JsonObject                *data,
               SyStreamEventFunc          func,
               gpointer                   user_data,
               GError                   **error)
{
  JsonObject *message, *usage;
  const char *id, *model;
  SyStreamEvent ev;

  if (self->started)
    return fail (error, "a second message_start");
  if (!_sy_anthropic_get_object (data, "message_start", "message", TRUE, &message, error) ||
      !_sy_anthropic_get_string (message, "message_start.message", "id", FALSE, &id, error) ||
      !_sy_anthropic_get_string (message, "message_start.message", "model", FALSE, &model,
                                 error) ||
      !_sy_anthropic_get_object (message, "message_start.message", "usage", FALSE, &usage,
                                 error))
    return upstream_fault (error);
  self->started = TRUE;

  event_init (&ev, SY_EVENT_START);
  ev.id = id;
  ev.model = model;
  func (&ev, user_data);

  if (usage != NULL)
    {
      _sy_anthropic_usage_read (usage, &self->usage);
      event_init (&ev, SY_EVENT_USAGE);
      _sy_anthropic_usage_to_ir (&self->usage, &ev.usage);
      func (&ev, user_data);
    }
  return TRUE;
}

static gboolean
content_block_start (SyAnthropicStreamDecoder  *self,
                     JsonObject                *data,
                     SyStreamEventFunc          func,
                     gpointer                   user_data,
                     GError                   **error)
{
  const char *path = "content_block_start.content_block";
  JsonObject *content;
  const char *type, *id = NULL, *name = NULL, *text = NULL, *signature = NULL;
  g_autofree char *input_text = NULL;
  SyStreamEvent ev;
  Block block = { 0 };
  Block *b;

  if (!read_index (data, "content_block_start", &block.anthropic_index, error))
    return FALSE;
  if (find_block (self, block.anthropic_index) != NULL)
    return fail (error, "content block %" G_GINT64_FORMAT " started twice",
                 block.anthropic_index);
  if (!_sy_anthropic_get_object (data, "content_block_start", "content_block", TRUE, &content,
                                 error) ||
      !_sy_anthropic_get_string (content, path, "type", TRUE, &type, error))
    return upstream_fault (error);

  if (g_str_equal (type, "text"))
    {
      block.kind = SY_PART_TEXT;
      if (!_sy_anthropic_get_string (content, path, "text", FALSE, &text, error))
        return upstream_fault (error);
    }
  else if (g_str_equal (type, "tool_use"))
    {
      JsonNode *input = json_object_get_member (content, "input");

      block.kind = SY_PART_TOOL_CALL;
      if (!_sy_anthropic_get_string (content, path, "id", TRUE, &id, error) ||
          !_sy_anthropic_get_string (content, path, "name", TRUE, &name, error))
        return upstream_fault (error);
      /* Normally {} with the input following as fragments; a whole input is passed on. */
      if (input != NULL && JSON_NODE_HOLDS_OBJECT (input) &&
          json_object_get_size (json_node_get_object (input)) > 0)
        input_text = json_to_string (input, FALSE);
    }
  else if (g_str_equal (type, "thinking"))
    {
      block.kind = SY_PART_THINKING;
      if (!_sy_anthropic_get_string (content, path, "thinking", FALSE, &text, error) ||
          !_sy_anthropic_get_string (content, path, "signature", FALSE, &signature, error))
        return upstream_fault (error);
    }
  else if (g_str_equal (type, "redacted_thinking"))
    {
      block.kind = SY_PART_REDACTED_THINKING;
      if (!_sy_anthropic_get_string (content, path, "data", TRUE, &text, error))
        return upstream_fault (error);
    }
  else
    {
      g_set_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_UNSUPPORTED,
                   "upstream Anthropic stream: \"%s\" content blocks cannot be translated",
                   type);
      return FALSE;
    }

  block.index = self->blocks->len;
  block.open = TRUE;
  g_array_append_val (self->blocks, block);
  b = &g_array_index (self->blocks, Block, self->blocks->len - 1);

  event_init (&ev, SY_EVENT_PART_START);
  ev.index = b->index;
  ev.part_kind = b->kind;
  ev.id = id;
  ev.name = name;
  func (&ev, user_data);

  emit_text (func, user_data, SY_EVENT_DELTA, b, input_text ? input_text : text);
  emit_text (func, user_data, SY_EVENT_SIGNATURE, b, signature);
  if (input_text != NULL)
    b->has_arguments = TRUE;
  return TRUE;
}

static gboolean
content_block_delta (SyAnthropicStreamDecoder  *self,
                     JsonObject                *data,
                     SyStreamEventFunc          func,
                     gpointer                   user_data,
                     GError                   **error)
{
  const char *path = "content_block_delta.delta";
  static const struct { const char *type; const char *field; SyPartKind kind;
                        SyEventKind event; } deltas[] = {
    { "text_delta", "text", SY_PART_TEXT, SY_EVENT_DELTA },
    { "input_json_delta", "partial_json", SY_PART_TOOL_CALL, SY_EVENT_DELTA },
    { "thinking_delta", "thinking", SY_PART_THINKING, SY_EVENT_DELTA },
    { "signature_delta", "signature", SY_PART_THINKING, SY_EVENT_SIGNATURE },
  };
  JsonObject *delta;
  const char *type, *text;
  gint64 index;
  Block *b;
  guint i;

  if (!read_index (data, "content_block_delta", &index, error))
    return FALSE;
  if ((b = find_block (self, index)) == NULL || !b->open)
    return fail (error, "a delta for content block %" G_GINT64_FORMAT ", which is not open",
                 index);
  if (!_sy_anthropic_get_object (data, "content_block_delta", "delta", TRUE, &delta, error) ||
      !_sy_anthropic_get_string (delta, path, "type", TRUE, &type, error))
    return upstream_fault (error);

  for (i = 0; i < G_N_ELEMENTS (deltas) && !g_str_equal (type, deltas[i].type); i++)
    ;
  /* citations_delta, and delta types added later, carry nothing the IR has. */
  if (i == G_N_ELEMENTS (deltas))
    return TRUE;
  if (deltas[i].kind != b->kind)
    return fail (error, "a %s in content block %" G_GINT64_FORMAT ", which is a %s block",
                 type, index, b->kind == SY_PART_TEXT ? "text" :
                              b->kind == SY_PART_TOOL_CALL ? "tool_use" :
                              b->kind == SY_PART_THINKING ? "thinking" : "redacted_thinking");
  if (!_sy_anthropic_get_string (delta, path, deltas[i].field, TRUE, &text, error))
    return upstream_fault (error);
  if (b->kind == SY_PART_TOOL_CALL && *text != '\0')
    b->has_arguments = TRUE;
  emit_text (func, user_data, deltas[i].event, b, text);
  return TRUE;
}

static gboolean
content_block_stop (SyAnthropicStreamDecoder  *self,
                    JsonObject                *data,
                    SyStreamEventFunc          func,
                    gpointer                   user_data,
                    GError                   **error)
{
  gint64 index;
  Block *b;

  if (!read_index (data, "content_block_stop", &index, error))
    return FALSE;
  if ((b = find_block (self, index)) == NULL || !b->open)
    return fail (error, "a stop for content block %" G_GINT64_FORMAT ", which is not open",
                 index);
  close_block (b, func, user_data);
  return TRUE;
}

static gboolean
message_delta (SyAnthropicStreamDecoder  *self,
               JsonObject                *data,
               GError                   **error)
{
  JsonObject *delta, *usage;
  const char *stop_reason, *stop_sequence;

  if (!_sy_anthropic_get_object (data, "message_delta", "delta", FALSE, &delta, error) ||
      !_sy_anthropic_get_object (data, "message_delta", "usage", FALSE, &usage, error))
    return upstream_fault (error);
  if (delta != NULL)
    {
      if (!_sy_anthropic_get_string (delta, "message_delta.delta", "stop_reason", FALSE,
                                     &stop_reason, error) ||
          !_sy_anthropic_get_string (delta, "message_delta.delta", "stop_sequence", FALSE,
                                     &stop_sequence, error))
        return upstream_fault (error);
      if (stop_reason != NULL)
        self->stop_reason = _sy_anthropic_stop_reason_from_string (stop_reason);
      if (stop_sequence != NULL)
        {
          g_free (self->stop_sequence);
          self->stop_sequence = g_strdup (stop_sequence);
        }
    }
  /* Counts are cumulative; newer API versions repeat the input counts here. */
  _sy_anthropic_usage_read (usage, &self->usage);
  return TRUE;
}

static void
message_stop (SyAnthropicStreamDecoder *self,
              SyStreamEventFunc         func,
              gpointer                  user_data)
{
  SyStreamEvent ev;

  for (guint i = 0; i < self->blocks->len; i++)
    if (g_array_index (self->blocks, Block, i).open)
      close_block (&g_array_index (self->blocks, Block, i), func, user_data);

  event_init (&ev, SY_EVENT_FINISH);
  ev.stop_reason = self->stop_reason;
  ev.stop_sequence = self->stop_sequence;
  _sy_anthropic_usage_to_ir (&self->usage, &ev.usage);
  func (&ev, user_data);

  event_init (&ev, SY_EVENT_DONE);
  func (&ev, user_data);
  self->over = TRUE;
}

static gboolean
error_event (SyAnthropicStreamDecoder *self,
             JsonObject               *data,
             SyStreamEventFunc         func,
             gpointer                  user_data)
{
  JsonObject *err = NULL;
  const char *type = NULL, *message = NULL;
  SyStreamEvent ev;

  /* Whatever its shape, an error event is passed on as an error. */
  if (_sy_anthropic_get_object (data, "error", "error", FALSE, &err, NULL) && err != NULL)
    {
      _sy_anthropic_get_string (err, "error", "type", FALSE, &type, NULL);
      _sy_anthropic_get_string (err, "error", "message", FALSE, &message, NULL);
    }
  event_init (&ev, SY_EVENT_ERROR);
  ev.error_type = type ? type : "api_error";
  ev.status = _sy_anthropic_status_for_error_type (ev.error_type);
  ev.text = message ? message : "the upstream reported an error";
  ev.text_len = strlen (ev.text);
  func (&ev, user_data);
  self->over = TRUE;
  return TRUE;
}

static gboolean
sy_anthropic_stream_decoder_push (SyStreamDecoder    *decoder,
                                  const SySseEvent   *event,
                                  SyStreamEventFunc   func,
                                  gpointer            user_data,
                                  GError            **error)
{
  SyAnthropicStreamDecoder *self = SY_ANTHROPIC_STREAM_DECODER (decoder);
  g_autoptr(GError) local = NULL;
  JsonNode *root;
  JsonObject *data;
  const char *type = NULL;

  if (self->over)
    return TRUE;

  root = _sy_anthropic_parse_object (self->parser, event->data, event->data_len, &local);
  if (root == NULL)
    return fail (error, "event \"%s\" is not a JSON object: %s",
                 event->event ? event->event : "message", local->message);
  data = json_node_get_object (root);
  if (!_sy_anthropic_get_string (data, "event", "type", FALSE, &type, error))
    return upstream_fault (error);
  /* The data's type is authoritative; the SSE event name is a fallback. */
  if (type == NULL)
    type = event->event;
  if (type == NULL)
    return fail (error, "an event without a type");

  if (g_str_equal (type, "ping"))
    {
      SyStreamEvent ev;

      event_init (&ev, SY_EVENT_PING);
      func (&ev, user_data);
      return TRUE;
    }
  if (g_str_equal (type, "error"))
    return error_event (self, data, func, user_data);
  if (g_str_equal (type, "message_start"))
    return message_start (self, data, func, user_data, error);

  if (!self->started &&
      (g_str_has_prefix (type, "content_block_") || g_str_has_prefix (type, "message_")))
    return fail (error, "%s before message_start", type);
  if (g_str_equal (type, "content_block_start"))
    return content_block_start (self, data, func, user_data, error);
  if (g_str_equal (type, "content_block_delta"))
    return content_block_delta (self, data, func, user_data, error);
  if (g_str_equal (type, "content_block_stop"))
    return content_block_stop (self, data, func, user_data, error);
  if (g_str_equal (type, "message_delta"))
    return message_delta (self, data, error);
  if (g_str_equal (type, "message_stop"))
    {
      message_stop (self, func, user_data);
      return TRUE;
    }
  /* "We may add new event types, and your code should handle unknown event types
   * gracefully" (Anthropic's streaming documentation). */
  return TRUE;
}

static void
sy_anthropic_stream_decoder_finish (SyStreamDecoder   *decoder,
                                    SyStreamEventFunc  func,
                                    gpointer           user_data)
{
  SyAnthropicStreamDecoder *self = SY_ANTHROPIC_STREAM_DECODER (decoder);
  SyStreamEvent ev;

  if (self->over)
    return;
  event_init (&ev, SY_EVENT_ERROR);
  ev.status = 502;
  ev.error_type = "api_error";
  ev.text = self->started ? "the upstream stream ended before message_stop"
                          : "the upstream stream ended before message_start";
  ev.text_len = strlen (ev.text);
  func (&ev, user_data);
  self->over = TRUE;
}

static void
sy_anthropic_stream_decoder_finalize (GObject *object)
{
  SyAnthropicStreamDecoder *self = SY_ANTHROPIC_STREAM_DECODER (object);

  g_object_unref (self->parser);
  g_array_unref (self->blocks);
  g_free (self->stop_sequence);
  G_OBJECT_CLASS (sy_anthropic_stream_decoder_parent_class)->finalize (object);
}

static void
sy_anthropic_stream_decoder_class_init (SyAnthropicStreamDecoderClass *klass)
{
  SyStreamDecoderClass *decoder_class = SY_STREAM_DECODER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = sy_anthropic_stream_decoder_finalize;
  decoder_class->push = sy_anthropic_stream_decoder_push;
  decoder_class->finish = sy_anthropic_stream_decoder_finish;
}

static void
sy_anthropic_stream_decoder_init (SyAnthropicStreamDecoder *self)
{
  self->parser = json_parser_new ();
  self->blocks = g_array_new (FALSE, FALSE, sizeof (Block));
  _sy_anthropic_usage_init (&self->usage);
}

SyStreamDecoder *
sy_anthropic_stream_decoder_new (void)
{
  return g_object_new (SY_TYPE_ANTHROPIC_STREAM_DECODER, NULL);
}

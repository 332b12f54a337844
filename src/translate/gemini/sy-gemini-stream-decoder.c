/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Gemini's stream: every "data:" event is a GenerateContentResponse chunk. Text arrives in
 * pieces of one growing part; a function call arrives whole; usage is cumulative; the last
 * chunk carries finishReason; nothing marks the end but the end of the bytes. So FINISH and
 * DONE wait for finish(), and a stream that stops before a finishReason is an error, not a
 * short answer. Must not buffer text. Pure; safe on untrusted input.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-gemini-stream-decoder.h"

#include <string.h>

#include "sy-gemini-private.h"

#define INVALID SY_TRANSLATE_ERROR_INVALID_RESPONSE

struct _SyGeminiStreamDecoder
{
  SyStreamDecoder  parent_instance;

  char            *id;
  gboolean         started;
  gboolean         over;          /* an error event ended it */
  gboolean         finish_seen;
  gboolean         has_tool_call;
  SyStopReason     stop_reason;
  int              open_index;    /* the text or thought part still growing, or -1 */
  SyPartKind       open_kind;
  guint            next_index;
  SyUsage          usage;
  SyUsage          reported;      /* the usage last sent as SY_EVENT_USAGE */
};

G_DEFINE_FINAL_TYPE (SyGeminiStreamDecoder, sy_gemini_stream_decoder, SY_TYPE_STREAM_DECODER)

typedef struct
{
  SyGeminiStreamDecoder *self;
  SyStreamEventFunc      func;
  gpointer               user_data;
} Sink;

static void
send (Sink          *sink,
      SyStreamEvent *ev)
{
  sink->func (ev, sink->user_data);
  memset (ev, 0, sizeof *ev);
  sy_usage_init (&ev->usage);
}

static void
new_event (SyStreamEvent *ev,
           SyEventKind    kind)
{
  memset (ev, 0, sizeof *ev);
  sy_usage_init (&ev->usage);
  ev->kind = kind;
}

static void
close_open (Sink *sink)
{
  SyGeminiStreamDecoder *self = sink->self;
  SyStreamEvent ev;

  if (self->open_index < 0)
    return;
  new_event (&ev, SY_EVENT_PART_STOP);
  ev.index = (guint) self->open_index;
  ev.part_kind = self->open_kind;
  send (sink, &ev);
  self->open_index = -1;
}

static void
open_part (Sink       *sink,
           SyPartKind  kind)
{
  SyGeminiStreamDecoder *self = sink->self;
  SyStreamEvent ev;

  if (self->open_index >= 0 && self->open_kind == kind)
    return;
  close_open (sink);
  new_event (&ev, SY_EVENT_PART_START);
  ev.index = self->next_index;
  ev.part_kind = kind;
  send (sink, &ev);
  self->open_index = (int) self->next_index++;
  self->open_kind = kind;
}

static void
send_text (Sink        *sink,
           SyEventKind  kind,
           const char  *text)
{
  SyGeminiStreamDecoder *self = sink->self;
  SyStreamEvent ev;

  new_event (&ev, kind);
  ev.index = (guint) self->open_index;
  ev.part_kind = self->open_kind;
  ev.text = text;
  ev.text_len = strlen (text);
  send (sink, &ev);
}

static gboolean
decode_call (Sink        *sink,
             JsonObject  *call,
             const char  *path,
             const char  *signature,
             GError     **error)
{
  SyGeminiStreamDecoder *self = sink->self;
  JsonNode *args = _sy_gemini_member (call, "args");
  g_autoptr(GString) json = g_string_new (NULL);
  g_autofree char *made_id = NULL;
  const char *name, *id;
  SyStreamEvent ev;
  guint index;

  if (!_sy_gemini_get_string (call, path, "name", INVALID, &name, error) ||
      !_sy_gemini_get_string (call, path, "id", INVALID, &id, error))
    return FALSE;
  if (name == NULL || (args != NULL && !JSON_NODE_HOLDS_OBJECT (args)))
    {
      sy_json_read_set_error (error, INVALID, path, NULL, "expected a name and object args");
      return FALSE;
    }
  if (args != NULL)
    sy_json_write_node_short (json, args);
  else
    g_string_append (json, "{}");

  close_open (sink);
  index = self->next_index++;
  if (id == NULL || *id == '\0')
    id = made_id = _sy_gemini_call_id (self->id, name, json->str, index);

  new_event (&ev, SY_EVENT_PART_START);
  ev.index = index;
  ev.part_kind = SY_PART_TOOL_CALL;
  ev.id = id;
  ev.name = name;
  send (sink, &ev);

  new_event (&ev, SY_EVENT_DELTA);
  ev.index = index;
  ev.part_kind = SY_PART_TOOL_CALL;
  ev.text = json->str;
  ev.text_len = json->len;
  send (sink, &ev);

  if (signature != NULL && *signature != '\0')
    {
      new_event (&ev, SY_EVENT_SIGNATURE);
      ev.index = index;
      ev.part_kind = SY_PART_TOOL_CALL;
      ev.text = signature;
      ev.text_len = strlen (signature);
      send (sink, &ev);
    }

  new_event (&ev, SY_EVENT_PART_STOP);
  ev.index = index;
  ev.part_kind = SY_PART_TOOL_CALL;
  send (sink, &ev);
  self->has_tool_call = TRUE;
  return TRUE;
}

static gboolean
decode_part (Sink        *sink,
             JsonNode    *node,
             const char  *path,
             GError     **error)
{
  SyGeminiStreamDecoder *self = sink->self;
  JsonObject *part, *call;
  const char *text, *signature;
  gboolean thought;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      sy_json_read_set_error (error, INVALID, path, NULL, "expected an object");
      return FALSE;
    }
  part = json_node_get_object (node);
  if (!_sy_gemini_get_string (part, path, "text", INVALID, &text, error) ||
      !_sy_gemini_get_bool (part, path, "thought", INVALID, &thought, error) ||
      !_sy_gemini_get_string (part, path, "thoughtSignature", INVALID, &signature, error) ||
      !_sy_gemini_get_object (part, path, "functionCall", INVALID, &call, error))
    return FALSE;
  if (signature != NULL && *signature == '\0')
    signature = NULL;

  if (text != NULL)
    {
      SyPartKind kind = thought ? SY_PART_THINKING : SY_PART_TEXT;

      if (*text != '\0')
        {
          open_part (sink, kind);
          send_text (sink, SY_EVENT_DELTA, text);
        }
      if (signature != NULL)
        {
          /* The signature closes its part: a later one starts a new part, so that each part
           * carries one signature back. */
          open_part (sink, kind);
          send_text (sink, SY_EVENT_SIGNATURE, signature);
          close_open (sink);
        }
      return TRUE;
    }
  if (call != NULL)
    {
      g_autofree char *where = sy_json_read_path (path, "functionCall");

      return decode_call (sink, call, where, signature, error);
    }
  if (signature != NULL && !_sy_gemini_has_member (part, "inlineData"))
    {
      /* a bare signature belongs to the part still growing, if any */
      if (self->open_index >= 0)
        {
          send_text (sink, SY_EVENT_SIGNATURE, signature);
          close_open (sink);
        }
      return TRUE;
    }
  sy_json_read_set_error (error, SY_TRANSLATE_ERROR_UNSUPPORTED, path, NULL,
                          "this kind of output (not text or a function call) cannot be "
                          "translated");
  return FALSE;
}

static void
send_error (Sink       *sink,
            guint       status,
            const char *type,
            const char *message)
{
  SyStreamEvent ev;

  new_event (&ev, SY_EVENT_ERROR);
  ev.status = status;
  ev.error_type = type;
  ev.text = message;
  ev.text_len = strlen (message);
  send (sink, &ev);
  sink->self->over = TRUE;
}

static void
decode_error (Sink       *sink,
              JsonObject *error)
{
  const char *status = NULL, *message = NULL;
  gint64 code = 0;
  guint http;

  _sy_gemini_get_string (error, NULL, "status", INVALID, &status, NULL);
  _sy_gemini_get_string (error, NULL, "message", INVALID, &message, NULL);
  _sy_gemini_get_int (error, NULL, "code", INVALID, &code, NULL);
  http = code >= 400 && code < 600 ? (guint) code : _sy_gemini_status_code (status);
  if (http == 0)
    http = 500;
  send_error (sink, http, _sy_gemini_error_type (status, http),
              message ? message : status ? status : "the upstream reported an error");
}

static gboolean
decode_candidate (Sink        *sink,
                  JsonNode    *node,
                  GError     **error)
{
  SyGeminiStreamDecoder *self = sink->self;
  const char *path = "candidates[0]";
  JsonObject *candidate, *content;
  JsonArray *parts;
  const char *finish, *finish_message;
  gboolean failed;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      sy_json_read_set_error (error, INVALID, path, NULL, "expected an object");
      return FALSE;
    }
  candidate = json_node_get_object (node);
  if (!_sy_gemini_get_object (candidate, path, "content", INVALID, &content, error) ||
      !_sy_gemini_get_string (candidate, path, "finishReason", INVALID, &finish, error) ||
      !_sy_gemini_get_string (candidate, path, "finishMessage", INVALID, &finish_message, error) ||
      !_sy_gemini_get_array (content, "candidates[0].content", "parts", INVALID, &parts, error))
    return FALSE;
  for (guint i = 0; parts != NULL && i < json_array_get_length (parts); i++)
    {
      g_autofree char *where = g_strdup_printf ("candidates[0].content.parts[%u]", i);

      if (!decode_part (sink, json_array_get_element (parts, i), where, error))
        return FALSE;
    }
  if (finish != NULL)
    {
      SyStopReason reason = _sy_gemini_stop_reason (finish, FALSE, &failed);

      if (failed)
        {
          g_autofree char *message = g_strdup_printf ("the model failed: %s%s%s", finish,
                                                      finish_message ? ": " : "",
                                                      finish_message ? finish_message : "");

          close_open (sink);
          send_error (sink, 502, "api_error", message);
          return TRUE;
        }
      self->finish_seen = TRUE;
      self->stop_reason = reason;
    }
  return TRUE;
}

static gboolean
usage_equal (const SyUsage *a,
             const SyUsage *b)
{
  return a->input == b->input && a->output == b->output && a->cache_read == b->cache_read &&
         a->cache_creation == b->cache_creation && a->reasoning == b->reasoning;
}

static gboolean
is_done_marker (const char *data,
                gsize       len)
{
  while (len > 0 && g_ascii_isspace (*data))
    data++, len--;
  while (len > 0 && g_ascii_isspace (data[len - 1]))
    len--;
  return len == 6 && memcmp (data, "[DONE]", 6) == 0;
}

static gboolean
sy_gemini_stream_decoder_push (SyStreamDecoder    *decoder,
                               const SySseEvent   *event,
                               SyStreamEventFunc   func,
                               gpointer            user_data,
                               GError            **error)
{
  SyGeminiStreamDecoder *self = SY_GEMINI_STREAM_DECODER (decoder);
  Sink sink = { self, func, user_data };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local = NULL;
  JsonObject *chunk, *upstream_error, *usage, *feedback;
  JsonArray *candidates;
  const char *id, *model, *block;
  SyStreamEvent ev;

  if (self->over || event->data == NULL)
    return TRUE;
  if (is_done_marker (event->data, event->data_len))
    return TRUE;  /* not Gemini's, but proxies add it */
  root = _sy_gemini_parse_object (event->data, event->data_len, INVALID, "stream event",
                                  &local);
  if (root == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  chunk = json_node_get_object (root);
  if (!_sy_gemini_get_object (chunk, NULL, "error", INVALID, &upstream_error, error))
    return FALSE;
  if (upstream_error != NULL)
    {
      close_open (&sink);
      decode_error (&sink, upstream_error);
      return TRUE;
    }
  if (!_sy_gemini_get_string (chunk, NULL, "responseId", INVALID, &id, error) ||
      !_sy_gemini_get_string (chunk, NULL, "modelVersion", INVALID, &model, error) ||
      !_sy_gemini_get_array (chunk, NULL, "candidates", INVALID, &candidates, error) ||
      !_sy_gemini_get_object (chunk, NULL, "usageMetadata", INVALID, &usage, error) ||
      !_sy_gemini_get_object (chunk, NULL, "promptFeedback", INVALID, &feedback, error) ||
      !_sy_gemini_get_string (feedback, "promptFeedback", "blockReason", INVALID, &block, error))
    return FALSE;

  if (!self->started)
    {
      self->started = TRUE;
      self->id = g_strdup (id);
      new_event (&ev, SY_EVENT_START);
      ev.id = id;
      ev.model = model ? _sy_gemini_model_id (model) : NULL;
      send (&sink, &ev);
    }
  if (candidates != NULL && json_array_get_length (candidates) > 0)
    {
      if (!decode_candidate (&sink, json_array_get_element (candidates, 0), error))
        return FALSE;
    }
  else if (block != NULL)
    {
      self->finish_seen = TRUE;
      self->stop_reason = SY_STOP_CONTENT_FILTER;  /* the prompt was blocked */
    }
  if (usage != NULL && !self->over)
    {
      SyUsage update;

      _sy_gemini_read_usage (usage, &update);
      sy_usage_merge (&self->usage, &update);
      if (!usage_equal (&self->usage, &self->reported))
        {
          self->reported = self->usage;
          new_event (&ev, SY_EVENT_USAGE);
          ev.usage = self->usage;
          send (&sink, &ev);
        }
    }
  return TRUE;
}

static void
sy_gemini_stream_decoder_finish (SyStreamDecoder   *decoder,
                                 SyStreamEventFunc  func,
                                 gpointer           user_data)
{
  SyGeminiStreamDecoder *self = SY_GEMINI_STREAM_DECODER (decoder);
  Sink sink = { self, func, user_data };
  SyStreamEvent ev;

  if (self->over)
    return;
  close_open (&sink);
  if (!self->finish_seen)
    {
      send_error (&sink, 502, "api_error", "the upstream stream ended before it was complete");
      return;
    }
  new_event (&ev, SY_EVENT_FINISH);
  ev.stop_reason = self->stop_reason == SY_STOP_END_TURN && self->has_tool_call
                     ? SY_STOP_TOOL_USE : self->stop_reason;
  ev.usage = self->usage;
  send (&sink, &ev);
  new_event (&ev, SY_EVENT_DONE);
  send (&sink, &ev);
  self->over = TRUE;
}

static void
sy_gemini_stream_decoder_finalize (GObject *object)
{
  SyGeminiStreamDecoder *self = SY_GEMINI_STREAM_DECODER (object);

  g_free (self->id);
  G_OBJECT_CLASS (sy_gemini_stream_decoder_parent_class)->finalize (object);
}

static void
sy_gemini_stream_decoder_class_init (SyGeminiStreamDecoderClass *klass)
{
  SyStreamDecoderClass *decoder_class = SY_STREAM_DECODER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = sy_gemini_stream_decoder_finalize;
  decoder_class->push = sy_gemini_stream_decoder_push;
  decoder_class->finish = sy_gemini_stream_decoder_finish;
}

static void
sy_gemini_stream_decoder_init (SyGeminiStreamDecoder *self)
{
  self->open_index = -1;
  sy_usage_init (&self->usage);
  sy_usage_init (&self->reported);
}

SyStreamDecoder *
sy_gemini_stream_decoder_new (void)
{
  return g_object_new (SY_TYPE_GEMINI_STREAM_DECODER, NULL);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Decodes an OpenAI Chat Completions stream: chunks of deltas (content, reasoning_content,
 * refusal, tool_calls keyed by their index), a finish_reason, a usage chunk and data: [DONE].
 * Owns the numbering of parts across the response and the closing of each part (tool calls
 * stay open side by side until text or the end, as their fragments may interleave). Pure: no I/O;
 * a malformed chunk is an error, an upstream error chunk an SY_EVENT_ERROR.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-openai-stream-decoder.h"

#include "sy-openai-private.h"

#include <string.h>

#define INVALID SY_TRANSLATE_ERROR_INVALID_RESPONSE

typedef enum {
  TOOL_PENDING,   /* seen, waiting for the open call to end; its fragments are held */
  TOOL_OPEN,      /* its part started; fragments go out as they come */
  TOOL_CLOSED,
} ToolState;

typedef struct
{
  ToolState  state;
  guint      part;       /* once started */
  char      *id;
  char      *name;
  GString   *held;       /* PENDING: the arguments so far */
} ToolSlot;

struct _SyOpenaiStreamDecoder
{
  SyStreamDecoder  parent_instance;

  GPtrArray       *slots;         /* ToolSlot in order of appearance, owned */
  GHashTable      *slot_by_index; /* OpenAI tool index → ToolSlot */
  /* One tool call streams at a time (the IR's consumers write parts one after another). The
   * calls that appear while it is open wait in pending, in order. When the open call says
   * nothing more after the first pending one appeared and that one speaks, the open call is
   * over (the usual sequential stream); if the open call goes on, the server interleaves and
   * the pending calls wait for the end. */
  ToolSlot        *active;
  GQueue           pending;
  gboolean         active_quiet;  /* the active call said nothing since pending began */
  guint            next_part;
  guint            current;       /* the open text or thinking part, if has_current */
  SyPartKind       current_kind;
  SyStopReason     stop_reason;
  SyUsage          usage;
  unsigned         has_current : 1;
  unsigned         started : 1;
  unsigned         finished : 1;  /* a finish_reason arrived */
  unsigned         refused : 1;   /* refusal deltas arrived */
  unsigned         over : 1;      /* DONE or ERROR was emitted */
};

G_DEFINE_FINAL_TYPE (SyOpenaiStreamDecoder, sy_openai_stream_decoder, SY_TYPE_STREAM_DECODER)

typedef struct
{
  SyStreamEventFunc func;
  gpointer          user_data;
} Sink;

static void
tool_slot_free (gpointer data)
{
  ToolSlot *slot = data;

  g_free (slot->id);
  g_free (slot->name);
  if (slot->held != NULL)
    g_string_free (slot->held, TRUE);
  g_free (slot);
}

static void
init_event (SyStreamEvent *event,
            SyEventKind    kind)
{
  memset (event, 0, sizeof *event);
  event->kind = kind;
  sy_usage_init (&event->usage);
}

static void
emit_start (SyOpenaiStreamDecoder *self,
            const char            *id,
            const char            *model,
            const Sink            *sink)
{
  SyStreamEvent event;

  if (self->started)
    return;
  self->started = TRUE;
  init_event (&event, SY_EVENT_START);
  event.id = id;
  event.model = model;
  sink->func (&event, sink->user_data);
}

static void
emit_part_stop (guint       index,
                SyPartKind  kind,
                const Sink *sink)
{
  SyStreamEvent event;

  init_event (&event, SY_EVENT_PART_STOP);
  event.index = index;
  event.part_kind = kind;
  sink->func (&event, sink->user_data);
}

/* Closes the open text or thinking part. */
static void
close_current (SyOpenaiStreamDecoder *self,
               const Sink            *sink)
{
  if (!self->has_current)
    return;
  self->has_current = FALSE;
  emit_part_stop (self->current, self->current_kind, sink);
}

static guint
open_part (SyOpenaiStreamDecoder *self,
           SyPartKind             kind,
           const char            *id,
           const char            *name,
           const Sink            *sink)
{
  SyStreamEvent event;
  guint index = self->next_part++;

  init_event (&event, SY_EVENT_PART_START);
  event.index = index;
  event.part_kind = kind;
  event.id = id;
  event.name = name;
  sink->func (&event, sink->user_data);
  return index;
}

static void
emit_delta (guint       index,
            SyPartKind  kind,
            const char *text,
            const Sink *sink)
{
  SyStreamEvent event;

  init_event (&event, SY_EVENT_DELTA);
  event.index = index;
  event.part_kind = kind;
  event.text = text;
  event.text_len = strlen (text);
  sink->func (&event, sink->user_data);
}

static void
start_tool (SyOpenaiStreamDecoder *self,
            ToolSlot              *slot,
            const Sink            *sink)
{
  slot->state = TOOL_OPEN;
  slot->part = open_part (self, SY_PART_TOOL_CALL, slot->id, slot->name, sink);
  if (slot->held != NULL && slot->held->len > 0)
    emit_delta (slot->part, SY_PART_TOOL_CALL, slot->held->str, sink);
  if (slot->held != NULL)
    g_string_free (g_steal_pointer (&slot->held), TRUE);
}

static void
stop_active_tool (SyOpenaiStreamDecoder *self,
                  const Sink            *sink)
{
  if (self->active == NULL)
    return;
  self->active->state = TOOL_CLOSED;
  emit_part_stop (self->active->part, SY_PART_TOOL_CALL, sink);
  self->active = NULL;
}

/* The next pending call becomes the open one. */
static void
promote_pending (SyOpenaiStreamDecoder *self,
                 const Sink            *sink)
{
  stop_active_tool (self, sink);
  self->active = g_queue_pop_head (&self->pending);
  if (self->active != NULL)
    start_tool (self, self->active, sink);
  self->active_quiet = TRUE;
}

/* Ends every tool call, the pending ones whole, in order. */
static void
close_tool_calls (SyOpenaiStreamDecoder *self,
                  const Sink            *sink)
{
  while (self->active != NULL)
    promote_pending (self, sink);
}

/* Text and reasoning: a delta continues the open part of its kind or starts a new one. */
static void
text_delta (SyOpenaiStreamDecoder *self,
            SyPartKind             kind,
            const char            *text,
            const Sink            *sink)
{
  if (text == NULL || *text == '\0')
    return;
  if (!self->has_current || self->current_kind != kind)
    {
      close_current (self, sink);
      close_tool_calls (self, sink);
      self->current = open_part (self, kind, NULL, NULL, sink);
      self->current_kind = kind;
      self->has_current = TRUE;
    }
  emit_delta (self->current, kind, text, sink);
}

static gboolean
tool_call_deltas (SyOpenaiStreamDecoder  *self,
                  JsonArray              *calls,
                  const Sink             *sink,
                  GError                **error)
{
  for (guint j = 0; j < json_array_get_length (calls); j++)
    {
      JsonNode *node = json_array_get_element (calls, j);
      JsonObject *call, *function = NULL;
      const char *id, *name = NULL, *arguments = NULL;
      ToolSlot *slot;
      gint64 index;
      char path[64];

      g_snprintf (path, sizeof path, "choices[0].delta.tool_calls[%u]", j);
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          sy_json_read_set_error (error, INVALID, path, NULL, "expected an object");
          return FALSE;
        }
      call = json_node_get_object (node);
      if (!sy_json_read_int (call, path, "index", INVALID, &index, error)
          || !sy_json_read_string (call, path, "id", INVALID, &id, error)
          || !sy_json_read_object (call, path, "function", INVALID, &function, error))
        return FALSE;
      if (function != NULL)
        {
          char function_path[80];

          g_snprintf (function_path, sizeof function_path, "%s.function", path);
          if (!sy_json_read_string (function, function_path, "name", INVALID, &name, error)
              || !sy_json_read_string (function, function_path, "arguments", INVALID,
                                       &arguments, error))
            return FALSE;
        }
      /* Servers that leave out the index send each call whole: its position is its index. */
      if (index == SY_UNSET)
        index = j;
      if (index < 0 || index > G_MAXINT)
        {
          sy_json_read_set_error (error, INVALID, path, "index", "out of range");
          return FALSE;
        }

      slot = g_hash_table_lookup (self->slot_by_index, GINT_TO_POINTER ((int) index));
      /* A different id under a known index is a new call (servers that reuse index 0). */
      if (slot != NULL && id != NULL && *id != '\0' && slot->id != NULL
          && !g_str_equal (id, slot->id))
        slot = NULL;
      if (slot == NULL)
        {
          slot = g_new0 (ToolSlot, 1);
          slot->id = g_strdup (id && *id ? id : NULL);
          slot->name = g_strdup (name);
          g_ptr_array_add (self->slots, slot);
          g_hash_table_insert (self->slot_by_index, GINT_TO_POINTER ((int) index), slot);
          if (self->active == NULL)
            {
              close_current (self, sink);
              self->active = slot;
              start_tool (self, slot, sink);
            }
          else
            {
              slot->state = TOOL_PENDING;
              slot->held = g_string_new (NULL);
              if (g_queue_is_empty (&self->pending))
                self->active_quiet = TRUE;
              g_queue_push_tail (&self->pending, slot);
            }
        }
      if (arguments == NULL || *arguments == '\0')
        continue;

      switch (slot->state)
        {
        case TOOL_OPEN:
          if (!g_queue_is_empty (&self->pending))
            self->active_quiet = FALSE;
          emit_delta (slot->part, SY_PART_TOOL_CALL, arguments, sink);
          break;
        case TOOL_PENDING:
          if (self->active_quiet && g_queue_peek_head (&self->pending) == slot)
            {
              promote_pending (self, sink);
              self->active_quiet = g_queue_is_empty (&self->pending) ? TRUE : FALSE;
              emit_delta (slot->part, SY_PART_TOOL_CALL, arguments, sink);
            }
          else
            g_string_append (slot->held, arguments);
          break;
        case TOOL_CLOSED:
        default:
          sy_json_read_set_error (error, INVALID, path, "function.arguments",
                                  "arguments for tool call %" G_GINT64_FORMAT " after it ended",
                                  index);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
choice_delta (SyOpenaiStreamDecoder  *self,
              JsonObject             *choice,
              const Sink             *sink,
              GError                **error)
{
  JsonObject *delta, *message;
  JsonArray *calls = NULL;
  const char *content, *reasoning, *refusal, *finish_reason;
  const char *path = "choices[0].delta";

  if (!sy_json_read_object (choice, "choices[0]", "delta", INVALID, &delta, error)
      || !sy_json_read_object (choice, "choices[0]", "message", INVALID, &message, error)
      || !sy_json_read_string (choice, "choices[0]", "finish_reason", INVALID, &finish_reason,
                               error))
    return FALSE;
  /* A server that sends the whole completion as one event uses message. */
  if (delta == NULL)
    delta = message;
  if (delta != NULL)
    {
      if (!sy_json_read_string (delta, path, "reasoning_content", INVALID, &reasoning, error)
          || !sy_json_read_string (delta, path, "content", INVALID, &content, error)
          || !sy_json_read_string (delta, path, "refusal", INVALID, &refusal, error)
          || !sy_json_read_array (delta, path, "tool_calls", INVALID, &calls, error))
        return FALSE;
      if (reasoning == NULL)
        reasoning = sy_json_read_node_string (sy_json_read_member (delta, "reasoning"));
      text_delta (self, SY_PART_THINKING, reasoning, sink);
      text_delta (self, SY_PART_TEXT, content, sink);
      if (refusal != NULL && *refusal != '\0')
        {
          self->refused = TRUE;
          text_delta (self, SY_PART_TEXT, refusal, sink);
        }
      if (calls != NULL && !tool_call_deltas (self, calls, sink, error))
        return FALSE;
    }
  if (finish_reason != NULL)
    {
      self->finished = TRUE;
      self->stop_reason = _sy_openai_stop_reason_from_string (finish_reason);
      close_current (self, sink);
      close_tool_calls (self, sink);
    }
  return TRUE;
}

static void
emit_end (SyOpenaiStreamDecoder *self,
          const Sink            *sink)
{
  SyStreamEvent event;

  emit_start (self, NULL, NULL, sink);
  close_current (self, sink);
  close_tool_calls (self, sink);
  init_event (&event, SY_EVENT_FINISH);
  event.stop_reason = self->stop_reason;
  if (self->refused && (event.stop_reason == SY_STOP_END_TURN
                        || event.stop_reason == SY_STOP_UNSET))
    event.stop_reason = SY_STOP_REFUSAL;
  event.usage = self->usage;
  sink->func (&event, sink->user_data);
  init_event (&event, SY_EVENT_DONE);
  sink->func (&event, sink->user_data);
  self->over = TRUE;
}

static void
emit_error (SyOpenaiStreamDecoder *self,
            guint                  status,
            const char            *type,
            const char            *message,
            const Sink            *sink)
{
  SyStreamEvent event;

  init_event (&event, SY_EVENT_ERROR);
  event.status = status;
  event.error_type = type;
  event.text = message;
  event.text_len = strlen (message);
  sink->func (&event, sink->user_data);
  self->over = TRUE;
}

/* {"error": {...}} or {"error": "..."} in the middle of a stream. */
static void
upstream_error (SyOpenaiStreamDecoder *self,
                JsonNode              *error_node,
                const Sink            *sink)
{
  const char *message = sy_json_read_node_string (error_node);
  const char *type = NULL;
  guint status = 502;

  if (error_node != NULL && JSON_NODE_HOLDS_OBJECT (error_node))
    {
      JsonObject *e = json_node_get_object (error_node);
      gint64 code = SY_UNSET;

      message = sy_json_read_node_string (sy_json_read_member (e, "message"));
      type = sy_json_read_node_string (sy_json_read_member (e, "type"));
      /* OpenRouter and others give the HTTP status as a numeric code. */
      if (sy_json_read_int (e, NULL, "code", 0, &code, NULL) && code >= 400 && code <= 599)
        status = (guint) code;
    }
  emit_error (self, status, type, message ? message : "the upstream reported an error", sink);
}

static gboolean
sy_openai_stream_decoder_push (SyStreamDecoder    *decoder,
                               const SySseEvent   *sse,
                               SyStreamEventFunc   func,
                               gpointer            user_data,
                               GError            **error)
{
  SyOpenaiStreamDecoder *self = SY_OPENAI_STREAM_DECODER (decoder);
  Sink sink = { func, user_data };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local = NULL;
  JsonObject *chunk, *usage = NULL, *x_groq = NULL;
  JsonArray *choices;
  JsonNode *error_node;
  const char *data = sse->data;
  gsize len = sse->data_len;
  const char *id, *model;

  if (self->over)
    return TRUE;
  while (len > 0 && g_ascii_isspace (*data))
    data++, len--;
  while (len > 0 && g_ascii_isspace (data[len - 1]))
    len--;
  if (len == 0)
    return TRUE;
  if (len == 6 && memcmp (data, "[DONE]", 6) == 0)
    {
      emit_end (self, &sink);
      return TRUE;
    }

  root = _sy_openai_parse_object (data, len, INVALID, "stream event", &local);
  if (root == NULL)
    {
      if (g_strcmp0 (sse->event, "error") == 0)
        {
          g_autofree char *message = g_strndup (data, len);

          emit_error (self, 502, NULL, message, &sink);
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  chunk = json_node_get_object (root);
  error_node = sy_json_read_member (chunk, "error");
  if (error_node != NULL || g_strcmp0 (sse->event, "error") == 0)
    {
      upstream_error (self, error_node, &sink);
      return TRUE;
    }

  if (!sy_json_read_string (chunk, NULL, "id", INVALID, &id, error)
      || !sy_json_read_string (chunk, NULL, "model", INVALID, &model, error)
      || !sy_json_read_array (chunk, NULL, "choices", INVALID, &choices, error)
      || !sy_json_read_object (chunk, NULL, "usage", INVALID, &usage, error)
      || !sy_json_read_object (chunk, NULL, "x_groq", INVALID, &x_groq, error))
    return FALSE;
  emit_start (self, id, model, &sink);

  for (guint i = 0; choices != NULL && i < json_array_get_length (choices); i++)
    {
      JsonNode *node = json_array_get_element (choices, i);
      gint64 index;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          sy_json_read_set_error (error, INVALID, "choices", NULL, "expected objects");
          return FALSE;
        }
      if (!sy_json_read_int (json_node_get_object (node), "choices[0]", "index", INVALID,
                             &index, error))
        return FALSE;
      /* Only the first choice: requests through the IR never ask for more. */
      if ((index == SY_UNSET ? (gint64) i : index) != 0)
        continue;
      if (!choice_delta (self, json_node_get_object (node), &sink, error))
        return FALSE;
    }

  /* Groq reports usage in x_groq.usage. */
  if (usage == NULL && x_groq != NULL)
    sy_json_read_object (x_groq, NULL, "usage", 0, &usage, NULL);
  if (usage != NULL)
    {
      SyUsage update;

      _sy_openai_read_usage (usage, &update);
      sy_usage_merge (&self->usage, &update);
    }
  return TRUE;
}

static void
sy_openai_stream_decoder_finish (SyStreamDecoder   *decoder,
                                 SyStreamEventFunc  func,
                                 gpointer           user_data)
{
  SyOpenaiStreamDecoder *self = SY_OPENAI_STREAM_DECODER (decoder);
  Sink sink = { func, user_data };

  if (self->over)
    return;
  /* A finish_reason without [DONE]: the answer is whole (some servers never send [DONE]). */
  if (self->finished)
    emit_end (self, &sink);
  else
    emit_error (self, 502, NULL, "the upstream stream ended early", &sink);
}

static void
sy_openai_stream_decoder_finalize (GObject *object)
{
  SyOpenaiStreamDecoder *self = SY_OPENAI_STREAM_DECODER (object);

  g_queue_clear (&self->pending);
  g_hash_table_unref (self->slot_by_index);
  g_ptr_array_unref (self->slots);
  G_OBJECT_CLASS (sy_openai_stream_decoder_parent_class)->finalize (object);
}

static void
sy_openai_stream_decoder_class_init (SyOpenaiStreamDecoderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SyStreamDecoderClass *decoder_class = SY_STREAM_DECODER_CLASS (klass);

  object_class->finalize = sy_openai_stream_decoder_finalize;
  decoder_class->push = sy_openai_stream_decoder_push;
  decoder_class->finish = sy_openai_stream_decoder_finish;
}

static void
sy_openai_stream_decoder_init (SyOpenaiStreamDecoder *self)
{
  self->slots = g_ptr_array_new_with_free_func (tool_slot_free);
  self->slot_by_index = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_queue_init (&self->pending);
  self->stop_reason = SY_STOP_UNSET;
  sy_usage_init (&self->usage);
}

SyStreamDecoder *
sy_openai_stream_decoder_new (void)
{
  return g_object_new (SY_TYPE_OPENAI_STREAM_DECODER, NULL);
}

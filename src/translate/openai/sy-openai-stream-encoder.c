/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Encodes SyStreamEvents as an OpenAI Chat Completions stream: a role chunk, content /
 * reasoning_content / tool_calls deltas (each call with its own 0-based index, its id packed
 * with its signature), a finish chunk, a usage chunk and data: [DONE]; an error chunk ends the
 * stream instead. Owns only its per-stream state; pure: appends to a GString.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-openai-stream-encoder.h"

#include "sy-openai-private.h"

#include <string.h>

typedef struct
{
  guint       index;        /* the IR part index */
  SyPartKind  kind;
  int         tool_index;   /* TOOL_CALL: its index in tool_calls */
  char       *id;
  char       *name;
  char       *signature;
  char       *held_arguments; /* TOOL_CALL: the first fragment, held with the head */
  gboolean    head_sent;    /* TOOL_CALL: the delta with id and name went out */
  gsize       arguments_len;
} PartState;

struct _SyOpenaiStreamEncoder
{
  SyStreamEncoder  parent_instance;

  GString         *prefix;       /* "data: {...,"choices":[" shared by every chunk */
  GPtrArray       *parts;        /* PartState in order of appearance, owned */
  GHashTable      *part_by_index;
  /* A tool call whose head (id, name, first fragment) waits: a signature may still come (Gemini
   * sends it after the arguments), and the id handed to the client must carry it. */
  PartState       *held;
  int              next_tool;
  SyUsage          usage;
  unsigned         started : 1;
  unsigned         finished : 1;
};

G_DEFINE_FINAL_TYPE (SyOpenaiStreamEncoder, sy_openai_stream_encoder, SY_TYPE_STREAM_ENCODER)

static void
part_state_free (gpointer data)
{
  PartState *state = data;

  g_free (state->id);
  g_free (state->name);
  g_free (state->signature);
  g_free (state->held_arguments);
  g_free (state);
}

static GPtrArray *
notes_of (SyOpenaiStreamEncoder *self)
{
  return sy_stream_encoder_get_notes (SY_STREAM_ENCODER (self));
}

/* The first chunk: the stream's id, creation time and model, and the assistant role. */
static void
ensure_started (SyOpenaiStreamEncoder *self,
                const char            *id,
                const char            *model,
                GString               *out)
{
  g_autofree char *completion_id = NULL;

  if (self->started)
    return;
  self->started = TRUE;
  completion_id = _sy_openai_dup_completion_id (id);
  if (id == NULL || *id == '\0')
    _sy_openai_note (notes_of (self), "id set to \"%s\": the upstream gave none",
                     SY_OPENAI_UNKNOWN_ID);
  if (model == NULL)
    model = sy_stream_encoder_get_model (SY_STREAM_ENCODER (self));
  if (model == NULL)
    _sy_openai_note (notes_of (self), "model set to \"\": the upstream did not name it");
  /* Stream events carry no creation time: created is required, 0 says unknown. */
  _sy_openai_note (notes_of (self), "created set to 0: the creation time is unknown");

  g_string_assign (self->prefix, "data: {\"id\":");
  sy_json_write_string (self->prefix, completion_id);
  g_string_append (self->prefix, ",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":");
  sy_json_write_string (self->prefix, model ? model : "");
  g_string_append (self->prefix, ",\"choices\":[");

  g_string_append_len (out, self->prefix->str, self->prefix->len);
  g_string_append (out, "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                        "\"logprobs\":null,\"finish_reason\":null}]}\n\n");
}

static void
begin_delta (SyOpenaiStreamEncoder *self,
             GString               *out)
{
  g_string_append_len (out, self->prefix->str, self->prefix->len);
  g_string_append (out, "{\"index\":0,\"delta\":{");
}

static void
end_delta (GString    *out,
           const char *finish_reason)
{
  g_string_append (out, "},\"logprobs\":null,\"finish_reason\":");
  sy_json_write_string (out, finish_reason);
  g_string_append (out, "}]}\n\n");
}

static PartState *
lookup_part (SyOpenaiStreamEncoder *self,
             guint                  index,
             SyPartKind             kind)
{
  PartState *state = g_hash_table_lookup (self->part_by_index, GUINT_TO_POINTER (index));

  if (state == NULL)
    {
      state = g_new0 (PartState, 1);
      state->index = index;
      state->kind = kind;
      state->tool_index = kind == SY_PART_TOOL_CALL ? self->next_tool++ : -1;
      if (kind == SY_PART_REDACTED_THINKING)
        _sy_openai_note (notes_of (self), "redacted reasoning dropped: Chat Completions has no "
                                          "field for it");
      g_ptr_array_add (self->parts, state);
      g_hash_table_insert (self->part_by_index, GUINT_TO_POINTER (index), state);
    }
  return state;
}

/* A tool call's first delta: index, id (with the signature packed in), name, and the first
 * arguments fragment. */
static void
send_tool_head (SyOpenaiStreamEncoder *self,
                PartState             *state,
                const char            *arguments,
                GString               *out)
{
  g_autofree char *fallback = NULL;
  g_autofree char *packed = NULL;

  if (state->id == NULL || *state->id == '\0')
    {
      fallback = g_strdup_printf ("call_%d", state->tool_index);
      _sy_openai_note (notes_of (self), "tool call %d had no id: \"%s\" given", state->tool_index,
                       fallback);
    }
  packed = sy_tool_call_id_pack (fallback ? fallback : state->id, state->signature);
  state->head_sent = TRUE;
  state->arguments_len += strlen (arguments);
  begin_delta (self, out);
  g_string_append_printf (out, "\"tool_calls\":[{\"index\":%d,\"id\":", state->tool_index);
  sy_json_write_string (out, packed);
  g_string_append (out, ",\"type\":\"function\",\"function\":{\"name\":");
  sy_json_write_string (out, state->name ? state->name : "");
  g_string_append (out, ",\"arguments\":");
  sy_json_write_string (out, arguments);
  g_string_append (out, "}}]");
  end_delta (out, NULL);
}

static void
send_tool_arguments (SyOpenaiStreamEncoder *self,
                     PartState             *state,
                     const char            *arguments,
                     GString               *out)
{
  state->arguments_len += strlen (arguments);
  begin_delta (self, out);
  g_string_append_printf (out, "\"tool_calls\":[{\"index\":%d,\"function\":{\"arguments\":",
                          state->tool_index);
  sy_json_write_string (out, arguments);
  g_string_append (out, "}}]");
  end_delta (out, NULL);
}

static void
flush_held (SyOpenaiStreamEncoder *self,
            GString               *out)
{
  PartState *state = self->held;
  g_autofree char *arguments = NULL;

  if (state == NULL)
    return;
  self->held = NULL;
  arguments = g_steal_pointer (&state->held_arguments);
  send_tool_head (self, state, arguments ? arguments : "", out);
}

/* A call with no arguments still needs its head, and "{}" rather than "". */
static void
complete_tool_call (SyOpenaiStreamEncoder *self,
                    PartState             *state,
                    GString               *out)
{
  if (state->kind != SY_PART_TOOL_CALL)
    return;
  if (self->held == state)
    flush_held (self, out);
  if (!state->head_sent)
    send_tool_head (self, state, "{}", out);
  else if (state->arguments_len == 0)
    send_tool_arguments (self, state, "{}", out);
}

static void
encode_delta (SyOpenaiStreamEncoder *self,
              const SyStreamEvent   *event,
              GString               *out)
{
  PartState *state = lookup_part (self, event->index, event->part_kind);
  const char *text = event->text;

  if (text == NULL || *text == '\0')
    return;
  switch (state->kind)
    {
    case SY_PART_TEXT:
      begin_delta (self, out);
      g_string_append (out, "\"content\":");
      sy_json_write_string (out, text);
      end_delta (out, NULL);
      break;
    case SY_PART_THINKING:
      /* Not in OpenAI's schema: DeepSeek's field, which reasoning-aware clients read. */
      begin_delta (self, out);
      g_string_append (out, "\"reasoning_content\":");
      sy_json_write_string (out, text);
      end_delta (out, NULL);
      break;
    case SY_PART_TOOL_CALL:
      if (self->held == state)
        flush_held (self, out);
      if (state->head_sent)
        send_tool_arguments (self, state, text, out);
      else
        {
          /* Held until the next event: a signature may follow the first fragment. */
          state->held_arguments = g_strdup (text);
          self->held = state;
        }
      break;
    case SY_PART_REDACTED_THINKING:
    case SY_PART_IMAGE:
    case SY_PART_TOOL_RESULT:
    default:
      break;
    }
}

static void
encode_signature (SyOpenaiStreamEncoder *self,
                  const SyStreamEvent   *event)
{
  PartState *state = lookup_part (self, event->index, event->part_kind);

  if (event->text == NULL || *event->text == '\0')
    return;
  if (state->kind == SY_PART_TOOL_CALL && !state->head_sent)
    {
      g_free (state->signature);
      state->signature = g_strdup (event->text);
    }
  else if (state->kind == SY_PART_TOOL_CALL)
    _sy_openai_note (notes_of (self), "the signature of tool call %d dropped: it arrived after "
                                      "the call's id was sent", state->tool_index);
  else if (state->kind == SY_PART_THINKING)
    _sy_openai_note (notes_of (self), "thinking signature dropped: Chat Completions has no "
                                      "field for it");
  else
    _sy_openai_note (notes_of (self), "a text part's signature dropped: Chat Completions has no "
                                      "field for it");
}

static void
encode_finish (SyOpenaiStreamEncoder *self,
               const SyStreamEvent   *event,
               GString               *out)
{
  /* Calls whose part never stopped still need their head before the stream ends. */
  for (guint i = 0; i < self->parts->len; i++)
    complete_tool_call (self, g_ptr_array_index (self->parts, i), out);
  sy_usage_merge (&self->usage, &event->usage);
  self->finished = TRUE;
  begin_delta (self, out);
  end_delta (out, _sy_openai_finish_reason (event->stop_reason, notes_of (self)));
}

static void
encode_done (SyOpenaiStreamEncoder *self,
             GString               *out)
{
  gsize before;

  if (!self->finished)
    _sy_openai_note (notes_of (self), "the stream ended without a finish reason");
  before = out->len;
  g_string_append_len (out, self->prefix->str, self->prefix->len);
  g_string_append (out, "],\"usage\":");
  if (_sy_openai_append_usage (out, &self->usage, notes_of (self)))
    g_string_append (out, "}\n\n");
  else
    g_string_truncate (out, before);
  g_string_append (out, "data: [DONE]\n\n");
}

static void
encode_error (const SyStreamEvent *event,
              GString             *out)
{
  g_string_append (out, "data: {\"error\":{\"message\":");
  sy_json_write_string (out, event->text ? event->text : "upstream error");
  g_string_append (out, ",\"type\":");
  sy_json_write_string (out, event->error_type
                                   ? event->error_type
                                   : _sy_openai_error_type_for_status (event->status));
  g_string_append (out, ",\"param\":null,\"code\":null}}\n\n");
}

static void
sy_openai_stream_encoder_encode (SyStreamEncoder     *encoder,
                                 const SyStreamEvent *event,
                                 GString             *out)
{
  SyOpenaiStreamEncoder *self = SY_OPENAI_STREAM_ENCODER (encoder);
  PartState *state;

  /* The held head goes out before any event that is not its own part's. */
  if (self->held != NULL
      && !((event->kind == SY_EVENT_DELTA || event->kind == SY_EVENT_SIGNATURE
            || event->kind == SY_EVENT_PART_STOP)
           && event->index == self->held->index))
    flush_held (self, out);

  switch (event->kind)
    {
    case SY_EVENT_START:
      ensure_started (self, event->id, event->model, out);
      break;
    case SY_EVENT_PART_START:
      ensure_started (self, NULL, NULL, out);
      state = lookup_part (self, event->index, event->part_kind);
      if (state->kind == SY_PART_TOOL_CALL && !state->head_sent)
        {
          g_free (state->id);
          g_free (state->name);
          state->id = g_strdup (event->id);
          state->name = g_strdup (event->name);
        }
      break;
    case SY_EVENT_DELTA:
      ensure_started (self, NULL, NULL, out);
      encode_delta (self, event, out);
      break;
    case SY_EVENT_SIGNATURE:
      encode_signature (self, event);
      break;
    case SY_EVENT_PART_STOP:
      ensure_started (self, NULL, NULL, out);
      state = g_hash_table_lookup (self->part_by_index, GUINT_TO_POINTER (event->index));
      if (state != NULL)
        complete_tool_call (self, state, out);
      break;
    case SY_EVENT_USAGE:
      sy_usage_merge (&self->usage, &event->usage);
      break;
    case SY_EVENT_FINISH:
      ensure_started (self, NULL, NULL, out);
      encode_finish (self, event, out);
      break;
    case SY_EVENT_ERROR:
      encode_error (event, out);
      break;
    case SY_EVENT_PING:
      g_string_append (out, ": ping\n\n");
      break;
    case SY_EVENT_DONE:
      ensure_started (self, NULL, NULL, out);
      encode_done (self, out);
      break;
    default:
      break;
    }
}

static void
sy_openai_stream_encoder_finalize (GObject *object)
{
  SyOpenaiStreamEncoder *self = SY_OPENAI_STREAM_ENCODER (object);

  g_string_free (self->prefix, TRUE);
  g_hash_table_unref (self->part_by_index);
  g_ptr_array_unref (self->parts);
  G_OBJECT_CLASS (sy_openai_stream_encoder_parent_class)->finalize (object);
}

static void
sy_openai_stream_encoder_class_init (SyOpenaiStreamEncoderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SyStreamEncoderClass *encoder_class = SY_STREAM_ENCODER_CLASS (klass);

  object_class->finalize = sy_openai_stream_encoder_finalize;
  encoder_class->encode = sy_openai_stream_encoder_encode;
}

static void
sy_openai_stream_encoder_init (SyOpenaiStreamEncoder *self)
{
  self->prefix = g_string_sized_new (160);
  self->parts = g_ptr_array_new_with_free_func (part_state_free);
  self->part_by_index = g_hash_table_new (g_direct_hash, g_direct_equal);
  sy_usage_init (&self->usage);
}

SyStreamEncoder *
sy_openai_stream_encoder_new (void)
{
  return g_object_new (SY_TYPE_OPENAI_STREAM_ENCODER, NULL);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Anthropic stream encoder: exactly one message_start, content blocks numbered 0.. that
 * never interleave, message_delta, message_stop; no "[DONE]". Deltas go out as they come, with
 * two exceptions Anthropic's clients force: reasoning is held until its signature arrives
 * (an unsigned thinking block must never reach a client, which would send it back to
 * Anthropic), and a part that starts while another block is open waits for it to close.
 * Pure: appends to a GString.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-anthropic-stream-encoder.h"

#include "core/sy-json-scan.h"
#include "sy-anthropic-private.h"

typedef struct
{
  guint       index;        /* the IR part index */
  SyPartKind  kind;
  char       *id;           /* TOOL_CALL */
  char       *name;
  GString    *pending;      /* text not yet written: held reasoning, a waiting part's deltas,
                             * redacted data */
  GString    *signature;
  int         block;        /* Anthropic's index once content_block_start is written, or -1 */
  gboolean    queued;       /* started while another block was open */
  gboolean    stopped;      /* PART_STOP seen */
  gboolean    closed;       /* written out (or dropped) completely */
  guint       held;         /* deltas held back so far */
  guint       fragments;    /* deltas received */
} Part;

/* While reasoning is held back for its signature nothing else can be written; a ping every
 * so many held deltas keeps idle timeouts between here and the client from firing. */
#define PING_EVERY_HELD 32

struct _SyAnthropicStreamEncoder
{
  SyStreamEncoder  parent_instance;

  GPtrArray       *parts;   /* Part, in order of PART_START */
  Part            *active;  /* the part whose block is (or may next be) open */
  int              next_block;
  char            *id;
  char            *model;
  SyUsage          usage;
  gboolean         start_pending;
  gboolean         message_started;
  gboolean         finished;
  gboolean         has_tool_use;
};

G_DEFINE_FINAL_TYPE (SyAnthropicStreamEncoder, sy_anthropic_stream_encoder,
                     SY_TYPE_STREAM_ENCODER)

static void
part_free (gpointer data)
{
  Part *part = data;

  g_free (part->id);
  g_free (part->name);
  g_string_free (part->pending, TRUE);
  if (part->signature != NULL)
    g_string_free (part->signature, TRUE);
  g_free (part);
}

/* --- writing ---------------------------------------------------------------------------------- */

/* "event: <type>\ndata: {"type":"<type>"" ... end_event closes the object and the event. */
static void
begin_event (GString    *out,
             const char *type)
{
  g_string_append (out, "event: ");
  g_string_append (out, type);
  g_string_append (out, "\ndata: {\"type\":\"");
  g_string_append (out, type);
  g_string_append_c (out, '"');
}

static void
end_event (GString *out)
{
  g_string_append (out, "}\n\n");
}

static void
write_message_start (SyAnthropicStreamEncoder *self,
                     GString                  *out)
{
  g_autofree char *id = NULL;
  const char *model = self->model;

  if (self->message_started)
    return;
  self->message_started = TRUE;
  self->start_pending = FALSE;
  id = _sy_anthropic_message_id (self->id);
  if (model == NULL)
    model = sy_stream_encoder_get_model (SY_STREAM_ENCODER (self));

  begin_event (out, "message_start");
  g_string_append (out, ",\"message\":{\"id\":");
  sy_json_append_string (out, id);
  g_string_append (out, ",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
  sy_json_append_string (out, model ? model : "");
  g_string_append (out, ",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                   "\"usage\":");
  /* Anthropic's SDKs require usage with integer input_tokens and output_tokens here; counts
   * the upstream has not reported yet are written as 0 only because the schema demands an
   * integer. The real counts follow in message_delta. */
  _sy_anthropic_append_usage (out, &self->usage);
  g_string_append_c (out, '}');
  end_event (out);
}

static void
write_block_start (SyAnthropicStreamEncoder *self,
                   Part                     *part,
                   GString                  *out)
{
  part->block = self->next_block++;
  begin_event (out, "content_block_start");
  g_string_append_printf (out, ",\"index\":%d,\"content_block\":", part->block);
  switch (part->kind)
    {
    case SY_PART_TOOL_CALL:
      {
        g_autofree char *generated = NULL;
        g_autofree char *id = NULL;

        if (part->id == NULL || *part->id == '\0')
          generated = g_strdup_printf ("toolu_sy_%u", part->index);
        /* A provider signature for the call (Gemini) rides in the id the client sends back;
         * the request parser unpacks it. */
        id = sy_tool_call_id_pack (generated ? generated : part->id,
                                   part->signature ? part->signature->str : NULL);
        g_string_append (out, "{\"type\":\"tool_use\",\"id\":");
        sy_json_append_string (out, id);
        g_string_append (out, ",\"name\":");
        sy_json_append_string (out, part->name ? part->name : "");
        g_string_append (out, ",\"input\":{}}");
        self->has_tool_use = TRUE;
      }
      break;
    case SY_PART_THINKING:
      g_string_append (out, "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}");
      break;
    case SY_PART_REDACTED_THINKING:
      g_string_append (out, "{\"type\":\"redacted_thinking\",\"data\":");
      sy_json_write_string_len (out, part->pending->str, part->pending->len);
      g_string_append_c (out, '}');
      g_string_truncate (part->pending, 0);
      break;
    case SY_PART_TEXT:
    case SY_PART_IMAGE:
    case SY_PART_TOOL_RESULT:
    default:
      g_string_append (out, "{\"type\":\"text\",\"text\":\"\"}");
      break;
    }
  end_event (out);
}

static void
write_delta (SyAnthropicStreamEncoder *self,
             Part                     *part,
             const char               *text,
             gsize                     len,
             GString                  *out)
{
  const char *type, *field;

  if (len == 0)
    return;
  switch (part->kind)
    {
    case SY_PART_TOOL_CALL:
      type = "input_json_delta";
      field = "partial_json";
      break;
    case SY_PART_THINKING:
      type = "thinking_delta";
      field = "thinking";
      break;
    default:
      type = "text_delta";
      field = "text";
      break;
    }
  begin_event (out, "content_block_delta");
  g_string_append_printf (out, ",\"index\":%d,\"delta\":{\"type\":\"%s\",\"%s\":",
                          part->block, type, field);
  sy_json_write_string_len (out, text, len);
  g_string_append_c (out, '}');
  end_event (out);
}

/* Opens the part's block and writes what it held back. */
static void
open_block (SyAnthropicStreamEncoder *self,
            Part                     *part,
            GString                  *out)
{
  write_block_start (self, part, out);
  write_delta (self, part, part->pending->str, part->pending->len, out);
  g_string_truncate (part->pending, 0);
}

static gboolean
is_signed (Part *part)
{
  return part->signature != NULL && part->signature->len > 0;
}

/* Whether the active part's block can be written now, before anything else comes. */
static gboolean
ready_to_open (Part *part)
{
  switch (part->kind)
    {
    case SY_PART_THINKING:
      return is_signed (part);
    case SY_PART_REDACTED_THINKING:
      return FALSE;  /* its data goes in content_block_start: wait for all of it */
    case SY_PART_TOOL_CALL:
      /* Held for one fragment: a provider signature that follows the call's first fragment
       * (Gemini sends a call whole, then its thoughtSignature) can still ride in the id.
       * Streamed arguments lose nothing but that one fragment's head start. */
      return is_signed (part) || part->fragments >= 2;
    default:
      /* Text opens at its first fragment: never an empty text block. */
      return part->pending->len > 0;
    }
}

/* Writes the end of a part whose PART_STOP came (or whose stream is finishing). */
static void
close_part (SyAnthropicStreamEncoder *self,
            Part                     *part,
            GString                  *out)
{
  if (part->block < 0)
    {
      switch (part->kind)
        {
        case SY_PART_THINKING:
          if (is_signed (part))
            open_block (self, part, out);
          else
            {
              if (part->pending->len > 0)
                _sy_anthropic_note (sy_stream_encoder_get_notes (SY_STREAM_ENCODER (self)),
                                    "reasoning without a signature (from another provider) "
                                    "dropped: Anthropic clients send thinking blocks back, and "
                                    "Anthropic refuses unsigned ones");
              part->closed = TRUE;
              return;
            }
          break;
        case SY_PART_REDACTED_THINKING:
        case SY_PART_TEXT:
          if (part->pending->len == 0)
            {
              part->closed = TRUE;  /* nothing to carry: no empty block */
              return;
            }
          open_block (self, part, out);
          break;
        default:
          open_block (self, part, out);
          break;
        }
    }
  else if (part->pending->len > 0)
    {
      write_delta (self, part, part->pending->str, part->pending->len, out);
      g_string_truncate (part->pending, 0);
    }

  if (part->kind == SY_PART_THINKING && is_signed (part))
    {
      begin_event (out, "content_block_delta");
      g_string_append_printf (out, ",\"index\":%d,\"delta\":{\"type\":\"signature_delta\","
                              "\"signature\":", part->block);
      sy_json_append_string (out, part->signature->str);
      g_string_append_c (out, '}');
      end_event (out);
    }
  begin_event (out, "content_block_stop");
  g_string_append_printf (out, ",\"index\":%d", part->block);
  end_event (out);
  part->closed = TRUE;
}

/* Makes the next waiting part active, writing out those that already ended. */
static void
activate_next (SyAnthropicStreamEncoder *self,
               GString                  *out)
{
  self->active = NULL;
  for (guint i = 0; i < self->parts->len; i++)
    {
      Part *part = g_ptr_array_index (self->parts, i);

      if (part->closed || !part->queued)
        continue;
      part->queued = FALSE;
      if (part->stopped)
        {
          close_part (self, part, out);
          continue;
        }
      self->active = part;
      if (ready_to_open (part))
        open_block (self, part, out);
      return;
    }
}

/* The part an event is about, created (active, or waiting behind the active one) when the
 * event is its first. */
static Part *
find_part (SyAnthropicStreamEncoder *self,
           const SyStreamEvent      *event)
{
  Part *part;

  for (guint i = self->parts->len; i > 0; i--)
    {
      part = g_ptr_array_index (self->parts, i - 1);
      if (part->index == event->index)
        return part;
    }

  part = g_new0 (Part, 1);
  part->index = event->index;
  part->kind = event->part_kind;
  part->block = -1;
  part->pending = g_string_new (NULL);
  if (event->kind == SY_EVENT_PART_START && event->part_kind == SY_PART_TOOL_CALL)
    {
      part->id = g_strdup (event->id);
      part->name = g_strdup (event->name);
    }
  g_ptr_array_add (self->parts, part);
  if (self->active == NULL)
    self->active = part;
  else
    part->queued = TRUE;
  return part;
}

/* --- events ----------------------------------------------------------------------------------- */

static void
on_delta (SyAnthropicStreamEncoder *self,
          const SyStreamEvent      *event,
          GString                  *out)
{
  Part *part = find_part (self, event);

  if (event->text == NULL || event->text_len == 0)
    return;
  if (part->closed)
    {
      /* The upstream's decoder broke the event order; the block is already written. */
      _sy_anthropic_note (sy_stream_encoder_get_notes (SY_STREAM_ENCODER (self)),
                          "a fragment for part %u came after the part ended and was dropped",
                          part->index);
      return;
    }
  part->fragments++;
  if (part == self->active && part->block >= 0)
    write_delta (self, part, event->text, event->text_len, out);
  else
    {
      g_string_append_len (part->pending, event->text, (gssize) event->text_len);
      if (part == self->active && ready_to_open (part))
        open_block (self, part, out);
      else if (++part->held % PING_EVERY_HELD == 0)
        g_string_append (out, "event: ping\ndata: {\"type\": \"ping\"}\n\n");
    }
}

static void
on_signature (SyAnthropicStreamEncoder *self,
              const SyStreamEvent      *event,
              GString                  *out)
{
  Part *part = find_part (self, event);
  GPtrArray *notes = sy_stream_encoder_get_notes (SY_STREAM_ENCODER (self));

  if (part->closed || event->text == NULL || event->text_len == 0)
    return;
  if (part->kind == SY_PART_THINKING ||
      (part->kind == SY_PART_TOOL_CALL && part->block < 0))
    {
      if (part->signature == NULL)
        part->signature = g_string_new (NULL);
      g_string_append_len (part->signature, event->text, (gssize) event->text_len);
      if (part == self->active && part->block < 0)
        open_block (self, part, out);
    }
  else if (part->kind == SY_PART_TOOL_CALL)
    _sy_anthropic_note (notes, "a tool call's provider signature came after the call was "
                        "written and was dropped");
  else
    _sy_anthropic_note (notes, "a provider signature on a %s part dropped: Anthropic has no "
                        "place for it", part->kind == SY_PART_TEXT ? "text" : "content");
}

static void
on_part_stop (SyAnthropicStreamEncoder *self,
              const SyStreamEvent      *event,
              GString                  *out)
{
  Part *part = find_part (self, event);

  if (part->closed)
    return;
  part->stopped = TRUE;
  if (part == self->active)
    {
      close_part (self, part, out);
      activate_next (self, out);
    }
}

/* Ends every part still open or waiting, in order. */
static void
close_all (SyAnthropicStreamEncoder *self,
           GString                  *out)
{
  if (self->active != NULL && !self->active->closed)
    close_part (self, self->active, out);
  for (guint i = 0; i < self->parts->len; i++)
    {
      Part *part = g_ptr_array_index (self->parts, i);

      if (!part->closed)
        close_part (self, part, out);
    }
  self->active = NULL;
}

static void
on_finish (SyAnthropicStreamEncoder *self,
           const SyStreamEvent      *event,
           GString                  *out)
{
  SyStopReason stop = event ? event->stop_reason : SY_STOP_UNSET;
  const char *reason;

  if (self->finished)
    return;
  self->finished = TRUE;
  if (event != NULL)
    sy_usage_merge (&self->usage, &event->usage);
  write_message_start (self, out);
  close_all (self, out);

  if (self->has_tool_use && (stop == SY_STOP_END_TURN || stop == SY_STOP_UNSET))
    stop = SY_STOP_TOOL_USE;
  if (stop == SY_STOP_CONTENT_FILTER)
    _sy_anthropic_note (sy_stream_encoder_get_notes (SY_STREAM_ENCODER (self)),
                        "stop reason content_filter reported as refusal, Anthropic's nearest");
  reason = _sy_anthropic_stop_reason_to_string (stop);

  begin_event (out, "message_delta");
  g_string_append (out, ",\"delta\":{\"stop_reason\":");
  if (reason != NULL)
    sy_json_append_string (out, reason);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"stop_sequence\":");
  if (event != NULL && event->stop_sequence != NULL)
    sy_json_append_string (out, event->stop_sequence);
  else
    g_string_append (out, "null");
  /* output_tokens is required (0 only if the upstream never said); the input counts, which
   * newer SDKs take from here too, only when known. */
  g_string_append_printf (out, "},\"usage\":{\"output_tokens\":%" G_GINT64_FORMAT,
                          MAX (self->usage.output, 0));
  if (self->usage.input >= 0)
    {
      gint64 input = self->usage.input;

      if (self->usage.cache_read > 0)
        input -= MIN (input, self->usage.cache_read);
      if (self->usage.cache_creation > 0)
        input -= MIN (input, self->usage.cache_creation);
      g_string_append_printf (out, ",\"input_tokens\":%" G_GINT64_FORMAT, input);
    }
  if (self->usage.cache_creation >= 0)
    g_string_append_printf (out, ",\"cache_creation_input_tokens\":%" G_GINT64_FORMAT,
                            self->usage.cache_creation);
  if (self->usage.cache_read >= 0)
    g_string_append_printf (out, ",\"cache_read_input_tokens\":%" G_GINT64_FORMAT,
                            self->usage.cache_read);
  g_string_append_c (out, '}');
  end_event (out);
}

static void
on_error (SyAnthropicStreamEncoder *self,
          const SyStreamEvent      *event,
          GString                  *out)
{
  const char *type = _sy_anthropic_is_error_type (event->error_type)
                       ? event->error_type
                       : _sy_anthropic_error_type_for_status (event->status);

  begin_event (out, "error");
  g_string_append (out, ",\"error\":{\"type\":");
  sy_json_append_string (out, type);
  g_string_append (out, ",\"message\":");
  if (event->text != NULL)
    sy_json_write_string_len (out, event->text, event->text_len);
  else
    g_string_append (out, "\"the upstream reported an error\"");
  g_string_append_c (out, '}');
  end_event (out);
}

static void
sy_anthropic_stream_encoder_encode (SyStreamEncoder     *encoder,
                                    const SyStreamEvent *event,
                                    GString             *out)
{
  SyAnthropicStreamEncoder *self = SY_ANTHROPIC_STREAM_ENCODER (encoder);

  switch (event->kind)
    {
    case SY_EVENT_START:
      /* Written at the next event, so usage that follows START at once (Anthropic's own
       * message_start carries input_tokens) makes it into message_start. */
      if (!self->message_started && !self->start_pending)
        {
          self->id = g_strdup (event->id);
          self->model = g_strdup (event->model);
          self->start_pending = TRUE;
        }
      return;
    case SY_EVENT_USAGE:
      sy_usage_merge (&self->usage, &event->usage);
      return;
    case SY_EVENT_ERROR:
      /* No message_start first: a stream that fails before it began is just an error. */
      on_error (self, event, out);
      return;
    case SY_EVENT_PING:
      if (self->start_pending)
        write_message_start (self, out);
      g_string_append (out, "event: ping\ndata: {\"type\": \"ping\"}\n\n");
      return;
    default:
      break;
    }

  if (self->finished && event->kind != SY_EVENT_DONE)
    return;
  write_message_start (self, out);
  switch (event->kind)
    {
    case SY_EVENT_PART_START:
      {
        Part *part = find_part (self, event);

        if (part == self->active && part->block < 0 && ready_to_open (part))
          open_block (self, part, out);
      }
      break;
    case SY_EVENT_DELTA:
      on_delta (self, event, out);
      break;
    case SY_EVENT_SIGNATURE:
      on_signature (self, event, out);
      break;
    case SY_EVENT_PART_STOP:
      on_part_stop (self, event, out);
      break;
    case SY_EVENT_FINISH:
      on_finish (self, event, out);
      break;
    case SY_EVENT_DONE:
      on_finish (self, NULL, out);
      g_string_append (out, "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
      break;
    default:
      break;
    }
}

static void
sy_anthropic_stream_encoder_finalize (GObject *object)
{
  SyAnthropicStreamEncoder *self = SY_ANTHROPIC_STREAM_ENCODER (object);

  g_ptr_array_unref (self->parts);
  g_free (self->id);
  g_free (self->model);
  G_OBJECT_CLASS (sy_anthropic_stream_encoder_parent_class)->finalize (object);
}

static void
sy_anthropic_stream_encoder_class_init (SyAnthropicStreamEncoderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sy_anthropic_stream_encoder_finalize;
  SY_STREAM_ENCODER_CLASS (klass)->encode = sy_anthropic_stream_encoder_encode;
}

static void
sy_anthropic_stream_encoder_init (SyAnthropicStreamEncoder *self)
{
  self->parts = g_ptr_array_new_with_free_func (part_free);
  sy_usage_init (&self->usage);
}

SyStreamEncoder *
sy_anthropic_stream_encoder_new (void)
{
  return g_object_new (SY_TYPE_ANTHROPIC_STREAM_ENCODER, NULL);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Encodes stream events as the OpenAI Responses event stream Codex CLI and the OpenAI SDKs
 * consume: response.created, response.in_progress, per output item output_item.added, its
 * content events and output_item.done, then response.completed (or response.incomplete) with
 * the whole response; response.failed or error on errors. Each IR part is one output item.
 * Pure: appends to a GString; keeps the items it wrote for the final response object.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-responses-stream-encoder.h"

#include <string.h>

#include "sy-responses-private.h"

typedef struct
{
  SyPartKind  kind;
  gboolean    ignored;        /* a kind Responses output cannot carry */
  guint       output_index;
  char       *item_id;
  char       *call_id;        /* tool call: the id handed to the client, once announced */
  char       *raw_id;         /* tool call: the IR id */
  char       *name;
  GString    *body;           /* text, arguments, thinking or redacted data */
  GString    *signature;
  gboolean    announced;      /* output_item.added written */
  guint       deltas;
  gboolean    summary_open;
  gboolean    closed;
} Part;

struct _SyResponsesStreamEncoder
{
  SyStreamEncoder  parent_instance;

  char            *upstream_id;
  char            *response_id;
  char            *model;
  gboolean         created;
  guint64          seq;
  guint            next_output;
  GHashTable      *parts;     /* IR index -> Part */
  GPtrArray       *pending;   /* tool calls held back until their id is final (Part*) */
  GPtrArray       *sequential;  /* open text and reasoning parts (Part*) */
  GPtrArray       *items;     /* output_index -> the finished item's JSON, or NULL */
  SyStopReason     stop;
  SyUsage          usage;
};

G_DEFINE_FINAL_TYPE (SyResponsesStreamEncoder, sy_responses_stream_encoder,
                     SY_TYPE_STREAM_ENCODER)

static void
part_free (gpointer data)
{
  Part *p = data;

  g_free (p->item_id);
  g_free (p->call_id);
  g_free (p->raw_id);
  g_free (p->name);
  g_string_free (p->body, TRUE);
  if (p->signature != NULL)
    g_string_free (p->signature, TRUE);
  g_free (p);
}

static GPtrArray *
notes_of (SyResponsesStreamEncoder *self)
{
  return sy_stream_encoder_get_notes (SY_STREAM_ENCODER (self));
}

/* --- writing -------------------------------------------------------------------------------- */

static void
begin (SyResponsesStreamEncoder *self,
       GString                  *out,
       const char               *type)
{
  g_string_append (out, "event: ");
  g_string_append (out, type);
  g_string_append (out, "\ndata: {\"type\":\"");
  g_string_append (out, type);
  g_string_append_printf (out, "\",\"sequence_number\":%" G_GUINT64_FORMAT, self->seq++);
}

static void
end (GString *out)
{
  g_string_append (out, "}\n\n");
}

static void
append_ref (GString    *out,
            const Part *p,
            gboolean    content_index)
{
  sy_json_write_key (out, "item_id");
  sy_json_write_string (out, p->item_id);
  g_string_append_printf (out, ",\"output_index\":%u", p->output_index);
  if (content_index)
    g_string_append (out, ",\"content_index\":0");
}

/* The response object; output lists the finished items. */
static void
append_response (SyResponsesStreamEncoder *self,
                 GString                  *out,
                 const char               *status,
                 const char               *incomplete_reason,
                 const char               *error_code,
                 const char               *error_message,
                 gboolean                  with_usage)
{
  gboolean first = TRUE;

  g_string_append (out, "{\"id\":");
  sy_json_write_string (out, self->response_id);
  g_string_append (out, ",\"object\":\"response\",\"status\":");
  sy_json_write_string (out, status);
  g_string_append (out, ",\"model\":");
  sy_json_write_string (out, self->model ? self->model : "");
  g_string_append (out, ",\"output\":[");
  for (guint i = 0; i < self->items->len; i++)
    {
      const char *item = g_ptr_array_index (self->items, i);

      if (item == NULL)
        continue;
      if (!first)
        g_string_append_c (out, ',');
      g_string_append (out, item);
      first = FALSE;
    }
  g_string_append_c (out, ']');
  _sy_responses_append_tail (out, incomplete_reason, error_code, error_message,
                             with_usage ? &self->usage : NULL, notes_of (self));
}

static void
ensure_created (SyResponsesStreamEncoder *self,
                GString                  *out)
{
  if (self->created)
    return;
  self->created = TRUE;
  if (self->upstream_id == NULL)
    _sy_responses_note (notes_of (self), "response id defaulted: Responses clients require "
                        "one");
  self->response_id = _sy_responses_dup_response_id (self->upstream_id);
  if (self->model == NULL)
    self->model = g_strdup (sy_stream_encoder_get_model (SY_STREAM_ENCODER (self)));

  begin (self, out, "response.created");
  sy_json_write_key (out, "response");
  append_response (self, out, "in_progress", NULL, NULL, NULL, FALSE);
  end (out);
  begin (self, out, "response.in_progress");
  sy_json_write_key (out, "response");
  append_response (self, out, "in_progress", NULL, NULL, NULL, FALSE);
  end (out);
}

/* --- items ---------------------------------------------------------------------------------- */

static void
append_function_call_item (GString    *out,
                           const Part *p,
                           gboolean    done)
{
  g_string_append (out, "{\"id\":");
  sy_json_write_string (out, p->item_id);
  g_string_append (out, ",\"type\":\"function_call\",\"status\":");
  g_string_append (out, done ? "\"completed\"" : "\"in_progress\"");
  g_string_append (out, ",\"arguments\":");
  if (done)
    sy_json_write_string_len (out, p->body->str, p->body->len);
  else
    g_string_append (out, "\"\"");
  g_string_append (out, ",\"call_id\":");
  sy_json_write_string (out, p->call_id);
  g_string_append (out, ",\"name\":");
  sy_json_write_string (out, p->name ? p->name : "");
  g_string_append_c (out, '}');
}

static void
append_message_item (GString    *out,
                     const Part *p,
                     gboolean    done)
{
  g_string_append (out, "{\"id\":");
  sy_json_write_string (out, p->item_id);
  g_string_append (out, ",\"type\":\"message\",\"status\":");
  g_string_append (out, done ? "\"completed\"" : "\"in_progress\"");
  g_string_append (out, ",\"role\":\"assistant\",\"content\":[");
  if (done)
    {
      g_string_append (out, "{\"type\":\"output_text\",\"text\":");
      sy_json_write_string_len (out, p->body->str, p->body->len);
      g_string_append (out, ",\"annotations\":[]}");
    }
  g_string_append (out, "]}");
}

/* Writes output_item.added (and what opens the item's content). */
static void
announce (SyResponsesStreamEncoder *self,
          Part                     *p,
          GString                  *out)
{
  if (p->announced)
    return;
  p->announced = TRUE;
  if (p->kind == SY_PART_TOOL_CALL)
    {
      const char *signature = p->signature ? p->signature->str : NULL;

      if (p->raw_id == NULL)
        {
          p->raw_id = _sy_responses_dup_item_id ("call", self->response_id, p->output_index);
          _sy_responses_note (notes_of (self), "tool call id derived from the response id: "
                              "Responses clients need one");
        }
      p->call_id = sy_tool_call_id_pack (p->raw_id, signature);
    }

  begin (self, out, "response.output_item.added");
  g_string_append_printf (out, ",\"output_index\":%u,\"item\":", p->output_index);
  switch (p->kind)
    {
    case SY_PART_TEXT:
      append_message_item (out, p, FALSE);
      end (out);
      begin (self, out, "response.content_part.added");
      append_ref (out, p, TRUE);
      g_string_append (out, ",\"part\":{\"type\":\"output_text\",\"text\":\"\","
                            "\"annotations\":[]}");
      break;
    case SY_PART_TOOL_CALL:
      append_function_call_item (out, p, FALSE);
      if (p->body->len > 0)
        {
          /* the argument fragments held back while the id was not final */
          end (out);
          begin (self, out, "response.function_call_arguments.delta");
          append_ref (out, p, FALSE);
          sy_json_write_key (out, "delta");
          sy_json_write_string_len (out, p->body->str, p->body->len);
        }
      break;
    case SY_PART_THINKING:
    case SY_PART_REDACTED_THINKING:
    default:
      _sy_responses_append_reasoning_item (out, p->item_id, NULL, 0, NULL);
      break;
    }
  end (out);
}

static void
flush_pending (SyResponsesStreamEncoder *self,
               Part                     *except,
               GString                  *out)
{
  guint kept = 0;

  for (guint i = 0; i < self->pending->len; i++)
    {
      Part *p = g_ptr_array_index (self->pending, i);

      if (p == except)
        self->pending->pdata[kept++] = p;
      else
        announce (self, p, out);
    }
  g_ptr_array_set_size (self->pending, kept);
}

static void
close_part (SyResponsesStreamEncoder *self,
            Part                     *p,
            GString                  *out)
{
  g_autoptr(GString) item = g_string_new (NULL);

  if (p->closed || p->ignored)
    return;
  flush_pending (self, NULL, out);
  p->closed = TRUE;
  g_ptr_array_remove (self->sequential, p);

  switch (p->kind)
    {
    case SY_PART_TEXT:
      begin (self, out, "response.output_text.done");
      append_ref (out, p, TRUE);
      sy_json_write_key (out, "text");
      sy_json_write_string_len (out, p->body->str, p->body->len);
      g_string_append (out, ",\"logprobs\":[]");
      end (out);
      begin (self, out, "response.content_part.done");
      append_ref (out, p, TRUE);
      g_string_append (out, ",\"part\":{\"type\":\"output_text\",\"text\":");
      sy_json_write_string_len (out, p->body->str, p->body->len);
      g_string_append (out, ",\"annotations\":[]}");
      end (out);
      append_message_item (item, p, TRUE);
      break;
    case SY_PART_TOOL_CALL:
      if (p->body->len == 0)
        {
          /* a call without arguments: its arguments are the empty object */
          g_string_append (p->body, "{}");
          begin (self, out, "response.function_call_arguments.delta");
          append_ref (out, p, FALSE);
          g_string_append (out, ",\"delta\":\"{}\"");
          end (out);
        }
      begin (self, out, "response.function_call_arguments.done");
      append_ref (out, p, FALSE);
      sy_json_write_key (out, "arguments");
      sy_json_write_string_len (out, p->body->str, p->body->len);
      end (out);
      append_function_call_item (item, p, TRUE);
      break;
    case SY_PART_THINKING:
    case SY_PART_REDACTED_THINKING:
    default:
      {
        g_autofree char *encrypted = NULL;
        gboolean thinking = p->kind == SY_PART_THINKING;
        const char *source = thinking ? (p->signature ? p->signature->str : NULL) : p->body->str;

        if (p->summary_open)
          {
            begin (self, out, "response.reasoning_summary_text.done");
            append_ref (out, p, FALSE);
            g_string_append (out, ",\"summary_index\":0,\"text\":");
            sy_json_write_string_len (out, p->body->str, p->body->len);
            end (out);
            begin (self, out, "response.reasoning_summary_part.done");
            append_ref (out, p, FALSE);
            g_string_append (out, ",\"summary_index\":0,\"part\":{\"type\":\"summary_text\","
                                  "\"text\":");
            sy_json_write_string_len (out, p->body->str, p->body->len);
            g_string_append (out, "}");
            end (out);
          }
        /* the item id stays the one already announced */
        encrypted = _sy_responses_client_encrypted_content (p->kind, source, NULL);
        _sy_responses_append_reasoning_item (item, p->item_id, thinking ? p->body->str : NULL,
                                             thinking ? p->body->len : 0, encrypted);
      }
      break;
    }

  begin (self, out, "response.output_item.done");
  g_string_append_printf (out, ",\"output_index\":%u,\"item\":", p->output_index);
  g_string_append_len (out, item->str, item->len);
  end (out);
  g_free (g_ptr_array_index (self->items, p->output_index));
  g_ptr_array_index (self->items, p->output_index) = g_string_free (g_steal_pointer (&item),
                                                                     FALSE);
}

static int
compare_output_index (gconstpointer a,
                      gconstpointer b)
{
  const Part *pa = *(Part * const *) a;
  const Part *pb = *(Part * const *) b;

  return pa->output_index < pb->output_index ? -1 : pa->output_index > pb->output_index;
}

static void
close_all (SyResponsesStreamEncoder *self,
           GString                  *out)
{
  g_autoptr(GPtrArray) open = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  flush_pending (self, NULL, out);
  g_hash_table_iter_init (&iter, self->parts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!((Part *) value)->closed && !((Part *) value)->ignored)
      g_ptr_array_add (open, value);
  g_ptr_array_sort (open, compare_output_index);
  for (guint i = 0; i < open->len; i++)
    close_part (self, g_ptr_array_index (open, i), out);
}

/* Responses items are sequential: a new part ends the text or reasoning before it (tool calls
 * stay open, since Chat Completions upstreams may interleave their fragments). */
static void
close_sequential (SyResponsesStreamEncoder *self,
                  GString                  *out)
{
  while (self->sequential->len > 0)
    close_part (self, g_ptr_array_index (self->sequential, 0), out);
}

static Part *
start_part (SyResponsesStreamEncoder *self,
            const SyStreamEvent      *ev,
            GString                  *out)
{
  Part *p = g_new0 (Part, 1);

  flush_pending (self, NULL, out);
  close_sequential (self, out);
  ensure_created (self, out);
  p->kind = ev->part_kind;
  p->body = g_string_new (NULL);
  g_hash_table_replace (self->parts, GUINT_TO_POINTER (ev->index), p);
  if (p->kind == SY_PART_IMAGE || p->kind == SY_PART_TOOL_RESULT)
    {
      p->ignored = TRUE;
      _sy_responses_note (notes_of (self), "a streamed part of kind %d dropped: Responses "
                          "output cannot carry it", (int) p->kind);
      return p;
    }
  p->output_index = self->next_output++;
  g_ptr_array_add (self->items, NULL);
  p->item_id = _sy_responses_dup_item_id (p->kind == SY_PART_TEXT ? "msg"
                                          : p->kind == SY_PART_TOOL_CALL ? "fc" : "rs",
                                          self->response_id, p->output_index);
  if (p->kind == SY_PART_TOOL_CALL)
    {
      /* held back until the call's signature (a Gemini thoughtSignature, packed into the
       * call_id) can no longer arrive: a second fragment, the part's end, or another event */
      p->raw_id = g_strdup (ev->id);
      p->name = g_strdup (ev->name);
      g_ptr_array_add (self->pending, p);
    }
  else
    {
      g_ptr_array_add (self->sequential, p);
      announce (self, p, out);
    }
  return p;
}

static Part *
part_for (SyResponsesStreamEncoder *self,
          const SyStreamEvent      *ev,
          GString                  *out)
{
  Part *p = g_hash_table_lookup (self->parts, GUINT_TO_POINTER (ev->index));

  if (p == NULL)
    p = start_part (self, ev, out);
  return p;
}

static void
on_delta (SyResponsesStreamEncoder *self,
          const SyStreamEvent      *ev,
          GString                  *out)
{
  Part *p = part_for (self, ev, out);
  gsize start;

  if (p->ignored || ev->text == NULL || ev->text_len == 0)
    return;
  if (p->closed && p->kind == SY_PART_TOOL_CALL)
    {
      _sy_responses_note (notes_of (self), "tool call arguments dropped: they arrived after the "
                          "call ended");
      return;
    }
  if (p->closed)
    p = start_part (self, ev, out);  /* text after its item ended: a new item */
  flush_pending (self, p, out);
  start = p->body->len;
  g_string_append_len (p->body, ev->text, ev->text_len);

  switch (p->kind)
    {
    case SY_PART_TEXT:
      begin (self, out, "response.output_text.delta");
      append_ref (out, p, TRUE);
      sy_json_write_key (out, "delta");
      sy_json_write_string_len (out, p->body->str + start, p->body->len - start);
      g_string_append (out, ",\"logprobs\":[]");
      end (out);
      break;
    case SY_PART_TOOL_CALL:
      if (!p->announced)
        {
          if (++p->deltas >= 2)
            flush_pending (self, NULL, out);
          break;
        }
      begin (self, out, "response.function_call_arguments.delta");
      append_ref (out, p, FALSE);
      sy_json_write_key (out, "delta");
      sy_json_write_string_len (out, p->body->str + start, p->body->len - start);
      end (out);
      break;
    case SY_PART_THINKING:
      if (!p->summary_open)
        {
          p->summary_open = TRUE;
          begin (self, out, "response.reasoning_summary_part.added");
          append_ref (out, p, FALSE);
          g_string_append (out, ",\"summary_index\":0,\"part\":{\"type\":\"summary_text\","
                                "\"text\":\"\"}");
          end (out);
        }
      begin (self, out, "response.reasoning_summary_text.delta");
      append_ref (out, p, FALSE);
      g_string_append (out, ",\"summary_index\":0");
      sy_json_write_key (out, "delta");
      sy_json_write_string_len (out, p->body->str + start, p->body->len - start);
      end (out);
      break;
    case SY_PART_REDACTED_THINKING:
    default:
      break;  /* opaque: only in the finished item */
    }
}

static void
on_signature (SyResponsesStreamEncoder *self,
              const SyStreamEvent      *ev,
              GString                  *out)
{
  Part *p = part_for (self, ev, out);

  if (p->ignored || ev->text == NULL || ev->text_len == 0)
    return;
  if (p->closed)
    {
      _sy_responses_note (notes_of (self), "signature dropped: it arrived after its part "
                          "ended");
      return;
    }
  flush_pending (self, p, out);
  if (p->kind == SY_PART_TEXT || p->kind == SY_PART_REDACTED_THINKING)
    {
      _sy_responses_note (notes_of (self), "text signature dropped: Responses messages have no "
                          "place for it");
      return;
    }
  if (p->kind == SY_PART_TOOL_CALL && p->announced)
    {
      _sy_responses_note (notes_of (self), "tool call signature dropped: it arrived after the "
                          "call was announced to the client");
      return;
    }
  if (p->signature == NULL)
    p->signature = g_string_new (NULL);
  g_string_append_len (p->signature, ev->text, ev->text_len);
}

static void
on_error (SyResponsesStreamEncoder *self,
          const SyStreamEvent      *ev,
          GString                  *out)
{
  const char *message = ev->text ? ev->text : "the upstream reported an error";
  g_autofree char *text = g_strndup (message, ev->text ? ev->text_len : strlen (message));
  const char *code = ev->status == 429 ? "rate_limit_exceeded"
                   : ev->error_type ? ev->error_type : "server_error";

  if (!self->created)
    {
      begin (self, out, "error");
      sy_json_write_key (out, "code");
      sy_json_write_string (out, code);
      sy_json_write_key (out, "message");
      sy_json_write_string (out, text);
      g_string_append (out, ",\"param\":null");
      end (out);
      return;
    }
  begin (self, out, "response.failed");
  sy_json_write_key (out, "response");
  append_response (self, out, "failed", NULL, code, text, TRUE);
  end (out);
}

static void
on_done (SyResponsesStreamEncoder *self,
         GString                  *out)
{
  const char *incomplete_reason = NULL;
  const char *status = _sy_responses_status_for_stop (self->stop, &incomplete_reason);

  ensure_created (self, out);
  close_all (self, out);
  begin (self, out, g_str_equal (status, "incomplete") ? "response.incomplete"
                                                       : "response.completed");
  sy_json_write_key (out, "response");
  append_response (self, out, status, incomplete_reason, NULL, NULL, TRUE);
  end (out);
}

static void
sy_responses_stream_encoder_encode (SyStreamEncoder     *encoder,
                                    const SyStreamEvent *ev,
                                    GString             *out)
{
  SyResponsesStreamEncoder *self = SY_RESPONSES_STREAM_ENCODER (encoder);
  Part *p;

  switch (ev->kind)
    {
    case SY_EVENT_START:
      if (!self->created)
        {
          g_free (self->upstream_id);
          self->upstream_id = g_strdup (ev->id);
          if (ev->model != NULL)
            {
              g_free (self->model);
              self->model = g_strdup (ev->model);
            }
        }
      ensure_created (self, out);
      break;
    case SY_EVENT_PART_START:
      flush_pending (self, NULL, out);
      p = g_hash_table_lookup (self->parts, GUINT_TO_POINTER (ev->index));
      if (p == NULL)
        start_part (self, ev, out);
      break;
    case SY_EVENT_DELTA:
      on_delta (self, ev, out);
      break;
    case SY_EVENT_SIGNATURE:
      on_signature (self, ev, out);
      break;
    case SY_EVENT_PART_STOP:
      p = g_hash_table_lookup (self->parts, GUINT_TO_POINTER (ev->index));
      if (p != NULL)
        close_part (self, p, out);
      break;
    case SY_EVENT_USAGE:
      flush_pending (self, NULL, out);
      sy_usage_merge (&self->usage, &ev->usage);
      break;
    case SY_EVENT_FINISH:
      self->stop = ev->stop_reason;
      sy_usage_merge (&self->usage, &ev->usage);
      if (self->created)
        close_all (self, out);
      if (ev->stop_sequence != NULL)
        _sy_responses_note (notes_of (self), "stop sequence not reported: Responses has no "
                            "field for it");
      break;
    case SY_EVENT_ERROR:
      on_error (self, ev, out);
      break;
    case SY_EVENT_PING:
      g_string_append (out, ": ping\n\n");
      break;
    case SY_EVENT_DONE:
      on_done (self, out);
      break;
    default:
      break;
    }
}

static void
sy_responses_stream_encoder_finalize (GObject *object)
{
  SyResponsesStreamEncoder *self = SY_RESPONSES_STREAM_ENCODER (object);

  g_free (self->upstream_id);
  g_free (self->response_id);
  g_free (self->model);
  g_hash_table_unref (self->parts);
  g_ptr_array_unref (self->pending);
  g_ptr_array_unref (self->sequential);
  g_ptr_array_unref (self->items);
  G_OBJECT_CLASS (sy_responses_stream_encoder_parent_class)->finalize (object);
}

static void
sy_responses_stream_encoder_class_init (SyResponsesStreamEncoderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sy_responses_stream_encoder_finalize;
  SY_STREAM_ENCODER_CLASS (klass)->encode = sy_responses_stream_encoder_encode;
}

static void
sy_responses_stream_encoder_init (SyResponsesStreamEncoder *self)
{
  self->parts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, part_free);
  self->pending = g_ptr_array_new ();
  self->sequential = g_ptr_array_new ();
  self->items = g_ptr_array_new_with_free_func (g_free);
  sy_usage_init (&self->usage);
}

SyStreamEncoder *
sy_responses_stream_encoder_new (void)
{
  return g_object_new (SY_TYPE_RESPONSES_STREAM_ENCODER, NULL);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes a stream as Gemini's: "data: <GenerateContentResponse>\r\n\r\n" per chunk, compact
 * JSON on one line (Google's SDKs match "data: (.*)" up to the blank line). Text and thoughts
 * go out as they come; a function call goes out whole when its part stops (Gemini never
 * streams arguments); the last chunk carries finishReason and usageMetadata. There is no end
 * marker, no keep-alive (a comment line stalls older Google SDKs), no [DONE]. Pure.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-gemini-stream-encoder.h"

#include <string.h>

#include "core/sy-json-scan.h"
#include "sy-gemini-private.h"

typedef struct
{
  guint    index;
  char    *id;
  char    *name;
  GString *arguments;
  char    *signature;
} Call;

struct _SyGeminiStreamEncoder
{
  SyStreamEncoder  parent_instance;

  char            *id;
  char            *model;
  GPtrArray       *calls;        /* Call: function calls whose arguments are still arriving */
  GHashTable      *kinds;        /* part index -> SyPartKind + 1 */
  SyUsage          usage;
  SyStopReason     stop_reason;
  gboolean         malformed;    /* a call was dropped: its arguments were not an object */
  gboolean         noted_redacted;
};

G_DEFINE_FINAL_TYPE (SyGeminiStreamEncoder, sy_gemini_stream_encoder, SY_TYPE_STREAM_ENCODER)

static void
call_free (gpointer data)
{
  Call *call = data;

  g_free (call->id);
  g_free (call->name);
  g_string_free (call->arguments, TRUE);
  g_free (call->signature);
  g_free (call);
}

static void
note (SyGeminiStreamEncoder *self,
      const char            *message)
{
  g_ptr_array_add (sy_stream_encoder_get_notes (SY_STREAM_ENCODER (self)), g_strdup (message));
}

/* Opens a chunk: everything up to the parts array's first element. */
static void
begin_chunk (GString *out)
{
  g_string_append (out, "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[");
}

/* Closes a chunk opened with begin_chunk (the parts written). */
static void
end_chunk (SyGeminiStreamEncoder *self,
           GString               *out,
           const char            *finish_reason,
           gboolean               with_usage)
{
  const char *model = self->model ? self->model
                                  : sy_stream_encoder_get_model (SY_STREAM_ENCODER (self));

  g_string_append (out, "]}");
  if (finish_reason != NULL)
    {
      g_string_append (out, ",\"finishReason\":");
      sy_json_append_string (out, finish_reason);
    }
  g_string_append (out, ",\"index\":0}]");
  if (with_usage)
    _sy_gemini_append_usage (out, &self->usage,
                             sy_stream_encoder_get_notes (SY_STREAM_ENCODER (self)));
  if (model != NULL)
    {
      g_string_append (out, ",\"modelVersion\":");
      sy_json_append_string (out, _sy_gemini_model_id (model));
    }
  if (self->id != NULL)
    {
      g_string_append (out, ",\"responseId\":");
      sy_json_append_string (out, self->id);
    }
  g_string_append (out, "}\r\n\r\n");
}

static void
text_chunk (SyGeminiStreamEncoder *self,
            GString               *out,
            const char            *text,
            gsize                  len,
            gboolean               thought,
            const char            *signature)
{
  g_autofree char *copy = g_strndup (text ? text : "", len);

  begin_chunk (out);
  g_string_append (out, "{\"text\":");
  sy_json_append_string (out, copy);
  if (thought)
    g_string_append (out, ",\"thought\":true");
  if (signature != NULL)
    {
      g_string_append (out, ",\"thoughtSignature\":");
      sy_json_append_string (out, signature);
    }
  g_string_append_c (out, '}');
  end_chunk (self, out, NULL, FALSE);
}

static Call *
find_call (SyGeminiStreamEncoder *self,
           guint                  index)
{
  for (guint i = 0; i < self->calls->len; i++)
    {
      Call *call = g_ptr_array_index (self->calls, i);

      if (call->index == index)
        return call;
    }
  return NULL;
}

static Call *
ensure_call (SyGeminiStreamEncoder *self,
             guint                  index)
{
  Call *call = find_call (self, index);

  if (call == NULL)
    {
      call = g_new0 (Call, 1);
      call->index = index;
      call->arguments = g_string_new (NULL);
      g_ptr_array_add (self->calls, call);
    }
  return call;
}

/* The call is complete: one chunk with the whole functionCall. */
static void
flush_call (SyGeminiStreamEncoder *self,
            Call                  *call,
            GString               *out)
{
  const char *args = call->arguments->str;

  while (g_ascii_isspace (*args))
    args++;
  if (*args == '\0')
    args = "{}";
  else if (!sy_json_check_object (args, strlen (args), SY_GEMINI_MAX_DEPTH, NULL))
    {
      g_autofree char *message = g_strdup_printf (
        "the call to %s has arguments that are not a JSON object (cut off?): not sent",
        call->name ? call->name : "(unnamed)");

      /* Gemini's own way to say the model produced a call it could not complete */
      note (self, message);
      self->malformed = TRUE;
      return;
    }
  begin_chunk (out);
  g_string_append (out, "{\"functionCall\":{");
  if (call->id != NULL)
    {
      g_string_append (out, "\"id\":");
      sy_json_append_string (out, call->id);
      g_string_append_c (out, ',');
    }
  g_string_append (out, "\"name\":");
  sy_json_append_string (out, call->name ? call->name : "");
  g_string_append (out, ",\"args\":");
  /* valid JSON whose line breaks can only be whitespace: a "data:" line may not hold any */
  for (const char *p = args, *brk; *p != '\0'; p = brk + 1)
    {
      brk = strpbrk (p, "\r\n");
      if (brk == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, brk - p);
      g_string_append_c (out, ' ');
    }
  g_string_append_c (out, '}');
  if (call->signature != NULL)
    {
      g_string_append (out, ",\"thoughtSignature\":");
      sy_json_append_string (out, call->signature);
    }
  g_string_append_c (out, '}');
  end_chunk (self, out, NULL, FALSE);
}

static void
flush_calls (SyGeminiStreamEncoder *self,
             GString               *out)
{
  for (guint i = 0; i < self->calls->len; i++)
    flush_call (self, g_ptr_array_index (self->calls, i), out);
  g_ptr_array_set_size (self->calls, 0);
}

static SyPartKind
kind_of (SyGeminiStreamEncoder *self,
         const SyStreamEvent   *event)
{
  gpointer kind = g_hash_table_lookup (self->kinds, GUINT_TO_POINTER (event->index));

  return kind != NULL ? (SyPartKind) (GPOINTER_TO_INT (kind) - 1) : event->part_kind;
}

static void
encode_error (SyGeminiStreamEncoder *self,
              const SyStreamEvent   *event,
              GString               *out)
{
  guint status = _sy_gemini_error_status (event->status, event->error_type);
  g_autofree char *message = g_strndup (event->text ? event->text : "", event->text_len);

  g_string_append_printf (out, "data: {\"error\":{\"code\":%u,\"message\":", status);
  sy_json_append_string (out, *message ? message : "the upstream reported an error");
  g_string_append (out, ",\"status\":");
  sy_json_append_string (out, _sy_gemini_status_name (status));
  g_string_append (out, "}}\r\n\r\n");
}

static void
encode_end (SyGeminiStreamEncoder *self,
            GString               *out)
{
  GPtrArray *notes = sy_stream_encoder_get_notes (SY_STREAM_ENCODER (self));
  const char *finish;

  flush_calls (self, out);
  finish = _sy_gemini_finish_reason (self->stop_reason, notes);
  if (self->malformed && self->stop_reason != SY_STOP_MAX_TOKENS)
    finish = "MALFORMED_FUNCTION_CALL";
  begin_chunk (out);
  end_chunk (self, out, finish, TRUE);
}

static void
sy_gemini_stream_encoder_encode (SyStreamEncoder     *encoder,
                                 const SyStreamEvent *event,
                                 GString             *out)
{
  SyGeminiStreamEncoder *self = SY_GEMINI_STREAM_ENCODER (encoder);
  Call *call;

  switch (event->kind)
    {
    case SY_EVENT_START:
      if (event->id != NULL)
        {
          g_free (self->id);
          self->id = g_strdup (event->id);
        }
      if (event->model != NULL)
        {
          g_free (self->model);
          self->model = g_strdup (event->model);
        }
      break;
    case SY_EVENT_PART_START:
      g_hash_table_insert (self->kinds, GUINT_TO_POINTER (event->index),
                           GINT_TO_POINTER ((int) event->part_kind + 1));
      if (event->part_kind == SY_PART_TOOL_CALL)
        {
          call = ensure_call (self, event->index);
          if (event->id != NULL && call->id == NULL)
            call->id = g_strdup (event->id);
          if (event->name != NULL && call->name == NULL)
            call->name = g_strdup (event->name);
        }
      break;
    case SY_EVENT_DELTA:
      if (event->text == NULL || event->text_len == 0)
        break;
      switch (event->part_kind)
        {
        case SY_PART_TEXT:
        case SY_PART_THINKING:
          text_chunk (self, out, event->text, event->text_len,
                      event->part_kind == SY_PART_THINKING, NULL);
          break;
        case SY_PART_TOOL_CALL:
          g_string_append_len (ensure_call (self, event->index)->arguments, event->text,
                               event->text_len);
          break;
        case SY_PART_REDACTED_THINKING:
          if (!self->noted_redacted)
            note (self, "redacted reasoning (Anthropic) has no place in a Gemini stream; not "
                  "sent");
          self->noted_redacted = TRUE;
          break;
        default:
          break;
        }
      break;
    case SY_EVENT_SIGNATURE:
      if (event->text == NULL || event->text_len == 0)
        break;
      switch (kind_of (self, event))
        {
        case SY_PART_TOOL_CALL:
          call = ensure_call (self, event->index);
          g_free (call->signature);
          call->signature = g_strndup (event->text, event->text_len);
          break;
        case SY_PART_TEXT:
        case SY_PART_THINKING:
          {
            g_autofree char *signature = g_strndup (event->text, event->text_len);

            /* Gemini's own shape: an empty part carrying the signature of the part before */
            text_chunk (self, out, "", 0, kind_of (self, event) == SY_PART_THINKING, signature);
          }
          break;
        default:
          break;
        }
      break;
    case SY_EVENT_PART_STOP:
      if ((call = find_call (self, event->index)) != NULL)
        {
          flush_call (self, call, out);
          g_ptr_array_remove_fast (self->calls, call);
        }
      break;
    case SY_EVENT_USAGE:
      sy_usage_merge (&self->usage, &event->usage);
      break;
    case SY_EVENT_FINISH:
      flush_calls (self, out);
      self->stop_reason = event->stop_reason;
      sy_usage_merge (&self->usage, &event->usage);
      if (event->stop_sequence != NULL)
        note (self, "stop_sequence: Gemini does not say which stop sequence matched");
      break;
    case SY_EVENT_ERROR:
      encode_error (self, event, out);
      break;
    case SY_EVENT_DONE:
      encode_end (self, out);
      break;
    case SY_EVENT_PING:
    default:
      /* Gemini has no keep-alive: a comment line would stall @google/generative-ai, whose
       * reader only accepts "data: " lines. */
      break;
    }
}

static void
sy_gemini_stream_encoder_finalize (GObject *object)
{
  SyGeminiStreamEncoder *self = SY_GEMINI_STREAM_ENCODER (object);

  g_free (self->id);
  g_free (self->model);
  g_ptr_array_unref (self->calls);
  g_hash_table_unref (self->kinds);
  G_OBJECT_CLASS (sy_gemini_stream_encoder_parent_class)->finalize (object);
}

static void
sy_gemini_stream_encoder_class_init (SyGeminiStreamEncoderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sy_gemini_stream_encoder_finalize;
  SY_STREAM_ENCODER_CLASS (klass)->encode = sy_gemini_stream_encoder_encode;
}

static void
sy_gemini_stream_encoder_init (SyGeminiStreamEncoder *self)
{
  self->calls = g_ptr_array_new_with_free_func (call_free);
  self->kinds = g_hash_table_new (g_direct_hash, g_direct_equal);
  sy_usage_init (&self->usage);
}

SyStreamEncoder *
sy_gemini_stream_encoder_new (void)
{
  return g_object_new (SY_TYPE_GEMINI_STREAM_ENCODER, NULL);
}

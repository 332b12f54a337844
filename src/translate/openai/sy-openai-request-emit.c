/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes the internal representation as an OpenAI Chat Completions request body, repairing
 * what Chat Completions requires (tool messages right after the assistant message that made
 * the calls, one per call). Everything it cannot carry or had to add is named in notes.
 * Pure: no I/O.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-openai-private.h"

#include <string.h>

/* Chat Completions takes at most this many stop sequences. */
#define MAX_STOP 4

typedef struct
{
  const SyChatRequest *r;
  GPtrArray           *notes;
  GString             *out;
  /* Tool calls of the last assistant message not answered yet: id → SyPart (TOOL_CALL). */
  GHashTable          *pending;
  SyMessage           *pending_from;
} Emit;

static void
append_text_part (GString    *out,
                  const char *text)
{
  sy_json_write_elem (out);
  g_string_append (out, "{\"type\":\"text\",\"text\":");
  sy_json_write_string (out, text ? text : "");
  g_string_append_c (out, '}');
}

static void
append_image_part (GString      *out,
                   const SyPart *image)
{
  sy_json_write_elem (out);
  g_string_append (out, "{\"type\":\"image_url\",\"image_url\":{\"url\":");
  if (image->url != NULL)
    sy_json_write_string (out, image->url);
  else
    {
      g_autofree char *url = g_strconcat ("data:", image->media_type, ";base64,", image->data,
                                          NULL);

      sy_json_write_string (out, url);
    }
  g_string_append (out, "}}");
}

static gboolean
image_is_complete (const SyPart *image)
{
  return image->url != NULL || (image->data != NULL && image->media_type != NULL);
}

/* content of a system, tool or assistant message: one text as a string, several as text
 * parts (their boundaries kept), none as "". */
static void
append_texts (GString   *out,
              GPtrArray *texts)
{
  if (texts->len == 0)
    sy_json_write_string (out, "");
  else if (texts->len == 1)
    sy_json_write_string (out, ((SyPart *) g_ptr_array_index (texts, 0))->text ?: "");
  else
    {
      g_string_append_c (out, '[');
      for (guint i = 0; i < texts->len; i++)
        append_text_part (out, ((SyPart *) g_ptr_array_index (texts, i))->text);
      g_string_append_c (out, ']');
    }
}

static void
emit_tool_message (Emit         *e,
                   const char   *id,
                   const char   *signature,
                   const SyPart *result)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();
  g_autofree char *packed = sy_tool_call_id_pack (id, signature);

  for (guint i = 0; result != NULL && result->content != NULL && i < result->content->len; i++)
    {
      SyPart *p = g_ptr_array_index (result->content, i);

      if (p->kind == SY_PART_TEXT)
        g_ptr_array_add (texts, p);
    }
  if (result != NULL && result->is_error)
    _sy_openai_note (e->notes, "tool result %s: its error flag was dropped: Chat Completions "
                               "has no field for it", id);

  sy_json_write_elem (e->out);
  g_string_append (e->out, "{\"role\":\"tool\",\"tool_call_id\":");
  sy_json_write_string (e->out, packed ? packed : "");
  g_string_append (e->out, ",\"content\":");
  append_texts (e->out, texts);
  g_string_append_c (e->out, '}');
}

/* Every call of the last assistant message must have a tool message: the missing ones get an
 * empty result. */
static void
close_pending (Emit *e)
{
  if (g_hash_table_size (e->pending) == 0)
    return;
  for (guint i = 0; i < e->pending_from->parts->len; i++)
    {
      SyPart *call = g_ptr_array_index (e->pending_from->parts, i);

      if (call->kind != SY_PART_TOOL_CALL || !g_hash_table_contains (e->pending, call->id ?: ""))
        continue;
      _sy_openai_note (e->notes, "tool call %s had no result: an empty one was added (Chat "
                                 "Completions requires a tool message for every call)",
                       call->id ?: "");
      g_hash_table_remove (e->pending, call->id ?: "");
      emit_tool_message (e, call->id, call->signature, NULL);
    }
  g_hash_table_remove_all (e->pending);
  e->pending_from = NULL;
}

static void
note_dropped (Emit         *e,
              const SyPart *p,
              const char   *where)
{
  switch (p->kind)
    {
    case SY_PART_THINKING:
      _sy_openai_note (e->notes, "reasoning from a previous turn dropped: Chat Completions has "
                                 "no field for it");
      break;
    case SY_PART_REDACTED_THINKING:
      _sy_openai_note (e->notes, "redacted reasoning from a previous turn dropped: Chat "
                                 "Completions has no field for it");
      break;
    case SY_PART_IMAGE:
      _sy_openai_note (e->notes, "an image in %s dropped: Chat Completions cannot carry it "
                                 "there", where);
      break;
    case SY_PART_TOOL_CALL:
    case SY_PART_TOOL_RESULT:
    case SY_PART_TEXT:
    default:
      _sy_openai_note (e->notes, "a %s part in %s dropped: Chat Completions cannot carry it "
                                 "there",
                       p->kind == SY_PART_TOOL_CALL ? "tool call"
                       : p->kind == SY_PART_TOOL_RESULT ? "tool result" : "text", where);
      break;
    }
}

static void
emit_user_content (Emit      *e,
                   GPtrArray *parts)
{
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  for (guint i = 0; i < parts->len; i++)
    {
      SyPart *p = g_ptr_array_index (parts, i);

      if (p->kind == SY_PART_TEXT || (p->kind == SY_PART_IMAGE && image_is_complete (p)))
        g_ptr_array_add (kept, p);
      else if (p->kind == SY_PART_IMAGE)
        _sy_openai_note (e->notes, "an image with neither a URL nor data and media type dropped");
      else
        note_dropped (e, p, "a user message");
    }
  if (kept->len == 0)
    return;

  sy_json_write_elem (e->out);
  g_string_append (e->out, "{\"role\":\"user\",\"content\":");
  if (kept->len == 1 && ((SyPart *) g_ptr_array_index (kept, 0))->kind == SY_PART_TEXT)
    sy_json_write_string (e->out, ((SyPart *) g_ptr_array_index (kept, 0))->text ?: "");
  else
    {
      g_string_append_c (e->out, '[');
      for (guint i = 0; i < kept->len; i++)
        {
          SyPart *p = g_ptr_array_index (kept, i);

          if (p->kind == SY_PART_TEXT)
            append_text_part (e->out, p->text);
          else
            append_image_part (e->out, p);
        }
      g_string_append_c (e->out, ']');
    }
  g_string_append_c (e->out, '}');
}

/* A USER message: its tool results first, as tool messages answering the calls before it,
 * then the rest as a user message. */
static void
emit_user (Emit      *e,
           SyMessage *m)
{
  g_autoptr(GPtrArray) rest = g_ptr_array_new ();
  gboolean seen_result = FALSE, moved = FALSE;

  for (guint i = 0; i < m->parts->len; i++)
    {
      SyPart *p = g_ptr_array_index (m->parts, i);
      SyPart *call;

      if (p->kind != SY_PART_TOOL_RESULT)
        {
          g_ptr_array_add (rest, p);
          continue;
        }
      if (!seen_result && rest->len > 0)
        moved = TRUE;
      seen_result = TRUE;
      call = g_hash_table_lookup (e->pending, p->id ?: "");
      if (call != NULL)
        {
          g_hash_table_remove (e->pending, p->id ?: "");
          emit_tool_message (e, p->id, call->signature, p);
        }
      else
        _sy_openai_note (e->notes, "tool result %s answers no tool call of the message before "
                                   "it: sent as user content", p->id ?: "");
      /* A tool message carries text only: images go to the user message after it; an
       * unanswerable result's content goes there whole. */
      for (guint j = 0; p->content != NULL && j < p->content->len; j++)
        {
          SyPart *c = g_ptr_array_index (p->content, j);

          if (call == NULL || c->kind != SY_PART_TEXT)
            g_ptr_array_add (rest, c);
          if (call != NULL && c->kind == SY_PART_IMAGE)
            _sy_openai_note (e->notes, "an image in tool result %s was moved to a user message "
                                       "after it: tool messages carry only text", p->id ?: "");
        }
    }
  close_pending (e);
  if (moved)
    _sy_openai_note (e->notes, "user content placed after the tool results: Chat Completions "
                               "wants tool messages right after the assistant message");
  emit_user_content (e, rest);
}

static void
emit_assistant (Emit      *e,
                SyMessage *m)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();
  g_autoptr(GPtrArray) calls = g_ptr_array_new ();

  close_pending (e);
  for (guint i = 0; i < m->parts->len; i++)
    {
      SyPart *p = g_ptr_array_index (m->parts, i);

      if (p->kind == SY_PART_TEXT)
        g_ptr_array_add (texts, p);
      else if (p->kind == SY_PART_TOOL_CALL)
        g_ptr_array_add (calls, p);
      else
        note_dropped (e, p, "an assistant message");
    }
  if (texts->len == 0 && calls->len == 0)
    return;

  sy_json_write_elem (e->out);
  g_string_append (e->out, "{\"role\":\"assistant\",\"content\":");
  if (texts->len == 0)
    g_string_append (e->out, "null");
  else
    append_texts (e->out, texts);
  if (calls->len > 0)
    {
      g_string_append (e->out, ",\"tool_calls\":[");
      for (guint i = 0; i < calls->len; i++)
        {
          SyPart *call = g_ptr_array_index (calls, i);
          g_autofree char *packed = sy_tool_call_id_pack (call->id, call->signature);

          sy_json_write_elem (e->out);
          g_string_append (e->out, "{\"id\":");
          sy_json_write_string (e->out, packed ?: "");
          g_string_append (e->out, ",\"type\":\"function\",\"function\":{\"name\":");
          sy_json_write_string (e->out, call->name ?: "");
          g_string_append (e->out, ",\"arguments\":");
          sy_json_write_string (e->out, call->arguments && *call->arguments
                                              ? call->arguments : "{}");
          g_string_append (e->out, "}}");
          g_hash_table_insert (e->pending, call->id ?: "", call);
        }
      g_string_append_c (e->out, ']');
      e->pending_from = m;
    }
  g_string_append_c (e->out, '}');
}

static void
emit_messages (Emit *e)
{
  const SyChatRequest *r = e->r;

  sy_json_write_key (e->out, "messages");
  g_string_append_c (e->out, '[');
  if (r->system->len > 0)
    {
      g_autoptr(GPtrArray) texts = g_ptr_array_new ();

      for (guint i = 0; i < r->system->len; i++)
        {
          SyPart *p = g_ptr_array_index (r->system, i);

          if (p->kind == SY_PART_TEXT)
            g_ptr_array_add (texts, p);
          else
            note_dropped (e, p, "the system instructions");
        }
      if (texts->len > 0)
        {
          g_string_append (e->out, "{\"role\":\"system\",\"content\":");
          append_texts (e->out, texts);
          g_string_append_c (e->out, '}');
        }
    }
  for (guint i = 0; i < r->messages->len; i++)
    {
      SyMessage *m = g_ptr_array_index (r->messages, i);

      if (m->role == SY_ROLE_USER)
        emit_user (e, m);
      else
        emit_assistant (e, m);
    }
  close_pending (e);
  g_string_append_c (e->out, ']');
}

static void
emit_tools (Emit *e)
{
  const SyChatRequest *r = e->r;

  if (r->tools->len > 0)
    {
      sy_json_write_key (e->out, "tools");
      g_string_append_c (e->out, '[');
      for (guint i = 0; i < r->tools->len; i++)
        {
          SyTool *tool = g_ptr_array_index (r->tools, i);

          sy_json_write_elem (e->out);
          g_string_append (e->out, "{\"type\":\"function\",\"function\":{\"name\":");
          sy_json_write_string (e->out, tool->name ?: "");
          if (tool->description != NULL)
            {
              sy_json_write_key (e->out, "description");
              sy_json_write_string (e->out, tool->description);
            }
          if (tool->parameters != NULL)
            {
              sy_json_write_key (e->out, "parameters");
              sy_json_write_node (e->out, tool->parameters);
            }
          if (tool->strict)
            g_string_append (e->out, ",\"strict\":true");
          g_string_append (e->out, "}}");
        }
      g_string_append_c (e->out, ']');
    }

  /* Chat Completions refuses tool_choice and parallel_tool_calls without tools. */
  if (r->tool_choice != SY_TOOL_CHOICE_UNSET && r->tools->len == 0)
    _sy_openai_note (e->notes, "tool_choice dropped: the request has no tools and Chat "
                               "Completions refuses tool_choice without them");
  else if (r->tool_choice != SY_TOOL_CHOICE_UNSET)
    {
      sy_json_write_key (e->out, "tool_choice");
      switch (r->tool_choice)
        {
        case SY_TOOL_CHOICE_NONE:
          g_string_append (e->out, "\"none\"");
          break;
        case SY_TOOL_CHOICE_REQUIRED:
          g_string_append (e->out, "\"required\"");
          break;
        case SY_TOOL_CHOICE_NAMED:
          g_string_append (e->out, "{\"type\":\"function\",\"function\":{\"name\":");
          sy_json_write_string (e->out, r->tool_choice_name ?: "");
          g_string_append (e->out, "}}");
          break;
        case SY_TOOL_CHOICE_AUTO:
        case SY_TOOL_CHOICE_UNSET:
        default:
          g_string_append (e->out, "\"auto\"");
          break;
        }
    }
  if (r->parallel_tool_calls != SY_UNSET && r->tools->len == 0)
    _sy_openai_note (e->notes, "parallel_tool_calls dropped: the request has no tools and Chat "
                               "Completions refuses parallel_tool_calls without them");
  else if (r->parallel_tool_calls != SY_UNSET)
    {
      sy_json_write_key (e->out, "parallel_tool_calls");
      g_string_append (e->out, r->parallel_tool_calls ? "true" : "false");
    }
}

static void
emit_reasoning (Emit *e)
{
  const SyChatRequest *r = e->r;
  const char *effort = sy_effort_to_string (r->reasoning_effort);

  if (effort == NULL && r->thinking_budget >= 0)
    {
      /* Chat Completions has no token budget: the nearest effort. */
      if (r->thinking_budget == 0)
        effort = "none";
      else if (r->thinking_budget <= 1024)
        effort = "low";
      else if (r->thinking_budget <= 8192)
        effort = "medium";
      else
        effort = "high";
      _sy_openai_note (e->notes, "thinking budget of %" G_GINT64_FORMAT " tokens sent as "
                                 "reasoning_effort \"%s\": Chat Completions has no token budget",
                       r->thinking_budget, effort);
    }
  else if (effort != NULL && r->thinking_budget >= 0)
    _sy_openai_note (e->notes, "thinking budget of %" G_GINT64_FORMAT " tokens dropped: Chat "
                               "Completions has only reasoning_effort",
                     r->thinking_budget);
  if (effort != NULL)
    {
      sy_json_write_key (e->out, "reasoning_effort");
      sy_json_write_string (e->out, effort);
    }
}

static void
emit_response_format (Emit *e)
{
  const SyChatRequest *r = e->r;

  switch (r->format)
    {
    case SY_FORMAT_TEXT:
      sy_json_write_key (e->out, "response_format");
      g_string_append (e->out, "{\"type\":\"text\"}");
      break;
    case SY_FORMAT_JSON_OBJECT:
      sy_json_write_key (e->out, "response_format");
      g_string_append (e->out, "{\"type\":\"json_object\"}");
      break;
    case SY_FORMAT_JSON_SCHEMA:
      sy_json_write_key (e->out, "response_format");
      g_string_append (e->out, "{\"type\":\"json_schema\",\"json_schema\":{\"name\":");
      if (r->format_name == NULL)
        _sy_openai_note (e->notes, "response_format.json_schema.name defaulted to \"response\": "
                                   "Chat Completions requires a name");
      sy_json_write_string (e->out, r->format_name ?: "response");
      if (r->format_schema != NULL)
        {
          sy_json_write_key (e->out, "schema");
          sy_json_write_node (e->out, r->format_schema);
        }
      if (r->format_strict)
        g_string_append (e->out, ",\"strict\":true");
      g_string_append (e->out, "}}");
      break;
    case SY_FORMAT_UNSET:
    default:
      break;
    }
}

static void
emit_number (GString    *out,
             const char *key,
             double      value)
{
  if (isnan (value))
    return;
  sy_json_write_key (out, key);
  sy_json_write_double (out, value);
}

static void
emit_sampling (Emit *e)
{
  const SyChatRequest *r = e->r;

  if (r->stream)
    g_string_append (e->out, ",\"stream\":true,\"stream_options\":{\"include_usage\":true}");
  /* max_tokens, not max_completion_tokens: OpenAI-compatible providers (DeepSeek, Groq,
   * vLLM, ...) all know max_tokens. */
  if (r->max_tokens >= 0)
    {
      sy_json_write_key (e->out, "max_tokens");
      g_string_append_printf (e->out, "%" G_GINT64_FORMAT, r->max_tokens);
    }
  emit_number (e->out, "temperature", r->temperature);
  emit_number (e->out, "top_p", r->top_p);
  if (r->top_k >= 0)
    _sy_openai_note (e->notes, "top_k (%" G_GINT64_FORMAT ") dropped: Chat Completions has no "
                               "top_k", r->top_k);
  emit_number (e->out, "presence_penalty", r->presence_penalty);
  emit_number (e->out, "frequency_penalty", r->frequency_penalty);
  if (r->seed != SY_UNSET)
    {
      sy_json_write_key (e->out, "seed");
      g_string_append_printf (e->out, "%" G_GINT64_FORMAT, r->seed);
    }
  if (r->stop != NULL && r->stop->len > 0)
    {
      sy_json_write_key (e->out, "stop");
      g_string_append_c (e->out, '[');
      for (guint i = 0; i < r->stop->len && i < MAX_STOP; i++)
        {
          sy_json_write_elem (e->out);
          sy_json_write_string (e->out, g_ptr_array_index (r->stop, i));
        }
      g_string_append_c (e->out, ']');
      if (r->stop->len > MAX_STOP)
        _sy_openai_note (e->notes, "%u stop sequences dropped: Chat Completions takes at most %d",
                         r->stop->len - MAX_STOP, MAX_STOP);
    }
  if (r->user != NULL)
    {
      sy_json_write_key (e->out, "user");
      sy_json_write_string (e->out, r->user);
    }
}

GBytes *
_sy_openai_emit_request (const SyChatRequest  *request,
                         GPtrArray            *notes,
                         GError              **error)
{
  g_autoptr(GHashTable) pending = g_hash_table_new (g_str_hash, g_str_equal);
  Emit e = { request, notes, NULL, pending, NULL };
  GString *out;

  g_return_val_if_fail (request != NULL, NULL);

  if (request->model == NULL)
    {
      sy_json_read_set_error (error, SY_TRANSLATE_ERROR_INVALID_REQUEST, NULL, "model", "required");
      return NULL;
    }
  out = g_string_sized_new (1024);
  e.out = out;
  g_string_append (out, "{\"model\":");
  sy_json_write_string (out, request->model);
  emit_messages (&e);
  emit_tools (&e);
  emit_sampling (&e);
  emit_reasoning (&e);
  emit_response_format (&e);
  g_string_append_c (out, '}');
  return g_string_free_to_bytes (out);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The internal representation as an OpenAI Responses request body for the upstream, and its
 * path. Pure. Nothing is invented: every default the target needs and everything it cannot
 * carry is added to notes.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-responses-private.h"

#include <string.h>

/* OpenAI rejects a smaller max_output_tokens (clients send 1 to probe a quota). */
#define MIN_OUTPUT_TOKENS 16

char *
_sy_responses_request_path (const SyChatRequest *request)
{
  return g_strdup ("/responses");
}

/* A message item being written: open until a part of another kind (a tool call, a tool
 * output, reasoning) needs an item of its own. */
typedef struct
{
  GString    *out;
  GPtrArray  *notes;
  const char *role;   /* the open message's role, or NULL */
} Emit;

static void
close_message (Emit *e)
{
  if (e->role == NULL)
    return;
  g_string_append (e->out, "]}");
  e->role = NULL;
}

static void
open_message (Emit       *e,
              const char *role)
{
  if (e->role != NULL && g_str_equal (e->role, role))
    {
      sy_json_write_elem (e->out);
      return;
    }
  close_message (e);
  sy_json_write_elem (e->out);
  g_string_append (e->out, "{\"type\":\"message\",\"role\":");
  sy_json_write_string (e->out, role);
  g_string_append (e->out, ",\"content\":[");
  e->role = role;
}

static void
append_text_part (GString    *out,
                  const char *type,
                  const char *text)
{
  g_string_append (out, "{\"type\":\"");
  g_string_append (out, type);
  g_string_append (out, "\",\"text\":");
  sy_json_write_string (out, text ? text : "");
  g_string_append_c (out, '}');
}

static void
append_image_part (GString      *out,
                   const SyPart *part,
                   GPtrArray    *notes)
{
  g_string_append (out, "{\"type\":\"input_image\",\"image_url\":");
  if (part->url != NULL)
    sy_json_write_string (out, part->url);
  else
    {
      g_autofree char *url = NULL;

      if (part->media_type == NULL)
        _sy_responses_note (notes, "image media type defaulted to image/png: a data URL "
                            "needs one");
      url = g_strdup_printf ("data:%s;base64,%s",
                             part->media_type ? part->media_type : "image/png",
                             part->data ? part->data : "");
      sy_json_write_string (out, url);
    }
  g_string_append_c (out, '}');
}

static void
append_tool_output (Emit         *e,
                    const SyPart *part)
{
  gboolean has_image = FALSE;

  for (guint i = 0; part->content != NULL && i < part->content->len; i++)
    has_image |= ((SyPart *) g_ptr_array_index (part->content, i))->kind == SY_PART_IMAGE;

  close_message (e);
  sy_json_write_elem (e->out);
  g_string_append (e->out, "{\"type\":\"function_call_output\",\"call_id\":");
  sy_json_write_string (e->out, part->id ? part->id : "");
  g_string_append (e->out, ",\"output\":");
  if (!has_image)
    {
      g_autofree char *text = sy_parts_dup_text (part->content);

      sy_json_write_string (e->out, text ? text : "");
    }
  else
    {
      g_string_append_c (e->out, '[');
      for (guint i = 0; i < part->content->len; i++)
        {
          SyPart *p = g_ptr_array_index (part->content, i);

          sy_json_write_elem (e->out);
          if (p->kind == SY_PART_IMAGE)
            append_image_part (e->out, p, e->notes);
          else
            append_text_part (e->out, "input_text", p->text);
        }
      g_string_append_c (e->out, ']');
    }
  g_string_append_c (e->out, '}');
  if (part->is_error)
    _sy_responses_note (e->notes, "tool result error flag not carried: Responses function "
                        "outputs have none");
}

static void
append_tool_call (Emit         *e,
                  const SyPart *part)
{
  close_message (e);
  sy_json_write_elem (e->out);
  g_string_append (e->out, "{\"type\":\"function_call\",\"call_id\":");
  sy_json_write_string (e->out, part->id ? part->id : "");
  g_string_append (e->out, ",\"name\":");
  sy_json_write_string (e->out, part->name ? part->name : "");
  g_string_append (e->out, ",\"arguments\":");
  sy_json_write_string (e->out, part->arguments && *part->arguments
                                         ? part->arguments : "{}");
  g_string_append_c (e->out, '}');
  if (part->signature != NULL)
    _sy_responses_note (e->notes, "tool call signature dropped: it belongs to another "
                        "provider and OpenAI has no place for it");
}

/* Only OpenAI's own encrypted reasoning can go back to OpenAI. */
static void
append_reasoning (Emit         *e,
                  const SyPart *part)
{
  g_autofree char *id = NULL;
  g_autofree char *encrypted = NULL;

  if (part->kind == SY_PART_REDACTED_THINKING)
    {
      _sy_responses_note (e->notes, "redacted thinking dropped: it belongs to another provider");
      return;
    }
  if (part->signature == NULL ||
      strstr (part->signature, SY_TOOL_ID_SIGNATURE_SEPARATOR) == NULL)
    {
      _sy_responses_note (e->notes, part->signature
                            ? "thinking dropped: it is signed by another provider"
                            : "thinking dropped: OpenAI only takes back its own encrypted "
                              "reasoning");
      return;
    }
  sy_tool_call_id_unpack (part->signature, &id, &encrypted);
  close_message (e);
  sy_json_write_elem (e->out);
  g_string_append (e->out, "{\"type\":\"reasoning\"");
  if (id != NULL && *id != '\0')
    {
      sy_json_write_key (e->out, "id");
      sy_json_write_string (e->out, id);
    }
  sy_json_write_key (e->out, "summary");
  g_string_append_c (e->out, '[');
  if (part->text != NULL && *part->text != '\0')
    append_text_part (e->out, "summary_text", part->text);
  g_string_append_c (e->out, ']');
  sy_json_write_key (e->out, "encrypted_content");
  sy_json_write_string (e->out, encrypted);
  g_string_append_c (e->out, '}');
}

static void
append_input (Emit                *e,
              const SyChatRequest *request)
{
  sy_json_write_key (e->out, "input");
  g_string_append_c (e->out, '[');
  for (guint i = 0; i < request->messages->len; i++)
    {
      SyMessage *m = g_ptr_array_index (request->messages, i);
      gboolean user = m->role == SY_ROLE_USER;

      for (guint j = 0; j < m->parts->len; j++)
        {
          SyPart *part = g_ptr_array_index (m->parts, j);

          switch (part->kind)
            {
            case SY_PART_TEXT:
              if (part->signature != NULL)
                _sy_responses_note (e->notes, "text signature dropped: it belongs to another "
                                    "provider");
              open_message (e, user ? "user" : "assistant");
              append_text_part (e->out, user ? "input_text" : "output_text", part->text);
              break;
            case SY_PART_IMAGE:
              if (!user)
                {
                  _sy_responses_note (e->notes, "image in an assistant message dropped: "
                                      "Responses assistant messages carry text only");
                  break;
                }
              open_message (e, "user");
              append_image_part (e->out, part, e->notes);
              break;
            case SY_PART_TOOL_CALL:
              append_tool_call (e, part);
              break;
            case SY_PART_TOOL_RESULT:
              append_tool_output (e, part);
              break;
            case SY_PART_THINKING:
            case SY_PART_REDACTED_THINKING:
            default:
              append_reasoning (e, part);
              break;
            }
        }
      /* keep message boundaries: the next message starts its own item */
      close_message (e);
    }
  g_string_append_c (e->out, ']');
}

static void
append_tools (Emit                *e,
              const SyChatRequest *request)
{
  if (request->tools->len == 0)
    return;
  sy_json_write_key (e->out, "tools");
  g_string_append_c (e->out, '[');
  for (guint i = 0; i < request->tools->len; i++)
    {
      SyTool *tool = g_ptr_array_index (request->tools, i);

      sy_json_write_elem (e->out);
      g_string_append (e->out, "{\"type\":\"function\",\"name\":");
      sy_json_write_string (e->out, tool->name ? tool->name : "");
      if (tool->description != NULL)
        {
          sy_json_write_key (e->out, "description");
          sy_json_write_string (e->out, tool->description);
        }
      /* parameters is required (it may be null); strict defaults to true in Responses, so
       * it is always written to keep the source's meaning */
      sy_json_write_key (e->out, "parameters");
      sy_json_write_node (e->out, tool->parameters);
      sy_json_write_key (e->out, "strict");
      g_string_append (e->out, tool->strict ? "true" : "false");
      g_string_append_c (e->out, '}');
    }
  g_string_append_c (e->out, ']');
}

static void
append_tool_choice (Emit                *e,
                    const SyChatRequest *request)
{
  switch (request->tool_choice)
    {
    case SY_TOOL_CHOICE_AUTO:
      sy_json_write_key (e->out, "tool_choice");
      g_string_append (e->out, "\"auto\"");
      break;
    case SY_TOOL_CHOICE_NONE:
      sy_json_write_key (e->out, "tool_choice");
      g_string_append (e->out, "\"none\"");
      break;
    case SY_TOOL_CHOICE_REQUIRED:
      sy_json_write_key (e->out, "tool_choice");
      g_string_append (e->out, "\"required\"");
      break;
    case SY_TOOL_CHOICE_NAMED:
      sy_json_write_key (e->out, "tool_choice");
      g_string_append (e->out, "{\"type\":\"function\",\"name\":");
      sy_json_write_string (e->out, request->tool_choice_name ? request->tool_choice_name
                                                                     : "");
      g_string_append_c (e->out, '}');
      break;
    case SY_TOOL_CHOICE_UNSET:
    default:
      break;
    }
  if (request->parallel_tool_calls != SY_UNSET)
    {
      sy_json_write_key (e->out, "parallel_tool_calls");
      g_string_append (e->out, request->parallel_tool_calls ? "true" : "false");
    }
}

static void
append_reasoning_config (Emit                *e,
                         const SyChatRequest *request)
{
  const char *effort = sy_effort_to_string (request->reasoning_effort);
  gint64 budget = request->thinking_budget;

  if (effort != NULL && budget >= 0)
    _sy_responses_note (e->notes, "thinking budget of %" G_GINT64_FORMAT " tokens dropped: "
                        "Responses takes the effort given with it", budget);
  else if (effort == NULL && budget >= 0)
    {
      effort = budget == 0 ? "none" : budget <= 1024 ? "low" : budget <= 8192 ? "medium" : "high";
      _sy_responses_note (e->notes, "thinking budget of %" G_GINT64_FORMAT " tokens sent as "
                          "reasoning effort \"%s\": Responses takes an effort, not a budget",
                          budget, effort);
    }
  if (effort == NULL)
    return;
  sy_json_write_key (e->out, "reasoning");
  g_string_append (e->out, "{\"effort\":");
  sy_json_write_string (e->out, effort);
  g_string_append_c (e->out, '}');
  if (!g_str_equal (effort, "none"))
    {
      /* without it OpenAI keeps no reasoning the next turn could send back (store is off) */
      sy_json_write_key (e->out, "include");
      g_string_append (e->out, "[\"reasoning.encrypted_content\"]");
      _sy_responses_note (e->notes, "include reasoning.encrypted_content requested so that "
                          "reasoning can be carried to the next turn");
    }
}

static void
append_format (Emit                *e,
               const SyChatRequest *request)
{
  switch (request->format)
    {
    case SY_FORMAT_TEXT:
      sy_json_write_key (e->out, "text");
      g_string_append (e->out, "{\"format\":{\"type\":\"text\"}}");
      break;
    case SY_FORMAT_JSON_OBJECT:
      sy_json_write_key (e->out, "text");
      g_string_append (e->out, "{\"format\":{\"type\":\"json_object\"}}");
      break;
    case SY_FORMAT_JSON_SCHEMA:
      sy_json_write_key (e->out, "text");
      if (request->format_schema == NULL)
        {
          g_string_append (e->out, "{\"format\":{\"type\":\"json_object\"}}");
          _sy_responses_note (e->notes, "JSON schema format without a schema sent as "
                              "json_object");
          break;
        }
      g_string_append (e->out, "{\"format\":{\"type\":\"json_schema\",\"name\":");
      if (request->format_name == NULL)
        _sy_responses_note (e->notes, "text.format.name defaulted to \"response\": Responses "
                            "requires a schema name");
      sy_json_write_string (e->out, request->format_name ? request->format_name
                                                                : "response");
      g_string_append (e->out, ",\"schema\":");
      sy_json_write_node (e->out, request->format_schema);
      g_string_append (e->out, ",\"strict\":");
      g_string_append (e->out, request->format_strict ? "true" : "false");
      g_string_append (e->out, "}}");
      break;
    case SY_FORMAT_UNSET:
    default:
      break;
    }
}

static void
note_dropped (Emit                *e,
              const SyChatRequest *request)
{
  if (request->top_k != SY_UNSET)
    _sy_responses_note (e->notes, "top_k dropped: the Responses API has no top_k");
  if (!isnan (request->presence_penalty))
    _sy_responses_note (e->notes, "presence_penalty dropped: the Responses API has none");
  if (!isnan (request->frequency_penalty))
    _sy_responses_note (e->notes, "frequency_penalty dropped: the Responses API has none");
  if (request->seed != SY_UNSET)
    _sy_responses_note (e->notes, "seed dropped: the Responses API has none");
  if (request->stop != NULL && request->stop->len > 0)
    _sy_responses_note (e->notes, "stop sequences dropped: the Responses API has none");
}

GBytes *
_sy_responses_emit_request (const SyChatRequest  *request,
                            GPtrArray            *notes,
                            GError              **error)
{
  g_autoptr(GString) out = g_string_sized_new (4096);
  g_autofree char *instructions = NULL;
  Emit e = { out, notes, NULL };

  g_return_val_if_fail (request != NULL, NULL);

  g_string_append (out, "{\"model\":");
  sy_json_write_string (out, request->model ? request->model : "");
  instructions = sy_parts_dup_text (request->system);
  if (instructions != NULL)
    {
      sy_json_write_key (out, "instructions");
      sy_json_write_string (out, instructions);
    }
  append_input (&e, request);
  append_tools (&e, request);
  append_tool_choice (&e, request);
  if (request->max_tokens != SY_UNSET)
    {
      gint64 max_tokens = MAX (request->max_tokens, MIN_OUTPUT_TOKENS);

      if (max_tokens != request->max_tokens)
        _sy_responses_note (notes, "max_output_tokens raised from %" G_GINT64_FORMAT " to %d: "
                            "the Responses API's minimum", request->max_tokens,
                            MIN_OUTPUT_TOKENS);
      sy_json_write_key (out, "max_output_tokens");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, max_tokens);
    }
  if (!isnan (request->temperature))
    {
      sy_json_write_key (out, "temperature");
      sy_json_write_double (out, request->temperature);
    }
  if (!isnan (request->top_p))
    {
      sy_json_write_key (out, "top_p");
      sy_json_write_double (out, request->top_p);
    }
  append_reasoning_config (&e, request);
  append_format (&e, request);
  if (request->user != NULL)
    {
      sy_json_write_key (out, "user");
      sy_json_write_string (out, request->user);
    }
  if (request->stream)
    {
      sy_json_write_key (out, "stream");
      g_string_append (out, "true");
    }
  /* The client (not a Responses client: those are forwarded unchanged) never asked OpenAI to
   * keep the conversation, and the answer is the same without it. */
  sy_json_write_key (out, "store");
  g_string_append (out, "false");
  _sy_responses_note (notes, "store set to false: the client did not ask OpenAI to keep the "
                      "conversation");
  note_dropped (&e, request);
  g_string_append_c (out, '}');
  return g_string_free_to_bytes (g_steal_pointer (&out));
}

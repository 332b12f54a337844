/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * IR request -> a CodeWhisperer generateAssistantResponse body (conversationState). The
 * conversation is regrouped into the strictly alternating user/assistant turns CodeWhisperer
 * takes: consecutive turns of one role merged, tool results as user turns, the system text in
 * the first user turn, and the last user turn as the current message. What it cannot carry
 * (sampling settings, thinking, image URLs) is noted, never silently dropped. Pure: the one
 * impurity is the fresh conversationId CodeWhisperer requires.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-kiro-private.h"

#include <string.h>

typedef struct
{
  SyRole     role;
  GString   *text;          /* the turn's text parts, joined */
  GPtrArray *images;        /* SyPart (IMAGE with data), borrowed */
  GPtrArray *tool_calls;    /* SyPart, borrowed */
  GPtrArray *tool_results;  /* SyPart, borrowed */
} Turn;

static Turn *
turn_new (SyRole role)
{
  Turn *turn = g_new0 (Turn, 1);

  turn->role = role;
  turn->text = g_string_new (NULL);
  turn->images = g_ptr_array_new ();
  turn->tool_calls = g_ptr_array_new ();
  turn->tool_results = g_ptr_array_new ();
  return turn;
}

static void
turn_free (gpointer data)
{
  Turn *turn = data;

  g_string_free (turn->text, TRUE);
  g_ptr_array_unref (turn->images);
  g_ptr_array_unref (turn->tool_calls);
  g_ptr_array_unref (turn->tool_results);
  g_free (turn);
}

static void
append_text (Turn       *turn,
             const char *text)
{
  if (text == NULL || *text == '\0')
    return;
  if (turn->text->len > 0)
    g_string_append (turn->text, "\n\n");
  g_string_append (turn->text, text);
}

static void
add_part (Turn         *turn,
          SyPart       *part,
          guint         message_index,
          GPtrArray    *notes)
{
  switch (part->kind)
    {
    case SY_PART_TEXT:
      append_text (turn, part->text);
      break;
    case SY_PART_IMAGE:
      if (turn->role == SY_ROLE_USER && part->data != NULL)
        g_ptr_array_add (turn->images, part);
      else if (part->url != NULL)
        _sy_kiro_note (notes, "messages[%u]: Kiro cannot fetch image URLs; the image at %s "
                       "was left out", message_index, part->url);
      else
        _sy_kiro_note (notes, "messages[%u]: Kiro takes images in user turns only; an image "
                       "was left out", message_index);
      break;
    case SY_PART_TOOL_CALL:
      if (turn->role == SY_ROLE_ASSISTANT)
        g_ptr_array_add (turn->tool_calls, part);
      break;
    case SY_PART_TOOL_RESULT:
      if (turn->role == SY_ROLE_USER)
        g_ptr_array_add (turn->tool_results, part);
      break;
    case SY_PART_THINKING:
    case SY_PART_REDACTED_THINKING:
    default:
      _sy_kiro_note (notes, "Kiro cannot take thinking blocks back in the history; they were "
                     "left out");
      break;
    }
}

/* The conversation as alternating turns, first and last a user turn. */
static GPtrArray *
build_turns (const SyChatRequest *request,
             GPtrArray           *notes)
{
  GPtrArray *turns = g_ptr_array_new_with_free_func (turn_free);
  g_autofree char *system = request->system ? sy_parts_dup_text (request->system) : NULL;
  Turn *first;

  for (guint i = 0; request->messages != NULL && i < request->messages->len; i++)
    {
      SyMessage *m = g_ptr_array_index (request->messages, i);
      Turn *turn = turns->len ? g_ptr_array_index (turns, turns->len - 1) : NULL;

      if (turn == NULL || turn->role != m->role)
        g_ptr_array_add (turns, (turn = turn_new (m->role)));
      for (guint j = 0; m->parts != NULL && j < m->parts->len; j++)
        add_part (turn, g_ptr_array_index (m->parts, j), i, notes);
    }

  if (turns->len == 0 || ((Turn *) g_ptr_array_index (turns, 0))->role != SY_ROLE_USER)
    g_ptr_array_insert (turns, 0, turn_new (SY_ROLE_USER));
  if (((Turn *) g_ptr_array_index (turns, turns->len - 1))->role != SY_ROLE_USER)
    {
      Turn *cont = turn_new (SY_ROLE_USER);

      g_string_append (cont->text, "Continue.");
      g_ptr_array_add (turns, cont);
    }

  /* No system role: the system text leads the first user turn. */
  first = g_ptr_array_index (turns, 0);
  if (system != NULL && *system != '\0')
    {
      g_autofree char *own = g_strdup (first->text->len ? first->text->str : ".");

      g_string_printf (first->text, "<system-reminder>\n%s\n</system-reminder>\n\n%s", system,
                       own);
    }
  return turns;
}

/* "image/png" -> "png"; CodeWhisperer names formats, not media types. */
static const char *
image_format (const char *media_type)
{
  const char *slash = media_type ? strchr (media_type, '/') : NULL;
  const char *sub = slash ? slash + 1 : "png";

  return g_str_equal (sub, "jpg") ? "jpeg" : sub;
}

static void
write_tool_spec (GString   *out,
                 SyTool    *tool,
                 GPtrArray *notes)
{
  const char *description = tool->description ? tool->description : "";
  g_autofree char *cut = NULL;

  if (g_utf8_strlen (description, -1) > SY_KIRO_MAX_TOOL_DESCRIPTION)
    {
      cut = g_utf8_substring (description, 0, SY_KIRO_MAX_TOOL_DESCRIPTION);
      _sy_kiro_note (notes, "tool %s: its description was cut to %d characters (Kiro's limit)",
                     tool->name, SY_KIRO_MAX_TOOL_DESCRIPTION);
      description = cut;
    }
  sy_json_write_elem (out);
  g_string_append (out, "{\"toolSpecification\":{");
  sy_json_write_key (out, "name");
  sy_json_write_string (out, tool->name ? tool->name : "");
  sy_json_write_key (out, "description");
  sy_json_write_string (out, description);
  sy_json_write_key (out, "inputSchema");
  g_string_append (out, "{\"json\":");
  if (tool->parameters != NULL && JSON_NODE_HOLDS_OBJECT (tool->parameters))
    sy_json_write_node (out, tool->parameters);
  else
    g_string_append (out, "{\"type\":\"object\",\"properties\":{}}");
  g_string_append (out, "}}}");
}

static char *
plain_tool_id (const char *packed)
{
  char *id = NULL;
  g_autofree char *signature = NULL;

  sy_tool_call_id_unpack (packed ? packed : "", &id, &signature);
  return id;
}

static void
write_tool_result (GString   *out,
                   SyPart    *result,
                   GPtrArray *notes)
{
  g_autofree char *id = plain_tool_id (result->id);
  g_autofree char *text = result->content ? sy_parts_dup_text (result->content) : NULL;

  for (guint i = 0; result->content != NULL && i < result->content->len; i++)
    if (((SyPart *) g_ptr_array_index (result->content, i))->kind == SY_PART_IMAGE)
      _sy_kiro_note (notes, "tool result %s: Kiro takes text results only; an image was left "
                     "out", id);
  sy_json_write_elem (out);
  g_string_append_c (out, '{');
  sy_json_write_key (out, "toolUseId");
  sy_json_write_string (out, id);
  sy_json_write_key (out, "content");
  g_string_append (out, "[{\"text\":");
  sy_json_write_string (out, text ? text : (result->text ? result->text : ""));
  g_string_append (out, "}]");
  sy_json_write_key (out, "status");
  sy_json_write_string (out, result->is_error ? "error" : "success");
  g_string_append_c (out, '}');
}

static void
write_user (GString             *out,
            Turn                *turn,
            const SyChatRequest *request,
            gboolean             current,
            GPtrArray           *notes)
{
  gboolean tools = current && request->tools != NULL && request->tools->len > 0;

  g_string_append (out, "{\"userInputMessage\":{");
  sy_json_write_key (out, "content");
  sy_json_write_string (out, turn->text->len ? turn->text->str : ".");
  sy_json_write_key (out, "modelId");
  sy_json_write_string (out, request->model ? request->model : "");
  sy_json_write_key (out, "origin");
  sy_json_write_string (out, "AI_EDITOR");
  if (turn->images->len > 0)
    {
      sy_json_write_key (out, "images");
      g_string_append_c (out, '[');
      for (guint i = 0; i < turn->images->len; i++)
        {
          SyPart *image = g_ptr_array_index (turn->images, i);

          sy_json_write_elem (out);
          g_string_append (out, "{\"format\":");
          sy_json_write_string (out, image_format (image->media_type));
          g_string_append (out, ",\"source\":{\"bytes\":");
          sy_json_write_string (out, image->data);
          g_string_append (out, "}}");
        }
      g_string_append_c (out, ']');
    }
  if (tools || turn->tool_results->len > 0)
    {
      sy_json_write_key (out, "userInputMessageContext");
      g_string_append_c (out, '{');
      if (tools)
        {
          sy_json_write_key (out, "tools");
          g_string_append_c (out, '[');
          for (guint i = 0; i < request->tools->len; i++)
            write_tool_spec (out, g_ptr_array_index (request->tools, i), notes);
          g_string_append_c (out, ']');
        }
      if (turn->tool_results->len > 0)
        {
          sy_json_write_key (out, "toolResults");
          g_string_append_c (out, '[');
          for (guint i = 0; i < turn->tool_results->len; i++)
            write_tool_result (out, g_ptr_array_index (turn->tool_results, i), notes);
          g_string_append_c (out, ']');
        }
      g_string_append_c (out, '}');
    }
  g_string_append (out, "}}");
}

/* A tool call's input as an object: its arguments when they are one, {} when empty, else
 * {"_raw": "<the text>"} with a note (CodeWhisperer only takes an object). */
static void
write_tool_input (GString    *out,
                  SyPart     *call,
                  GPtrArray  *notes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *args = call->arguments;

  if (args == NULL || *args == '\0')
    {
      g_string_append (out, "{}");
      return;
    }
  if (sy_json_read_load (parser, args, strlen (args), SY_KIRO_MAX_DEPTH, NULL) != NULL)
    {
      sy_json_write_node (out, json_parser_get_root (parser));
      return;
    }
  _sy_kiro_note (notes, "tool call %s: arguments are not a JSON object; sent as {\"_raw\": ...}",
                 call->id ? call->id : "");
  g_string_append (out, "{\"_raw\":");
  sy_json_write_string (out, args);
  g_string_append_c (out, '}');
}

static void
write_assistant (GString   *out,
                 Turn      *turn,
                 GPtrArray *notes)
{
  g_string_append (out, "{\"assistantResponseMessage\":{");
  sy_json_write_key (out, "content");
  sy_json_write_string (out, turn->text->str);
  if (turn->tool_calls->len > 0)
    {
      sy_json_write_key (out, "toolUses");
      g_string_append_c (out, '[');
      for (guint i = 0; i < turn->tool_calls->len; i++)
        {
          SyPart *call = g_ptr_array_index (turn->tool_calls, i);
          g_autofree char *id = plain_tool_id (call->id);

          sy_json_write_elem (out);
          g_string_append_c (out, '{');
          sy_json_write_key (out, "toolUseId");
          sy_json_write_string (out, id);
          sy_json_write_key (out, "name");
          sy_json_write_string (out, call->name ? call->name : "");
          sy_json_write_key (out, "input");
          write_tool_input (out, call, notes);
          g_string_append_c (out, '}');
        }
      g_string_append_c (out, ']');
    }
  g_string_append (out, "}}");
}

/* Settings CodeWhisperer has no field for. */
static void
note_settings (const SyChatRequest *request,
               GPtrArray           *notes)
{
  const char *dropped[8];
  guint n = 0;

  if (request->max_tokens != SY_UNSET)
    dropped[n++] = "max_tokens";
  if (!isnan (request->temperature))
    dropped[n++] = "temperature";
  if (!isnan (request->top_p))
    dropped[n++] = "top_p";
  if (request->top_k != SY_UNSET)
    dropped[n++] = "top_k";
  if (!isnan (request->presence_penalty) || !isnan (request->frequency_penalty))
    dropped[n++] = "penalties";
  if (request->seed != SY_UNSET)
    dropped[n++] = "seed";
  if (request->stop != NULL && request->stop->len > 0)
    dropped[n++] = "stop sequences";
  if (request->format == SY_FORMAT_JSON_OBJECT || request->format == SY_FORMAT_JSON_SCHEMA)
    dropped[n++] = "response format";
  for (guint i = 0; i < n; i++)
    _sy_kiro_note (notes, "Kiro has no %s setting; it was not sent", dropped[i]);

  if ((request->reasoning_effort != SY_EFFORT_UNSET &&
       request->reasoning_effort != SY_EFFORT_NONE) || request->thinking_budget > 0)
    _sy_kiro_note (notes, "Kiro takes no thinking or reasoning settings; they were not sent");
  if (request->tool_choice == SY_TOOL_CHOICE_NONE ||
      request->tool_choice == SY_TOOL_CHOICE_REQUIRED ||
      request->tool_choice == SY_TOOL_CHOICE_NAMED)
    _sy_kiro_note (notes, "Kiro has no tool_choice; the model chooses (auto)");
}

GBytes *
_sy_kiro_emit_request (const SyChatRequest  *request,
                       GPtrArray            *notes,
                       GError              **error)
{
  g_autoptr(GPtrArray) turns = NULL;
  g_autoptr(GString) out = g_string_sized_new (4096);
  g_autofree char *conversation_id = g_uuid_string_random ();

  g_return_val_if_fail (request != NULL, NULL);

  note_settings (request, notes);
  turns = build_turns (request, notes);

  g_string_append (out, "{\"conversationState\":{");
  sy_json_write_key (out, "chatTriggerType");
  sy_json_write_string (out, "MANUAL");
  sy_json_write_key (out, "conversationId");
  sy_json_write_string (out, conversation_id);
  sy_json_write_key (out, "currentMessage");
  write_user (out, g_ptr_array_index (turns, turns->len - 1), request, TRUE, notes);
  if (turns->len > 1)
    {
      sy_json_write_key (out, "history");
      g_string_append_c (out, '[');
      for (guint i = 0; i + 1 < turns->len; i++)
        {
          Turn *turn = g_ptr_array_index (turns, i);

          sy_json_write_elem (out);
          if (turn->role == SY_ROLE_USER)
            write_user (out, turn, request, FALSE, notes);
          else
            write_assistant (out, turn, notes);
        }
      g_string_append_c (out, ']');
    }
  g_string_append (out, "}}");
  return g_string_free_to_bytes (g_steal_pointer (&out));
}

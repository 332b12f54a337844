/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Constructors, destructors and small queries of the internal representation. Pure.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-chat.h"

#include <string.h>

SyPart *
sy_part_new (SyPartKind kind)
{
  SyPart *part = g_new0 (SyPart, 1);

  part->kind = kind;
  return part;
}

SyPart *
sy_part_new_text (const char *text)
{
  SyPart *part = sy_part_new (SY_PART_TEXT);

  part->text = g_strdup (text);
  return part;
}

void
sy_part_free (SyPart *part)
{
  if (part == NULL)
    return;
  g_free (part->text);
  g_free (part->media_type);
  g_free (part->data);
  g_free (part->url);
  g_free (part->id);
  g_free (part->name);
  g_free (part->arguments);
  g_free (part->signature);
  g_clear_pointer (&part->content, g_ptr_array_unref);
  g_free (part);
}

SyMessage *
sy_message_new (SyRole role)
{
  SyMessage *message = g_new0 (SyMessage, 1);

  message->role = role;
  message->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_part_free);
  return message;
}

void
sy_message_free (SyMessage *message)
{
  if (message == NULL)
    return;
  g_ptr_array_unref (message->parts);
  g_free (message);
}

SyTool *
sy_tool_new (void)
{
  return g_new0 (SyTool, 1);
}

void
sy_tool_free (SyTool *tool)
{
  if (tool == NULL)
    return;
  g_free (tool->name);
  g_free (tool->description);
  g_clear_pointer (&tool->parameters, json_node_unref);
  g_free (tool);
}

SyChatRequest *
sy_chat_request_new (void)
{
  SyChatRequest *r = g_new0 (SyChatRequest, 1);

  r->system = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_part_free);
  r->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_message_free);
  r->tools = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_tool_free);
  r->parallel_tool_calls = SY_UNSET;
  r->max_tokens = SY_UNSET;
  r->temperature = NAN;
  r->top_p = NAN;
  r->top_k = SY_UNSET;
  r->presence_penalty = NAN;
  r->frequency_penalty = NAN;
  r->seed = SY_UNSET;
  r->thinking_budget = SY_UNSET;
  return r;
}

void
sy_chat_request_free (SyChatRequest *r)
{
  if (r == NULL)
    return;
  g_free (r->model);
  g_ptr_array_unref (r->system);
  g_ptr_array_unref (r->messages);
  g_ptr_array_unref (r->tools);
  g_free (r->tool_choice_name);
  g_clear_pointer (&r->stop, g_ptr_array_unref);
  g_clear_pointer (&r->format_schema, json_node_unref);
  g_free (r->format_name);
  g_free (r->user);
  g_free (r);
}

void
sy_usage_init (SyUsage *usage)
{
  usage->input = usage->output = usage->cache_read = SY_UNSET;
  usage->cache_creation = usage->reasoning = SY_UNSET;
}

void
sy_usage_merge (SyUsage       *usage,
                const SyUsage *update)
{
  if (update->input >= 0)
    usage->input = update->input;
  if (update->output >= 0)
    usage->output = update->output;
  if (update->cache_read >= 0)
    usage->cache_read = update->cache_read;
  if (update->cache_creation >= 0)
    usage->cache_creation = update->cache_creation;
  if (update->reasoning >= 0)
    usage->reasoning = update->reasoning;
}

SyChatResponse *
sy_chat_response_new (void)
{
  SyChatResponse *r = g_new0 (SyChatResponse, 1);

  r->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_part_free);
  r->created = SY_UNSET;
  sy_usage_init (&r->usage);
  return r;
}

void
sy_chat_response_free (SyChatResponse *r)
{
  if (r == NULL)
    return;
  g_free (r->id);
  g_free (r->model);
  g_ptr_array_unref (r->parts);
  g_free (r->stop_sequence);
  g_free (r);
}

SyMessage *
sy_chat_request_ensure_message (SyChatRequest *request,
                                SyRole         role)
{
  SyMessage *last = request->messages->len
                      ? g_ptr_array_index (request->messages, request->messages->len - 1)
                      : NULL;

  if (last == NULL || last->role != role)
    {
      last = sy_message_new (role);
      g_ptr_array_add (request->messages, last);
    }
  return last;
}

const char *
sy_chat_request_find_tool_name (SyChatRequest *request,
                                const char    *tool_call_id)
{
  if (tool_call_id == NULL)
    return NULL;
  for (guint i = request->messages->len; i > 0; i--)
    {
      SyMessage *m = g_ptr_array_index (request->messages, i - 1);

      for (guint j = 0; m->role == SY_ROLE_ASSISTANT && j < m->parts->len; j++)
        {
          SyPart *p = g_ptr_array_index (m->parts, j);

          if (p->kind == SY_PART_TOOL_CALL && g_strcmp0 (p->id, tool_call_id) == 0)
            return p->name;
        }
    }
  return NULL;
}

char *
sy_parts_dup_text (GPtrArray *parts)
{
  GString *out = NULL;

  for (guint i = 0; parts != NULL && i < parts->len; i++)
    {
      SyPart *p = g_ptr_array_index (parts, i);

      if (p->kind != SY_PART_TEXT || p->text == NULL)
        continue;
      if (out == NULL)
        out = g_string_new (p->text);
      else
        {
          g_string_append (out, "\n\n");
          g_string_append (out, p->text);
        }
    }
  return out ? g_string_free (out, FALSE) : NULL;
}

const char *
sy_stop_reason_to_string (SyStopReason reason)
{
  switch (reason)
    {
    case SY_STOP_END_TURN: return "end_turn";
    case SY_STOP_MAX_TOKENS: return "max_tokens";
    case SY_STOP_STOP_SEQUENCE: return "stop_sequence";
    case SY_STOP_TOOL_USE: return "tool_use";
    case SY_STOP_CONTENT_FILTER: return "content_filter";
    case SY_STOP_PAUSE: return "pause_turn";
    case SY_STOP_REFUSAL: return "refusal";
    case SY_STOP_UNSET:
    default: return "unset";
    }
}

const char *
sy_effort_to_string (SyEffort effort)
{
  switch (effort)
    {
    case SY_EFFORT_NONE: return "none";
    case SY_EFFORT_MINIMAL: return "minimal";
    case SY_EFFORT_LOW: return "low";
    case SY_EFFORT_MEDIUM: return "medium";
    case SY_EFFORT_HIGH: return "high";
    case SY_EFFORT_UNSET:
    default: return NULL;
    }
}

SyEffort
sy_effort_for_budget (gint64 budget_tokens)
{
  return budget_tokens < 4096 ? SY_EFFORT_LOW
         : budget_tokens < 16384 ? SY_EFFORT_MEDIUM : SY_EFFORT_HIGH;
}

char *
sy_tool_call_id_pack (const char *id,
                      const char *signature)
{
  if (signature == NULL || *signature == '\0')
    return g_strdup (id);
  return g_strconcat (id ? id : "", SY_TOOL_ID_SIGNATURE_SEPARATOR, signature, NULL);
}

void
sy_tool_call_id_unpack (const char  *packed,
                        char       **id,
                        char       **signature)
{
  const char *sep = packed ? strstr (packed, SY_TOOL_ID_SIGNATURE_SEPARATOR) : NULL;

  if (sep == NULL)
    {
      *id = g_strdup (packed);
      *signature = NULL;
      return;
    }
  *id = g_strndup (packed, sep - packed);
  *signature = g_strdup (sep + strlen (SY_TOOL_ID_SIGNATURE_SEPARATOR));
}

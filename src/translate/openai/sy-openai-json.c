/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Chat Completions specifics of the OpenAI codec's JSON: its parse error wording, usage, finish
 * reasons, ids and notes (the shared readers and writers are sy-json-read.h, sy-json-write.h).
 * Pure: no I/O, no state; never g_critical on bad input.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-openai-private.h"

#include "core/sy-json-scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

JsonNode *
_sy_openai_parse_object (const char  *data,
                         gsize        len,
                         int          code,
                         const char  *what,
                         GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;

  if (data == NULL)
    {
      g_set_error (error, SY_TRANSLATE_ERROR, code, "%s: empty", what);
      return NULL;
    }
  if (sy_json_read_load (parser, data, len, SY_OPENAI_MAX_DEPTH, &local) != NULL)
    return json_node_ref (json_parser_get_root (parser));
  /* The scanner's errors say what is wrong with the text; json-glib's come after it passed. */
  if (local->domain == SY_JSON_ERROR)
    g_set_error (error, SY_TRANSLATE_ERROR, code, "%s: not a valid JSON object (%s)", what,
                 local->message);
  else
    g_set_error (error, SY_TRANSLATE_ERROR, code, "%s: not valid JSON (%s)", what,
                 local->message);
  return NULL;
}

/* A count from a usage object: a non-negative integer, else unknown. */
static gint64
usage_count (JsonObject *object,
             const char *member)
{
  gint64 value;

  if (!sy_json_read_int (object, NULL, member, 0, &value, NULL) || value < 0)
    return SY_UNSET;
  return value;
}

void
_sy_openai_read_usage (JsonObject *object,
                       SyUsage    *usage)
{
  JsonObject *details = NULL;

  sy_usage_init (usage);
  usage->input = usage_count (object, "prompt_tokens");
  usage->output = usage_count (object, "completion_tokens");
  if (sy_json_read_object (object, NULL, "prompt_tokens_details", 0, &details, NULL)
      && details != NULL)
    usage->cache_read = usage_count (details, "cached_tokens");
  /* DeepSeek reports cache hits at the top level. */
  if (usage->cache_read < 0)
    usage->cache_read = usage_count (object, "prompt_cache_hit_tokens");
  if (sy_json_read_object (object, NULL, "completion_tokens_details", 0, &details, NULL)
      && details != NULL)
    usage->reasoning = usage_count (details, "reasoning_tokens");
}

SyStopReason
_sy_openai_stop_reason_from_string (const char *finish_reason)
{
  if (finish_reason == NULL)
    return SY_STOP_UNSET;
  if (g_str_equal (finish_reason, "stop"))
    return SY_STOP_END_TURN;
  if (g_str_equal (finish_reason, "length"))
    return SY_STOP_MAX_TOKENS;
  if (g_str_equal (finish_reason, "tool_calls") || g_str_equal (finish_reason, "function_call"))
    return SY_STOP_TOOL_USE;
  if (g_str_equal (finish_reason, "content_filter"))
    return SY_STOP_CONTENT_FILTER;
  return SY_STOP_UNSET;
}

const char *
_sy_openai_finish_reason (SyStopReason  reason,
                          GPtrArray    *notes)
{
  switch (reason)
    {
    case SY_STOP_END_TURN:
      return "stop";
    case SY_STOP_STOP_SEQUENCE:
      _sy_openai_note (notes, "stop_sequence: Chat Completions does not say which stop sequence "
                              "ended the output");
      return "stop";
    case SY_STOP_MAX_TOKENS:
      return "length";
    case SY_STOP_TOOL_USE:
      return "tool_calls";
    case SY_STOP_CONTENT_FILTER:
      return "content_filter";
    case SY_STOP_REFUSAL:
      _sy_openai_note (notes, "stop reason refusal reported as finish_reason content_filter");
      return "content_filter";
    case SY_STOP_PAUSE:
      _sy_openai_note (notes, "stop reason pause_turn reported as finish_reason stop: Chat "
                              "Completions cannot say the turn was paused");
      return "stop";
    case SY_STOP_UNSET:
    default:
      _sy_openai_note (notes, "finish_reason defaulted to stop: the upstream gave no stop reason");
      return "stop";
    }
}

gboolean
_sy_openai_append_usage (GString       *out,
                         const SyUsage *usage,
                         GPtrArray     *notes)
{
  if (usage->input < 0 && usage->output < 0)
    return FALSE;

  g_string_append_c (out, '{');
  if (usage->input >= 0)
    g_string_append_printf (out, "\"prompt_tokens\":%" G_GINT64_FORMAT, usage->input);
  if (usage->output >= 0)
    {
      sy_json_write_key (out, "completion_tokens");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, usage->output);
    }
  if (usage->input >= 0 && usage->output >= 0)
    {
      sy_json_write_key (out, "total_tokens");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, usage->input + usage->output);
    }
  if (usage->cache_read >= 0)
    {
      sy_json_write_key (out, "prompt_tokens_details");
      g_string_append_printf (out, "{\"cached_tokens\":%" G_GINT64_FORMAT "}",
                              usage->cache_read);
    }
  if (usage->reasoning >= 0)
    {
      sy_json_write_key (out, "completion_tokens_details");
      g_string_append_printf (out, "{\"reasoning_tokens\":%" G_GINT64_FORMAT "}",
                              usage->reasoning);
    }
  g_string_append_c (out, '}');
  if (usage->cache_creation > 0)
    _sy_openai_note (notes, "usage: %" G_GINT64_FORMAT " cache creation tokens (counted in "
                            "prompt_tokens) have no field in Chat Completions usage",
                     usage->cache_creation);
  return TRUE;
}

const char *
_sy_openai_error_type_for_status (guint status)
{
  if (status == 401)
    return "authentication_error";
  if (status == 403)
    return "permission_error";
  if (status == 404)
    return "not_found_error";
  if (status == 429)
    return "rate_limit_error";
  if (status >= 500)
    return "server_error";
  return "invalid_request_error";
}

char *
_sy_openai_dup_completion_id (const char *id)
{
  if (id == NULL || *id == '\0')
    return g_strdup (SY_OPENAI_UNKNOWN_ID);
  if (g_str_has_prefix (id, "chatcmpl-"))
    return g_strdup (id);
  return g_strconcat ("chatcmpl-", id, NULL);
}

void
_sy_openai_note (GPtrArray  *notes,
                 const char *format,
                 ...)
{
  g_autofree char *note = NULL;
  va_list args;

  if (notes == NULL)
    return;
  va_start (args, format);
  note = g_strdup_vprintf (format, args);
  va_end (args);
  for (guint i = 0; i < notes->len; i++)
    if (g_str_equal (g_ptr_array_index (notes, i), note))
      return;
  g_ptr_array_add (notes, g_steal_pointer (&note));
}

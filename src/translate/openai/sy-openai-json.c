/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * JSON helpers of the OpenAI Chat Completions codec: checked parsing of untrusted bodies, typed
 * member getters whose errors name the field's path, and the small writers the emitters share
 * (numbers, usage, finish reasons). Pure: no I/O, no state; never g_critical on bad input.
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
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local = NULL;
  JsonNode *root;

  if (data == NULL)
    {
      g_set_error (error, SY_TRANSLATE_ERROR, code, "%s: empty", what);
      return NULL;
    }
  if (!sy_json_check_object (data, len, SY_OPENAI_MAX_DEPTH, &local))
    {
      g_set_error (error, SY_TRANSLATE_ERROR, code, "%s: not a valid JSON object (%s)", what,
                   local->message);
      return NULL;
    }
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &local))
    {
      g_set_error (error, SY_TRANSLATE_ERROR, code, "%s: not valid JSON (%s)", what,
                   local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, SY_TRANSLATE_ERROR, code, "%s: expected a JSON object", what);
      return NULL;
    }
  return json_node_ref (root);
}

void
_sy_openai_set_error (GError     **error,
                      int          code,
                      const char  *path,
                      const char  *member,
                      const char  *format,
                      ...)
{
  g_autofree char *message = NULL;
  gboolean has_path = path != NULL && *path != '\0';
  gboolean has_member = member != NULL && *member != '\0';
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, SY_TRANSLATE_ERROR, code, "%s%s%s: %s",
               has_path ? path : "",
               has_path && has_member ? "." : "",
               has_member ? member : "",
               message);
}

JsonNode *
_sy_openai_member (JsonObject *object,
                   const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return node;
}

const char *
_sy_openai_node_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gboolean
_sy_openai_get_string (JsonObject  *object,
                       const char  *path,
                       const char  *member,
                       int          code,
                       const char **out,
                       GError     **error)
{
  JsonNode *node = _sy_openai_member (object, member);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  *out = _sy_openai_node_string (node);
  if (*out == NULL)
    {
      _sy_openai_set_error (error, code, path, member, "expected a string");
      return FALSE;
    }
  return TRUE;
}

gboolean
_sy_openai_get_bool (JsonObject  *object,
                     const char  *path,
                     const char  *member,
                     int          code,
                     int         *out,
                     GError     **error)
{
  JsonNode *node = _sy_openai_member (object, member);

  *out = SY_UNSET;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      _sy_openai_set_error (error, code, path, member, "expected true or false");
      return FALSE;
    }
  *out = json_node_get_boolean (node) ? 1 : 0;
  return TRUE;
}

gboolean
_sy_openai_get_int (JsonObject  *object,
                    const char  *path,
                    const char  *member,
                    int          code,
                    gint64      *out,
                    GError     **error)
{
  JsonNode *node = _sy_openai_member (object, member);
  GType type;

  *out = SY_UNSET;
  if (node == NULL)
    return TRUE;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
      return TRUE;
    }
  if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      /* 1e3 and 100.0 are integers too; 2^63 and beyond are not representable. */
      if (isfinite (d) && d == floor (d) && d >= -9.2e18 && d <= 9.2e18)
        {
          *out = (gint64) d;
          return TRUE;
        }
    }
  _sy_openai_set_error (error, code, path, member, "expected an integer");
  return FALSE;
}

gboolean
_sy_openai_get_number (JsonObject  *object,
                       const char  *path,
                       const char  *member,
                       int          code,
                       double      *out,
                       GError     **error)
{
  JsonNode *node = _sy_openai_member (object, member);
  GType type;

  *out = NAN;
  if (node == NULL)
    return TRUE;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    {
      _sy_openai_set_error (error, code, path, member, "expected a number");
      return FALSE;
    }
  if (!isfinite (*out))
    {
      *out = NAN;
      _sy_openai_set_error (error, code, path, member, "number out of range");
      return FALSE;
    }
  return TRUE;
}

gboolean
_sy_openai_get_object (JsonObject  *object,
                       const char  *path,
                       const char  *member,
                       int          code,
                       JsonObject **out,
                       GError     **error)
{
  JsonNode *node = _sy_openai_member (object, member);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      _sy_openai_set_error (error, code, path, member, "expected an object");
      return FALSE;
    }
  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
_sy_openai_get_array (JsonObject  *object,
                      const char  *path,
                      const char  *member,
                      int          code,
                      JsonArray  **out,
                      GError     **error)
{
  JsonNode *node = _sy_openai_member (object, member);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      _sy_openai_set_error (error, code, path, member, "expected an array");
      return FALSE;
    }
  *out = json_node_get_array (node);
  return TRUE;
}

/* A count from a usage object: a non-negative integer, else unknown. */
static gint64
usage_count (JsonObject *object,
             const char *member)
{
  gint64 value;

  if (!_sy_openai_get_int (object, NULL, member, 0, &value, NULL) || value < 0)
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
  if (_sy_openai_get_object (object, NULL, "prompt_tokens_details", 0, &details, NULL)
      && details != NULL)
    usage->cache_read = usage_count (details, "cached_tokens");
  /* DeepSeek reports cache hits at the top level. */
  if (usage->cache_read < 0)
    usage->cache_read = usage_count (object, "prompt_cache_hit_tokens");
  if (_sy_openai_get_object (object, NULL, "completion_tokens_details", 0, &details, NULL)
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

void
_sy_openai_append_string (GString    *out,
                          const char *s)
{
  if (s == NULL)
    g_string_append (out, "null");
  else
    sy_json_append_string (out, s);
}

void
_sy_openai_append_double (GString *out,
                          double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }
  /* %.15g is exact for every decimal a client typed (0.7 stays 0.7); fall back to 17 digits
   * only for doubles that need them. */
  g_ascii_formatd (buf, sizeof buf, "%.15g", value);
  if (g_ascii_strtod (buf, NULL) != value)
    g_ascii_formatd (buf, sizeof buf, "%.17g", value);
  g_string_append (out, buf);
}

void
_sy_openai_append_node (GString  *out,
                        JsonNode *node)
{
  g_autofree char *text = NULL;

  if (node == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  text = json_to_string (node, FALSE);
  g_string_append (out, text);
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
      _sy_openai_key (out, "completion_tokens");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, usage->output);
    }
  if (usage->input >= 0 && usage->output >= 0)
    {
      _sy_openai_key (out, "total_tokens");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, usage->input + usage->output);
    }
  if (usage->cache_read >= 0)
    {
      _sy_openai_key (out, "prompt_tokens_details");
      g_string_append_printf (out, "{\"cached_tokens\":%" G_GINT64_FORMAT "}",
                              usage->cache_read);
    }
  if (usage->reasoning >= 0)
    {
      _sy_openai_key (out, "completion_tokens_details");
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

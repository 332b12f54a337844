/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The options of an OpenAI Responses request: tools, tool_choice, reasoning, text.format, and
 * the members that need server-side state only OpenAI keeps (refused). Pure and safe on
 * untrusted input: every bad field is an error naming its JSON path.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-responses-private.h"

#define INVALID SY_TRANSLATE_ERROR_INVALID_REQUEST
#define UNSUPPORTED SY_TRANSLATE_ERROR_UNSUPPORTED

gboolean
_sy_responses_parse_tools (SyChatRequest  *request,
                           JsonObject     *root,
                           GError        **error)
{
  JsonArray *array;

  if (!sy_json_read_array (root, NULL, "tools", INVALID, &array, error))
    return FALSE;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree char *path = g_strdup_printf ("tools[%u]", i);
      g_autoptr(SyTool) tool = NULL;
      const char *type, *name, *description;
      JsonNode *parameters;
      JsonObject *object;
      int strict;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          sy_json_read_set_error (error, INVALID, path, NULL, "expected an object");
          return FALSE;
        }
      object = json_node_get_object (node);
      if (!sy_json_read_string (object, path, "type", INVALID, &type, error) ||
          !sy_json_read_string (object, path, "name", INVALID, &name, error) ||
          !sy_json_read_string (object, path, "description", INVALID, &description, error) ||
          !sy_json_read_bool (object, path, "strict", INVALID, &strict, error))
        return FALSE;
      if (type == NULL)
        {
          sy_json_read_set_error (error, INVALID, path, "type", "missing");
          return FALSE;
        }
      if (g_str_equal (type, "custom"))
        {
          sy_json_read_set_error (error, UNSUPPORTED, path, NULL,
                                  "custom (freeform) tool \"%s\" cannot be translated: other "
                                  "providers only take function tools", name ? name : "");
          return FALSE;
        }
      if (!g_str_equal (type, "function"))
        {
          sy_json_read_set_error (error, UNSUPPORTED, path, NULL,
                                  "tool type \"%s\" is built into OpenAI and cannot be "
                                  "translated to other providers", type);
          return FALSE;
        }
      if (name == NULL)
        {
          sy_json_read_set_error (error, INVALID, path, "name", "missing");
          return FALSE;
        }
      parameters = sy_json_read_member (object, "parameters");
      if (parameters != NULL && !JSON_NODE_HOLDS_OBJECT (parameters))
        {
          sy_json_read_set_error (error, INVALID, path, "parameters", "expected an object");
          return FALSE;
        }
      tool = sy_tool_new ();
      tool->name = g_strdup (name);
      tool->description = g_strdup (description);
      tool->parameters = parameters ? json_node_copy (parameters) : NULL;
      /* Responses defaults strict to true; an absent strict is carried as not strict, since
       * the other dialects' strict modes reject schemas a Responses client never had checked. */
      tool->strict = strict == 1;
      g_ptr_array_add (request->tools, g_steal_pointer (&tool));
    }
  return TRUE;
}

gboolean
_sy_responses_parse_tool_choice (SyChatRequest  *request,
                                 JsonObject     *root,
                                 GError        **error)
{
  JsonNode *node = sy_json_read_member (root, "tool_choice");
  const char *s = sy_json_read_node_string (node);
  const char *type, *name;
  JsonObject *object;

  if (node == NULL)
    return TRUE;
  if (s != NULL)
    {
      if (g_str_equal (s, "auto"))
        request->tool_choice = SY_TOOL_CHOICE_AUTO;
      else if (g_str_equal (s, "none"))
        request->tool_choice = SY_TOOL_CHOICE_NONE;
      else if (g_str_equal (s, "required"))
        request->tool_choice = SY_TOOL_CHOICE_REQUIRED;
      else
        {
          sy_json_read_set_error (error, INVALID, "tool_choice", NULL,
                                  "expected auto, none, required or an object");
          return FALSE;
        }
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      sy_json_read_set_error (error, INVALID, "tool_choice", NULL,
                              "expected a string or an object");
      return FALSE;
    }
  object = json_node_get_object (node);
  if (!sy_json_read_string (object, "tool_choice", "type", INVALID, &type, error) ||
      !sy_json_read_string (object, "tool_choice", "name", INVALID, &name, error))
    return FALSE;
  if (type == NULL)
    {
      sy_json_read_set_error (error, INVALID, "tool_choice", "type", "missing");
      return FALSE;
    }
  if (!g_str_equal (type, "function"))
    {
      sy_json_read_set_error (error, UNSUPPORTED, "tool_choice", "type",
                              "tool choice \"%s\" cannot be translated to other providers",
                              type);
      return FALSE;
    }
  if (name == NULL)
    {
      sy_json_read_set_error (error, INVALID, "tool_choice", "name", "missing");
      return FALSE;
    }
  request->tool_choice = SY_TOOL_CHOICE_NAMED;
  request->tool_choice_name = g_strdup (name);
  return TRUE;
}

gboolean
_sy_responses_parse_reasoning (SyChatRequest  *request,
                               JsonObject     *root,
                               GError        **error)
{
  static const struct { const char *name; SyEffort effort; } efforts[] = {
    { "none", SY_EFFORT_NONE }, { "minimal", SY_EFFORT_MINIMAL }, { "low", SY_EFFORT_LOW },
    { "medium", SY_EFFORT_MEDIUM }, { "high", SY_EFFORT_HIGH },
    /* gpt-5.1-codex-max's extra level: the IR's highest is the closest */
    { "xhigh", SY_EFFORT_HIGH },
  };
  JsonObject *reasoning;
  const char *effort;

  if (!sy_json_read_object (root, NULL, "reasoning", INVALID, &reasoning, error) ||
      !sy_json_read_string (reasoning, "reasoning", "effort", INVALID, &effort, error))
    return FALSE;
  if (effort == NULL)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (efforts); i++)
    if (g_str_equal (effort, efforts[i].name))
      {
        request->reasoning_effort = efforts[i].effort;
        return TRUE;
      }
  sy_json_read_set_error (error, INVALID, "reasoning", "effort", "unknown effort \"%s\"", effort);
  return FALSE;
}

gboolean
_sy_responses_parse_text_format (SyChatRequest  *request,
                                 JsonObject     *root,
                                 GError        **error)
{
  JsonObject *text, *format;
  const char *type, *name;
  JsonNode *schema;
  int strict;

  if (!sy_json_read_object (root, NULL, "text", INVALID, &text, error) ||
      !sy_json_read_object (text, "text", "format", INVALID, &format, error))
    return FALSE;
  if (format == NULL)
    return TRUE;
  if (!sy_json_read_string (format, "text.format", "type", INVALID, &type, error) ||
      !sy_json_read_string (format, "text.format", "name", INVALID, &name, error) ||
      !sy_json_read_bool (format, "text.format", "strict", INVALID, &strict, error))
    return FALSE;
  if (g_strcmp0 (type, "text") == 0)
    request->format = SY_FORMAT_TEXT;
  else if (g_strcmp0 (type, "json_object") == 0)
    request->format = SY_FORMAT_JSON_OBJECT;
  else if (g_strcmp0 (type, "json_schema") == 0)
    {
      schema = sy_json_read_member (format, "schema");
      if (schema == NULL || !JSON_NODE_HOLDS_OBJECT (schema))
        {
          sy_json_read_set_error (error, INVALID, "text.format", "schema",
                                  schema ? "expected an object" : "missing");
          return FALSE;
        }
      request->format = SY_FORMAT_JSON_SCHEMA;
      request->format_schema = json_node_copy (schema);
      request->format_name = g_strdup (name);
      request->format_strict = strict == 1;
    }
  else if (type == NULL)
    {
      sy_json_read_set_error (error, INVALID, "text.format", "type", "missing");
      return FALSE;
    }
  else
    {
      sy_json_read_set_error (error, INVALID, "text.format", "type", "unknown format \"%s\"",
                              type);
      return FALSE;
    }
  return TRUE;
}

/* Members that need state or features only OpenAI has. */
gboolean
_sy_responses_refuse_server_side (JsonObject  *root,
                                  GError     **error)
{
  gint64 top_logprobs;
  int background;

  if (sy_json_read_member (root, "previous_response_id") != NULL)
    {
      g_set_error_literal (error, SY_TRANSLATE_ERROR, UNSUPPORTED,
                           "previous_response_id needs server-side state; resend the "
                           "conversation in input");
      return FALSE;
    }
  if (sy_json_read_member (root, "conversation") != NULL)
    {
      sy_json_read_set_error (error, UNSUPPORTED, "conversation", NULL,
                              "conversations are server-side state; resend the conversation "
                              "in input");
      return FALSE;
    }
  if (sy_json_read_member (root, "prompt") != NULL)
    {
      sy_json_read_set_error (error, UNSUPPORTED, "prompt", NULL,
                              "stored prompt templates are server-side state; send "
                              "instructions and input instead");
      return FALSE;
    }
  if (!sy_json_read_bool (root, NULL, "background", INVALID, &background, error) ||
      !_sy_responses_get_count (root, NULL, "top_logprobs", INVALID, &top_logprobs, error))
    return FALSE;
  if (background == 1)
    {
      sy_json_read_set_error (error, UNSUPPORTED, "background", NULL,
                              "background responses need server-side state");
      return FALSE;
    }
  if (top_logprobs > 0)
    {
      sy_json_read_set_error (error, UNSUPPORTED, "top_logprobs", NULL,
                              "log probabilities cannot be translated to other providers");
      return FALSE;
    }
  return TRUE;
}

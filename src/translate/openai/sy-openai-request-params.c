/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fields of an OpenAI Chat Completions request besides its messages: tools, tool choice,
 * sampling, stop, response format, reasoning, and the fields refused or ignored. Pure, safe on
 * untrusted input: bad input is a GError naming the field's path.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-openai-private.h"

#define INVALID     SY_TRANSLATE_ERROR_INVALID_REQUEST
#define UNSUPPORTED SY_TRANSLATE_ERROR_UNSUPPORTED

/* Fields the internal representation cannot carry. Those that do not change the answer are
 * accepted and ignored: store, metadata, service_tier, prompt_cache_key, safety_identifier,
 * prediction (a latency hint), stream_options.include_obfuscation, messages[].name.
 * Also ignored because the IR has no field for them (the target uses its default):
 * content[].image_url.detail and response_format.json_schema.description.
 * Mapped although not OpenAI's: OpenRouter's reasoning {effort, max_tokens} when
 * reasoning_effort is absent, and "xhigh" effort as the IR's highest, high.
 * Those that change the answer are refused with SY_TRANSLATE_ERROR_UNSUPPORTED: n > 1,
 * logprobs: true, top_logprobs > 0, a non-empty logit_bias, audio output (modalities with
 * "audio", audio), web_search_options, verbosity other than the default "medium", the legacy
 * functions / function_call API and "function" role messages, non-function tools and tool
 * calls, the allowed_tools and custom tool choices, input_audio and file content parts, and
 * assistant audio from a previous turn. */
gboolean
_sy_openai_check_refused_fields (JsonObject  *o,
                                 GError     **error)
{
  gint64 n, top_logprobs;
  int logprobs;
  JsonObject *logit_bias;
  JsonArray *modalities;
  const char *verbosity;

  if (!sy_json_read_int (o, NULL, "n", INVALID, &n, error)
      || !sy_json_read_bool (o, NULL, "logprobs", INVALID, &logprobs, error)
      || !sy_json_read_int (o, NULL, "top_logprobs", INVALID, &top_logprobs, error)
      || !sy_json_read_object (o, NULL, "logit_bias", INVALID, &logit_bias, error)
      || !sy_json_read_array (o, NULL, "modalities", INVALID, &modalities, error)
      || !sy_json_read_string (o, NULL, "verbosity", INVALID, &verbosity, error))
    return FALSE;

  if (n != SY_UNSET && n < 1)
    {
      sy_json_read_set_error (error, INVALID, NULL, "n", "expected a positive integer");
      return FALSE;
    }
  if (n > 1)
    {
      sy_json_read_set_error (error, UNSUPPORTED, NULL, "n",
                              "only one choice (n = 1) is supported across dialects");
      return FALSE;
    }
  if (logprobs == 1 || top_logprobs > 0)
    {
      sy_json_read_set_error (error, UNSUPPORTED, NULL, logprobs == 1 ? "logprobs" : "top_logprobs",
                              "log probabilities are not supported across dialects");
      return FALSE;
    }
  if (logit_bias != NULL && json_object_get_size (logit_bias) > 0)
    {
      sy_json_read_set_error (error, UNSUPPORTED, NULL, "logit_bias",
                              "token biases are not supported across dialects");
      return FALSE;
    }
  for (guint i = 0; modalities != NULL && i < json_array_get_length (modalities); i++)
    {
      const char *m = sy_json_read_node_string (json_array_get_element (modalities, i));

      if (g_strcmp0 (m, "audio") == 0)
        {
          sy_json_read_set_error (error, UNSUPPORTED, NULL, "modalities",
                                  "audio output is not supported across dialects");
          return FALSE;
        }
    }
  if (sy_json_read_member (o, "audio") != NULL)
    {
      sy_json_read_set_error (error, UNSUPPORTED, NULL, "audio",
                              "audio output is not supported across dialects");
      return FALSE;
    }
  if (sy_json_read_member (o, "web_search_options") != NULL)
    {
      sy_json_read_set_error (error, UNSUPPORTED, NULL, "web_search_options",
                              "web search is not supported across dialects");
      return FALSE;
    }
  if (verbosity != NULL && !g_str_equal (verbosity, "medium"))
    {
      sy_json_read_set_error (error, UNSUPPORTED, NULL, "verbosity",
                              "\"%s\" is not supported across dialects (only the default, "
                              "\"medium\")", verbosity);
      return FALSE;
    }
  if (sy_json_read_member (o, "functions") != NULL
      || sy_json_read_member (o, "function_call") != NULL)
    {
      sy_json_read_set_error (error, UNSUPPORTED, NULL,
                              sy_json_read_member (o, "functions") ? "functions" : "function_call",
                              "the legacy function-calling API is not supported across dialects: "
                              "use tools and tool_choice");
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_tools (SyChatRequest  *r,
             JsonArray      *tools,
             GError        **error)
{
  for (guint i = 0; i < json_array_get_length (tools); i++)
    {
      JsonNode *node = json_array_get_element (tools, i);
      g_autoptr(SyTool) tool = sy_tool_new ();
      JsonObject *t, *function, *parameters;
      const char *type, *name, *description;
      char path[32], function_path[48];
      int strict;

      g_snprintf (path, sizeof path, "tools[%u]", i);
      g_snprintf (function_path, sizeof function_path, "tools[%u].function", i);
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          sy_json_read_set_error (error, INVALID, path, NULL, "expected an object");
          return FALSE;
        }
      t = json_node_get_object (node);
      if (!sy_json_read_string (t, path, "type", INVALID, &type, error))
        return FALSE;
      if (type != NULL && !g_str_equal (type, "function"))
        {
          sy_json_read_set_error (error, UNSUPPORTED, path, "type",
                                  "\"%s\" tools are not supported across dialects", type);
          return FALSE;
        }
      if (!sy_json_read_object (t, path, "function", INVALID, &function, error))
        return FALSE;
      if (function == NULL)
        {
          sy_json_read_set_error (error, INVALID, path, "function", "required");
          return FALSE;
        }
      if (!sy_json_read_string (function, function_path, "name", INVALID, &name, error)
          || !sy_json_read_string (function, function_path, "description", INVALID,
                                   &description, error)
          || !sy_json_read_object (function, function_path, "parameters", INVALID, &parameters,
                                   error)
          || !sy_json_read_bool (function, function_path, "strict", INVALID, &strict, error))
        return FALSE;
      if (name == NULL)
        {
          sy_json_read_set_error (error, INVALID, function_path, "name", "required");
          return FALSE;
        }
      tool->name = g_strdup (name);
      tool->description = g_strdup (description);
      if (parameters != NULL)
        tool->parameters = json_node_copy (json_object_get_member (function, "parameters"));
      tool->strict = strict == 1;
      g_ptr_array_add (r->tools, g_steal_pointer (&tool));
    }
  return TRUE;
}

static gboolean
parse_tool_choice (SyChatRequest  *r,
                   JsonObject     *o,
                   GError        **error)
{
  JsonNode *node = sy_json_read_member (o, "tool_choice");
  const char *s = sy_json_read_node_string (node);
  JsonObject *choice, *function;
  const char *type, *name;

  if (node == NULL)
    return TRUE;
  if (s != NULL)
    {
      if (g_str_equal (s, "auto"))
        r->tool_choice = SY_TOOL_CHOICE_AUTO;
      else if (g_str_equal (s, "none"))
        r->tool_choice = SY_TOOL_CHOICE_NONE;
      else if (g_str_equal (s, "required"))
        r->tool_choice = SY_TOOL_CHOICE_REQUIRED;
      else
        {
          sy_json_read_set_error (error, INVALID, NULL, "tool_choice",
                                  "expected \"auto\", \"none\", \"required\" or an object");
          return FALSE;
        }
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      sy_json_read_set_error (error, INVALID, NULL, "tool_choice",
                              "expected \"auto\", \"none\", \"required\" or an object");
      return FALSE;
    }
  choice = json_node_get_object (node);
  if (!sy_json_read_string (choice, "tool_choice", "type", INVALID, &type, error))
    return FALSE;
  if (g_strcmp0 (type, "allowed_tools") == 0 || g_strcmp0 (type, "custom") == 0)
    {
      sy_json_read_set_error (error, UNSUPPORTED, "tool_choice", "type",
                              "\"%s\" is not supported across dialects", type);
      return FALSE;
    }
  if (g_strcmp0 (type, "function") != 0)
    {
      sy_json_read_set_error (error, INVALID, "tool_choice", "type", "expected \"function\"");
      return FALSE;
    }
  if (!sy_json_read_object (choice, "tool_choice", "function", INVALID, &function, error)
      || (function != NULL
          && !sy_json_read_string (function, "tool_choice.function", "name", INVALID, &name,
                                   error)))
    return FALSE;
  if (function == NULL || name == NULL)
    {
      sy_json_read_set_error (error, INVALID, "tool_choice", "function.name", "required");
      return FALSE;
    }
  r->tool_choice = SY_TOOL_CHOICE_NAMED;
  r->tool_choice_name = g_strdup (name);
  return TRUE;
}

static gboolean
parse_stop (SyChatRequest  *r,
            JsonObject     *o,
            GError        **error)
{
  JsonNode *node = sy_json_read_member (o, "stop");
  const char *s = sy_json_read_node_string (node);
  JsonArray *stop;

  if (node == NULL)
    return TRUE;
  if (s != NULL)
    {
      r->stop = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (r->stop, g_strdup (s));
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      sy_json_read_set_error (error, INVALID, NULL, "stop", "expected a string or an array");
      return FALSE;
    }
  stop = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (stop); i++)
    {
      s = sy_json_read_node_string (json_array_get_element (stop, i));
      if (s == NULL)
        {
          char path[32];

          g_snprintf (path, sizeof path, "stop[%u]", i);
          sy_json_read_set_error (error, INVALID, path, NULL, "expected a string");
          return FALSE;
        }
      if (r->stop == NULL)
        r->stop = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (r->stop, g_strdup (s));
    }
  return TRUE;
}

static gboolean
parse_response_format (SyChatRequest  *r,
                       JsonObject     *o,
                       GError        **error)
{
  JsonObject *format, *schema_object, *schema;
  const char *type, *name;
  int strict;

  if (!sy_json_read_object (o, NULL, "response_format", INVALID, &format, error))
    return FALSE;
  if (format == NULL)
    return TRUE;
  if (!sy_json_read_string (format, "response_format", "type", INVALID, &type, error))
    return FALSE;
  if (g_strcmp0 (type, "text") == 0)
    r->format = SY_FORMAT_TEXT;
  else if (g_strcmp0 (type, "json_object") == 0)
    r->format = SY_FORMAT_JSON_OBJECT;
  else if (g_strcmp0 (type, "json_schema") == 0)
    {
      const char *path = "response_format.json_schema";

      if (!sy_json_read_object (format, "response_format", "json_schema", INVALID,
                                &schema_object, error))
        return FALSE;
      if (schema_object == NULL)
        {
          sy_json_read_set_error (error, INVALID, "response_format", "json_schema", "required");
          return FALSE;
        }
      if (!sy_json_read_string (schema_object, path, "name", INVALID, &name, error)
          || !sy_json_read_object (schema_object, path, "schema", INVALID, &schema, error)
          || !sy_json_read_bool (schema_object, path, "strict", INVALID, &strict, error))
        return FALSE;
      r->format = SY_FORMAT_JSON_SCHEMA;
      r->format_name = g_strdup (name);
      if (schema != NULL)
        r->format_schema = json_node_copy (json_object_get_member (schema_object, "schema"));
      r->format_strict = strict == 1;
    }
  else
    {
      sy_json_read_set_error (error, INVALID, "response_format", "type",
                              "expected \"text\", \"json_object\" or \"json_schema\"");
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_reasoning_effort (SyChatRequest  *r,
                        JsonObject     *o,
                        GError        **error)
{
  static const struct { const char *name; SyEffort effort; } efforts[] = {
    { "none", SY_EFFORT_NONE },
    { "minimal", SY_EFFORT_MINIMAL },
    { "low", SY_EFFORT_LOW },
    { "medium", SY_EFFORT_MEDIUM },
    { "high", SY_EFFORT_HIGH },
    /* The IR's scale ends at high; xhigh asks for the most the target has. */
    { "xhigh", SY_EFFORT_HIGH },
  };
  const char *effort;
  JsonObject *reasoning = NULL;
  const char *member = "reasoning_effort";

  if (!sy_json_read_string (o, NULL, "reasoning_effort", INVALID, &effort, error))
    return FALSE;
  /* OpenRouter's form, which OpenAI-dialect clients of OpenRouter send:
   * reasoning: {effort, max_tokens}. */
  if (effort == NULL)
    {
      JsonNode *node = sy_json_read_member (o, "reasoning");

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        reasoning = json_node_get_object (node);
      if (reasoning != NULL
          && (!sy_json_read_string (reasoning, "reasoning", "effort", INVALID, &effort, error)
              || !sy_json_read_int (reasoning, "reasoning", "max_tokens", INVALID,
                                    &r->thinking_budget, error)))
        return FALSE;
      if (r->thinking_budget < SY_UNSET)
        {
          sy_json_read_set_error (error, INVALID, "reasoning", "max_tokens",
                                  "expected a non-negative integer");
          return FALSE;
        }
      member = "reasoning.effort";
    }
  if (effort == NULL)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (efforts); i++)
    if (g_str_equal (effort, efforts[i].name))
      {
        r->reasoning_effort = efforts[i].effort;
        return TRUE;
      }
  sy_json_read_set_error (error, INVALID, NULL, member,
                          "expected \"none\", \"minimal\", \"low\", \"medium\" or \"high\"");
  return FALSE;
}

static gboolean
parse_sampling (SyChatRequest  *r,
                JsonObject     *o,
                GError        **error)
{
  gint64 max_completion_tokens, max_tokens;
  int stream;
  JsonObject *stream_options;

  if (!sy_json_read_int (o, NULL, "max_completion_tokens", INVALID, &max_completion_tokens,
                         error)
      || !sy_json_read_int (o, NULL, "max_tokens", INVALID, &max_tokens, error)
      || !sy_json_read_number (o, NULL, "temperature", INVALID, &r->temperature, error)
      || !sy_json_read_number (o, NULL, "top_p", INVALID, &r->top_p, error)
      || !sy_json_read_number (o, NULL, "presence_penalty", INVALID, &r->presence_penalty,
                               error)
      || !sy_json_read_number (o, NULL, "frequency_penalty", INVALID, &r->frequency_penalty,
                               error)
      || !sy_json_read_int (o, NULL, "seed", INVALID, &r->seed, error)
      || !sy_json_read_bool (o, NULL, "parallel_tool_calls", INVALID, &r->parallel_tool_calls,
                             error)
      || !sy_json_read_bool (o, NULL, "stream", INVALID, &stream, error)
      || !sy_json_read_object (o, NULL, "stream_options", INVALID, &stream_options, error))
    return FALSE;

  if (max_completion_tokens != SY_UNSET && max_completion_tokens < 1)
    {
      sy_json_read_set_error (error, INVALID, NULL, "max_completion_tokens",
                              "expected a positive integer");
      return FALSE;
    }
  if (max_tokens != SY_UNSET && max_tokens < 1)
    {
      sy_json_read_set_error (error, INVALID, NULL, "max_tokens", "expected a positive integer");
      return FALSE;
    }
  /* max_completion_tokens replaced max_tokens: it wins when both are given. */
  r->max_tokens = max_completion_tokens != SY_UNSET ? max_completion_tokens : max_tokens;
  r->stream = stream == 1;
  if (stream_options != NULL)
    {
      int include_usage;

      if (!sy_json_read_bool (stream_options, "stream_options", "include_usage", INVALID,
                              &include_usage, error))
        return FALSE;
      r->stream_include_usage = include_usage == 1;
    }
  return TRUE;
}

gboolean
_sy_openai_parse_request_params (SyChatRequest  *r,
                                 JsonObject     *o,
                                 GError        **error)
{
  JsonArray *tools;

  if (!sy_json_read_array (o, NULL, "tools", INVALID, &tools, error))
    return FALSE;
  return (tools == NULL || parse_tools (r, tools, error))
         && parse_tool_choice (r, o, error)
         && parse_sampling (r, o, error)
         && parse_stop (r, o, error)
         && parse_response_format (r, o, error)
         && parse_reasoning_effort (r, o, error);
}

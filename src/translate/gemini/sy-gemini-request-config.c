/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The settings of a Gemini generateContent request into the internal representation: function
 * declarations, toolConfig and generationConfig (sampling, stop sequences, thinking, JSON
 * output). Built-in tools, several candidates, audio and log probabilities have no equivalent
 * elsewhere and are refused as UNSUPPORTED. Pure; safe on untrusted input.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-gemini-private.h"

#define INVALID SY_TRANSLATE_ERROR_INVALID_REQUEST
#define UNSUPPORTED SY_TRANSLATE_ERROR_UNSUPPORTED

/* Members of a Tool other than functionDeclarations: Gemini's built-in tools. */
static const char *const builtin_tools[] = {
  "googleSearch", "googleSearchRetrieval", "codeExecution", "urlContext", "fileSearch",
  "googleMaps", "computerUse", "retrieval", "enterpriseWebSearch", "mcpServers",
};

static gboolean
parse_declaration (SyChatRequest  *request,
                   JsonNode       *node,
                   const char     *path,
                   GError        **error)
{
  g_autoptr(SyTool) tool = sy_tool_new ();
  JsonObject *decl;
  JsonNode *openapi, *json_schema;
  const char *name, *description;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      sy_json_read_set_error (error, INVALID, path, NULL, "expected an object");
      return FALSE;
    }
  decl = json_node_get_object (node);
  if (!_sy_gemini_get_required_string (decl, path, "name", &name, error) ||
      !_sy_gemini_get_string (decl, path, "description", INVALID, &description, error))
    return FALSE;
  openapi = _sy_gemini_member (decl, "parameters");
  json_schema = _sy_gemini_member (decl, "parametersJsonSchema");
  if ((openapi != NULL && !JSON_NODE_HOLDS_OBJECT (openapi)) ||
      (json_schema != NULL && !JSON_NODE_HOLDS_OBJECT (json_schema)))
    {
      g_autofree char *where = sy_json_read_path (path, openapi != NULL && !JSON_NODE_HOLDS_OBJECT (
                                                  openapi) ? "parameters" :
                                                "parametersJsonSchema");

      sy_json_read_set_error (error, INVALID, where, NULL, "expected an object");
      return FALSE;
    }
  if (openapi != NULL && json_schema != NULL)
    {
      sy_json_read_set_error (error, INVALID, path, NULL,
                              "parameters and parametersJsonSchema are mutually exclusive");
      return FALSE;
    }
  tool->name = g_strdup (name);
  tool->description = g_strdup (description);
  if (openapi != NULL)
    tool->parameters = _sy_gemini_schema_from_openapi (openapi);
  else if (json_schema != NULL)
    tool->parameters = json_node_copy (json_schema);
  g_ptr_array_add (request->tools, g_steal_pointer (&tool));
  return TRUE;
}

gboolean
_sy_gemini_parse_tools (SyChatRequest  *request,
             JsonArray      *tools,
             GError        **error)
{
  for (guint i = 0; i < json_array_get_length (tools); i++)
    {
      JsonNode *node = json_array_get_element (tools, i);
      g_autofree char *path = g_strdup_printf ("tools[%u]", i);
      g_autofree char *decls_path = NULL;
      JsonObject *tool;
      JsonArray *decls;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          sy_json_read_set_error (error, INVALID, path, NULL, "expected an object");
          return FALSE;
        }
      tool = json_node_get_object (node);
      for (guint b = 0; b < G_N_ELEMENTS (builtin_tools); b++)
        if (_sy_gemini_has_member (tool, builtin_tools[b]))
          {
            g_autofree char *where = sy_json_read_path (path, builtin_tools[b]);

            sy_json_read_set_error (error, UNSUPPORTED, where, NULL,
                                    "Gemini's built-in tools cannot be translated");
            return FALSE;
          }
      if (!_sy_gemini_get_array (tool, path, "functionDeclarations", INVALID, &decls, error))
        return FALSE;
      decls_path = sy_json_read_path (path, "functionDeclarations");
      for (guint j = 0; decls != NULL && j < json_array_get_length (decls); j++)
        {
          g_autofree char *where = g_strdup_printf ("%s[%u]", decls_path, j);

          if (!parse_declaration (request, json_array_get_element (decls, j), where, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
name_in (JsonArray  *names,
         const char *name)
{
  for (guint i = 0; i < json_array_get_length (names); i++)
    if (g_strcmp0 (json_array_get_string_element (names, i), name) == 0)
      return TRUE;
  return FALSE;
}

gboolean
_sy_gemini_parse_tool_config (SyChatRequest  *request,
                   JsonObject     *config,
                   GError        **error)
{
  const char *path = "toolConfig.functionCallingConfig";
  JsonObject *calling;
  JsonArray *allowed;
  const char *mode;

  if (!_sy_gemini_get_object (config, "toolConfig", "functionCallingConfig", INVALID, &calling,
                              error))
    return FALSE;
  if (calling == NULL)
    return TRUE;
  if (!_sy_gemini_get_string (calling, path, "mode", INVALID, &mode, error) ||
      !_sy_gemini_get_array (calling, path, "allowedFunctionNames", INVALID, &allowed, error))
    return FALSE;
  for (guint i = 0; allowed != NULL && i < json_array_get_length (allowed); i++)
    if (json_array_get_string_element (allowed, i) == NULL)
      {
        g_autofree char *where = g_strdup_printf ("%s.allowedFunctionNames[%u]", path, i);

        sy_json_read_set_error (error, INVALID, where, NULL, "expected a string");
        return FALSE;
      }

  if (mode == NULL || g_ascii_strcasecmp (mode, "MODE_UNSPECIFIED") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (mode, "AUTO") == 0 || g_ascii_strcasecmp (mode, "VALIDATED") == 0)
    request->tool_choice = SY_TOOL_CHOICE_AUTO;
  else if (g_ascii_strcasecmp (mode, "NONE") == 0)
    request->tool_choice = SY_TOOL_CHOICE_NONE;
  else if (g_ascii_strcasecmp (mode, "ANY") == 0)
    {
      guint n = allowed ? json_array_get_length (allowed) : 0;

      request->tool_choice = SY_TOOL_CHOICE_REQUIRED;
      if (n == 1)
        {
          request->tool_choice = SY_TOOL_CHOICE_NAMED;
          request->tool_choice_name = g_strdup (json_array_get_string_element (allowed, 0));
        }
      else if (n > 1)
        {
          /* Only these may be called: the others are withdrawn, which the other dialects can
           * say (a tool the model cannot call is a tool it does not have). */
          for (guint i = request->tools->len; i > 0; i--)
            {
              SyTool *tool = g_ptr_array_index (request->tools, i - 1);

              if (!name_in (allowed, tool->name))
                g_ptr_array_remove_index (request->tools, i - 1);
            }
        }
    }
  else
    {
      g_autofree char *where = sy_json_read_path (path, "mode");

      sy_json_read_set_error (error, INVALID, where, NULL,
                              "expected AUTO, ANY, NONE or VALIDATED, not \"%s\"", mode);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_thinking (SyChatRequest  *request,
                JsonObject     *config,
                GError        **error)
{
  const char *path = "generationConfig.thinkingConfig";
  static const struct { const char *name; SyEffort effort; } levels[] = {
    { "minimal", SY_EFFORT_MINIMAL }, { "low", SY_EFFORT_LOW },
    { "medium", SY_EFFORT_MEDIUM }, { "high", SY_EFFORT_HIGH },
  };
  gint64 budget;
  gboolean include;
  const char *level;

  if (!_sy_gemini_get_int (config, path, "thinkingBudget", INVALID, &budget, error) ||
      !_sy_gemini_get_bool (config, path, "includeThoughts", INVALID, &include, error) ||
      !_sy_gemini_get_string (config, path, "thinkingLevel", INVALID, &level, error))
    return FALSE;
  /* includeThoughts has no IR field: asking another provider to think always shows the
   * reasoning it returns, and a Gemini upstream gets includeThoughts back from the emitter. */
  if (_sy_gemini_has_member (config, "thinkingBudget"))
    {
      if (budget == 0)
        request->reasoning_effort = SY_EFFORT_NONE;
      else if (budget > 0)
        request->thinking_budget = budget;
      else if (budget != -1)  /* -1: dynamic, the model decides: nothing to say */
        {
          g_autofree char *where = sy_json_read_path (path, "thinkingBudget");

          sy_json_read_set_error (error, INVALID, where, NULL,
                                  "expected -1, 0 or a positive integer");
          return FALSE;
        }
    }
  if (level != NULL && g_ascii_strcasecmp (level, "THINKING_LEVEL_UNSPECIFIED") != 0)
    {
      guint i;

      for (i = 0; i < G_N_ELEMENTS (levels); i++)
        if (g_ascii_strcasecmp (level, levels[i].name) == 0)
          break;
      if (i == G_N_ELEMENTS (levels))
        {
          g_autofree char *where = sy_json_read_path (path, "thinkingLevel");

          sy_json_read_set_error (error, INVALID, where, NULL,
                                  "expected minimal, low, medium or high, not \"%s\"", level);
          return FALSE;
        }
      request->reasoning_effort = levels[i].effort;
    }
  return TRUE;
}

static gboolean
parse_format (SyChatRequest  *request,
              JsonObject     *config,
              GError        **error)
{
  const char *path = "generationConfig";
  JsonNode *openapi = _sy_gemini_member (config, "responseSchema");
  JsonNode *json_schema = _sy_gemini_member (config, "responseJsonSchema");
  const char *mime;

  if (!_sy_gemini_get_string (config, path, "responseMimeType", INVALID, &mime, error))
    return FALSE;
  if ((openapi != NULL && !JSON_NODE_HOLDS_OBJECT (openapi)) ||
      (json_schema != NULL && !JSON_NODE_HOLDS_OBJECT (json_schema)))
    {
      g_autofree char *where = sy_json_read_path (path, openapi != NULL && !JSON_NODE_HOLDS_OBJECT (
                                                  openapi) ? "responseSchema" :
                                                "responseJsonSchema");

      sy_json_read_set_error (error, INVALID, where, NULL, "expected an object");
      return FALSE;
    }
  if (mime != NULL && g_ascii_strcasecmp (mime, "text/plain") == 0 && openapi == NULL &&
      json_schema == NULL)
    request->format = SY_FORMAT_TEXT;
  else if ((mime == NULL && (openapi != NULL || json_schema != NULL)) ||
           (mime != NULL && g_ascii_strcasecmp (mime, "application/json") == 0))
    {
      request->format = SY_FORMAT_JSON_OBJECT;
      if (openapi != NULL || json_schema != NULL)
        {
          request->format = SY_FORMAT_JSON_SCHEMA;
          request->format_schema = json_schema != NULL ? json_node_copy (json_schema)
                                                       : _sy_gemini_schema_from_openapi (openapi);
        }
    }
  else if (mime != NULL)
    {
      g_autofree char *where = sy_json_read_path (path, "responseMimeType");

      sy_json_read_set_error (error, UNSUPPORTED, where, NULL,
                              "%s output cannot be translated", mime);
      return FALSE;
    }
  return TRUE;
}

gboolean
_sy_gemini_parse_generation_config (SyChatRequest  *request,
                         JsonObject     *config,
                         GError        **error)
{
  const char *path = "generationConfig";
  JsonObject *thinking;
  JsonArray *stop, *modalities;
  gint64 candidates, logprobs;
  gboolean want_logprobs;

  if (!_sy_gemini_get_number (config, path, "temperature", INVALID, &request->temperature,
                              error) ||
      !_sy_gemini_get_number (config, path, "topP", INVALID, &request->top_p, error) ||
      !_sy_gemini_get_int (config, path, "topK", INVALID, &request->top_k, error) ||
      !_sy_gemini_get_int (config, path, "maxOutputTokens", INVALID, &request->max_tokens,
                           error) ||
      !_sy_gemini_get_int (config, path, "seed", INVALID, &request->seed, error) ||
      !_sy_gemini_get_number (config, path, "presencePenalty", INVALID,
                              &request->presence_penalty, error) ||
      !_sy_gemini_get_number (config, path, "frequencyPenalty", INVALID,
                              &request->frequency_penalty, error) ||
      !_sy_gemini_get_int (config, path, "candidateCount", INVALID, &candidates, error) ||
      !_sy_gemini_get_array (config, path, "stopSequences", INVALID, &stop, error) ||
      !_sy_gemini_get_array (config, path, "responseModalities", INVALID, &modalities, error) ||
      !_sy_gemini_get_bool (config, path, "responseLogprobs", INVALID, &want_logprobs, error) ||
      !_sy_gemini_get_int (config, path, "logprobs", INVALID, &logprobs, error) ||
      !_sy_gemini_get_object (config, path, "thinkingConfig", INVALID, &thinking, error))
    return FALSE;

  if (request->max_tokens < 0 && _sy_gemini_has_member (config, "maxOutputTokens"))
    {
      sy_json_read_set_error (error, INVALID, "generationConfig.maxOutputTokens", NULL,
                              "expected a non-negative integer");
      return FALSE;
    }
  if (request->top_k < 0 && _sy_gemini_has_member (config, "topK"))
    {
      sy_json_read_set_error (error, INVALID, "generationConfig.topK", NULL,
                              "expected a non-negative integer");
      return FALSE;
    }
  if (candidates > 1)
    {
      sy_json_read_set_error (error, UNSUPPORTED, "generationConfig.candidateCount", NULL,
                              "more than one candidate cannot be translated");
      return FALSE;
    }
  if (want_logprobs || logprobs > 0)
    {
      sy_json_read_set_error (error, UNSUPPORTED, "generationConfig.responseLogprobs", NULL,
                              "log probabilities cannot be translated");
      return FALSE;
    }
  if (_sy_gemini_unsupported_member (config, path, "speechConfig",
                                     "audio output cannot be translated", error))
    return FALSE;
  for (guint i = 0; modalities != NULL && i < json_array_get_length (modalities); i++)
    {
      const char *modality = json_array_get_string_element (modalities, i);

      if (modality == NULL || g_ascii_strcasecmp (modality, "TEXT") != 0)
        {
          g_autofree char *where = g_strdup_printf ("%s.responseModalities[%u]", path, i);

          sy_json_read_set_error (error, UNSUPPORTED, where, NULL,
                                  "only text output can be translated");
          return FALSE;
        }
    }
  if (stop != NULL)
    {
      request->stop = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < json_array_get_length (stop); i++)
        {
          const char *s = json_array_get_string_element (stop, i);

          if (s == NULL)
            {
              g_autofree char *where = g_strdup_printf ("%s.stopSequences[%u]", path, i);

              sy_json_read_set_error (error, INVALID, where, NULL, "expected a string");
              return FALSE;
            }
          g_ptr_array_add (request->stop, g_strdup (s));
        }
    }
  if (thinking != NULL && !parse_thinking (request, thinking, error))
    return FALSE;
  return parse_format (request, config, error);
}


/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads an Anthropic Messages request (POST /v1/messages) into the internal representation.
 * Owns only the mapping; every field of the untrusted body is type-checked and a bad one is
 * an error naming its path. What the IR cannot carry faithfully (documents, server tools, MCP
 * servers) is refused as UNSUPPORTED rather than dropped. No I/O.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-anthropic-private.h"

#include <string.h>

/* Paths in error messages: "messages[12].content[3].source" and the like. */
#define PATH_SIZE 96

/* A count (max_tokens, top_k, budget_tokens): absent leaves *out alone. */
static gboolean
get_count (JsonObject  *obj,
           const char  *path,
           const char  *key,
           gint64      *out,
           GError     **error)
{
  gint64 value = 0;
  JsonNode *node = json_object_get_member (obj, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!_sy_anthropic_get_int (obj, path, key, &value, error))
    return FALSE;
  if (value < 0)
    {
      sy_json_read_set_error (error, SY_TRANSLATE_ERROR_INVALID_REQUEST, path, key,
                              "expected a non-negative integer");
      return FALSE;
    }
  *out = value;
  return TRUE;
}

static SyPart *
parse_text_block (JsonObject  *block,
                  const char  *path,
                  GError     **error)
{
  const char *text;

  /* cache_control and citations are ignored: cache_control is an optimisation hint for
   * Anthropic's prompt cache, not content, and the IR has no place for it; citations only
   * come with document or search_result inputs, which are refused. */
  if (!_sy_anthropic_get_string (block, path, "text", TRUE, &text, error))
    return NULL;
  return sy_part_new_text (text);
}

static SyPart *
parse_image_block (JsonObject  *block,
                   const char  *path,
                   GError     **error)
{
  g_autoptr(SyPart) part = sy_part_new (SY_PART_IMAGE);
  char source_path[PATH_SIZE];
  JsonObject *source;
  const char *type, *media_type, *data, *url;

  g_snprintf (source_path, sizeof source_path, "%s.source", path);
  if (!_sy_anthropic_get_object (block, path, "source", TRUE, &source, error) ||
      !_sy_anthropic_get_string (source, source_path, "type", TRUE, &type, error))
    return NULL;

  if (g_str_equal (type, "base64"))
    {
      if (!_sy_anthropic_get_string (source, source_path, "media_type", TRUE, &media_type,
                                     error) ||
          !_sy_anthropic_get_string (source, source_path, "data", TRUE, &data, error))
        return NULL;
      part->media_type = g_strdup (media_type);
      part->data = g_strdup (data);
    }
  else if (g_str_equal (type, "url"))
    {
      if (!_sy_anthropic_get_string (source, source_path, "url", TRUE, &url, error))
        return NULL;
      part->url = g_strdup (url);
    }
  else if (g_str_equal (type, "file"))
    {
      sy_json_read_set_error (error, SY_TRANSLATE_ERROR_UNSUPPORTED, source_path, "type",
                              "images uploaded with the Files API (\"file\") cannot be "
                              "translated; send them as base64 or url");
      return NULL;
    }
  else
    {
      sy_json_read_set_error (error, SY_TRANSLATE_ERROR_INVALID_REQUEST, source_path, "type",
                              "expected \"base64\" or \"url\"");
      return NULL;
    }
  return g_steal_pointer (&part);
}

static gboolean
unsupported_block (const char  *type,
                   const char  *path,
                   GError     **error)
{
  sy_json_read_set_error (error, SY_TRANSLATE_ERROR_UNSUPPORTED, path, "type",
                          "\"%s\" blocks cannot be translated to other providers", type);
  return FALSE;
}

/* A tool_result's content: a string, or text and image blocks. */
static gboolean
parse_tool_result_content (JsonObject  *block,
                           const char  *path,
                           SyPart      *part,
                           GError     **error)
{
  JsonNode *node = json_object_get_member (block, "content");
  char content_path[PATH_SIZE];
  JsonArray *array;

  part->content = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_part_free);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      if (*json_node_get_string (node) != '\0')
        g_ptr_array_add (part->content, sy_part_new_text (json_node_get_string (node)));
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      sy_json_read_set_error (error, SY_TRANSLATE_ERROR_INVALID_REQUEST, path, "content",
                              "expected a string or an array");
      return FALSE;
    }

  g_snprintf (content_path, sizeof content_path, "%s.content", path);
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      char item_path[PATH_SIZE];
      JsonObject *item = sy_json_read_array_object (array, i, content_path,
                                                    SY_TRANSLATE_ERROR_INVALID_REQUEST, error);
      const char *type;
      SyPart *inner;

      g_snprintf (item_path, sizeof item_path, "%s[%u]", content_path, i);
      if (item == NULL || !_sy_anthropic_get_string (item, item_path, "type", TRUE, &type, error))
        return FALSE;
      if (g_str_equal (type, "text"))
        inner = parse_text_block (item, item_path, error);
      else if (g_str_equal (type, "image"))
        inner = parse_image_block (item, item_path, error);
      else
        return unsupported_block (type, item_path, error);
      if (inner == NULL)
        return FALSE;
      g_ptr_array_add (part->content, inner);
    }
  return TRUE;
}

static SyPart *
parse_tool_use_block (JsonObject  *block,
                      const char  *path,
                      GError     **error)
{
  g_autoptr(SyPart) part = sy_part_new (SY_PART_TOOL_CALL);
  const char *id, *name;
  JsonNode *input;

  if (!_sy_anthropic_get_string (block, path, "id", TRUE, &id, error) ||
      !_sy_anthropic_get_string (block, path, "name", TRUE, &name, error))
    return NULL;
  /* Ids this gateway handed an Anthropic client may carry another provider's signature for
   * the call (Gemini's thoughtSignature); see the response and stream encoders. */
  sy_tool_call_id_unpack (id, &part->id, &part->signature);
  part->name = g_strdup (name);

  input = json_object_get_member (block, "input");
  if (input == NULL || JSON_NODE_HOLDS_NULL (input))
    part->arguments = g_strdup ("{}");
  else if (JSON_NODE_HOLDS_OBJECT (input))
    part->arguments = json_to_string (input, FALSE);
  else
    {
      sy_json_read_set_error (error, SY_TRANSLATE_ERROR_INVALID_REQUEST, path, "input",
                              "expected an object");
      return NULL;
    }
  return g_steal_pointer (&part);
}

static SyPart *
parse_tool_result_block (SyChatRequest  *request,
                         JsonObject     *block,
                         const char     *path,
                         GError        **error)
{
  g_autoptr(SyPart) part = sy_part_new (SY_PART_TOOL_RESULT);
  g_autofree char *signature = NULL;
  const char *id;

  if (!_sy_anthropic_get_string (block, path, "tool_use_id", TRUE, &id, error) ||
      !_sy_anthropic_get_bool (block, path, "is_error", &part->is_error, error) ||
      !parse_tool_result_content (block, path, part, error))
    return NULL;
  sy_tool_call_id_unpack (id, &part->id, &signature);
  part->name = g_strdup (sy_chat_request_find_tool_name (request, part->id));
  return g_steal_pointer (&part);
}

static SyPart *
parse_thinking_block (JsonObject  *block,
                      const char  *path,
                      GError     **error)
{
  g_autoptr(SyPart) part = sy_part_new (SY_PART_THINKING);
  const char *thinking, *signature;

  if (!_sy_anthropic_get_string (block, path, "thinking", FALSE, &thinking, error) ||
      !_sy_anthropic_get_string (block, path, "signature", FALSE, &signature, error))
    return NULL;
  part->text = g_strdup (thinking ? thinking : "");
  if (signature != NULL && *signature != '\0')
    part->signature = g_strdup (signature);
  return g_steal_pointer (&part);
}

static SyPart *
parse_redacted_thinking_block (JsonObject  *block,
                               const char  *path,
                               GError     **error)
{
  g_autoptr(SyPart) part = sy_part_new (SY_PART_REDACTED_THINKING);
  const char *data;

  if (!_sy_anthropic_get_string (block, path, "data", TRUE, &data, error))
    return NULL;
  part->data = g_strdup (data);
  return g_steal_pointer (&part);
}

static SyPart *
parse_block (SyChatRequest  *request,
             SyRole          role,
             JsonObject     *block,
             const char     *path,
             GError        **error)
{
  const char *type;

  if (!_sy_anthropic_get_string (block, path, "type", TRUE, &type, error))
    return NULL;

  if (g_str_equal (type, "text"))
    return parse_text_block (block, path, error);
  if (g_str_equal (type, "image"))
    return parse_image_block (block, path, error);
  if (g_str_equal (type, "tool_use"))
    return parse_tool_use_block (block, path, error);
  if (g_str_equal (type, "tool_result"))
    {
      if (role != SY_ROLE_USER)
        {
          sy_json_read_set_error (error, SY_TRANSLATE_ERROR_INVALID_REQUEST, path, "type",
                                  "tool_result blocks belong in user messages");
          return NULL;
        }
      return parse_tool_result_block (request, block, path, error);
    }
  if (g_str_equal (type, "thinking"))
    return parse_thinking_block (block, path, error);
  if (g_str_equal (type, "redacted_thinking"))
    return parse_redacted_thinking_block (block, path, error);

  /* document, search_result, server_tool_use, web_search_tool_result, mcp_tool_use,
   * container_upload, ...: the IR has no such parts. */
  unsupported_block (type, path, error);
  return NULL;
}

static gboolean
parse_message (SyChatRequest  *request,
               JsonObject     *obj,
               guint           index,
               GError        **error)
{
  g_autoptr(SyMessage) message = NULL;
  char path[PATH_SIZE];
  const char *role;
  JsonNode *content;

  g_snprintf (path, sizeof path, "messages[%u]", index);
  if (!_sy_anthropic_get_string (obj, path, "role", TRUE, &role, error))
    return FALSE;
  if (g_str_equal (role, "user"))
    message = sy_message_new (SY_ROLE_USER);
  else if (g_str_equal (role, "assistant"))
    message = sy_message_new (SY_ROLE_ASSISTANT);
  else
    {
      sy_json_read_set_error (error, SY_TRANSLATE_ERROR_INVALID_REQUEST, path, "role",
                              "expected \"user\" or \"assistant\"");
      return FALSE;
    }

  content = json_object_get_member (obj, "content");
  if (content != NULL && JSON_NODE_HOLDS_VALUE (content) &&
      json_node_get_value_type (content) == G_TYPE_STRING)
    {
      if (*json_node_get_string (content) != '\0')
        g_ptr_array_add (message->parts, sy_part_new_text (json_node_get_string (content)));
    }
  else if (content != NULL && JSON_NODE_HOLDS_ARRAY (content))
    {
      JsonArray *blocks = json_node_get_array (content);
      char blocks_path[PATH_SIZE];

      g_snprintf (blocks_path, sizeof blocks_path, "%s.content", path);
      for (guint i = 0; i < json_array_get_length (blocks); i++)
        {
          char block_path[PATH_SIZE];
          JsonObject *block = sy_json_read_array_object (blocks, i, blocks_path,
                                                         SY_TRANSLATE_ERROR_INVALID_REQUEST, error);
          SyPart *part;

          g_snprintf (block_path, sizeof block_path, "%s[%u]", blocks_path, i);
          if (block == NULL ||
              (part = parse_block (request, message->role, block, block_path, error)) == NULL)
            return FALSE;
          g_ptr_array_add (message->parts, part);
        }
    }
  else
    {
      sy_json_read_set_error (error, SY_TRANSLATE_ERROR_INVALID_REQUEST, path, "content",
                              content == NULL ? "is required"
                                               : "expected a string or an array");
      return FALSE;
    }

  if (message->parts->len > 0)
    g_ptr_array_add (request->messages, g_steal_pointer (&message));
  return TRUE;
}

static gboolean
parse_system (SyChatRequest  *request,
              JsonObject     *root,
              GError        **error)
{
  JsonNode *node = json_object_get_member (root, "system");
  JsonArray *blocks;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      if (*json_node_get_string (node) != '\0')
        g_ptr_array_add (request->system, sy_part_new_text (json_node_get_string (node)));
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      sy_json_read_set_error (error, SY_TRANSLATE_ERROR_INVALID_REQUEST, "system", NULL,
                              "expected a string or an array of text blocks");
      return FALSE;
    }

  blocks = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (blocks); i++)
    {
      char path[PATH_SIZE];
      JsonObject *block = sy_json_read_array_object (blocks, i, "system",
                                                     SY_TRANSLATE_ERROR_INVALID_REQUEST, error);
      const char *type;
      SyPart *part;

      g_snprintf (path, sizeof path, "system[%u]", i);
      if (block == NULL || !_sy_anthropic_get_string (block, path, "type", TRUE, &type, error))
        return FALSE;
      if (!g_str_equal (type, "text"))
        {
          sy_json_read_set_error (error, SY_TRANSLATE_ERROR_INVALID_REQUEST, path, "type",
                                  "expected \"text\"");
          return FALSE;
        }
      if ((part = parse_text_block (block, path, error)) == NULL)
        return FALSE;
      g_ptr_array_add (request->system, part);
    }
  return TRUE;
}

static gboolean
parse_tools (SyChatRequest  *request,
             JsonObject     *root,
             GError        **error)
{
  JsonArray *tools;

  if (!_sy_anthropic_get_array (root, "", "tools", FALSE, &tools, error))
    return FALSE;
  for (guint i = 0; tools != NULL && i < json_array_get_length (tools); i++)
    {
      g_autoptr(SyTool) tool = sy_tool_new ();
      char path[PATH_SIZE];
      JsonObject *obj = sy_json_read_array_object (tools, i, "tools",
                                                   SY_TRANSLATE_ERROR_INVALID_REQUEST, error);
      const char *type, *name, *description;
      JsonObject *schema;

      g_snprintf (path, sizeof path, "tools[%u]", i);
      if (obj == NULL || !_sy_anthropic_get_string (obj, path, "type", FALSE, &type, error))
        return FALSE;
      if (type != NULL && !g_str_equal (type, "custom"))
        {
          sy_json_read_set_error (error, SY_TRANSLATE_ERROR_UNSUPPORTED, path, "type",
                                  "server tool \"%s\" cannot be translated to other "
                                  "providers", type);
          return FALSE;
        }
      if (!_sy_anthropic_get_string (obj, path, "name", TRUE, &name, error) ||
          !_sy_anthropic_get_string (obj, path, "description", FALSE, &description, error) ||
          !_sy_anthropic_get_object (obj, path, "input_schema", FALSE, &schema, error) ||
          !_sy_anthropic_get_bool (obj, path, "strict", &tool->strict, error))
        return FALSE;
      tool->name = g_strdup (name);
      tool->description = g_strdup (description);
      if (schema != NULL)
        tool->parameters = json_node_copy (json_object_get_member (obj, "input_schema"));
      g_ptr_array_add (request->tools, g_steal_pointer (&tool));
    }
  return TRUE;
}

static gboolean
parse_tool_choice (SyChatRequest  *request,
                   JsonObject     *root,
                   GError        **error)
{
  JsonObject *choice;
  const char *type, *name;
  gboolean disable_parallel = FALSE;

  if (!_sy_anthropic_get_object (root, "", "tool_choice", FALSE, &choice, error))
    return FALSE;
  if (choice == NULL)
    return TRUE;
  if (!_sy_anthropic_get_string (choice, "tool_choice", "type", TRUE, &type, error))
    return FALSE;

  if (g_str_equal (type, "auto"))
    request->tool_choice = SY_TOOL_CHOICE_AUTO;
  else if (g_str_equal (type, "any"))
    request->tool_choice = SY_TOOL_CHOICE_REQUIRED;
  else if (g_str_equal (type, "none"))
    request->tool_choice = SY_TOOL_CHOICE_NONE;
  else if (g_str_equal (type, "tool"))
    {
      if (!_sy_anthropic_get_string (choice, "tool_choice", "name", TRUE, &name, error))
        return FALSE;
      request->tool_choice = SY_TOOL_CHOICE_NAMED;
      request->tool_choice_name = g_strdup (name);
    }
  else
    {
      sy_json_read_set_error (error, SY_TRANSLATE_ERROR_INVALID_REQUEST, "tool_choice", "type",
                              "expected \"auto\", \"any\", \"tool\" or \"none\"");
      return FALSE;
    }

  if (json_object_has_member (choice, "disable_parallel_tool_use") &&
      !JSON_NODE_HOLDS_NULL (json_object_get_member (choice, "disable_parallel_tool_use")))
    {
      if (!_sy_anthropic_get_bool (choice, "tool_choice", "disable_parallel_tool_use",
                                   &disable_parallel, error))
        return FALSE;
      request->parallel_tool_calls = disable_parallel ? 0 : 1;
    }
  return TRUE;
}

static gboolean
parse_thinking (SyChatRequest  *request,
                JsonObject     *root,
                GError        **error)
{
  JsonObject *thinking;
  const char *type;
  gint64 budget = SY_UNSET;

  if (!_sy_anthropic_get_object (root, "", "thinking", FALSE, &thinking, error))
    return FALSE;
  if (thinking == NULL)
    return TRUE;
  if (!_sy_anthropic_get_string (thinking, "thinking", "type", TRUE, &type, error))
    return FALSE;

  if (g_str_equal (type, "enabled"))
    {
      if (!json_object_has_member (thinking, "budget_tokens"))
        {
          sy_json_read_set_error (error, SY_TRANSLATE_ERROR_INVALID_REQUEST, "thinking",
                                  "budget_tokens", "is required when thinking is enabled");
          return FALSE;
        }
      if (!get_count (thinking, "thinking", "budget_tokens", &budget, error))
        return FALSE;
      request->thinking_budget = budget;
    }
  else if (g_str_equal (type, "disabled"))
    request->reasoning_effort = SY_EFFORT_NONE;
  else if (!g_str_equal (type, "adaptive"))
    {
      /* adaptive: the model decides how much to think; output_config.effort, if given,
       * says how hard. The IR has no "model decides" value, so it stays unset. */
      sy_json_read_set_error (error, SY_TRANSLATE_ERROR_INVALID_REQUEST, "thinking", "type",
                              "expected \"enabled\", \"disabled\" or \"adaptive\"");
      return FALSE;
    }
  return TRUE;
}

/* output_config.format and the beta's top-level output_format: {type: json_schema, schema}. */
static gboolean
parse_format (SyChatRequest  *request,
              JsonObject     *parent,
              const char     *path,
              const char     *key,
              GError        **error)
{
  char format_path[PATH_SIZE];
  JsonObject *format, *schema;
  const char *type;

  g_snprintf (format_path, sizeof format_path, "%s%s%s", path, *path ? "." : "", key);
  if (!_sy_anthropic_get_object (parent, path, key, FALSE, &format, error))
    return FALSE;
  if (format == NULL)
    return TRUE;
  if (!_sy_anthropic_get_string (format, format_path, "type", TRUE, &type, error))
    return FALSE;
  if (!g_str_equal (type, "json_schema"))
    {
      sy_json_read_set_error (error, SY_TRANSLATE_ERROR_INVALID_REQUEST, format_path, "type",
                              "expected \"json_schema\"");
      return FALSE;
    }
  if (!_sy_anthropic_get_object (format, format_path, "schema", TRUE, &schema, error))
    return FALSE;
  request->format = SY_FORMAT_JSON_SCHEMA;
  g_clear_pointer (&request->format_schema, json_node_unref);
  request->format_schema = json_node_copy (json_object_get_member (format, "schema"));
  /* Anthropic always constrains decoding to the schema. */
  request->format_strict = TRUE;
  return TRUE;
}

static gboolean
parse_output_config (SyChatRequest  *request,
                     JsonObject     *root,
                     GError        **error)
{
  static const struct { const char *name; SyEffort effort; } efforts[] = {
    { "low", SY_EFFORT_LOW },
    { "medium", SY_EFFORT_MEDIUM },
    { "high", SY_EFFORT_HIGH },
    /* Anthropic's levels above high; the IR's scale ends at high. */
    { "xhigh", SY_EFFORT_HIGH },
    { "max", SY_EFFORT_HIGH },
  };
  JsonObject *config;
  const char *effort;
  guint i;

  if (!parse_format (request, root, "", "output_format", error) ||
      !_sy_anthropic_get_object (root, "", "output_config", FALSE, &config, error))
    return FALSE;
  if (config == NULL)
    return TRUE;
  if (!parse_format (request, config, "output_config", "format", error) ||
      !_sy_anthropic_get_string (config, "output_config", "effort", FALSE, &effort, error))
    return FALSE;
  if (effort == NULL)
    return TRUE;
  for (i = 0; i < G_N_ELEMENTS (efforts) && !g_str_equal (effort, efforts[i].name); i++)
    ;
  if (i == G_N_ELEMENTS (efforts))
    {
      sy_json_read_set_error (error, SY_TRANSLATE_ERROR_INVALID_REQUEST, "output_config",
                              "effort", "expected \"low\", \"medium\", \"high\", \"xhigh\" "
                              "or \"max\"");
      return FALSE;
    }
  /* thinking {type: disabled} wins: reasoning stays off. */
  if (request->reasoning_effort != SY_EFFORT_NONE)
    request->reasoning_effort = efforts[i].effort;
  return TRUE;
}

static gboolean
parse_sampling (SyChatRequest  *request,
                JsonObject     *root,
                GError        **error)
{
  JsonArray *stop;
  JsonObject *metadata;
  const char *user;

  /* max_tokens is required by Anthropic, but its clients always send it: a missing one stays
   * unset instead of refusing the request (the emitters that need it default it). */
  if (!get_count (root, "", "max_tokens", &request->max_tokens, error) ||
      !_sy_anthropic_get_double (root, "", "temperature", &request->temperature, error) ||
      !_sy_anthropic_get_double (root, "", "top_p", &request->top_p, error) ||
      !get_count (root, "", "top_k", &request->top_k, error) ||
      !_sy_anthropic_get_bool (root, "", "stream", &request->stream, error) ||
      !_sy_anthropic_get_array (root, "", "stop_sequences", FALSE, &stop, error) ||
      !_sy_anthropic_get_object (root, "", "metadata", FALSE, &metadata, error))
    return FALSE;

  for (guint i = 0; stop != NULL && i < json_array_get_length (stop); i++)
    {
      JsonNode *node = json_array_get_element (stop, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          g_set_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_INVALID_REQUEST,
                       "stop_sequences[%u]: expected a string", i);
          return FALSE;
        }
      if (request->stop == NULL)
        request->stop = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (request->stop, g_strdup (json_node_get_string (node)));
    }

  if (metadata != NULL)
    {
      if (!_sy_anthropic_get_string (metadata, "metadata", "user_id", FALSE, &user, error))
        return FALSE;
      request->user = g_strdup (user);
    }
  return TRUE;
}

SyChatRequest *
_sy_anthropic_parse_request (const char  *data,
                             gsize        len,
                             GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(SyChatRequest) request = sy_chat_request_new ();
  JsonNode *root_node = _sy_anthropic_parse_object (parser, data, len, error);
  JsonObject *root;
  JsonArray *messages, *mcp_servers;
  const char *model;

  if (root_node == NULL)
    return NULL;
  root = json_node_get_object (root_node);

  if (!_sy_anthropic_get_string (root, "", "model", FALSE, &model, error) ||
      !_sy_anthropic_get_array (root, "", "messages", TRUE, &messages, error) ||
      !_sy_anthropic_get_array (root, "", "mcp_servers", FALSE, &mcp_servers, error))
    return NULL;
  request->model = g_strdup (model);

  if (mcp_servers != NULL && json_array_get_length (mcp_servers) > 0)
    {
      sy_json_read_set_error (error, SY_TRANSLATE_ERROR_UNSUPPORTED, "mcp_servers", NULL,
                              "Anthropic's MCP connector cannot be translated to other "
                              "providers");
      return NULL;
    }

  if (!parse_system (request, root, error) ||
      !parse_tools (request, root, error))
    return NULL;

  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *obj = sy_json_read_array_object (messages, i, "messages",
                                                   SY_TRANSLATE_ERROR_INVALID_REQUEST, error);

      if (obj == NULL || !parse_message (request, obj, i, error))
        return NULL;
    }

  if (!parse_tool_choice (request, root, error) ||
      !parse_thinking (request, root, error) ||
      !parse_output_config (request, root, error) ||
      !parse_sampling (request, root, error))
    return NULL;

  /* service_tier, inference_geo, container, context_management and the top-level
   * cache_control are account or caching options, not part of the conversation. */
  return g_steal_pointer (&request);
}

char *
_sy_anthropic_request_path (const SyChatRequest *request)
{
  return g_strdup ("/messages");
}

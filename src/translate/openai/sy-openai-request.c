/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads an OpenAI Chat Completions request body into the internal representation: the body and
 * its messages here, the other fields in sy-openai-request-params.c, emitting in
 * sy-openai-request-emit.c. Pure, safe on untrusted input: bad input is a GError naming the
 * field's path, never a crash.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-openai-private.h"

#include <string.h>

#define INVALID     SY_TRANSLATE_ERROR_INVALID_REQUEST
#define UNSUPPORTED SY_TRANSLATE_ERROR_UNSUPPORTED

/* One text part from an element of a content array: "text" (and "refusal" for assistants). */
static gboolean
parse_text_part (JsonNode    *node,
                 const char  *path,
                 gboolean     allow_refusal,
                 const char **out,
                 GError     **error)
{
  JsonObject *part;
  const char *type;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      sy_json_read_set_error (error, INVALID, path, NULL, "expected an object");
      return FALSE;
    }
  part = json_node_get_object (node);
  if (!sy_json_read_string (part, path, "type", INVALID, &type, error))
    return FALSE;
  if (g_strcmp0 (type, "text") == 0)
    {
      if (!sy_json_read_string (part, path, "text", INVALID, out, error))
        return FALSE;
      if (*out == NULL)
        {
          sy_json_read_set_error (error, INVALID, path, "text", "required");
          return FALSE;
        }
      return TRUE;
    }
  if (allow_refusal && g_strcmp0 (type, "refusal") == 0)
    {
      if (!sy_json_read_string (part, path, "refusal", INVALID, out, error))
        return FALSE;
      if (*out == NULL)
        {
          sy_json_read_set_error (error, INVALID, path, "refusal", "required");
          return FALSE;
        }
      return TRUE;
    }
  sy_json_read_set_error (error, INVALID, path, "type", allow_refusal
                          ? "expected \"text\" or \"refusal\"" : "expected \"text\"");
  return FALSE;
}

/* content as a string or an array of text parts: non-empty texts become TEXT parts. */
static gboolean
parse_text_content (JsonObject  *m,
                    const char  *path,
                    gboolean     allow_refusal,
                    GPtrArray   *parts,
                    GError     **error)
{
  JsonNode *content = sy_json_read_member (m, "content");
  const char *text = sy_json_read_node_string (content);

  if (content == NULL)
    return TRUE;
  if (text != NULL)
    {
      if (*text != '\0')
        g_ptr_array_add (parts, sy_part_new_text (text));
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (content))
    {
      sy_json_read_set_error (error, INVALID, path, "content", "expected a string or an array");
      return FALSE;
    }
  for (guint j = 0; j < json_array_get_length (json_node_get_array (content)); j++)
    {
      char part_path[96];

      g_snprintf (part_path, sizeof part_path, "%s.content[%u]", path, j);
      if (!parse_text_part (json_array_get_element (json_node_get_array (content), j), part_path,
                            allow_refusal, &text, error))
        return FALSE;
      if (*text != '\0')
        g_ptr_array_add (parts, sy_part_new_text (text));
    }
  return TRUE;
}

/* An image_url part's URL: base64 data: URLs become data + media_type, http(s) stays a URL. */
static SyPart *
parse_image_url (const char  *url,
                 const char  *path,
                 GError     **error)
{
  g_autoptr(SyPart) part = sy_part_new (SY_PART_IMAGE);

  if (g_ascii_strncasecmp (url, "data:", 5) == 0)
    {
      const char *meta = url + 5;
      const char *comma = strchr (meta, ',');
      const char *semi;
      gsize meta_len;

      if (comma == NULL)
        {
          sy_json_read_set_error (error, INVALID, path, "url", "malformed data: URL");
          return NULL;
        }
      meta_len = comma - meta;
      if (meta_len < 7 || g_ascii_strncasecmp (comma - 7, ";base64", 7) != 0)
        {
          sy_json_read_set_error (error, UNSUPPORTED, path, "url",
                                  "only base64 data: URLs are supported");
          return NULL;
        }
      semi = memchr (meta, ';', meta_len);
      if (semi == meta)
        {
          sy_json_read_set_error (error, INVALID, path, "url", "data: URL without a media type");
          return NULL;
        }
      part->media_type = g_strndup (meta, semi - meta);
      part->data = g_strdup (comma + 1);
      return g_steal_pointer (&part);
    }
  if (g_ascii_strncasecmp (url, "https://", 8) == 0 || g_ascii_strncasecmp (url, "http://", 7) == 0)
    {
      part->url = g_strdup (url);
      return g_steal_pointer (&part);
    }
  sy_json_read_set_error (error, INVALID, path, "url", "expected an http(s) or a data: URL");
  return NULL;
}

static gboolean
parse_user_part (JsonNode    *node,
                 const char  *path,
                 SyMessage   *message,
                 GError     **error)
{
  JsonObject *part;
  const char *type, *text;
  JsonNode *image;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      sy_json_read_set_error (error, INVALID, path, NULL, "expected an object");
      return FALSE;
    }
  part = json_node_get_object (node);
  if (!sy_json_read_string (part, path, "type", INVALID, &type, error))
    return FALSE;
  if (type == NULL)
    {
      sy_json_read_set_error (error, INVALID, path, "type", "required");
      return FALSE;
    }
  if (g_str_equal (type, "text"))
    {
      if (!parse_text_part (node, path, FALSE, &text, error))
        return FALSE;
      g_ptr_array_add (message->parts, sy_part_new_text (text));
      return TRUE;
    }
  if (g_str_equal (type, "image_url"))
    {
      char image_path[112];
      SyPart *p;

      g_snprintf (image_path, sizeof image_path, "%s.image_url", path);
      image = sy_json_read_member (part, "image_url");
      /* Some clients send the URL itself instead of {url, detail}. */
      text = sy_json_read_node_string (image);
      if (text == NULL && image != NULL && JSON_NODE_HOLDS_OBJECT (image)
          && !sy_json_read_string (json_node_get_object (image), image_path, "url", INVALID,
                                   &text, error))
        return FALSE;
      if (text == NULL)
        {
          sy_json_read_set_error (error, INVALID, image_path, "url", "required");
          return FALSE;
        }
      p = parse_image_url (text, image_path, error);
      if (p == NULL)
        return FALSE;
      g_ptr_array_add (message->parts, p);
      return TRUE;
    }
  if (g_str_equal (type, "input_audio") || g_str_equal (type, "file"))
    {
      sy_json_read_set_error (error, UNSUPPORTED, path, NULL,
                              "%s parts are not supported across dialects", type);
      return FALSE;
    }
  sy_json_read_set_error (error, INVALID, path, "type", "unknown content part type \"%s\"", type);
  return FALSE;
}

static gboolean
parse_user_message (SyChatRequest  *r,
                    JsonObject     *m,
                    const char     *path,
                    GError        **error)
{
  g_autoptr(SyMessage) message = sy_message_new (SY_ROLE_USER);
  JsonNode *content = sy_json_read_member (m, "content");
  const char *text = sy_json_read_node_string (content);

  if (content == NULL)
    {
      sy_json_read_set_error (error, INVALID, path, "content", "required");
      return FALSE;
    }
  if (text != NULL)
    g_ptr_array_add (message->parts, sy_part_new_text (text));
  else if (JSON_NODE_HOLDS_ARRAY (content))
    {
      JsonArray *parts = json_node_get_array (content);

      for (guint j = 0; j < json_array_get_length (parts); j++)
        {
          char part_path[96];

          g_snprintf (part_path, sizeof part_path, "%s.content[%u]", path, j);
          if (!parse_user_part (json_array_get_element (parts, j), part_path, message, error))
            return FALSE;
        }
    }
  else
    {
      sy_json_read_set_error (error, INVALID, path, "content", "expected a string or an array");
      return FALSE;
    }
  g_ptr_array_add (r->messages, g_steal_pointer (&message));
  return TRUE;
}

SyPart *
_sy_openai_parse_tool_call (JsonNode    *node,
                            const char  *path,
                            int          code,
                            GError     **error)
{
  g_autoptr(SyPart) part = sy_part_new (SY_PART_TOOL_CALL);
  char function_path[112];
  JsonObject *call, *function;
  JsonNode *arguments;
  const char *type, *id, *name;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      sy_json_read_set_error (error, code, path, NULL, "expected an object");
      return NULL;
    }
  call = json_node_get_object (node);
  if (!sy_json_read_string (call, path, "type", code, &type, error)
      || !sy_json_read_string (call, path, "id", code, &id, error)
      || !sy_json_read_object (call, path, "function", code, &function, error))
    return NULL;
  if (type != NULL && !g_str_equal (type, "function"))
    {
      sy_json_read_set_error (error, UNSUPPORTED, path, "type",
                              "\"%s\" tool calls are not supported across dialects", type);
      return NULL;
    }
  if (id == NULL || function == NULL)
    {
      sy_json_read_set_error (error, code, path, id == NULL ? "id" : "function", "required");
      return NULL;
    }
  g_snprintf (function_path, sizeof function_path, "%s.function", path);
  if (!sy_json_read_string (function, function_path, "name", code, &name, error))
    return NULL;
  if (name == NULL)
    {
      sy_json_read_set_error (error, code, function_path, "name", "required");
      return NULL;
    }
  sy_tool_call_id_unpack (id, &part->id, &part->signature);
  part->name = g_strdup (name);
  arguments = sy_json_read_member (function, "arguments");
  if (arguments == NULL)
    part->arguments = g_strdup ("{}");
  else if (sy_json_read_node_string (arguments) != NULL)
    part->arguments = g_strdup (sy_json_read_node_string (arguments));
  else if (JSON_NODE_HOLDS_OBJECT (arguments))  /* a common client mistake, unambiguous */
    part->arguments = json_to_string (arguments, FALSE);
  else
    {
      sy_json_read_set_error (error, code, function_path, "arguments", "expected a string");
      return NULL;
    }
  return g_steal_pointer (&part);
}

static gboolean
parse_assistant_message (SyChatRequest  *r,
                         JsonObject     *m,
                         const char     *path,
                         GError        **error)
{
  g_autoptr(SyMessage) message = sy_message_new (SY_ROLE_ASSISTANT);
  const char *reasoning, *refusal;
  JsonArray *tool_calls;

  if (sy_json_read_member (m, "audio") != NULL)
    {
      sy_json_read_set_error (error, UNSUPPORTED, path, "audio",
                              "audio from a previous turn is not supported across dialects");
      return FALSE;
    }
  if (sy_json_read_member (m, "function_call") != NULL)
    {
      sy_json_read_set_error (error, UNSUPPORTED, path, "function_call",
                              "the legacy function-calling API is not supported across dialects: "
                              "use tool_calls");
      return FALSE;
    }
  /* reasoning_content (DeepSeek) or reasoning (OpenRouter, vLLM): the previous turn's thinking. */
  if (!sy_json_read_string (m, path, "reasoning_content", INVALID, &reasoning, error)
      || !sy_json_read_string (m, path, "refusal", INVALID, &refusal, error)
      || !sy_json_read_array (m, path, "tool_calls", INVALID, &tool_calls, error))
    return FALSE;
  if (reasoning == NULL)
    reasoning = sy_json_read_node_string (sy_json_read_member (m, "reasoning"));
  if (reasoning != NULL && *reasoning != '\0')
    {
      SyPart *thinking = sy_part_new (SY_PART_THINKING);

      thinking->text = g_strdup (reasoning);
      g_ptr_array_add (message->parts, thinking);
    }
  if (!parse_text_content (m, path, TRUE, message->parts, error))
    return FALSE;
  if (refusal != NULL && *refusal != '\0')
    g_ptr_array_add (message->parts, sy_part_new_text (refusal));
  for (guint j = 0; tool_calls != NULL && j < json_array_get_length (tool_calls); j++)
    {
      char call_path[96];
      SyPart *call;

      g_snprintf (call_path, sizeof call_path, "%s.tool_calls[%u]", path, j);
      call = _sy_openai_parse_tool_call (json_array_get_element (tool_calls, j), call_path,
                                         INVALID, error);
      if (call == NULL)
        return FALSE;
      g_ptr_array_add (message->parts, call);
    }
  if (message->parts->len > 0)
    g_ptr_array_add (r->messages, g_steal_pointer (&message));
  return TRUE;
}

/* A tool message: a TOOL_RESULT in a USER message; consecutive tool messages share one. */
static gboolean
parse_tool_message (SyChatRequest  *r,
                    JsonObject     *m,
                    const char     *path,
                    GError        **error)
{
  g_autoptr(SyPart) result = sy_part_new (SY_PART_TOOL_RESULT);
  g_autofree char *signature = NULL;
  const char *tool_call_id;
  SyMessage *last;

  if (!sy_json_read_string (m, path, "tool_call_id", INVALID, &tool_call_id, error))
    return FALSE;
  if (tool_call_id == NULL)
    {
      sy_json_read_set_error (error, INVALID, path, "tool_call_id", "required");
      return FALSE;
    }
  result->content = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_part_free);
  if (!parse_text_content (m, path, FALSE, result->content, error))
    return FALSE;
  sy_tool_call_id_unpack (tool_call_id, &result->id, &signature);
  result->name = g_strdup (sy_chat_request_find_tool_name (r, result->id));

  last = r->messages->len ? g_ptr_array_index (r->messages, r->messages->len - 1) : NULL;
  if (last == NULL || last->role != SY_ROLE_USER || last->parts->len == 0
      || ((SyPart *) g_ptr_array_index (last->parts, last->parts->len - 1))->kind
         != SY_PART_TOOL_RESULT)
    {
      last = sy_message_new (SY_ROLE_USER);
      g_ptr_array_add (r->messages, last);
    }
  g_ptr_array_add (last->parts, g_steal_pointer (&result));
  return TRUE;
}

static gboolean
parse_messages (SyChatRequest  *r,
                JsonArray      *messages,
                GError        **error)
{
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonNode *node = json_array_get_element (messages, i);
      JsonObject *m;
      const char *role;
      char path[32];

      g_snprintf (path, sizeof path, "messages[%u]", i);
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          sy_json_read_set_error (error, INVALID, path, NULL, "expected an object");
          return FALSE;
        }
      m = json_node_get_object (node);
      if (!sy_json_read_string (m, path, "role", INVALID, &role, error))
        return FALSE;
      if (role == NULL)
        {
          sy_json_read_set_error (error, INVALID, path, "role", "required");
          return FALSE;
        }

      if (g_str_equal (role, "system") || g_str_equal (role, "developer"))
        {
          /* Wherever it stands, a system message is an instruction: the IR keeps all of
           * them, in order, as the request's system parts. */
          if (sy_json_read_member (m, "content") == NULL)
            {
              sy_json_read_set_error (error, INVALID, path, "content", "required");
              return FALSE;
            }
          if (!parse_text_content (m, path, FALSE, r->system, error))
            return FALSE;
        }
      else if (g_str_equal (role, "user"))
        {
          if (!parse_user_message (r, m, path, error))
            return FALSE;
        }
      else if (g_str_equal (role, "assistant"))
        {
          if (!parse_assistant_message (r, m, path, error))
            return FALSE;
        }
      else if (g_str_equal (role, "tool"))
        {
          if (!parse_tool_message (r, m, path, error))
            return FALSE;
        }
      else if (g_str_equal (role, "function"))
        {
          sy_json_read_set_error (error, UNSUPPORTED, path, "role",
                                  "the legacy function-calling API is not supported across "
                                  "dialects: use tool messages");
          return FALSE;
        }
      else
        {
          sy_json_read_set_error (error, INVALID, path, "role", "unknown role \"%s\"", role);
          return FALSE;
        }
    }
  return TRUE;
}

SyChatRequest *
_sy_openai_parse_request (const char  *data,
                          gsize        len,
                          GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(SyChatRequest) r = NULL;
  JsonObject *o;
  JsonArray *messages;
  const char *model, *user;

  root = _sy_openai_parse_object (data, len, INVALID, "request body", error);
  if (root == NULL)
    return NULL;
  o = json_node_get_object (root);
  r = sy_chat_request_new ();

  if (!_sy_openai_check_refused_fields (o, error)
      || !sy_json_read_string (o, NULL, "model", INVALID, &model, error)
      || !sy_json_read_string (o, NULL, "user", INVALID, &user, error)
      || !sy_json_read_array (o, NULL, "messages", INVALID, &messages, error))
    return NULL;
  if (messages == NULL)
    {
      sy_json_read_set_error (error, INVALID, NULL, "messages", "required");
      return NULL;
    }
  r->model = g_strdup (model);
  r->user = g_strdup (user);
  if (!parse_messages (r, messages, error)
      || !_sy_openai_parse_request_params (r, o, error))
    return NULL;
  return g_steal_pointer (&r);
}

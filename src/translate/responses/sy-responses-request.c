/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An OpenAI Responses request body (POST /responses, as Codex CLI and the OpenAI SDKs send it)
 * into the internal representation. Pure and safe on untrusted input: every bad field is an
 * error naming its JSON path. What the IR cannot carry faithfully is refused (UNSUPPORTED),
 * never silently dropped; fields that do not change the answer are ignored (listed below).
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-responses-private.h"

#include <string.h>

#define INVALID SY_TRANSLATE_ERROR_INVALID_REQUEST
#define UNSUPPORTED SY_TRANSLATE_ERROR_UNSUPPORTED

/* Ignored request members, because they do not change the answer:
 *   store, include, metadata, prompt_cache_key, prompt_cache_retention, service_tier,
 *   stream_options, truncation (other providers never truncate: an overflow is an error, as
 *   with "disabled"), max_tool_calls (limits built-in tools only, which are refused),
 *   reasoning.summary / reasoning.generate_summary (other providers return their thinking as
 *   they do), text.verbosity (a length hint no other dialect has), background: false,
 *   top_logprobs: 0, input image "detail", text.format.description (no other dialect has
 *   it), the ids and statuses of input items (Codex never sends them; nothing refers to them).
 * Refused: previous_response_id, conversation, prompt (server-side state only OpenAI keeps),
 *   background: true, top_logprobs > 0 (the IR has no log probabilities), built-in tools and
 *   their call items, custom (freeform) and local_shell tools, file inputs, item references. */

typedef struct
{
  SyChatRequest *request;
} Parse;

static gboolean
parse_image (SyPart      *part,
             JsonObject  *object,
             const char  *path,
             GError     **error)
{
  const char *url, *file_id;

  if (!sy_json_read_string (object, path, "image_url", INVALID, &url, error) ||
      !sy_json_read_string (object, path, "file_id", INVALID, &file_id, error))
    return FALSE;
  if (url == NULL && file_id != NULL)
    {
      sy_json_read_set_error (error, UNSUPPORTED, path, "file_id",
                              "images uploaded to OpenAI's file store cannot be translated; "
                              "send the image as a data: or https: URL");
      return FALSE;
    }
  if (url == NULL)
    {
      sy_json_read_set_error (error, INVALID, path, "image_url", "missing");
      return FALSE;
    }
  if (g_str_has_prefix (url, "data:"))
    {
      const char *comma = strchr (url, ',');
      const char *base64 = comma ? g_strstr_len (url, comma - url, ";base64") : NULL;

      if (comma == NULL || base64 == NULL || base64 + strlen (";base64") != comma ||
          base64 == url + strlen ("data:"))
        {
          sy_json_read_set_error (error, INVALID, path, "image_url",
                                  "expected a data URL of the form data:<type>;base64,<data>");
          return FALSE;
        }
      part->media_type = g_strndup (url + strlen ("data:"), base64 - url - strlen ("data:"));
      part->data = g_strdup (comma + 1);
      return TRUE;
    }
  if (g_ascii_strncasecmp (url, "https://", 8) == 0 || g_ascii_strncasecmp (url, "http://", 7) == 0)
    {
      part->url = g_strdup (url);
      return TRUE;
    }
  sy_json_read_set_error (error, INVALID, path, "image_url", "expected an http(s) or data URL");
  return FALSE;
}

/* One content part of a message or of a function call output into parts. */
static gboolean
parse_content_part (JsonNode    *node,
                    const char  *path,
                    gboolean     allow_images,
                    GPtrArray   *parts,
                    GError     **error)
{
  g_autoptr(SyPart) part = NULL;
  JsonObject *object;
  const char *type, *text;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      sy_json_read_set_error (error, INVALID, path, NULL, "expected an object");
      return FALSE;
    }
  object = json_node_get_object (node);
  if (!sy_json_read_string (object, path, "type", INVALID, &type, error))
    return FALSE;
  if (type == NULL)
    {
      sy_json_read_set_error (error, INVALID, path, "type", "missing");
      return FALSE;
    }

  if (g_str_equal (type, "input_text") || g_str_equal (type, "output_text") ||
      g_str_equal (type, "text") || g_str_equal (type, "refusal"))
    {
      const char *member = g_str_equal (type, "refusal") ? "refusal" : "text";

      if (!sy_json_read_string (object, path, member, INVALID, &text, error))
        return FALSE;
      if (text == NULL)
        {
          sy_json_read_set_error (error, INVALID, path, member, "missing");
          return FALSE;
        }
      g_ptr_array_add (parts, sy_part_new_text (text));
      return TRUE;
    }
  if (g_str_equal (type, "input_image"))
    {
      if (!allow_images)
        {
          sy_json_read_set_error (error, UNSUPPORTED, path, NULL,
                                  "images are only carried in user messages and tool outputs");
          return FALSE;
        }
      part = sy_part_new (SY_PART_IMAGE);
      if (!parse_image (part, object, path, error))
        return FALSE;
      g_ptr_array_add (parts, g_steal_pointer (&part));
      return TRUE;
    }
  if (g_str_equal (type, "input_file") || g_str_equal (type, "input_audio"))
    {
      sy_json_read_set_error (error, UNSUPPORTED, path, NULL,
                              "%s parts cannot be translated to other providers", type);
      return FALSE;
    }
  sy_json_read_set_error (error, INVALID, path, "type", "unknown content type \"%s\"", type);
  return FALSE;
}

/* content: a string or an array of parts. */
static gboolean
parse_content (JsonObject  *object,
               const char  *path,
               const char  *member,
               gboolean     allow_images,
               GPtrArray   *parts,
               GError     **error)
{
  JsonNode *node = sy_json_read_member (object, member);
  g_autofree char *where = g_strdup_printf ("%s.%s", path, member);
  JsonArray *array;

  if (node == NULL)
    {
      sy_json_read_set_error (error, INVALID, where, NULL, "missing");
      return FALSE;
    }
  if (sy_json_read_node_string (node) != NULL)
    {
      g_ptr_array_add (parts, sy_part_new_text (json_node_get_string (node)));
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      sy_json_read_set_error (error, INVALID, where, NULL, "expected a string or an array");
      return FALSE;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *item_path = g_strdup_printf ("%s[%u]", where, i);

      if (!parse_content_part (json_array_get_element (array, i), item_path, allow_images, parts,
                               error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_message (Parse       *p,
               JsonObject  *item,
               const char  *path,
               GError     **error)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_part_free);
  const char *role;
  SyMessage *message;

  if (!sy_json_read_string (item, path, "role", INVALID, &role, error))
    return FALSE;
  if (role == NULL)
    {
      sy_json_read_set_error (error, INVALID, path, "role", "missing");
      return FALSE;
    }
  if (g_str_equal (role, "system") || g_str_equal (role, "developer"))
    {
      /* The IR has one system prompt: system and developer messages join it in order. */
      if (!parse_content (item, path, "content", FALSE, p->request->system, error))
        return FALSE;
      return TRUE;
    }
  if (!g_str_equal (role, "user") && !g_str_equal (role, "assistant"))
    {
      sy_json_read_set_error (error, INVALID, path, "role", "unknown role \"%s\"", role);
      return FALSE;
    }
  if (!parse_content (item, path, "content", g_str_equal (role, "user"), parts, error))
    return FALSE;
  message = sy_chat_request_ensure_message (p->request, g_str_equal (role, "user")
                                                          ? SY_ROLE_USER : SY_ROLE_ASSISTANT);
  for (guint i = 0; i < parts->len; i++)
    g_ptr_array_add (message->parts, g_steal_pointer (&g_ptr_array_index (parts, i)));
  return TRUE;
}

static gboolean
parse_function_call (Parse       *p,
                     JsonObject  *item,
                     const char  *path,
                     GError     **error)
{
  g_autoptr(SyPart) part = sy_part_new (SY_PART_TOOL_CALL);
  const char *call_id, *name, *arguments;

  if (!sy_json_read_string (item, path, "call_id", INVALID, &call_id, error) ||
      !sy_json_read_string (item, path, "name", INVALID, &name, error) ||
      !sy_json_read_string (item, path, "arguments", INVALID, &arguments, error))
    return FALSE;
  if (call_id == NULL || name == NULL)
    {
      sy_json_read_set_error (error, INVALID, path, call_id ? "name" : "call_id", "missing");
      return FALSE;
    }
  sy_tool_call_id_unpack (call_id, &part->id, &part->signature);
  part->name = g_strdup (name);
  part->arguments = g_strdup (arguments ? arguments : "");
  g_ptr_array_add (sy_chat_request_ensure_message (p->request, SY_ROLE_ASSISTANT)->parts,
                   g_steal_pointer (&part));
  return TRUE;
}

static gboolean
parse_function_call_output (Parse       *p,
                            JsonObject  *item,
                            const char  *path,
                            GError     **error)
{
  g_autoptr(SyPart) part = sy_part_new (SY_PART_TOOL_RESULT);
  g_autofree char *signature = NULL;
  const char *call_id;

  if (!sy_json_read_string (item, path, "call_id", INVALID, &call_id, error))
    return FALSE;
  if (call_id == NULL)
    {
      sy_json_read_set_error (error, INVALID, path, "call_id", "missing");
      return FALSE;
    }
  sy_tool_call_id_unpack (call_id, &part->id, &signature);
  part->name = g_strdup (sy_chat_request_find_tool_name (p->request, part->id));
  part->content = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_part_free);
  if (!parse_content (item, path, "output", TRUE, part->content, error))
    return FALSE;
  g_ptr_array_add (sy_chat_request_ensure_message (p->request, SY_ROLE_USER)->parts,
                   g_steal_pointer (&part));
  return TRUE;
}

static gboolean
parse_item (Parse       *p,
            JsonNode    *node,
            const char  *path,
            GError     **error)
{
  JsonObject *item;
  const char *type;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      sy_json_read_set_error (error, INVALID, path, NULL, "expected an object");
      return FALSE;
    }
  item = json_node_get_object (node);
  if (!sy_json_read_string (item, path, "type", INVALID, &type, error))
    return FALSE;

  /* "type" may be omitted on messages (EasyInputMessage) */
  if (type == NULL || g_str_equal (type, "message"))
    return parse_message (p, item, path, error);
  if (g_str_equal (type, "function_call"))
    return parse_function_call (p, item, path, error);
  if (g_str_equal (type, "function_call_output"))
    return parse_function_call_output (p, item, path, error);
  if (g_str_equal (type, "reasoning"))
    {
      SyPart *part = NULL;

      if (!_sy_responses_read_reasoning (item, path, INVALID, &part, error))
        return FALSE;
      if (part != NULL)
        g_ptr_array_add (sy_chat_request_ensure_message (p->request, SY_ROLE_ASSISTANT)->parts,
                         part);
      return TRUE;
    }
  if (g_str_equal (type, "item_reference"))
    {
      sy_json_read_set_error (error, UNSUPPORTED, path, NULL,
                              "item_reference needs server-side state; resend the item itself");
      return FALSE;
    }
  sy_json_read_set_error (error, UNSUPPORTED, path, NULL,
                          "item type \"%s\" cannot be translated to other providers", type);
  return FALSE;
}

static gboolean
parse_input (Parse       *p,
             JsonObject  *root,
             GError     **error)
{
  JsonNode *node = sy_json_read_member (root, "input");
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  if (sy_json_read_node_string (node) != NULL)
    {
      SyMessage *message = sy_chat_request_ensure_message (p->request, SY_ROLE_USER);

      g_ptr_array_add (message->parts, sy_part_new_text (json_node_get_string (node)));
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      sy_json_read_set_error (error, INVALID, "input", NULL, "expected a string or an array");
      return FALSE;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("input[%u]", i);

      if (!parse_item (p, json_array_get_element (array, i), path, error))
        return FALSE;
    }
  return TRUE;
}

SyChatRequest *
_sy_responses_parse_request (const char  *data,
                             gsize        len,
                             GError     **error)
{
  g_autoptr(JsonNode) node = sy_json_read_body (data, len, SY_RESPONSES_MAX_DEPTH, INVALID,
                                                "request body", error);
  g_autoptr(SyChatRequest) request = NULL;
  const char *model, *instructions, *user, *safety_identifier;
  JsonObject *root;
  Parse p;
  int stream, parallel;

  if (node == NULL)
    return NULL;
  root = json_node_get_object (node);
  request = sy_chat_request_new ();
  p.request = request;

  if (!_sy_responses_refuse_server_side (root, error) ||
      !sy_json_read_string (root, NULL, "model", INVALID, &model, error) ||
      !sy_json_read_string (root, NULL, "instructions", INVALID, &instructions, error) ||
      !sy_json_read_string (root, NULL, "user", INVALID, &user, error) ||
      !sy_json_read_string (root, NULL, "safety_identifier", INVALID, &safety_identifier,
                            error) ||
      !sy_json_read_bool (root, NULL, "stream", INVALID, &stream, error) ||
      !sy_json_read_bool (root, NULL, "parallel_tool_calls", INVALID, &parallel, error) ||
      !_sy_responses_get_count (root, NULL, "max_output_tokens", INVALID, &request->max_tokens,
                                error) ||
      !sy_json_read_number (root, NULL, "temperature", INVALID, &request->temperature,
                            error) ||
      !sy_json_read_number (root, NULL, "top_p", INVALID, &request->top_p, error))
    return NULL;

  request->model = g_strdup (model);
  if (instructions != NULL && *instructions != '\0')
    g_ptr_array_add (request->system, sy_part_new_text (instructions));
  request->user = g_strdup (user ? user : safety_identifier);
  request->stream = stream == 1;
  /* a Responses stream always ends with the usage */
  request->stream_include_usage = request->stream;
  request->parallel_tool_calls = parallel;

  if (!parse_input (&p, root, error) ||
      !_sy_responses_parse_tools (request, root, error) ||
      !_sy_responses_parse_tool_choice (request, root, error) ||
      !_sy_responses_parse_reasoning (request, root, error) ||
      !_sy_responses_parse_text_format (request, root, error))
    return NULL;
  return g_steal_pointer (&request);
}

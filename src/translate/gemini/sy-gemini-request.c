/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Gemini generateContent request bodies into the internal representation. The model is not in
 * the body (it is in the URL: the caller sets it). Function calls without ids get
 * deterministic ones, shared with the responses that answer them. What has no equivalent in
 * the other dialects (built-in tools, non-image files, cached contents) is refused as
 * UNSUPPORTED, never dropped. Pure; safe on untrusted input.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-gemini-private.h"

#include <string.h>

#include "core/sy-json-scan.h"

#define INVALID SY_TRANSLATE_ERROR_INVALID_REQUEST
#define UNSUPPORTED SY_TRANSLATE_ERROR_UNSUPPORTED

typedef struct
{
  char     *id;
  char     *name;
  gboolean  answered;
} Call;

typedef struct
{
  SyChatRequest *request;
  GPtrArray     *calls;       /* Call, in order of appearance */
  guint          synthesized; /* ids made up so far */
} Parse;

static void
call_free (gpointer data)
{
  Call *call = data;

  g_free (call->id);
  g_free (call->name);
  g_free (call);
}

static char *
new_call_id (Parse *p)
{
  return g_strdup_printf ("call_%u", ++p->synthesized);
}

static char *
node_to_json (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  sy_json_write_node_short (out, node);
  return g_string_free (out, FALSE);
}

static gboolean
is_http_url (const char *url)
{
  return g_ascii_strncasecmp (url, "https://", 8) == 0 ||
         g_ascii_strncasecmp (url, "http://", 7) == 0;
}

/* inlineData / fileData: an image part, or UNSUPPORTED for other media. */
static SyPart *
parse_media (JsonObject  *part,
             const char  *path,
             GError     **error)
{
  JsonObject *blob;
  const char *mime, *data, *uri;
  g_autofree char *where = NULL;

  if (!_sy_gemini_get_object (part, path, "inlineData", INVALID, &blob, error))
    return NULL;
  if (blob != NULL)
    {
      SyPart *image;

      where = sy_json_read_path (path, "inlineData");
      if (!_sy_gemini_get_required_string (blob, where, "mimeType", &mime, error) ||
          !_sy_gemini_get_required_string (blob, where, "data", &data, error))
        return NULL;
      if (!g_str_has_prefix (mime, "image/"))
        {
          sy_json_read_set_error (error, UNSUPPORTED, where, NULL,
                                  "%s data cannot be translated (only images can)", mime);
          return NULL;
        }
      image = sy_part_new (SY_PART_IMAGE);
      image->media_type = g_strdup (mime);
      image->data = g_strdup (data);
      return image;
    }

  if (!_sy_gemini_get_object (part, path, "fileData", INVALID, &blob, error))
    return NULL;
  if (blob != NULL)
    {
      SyPart *image;

      where = sy_json_read_path (path, "fileData");
      if (!_sy_gemini_get_string (blob, where, "mimeType", INVALID, &mime, error) ||
          !_sy_gemini_get_required_string (blob, where, "fileUri", &uri, error))
        return NULL;
      if (mime != NULL && !g_str_has_prefix (mime, "image/"))
        {
          sy_json_read_set_error (error, UNSUPPORTED, where, NULL,
                                  "%s files cannot be translated (only images can)", mime);
          return NULL;
        }
      if (!is_http_url (uri))
        {
          sy_json_read_set_error (error, UNSUPPORTED, where, NULL,
                                  "fileUri %s cannot be translated (only http(s) URLs can)", uri);
          return NULL;
        }
      image = sy_part_new (SY_PART_IMAGE);
      image->media_type = g_strdup (mime);
      image->url = g_strdup (uri);
      return image;
    }
  return NULL;
}

static SyPart *
parse_function_call (Parse       *p,
                     JsonObject  *call_object,
                     const char  *path,
                     GError     **error)
{
  g_autoptr(SyPart) part = sy_part_new (SY_PART_TOOL_CALL);
  JsonNode *args = _sy_gemini_member (call_object, "args");
  const char *name, *id;
  Call *call;

  if (!_sy_gemini_get_required_string (call_object, path, "name", &name, error) ||
      !_sy_gemini_get_string (call_object, path, "id", INVALID, &id, error))
    return NULL;
  if (args != NULL && !JSON_NODE_HOLDS_OBJECT (args))
    {
      g_autofree char *where = sy_json_read_path (path, "args");

      sy_json_read_set_error (error, INVALID, where, NULL, "expected an object");
      return NULL;
    }
  part->name = g_strdup (name);
  part->id = id != NULL && *id != '\0' ? g_strdup (id) : new_call_id (p);
  part->arguments = args != NULL ? node_to_json (args) : g_strdup ("{}");

  call = g_new0 (Call, 1);
  call->id = g_strdup (part->id);
  call->name = g_strdup (name);
  g_ptr_array_add (p->calls, call);
  return g_steal_pointer (&part);
}

/* The id of the call a response answers: its own id, else the first unanswered call of that
 * name, else a new one (a response to a call the history does not show). */
static char *
answer_id (Parse      *p,
           const char *id,
           const char *name)
{
  for (guint i = 0; i < p->calls->len; i++)
    {
      Call *call = g_ptr_array_index (p->calls, i);

      if (!call->answered &&
          (id != NULL ? g_str_equal (call->id, id) : g_str_equal (call->name, name)))
        {
          call->answered = TRUE;
          return g_strdup (call->id);
        }
    }
  return id != NULL ? g_strdup (id) : new_call_id (p);
}

/* Gemini's documented convention for response: {"output": ...} and {"error": ...}; anything
 * else is the output as a whole. */
static void
set_tool_output (SyPart   *part,
                 JsonNode *response)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (response) ? json_node_get_object (response) : NULL;
  JsonNode *value = NULL;
  char *text;

  if (object != NULL && json_object_get_size (object) == 1)
    {
      value = json_object_get_member (object, "error");
      part->is_error = value != NULL;
      if (value == NULL)
        value = json_object_get_member (object, "output");
    }
  if (value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
      json_node_get_value_type (value) == G_TYPE_STRING)
    text = g_strdup (json_node_get_string (value));
  else
    text = node_to_json (value != NULL ? value : response);
  g_ptr_array_add (part->content, sy_part_new_text (text));
  g_free (text);
}

static SyPart *
parse_function_response (Parse       *p,
                         JsonObject  *object,
                         const char  *path,
                         GError     **error)
{
  g_autoptr(SyPart) part = sy_part_new (SY_PART_TOOL_RESULT);
  JsonNode *response = _sy_gemini_member (object, "response");
  g_autofree char *parts_path = sy_json_read_path (path, "parts");
  const char *name, *id;
  JsonArray *parts;

  if (!_sy_gemini_get_required_string (object, path, "name", &name, error) ||
      !_sy_gemini_get_string (object, path, "id", INVALID, &id, error) ||
      !_sy_gemini_get_array (object, path, "parts", INVALID, &parts, error))
    return NULL;
  if (response != NULL && !JSON_NODE_HOLDS_OBJECT (response))
    {
      g_autofree char *where = sy_json_read_path (path, "response");

      sy_json_read_set_error (error, INVALID, where, NULL, "expected an object");
      return NULL;
    }
  part->name = g_strdup (name);
  part->id = answer_id (p, id != NULL && *id != '\0' ? id : NULL, name);
  part->content = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_part_free);
  if (response != NULL)
    set_tool_output (part, response);

  /* multimodal function responses: images beside the response */
  for (guint i = 0; parts != NULL && i < json_array_get_length (parts); i++)
    {
      JsonNode *node = json_array_get_element (parts, i);
      g_autofree char *where = g_strdup_printf ("%s[%u]", parts_path, i);
      SyPart *image;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          sy_json_read_set_error (error, INVALID, where, NULL, "expected an object");
          return NULL;
        }
      image = parse_media (json_node_get_object (node), where, error);
      if (image == NULL)
        {
          if (error == NULL || *error == NULL)
            sy_json_read_set_error (error, UNSUPPORTED, where, NULL,
                                    "expected inlineData or fileData");
          return NULL;
        }
      g_ptr_array_add (part->content, image);
    }
  return g_steal_pointer (&part);
}

static SyPart *
last_part (SyChatRequest *request,
           SyRole         role)
{
  SyMessage *last;

  if (request->messages->len == 0)
    return NULL;
  last = g_ptr_array_index (request->messages, request->messages->len - 1);
  if (last->role != role || last->parts->len == 0)
    return NULL;
  return g_ptr_array_index (last->parts, last->parts->len - 1);
}

/* text, or a thought summary (thought: true). A client that keeps streamed chunks as separate
 * parts sends fragments: thought fragments join, and an empty part carrying a signature (how
 * Gemini streams the signature of the part before it) gives its signature to that part. */
static gboolean
add_text (SyChatRequest *request,
          SyRole         role,
          const char    *text,
          gboolean       thought,
          const char    *signature)
{
  SyPartKind kind = thought ? SY_PART_THINKING : SY_PART_TEXT;
  SyPart *last = last_part (request, role);
  SyPart *part;

  if (last != NULL && last->kind == kind && last->signature == NULL &&
      (*text == '\0' || thought))
    {
      if (*text != '\0')
        {
          char *joined = g_strconcat (last->text ? last->text : "", text, NULL);

          g_free (last->text);
          last->text = joined;
        }
      last->signature = g_strdup (signature);
      return TRUE;
    }
  if (*text == '\0' && signature == NULL)
    return TRUE;
  part = sy_part_new (kind);
  part->text = g_strdup (text);
  part->signature = g_strdup (signature);
  g_ptr_array_add (sy_chat_request_ensure_message (request, role)->parts, part);
  return TRUE;
}

static gboolean
parse_part (Parse       *p,
            JsonNode    *node,
            const char  *path,
            SyRole       role,
            GError     **error)
{
  JsonObject *object, *inner;
  const char *text, *signature;
  gboolean thought;
  SyPart *part = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      sy_json_read_set_error (error, INVALID, path, NULL, "expected an object");
      return FALSE;
    }
  object = json_node_get_object (node);
  if (!_sy_gemini_get_string (object, path, "text", INVALID, &text, error) ||
      !_sy_gemini_get_bool (object, path, "thought", INVALID, &thought, error) ||
      !_sy_gemini_get_string (object, path, "thoughtSignature", INVALID, &signature, error))
    return FALSE;

  if (text != NULL)
    return add_text (p->request, role, text, thought, signature);

  if (!_sy_gemini_get_object (object, path, "functionCall", INVALID, &inner, error))
    return FALSE;
  if (inner != NULL)
    {
      g_autofree char *where = sy_json_read_path (path, "functionCall");

      if (role != SY_ROLE_ASSISTANT)
        {
          sy_json_read_set_error (error, INVALID, where, NULL, "only model turns call functions");
          return FALSE;
        }
      if ((part = parse_function_call (p, inner, where, error)) == NULL)
        return FALSE;
      part->signature = g_strdup (signature);
    }

  if (part == NULL && !_sy_gemini_get_object (object, path, "functionResponse", INVALID, &inner,
                                              error))
    return FALSE;
  if (part == NULL && inner != NULL)
    {
      g_autofree char *where = sy_json_read_path (path, "functionResponse");

      if (role != SY_ROLE_USER)
        {
          sy_json_read_set_error (error, INVALID, where, NULL,
                                  "function responses belong to user turns");
          return FALSE;
        }
      if ((part = parse_function_response (p, inner, where, error)) == NULL)
        return FALSE;
    }

  if (part == NULL)
    {
      part = parse_media (object, path, error);
      if (part == NULL && error != NULL && *error != NULL)
        return FALSE;
    }

  if (part == NULL)
    {
      if (_sy_gemini_has_member (object, "executableCode") ||
          _sy_gemini_has_member (object, "codeExecutionResult"))
        {
          sy_json_read_set_error (error, UNSUPPORTED, path, NULL,
                                  "code execution parts cannot be translated");
          return FALSE;
        }
      if (signature != NULL)
        {
          /* a bare signature: it belongs to the part before it */
          SyPart *last = last_part (p->request, role);

          if (last != NULL && last->signature == NULL)
            last->signature = g_strdup (signature);
          return TRUE;
        }
      sy_json_read_set_error (error, UNSUPPORTED, path, NULL, "unsupported part (expected text, "
                              "inlineData, fileData, functionCall or functionResponse)");
      return FALSE;
    }
  g_ptr_array_add (sy_chat_request_ensure_message (p->request, role)->parts, part);
  return TRUE;
}

static gboolean
parse_contents (Parse       *p,
                JsonArray   *contents,
                GError     **error)
{
  for (guint i = 0; i < json_array_get_length (contents); i++)
    {
      JsonNode *node = json_array_get_element (contents, i);
      g_autofree char *path = g_strdup_printf ("contents[%u]", i);
      JsonObject *content;
      JsonArray *parts;
      const char *role_name;
      SyRole role;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          sy_json_read_set_error (error, INVALID, path, NULL, "expected an object");
          return FALSE;
        }
      content = json_node_get_object (node);
      if (!_sy_gemini_get_string (content, path, "role", INVALID, &role_name, error) ||
          !_sy_gemini_get_array (content, path, "parts", INVALID, &parts, error))
        return FALSE;
      /* no role is the user; "function" is the role of function responses in older clients */
      if (role_name == NULL || *role_name == '\0' || g_str_equal (role_name, "user") ||
          g_str_equal (role_name, "function"))
        role = SY_ROLE_USER;
      else if (g_str_equal (role_name, "model"))
        role = SY_ROLE_ASSISTANT;
      else
        {
          g_autofree char *where = sy_json_read_path (path, "role");

          sy_json_read_set_error (error, INVALID, where, NULL, "expected \"user\" or \"model\"");
          return FALSE;
        }
      for (guint j = 0; parts != NULL && j < json_array_get_length (parts); j++)
        {
          g_autofree char *part_path = g_strdup_printf ("%s.parts[%u]", path, j);

          if (!parse_part (p, json_array_get_element (parts, j), part_path, role, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
parse_system (SyChatRequest  *request,
              JsonObject     *system,
              GError        **error)
{
  JsonArray *parts;

  if (!_sy_gemini_get_array (system, "systemInstruction", "parts", INVALID, &parts, error))
    return FALSE;
  for (guint i = 0; parts != NULL && i < json_array_get_length (parts); i++)
    {
      JsonNode *node = json_array_get_element (parts, i);
      g_autofree char *path = g_strdup_printf ("systemInstruction.parts[%u]", i);
      const char *text;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          sy_json_read_set_error (error, INVALID, path, NULL, "expected an object");
          return FALSE;
        }
      if (!_sy_gemini_get_string (json_node_get_object (node), path, "text", INVALID, &text,
                                  error))
        return FALSE;
      if (text == NULL)
        {
          sy_json_read_set_error (error, UNSUPPORTED, path, NULL,
                                  "only text can be translated in a system instruction");
          return FALSE;
        }
      g_ptr_array_add (request->system, sy_part_new_text (text));
    }
  return TRUE;
}

SyChatRequest *
_sy_gemini_parse_request (const char  *data,
                          gsize        len,
                          GError     **error)
{
  g_autoptr(JsonNode) root = _sy_gemini_parse_object (data, len, INVALID, "request body", error);
  g_autoptr(SyChatRequest) request = NULL;
  g_autoptr(GPtrArray) calls = NULL;
  JsonObject *body, *system, *tool_config, *config;
  JsonArray *contents, *tools;
  const char *model;
  Parse p;

  if (root == NULL)
    return NULL;
  body = json_node_get_object (root);
  request = sy_chat_request_new ();
  calls = g_ptr_array_new_with_free_func (call_free);
  p = (Parse) { request, calls, 0 };

  if (!_sy_gemini_get_string (body, NULL, "model", INVALID, &model, error) ||
      !_sy_gemini_get_array (body, NULL, "contents", INVALID, &contents, error) ||
      !_sy_gemini_get_object (body, NULL, "systemInstruction", INVALID, &system, error) ||
      !_sy_gemini_get_array (body, NULL, "tools", INVALID, &tools, error) ||
      !_sy_gemini_get_object (body, NULL, "toolConfig", INVALID, &tool_config, error) ||
      !_sy_gemini_get_object (body, NULL, "generationConfig", INVALID, &config, error))
    return NULL;
  if (contents == NULL)
    {
      sy_json_read_set_error (error, INVALID, "contents", NULL, "required");
      return NULL;
    }
  /* A context cache lives at Google: another provider cannot see what it holds. */
  if (_sy_gemini_unsupported_member (body, NULL, "cachedContent",
                          "a Gemini context cache cannot be translated", error))
    return NULL;
  /* safetySettings: Gemini's own filter thresholds, with no equivalent elsewhere; they only
   * ever loosen or tighten Google's filtering, so they are ignored when the upstream is not
   * Gemini (and relayed unchanged when it is: no translation then). */

  if (model != NULL && *model != '\0')
    request->model = g_strdup (_sy_gemini_model_id (model));
  if (system != NULL && !parse_system (request, system, error))
    return NULL;
  if (!parse_contents (&p, contents, error))
    return NULL;
  if (tools != NULL && !_sy_gemini_parse_tools (request, tools, error))
    return NULL;
  if (tool_config != NULL && !_sy_gemini_parse_tool_config (request, tool_config, error))
    return NULL;
  if (config != NULL && !_sy_gemini_parse_generation_config (request, config, error))
    return NULL;
  return g_steal_pointer (&request);
}

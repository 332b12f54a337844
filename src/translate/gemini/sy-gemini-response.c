/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Gemini GenerateContentResponse bodies to and from the internal representation, and Gemini's
 * error bodies ({"error": {code, message, status}}). The first candidate is the answer; a
 * candidate that failed (a malformed function call) is an invalid response, not an empty one.
 * Pure; safe on untrusted input.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-gemini-private.h"

#include <string.h>

#include "core/sy-json-scan.h"

#define INVALID SY_TRANSLATE_ERROR_INVALID_RESPONSE

char *
_sy_gemini_call_id (const char *response_id,
                    const char *name,
                    const char *arguments,
                    guint       n)
{
  GString *out = g_string_new ("call_");

  if (response_id != NULL && *response_id != '\0')
    {
      /* ids go to clients that allow [A-Za-z0-9_-] only */
      for (const char *p = response_id; *p != '\0' && out->len < 64; p++)
        g_string_append_c (out, g_ascii_isalnum (*p) || *p == '-' ? *p : '_');
    }
  else
    {
      g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

      g_checksum_update (sum, (const guchar *) (name ? name : ""), -1);
      g_checksum_update (sum, (const guchar *) "", 1);
      g_checksum_update (sum, (const guchar *) (arguments ? arguments : ""), -1);
      g_string_append_len (out, g_checksum_get_string (sum), 16);
    }
  g_string_append_printf (out, "_%u", n);
  return g_string_free (out, FALSE);
}

static gboolean
parse_part (SyChatResponse  *response,
            JsonNode        *node,
            const char      *path,
            gboolean        *has_tool_call,
            GError         **error)
{
  JsonObject *object, *call;
  const char *text, *signature;
  gboolean thought;
  SyPart *part, *last;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      sy_json_read_set_error (error, INVALID, path, NULL, "expected an object");
      return FALSE;
    }
  object = json_node_get_object (node);
  if (!_sy_gemini_get_string (object, path, "text", INVALID, &text, error) ||
      !_sy_gemini_get_bool (object, path, "thought", INVALID, &thought, error) ||
      !_sy_gemini_get_string (object, path, "thoughtSignature", INVALID, &signature, error) ||
      !_sy_gemini_get_object (object, path, "functionCall", INVALID, &call, error))
    return FALSE;
  last = response->parts->len
           ? g_ptr_array_index (response->parts, response->parts->len - 1) : NULL;

  if (text != NULL)
    {
      SyPartKind kind = thought ? SY_PART_THINKING : SY_PART_TEXT;

      if (*text == '\0')
        {
          /* an empty part carrying the signature of the part before it */
          if (signature != NULL && last != NULL && last->kind == kind && last->signature == NULL)
            {
              last->signature = g_strdup (signature);
              return TRUE;
            }
          if (signature == NULL)
            return TRUE;
        }
      part = sy_part_new (kind);
      part->text = g_strdup (text);
      part->signature = g_strdup (signature);
      g_ptr_array_add (response->parts, part);
      return TRUE;
    }
  if (call != NULL)
    {
      g_autofree char *where = sy_json_read_path (path, "functionCall");
      JsonNode *args = _sy_gemini_member (call, "args");
      const char *name, *id;
      GString *json;

      if (!_sy_gemini_get_string (call, where, "name", INVALID, &name, error) ||
          !_sy_gemini_get_string (call, where, "id", INVALID, &id, error))
        return FALSE;
      if (name == NULL || (args != NULL && !JSON_NODE_HOLDS_OBJECT (args)))
        {
          sy_json_read_set_error (error, INVALID, where, NULL, "expected a name and object args");
          return FALSE;
        }
      json = g_string_new (NULL);
      if (args != NULL)
        sy_json_write_node_short (json, args);
      else
        g_string_append (json, "{}");
      part = sy_part_new (SY_PART_TOOL_CALL);
      part->name = g_strdup (name);
      part->arguments = g_string_free (json, FALSE);
      part->id = id != NULL && *id != '\0'
                   ? g_strdup (id)
                   : _sy_gemini_call_id (response->id, name, part->arguments,
                                         response->parts->len);
      part->signature = g_strdup (signature);
      g_ptr_array_add (response->parts, part);
      *has_tool_call = TRUE;
      return TRUE;
    }
  if (signature != NULL && last != NULL && last->signature == NULL &&
      !_sy_gemini_has_member (object, "inlineData"))
    {
      last->signature = g_strdup (signature);
      return TRUE;
    }
  sy_json_read_set_error (error, SY_TRANSLATE_ERROR_UNSUPPORTED, path, NULL,
                          "this kind of output (not text or a function call) cannot be "
                          "translated");
  return FALSE;
}

static gboolean
parse_candidate (SyChatResponse  *response,
                 JsonNode        *node,
                 GError         **error)
{
  const char *path = "candidates[0]";
  JsonObject *candidate, *content;
  JsonArray *parts;
  const char *finish, *finish_message;
  gboolean has_tool_call = FALSE, failed;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      sy_json_read_set_error (error, INVALID, path, NULL, "expected an object");
      return FALSE;
    }
  candidate = json_node_get_object (node);
  if (!_sy_gemini_get_object (candidate, path, "content", INVALID, &content, error) ||
      !_sy_gemini_get_string (candidate, path, "finishReason", INVALID, &finish, error) ||
      !_sy_gemini_get_string (candidate, path, "finishMessage", INVALID, &finish_message, error) ||
      !_sy_gemini_get_array (content, "candidates[0].content", "parts", INVALID, &parts, error))
    return FALSE;
  for (guint i = 0; parts != NULL && i < json_array_get_length (parts); i++)
    {
      g_autofree char *where = g_strdup_printf ("candidates[0].content.parts[%u]", i);

      if (!parse_part (response, json_array_get_element (parts, i), where, &has_tool_call,
                       error))
        return FALSE;
    }
  response->stop_reason = _sy_gemini_stop_reason (finish, has_tool_call, &failed);
  if (failed)
    {
      sy_json_read_set_error (error, INVALID, "candidates[0].finishReason", NULL,
                              "the model failed: %s%s%s",
                              finish, finish_message ? ": " : "",
                              finish_message ? finish_message : "");
      return FALSE;
    }
  return TRUE;
}

SyChatResponse *
_sy_gemini_parse_response (const char  *data,
                           gsize        len,
                           GError     **error)
{
  g_autoptr(JsonNode) root = _sy_gemini_parse_object (data, len, INVALID, "response body",
                                                      error);
  g_autoptr(SyChatResponse) response = NULL;
  JsonObject *body, *usage, *feedback, *upstream_error;
  JsonArray *candidates;
  const char *id, *model, *created, *block;

  if (root == NULL)
    return NULL;
  body = json_node_get_object (root);
  if (!_sy_gemini_get_object (body, NULL, "error", INVALID, &upstream_error, error))
    return NULL;
  if (upstream_error != NULL)
    {
      const char *message = NULL;

      _sy_gemini_get_string (upstream_error, NULL, "message", INVALID, &message, NULL);
      sy_json_read_set_error (error, INVALID, "error", NULL, "the upstream answered an error: %s",
                              message ? message : "(no message)");
      return NULL;
    }
  response = sy_chat_response_new ();
  if (!_sy_gemini_get_string (body, NULL, "responseId", INVALID, &id, error) ||
      !_sy_gemini_get_string (body, NULL, "modelVersion", INVALID, &model, error) ||
      !_sy_gemini_get_string (body, NULL, "createTime", INVALID, &created, error) ||
      !_sy_gemini_get_array (body, NULL, "candidates", INVALID, &candidates, error) ||
      !_sy_gemini_get_object (body, NULL, "usageMetadata", INVALID, &usage, error) ||
      !_sy_gemini_get_object (body, NULL, "promptFeedback", INVALID, &feedback, error) ||
      !_sy_gemini_get_string (feedback, "promptFeedback", "blockReason", INVALID, &block, error))
    return NULL;
  response->id = g_strdup (id);
  if (model != NULL)
    response->model = g_strdup (_sy_gemini_model_id (model));
  if (created != NULL)
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (created, NULL);

      if (time != NULL)
        response->created = g_date_time_to_unix (time);
    }
  if (candidates != NULL && json_array_get_length (candidates) > 0)
    {
      if (!parse_candidate (response, json_array_get_element (candidates, 0), error))
        return NULL;
    }
  else if (block != NULL)
    response->stop_reason = SY_STOP_CONTENT_FILTER;  /* the prompt was blocked */
  if (usage != NULL)
    _sy_gemini_read_usage (usage, &response->usage);
  return g_steal_pointer (&response);
}

static void
append_part (SyPart    *part,
             guint      index,
             GString   *out,
             GPtrArray *notes,
             gboolean  *malformed)
{
  const char *args;

  switch (part->kind)
    {
    case SY_PART_TEXT:
    case SY_PART_THINKING:
      if ((part->text == NULL || *part->text == '\0') && part->signature == NULL)
        return;
      sy_json_write_elem (out);
      g_string_append (out, "{\"text\":");
      sy_json_append_string (out, part->text ? part->text : "");
      if (part->kind == SY_PART_THINKING)
        g_string_append (out, ",\"thought\":true");
      break;
    case SY_PART_TOOL_CALL:
      args = part->arguments;
      while (args != NULL && g_ascii_isspace (*args))
        args++;
      if (args == NULL || *args == '\0')
        args = "{}";
      else if (!sy_json_check_object (args, strlen (args), SY_GEMINI_MAX_DEPTH, NULL))
        {
          /* Gemini's own word for a call whose arguments are not an object */
          _sy_gemini_note (notes, "parts[%u]: the call to %s has arguments that are not a JSON "
                           "object (cut off?): not sent", index,
                           part->name ? part->name : "(unnamed)");
          *malformed = TRUE;
          return;
        }
      sy_json_write_elem (out);
      g_string_append (out, "{\"functionCall\":{");
      if (part->id != NULL)
        {
          sy_json_write_key (out, "id");
          sy_json_append_string (out, part->id);
        }
      sy_json_write_key (out, "name");
      sy_json_write_string (out, part->name ? part->name : "");
      g_string_append (out, ",\"args\":");
      g_string_append (out, args);
      g_string_append_c (out, '}');
      break;
    case SY_PART_IMAGE:
      if (part->data != NULL && part->media_type == NULL)
        {
          _sy_gemini_note (notes, "parts[%u]: an image without a media type cannot be sent as "
                           "Gemini inlineData; not sent", index);
          return;
        }
      sy_json_write_elem (out);
      if (part->data != NULL)
        {
          g_string_append (out, "{\"inlineData\":{\"mimeType\":");
          sy_json_append_string (out, part->media_type);
          g_string_append (out, ",\"data\":");
          sy_json_append_string (out, part->data);
        }
      else
        {
          g_string_append (out, "{\"fileData\":{\"fileUri\":");
          sy_json_write_string (out, part->url ? part->url : "");
        }
      g_string_append_c (out, '}');
      break;
    case SY_PART_REDACTED_THINKING:
    default:
      _sy_gemini_note (notes, "parts[%u]: redacted reasoning has no place in a Gemini response; "
                       "not sent", index);
      return;
    }
  if (part->signature != NULL && *part->signature != '\0')
    {
      sy_json_write_key (out, "thoughtSignature");
      sy_json_append_string (out, part->signature);
    }
  g_string_append_c (out, '}');
}

GBytes *
_sy_gemini_emit_response (const SyChatResponse *response,
                          GPtrArray            *notes)
{
  GString *out = g_string_sized_new (512);
  gboolean malformed = FALSE;
  const char *finish;
  gsize len;

  g_string_append (out, "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[");
  for (guint i = 0; i < response->parts->len; i++)
    append_part (g_ptr_array_index (response->parts, i), i, out, notes, &malformed);
  g_string_append (out, "]}");
  finish = _sy_gemini_finish_reason (response->stop_reason, notes);
  if (malformed && response->stop_reason != SY_STOP_MAX_TOKENS)
    finish = "MALFORMED_FUNCTION_CALL";
  if (finish != NULL)
    {
      sy_json_write_key (out, "finishReason");
      sy_json_append_string (out, finish);
    }
  if (response->stop_sequence != NULL)
    _sy_gemini_note (notes, "stop_sequence: Gemini does not say which stop sequence matched (%s)",
                     response->stop_sequence);
  g_string_append (out, ",\"index\":0}]");
  _sy_gemini_append_usage (out, &response->usage, notes);
  if (response->model != NULL)
    {
      sy_json_write_key (out, "modelVersion");
      sy_json_append_string (out, response->model);
    }
  if (response->id != NULL)
    {
      sy_json_write_key (out, "responseId");
      sy_json_append_string (out, response->id);
    }
  g_string_append_c (out, '}');
  len = out->len;
  return g_bytes_new_take (g_string_free (out, FALSE), len);
}

char *
_sy_gemini_format_error (guint       status,
                         const char *type,
                         const char *code,
                         const char *message)
{
  GString *out = g_string_sized_new (128);

  status = _sy_gemini_error_status (status, type);
  g_string_append_printf (out, "{\"error\":{\"code\":%u,\"message\":", status);
  sy_json_append_string (out, message ? message : "");
  g_string_append (out, ",\"status\":");
  sy_json_append_string (out, _sy_gemini_status_name (status));
  g_string_append (out, "}}");
  return g_string_free (out, FALSE);
}

gboolean
_sy_gemini_parse_error (const char  *data,
                        gsize        len,
                        char       **type,
                        char       **message)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *error;
  const char *status = NULL, *text = NULL;
  gint64 code = 0;

  *type = NULL;
  *message = NULL;
  if (data == NULL)
    return FALSE;
  /* streamGenerateContent without alt=sse answers a JSON array: [{"error": ...}] */
  while (len > 0 && g_ascii_isspace (*data))
    data++, len--;
  while (len > 0 && g_ascii_isspace (data[len - 1]))
    len--;
  if (len >= 2 && data[0] == '[' && data[len - 1] == ']')
    data++, len -= 2;
  root = _sy_gemini_parse_object (data, len, INVALID, NULL, NULL);
  if (root == NULL)
    return FALSE;
  if (!_sy_gemini_get_object (json_node_get_object (root), NULL, "error", INVALID, &error, NULL)
      || error == NULL)
    return FALSE;
  _sy_gemini_get_string (error, NULL, "status", INVALID, &status, NULL);
  _sy_gemini_get_string (error, NULL, "message", INVALID, &text, NULL);
  _sy_gemini_get_int (error, NULL, "code", INVALID, &code, NULL);
  *type = g_strdup (_sy_gemini_error_type (status, code > 0 && code < 1000 ? (guint) code : 0));
  *message = g_strdup (text ? text : status ? status : "the upstream reported an error");
  return TRUE;
}

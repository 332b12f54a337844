/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * OpenAI Chat Completions responses and error bodies: reads an upstream's chat.completion into
 * the internal representation and writes one for an OpenAI client, naming in notes what the
 * format cannot carry. Pure, safe on untrusted input: a malformed body is a GError.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-openai-private.h"

#include <string.h>

#define INVALID SY_TRANSLATE_ERROR_INVALID_RESPONSE

static gboolean
parse_message (SyChatResponse  *response,
               JsonObject      *message,
               gboolean        *refused,
               GError         **error)
{
  const char *path = "choices[0].message";
  const char *reasoning, *refusal;
  JsonNode *content;
  JsonArray *tool_calls;

  if (!sy_json_read_string (message, path, "reasoning_content", INVALID, &reasoning, error)
      || !sy_json_read_string (message, path, "refusal", INVALID, &refusal, error)
      || !sy_json_read_array (message, path, "tool_calls", INVALID, &tool_calls, error))
    return FALSE;
  if (reasoning == NULL)
    reasoning = sy_json_read_node_string (sy_json_read_member (message, "reasoning"));
  if (reasoning != NULL && *reasoning != '\0')
    {
      SyPart *thinking = sy_part_new (SY_PART_THINKING);

      thinking->text = g_strdup (reasoning);
      g_ptr_array_add (response->parts, thinking);
    }

  content = sy_json_read_member (message, "content");
  if (sy_json_read_node_string (content) != NULL)
    {
      if (*sy_json_read_node_string (content) != '\0')
        g_ptr_array_add (response->parts, sy_part_new_text (sy_json_read_node_string (content)));
    }
  else if (content != NULL && JSON_NODE_HOLDS_ARRAY (content))
    {
      /* Some OpenAI-compatible servers answer with text parts. */
      JsonArray *parts = json_node_get_array (content);

      for (guint i = 0; i < json_array_get_length (parts); i++)
        {
          JsonNode *node = json_array_get_element (parts, i);
          const char *text = NULL;

          if (JSON_NODE_HOLDS_OBJECT (node))
            text = sy_json_read_node_string (sy_json_read_member (json_node_get_object (node),
                                                                  "text"));
          if (text == NULL)
            {
              char part_path[64];

              g_snprintf (part_path, sizeof part_path, "%s.content[%u]", path, i);
              sy_json_read_set_error (error, INVALID, part_path, NULL, "expected a text part");
              return FALSE;
            }
          if (*text != '\0')
            g_ptr_array_add (response->parts, sy_part_new_text (text));
        }
    }
  else if (content != NULL)
    {
      sy_json_read_set_error (error, INVALID, path, "content", "expected a string or null");
      return FALSE;
    }

  if (refusal != NULL && *refusal != '\0')
    {
      g_ptr_array_add (response->parts, sy_part_new_text (refusal));
      *refused = TRUE;
    }

  for (guint i = 0; tool_calls != NULL && i < json_array_get_length (tool_calls); i++)
    {
      char call_path[64];
      SyPart *call;

      g_snprintf (call_path, sizeof call_path, "%s.tool_calls[%u]", path, i);
      call = _sy_openai_parse_tool_call (json_array_get_element (tool_calls, i), call_path,
                                         INVALID, error);
      if (call == NULL)
        return FALSE;
      g_ptr_array_add (response->parts, call);
    }
  return TRUE;
}

SyChatResponse *
_sy_openai_parse_response (const char  *data,
                           gsize        len,
                           GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(SyChatResponse) response = NULL;
  JsonObject *o, *usage;
  JsonArray *choices;
  const char *id, *model;
  gint64 created;

  root = _sy_openai_parse_object (data, len, INVALID, "response body", error);
  if (root == NULL)
    return NULL;
  o = json_node_get_object (root);
  if (sy_json_read_member (o, "error") != NULL)
    {
      g_autofree char *type = NULL;
      g_autofree char *message = NULL;

      _sy_openai_parse_error (data, len, &type, &message);
      sy_json_read_set_error (error, INVALID, NULL, "error", "the upstream answered with an error: "
                              "%s", message ? message : "(no message)");
      return NULL;
    }

  response = sy_chat_response_new ();
  if (!sy_json_read_string (o, NULL, "id", INVALID, &id, error)
      || !sy_json_read_string (o, NULL, "model", INVALID, &model, error)
      || !sy_json_read_int (o, NULL, "created", INVALID, &created, error)
      || !sy_json_read_array (o, NULL, "choices", INVALID, &choices, error)
      || !sy_json_read_object (o, NULL, "usage", INVALID, &usage, error))
    return NULL;
  if (choices == NULL)
    {
      sy_json_read_set_error (error, INVALID, NULL, "choices", "required");
      return NULL;
    }
  response->id = g_strdup (id);
  response->model = g_strdup (model);
  response->created = created >= 0 ? created : SY_UNSET;

  /* Only the first choice: requests through the IR never ask for more (n > 1 is refused). */
  if (json_array_get_length (choices) > 0)
    {
      JsonNode *node = json_array_get_element (choices, 0);
      JsonObject *choice, *message;
      const char *finish_reason;
      gboolean refused = FALSE;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          sy_json_read_set_error (error, INVALID, "choices[0]", NULL, "expected an object");
          return NULL;
        }
      choice = json_node_get_object (node);
      if (!sy_json_read_string (choice, "choices[0]", "finish_reason", INVALID, &finish_reason,
                                error)
          || !sy_json_read_object (choice, "choices[0]", "message", INVALID, &message, error))
        return NULL;
      if (message == NULL)
        {
          sy_json_read_set_error (error, INVALID, "choices[0]", "message", "required");
          return NULL;
        }
      if (!parse_message (response, message, &refused, error))
        return NULL;
      response->stop_reason = _sy_openai_stop_reason_from_string (finish_reason);
      if (refused && (response->stop_reason == SY_STOP_END_TURN
                      || response->stop_reason == SY_STOP_UNSET))
        response->stop_reason = SY_STOP_REFUSAL;
    }
  if (usage != NULL)
    _sy_openai_read_usage (usage, &response->usage);
  return g_steal_pointer (&response);
}

GBytes *
_sy_openai_emit_response (const SyChatResponse *response,
                          GPtrArray            *notes)
{
  GString *out = g_string_sized_new (512);
  g_autofree char *id = _sy_openai_dup_completion_id (response->id);
  GString *text = NULL, *reasoning = NULL;
  guint n_calls = 0;

  if (response->id == NULL)
    _sy_openai_note (notes, "id set to \"%s\": the upstream gave none", SY_OPENAI_UNKNOWN_ID);
  g_string_append (out, "{\"id\":");
  sy_json_write_string (out, id);
  g_string_append (out, ",\"object\":\"chat.completion\",\"created\":");
  if (response->created >= 0)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, response->created);
  else
    {
      g_string_append_c (out, '0');
      _sy_openai_note (notes, "created set to 0: the creation time is unknown");
    }
  g_string_append (out, ",\"model\":");
  if (response->model == NULL)
    _sy_openai_note (notes, "model set to \"\": the upstream did not name it");
  sy_json_write_string (out, response->model ?: "");

  for (guint i = 0; i < response->parts->len; i++)
    {
      SyPart *p = g_ptr_array_index (response->parts, i);

      switch (p->kind)
        {
        case SY_PART_TEXT:
          /* Separate text parts (split by citations or tool calls) read as one text. */
          if (text == NULL)
            text = g_string_new (NULL);
          g_string_append (text, p->text ?: "");
          if (p->signature != NULL)
            _sy_openai_note (notes, "a text part's signature dropped: Chat Completions has no "
                                    "field for it");
          break;
        case SY_PART_THINKING:
          if (reasoning == NULL)
            reasoning = g_string_new (NULL);
          g_string_append (reasoning, p->text ?: "");
          if (p->signature != NULL)
            _sy_openai_note (notes, "thinking signature dropped: Chat Completions has no field "
                                    "for it");
          break;
        case SY_PART_REDACTED_THINKING:
          _sy_openai_note (notes, "redacted reasoning dropped: Chat Completions has no field "
                                  "for it");
          break;
        case SY_PART_TOOL_CALL:
          n_calls++;
          break;
        case SY_PART_IMAGE:
        case SY_PART_TOOL_RESULT:
        default:
          _sy_openai_note (notes, "a non-text part of the answer dropped: a Chat Completions "
                                  "message carries text and tool calls only");
          break;
        }
    }

  g_string_append (out, ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                        "\"content\":");
  if (text != NULL)
    sy_json_write_string (out, text->str);
  else
    g_string_append (out, n_calls > 0 ? "null" : "\"\"");
  if (reasoning != NULL)
    {
      /* Not in OpenAI's schema, but the field DeepSeek, vLLM and the clients that show
       * reasoning (Cline, Roo, ...) use. */
      g_string_append (out, ",\"reasoning_content\":");
      sy_json_write_string (out, reasoning->str);
    }
  if (n_calls > 0)
    {
      g_string_append (out, ",\"tool_calls\":[");
      for (guint i = 0; i < response->parts->len; i++)
        {
          SyPart *call = g_ptr_array_index (response->parts, i);
          g_autofree char *packed = NULL;

          if (call->kind != SY_PART_TOOL_CALL)
            continue;
          packed = sy_tool_call_id_pack (call->id, call->signature);
          sy_json_write_elem (out);
          g_string_append (out, "{\"id\":");
          sy_json_write_string (out, packed ?: "");
          g_string_append (out, ",\"type\":\"function\",\"function\":{\"name\":");
          sy_json_write_string (out, call->name ?: "");
          g_string_append (out, ",\"arguments\":");
          sy_json_write_string (out, call->arguments && *call->arguments
                                           ? call->arguments : "{}");
          g_string_append (out, "}}");
        }
      g_string_append_c (out, ']');
    }
  g_string_append (out, "},\"logprobs\":null,\"finish_reason\":");
  sy_json_write_string (out, _sy_openai_finish_reason (response->stop_reason, notes));
  g_string_append (out, "}]");

  {
    gsize before = out->len;

    g_string_append (out, ",\"usage\":");
    if (!_sy_openai_append_usage (out, &response->usage, notes))
      g_string_truncate (out, before);
  }
  g_string_append_c (out, '}');

  if (text != NULL)
    g_string_free (text, TRUE);
  if (reasoning != NULL)
    g_string_free (reasoning, TRUE);
  return g_string_free_to_bytes (out);
}

char *
_sy_openai_format_error (guint       status,
                         const char *type,
                         const char *code,
                         const char *message)
{
  GString *out = g_string_sized_new (128);

  g_string_append (out, "{\"error\":{\"message\":");
  sy_json_write_string (out, message ?: "");
  g_string_append (out, ",\"type\":");
  sy_json_write_string (out, type ?: _sy_openai_error_type_for_status (status));
  g_string_append (out, ",\"param\":null,\"code\":");
  sy_json_write_string (out, code);
  g_string_append (out, "}}");
  return g_string_free (out, FALSE);
}

gboolean
_sy_openai_parse_error (const char  *data,
                        gsize        len,
                        char       **type,
                        char       **message)
{
  g_autoptr(JsonNode) root = _sy_openai_parse_object (data, len, INVALID, "error body", NULL);
  JsonNode *error;
  const char *text;

  *type = NULL;
  *message = NULL;
  if (root == NULL)
    return FALSE;
  error = sy_json_read_member (json_node_get_object (root), "error");
  /* Some OpenAI-compatible servers send {"error": "message"}. */
  text = sy_json_read_node_string (error);
  if (text != NULL)
    {
      *message = g_strdup (text);
      return TRUE;
    }
  if (error == NULL || !JSON_NODE_HOLDS_OBJECT (error))
    return FALSE;
  text = sy_json_read_node_string (sy_json_read_member (json_node_get_object (error), "message"));
  if (text == NULL)
    return FALSE;
  *message = g_strdup (text);
  *type = g_strdup (sy_json_read_node_string (sy_json_read_member (json_node_get_object (error),
                                                                   "type")));
  return TRUE;
}

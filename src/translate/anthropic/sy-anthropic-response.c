/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Anthropic Messages responses and errors: reads an upstream's complete Message, writes one
 * for an Anthropic client, and the {"type":"error","error":{...}} bodies both ways. Owns the
 * usage convention (Anthropic's input_tokens excludes cached tokens) and never hands a client
 * an unsigned thinking block. No I/O.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-anthropic-private.h"

#include "core/sy-json-scan.h"

#define PATH_SIZE 64

static SyPart *
parse_content_block (JsonObject  *block,
                     const char  *path,
                     GError     **error)
{
  g_autoptr(SyPart) part = NULL;
  const char *type, *text, *signature, *id, *name;
  JsonNode *input;

  if (!_sy_anthropic_get_string (block, path, "type", TRUE, &type, error))
    return NULL;

  if (g_str_equal (type, "text"))
    {
      /* citations only follow document or search_result inputs, which are never sent. */
      if (!_sy_anthropic_get_string (block, path, "text", TRUE, &text, error))
        return NULL;
      return sy_part_new_text (text);
    }
  if (g_str_equal (type, "thinking"))
    {
      if (!_sy_anthropic_get_string (block, path, "thinking", FALSE, &text, error) ||
          !_sy_anthropic_get_string (block, path, "signature", FALSE, &signature, error))
        return NULL;
      part = sy_part_new (SY_PART_THINKING);
      part->text = g_strdup (text ? text : "");
      if (signature != NULL && *signature != '\0')
        part->signature = g_strdup (signature);
      return g_steal_pointer (&part);
    }
  if (g_str_equal (type, "redacted_thinking"))
    {
      if (!_sy_anthropic_get_string (block, path, "data", TRUE, &text, error))
        return NULL;
      part = sy_part_new (SY_PART_REDACTED_THINKING);
      part->data = g_strdup (text);
      return g_steal_pointer (&part);
    }
  if (g_str_equal (type, "tool_use"))
    {
      if (!_sy_anthropic_get_string (block, path, "id", TRUE, &id, error) ||
          !_sy_anthropic_get_string (block, path, "name", TRUE, &name, error))
        return NULL;
      input = json_object_get_member (block, "input");
      if (input != NULL && !JSON_NODE_HOLDS_NULL (input) && !JSON_NODE_HOLDS_OBJECT (input))
        {
          sy_json_read_set_error (error, SY_TRANSLATE_ERROR_INVALID_REQUEST, path, "input",
                                  "expected an object");
          return NULL;
        }
      part = sy_part_new (SY_PART_TOOL_CALL);
      part->id = g_strdup (id);
      part->name = g_strdup (name);
      part->arguments = input != NULL && JSON_NODE_HOLDS_OBJECT (input)
                          ? json_to_string (input, FALSE) : g_strdup ("{}");
      return g_steal_pointer (&part);
    }

  /* server_tool_use, web_search_tool_result, ...: only server tools produce them, and
   * requests with server tools are refused before they reach an upstream. */
  sy_json_read_set_error (error, SY_TRANSLATE_ERROR_UNSUPPORTED, path, "type",
                          "\"%s\" blocks cannot be translated", type);
  return NULL;
}

static gboolean
parse_message (SyChatResponse  *response,
               JsonObject      *root,
               GError         **error)
{
  const char *type, *id, *model, *stop_reason, *stop_sequence;
  JsonArray *content;
  JsonObject *usage, *err;
  SyAnthropicUsage raw;

  if (!_sy_anthropic_get_string (root, "", "type", FALSE, &type, error))
    return FALSE;
  if (g_strcmp0 (type, "error") == 0)
    {
      const char *err_type = NULL, *message = NULL;

      if (_sy_anthropic_get_object (root, "", "error", FALSE, &err, NULL) && err != NULL)
        {
          _sy_anthropic_get_string (err, "error", "type", FALSE, &err_type, NULL);
          _sy_anthropic_get_string (err, "error", "message", FALSE, &message, NULL);
        }
      g_set_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_INVALID_RESPONSE,
                   "the upstream answered with an error: %s: %s",
                   err_type ? err_type : "error", message ? message : "(no message)");
      return FALSE;
    }

  if (!_sy_anthropic_get_string (root, "", "id", FALSE, &id, error) ||
      !_sy_anthropic_get_string (root, "", "model", FALSE, &model, error) ||
      !_sy_anthropic_get_array (root, "", "content", TRUE, &content, error) ||
      !_sy_anthropic_get_string (root, "", "stop_reason", FALSE, &stop_reason, error) ||
      !_sy_anthropic_get_string (root, "", "stop_sequence", FALSE, &stop_sequence, error) ||
      !_sy_anthropic_get_object (root, "", "usage", FALSE, &usage, error))
    return FALSE;

  response->id = g_strdup (id);
  response->model = g_strdup (model);
  response->stop_reason = _sy_anthropic_stop_reason_from_string (stop_reason);
  response->stop_sequence = g_strdup (stop_sequence);

  for (guint i = 0; i < json_array_get_length (content); i++)
    {
      char path[PATH_SIZE];
      JsonObject *block = sy_json_read_array_object (content, i, "content",
                                                     SY_TRANSLATE_ERROR_INVALID_REQUEST, error);
      SyPart *part;

      g_snprintf (path, sizeof path, "content[%u]", i);
      if (block == NULL || (part = parse_content_block (block, path, error)) == NULL)
        return FALSE;
      g_ptr_array_add (response->parts, part);
    }

  _sy_anthropic_usage_init (&raw);
  _sy_anthropic_usage_read (usage, &raw);
  _sy_anthropic_usage_to_ir (&raw, &response->usage);
  return TRUE;
}

SyChatResponse *
_sy_anthropic_parse_response (const char  *data,
                              gsize        len,
                              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(SyChatResponse) response = sy_chat_response_new ();
  g_autoptr(GError) local = NULL;
  JsonNode *root = _sy_anthropic_parse_object (parser, data, len, &local);

  if (root == NULL || !parse_message (response, json_node_get_object (root), &local))
    {
      /* The readers speak of requests; here the upstream is at fault. */
      if (local->code == SY_TRANSLATE_ERROR_INVALID_REQUEST)
        local->code = SY_TRANSLATE_ERROR_INVALID_RESPONSE;
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return g_steal_pointer (&response);
}

static void
append_content (GString              *out,
                const SyChatResponse *response,
                GPtrArray            *notes,
                gboolean             *has_tool_use)
{
  guint n = 0, generated = 0;

  g_string_append (out, ",\"content\":[");
  for (guint i = 0; i < response->parts->len; i++)
    {
      const SyPart *p = g_ptr_array_index (response->parts, i);

      switch (p->kind)
        {
        case SY_PART_TEXT:
          if (p->text == NULL || *p->text == '\0')
            continue;
          break;
        case SY_PART_THINKING:
          if (p->signature == NULL || *p->signature == '\0')
            {
              _sy_anthropic_note (notes, "reasoning without a signature (from another "
                                  "provider) dropped: Anthropic clients send thinking blocks "
                                  "back, and Anthropic refuses unsigned ones");
              continue;
            }
          break;
        case SY_PART_REDACTED_THINKING:
          if (p->data == NULL)
            continue;
          break;
        case SY_PART_TOOL_CALL:
          break;
        case SY_PART_IMAGE:
        case SY_PART_TOOL_RESULT:
        default:
          _sy_anthropic_note (notes, "response content[%u] dropped: Anthropic responses carry "
                              "no images or tool results", i);
          continue;
        }

      if (n++ > 0)
        g_string_append_c (out, ',');
      switch (p->kind)
        {
        case SY_PART_TEXT:
          g_string_append (out, "{\"type\":\"text\",\"text\":");
          sy_json_append_string (out, p->text);
          g_string_append_c (out, '}');
          break;
        case SY_PART_THINKING:
          g_string_append (out, "{\"type\":\"thinking\",\"thinking\":");
          sy_json_append_string (out, p->text ? p->text : "");
          g_string_append (out, ",\"signature\":");
          sy_json_append_string (out, p->signature);
          g_string_append_c (out, '}');
          break;
        case SY_PART_REDACTED_THINKING:
          g_string_append (out, "{\"type\":\"redacted_thinking\",\"data\":");
          sy_json_append_string (out, p->data);
          g_string_append_c (out, '}');
          break;
        case SY_PART_TOOL_CALL:
          {
            /* A call's provider signature (Gemini) rides in the id, which the client sends
             * back unchanged; parse_request unpacks it. */
            g_autofree char *generated_id = NULL;
            g_autofree char *id = NULL;

            if (p->id == NULL || *p->id == '\0')
              generated_id = g_strdup_printf ("toolu_sy_%u", generated++);
            id = sy_tool_call_id_pack (generated_id ? generated_id : p->id, p->signature);
            g_string_append (out, "{\"type\":\"tool_use\",\"id\":");
            sy_json_append_string (out, id);
            g_string_append (out, ",\"name\":");
            sy_json_append_string (out, p->name ? p->name : "");
            g_string_append (out, ",\"input\":");
            _sy_anthropic_append_tool_input (out, p->arguments, p->name, notes);
            g_string_append_c (out, '}');
            *has_tool_use = TRUE;
          }
          break;
        case SY_PART_IMAGE:
        case SY_PART_TOOL_RESULT:
        default:
          break;
        }
    }
  g_string_append_c (out, ']');
}

GBytes *
_sy_anthropic_emit_response (const SyChatResponse *response,
                             GPtrArray            *notes)
{
  g_autoptr(GString) out = g_string_sized_new (1024);
  g_autofree char *id = _sy_anthropic_message_id (response->id);
  gboolean has_tool_use = FALSE;
  SyStopReason stop = response->stop_reason;
  const char *reason;

  g_string_append (out, "{\"id\":");
  sy_json_append_string (out, id);
  g_string_append (out, ",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
  sy_json_append_string (out, response->model ? response->model : "");
  append_content (out, response, notes, &has_tool_use);

  /* Some providers end a turn that calls tools with a plain "stop"; Anthropic clients look
   * for tool_use. */
  if (has_tool_use && (stop == SY_STOP_END_TURN || stop == SY_STOP_UNSET))
    stop = SY_STOP_TOOL_USE;
  if (stop == SY_STOP_CONTENT_FILTER)
    _sy_anthropic_note (notes, "stop reason content_filter reported as refusal, Anthropic's "
                        "nearest");
  reason = _sy_anthropic_stop_reason_to_string (stop);
  g_string_append (out, ",\"stop_reason\":");
  if (reason != NULL)
    sy_json_append_string (out, reason);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"stop_sequence\":");
  if (response->stop_sequence != NULL)
    sy_json_append_string (out, response->stop_sequence);
  else
    g_string_append (out, "null");

  /* The schema requires the usage object and its two counts; unknown counts are 0 there. */
  g_string_append (out, ",\"usage\":");
  _sy_anthropic_append_usage (out, &response->usage);
  g_string_append_c (out, '}');

  return g_string_free_to_bytes (g_steal_pointer (&out));
}

char *
_sy_anthropic_format_error (guint       status,
                            const char *type,
                            const char *code,
                            const char *message)
{
  GString *out = g_string_sized_new (128);

  /* Anthropic's errors have no code; the type is Anthropic's own name for the status unless
   * the caller already gave one of those names. */
  if (!_sy_anthropic_is_error_type (type))
    type = _sy_anthropic_error_type_for_status (status);
  g_string_append (out, "{\"type\":\"error\",\"error\":{\"type\":");
  sy_json_append_string (out, type);
  g_string_append (out, ",\"message\":");
  sy_json_append_string (out, message ? message : "");
  g_string_append (out, "}}");
  return g_string_free (out, FALSE);
}

gboolean
_sy_anthropic_parse_error (const char  *data,
                           gsize        len,
                           char       **type,
                           char       **message)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root = _sy_anthropic_parse_object (parser, data, len, NULL);
  JsonObject *err = NULL;
  const char *err_type = NULL, *err_message = NULL;

  if (root == NULL ||
      !_sy_anthropic_get_object (json_node_get_object (root), "", "error", FALSE, &err, NULL) ||
      err == NULL ||
      !_sy_anthropic_get_string (err, "error", "type", FALSE, &err_type, NULL) ||
      !_sy_anthropic_get_string (err, "error", "message", FALSE, &err_message, NULL) ||
      (err_type == NULL && err_message == NULL))
    return FALSE;

  if (type != NULL)
    *type = g_strdup (err_type ? err_type : _sy_anthropic_error_type_for_status (500));
  if (message != NULL)
    *message = g_strdup (err_message ? err_message : "");
  return TRUE;
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A complete OpenAI Responses response object to and from the internal representation, and
 * the Responses error body ({"error":{message,type,param,code}}, as Chat Completions). Pure and
 * safe on untrusted input. An upstream response with status "failed" is an error, never an
 * empty answer: the gateway turns it into a 502 in the client's dialect.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-responses-private.h"

#include <string.h>

#define BAD SY_TRANSLATE_ERROR_INVALID_RESPONSE

typedef struct
{
  SyChatResponse *response;
  gboolean        refusal;
  gboolean        tool_call;
} Read;

static gboolean
read_message (Read        *r,
              JsonObject  *item,
              const char  *path,
              GError     **error)
{
  JsonArray *content;

  if (!sy_json_read_array (item, path, "content", BAD, &content, error))
    return FALSE;
  for (guint i = 0; content != NULL && i < json_array_get_length (content); i++)
    {
      JsonNode *node = json_array_get_element (content, i);
      g_autofree char *where = g_strdup_printf ("%s.content[%u]", path, i);
      const char *type, *text;
      JsonObject *part;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          sy_json_read_set_error (error, BAD, where, NULL, "expected an object");
          return FALSE;
        }
      part = json_node_get_object (node);
      if (!sy_json_read_string (part, where, "type", BAD, &type, error))
        return FALSE;
      if (g_strcmp0 (type, "output_text") == 0)
        {
          if (!sy_json_read_string (part, where, "text", BAD, &text, error))
            return FALSE;
        }
      else if (g_strcmp0 (type, "refusal") == 0)
        {
          if (!sy_json_read_string (part, where, "refusal", BAD, &text, error))
            return FALSE;
          r->refusal = TRUE;
        }
      else
        continue;  /* nothing else is defined for assistant messages */
      g_ptr_array_add (r->response->parts, sy_part_new_text (text ? text : ""));
    }
  return TRUE;
}

static gboolean
read_function_call (Read        *r,
                    JsonObject  *item,
                    const char  *path,
                    GError     **error)
{
  g_autoptr(SyPart) part = sy_part_new (SY_PART_TOOL_CALL);
  const char *call_id, *name, *arguments;

  if (!sy_json_read_string (item, path, "call_id", BAD, &call_id, error) ||
      !sy_json_read_string (item, path, "name", BAD, &name, error) ||
      !sy_json_read_string (item, path, "arguments", BAD, &arguments, error))
    return FALSE;
  part->id = g_strdup (call_id);
  part->name = g_strdup (name);
  part->arguments = g_strdup (arguments ? arguments : "");
  g_ptr_array_add (r->response->parts, g_steal_pointer (&part));
  r->tool_call = TRUE;
  return TRUE;
}

static gboolean
read_output (Read        *r,
             JsonObject  *root,
             GError     **error)
{
  JsonArray *output;

  if (!sy_json_read_array (root, NULL, "output", BAD, &output, error))
    return FALSE;
  if (output == NULL)
    {
      sy_json_read_set_error (error, BAD, "output", NULL, "missing");
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (output); i++)
    {
      JsonNode *node = json_array_get_element (output, i);
      g_autofree char *path = g_strdup_printf ("output[%u]", i);
      const char *type;
      JsonObject *item;
      SyPart *part = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          sy_json_read_set_error (error, BAD, path, NULL, "expected an object");
          return FALSE;
        }
      item = json_node_get_object (node);
      if (!sy_json_read_string (item, path, "type", BAD, &type, error))
        return FALSE;
      if (g_strcmp0 (type, "message") == 0)
        {
          if (!read_message (r, item, path, error))
            return FALSE;
        }
      else if (g_strcmp0 (type, "function_call") == 0)
        {
          if (!read_function_call (r, item, path, error))
            return FALSE;
        }
      else if (g_strcmp0 (type, "reasoning") == 0)
        {
          if (!_sy_responses_read_reasoning (item, path, BAD, &part, error))
            return FALSE;
          if (part != NULL)
            g_ptr_array_add (r->response->parts, part);
        }
      /* built-in tool calls never appear: no built-in tool is ever requested */
    }
  return TRUE;
}

/* status "failed", or an error object: the message of the upstream's error. */
static gboolean
check_failed (JsonObject  *root,
              const char  *status,
              GError     **error)
{
  JsonNode *node = sy_json_read_member (root, "error");
  const char *message = NULL;

  if (node == NULL && g_strcmp0 (status, "failed") != 0)
    return TRUE;
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    message = sy_json_read_node_string (sy_json_read_member (json_node_get_object (node),
                                                             "message"));
  g_set_error_literal (error, SY_TRANSLATE_ERROR, BAD,
                       message ? message : "the upstream response failed");
  return FALSE;
}

SyChatResponse *
_sy_responses_parse_response (const char  *data,
                              gsize        len,
                              GError     **error)
{
  g_autoptr(JsonNode) node = sy_json_read_body (data, len, SY_RESPONSES_MAX_DEPTH, BAD,
                                                "response body", error);
  g_autoptr(SyChatResponse) response = NULL;
  const char *id, *model, *status;
  JsonObject *root, *usage, *incomplete;
  const char *reason = NULL;
  Read r = { NULL, FALSE, FALSE };
  double created;

  if (node == NULL)
    return NULL;
  root = json_node_get_object (node);
  if (!sy_json_read_string (root, NULL, "status", BAD, &status, error) ||
      !check_failed (root, status, error) ||
      !sy_json_read_string (root, NULL, "id", BAD, &id, error) ||
      !sy_json_read_string (root, NULL, "model", BAD, &model, error) ||
      !sy_json_read_number (root, NULL, "created_at", BAD, &created, error) ||
      !sy_json_read_object (root, NULL, "usage", BAD, &usage, error) ||
      !sy_json_read_object (root, NULL, "incomplete_details", BAD, &incomplete, error) ||
      !sy_json_read_string (incomplete, "incomplete_details", "reason", BAD, &reason, error))
    return NULL;

  response = sy_chat_response_new ();
  r.response = response;
  response->id = g_strdup (id);
  response->model = g_strdup (model);
  if (!isnan (created) && created >= 0 && created < 1e15)
    response->created = (gint64) created;
  _sy_responses_read_usage (usage, &response->usage);
  if (!read_output (&r, root, error))
    return NULL;

  if (g_strcmp0 (status, "incomplete") == 0)
    response->stop_reason = g_strcmp0 (reason, "content_filter") == 0 ? SY_STOP_CONTENT_FILTER
                          : g_strcmp0 (reason, "max_output_tokens") == 0 ? SY_STOP_MAX_TOKENS
                          : SY_STOP_UNSET;
  else if (g_strcmp0 (status, "completed") == 0 || status == NULL)
    response->stop_reason = r.tool_call ? SY_STOP_TOOL_USE
                          : r.refusal ? SY_STOP_REFUSAL : SY_STOP_END_TURN;
  return g_steal_pointer (&response);
}

/* --- emitting ------------------------------------------------------------------------------- */

static void
append_message_item (GString      *out,
                     const char   *item_id,
                     const SyPart *part,
                     gboolean      refusal)
{
  g_string_append (out, "{\"id\":");
  sy_json_write_string (out, item_id);
  g_string_append (out, ",\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\","
                        "\"content\":[");
  if (refusal)
    {
      g_string_append (out, "{\"type\":\"refusal\",\"refusal\":");
      sy_json_write_string (out, part->text ? part->text : "");
    }
  else
    {
      g_string_append (out, "{\"type\":\"output_text\",\"text\":");
      sy_json_write_string (out, part->text ? part->text : "");
      g_string_append (out, ",\"annotations\":[]");
    }
  g_string_append (out, "}]}");
}

static void
append_function_call_item (GString      *out,
                           const char   *item_id,
                           const char   *response_id,
                           guint         n,
                           const SyPart *part,
                           GPtrArray    *notes)
{
  g_autofree char *call_id = NULL;

  if (part->id == NULL)
    {
      g_autofree char *made = _sy_responses_dup_item_id ("call", response_id, n);

      call_id = sy_tool_call_id_pack (made, part->signature);
      _sy_responses_note (notes, "tool call id derived from the response id: Responses "
                          "clients need one");
    }
  else
    call_id = sy_tool_call_id_pack (part->id, part->signature);
  g_string_append (out, "{\"id\":");
  sy_json_write_string (out, item_id);
  g_string_append (out, ",\"type\":\"function_call\",\"status\":\"completed\",\"call_id\":");
  sy_json_write_string (out, call_id);
  g_string_append (out, ",\"name\":");
  sy_json_write_string (out, part->name ? part->name : "");
  g_string_append (out, ",\"arguments\":");
  sy_json_write_string (out, part->arguments && *part->arguments ? part->arguments : "{}");
  g_string_append_c (out, '}');
}

GBytes *
_sy_responses_emit_response (const SyChatResponse *response,
                             GPtrArray            *notes)
{
  g_autoptr(GString) out = g_string_sized_new (1024);
  g_autofree char *id = _sy_responses_dup_response_id (response->id);
  const char *incomplete_reason = NULL;
  const char *status = _sy_responses_status_for_stop (response->stop_reason, &incomplete_reason);
  guint n = 0;

  if (response->id == NULL)
    _sy_responses_note (notes, "response id defaulted: Responses clients require one");
  g_string_append (out, "{\"id\":");
  sy_json_write_string (out, id);
  g_string_append (out, ",\"object\":\"response\"");
  if (response->created >= 0)
    g_string_append_printf (out, ",\"created_at\":%" G_GINT64_FORMAT, response->created);
  g_string_append (out, ",\"status\":");
  sy_json_write_string (out, status);
  g_string_append (out, ",\"model\":");
  sy_json_write_string (out, response->model ? response->model : "");
  g_string_append (out, ",\"output\":[");
  for (guint i = 0; i < response->parts->len; i++)
    {
      const SyPart *part = g_ptr_array_index (response->parts, i);
      g_autofree char *item_id = NULL;
      g_autofree char *encrypted = NULL;

      switch (part->kind)
        {
        case SY_PART_TEXT:
          if (part->signature != NULL)
            _sy_responses_note (notes, "text signature dropped: Responses messages have no "
                                "place for it");
          item_id = _sy_responses_dup_item_id ("msg", id, n);
          sy_json_write_elem (out);
          append_message_item (out, item_id, part, response->stop_reason == SY_STOP_REFUSAL);
          break;
        case SY_PART_TOOL_CALL:
          item_id = _sy_responses_dup_item_id ("fc", id, n);
          sy_json_write_elem (out);
          append_function_call_item (out, item_id, id, n, part, notes);
          break;
        case SY_PART_THINKING:
        case SY_PART_REDACTED_THINKING:
          item_id = _sy_responses_dup_item_id ("rs", id, n);
          encrypted = _sy_responses_client_encrypted_content (
            part->kind, part->kind == SY_PART_THINKING ? part->signature : part->data, &item_id);
          sy_json_write_elem (out);
          _sy_responses_append_reasoning_item (out, item_id,
                                               part->kind == SY_PART_THINKING ? part->text : NULL,
                                               part->text && part->kind == SY_PART_THINKING
                                                 ? strlen (part->text) : 0,
                                               encrypted);
          break;
        case SY_PART_IMAGE:
        case SY_PART_TOOL_RESULT:
        default:
          _sy_responses_note (notes, "a response part of kind %d dropped: Responses output "
                              "cannot carry it", (int) part->kind);
          continue;
        }
      n++;
    }
  g_string_append_c (out, ']');
  if (response->stop_reason == SY_STOP_STOP_SEQUENCE && response->stop_sequence != NULL)
    _sy_responses_note (notes, "stop sequence not reported: Responses has no field for it");
  _sy_responses_append_tail (out, incomplete_reason, NULL, NULL, &response->usage, notes);
  return g_string_free_to_bytes (g_steal_pointer (&out));
}

/* --- errors --------------------------------------------------------------------------------- */

static const char *
type_for_status (guint status)
{
  switch (status)
    {
    case 400: case 404: case 409: case 413: case 422:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 429:
      return "rate_limit_error";
    default:
      return status >= 500 ? "server_error" : "invalid_request_error";
    }
}

char *
_sy_responses_format_error (guint       status,
                            const char *type,
                            const char *code,
                            const char *message)
{
  GString *out = g_string_new ("{\"error\":{\"message\":");

  sy_json_write_string (out, message ? message : "");
  g_string_append (out, ",\"type\":");
  sy_json_write_string (out, type ? type : type_for_status (status));
  g_string_append (out, ",\"param\":null,\"code\":");
  sy_json_write_string (out, code);
  g_string_append (out, "}}");
  return g_string_free (out, FALSE);
}

gboolean
_sy_responses_parse_error (const char  *data,
                           gsize        len,
                           char       **type,
                           char       **message)
{
  g_autoptr(JsonNode) node = sy_json_read_body (data, len, SY_RESPONSES_MAX_DEPTH, BAD,
                                                "error body", NULL);
  JsonNode *error_node;
  JsonObject *error;
  const char *t, *m;

  if (node == NULL)
    return FALSE;
  error_node = sy_json_read_member (json_node_get_object (node), "error");
  if (error_node == NULL || !JSON_NODE_HOLDS_OBJECT (error_node))
    return FALSE;
  error = json_node_get_object (error_node);
  m = sy_json_read_node_string (sy_json_read_member (error, "message"));
  if (m == NULL)
    return FALSE;
  t = sy_json_read_node_string (sy_json_read_member (error, "type"));
  if (t == NULL)
    t = sy_json_read_node_string (sy_json_read_member (error, "code"));
  if (type != NULL)
    *type = g_strdup (t);
  if (message != NULL)
    *message = g_strdup (m);
  return TRUE;
}

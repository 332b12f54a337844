/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The body edits the subscription upstreams require of a request already emitted in their
 * dialect: Codex's Responses constraints, Copilot's message limits, a member added at the top
 * level (Kiro's profileArn). Only what the upstream demands changes; numbers keep their short
 * form. Pure: no I/O, safe on untrusted bodies.
 */
#define G_LOG_DOMAIN "sy-providers"

#include "sy-upstream-adapter-private.h"

#include <string.h>

#include "core/sy-json-scan.h"
#include "translate/sy-json-read.h"
#include "translate/sy-json-write.h"

#define MAX_DEPTH 128

/* What Codex answers when a request has no instructions: it refuses an empty field. */
#define CODEX_DEFAULT_INSTRUCTIONS "You are a helpful assistant."

/* Fields the Codex backend refuses (open-sse/executors/codex.ts strips them). */
static const char * const codex_dropped[] = {
  "max_output_tokens", "max_tokens", "max_completion_tokens", "truncation", "background",
  "prompt_cache_retention", "safety_identifier", "user",
};

/* Longest first where one ends another. */
static const char * const codex_efforts[] = {
  "xhigh", "high", "medium", "low", "minimal", "none",
};

/* A mutable copy of the body's object, checked before json-glib sees it. */
static JsonNode *
parse_body (GBytes  *body,
            GError **error)
{
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  JsonNode *root = data ? sy_json_read_load (parser, data, len, MAX_DEPTH, &local) : NULL;

  if (root == NULL)
    {
      g_set_error (error, SY_UPSTREAM_ADAPTER_ERROR, SY_UPSTREAM_ADAPTER_ERROR_INVALID_BODY,
                   "request body: %s", local ? local->message : "expected a JSON object");
      return NULL;
    }
  return json_node_ref (root);
}

/* Compact JSON with doubles in their short form (json-glib writes 17 digits). */
static GBytes *
write_body (JsonNode *root)
{
  GString *out = g_string_sized_new (1024);

  sy_json_write_node_short (out, root);
  return g_string_free_to_bytes (out);
}

char *
_sy_upstream_split_effort (const char  *model,
                           const char **effort)
{
  gsize len = strlen (model);

  *effort = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (codex_efforts); i++)
    {
      gsize n = strlen (codex_efforts[i]);

      if (len > n + 1 && model[len - n - 1] == '-' &&
          strcmp (model + len - n, codex_efforts[i]) == 0)
        {
          *effort = codex_efforts[i];
          return g_strndup (model, len - n - 1);
        }
    }
  return g_strdup (model);
}

static gboolean
array_has_string (JsonArray  *array,
                  const char *value)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (sy_json_read_node_string (json_array_get_element (array, i)), value) == 0)
      return TRUE;
  return FALSE;
}

GBytes *
_sy_upstream_codex_body (GBytes      *body,
                         const char  *model,
                         GError     **error)
{
  g_autoptr(JsonNode) root = parse_body (body, error);
  JsonObject *object, *reasoning;
  JsonNode *node;
  const char *effort, *instructions;
  g_autofree char *base = NULL;

  if (root == NULL)
    return NULL;
  object = json_node_get_object (root);

  if (model == NULL)
    model = sy_json_read_node_string (json_object_get_member (object, "model"));
  if (model != NULL)
    {
      base = _sy_upstream_split_effort (model, &effort);
      json_object_set_string_member (object, "model", base);
      if (effort != NULL)
        {
          node = json_object_get_member (object, "reasoning");
          if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
            json_object_set_object_member (object, "reasoning", json_object_new ());
          reasoning = json_object_get_object_member (object, "reasoning");
          /* The model the user chose names its effort: it wins over the request's. */
          json_object_set_string_member (reasoning, "effort", effort);
        }
    }

  json_object_set_boolean_member (object, "stream", TRUE);
  json_object_set_boolean_member (object, "store", FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (codex_dropped); i++)
    json_object_remove_member (object, codex_dropped[i]);

  instructions = sy_json_read_node_string (json_object_get_member (object, "instructions"));
  if (instructions == NULL || *instructions == '\0')
    json_object_set_string_member (object, "instructions", CODEX_DEFAULT_INSTRUCTIONS);

  node = json_object_get_member (object, "include");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    json_object_set_array_member (object, "include", json_array_new ());
  if (!array_has_string (json_object_get_array_member (object, "include"),
                         "reasoning.encrypted_content"))
    json_array_add_string_element (json_object_get_array_member (object, "include"),
                                   "reasoning.encrypted_content");
  return write_body (root);
}

/* Keeps the text and image_url parts of an array content. */
static void
filter_parts (JsonArray *parts,
              gboolean  *has_image)
{
  for (guint i = json_array_get_length (parts); i-- > 0;)
    {
      JsonNode *part = json_array_get_element (parts, i);
      const char *type = NULL;

      if (JSON_NODE_HOLDS_OBJECT (part))
        type = sy_json_read_node_string (json_object_get_member (json_node_get_object (part),
                                                                 "type"));
      if (g_strcmp0 (type, "image_url") == 0)
        *has_image = TRUE;
      else if (g_strcmp0 (type, "text") != 0)
        json_array_remove_element (parts, i);
    }
}

GBytes *
_sy_upstream_github_body (GBytes    *body,
                          gboolean  *has_image,
                          GError   **error)
{
  g_autoptr(JsonNode) root = parse_body (body, error);
  JsonNode *node;
  JsonArray *messages;
  guint n;

  *has_image = FALSE;
  if (root == NULL)
    return NULL;
  node = json_object_get_member (json_node_get_object (root), "messages");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return g_bytes_ref (body);
  messages = json_node_get_array (node);

  /* Copilot refuses an assistant prefill at the end */
  n = json_array_get_length (messages);
  if (n > 1)
    {
      JsonNode *last = json_array_get_element (messages, n - 1);

      if (JSON_NODE_HOLDS_OBJECT (last) &&
          g_strcmp0 (sy_json_read_node_string (
                       json_object_get_member (json_node_get_object (last), "role")),
                     "assistant") == 0)
        json_array_remove_element (messages, n - 1);
    }

  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonNode *message = json_array_get_element (messages, i);
      JsonNode *content;

      if (!JSON_NODE_HOLDS_OBJECT (message))
        continue;
      content = json_object_get_member (json_node_get_object (message), "content");
      if (content != NULL && JSON_NODE_HOLDS_ARRAY (content))
        filter_parts (json_node_get_array (content), has_image);
    }
  return write_body (root);
}

GBytes *
_sy_upstream_add_member (GBytes      *body,
                         const char  *member,
                         const char  *value,
                         GError     **error)
{
  gsize len, end;
  const char *data = g_bytes_get_data (body, &len);
  g_autoptr(GError) local = NULL;
  SyJsonSpan span;
  gboolean empty = TRUE;
  GString *out;

  if (data == NULL || !sy_json_check_object (data, len, MAX_DEPTH, &local))
    {
      g_set_error (error, SY_UPSTREAM_ADAPTER_ERROR, SY_UPSTREAM_ADAPTER_ERROR_INVALID_BODY,
                   "request body: %s", local ? local->message : "expected a JSON object");
      return NULL;
    }
  if (sy_json_object_lookup (data, len, member, &span))
    return g_bytes_ref (body);
  /* the object's closing brace, and whether anything comes between the braces */
  end = len;
  while (end > 0 && data[end - 1] != '}')
    end--;
  g_assert (end > 0);
  end--;
  for (gsize i = end; i > 0 && empty; i--)
    {
      if (data[i - 1] == '{')
        break;
      empty = g_ascii_isspace (data[i - 1]);
    }

  out = g_string_sized_new (len + strlen (member) + strlen (value) + 8);
  g_string_append_len (out, data, (gssize) end);
  if (!empty)
    g_string_append_c (out, ',');
  sy_json_append_string (out, member);
  g_string_append_c (out, ':');
  sy_json_append_string (out, value);
  g_string_append_len (out, data + end, (gssize) (len - end));
  return g_string_free_to_bytes (out);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Injection per dialect, on a json-glib tree of the client's body:
 *   system prompt   OpenAI: a leading system message (merged into one already there);
 *                   Anthropic: "system" (string or blocks); Gemini: systemInstruction.parts;
 *                   Responses: "instructions".
 *   thinking        Anthropic: thinking.budget_tokens (kept below max_tokens); Gemini:
 *                   generationConfig.thinkingConfig.thinkingBudget; OpenAI: reasoning_effort;
 *                   Responses: reasoning.effort (efforts from the budget).
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-request-injection.h"

#include <json-glib/json-glib.h>

#include "sy-chat.h"

#define MIN_ANTHROPIC_BUDGET 1024

gboolean
sy_request_injection_is_active (const SyRequestInjection *injection)
{
  return (injection->system_prompt != NULL && injection->system_prompt[0] != '\0') ||
         (injection->thinking != SY_THINKING_PASSTHROUGH && injection->thinking_tokens > 0);
}

/* "prompt\n\nexisting" */
static char *
joined (const char *prompt,
        const char *existing)
{
  return existing && *existing ? g_strconcat (prompt, "\n\n", existing, NULL) : g_strdup (prompt);
}

static JsonObject *
text_part (const char *member,
           const char *text)
{
  JsonObject *part = json_object_new ();

  if (g_strcmp0 (member, "text") == 0)
    json_object_set_string_member (part, "type", "text");
  json_object_set_string_member (part, member, text);
  return part;
}

static void
prepend_element (JsonArray *array,
                 JsonNode  *element)
{
  g_autoptr(GList) old = json_array_get_elements (array);

  for (GList *l = old; l != NULL; l = l->next)
    json_node_ref (l->data);
  while (json_array_get_length (array) > 0)
    json_array_remove_element (array, 0);
  json_array_add_element (array, element);
  for (GList *l = old; l != NULL; l = l->next)
    json_array_add_element (array, l->data);
}

static void
system_openai (JsonObject *root,
               const char *prompt)
{
  JsonArray *messages = json_object_get_array_member (root, "messages");
  JsonObject *first = json_array_get_length (messages) > 0
                        ? json_array_get_object_element (messages, 0) : NULL;
  const char *role = first ? json_object_get_string_member_with_default (first, "role", "") : "";
  JsonNode *content = first ? json_object_get_member (first, "content") : NULL;
  JsonObject *message;

  if ((g_str_equal (role, "system") || g_str_equal (role, "developer")) && content != NULL &&
      JSON_NODE_HOLDS_VALUE (content) && json_node_get_value_type (content) == G_TYPE_STRING)
    {
      g_autofree char *text = joined (prompt, json_node_get_string (content));

      json_object_set_string_member (first, "content", text);
      return;
    }
  message = json_object_new ();
  json_object_set_string_member (message, "role", "system");
  json_object_set_string_member (message, "content", prompt);
  prepend_element (messages, json_node_init_object (json_node_alloc (), message));
  json_object_unref (message);
}

static void
system_anthropic (JsonObject *root,
                  const char *prompt)
{
  JsonNode *system = json_object_get_member (root, "system");

  if (system != NULL && JSON_NODE_HOLDS_ARRAY (system))
    {
      JsonObject *part = text_part ("text", prompt);

      prepend_element (json_node_get_array (system),
                       json_node_init_object (json_node_alloc (), part));
      json_object_unref (part);
      return;
    }
  {
    const char *existing = system && JSON_NODE_HOLDS_VALUE (system) &&
                           json_node_get_value_type (system) == G_TYPE_STRING
                             ? json_node_get_string (system) : NULL;
    g_autofree char *text = joined (prompt, existing);

    json_object_set_string_member (root, "system", text);
  }
}

static void
system_gemini (JsonObject *root,
               const char *prompt)
{
  const char *name = json_object_has_member (root, "system_instruction") ? "system_instruction"
                                                                          : "systemInstruction";
  JsonNode *node = json_object_get_member (root, name);
  JsonObject *instruction;
  JsonObject *part = text_part ("text", prompt);

  json_object_remove_member (part, "type");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      instruction = json_object_new ();
      json_object_set_array_member (instruction, "parts", json_array_new ());
      json_object_set_object_member (root, name, instruction);
    }
  else
    instruction = json_node_get_object (node);
  if (!json_object_has_member (instruction, "parts") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (instruction, "parts")))
    json_object_set_array_member (instruction, "parts", json_array_new ());
  prepend_element (json_object_get_array_member (instruction, "parts"),
                   json_node_init_object (json_node_alloc (), part));
  json_object_unref (part);
}

static void
system_responses (JsonObject *root,
                  const char *prompt)
{
  g_autofree char *text =
    joined (prompt, json_object_get_string_member_with_default (root, "instructions", NULL));

  json_object_set_string_member (root, "instructions", text);
}

static void
thinking_anthropic (JsonObject               *root,
                    const SyRequestInjection *injection)
{
  gint64 budget = injection->thinking_tokens;
  gint64 max_tokens = json_object_get_int_member_with_default (root, "max_tokens", 0);
  JsonObject *thinking;

  if (injection->thinking == SY_THINKING_DEFAULT && json_object_has_member (root, "thinking"))
    return;
  /* Anthropic wants the budget below max_tokens; a budget that cannot fit is not sent. */
  if (max_tokens > 0)
    budget = MIN (budget, max_tokens - 1);
  if (budget < MIN_ANTHROPIC_BUDGET)
    return;
  thinking = json_object_new ();
  json_object_set_string_member (thinking, "type", "enabled");
  json_object_set_int_member (thinking, "budget_tokens", budget);
  json_object_set_object_member (root, "thinking", thinking);
}

static void
thinking_gemini (JsonObject               *root,
                 const SyRequestInjection *injection)
{
  const char *name = json_object_has_member (root, "generation_config") ? "generation_config"
                                                                         : "generationConfig";
  JsonNode *node = json_object_get_member (root, name);
  JsonObject *config;
  JsonObject *thinking;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      config = json_object_new ();
      json_object_set_object_member (root, name, config);
    }
  else
    config = json_node_get_object (node);
  if (injection->thinking == SY_THINKING_DEFAULT &&
      (json_object_has_member (config, "thinkingConfig") ||
       json_object_has_member (config, "thinking_config")))
    return;
  json_object_remove_member (config, "thinking_config");
  thinking = json_object_new ();
  json_object_set_int_member (thinking, "thinkingBudget", injection->thinking_tokens);
  json_object_set_object_member (config, "thinkingConfig", thinking);
}

static void
thinking_openai (JsonObject               *root,
                 const SyRequestInjection *injection)
{
  if (injection->thinking == SY_THINKING_DEFAULT &&
      json_object_has_member (root, "reasoning_effort"))
    return;
  json_object_set_string_member (root, "reasoning_effort",
                                 sy_effort_to_string (sy_effort_for_budget (injection->thinking_tokens)));
}

static void
thinking_responses (JsonObject               *root,
                    const SyRequestInjection *injection)
{
  JsonNode *node = json_object_get_member (root, "reasoning");
  JsonObject *reasoning;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      reasoning = json_object_new ();
      json_object_set_object_member (root, "reasoning", reasoning);
    }
  else
    reasoning = json_node_get_object (node);
  if (injection->thinking == SY_THINKING_DEFAULT && json_object_has_member (reasoning, "effort"))
    return;
  json_object_set_string_member (reasoning, "effort",
                                 sy_effort_to_string (sy_effort_for_budget (injection->thinking_tokens)));
}

GBytes *
sy_request_inject (SyDialect                  dialect,
                   GBytes                    *body,
                   const SyRequestInjection  *injection,
                   GError                   **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = NULL;
  JsonNode *root_node;
  JsonObject *root;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  char *text;

  if (!sy_request_injection_is_active (injection))
    return g_bytes_ref (body);
  if (!json_parser_load_from_data (parser, data, (gssize) len, error))
    return NULL;
  root_node = json_parser_get_root (parser);
  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           "the request body is not a JSON object");
      return NULL;
    }
  root = json_node_get_object (root_node);

  if (injection->system_prompt != NULL && injection->system_prompt[0] != '\0')
    switch (dialect)
      {
      case SY_DIALECT_ANTHROPIC: system_anthropic (root, injection->system_prompt); break;
      case SY_DIALECT_GEMINI: system_gemini (root, injection->system_prompt); break;
      case SY_DIALECT_RESPONSES: system_responses (root, injection->system_prompt); break;
      case SY_DIALECT_OPENAI:
      default:
        if (json_object_has_member (root, "messages") &&
            JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "messages")))
          system_openai (root, injection->system_prompt);
        break;
      }
  if (injection->thinking != SY_THINKING_PASSTHROUGH && injection->thinking_tokens > 0)
    switch (dialect)
      {
      case SY_DIALECT_ANTHROPIC: thinking_anthropic (root, injection); break;
      case SY_DIALECT_GEMINI: thinking_gemini (root, injection); break;
      case SY_DIALECT_RESPONSES: thinking_responses (root, injection); break;
      case SY_DIALECT_OPENAI:
      default: thinking_openai (root, injection); break;
      }

  generator = json_generator_new ();
  json_generator_set_root (generator, root_node);
  text = json_generator_to_data (generator, &len);
  return g_bytes_new_take (text, len);
}

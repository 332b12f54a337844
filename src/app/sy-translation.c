/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Translator page's pure part: the examples, and a translation through the codecs exactly
 * as the gateway does it (parse_request and emit_request, or parse_response and emit_response),
 * pretty-printed with json-glib. No GTK and no I/O here: the playground and the test bench call
 * it on every keystroke and for every pair.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-translation.h"

#include <glib/gi18n.h>
#include <string.h>

#define TOOL_SCHEMA \
  "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\", " \
  "\"description\": \"City name, e.g. Paris\"}}, \"required\": [\"city\"]}"
#define SYSTEM_PROMPT "You are a concise weather assistant. Use the tool for current weather."
#define USER_PROMPT "What is the weather in Paris right now?"

static const char * const request_examples[SY_TRANSLATION_N_DIALECTS] = {
  [SY_DIALECT_OPENAI] =
    "{\n"
    "  \"model\": \"openai/gpt-4o-mini\",\n"
    "  \"max_tokens\": 512,\n"
    "  \"temperature\": 0.2,\n"
    "  \"messages\": [\n"
    "    {\"role\": \"system\", \"content\": \"" SYSTEM_PROMPT "\"},\n"
    "    {\"role\": \"user\", \"content\": \"" USER_PROMPT "\"}\n"
    "  ],\n"
    "  \"tools\": [{\n"
    "    \"type\": \"function\",\n"
    "    \"function\": {\n"
    "      \"name\": \"get_weather\",\n"
    "      \"description\": \"Current weather for a city\",\n"
    "      \"parameters\": " TOOL_SCHEMA "\n"
    "    }\n"
    "  }],\n"
    "  \"tool_choice\": \"auto\"\n"
    "}\n",
  [SY_DIALECT_ANTHROPIC] =
    "{\n"
    "  \"model\": \"anthropic/claude-sonnet-4-5\",\n"
    "  \"max_tokens\": 512,\n"
    "  \"temperature\": 0.2,\n"
    "  \"system\": \"" SYSTEM_PROMPT "\",\n"
    "  \"messages\": [\n"
    "    {\"role\": \"user\", \"content\": \"" USER_PROMPT "\"}\n"
    "  ],\n"
    "  \"tools\": [{\n"
    "    \"name\": \"get_weather\",\n"
    "    \"description\": \"Current weather for a city\",\n"
    "    \"input_schema\": " TOOL_SCHEMA "\n"
    "  }],\n"
    "  \"tool_choice\": {\"type\": \"auto\"}\n"
    "}\n",
  [SY_DIALECT_GEMINI] =
    "{\n"
    "  \"systemInstruction\": {\"parts\": [{\"text\": \"" SYSTEM_PROMPT "\"}]},\n"
    "  \"contents\": [\n"
    "    {\"role\": \"user\", \"parts\": [{\"text\": \"" USER_PROMPT "\"}]}\n"
    "  ],\n"
    "  \"tools\": [{\n"
    "    \"functionDeclarations\": [{\n"
    "      \"name\": \"get_weather\",\n"
    "      \"description\": \"Current weather for a city\",\n"
    "      \"parameters\": " TOOL_SCHEMA "\n"
    "    }]\n"
    "  }],\n"
    "  \"toolConfig\": {\"functionCallingConfig\": {\"mode\": \"AUTO\"}},\n"
    "  \"generationConfig\": {\"temperature\": 0.2, \"maxOutputTokens\": 512}\n"
    "}\n",
  [SY_DIALECT_RESPONSES] =
    "{\n"
    "  \"model\": \"openai/gpt-4o-mini\",\n"
    "  \"max_output_tokens\": 512,\n"
    "  \"temperature\": 0.2,\n"
    "  \"instructions\": \"" SYSTEM_PROMPT "\",\n"
    "  \"input\": [\n"
    "    {\"role\": \"user\", \"content\": [{\"type\": \"input_text\", \"text\": \""
    USER_PROMPT "\"}]}\n"
    "  ],\n"
    "  \"tools\": [{\n"
    "    \"type\": \"function\",\n"
    "    \"name\": \"get_weather\",\n"
    "    \"description\": \"Current weather for a city\",\n"
    "    \"parameters\": " TOOL_SCHEMA "\n"
    "  }],\n"
    "  \"tool_choice\": \"auto\"\n"
    "}\n",
};

static const char * const response_examples[SY_TRANSLATION_N_DIALECTS] = {
  [SY_DIALECT_OPENAI] =
    "{\n"
    "  \"id\": \"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\",\n"
    "  \"object\": \"chat.completion\",\n"
    "  \"created\": 1767225600,\n"
    "  \"model\": \"gpt-4o-mini\",\n"
    "  \"choices\": [{\n"
    "    \"index\": 0,\n"
    "    \"message\": {\n"
    "      \"role\": \"assistant\",\n"
    "      \"content\": \"Let me look that up.\",\n"
    "      \"tool_calls\": [{\n"
    "        \"id\": \"call_abc123\",\n"
    "        \"type\": \"function\",\n"
    "        \"function\": {\"name\": \"get_weather\",\n"
    "                     \"arguments\": \"{\\\"city\\\":\\\"Paris\\\"}\"}\n"
    "      }]\n"
    "    },\n"
    "    \"finish_reason\": \"tool_calls\"\n"
    "  }],\n"
    "  \"usage\": {\"prompt_tokens\": 82, \"completion_tokens\": 17, \"total_tokens\": 99}\n"
    "}\n",
  [SY_DIALECT_ANTHROPIC] =
    "{\n"
    "  \"id\": \"msg_01XFDUDYJgAACzvnptvVoYEL\",\n"
    "  \"type\": \"message\",\n"
    "  \"role\": \"assistant\",\n"
    "  \"model\": \"claude-sonnet-4-5\",\n"
    "  \"content\": [\n"
    "    {\"type\": \"text\", \"text\": \"Let me look that up.\"},\n"
    "    {\"type\": \"tool_use\", \"id\": \"toolu_01A09q90qw90lq917835lq9\", "
    "\"name\": \"get_weather\", \"input\": {\"city\": \"Paris\"}}\n"
    "  ],\n"
    "  \"stop_reason\": \"tool_use\",\n"
    "  \"stop_sequence\": null,\n"
    "  \"usage\": {\"input_tokens\": 82, \"output_tokens\": 17}\n"
    "}\n",
  [SY_DIALECT_GEMINI] =
    "{\n"
    "  \"candidates\": [{\n"
    "    \"content\": {\n"
    "      \"role\": \"model\",\n"
    "      \"parts\": [\n"
    "        {\"text\": \"Let me look that up.\"},\n"
    "        {\"functionCall\": {\"name\": \"get_weather\", \"args\": {\"city\": \"Paris\"}}}\n"
    "      ]\n"
    "    },\n"
    "    \"finishReason\": \"STOP\",\n"
    "    \"index\": 0\n"
    "  }],\n"
    "  \"usageMetadata\": {\"promptTokenCount\": 82, \"candidatesTokenCount\": 17, "
    "\"totalTokenCount\": 99},\n"
    "  \"modelVersion\": \"gemini-2.5-flash\",\n"
    "  \"responseId\": \"mFRbaPq7Aar2nvgPmeGx8Qg\"\n"
    "}\n",
  [SY_DIALECT_RESPONSES] =
    "{\n"
    "  \"id\": \"resp_67ccd3a9da748190baa7f1570fe91ac6\",\n"
    "  \"object\": \"response\",\n"
    "  \"created_at\": 1767225600,\n"
    "  \"status\": \"completed\",\n"
    "  \"model\": \"gpt-4o-mini\",\n"
    "  \"output\": [\n"
    "    {\"type\": \"message\", \"id\": \"msg_67ccd3acc8d4\", \"role\": \"assistant\", "
    "\"status\": \"completed\", \"content\": [{\"type\": \"output_text\", "
    "\"text\": \"Let me look that up.\", \"annotations\": []}]},\n"
    "    {\"type\": \"function_call\", \"id\": \"fc_67ccd3ad\", \"call_id\": \"call_abc123\", "
    "\"name\": \"get_weather\", \"arguments\": \"{\\\"city\\\":\\\"Paris\\\"}\", "
    "\"status\": \"completed\"}\n"
    "  ],\n"
    "  \"usage\": {\"input_tokens\": 82, \"output_tokens\": 17, \"total_tokens\": 99}\n"
    "}\n",
};

const char *
sy_translation_dialect_label (SyDialect dialect)
{
  switch (dialect)
    {
    case SY_DIALECT_OPENAI:
      return _("OpenAI Chat");
    case SY_DIALECT_ANTHROPIC:
      return _("Anthropic Messages");
    case SY_DIALECT_GEMINI:
      return _("Gemini");
    case SY_DIALECT_RESPONSES:
      return _("OpenAI Responses");
    case SY_DIALECT_GEMINI_CLI:
    case SY_DIALECT_KIRO:
    default:
      return sy_dialect_to_string (dialect);
    }
}

const char *
sy_translation_example (SyDialect         dialect,
                        SyTranslationKind kind)
{
  g_return_val_if_fail ((guint) dialect < SY_TRANSLATION_N_DIALECTS, NULL);

  return kind == SY_TRANSLATION_RESPONSE ? response_examples[dialect]
                                         : request_examples[dialect];
}

char *
sy_translation_pretty (const char *data,
                       gsize       len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = NULL;

  if (data == NULL || len > G_MAXSSIZE ||
      !json_parser_load_from_data (parser, data, (gssize) len, NULL) ||
      json_parser_get_root (parser) == NULL)
    return NULL;
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, json_parser_get_root (parser));
  return json_generator_to_data (generator, NULL);
}

/* The translated body, not yet pretty. */
static GBytes *
translate (SyDialect          source,
           SyDialect          target,
           SyTranslationKind  kind,
           const char        *input,
           gsize              len,
           char             **path,
           GPtrArray         *notes,
           GError           **error)
{
  const SyCodec *from = sy_codec_get (source);
  const SyCodec *to = sy_codec_get (target);

  if (kind == SY_TRANSLATION_RESPONSE)
    {
      g_autoptr(SyChatResponse) response = from->parse_response (input, len, error);

      if (response == NULL)
        return NULL;
      return to->emit_response (response, notes);
    }
  else
    {
      g_autoptr(SyChatRequest) request = from->parse_request (input, len, error);
      GBytes *bytes;

      if (request == NULL)
        return NULL;
      if (request->model == NULL && source == SY_DIALECT_GEMINI)
        request->model = g_strdup (SY_TRANSLATION_GEMINI_MODEL);
      bytes = to->emit_request (request, notes, error);
      if (bytes != NULL && path != NULL)
        *path = to->request_path (request);
      return bytes;
    }
}

char *
sy_translation_run (SyDialect          source,
                    SyDialect          target,
                    SyTranslationKind  kind,
                    const char        *input,
                    gsize              len,
                    char             **path,
                    GPtrArray         *notes,
                    GError           **error)
{
  g_autoptr(GBytes) bytes = NULL;
  char *pretty;
  gsize out_len = 0;
  const char *out;

  g_return_val_if_fail ((guint) source < SY_TRANSLATION_N_DIALECTS, NULL);
  g_return_val_if_fail ((guint) target < SY_TRANSLATION_N_DIALECTS, NULL);
  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (notes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (path != NULL)
    *path = NULL;
  bytes = translate (source, target, kind, input, len, path, notes, error);
  if (bytes == NULL)
    {
      /* emit_response never fails, but a codec may still return nothing. */
      if (error != NULL && *error == NULL)
        g_set_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_UNSUPPORTED,
                     "%s cannot carry this", sy_dialect_to_string (target));
      return NULL;
    }
  out = g_bytes_get_data (bytes, &out_len);
  pretty = sy_translation_pretty (out, out_len);
  return pretty != NULL ? pretty : g_strndup (out, out_len);
}

gboolean
sy_translation_check_pair (SyDialect          source,
                           SyDialect          target,
                           SyTranslationKind  kind,
                           GPtrArray         *notes,
                           GError           **error)
{
  const char *example = sy_translation_example (source, kind);
  const SyCodec *to = sy_codec_get (target);
  g_autoptr(GBytes) bytes = NULL;
  const char *out;
  gsize len = 0;

  g_return_val_if_fail (notes != NULL, FALSE);

  bytes = translate (source, target, kind, example, strlen (example), NULL, notes, error);
  if (bytes == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_UNSUPPORTED,
                     "%s cannot carry this", sy_dialect_to_string (target));
      return FALSE;
    }
  out = g_bytes_get_data (bytes, &len);
  if (kind == SY_TRANSLATION_RESPONSE)
    {
      g_autoptr(SyChatResponse) back = to->parse_response (out, len, error);

      return back != NULL;
    }
  else
    {
      g_autoptr(SyChatRequest) back = to->parse_request (out, len, error);

      return back != NULL;
    }
}

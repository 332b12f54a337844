/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyUpstreamAdapter: for each subscription upstream, the URL, every header, the body edits
 * (read back as JSON) and forced streaming; iFlow's signature against a vector computed
 * outside (openssl dgst -sha256 -hmac); Codex's effort suffixes; Kiro's region check; any
 * other provider untouched.
 */
#include <string.h>

#include "providers/sy-upstream-adapter.h"
#include "translate/gemini-cli/sy-gemini-cli.h"

#define UUID "123e4567-e89b-12d3-a456-426614174000"
#define NOW  G_GINT64_CONSTANT (1700000000000)

typedef struct
{
  const char *provider;
  const char *model;
  gboolean    stream;
  SyDialect   dialect;
  const char *body;
  const char *path;
  const char *data;
  const char *base;
} Call;

static SyUpstreamRequest *
adapt_full (const Call          *call,
            SoupMessageHeaders  *client,
            GError             **error)
{
  g_autoptr(GBytes) body = g_bytes_new (call->body, strlen (call->body));
  SyUpstreamInput input = {
    .provider = call->provider,
    .model = call->model,
    .stream = call->stream,
    .dialect = call->dialect,
    .body = body,
    .path = call->path,
    .bearer = "tok-123",
    .provider_data = call->data,
    .base_url = call->base,
    .client_headers = client,
    .now_ms = NOW,
    .uuid = UUID,
  };

  return sy_upstream_adapter_adapt (&input, error);
}

static SyUpstreamRequest *
adapt (const Call *call)
{
  g_autoptr(GError) error = NULL;
  SyUpstreamRequest *request = adapt_full (call, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (request);
  return request;
}

/* The headers are exactly these name/value pairs (NULL-terminated), in any order. */
static void
assert_headers (const SyUpstreamRequest *request,
                const char * const      *pairs)
{
  guint n = 0;

  for (; pairs[n * 2] != NULL; n++)
    {
      const char *value = sy_upstream_request_get_header (request, pairs[n * 2]);

      if (g_strcmp0 (value, pairs[n * 2 + 1]) != 0)
        g_error ("header %s: \"%s\", expected \"%s\"", pairs[n * 2], value, pairs[n * 2 + 1]);
    }
  if (request->headers->len != n)
    {
      for (guint i = 0; i < request->headers->len; i++)
        {
          SyUpstreamHeader *h = g_ptr_array_index (request->headers, i);

          g_printerr ("  %s: %s\n", h->name, h->value);
        }
      g_error ("%u headers, expected %u", request->headers->len, n);
    }
}

static JsonObject *
body_object (const SyUpstreamRequest *request,
             JsonNode               **keep)
{
  gsize len;
  const char *data = g_bytes_get_data (request->body, &len);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, data, (gssize) len, NULL));
  *keep = json_node_ref (json_parser_get_root (parser));
  return json_node_get_object (*keep);
}

static char *
platform_string (const char *product)
{
  const char *os, *arch;

  sy_upstream_adapter_get_platform (&os, &arch);
  return g_strdup_printf ("%s (%s; %s)", product, os, arch);
}

/* --- Claude Code -------------------------------------------------------------------------- */

static void
test_claude (void)
{
  static const char body[] = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,"
                             "\"temperature\":0.7,\"messages\":[]}";
  Call call = { "claude", "claude-sonnet-4-5", TRUE, SY_DIALECT_ANTHROPIC, body, "/messages",
                "{}", "https://api.anthropic.com/v1" };
  SoupMessageHeaders *client = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(SyUpstreamRequest) request = NULL;
  g_autoptr(SyUpstreamRequest) plain = NULL;
  g_autoptr(GBytes) expected = g_bytes_new_static (body, strlen (body));
  g_autoptr(GError) error = NULL;

  soup_message_headers_append (client, "anthropic-beta",
                               "interleaved-thinking-2025-05-14, oauth-2025-04-20");
  soup_message_headers_append (client, "User-Agent", "my-client/1.0");
  request = adapt_full (&call, client, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (request->url, ==, "https://api.anthropic.com/v1/messages?beta=true");
  assert_headers (request, (const char *[]) {
    "Authorization", "Bearer tok-123",
    "Accept", "text/event-stream",
    "anthropic-version", "2023-06-01",
    "anthropic-beta", "claude-code-20250219,oauth-2025-04-20,interleaved-thinking-2025-05-14",
    "User-Agent", "claude-cli/2.1.195 (external, cli)",
    "x-app", "cli",
    NULL });
  /* the body is not touched, byte for byte */
  g_assert_true (g_bytes_equal (request->body, expected));
  g_assert_false (request->force_stream);
  g_assert_true (request->auth_included);
  g_assert_false (request->forward_client_headers);

  /* no client betas, no base URL: the defaults */
  call.base = NULL;
  call.stream = FALSE;
  plain = adapt (&call);
  g_assert_cmpstr (plain->url, ==, "https://api.anthropic.com/v1/messages?beta=true");
  g_assert_cmpstr (sy_upstream_request_get_header (plain, "anthropic-beta"), ==,
                   "claude-code-20250219,oauth-2025-04-20");
  g_assert_cmpstr (sy_upstream_request_get_header (plain, "accept"), ==, "application/json");
  soup_message_headers_unref (client);
}

/* --- Codex -------------------------------------------------------------------------------- */

static void
test_codex (void)
{
  Call call = { "codex", "gpt-5-codex-high", FALSE, SY_DIALECT_RESPONSES,
                "{\"model\":\"gpt-5-codex-high\","
                "\"input\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                "\"instructions\":\"\",\"stream\":false,\"store\":true,\"temperature\":0.2,"
                "\"max_output_tokens\":99,\"max_tokens\":5,\"truncation\":\"auto\","
                "\"background\":false,\"prompt_cache_retention\":\"24h\","
                "\"safety_identifier\":\"s\",\"user\":\"u-1\",\"include\":[\"x\"],"
                "\"reasoning\":{\"summary\":\"auto\",\"effort\":\"low\"}}",
                "/responses", "{\"workspaceId\":\"ws-42\"}",
                "https://chatgpt.com/backend-api/codex" };
  g_autoptr(SyUpstreamRequest) request = adapt (&call);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *agent = platform_string ("codex-cli/0.142.0");
  JsonObject *body = body_object (request, &root);
  JsonObject *reasoning;
  JsonArray *include;
  static const char * const dropped[] = {
    "max_output_tokens", "max_tokens", "truncation", "background", "prompt_cache_retention",
    "safety_identifier", "user",
  };

  g_assert_cmpstr (request->url, ==, "https://chatgpt.com/backend-api/codex/responses");
  g_assert_true (request->force_stream);
  assert_headers (request, (const char *[]) {
    "Authorization", "Bearer tok-123",
    "Accept", "text/event-stream",
    "originator", "codex_cli_rs",
    "OpenAI-Beta", "responses=experimental",
    "version", "0.142.0",
    "User-Agent", agent,
    "chatgpt-account-id", "ws-42",
    "session_id", UUID,
    NULL });

  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, "gpt-5-codex");
  g_assert_true (json_object_get_boolean_member (body, "stream"));
  g_assert_false (json_object_get_boolean_member (body, "store"));
  for (guint i = 0; i < G_N_ELEMENTS (dropped); i++)
    g_assert_false (json_object_has_member (body, dropped[i]));
  g_assert_cmpfloat (json_object_get_double_member (body, "temperature"), ==, 0.2);
  g_assert_nonnull (strstr (g_bytes_get_data (request->body, NULL), "\"temperature\":0.2,"));
  g_assert_cmpstr (json_object_get_string_member (body, "instructions"), !=, "");
  reasoning = json_object_get_object_member (body, "reasoning");
  g_assert_cmpstr (json_object_get_string_member (reasoning, "effort"), ==, "high");
  g_assert_cmpstr (json_object_get_string_member (reasoning, "summary"), ==, "auto");
  include = json_object_get_array_member (body, "include");
  g_assert_cmpuint (json_array_get_length (include), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (include, 0), ==, "x");
  g_assert_cmpstr (json_array_get_string_element (include, 1), ==, "reasoning.encrypted_content");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body, "input")), ==, 1);
}

static void
test_codex_no_workspace (void)
{
  Call call = { "codex", "gpt-5", TRUE, SY_DIALECT_RESPONSES,
                "{\"model\":\"gpt-5\",\"input\":\"hi\",\"instructions\":\"Be brief.\","
                "\"include\":[\"reasoning.encrypted_content\"]}", "/responses", NULL, NULL };
  g_autoptr(SyUpstreamRequest) request = adapt (&call);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *body = body_object (request, &root);

  g_assert_cmpstr (request->url, ==, "https://chatgpt.com/backend-api/codex/responses");
  g_assert_null (sy_upstream_request_get_header (request, "chatgpt-account-id"));
  g_assert_cmpstr (json_object_get_string_member (body, "instructions"), ==, "Be brief.");
  g_assert_false (json_object_has_member (body, "reasoning"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body, "include")), ==,
                    1);
}

typedef struct
{
  const char *model;
  const char *base;
  const char *effort;  /* NULL: no reasoning member */
} EffortCase;

static void
test_codex_effort (gconstpointer data)
{
  const EffortCase *c = data;
  g_autofree char *json = g_strdup_printf ("{\"model\":\"%s\",\"input\":\"hi\"}", c->model);
  Call call = { "codex", c->model, TRUE, SY_DIALECT_RESPONSES, json, "/responses", NULL, NULL };
  g_autoptr(SyUpstreamRequest) request = adapt (&call);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *body = body_object (request, &root);

  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, c->base);
  if (c->effort == NULL)
    g_assert_false (json_object_has_member (body, "reasoning"));
  else
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (body,
                                                                                  "reasoning"),
                                                    "effort"), ==, c->effort);
}

static const EffortCase effort_cases[] = {
  { "gpt-5-codex-high", "gpt-5-codex", "high" },
  { "gpt-5-codex-low", "gpt-5-codex", "low" },
  { "gpt-5-codex-medium", "gpt-5-codex", "medium" },
  { "gpt-5.5-xhigh", "gpt-5.5", "xhigh" },
  { "gpt-5-minimal", "gpt-5", "minimal" },
  { "gpt-5-codex-mini", "gpt-5-codex-mini", NULL },
  { "gpt-5-codex", "gpt-5-codex", NULL },
  { "high", "high", NULL },
  { "gpt-5-xhigh-x", "gpt-5-xhigh-x", NULL },
};

/* --- GitHub Copilot ----------------------------------------------------------------------- */

static void
test_github (void)
{
  Call call = { "github", "gpt-5", TRUE, SY_DIALECT_OPENAI,
                "{\"model\":\"gpt-5\",\"stream\":true,\"messages\":["
                "{\"role\":\"system\",\"content\":\"Be kind.\"},"
                "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Look\"},"
                "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/y.png\"}},"
                "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AAA\",\"format\":\"wav\"}},"
                "{\"type\":\"file\",\"file\":{\"file_id\":\"f1\"}}]},"
                "{\"role\":\"assistant\",\"content\":\"Sure, \"}]}",
                "/chat/completions", NULL, "https://api.githubcopilot.com" };
  SoupMessageHeaders *client = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(SyUpstreamRequest) request = NULL;
  g_autoptr(SyUpstreamRequest) user = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *body;
  JsonArray *messages, *parts;

  soup_message_headers_append (client, "X-Initiator", "agent");
  request = adapt_full (&call, client, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (request->url, ==, "https://api.githubcopilot.com/chat/completions");
  g_assert_false (request->force_stream);
  assert_headers (request, (const char *[]) {
    "Authorization", "Bearer tok-123",
    "Accept", "text/event-stream",
    "copilot-integration-id", "vscode-chat",
    "editor-version", "vscode/1.126.0",
    "editor-plugin-version", "copilot-chat/0.54.0",
    "User-Agent", "GitHubCopilotChat/0.54.0",
    "openai-intent", "conversation-panel",
    "x-github-api-version", "2026-06-01",
    "X-Initiator", "agent",
    "Copilot-Vision-Request", "true",
    NULL });

  body = body_object (request, &root);
  messages = json_object_get_array_member (body, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 2);  /* the prefill is gone */
  parts = json_object_get_array_member (json_array_get_object_element (messages, 1), "content");
  g_assert_cmpuint (json_array_get_length (parts), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (parts, 0),
                                                  "type"), ==, "text");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (parts, 1),
                                                  "type"), ==, "image_url");

  /* without the client's header, and with an unknown value: "user" */
  user = adapt (&call);
  g_assert_cmpstr (sy_upstream_request_get_header (user, "X-Initiator"), ==, "user");
  soup_message_headers_replace (client, "X-Initiator", "robot");
  g_clear_pointer (&user, sy_upstream_request_free);
  user = adapt_full (&call, client, NULL);
  g_assert_cmpstr (sy_upstream_request_get_header (user, "X-Initiator"), ==, "user");
  soup_message_headers_unref (client);
}

static void
test_github_codex (void)
{
  static const char body[] = "{\"model\":\"gpt-5.1-codex-mini\",\"input\":\"hi\"}";
  SyDialect dialect = sy_upstream_adapter_dialect_for ("github", "gpt-5.1-codex-mini",
                                                       SY_DIALECT_OPENAI);
  Call call = { "github", "gpt-5.1-codex-mini", FALSE, dialect, body, "/responses", NULL, NULL };
  g_autoptr(SyUpstreamRequest) request = NULL;
  g_autoptr(GBytes) expected = g_bytes_new_static (body, strlen (body));

  g_assert_cmpint (dialect, ==, SY_DIALECT_RESPONSES);
  g_assert_cmpint (sy_upstream_adapter_dialect_for ("github", "gpt-5", SY_DIALECT_OPENAI), ==,
                   SY_DIALECT_OPENAI);
  g_assert_cmpint (sy_upstream_adapter_dialect_for ("github", "claude-sonnet-4.5",
                                                    SY_DIALECT_OPENAI), ==, SY_DIALECT_OPENAI);
  request = adapt (&call);
  g_assert_cmpstr (request->url, ==, "https://api.githubcopilot.com/responses");
  g_assert_true (g_bytes_equal (request->body, expected));
  g_assert_cmpstr (sy_upstream_request_get_header (request, "Accept"), ==, "application/json");
}

/* --- Gemini CLI --------------------------------------------------------------------------- */

static void
test_gemini_cli (void)
{
  /* the uuid: SHA-1 of the request bytes in UUID form, computed with python3 hashlib */
  Call call = { "gemini-cli", "gemini-2.5-pro", TRUE, SY_DIALECT_GEMINI_CLI,
                "{\"contents\":[]}", NULL, "{\"projectId\":\"proj-9\"}", NULL };
  g_autoptr(SyUpstreamRequest) request = adapt (&call);
  g_autoptr(SyUpstreamRequest) plain = NULL;
  g_autofree char *agent = platform_string ("GeminiCLI/0.18.4/gemini-2.5-pro");
  const char *envelope = "{\"model\":\"gemini-2.5-pro\",\"project\":\"proj-9\","
                         "\"user_prompt_id\":\"6eb63bbd-21c4-555d-bbba-30c3537bbc12\","
                         "\"request\":{\"contents\":[]}}";
  gsize len;
  const char *data = g_bytes_get_data (request->body, &len);

  g_assert_cmpstr (request->url, ==,
                   "https://cloudcode-pa.googleapis.com/v1internal:streamGenerateContent?alt=sse");
  g_assert_false (request->force_stream);
  assert_headers (request, (const char *[]) {
    "Authorization", "Bearer tok-123",
    "Accept", "text/event-stream",
    "User-Agent", agent,
    "X-Goog-Api-Client", "google-genai-sdk/1.41.0 gl-node/v22.19.0",
    NULL });
  g_assert_cmpmem (data, len, envelope, strlen (envelope));

  /* not streaming, no project */
  call.stream = FALSE;
  call.data = NULL;
  plain = adapt (&call);
  g_assert_cmpstr (plain->url, ==,
                   "https://cloudcode-pa.googleapis.com/v1internal:generateContent");
  g_assert_null (strstr (g_bytes_get_data (plain->body, NULL), "\"project\""));
}

/* What the gateway does: the codec emits the envelope, the adapter sets the project. */
static void
test_gemini_cli_from_codec (void)
{
  const SyCodec *codec = sy_codec_get (SY_DIALECT_GEMINI_CLI);
  g_autoptr(SyChatRequest) chat = sy_chat_request_new ();
  g_autoptr(SyMessage) message = sy_message_new (SY_ROLE_USER);
  g_autoptr(GBytes) emitted = NULL;
  g_autoptr(SyUpstreamRequest) request = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  SyUpstreamInput input = { 0 };
  JsonObject *body, *inner;

  chat->model = g_strdup ("gemini-2.5-flash");
  chat->stream = TRUE;
  g_ptr_array_add (message->parts, sy_part_new_text ("Hello"));
  g_ptr_array_add (chat->messages, g_steal_pointer (&message));
  emitted = codec->emit_request (chat, NULL, &error);
  g_assert_no_error (error);

  input.provider = "gemini-cli";
  input.model = "gemini-2.5-flash";
  input.stream = TRUE;
  input.dialect = SY_DIALECT_GEMINI_CLI;
  input.body = emitted;
  input.bearer = "ya29.x";
  input.provider_data = "{\"projectId\":\"my-project\"}";
  request = sy_upstream_adapter_adapt (&input, &error);
  g_assert_no_error (error);
  body = body_object (request, &root);
  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, "gemini-2.5-flash");
  g_assert_cmpstr (json_object_get_string_member (body, "project"), ==, "my-project");
  g_assert_cmpuint (strlen (json_object_get_string_member (body, "user_prompt_id")), ==, 36);
  inner = json_object_get_object_member (body, "request");
  g_assert_true (json_object_has_member (inner, "contents"));
  g_assert_false (json_object_has_member (inner, "request"));  /* not wrapped twice */
}

/* --- Qwen --------------------------------------------------------------------------------- */

typedef struct
{
  const char *data;
  const char *url;   /* NULL: refused */
} QwenCase;

static void
test_qwen_host (gconstpointer data)
{
  const QwenCase *c = data;
  Call call = { "qwen", "qwen3-coder-plus", FALSE, SY_DIALECT_OPENAI, "{\"messages\":[]}",
                "/chat/completions", c->data, "https://portal.qwen.ai/v1" };
  g_autoptr(SyUpstreamRequest) request = NULL;
  g_autoptr(GError) error = NULL;

  request = adapt_full (&call, NULL, &error);
  if (c->url == NULL)
    {
      g_assert_error (error, SY_UPSTREAM_ADAPTER_ERROR, SY_UPSTREAM_ADAPTER_ERROR_INVALID_ACCOUNT);
      g_assert_null (request);
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpstr (request->url, ==, c->url);
}

static const QwenCase qwen_cases[] = {
  { "{\"resourceUrl\":\"portal.qwen.ai\"}", "https://portal.qwen.ai/v1/chat/completions" },
  { "{\"resourceUrl\":\"https://chat.qwen.ai\"}", "https://chat.qwen.ai/v1/chat/completions" },
  { "{\"resourceUrl\":\"dashscope.aliyuncs.com/compatible-mode/v1/\"}",
    "https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions" },
  { "{\"resourceUrl\":\"example.com:8443\"}", "https://example.com:8443/v1/chat/completions" },
  { "{}", "https://portal.qwen.ai/v1/chat/completions" },
  { NULL, "https://portal.qwen.ai/v1/chat/completions" },
  { "not json", "https://portal.qwen.ai/v1/chat/completions" },
  { "{\"resourceUrl\":\"http://portal.qwen.ai\"}", NULL },
  { "{\"resourceUrl\":\"user@evil.com\"}", NULL },
  { "{\"resourceUrl\":\"evil.com?x=1\"}", NULL },
};

static void
test_qwen (void)
{
  Call call = { "qwen", "qwen3-coder-plus", TRUE, SY_DIALECT_OPENAI, "{\"messages\":[]}",
                "/chat/completions", "{\"resourceUrl\":\"portal.qwen.ai\"}", NULL };
  g_autoptr(SyUpstreamRequest) request = adapt (&call);
  g_autofree char *agent = platform_string ("QwenCode/0.19.3");

  g_assert_cmpstr (request->url, ==, "https://portal.qwen.ai/v1/chat/completions");
  assert_headers (request, (const char *[]) {
    "Authorization", "Bearer tok-123",
    "Accept", "text/event-stream",
    "User-Agent", agent,
    "X-Dashscope-UserAgent", agent,
    "X-Dashscope-AuthType", "qwen-oauth",
    "X-Dashscope-CacheControl", "enable",
    NULL });
  g_assert_cmpmem (g_bytes_get_data (request->body, NULL), g_bytes_get_size (request->body),
                   "{\"messages\":[]}", 15);
}

/* --- iFlow -------------------------------------------------------------------------------- */

static void
test_iflow (void)
{
  Call call = { "iflow", "kimi-k2", FALSE, SY_DIALECT_OPENAI, "{\"messages\":[]}",
                "/chat/completions", NULL, NULL };
  g_autoptr(GBytes) body = g_bytes_new_static (call.body, strlen (call.body));
  SyUpstreamInput input = {
    .provider = "iflow", .model = "kimi-k2", .dialect = SY_DIALECT_OPENAI, .body = body,
    .path = "/chat/completions", .bearer = "sk-test-iflow-key", .now_ms = NOW, .uuid = UUID,
  };
  g_autoptr(SyUpstreamRequest) request = sy_upstream_adapter_adapt (&input, NULL);
  g_autoptr(SyUpstreamRequest) fresh = NULL;

  /* printf 'iFlow-Cli:session-123e4567-e89b-12d3-a456-426614174000:1700000000000' |
   *   openssl dgst -sha256 -hmac 'sk-test-iflow-key' */
  g_assert_cmpstr (request->url, ==, "https://apis.iflow.cn/v1/chat/completions");
  assert_headers (request, (const char *[]) {
    "Authorization", "Bearer sk-test-iflow-key",
    "Accept", "application/json",
    "User-Agent", "iFlow-Cli",
    "session-id", "session-" UUID,
    "x-iflow-timestamp", "1700000000000",
    "x-iflow-signature", "5cef464dd074fec1acfe8ec8c7047a6c44cdbb4f6ab22491d6d06e25997f1d2a",
    NULL });
  g_assert_true (g_bytes_equal (request->body, body));

  /* without an injected clock and id: a fresh session and the current time */
  input.now_ms = 0;
  input.uuid = NULL;
  fresh = sy_upstream_adapter_adapt (&input, NULL);
  g_assert_cmpuint (strlen (sy_upstream_request_get_header (fresh, "session-id")), ==,
                    strlen ("session-" UUID));
  g_assert_cmpint (g_ascii_strtoll (sy_upstream_request_get_header (fresh, "x-iflow-timestamp"),
                                    NULL, 10), >, NOW);
}

/* --- Kiro --------------------------------------------------------------------------------- */

static void
test_kiro (void)
{
  Call call = { "kiro", "claude-sonnet-4.5", FALSE, SY_DIALECT_KIRO,
                "{\"conversationState\":{\"chatTriggerType\":\"MANUAL\"}}", NULL,
                "{\"profileArn\":\"arn:aws:codewhisperer:us-east-1:123:profile/ABC\","
                "\"region\":\"us-east-1\"}", NULL };
  g_autoptr(SyUpstreamRequest) request = adapt (&call);
  g_autoptr(SyUpstreamRequest) regional = NULL;
  g_autoptr(SyUpstreamRequest) kept = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *body = body_object (request, &root);

  g_assert_cmpstr (request->url, ==,
                   "https://codewhisperer.us-east-1.amazonaws.com/generateAssistantResponse");
  g_assert_true (request->force_stream);
  assert_headers (request, (const char *[]) {
    "Authorization", "Bearer tok-123",
    "Accept", "application/vnd.amazon.eventstream",
    "X-Amz-Target", "AmazonCodeWhispererStreamingService.GenerateAssistantResponse",
    "User-Agent", "AWS-SDK-JS/3.0.0 kiro-ide/1.0.0",
    "X-Amz-User-Agent", "aws-sdk-js/3.0.0 kiro-ide/1.0.0",
    "Amz-Sdk-Request", "attempt=1; max=3",
    "Amz-Sdk-Invocation-Id", UUID,
    "x-amzn-bedrock-cache-control", "enable",
    NULL });
  g_assert_cmpstr (json_object_get_string_member (body, "profileArn"), ==,
                   "arn:aws:codewhisperer:us-east-1:123:profile/ABC");
  g_assert_true (json_object_has_member (body, "conversationState"));

  /* another region picks the host */
  call.data = "{\"region\":\"eu-central-1\"}";
  regional = adapt (&call);
  g_assert_cmpstr (regional->url, ==,
                   "https://codewhisperer.eu-central-1.amazonaws.com/generateAssistantResponse");
  g_assert_cmpmem (g_bytes_get_data (regional->body, NULL), g_bytes_get_size (regional->body),
                   call.body, strlen (call.body));

  /* a body with its own profileArn keeps it */
  call.body = "{ \"profileArn\": \"mine\" }";
  call.data = "{\"profileArn\":\"theirs\"}";
  kept = adapt (&call);
  g_assert_cmpmem (g_bytes_get_data (kept->body, NULL), g_bytes_get_size (kept->body),
                   call.body, strlen (call.body));
}

static void
test_kiro_empty_body (void)
{
  Call call = { "kiro", "m", TRUE, SY_DIALECT_KIRO, " { } ", NULL, "{\"profileArn\":\"p\"}",
                NULL };
  g_autoptr(SyUpstreamRequest) request = adapt (&call);
  const char *expected = " { \"profileArn\":\"p\"} ";

  /* no comma into an empty object */
  g_assert_cmpmem (g_bytes_get_data (request->body, NULL), g_bytes_get_size (request->body),
                   expected, strlen (expected));
}

static void
test_kiro_evil_region (void)
{
  Call call = { "kiro", "m", TRUE, SY_DIALECT_KIRO, "{}", NULL,
                "{\"region\":\"us-east-1.evil.com\"}", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(SyUpstreamRequest) request = adapt_full (&call, NULL, &error);

  g_assert_null (request);
  g_assert_error (error, SY_UPSTREAM_ADAPTER_ERROR, SY_UPSTREAM_ADAPTER_ERROR_INVALID_ACCOUNT);
  g_assert_nonnull (strstr (error->message, "us-east-1.evil.com"));
}

static void
test_region_pattern (void)
{
  static const char * const valid[] = {
    "us-east-1", "us-west-2", "eu-central-1", "ap-southeast-2", "us-gov-west-1",
  };
  static const char * const invalid[] = {
    "us-east-1.evil.com", "evil.com/us-east-1", "US-EAST-1", "us-east-1\n", "us-east-12",
    "u-east-1", "us-east", "", "us-east-1/", "us_east_1", "us-ea st-1", "us-gov-west-1.x",
  };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    g_assert_true (sy_upstream_adapter_region_is_valid (valid[i]));
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    if (sy_upstream_adapter_region_is_valid (invalid[i]))
      g_error ("\"%s\" accepted", invalid[i]);
  g_assert_false (sy_upstream_adapter_region_is_valid (NULL));
}

/* --- everything else ---------------------------------------------------------------------- */

static void
test_passthrough (void)
{
  static const char body[] = "{\"model\":\"gpt-4o\",\"messages\":[],\"user\":\"u\"}";
  Call call = { "openai", "gpt-4o", TRUE, SY_DIALECT_OPENAI, body, "/chat/completions",
                "{\"region\":\"us-east-1.evil.com\"}", "https://api.openai.com/v1/" };
  g_autoptr(SyUpstreamRequest) request = adapt (&call);
  g_autoptr(GBytes) expected = g_bytes_new_static (body, strlen (body));

  g_assert_cmpstr (request->url, ==, "https://api.openai.com/v1/chat/completions");
  g_assert_true (g_bytes_equal (request->body, expected));
  g_assert_cmpuint (request->headers->len, ==, 0);
  g_assert_false (request->auth_included);
  g_assert_true (request->forward_client_headers);
  g_assert_false (request->force_stream);
  g_assert_false (sy_upstream_adapter_is_special ("openai"));
  g_assert_true (sy_upstream_adapter_is_special ("codex"));
  g_assert_cmpint (sy_upstream_adapter_dialect_for ("openai", "gpt-5-codex", SY_DIALECT_ANTHROPIC),
                   ==, SY_DIALECT_ANTHROPIC);
  g_assert_cmpint (sy_upstream_adapter_dialect_for ("codex", "gpt-5", SY_DIALECT_OPENAI), ==,
                   SY_DIALECT_RESPONSES);
  g_assert_cmpint (sy_upstream_adapter_dialect_for ("gemini-cli", "gemini-2.5-pro",
                                                    SY_DIALECT_GEMINI), ==, SY_DIALECT_GEMINI_CLI);
  g_assert_cmpint (sy_upstream_adapter_dialect_for ("kiro", "m", SY_DIALECT_OPENAI), ==,
                   SY_DIALECT_KIRO);
}

static void
test_invalid_body (void)
{
  static const char * const providers[] = { "codex", "github", "gemini-cli", "kiro" };

  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    {
      Call call = { providers[i], "m", TRUE, SY_DIALECT_OPENAI, "{\"messages\": [", NULL,
                    "{\"profileArn\":\"p\"}", NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(SyUpstreamRequest) request = adapt_full (&call, NULL, &error);

      g_assert_null (request);
      g_assert_error (error, SY_UPSTREAM_ADAPTER_ERROR, SY_UPSTREAM_ADAPTER_ERROR_INVALID_BODY);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sy/providers/upstream-adapter/claude", test_claude);
  g_test_add_func ("/sy/providers/upstream-adapter/codex", test_codex);
  g_test_add_func ("/sy/providers/upstream-adapter/codex-no-workspace", test_codex_no_workspace);
  for (guint i = 0; i < G_N_ELEMENTS (effort_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sy/providers/upstream-adapter/codex-effort/%s",
                                               effort_cases[i].model);

      g_test_add_data_func (path, &effort_cases[i], test_codex_effort);
    }
  g_test_add_func ("/sy/providers/upstream-adapter/github", test_github);
  g_test_add_func ("/sy/providers/upstream-adapter/github-codex", test_github_codex);
  g_test_add_func ("/sy/providers/upstream-adapter/gemini-cli", test_gemini_cli);
  g_test_add_func ("/sy/providers/upstream-adapter/gemini-cli-from-codec",
                   test_gemini_cli_from_codec);
  g_test_add_func ("/sy/providers/upstream-adapter/qwen", test_qwen);
  for (guint i = 0; i < G_N_ELEMENTS (qwen_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sy/providers/upstream-adapter/qwen-host/%u", i);

      g_test_add_data_func (path, &qwen_cases[i], test_qwen_host);
    }
  g_test_add_func ("/sy/providers/upstream-adapter/iflow", test_iflow);
  g_test_add_func ("/sy/providers/upstream-adapter/kiro", test_kiro);
  g_test_add_func ("/sy/providers/upstream-adapter/kiro-empty-body", test_kiro_empty_body);
  g_test_add_func ("/sy/providers/upstream-adapter/kiro-evil-region", test_kiro_evil_region);
  g_test_add_func ("/sy/providers/upstream-adapter/region-pattern", test_region_pattern);
  g_test_add_func ("/sy/providers/upstream-adapter/passthrough", test_passthrough);
  g_test_add_func ("/sy/providers/upstream-adapter/invalid-body", test_invalid_body);
  return g_test_run ();
}

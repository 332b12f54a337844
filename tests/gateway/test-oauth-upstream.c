/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Subscription accounts through the proxy path, against the mock upstream: each special
 * upstream gets its URL, headers and body shape and its answer comes back in the client's
 * dialect; a 401 costs one token refresh and one retry with the new token; a revoked refresh
 * token marks the account "needs_login" and later requests fail at once with the reason; a
 * token about to expire is refreshed before the request goes out. The token endpoint is a
 * fake refresher here (the OAuth protocols have their own tests in tests/providers).
 */
#include <string.h>

#include "sy-fake-refresher.h"
#include "sy-test-gateway-fixture.h"

typedef SyTestGatewayFixture Fixture;

static SyFakeRefresher *fake;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  sy_test_gateway_fixture_setup (f, data);
  fake = sy_fake_refresher_reset ();
  sy_token_keeper_set_refresher (sy_gateway_get_token_keeper (f->t->gateway),
                                 sy_fake_refresher_get ());
}

static const char *
upstream_header (Fixture    *f,
                 guint       i,
                 const char *name)
{
  return soup_message_headers_get_one (sy_mock_upstream_get_request (f->t->mock, i)->headers, name);
}

static JsonObject *
upstream_body (Fixture *f,
               guint    i)
{
  GBytes *body = sy_mock_upstream_get_request (f->t->mock, i)->body;
  g_autoptr(JsonNode) node = json_from_string (g_bytes_get_data (body, NULL), NULL);

  g_assert_nonnull (node);
  return json_object_ref (json_node_get_object (node));
}

static void
push_status (Fixture *f,
             guint    status)
{
  SyMockBehaviour b = { 0 };

  b.kind = SY_MOCK_STATUS;
  b.status = status;
  b.body = "{\"error\":{\"message\":\"token expired\",\"type\":\"authentication_error\"}}";
  sy_mock_upstream_push (f->t->mock, &b);
}

static SyConnection *
account_row (Fixture    *f,
             const char *id)
{
  return sy_connection_repo_lookup (sy_gateway_get_connections (f->t->gateway), id);
}

/* The first choice's message content of an OpenAI chat completion. */
static const char *
openai_content (SyTestResponse *r)
{
  JsonObject *root = json_node_get_object (r->json);
  JsonObject *choice = json_array_get_object_element (json_object_get_array_member (root,
                                                                                    "choices"), 0);

  return json_object_get_string_member (json_object_get_object_member (choice, "message"),
                                        "content");
}

static void
test_codex_refresh_on_401 (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *id = sy_test_gateway_add_oauth_account (f->t, "codex", "access-0", NULL,
                                                           3600 * 1000,
                                                           "{\"workspaceId\":\"ws-1\"}", NULL);
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(SyConnection) row = NULL;

  push_status (f, 401);
  r = sy_test_gateway_chat (f->t, "{\"model\":\"cx/gpt-5-codex\",\"max_tokens\":50,"
                                  "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_nonnull (openai_content (r));
  g_assert_cmpuint (fake->calls, ==, 1);
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 2);
  g_assert_cmpstr (upstream_header (f, 0, "Authorization"), ==, "Bearer access-0");
  g_assert_cmpstr (upstream_header (f, 1, "Authorization"), ==, "Bearer access-1");
  g_assert_true (g_str_has_suffix (sy_mock_upstream_get_request (f->t->mock, 1)->path, "/responses"));
  g_assert_cmpstr (upstream_header (f, 1, "chatgpt-account-id"), ==, "ws-1");
  g_assert_cmpstr (upstream_header (f, 1, "originator"), ==, "codex_cli_rs");
  /* Codex answers in streams only and refuses what its backend does not take. */
  body = upstream_body (f, 1);
  g_assert_true (json_object_get_boolean_member (body, "stream"));
  g_assert_false (json_object_get_boolean_member (body, "store"));
  g_assert_false (json_object_has_member (body, "max_output_tokens"));
  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, "gpt-5-codex");
  row = account_row (f, id);
  g_assert_cmpstr (row->auth_state, ==, "ok");
}

static void
test_codex_revoked_needs_login (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *id = sy_test_gateway_add_oauth_account (f->t, "codex", "access-0", NULL,
                                                           3600 * 1000,
                                                           "{\"workspaceId\":\"ws-1\"}", NULL);
  const char *request = "{\"model\":\"cx/gpt-5-codex\","
                        "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  g_autoptr(SyTestResponse) first = NULL;
  g_autoptr(SyTestResponse) second = NULL;
  g_autoptr(SyConnection) row = NULL;

  fake->answer = SY_FAKE_REFRESH_REVOKED;
  push_status (f, 401);
  first = sy_test_gateway_chat (f->t, request);
  g_assert_cmpuint (first->status, >=, 400);
  g_assert_nonnull (strstr (sy_test_response_get_string (first, "error.message"),
                            "needs a new login"));
  row = account_row (f, id);
  g_assert_cmpstr (row->auth_state, ==, "needs_login");
  g_assert_cmpstr (row->auth_error, ==, "invalid_grant: the refresh token was revoked");

  /* Nothing goes upstream any more, and nobody asks the token endpoint again. */
  second = sy_test_gateway_chat (f->t, request);
  g_assert_cmpuint (second->status, >=, 400);
  g_assert_nonnull (strstr (sy_test_response_get_string (second, "error.message"),
                            "needs a new login"));
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 1);
  g_assert_cmpuint (fake->calls, ==, 1);
}

static void
test_expiring_token_refreshed_first (Fixture       *f,
                                     gconstpointer  data)
{
  g_autofree char *id = sy_test_gateway_add_oauth_account (f->t, "codex", "access-0", NULL,
                                                           30 * 1000,
                                                           "{\"workspaceId\":\"ws-1\"}", NULL);
  g_autoptr(SyTestResponse) r = NULL;

  r = sy_test_gateway_chat (f->t, "{\"model\":\"cx/gpt-5-codex\",\"stream\":false,"
                                  "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpuint (fake->calls, ==, 1);
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 1);
  g_assert_cmpstr (upstream_header (f, 0, "Authorization"), ==, "Bearer access-1");
}

static void
test_claude_code (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *id = sy_test_gateway_add_oauth_account (f->t, "claude", "sk-ant-oat-0", NULL,
                                                           3600 * 1000, NULL, NULL);
  g_autoptr(SyTestResponse) r = NULL;

  r = sy_test_gateway_request (f->t, "POST", "/v1/messages", "application/json",
                               "{\"model\":\"cc/claude-sonnet-4-5\",\"max_tokens\":64,"
                               "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", -1,
                               "anthropic-beta", "prompt-caching-2024-07-31", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (sy_test_response_get_string (r, "type"), ==, "message");
  g_assert_cmpstr (upstream_header (f, 0, "Authorization"), ==, "Bearer sk-ant-oat-0");
  g_assert_null (upstream_header (f, 0, "x-api-key"));
  g_assert_nonnull (strstr (upstream_header (f, 0, "anthropic-beta"), "oauth-2025-04-20"));
  g_assert_nonnull (strstr (upstream_header (f, 0, "anthropic-beta"), "prompt-caching-2024-07-31"));
  g_assert_cmpstr (upstream_header (f, 0, "anthropic-version"), ==, "2023-06-01");
  g_assert_true (g_str_has_suffix (sy_mock_upstream_get_request (f->t->mock, 0)->path, "/messages"));
}

static void
test_copilot_session_token (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *id = sy_test_gateway_add_oauth_account (f->t, "github", "gho_github",
                                                           "tid=session", 3600 * 1000, NULL,
                                                           NULL);
  g_autoptr(SyTestResponse) r = NULL;

  r = sy_test_gateway_chat (f->t, "{\"model\":\"gh/gpt-4o\","
                                  "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_nonnull (openai_content (r));
  g_assert_cmpstr (upstream_header (f, 0, "Authorization"), ==, "Bearer tid=session");
  g_assert_cmpstr (upstream_header (f, 0, "copilot-integration-id"), ==, "vscode-chat");
  g_assert_nonnull (upstream_header (f, 0, "editor-version"));
  g_assert_true (g_str_has_suffix (sy_mock_upstream_get_request (f->t->mock, 0)->path, "/chat/completions"));
}

static void
test_gemini_cli_envelope (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *id = sy_test_gateway_add_oauth_account (f->t, "gemini-cli", "ya29.token",
                                                           NULL, 3600 * 1000,
                                                           "{\"projectId\":\"proj-1\"}", NULL);
  SyMockBehaviour b = { 0 };
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(JsonObject) body = NULL;

  b.kind = SY_MOCK_JSON;
  b.body = "{\"response\":{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":"
           "[{\"text\":\"hello from cloud code\"}]},\"finishReason\":\"STOP\"}],"
           "\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":4,"
           "\"totalTokenCount\":7}},\"traceId\":\"t-1\"}";
  sy_mock_upstream_push (f->t->mock, &b);
  r = sy_test_gateway_chat (f->t, "{\"model\":\"gc/gemini-2.5-pro\","
                                  "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (openai_content (r), ==, "hello from cloud code");
  g_assert_cmpstr (upstream_header (f, 0, "Authorization"), ==, "Bearer ya29.token");
  g_assert_true (g_str_has_suffix (sy_mock_upstream_get_request (f->t->mock, 0)->path, "/v1internal:generateContent"));
  body = upstream_body (f, 0);
  g_assert_cmpstr (json_object_get_string_member (body, "project"), ==, "proj-1");
  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, "gemini-2.5-pro");
  g_assert_true (json_object_has_member (json_object_get_object_member (body, "request"),
                                         "contents"));
}

static void
test_iflow_signature (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *id = sy_test_gateway_add_oauth_account (f->t, "iflow", "iflow-key", NULL,
                                                           48 * 3600 * 1000, NULL, NULL);
  g_autoptr(SyTestResponse) r = NULL;
  const char *signature;

  r = sy_test_gateway_chat (f->t, "{\"model\":\"if/qwen3-coder-plus\","
                                  "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (upstream_header (f, 0, "Authorization"), ==, "Bearer iflow-key");
  g_assert_true (g_str_has_prefix (upstream_header (f, 0, "session-id"), "session-"));
  g_assert_nonnull (upstream_header (f, 0, "x-iflow-timestamp"));
  signature = upstream_header (f, 0, "x-iflow-signature");
  g_assert_nonnull (signature);
  g_assert_cmpuint (strlen (signature), ==, 64);
}

/* Qwen: the host its login named (resourceUrl) unless the account sets its own base URL, as
 * this one does (the mock); Qwen Code's headers. */
static void
test_qwen (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *id = sy_test_gateway_add_oauth_account (f->t, "qwen", "qwen-token", NULL,
                                                           3600 * 1000,
                                                           "{\"resourceUrl\":\"portal.qwen.ai\"}",
                                                           NULL);
  g_autoptr(SyTestResponse) r = NULL;

  r = sy_test_gateway_chat (f->t, "{\"model\":\"qw/qwen3-coder-plus\","
                                  "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_nonnull (openai_content (r));
  g_assert_cmpstr (upstream_header (f, 0, "Authorization"), ==, "Bearer qwen-token");
  g_assert_cmpstr (upstream_header (f, 0, "X-Dashscope-AuthType"), ==, "qwen-oauth");
  g_assert_true (g_str_has_suffix (sy_mock_upstream_get_request (f->t->mock, 0)->path,
                                   "/v1/chat/completions"));
}

/* Kiro answers in AWS event-stream frames: the recorded answer (a <thinking> block, text, a
 * tool call in three fragments) reaches a JSON client as one complete OpenAI response. */
static void
test_kiro_event_stream (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *id = sy_test_gateway_add_oauth_account (
    f->t, "kiro", "aoa-token", NULL, 3600 * 1000,
    "{\"profileArn\":\"arn:aws:codewhisperer:us-east-1:123456789012:profile/P1\"}", NULL);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "translate",
                                                 "kiro", "recorded.bin", NULL);
  g_autofree char *frames = NULL;
  gsize frames_len;
  SyMockBehaviour b = { 0 };
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(JsonObject) body = NULL;
  JsonObject *message;
  JsonArray *calls;

  g_assert_true (g_file_get_contents (path, &frames, &frames_len, NULL));
  b.kind = SY_MOCK_JSON;
  b.body = frames;
  b.body_len = frames_len;
  b.content_type = "application/vnd.amazon.eventstream";
  sy_mock_upstream_push (f->t->mock, &b);
  r = sy_test_gateway_chat (f->t, "{\"model\":\"kr/claude-sonnet-4-5\","
                                  "\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]}");
  g_assert_cmpuint (r->status, ==, 200);
  message = json_object_get_object_member (
    json_array_get_object_element (json_object_get_array_member (json_node_get_object (r->json),
                                                                 "choices"), 0), "message");
  g_assert_nonnull (strstr (json_object_get_string_member (message, "content"),
                            "let me check the weather in Paris."));
  calls = json_object_get_array_member (message, "tool_calls");
  g_assert_cmpuint (json_array_get_length (calls), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (json_array_get_object_element (calls, 0),
                                                    "function"), "name"), ==, "get_weather");

  g_assert_cmpstr (upstream_header (f, 0, "Authorization"), ==, "Bearer aoa-token");
  g_assert_cmpstr (upstream_header (f, 0, "X-Amz-Target"), ==,
                   "AmazonCodeWhispererStreamingService.GenerateAssistantResponse");
  g_assert_true (g_str_has_suffix (sy_mock_upstream_get_request (f->t->mock, 0)->path, "/generateAssistantResponse"));
  body = upstream_body (f, 0);
  g_assert_cmpstr (json_object_get_string_member (body, "profileArn"), ==,
                   "arn:aws:codewhisperer:us-east-1:123456789012:profile/P1");
  g_assert_true (json_object_has_member (body, "conversationState"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add ("/oauth-upstream/" path, Fixture, NULL, setup, fn, \
                                  sy_test_gateway_fixture_teardown)
  ADD ("codex/refresh-on-401", test_codex_refresh_on_401);
  ADD ("codex/revoked-needs-login", test_codex_revoked_needs_login);
  ADD ("codex/expiring-token-refreshed-first", test_expiring_token_refreshed_first);
  ADD ("claude-code", test_claude_code);
  ADD ("copilot/session-token", test_copilot_session_token);
  ADD ("gemini-cli/envelope", test_gemini_cli_envelope);
  ADD ("iflow/signature", test_iflow_signature);
  ADD ("kiro/event-stream", test_kiro_event_stream);
  ADD ("qwen", test_qwen);
#undef ADD
  return g_test_run ();
}

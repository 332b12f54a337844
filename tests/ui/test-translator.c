/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Translator page, driven through its widgets: the Playground moves an OpenAI Chat
 * request's system message to Anthropic's top level and its tool's parameters to input_schema
 * (and back with Swap), says in words why a body that is not JSON cannot be translated, and
 * lists what the target cannot carry; the Test bench passes every pair of built-in examples
 * and opens a cell in the Playground; the Chat tester sends through the app's own gateway to a
 * mock upstream in each client dialect and shows the status and the route headers, says when a
 * key is required, and cancels a request that hangs; the Live monitor lists requests through
 * the app's gateway with their status and provider, holds still while paused (counting the new
 * ones), narrows to a filter and follows the gateway across a pause and resume.
 */
#define G_LOG_DOMAIN "sy-test"

#include "sy-test-app.h"

#include <string.h>

#include "sy-chat-tester.h"
#include "sy-live-monitor.h"
#include "sy-mock-upstream.h"
#include "sy-playground.h"
#include "sy-test-bench.h"
#include "sy-translator-page.h"

static const char openai_image_request[] =
  "{\"model\": \"openai/gpt-4o\", \"messages\": [{\"role\": \"user\", \"content\": ["
  "{\"type\": \"text\", \"text\": \"What is in this picture?\"},"
  "{\"type\": \"image_url\", \"image_url\": {\"url\": \"https://example.com/cat.png\"}}]}]}";

static GtkWidget *
show_view (SyTestApp  *t,
           const char *view,
           GType       type)
{
  GtkWidget *page = sy_test_app_show_page (t, "translator");
  GtkWidget *widget;

  g_assert_true (SY_IS_TRANSLATOR_PAGE (page));
  sy_translator_page_set_view (SY_TRANSLATOR_PAGE (page), view);
  widget = sy_test_find_type (page, type);
  g_assert_nonnull (widget);
  sy_test_wait_until (gtk_widget_get_mapped (widget));
  return widget;
}

static gboolean
output_contains (SyPlayground *playground,
                 const char   *text)
{
  g_autofree char *output = sy_playground_dup_output (playground);

  return strstr (output, text) != NULL;
}

static JsonObject *
parse_output (SyPlayground *playground,
              JsonNode    **root)
{
  g_autofree char *output = sy_playground_dup_output (playground);
  g_autoptr(GError) error = NULL;

  *root = json_from_string (output, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*root));
  return json_node_get_object (*root);
}

/* --- Playground -------------------------------------------------------------------------- */

static void
openai_to_anthropic_body (SyTestApp     *t,
                          gconstpointer  data)
{
  SyPlayground *playground = SY_PLAYGROUND (show_view (t, "playground", SY_TYPE_PLAYGROUND));
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *system = NULL;
  JsonObject *out;
  JsonArray *messages;
  JsonObject *tool;

  /* It opens on OpenAI Chat to Anthropic Messages with the example already translated. */
  sy_playground_set_pair (playground, SY_DIALECT_OPENAI, SY_DIALECT_ANTHROPIC,
                          SY_TRANSLATION_REQUEST);
  g_assert_true (output_contains (playground, "input_schema"));
  g_assert_nonnull (sy_test_find_label (GTK_WIDGET (playground), "POST {base URL}/messages"));

  out = parse_output (playground, &root);
  /* The system message moved to the top level ... */
  g_assert_true (json_object_has_member (out, "system"));
  system = json_to_string (json_object_get_member (out, "system"), FALSE);
  g_assert_nonnull (strstr (system, "concise weather assistant"));
  messages = json_object_get_array_member (out, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0),
                                                  "role"), ==, "user");
  /* ... and the tool's parameters became its input_schema. */
  tool = json_array_get_object_element (json_object_get_array_member (out, "tools"), 0);
  g_assert_cmpstr (json_object_get_string_member (tool, "name"), ==, "get_weather");
  g_assert_true (json_object_has_member (tool, "input_schema"));
  g_assert_false (json_object_has_member (tool, "parameters"));
  g_assert_nonnull (sy_test_find_label (GTK_WIDGET (playground), "No notes"));

  /* Swap translates the output back: the system message is a message again, the tool has
   * parameters. */
  sy_test_click (sy_test_find_button (GTK_WIDGET (playground), "⇄"));
  g_assert_nonnull (sy_test_find_label (GTK_WIDGET (playground), "Anthropic Messages request"));
  g_assert_nonnull (sy_test_find_label (GTK_WIDGET (playground),
                                        "POST {base URL}/chat/completions"));
  g_assert_true (output_contains (playground, "\"role\" : \"system\""));
  g_assert_true (output_contains (playground, "\"parameters\""));
  g_assert_false (output_contains (playground, "input_schema"));
}

static void
test_openai_to_anthropic (void)
{
  sy_test_app_run (openai_to_anthropic_body, NULL, NULL);
}

static void
invalid_body (SyTestApp     *t,
              gconstpointer  data)
{
  SyPlayground *playground = SY_PLAYGROUND (show_view (t, "playground", SY_TYPE_PLAYGROUND));
  g_autofree char *output = NULL;

  sy_playground_set_pair (playground, SY_DIALECT_OPENAI, SY_DIALECT_ANTHROPIC,
                          SY_TRANSLATION_REQUEST);
  /* Typed, not yet translated: the debounce waits for the next keystroke. */
  sy_playground_set_input (playground, "{\"model\": \"openai/gpt-4o\", \"messages\": [");
  g_assert_true (output_contains (playground, "input_schema"));
  sy_test_wait_until (sy_test_find_label (GTK_WIDGET (playground),
                                          "The input is not a valid OpenAI Chat request") != NULL);
  output = sy_playground_dup_output (playground);
  g_assert_cmpstr (output, ==, "");

  /* A valid body with a wrong field: the message names the field. */
  sy_playground_set_input (playground, "{\"model\": \"m\", \"messages\": 42}");
  sy_test_wait_until (sy_test_find_label (GTK_WIDGET (playground), "messages") != NULL &&
                      sy_test_find_label (GTK_WIDGET (playground), "not a valid") != NULL);

  /* Example puts the example back and it translates again. */
  sy_test_click (sy_test_find_button (GTK_WIDGET (playground), "Example"));
  g_assert_true (output_contains (playground, "input_schema"));
  g_assert_null (sy_test_find_label (GTK_WIDGET (playground), "not a valid"));
}

static void
test_invalid (void)
{
  sy_test_app_run (invalid_body, NULL, NULL);
}

static void
notes_body (SyTestApp     *t,
            gconstpointer  data)
{
  SyPlayground *playground = SY_PLAYGROUND (show_view (t, "playground", SY_TYPE_PLAYGROUND));

  sy_playground_set_pair (playground, SY_DIALECT_OPENAI, SY_DIALECT_GEMINI,
                          SY_TRANSLATION_REQUEST);
  sy_playground_set_input (playground, openai_image_request);
  sy_test_wait_until (output_contains (playground, "fileData"));
  g_assert_nonnull (sy_test_find_label (GTK_WIDGET (playground), "1 note"));
  g_assert_nonnull (sy_test_find_label (GTK_WIDGET (playground), "image URL"));
  /* Gemini names the model in its URL. */
  g_assert_nonnull (sy_test_find_label (GTK_WIDGET (playground), ":generateContent"));

  /* Responses too. */
  sy_playground_set_pair (playground, SY_DIALECT_ANTHROPIC, SY_DIALECT_OPENAI,
                          SY_TRANSLATION_RESPONSE);
  sy_playground_set_input (playground,
                           "{\"id\": \"msg_1\", \"type\": \"message\", \"role\": \"assistant\", "
                           "\"model\": \"claude-sonnet-4-5\", \"content\": [{\"type\": \"text\", "
                           "\"text\": \"Hi\"}], \"stop_reason\": \"end_turn\", "
                           "\"usage\": {\"input_tokens\": 5, \"output_tokens\": 1}}");
  sy_test_wait_until (output_contains (playground, "chat.completion") &&
                      output_contains (playground, "\"Hi\""));
}

static void
test_notes (void)
{
  sy_test_app_run (notes_body, NULL, NULL);
}

/* --- Test bench -------------------------------------------------------------------------- */

static void
bench_body (SyTestApp     *t,
            gconstpointer  data)
{
  SyTestBench *bench = SY_TEST_BENCH (show_view (t, "bench", SY_TYPE_TEST_BENCH));
  GtkWidget *page = sy_test_app_show_page (t, "translator");
  SyPlayground *playground;
  guint passed = 0, failed = 0;

  sy_test_click (sy_test_find_button (GTK_WIDGET (bench), "Run all pairs"));
  sy_test_bench_get_counts (bench, &passed, &failed);
  g_assert_cmpuint (failed, ==, 0);
  g_assert_cmpuint (passed, ==, 2 * 4 * 4);
  g_assert_nonnull (sy_test_find_label (GTK_WIDGET (bench), "All 32 pairs pass"));

  /* A cell opens its pair in the Playground. */
  sy_test_click (sy_test_find_button (GTK_WIDGET (bench), "✓ passes"));
  playground = SY_PLAYGROUND (sy_test_find_type (page, SY_TYPE_PLAYGROUND));
  g_assert_nonnull (playground);
  sy_test_wait_until (gtk_widget_get_mapped (GTK_WIDGET (playground)));
  g_assert_true (output_contains (playground, "\"model\""));
}

static void
test_bench (void)
{
  sy_test_app_run (bench_body, NULL, NULL);
}

/* --- Chat tester ------------------------------------------------------------------------- */

static gboolean
body_contains (SyMockRequest *request,
               const char    *text)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (request->body, &len);
  g_autofree char *body = g_strndup (data, len);

  return strstr (body, text) != NULL;
}

static const char *
step_value (GtkWidget  *tester,
            const char *header,
            GtkWidget **row_out)
{
  GtkWidget *row = sy_test_find_row (tester, header);
  GtkWidget *box;
  GtkWidget *value;

  if (row == NULL)
    return NULL;
  /* name, value, header */
  box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
  value = gtk_widget_get_next_sibling (gtk_widget_get_first_child (box));
  if (row_out != NULL)
    *row_out = row;
  return gtk_label_get_text (GTK_LABEL (value));
}

static void
chat_body (SyTestApp     *t,
           gconstpointer  data)
{
  g_autoptr(SyMockUpstream) mock = sy_mock_upstream_new ();
  GtkWidget *tester;
  SyMockRequest *received;

  sy_test_app_add_mock_account (t, mock);
  tester = show_view (t, "chat", SY_TYPE_CHAT_TESTER);
  g_assert_null (sy_test_find_label (tester, "requires an API key"));

  sy_test_click (sy_test_find_button (tester, "Send"));
  sy_test_wait_until (sy_test_find_label (tester, "200 OK") != NULL &&
                      sy_test_find_row (tester, "Total") != NULL);
  g_assert_cmpstr (step_value (tester, "X-Switchyard-Provider", NULL), ==, "openai");
  g_assert_cmpstr (step_value (tester, "X-Switchyard-Model", NULL), ==, "gpt-4o-mini");
  g_assert_cmpstr (step_value (tester, "X-Switchyard-Attempts", NULL), ==, "1");
  g_assert_nonnull (step_value (tester, "First byte", NULL));
  g_assert_nonnull (strstr (step_value (tester, "Request", NULL), "/v1/chat/completions"));
  g_assert_nonnull (sy_test_find_label (tester, "Answer: "));

  /* The mock got the prompt, as OpenAI Chat. */
  g_assert_cmpuint (sy_mock_upstream_get_requests (mock)->len, ==, 1);
  received = sy_mock_upstream_get_request (mock, 0);
  g_assert_cmpstr (received->path, ==, "/v1/chat/completions");
  g_assert_true (body_contains (received, "Say hello"));

  /* Anthropic Messages on the client side: the gateway translates both ways. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (sy_test_find_type (tester, GTK_TYPE_DROP_DOWN)),
                              SY_DIALECT_ANTHROPIC);
  sy_test_click (sy_test_find_button (tester, "Send"));
  sy_test_wait_until (sy_test_find_label (tester, "200 OK") != NULL &&
                      sy_test_find_row (tester, "Total") != NULL);
  g_assert_nonnull (strstr (step_value (tester, "Request", NULL), "/v1/messages"));
  g_assert_nonnull (sy_test_find_label (tester, "Answer: "));
  g_assert_cmpuint (sy_mock_upstream_get_requests (mock)->len, ==, 2);
  received = sy_mock_upstream_get_request (mock, 1);
  g_assert_cmpstr (received->path, ==, "/v1/chat/completions");

  /* Streamed: the events come through as they are, timed from the first one. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (sy_test_find_type (tester,
                                                                    GTK_TYPE_CHECK_BUTTON)),
                               TRUE);
  sy_test_click (sy_test_find_button (tester, "Send"));
  sy_test_wait_until (sy_test_find_label (tester, "200 OK") != NULL &&
                      sy_test_find_row (tester, "Total") != NULL);
  g_assert_cmpuint (sy_mock_upstream_get_requests (mock)->len, ==, 3);
  received = sy_mock_upstream_get_request (mock, 2);
  g_assert_true (body_contains (received, "\"stream\":true"));
  g_assert_nonnull (strstr (step_value (tester, "First byte", NULL), "ms"));

  /* Gemini (the model in the URL, slashes and all) and Responses clients. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (sy_test_find_type (tester,
                                                                    GTK_TYPE_CHECK_BUTTON)),
                               FALSE);
  for (SyDialect d = SY_DIALECT_GEMINI; d <= SY_DIALECT_RESPONSES; d++)
    {
      gtk_drop_down_set_selected (GTK_DROP_DOWN (sy_test_find_type (tester, GTK_TYPE_DROP_DOWN)),
                                  d);
      sy_test_click (sy_test_find_button (tester, "Send"));
      sy_test_wait_until (sy_test_find_label (tester, "200 OK") != NULL &&
                          sy_test_find_row (tester, "Total") != NULL);
      g_assert_nonnull (strstr (step_value (tester, "Request", NULL),
                                d == SY_DIALECT_GEMINI
                                  ? "/v1beta/models/openai/gpt-4o-mini:generateContent"
                                  : "/v1/responses"));
      g_assert_nonnull (sy_test_find_label (tester, "Answer: "));
    }
  g_assert_cmpuint (sy_mock_upstream_get_requests (mock)->len, ==, 5);
}

static void
test_chat (void)
{
  sy_test_app_run (chat_body, NULL, NULL);
}

static void
cancel_body (SyTestApp     *t,
             gconstpointer  data)
{
  g_autoptr(SyMockUpstream) mock = sy_mock_upstream_new ();
  SyMockBehaviour hang = { .kind = SY_MOCK_HANG };
  GtkWidget *tester;

  sy_test_app_add_mock_account (t, mock);
  sy_mock_upstream_push (mock, &hang);
  tester = show_view (t, "chat", SY_TYPE_CHAT_TESTER);

  sy_test_click (sy_test_find_button (tester, "Send"));
  sy_test_wait_until (sy_mock_upstream_get_requests (mock)->len == 1);
  g_assert_false (gtk_widget_get_sensitive (sy_test_find_button (tester, "Send")));
  sy_test_click (sy_test_find_button (tester, "Cancel"));
  sy_test_wait_until (sy_test_find_label (tester, "Cancelled after") != NULL);
  g_assert_true (gtk_widget_get_sensitive (sy_test_find_button (tester, "Send")));
  g_assert_null (sy_test_find_button (tester, "Cancel"));
}

static void
test_cancel (void)
{
  sy_test_app_run (cancel_body, NULL, NULL);
}

static void
require_key_body (SyTestApp     *t,
                  gconstpointer  data)
{
  g_autoptr(JsonNode) patch = json_from_string ("{\"requireApiKey\": true}", NULL);
  g_autoptr(GError) error = NULL;
  GtkWidget *tester;

  g_assert_true (sy_settings_repo_update (sy_gateway_get_settings (sy_test_app_get_gateway (t)),
                                          json_node_get_object (patch), &error));
  g_assert_no_error (error);
  tester = show_view (t, "chat", SY_TYPE_CHAT_TESTER);
  sy_test_wait_until (sy_test_find_label (tester, "requires an API key") != NULL);

  sy_test_click (sy_test_find_button (tester, "Send"));
  sy_test_wait_until (sy_test_find_label (tester, "401") != NULL &&
                      sy_test_find_row (tester, "Total") != NULL);
  g_assert_nonnull (sy_test_find_label (tester, "expect 401"));
}

static void
test_require_key (void)
{
  sy_test_app_run (require_key_body, NULL, NULL);
}

/* --- Live monitor ------------------------------------------------------------------------ */

/* A chat request straight to the app's gateway, as any client would send it; its status. */
static guint
send_chat (SyTestApp *t)
{
  static const char body[] =
    "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  g_autoptr(SoupMessage) msg = sy_test_app_new_message (t, "POST", "/v1/chat/completions");
  g_autoptr(GBytes) request = g_bytes_new_static (body, sizeof body - 1);

  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  return sy_test_send (msg);
}

static void
monitor_body (SyTestApp     *t,
              gconstpointer  data)
{
  g_autoptr(SyMockUpstream) mock = sy_mock_upstream_new ();
  SyLiveMonitor *monitor;
  GtkWidget *route;
  GtkWidget *filter;

  sy_test_app_add_mock_account (t, mock);
  monitor = SY_LIVE_MONITOR (show_view (t, "monitor", SY_TYPE_LIVE_MONITOR));
  g_assert_nonnull (sy_test_find_label (GTK_WIDGET (monitor), "No requests yet"));

  g_assert_cmpuint (send_chat (t), ==, 200);
  sy_test_wait_until (sy_live_monitor_get_n_rows (monitor) == 1 &&
                      sy_test_find_label (GTK_WIDGET (monitor), "1 attempt") != NULL);
  route = sy_test_find_label (GTK_WIDGET (monitor), "chat/completions → openai/gpt-4o-mini");
  g_assert_nonnull (route);
  g_assert_nonnull (sy_test_find_label (gtk_widget_get_ancestor (route, GTK_TYPE_LIST_BOX_ROW),
                                        "200"));
  g_assert_true (gtk_widget_has_css_class (
    sy_test_find_label (gtk_widget_get_ancestor (route, GTK_TYPE_LIST_BOX_ROW), "200"), "sy-ok"));

  /* Paused: the list holds still and counts what came in; resumed, it catches up. */
  sy_test_click (sy_test_find_button (GTK_WIDGET (monitor), "Pause"));
  g_assert_cmpuint (send_chat (t), ==, 200);
  g_assert_cmpuint (send_chat (t), ==, 200);
  sy_test_wait_until (sy_test_find_label (GTK_WIDGET (monitor), "2 new") != NULL);
  g_assert_cmpuint (sy_live_monitor_get_n_rows (monitor), ==, 1);
  sy_test_click (sy_test_find_button (GTK_WIDGET (monitor), "Pause"));
  g_assert_cmpuint (sy_live_monitor_get_n_rows (monitor), ==, 3);
  g_assert_null (sy_test_find_label (GTK_WIDGET (monitor), " new"));
  g_assert_null (sy_test_find_label (GTK_WIDGET (monitor), "running"));

  /* The filter narrows to a model or provider, case aside. */
  filter = sy_test_find_type (GTK_WIDGET (monitor), GTK_TYPE_SEARCH_ENTRY);
  gtk_editable_set_text (GTK_EDITABLE (filter), "anthropic");
  sy_test_wait_until (sy_test_find_label (GTK_WIDGET (monitor), "openai/gpt-4o-mini") == NULL);
  gtk_editable_set_text (GTK_EDITABLE (filter), "OpenAI");
  sy_test_wait_until (sy_test_find_label (GTK_WIDGET (monitor), "openai/gpt-4o-mini") != NULL);

  sy_test_click (sy_test_find_button (GTK_WIDGET (monitor), "Clear"));
  g_assert_cmpuint (sy_live_monitor_get_n_rows (monitor), ==, 0);

  /* Pause and resume replace the gateway: the monitor follows the new one (whatever the
   * answer: the account's secret was stored through the old gateway's credentials). */
  sy_test_app_activate (t, "pause", NULL);
  sy_test_wait_until (sy_gateway_host_get_status (sy_test_app_get_host (t)) ==
                      SY_GATEWAY_HOST_PAUSED);
  sy_test_app_activate (t, "resume", NULL);
  sy_test_wait_until (sy_gateway_host_get_status (sy_test_app_get_host (t)) ==
                      SY_GATEWAY_HOST_SERVING);
  send_chat (t);
  sy_test_wait_until (sy_live_monitor_get_n_rows (monitor) == 1);
  g_assert_null (sy_test_find_label (GTK_WIDGET (monitor), "running"));
}

static void
test_monitor (void)
{
  sy_test_app_run (monitor_body, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  if (!sy_test_app_init (&argc, &argv))
    {
      g_print ("1..0 # SKIP no display (run under tests/run-headless.sh)\n");
      return 0;
    }

  g_test_add_func ("/sy/ui/translator/playground/openai-to-anthropic", test_openai_to_anthropic);
  g_test_add_func ("/sy/ui/translator/playground/invalid", test_invalid);
  g_test_add_func ("/sy/ui/translator/playground/notes", test_notes);
  g_test_add_func ("/sy/ui/translator/bench", test_bench);
  g_test_add_func ("/sy/ui/translator/chat/send", test_chat);
  g_test_add_func ("/sy/ui/translator/chat/cancel", test_cancel);
  g_test_add_func ("/sy/ui/translator/chat/require-key", test_require_key);
  g_test_add_func ("/sy/ui/translator/monitor", test_monitor);
  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The live monitor: requests through the mock upstream emit request-started and
 * request-finished with the usage row's facts (status, provider, attempts after a failover,
 * tokens, streamed; 499 when the client leaves), GET /api/monitoring/requests lists them newest
 * first, and neither carries a key or any prompt text.
 */
#include <string.h>

#include "sy-test-gateway-fixture.h"

typedef SyTestGatewayFixture Fixture;

static const char *chat_body =
  "{\"model\":\"mock/m1\",\"messages\":[{\"role\":\"user\",\"content\":\"secret-prompt\"}]}";
static const char *stream_body =
  "{\"model\":\"mock/m1\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

typedef struct
{
  GPtrArray *started;
  GPtrArray *finished;
} Seen;

static void
request_started_cb (SyGateway            *gateway,
                    const SyRequestEvent *event,
                    gpointer              user_data)
{
  Seen *seen = user_data;

  g_assert_false (event->finished);
  g_ptr_array_add (seen->started, sy_request_event_copy (event));
}

static void
request_finished_cb (SyGateway            *gateway,
                     const SyRequestEvent *event,
                     gpointer              user_data)
{
  Seen *seen = user_data;

  g_assert_true (event->finished);
  g_ptr_array_add (seen->finished, sy_request_event_copy (event));
}

static void
watch (Fixture *f,
       Seen    *seen)
{
  seen->started = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_request_event_free);
  seen->finished = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_request_event_free);
  g_signal_connect (f->t->gateway, "request-started", G_CALLBACK (request_started_cb), seen);
  g_signal_connect (f->t->gateway, "request-finished", G_CALLBACK (request_finished_cb), seen);
}

static void
unwatch (Fixture *f,
         Seen    *seen)
{
  g_signal_handlers_disconnect_by_data (f->t->gateway, seen);
  g_clear_pointer (&seen->started, g_ptr_array_unref);
  g_clear_pointer (&seen->finished, g_ptr_array_unref);
}

static SyRequestEvent *
event_at (GPtrArray *events,
          guint      i)
{
  g_assert_cmpuint (i, <, events->len);
  return g_ptr_array_index (events, i);
}

/* A plain request, a failover and a stream: one started and one finished each, matching. */
static void
test_signals (Fixture       *f,
              gconstpointer  data)
{
  SyMockBehaviour broken = { .kind = SY_MOCK_STATUS, .status = 503 };
  SyMockBehaviour stream = { .kind = SY_MOCK_STREAM, .n_chunks = 3 };
  g_autofree char *a = sy_test_gateway_add_account (f->t, "mock", "sk-a", 1, NULL);
  g_autofree char *b = sy_test_gateway_add_account (f->t, "mock", "sk-b", 2, NULL);
  g_autoptr(SyTestResponse) r1 = NULL;
  g_autoptr(SyTestResponse) r2 = NULL;
  g_autoptr(SyTestResponse) r3 = NULL;
  SyRequestEvent *e;
  Seen seen;

  watch (f, &seen);
  r1 = sy_test_gateway_chat (f->t, chat_body);
  g_assert_cmpuint (r1->status, ==, 200);
  sy_mock_upstream_push (f->t->mock, &broken);
  r2 = sy_test_gateway_chat (f->t, chat_body);
  g_assert_cmpuint (r2->status, ==, 200);
  sy_mock_upstream_push (f->t->mock, &stream);
  r3 = sy_test_gateway_chat (f->t, stream_body);
  g_assert_cmpuint (r3->status, ==, 200);

  g_assert_cmpuint (seen.started->len, ==, 3);
  g_assert_cmpuint (seen.finished->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      SyRequestEvent *s = event_at (seen.started, i);

      e = event_at (seen.finished, i);
      g_assert_cmpstr (s->request_id, ==, e->request_id);
      g_assert_cmpstr (s->requested_model, ==, "mock/m1");
      g_assert_cmpstr (s->endpoint, ==, e->endpoint);
      g_assert_cmpint (s->status, ==, 0);
      g_assert_cmpint (e->status, ==, 200);
      g_assert_cmpstr (e->provider, ==,
                       soup_message_headers_get_one (r1->headers, "X-Switchyard-Provider"));
      g_assert_cmpstr (e->model, ==,
                       soup_message_headers_get_one (r1->headers, "X-Switchyard-Model"));
      g_assert_cmpfloat (e->latency_ms, >=, e->ttfb_ms);
      g_assert_cmpfloat (e->ttfb_ms, >=, 0);
      g_assert_false (e->cache_hit);
    }
  g_assert_cmpstr (event_at (seen.finished, 0)->request_id, ==,
                   soup_message_headers_get_one (r1->headers, "X-Request-Id"));

  e = event_at (seen.finished, 0);
  g_assert_cmpint (e->attempts, ==, 1);
  g_assert_cmpstr (e->connection_id, ==, a);
  g_assert_cmpint (e->tokens_input, ==, 11);
  g_assert_cmpint (e->tokens_output, ==, 7);
  g_assert_false (e->stream);
  g_assert_null (e->error_code);

  e = event_at (seen.finished, 1);
  g_assert_cmpint (e->attempts, ==, 2);
  g_assert_cmpstr (e->connection_id, ==, b);

  e = event_at (seen.finished, 2);
  g_assert_true (e->stream);
  g_assert_cmpint (e->tokens_input, ==, 5);
  g_assert_cmpint (e->tokens_output, ==, 9);
  unwatch (f, &seen);
}

static void
partial_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GBytes **out = user_data;

  *out = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);
  if (*out == NULL)
    *out = g_bytes_new (NULL, 0);
}

static void
stream_sent_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GInputStream **out = user_data;

  *out = soup_session_send_finish (SOUP_SESSION (source), result, NULL);
  g_assert_nonnull (*out);
}

/* The client hangs up mid-stream: the finished record says 499, client_closed. */
static void
test_client_gone (Fixture       *f,
                  gconstpointer  data)
{
  SyMockBehaviour slow = { .kind = SY_MOCK_STREAM, .n_chunks = 200, .delay_ms = 20 };
  g_autofree char *a = sy_test_gateway_add_account (f->t, "mock", "sk-a", 1, NULL);
  g_autofree char *url = g_strconcat (f->t->base_url, "/v1/chat/completions", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) body = g_bytes_new_static (stream_body, strlen (stream_body));
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) first = NULL;
  SyRequestEvent *e;
  Seen seen;

  watch (f, &seen);
  sy_mock_upstream_push (f->t->mock, &slow);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  soup_session_send_async (f->t->client, msg, G_PRIORITY_DEFAULT, NULL, stream_sent_cb, &stream);
  while (stream == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_input_stream_read_bytes_async (stream, 64, G_PRIORITY_DEFAULT, NULL, partial_read_cb, &first);
  while (first == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (seen.started->len, ==, 1);
  g_assert_cmpuint (seen.finished->len, ==, 0);

  soup_session_abort (f->t->client);
  g_clear_object (&stream);
  for (guint i = 0; i < 200 && seen.finished->len == 0; i++)
    sy_test_wait_ms (10);
  g_assert_cmpuint (seen.finished->len, ==, 1);
  e = event_at (seen.finished, 0);
  g_assert_cmpint (e->status, ==, 499);
  g_assert_cmpstr (e->error_code, ==, "client_closed");
  g_assert_true (e->stream);
  unwatch (f, &seen);
}

/* Newest first, limited, camelCase, and nothing secret: no key, no prompt text. */
static void
test_api (Fixture       *f,
          gconstpointer  data)
{
  SyMockBehaviour broken = { .kind = SY_MOCK_STATUS, .status = 503 };
  g_autofree char *a = sy_test_gateway_add_account (f->t, "mock", "sk-upstream-secret", 1, NULL);
  g_autoptr(SyTestResponse) r1 = sy_test_gateway_chat (f->t, chat_body);
  g_autoptr(SyTestResponse) r2 = NULL;
  g_autoptr(SyTestResponse) list = NULL;
  g_autoptr(SyTestResponse) one = NULL;
  g_autoptr(SyTestResponse) bad = NULL;
  g_autofree char *text = NULL;
  JsonArray *requests;
  JsonObject *newest;

  sy_mock_upstream_push (f->t->mock, &broken);
  r2 = sy_test_gateway_chat (f->t, chat_body);
  g_assert_cmpuint (r2->status, ==, 503);

  list = sy_test_gateway_api (f->t, "GET", "/api/monitoring/requests", NULL);
  g_assert_cmpuint (list->status, ==, 200);
  requests = json_object_get_array_member (sy_test_response_get_object (list), "requests");
  g_assert_cmpuint (json_array_get_length (requests), ==, 2);
  newest = json_array_get_object_element (requests, 0);
  g_assert_cmpstr (json_object_get_string_member (newest, "requestId"), ==,
                   soup_message_headers_get_one (r2->headers, "X-Request-Id"));
  g_assert_cmpint (json_object_get_int_member (newest, "status"), ==, 503);
  g_assert_cmpstr (json_object_get_string_member (newest, "requestedModel"), ==, "mock/m1");
  g_assert_nonnull (json_object_get_string_member (newest, "errorCode"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (requests, 1),
                                                  "requestId"), ==,
                   soup_message_headers_get_one (r1->headers, "X-Request-Id"));
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (requests, 1),
                                               "tokensOut"), ==, 7);

  text = sy_test_response_dup_body (list);
  g_assert_null (strstr (text, "sk-upstream-secret"));
  g_assert_null (strstr (text, "secret-prompt"));
  g_assert_null (strstr (text, SY_TEST_ADMIN_TOKEN));

  one = sy_test_gateway_api (f->t, "GET", "/api/monitoring/requests?limit=1", NULL);
  g_assert_cmpuint (one->status, ==, 200);
  requests = json_object_get_array_member (sy_test_response_get_object (one), "requests");
  g_assert_cmpuint (json_array_get_length (requests), ==, 1);

  bad = sy_test_gateway_api (f->t, "GET", "/api/monitoring/requests?limit=0", NULL);
  g_assert_cmpuint (bad->status, ==, 400);
}

/* The ring keeps the last SY_GATEWAY_RECENT_REQUESTS; nobody listening costs nothing visible. */
static void
test_ring (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(SyUsageRecord) r = sy_usage_record_new ();
  g_autoptr(GPtrArray) recent = NULL;

  r->endpoint = g_strdup ("chat/completions");
  r->status = 200;
  for (guint i = 0; i < SY_GATEWAY_RECENT_REQUESTS + 10; i++)
    {
      g_free (r->request_id);
      r->request_id = g_strdup_printf ("req-%u", i);
      sy_gateway_publish_finished (f->t->gateway, r, FALSE);
    }
  sy_gateway_publish_started (f->t->gateway, "nobody-listens", "messages", "m");
  recent = sy_gateway_dup_recent_requests (f->t->gateway, 0);
  g_assert_cmpuint (recent->len, ==, SY_GATEWAY_RECENT_REQUESTS);
  g_assert_cmpstr (((SyRequestEvent *) g_ptr_array_index (recent, 0))->request_id, ==,
                   "req-209");
  g_assert_cmpstr (((SyRequestEvent *) g_ptr_array_index (recent, recent->len - 1))->request_id,
                   ==, "req-10");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sy/gateway/monitor/" path, Fixture, NULL, sy_test_gateway_fixture_setup, func, \
              sy_test_gateway_fixture_teardown)
  ADD ("signals", test_signals);
  ADD ("client-gone", test_client_gone);
  ADD ("api", test_api);
  ADD ("ring", test_ring);
#undef ADD
  return g_test_run ();
}

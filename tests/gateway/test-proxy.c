/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The proxy path end to end: a real client, the gateway on port 0 and a mock upstream, all in
 * this process. Asserts what crossed each hop: bodies byte for byte, headers, failover order,
 * stream framing, error shapes, usage rows.
 */
#include <sqlite3.h>
#ifdef _WIN32              /* before GLib, which would say G_OS_WIN32 */
#include <winsock2.h>      /* SOL_SOCKET, SO_RCVBUF */
#else
#include <sys/socket.h>
#endif
#include <string.h>

#include "sy-test-gateway-fixture.h"

typedef SyTestGatewayFixture Fixture;

static SyMockRequest *
mock_request (Fixture *f,
              guint    i)
{
  GPtrArray *requests = sy_mock_upstream_get_requests (f->t->mock);

  g_assert_cmpuint (requests->len, >, i);
  return g_ptr_array_index (requests, i);
}

static void
assert_body_equals (GBytes     *body,
                    const char *expected)
{
  gsize len;
  const char *data = g_bytes_get_data (body, &len);

  g_assert_cmpmem (data, len, expected, strlen (expected));
}

/* The body crosses unchanged except the model value; no field added, removed or reordered. */
static void
test_passthrough_is_byte_faithful (Fixture       *f,
                                   gconstpointer  data)
{
  const char *sent = "{ \"messages\" : [{\"role\":\"user\",\"content\":\"hi \\u00e9\"}],\n"
                     "  \"model\":\"mock/m1\", \"temperature\": 0.70, \"x_custom\": [1,2 ,3] }";
  const char *expected = "{ \"messages\" : [{\"role\":\"user\",\"content\":\"hi \\u00e9\"}],\n"
                         "  \"model\":\"m1\", \"temperature\": 0.70, \"x_custom\": [1,2 ,3] }";
  g_autofree char *account = sy_test_gateway_add_account (f->t, "mock", "sk-upstream-a", 1, NULL);
  g_autoptr(SyTestResponse) r = sy_test_gateway_request (f->t, "POST", "/v1/chat/completions",
                                                         "application/json", sent, -1,
                                                         "Authorization", "Bearer client-key",
                                                         "OpenAI-Beta", "assistants=v2",
                                                         "Connection", "keep-alive, X-Hop",
                                                         "X-Hop", "secret",
                                                         NULL);
  SyMockRequest *up;

  g_assert_cmpuint (r->status, ==, 200);
  assert_body_equals (r->body, sy_mock_upstream_default_body);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Provider"), ==, "mock");
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Model"), ==, "m1");
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Connection"), ==, account);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Attempts"), ==, "1");

  up = mock_request (f, 0);
  g_assert_cmpstr (up->path, ==, "/v1/chat/completions");
  assert_body_equals (up->body, expected);
  g_assert_cmpstr (soup_message_headers_get_one (up->headers, "Authorization"), ==,
                   "Bearer sk-upstream-a");
  g_assert_cmpstr (soup_message_headers_get_one (up->headers, "OpenAI-Beta"), ==, "assistants=v2");
  g_assert_null (soup_message_headers_get_one (up->headers, "X-Hop"));
}

static const char *chat_body = "{\"model\":\"mock/m1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
static const char *stream_body =
  "{\"model\":\"mock/m1\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

static const char *
upstream_auth (Fixture *f,
               guint    i)
{
  return soup_message_headers_get_one (mock_request (f, i)->headers, "Authorization");
}

/* 429 and 5xx on the first account move to the next, in priority order. */
static void
test_failover_on_retryable_status (Fixture       *f,
                                   gconstpointer  data)
{
  SyMockBehaviour rate_limited = { .kind = SY_MOCK_STATUS, .status = 429, .retry_after = "30" };
  SyMockBehaviour broken = { .kind = SY_MOCK_STATUS, .status = 503 };
  g_autofree char *a = sy_test_gateway_add_account (f->t, "mock", "sk-a", 1, NULL);
  g_autofree char *c = sy_test_gateway_add_account (f->t, "mock", "sk-c", 3, NULL);
  g_autofree char *b = sy_test_gateway_add_account (f->t, "mock", "sk-b", 2, NULL);
  g_autoptr(SyTestResponse) r = NULL;

  sy_mock_upstream_push (f->t->mock, &rate_limited);
  sy_mock_upstream_push (f->t->mock, &broken);
  r = sy_test_gateway_chat (f->t, chat_body);

  g_assert_cmpuint (r->status, ==, 200);
  assert_body_equals (r->body, sy_mock_upstream_default_body);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Attempts"), ==, "3");
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Connection"), ==, c);
  g_assert_cmpstr (upstream_auth (f, 0), ==, "Bearer sk-a");
  g_assert_cmpstr (upstream_auth (f, 1), ==, "Bearer sk-b");
  g_assert_cmpstr (upstream_auth (f, 2), ==, "Bearer sk-c");
}

/* A refused connection is a failed attempt like any other. */
static void
test_failover_on_connect_error (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GSocketListener) closed = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (closed, NULL, &error);
  g_autofree char *dead_url = NULL;
  g_autofree char *dead = NULL;
  g_autofree char *alive = NULL;
  g_autoptr(SyTestResponse) r = NULL;

  g_assert_no_error (error);
  g_socket_listener_close (closed);  /* nothing listens on port now */
  dead_url = g_strdup_printf ("http://127.0.0.1:%u/v1", port);
  dead = sy_test_gateway_add_account (f->t, "mock", "sk-dead", 1, dead_url);
  alive = sy_test_gateway_add_account (f->t, "mock", "sk-alive", 2, NULL);

  r = sy_test_gateway_chat (f->t, chat_body);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Connection"), ==, alive);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Attempts"), ==, "2");
}

/* A 400 is about the request itself: returned as the upstream wrote it, no second attempt. */
static void
test_client_error_is_returned (Fixture       *f,
                               gconstpointer  data)
{
  const char *upstream_error = "{\"error\":{\"message\":\"max_tokens too large\",\"type\":"
                               "\"invalid_request_error\",\"param\":\"max_tokens\",\"code\":null}}";
  SyMockBehaviour bad = { .kind = SY_MOCK_STATUS, .status = 400, .body = upstream_error };
  g_autofree char *a = sy_test_gateway_add_account (f->t, "mock", "sk-a", 1, NULL);
  g_autofree char *b = sy_test_gateway_add_account (f->t, "mock", "sk-b", 2, NULL);
  g_autoptr(SyTestResponse) r = NULL;

  sy_mock_upstream_push (f->t->mock, &bad);
  r = sy_test_gateway_chat (f->t, chat_body);
  g_assert_cmpuint (r->status, ==, 400);
  assert_body_equals (r->body, upstream_error);
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 1);
}

/* When every account fails, the client gets the last upstream status in OpenAI's shape. */
static void
test_all_accounts_fail (Fixture       *f,
                        gconstpointer  data)
{
  SyMockBehaviour rate_limited = { .kind = SY_MOCK_STATUS, .status = 429, .retry_after = "30" };
  g_autofree char *a = sy_test_gateway_add_account (f->t, "mock", "sk-a", 1, NULL);
  g_autofree char *b = sy_test_gateway_add_account (f->t, "mock", "sk-b", 2, NULL);
  g_autoptr(SyTestResponse) r = NULL;

  sy_mock_upstream_push (f->t->mock, &rate_limited);
  sy_mock_upstream_push (f->t->mock, &rate_limited);
  r = sy_test_gateway_chat (f->t, chat_body);
  g_assert_cmpuint (r->status, ==, 429);
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 2);
  g_assert_nonnull (sy_test_response_get_string (r, "error.message"));
}

/* An HTML page with 200 is not an answer: 502 in OpenAI's shape, naming what came back. */
static void
test_garbage_upstream (Fixture       *f,
                       gconstpointer  data)
{
  SyMockBehaviour html = { .kind = SY_MOCK_JSON, .body = "<html><body>Bad gateway</body></html>",
                           .content_type = "text/html" };
  g_autofree char *a = sy_test_gateway_add_account (f->t, "mock", "sk-a", 1, NULL);
  g_autoptr(SyTestResponse) r = NULL;

  sy_mock_upstream_push (f->t->mock, &html);
  r = sy_test_gateway_chat (f->t, chat_body);
  g_assert_cmpuint (r->status, ==, 502);
  g_assert_cmpstr (sy_test_response_get_string (r, "error.code"), ==, "upstream_invalid_response");
  g_assert_nonnull (strstr (sy_test_response_get_string (r, "error.message"), "text/html"));

  /* and the gateway keeps serving */
  g_clear_pointer (&r, sy_test_response_free);
  r = sy_test_gateway_chat (f->t, chat_body);
  g_assert_cmpuint (r->status, ==, 200);
}

/* No first byte within firstByteTimeoutMs: the next account is tried. */
static void
test_first_byte_timeout (Fixture       *f,
                         gconstpointer  data)
{
  SyMockBehaviour hang = { .kind = SY_MOCK_HANG };
  g_autofree char *a = sy_test_gateway_add_account (f->t, "mock", "sk-a", 1, NULL);
  g_autofree char *b = sy_test_gateway_add_account (f->t, "mock", "sk-b", 2, NULL);
  g_autoptr(SyTestResponse) s = sy_test_gateway_api (f->t, "PUT", "/api/settings",
                                                     "{\"firstByteTimeoutMs\": 1000}");
  g_autoptr(SyTestResponse) r = NULL;

  g_assert_cmpuint (s->status, ==, 200);
  sy_mock_upstream_push (f->t->mock, &hang);
  r = sy_test_gateway_chat (f->t, chat_body);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Connection"), ==, b);
}

/* Only one account and it hangs: 504 with a message that names the setting. */
static void
test_first_byte_timeout_last_account (Fixture       *f,
                                      gconstpointer  data)
{
  SyMockBehaviour hang = { .kind = SY_MOCK_HANG };
  g_autofree char *a = sy_test_gateway_add_account (f->t, "mock", "sk-a", 1, NULL);
  g_autoptr(SyTestResponse) s = sy_test_gateway_api (f->t, "PUT", "/api/settings",
                                                     "{\"firstByteTimeoutMs\": 1000}");
  g_autoptr(SyTestResponse) r = NULL;

  sy_mock_upstream_push (f->t->mock, &hang);
  r = sy_test_gateway_chat (f->t, chat_body);
  g_assert_cmpuint (r->status, ==, 504);
  g_assert_nonnull (strstr (sy_test_response_get_string (r, "error.message"), "firstByteTimeoutMs"));
}

static guint
count_events (const char *body,
              const char *needle)
{
  guint n = 0;

  for (const char *p = body; (p = strstr (p, needle)) != NULL; p += strlen (needle))
    n++;
  return n;
}

/* A stream arrives chunk for chunk, framed as the upstream framed it. */
static void
test_stream_relay (Fixture       *f,
                   gconstpointer  data)
{
  SyMockBehaviour stream = { .kind = SY_MOCK_STREAM, .n_chunks = 5, .delay_ms = 5 };
  g_autofree char *a = sy_test_gateway_add_account (f->t, "mock", "sk-a", 1, NULL);
  g_autoptr(SyTestResponse) r = NULL;
  g_autofree char *body = NULL;

  sy_mock_upstream_push (f->t->mock, &stream);
  r = sy_test_gateway_chat (f->t, stream_body);
  body = sy_test_response_dup_body (r);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (r->headers, NULL), ==, "text/event-stream");
  g_assert_cmpuint (soup_message_headers_get_encoding (r->headers), ==, SOUP_ENCODING_CHUNKED);
  g_assert_cmpuint (count_events (body, "chat.completion.chunk"), ==, 8);
  g_assert_true (g_str_has_suffix (body, "data: [DONE]\n\n"));
  g_assert_nonnull (strstr (body, "tok0 "));
  g_assert_nonnull (strstr (body, "tok4 "));
}

/* The upstream dies mid-stream: the client stream ends with an error event, never silently. */
static void
test_stream_upstream_drops (Fixture       *f,
                            gconstpointer  data)
{
  SyMockBehaviour drop = { .kind = SY_MOCK_STREAM_DROP, .n_chunks = 3, .delay_ms = 5 };
  g_autofree char *a = sy_test_gateway_add_account (f->t, "mock", "sk-a", 1, NULL);
  g_autofree char *b = sy_test_gateway_add_account (f->t, "mock", "sk-b", 2, NULL);
  g_autoptr(SyTestResponse) r = NULL;
  g_autofree char *body = NULL;

  sy_mock_upstream_push (f->t->mock, &drop);
  r = sy_test_gateway_chat (f->t, stream_body);
  body = sy_test_response_dup_body (r);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_nonnull (strstr (body, "tok2 "));
  g_assert_null (strstr (body, "[DONE]"));
  g_assert_nonnull (strstr (body, "data: {\"error\":"));
  g_assert_true (g_str_has_suffix (body, "}}\n\n"));
  /* no failover after the first byte */
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 1);
}

static gint64
query_int (const char *db_path,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 v = -1;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    v = sqlite3_column_type (stmt, 0) == SQLITE_NULL ? -2 : sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return v;
}

/* Every request leaves a usage row with what the upstream reported, nothing invented. */
static void
test_usage_recorded (Fixture       *f,
                     gconstpointer  data)
{
  SyMockBehaviour stream = { .kind = SY_MOCK_STREAM, .n_chunks = 2 };
  SyMockBehaviour no_usage = { .kind = SY_MOCK_JSON, .body = "{\"id\":\"x\",\"choices\":[]}" };
  g_autofree char *a = sy_test_gateway_add_account (f->t, "mock", "sk-a", 1, NULL);
  g_autofree char *db = g_build_filename (f->t->data_dir, "switchyard.db", NULL);
  g_autoptr(SyTestResponse) r1 = NULL;
  g_autoptr(SyTestResponse) r2 = NULL;
  g_autoptr(SyTestResponse) r3 = NULL;

  r1 = sy_test_gateway_chat (f->t, chat_body);
  sy_mock_upstream_push (f->t->mock, &stream);
  r2 = sy_test_gateway_chat (f->t, stream_body);
  sy_mock_upstream_push (f->t->mock, &no_usage);
  r3 = sy_test_gateway_chat (f->t, chat_body);
  g_assert_cmpuint (r3->status, ==, 200);
  sy_usage_writer_flush (sy_gateway_get_usage_writer (f->t->gateway));

  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM usage_history"), ==, 3);
  g_assert_cmpint (query_int (db, "SELECT tokens_input FROM usage_history WHERE stream = 0 "
                                  "ORDER BY id LIMIT 1"), ==, 11);
  g_assert_cmpint (query_int (db, "SELECT tokens_output FROM usage_history WHERE stream = 0 "
                                  "ORDER BY id LIMIT 1"), ==, 7);
  g_assert_cmpint (query_int (db, "SELECT tokens_cache_read FROM usage_history WHERE stream = 0 "
                                  "ORDER BY id LIMIT 1"), ==, 3);
  g_assert_cmpint (query_int (db, "SELECT tokens_output FROM usage_history WHERE stream = 1"), ==, 9);
  /* the third answer had no usage: unknown, not zero */
  g_assert_cmpint (query_int (db, "SELECT tokens_input FROM usage_history ORDER BY id DESC LIMIT 1"),
                   ==, -2);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM usage_history WHERE status = 200 AND "
                                  "provider = 'mock' AND model = 'm1' AND latency_ms >= 0 AND "
                                  "ttfb_ms >= 0 AND requested_model = 'mock/m1'"), ==, 3);
}

typedef struct
{
  guint16  port;
  guint    n;
  guint    ok;
  int      done;
} SoakData;

static gboolean
read_response (GSocket *socket)
{
  char buf[4096];
  GString *got = g_string_new (NULL);
  gboolean complete = FALSE;

  while (!complete)
    {
      gssize n = g_socket_receive (socket, buf, sizeof buf, NULL, NULL);
      const char *end, *cl;

      if (n <= 0)
        break;
      g_string_append_len (got, buf, n);
      end = strstr (got->str, "\r\n\r\n");
      cl = end ? strstr (got->str, "Content-Length: ") : NULL;
      if (cl != NULL)
        complete = got->len >= (gsize) (end + 4 - got->str) + g_ascii_strtoull (cl + 16, NULL, 10);
    }
  g_string_free (got, TRUE);
  return complete;
}

/* Thousands of keep-alive connections, each closed by the client while idle. */
static gpointer
soak_thread (gpointer user_data)
{
  SoakData *d = user_data;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (loopback, d->port);
  static const char request[] = "GET /v1/not-a-route HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

  for (guint i = 0; i < d->n; i++)
    {
      g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL);

      if (socket == NULL || !g_socket_connect (socket, addr, NULL, NULL))
        continue;
      if (g_socket_send (socket, request, sizeof request - 1, NULL, NULL) == sizeof request - 1 &&
          read_response (socket))
        d->ok++;
      g_socket_close (socket, NULL);
    }
  g_atomic_int_set (&d->done, 1);
  g_main_context_wakeup (NULL);
  return NULL;
}

static guint
count_open_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* libsoup 3.2 leaks the descriptor of every idle keep-alive connection a client closes; the
 * gateway's reaper must keep the count bounded. */
static void
test_keepalive_fd_soak (Fixture       *f,
                        gconstpointer  data)
{
  SoakData d = { .port = (guint16) sy_gateway_get_port (f->t->gateway), .n = 3000 };
  guint before = count_open_fds ();
  GThread *thread = g_thread_new ("soak", soak_thread, &d);
  guint after;

  while (!g_atomic_int_get (&d.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
  sy_test_wait_ms (200);
  after = count_open_fds ();

  g_test_message ("fds before %u, after %u keep-alive connections: %u; tracked %u", before, d.n,
                  after, sy_gateway_get_open_connections (f->t->gateway));
  g_assert_cmpuint (d.ok, ==, d.n);
  g_assert_cmpuint (after, <, before + 20);
  g_assert_cmpuint (sy_gateway_get_open_connections (f->t->gateway), <, 20);
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

/* The client hangs up mid-stream: the upstream request is cancelled, the row says 499. */
static void
test_client_disconnect_cancels_upstream (Fixture       *f,
                                         gconstpointer  data)
{
  SyMockBehaviour slow = { .kind = SY_MOCK_STREAM, .n_chunks = 200, .delay_ms = 20 };
  g_autofree char *a = sy_test_gateway_add_account (f->t, "mock", "sk-a", 1, NULL);
  g_autofree char *url = g_strconcat (f->t->base_url, "/v1/chat/completions", NULL);
  g_autofree char *db = g_build_filename (f->t->data_dir, "switchyard.db", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) body = g_bytes_new_static (stream_body, strlen (stream_body));
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) first = NULL;

  sy_mock_upstream_push (f->t->mock, &slow);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  soup_session_send_async (f->t->client, msg, G_PRIORITY_DEFAULT, NULL, stream_sent_cb, &stream);
  while (stream == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_input_stream_read_bytes_async (stream, 64, G_PRIORITY_DEFAULT, NULL, partial_read_cb, &first);
  while (first == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_bytes_get_size (first), >, 0);

  /* hang up */
  soup_session_abort (f->t->client);
  g_clear_object (&stream);
  for (guint i = 0; i < 200 && sy_mock_upstream_get_aborted (f->t->mock) == 0; i++)
    sy_test_wait_ms (10);
  g_assert_cmpuint (sy_mock_upstream_get_aborted (f->t->mock), ==, 1);

  sy_usage_writer_flush (sy_gateway_get_usage_writer (f->t->gateway));
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM usage_history WHERE status = 499 AND "
                                  "error_code = 'client_closed'"), ==, 1);
}

/* A stream that stalls longer than idleTimeoutMs ends with an error event naming the setting. */
static void
test_stream_idle_timeout (Fixture       *f,
                          gconstpointer  data)
{
  SyMockBehaviour stalls = { .kind = SY_MOCK_STREAM, .n_chunks = 3, .delay_ms = 1500 };
  g_autofree char *a = sy_test_gateway_add_account (f->t, "mock", "sk-a", 1, NULL);
  g_autoptr(SyTestResponse) s = sy_test_gateway_api (f->t, "PUT", "/api/settings",
                                                     "{\"idleTimeoutMs\": 1000}");
  g_autoptr(SyTestResponse) r = NULL;
  g_autofree char *body = NULL;

  g_assert_cmpuint (s->status, ==, 200);
  sy_mock_upstream_push (f->t->mock, &stalls);
  r = sy_test_gateway_chat (f->t, stream_body);
  body = sy_test_response_dup_body (r);
  g_assert_cmpuint (r->status, ==, 200);
  /* the first event (the assistant role) came, then nothing for longer than the limit */
  g_assert_nonnull (strstr (body, "\"role\":\"assistant\""));
  g_assert_null (strstr (body, "tok0 "));
  g_assert_nonnull (strstr (body, "data: {\"error\":"));
  g_assert_nonnull (strstr (body, "idleTimeoutMs"));
}

static char *
add_anthropic_account (Fixture    *f,
                       const char *key,
                       int         priority)
{
  g_autofree char *node = g_strdup_printf ("{\"prefix\":\"an\",\"apiType\":\"anthropic\","
                                           "\"baseUrl\":\"%s\"}",
                                           sy_mock_upstream_get_base_url (f->t->mock));
  g_autofree char *account = g_strdup_printf ("{\"provider\":\"an\",\"apiKey\":\"%s\","
                                              "\"priority\":%d}", key, priority);
  g_autoptr(SyTestResponse) n = NULL;
  g_autoptr(SyTestResponse) a = NULL;

  if (priority == 1)
    {
      n = sy_test_gateway_api (f->t, "POST", "/api/provider-nodes", node);
      g_assert_cmpuint (n->status, ==, 201);
    }
  a = sy_test_gateway_api (f->t, "POST", "/api/providers", account);
  g_assert_cmpuint (a->status, ==, 201);
  return g_strdup (sy_test_response_get_string (a, "id"));
}

static const char anthropic_stream_body[] =
  "{\"model\":\"an/m1\",\"max_tokens\":100,\"stream\":true,"
  "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

/* A streaming client waiting on a slow upstream gets its dialect's pings; the stream stays
 * open for a failover, and the answer that follows has exactly one message_start. */
static void
test_keepalive_pings_then_failover (Fixture       *f,
                                    gconstpointer  data)
{
  SyMockBehaviour hang = { .kind = SY_MOCK_HANG };
  g_autofree char *a = add_anthropic_account (f, "sk-a", 1);
  g_autofree char *b = add_anthropic_account (f, "sk-b", 2);
  g_autoptr(SyTestResponse) s = sy_test_gateway_api (f->t, "PUT", "/api/settings",
                                                     "{\"streamKeepAliveMs\": 200, "
                                                     "\"firstByteTimeoutMs\": 1000}");
  g_autoptr(SyTestResponse) r = NULL;
  g_autofree char *body = NULL;

  g_assert_cmpuint (s->status, ==, 200);
  sy_mock_upstream_push (f->t->mock, &hang);
  r = sy_test_gateway_request (f->t, "POST", "/v1/messages", "application/json",
                               anthropic_stream_body, -1, NULL);
  body = sy_test_response_dup_body (r);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (g_str_has_prefix (body, "event: ping\n"));
  g_assert_cmpuint (count_events (body, "event: message_start"), ==, 1);
  g_assert_cmpuint (count_events (body, "event: message_stop"), ==, 1);
  g_assert_nonnull (strstr (body, "tok2 "));
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 2);
}

/* The same, but nothing answers: the opened stream ends with an Anthropic error event. */
static void
test_keepalive_pings_then_error_event (Fixture       *f,
                                       gconstpointer  data)
{
  SyMockBehaviour hang = { .kind = SY_MOCK_HANG };
  g_autofree char *a = add_anthropic_account (f, "sk-a", 1);
  g_autoptr(SyTestResponse) s = sy_test_gateway_api (f->t, "PUT", "/api/settings",
                                                     "{\"streamKeepAliveMs\": 200, "
                                                     "\"firstByteTimeoutMs\": 1000}");
  g_autoptr(SyTestResponse) r = NULL;
  g_autofree char *body = NULL;

  sy_mock_upstream_push (f->t->mock, &hang);
  r = sy_test_gateway_request (f->t, "POST", "/v1/messages", "application/json",
                               anthropic_stream_body, -1, NULL);
  body = sy_test_response_dup_body (r);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (g_str_has_prefix (body, "event: ping\n"));
  g_assert_nonnull (strstr (body, "event: error\n"));
  g_assert_nonnull (strstr (body, "firstByteTimeoutMs"));
  g_assert_null (strstr (body, "message_start"));
}

typedef struct
{
  guint16  port;
  GSocket *socket;
  int      sent;
} StalledClient;

/* Sends a streaming request and then reads nothing. */
static gpointer
stalled_client_thread (gpointer user_data)
{
  StalledClient *c = user_data;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (loopback, c->port);
  g_autofree char *request = g_strdup_printf ("POST /v1/chat/completions HTTP/1.1\r\n"
                                              "Host: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                              "Content-Length: %zu\r\n\r\n%s",
                                              strlen (stream_body), stream_body);

  c->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_socket_set_option (c->socket, SOL_SOCKET, SO_RCVBUF, 16384, NULL);
  g_assert_true (g_socket_connect (c->socket, addr, NULL, NULL));
  g_assert_cmpint (g_socket_send (c->socket, request, strlen (request), NULL, NULL), ==,
                   (gssize) strlen (request));
  g_atomic_int_set (&c->sent, 1);
  g_main_context_wakeup (NULL);
  return NULL;
}

/* A client that stops reading stops the upstream read: the mock cannot write the whole
 * stream, so the gateway holds only a bounded part of it. When the client hangs up, the
 * request ends as 499 even though the relay was blocked on it. */
static void
test_stream_backpressure (Fixture       *f,
                          gconstpointer  data)
{
  SyMockBehaviour big = { .kind = SY_MOCK_STREAM, .n_chunks = 4000, .pad_bytes = 16000 };
  g_autofree char *a = sy_test_gateway_add_account (f->t, "mock", "sk-a", 1, NULL);
  g_autofree char *db = g_build_filename (f->t->data_dir, "switchyard.db", NULL);
  StalledClient c = { .port = (guint16) sy_gateway_get_port (f->t->gateway) };
  GThread *thread;
  guint written;

  sy_mock_upstream_push (f->t->mock, &big);
  thread = g_thread_new ("stalled", stalled_client_thread, &c);
  while (!g_atomic_int_get (&c.sent))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);

  /* Give the relay every chance to run ahead of the client. */
  sy_test_wait_ms (1500);
  written = sy_mock_upstream_get_chunks_written (f->t->mock);
  g_test_message ("the mock wrote %u of %u chunks to a gateway whose client reads nothing",
                  written, 2 * 4000);
  /* 8,000 chunks, 64 MB in all: with backpressure only socket buffers' worth (a few MB) can
   * leave the mock. */
  g_assert_cmpuint (written, <, 2 * 4000 / 4);

  g_socket_close (c.socket, NULL);
  g_object_unref (c.socket);
  for (guint i = 0; i < 200 && query_int (db, "SELECT COUNT(*) FROM usage_history") < 1; i++)
    {
      sy_test_wait_ms (10);
      sy_usage_writer_flush (sy_gateway_get_usage_writer (f->t->gateway));
    }
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM usage_history WHERE status = 499 AND "
                                  "error_code = 'client_closed'"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sy/gateway/proxy/" path, Fixture, NULL, sy_test_gateway_fixture_setup, func, \
              sy_test_gateway_fixture_teardown)

  ADD ("passthrough-is-byte-faithful", test_passthrough_is_byte_faithful);
  ADD ("failover-on-retryable-status", test_failover_on_retryable_status);
  ADD ("failover-on-connect-error", test_failover_on_connect_error);
  ADD ("client-error-is-returned", test_client_error_is_returned);
  ADD ("all-accounts-fail", test_all_accounts_fail);
  ADD ("garbage-upstream", test_garbage_upstream);
  ADD ("first-byte-timeout", test_first_byte_timeout);
  ADD ("first-byte-timeout-last-account", test_first_byte_timeout_last_account);
  ADD ("stream-relay", test_stream_relay);
  ADD ("stream-upstream-drops", test_stream_upstream_drops);
  ADD ("stream-idle-timeout", test_stream_idle_timeout);
  ADD ("stream-backpressure", test_stream_backpressure);
  ADD ("usage-recorded", test_usage_recorded);
  ADD ("keepalive-pings-then-failover", test_keepalive_pings_then_failover);
  ADD ("keepalive-pings-then-error-event", test_keepalive_pings_then_error_event);
  ADD ("keepalive-fd-soak", test_keepalive_fd_soak);
  ADD ("client-disconnect-cancels-upstream", test_client_disconnect_cancels_upstream);

  return g_test_run ();
}

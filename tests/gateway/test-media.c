/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Embeddings and image generation end to end: the body forwarded byte for byte with only the
 * model replaced, the answer relayed byte for byte, the forced-provider routes (prefix added,
 * a mismatched one refused), failover on a 429 through the proxy attempt loop, targets that
 * cannot serve the endpoint skipped, usage rows written. The gateway, the mock upstream and
 * the client share this process.
 */
#include <string.h>

#include "sy-test-gateway-fixture.h"

typedef SyTestGatewayFixture Fixture;

static SyTestResponse *
post (Fixture    *f,
      const char *path,
      const char *json)
{
  return sy_test_gateway_request (f->t, "POST", path, "application/json", json, -1, NULL);
}

static SyMockRequest *
upstream_request (Fixture *f,
                  guint    i)
{
  GPtrArray *requests = sy_mock_upstream_get_requests (f->t->mock);

  g_assert_cmpuint (requests->len, >, i);
  return g_ptr_array_index (requests, i);
}

static guint
upstream_count (Fixture *f)
{
  return sy_mock_upstream_get_requests (f->t->mock)->len;
}

static void
assert_body (GBytes     *body,
             const char *expected)
{
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  g_autofree char *text = g_strndup (data, len);

  g_assert_cmpstr (text, ==, expected);
}

static void
assert_header (SyTestResponse *r,
               const char     *name,
               const char     *expected)
{
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, name), ==, expected);
}

/* The usage rows of endpoint once the writer has them (it runs after the answer is out). */
static char *
usage_row (Fixture    *f,
           const char *column,
           const char *endpoint)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM usage_history WHERE endpoint = ?1 "
                                          "ORDER BY id DESC LIMIT 1", column);
  char *value = NULL;

  for (guint i = 0; i < 200 && value == NULL; i++)
    {
      sy_usage_writer_flush (sy_gateway_get_usage_writer (f->t->gateway));
      value = sy_test_gateway_query_db_text (f->t, sql, endpoint);
      if (value == NULL)
        sy_test_wait_ms (10);
    }
  return value;
}

/* Odd spacing, a non-ASCII input and members around the model: only the model may change. */
static const char embeddings_request[] =
  "{ \"input\" : [\"caf\xc3\xa9\", \"the \\\"quoted\\\" one\"],\n  \"model\":\"p1/text-embed\" ,"
  "\"encoding_format\": \"float\", \"dimensions\": 3 }";
static const char embeddings_upstream[] =
  "{ \"input\" : [\"caf\xc3\xa9\", \"the \\\"quoted\\\" one\"],\n  \"model\":\"text-embed\" ,"
  "\"encoding_format\": \"float\", \"dimensions\": 3 }";

static void
test_embeddings_passthrough (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(SyTestResponse) r = NULL;
  g_autofree char *account = sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL);
  g_autofree char *tokens = NULL;
  g_autofree char *provider = NULL;
  g_autofree char *status = NULL;
  SyMockRequest *up;

  r = post (f, "/v1/embeddings", embeddings_request);
  g_assert_cmpuint (r->status, ==, 200);
  assert_body (r->body, sy_mock_upstream_embeddings_body);
  assert_header (r, "X-Switchyard-Provider", "p1");
  assert_header (r, "X-Switchyard-Model", "text-embed");
  assert_header (r, "X-Switchyard-Connection", account);

  g_assert_cmpuint (upstream_count (f), ==, 1);
  up = upstream_request (f, 0);
  g_assert_cmpstr (up->method, ==, "POST");
  g_assert_cmpstr (up->path, ==, "/v1/embeddings");
  assert_body (up->body, embeddings_upstream);
  g_assert_cmpstr (soup_message_headers_get_one (up->headers, "Authorization"), ==, "Bearer key-1");

  tokens = usage_row (f, "tokens_input", "/v1/embeddings");
  provider = usage_row (f, "provider", "/v1/embeddings");
  status = usage_row (f, "status", "/v1/embeddings");
  g_assert_cmpstr (tokens, ==, "8");
  g_assert_cmpstr (provider, ==, "p1");
  g_assert_cmpstr (status, ==, "200");
}

/* Images, on the path without /v1 too; the model already upstream's name is left as sent. */
static void
test_images_passthrough (Fixture       *f,
                         gconstpointer  data)
{
  static const char request[] = "{\"model\":\"p1/img-1\",\"prompt\":\"a cat\",\"n\":1,"
                                "\"size\":\"1024x1024\"}";
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) bare = NULL;
  g_autofree char *model = NULL;

  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  r = post (f, "/v1/images/generations", request);
  g_assert_cmpuint (r->status, ==, 200);
  assert_body (r->body, sy_mock_upstream_images_body);
  g_assert_cmpstr (upstream_request (f, 0)->path, ==, "/v1/images/generations");
  assert_body (upstream_request (f, 0)->body,
               "{\"model\":\"img-1\",\"prompt\":\"a cat\",\"n\":1,\"size\":\"1024x1024\"}");

  bare = post (f, "/images/generations", request);
  g_assert_cmpuint (bare->status, ==, 200);
  assert_body (bare->body, sy_mock_upstream_images_body);
  g_assert_cmpuint (upstream_count (f), ==, 2);

  model = usage_row (f, "model", "/v1/images/generations");
  g_assert_cmpstr (model, ==, "img-1");
}

/* /v1/providers/{provider}/...: the prefix is added when missing, a mismatched one is a 400
 * that never reaches an upstream, an unknown provider a 404. */
static void
test_forced_provider (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(SyTestResponse) bare = NULL;
  g_autoptr(SyTestResponse) prefixed = NULL;
  g_autoptr(SyTestResponse) images = NULL;
  g_autoptr(SyTestResponse) mismatch = NULL;
  g_autoptr(SyTestResponse) unknown = NULL;

  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  g_free (sy_test_gateway_add_account (f->t, "p2", "key-2", 1, NULL));

  bare = post (f, "/v1/providers/p1/embeddings", "{\"model\":\"text-embed\",\"input\":\"hi\"}");
  g_assert_cmpuint (bare->status, ==, 200);
  assert_header (bare, "X-Switchyard-Provider", "p1");
  assert_body (upstream_request (f, 0)->body, "{\"model\":\"text-embed\",\"input\":\"hi\"}");
  g_assert_cmpstr (soup_message_headers_get_one (upstream_request (f, 0)->headers,
                                                 "Authorization"), ==, "Bearer key-1");

  prefixed = post (f, "/v1/providers/p2/embeddings",
                   "{\"model\":\"p2/text-embed\",\"input\":\"hi\"}");
  g_assert_cmpuint (prefixed->status, ==, 200);
  assert_header (prefixed, "X-Switchyard-Provider", "p2");
  assert_body (upstream_request (f, 1)->body, "{\"model\":\"text-embed\",\"input\":\"hi\"}");

  images = post (f, "/providers/p2/images/generations", "{\"model\":\"img\",\"prompt\":\"a cat\"}");
  g_assert_cmpuint (images->status, ==, 200);
  assert_header (images, "X-Switchyard-Provider", "p2");
  g_assert_cmpstr (upstream_request (f, 2)->path, ==, "/v1/images/generations");

  mismatch = post (f, "/v1/providers/p1/embeddings",
                   "{\"model\":\"p2/text-embed\",\"input\":\"hi\"}");
  g_assert_cmpuint (mismatch->status, ==, 400);
  g_assert_cmpstr (sy_test_response_get_string (mismatch, "error.type"), ==,
                   "invalid_request_error");
  g_assert_cmpstr (sy_test_response_get_string (mismatch, "error.code"), ==, "invalid_model");
  g_assert_nonnull (strstr (sy_test_response_get_string (mismatch, "error.message"), "p2"));

  unknown = post (f, "/v1/providers/nope/images/generations", "{\"model\":\"x\",\"prompt\":\"a\"}");
  g_assert_cmpuint (unknown->status, ==, 404);
  g_assert_cmpuint (upstream_count (f), ==, 3);
}

/* The first account answers 429: the second one gets the same bytes and serves. */
static void
test_embeddings_failover_on_429 (Fixture       *f,
                                 gconstpointer  data)
{
  SyMockBehaviour limited = { SY_MOCK_STATUS, 429 };
  g_autoptr(SyTestResponse) r = NULL;
  g_autofree char *first = sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL);
  g_autoptr(SyTestResponse) again = NULL;
  g_autofree char *second = sy_test_gateway_add_account (f->t, "p1", "key-2", 2, NULL);
  g_autofree char *attempts = NULL;

  limited.body = "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
                 "\"code\":\"rate_limit_exceeded\"}}";
  limited.retry_after = "30";
  sy_mock_upstream_push (f->t->mock, &limited);

  r = post (f, "/v1/embeddings", embeddings_request);
  g_assert_cmpuint (r->status, ==, 200);
  assert_body (r->body, sy_mock_upstream_embeddings_body);
  assert_header (r, "X-Switchyard-Attempts", "2");
  assert_header (r, "X-Switchyard-Connection", second);
  g_assert_cmpuint (upstream_count (f), ==, 2);
  g_assert_cmpstr (soup_message_headers_get_one (upstream_request (f, 0)->headers,
                                                 "Authorization"), ==, "Bearer key-1");
  g_assert_cmpstr (soup_message_headers_get_one (upstream_request (f, 1)->headers,
                                                 "Authorization"), ==, "Bearer key-2");
  assert_body (upstream_request (f, 0)->body, embeddings_upstream);
  assert_body (upstream_request (f, 1)->body, embeddings_upstream);

  /* The first account cools down: the next request goes straight to the second. */
  again = post (f, "/v1/embeddings", embeddings_request);
  g_assert_cmpuint (again->status, ==, 200);
  assert_header (again, "X-Switchyard-Attempts", "1");
  assert_header (again, "X-Switchyard-Connection", second);
  g_assert_cmpuint (upstream_count (f), ==, 3);

  attempts = usage_row (f, "MAX(attempts)", "/v1/embeddings");
  g_assert_cmpstr (attempts, ==, "2");
  g_assert_cmpstr (first, !=, second);
}

/* A request error from the provider is the client's answer, as the provider wrote it. */
static void
test_embeddings_upstream_error (Fixture       *f,
                                gconstpointer  data)
{
  static const char error_body[] = "{\"error\":{\"message\":\"encoding_format must be float "
                                   "or base64\",\"type\":\"invalid_request_error\","
                                   "\"param\":\"encoding_format\"}}";
  SyMockBehaviour bad = { SY_MOCK_STATUS, 400 };
  g_autoptr(SyTestResponse) r = NULL;

  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  g_free (sy_test_gateway_add_account (f->t, "p1", "key-2", 2, NULL));
  bad.body = error_body;
  sy_mock_upstream_push (f->t->mock, &bad);

  r = post (f, "/v1/embeddings", "{\"model\":\"p1/e\",\"input\":\"hi\"}");
  g_assert_cmpuint (r->status, ==, 400);
  assert_body (r->body, error_body);
  g_assert_cmpuint (upstream_count (f), ==, 1);
}

/* Targets that do not speak OpenAI's API are skipped; with none left, a clear 400. */
static void
test_non_openai_targets_skipped (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(SyTestResponse) node = NULL;
  g_autoptr(SyTestResponse) account = NULL;
  g_autoptr(SyTestResponse) combo = NULL;
  g_autoptr(SyTestResponse) alone = NULL;
  g_autoptr(SyTestResponse) mixed = NULL;
  g_autoptr(SyTestResponse) speech = NULL;
  g_autoptr(SyTestResponse) chat = NULL;
  g_autofree char *json = g_strdup_printf ("{\"prefix\":\"anth\",\"apiType\":\"anthropic\","
                                           "\"baseUrl\":\"%s\"}",
                                           sy_mock_upstream_get_base_url (f->t->mock));

  node = sy_test_gateway_api (f->t, "POST", "/api/provider-nodes", json);
  g_assert_cmpuint (node->status, ==, 201);
  account = sy_test_gateway_api (f->t, "POST", "/api/providers",
                                 "{\"provider\":\"anth\",\"apiKey\":\"key-a\"}");
  g_assert_cmpuint (account->status, ==, 201);
  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  combo = sy_test_gateway_api (f->t, "POST", "/api/combos",
                               "{\"name\":\"embed-any\",\"models\":[\"anth/e\",\"p1/e\"]}");
  g_assert_cmpuint (combo->status, ==, 201);
  g_clear_pointer (&account, sy_test_response_free);
  account = sy_test_gateway_api (f->t, "POST", "/api/providers",
                                 "{\"provider\":\"deepgram\",\"apiKey\":\"dg\"}");
  g_assert_cmpuint (account->status, ==, 201);

  alone = post (f, "/v1/embeddings", "{\"model\":\"anth/e\",\"input\":\"hi\"}");
  g_assert_cmpuint (alone->status, ==, 400);
  g_assert_cmpstr (sy_test_response_get_string (alone, "error.code"), ==, "invalid_model");
  g_assert_nonnull (strstr (sy_test_response_get_string (alone, "error.message"),
                            "OpenAI-compatible"));

  mixed = post (f, "/v1/embeddings", "{\"model\":\"embed-any\",\"input\":\"hi\"}");
  g_assert_cmpuint (mixed->status, ==, 200);
  assert_header (mixed, "X-Switchyard-Provider", "p1");
  assert_header (mixed, "X-Switchyard-Attempts", "1");

  /* A speech provider serves neither embeddings nor chat. */
  speech = post (f, "/v1/images/generations", "{\"model\":\"deepgram/nova-3\",\"prompt\":\"a\"}");
  g_assert_cmpuint (speech->status, ==, 400);
  g_assert_nonnull (strstr (sy_test_response_get_string (speech, "error.message"),
                            "only transcribes audio"));
  chat = sy_test_gateway_chat (f->t, "{\"model\":\"deepgram/nova-3\",\"messages\":"
                                     "[{\"role\":\"user\",\"content\":\"hi\"}]}");
  g_assert_cmpuint (chat->status, ==, 400);
  g_assert_cmpuint (upstream_count (f), ==, 1);
}

/* What can be refused before routing is, in OpenAI's shape. */
static void
test_validation (Fixture       *f,
                 gconstpointer  data)
{
  static const struct
  {
    const char *path;
    const char *body;
    guint       status;
    const char *code;
  } cases[] = {
    { "/v1/embeddings", "{\"input\":\"hi\"}", 400, "missing_model" },
    { "/v1/embeddings", "{\"model\":7,\"input\":\"hi\"}", 400, "invalid_model" },
    { "/v1/embeddings", "{\"model\":\"p1/e\"}", 400, "invalid_request" },
    { "/v1/embeddings", "{\"model\":\"p1/e\",\"input\":{}}", 400, "invalid_request" },
    { "/v1/embeddings", "{\"model\":\"p1/e\",\"input\":", 400, "invalid_json" },
    { "/v1/images/generations", "{\"model\":\"p1/i\",\"prompt\":[\"a\"]}", 400, "invalid_request" },
    { "/v1/images/generations", "{\"model\":\"p1/i\",\"prompt\":\"a\",\"stream\":true}", 400,
      "unsupported" },
  };

  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SyTestResponse) r = post (f, cases[i].path, cases[i].body);

      g_assert_cmpuint (r->status, ==, cases[i].status);
      g_assert_cmpstr (sy_test_response_get_string (r, "error.code"), ==, cases[i].code);
      g_assert_cmpstr (sy_test_response_get_string (r, "error.type"), ==, "invalid_request_error");
    }
  {
    g_autoptr(SyTestResponse) get = sy_test_gateway_request (f->t, "GET", "/v1/embeddings", NULL,
                                                             NULL, 0, NULL);

    g_assert_cmpuint (get->status, ==, 405);
  }
  g_assert_cmpuint (upstream_count (f), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sy/gateway/media/" path, Fixture, NULL, sy_test_gateway_fixture_setup, func, \
              sy_test_gateway_fixture_teardown)
  ADD ("embeddings/passthrough", test_embeddings_passthrough);
  ADD ("embeddings/failover-on-429", test_embeddings_failover_on_429);
  ADD ("embeddings/upstream-error", test_embeddings_upstream_error);
  ADD ("images/passthrough", test_images_passthrough);
  ADD ("forced-provider", test_forced_provider);
  ADD ("non-openai-targets-skipped", test_non_openai_targets_skipped);
  ADD ("validation", test_validation);
#undef ADD

  return g_test_run ();
}

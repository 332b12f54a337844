/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Routing and resilience end to end: combos and their strategies, fallback across accounts,
 * members and fallback chains, cooldowns from 429s, circuit breakers opening and recovering
 * through half-open, outbound concurrency limits queueing 200 parallel requests, aliases, and
 * the monitoring API that shows it all. The gateway, the mock upstream and the client share
 * this process.
 */
#include <string.h>

#include "sy-test-gateway-fixture.h"

typedef SyTestGatewayFixture Fixture;

static void
push (Fixture    *f,
      SyMockKind  kind,
      guint       status,
      const char *body,
      const char *retry_after)
{
  SyMockBehaviour b = { 0 };

  b.kind = kind;
  b.status = status;
  b.body = body;
  b.retry_after = retry_after;
  sy_mock_upstream_push (f->t->mock, &b);
}

/* The model the mock received in request i. */
static char *
upstream_model (Fixture *f,
                guint    i)
{
  GPtrArray *requests = sy_mock_upstream_get_requests (f->t->mock);
  SyMockRequest *r;
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpuint (requests->len, >, i);
  r = g_ptr_array_index (requests, i);
  node = json_from_string (g_bytes_get_data (r->body, NULL), NULL);
  g_assert_nonnull (node);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "model"));
}

static guint
upstream_count (Fixture *f)
{
  return sy_mock_upstream_get_requests (f->t->mock)->len;
}

static void
api_ok (Fixture    *f,
        const char *method,
        const char *path,
        const char *json)
{
  g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, method, path, json);

  if (r->status >= 300)
    g_error ("%s %s: %u %s", method, path, r->status, sy_test_response_dup_body (r));
}

static SyTestResponse *
chat (Fixture    *f,
      const char *model)
{
  g_autofree char *body = g_strdup_printf ("{\"model\":\"%s\",\"messages\":[{\"role\":\"user\","
                                           "\"content\":\"hi\"}]}", model);

  return sy_test_gateway_chat (f->t, body);
}

static JsonObject *
monitoring (Fixture         *f,
            SyTestResponse **keep)
{
  *keep = sy_test_gateway_api (f->t, "GET", "/api/monitoring/health", NULL);
  g_assert_cmpuint ((*keep)->status, ==, 200);
  return json_node_get_object ((*keep)->json);
}

/* Two providers (node prefixes p1 and p2) served by the same mock. */
static void
two_providers (Fixture *f)
{
  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  g_free (sy_test_gateway_add_account (f->t, "p2", "key-2", 1, NULL));
}

/* A combo whose first member answers 429 falls back to the second, which serves. */
static void
test_combo_falls_back_on_429 (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) m = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  JsonArray *cooldowns;

  two_providers (f);
  api_ok (f, "POST", "/api/combos",
          "{\"name\":\"premium-coding\",\"models\":[\"p1/big\",\"p2/small\"]}");
  push (f, SY_MOCK_STATUS, 429, "{\"error\":{\"message\":\"Rate limit reached. Please try again "
                                "in 20s.\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}",
        NULL);

  r = chat (f, "premium-coding");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Combo"), ==,
                   "premium-coding");
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Provider"), ==, "p2");
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Attempts"), ==, "2");
  first = upstream_model (f, 0);
  second = upstream_model (f, 1);
  g_assert_cmpstr (first, ==, "big");
  g_assert_cmpstr (second, ==, "small");

  /* p1's account cools down for the 20 s the body announced, and says so. */
  cooldowns = json_object_get_array_member (monitoring (f, &m), "cooldowns");
  g_assert_cmpuint (json_array_get_length (cooldowns), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (cooldowns, 0),
                                                  "provider"), ==, "p1");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (cooldowns, 0),
                                               "remainingMs"), >, 19000);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (cooldowns, 0),
                                               "remainingMs"), <=, 20000);

  /* The next request skips the cooling account without asking it. */
  g_clear_pointer (&r, sy_test_response_free);
  r = chat (f, "premium-coding");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Attempts"), ==, "1");
  g_assert_cmpuint (upstream_count (f), ==, 3);
}

/* Every member fails: a clear error in the client's dialect, with Retry-After. */
static void
test_combo_all_fail (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) anthropic = NULL;

  two_providers (f);
  api_ok (f, "POST", "/api/combos", "{\"name\":\"duo\",\"models\":[\"p1/a\",\"p2/b\"]}");
  push (f, SY_MOCK_STATUS, 429, NULL, "30");
  push (f, SY_MOCK_STATUS, 429, NULL, "7");

  r = chat (f, "duo");
  g_assert_cmpuint (r->status, ==, 429);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Retry-After"), ==, "7");
  g_assert_nonnull (sy_test_response_get_string (r, "error.message"));
  g_assert_cmpuint (upstream_count (f), ==, 2);

  /* Now both accounts cool down: nothing is sent, the answer says when to come back, and an
   * Anthropic client reads it in its own shape. */
  anthropic = sy_test_gateway_request (f->t, "POST", "/v1/messages", "application/json",
                                       "{\"model\":\"duo\",\"max_tokens\":10,\"messages\":"
                                       "[{\"role\":\"user\",\"content\":\"hi\"}]}", -1, NULL);
  g_assert_cmpuint (anthropic->status, ==, 429);
  g_assert_cmpstr (sy_test_response_get_string (anthropic, "type"), ==, "error");
  g_assert_cmpstr (sy_test_response_get_string (anthropic, "error.type"), ==, "rate_limit_error");
  g_assert_nonnull (soup_message_headers_get_one (anthropic->headers, "Retry-After"));
  g_assert_cmpint (atoi (soup_message_headers_get_one (anthropic->headers, "Retry-After")), <=, 7);
  g_assert_cmpuint (upstream_count (f), ==, 2);
}

/* A 400 about the request itself is the client's answer: no other member is asked. */
static void
test_request_error_is_returned (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(SyTestResponse) r = NULL;

  two_providers (f);
  api_ok (f, "POST", "/api/combos", "{\"name\":\"duo\",\"models\":[\"p1/a\",\"p2/b\"]}");
  push (f, SY_MOCK_STATUS, 400, "{\"error\":{\"message\":\"messages.0.content: must not be "
                                "empty\",\"type\":\"invalid_request_error\"}}", NULL);

  r = chat (f, "duo");
  g_assert_cmpuint (r->status, ==, 400);
  g_assert_cmpstr (sy_test_response_get_string (r, "error.message"), ==,
                   "messages.0.content: must not be empty");
  g_assert_cmpuint (upstream_count (f), ==, 1);
}

/* Round-robin combos rotate their first member on every request. */
static void
test_combo_round_robin (Fixture       *f,
                        gconstpointer  data)
{
  const char *expected[] = { "a", "b", "c", "a", "b", "c" };

  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  api_ok (f, "POST", "/api/combos", "{\"name\":\"rr\",\"strategy\":\"round-robin\","
                                    "\"models\":[\"p1/a\",\"p1/b\",\"p1/c\"]}");
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(SyTestResponse) r = chat (f, "rr");
      g_autofree char *model = NULL;

      g_assert_cmpuint (r->status, ==, 200);
      model = upstream_model (f, i);
      g_assert_cmpstr (model, ==, expected[i]);
    }
}

/* Weighted: the heavier member is drawn first about as often as its share. */
static void
test_combo_weighted (Fixture       *f,
                     gconstpointer  data)
{
  guint heavy = 0;

  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  api_ok (f, "POST", "/api/combos", "{\"name\":\"w\",\"strategy\":\"weighted\","
                                    "\"models\":[{\"model\":\"p1/light\",\"weight\":1},"
                                    "{\"model\":\"p1/heavy\",\"weight\":3}]}");
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(SyTestResponse) r = chat (f, "w");
      g_autofree char *model = upstream_model (f, i);

      g_assert_cmpuint (r->status, ==, 200);
      heavy += g_str_equal (model, "heavy");
    }
  /* 150 expected; the bounds are over five standard deviations wide. */
  g_assert_cmpuint (heavy, >, 115);
  g_assert_cmpuint (heavy, <, 185);
}

/* An open breaker is skipped without a request; after its reset one probe goes through and
 * its success closes the breaker. */
static void
test_breaker_opens_and_recovers (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(SyTestResponse) m = NULL;
  JsonArray *providers;

  two_providers (f);
  api_ok (f, "PUT", "/api/settings", "{\"providerProfiles\":{\"p1\":{\"failureThreshold\":2,"
                                     "\"resetMs\":2000}}}");
  api_ok (f, "POST", "/api/combos", "{\"name\":\"duo\",\"models\":[\"p1/a\",\"p2/b\"]}");

  /* Two 503s from p1 (each time p2 serves) open p1's breaker. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(SyTestResponse) r = NULL;

      push (f, SY_MOCK_STATUS, 503, NULL, NULL);
      r = chat (f, "duo");
      g_assert_cmpuint (r->status, ==, 200);
      g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Provider"), ==,
                       "p2");
    }
  g_assert_cmpuint (upstream_count (f), ==, 4);
  providers = json_object_get_array_member (monitoring (f, &m), "providers");
  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *p = json_array_get_object_element (providers, i);

      if (g_str_equal (json_object_get_string_member (p, "provider"), "p1"))
        g_assert_cmpstr (json_object_get_string_member (p, "state"), ==, "OPEN");
    }

  /* Open: p1 is not asked at all. */
  {
    g_autoptr(SyTestResponse) r = chat (f, "duo");
    g_autofree char *model = NULL;

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (upstream_count (f), ==, 5);
    model = upstream_model (f, 4);
    g_assert_cmpstr (model, ==, "b");
  }

  /* After the reset time p1 gets its probe, answers, and is closed again. (2 s: long enough
   * for the requests above on a slow sanitizer build.) */
  sy_test_wait_ms (2100);
  {
    g_autoptr(SyTestResponse) r = chat (f, "duo");
    g_autoptr(SyTestResponse) after = NULL;
    g_autofree char *model = NULL;

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Provider"), ==, "p1");
    model = upstream_model (f, 5);
    g_assert_cmpstr (model, ==, "a");
    providers = json_object_get_array_member (monitoring (f, &after), "providers");
    for (guint i = 0; i < json_array_get_length (providers); i++)
      {
        JsonObject *p = json_array_get_object_element (providers, i);

        if (g_str_equal (json_object_get_string_member (p, "provider"), "p1"))
          g_assert_cmpstr (json_object_get_string_member (p, "state"), ==, "CLOSED");
      }
  }
}

/* A single provider whose breaker is open answers 503 with Retry-After, and reset clears it. */
static void
test_breaker_open_single_and_reset (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(SyTestResponse) r = NULL;

  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  api_ok (f, "PUT", "/api/settings", "{\"providerProfiles\":{\"local\":{\"failureThreshold\":1,"
                                     "\"resetMs\":60000}}}");
  push (f, SY_MOCK_STATUS, 502, NULL, NULL);
  r = chat (f, "p1/a");
  g_assert_cmpuint (r->status, ==, 502);
  g_clear_pointer (&r, sy_test_response_free);

  r = chat (f, "p1/a");
  g_assert_cmpuint (r->status, ==, 503);
  g_assert_cmpuint (atoi (soup_message_headers_get_one (r->headers, "Retry-After")), >=, 59);
  g_assert_nonnull (strstr (sy_test_response_get_string (r, "error.message"), "circuit"));
  g_assert_cmpuint (upstream_count (f), ==, 1);
  g_clear_pointer (&r, sy_test_response_free);

  api_ok (f, "POST", "/api/resilience/reset", NULL);
  r = chat (f, "p1/a");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpuint (upstream_count (f), ==, 2);
}

/* Accounts of one provider: a 429 moves on to the next account, which then serves the
 * following requests while the first cools down; unlock brings the first back. */
static void
test_account_cooldown_and_unlock (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *a = sy_test_gateway_add_account (f->t, "p1", "key-a", 1, NULL);
  g_autofree char *b = sy_test_gateway_add_account (f->t, "p1", "key-b", 2, NULL);
  g_autofree char *unlock = g_strdup_printf ("{\"connectionId\":\"%s\"}", a);
  g_autoptr(SyTestResponse) r = NULL;

  push (f, SY_MOCK_STATUS, 429, NULL, "120");
  r = chat (f, "p1/m");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Connection"), ==, b);
  g_clear_pointer (&r, sy_test_response_free);

  r = chat (f, "p1/m");
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Connection"), ==, b);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Attempts"), ==, "1");
  g_clear_pointer (&r, sy_test_response_free);

  api_ok (f, "POST", "/api/resilience/unlock", unlock);
  r = chat (f, "p1/m");
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Connection"), ==, a);
}

/* Round-robin across accounts with the sticky limit: each account serves three in a row. */
static void
test_account_round_robin_sticky (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *a = sy_test_gateway_add_account (f->t, "p1", "key-a", 1, NULL);
  g_autofree char *b = sy_test_gateway_add_account (f->t, "p1", "key-b", 1, NULL);
  const char *pattern = "xxxyyyxxx";
  const char *x = NULL;

  api_ok (f, "PUT", "/api/settings", "{\"routingStrategy\":\"round-robin\","
                                     "\"stickyRoundRobinLimit\":3}");
  for (guint i = 0; pattern[i] != '\0'; i++)
    {
      g_autoptr(SyTestResponse) r = chat (f, "p1/m");
      const char *used = soup_message_headers_get_one (r->headers, "X-Switchyard-Connection");

      /* Equal priorities: which account starts is the repository's order, not ours. */
      if (x == NULL)
        x = g_str_equal (used, a) ? a : b;
      g_assert_cmpstr (used, ==, pattern[i] == 'x' ? x : (x == a ? b : a));
    }
}

/* A combo's own account strategy: round-robin inside the combo, while direct requests keep
 * the global fill-first. */
static void
test_combo_account_strategy (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *a = sy_test_gateway_add_account (f->t, "p1", "key-a", 1, NULL);
  g_autofree char *b = sy_test_gateway_add_account (f->t, "p1", "key-b", 2, NULL);
  g_autoptr(SyTestResponse) shown = NULL;
  const char *expected_combo[] = { a, b, a, b };

  api_ok (f, "PUT", "/api/settings", "{\"stickyRoundRobinLimit\":1}");
  api_ok (f, "POST", "/api/combos", "{\"name\":\"spread\",\"accountStrategy\":\"round-robin\","
                                    "\"models\":[\"p1/m\"]}");
  {
    g_autoptr(SyTestResponse) bad = sy_test_gateway_api (f->t, "POST", "/api/combos",
                                                         "{\"name\":\"x\",\"accountStrategy\":"
                                                         "\"fastest\",\"models\":[\"p1/m\"]}");

    g_assert_cmpuint (bad->status, ==, 400);
    g_assert_true (g_str_has_prefix (sy_test_response_get_string (bad, "error.message"),
                                     "accountStrategy"));
  }
  shown = sy_test_gateway_api (f->t, "GET", "/api/combos/spread", NULL);
  g_assert_cmpstr (sy_test_response_get_string (shown, "accountStrategy"), ==, "round-robin");
  for (guint i = 0; i < G_N_ELEMENTS (expected_combo); i++)
    {
      g_autoptr(SyTestResponse) via_combo = chat (f, "spread");

      g_assert_cmpstr (soup_message_headers_get_one (via_combo->headers, "X-Switchyard-Connection"),
                       ==, expected_combo[i]);
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(SyTestResponse) direct = chat (f, "p1/m");

      g_assert_cmpstr (soup_message_headers_get_one (direct->headers, "X-Switchyard-Connection"),
                       ==, a);
    }
}

/* maxConcurrent 2 on the account: 200 requests at once all succeed, queued, never more than
 * two at the upstream. */
typedef struct
{
  guint done;
  guint ok;
} Tally;

static void
parallel_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Tally *tally = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);

  tally->done++;
  if (body != NULL && soup_message_get_status (msg) == 200)
    tally->ok++;
}

static void
test_concurrency_limit_queues (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *a = sy_test_gateway_add_account (f->t, "p1", "key-a", 1, NULL);
  g_autofree char *patch = g_strdup_printf ("/api/providers/%s", a);
  g_autofree char *url = g_strdup_printf ("%s/v1/chat/completions", f->t->base_url);
  static const char body[] = "{\"model\":\"p1/m\",\"messages\":[{\"role\":\"user\","
                             "\"content\":\"hi\"}]}";
  Tally tally = { 0, 0 };
  g_autoptr(SoupSession) client = soup_session_new_with_options ("max-conns", 256,
                                                                 "max-conns-per-host", 256,
                                                                 NULL);

  api_ok (f, "PATCH", patch, "{\"rateLimit\":{\"maxConcurrent\":2}}");
  for (guint i = 0; i < 200; i++)
    {
      SyMockBehaviour b = { 0 };

      b.kind = SY_MOCK_JSON;
      b.delay_ms = 2;
      sy_mock_upstream_push (f->t->mock, &b);
    }
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
      g_autoptr(GBytes) bytes = g_bytes_new_static (body, sizeof body - 1);

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
      soup_session_send_and_read_async (client, msg, G_PRIORITY_DEFAULT, NULL,
                                        parallel_done_cb, &tally);
    }
  while (tally.done < 200)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (tally.ok, ==, 200);
  g_assert_cmpuint (upstream_count (f), ==, 200);
  g_assert_cmpuint (sy_mock_upstream_get_max_concurrent (f->t->mock), <=, 2);
}

/* A wildcard alias maps a family of names onto one target. */
static void
test_wildcard_alias (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(SyTestResponse) r = NULL;
  g_autofree char *model = NULL;

  two_providers (f);
  api_ok (f, "PUT", "/api/settings", "{\"modelAliases\":[{\"pattern\":\"claude-sonnet-*\","
                                     "\"target\":\"p2/sonnet-latest\"},{\"pattern\":\"gpt-?\","
                                     "\"target\":\"p1/gpt\"}]}");
  r = chat (f, "claude-sonnet-4-5");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Provider"), ==, "p2");
  model = upstream_model (f, 0);
  g_assert_cmpstr (model, ==, "sonnet-latest");
  g_clear_pointer (&r, sy_test_response_free);

  /* "?" is one character: gpt-45 does not match and is ambiguous between two providers. */
  r = chat (f, "gpt-45");
  g_assert_cmpuint (r->status, ==, 400);
}

/* Global fallback chains follow the model's own candidates. */
static void
test_fallback_chain (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(SyTestResponse) r = NULL;
  g_autofree char *model = NULL;

  two_providers (f);
  api_ok (f, "PUT", "/api/settings", "{\"fallbackChains\":[{\"name\":\"production-fallback\","
                                     "\"models\":[\"p2/backup\"]}]}");
  push (f, SY_MOCK_STATUS, 500, NULL, NULL);
  r = chat (f, "p1/primary");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Provider"), ==, "p2");
  model = upstream_model (f, 1);
  g_assert_cmpstr (model, ==, "backup");
}

/* Nested combos expand in place (the API refuses loops; see test-api-combos). */
static void
test_nested_combos (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(SyTestResponse) r = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  two_providers (f);
  api_ok (f, "POST", "/api/combos", "{\"name\":\"inner\",\"models\":[\"p2/x\"]}");
  api_ok (f, "POST", "/api/combos", "{\"name\":\"outer\",\"models\":[\"p1/y\",\"inner\"]}");
  push (f, SY_MOCK_STATUS, 503, NULL, NULL);
  r = chat (f, "outer");
  g_assert_cmpuint (r->status, ==, 200);
  first = upstream_model (f, 0);
  second = upstream_model (f, 1);
  g_assert_cmpstr (first, ==, "y");
  g_assert_cmpstr (second, ==, "x");
  g_assert_cmpuint (upstream_count (f), ==, 2);
}

/* /v1/models lists combos beside the providers' own models. */
static void
test_models_lists_combos (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(SyTestResponse) r = NULL;
  JsonArray *models;
  gboolean combo = FALSE, upstream = FALSE;

  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  api_ok (f, "POST", "/api/combos", "{\"name\":\"free-forever\",\"models\":[\"p1/m1\"]}");
  r = sy_test_gateway_request (f->t, "GET", "/v1/models", NULL, NULL, 0, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  models = json_object_get_array_member (json_node_get_object (r->json), "data");
  for (guint i = 0; i < json_array_get_length (models); i++)
    {
      JsonObject *m = json_array_get_object_element (models, i);

      if (g_str_equal (json_object_get_string_member (m, "id"), "free-forever"))
        combo = g_str_equal (json_object_get_string_member (m, "owned_by"), "combo");
      upstream |= g_str_equal (json_object_get_string_member (m, "id"), "p1/m1");
    }
  g_assert_true (combo);
  g_assert_true (upstream);
}

/* The settings that drive routing are validated like every other setting. */
static void
test_routing_settings_validated (Fixture       *f,
                                 gconstpointer  data)
{
  static const struct { const char *json; const char *field; } bad[] = {
    { "{\"routingStrategy\":\"fastest\"}", "routingStrategy" },
    { "{\"stickyRoundRobinLimit\":0}", "stickyRoundRobinLimit" },
    { "{\"modelAliases\":[{\"pattern\":\"a\"}]}", "modelAliases" },
    { "{\"modelAliases\":{}}", "modelAliases" },
    { "{\"fallbackChains\":[{\"name\":\"x\",\"models\":[]}]}", "fallbackChains" },
    { "{\"providerProfiles\":{\"apikey\":{\"failureThreshold\":0}}}", "providerProfiles" },
    { "{\"providerProfiles\":{\"apikey\":{\"speed\":1}}}", "providerProfiles" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "PUT", "/api/settings", bad[i].json);

      g_assert_cmpuint (r->status, ==, 400);
      g_assert_true (g_str_has_prefix (sy_test_response_get_string (r, "error.message"),
                                       bad[i].field));
    }
  {
    g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "GET", "/api/settings", NULL);
    JsonObject *o = json_node_get_object (r->json);

    g_assert_cmpstr (json_object_get_string_member (o, "routingStrategy"), ==, "fill-first");
    g_assert_cmpint (json_object_get_int_member (o, "stickyRoundRobinLimit"), ==, 3);
    g_assert_cmpstr (json_object_get_string_member (o, "comboStrategy"), ==, "priority");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sy/gateway/routing/" path, Fixture, NULL, sy_test_gateway_fixture_setup, func, \
              sy_test_gateway_fixture_teardown)
  ADD ("combo/falls-back-on-429", test_combo_falls_back_on_429);
  ADD ("combo/all-fail", test_combo_all_fail);
  ADD ("combo/request-error-returned", test_request_error_is_returned);
  ADD ("combo/round-robin", test_combo_round_robin);
  ADD ("combo/weighted", test_combo_weighted);
  ADD ("combo/nested", test_nested_combos);
  ADD ("breaker/opens-and-recovers", test_breaker_opens_and_recovers);
  ADD ("breaker/single-and-reset", test_breaker_open_single_and_reset);
  ADD ("accounts/cooldown-and-unlock", test_account_cooldown_and_unlock);
  ADD ("accounts/round-robin-sticky", test_account_round_robin_sticky);
  ADD ("accounts/per-combo-strategy", test_combo_account_strategy);
  ADD ("accounts/concurrency-limit-queues", test_concurrency_limit_queues);
  ADD ("resolve/wildcard-alias", test_wildcard_alias);
  ADD ("resolve/fallback-chain", test_fallback_chain);
  ADD ("settings/validated", test_routing_settings_validated);
  ADD ("models/lists-combos", test_models_lists_combos);
#undef ADD

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /metrics: its guards (admin token, Host), the Prometheus text format 0.0.4 (every sample
 * belongs to a declared family, labels escaped, histogram buckets cumulative), the request,
 * token and cost counters fed by real requests through the mock upstream, breaker states,
 * budget gauges, and the bound on provider labels.
 */
#include <string.h>

#include "sy-test-gateway-fixture.h"

#include "gateway/sy-metrics.h"

typedef SyTestGatewayFixture Fixture;

#define CHAT_BODY "{\"model\":\"p1/m\",\"max_tokens\":7,\"messages\":[{\"role\":\"user\"," \
                  "\"content\":\"hi\"}]}"

static SyTestResponse *
scrape (Fixture *f)
{
  SyTestResponse *r = sy_test_gateway_request (f->t, "GET", "/metrics", NULL, NULL, 0,
                                               "Authorization", "Bearer " SY_TEST_ADMIN_TOKEN,
                                               NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return r;
}

/* The family a sample belongs to: histogram series carry a suffix. */
static char *
family_of (const char *name,
           GHashTable *types)
{
  static const char * const suffixes[] = { "_bucket", "_sum", "_count" };

  if (g_hash_table_contains (types, name))
    return g_strdup (name);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (name, suffixes[i]))
      {
        g_autofree char *base = g_strndup (name, strlen (name) - strlen (suffixes[i]));

        if (g_strcmp0 (g_hash_table_lookup (types, base), "histogram") == 0)
          return g_steal_pointer (&base);
      }
  return NULL;
}

/* Checks the exposition and returns "name{labels}" -> value text. */
static GHashTable *
parse (SyTestResponse *r)
{
  g_autofree char *text = sy_test_response_dup_body (r);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GHashTable) types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTable *samples = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  guint n = g_strv_length (lines);

  g_assert_true (g_str_has_suffix (text, "\n"));
  for (guint i = 0; i + 1 < n; i++)
    {
      const char *line = lines[i];
      const char *space;
      g_autofree char *series = NULL;
      g_autofree char *name = NULL;
      g_autofree char *family = NULL;
      char *end = NULL;

      g_assert_cmpstr (line, !=, "");
      if (g_str_has_prefix (line, "# TYPE "))
        {
          g_auto(GStrv) parts = g_strsplit (line + strlen ("# TYPE "), " ", 2);

          g_assert_nonnull (parts[1]);
          g_assert_false (g_hash_table_contains (types, parts[0]));
          g_hash_table_insert (types, g_strdup (parts[0]), g_strdup (parts[1]));
          continue;
        }
      if (g_str_has_prefix (line, "# HELP "))
        continue;
      g_assert_false (g_str_has_prefix (line, "#"));

      space = strrchr (line, ' ');
      g_assert_nonnull (space);
      series = g_strndup (line, space - line);
      g_ascii_strtod (space + 1, &end);
      g_assert_true (end != NULL && *end == '\0' && end != space + 1);
      name = g_strndup (series, strcspn (series, "{"));
      family = family_of (name, types);
      if (family == NULL)
        g_error ("sample %s has no # TYPE before it", line);
      g_assert_false (g_hash_table_contains (samples, series));
      g_hash_table_insert (samples, g_steal_pointer (&series), g_strdup (space + 1));
    }
  return samples;
}

static double
value_of (GHashTable *samples,
          const char *series)
{
  const char *text = g_hash_table_lookup (samples, series);

  if (text == NULL)
    g_error ("no sample %s", series);
  return g_ascii_strtod (text, NULL);
}

static void
set_price (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  SyPrice price = { 1000, 2000, 500 };

  g_assert_true (sy_pricing_repo_set (sy_gateway_get_pricing (f->t->gateway), "p1", "m", &price,
                                      &error));
  g_assert_no_error (error);
}

static void
test_guarded (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(SyTestResponse) anonymous = NULL;
  g_autoptr(SyTestResponse) wrong = NULL;
  g_autoptr(SyTestResponse) rebinding = NULL;
  g_autoptr(SyTestResponse) post = NULL;
  g_autoptr(SyTestResponse) ok = NULL;
  g_autofree char *body = NULL;

  anonymous = sy_test_gateway_request (f->t, "GET", "/metrics", NULL, NULL, 0, NULL);
  g_assert_cmpuint (anonymous->status, ==, 401);
  wrong = sy_test_gateway_request (f->t, "GET", "/metrics", NULL, NULL, 0,
                                   "Authorization", "Bearer not-the-token", NULL);
  g_assert_cmpuint (wrong->status, ==, 401);
  rebinding = sy_test_gateway_request (f->t, "GET", "/metrics", NULL, NULL, 0,
                                       "Authorization", "Bearer " SY_TEST_ADMIN_TOKEN,
                                       "Host", "attacker.example:20128", NULL);
  g_assert_cmpuint (rebinding->status, ==, 403);
  post = sy_test_gateway_request (f->t, "POST", "/metrics", "text/plain", "x", -1,
                                  "Authorization", "Bearer " SY_TEST_ADMIN_TOKEN, NULL);
  g_assert_cmpuint (post->status, ==, 405);

  ok = scrape (f);
  g_assert_cmpstr (soup_message_headers_get_one (ok->headers, "Content-Type"), ==,
                   SY_METRICS_CONTENT_TYPE);
  body = sy_test_response_dup_body (ok);
  g_assert_nonnull (strstr (body, "# TYPE switchyard_requests_total counter\n"));
  g_assert_null (strstr (body, SY_TEST_ADMIN_TOKEN));
}

/* Two answered requests and one failure: counts by provider and status, errors, tokens as the
 * mock reported them, cost at the table's prices, and a histogram that adds up. */
static void
test_request_counters (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(SyTestResponse) failed = NULL;
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(GHashTable) samples = NULL;
  g_autofree char *failed_series = NULL;
  SyMockBehaviour behaviour = { 0 };
  double each = (8 * 1000.0 + 3 * 500.0 + 7 * 2000.0) / 1e6;
  double previous = 0;
  static const char * const les[] = {
    "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "60", "120", "300", "600", "+Inf",
  };

  g_free (sy_test_gateway_add_account (f->t, "p1", "upstream-key", 1, NULL));
  set_price (f);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(SyTestResponse) ok = sy_test_gateway_chat (f->t, CHAT_BODY);

      g_assert_cmpuint (ok->status, ==, 200);
    }
  behaviour.kind = SY_MOCK_STATUS;
  behaviour.status = 400;
  sy_mock_upstream_push (f->t->mock, &behaviour);
  failed = sy_test_gateway_chat (f->t, CHAT_BODY);
  g_assert_cmpuint (failed->status, ==, 400);

  r = scrape (f);
  samples = parse (r);
  g_assert_cmpfloat (value_of (samples, "switchyard_requests_total{provider=\"p1\","
                                        "status=\"200\"}"), ==, 2);
  failed_series = g_strdup_printf ("switchyard_requests_total{provider=\"p1\",status=\"%u\"}",
                                   failed->status);
  g_assert_cmpfloat (value_of (samples, failed_series), ==, 1);
  g_assert_cmpfloat (value_of (samples, "switchyard_request_errors_total"), ==, 1);
  g_assert_cmpfloat (value_of (samples, "switchyard_tokens_total{direction=\"input\"}"), ==, 22);
  g_assert_cmpfloat (value_of (samples, "switchyard_tokens_total{direction=\"output\"}"), ==, 14);
  g_assert_cmpfloat_with_epsilon (value_of (samples, "switchyard_cost_usd_total"), 2 * each,
                                  1e-9);

  for (guint i = 0; i < G_N_ELEMENTS (les); i++)
    {
      g_autofree char *series = g_strdup_printf (
        "switchyard_request_duration_seconds_bucket{le=\"%s\"}", les[i]);
      double v = value_of (samples, series);

      g_assert_cmpfloat (v, >=, previous);
      previous = v;
    }
  g_assert_cmpfloat (previous, ==, 3);
  g_assert_cmpfloat (value_of (samples, "switchyard_request_duration_seconds_count"), ==, 3);
  g_assert_cmpfloat (value_of (samples, "switchyard_request_duration_seconds_sum"), >, 0);
}

/* 0 closed, 1 open (a 502 with failureThreshold 1), and 0 again after a reset. */
static void
test_breaker_state (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(SyTestResponse) failed = NULL;
  g_autoptr(SyTestResponse) settings = NULL;
  g_autoptr(SyTestResponse) reset = NULL;
  g_autoptr(SyTestResponse) before = NULL;
  g_autoptr(SyTestResponse) open = NULL;
  g_autoptr(SyTestResponse) closed = NULL;
  g_autoptr(GHashTable) samples = NULL;
  SyMockBehaviour behaviour = { 0 };

  g_free (sy_test_gateway_add_account (f->t, "p1", "upstream-key", 1, NULL));
  settings = sy_test_gateway_api (f->t, "PUT", "/api/settings",
                                  "{\"providerProfiles\":{\"local\":{\"failureThreshold\":1,"
                                  "\"resetMs\":60000}}}");
  g_assert_cmpuint (settings->status, ==, 200);
  {
    g_autoptr(SyTestResponse) ok = sy_test_gateway_chat (f->t, CHAT_BODY);

    g_assert_cmpuint (ok->status, ==, 200);
  }
  before = scrape (f);
  samples = parse (before);
  g_assert_cmpfloat (value_of (samples, "switchyard_circuit_breaker_state{provider=\"p1\"}"), ==,
                     0);
  g_clear_pointer (&samples, g_hash_table_unref);

  behaviour.kind = SY_MOCK_STATUS;
  behaviour.status = 502;
  sy_mock_upstream_push (f->t->mock, &behaviour);
  failed = sy_test_gateway_chat (f->t, CHAT_BODY);
  g_assert_cmpuint (failed->status, ==, 502);
  open = scrape (f);
  samples = parse (open);
  g_assert_cmpfloat (value_of (samples, "switchyard_circuit_breaker_state{provider=\"p1\"}"), ==,
                     1);
  g_clear_pointer (&samples, g_hash_table_unref);

  reset = sy_test_gateway_api (f->t, "POST", "/api/resilience/reset", NULL);
  g_assert_cmpuint (reset->status, <, 300);
  closed = scrape (f);
  samples = parse (closed);
  g_assert_cmpfloat (value_of (samples, "switchyard_circuit_breaker_state{provider=\"p1\"}"), ==,
                     0);
}

/* Spend and limit per key and period, and the refusals the budget caused. */
static void
test_budget_gauges (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(SyTestResponse) key = NULL;
  g_autoptr(SyTestResponse) budget = NULL;
  g_autoptr(SyTestResponse) ok = NULL;
  g_autoptr(SyTestResponse) refused = NULL;
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(GHashTable) samples = NULL;
  g_autofree char *json = NULL;
  g_autofree char *bearer = NULL;
  g_autofree char *spent = NULL;
  g_autofree char *limit = NULL;
  const char *key_id;
  double each = (8 * 1000.0 + 3 * 500.0 + 7 * 2000.0) / 1e6;

  g_free (sy_test_gateway_add_account (f->t, "p1", "upstream-key", 1, NULL));
  set_price (f);
  key = sy_test_gateway_api (f->t, "POST", "/api/keys", "{\"name\":\"ci\"}");
  g_assert_cmpuint (key->status, ==, 201);
  key_id = sy_test_response_get_string (key, "id");
  bearer = g_strconcat ("Bearer ", sy_test_response_get_string (key, "key"), NULL);
  json = g_strdup_printf ("{\"keyId\":\"%s\",\"limit\":0.05,\"period\":\"monthly\"}", key_id);
  budget = sy_test_gateway_api (f->t, "POST", "/api/usage/budget", json);
  g_assert_cmpuint (budget->status, ==, 201);

  ok = sy_test_gateway_request (f->t, "POST", "/v1/chat/completions", "application/json",
                                CHAT_BODY, -1, "Authorization", bearer, NULL);
  g_assert_cmpuint (ok->status, ==, 200);
  refused = sy_test_gateway_request (f->t, "POST", "/v1/chat/completions", "application/json",
                                     CHAT_BODY, -1, "Authorization", bearer, NULL);
  g_assert_cmpuint (refused->status, ==, 402);

  r = scrape (f);
  samples = parse (r);
  spent = g_strdup_printf ("switchyard_budget_spent_usd{key=\"%s\",period=\"monthly\"}", key_id);
  limit = g_strdup_printf ("switchyard_budget_limit_usd{key=\"%s\",period=\"monthly\"}", key_id);
  g_assert_cmpfloat_with_epsilon (value_of (samples, spent), each, 1e-9);
  g_assert_cmpfloat_with_epsilon (value_of (samples, limit), 0.05, 1e-9);
  g_assert_cmpfloat (value_of (samples, "switchyard_budget_refusals_total{period=\"monthly\"}"),
                     ==, 1);
  g_assert_cmpfloat (value_of (samples, "switchyard_budget_refusals_total{period=\"daily\"}"),
                     ==, 0);
  /* A refused request never reached a provider. */
  g_assert_cmpfloat (value_of (samples, "switchyard_requests_total{provider=\"p1\","
                                        "status=\"200\"}"), ==, 1);
}

/* Label values are escaped; past the bound, new providers count as "other". */
static void
test_labels_bounded_and_escaped (void)
{
  g_autoptr(SyMetrics) metrics = sy_metrics_new ();
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) escaped = g_string_new (NULL);
  guint series = 0;
  const char *p;

  for (guint i = 0; i < 250; i++)
    {
      g_autoptr(SyUsageRecord) r = sy_usage_record_new ();

      r->provider = g_strdup_printf ("node%03u", i);
      r->model = g_strdup ("m");
      r->status = 200;
      r->latency_ms = 5;
      sy_metrics_observe (metrics, NULL, r);
    }
  sy_metrics_render (metrics, out);
  for (p = out->str; (p = strstr (p, "\nswitchyard_requests_total{")) != NULL; p++)
    series++;
  g_assert_cmpuint (series, ==, 201);
  g_assert_nonnull (strstr (out->str, "switchyard_requests_total{provider=\"node000\","
                                      "status=\"200\"} 1\n"));
  g_assert_nonnull (strstr (out->str, "switchyard_requests_total{provider=\"other\","
                                      "status=\"200\"} 50\n"));
  g_assert_nonnull (strstr (out->str, "switchyard_request_duration_seconds_count 250\n"));

  sy_metrics_append_sample (escaped, "x", 1.5, "a", "q\"b\\s\nn", NULL);
  g_assert_cmpstr (escaped->str, ==, "x{a=\"q\\\"b\\\\s\\nn\"} 1.5\n");
  g_assert_finalize_object (g_steal_pointer (&metrics));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sy/gateway/metrics/labels-bounded-and-escaped",
                   test_labels_bounded_and_escaped);
#define ADD(path, func) \
  g_test_add ("/sy/gateway/metrics/" path, Fixture, NULL, sy_test_gateway_fixture_setup, func, \
              sy_test_gateway_fixture_teardown)
  ADD ("guarded", test_guarded);
  ADD ("request-counters", test_request_counters);
  ADD ("breaker-state", test_breaker_state);
  ADD ("budget-gauges", test_budget_gauges);
#undef ADD

  return g_test_run ();
}

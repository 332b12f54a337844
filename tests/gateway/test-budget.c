/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Budgets per inbound API key: the UTC calendar of their periods, the cost estimate, the
 * ledger's reservations, /api/usage/budget (PATCH changes a budget that exists and never
 * creates one), and enforcement end to end through the mock
 * upstream: 100 concurrent requests against a budget that allows exactly 20 of them, the
 * warning header, 402 in every client dialect, costs that add up and survive a reload, periods
 * that roll over, and failed requests that give their reservation back.
 */
#include <string.h>

#include "sy-test-gateway-fixture.h"

#include "gateway/sy-budget-guard.h"
#include "gateway/sy-budget-ledger.h"
#include "store/sy-database.h"

typedef SyTestGatewayFixture Fixture;

/* The mock reports 11 prompt tokens (3 of them cached) and 7 completion tokens. With only
 * output priced at 1000 USD per million tokens, a request costs 0.007 USD, and its estimate
 * (max_tokens 7) is exactly that. */
#define CHAT_BODY "{\"model\":\"p1/m\",\"max_tokens\":7,\"messages\":[{\"role\":\"user\"," \
                  "\"content\":\"hi\"}]}"
#define REQUEST_USD 0.007

static gint64
utc_ms (int year,
        int month,
        int day,
        int hour,
        int minute,
        int second)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (year, month, day, hour, minute, second);

  return g_date_time_to_unix (dt) * 1000;
}

static gint64
fixed_clock (gpointer user_data)
{
  return *(gint64 *) user_data;
}

/* --- the calendar ---------------------------------------------------------------------------- */

static void
test_periods (void)
{
  static const struct
  {
    SyBudgetPeriod period;
    int            y, mo, d, h, mi, s;
    const char    *start;
    const char    *end;
  } cases[] = {
    { SY_BUDGET_DAILY, 2025, 6, 1, 23, 59, 59, "2025-06-01T00:00:00Z", "2025-06-02T00:00:00Z" },
    { SY_BUDGET_DAILY, 2025, 6, 2, 0, 0, 0, "2025-06-02T00:00:00Z", "2025-06-03T00:00:00Z" },
    /* 2025-06-01 is a Sunday: its week began on Monday 26 May. */
    { SY_BUDGET_WEEKLY, 2025, 6, 1, 12, 0, 0, "2025-05-26T00:00:00Z", "2025-06-02T00:00:00Z" },
    { SY_BUDGET_WEEKLY, 2025, 6, 2, 0, 0, 0, "2025-06-02T00:00:00Z", "2025-06-09T00:00:00Z" },
    /* A week across a new year. */
    { SY_BUDGET_WEEKLY, 2025, 1, 1, 8, 0, 0, "2024-12-30T00:00:00Z", "2025-01-06T00:00:00Z" },
    { SY_BUDGET_MONTHLY, 2024, 2, 29, 23, 0, 0, "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z" },
    { SY_BUDGET_MONTHLY, 2024, 12, 31, 23, 59, 59, "2024-12-01T00:00:00Z",
      "2025-01-01T00:00:00Z" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 start, end;
      g_autofree char *start_text = NULL;
      g_autofree char *end_text = NULL;

      sy_budget_period_bounds (cases[i].period, utc_ms (cases[i].y, cases[i].mo, cases[i].d,
                                                        cases[i].h, cases[i].mi, cases[i].s),
                               &start, &end);
      start_text = sy_budget_format_time (start);
      end_text = sy_budget_format_time (end);
      g_assert_cmpstr (start_text, ==, cases[i].start);
      g_assert_cmpstr (end_text, ==, cases[i].end);
    }
}

/* --- the estimate ---------------------------------------------------------------------------- */

static void
test_estimate (void)
{
  static const struct
  {
    SyDialect   dialect;
    const char *body;
    gint64      output;
  } cases[] = {
    { SY_DIALECT_OPENAI, "{\"max_tokens\":300}", 300 },
    { SY_DIALECT_OPENAI, "{\"max_tokens\":300,\"max_completion_tokens\":500}", 500 },
    { SY_DIALECT_OPENAI, "{\"messages\":[]}", 1234 },
    { SY_DIALECT_OPENAI, "{\"max_tokens\":-5}", 1234 },
    { SY_DIALECT_OPENAI, "{\"max_tokens\":\"9\"}", 1234 },
    { SY_DIALECT_ANTHROPIC, "{\"max_tokens\":64}", 64 },
    { SY_DIALECT_RESPONSES, "{\"max_output_tokens\":77}", 77 },
    { SY_DIALECT_RESPONSES, "{\"max_tokens\":77}", 1234 },
    { SY_DIALECT_GEMINI, "{\"generationConfig\":{\"temperature\":0,\"maxOutputTokens\":42}}", 42 },
    { SY_DIALECT_GEMINI, "{\"maxOutputTokens\":42}", 1234 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 input, output;
      gsize len = strlen (cases[i].body);

      sy_budget_estimate_tokens (cases[i].dialect, cases[i].body, len, 1234, &input, &output);
      g_assert_cmpint (input, ==, (gint64) (len + 3) / 4);
      g_assert_cmpint (output, ==, cases[i].output);
    }
}

/* --- the ledger alone ------------------------------------------------------------------------ */

/* Reservations count against the limit until they are given back: admission is race-free
 * however many requests are in flight, and a request exactly at the limit still fits. */
static void
test_ledger_reservations (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SyDatabase) db = sy_database_open (":memory:", &error);
  g_autoptr(SyApiKeyRepo) keys = NULL;
  g_autoptr(SyPricingRepo) pricing = NULL;
  g_autoptr(SyBudgetLedger) ledger = NULL;
  g_autoptr(SyApiKey) key = NULL;
  g_autofree char *plaintext = NULL;
  SyBudgetReservation *held[4] = { NULL };
  SyBudgetReservation *extra = NULL;
  SyBudgetVerdict verdict;
  gboolean created = FALSE;
  gint64 now = utc_ms (2025, 6, 4, 12, 0, 0);

  g_assert_no_error (error);
  keys = sy_api_key_repo_new (db, &error);
  g_assert_no_error (error);
  pricing = sy_pricing_repo_new (db, &error);
  g_assert_no_error (error);
  key = sy_api_key_repo_create (keys, "ci", &plaintext, &error);
  g_assert_no_error (error);
  ledger = sy_budget_ledger_new (db, pricing, &error);
  g_assert_no_error (error);
  sy_budget_ledger_set_clock (ledger, fixed_clock, &now);

  /* No budget: admitted, nothing reserved. */
  g_assert_true (sy_budget_ledger_admit (ledger, key->id, 5.0, &extra, NULL));
  g_assert_null (extra);

  g_assert_true (sy_budget_ledger_set_budget (ledger, key->id, SY_BUDGET_DAILY, 1.0, 0.8,
                                              &created, &error));
  g_assert_no_error (error);
  g_assert_true (created);
  g_assert_false (sy_budget_ledger_set_budget (ledger, "no-such-key", SY_BUDGET_DAILY, 1.0, 0.8,
                                               &created, &error));
  g_assert_error (error, SY_STORE_ERROR, SY_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* Four at 0.25 fill 1.0 exactly; the fifth, however small, is refused. */
  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    {
      g_assert_true (sy_budget_ledger_admit (ledger, key->id, 0.25, &held[i], &verdict));
      g_assert_nonnull (held[i]);
    }
  g_assert_cmpfloat_with_epsilon (sy_budget_ledger_get_reserved (ledger, key->id), 1.0, 1e-9);
  g_assert_false (sy_budget_ledger_admit (ledger, key->id, 0.000001, &extra, &verdict));
  g_assert_null (extra);
  g_assert_cmpint (verdict.refused_period, ==, SY_BUDGET_DAILY);
  g_assert_cmpint (verdict.reset_ms[SY_BUDGET_DAILY], ==, utc_ms (2025, 6, 5, 0, 0, 0));

  /* One ends at a lower actual cost: its estimate goes back, its cost stays. */
  sy_budget_ledger_charge (ledger, key->id, 0.1);
  g_clear_pointer (&held[0], sy_budget_reservation_free);
  g_assert_cmpfloat_with_epsilon (sy_budget_ledger_get_spent (ledger, key->id, SY_BUDGET_DAILY),
                                  0.1, 1e-9);
  g_assert_true (sy_budget_ledger_admit (ledger, key->id, 0.15, &held[0], NULL));
  g_assert_false (sy_budget_ledger_admit (ledger, key->id, 0.01, &extra, NULL));

  /* Two budgets: the refusal names the one that resets last. */
  g_assert_true (sy_budget_ledger_set_budget (ledger, key->id, SY_BUDGET_MONTHLY, 1.0, 0.8,
                                              &created, &error));
  g_assert_false (sy_budget_ledger_admit (ledger, key->id, 0.01, &extra, &verdict));
  g_assert_cmpint (verdict.refused_period, ==, SY_BUDGET_MONTHLY);
  g_assert_cmpint (verdict.reset_ms[SY_BUDGET_MONTHLY], ==, utc_ms (2025, 7, 1, 0, 0, 0));

  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    g_clear_pointer (&held[i], sy_budget_reservation_free);
  g_assert_cmpfloat_with_epsilon (sy_budget_ledger_get_reserved (ledger, key->id), 0, 1e-12);
  g_assert_finalize_object (g_steal_pointer (&ledger));
}

/* --- through the gateway --------------------------------------------------------------------- */

static void
set_price (Fixture *f,
           double   input,
           double   output,
           double   cached)
{
  g_autoptr(GError) error = NULL;
  SyPrice price = { input, output, cached };

  g_assert_true (sy_pricing_repo_set (sy_gateway_get_pricing (f->t->gateway), "p1", "m", &price,
                                      &error));
  g_assert_no_error (error);
}

/* An account on the mock, a key, output priced at 1000 USD/Mtok. Returns the key's id. */
static char *
setup_key (Fixture  *f,
           char    **plaintext)
{
  g_autoptr(SyTestResponse) r = NULL;

  g_free (sy_test_gateway_add_account (f->t, "p1", "upstream-key", 1, NULL));
  set_price (f, 0, 1000, 0);
  r = sy_test_gateway_api (f->t, "POST", "/api/keys", "{\"name\":\"laptop\"}");
  g_assert_cmpuint (r->status, ==, 201);
  *plaintext = g_strdup (sy_test_response_get_string (r, "key"));
  return g_strdup (sy_test_response_get_string (r, "id"));
}

static void
set_budget (Fixture    *f,
            const char *json)
{
  g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "POST", "/api/usage/budget", json);

  if (r->status != 201 && r->status != 200)
    g_error ("POST /api/usage/budget %s: %u %s", json, r->status, sy_test_response_dup_body (r));
}

static SyTestResponse *
request_as (Fixture    *f,
            const char *key,
            const char *path,
            const char *body)
{
  g_autofree char *bearer = g_strconcat ("Bearer ", key, NULL);

  return sy_test_gateway_request (f->t, "POST", path, "application/json", body, -1,
                                  "Authorization", bearer, NULL);
}

/* The one budget of GET /api/usage/budget for key_id and period. */
static JsonObject *
budget_of (Fixture         *f,
           const char      *key_id,
           const char      *period,
           SyTestResponse **keep)
{
  JsonArray *all;

  *keep = sy_test_gateway_api (f->t, "GET", "/api/usage/budget", NULL);
  g_assert_cmpuint ((*keep)->status, ==, 200);
  all = sy_test_response_get_array (*keep);
  for (guint i = 0; i < json_array_get_length (all); i++)
    {
      JsonObject *b = json_array_get_object_element (all, i);

      if (g_str_equal (json_object_get_string_member (b, "keyId"), key_id) &&
          g_str_equal (json_object_get_string_member (b, "period"), period))
        return b;
    }
  g_error ("no %s budget for %s", period, key_id);
  return NULL;
}

static void
test_api (Fixture       *f,
          gconstpointer  data)
{
  static const struct { const char *json; const char *field; } bad[] = {
    { "{\"limit\":5,\"period\":\"daily\"}", "keyId" },
    { "{\"keyId\":\"nope\",\"limit\":5,\"period\":\"daily\"}", "keyId" },
    { "{\"keyId\":\"KEY\",\"period\":\"daily\"}", "limit" },
    { "{\"keyId\":\"KEY\",\"limit\":0,\"period\":\"daily\"}", "limit" },
    { "{\"keyId\":\"KEY\",\"limit\":-3,\"period\":\"daily\"}", "limit" },
    { "{\"keyId\":\"KEY\",\"limit\":\"5\",\"period\":\"daily\"}", "limit" },
    { "{\"keyId\":\"KEY\",\"limit\":5,\"period\":\"yearly\"}", "period" },
    { "{\"keyId\":\"KEY\",\"limit\":5}", "period" },
    { "{\"keyId\":\"KEY\",\"limit\":5,\"period\":\"daily\",\"warningAt\":1.5}", "warningAt" },
    { "{\"keyId\":\"KEY\",\"limit\":5,\"period\":\"daily\",\"warningAt\":0}", "warningAt" },
    { "{\"keyId\":\"KEY\",\"limit\":5,\"period\":\"daily\",\"currency\":\"EUR\"}", "currency" },
  };
  g_autofree char *plaintext = NULL;
  g_autofree char *key_id = setup_key (f, &plaintext);
  g_autofree char *json = NULL;
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) list = NULL;
  JsonObject *b;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(SyTestResponse) e = NULL;
      g_autoptr(GString) body = g_string_new (bad[i].json);

      g_string_replace (body, "KEY", key_id, 0);
      e = sy_test_gateway_api (f->t, "POST", "/api/usage/budget", body->str);
      g_assert_cmpuint (e->status, ==, 400);
      g_assert_true (g_str_has_prefix (sy_test_response_get_string (e, "error.message"),
                                       bad[i].field));
    }

  /* Created with the default warning threshold, then replaced. */
  json = g_strdup_printf ("{\"keyId\":\"%s\",\"limit\":50,\"period\":\"monthly\"}", key_id);
  r = sy_test_gateway_api (f->t, "POST", "/api/usage/budget", json);
  g_assert_cmpuint (r->status, ==, 201);
  b = sy_test_response_get_object (r);
  g_assert_cmpstr (json_object_get_string_member (b, "keyName"), ==, "laptop");
  g_assert_cmpfloat (json_object_get_double_member (b, "limit"), ==, 50);
  g_assert_cmpfloat (json_object_get_double_member (b, "warningAt"), ==, 0.8);
  g_assert_cmpfloat (json_object_get_double_member (b, "spent"), ==, 0);
  g_assert_cmpfloat (json_object_get_double_member (b, "remaining"), ==, 50);
  g_assert_false (json_object_get_boolean_member (b, "warning"));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (b, "periodStart"),
                                   "-01T00:00:00Z"));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (b, "resetAt"),
                                   "-01T00:00:00Z"));
  g_clear_pointer (&r, sy_test_response_free);
  g_clear_pointer (&json, g_free);
  json = g_strdup_printf ("{\"keyId\":\"%s\",\"limit\":20.5,\"period\":\"monthly\","
                          "\"warningAt\":0.5}", key_id);
  r = sy_test_gateway_api (f->t, "POST", "/api/usage/budget", json);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpfloat (json_object_get_double_member (sy_test_response_get_object (r), "limit"),
                     ==, 20.5);
  g_clear_pointer (&json, g_free);
  json = g_strdup_printf ("{\"keyId\":\"%s\",\"limit\":1,\"period\":\"daily\"}", key_id);
  set_budget (f, json);

  /* Both are listed, and stored. */
  b = budget_of (f, key_id, "monthly", &list);
  g_assert_cmpfloat (json_object_get_double_member (b, "warningAt"), ==, 0.5);
  g_clear_pointer (&list, sy_test_response_free);
  list = sy_test_gateway_api (f->t, "GET", "/api/usage/budget", NULL);
  g_assert_cmpuint (json_array_get_length (sy_test_response_get_array (list)), ==, 2);
  {
    g_autofree char *count = sy_test_gateway_query_db_text (
      f->t, "SELECT COUNT(*) FROM api_key_budgets WHERE key_id = ?1", key_id);

    g_assert_cmpstr (count, ==, "2");
  }

  /* DELETE one period, then the rest; a second DELETE finds nothing. */
  {
    g_autoptr(SyTestResponse) d = sy_test_gateway_api_printf (
      f->t, "DELETE", NULL, "/api/usage/budget?keyId=%s&period=daily", key_id);
    g_autoptr(SyTestResponse) again = sy_test_gateway_api_printf (
      f->t, "DELETE", NULL, "/api/usage/budget?keyId=%s&period=daily", key_id);
    g_autoptr(SyTestResponse) no_key = sy_test_gateway_api (f->t, "DELETE", "/api/usage/budget",
                                                            NULL);
    g_autoptr(SyTestResponse) bad_period = sy_test_gateway_api_printf (
      f->t, "DELETE", NULL, "/api/usage/budget?keyId=%s&period=hourly", key_id);

    g_assert_cmpuint (d->status, ==, 204);
    g_assert_cmpuint (again->status, ==, 404);
    g_assert_cmpuint (no_key->status, ==, 400);
    g_assert_true (g_str_has_prefix (sy_test_response_get_string (no_key, "error.message"),
                                     "keyId"));
    g_assert_cmpuint (bad_period->status, ==, 400);
    g_assert_true (g_str_has_prefix (sy_test_response_get_string (bad_period, "error.message"),
                                     "period"));
  }
  g_clear_pointer (&list, sy_test_response_free);
  list = sy_test_gateway_api (f->t, "GET", "/api/usage/budget", NULL);
  g_assert_cmpuint (json_array_get_length (sy_test_response_get_array (list)), ==, 1);

  /* Deleting the key deletes its budgets. */
  {
    g_autoptr(SyTestResponse) d = sy_test_gateway_api_printf (f->t, "DELETE", NULL,
                                                              "/api/keys/%s", key_id);
    g_autofree char *count = NULL;

    g_assert_cmpuint (d->status, ==, 204);
    g_clear_pointer (&list, sy_test_response_free);
    list = sy_test_gateway_api (f->t, "GET", "/api/usage/budget", NULL);
    g_assert_cmpuint (json_array_get_length (sy_test_response_get_array (list)), ==, 0);
    count = sy_test_gateway_query_db_text (f->t, "SELECT COUNT(*) FROM api_key_budgets", NULL);
    g_assert_cmpstr (count, ==, "0");
  }

  /* Other methods and other /api/usage ids. */
  {
    g_autoptr(SyTestResponse) head = sy_test_gateway_api (f->t, "OPTIONS", "/api/usage/budget",
                                                          NULL);
    g_autoptr(SyTestResponse) other = sy_test_gateway_api (f->t, "GET", "/api/usage/budgets",
                                                           NULL);

    g_assert_cmpuint (head->status, ==, 405);
    g_assert_cmpuint (other->status, ==, 404);
  }
}

/* PATCH /api/usage/budget?keyId=&period= changes the members it names, keeps the others and
 * what was spent, and refuses what POST refuses; a budget that does not exist is a 404, never
 * a new one. PUT does the same. */
static void
test_api_update (Fixture       *f,
                 gconstpointer  data)
{
  static const struct { const char *query; const char *json; guint status; const char *field; }
  bad[] = {
    { "period=monthly", "{\"limit\":5}", 400, "keyId" },
    { "keyId=KEY", "{\"limit\":5}", 400, "period" },
    { "keyId=KEY&period=yearly", "{\"limit\":5}", 400, "period" },
    { "keyId=KEY&period=monthly", "{\"limit\":0}", 400, "limit" },
    { "keyId=KEY&period=monthly", "{\"limit\":2e9}", 400, "limit" },
    { "keyId=KEY&period=monthly", "{\"limit\":\"5\"}", 400, "limit" },
    { "keyId=KEY&period=monthly", "{\"warningAt\":1.5}", 400, "warningAt" },
    { "keyId=KEY&period=monthly", "{\"period\":\"weekly\"}", 400, "period" },
    { "keyId=KEY&period=monthly", "{\"keyId\":\"KEY\"}", 400, "keyId" },
    { "keyId=KEY&period=weekly", "{\"limit\":5}", 404, NULL },
    { "keyId=nope&period=monthly", "{\"limit\":5}", 404, NULL },
  };
  g_autofree char *plaintext = NULL;
  g_autofree char *key_id = setup_key (f, &plaintext);
  g_autofree char *json = g_strdup_printf ("{\"keyId\":\"%s\",\"limit\":50,"
                                           "\"period\":\"monthly\",\"warningAt\":0.5}",
                                           key_id);
  g_autoptr(SyTestResponse) list = NULL;
  g_autofree char *stored = NULL;
  JsonObject *b;

  set_budget (f, json);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GString) query = g_string_new (bad[i].query);
      g_autoptr(GString) body = g_string_new (bad[i].json);
      g_autoptr(SyTestResponse) e = NULL;

      g_string_replace (query, "KEY", key_id, 0);
      g_string_replace (body, "KEY", key_id, 0);
      e = sy_test_gateway_api_printf (f->t, "PATCH", body->str, "/api/usage/budget?%s",
                                      query->str);
      g_assert_cmpuint (e->status, ==, bad[i].status);
      if (bad[i].field != NULL)
        g_assert_true (g_str_has_prefix (sy_test_response_get_string (e, "error.message"),
                                         bad[i].field));
      else
        g_assert_cmpstr (sy_test_response_get_string (e, "error.code"), ==, "not_found");
    }
  /* Nothing of that changed it, and no weekly budget was made. */
  b = budget_of (f, key_id, "monthly", &list);
  g_assert_cmpfloat (json_object_get_double_member (b, "limit"), ==, 50);
  g_assert_cmpuint (json_array_get_length (sy_test_response_get_array (list)), ==, 1);

  /* The limit alone: warningAt stays; the answer is the budget as GET lists it. */
  {
    g_autoptr(SyTestResponse) r = sy_test_gateway_api_printf (
      f->t, "PATCH", "{\"limit\":30.5}", "/api/usage/budget?keyId=%s&period=monthly", key_id);

    g_assert_cmpuint (r->status, ==, 200);
    b = sy_test_response_get_object (r);
    g_assert_cmpstr (json_object_get_string_member (b, "keyName"), ==, "laptop");
    g_assert_cmpstr (json_object_get_string_member (b, "period"), ==, "monthly");
    g_assert_cmpfloat (json_object_get_double_member (b, "limit"), ==, 30.5);
    g_assert_cmpfloat (json_object_get_double_member (b, "warningAt"), ==, 0.5);
    g_assert_cmpfloat (json_object_get_double_member (b, "remaining"), ==, 30.5);
  }
  stored = sy_test_gateway_query_db_text (
    f->t, "SELECT limit_usd || ' ' || warning_at FROM api_key_budgets WHERE key_id = ?1",
    key_id);
  g_assert_cmpstr (stored, ==, "30.5 0.5");
  g_clear_pointer (&stored, g_free);

  /* warningAt alone, with PUT: the limit stays. */
  {
    g_autoptr(SyTestResponse) r = sy_test_gateway_api_printf (
      f->t, "PUT", "{\"warningAt\":0.9}", "/api/usage/budget?keyId=%s&period=monthly", key_id);

    g_assert_cmpuint (r->status, ==, 200);
  }
  stored = sy_test_gateway_query_db_text (
    f->t, "SELECT limit_usd || ' ' || warning_at FROM api_key_budgets WHERE key_id = ?1",
    key_id);
  g_assert_cmpstr (stored, ==, "30.5 0.9");
  g_clear_pointer (&list, sy_test_response_free);
  b = budget_of (f, key_id, "monthly", &list);
  g_assert_cmpfloat (json_object_get_double_member (b, "warningAt"), ==, 0.9);

  /* Deleted, it cannot be changed back into being. */
  {
    g_autoptr(SyTestResponse) d = sy_test_gateway_api_printf (
      f->t, "DELETE", NULL, "/api/usage/budget?keyId=%s&period=monthly", key_id);
    g_autoptr(SyTestResponse) r = sy_test_gateway_api_printf (
      f->t, "PATCH", "{\"limit\":10}", "/api/usage/budget?keyId=%s&period=monthly", key_id);
    g_autofree char *count = NULL;

    g_assert_cmpuint (d->status, ==, 204);
    g_assert_cmpuint (r->status, ==, 404);
    count = sy_test_gateway_query_db_text (f->t, "SELECT COUNT(*) FROM api_key_budgets", NULL);
    g_assert_cmpstr (count, ==, "0");
  }
}

/* 100 requests at once against a daily budget of 0.14 USD at 0.007 each: exactly 20 go
 * upstream and succeed, 80 get 402, and the spend never passes the limit on the way. */
typedef struct
{
  Fixture *f;
  char    *key_id;
  guint    done;
  guint    ok;
  guint    refused;
  guint    other;
  double   limit;
} Tally;

static void
concurrent_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Tally *tally = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  SyBudgetLedger *ledger = sy_gateway_get_budgets (tally->f->t->gateway);
  double spent = sy_budget_ledger_get_spent (ledger, tally->key_id, SY_BUDGET_DAILY);
  double reserved = sy_budget_ledger_get_reserved (ledger, tally->key_id);

  tally->done++;
  if (body != NULL && soup_message_get_status (msg) == 200)
    tally->ok++;
  else if (body != NULL && soup_message_get_status (msg) == 402)
    tally->refused++;
  else
    tally->other++;
  g_assert_cmpfloat (spent, <=, tally->limit + 1e-9);
  g_assert_cmpfloat (spent + reserved, <=, tally->limit + 1e-9);
}

static void
test_concurrent_requests (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *plaintext = NULL;
  g_autofree char *key_id = setup_key (f, &plaintext);
  g_autofree char *json = NULL;
  g_autofree char *url = g_strdup_printf ("%s/v1/chat/completions", f->t->base_url);
  g_autofree char *bearer = g_strconcat ("Bearer ", plaintext, NULL);
  g_autoptr(SoupSession) client = soup_session_new_with_options ("max-conns", 256,
                                                                 "max-conns-per-host", 256,
                                                                 NULL);
  g_autoptr(SyTestResponse) list = NULL;
  g_autoptr(SyTestResponse) after = NULL;
  gint64 now = utc_ms (2025, 6, 4, 12, 0, 0);
  Tally tally = { f, key_id, 0, 0, 0, 0, 0.14 };
  JsonObject *b;

  sy_budget_ledger_set_clock (sy_gateway_get_budgets (f->t->gateway), fixed_clock, &now);
  json = g_strdup_printf ("{\"keyId\":\"%s\",\"limit\":0.14,\"period\":\"daily\","
                          "\"warningAt\":1}", key_id);
  set_budget (f, json);

  for (guint i = 0; i < 20; i++)
    {
      SyMockBehaviour behaviour = { 0 };

      behaviour.kind = SY_MOCK_JSON;
      behaviour.delay_ms = 20;  /* keeps admitted requests in flight while the rest arrive */
      sy_mock_upstream_push (f->t->mock, &behaviour);
    }
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
      g_autoptr(GBytes) bytes = g_bytes_new_static (CHAT_BODY, strlen (CHAT_BODY));

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    bearer);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
      soup_session_send_and_read_async (client, msg, G_PRIORITY_DEFAULT, NULL,
                                        concurrent_done_cb, &tally);
    }
  while (tally.done < 100)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (tally.ok, ==, 20);
  g_assert_cmpuint (tally.refused, ==, 80);
  g_assert_cmpuint (tally.other, ==, 0);
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 20);

  b = budget_of (f, key_id, "daily", &list);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (b, "spent"), 0.14, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (b, "remaining"), 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (b, "percent"), 100, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (b, "reserved"), 0, 1e-12);
  g_assert_true (json_object_get_boolean_member (b, "warning"));
  g_assert_true (json_object_get_boolean_member (b, "exceeded"));
  g_assert_cmpstr (json_object_get_string_member (b, "resetAt"), ==, "2025-06-05T00:00:00Z");

  /* The next one is refused too, saying which budget and until when. */
  after = request_as (f, plaintext, "/v1/chat/completions", CHAT_BODY);
  g_assert_cmpuint (after->status, ==, 402);
  g_assert_cmpstr (sy_test_response_get_string (after, "error.type"), ==, "insufficient_quota");
  g_assert_cmpstr (sy_test_response_get_string (after, "error.code"), ==, "budget_exceeded");
  g_assert_nonnull (strstr (sy_test_response_get_string (after, "error.message"), "daily"));
  g_assert_nonnull (strstr (sy_test_response_get_string (after, "error.message"),
                            "2025-06-05T00:00:00Z"));
  g_assert_cmpstr (soup_message_headers_get_one (after->headers, "Retry-After"), ==, "43200");
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 20);
}

/* Past the warning threshold (this request's estimate included), responses say so. */
static void
test_warning_header (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *plaintext = NULL;
  g_autofree char *key_id = setup_key (f, &plaintext);
  g_autofree char *json = NULL;
  g_autoptr(SyTestResponse) first = NULL;
  g_autoptr(SyTestResponse) second = NULL;
  g_autoptr(SyTestResponse) third = NULL;
  g_autoptr(SyTestResponse) anonymous = NULL;
  gint64 now = utc_ms (2025, 6, 4, 12, 0, 0);
  const char *warning;

  sy_budget_ledger_set_clock (sy_gateway_get_budgets (f->t->gateway), fixed_clock, &now);
  json = g_strdup_printf ("{\"keyId\":\"%s\",\"limit\":0.02,\"period\":\"weekly\","
                          "\"warningAt\":0.5}", key_id);
  set_budget (f, json);

  first = request_as (f, plaintext, "/v1/chat/completions", CHAT_BODY);
  g_assert_cmpuint (first->status, ==, 200);
  g_assert_null (soup_message_headers_get_one (first->headers, "X-Switchyard-Budget-Warning"));

  second = request_as (f, plaintext, "/v1/chat/completions", CHAT_BODY);
  g_assert_cmpuint (second->status, ==, 200);
  warning = soup_message_headers_get_one (second->headers, "X-Switchyard-Budget-Warning");
  g_assert_cmpstr (warning, ==, "weekly 70.0% of 0.02 USD, resets 2025-06-09T00:00:00Z");

  third = request_as (f, plaintext, "/v1/chat/completions", CHAT_BODY);
  g_assert_cmpuint (third->status, ==, 402);
  g_assert_nonnull (strstr (sy_test_response_get_string (third, "error.message"), "weekly"));

  /* Requests without a key have no budget. */
  anonymous = sy_test_gateway_chat (f->t, CHAT_BODY);
  g_assert_cmpuint (anonymous->status, ==, 200);
  g_assert_null (soup_message_headers_get_one (anonymous->headers,
                                               "X-Switchyard-Budget-Warning"));
}

/* Every dialect gets its own error shape for 402, naming the period and the reset. */
static void
test_refusal_dialects (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *plaintext = NULL;
  g_autofree char *key_id = setup_key (f, &plaintext);
  g_autofree char *json = NULL;
  g_autoptr(SyTestResponse) openai = NULL;
  g_autoptr(SyTestResponse) anthropic = NULL;
  g_autoptr(SyTestResponse) gemini = NULL;
  g_autoptr(SyTestResponse) responses = NULL;
  gint64 now = utc_ms (2025, 6, 30, 18, 0, 0);

  sy_budget_ledger_set_clock (sy_gateway_get_budgets (f->t->gateway), fixed_clock, &now);
  /* Below one request's estimate: every request is refused before it goes upstream. */
  json = g_strdup_printf ("{\"keyId\":\"%s\",\"limit\":0.001,\"period\":\"monthly\"}", key_id);
  set_budget (f, json);

  openai = request_as (f, plaintext, "/v1/chat/completions", CHAT_BODY);
  g_assert_cmpuint (openai->status, ==, 402);
  g_assert_cmpstr (sy_test_response_get_string (openai, "error.type"), ==, "insufficient_quota");

  anthropic = request_as (f, plaintext, "/v1/messages",
                          "{\"model\":\"p1/m\",\"max_tokens\":7,\"messages\":[{\"role\":\"user\","
                          "\"content\":\"hi\"}]}");
  g_assert_cmpuint (anthropic->status, ==, 402);
  g_assert_cmpstr (sy_test_response_get_string (anthropic, "type"), ==, "error");
  g_assert_cmpstr (sy_test_response_get_string (anthropic, "error.type"), ==, "billing_error");
  g_assert_nonnull (strstr (sy_test_response_get_string (anthropic, "error.message"),
                            "monthly"));
  g_assert_nonnull (strstr (sy_test_response_get_string (anthropic, "error.message"),
                            "2025-07-01T00:00:00Z"));

  gemini = request_as (f, plaintext, "/v1beta/models/p1/m:generateContent",
                       "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],"
                       "\"generationConfig\":{\"maxOutputTokens\":7}}");
  g_assert_cmpuint (gemini->status, ==, 402);
  g_assert_cmpint (json_object_get_int_member (
                     json_object_get_object_member (sy_test_response_get_object (gemini),
                                                    "error"), "code"), ==, 402);
  g_assert_cmpstr (sy_test_response_get_string (gemini, "error.status"), ==,
                   "FAILED_PRECONDITION");
  g_assert_nonnull (strstr (sy_test_response_get_string (gemini, "error.message"), "monthly"));

  responses = request_as (f, plaintext, "/v1/responses",
                          "{\"model\":\"p1/m\",\"input\":\"hi\",\"max_output_tokens\":7}");
  g_assert_cmpuint (responses->status, ==, 402);
  g_assert_cmpstr (sy_test_response_get_string (responses, "error.type"), ==,
                   "insufficient_quota");
  g_assert_cmpstr (soup_message_headers_get_one (responses->headers, "Retry-After"), ==,
                   "21600");

  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 0);
}

/* Costs follow the pricing table (cached tokens at the cached price) and are read back from
 * usage_history when the ledger starts again. */
static void
test_costs_add_up_and_persist (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *plaintext = NULL;
  g_autofree char *key_id = setup_key (f, &plaintext);
  g_autofree char *json = NULL;
  g_autoptr(SyTestResponse) list = NULL;
  g_autoptr(GError) error = NULL;
  /* 8 uncached + 3 cached prompt tokens, 7 completion tokens. */
  double each = (8 * 1000.0 + 3 * 500.0 + 7 * 2000.0) / 1e6;
  JsonObject *b;

  set_price (f, 1000, 2000, 500);
  json = g_strdup_printf ("{\"keyId\":\"%s\",\"limit\":10,\"period\":\"monthly\"}", key_id);
  set_budget (f, json);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SyTestResponse) r = request_as (f, plaintext, "/v1/chat/completions", CHAT_BODY);

      g_assert_cmpuint (r->status, ==, 200);
    }
  b = budget_of (f, key_id, "monthly", &list);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (b, "spent"), 3 * each, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (b, "remaining"), 10 - 3 * each,
                                  1e-9);

  /* A new ledger over the same database (as after a restart or an import) sums the rows. */
  sy_usage_writer_flush (sy_gateway_get_usage_writer (f->t->gateway));
  g_assert_true (sy_gateway_reload_database (f->t->gateway, &error));
  g_assert_no_error (error);
  g_clear_pointer (&list, sy_test_response_free);
  b = budget_of (f, key_id, "monthly", &list);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (b, "spent"), 3 * each, 1e-9);
  g_assert_cmpfloat_with_epsilon (sy_budget_ledger_get_spent (sy_gateway_get_budgets (
                                    f->t->gateway), key_id, SY_BUDGET_DAILY), 3 * each, 1e-9);
}

/* Entering a new day and week starts those counts from zero; the month keeps counting. */
static void
test_periods_roll_over (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *plaintext = NULL;
  g_autofree char *key_id = setup_key (f, &plaintext);
  g_autofree char *json = NULL;
  g_autoptr(SyTestResponse) refused = NULL;
  g_autoptr(SyTestResponse) monday = NULL;
  g_autoptr(SyTestResponse) list = NULL;
  gint64 now = utc_ms (2025, 6, 1, 23, 59, 0);  /* a Sunday */
  SyBudgetLedger *ledger = sy_gateway_get_budgets (f->t->gateway);

  sy_budget_ledger_set_clock (ledger, fixed_clock, &now);
  json = g_strdup_printf ("{\"keyId\":\"%s\",\"limit\":0.007,\"period\":\"weekly\"}", key_id);
  set_budget (f, json);
  g_clear_pointer (&json, g_free);
  json = g_strdup_printf ("{\"keyId\":\"%s\",\"limit\":1,\"period\":\"monthly\"}", key_id);
  set_budget (f, json);

  {
    g_autoptr(SyTestResponse) r = request_as (f, plaintext, "/v1/chat/completions", CHAT_BODY);

    g_assert_cmpuint (r->status, ==, 200);
  }
  refused = request_as (f, plaintext, "/v1/chat/completions", CHAT_BODY);
  g_assert_cmpuint (refused->status, ==, 402);
  g_assert_nonnull (strstr (sy_test_response_get_string (refused, "error.message"),
                            "2025-06-02T00:00:00Z"));

  now = utc_ms (2025, 6, 2, 0, 0, 0);
  monday = request_as (f, plaintext, "/v1/chat/completions", CHAT_BODY);
  g_assert_cmpuint (monday->status, ==, 200);
  g_assert_cmpfloat_with_epsilon (sy_budget_ledger_get_spent (ledger, key_id, SY_BUDGET_WEEKLY),
                                  REQUEST_USD, 1e-9);
  g_assert_cmpfloat_with_epsilon (sy_budget_ledger_get_spent (ledger, key_id, SY_BUDGET_DAILY),
                                  REQUEST_USD, 1e-9);
  g_assert_cmpfloat_with_epsilon (sy_budget_ledger_get_spent (ledger, key_id, SY_BUDGET_MONTHLY),
                                  2 * REQUEST_USD, 1e-9);
  {
    JsonObject *b = budget_of (f, key_id, "weekly", &list);

    g_assert_cmpstr (json_object_get_string_member (b, "periodStart"), ==,
                     "2025-06-02T00:00:00Z");
    g_assert_cmpstr (json_object_get_string_member (b, "resetAt"), ==, "2025-06-09T00:00:00Z");
  }

  now = utc_ms (2025, 7, 1, 0, 0, 0);
  g_assert_cmpfloat (sy_budget_ledger_get_spent (ledger, key_id, SY_BUDGET_MONTHLY), ==, 0);
}

/* A request that fails upstream gives its reservation back and costs nothing. */
static void
test_failure_releases (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *plaintext = NULL;
  g_autofree char *key_id = setup_key (f, &plaintext);
  g_autofree char *json = NULL;
  g_autoptr(SyTestResponse) failed = NULL;
  g_autoptr(SyTestResponse) ok = NULL;
  SyBudgetLedger *ledger = sy_gateway_get_budgets (f->t->gateway);
  SyMockBehaviour behaviour = { 0 };

  json = g_strdup_printf ("{\"keyId\":\"%s\",\"limit\":0.007,\"period\":\"daily\"}", key_id);
  set_budget (f, json);
  behaviour.kind = SY_MOCK_STATUS;
  behaviour.status = 400;
  sy_mock_upstream_push (f->t->mock, &behaviour);

  failed = request_as (f, plaintext, "/v1/chat/completions", CHAT_BODY);
  g_assert_cmpuint (failed->status, ==, 400);
  g_assert_cmpfloat (sy_budget_ledger_get_reserved (ledger, key_id), ==, 0);
  g_assert_cmpfloat (sy_budget_ledger_get_spent (ledger, key_id, SY_BUDGET_DAILY), ==, 0);

  /* The whole budget is still there for one request. */
  ok = request_as (f, plaintext, "/v1/chat/completions", CHAT_BODY);
  g_assert_cmpuint (ok->status, ==, 200);
  g_assert_cmpfloat_with_epsilon (sy_budget_ledger_get_spent (ledger, key_id, SY_BUDGET_DAILY),
                                  REQUEST_USD, 1e-9);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sy/gateway/budget/periods", test_periods);
  g_test_add_func ("/sy/gateway/budget/estimate", test_estimate);
  g_test_add_func ("/sy/gateway/budget/ledger-reservations", test_ledger_reservations);
#define ADD(path, func) \
  g_test_add ("/sy/gateway/budget/" path, Fixture, NULL, sy_test_gateway_fixture_setup, func, \
              sy_test_gateway_fixture_teardown)
  ADD ("api", test_api);
  ADD ("api-update", test_api_update);
  ADD ("concurrent-requests", test_concurrent_requests);
  ADD ("warning-header", test_warning_header);
  ADD ("refusal-dialects", test_refusal_dialects);
  ADD ("costs-add-up-and-persist", test_costs_add_up_and_persist);
  ADD ("periods-roll-over", test_periods_roll_over);
  ADD ("failure-releases", test_failure_releases);
#undef ADD

  return g_test_run ();
}

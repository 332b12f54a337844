/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Costs and the usage API end to end: requests through the mock upstream (which reports
 * prompt 11, completion 7, cached 3; its streams prompt 5, completion 9) cost what the pricing
 * table says, in the stored rows, the daily aggregates and GET /api/usage; every filter and
 * groupBy; pages; /api/pricing; and the 400s that name the bad parameter.
 */
#include <math.h>
#include <string.h>

#include "sy-test-gateway-fixture.h"

typedef SyTestGatewayFixture Fixture;

/* At 2 / 8 / 0.5 USD per million: the mock's JSON answer and its stream. */
#define COST_JSON   (((11 - 3) * 2.0 + 3 * 0.5 + 7 * 8.0) / 1e6)
#define COST_STREAM ((5 * 2.0 + 9 * 8.0) / 1e6)

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
chat_as (Fixture    *f,
         const char *key,
         const char *model,
         gboolean    stream)
{
  g_autofree char *body = g_strdup_printf ("{\"model\":\"%s\",\"stream\":%s,\"messages\":"
                                           "[{\"role\":\"user\",\"content\":\"hi\"}]}", model,
                                           stream ? "true" : "false");
  g_autofree char *auth = key ? g_strdup_printf ("Bearer %s", key) : NULL;

  return sy_test_gateway_request (f->t, "POST", "/v1/chat/completions", "application/json",
                                  body, -1, auth ? "Authorization" : NULL, auth, NULL);
}

static void
chat_ok (Fixture    *f,
         const char *key,
         const char *model)
{
  g_autoptr(SyTestResponse) r = chat_as (f, key, model, FALSE);

  g_assert_cmpuint (r->status, ==, 200);
}

static void
flush_usage (Fixture *f)
{
  sy_usage_writer_flush (sy_gateway_get_usage_writer (f->t->gateway));
}

/* GET /api/usage?query, asserting a 200. */
static SyTestResponse *
usage (Fixture    *f,
       const char *query)
{
  SyTestResponse *r = sy_test_gateway_api_printf (f->t, "GET", NULL, "/api/usage%s%s",
                                                  query ? "?" : "", query ? query : "");

  if (r->status != 200)
    g_error ("GET /api/usage?%s: %u %s", query, r->status, sy_test_response_dup_body (r));
  return r;
}

static JsonObject *
totals (SyTestResponse *r)
{
  return json_object_get_object_member (sy_test_response_get_object (r), "totals");
}

static JsonArray *
member_array (SyTestResponse *r,
              const char     *name)
{
  return json_object_get_array_member (sy_test_response_get_object (r), name);
}

/* The group whose member name equals value. */
static JsonObject *
find_group (SyTestResponse *r,
            const char     *name,
            const char     *value)
{
  JsonArray *groups = member_array (r, "groups");

  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      JsonObject *g = json_array_get_object_element (groups, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (g, name, NULL), value) == 0)
        return g;
    }
  g_error ("no group %s = %s", name, value);
  return NULL;
}

static gint64
int_member (JsonObject *o,
            const char *name)
{
  return json_object_get_int_member (o, name);
}

static double
cost_member (JsonObject *o)
{
  return json_object_get_double_member (o, "costUsd");
}

static char *
create_key (Fixture  *f,
            char    **id)
{
  g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "POST", "/api/keys", "{}");

  g_assert_cmpuint (r->status, ==, 201);
  *id = g_strdup (sy_test_response_get_string (r, "id"));
  return g_strdup (sy_test_response_get_string (r, "key"));
}

/* Requests through the mock cost what the pricing table says: in the rows, the aggregates and
 * the API; an unpriced model's cost is unknown (null), not zero. */
static void
test_costs_add_up (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(SyTestResponse) price = NULL;
  g_autoptr(SyTestResponse) stream = NULL;
  g_autoptr(SyTestResponse) all = NULL;
  g_autoptr(SyTestResponse) by_model = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *daily = NULL;
  JsonArray *rows;
  JsonObject *m1;
  guint unpriced_rows = 0;

  g_free (sy_test_gateway_add_account (f->t, "mock", "sk-test", 1, NULL));
  price = sy_test_gateway_api (f->t, "PUT", "/api/pricing",
                               "{\"provider\":\"mock\",\"model\":\"m1\",\"inputPerMTok\":2,"
                               "\"outputPerMTok\":8,\"cachedPerMTok\":0.5}");
  g_assert_cmpuint (price->status, ==, 200);
  g_assert_cmpstr (sy_test_response_get_string (price, "source"), ==, "user");

  for (guint i = 0; i < 3; i++)
    chat_ok (f, NULL, "mock/m1");
  chat_ok (f, NULL, "mock/m2");
  stream = chat_as (f, NULL, "mock/m1", TRUE);
  g_assert_cmpuint (stream->status, ==, 200);
  flush_usage (f);

  /* Stored rows carry their cost. */
  stored = sy_test_gateway_query_db_text (f->t, "SELECT printf ('%.10f', SUM(cost_usd)) FROM "
                                                "usage_history WHERE model = ?1", "m1");
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (stored, NULL), 3 * COST_JSON + COST_STREAM,
                                  1e-10);
  g_assert_null (sy_test_gateway_query_db_text (f->t, "SELECT cost_usd FROM usage_history "
                                                      "WHERE model = ?1", "m2"));
  daily = sy_test_gateway_query_db_text (f->t, "SELECT printf ('%.10f', SUM(cost_usd)) FROM "
                                               "usage_daily WHERE provider = ?1", "mock");
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (daily, NULL), 3 * COST_JSON + COST_STREAM,
                                  1e-10);

  /* The API adds them up. */
  all = usage (f, NULL);
  g_assert_cmpint (int_member (totals (all), "requests"), ==, 5);
  g_assert_cmpint (int_member (totals (all), "errors"), ==, 0);
  g_assert_cmpint (int_member (totals (all), "tokensInput"), ==, 4 * 11 + 5);
  g_assert_cmpint (int_member (totals (all), "tokensOutput"), ==, 4 * 7 + 9);
  g_assert_cmpint (int_member (totals (all), "tokensCacheRead"), ==, 4 * 3);
  g_assert_cmpint (int_member (totals (all), "unpricedRequests"), ==, 1);
  g_assert_cmpfloat_with_epsilon (cost_member (totals (all)), 3 * COST_JSON + COST_STREAM, 1e-12);

  rows = member_array (all, "rows");
  g_assert_cmpuint (json_array_get_length (rows), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      JsonNode *cost = json_object_get_member (row, "costUsd");

      if (g_str_equal (json_object_get_string_member (row, "model"), "m2"))
        {
          g_assert_true (JSON_NODE_HOLDS_NULL (cost));
          unpriced_rows++;
        }
      else
        g_assert_cmpfloat_with_epsilon (json_node_get_double (cost),
                                        json_object_get_boolean_member (row, "stream")
                                          ? COST_STREAM : COST_JSON, 1e-12);
      g_assert_cmpstr (json_object_get_string_member (row, "provider"), ==, "mock");
    }
  g_assert_cmpuint (unpriced_rows, ==, 1);

  by_model = usage (f, "groupBy=model");
  g_assert_cmpuint (json_array_get_length (member_array (by_model, "groups")), ==, 2);
  m1 = find_group (by_model, "model", "m1");
  g_assert_cmpstr (json_object_get_string_member (m1, "provider"), ==, "mock");
  g_assert_cmpint (int_member (m1, "requests"), ==, 4);
  g_assert_cmpfloat_with_epsilon (cost_member (m1), 3 * COST_JSON + COST_STREAM, 1e-12);
  g_assert_cmpint (int_member (find_group (by_model, "model", "m2"), "unpricedRequests"), ==, 1);
}

/* Two providers, two keys, one error; every filter and groupBy counts what it should. */
static void
test_filters_and_groups (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *id_a = NULL;
  g_autofree char *id_b = NULL;
  g_autofree char *key_a = NULL;
  g_autofree char *key_b = NULL;
  g_autofree char *today = NULL;
  g_autofree char *q = NULL;
  g_autofree char *first = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  SyMockBehaviour fail = { SY_MOCK_STATUS, 400 };
  struct { const char *query; gint64 requests, errors; } cases[] = {
    { "provider=p1", 3, 1 },
    { "provider=p2", 1, 0 },
    { "model=b", 1, 0 },
    { "provider=p1&model=a", 3, 1 },
    { "status=error", 1, 1 },
    { "status=ok", 3, 0 },
    { "status=ok&provider=p1", 2, 0 },
    { "provider=nobody", 0, 0 },
  };

  g_free (sy_test_gateway_add_account (f->t, "p1", "sk-1", 1, NULL));
  g_free (sy_test_gateway_add_account (f->t, "p2", "sk-2", 1, NULL));
  api_ok (f, "PUT", "/api/pricing", "{\"provider\":\"p1\",\"model\":\"a\",\"inputPerMTok\":2,"
                                    "\"outputPerMTok\":8,\"cachedPerMTok\":0.5}");
  key_a = create_key (f, &id_a);
  key_b = create_key (f, &id_b);

  chat_ok (f, key_a, "p1/a");
  chat_ok (f, key_a, "p1/a");
  chat_ok (f, key_a, "p2/b");
  sy_mock_upstream_push (f->t->mock, &fail);
  {
    g_autoptr(SyTestResponse) r = chat_as (f, key_b, "p1/a", FALSE);

    g_assert_cmpuint (r->status, ==, 400);
  }
  flush_usage (f);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SyTestResponse) r = usage (f, cases[i].query);

      g_test_message ("%s", cases[i].query);
      g_assert_cmpint (int_member (totals (r), "requests"), ==, cases[i].requests);
      g_assert_cmpint (int_member (totals (r), "errors"), ==, cases[i].errors);
      g_assert_cmpuint (json_array_get_length (member_array (r, "rows")), ==, cases[i].requests);
    }

  /* keyId */
  {
    g_autofree char *by_a = g_strdup_printf ("keyId=%s", id_a);
    g_autofree char *by_b = g_strdup_printf ("keyId=%s&status=error", id_b);
    g_autoptr(SyTestResponse) ra = usage (f, by_a);
    g_autoptr(SyTestResponse) rb = usage (f, by_b);

    g_assert_cmpint (int_member (totals (ra), "requests"), ==, 3);
    g_assert_cmpfloat_with_epsilon (cost_member (totals (ra)), 2 * COST_JSON, 1e-12);
    g_assert_cmpint (int_member (totals (rb), "requests"), ==, 1);
    /* The failed request reached the upstream and was refused: it costs nothing. */
    g_assert_cmpfloat (cost_member (totals (rb)), ==, 0);
    g_assert_cmpint (int_member (totals (rb), "unpricedRequests"), ==, 0);
  }

  /* groupBy */
  {
    g_autoptr(SyTestResponse) by_provider = usage (f, "groupBy=provider");
    g_autoptr(SyTestResponse) by_key = usage (f, "groupBy=key");
    g_autoptr(SyTestResponse) by_day = usage (f, "groupBy=day");
    JsonArray *days = member_array (by_day, "groups");

    g_assert_cmpstr (json_object_get_string_member (sy_test_response_get_object (by_provider),
                                                    "groupBy"), ==, "provider");
    g_assert_cmpuint (json_array_get_length (member_array (by_provider, "groups")), ==, 2);
    g_assert_cmpint (int_member (find_group (by_provider, "provider", "p1"), "requests"), ==, 3);
    g_assert_cmpint (int_member (find_group (by_provider, "provider", "p1"), "errors"), ==, 1);
    g_assert_cmpint (int_member (find_group (by_provider, "provider", "p2"), "requests"), ==, 1);
    /* Dearest first: p1 is priced, p2 is not. */
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                       member_array (by_provider, "groups"), 0), "provider"), ==, "p1");

    g_assert_cmpuint (json_array_get_length (member_array (by_key, "groups")), ==, 2);
    g_assert_cmpint (int_member (find_group (by_key, "keyId", id_a), "requests"), ==, 3);
    g_assert_cmpint (int_member (find_group (by_key, "keyId", id_b), "errors"), ==, 1);

    today = g_date_time_format (now, "%Y-%m-%d");
    g_assert_cmpuint (json_array_get_length (days), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (days, 0),
                                                    "day"), ==, today);
    g_assert_cmpint (int_member (json_array_get_object_element (days, 0), "requests"), ==, 4);
  }

  /* A date range: "to" as a date includes that day; yesterday alone is empty. */
  {
    g_autoptr(GDateTime) yesterday_dt = g_date_time_add_days (now, -1);
    g_autofree char *yesterday = g_date_time_format (yesterday_dt, "%Y-%m-%d");
    g_autofree char *through_today = g_strdup_printf ("from=%s&to=%s", yesterday, today);
    g_autofree char *only_yesterday = g_strdup_printf ("from=%s&to=%s", yesterday, yesterday);
    g_autoptr(SyTestResponse) r1 = usage (f, through_today);
    g_autoptr(SyTestResponse) r2 = usage (f, only_yesterday);

    g_assert_cmpint (int_member (totals (r1), "requests"), ==, 4);
    g_assert_cmpint (int_member (totals (r2), "requests"), ==, 0);
    g_assert_cmpuint (json_array_get_length (member_array (r2, "rows")), ==, 0);
  }

  /* Epoch milliseconds, cut mid-day: only what is newer than the first request. */
  first = sy_test_gateway_query_db_text (f->t, "SELECT MIN(timestamp) + 1 FROM usage_history",
                                         NULL);
  q = g_strdup_printf ("from=%s", first);
  {
    g_autoptr(SyTestResponse) r = usage (f, q);

    g_assert_cmpint (int_member (totals (r), "requests"), <, 4);
  }
}

/* limit and nextCursor walk the rows newest first, each once. */
static void
test_pages (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = NULL;
  gint64 last_ts = G_MAXINT64;
  guint pages = 0;

  g_free (sy_test_gateway_add_account (f->t, "mock", "sk-test", 1, NULL));
  for (guint i = 0; i < 7; i++)
    chat_ok (f, NULL, "mock/m1");
  flush_usage (f);

  do
    {
      g_autofree char *query = cursor ? g_strdup_printf ("limit=3&cursor=%s", cursor)
                                      : g_strdup ("limit=3");
      g_autoptr(SyTestResponse) r = usage (f, query);
      JsonArray *rows = member_array (r, "rows");
      JsonNode *next = json_object_get_member (sy_test_response_get_object (r), "nextCursor");

      pages++;
      g_assert_cmpuint (json_array_get_length (rows), ==, pages < 3 ? 3 : 1);
      for (guint i = 0; i < json_array_get_length (rows); i++)
        {
          JsonObject *row = json_array_get_object_element (rows, i);
          const char *request_id = json_object_get_string_member (row, "requestId");

          g_assert_false (g_hash_table_contains (seen, request_id));
          g_hash_table_add (seen, g_strdup (request_id));
          g_assert_cmpint (int_member (row, "timestamp"), <=, last_ts);
          last_ts = int_member (row, "timestamp");
        }
      /* Totals cover the whole range whatever the page. */
      g_assert_cmpint (int_member (totals (r), "requests"), ==, 7);
      g_clear_pointer (&cursor, g_free);
      if (!JSON_NODE_HOLDS_NULL (next))
        cursor = g_strdup (json_node_get_string (next));
    }
  while (cursor != NULL);
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 7);

  /* limit=0: totals only. */
  {
    g_autoptr(SyTestResponse) r = usage (f, "limit=0");

    g_assert_cmpuint (json_array_get_length (member_array (r, "rows")), ==, 0);
    g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (sy_test_response_get_object (r),
                                                                 "nextCursor")));
  }
}

/* Each bad parameter is a 400 whose message starts with its name. */
static void
test_usage_validation (Fixture       *f,
                       gconstpointer  data)
{
  struct { const char *query; const char *field; } cases[] = {
    { "from=yesterday", "from" },
    { "to=2026-02-30", "to" },
    { "from=2021-01-01&to=2020-01-01", "to" },
    { "from=1700000000000&to=1700000000000", "to" },
    { "status=maybe", "status" },
    { "groupBy=week", "groupBy" },
    { "limit=1001", "limit" },
    { "limit=-1", "limit" },
    { "limit=ten", "limit" },
    { "cursor=abc", "cursor" },
    { "cursor=12-", "cursor" },
    { "keyid=x", "keyid" },
    { "provider=", "provider" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SyTestResponse) r = sy_test_gateway_api_printf (f->t, "GET", NULL,
                                                                "/api/usage?%s", cases[i].query);
      g_autofree char *prefix = g_strdup_printf ("%s: ", cases[i].field);
      const char *message = sy_test_response_get_string (r, "error.message");

      g_test_message ("%s -> %s", cases[i].query, message);
      g_assert_cmpuint (r->status, ==, 400);
      g_assert_nonnull (message);
      g_assert_true (g_str_has_prefix (message, prefix));
    }

  {
    g_autoptr(SyTestResponse) post = sy_test_gateway_api (f->t, "POST", "/api/usage", "{}");
    g_autoptr(SyTestResponse) other = sy_test_gateway_api (f->t, "GET", "/api/usage/nothing",
                                                           NULL);

    g_assert_cmpuint (post->status, ==, 405);
    g_assert_cmpuint (other->status, ==, 404);
  }
}

static void
assert_bad_request (SyTestResponse *r,
                    const char     *field)
{
  g_autofree char *prefix = g_strdup_printf ("%s: ", field);
  const char *message = sy_test_response_get_string (r, "error.message");

  g_test_message ("%s", message);
  g_assert_cmpuint (r->status, ==, 400);
  g_assert_nonnull (message);
  g_assert_true (g_str_has_prefix (message, prefix));
}

static void
test_pricing_api (Fixture       *f,
                  gconstpointer  data)
{
  struct { const char *body; const char *field; } bad[] = {
    { "{}", "provider" },
    { "{\"provider\":\"open ai\",\"model\":\"x\",\"inputPerMTok\":1,\"outputPerMTok\":1}",
      "provider" },
    { "{\"provider\":\"openai\",\"inputPerMTok\":1,\"outputPerMTok\":1}", "model" },
    { "{\"provider\":\"openai\",\"model\":\"x\",\"inputPerMTok\":\"1\",\"outputPerMTok\":1}",
      "inputPerMTok" },
    { "{\"provider\":\"openai\",\"model\":\"x\",\"inputPerMTok\":-1,\"outputPerMTok\":1}",
      "inputPerMTok" },
    { "{\"provider\":\"openai\",\"model\":\"x\",\"inputPerMTok\":1}", "outputPerMTok" },
    { "{\"provider\":\"openai\",\"model\":\"x\",\"inputPerMTok\":1,\"outputPerMTok\":1e9}",
      "outputPerMTok" },
    { "{\"provider\":\"openai\",\"model\":\"x\",\"inputPerMTok\":1,\"outputPerMTok\":1,"
      "\"cachedPerMTok\":null}", "cachedPerMTok" },
    { "{\"provider\":\"openai\",\"model\":\"x\",\"inputPerMTok\":1,\"outputPerMTok\":1,"
      "\"currency\":\"EUR\"}", "currency" },
  };
  g_autoptr(SyTestResponse) openai = sy_test_gateway_api (f->t, "GET",
                                                          "/api/pricing?provider=openai", NULL);
  g_autoptr(SyTestResponse) ds = NULL;
  g_autoptr(SyTestResponse) put = NULL;
  g_autoptr(SyTestResponse) after = NULL;
  JsonArray *list;
  gboolean found = FALSE;

  /* Seeded defaults, filtered. */
  g_assert_cmpuint (openai->status, ==, 200);
  list = sy_test_response_get_array (openai);
  g_assert_cmpuint (json_array_get_length (list), >=, 10);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *e = json_array_get_object_element (list, i);

      g_assert_cmpstr (json_object_get_string_member (e, "provider"), ==, "openai");
      if (g_str_equal (json_object_get_string_member (e, "model"), "gpt-4o"))
        {
          found = TRUE;
          g_assert_cmpfloat (json_object_get_double_member (e, "inputPerMTok"), ==, 2.5);
          g_assert_cmpstr (json_object_get_string_member (e, "source"), ==, "default");
        }
    }
  g_assert_true (found);

  /* An alias names the catalog id; cachedPerMTok defaults to the input price. */
  put = sy_test_gateway_api (f->t, "PUT", "/api/pricing",
                             "{\"provider\":\"ds\",\"model\":\"deepseek-chat\",\"inputPerMTok\":1,"
                             "\"outputPerMTok\":2.5}");
  g_assert_cmpuint (put->status, ==, 200);
  g_assert_cmpstr (sy_test_response_get_string (put, "provider"), ==, "deepseek");
  g_assert_cmpfloat (json_object_get_double_member (sy_test_response_get_object (put),
                                                    "cachedPerMTok"), ==, 1);
  ds = sy_test_gateway_api (f->t, "GET", "/api/pricing?provider=ds&model=deepseek-chat", NULL);
  list = sy_test_response_get_array (ds);
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0),
                                                  "source"), ==, "user");
  g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (list, 0),
                                                    "outputPerMTok"), ==, 2.5);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "PUT", "/api/pricing",
                                                         bad[i].body);

      assert_bad_request (r, bad[i].field);
    }

  /* DELETE needs both names, says when there is nothing, and removes. */
  {
    g_autoptr(SyTestResponse) no_params = sy_test_gateway_api (f->t, "DELETE", "/api/pricing",
                                                               NULL);
    g_autoptr(SyTestResponse) no_model = sy_test_gateway_api (f->t, "DELETE",
                                                              "/api/pricing?provider=openai",
                                                              NULL);
    g_autoptr(SyTestResponse) missing = sy_test_gateway_api (f->t, "DELETE",
                                                             "/api/pricing?provider=openai&"
                                                             "model=gpt-none", NULL);
    g_autoptr(SyTestResponse) removed = sy_test_gateway_api (f->t, "DELETE",
                                                             "/api/pricing?provider=openai&"
                                                             "model=gpt-4o", NULL);
    g_autoptr(SyTestResponse) unknown = sy_test_gateway_api (f->t, "GET", "/api/pricing?vendor=x",
                                                             NULL);
    g_autoptr(SyTestResponse) post = sy_test_gateway_api (f->t, "POST", "/api/pricing", "{}");

    assert_bad_request (no_params, "provider");
    assert_bad_request (no_model, "model");
    g_assert_cmpuint (missing->status, ==, 404);
    g_assert_cmpuint (removed->status, ==, 204);
    assert_bad_request (unknown, "vendor");
    g_assert_cmpuint (post->status, ==, 405);
  }
  after = sy_test_gateway_api (f->t, "GET", "/api/pricing?provider=openai&model=gpt-4o", NULL);
  g_assert_cmpuint (json_array_get_length (sy_test_response_get_array (after)), ==, 0);
  g_assert_null (sy_test_gateway_query_db_text (f->t, "SELECT model FROM pricing WHERE "
                                                      "provider = 'openai' AND model = ?1",
                                                "gpt-4o"));
}

/* usageRetentionDays is a setting: validated, and 0 accepted. */
static void
test_retention_setting (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(SyTestResponse) bad = sy_test_gateway_api (f->t, "PUT", "/api/settings",
                                                       "{\"usageRetentionDays\":-1}");
  g_autoptr(SyTestResponse) zero = sy_test_gateway_api (f->t, "PUT", "/api/settings",
                                                        "{\"usageRetentionDays\":0}");
  g_autoptr(SyTestResponse) settings = sy_test_gateway_api (f->t, "GET", "/api/settings", NULL);

  assert_bad_request (bad, "usageRetentionDays");
  g_assert_cmpuint (zero->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (sy_test_response_get_object (settings),
                                               "usageRetentionDays"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sy/gateway/usage/" path, Fixture, NULL, sy_test_gateway_fixture_setup, func, \
              sy_test_gateway_fixture_teardown)
  ADD ("costs-add-up", test_costs_add_up);
  ADD ("filters-and-groups", test_filters_and_groups);
  ADD ("pages", test_pages);
  ADD ("validation", test_usage_validation);
  ADD ("pricing-api", test_pricing_api);
  ADD ("retention-setting", test_retention_setting);
#undef ADD
  return g_test_run ();
}

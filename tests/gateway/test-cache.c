/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The response cache, idempotency and progress events end to end: what is cached and what is
 * not, per-key isolation, eviction by entries, bytes and age, a stream cached and replayed in
 * the client's dialect, idempotent replays, a concurrent duplicate waiting for its first (the
 * mock sees one request), and progress events before the first byte. The gateway, the mock
 * upstream and the client share this process; clocks are fake where age matters.
 */
#include <sqlite3.h>
#include <string.h>

#include "gateway/sy-response-cache.h"
#include "sy-test-gateway.h"

static const char chat_t0[] =
  "{\"model\":\"p1/m\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

typedef struct
{
  SyTestGateway *t;
  char          *account;  /* p1's one account */
  SoupSession   *flights;  /* requests in flight together (the harness's allows two) */
  gint64         now_ms;   /* the fake clock */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GProxyResolver) no_proxy = g_simple_proxy_resolver_new (NULL, NULL);

  f->t = sy_test_gateway_new ();
  f->now_ms = 1000000;
  f->account = sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL);
  f->flights = g_object_new (SOUP_TYPE_SESSION, "proxy-resolver", no_proxy, "timeout", 30,
                             "max-conns-per-host", 16, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->flights);
  sy_test_gateway_free (f->t);
  g_free (f->account);
}

static gint64
fake_clock (gpointer user_data)
{
  return ((Fixture *) user_data)->now_ms;
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

/* A chat request with body and one optional header. */
static SyTestResponse *
post (Fixture    *f,
      const char *path,
      const char *body,
      const char *header,
      const char *value)
{
  return sy_test_gateway_request (f->t, "POST", path, "application/json", body, -1,
                                  header, value, NULL);
}

static const char *
header (SyTestResponse *r,
        const char     *name)
{
  return soup_message_headers_get_one (r->headers, name);
}

static gboolean
same_body (SyTestResponse *a,
           SyTestResponse *b)
{
  return g_bytes_equal (a->body, b->body);
}

/* The "cache" member of GET /api/monitoring/health. */
static gint64
cache_stat (Fixture    *f,
            const char *member)
{
  g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "GET", "/api/monitoring/health", NULL);
  JsonObject *cache;

  g_assert_cmpuint (r->status, ==, 200);
  cache = json_object_get_object_member (json_node_get_object (r->json), "cache");
  g_assert_nonnull (cache);
  return json_object_get_int_member (cache, member);
}

static gint64
query_int (Fixture    *f,
           const char *sql)
{
  g_autofree char *path = g_build_filename (f->t->data_dir, "switchyard.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  sy_usage_writer_flush (sy_gateway_get_usage_writer (f->t->gateway));
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* --- SSE -------------------------------------------------------------------------------- */

typedef struct
{
  char *event;   /* NULL when the event names none */
  char *data;
} Event;

static void
event_free (gpointer data)
{
  Event *e = data;

  g_free (e->event);
  g_free (e->data);
  g_free (e);
}

/* The events of an SSE body, comments left out. */
static GPtrArray *
parse_sse (GBytes *body)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_auto(GStrv) blocks = NULL;
  GPtrArray *events = g_ptr_array_new_with_free_func (event_free);

  g_strdelimit (text, "\r", '\n');
  blocks = g_strsplit (text, "\n\n", -1);
  for (guint i = 0; blocks[i] != NULL; i++)
    {
      g_auto(GStrv) lines = g_strsplit (blocks[i], "\n", -1);
      Event *e = g_new0 (Event, 1);

      for (guint j = 0; lines[j] != NULL; j++)
        if (g_str_has_prefix (lines[j], "event:"))
          e->event = g_strdup (g_strstrip (lines[j] + 6));
        else if (g_str_has_prefix (lines[j], "data:"))
          e->data = g_strdup (g_strstrip (lines[j] + 5));
      if (e->data == NULL && e->event == NULL)
        event_free (e);
      else
        g_ptr_array_add (events, e);
    }
  return events;
}

static JsonObject *
event_object (Event     *e,
              JsonNode **keep)
{
  *keep = json_from_string (e->data, NULL);
  g_assert_nonnull (*keep);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*keep));
  return json_node_get_object (*keep);
}

/* The text an OpenAI stream carries; asserts it ends with [DONE]. */
static char *
openai_stream_text (SyTestResponse *r)
{
  g_autoptr(GPtrArray) events = parse_sse (r->body);
  GString *text = g_string_new (NULL);
  Event *last;

  g_assert_cmpuint (events->len, >, 1);
  last = g_ptr_array_index (events, events->len - 1);
  g_assert_cmpstr (last->data, ==, "[DONE]");
  for (guint i = 0; i + 1 < events->len; i++)
    {
      Event *e = g_ptr_array_index (events, i);
      g_autoptr(JsonNode) node = NULL;
      JsonObject *chunk;
      JsonArray *choices;

      if (g_strcmp0 (e->event, "progress") == 0)
        continue;
      chunk = event_object (e, &node);
      g_assert_cmpstr (json_object_get_string_member (chunk, "object"), ==,
                       "chat.completion.chunk");
      choices = json_object_get_array_member (chunk, "choices");
      if (json_array_get_length (choices) > 0)
        {
          JsonObject *delta = json_object_get_object_member (
            json_array_get_object_element (choices, 0), "delta");

          if (json_object_has_member (delta, "content") &&
              !JSON_NODE_HOLDS_NULL (json_object_get_member (delta, "content")))
            g_string_append (text, json_object_get_string_member (delta, "content"));
        }
    }
  return g_string_free (text, FALSE);
}

/* The text an Anthropic stream carries; asserts message_start first and message_stop last. */
static char *
anthropic_stream_text (SyTestResponse *r)
{
  g_autoptr(GPtrArray) events = parse_sse (r->body);
  GString *text = g_string_new (NULL);
  gboolean started = FALSE;
  const char *last = NULL;

  for (guint i = 0; i < events->len; i++)
    {
      Event *e = g_ptr_array_index (events, i);
      g_autoptr(JsonNode) node = NULL;
      JsonObject *object = event_object (e, &node);

      if (g_str_equal (e->event, "progress") || g_str_equal (e->event, "ping"))
        continue;
      g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, e->event);
      if (!started)
        g_assert_cmpstr (e->event, ==, "message_start");
      started = TRUE;
      last = g_intern_string (e->event);
      if (g_str_equal (e->event, "content_block_delta"))
        g_string_append (text, json_object_get_string_member (
                                 json_object_get_object_member (object, "delta"), "text"));
    }
  g_assert_cmpstr (last, ==, "message_stop");
  return g_string_free (text, FALSE);
}

/* --- the cache ------------------------------------------------------------------------- */

/* A temperature-0 request is asked once; the second answer comes from the cache, byte for
 * byte, says so, and is logged as a cache answer with no attempt. */
static void
test_hit_and_miss (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(SyTestResponse) first = post (f, "/v1/chat/completions", chat_t0, NULL, NULL);
  g_autoptr(SyTestResponse) second = post (f, "/v1/chat/completions", chat_t0, NULL, NULL);

  g_assert_cmpuint (first->status, ==, 200);
  g_assert_cmpstr (header (first, "X-Switchyard-Cache"), ==, "miss");
  g_assert_cmpuint (second->status, ==, 200);
  g_assert_cmpstr (header (second, "X-Switchyard-Cache"), ==, "hit");
  g_assert_cmpstr (header (second, "X-Switchyard-Attempts"), ==, "0");
  g_assert_cmpstr (header (second, "X-Switchyard-Provider"), ==, "p1");
  g_assert_cmpstr (header (second, "X-Switchyard-Model"), ==, "m");
  g_assert_cmpstr (header (second, "Content-Type"), ==, "application/json");
  g_assert_cmpstr (header (second, "X-Request-Id"), !=, header (first, "X-Request-Id"));
  g_assert_true (same_body (first, second));
  g_assert_cmpmem (g_bytes_get_data (second->body, NULL), g_bytes_get_size (second->body),
                   sy_mock_upstream_default_body, strlen (sy_mock_upstream_default_body));
  g_assert_cmpuint (upstream_count (f), ==, 1);

  g_assert_cmpint (cache_stat (f, "hits"), ==, 1);
  g_assert_cmpint (cache_stat (f, "misses"), ==, 1);
  g_assert_cmpint (cache_stat (f, "entries"), ==, 1);
  g_assert_cmpint (cache_stat (f, "bytes"), ==, strlen (sy_mock_upstream_default_body));

  g_assert_cmpint (query_int (f, "SELECT COUNT(*) FROM usage_history"), ==, 2);
  g_assert_cmpint (query_int (f, "SELECT COUNT(*) FROM usage_history WHERE provider = 'cache' "
                                 "AND attempts = 0 AND status = 200 AND success = 1 AND "
                                 "error_code IS NULL AND connection_id IS NULL AND "
                                 "endpoint = '/v1/chat/completions' AND model = 'm' AND "
                                 "requested_model = 'p1/m' AND tokens_input = 0"), ==, 1);
  g_assert_cmpint (query_int (f, "SELECT COUNT(*) FROM usage_history WHERE provider = 'p1' "
                                 "AND attempts = 1"), ==, 1);
}

/* X-Switchyard-No-Cache (and OmniRoute's spelling) skip the cache both ways. */
static void
test_bypass_header (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(SyTestResponse) a = post (f, "/v1/chat/completions", chat_t0,
                                      "X-Switchyard-No-Cache", "true");
  g_autoptr(SyTestResponse) b = post (f, "/v1/chat/completions", chat_t0,
                                      "X-OmniRoute-No-Cache", "true");
  g_autoptr(SyTestResponse) c = post (f, "/v1/chat/completions", chat_t0, NULL, NULL);
  g_autoptr(SyTestResponse) d = post (f, "/v1/chat/completions", chat_t0,
                                      "X-Switchyard-No-Cache", "true");

  g_assert_cmpstr (header (a, "X-Switchyard-Cache"), ==, "bypass");
  g_assert_cmpstr (header (b, "X-Switchyard-Cache"), ==, "bypass");
  g_assert_cmpstr (header (c, "X-Switchyard-Cache"), ==, "miss");
  g_assert_cmpstr (header (d, "X-Switchyard-Cache"), ==, "bypass");
  g_assert_cmpuint (d->status, ==, 200);
  g_assert_cmpuint (upstream_count (f), ==, 4);
  g_assert_cmpint (cache_stat (f, "entries"), ==, 1);
}

/* Only an explicit temperature of 0 is deterministic enough to cache. */
static void
test_temperature_not_zero (Fixture       *f,
                           gconstpointer  data)
{
  static const char * const bodies[] = {
    "{\"model\":\"p1/m\",\"temperature\":0.7,\"messages\":[{\"role\":\"user\","
    "\"content\":\"hi\"}]}",
    "{\"model\":\"p1/m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
    "{\"model\":\"p1/m\",\"temperature\":\"0\",\"messages\":[{\"role\":\"user\","
    "\"content\":\"hi\"}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    for (guint j = 0; j < 2; j++)
      {
        g_autoptr(SyTestResponse) r = post (f, "/v1/chat/completions", bodies[i], NULL, NULL);

        g_assert_cmpuint (r->status, ==, 200);
        g_assert_null (header (r, "X-Switchyard-Cache"));
      }
  g_assert_cmpuint (upstream_count (f), ==, 6);
  g_assert_cmpint (cache_stat (f, "entries"), ==, 0);
  g_assert_cmpint (cache_stat (f, "misses"), ==, 0);

  /* 0.0 is zero too. */
  {
    static const char zero[] = "{\"model\":\"p1/m\",\"temperature\":0.0,\"messages\":"
                               "[{\"role\":\"user\",\"content\":\"hi\"}]}";
    g_autoptr(SyTestResponse) a = post (f, "/v1/chat/completions", zero, NULL, NULL);
    g_autoptr(SyTestResponse) b = post (f, "/v1/chat/completions", zero, NULL, NULL);

    g_assert_cmpstr (header (b, "X-Switchyard-Cache"), ==, "hit");
    g_assert_cmpuint (upstream_count (f), ==, 7);
  }
}

/* Errors and broken streams are never stored; the next success is. */
static void
test_errors_not_cached (Fixture       *f,
                        gconstpointer  data)
{
  static const char stream_t0[] = "{\"model\":\"p1/m\",\"temperature\":0,\"stream\":true,"
                                  "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  SyMockBehaviour error = { SY_MOCK_STATUS, 400 };
  SyMockBehaviour drop = { SY_MOCK_STREAM_DROP };
  g_autoptr(SyTestResponse) a = NULL;
  g_autoptr(SyTestResponse) b = NULL;
  g_autoptr(SyTestResponse) c = NULL;
  g_autoptr(SyTestResponse) d = NULL;
  g_autoptr(SyTestResponse) e = NULL;

  error.body = "{\"error\":{\"message\":\"messages.0: bad\",\"type\":\"invalid_request_error\"}}";
  sy_mock_upstream_push (f->t->mock, &error);
  a = post (f, "/v1/chat/completions", chat_t0, NULL, NULL);
  g_assert_cmpuint (a->status, ==, 400);
  b = post (f, "/v1/chat/completions", chat_t0, NULL, NULL);
  g_assert_cmpuint (b->status, ==, 200);
  g_assert_cmpstr (header (b, "X-Switchyard-Cache"), ==, "miss");
  c = post (f, "/v1/chat/completions", chat_t0, NULL, NULL);
  g_assert_cmpstr (header (c, "X-Switchyard-Cache"), ==, "hit");
  g_assert_cmpuint (upstream_count (f), ==, 2);

  /* A stream cut off in the middle ends with an error event and is not kept. */
  drop.n_chunks = 2;
  sy_mock_upstream_push (f->t->mock, &drop);
  api_ok (f, "POST", "/api/cache/clear", NULL);
  d = post (f, "/v1/chat/completions", stream_t0, NULL, NULL);
  g_assert_cmpuint (d->status, ==, 200);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (d->body, NULL), g_bytes_get_size (d->body),
                                  "\"error\""));
  g_assert_cmpint (cache_stat (f, "entries"), ==, 0);
  e = post (f, "/v1/chat/completions", stream_t0, NULL, NULL);
  g_assert_cmpstr (header (e, "X-Switchyard-Cache"), ==, "miss");
  g_assert_cmpuint (upstream_count (f), ==, 4);
}

/* Two API keys never see each other's answers. */
static void
test_per_key_isolation (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(SyTestResponse) ka = sy_test_gateway_api (f->t, "POST", "/api/keys",
                                                      "{\"name\":\"a\"}");
  g_autoptr(SyTestResponse) kb = sy_test_gateway_api (f->t, "POST", "/api/keys",
                                                      "{\"name\":\"b\"}");
  g_autofree char *bearer_a = g_strconcat ("Bearer ", sy_test_response_get_string (ka, "key"),
                                           NULL);
  g_autofree char *bearer_b = g_strconcat ("Bearer ", sy_test_response_get_string (kb, "key"),
                                           NULL);
  const char *order[] = { bearer_a, bearer_b, bearer_a, bearer_b };
  const char *expected[] = { "miss", "miss", "hit", "hit" };

  api_ok (f, "PUT", "/api/settings", "{\"requireApiKey\":true}");
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      g_autoptr(SyTestResponse) r = post (f, "/v1/chat/completions", chat_t0, "Authorization",
                                          order[i]);

      g_assert_cmpuint (r->status, ==, 200);
      g_assert_cmpstr (header (r, "X-Switchyard-Cache"), ==, expected[i]);
    }
  g_assert_cmpuint (upstream_count (f), ==, 2);
  g_assert_cmpint (query_int (f, "SELECT COUNT(DISTINCT api_key_id) FROM usage_history "
                                 "WHERE provider = 'cache'"), ==, 2);
}

static SyTestResponse *
ask (Fixture    *f,
     const char *word)
{
  g_autofree char *body = g_strdup_printf ("{\"model\":\"p1/m\",\"temperature\":0,\"messages\":"
                                           "[{\"role\":\"user\",\"content\":\"%s\"}]}", word);

  return post (f, "/v1/chat/completions", body, NULL, NULL);
}

static void
assert_ask (Fixture    *f,
            const char *word,
            const char *expected)
{
  g_autoptr(SyTestResponse) r = ask (f, word);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (header (r, "X-Switchyard-Cache"), ==, expected);
}

/* cacheMaxEntries 2: the least recently used entry goes, not the oldest. */
static void
test_evict_by_entries (Fixture       *f,
                       gconstpointer  data)
{
  api_ok (f, "PUT", "/api/settings", "{\"cacheMaxEntries\":2}");
  assert_ask (f, "a", "miss");
  assert_ask (f, "b", "miss");
  assert_ask (f, "a", "hit");     /* a is now the most recent */
  assert_ask (f, "c", "miss");    /* b goes */
  g_assert_cmpint (cache_stat (f, "entries"), ==, 2);
  g_assert_cmpint (cache_stat (f, "evictions"), ==, 1);
  assert_ask (f, "a", "hit");
  assert_ask (f, "c", "hit");
  assert_ask (f, "b", "miss");
  g_assert_cmpuint (upstream_count (f), ==, 4);

  /* Shrinking the limit evicts at once. */
  api_ok (f, "PUT", "/api/settings", "{\"cacheMaxEntries\":1}");
  g_assert_cmpint (cache_stat (f, "entries"), ==, 1);
  assert_ask (f, "b", "hit");
}

/* cacheMaxBytes room for one answer and a half: the second evicts the first. */
static void
test_evict_by_bytes (Fixture       *f,
                     gconstpointer  data)
{
  gsize len = strlen (sy_mock_upstream_default_body);
  g_autofree char *patch = g_strdup_printf ("{\"cacheMaxBytes\":%" G_GSIZE_FORMAT "}",
                                            len + len / 2);

  api_ok (f, "PUT", "/api/settings", patch);
  assert_ask (f, "a", "miss");
  g_assert_cmpint (cache_stat (f, "bytes"), ==, len);
  assert_ask (f, "b", "miss");
  g_assert_cmpint (cache_stat (f, "entries"), ==, 1);
  g_assert_cmpint (cache_stat (f, "bytes"), ==, len);
  assert_ask (f, "b", "hit");
  assert_ask (f, "a", "miss");
  g_assert_cmpuint (upstream_count (f), ==, 3);

  /* An answer larger than the whole budget is not kept at all. */
  g_free (patch);
  patch = g_strdup_printf ("{\"cacheMaxBytes\":%" G_GSIZE_FORMAT "}", len - 1);
  api_ok (f, "PUT", "/api/settings", patch);
  g_assert_cmpint (cache_stat (f, "entries"), ==, 0);
  assert_ask (f, "d", "miss");
  assert_ask (f, "d", "miss");
}

/* An entry lives cacheTtlMs, measured on the cache's clock. */
static void
test_ttl_expiry (Fixture       *f,
                 gconstpointer  data)
{
  sy_response_cache_set_clock (sy_gateway_get_response_cache (f->t->gateway), fake_clock, f);
  api_ok (f, "PUT", "/api/settings", "{\"cacheTtlMs\":60000}");
  assert_ask (f, "a", "miss");
  f->now_ms += 59999;
  assert_ask (f, "a", "hit");
  f->now_ms += 1;
  assert_ask (f, "a", "miss");
  g_assert_cmpint (cache_stat (f, "expired"), ==, 1);
  g_assert_cmpuint (upstream_count (f), ==, 2);

  /* Expired entries leave the figures even when nobody asks for them again. */
  f->now_ms += 60000;
  g_assert_cmpint (cache_stat (f, "entries"), ==, 0);
}

/* cacheEnabled false: nothing is looked up or kept, and what was kept goes. */
static void
test_disabled (Fixture       *f,
               gconstpointer  data)
{
  assert_ask (f, "a", "miss");
  api_ok (f, "PUT", "/api/settings", "{\"cacheEnabled\":false}");
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(SyTestResponse) r = ask (f, "a");

      g_assert_null (header (r, "X-Switchyard-Cache"));
    }
  g_assert_cmpint (cache_stat (f, "entries"), ==, 0);
  g_assert_cmpuint (upstream_count (f), ==, 3);
}

/* POST /api/cache/clear empties the cache; GET /api/cache shows the figures. */
static void
test_clear (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(SyTestResponse) cleared = NULL;
  g_autoptr(SyTestResponse) figures = NULL;
  g_autoptr(SyTestResponse) wrong = NULL;
  g_autoptr(SyTestResponse) bad = NULL;

  assert_ask (f, "a", "miss");
  assert_ask (f, "b", "miss");
  assert_ask (f, "a", "hit");
  figures = sy_test_gateway_api (f->t, "GET", "/api/cache", NULL);
  g_assert_cmpuint (figures->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (figures->json), "entries"),
                   ==, 2);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (
                                    json_node_get_object (figures->json), "hitRate"),
                                  1.0 / 3.0, 1e-9);
  g_assert_true (json_object_has_member (json_node_get_object (figures->json), "idempotency"));

  cleared = sy_test_gateway_api (f->t, "POST", "/api/cache/clear", NULL);
  g_assert_cmpuint (cleared->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (cleared->json), "cleared"),
                   ==, 2);
  g_assert_cmpint (cache_stat (f, "entries"), ==, 0);
  g_assert_cmpint (cache_stat (f, "bytes"), ==, 0);
  assert_ask (f, "a", "miss");

  wrong = sy_test_gateway_api (f->t, "GET", "/api/cache/clear", NULL);
  g_assert_cmpuint (wrong->status, ==, 405);
  bad = sy_test_gateway_api (f->t, "PUT", "/api/settings", "{\"cacheMaxEntries\":-1}");
  g_assert_cmpuint (bad->status, ==, 400);
  g_assert_true (g_str_has_prefix (sy_test_response_get_string (bad, "error.message"),
                                   "cacheMaxEntries"));
}

/* A stream is kept once it is whole and given back as a valid stream in the client's dialect;
 * a JSON request for the same thing gets the same answer as JSON. */
static void
test_stream_replayed (Fixture       *f,
                      gconstpointer  data)
{
  static const char openai[] = "{\"model\":\"p1/m\",\"temperature\":0,\"stream\":true,"
                               "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  static const char openai_json[] = "{\"model\":\"p1/m\",\"temperature\":0,\"stream\":false,"
                                    "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  static const char anthropic[] = "{\"model\":\"p1/m\",\"temperature\":0,\"max_tokens\":64,"
                                  "\"stream\":true,\"messages\":[{\"role\":\"user\","
                                  "\"content\":\"hi\"}]}";
  g_autoptr(SyTestResponse) first = post (f, "/v1/chat/completions", openai, NULL, NULL);
  g_autoptr(SyTestResponse) second = post (f, "/v1/chat/completions", openai, NULL, NULL);
  g_autoptr(SyTestResponse) as_json = post (f, "/v1/chat/completions", openai_json, NULL, NULL);
  g_autoptr(SyTestResponse) a1 = post (f, "/v1/messages", anthropic, NULL, NULL);
  g_autoptr(SyTestResponse) a2 = post (f, "/v1/messages", anthropic, NULL, NULL);
  g_autofree char *first_text = openai_stream_text (first);
  g_autofree char *second_text = openai_stream_text (second);
  g_autofree char *a1_text = anthropic_stream_text (a1);
  g_autofree char *a2_text = anthropic_stream_text (a2);
  JsonObject *message;

  g_assert_cmpstr (header (first, "X-Switchyard-Cache"), ==, "miss");
  g_assert_cmpstr (header (second, "X-Switchyard-Cache"), ==, "hit");
  g_assert_cmpstr (header (second, "Content-Type"), ==, "text/event-stream");
  g_assert_cmpstr (first_text, ==, "tok0 tok1 tok2 ");
  g_assert_cmpstr (second_text, ==, first_text);

  g_assert_cmpstr (header (as_json, "X-Switchyard-Cache"), ==, "hit");
  g_assert_cmpstr (header (as_json, "Content-Type"), ==, "application/json");
  message = json_object_get_object_member (
    json_array_get_object_element (json_object_get_array_member (
      json_node_get_object (as_json->json), "choices"), 0), "message");
  g_assert_cmpstr (json_object_get_string_member (message, "content"), ==, "tok0 tok1 tok2 ");

  /* Another dialect is another entry, replayed in its own shape. */
  g_assert_cmpstr (header (a1, "X-Switchyard-Cache"), ==, "miss");
  g_assert_cmpstr (header (a2, "X-Switchyard-Cache"), ==, "hit");
  g_assert_cmpstr (a1_text, ==, "tok0 tok1 tok2 ");
  g_assert_cmpstr (a2_text, ==, a1_text);
  g_assert_cmpuint (upstream_count (f), ==, 2);
  g_assert_cmpint (query_int (f, "SELECT COUNT(*) FROM usage_history WHERE provider = 'cache' "
                                 "AND stream = 1"), ==, 2);
}

/* Gemini keeps its temperature in generationConfig and its stream flag in the URL: a JSON
 * answer serves the streaming URL too. */
static void
test_gemini (Fixture       *f,
             gconstpointer  data)
{
  static const char t0[] = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],"
                           "\"generationConfig\":{\"temperature\":0}}";
  static const char warm[] = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],"
                             "\"generationConfig\":{\"temperature\":0.5}}";
  g_autoptr(SyTestResponse) a = post (f, "/v1beta/models/p1/m:generateContent", t0, NULL, NULL);
  g_autoptr(SyTestResponse) b = post (f, "/v1beta/models/p1/m:streamGenerateContent?alt=sse",
                                      t0, NULL, NULL);
  g_autoptr(SyTestResponse) c = post (f, "/v1beta/models/p1/m:generateContent", warm, NULL, NULL);
  g_autoptr(GPtrArray) events = parse_sse (b->body);
  GString *text = g_string_new (NULL);
  g_autofree char *joined = NULL;

  g_assert_cmpuint (a->status, ==, 200);
  g_assert_cmpstr (header (a, "X-Switchyard-Cache"), ==, "miss");
  g_assert_cmpstr (header (b, "X-Switchyard-Cache"), ==, "hit");
  g_assert_cmpstr (header (b, "Content-Type"), ==, "text/event-stream");
  g_assert_null (header (c, "X-Switchyard-Cache"));
  g_assert_cmpuint (upstream_count (f), ==, 2);

  /* Every event is a Gemini response; together they say what the JSON answer said. */
  g_assert_cmpuint (events->len, >, 0);
  for (guint i = 0; i < events->len; i++)
    {
      g_autoptr(JsonNode) node = NULL;
      JsonObject *object = event_object (g_ptr_array_index (events, i), &node);
      JsonArray *candidates;
      JsonArray *parts;

      if (!json_object_has_member (object, "candidates") ||
          json_array_get_length (candidates = json_object_get_array_member (object,
                                                                            "candidates")) == 0)
        continue;
      parts = json_object_get_array_member (json_object_get_object_member (
        json_array_get_object_element (candidates, 0), "content"), "parts");
      for (guint j = 0; parts != NULL && j < json_array_get_length (parts); j++)
        if (json_object_has_member (json_array_get_object_element (parts, j), "text"))
          g_string_append (text, json_object_get_string_member (
                                   json_array_get_object_element (parts, j), "text"));
    }
  joined = g_string_free (text, FALSE);
  g_assert_cmpstr (joined, ==, "Hello from the mock.");
}

/* The environment's limits win over the settings; nonsense there is ignored. */
static void
test_env_overrides (Fixture       *f,
                    gconstpointer  data)
{
  const char * const env[] = {
    "PROMPT_CACHE_MAX_SIZE=7", "SEMANTIC_CACHE_MAX_SIZE=2M", "SEMANTIC_CACHE_TTL_MS=5000", NULL
  };
  const char * const junk[] = { "PROMPT_CACHE_MAX_SIZE=many", "SEMANTIC_CACHE_MAX_SIZE=-4", NULL };
  g_autoptr(SyResponseCache) cache = sy_response_cache_new (env);
  g_autoptr(SyResponseCache) defaults = sy_response_cache_new (junk);
  SySettingsRepo *settings = sy_gateway_get_settings (f->t->gateway);
  SyCacheLimits limits;

  sy_response_cache_get_limits (cache, settings, &limits);
  g_assert_true (limits.enabled);
  g_assert_cmpint (limits.max_entries, ==, 7);
  g_assert_cmpint (limits.max_bytes, ==, 2 * 1024 * 1024);
  g_assert_cmpint (limits.ttl_ms, ==, 5000);

  sy_response_cache_get_limits (defaults, settings, &limits);
  g_assert_cmpint (limits.max_entries, ==, 100);
  g_assert_cmpint (limits.max_bytes, ==, 4 * 1024 * 1024);
  g_assert_cmpint (limits.ttl_ms, ==, 1800000);

  g_assert_cmpint (sy_response_cache_parse_size ("4194304"), ==, 4194304);
  g_assert_cmpint (sy_response_cache_parse_size ("512k"), ==, 512 * 1024);
  g_assert_cmpint (sy_response_cache_parse_size ("1GB"), ==, 1024 * 1024 * 1024);
  g_assert_cmpint (sy_response_cache_parse_size ("4 M"), ==, -1);
  g_assert_cmpint (sy_response_cache_parse_size (""), ==, -1);
  g_assert_cmpint (sy_response_cache_parse_size ("99999999999999999999"), ==, -1);
}

/* --- idempotency ----------------------------------------------------------------------- */

/* The same key and request within 5 s: the first answer, byte for byte, no upstream call. */
static void
test_idempotent_replay (Fixture       *f,
                        gconstpointer  data)
{
  static const char body[] = "{\"model\":\"p1/m\",\"messages\":[{\"role\":\"user\","
                             "\"content\":\"hi\"}]}";
  static const char other[] = "{\"model\":\"p1/m\",\"messages\":[{\"role\":\"user\","
                              "\"content\":\"ho\"}]}";
  g_autoptr(SyTestResponse) a = NULL;
  g_autoptr(SyTestResponse) b = NULL;
  g_autoptr(SyTestResponse) c = NULL;
  g_autoptr(SyTestResponse) d = NULL;
  g_autoptr(SyTestResponse) e = NULL;
  g_autoptr(SyTestResponse) g = NULL;
  g_autoptr(SyTestResponse) h = NULL;

  sy_idempotency_set_clock (sy_gateway_get_idempotency (f->t->gateway), fake_clock, f);
  a = post (f, "/v1/chat/completions", body, "Idempotency-Key", "k-1");
  g_assert_cmpuint (a->status, ==, 200);
  g_assert_null (header (a, "X-Switchyard-Idempotent"));
  f->now_ms += 4999;
  b = post (f, "/v1/chat/completions", body, "Idempotency-Key", "k-1");
  g_assert_cmpuint (b->status, ==, 200);
  g_assert_cmpstr (header (b, "X-Switchyard-Idempotent"), ==, "true");
  g_assert_cmpstr (header (b, "X-Switchyard-Provider"), ==, "p1");
  g_assert_cmpstr (header (b, "X-Switchyard-Attempts"), ==, "1");
  g_assert_cmpstr (header (b, "X-Request-Id"), !=, header (a, "X-Request-Id"));
  g_assert_true (same_body (a, b));
  g_assert_cmpuint (upstream_count (f), ==, 1);

  /* The same key with another request is another request. */
  c = post (f, "/v1/chat/completions", other, "Idempotency-Key", "k-1");
  g_assert_null (header (c, "X-Switchyard-Idempotent"));
  g_assert_cmpuint (upstream_count (f), ==, 2);

  /* X-Request-Id works the same; past the window the request runs again. */
  d = post (f, "/v1/chat/completions", body, "X-Request-Id", "rid-9");
  e = post (f, "/v1/chat/completions", body, "X-Request-Id", "rid-9");
  g_assert_cmpstr (header (e, "X-Switchyard-Idempotent"), ==, "true");
  g_assert_cmpuint (upstream_count (f), ==, 3);
  f->now_ms += 5000;
  g = post (f, "/v1/chat/completions", body, "X-Request-Id", "rid-9");
  g_assert_null (header (g, "X-Switchyard-Idempotent"));
  h = post (f, "/v1/chat/completions", body, "Idempotency-Key", "k-1");
  g_assert_null (header (h, "X-Switchyard-Idempotent"));
  g_assert_cmpuint (upstream_count (f), ==, 5);
  g_assert_cmpint (query_int (f, "SELECT COUNT(*) FROM usage_history WHERE "
                                 "provider = 'idempotent' AND attempts = 0 AND status = 200"),
                   ==, 2);
}

/* One key sent by two API keys is two requests. */
static void
test_idempotent_per_key (Fixture       *f,
                         gconstpointer  data)
{
  static const char body[] = "{\"model\":\"p1/m\",\"messages\":[{\"role\":\"user\","
                             "\"content\":\"hi\"}]}";
  g_autoptr(SyTestResponse) ka = sy_test_gateway_api (f->t, "POST", "/api/keys", "{}");
  g_autoptr(SyTestResponse) kb = sy_test_gateway_api (f->t, "POST", "/api/keys", "{}");
  const char *keys[] = { sy_test_response_get_string (ka, "key"),
                         sy_test_response_get_string (kb, "key") };

  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(SyTestResponse) r =
        sy_test_gateway_request (f->t, "POST", "/v1/chat/completions", "application/json", body,
                                 -1, "x-api-key", keys[i % 2], "Idempotency-Key", "shared",
                                 NULL);

      g_assert_cmpuint (r->status, ==, 200);
      g_assert_cmpstr (header (r, "X-Switchyard-Idempotent"), ==, i < 2 ? NULL : "true");
    }
  g_assert_cmpuint (upstream_count (f), ==, 2);
}

/* An error answer is not given again: the retry runs. */
static void
test_idempotent_error_runs_again (Fixture       *f,
                                  gconstpointer  data)
{
  SyMockBehaviour error = { SY_MOCK_STATUS, 400 };
  g_autoptr(SyTestResponse) a = NULL;
  g_autoptr(SyTestResponse) b = NULL;

  sy_mock_upstream_push (f->t->mock, &error);
  a = post (f, "/v1/chat/completions", chat_t0, "Idempotency-Key", "k-2");
  g_assert_cmpuint (a->status, ==, 400);
  b = post (f, "/v1/chat/completions", chat_t0, "Idempotency-Key", "k-2");
  g_assert_cmpuint (b->status, ==, 200);
  g_assert_null (header (b, "X-Switchyard-Idempotent"));
  g_assert_cmpuint (upstream_count (f), ==, 2);
}

/* An exchange the test sends without waiting for it. */
typedef struct
{
  SoupMessage  *msg;
  GCancellable *cancellable;
  GBytes       *body;
  gboolean      done;
} Flight;

static void
flight_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Flight *fl = user_data;

  fl->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  fl->done = TRUE;
}

static Flight *
flight_start (Fixture    *f,
              const char *path,
              const char *body,
              const char *name,
              const char *value)
{
  Flight *fl = g_new0 (Flight, 1);
  g_autofree char *url = g_strconcat (f->t->base_url, path, NULL);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  fl->msg = soup_message_new ("POST", url);
  fl->cancellable = g_cancellable_new ();
  soup_message_set_request_body_from_bytes (fl->msg, "application/json", bytes);
  if (name != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (fl->msg), name, value);
  soup_session_send_and_read_async (f->flights, fl->msg, G_PRIORITY_DEFAULT, fl->cancellable,
                                    flight_done_cb, fl);
  return fl;
}

static void
flight_free (Flight *fl)
{
  g_object_unref (fl->msg);
  g_object_unref (fl->cancellable);
  g_clear_pointer (&fl->body, g_bytes_unref);
  g_free (fl);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Flight, flight_free)

static const char *
flight_header (Flight     *fl,
               const char *name)
{
  return soup_message_headers_get_one (soup_message_get_response_headers (fl->msg), name);
}

static gint64
idempotency_stat (Fixture    *f,
                  const char *member)
{
  g_autoptr(JsonNode) node = sy_idempotency_to_json (sy_gateway_get_idempotency (f->t->gateway));

  return json_object_get_int_member (json_node_get_object (node), member);
}

/* Runs the main loop until n duplicates wait. The deadline only turns a hang into a failure. */
static void
iterate_until_waiting (Fixture *f,
                       gint64   n)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (idempotency_stat (f, "waiting") < n)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("no duplicate waited for its first request");
      g_main_context_iteration (NULL, TRUE);  /* the blocker's keep-alives wake it */
    }
}

/* A streaming request whose upstream never answers; cancel it to end it. libsoup 3.2 notices
 * a client gone from a paused request only when it writes to it: keep-alives every 50 ms do. */
static Flight *
start_hanging (Fixture    *f,
               const char *body,
               const char *name,
               const char *value)
{
  SyMockBehaviour hang = { SY_MOCK_HANG };
  guint before = upstream_count (f);
  Flight *fl;

  api_ok (f, "PUT", "/api/settings", "{\"streamKeepAliveMs\":50}");
  sy_mock_upstream_push (f->t->mock, &hang);
  fl = flight_start (f, "/v1/chat/completions", body, name, value);
  while (upstream_count (f) == before)
    g_main_context_iteration (NULL, TRUE);
  return fl;
}

/* p1's account takes one request at a time, and a hanging request takes that slot now. */
static Flight *
block_account (Fixture *f)
{
  g_autofree char *path = g_strdup_printf ("/api/providers/%s", f->account);

  api_ok (f, "PATCH", path, "{\"rateLimit\":{\"maxConcurrent\":1}}");
  return start_hanging (f, "{\"model\":\"p1/m\",\"stream\":true,\"messages\":"
                           "[{\"role\":\"user\",\"content\":\"h\"}]}", NULL, NULL);
}

/* The data lines of an SSE body, in order (keep-alive comments left out). */
static char *
sse_data (GBytes *body)
{
  g_autoptr(GPtrArray) events = parse_sse (body);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < events->len; i++)
    g_string_append_printf (out, "%s\n", ((Event *) g_ptr_array_index (events, i))->data);
  return g_string_free (out, FALSE);
}

/* Two requests with one key in flight together: the mock sees one, both get the same bytes.
 * The first is held in the account's rate-limit queue (maxConcurrent 1, behind a request that
 * hangs) until the duplicate is surely waiting, so the order never depends on timing. With
 * data, both are streams: the duplicate gets the whole stream once it is known. */
static void
test_concurrent_dedupe (Fixture       *f,
                        gconstpointer  data)
{
  gboolean stream = GPOINTER_TO_INT (data);
  const char *body = stream
    ? "{\"model\":\"p1/m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"
    : "{\"model\":\"p1/m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
  g_autoptr(Flight) blocker = block_account (f);
  g_autoptr(Flight) first = NULL;
  g_autoptr(Flight) second = NULL;

  first = flight_start (f, "/v1/chat/completions", body, "Idempotency-Key", "dup-1");
  second = flight_start (f, "/v1/chat/completions", body, "Idempotency-Key", "dup-1");
  iterate_until_waiting (f, 1);
  g_assert_cmpuint (upstream_count (f), ==, 1);
  g_assert_cmpint (idempotency_stat (f, "inFlight"), ==, 1);

  g_cancellable_cancel (blocker->cancellable);
  while (!blocker->done || !first->done || !second->done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (soup_message_get_status (first->msg), ==, 200);
  g_assert_cmpuint (soup_message_get_status (second->msg), ==, 200);
  g_assert_nonnull (first->body);
  g_assert_nonnull (second->body);
  if (!stream)
    g_assert_true (g_bytes_equal (first->body, second->body));
  else
    {
      /* The live one may hold keep-alives; the answer is the same. */
      g_autofree char *a = sse_data (first->body);
      g_autofree char *b = sse_data (second->body);

      g_assert_cmpstr (a, ==, b);
    }
  /* The blocker and one of the two: never both. */
  g_assert_cmpuint (upstream_count (f), ==, 2);
  g_assert_true ((flight_header (first, "X-Switchyard-Idempotent") != NULL) !=
                 (flight_header (second, "X-Switchyard-Idempotent") != NULL));
  if (stream)
    {
      g_assert_nonnull (g_strstr_len (g_bytes_get_data (second->body, NULL),
                                      g_bytes_get_size (second->body), "data: [DONE]"));
      g_assert_cmpstr (flight_header (second, "Content-Type"), ==, "text/event-stream");
    }
  g_assert_cmpint (idempotency_stat (f, "waiting"), ==, 0);
}

/* The first request's client leaves while a duplicate waits: the duplicate runs itself. */
static void
test_duplicate_runs_when_first_leaves (Fixture       *f,
                                       gconstpointer  data)
{
  static const char body[] = "{\"model\":\"p1/m\",\"stream\":true,\"messages\":"
                             "[{\"role\":\"user\",\"content\":\"y\"}]}";
  g_autoptr(Flight) first = start_hanging (f, body, "Idempotency-Key", "gone-1");
  g_autoptr(Flight) second = flight_start (f, "/v1/chat/completions", body,
                                           "Idempotency-Key", "gone-1");

  iterate_until_waiting (f, 1);
  g_cancellable_cancel (first->cancellable);
  while (!first->done || !second->done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (soup_message_get_status (second->msg), ==, 200);
  g_assert_null (flight_header (second, "X-Switchyard-Idempotent"));
  g_assert_nonnull (second->body);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (second->body, NULL),
                                  g_bytes_get_size (second->body), "data: [DONE]"));
  g_assert_cmpuint (upstream_count (f), ==, 2);
  g_assert_cmpint (idempotency_stat (f, "waiting"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT COUNT(*) FROM usage_history WHERE status = 499"), ==, 1);
}

/* A duplicate still waiting when the gateway stops gets a clean 503. */
static void
test_waiting_duplicate_at_shutdown (Fixture       *f,
                                    gconstpointer  data)
{
  static const char body[] = "{\"model\":\"p1/m\",\"stream\":true,\"messages\":"
                             "[{\"role\":\"user\",\"content\":\"z\"}]}";
  g_autoptr(Flight) first = start_hanging (f, body, "Idempotency-Key", "stop-1");
  g_autoptr(Flight) second = flight_start (f, "/v1/chat/completions", body,
                                           "Idempotency-Key", "stop-1");

  iterate_until_waiting (f, 1);
  sy_gateway_shutdown (f->t->gateway);
  while (!first->done || !second->done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (soup_message_get_status (second->msg), ==, 503);
  g_assert_cmpuint (upstream_count (f), ==, 1);
  g_assert_cmpint (query_int (f, "SELECT COUNT(*) FROM usage_history WHERE status = 503 AND "
                                 "error_code = 'shutting_down' AND provider = 'idempotent'"),
                   ==, 1);
}

/* --- progress -------------------------------------------------------------------------- */

static GPtrArray *
progress_phases (SyTestResponse *r,
                 SyDialect       dialect)
{
  g_autoptr(GPtrArray) events = parse_sse (r->body);
  GPtrArray *phases = g_ptr_array_new ();
  gboolean content_seen = FALSE;

  for (guint i = 0; i < events->len; i++)
    {
      Event *e = g_ptr_array_index (events, i);
      g_autoptr(JsonNode) node = NULL;
      JsonObject *object;
      JsonObject *progress;

      if (g_strcmp0 (e->event, "progress") != 0)
        {
          if (e->event == NULL || !g_str_equal (e->event, "ping"))
            content_seen = TRUE;
          continue;
        }
      g_assert_false (content_seen);  /* all before the first byte of content */
      object = event_object (e, &node);
      if (dialect == SY_DIALECT_OPENAI)
        {
          /* A chunk any OpenAI client takes: no choices, the progress beside them. */
          g_assert_cmpstr (json_object_get_string_member (object, "object"), ==,
                           "chat.completion.chunk");
          g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object,
                                                                                 "choices")),
                            ==, 0);
          g_assert_nonnull (json_object_get_string_member (object, "id"));
          progress = json_object_get_object_member (object, "progress");
        }
      else
        {
          g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "progress");
          progress = object;
        }
      g_ptr_array_add (phases, (gpointer) g_intern_string (
                                 json_object_get_string_member (progress, "phase")));
      if (g_str_equal (json_object_get_string_member (progress, "phase"), "attempt"))
        {
          g_assert_cmpstr (json_object_get_string_member (progress, "provider"), ==, "p1");
          g_assert_cmpint (json_object_get_int_member (progress, "attempt"), ==, 1);
        }
    }
  return phases;
}

static char *
join_phases (GPtrArray *phases)
{
  g_ptr_array_add (phases, NULL);
  return g_strjoinv (",", (char **) phases->pdata);
}

/* With the header, a stream opens with routing, attempt and first_byte events, then the
 * answer, whole; OpenAI and Anthropic clients each get their safe form. */
static void
test_progress_events (Fixture       *f,
                      gconstpointer  data)
{
  static const char openai[] = "{\"model\":\"p1/m\",\"stream\":true,\"messages\":"
                               "[{\"role\":\"user\",\"content\":\"hi\"}]}";
  static const char anthropic[] = "{\"model\":\"p1/m\",\"max_tokens\":64,\"stream\":true,"
                                  "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  g_autoptr(SyTestResponse) o = post (f, "/v1/chat/completions", openai,
                                      "X-Switchyard-Progress", "true");
  g_autoptr(SyTestResponse) a = post (f, "/v1/messages", anthropic,
                                      "X-OmniRoute-Progress", "true");
  g_autoptr(GPtrArray) o_phases = progress_phases (o, SY_DIALECT_OPENAI);
  g_autoptr(GPtrArray) a_phases = progress_phases (a, SY_DIALECT_ANTHROPIC);
  g_autofree char *o_list = join_phases (o_phases);
  g_autofree char *a_list = join_phases (a_phases);
  g_autofree char *o_text = openai_stream_text (o);
  g_autofree char *a_text = anthropic_stream_text (a);

  g_assert_cmpuint (o->status, ==, 200);
  g_assert_cmpstr (o_list, ==, "routing,attempt,first_byte");
  g_assert_cmpstr (a_list, ==, "routing,attempt,first_byte");
  g_assert_cmpstr (o_text, ==, "tok0 tok1 tok2 ");
  g_assert_cmpstr (a_text, ==, "tok0 tok1 tok2 ");
}

/* Without the header, or for a JSON request, there are none. */
static void
test_progress_absent (Fixture       *f,
                      gconstpointer  data)
{
  static const char stream[] = "{\"model\":\"p1/m\",\"stream\":true,\"messages\":"
                               "[{\"role\":\"user\",\"content\":\"hi\"}]}";
  static const char json[] = "{\"model\":\"p1/m\",\"messages\":[{\"role\":\"user\","
                             "\"content\":\"hi\"}]}";
  g_autoptr(SyTestResponse) s = post (f, "/v1/chat/completions", stream, NULL, NULL);
  g_autoptr(SyTestResponse) off = post (f, "/v1/chat/completions", stream,
                                        "X-Switchyard-Progress", "false");
  g_autoptr(SyTestResponse) j = post (f, "/v1/chat/completions", json,
                                      "X-Switchyard-Progress", "true");
  g_autofree char *s_body = sy_test_response_dup_body (s);
  g_autofree char *off_body = sy_test_response_dup_body (off);
  g_autofree char *j_body = sy_test_response_dup_body (j);

  g_assert_cmpuint (s->status, ==, 200);
  g_assert_null (strstr (s_body, "progress"));
  g_assert_null (strstr (off_body, "progress"));
  g_assert_null (strstr (j_body, "progress"));
  g_assert_cmpstr (j_body, ==, sy_mock_upstream_default_body);
}

/* A request queued behind the account's rate limit says it is waiting. */
static void
test_progress_waiting (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(Flight) blocker = block_account (f);
  g_autoptr(Flight) waiting = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GString) phases = g_string_new (NULL);

  waiting = flight_start (f, "/v1/chat/completions",
                          "{\"model\":\"p1/m\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                          "\"content\":\"w\"}]}", "X-Switchyard-Progress", "true");
  /* Its headers and first events arrive while it is queued. */
  while (soup_message_get_status (waiting->msg) == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (upstream_count (f), ==, 1);
  g_cancellable_cancel (blocker->cancellable);
  while (!blocker->done || !waiting->done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_nonnull (waiting->body);
  events = parse_sse (waiting->body);
  for (guint i = 0; i < events->len; i++)
    {
      Event *e = g_ptr_array_index (events, i);

      if (g_strcmp0 (e->event, "progress") == 0)
        {
          g_autoptr(JsonNode) node = NULL;
          JsonObject *object = event_object (e, &node);

          g_string_append_printf (phases, "%s%s", phases->len ? "," : "",
                                  json_object_get_string_member (
                                    json_object_get_object_member (object, "progress"), "phase"));
        }
    }
  g_assert_cmpstr (phases->str, ==, "routing,attempt,waiting,first_byte");
  g_assert_cmpuint (upstream_count (f), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sy/gateway/cache/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("hit-and-miss", test_hit_and_miss);
  ADD ("bypass-header", test_bypass_header);
  ADD ("temperature-not-zero", test_temperature_not_zero);
  ADD ("errors-not-cached", test_errors_not_cached);
  ADD ("per-key-isolation", test_per_key_isolation);
  ADD ("evict-by-entries", test_evict_by_entries);
  ADD ("evict-by-bytes", test_evict_by_bytes);
  ADD ("ttl-expiry", test_ttl_expiry);
  ADD ("disabled", test_disabled);
  ADD ("clear", test_clear);
  ADD ("stream-replayed", test_stream_replayed);
  ADD ("gemini", test_gemini);
  ADD ("env-overrides", test_env_overrides);
  ADD ("idempotent/replay", test_idempotent_replay);
  ADD ("idempotent/per-key", test_idempotent_per_key);
  ADD ("idempotent/error-runs-again", test_idempotent_error_runs_again);
  g_test_add ("/sy/gateway/cache/idempotent/concurrent-dedupe", Fixture, GINT_TO_POINTER (FALSE),
              fixture_setup, test_concurrent_dedupe, fixture_teardown);
  g_test_add ("/sy/gateway/cache/idempotent/concurrent-dedupe-stream", Fixture,
              GINT_TO_POINTER (TRUE), fixture_setup, test_concurrent_dedupe, fixture_teardown);
  ADD ("idempotent/first-leaves", test_duplicate_runs_when_first_leaves);
  ADD ("idempotent/shutdown", test_waiting_duplicate_at_shutdown);
  ADD ("progress/present", test_progress_events);
  ADD ("progress/absent", test_progress_absent);
  ADD ("progress/waiting", test_progress_waiting);

#undef ADD
  return g_test_run ();
}

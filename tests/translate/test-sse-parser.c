/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-sse-parser: every stream is fed whole, split at every byte, split at every pair of
 * bytes (short streams), and one byte at a time; the events, comment count and failure must
 * not change. Fixtures: recorded-style OpenAI and Anthropic streams in tests/fixtures/sse/.
 */
#include "core/sy-json-scan.h"
#include "translate/sy-sse-parser.h"

#include <string.h>

#define MAX_EVENTS 6

typedef struct
{
  const char *event;
  const char *id;
  const char *data;
  gsize       data_len;   /* 0: strlen (data) */
} ExpectedEvent;

typedef struct
{
  const char    *name;
  const char    *input;
  gsize          len;              /* 0: strlen (input) */
  ExpectedEvent  events[MAX_EVENTS];  /* up to the first without data */
  unsigned       n_at_finish;      /* how many of the last events only finish() gives */
  guint64        comments;
  gsize          max_event_size;
  gboolean       too_large;        /* push fails after the events listed */
} SseCase;

#define EV(data)            { NULL, NULL, data }
#define EV_TYPE(type, data) { type, NULL, data }
#define EV_ID(id, data)     { NULL, id, data }

static const SseCase cases[] = {
  /* line endings */
  { "lf", "data: hello\n\n", .events = { EV ("hello") } },
  { "crlf", "data: hello\r\n\r\n", .events = { EV ("hello") } },
  { "cr", "data: hello\r\r", .events = { EV ("hello") } },
  { "mixed-endings", "data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r\n",
    .events = { EV ("a\nb\nc"), EV ("d") } },
  { "crlf-is-one-ending", "data: a\r\ndata: b\r\n\r\n", .events = { EV ("a\nb") } },
  { "lf-cr-is-two-endings", "data: a\n\rdata: b\n\n", .events = { EV ("a"), EV ("b") } },
  { "cr-cr-lf", "data: a\r\r\ndata: b\r\n\r\n", .events = { EV ("a"), EV ("b") } },

  /* fields */
  { "multi-line-data", "data: line1\ndata: line2\ndata:\ndata: line4\n\n",
    .events = { EV ("line1\nline2\n\nline4") } },
  { "one-space-removed", "data:x\n\ndata:  two\n\ndata: \n\ndata:\ttab\n\n",
    .events = { EV ("x"), EV (" two"), EV (""), EV ("\ttab") } },
  { "colon-in-value", "data: a:b: c\n\n", .events = { EV ("a:b: c") } },
  { "data-without-colon", "data\n\ndata\ndata\n\n", .events = { EV (""), EV ("\n") } },
  { "event-type", "event: ping\ndata: {}\n\n", .events = { EV_TYPE ("ping", "{}") } },
  { "event-type-reset", "event: a\ndata: 1\n\ndata: 2\n\n",
    .events = { EV_TYPE ("a", "1"), EV ("2") } },
  { "event-without-data", "event: foo\n\ndata: x\n\n", .events = { EV ("x") } },
  { "event-last-wins", "event: a\nevent: b\ndata: x\n\n", .events = { EV_TYPE ("b", "x") } },
  { "event-empty", "event:\ndata: x\n\nevent\ndata: y\n\n", .events = { EV ("x"), EV ("y") } },
  { "id-persists", "id: 7\ndata: a\n\ndata: b\n\nid: 8\ndata: c\n\n",
    .events = { EV_ID ("7", "a"), EV_ID ("7", "b"), EV_ID ("8", "c") } },
  { "id-with-nul-ignored", "id: 1\ndata: a\n\nid: x\0y\ndata: b\n\n", 32,
    .events = { EV_ID ("1", "a"), EV_ID ("1", "b") } },
  { "id-empty", "id: 5\ndata: a\n\nid\ndata: b\n\n",
    .events = { EV_ID ("5", "a"), EV_ID ("", "b") } },
  { "id-without-data", "id: 9\n\ndata: a\n\n", .events = { EV_ID ("9", "a") } },
  { "all-fields", "retry: 3000\nid: 42\nevent: delta\ndata: {\"a\":1}\n\n",
    .events = { { "delta", "42", "{\"a\":1}" } } },
  { "no-data-no-event", "event: foo\nid: 1\nretry: 10\n\n" },
  { "unknown-fields", "foo: bar\nretry: 1000\nDATA: up\n data: lead\ndata : sp\ndata: x\n\n",
    .events = { EV ("x") } },
  { "nul-in-data", "data: a\0b\n\n", 11, .events = { { NULL, NULL, "a\0b", 3 } } },
  { "utf8-data", "data: \xC3\xA9\xF0\x9F\x98\x80 \xE6\x97\xA5\xE6\x9C\xAC\n\n",
    .events = { EV ("\xC3\xA9\xF0\x9F\x98\x80 \xE6\x97\xA5\xE6\x9C\xAC") } },

  /* comments and blank lines */
  { "comments", ": keep-alive\n\ndata: x\n:mid\ndata: y\n\n:\n", .events = { EV ("x\ny") },
    .comments = 3 },
  { "comments-only", ":a\r\n:b\r:c\n", .comments = 3 },
  { "comment-data-looking", ":data: x\n\n", .comments = 1 },
  { "blank-lines-only", "\n\r\n\r\n\r" },
  { "extra-blank-lines", "data: x\n\n\n\n", .events = { EV ("x") } },
  { "empty", "" },

  /* byte order mark */
  { "bom", "\xEF\xBB\xBF" "data: x\n\n", .events = { EV ("x") } },
  { "bom-twice", "\xEF\xBB\xBF\xEF\xBB\xBF" "data: x\n\ndata: y\n\n", .events = { EV ("y") } },
  { "partial-bom", "\xEF\xBB" "data: x\n\ndata: y\n\n", .events = { EV ("y") } },
  { "bom-then-comment", "\xEF\xBB\xBF: hi\ndata: x\n\n", .events = { EV ("x") }, .comments = 1 },
  { "partial-bom-then-colon", "\xEF:x\ndata: y\n\n", .events = { EV ("y") } },
  { "bom-later-is-text", "data: x\n\n\xEF\xBB\xBF" "data: y\n\n", .events = { EV ("x") } },
  { "bom-only", "\xEF\xBB\xBF" },

  /* end of stream */
  { "finish-flushes", "data: x", .events = { EV ("x") }, .n_at_finish = 1 },
  { "finish-flushes-lf", "data: x\n", .events = { EV ("x") }, .n_at_finish = 1 },
  { "finish-flushes-cr", "data: x\r", .events = { EV ("x") }, .n_at_finish = 1 },
  { "finish-with-fields", "data: a\n\nevent: e\nid: 3\ndata: b\ndata: c",
    .events = { EV ("a"), { "e", "3", "b\nc" } }, .n_at_finish = 1 },
  { "finish-without-data", "data: a\n\nevent: e\n", .events = { EV ("a") } },
  { "finish-comment", "data: a\n\n:tail", .events = { EV ("a") }, .comments = 1 },
  { "finish-partial-bom", "\xEF\xBB" },

  /* the bound */
  { "bound-exact", "data: 0123456789\n\n", .events = { EV ("0123456789") }, .max_event_size = 16 },
  { "bound-exceeded", "data: 0123456789\n\n", .max_event_size = 15, .too_large = TRUE },
  { "too-large-after-events", "data: 0123456789\n\ndata: 0123456789012345678901234567890123\n\n",
    .events = { EV ("0123456789") }, .max_event_size = 32, .too_large = TRUE },
  { "too-large-accumulated", "data: 0123456789\ndata: 0123456789\ndata: 0123456789\n\n",
    .max_event_size = 32, .too_large = TRUE },
  { "bound-per-event", "data: 0123456789012345678901\n\ndata: 0123456789012345678901\n\n"
                       "data: 0123456789012345678901\n\n",
    .events = { EV ("0123456789012345678901"), EV ("0123456789012345678901"),
                EV ("0123456789012345678901") }, .max_event_size = 32 },
  { "too-large-event-field", "event: 0123456789012345678901234\ndata: x\n\n",
    .max_event_size = 16, .too_large = TRUE },
  { "too-large-event-and-data", "event: 0123456789abcdef\ndata: 0123456789\n\n",
    .max_event_size = 24, .too_large = TRUE },
  { "too-large-unknown-field", "0123456789012345678901234\ndata: x\n\n",
    .max_event_size = 16, .too_large = TRUE },
  { "too-large-unterminated", "data: 0123456789012345678901234", .max_event_size = 16,
    .too_large = TRUE },
  { "comments-not-bounded", ": 0123456789012345678901234567890123456789\ndata: x\n\n",
    .events = { EV ("x") }, .comments = 1, .max_event_size = 16 },
};

typedef struct
{
  GString  *log;
  unsigned  count;
} Collector;

static void
append_escaped (GString    *log,
                const char *s,
                gsize       len)
{
  for (gsize i = 0; i < len; i++)
    {
      unsigned char c = (unsigned char) s[i];

      if (c >= 0x20 && c < 0x7F && c != '\\')
        g_string_append_c (log, c);
      else
        g_string_append_printf (log, "\\x%02x", c);
    }
}

static void
log_event (GString          *log,
           const SySseEvent *event)
{
  g_string_append_printf (log, "event=%s id=%s data=", event->event ? event->event : "(none)",
                          event->id ? event->id : "(none)");
  append_escaped (log, event->data, event->data_len);
  g_string_append_c (log, '\n');
}

static void
collect_cb (const SySseEvent *event,
            gpointer          user_data)
{
  Collector *collector = user_data;

  g_assert_nonnull (event->data);
  g_assert_cmpint (event->data[event->data_len], ==, '\0');
  g_assert_true (event->event == NULL || event->event[0] != '\0');

  log_event (collector->log, event);
  collector->count++;
}

typedef struct
{
  char     *log;
  unsigned  n_before_finish;
  unsigned  n_events;
  guint64   comments;
  gboolean  too_large;
} Outcome;

static void
outcome_clear (Outcome *outcome)
{
  g_clear_pointer (&outcome->log, g_free);
}

/* Feeds input in chunks ending at each of cuts[] (ascending, may repeat: empty chunks), each
 * chunk copied to a buffer of its exact size, then finishes. */
static void
run (const char  *input,
     gsize        len,
     gsize        max_event_size,
     const gsize *cuts,
     gsize        n_cuts,
     Outcome     *outcome)
{
  Collector collector = { g_string_new (NULL), 0 };
  g_autoptr(SySseParser) parser = sy_sse_parser_new (max_event_size, collect_cb, &collector);
  gsize from = 0;

  memset (outcome, 0, sizeof *outcome);

  for (gsize i = 0; i <= n_cuts && !outcome->too_large; i++)
    {
      gsize to = i < n_cuts ? cuts[i] : len;
      g_autofree char *chunk = g_memdup2 (input + from, to - from);
      g_autoptr(GError) error = NULL;

      if (!sy_sse_parser_push (parser, chunk, to - from, &error))
        {
          g_assert_error (error, SY_SSE_ERROR, SY_SSE_ERROR_TOO_LARGE);
          outcome->too_large = TRUE;
        }
      else
        g_assert_no_error (error);
      from = to;
    }

  outcome->n_before_finish = collector.count;
  sy_sse_parser_finish (parser);
  outcome->n_events = collector.count;
  outcome->comments = sy_sse_parser_get_comment_count (parser);
  outcome->log = g_string_free (collector.log, FALSE);

  g_assert_finalize_object (g_steal_pointer (&parser));
}

static void
assert_same_outcome (const Outcome *expected,
                     const Outcome *got)
{
  g_assert_cmpstr (got->log, ==, expected->log);
  g_assert_cmpuint (got->n_events, ==, expected->n_events);
  g_assert_cmpuint (got->n_before_finish, ==, expected->n_before_finish);
  g_assert_cmpuint (got->comments, ==, expected->comments);
  g_assert_cmpint (got->too_large, ==, expected->too_large);
}

/* The same outcome whole, split at every byte, at every pair of bytes (if short) and one byte
 * at a time. */
static void
assert_split_invariant (const char    *input,
                        gsize          len,
                        gsize          max_event_size,
                        const Outcome *expected)
{
  g_autofree gsize *cuts = g_new (gsize, len + 2);

  for (gsize i = 0; i <= len; i++)
    {
      Outcome got;

      cuts[0] = i;
      run (input, len, max_event_size, cuts, 1, &got);
      assert_same_outcome (expected, &got);
      outcome_clear (&got);
    }

  if (len <= 160)
    for (gsize i = 0; i <= len; i++)
      for (gsize j = i; j <= len; j++)
        {
          Outcome got;

          cuts[0] = i;
          cuts[1] = j;
          run (input, len, max_event_size, cuts, 2, &got);
          assert_same_outcome (expected, &got);
          outcome_clear (&got);
        }

  if (len > 1)
    {
      Outcome got;

      for (gsize i = 1; i < len; i++)
        cuts[i - 1] = i;
      run (input, len, max_event_size, cuts, len - 1, &got);
      assert_same_outcome (expected, &got);
      outcome_clear (&got);
    }
}

static void
test_case (gconstpointer data)
{
  const SseCase *c = data;
  gsize len = c->len != 0 ? c->len : strlen (c->input);
  g_autoptr(GString) log = g_string_new (NULL);
  Outcome expected = { 0 };
  Outcome whole;
  unsigned n = 0;

  for (; n < MAX_EVENTS && c->events[n].data != NULL; n++)
    {
      const ExpectedEvent *e = &c->events[n];
      SySseEvent event = {
        e->event, e->data, e->data_len != 0 ? e->data_len : strlen (e->data), e->id
      };

      log_event (log, &event);
    }

  expected.log = log->str;
  expected.n_events = n;
  expected.n_before_finish = n - c->n_at_finish;
  expected.comments = c->comments;
  expected.too_large = c->too_large;

  run (c->input, len, c->max_event_size, NULL, 0, &whole);
  assert_same_outcome (&expected, &whole);
  outcome_clear (&whole);

  assert_split_invariant (c->input, len, c->max_event_size, &expected);
}

typedef struct
{
  unsigned count;
  char    *last_data;
} LastEvent;

static void
last_event_cb (const SySseEvent *event,
               gpointer          user_data)
{
  LastEvent *last = user_data;

  last->count++;
  g_free (last->last_data);
  last->last_data = g_strndup (event->data, event->data_len);
}

static void
test_failed_stays_failed (void)
{
  LastEvent last = { 0 };
  g_autoptr(SySseParser) parser = sy_sse_parser_new (8, last_event_cb, &last);
  g_autoptr(GError) error = NULL;

  g_assert_true (sy_sse_parser_push (parser, "data: 1\n\n", 9, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (last.count, ==, 1);

  g_assert_false (sy_sse_parser_push (parser, "data: 0123", 10, &error));
  g_assert_error (error, SY_SSE_ERROR, SY_SSE_ERROR_TOO_LARGE);
  g_clear_error (&error);

  g_assert_false (sy_sse_parser_push (parser, "\n\ndata: 2\n\n", 11, &error));
  g_assert_error (error, SY_SSE_ERROR, SY_SSE_ERROR_TOO_LARGE);
  g_assert_false (sy_sse_parser_push (parser, "", 0, NULL));

  sy_sse_parser_finish (parser);
  g_assert_cmpuint (last.count, ==, 1);

  g_free (last.last_data);
  g_assert_finalize_object (g_steal_pointer (&parser));
}

/* finish() ends one stream and the parser starts the next: a BOM is skipped again, the last
 * event ID is forgotten, the comment count carries on. */
static void
test_reuse_after_finish (void)
{
  Collector collector = { g_string_new (NULL), 0 };
  g_autoptr(SySseParser) parser = sy_sse_parser_new (0, collect_cb, &collector);
  g_autofree char *log = NULL;

  g_assert_true (sy_sse_parser_push (parser, ":c\nid: 1\ndata: a\r", 17, NULL));
  sy_sse_parser_finish (parser);
  g_assert_true (sy_sse_parser_push (parser, "\xEF\xBB\xBF:d\ndata: b\n\n", 15, NULL));
  sy_sse_parser_finish (parser);

  log = g_string_free (collector.log, FALSE);
  g_assert_cmpstr (log, ==, "event=(none) id=1 data=a\n"
                            "event=(none) id=(none) data=b\n");
  g_assert_cmpuint (sy_sse_parser_get_comment_count (parser), ==, 2);
  g_assert_finalize_object (g_steal_pointer (&parser));
}

/* A 1 MiB data line in random chunk sizes, twice: the buffers are reused or given back. */
static void
test_long_line (void)
{
  const gsize size = 1024 * 1024;
  g_autoptr(GString) stream = g_string_new ("data: ");
  LastEvent last = { 0 };
  g_autoptr(SySseParser) parser = sy_sse_parser_new (2 * size, last_event_cb, &last);
  gsize header = stream->len;

  for (gsize i = 0; i < size; i++)
    g_string_append_c (stream, 'a' + i % 26);
  g_string_append (stream, "\r\n\r\n");

  for (int round = 0; round < 2; round++)
    {
      for (gsize from = 0; from < stream->len;)
        {
          gsize n = g_test_rand_int_range (1, 70000);

          n = MIN (n, stream->len - from);

          g_assert_true (sy_sse_parser_push (parser, stream->str + from, n, NULL));
          from += n;
        }
      g_assert_cmpuint (last.count, ==, round + 1);
      g_assert_cmpuint (strlen (last.last_data), ==, size);
      g_assert_true (memcmp (last.last_data, stream->str + header, size) == 0);
    }

  g_free (last.last_data);
  g_assert_finalize_object (g_steal_pointer (&parser));
}

static char *
load_fixture (const char *name,
              gsize      *len)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "sse", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);

  return contents;
}

static char *
replace_newlines (const char *input,
                  const char *with)
{
  g_auto(GStrv) lines = g_strsplit (input, "\n", -1);

  return g_strjoinv (with, lines);
}

typedef struct
{
  GPtrArray *types;
  GPtrArray *data;
} FixtureEvents;

static void
fixture_cb (const SySseEvent *event,
            gpointer          user_data)
{
  FixtureEvents *events = user_data;

  g_ptr_array_add (events->types, g_strdup (event->event));
  g_ptr_array_add (events->data, g_strndup (event->data, event->data_len));
}

/* The fixture as LF, CRLF and CR streams, fed whole, split anywhere and in random chunks:
 * always the same events. Returns them for the caller to check the content. */
static void
assert_fixture_stable (const char    *name,
                       guint64        comments,
                       FixtureEvents *events)
{
  gsize len;
  g_autofree char *lf = load_fixture (name, &len);
  g_autofree char *crlf = replace_newlines (lf, "\r\n");
  g_autofree char *cr = replace_newlines (lf, "\r");
  const char *variants[] = { lf, crlf, cr };
  Outcome expected;
  g_autoptr(SySseParser) parser = NULL;

  run (lf, len, 0, NULL, 0, &expected);
  g_assert_false (expected.too_large);
  g_assert_cmpuint (expected.n_before_finish, ==, expected.n_events);
  g_assert_cmpuint (expected.comments, ==, comments);

  for (gsize v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      gsize vlen = strlen (variants[v]);

      assert_split_invariant (variants[v], vlen, 0, &expected);

      for (int round = 0; round < 50; round++)
        {
          g_autofree gsize *cuts = g_new (gsize, vlen);
          gsize n_cuts = 0;
          Outcome got;

          for (gsize at = g_test_rand_int_range (0, 64); at < vlen;
               at += g_test_rand_int_range (1, 64))
            cuts[n_cuts++] = at;
          run (variants[v], vlen, 0, cuts, n_cuts, &got);
          assert_same_outcome (&expected, &got);
          outcome_clear (&got);
        }
    }

  outcome_clear (&expected);

  events->types = g_ptr_array_new_with_free_func (g_free);
  events->data = g_ptr_array_new_with_free_func (g_free);
  parser = sy_sse_parser_new (0, fixture_cb, events);
  g_assert_true (sy_sse_parser_push (parser, lf, len, NULL));
  sy_sse_parser_finish (parser);
  g_assert_finalize_object (g_steal_pointer (&parser));
}

static char *
dup_member_string (const char *json,
                   const char *key)
{
  SyJsonSpan span;

  g_assert_true (sy_json_check_object (json, strlen (json), 64, NULL));
  g_assert_true (sy_json_object_lookup (json, strlen (json), key, &span));
  g_assert_cmpint (span.kind, ==, SY_JSON_KIND_STRING);

  return sy_json_span_dup_string (json, &span);
}

static void
test_fixture_openai (void)
{
  FixtureEvents events;

  assert_fixture_stable ("openai-chat.sse", 1, &events);

  g_assert_cmpuint (events.data->len, ==, 7);
  for (unsigned i = 0; i < events.data->len; i++)
    {
      const char *data = g_ptr_array_index (events.data, i);

      g_assert_null (g_ptr_array_index (events.types, i));
      if (i == events.data->len - 1)
        g_assert_cmpstr (data, ==, "[DONE]");
      else
        {
          g_autofree char *object = dup_member_string (data, "object");

          g_assert_cmpstr (object, ==, "chat.completion.chunk");
        }
    }

  g_ptr_array_unref (events.types);
  g_ptr_array_unref (events.data);
}

static void
test_fixture_anthropic (void)
{
  static const char *expected_types[] = {
    "message_start", "content_block_start", "ping", "content_block_delta",
    "content_block_delta", "content_block_stop", "message_delta", "message_stop",
  };
  FixtureEvents events;

  assert_fixture_stable ("anthropic-messages.sse", 0, &events);

  g_assert_cmpuint (events.types->len, ==, G_N_ELEMENTS (expected_types));
  for (unsigned i = 0; i < events.types->len; i++)
    {
      g_autofree char *type = dup_member_string (g_ptr_array_index (events.data, i), "type");

      g_assert_cmpstr (g_ptr_array_index (events.types, i), ==, expected_types[i]);
      g_assert_cmpstr (type, ==, expected_types[i]);
    }

  g_ptr_array_unref (events.types);
  g_ptr_array_unref (events.data);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sy/translate/sse-parser/case/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/sy/translate/sse-parser/failed-stays-failed", test_failed_stays_failed);
  g_test_add_func ("/sy/translate/sse-parser/reuse-after-finish", test_reuse_after_finish);
  g_test_add_func ("/sy/translate/sse-parser/long-line", test_long_line);
  g_test_add_func ("/sy/translate/sse-parser/fixture/openai", test_fixture_openai);
  g_test_add_func ("/sy/translate/sse-parser/fixture/anthropic", test_fixture_anthropic);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-retry-hint: Go durations, rate-limit headers and error bodies, as tables with exact ms
 * at a fixed now, plus the provider answers in tests/fixtures/ratelimit. Every body is copied
 * into a buffer of exactly its length, without a NUL, so that a read past the end shows up
 * under ASan and valgrind.
 */
#include "routing/sy-retry-hint.h"

#include <string.h>

/* 2025-01-15T14:23:00Z */
#define NOW_MS G_GINT64_CONSTANT (1736950980000)
#define CAP_MS G_GINT64_CONSTANT (604800000)  /* 7 days */
#define MAX_BODY (64 * 1024)

static SoupMessageHeaders *
headers_from_text (const char *text)
{
  SoupMessageHeaders *headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_auto(GStrv) lines = g_strsplit (text, "\n", 0);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *colon;

      if (*line == '\0' || *line == '#')
        continue;
      colon = strchr (line, ':');
      g_assert_nonnull (colon);
      *colon = '\0';
      soup_message_headers_append (headers, g_strstrip (line), g_strstrip (colon + 1));
    }

  return headers;
}

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", "ratelimit", name, NULL);
}

/* The file's bytes in a buffer of exactly their length, or NULL if it is empty. */
static char *
load_fixture (const char *name,
              gsize      *len)
{
  g_autofree char *path = fixture_path (name);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);
  return *len > 0 ? g_memdup2 (contents, *len) : NULL;
}

static gint64
hint_from_bytes (const char *bytes,
                 gsize       len)
{
  g_autofree char *exact = len > 0 ? g_memdup2 (bytes, len) : NULL;

  return sy_retry_hint_from_body (exact, len, NOW_MS);
}

static gint64
hint_from_string (const char *body)
{
  return hint_from_bytes (body, strlen (body));
}

/* Go durations */

typedef struct
{
  const char *text;
  gint64      ms;
} DurationCase;

static const DurationCase valid_durations[] = {
  { "0", 0 },
  { "+0", 0 },
  { "0s", 0 },
  { "20ms", 20 },
  { "1s", 1000 },
  { "+1s", 1000 },
  { "1.5s", 1500 },
  { ".5s", 500 },
  { "33s", 33000 },
  { "6m0s", 360000 },
  { "1m30.5s", 90500 },
  { "2m8.928s", 128928 },
  { "2h30m14s", 9014000 },
  { "1h0m0s", 3600000 },
  { "164h", 590400000 },
  { "11.31s", 11310 },
  { "1.984999999s", 1985 },        /* rounded up */
  { "91226.179915352s", 91226180 },
  { "1ns", 1 },
  { "1000000ns", 1 },
  { "1000001ns", 2 },
  { "1us", 1 },
  { "1500us", 2 },
  { "1\xC2\xB5s", 1 },              /* micro sign */
  { "1\xCE\xBCs", 1 },              /* Greek mu */
  { "1.5h", 5400000 },
  { "0.000001h", 4 },                /* 3.6 ms */
  { "1h1h", 7200000 },               /* Go adds repeated units */
  { "2562047h", G_GINT64_CONSTANT (9223369200000) },
};

static const char *const invalid_durations[] = {
  "", "+", "20", "0.0", "1x", "s", "ms", "1 s", " 1s", "1s ", "-1s", "-0", "1.s", "1S", "1sec",
  "1h30", "1e3s", "1,5s", "1.5.5s", "1d", "\xff\xfe", "1s\xff", "2562048h",
  "99999999999999999999h", "9223372036854775808ns",
};

static void
test_duration_valid (gconstpointer data)
{
  const DurationCase *c = data;
  gint64 ms = -42;

  g_assert_true (sy_retry_hint_parse_duration (c->text, &ms));
  g_assert_cmpint (ms, ==, c->ms);
}

static void
test_duration_invalid (gconstpointer data)
{
  const char *text = data;
  gint64 ms = -42;

  g_assert_false (sy_retry_hint_parse_duration (text, &ms));
  g_assert_cmpint (ms, ==, -42);  /* untouched */
}

static void
test_duration_null (void)
{
  gint64 ms = -42;

  g_test_expect_message ("sy-routing", G_LOG_LEVEL_CRITICAL, "*text != NULL*");
  g_assert_false (sy_retry_hint_parse_duration (NULL, &ms));
  g_test_assert_expected_messages ();
  g_test_expect_message ("sy-routing", G_LOG_LEVEL_CRITICAL, "*out_ms != NULL*");
  g_assert_false (sy_retry_hint_parse_duration ("1s", NULL));
  g_test_assert_expected_messages ();
}

/* Headers */

typedef struct
{
  const char *name;
  const char *headers;
  gint64      ms;
} HeaderCase;

static const HeaderCase header_cases[] = {
  { "none", "", -1 },
  { "unrelated", "content-type: application/json\nx-request-id: 42", -1 },

  /* Retry-After */
  { "retry-after-seconds", "Retry-After: 20", 20000 },
  { "retry-after-zero", "Retry-After: 0", 0 },
  { "retry-after-fraction", "Retry-After: 1.5", 1500 },
  { "retry-after-fraction-rounds-up", "Retry-After: 0.0001", 1 },
  { "retry-after-case", "RETRY-AFTER: 3", 3000 },
  { "retry-after-date", "Retry-After: Wed, 15 Jan 2025 14:24:30 GMT", 90000 },
  { "retry-after-date-now", "Retry-After: Wed, 15 Jan 2025 14:23:00 GMT", 0 },
  { "retry-after-date-past", "Retry-After: Wed, 15 Jan 2025 14:00:00 GMT", 0 },
  { "retry-after-date-far", "Retry-After: Fri, 01 Jan 2100 00:00:00 GMT", CAP_MS },
  { "retry-after-rfc850", "Retry-After: Wednesday, 15-Jan-25 14:23:10 GMT", 10000 },
  { "retry-after-asctime", "Retry-After: Wed Jan 15 14:23:05 2025", 5000 },
  { "retry-after-garbage", "Retry-After: soon", -1 },
  { "retry-after-negative", "Retry-After: -5", -1 },
  { "retry-after-exponent", "Retry-After: 1e3", -1 },
  { "retry-after-hex", "Retry-After: 0x10", -1 },
  { "retry-after-empty", "Retry-After:", -1 },
  { "retry-after-cap", "Retry-After: 604801", CAP_MS },
  { "retry-after-huge", "Retry-After: 99999999999999999999999999999999", CAP_MS },
  { "retry-after-ms", "retry-after-ms: 1500", 1500 },
  { "retry-after-ms-fraction", "retry-after-ms: 0.2", 1 },
  { "retry-after-ms-wins", "Retry-After: 2\nretry-after-ms: 1500", 1500 },
  { "retry-after-ms-garbage", "Retry-After: 3\nretry-after-ms: later", 3000 },
  { "retry-after-garbage-falls-through", "Retry-After: soon\nX-RateLimit-Reset: 30", 30000 },
  { "retry-after-wins-over-reset", "Retry-After: 3\nX-RateLimit-Reset: 30", 3000 },
  { "retry-after-wins-over-openai",
    "Retry-After: 3\nx-ratelimit-remaining-tokens: 0\nx-ratelimit-reset-tokens: 6m0s", 3000 },
  { "retry-after-wins-over-anthropic",
    "retry-after: 3\nanthropic-ratelimit-tokens-remaining: 0\n"
    "anthropic-ratelimit-tokens-reset: 2025-01-15T14:23:17Z", 3000 },

  /* X-RateLimit-Reset */
  { "reset-delta", "X-RateLimit-Reset: 30", 30000 },
  { "reset-delta-fraction", "X-RateLimit-Reset: 2.25", 2250 },
  { "reset-epoch-s", "X-RateLimit-Reset: 1736951040", 60000 },
  { "reset-epoch-ms", "X-RateLimit-Reset: 1736951040500", 60500 },
  { "reset-epoch-past", "X-RateLimit-Reset: 1736950000", 0 },
  { "reset-epoch-ms-past", "X-RateLimit-Reset: 1736950000000", 0 },
  { "reset-epoch-far", "X-RateLimit-Reset: 4102444800", CAP_MS },
  { "reset-1e9-is-a-delay", "X-RateLimit-Reset: 1000000000", CAP_MS },
  { "reset-above-1e9-is-an-epoch", "X-RateLimit-Reset: 1000000001", 0 },
  { "reset-above-1e12-is-ms", "X-RateLimit-Reset: 1000000000001", 0 },
  { "reset-go-duration", "X-RateLimit-Reset: 1m30s", 90000 },
  { "reset-huge", "X-RateLimit-Reset: 99999999999999999999999", CAP_MS },
  { "reset-garbage", "X-RateLimit-Reset: tomorrow", -1 },
  { "reset-negative", "X-RateLimit-Reset: -30", -1 },

  /* OpenAI pairs */
  { "openai-requests-spent",
    "x-ratelimit-remaining-requests: 0\nx-ratelimit-reset-requests: 120ms\n"
    "x-ratelimit-remaining-tokens: 29950\nx-ratelimit-reset-tokens: 6m0s", 120 },
  { "openai-tokens-spent",
    "x-ratelimit-remaining-requests: 499\nx-ratelimit-reset-requests: 6m0s\n"
    "x-ratelimit-remaining-tokens: 0\nx-ratelimit-reset-tokens: 20ms", 20 },
  { "openai-both-spent-latest",
    "x-ratelimit-remaining-requests: 0\nx-ratelimit-reset-requests: 1s\n"
    "x-ratelimit-remaining-tokens: 0\nx-ratelimit-reset-tokens: 2m0.5s", 120500 },
  { "openai-none-spent-larger",
    "x-ratelimit-remaining-requests: 3\nx-ratelimit-reset-requests: 20ms\n"
    "x-ratelimit-remaining-tokens: 100\nx-ratelimit-reset-tokens: 1s", 1000 },
  { "openai-no-remaining-larger",
    "x-ratelimit-reset-requests: 2s\nx-ratelimit-reset-tokens: 1s", 2000 },
  { "openai-spent-but-garbage",
    "x-ratelimit-remaining-requests: 0\nx-ratelimit-reset-requests: soon\n"
    "x-ratelimit-remaining-tokens: 10\nx-ratelimit-reset-tokens: 7.66s", 7660 },
  { "openai-unknown-remaining",
    "x-ratelimit-remaining-tokens: -1\nx-ratelimit-reset-tokens: 0", 0 },
  { "openai-bare-seconds", "x-ratelimit-reset-tokens: 47", 47000 },
  { "openai-garbage", "x-ratelimit-reset-requests: ?\nx-ratelimit-reset-tokens: 1h1", -1 },
  { "openai-cap", "x-ratelimit-reset-requests: 200h", CAP_MS },

  /* Anthropic */
  { "anthropic-spent-latest",
    "anthropic-ratelimit-requests-remaining: 0\n"
    "anthropic-ratelimit-requests-reset: 2025-01-15T14:23:02Z\n"
    "anthropic-ratelimit-input-tokens-remaining: 0\n"
    "anthropic-ratelimit-input-tokens-reset: 2025-01-15T14:23:17Z\n"
    "anthropic-ratelimit-output-tokens-remaining: 8000\n"
    "anthropic-ratelimit-output-tokens-reset: 2025-01-15T14:23:45Z", 17000 },
  { "anthropic-spent-only-one",
    "anthropic-ratelimit-requests-remaining: 12\n"
    "anthropic-ratelimit-requests-reset: 2025-01-15T14:23:40Z\n"
    "anthropic-ratelimit-output-tokens-remaining: 0\n"
    "anthropic-ratelimit-output-tokens-reset: 2025-01-15T14:23:05Z", 5000 },
  { "anthropic-none-spent-latest",
    "anthropic-ratelimit-requests-remaining: 12\n"
    "anthropic-ratelimit-requests-reset: 2025-01-15T14:23:40Z\n"
    "anthropic-ratelimit-tokens-remaining: 400\n"
    "anthropic-ratelimit-tokens-reset: 2025-01-15T14:23:05Z", 40000 },
  { "anthropic-fraction", "anthropic-ratelimit-tokens-reset: 2025-01-15T14:23:17.2504Z", 17251 },
  { "anthropic-offset", "anthropic-ratelimit-tokens-reset: 2025-01-15T15:23:10+01:00", 10000 },
  { "anthropic-past", "anthropic-ratelimit-tokens-reset: 2025-01-15T14:22:00Z", 0 },
  { "anthropic-far", "anthropic-ratelimit-tokens-reset: 2026-01-15T14:22:00Z", CAP_MS },
  { "anthropic-garbage", "anthropic-ratelimit-tokens-reset: next tuesday", -1 },
  { "anthropic-go-duration", "anthropic-ratelimit-tokens-reset: 20s", -1 },
};

static void
test_headers (gconstpointer data)
{
  const HeaderCase *c = data;
  SoupMessageHeaders *headers = headers_from_text (c->headers);

  g_assert_cmpint (sy_retry_hint_from_headers (headers, NOW_MS), ==, c->ms);
  soup_message_headers_unref (headers);
}

static void
test_headers_null (void)
{
  g_assert_cmpint (sy_retry_hint_from_headers (NULL, NOW_MS), ==, -1);
}

/* Bodies */

typedef struct
{
  const char *name;
  const char *body;
  gint64      ms;
} BodyCase;

static const BodyCase body_cases[] = {
  /* Google */
  { "retry-info",
    "{\"error\":{\"code\":429,\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\","
    "\"retryDelay\":\"33s\"}]}}", 33000 },
  { "retry-info-fraction",
    "{\"error\":{\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\","
    "\"retryDelay\":\"0.25s\"}]}}", 250 },
  { "retry-info-object",
    "{\"error\":{\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\","
    "\"retryDelay\":{\"seconds\":2,\"nanos\":500000000}}]}}", 2500 },
  { "retry-info-wins-over-text",
    "{\"error\":{\"message\":\"Please retry in 33.480516832s.\",\"details\":[{\"@type\":"
    "\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"33s\"}]}}", 33000 },
  { "retry-info-garbage-then-text",
    "{\"error\":{\"message\":\"Please retry in 12.5s.\",\"details\":[{\"@type\":"
    "\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"soon\"}]}}", 12500 },
  { "retry-info-number",
    "{\"error\":{\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\","
    "\"retryDelay\":33}]}}", -1 },
  { "retry-info-wins-over-error-info",
    "{\"error\":{\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\","
    "\"metadata\":{\"quotaResetDelay\":\"1h\"}},{\"@type\":"
    "\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"5s\"}]}}", 5000 },
  { "error-info-quota-reset-delay",
    "{\"error\":{\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\","
    "\"reason\":\"QUOTA_EXHAUSTED\",\"metadata\":{\"quotaResetDelay\":\"2h30m14.5s\"}}]}}",
    9014500 },
  { "details-not-an-array", "{\"error\":{\"details\":{\"retryDelay\":\"3s\"}}}", -1 },
  { "details-odd-elements",
    "{\"error\":{\"details\":[1,null,\"x\",{\"@type\":7},{\"@type\":"
    "\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"3s\"}]}}", 3000 },
  { "array-wrapped",
    "[{\"error\":{\"code\":429,\"details\":[{\"@type\":"
    "\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"7s\"}]}}]", 7000 },
  { "array-of-two", "[{\"a\":1},{\"error\":{\"message\":\"retry in 2s\"}}]", 2000 },

  /* Codex */
  { "codex-resets-in",
    "{\"error\":{\"type\":\"usage_limit_reached\",\"resets_in_seconds\":13872}}", 13872000 },
  { "codex-resets-in-wins",
    "{\"error\":{\"resets_at\":1736964853,\"resets_in_seconds\":13872}}", 13872000 },
  { "codex-resets-at", "{\"error\":{\"resets_at\":1736964853}}", 13873000 },
  { "codex-resets-at-ms", "{\"error\":{\"resets_at\":1736950990000}}", 10000 },
  { "codex-resets-at-past", "{\"error\":{\"resets_at\":1736950000}}", 0 },
  { "codex-resets-at-small", "{\"error\":{\"resets_at\":5}}", 0 },
  { "codex-top-level", "{\"type\":\"usage_limit_reached\",\"resets_in_seconds\":60}", 60000 },
  { "codex-string", "{\"error\":{\"resets_in_seconds\":\"30\"}}", 30000 },
  { "codex-fraction", "{\"error\":{\"resets_in_seconds\":1.0005}}", 1001 },
  { "codex-huge", "{\"error\":{\"resets_in_seconds\":99999999999999999999}}", CAP_MS },
  { "codex-huge-wraps-not", "{\"error\":{\"resets_in_seconds\":18446744073709551617}}", CAP_MS },
  { "codex-negative", "{\"error\":{\"resets_in_seconds\":-5}}", -1 },
  { "codex-exponent", "{\"error\":{\"resets_in_seconds\":1.5e3}}", -1 },
  { "codex-escaped-string", "{\"error\":{\"resets_in_seconds\":\"\\u0033\"}}", -1 },
  { "codex-null", "{\"error\":{\"resets_in_seconds\":null,\"resets_at\":true}}", -1 },
  { "codex-negative-then-at", "{\"error\":{\"resets_in_seconds\":-5,\"resets_at\":1736950985}}",
    5000 },

  /* OpenRouter's relayed headers */
  { "relayed-reset",
    "{\"error\":{\"code\":429,\"metadata\":{\"headers\":{\"X-RateLimit-Reset\":"
    "\"1736951040000\"}}}}", 60000 },
  { "relayed-lower-case",
    "{\"error\":{\"metadata\":{\"headers\":{\"x-ratelimit-reset\":\"1736951040\"}}}}", 60000 },
  { "relayed-retry-after-wins",
    "{\"error\":{\"metadata\":{\"headers\":{\"X-RateLimit-Reset\":\"1736951040000\","
    "\"Retry-After\":\"4\"}}}}", 4000 },
  { "relayed-garbage",
    "{\"error\":{\"metadata\":{\"headers\":{\"X-RateLimit-Reset\":{},\"Retry-After\":\"x\"}}}}",
    -1 },

  /* Text */
  { "try-again-s", "Please try again in 20s.", 20000 },
  { "try-again-go", "Please try again in 1m30.5s.", 90500 },
  { "try-again-ms", "Rate limit reached. Please try again in 6ms", 6 },
  { "try-again-rounds-up", "Please try again in 1.984999999s.", 1985 },
  { "retry-after-words", "Too many requests, retry after 20 seconds", 20000 },
  { "reset-after", "Your quota will reset after 2h30m14s.", 9014000 },
  { "resets-in", "Resets in 164h", 590400000 },
  { "retry-in", "Please retry in 33.5s.", 33500 },
  { "upper-case", "PLEASE TRY AGAIN IN 2 HOURS", 7200000 },
  { "words", "try again in 5 days 22 hours 11 minutes.", 511860000 },
  { "words-and", "try again in 1 hour and 30 minutes", 5400000 },
  { "words-comma", "try again in 1 minute, 5 seconds", 65000 },
  { "spaced-go", "try again in 2h 30m", 9000000 },
  { "singular", "try again in 1 sec", 1000 },
  { "later", "Please try again later.", -1 },
  { "date", "retry after 2025-01-16", -1 },
  { "first-that-parses", "try again in a moment, or retry in 3s", 3000 },
  { "stops-at-non-unit", "try again in 4s 2 apples", 4000 },
  { "no-unit", "try again in 20", -1 },
  { "cap", "try again in 30 days", CAP_MS },
  { "huge", "try again in 99999999999999999999999999h", CAP_MS },
  { "zero", "try again in 0s", 0 },
  { "in-json-message",
    "{\"error\":{\"message\":\"Rate limit reached. Please try again in 120ms.\"}}", 120 },
  { "in-escaped-json", "{\"error\":{\"message\":\"limit: 20\\nPlease retry in 36.4s.\"}}",
    36400 },

  /* Garbage */
  { "empty-object", "{}", -1 },
  { "open-brace", "{", -1 },
  { "truncated-json",
    "{\"error\":{\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\","
    "\"retryDelay\":\"33s\"}", -1 },
  { "truncated-json-text",
    "{\"error\":{\"message\":\"Please retry in 33.5s.\",\"details\":[{\"@type\":", 33500 },
  { "json-string", "\"try again in 2s\"", 2000 },
  { "json-number", "42", -1 },
  { "non-utf8", "\xff\xfe\xfd try again in 4s \xc3", 4000 },
  { "non-utf8-json", "{\"error\":{\"message\":\"\xff retry in 2s\"}}", 2000 },
  { "html", "<html><body><h1>429 Too Many Requests</h1></body></html>", -1 },
  { "marker-at-end", "please try again in ", -1 },
  { "marker-cut", "please try again i", -1 },
};

static void
test_body (gconstpointer data)
{
  const BodyCase *c = data;

  g_assert_cmpint (hint_from_string (c->body), ==, c->ms);
}

static void
test_body_empty (void)
{
  g_assert_cmpint (sy_retry_hint_from_body (NULL, 0, NOW_MS), ==, -1);
  g_assert_cmpint (sy_retry_hint_from_body ("try again in 5s", 0, NOW_MS), ==, -1);

  g_test_expect_message ("sy-routing", G_LOG_LEVEL_CRITICAL, "*body != NULL*");
  g_assert_cmpint (sy_retry_hint_from_body (NULL, 4, NOW_MS), ==, -1);
  g_test_assert_expected_messages ();
}

static void
test_body_nul (void)
{
  static const char body[] = "\0\0error\0 try again in 4s";

  /* NUL bytes are content like any other, not the end. */
  g_assert_cmpint (hint_from_bytes (body, sizeof body - 1), ==, 4000);
}

static void
test_body_length_respected (void)
{
  static const char body[] = "try again in 4ms";

  /* Only len bytes count: "try again in 4" has no unit, "try again in 4m" is 4 minutes. */
  g_assert_cmpint (hint_from_bytes (body, strlen ("try again in 4")), ==, -1);
  g_assert_cmpint (hint_from_bytes (body, strlen ("try again in 4m")), ==, 240000);
  g_assert_cmpint (hint_from_bytes (body, strlen ("try again in 4ms")), ==, 4);
}

/* Only the first 64 KiB are read. */
static void
test_body_bound (void)
{
  const char *phrase = "try again in 5s";
  gsize phrase_len = strlen (phrase);
  gsize len = MAX_BODY + 4096;
  g_autofree char *body = g_malloc (len);

  /* Inside: the phrase ends at the bound. */
  memset (body, ' ', len);
  memcpy (body + MAX_BODY - phrase_len, phrase, phrase_len);
  g_assert_cmpint (sy_retry_hint_from_body (body, len, NOW_MS), ==, 5000);

  /* Straddling: "...in 5" fits, the unit does not. */
  memset (body, ' ', len);
  memcpy (body + MAX_BODY - phrase_len + 1, phrase, phrase_len);
  g_assert_cmpint (sy_retry_hint_from_body (body, len, NOW_MS), ==, -1);

  /* Beyond. */
  memset (body, ' ', len);
  memcpy (body + MAX_BODY, phrase, phrase_len);
  g_assert_cmpint (sy_retry_hint_from_body (body, len, NOW_MS), ==, -1);
}

/* A JSON body larger than the bound is not JSON to us; its text still counts. */
static void
test_body_large_json (void)
{
  g_autoptr(GString) body = g_string_new ("{\"error\":{\"message\":\"retry in 9s\",\"pad\":\"");

  while (body->len < MAX_BODY + 10)
    g_string_append_c (body, 'x');
  g_string_append (body, "\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\","
                         "\"retryDelay\":\"1s\"}]}}");
  g_assert_cmpint (hint_from_bytes (body->str, body->len), ==, 9000);
}

/* Deep nesting is refused before json-glib (which recurses) sees it. */
static void
test_body_deep (void)
{
  g_autoptr(GString) body = g_string_new (NULL);

  for (guint i = 0; i < 40; i++)
    g_string_append (body, "{\"a\":");
  g_string_append (body, "\"retry in 1s\"");
  for (guint i = 0; i < 40; i++)
    g_string_append_c (body, '}');
  g_assert_cmpint (hint_from_bytes (body->str, body->len), ==, 1000);

  /* 10000 levels: valid JSON, within the bound, far too deep. */
  g_string_truncate (body, 0);
  for (guint i = 0; i < 10000; i++)
    g_string_append (body, "{\"a\":");
  g_string_append (body, "1");
  for (guint i = 0; i < 10000; i++)
    g_string_append_c (body, '}');
  g_assert_cmpuint (body->len, <, MAX_BODY);
  g_assert_cmpint (hint_from_bytes (body->str, body->len), ==, -1);
}

/* Every prefix of a real body: no crash, no read past the end, and a hint or -1. */
static void
test_body_prefixes (void)
{
  gsize len;
  g_autofree char *body = load_fixture ("gemini-429-retryinfo.json", &len);

  for (gsize i = 0; i <= len; i++)
    {
      gint64 hint = hint_from_bytes (body, i);

      g_assert_true (hint == -1 || hint == 33000 || hint == 33481);
    }
}

/* Fixtures */

typedef struct
{
  const char *name;
  gint64      body_ms;     /* sy_retry_hint_from_body () */
  gint64      headers_ms;  /* sy_retry_hint_from_headers () on NAME.headers, if any */
} FixtureCase;

static const FixtureCase fixture_cases[] = {
  { "openai-429-rpm", 120, 120 },
  { "openai-429-insufficient-quota", -1, -1 },
  { "openai-400-context-length", -1, -1 },
  { "openai-404-model-not-found", -1, -1 },
  { "openai-400-unsupported-parameter", -1, -1 },
  { "anthropic-429", -1, 17000 },
  { "anthropic-529-overloaded", -1, -1 },
  { "anthropic-400-prompt-too-long", -1, -1 },
  { "anthropic-400-credit-balance", -1, -1 },
  { "gemini-429-retryinfo", 33000, -1 },
  { "gemini-429-per-day", 47000, -1 },
  { "vertex-429-array", -1, -1 },
  { "antigravity-429-quota", 91226180, -1 },
  { "gemini-404-model-not-found", -1, -1 },
  { "gemini-400-api-key-invalid", -1, -1 },
  { "codex-usage-limit", 13872000, -1 },
  { "groq-429", 4320, 5000 },
  { "groq-429-tpd", 578016, -1 },
  { "openrouter-402", -1, -1 },
  { "openrouter-429-free-per-day", 34620000, -1 },
  { "mistral-429", -1, -1 },
  { "deepseek-402", -1, -1 },
};

static void
test_fixture (gconstpointer data)
{
  const FixtureCase *c = data;
  g_autofree char *json_name = g_strconcat (c->name, ".json", NULL);
  g_autofree char *headers_name = g_strconcat (c->name, ".headers", NULL);
  g_autofree char *headers_path = fixture_path (headers_name);
  g_autofree char *body = NULL;
  gsize len;

  body = load_fixture (json_name, &len);
  g_assert_cmpint (sy_retry_hint_from_body (body, len, NOW_MS), ==, c->body_ms);

  if (g_file_test (headers_path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *text = NULL;
      SoupMessageHeaders *headers;

      g_assert_true (g_file_get_contents (headers_path, &text, NULL, NULL));
      headers = headers_from_text (text);
      g_assert_cmpint (sy_retry_hint_from_headers (headers, NOW_MS), ==, c->headers_ms);

      /* Without Retry-After, the per-limit headers decide. */
      soup_message_headers_remove (headers, "Retry-After");
      if (g_str_equal (c->name, "anthropic-429"))
        g_assert_cmpint (sy_retry_hint_from_headers (headers, NOW_MS), ==, 17000);
      else if (g_str_equal (c->name, "groq-429"))
        g_assert_cmpint (sy_retry_hint_from_headers (headers, NOW_MS), ==, 4320);
      soup_message_headers_unref (headers);
    }
  else
    g_assert_cmpint (c->headers_ms, ==, -1);
}

/* The same answer is 0 once its reset has passed, and capped when now is far behind. */
static void
test_fixture_clock (void)
{
  gsize len;
  g_autofree char *body = load_fixture ("openrouter-429-free-per-day.json", &len);

  g_assert_cmpint (sy_retry_hint_from_body (body, len, G_GINT64_CONSTANT (1736985600000)), ==, 0);
  g_assert_cmpint (sy_retry_hint_from_body (body, len, G_GINT64_CONSTANT (1736985599999)), ==, 1);
  g_assert_cmpint (sy_retry_hint_from_body (body, len, G_MAXINT64), ==, 0);
  g_assert_cmpint (sy_retry_hint_from_body (body, len, 0), ==, CAP_MS);
  g_assert_cmpint (sy_retry_hint_from_body (body, len, G_MININT64), ==, CAP_MS);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (valid_durations); i++)
    {
      g_autofree char *escaped = g_strescape (valid_durations[i].text, NULL);
      g_autofree char *path = g_strdup_printf ("/sy/routing/retry-hint/duration/valid/%s", escaped);

      g_test_add_data_func (path, &valid_durations[i], test_duration_valid);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (invalid_durations); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sy/routing/retry-hint/duration/invalid/%"
                                               G_GSIZE_FORMAT, i);

      g_test_add_data_func (path, invalid_durations[i], test_duration_invalid);
    }
  g_test_add_func ("/sy/routing/retry-hint/duration/null", test_duration_null);

  for (gsize i = 0; i < G_N_ELEMENTS (header_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sy/routing/retry-hint/headers/%s",
                                               header_cases[i].name);

      g_test_add_data_func (path, &header_cases[i], test_headers);
    }
  g_test_add_func ("/sy/routing/retry-hint/headers/null", test_headers_null);

  for (gsize i = 0; i < G_N_ELEMENTS (body_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sy/routing/retry-hint/body/%s",
                                               body_cases[i].name);

      g_test_add_data_func (path, &body_cases[i], test_body);
    }
  g_test_add_func ("/sy/routing/retry-hint/body/empty", test_body_empty);
  g_test_add_func ("/sy/routing/retry-hint/body/nul", test_body_nul);
  g_test_add_func ("/sy/routing/retry-hint/body/length-respected", test_body_length_respected);
  g_test_add_func ("/sy/routing/retry-hint/body/bound", test_body_bound);
  g_test_add_func ("/sy/routing/retry-hint/body/large-json", test_body_large_json);
  g_test_add_func ("/sy/routing/retry-hint/body/deep", test_body_deep);
  g_test_add_func ("/sy/routing/retry-hint/body/prefixes", test_body_prefixes);

  for (gsize i = 0; i < G_N_ELEMENTS (fixture_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sy/routing/retry-hint/fixture/%s",
                                               fixture_cases[i].name);

      g_test_add_data_func (path, &fixture_cases[i], test_fixture);
    }
  g_test_add_func ("/sy/routing/retry-hint/fixture/clock", test_fixture_clock);

  return g_test_run ();
}

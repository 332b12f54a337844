/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-failure-policy: the failover table, row by row: the provider answers in
 * tests/fixtures/ratelimit, bare statuses, and the wording rules for 400/413/422 and 429, with
 * exact retry_after_ms at a fixed now. Bodies are copied into buffers of exactly their length.
 */
#include "routing/sy-failure-policy.h"

#include <string.h>

/* 2025-01-15T14:23:00Z */
#define NOW_MS G_GINT64_CONSTANT (1736950980000)

#define RATE    SY_FAILURE_RATE_LIMITED
#define QUOTA   SY_FAILURE_QUOTA_EXHAUSTED
#define AUTH    SY_FAILURE_AUTH
#define MODEL   SY_FAILURE_MODEL_UNAVAILABLE
#define SERVER  SY_FAILURE_SERVER
#define CONTEXT SY_FAILURE_CONTEXT_OVERFLOW
#define INVALID SY_FAILURE_REQUEST_INVALID

typedef struct
{
  const char     *name;
  guint           status;
  const char     *headers;  /* "Name: value" lines; NULL: none at all */
  const char     *body;     /* inline cases; fixture cases: the file name without .json */
  SyFailureKind   kind;
  SyCooldownScope cooldown;
  gint64          retry_after_ms;
} Case;

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

/* move_on, counts_for_breaker and the default cooldown follow from the kind alone. */
static void
assert_failure (const SyFailure *failure,
                SyFailureKind    kind,
                SyCooldownScope  cooldown,
                gint64           retry_after_ms)
{
  g_assert_cmpstr (sy_failure_kind_to_string (failure->kind), ==,
                   sy_failure_kind_to_string (kind));
  g_assert_cmpint (failure->cooldown, ==, cooldown);
  g_assert_cmpint (failure->retry_after_ms, ==, retry_after_ms);
  g_assert_cmpint (failure->move_on, ==, kind != SY_FAILURE_REQUEST_INVALID);
  g_assert_cmpint (failure->counts_for_breaker, ==,
                   kind == SY_FAILURE_SERVER || kind == SY_FAILURE_NETWORK);
  switch (kind)
    {
    case SY_FAILURE_RATE_LIMITED:
    case SY_FAILURE_AUTH:
      g_assert_cmpint (cooldown, ==, SY_COOLDOWN_ACCOUNT);
      break;
    case SY_FAILURE_QUOTA_EXHAUSTED:
      g_assert_cmpint (cooldown, !=, SY_COOLDOWN_NONE);
      break;
    case SY_FAILURE_MODEL_UNAVAILABLE:
      g_assert_cmpint (cooldown, ==, SY_COOLDOWN_MODEL);
      break;
    case SY_FAILURE_SERVER:
    case SY_FAILURE_NETWORK:
    case SY_FAILURE_CONTEXT_OVERFLOW:
    case SY_FAILURE_REQUEST_INVALID:
    default:
      g_assert_cmpint (cooldown, ==, SY_COOLDOWN_NONE);
      break;
    }
}

static void
run_case (const Case *c,
          const char *body,
          gsize       len)
{
  g_autofree char *exact = len > 0 ? g_memdup2 (body, len) : NULL;
  SoupMessageHeaders *headers = c->headers != NULL ? headers_from_text (c->headers) : NULL;
  SyFailure failure;

  memset (&failure, 0xAA, sizeof failure);
  sy_failure_classify_response (c->status, headers, exact, len, NOW_MS, &failure);
  assert_failure (&failure, c->kind, c->cooldown, c->retry_after_ms);
  g_clear_pointer (&headers, soup_message_headers_unref);
}

/* Fixtures: the header set NAME.headers is used when the case names none and it exists. */

static const Case fixture_cases[] = {
  { "openai-429-rpm", 429, NULL, "openai-429-rpm", RATE, SY_COOLDOWN_ACCOUNT, 120 },
  { "openai-429-insufficient-quota", 429, NULL, "openai-429-insufficient-quota",
    QUOTA, SY_COOLDOWN_ACCOUNT, -1 },
  { "openai-400-context-length", 400, NULL, "openai-400-context-length",
    CONTEXT, SY_COOLDOWN_NONE, -1 },
  { "openai-404-model-not-found", 404, NULL, "openai-404-model-not-found",
    MODEL, SY_COOLDOWN_MODEL, -1 },
  { "openai-model-not-found-as-400", 400, NULL, "openai-404-model-not-found",
    MODEL, SY_COOLDOWN_MODEL, -1 },
  { "openai-400-unsupported-parameter", 400, NULL, "openai-400-unsupported-parameter",
    INVALID, SY_COOLDOWN_NONE, -1 },
  { "anthropic-429", 429, NULL, "anthropic-429", RATE, SY_COOLDOWN_ACCOUNT, 17000 },
  { "anthropic-529-overloaded", 529, NULL, "anthropic-529-overloaded",
    SERVER, SY_COOLDOWN_NONE, -1 },
  { "anthropic-529-retry-after", 529, "retry-after: 30", "anthropic-529-overloaded",
    SERVER, SY_COOLDOWN_NONE, 30000 },
  { "anthropic-400-prompt-too-long", 400, NULL, "anthropic-400-prompt-too-long",
    CONTEXT, SY_COOLDOWN_NONE, -1 },
  { "anthropic-400-credit-balance", 400, NULL, "anthropic-400-credit-balance",
    QUOTA, SY_COOLDOWN_ACCOUNT, -1 },
  { "gemini-429-retryinfo", 429, NULL, "gemini-429-retryinfo", RATE, SY_COOLDOWN_ACCOUNT, 33000 },
  /* A per-day quota id, but Google says 47 s: a rate limit (see the table's note 2). */
  { "gemini-429-per-day", 429, NULL, "gemini-429-per-day", RATE, SY_COOLDOWN_ACCOUNT, 47000 },
  { "vertex-429-array", 429, NULL, "vertex-429-array", RATE, SY_COOLDOWN_ACCOUNT, -1 },
  { "antigravity-429-quota", 429, NULL, "antigravity-429-quota",
    QUOTA, SY_COOLDOWN_MODEL, 91226180 },
  { "gemini-404-model-not-found", 404, NULL, "gemini-404-model-not-found",
    MODEL, SY_COOLDOWN_MODEL, -1 },
  { "gemini-model-not-found-as-400", 400, NULL, "gemini-404-model-not-found",
    MODEL, SY_COOLDOWN_MODEL, -1 },
  { "gemini-400-api-key-invalid", 400, NULL, "gemini-400-api-key-invalid",
    AUTH, SY_COOLDOWN_ACCOUNT, -1 },
  { "codex-usage-limit", 429, NULL, "codex-usage-limit", QUOTA, SY_COOLDOWN_ACCOUNT, 13872000 },
  { "groq-429", 429, NULL, "groq-429", RATE, SY_COOLDOWN_ACCOUNT, 5000 },
  { "groq-429-no-headers", 429, "", "groq-429", RATE, SY_COOLDOWN_ACCOUNT, 4320 },
  /* Tokens per day, but free again in under ten minutes. */
  { "groq-429-tpd", 429, NULL, "groq-429-tpd", RATE, SY_COOLDOWN_ACCOUNT, 578016 },
  { "openrouter-402", 402, NULL, "openrouter-402", QUOTA, SY_COOLDOWN_ACCOUNT, -1 },
  { "openrouter-429-free-per-day", 429, NULL, "openrouter-429-free-per-day",
    QUOTA, SY_COOLDOWN_ACCOUNT, 34620000 },
  { "mistral-429", 429, NULL, "mistral-429", RATE, SY_COOLDOWN_ACCOUNT, -1 },
  { "deepseek-402", 402, NULL, "deepseek-402", QUOTA, SY_COOLDOWN_ACCOUNT, -1 },
};

static void
test_fixture (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *json_name = g_strconcat (c->body, ".json", NULL);
  g_autofree char *headers_name = g_strconcat (c->body, ".headers", NULL);
  g_autofree char *json_path = g_test_build_filename (G_TEST_DIST, "fixtures", "ratelimit",
                                                      json_name, NULL);
  g_autofree char *headers_path = g_test_build_filename (G_TEST_DIST, "fixtures", "ratelimit",
                                                         headers_name, NULL);
  g_autofree char *body = NULL;
  g_autofree char *headers = NULL;
  Case with_headers = *c;
  gsize len;

  g_assert_true (g_file_get_contents (json_path, &body, &len, NULL));
  if (c->headers == NULL && g_file_get_contents (headers_path, &headers, NULL, NULL))
    with_headers.headers = headers;
  run_case (&with_headers, body, len);
}

/* Bare statuses, no headers, no body. */

static const Case status_cases[] = {
  { "429", 429, NULL, NULL, RATE, SY_COOLDOWN_ACCOUNT, -1 },
  { "402", 402, NULL, NULL, QUOTA, SY_COOLDOWN_ACCOUNT, -1 },
  { "401", 401, NULL, NULL, AUTH, SY_COOLDOWN_ACCOUNT, -1 },
  { "403", 403, NULL, NULL, AUTH, SY_COOLDOWN_ACCOUNT, -1 },
  { "404", 404, NULL, NULL, MODEL, SY_COOLDOWN_MODEL, -1 },
  { "408", 408, NULL, NULL, SERVER, SY_COOLDOWN_NONE, -1 },
  { "500", 500, NULL, NULL, SERVER, SY_COOLDOWN_NONE, -1 },
  { "501", 501, NULL, NULL, SERVER, SY_COOLDOWN_NONE, -1 },
  { "502", 502, NULL, NULL, SERVER, SY_COOLDOWN_NONE, -1 },
  { "503", 503, NULL, NULL, SERVER, SY_COOLDOWN_NONE, -1 },
  { "504", 504, NULL, NULL, SERVER, SY_COOLDOWN_NONE, -1 },
  { "520", 520, NULL, NULL, SERVER, SY_COOLDOWN_NONE, -1 },
  { "529", 529, NULL, NULL, SERVER, SY_COOLDOWN_NONE, -1 },
  { "599", 599, NULL, NULL, SERVER, SY_COOLDOWN_NONE, -1 },
  { "400", 400, NULL, NULL, INVALID, SY_COOLDOWN_NONE, -1 },
  { "405", 405, NULL, NULL, INVALID, SY_COOLDOWN_NONE, -1 },
  { "409", 409, NULL, NULL, INVALID, SY_COOLDOWN_NONE, -1 },
  { "413", 413, NULL, NULL, INVALID, SY_COOLDOWN_NONE, -1 },
  { "415", 415, NULL, NULL, INVALID, SY_COOLDOWN_NONE, -1 },
  { "422", 422, NULL, NULL, INVALID, SY_COOLDOWN_NONE, -1 },
  { "499", 499, NULL, NULL, INVALID, SY_COOLDOWN_NONE, -1 },
  { "0", 0, NULL, NULL, SERVER, SY_COOLDOWN_NONE, -1 },
  { "200", 200, NULL, NULL, SERVER, SY_COOLDOWN_NONE, -1 },
  { "302", 302, NULL, NULL, SERVER, SY_COOLDOWN_NONE, -1 },
  { "600", 600, NULL, NULL, SERVER, SY_COOLDOWN_NONE, -1 },
  { "huge", G_MAXUINT, NULL, NULL, SERVER, SY_COOLDOWN_NONE, -1 },
};

/* Wording and hints. */

static const Case wording_cases[] = {
  /* retry_after_ms: headers first, then the body, for every kind */
  { "headers-before-body", 429, "Retry-After: 5", "{\"error\":\"try again in 20s\"}",
    RATE, SY_COOLDOWN_ACCOUNT, 5000 },
  { "garbage-header-then-body", 429, "Retry-After: soon", "try again in 20s",
    RATE, SY_COOLDOWN_ACCOUNT, 20000 },
  { "hint-on-server", 503, "Retry-After: 120", "Service Unavailable",
    SERVER, SY_COOLDOWN_NONE, 120000 },
  { "hint-on-auth", 401, "Retry-After: 1", "unauthorized", AUTH, SY_COOLDOWN_ACCOUNT, 1000 },
  { "hint-on-invalid", 400, NULL, "bad field, try again in 2s", INVALID, SY_COOLDOWN_NONE, 2000 },

  /* 429: quota or rate */
  { "daily-no-hint", 429, NULL, "You have exhausted your daily quota.",
    QUOTA, SY_COOLDOWN_ACCOUNT, -1 },
  { "daily-model", 429, NULL, "You have exhausted your daily quota on this model.",
    QUOTA, SY_COOLDOWN_MODEL, -1 },
  { "todays-quota-for-model", 429, NULL, "You have used today's quota for model gemini-2.5-pro",
    QUOTA, SY_COOLDOWN_MODEL, -1 },
  { "daily-short-hint", 429, "Retry-After: 30", "daily request limit reached",
    RATE, SY_COOLDOWN_ACCOUNT, 30000 },
  { "daily-long-hint", 429, "Retry-After: 7200", "daily request limit reached",
    QUOTA, SY_COOLDOWN_ACCOUNT, 7200000 },
  { "daily-hour-hint", 429, "Retry-After: 3600", "weekly limit", QUOTA, SY_COOLDOWN_ACCOUNT,
    3600000 },
  { "monthly", 429, NULL, "Monthly token allowance used up", QUOTA, SY_COOLDOWN_ACCOUNT, -1 },
  { "billing-per-minute", 429, NULL,
    "Quota exceeded for requests per minute, check your billing details",
    RATE, SY_COOLDOWN_ACCOUNT, -1 },
  { "billing-alone", 429, NULL, "check your plan and billing details",
    QUOTA, SY_COOLDOWN_ACCOUNT, -1 },
  { "hard-beats-short-hint", 429, "Retry-After: 5", "insufficient_quota",
    QUOTA, SY_COOLDOWN_ACCOUNT, 5000 },
  { "hard-beats-per-minute", 429, NULL, "out of credits (tokens per minute)",
    QUOTA, SY_COOLDOWN_ACCOUNT, -1 },
  { "usage-limit-text", 429, NULL, "You've hit your usage limit. Try again in 4 days 20 hours.",
    QUOTA, SY_COOLDOWN_ACCOUNT, 417600000 },
  { "capacity-short", 429, NULL, "You have exhausted your capacity on this model. "
    "Your quota will reset after 5s.", RATE, SY_COOLDOWN_ACCOUNT, 5000 },
  { "plain-429", 429, NULL, "Too Many Requests", RATE, SY_COOLDOWN_ACCOUNT, -1 },
  { "429-context-words", 429, NULL, "Request too large for gpt-4o on tokens per min (TPM)",
    RATE, SY_COOLDOWN_ACCOUNT, -1 },

  /* 400, 413, 422 */
  { "400-rate-limit", 400, NULL, "{\"error\":{\"message\":\"Rate limit exceeded\"}}",
    RATE, SY_COOLDOWN_ACCOUNT, -1 },
  { "400-too-many-requests", 400, NULL, "TOO MANY REQUESTS", RATE, SY_COOLDOWN_ACCOUNT, -1 },
  { "400-resource-exhausted", 400, NULL, "{\"error\":{\"status\":\"RESOURCE_EXHAUSTED\"}}",
    RATE, SY_COOLDOWN_ACCOUNT, -1 },
  { "400-daily-quota", 400, NULL, "daily quota exceeded", QUOTA, SY_COOLDOWN_ACCOUNT, -1 },
  { "400-context-window", 400, NULL, "input exceeds the context window of this model",
    CONTEXT, SY_COOLDOWN_NONE, -1 },
  { "400-gemini-token-count", 400, NULL, "The input token count (1234567) exceeds the maximum "
    "number of tokens allowed (1048576).", CONTEXT, SY_COOLDOWN_NONE, -1 },
  { "413-request-too-large", 413, NULL, "Request too large for model `llama-3.1-8b-instant` on "
    "tokens per minute (TPM): Limit 6000, Requested 6294, please reduce your message size and "
    "try again.", CONTEXT, SY_COOLDOWN_NONE, -1 },
  { "413-anthropic", 413, NULL, "{\"type\":\"error\",\"error\":{\"type\":\"request_too_large\","
    "\"message\":\"Request exceeds the maximum allowed number of bytes.\"}}",
    CONTEXT, SY_COOLDOWN_NONE, -1 },
  { "422-context", 422, NULL, "maximum context length is 8192 tokens",
    CONTEXT, SY_COOLDOWN_NONE, -1 },
  { "400-model-does-not-exist", 400, NULL, "The model `o9` does not exist",
    MODEL, SY_COOLDOWN_MODEL, -1 },
  { "400-requested-model", 400, NULL, "The requested model is not supported.",
    MODEL, SY_COOLDOWN_MODEL, -1 },
  { "400-no-access", 400, NULL, "Your organization does not have access to the model",
    MODEL, SY_COOLDOWN_MODEL, -1 },
  { "400-azure-deployment", 400, NULL, "{\"error\":{\"code\":\"DeploymentNotFound\"}}",
    MODEL, SY_COOLDOWN_MODEL, -1 },
  { "400-parameter-with-model", 400, NULL, "Unsupported value: 'temperature' does not support "
    "0.7 with this model. Only the default (1) value is supported.",
    INVALID, SY_COOLDOWN_NONE, -1 },
  { "400-model-far-from-words", 400, NULL, "model: gpt-4o. Your messages array is malformed; "
    "the tool call referenced by the result is not found anywhere in the conversation",
    INVALID, SY_COOLDOWN_NONE, -1 },
  { "400-invalid-api-key", 400, NULL, "Invalid API key provided", AUTH, SY_COOLDOWN_ACCOUNT, -1 },
  { "400-generic", 400, NULL, "{\"error\":{\"message\":\"messages: field required\"}}",
    INVALID, SY_COOLDOWN_NONE, -1 },
  { "422-generic", 422, NULL, "Unprocessable Entity", INVALID, SY_COOLDOWN_NONE, -1 },

  /* other 4xx ignore wording */
  { "409-rate-words", 409, NULL, "rate limit", INVALID, SY_COOLDOWN_NONE, -1 },
  { "403-quota-words", 403, NULL, "daily quota exceeded", AUTH, SY_COOLDOWN_ACCOUNT, -1 },
  { "404-any", 404, NULL, "no route", MODEL, SY_COOLDOWN_MODEL, -1 },
  { "503-rate-words", 503, NULL, "rate limit: the model is overloaded",
    SERVER, SY_COOLDOWN_NONE, -1 },

  /* garbage */
  { "non-utf8", 400, NULL, "\xff\xfe\xc3 CONTEXT LENGTH \xe2\x82", CONTEXT, SY_COOLDOWN_NONE, -1 },
  { "truncated-json", 429, NULL, "{\"error\":{\"type\":\"insufficient_qu",
    RATE, SY_COOLDOWN_ACCOUNT, -1 },
};

static void
test_inline (gconstpointer data)
{
  const Case *c = data;

  run_case (c, c->body, c->body != NULL ? strlen (c->body) : 0);
}

/* A NUL byte is content, not the end of the body. */
static void
test_nul_inside (void)
{
  static const char body[] = "{\"error\":\0\"insufficient_quota\"}";
  Case c = { "nul", 429, NULL, NULL, QUOTA, SY_COOLDOWN_ACCOUNT, -1 };

  run_case (&c, body, sizeof body - 1);
}

/* Wording past the first 64 KiB is not read. */
static void
test_bound (void)
{
  gsize len = 64 * 1024 + 100;
  g_autofree char *body = g_malloc (len);
  Case beyond = { "beyond", 400, NULL, NULL, INVALID, SY_COOLDOWN_NONE, -1 };
  Case within = { "within", 400, NULL, NULL, CONTEXT, SY_COOLDOWN_NONE, -1 };

  memset (body, 'x', len);
  memcpy (body + 64 * 1024, "context length", strlen ("context length"));
  run_case (&beyond, body, len);

  memset (body, 'x', len);
  memcpy (body + 64 * 1024 - strlen ("context length"), "context length",
          strlen ("context length"));
  run_case (&within, body, len);
}

static void
test_network (void)
{
  SyFailure failure;

  memset (&failure, 0xAA, sizeof failure);
  sy_failure_classify_network (&failure);
  g_assert_cmpint (failure.kind, ==, SY_FAILURE_NETWORK);
  assert_failure (&failure, SY_FAILURE_NETWORK, SY_COOLDOWN_NONE, -1);
}

static void
test_kind_to_string (void)
{
  static const char *const names[] = {
    [SY_FAILURE_RATE_LIMITED] = "rate_limited",
    [SY_FAILURE_QUOTA_EXHAUSTED] = "quota_exhausted",
    [SY_FAILURE_AUTH] = "auth",
    [SY_FAILURE_MODEL_UNAVAILABLE] = "model_unavailable",
    [SY_FAILURE_SERVER] = "server",
    [SY_FAILURE_NETWORK] = "network",
    [SY_FAILURE_CONTEXT_OVERFLOW] = "context_overflow",
    [SY_FAILURE_REQUEST_INVALID] = "request_invalid",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpstr (sy_failure_kind_to_string (i), ==, names[i]);
  g_assert_cmpstr (sy_failure_kind_to_string (G_N_ELEMENTS (names)), ==, "unknown");
}

static void
test_programmer_errors (void)
{
  SyFailure failure;

  g_test_expect_message ("sy-routing", G_LOG_LEVEL_CRITICAL, "*out != NULL*");
  sy_failure_classify_response (429, NULL, NULL, 0, NOW_MS, NULL);
  g_test_assert_expected_messages ();

  g_test_expect_message ("sy-routing", G_LOG_LEVEL_CRITICAL, "*body != NULL*");
  sy_failure_classify_response (429, NULL, NULL, 3, NOW_MS, &failure);
  g_test_assert_expected_messages ();

  g_test_expect_message ("sy-routing", G_LOG_LEVEL_CRITICAL, "*out != NULL*");
  sy_failure_classify_network (NULL);
  g_test_assert_expected_messages ();
}

static void
add_cases (const char *group,
           const Case *cases,
           gsize       n_cases,
           GTestDataFunc func)
{
  for (gsize i = 0; i < n_cases; i++)
    {
      g_autofree char *path = g_strdup_printf ("/sy/routing/failure-policy/%s/%s", group,
                                               cases[i].name);

      g_test_add_data_func (path, &cases[i], func);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add_cases ("fixture", fixture_cases, G_N_ELEMENTS (fixture_cases), test_fixture);
  add_cases ("status", status_cases, G_N_ELEMENTS (status_cases), test_inline);
  add_cases ("wording", wording_cases, G_N_ELEMENTS (wording_cases), test_inline);
  g_test_add_func ("/sy/routing/failure-policy/wording/nul-bytes", test_nul_inside);
  g_test_add_func ("/sy/routing/failure-policy/wording/bound", test_bound);
  g_test_add_func ("/sy/routing/failure-policy/network", test_network);
  g_test_add_func ("/sy/routing/failure-policy/kind-to-string", test_kind_to_string);
  g_test_add_func ("/sy/routing/failure-policy/programmer-errors", test_programmer_errors);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy-failure-policy.c: the failover table, what an upstream failure means for routing. Pure:
 * no I/O, no clock of its own, no state; the body is untrusted bytes, read only within its
 * first 64 KiB. It decides; the caller applies cooldowns, lockouts and breaker counts.
 *
 *  upstream answer                             kind               move on  breaker  cooldown
 *  ------------------------------------------  -----------------  -------  -------  -----------
 *  429, hard quota signal (1)                  QUOTA_EXHAUSTED    yes      no       ACCOUNT (3)
 *  429, soft quota signal (2), no short hint   QUOTA_EXHAUSTED    yes      no       ACCOUNT (3)
 *  429, anything else                          RATE_LIMITED       yes      no       ACCOUNT
 *  402                                         QUOTA_EXHAUSTED    yes      no       ACCOUNT
 *  401, 403                                    AUTH               yes      no       ACCOUNT
 *  404                                         MODEL_UNAVAILABLE  yes      no       MODEL
 *  400, 413, 422, by wording, first match:
 *    context length, prompt too long           CONTEXT_OVERFLOW   yes      no       NONE
 *    API key invalid                           AUTH               yes      no       ACCOUNT
 *    model missing, unsupported, not allowed   MODEL_UNAVAILABLE  yes      no       MODEL
 *    quota, as for 429                         QUOTA_EXHAUSTED    yes      no       ACCOUNT (3)
 *    rate limit, too many requests             RATE_LIMITED       yes      no       ACCOUNT
 *    anything else                             REQUEST_INVALID    no       no       NONE
 *  408, 500, 502, 503, 504, 529, other 5xx     SERVER             yes      yes      NONE
 *  any other 4xx                               REQUEST_INVALID    no       no       NONE
 *  outside 400..599 (an unusable answer)       SERVER             yes      yes      NONE
 *  no answer: connect, DNS, TLS, timeout       NETWORK            yes      yes      NONE
 *  407 (an outbound proxy refused us)          NETWORK            yes      yes      NONE
 *
 *  (1) hard: credits or balance exhausted, insufficient_quota, a subscription usage limit.
 *  (2) soft: a daily, weekly or monthly window, "billing", "exhausted your capacity", a quota
 *      that "will reset". Soft signals stay RATE_LIMITED when the provider announces a reset
 *      within the hour, or names only a per-minute window: Gemini's per-minute 429s and Groq's
 *      all carry billing boilerplate, and a "per day" window that frees up in 36 s is a rate.
 *  (3) MODEL instead when the body says the quota is the model's ("on this model", "for model",
 *      Gemini's "...PerModel" quota ids): the account still serves its other models.
 *
 * retry_after_ms is filled for every kind from the headers first, then the body (-1: nothing
 * said). A 503 or 529 with Retry-After stays SERVER: the breaker handles provider trouble; the
 * caller may still honour the hint before retrying that provider.
 */
#define G_LOG_DOMAIN "sy-routing"

#include "sy-failure-policy.h"
#include "sy-retry-hint.h"
#include "sy-retry-hint-private.h"

#include <string.h>

#define HOUR_MS (G_GINT64_CONSTANT (3600) * 1000)

typedef struct
{
  gboolean        move_on;
  gboolean        counts_for_breaker;
  SyCooldownScope cooldown;
} KindPolicy;

static const KindPolicy kind_policies[] = {
  [SY_FAILURE_RATE_LIMITED] = { TRUE, FALSE, SY_COOLDOWN_ACCOUNT },
  [SY_FAILURE_QUOTA_EXHAUSTED] = { TRUE, FALSE, SY_COOLDOWN_ACCOUNT },
  [SY_FAILURE_AUTH] = { TRUE, FALSE, SY_COOLDOWN_ACCOUNT },
  [SY_FAILURE_MODEL_UNAVAILABLE] = { TRUE, FALSE, SY_COOLDOWN_MODEL },
  [SY_FAILURE_SERVER] = { TRUE, TRUE, SY_COOLDOWN_NONE },
  [SY_FAILURE_NETWORK] = { TRUE, TRUE, SY_COOLDOWN_NONE },
  [SY_FAILURE_CONTEXT_OVERFLOW] = { TRUE, FALSE, SY_COOLDOWN_NONE },
  [SY_FAILURE_REQUEST_INVALID] = { FALSE, FALSE, SY_COOLDOWN_NONE },
};

/* All phrases are lower case: they are matched against the case-folded body. */

static const char *const hard_quota_phrases[] = {
  "insufficient_quota",            /* OpenAI */
  "billing_hard_limit",
  "usage_limit_reached",           /* Codex */
  "usage limit reached",
  "usage limit has been reached",
  "hit your usage limit",
  "credits",                       /* OpenRouter, Anthropic "purchase credits" */
  "credit balance",
  "out of credit",
  "insufficient balance",          /* DeepSeek */
  "insufficient_balance",
  "insufficient account balance",
  "payment required",
  "spending limit",
};

static const char *const long_window_phrases[] = {
  "per day", "per-day", "perday", "daily",
  "per week", "per-week", "weekly",
  "per month", "per-month", "monthly",
  "today's quota", "(rpd)", "(tpd)",
};

static const char *const soft_quota_phrases[] = {
  "billing",                       /* "please check your plan and billing details" */
  "exhausted your capacity",       /* Cloud Code, Antigravity */
  "quota will reset",
  "quota_exhausted",
};

static const char *const short_window_phrases[] = {
  "per minute", "perminute", "per min ", "(rpm)", "(tpm)", "per second", "persecond",
};

static const char *const model_quota_phrases[] = {
  "on this model", "for this model", "for model", "per model", "permodel",
};

static const char *const context_phrases[] = {
  "context_length_exceeded",       /* OpenAI */
  "context length",
  "context window",
  "maximum context",
  "prompt is too long",            /* Anthropic */
  "prompt too long",
  "input is too long",
  "input too long",
  "too many tokens",
  "request too large",             /* Groq 413 */
  "request exceeds the maximum",   /* Anthropic 413 */
  "exceeds the maximum number of tokens",  /* Gemini */
  "reduce the length of the messages",
};

static const char *const auth_phrases[] = {
  "api_key_invalid",               /* Gemini answers a bad key with a 400 */
  "api key not valid",
  "invalid_api_key",
  "invalid api key",
  "incorrect api key",
  "invalid x-api-key",
  "authentication_error",
};

static const char *const model_phrases[] = {
  "model_not_found",
  "model not found",
  "model_not_available",
  "model not available",
  "model is not available",
  "model_not_supported",
  "model not supported",
  "model is not supported",
  "unsupported model",
  "unknown model",
  "invalid model",
  "not a valid model",
  "no such model",
  "model does not exist",
  "does not exist or you do not have access",  /* OpenAI */
  "no access to model",
  "not have access to model",
  "not have access to the model",
  "is not found for api version",  /* Gemini */
  "deploymentnotfound",            /* Azure */
  "deployment_not_found",
};

/* "The model `x` does not exist": "model" followed closely by one of these. */
static const char *const model_after_phrases[] = {
  "does not exist", "not found", "is not supported", "is not available", "is unavailable",
};

/* When the body is about a parameter, "model ... not supported" is about the parameter. */
static const char *const parameter_phrases[] = {
  "parameter", "unsupported value", "unsupported_value",
};

static const char *const rate_phrases[] = {
  "rate limit",
  "rate_limit",
  "ratelimit",
  "too many requests",
  "quota exceeded",
  "resource_exhausted",
  "resource exhausted",
  "resource has been exhausted",
  "throttl",
};

#define MODEL_PROXIMITY 80

static gboolean
contains_any (const char        *text,
              const char *const *phrases,
              gsize              n_phrases)
{
  for (gsize i = 0; i < n_phrases; i++)
    if (strstr (text, phrases[i]) != NULL)
      return TRUE;
  return FALSE;
}

#define CONTAINS_ANY(text, phrases) contains_any ((text), (phrases), G_N_ELEMENTS (phrases))

/* "model" followed within MODEL_PROXIMITY bytes by a missing/unsupported phrase. */
static gboolean
says_model_missing (const char *text)
{
  if (CONTAINS_ANY (text, model_phrases))
    return TRUE;
  if (CONTAINS_ANY (text, parameter_phrases))
    return FALSE;

  for (const char *p = strstr (text, "model"); p != NULL; p = strstr (p + 1, "model"))
    {
      gsize window = strnlen (p, MODEL_PROXIMITY);

      for (gsize i = 0; i < G_N_ELEMENTS (model_after_phrases); i++)
        if (g_strstr_len (p, window, model_after_phrases[i]) != NULL)
          return TRUE;
    }
  return FALSE;
}

/* Whether the body announces an exhausted quota rather than a rate limit (see the table), and
 * whose quota it is. */
static gboolean
says_quota_exhausted (const char      *text,
                      gint64           retry_after_ms,
                      SyCooldownScope *scope)
{
  gboolean long_window = CONTAINS_ANY (text, long_window_phrases);

  if (!CONTAINS_ANY (text, hard_quota_phrases))
    {
      if (!long_window && !CONTAINS_ANY (text, soft_quota_phrases))
        return FALSE;
      if (retry_after_ms >= 0 && retry_after_ms < HOUR_MS)
        return FALSE;
      if (!long_window && CONTAINS_ANY (text, short_window_phrases))
        return FALSE;
    }

  *scope = CONTAINS_ANY (text, model_quota_phrases) ? SY_COOLDOWN_MODEL : SY_COOLDOWN_ACCOUNT;
  return TRUE;
}

/* 400, 413 and 422 say what they mean only in words. */
static SyFailureKind
classify_by_wording (const char      *text,
                     gint64           retry_after_ms,
                     SyCooldownScope *scope)
{
  if (CONTAINS_ANY (text, context_phrases))
    return SY_FAILURE_CONTEXT_OVERFLOW;
  if (CONTAINS_ANY (text, auth_phrases))
    return SY_FAILURE_AUTH;
  if (says_model_missing (text))
    return SY_FAILURE_MODEL_UNAVAILABLE;
  if (says_quota_exhausted (text, retry_after_ms, scope))
    return SY_FAILURE_QUOTA_EXHAUSTED;
  if (CONTAINS_ANY (text, rate_phrases))
    return SY_FAILURE_RATE_LIMITED;
  return SY_FAILURE_REQUEST_INVALID;
}

/* The kind, and in *scope a cooldown scope other than the kind's own (or NONE). */
static SyFailureKind
classify_status (guint            status,
                 const char      *text,
                 gint64           retry_after_ms,
                 SyCooldownScope *scope)
{
  *scope = SY_COOLDOWN_NONE;

  switch (status)
    {
    case 429:
      return says_quota_exhausted (text, retry_after_ms, scope) ? SY_FAILURE_QUOTA_EXHAUSTED
                                                                : SY_FAILURE_RATE_LIMITED;
    case 402:
      return SY_FAILURE_QUOTA_EXHAUSTED;
    case 401:
    case 403:
      return SY_FAILURE_AUTH;
    case 404:
      return SY_FAILURE_MODEL_UNAVAILABLE;
    case 408:
      return SY_FAILURE_SERVER;
    case 407:
      return SY_FAILURE_NETWORK;
    case 400:
    case 413:
    case 422:
      return classify_by_wording (text, retry_after_ms, scope);
    default:
      return status >= 400 && status < 500 ? SY_FAILURE_REQUEST_INVALID : SY_FAILURE_SERVER;
    }
}

static void
fill (SyFailure      *out,
      SyFailureKind   kind,
      SyCooldownScope scope,
      gint64          retry_after_ms)
{
  out->kind = kind;
  out->move_on = kind_policies[kind].move_on;
  out->counts_for_breaker = kind_policies[kind].counts_for_breaker;
  out->cooldown = scope != SY_COOLDOWN_NONE ? scope : kind_policies[kind].cooldown;
  out->retry_after_ms = retry_after_ms;
}

void
sy_failure_classify_response (guint               status,
                              SoupMessageHeaders *headers,
                              const char         *body,
                              gsize               len,
                              gint64              now_ms,
                              SyFailure          *out)
{
  g_autofree char *text = NULL;
  SyCooldownScope scope;
  SyFailureKind kind;
  gint64 retry_after_ms;

  g_return_if_fail (out != NULL);
  g_return_if_fail (body != NULL || len == 0);

  retry_after_ms = sy_retry_hint_from_headers (headers, now_ms);
  if (retry_after_ms < 0)
    retry_after_ms = sy_retry_hint_from_body (body, len, now_ms);

  text = _sy_retry_hint_fold_body (body, len);
  kind = classify_status (status, text, retry_after_ms, &scope);
  fill (out, kind, scope, retry_after_ms);
}

void
sy_failure_classify_network (SyFailure *out)
{
  g_return_if_fail (out != NULL);

  fill (out, SY_FAILURE_NETWORK, SY_COOLDOWN_NONE, -1);
}

const char *
sy_failure_kind_to_string (SyFailureKind kind)
{
  switch (kind)
    {
    case SY_FAILURE_RATE_LIMITED: return "rate_limited";
    case SY_FAILURE_QUOTA_EXHAUSTED: return "quota_exhausted";
    case SY_FAILURE_AUTH: return "auth";
    case SY_FAILURE_MODEL_UNAVAILABLE: return "model_unavailable";
    case SY_FAILURE_SERVER: return "server";
    case SY_FAILURE_NETWORK: return "network";
    case SY_FAILURE_CONTEXT_OVERFLOW: return "context_overflow";
    case SY_FAILURE_REQUEST_INVALID: return "request_invalid";
    default: return "unknown";
    }
}

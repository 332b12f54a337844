/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where each dialect keeps its usage, and how its counts map onto the IR's: Anthropic's
 * input_tokens leaves cached tokens out, Gemini's candidatesTokenCount leaves thoughts out.
 * Only spans of the original bytes are read; nothing is allocated.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-usage-scan.h"

#include "core/sy-json-scan.h"

/* The object at key inside the object at span (or -1 if absent). */
static gboolean
child (const char       *data,
       const SyJsonSpan *span,
       const char       *key,
       SyJsonSpan       *out)
{
  if (span->kind != SY_JSON_KIND_OBJECT ||
      !sy_json_object_lookup (data + span->start, span->end - span->start, key, out))
    return FALSE;
  out->start += span->start;
  out->end += span->start;
  return TRUE;
}

static gint64
count (const char       *data,
       const SyJsonSpan *span,
       const char       *key)
{
  SyJsonSpan value;
  gint64 v;

  if (!child (data, span, key, &value) || value.kind != SY_JSON_KIND_NUMBER)
    return SY_UNSET;
  v = g_ascii_strtoll (data + value.start, NULL, 10);
  return v >= 0 ? v : SY_UNSET;
}

static gint64
nested_count (const char       *data,
              const SyJsonSpan *span,
              const char       *object,
              const char       *key)
{
  SyJsonSpan inner;

  return child (data, span, object, &inner) ? count (data, &inner, key) : SY_UNSET;
}

static void
take (gint64 *field,
      gint64  value)
{
  if (value >= 0)
    *field = value;
}

static void
scan_openai (const char *data, const SyJsonSpan *u, SyUsage *usage)
{
  take (&usage->input, count (data, u, "prompt_tokens"));
  take (&usage->output, count (data, u, "completion_tokens"));
  take (&usage->cache_read, nested_count (data, u, "prompt_tokens_details", "cached_tokens"));
  take (&usage->reasoning, nested_count (data, u, "completion_tokens_details", "reasoning_tokens"));
}

static void
scan_responses (const char *data, const SyJsonSpan *u, SyUsage *usage)
{
  take (&usage->input, count (data, u, "input_tokens"));
  take (&usage->output, count (data, u, "output_tokens"));
  take (&usage->cache_read, nested_count (data, u, "input_tokens_details", "cached_tokens"));
  take (&usage->reasoning, nested_count (data, u, "output_tokens_details", "reasoning_tokens"));
}

static void
scan_anthropic (const char *data, const SyJsonSpan *u, SyUsage *usage)
{
  gint64 input = count (data, u, "input_tokens");
  gint64 read = count (data, u, "cache_read_input_tokens");
  gint64 created = count (data, u, "cache_creation_input_tokens");

  take (&usage->cache_read, read);
  take (&usage->cache_creation, created);
  if (input >= 0)
    usage->input = input + MAX (read, 0) + MAX (created, 0);
  take (&usage->output, count (data, u, "output_tokens"));
}

static void
scan_gemini (const char *data, const SyJsonSpan *u, SyUsage *usage)
{
  gint64 candidates = count (data, u, "candidatesTokenCount");
  gint64 thoughts = count (data, u, "thoughtsTokenCount");

  take (&usage->input, count (data, u, "promptTokenCount"));
  take (&usage->cache_read, count (data, u, "cachedContentTokenCount"));
  take (&usage->reasoning, thoughts);
  if (candidates >= 0 || thoughts >= 0)
    usage->output = MAX (candidates, 0) + MAX (thoughts, 0);
}

void
sy_usage_scan_json (SyDialect   dialect,
                    const char *data,
                    gsize       len,
                    SyUsage    *usage)
{
  SyJsonSpan root = { 0, len, SY_JSON_KIND_OBJECT };
  SyJsonSpan holder, u;

  switch (dialect)
    {
    case SY_DIALECT_OPENAI:
      if (child (data, &root, "usage", &u))
        scan_openai (data, &u, usage);
      break;
    case SY_DIALECT_RESPONSES:
      /* A response object, or a stream event carrying one. */
      if (child (data, &root, "response", &holder) && child (data, &holder, "usage", &u))
        scan_responses (data, &u, usage);
      else if (child (data, &root, "usage", &u))
        scan_responses (data, &u, usage);
      break;
    case SY_DIALECT_ANTHROPIC:
      /* A message, message_start's message, or message_delta's usage. */
      if (child (data, &root, "message", &holder) && child (data, &holder, "usage", &u))
        scan_anthropic (data, &u, usage);
      else if (child (data, &root, "usage", &u))
        scan_anthropic (data, &u, usage);
      break;
    case SY_DIALECT_GEMINI:
      if (child (data, &root, "usageMetadata", &u))
        scan_gemini (data, &u, usage);
      break;
    default:
      break;
    }
}

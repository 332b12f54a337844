/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy-retry-hint.c: when a provider says its limit resets, read from rate-limit headers and from
 * error bodies. Pure: now comes from the caller, no I/O, no global state. Bodies are untrusted
 * bytes: only [body, body + MIN (len, 64 KiB)) is read, NUL termination is never assumed, and
 * every sum and product saturates instead of overflowing.
 */
#define G_LOG_DOMAIN "sy-routing"

#include "sy-retry-hint.h"
#include "sy-retry-hint-private.h"

#include "core/sy-json-scan.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define NS_PER_MS   G_GINT64_CONSTANT (1000000)
#define NS_PER_S    G_GINT64_CONSTANT (1000000000)
#define MS_PER_S    G_GINT64_CONSTANT (1000)
#define MAX_HINT_MS (7 * 24 * 3600 * MS_PER_S)

/* X-RateLimit-Reset above this many seconds is an epoch in ms, above the second an epoch in
 * seconds, and otherwise a delay in seconds. Compared as value x 1000. */
#define EPOCH_MS_ABOVE_MILLI G_GINT64_CONSTANT (1000000000000000)
#define EPOCH_S_ABOVE_MILLI  G_GINT64_CONSTANT (1000000000000)

/* Deep enough for every provider's error shape; deeper documents are only scanned as text. */
#define MAX_JSON_DEPTH 32

typedef enum
{
  SYNTAX_GO,    /* Go's time.ParseDuration: "20ms", "1.5s", "6m0s", "2h30m14s", no blanks */
  SYNTAX_TEXT,  /* prose too: "20 seconds", "2h 30m", "5 days 22 hours 11 minutes" */
} Syntax;

typedef struct
{
  const char *name;
  gint64      ns;
} Unit;

static const Unit go_units[] = {
  { "ns", 1 },
  { "us", 1000 },
  { "\xC2\xB5s", 1000 },  /* U+00B5 MICRO SIGN */
  { "\xCE\xBCs", 1000 },  /* U+03BC GREEK SMALL LETTER MU */
  { "ms", NS_PER_MS },
  { "s", NS_PER_S },
  { "m", 60 * NS_PER_S },
  { "h", 3600 * NS_PER_S },
};

static const Unit text_units[] = {
  { "ms", NS_PER_MS }, { "msec", NS_PER_MS }, { "msecs", NS_PER_MS },
  { "millisecond", NS_PER_MS }, { "milliseconds", NS_PER_MS },
  { "s", NS_PER_S }, { "sec", NS_PER_S }, { "secs", NS_PER_S },
  { "second", NS_PER_S }, { "seconds", NS_PER_S },
  { "m", 60 * NS_PER_S }, { "min", 60 * NS_PER_S }, { "mins", 60 * NS_PER_S },
  { "minute", 60 * NS_PER_S }, { "minutes", 60 * NS_PER_S },
  { "h", 3600 * NS_PER_S }, { "hr", 3600 * NS_PER_S }, { "hrs", 3600 * NS_PER_S },
  { "hour", 3600 * NS_PER_S }, { "hours", 3600 * NS_PER_S },
  { "d", 86400 * NS_PER_S }, { "day", 86400 * NS_PER_S }, { "days", 86400 * NS_PER_S },
};

/* Where a delay follows in error text ("Please try again in 20s", "Your quota will reset after
 * 2h30m14s", "Resets in 164h"). Matched against the case-folded body. */
static const char *const text_markers[] = {
  "try again in ",
  "retry in ",
  "retry after ",
  "reset after ",
  "resets after ",
  "reset in ",
  "resets in ",
};

/* Saturating arithmetic on non-negative values. */
static inline gint64
add_saturating (gint64 a,
                gint64 b)
{
  g_assert (a >= 0 && b >= 0);
  return a > G_MAXINT64 - b ? G_MAXINT64 : a + b;
}

static inline gint64
mul_saturating (gint64 a,
                gint64 b)
{
  g_assert (a >= 0 && b >= 0);
  return b != 0 && a > G_MAXINT64 / b ? G_MAXINT64 : a * b;
}

static inline gint64
ns_to_ms (gint64 ns)
{
  /* Rounded up: waiting a little longer than told is harmless, retrying early is not. */
  return ns / NS_PER_MS + (ns % NS_PER_MS != 0);
}

static inline gint64
clamp_delay (gint64 ms)
{
  return CLAMP (ms, 0, MAX_HINT_MS);
}

/* The delay from now_ms until the epoch time reset_ms: 0 if it has passed, capped. */
static gint64
delay_until (gint64 reset_ms,
             gint64 now_ms)
{
  guint64 delay;

  if (reset_ms <= now_ms)
    return 0;
  delay = (guint64) reset_ms - (guint64) now_ms;  /* exact: the true difference is positive */
  return delay >= (guint64) MAX_HINT_MS ? MAX_HINT_MS : (gint64) delay;
}

static gint64
date_time_to_ms (GDateTime *date)
{
  gint64 us = g_date_time_get_microsecond (date);

  return g_date_time_to_unix (date) * MS_PER_S + us / 1000 + (us % 1000 != 0);
}

static inline gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
trim (const char **p,
      const char **end)
{
  while (*p < *end && is_blank (**p))
    (*p)++;
  while (*end > *p && is_blank ((*end)[-1]))
    (*end)--;
}

/* A plain decimal, "123" or "1.25" (no sign, no exponent), spanning all of [p, end): returns
 * ceil (value x 10^scale_digits) in *out, saturating. scale_digits is 0 or 3. */
static gboolean
parse_decimal (const char *p,
               const char *end,
               guint       scale_digits,
               gint64     *out)
{
  gint64 whole = 0;
  gint64 frac = 0;
  gint64 scale = 1;
  guint used = 0;
  gboolean round_up = FALSE;

  if (p == end || !g_ascii_isdigit (*p))
    return FALSE;
  for (; p < end && g_ascii_isdigit (*p); p++)
    whole = add_saturating (mul_saturating (whole, 10), *p - '0');

  if (p < end && *p == '.')
    {
      p++;
      if (p == end || !g_ascii_isdigit (*p))
        return FALSE;
      for (; p < end && g_ascii_isdigit (*p); p++)
        {
          if (used < scale_digits)
            {
              frac = frac * 10 + (*p - '0');
              used++;
            }
          else if (*p != '0')
            round_up = TRUE;
        }
    }
  if (p != end)
    return FALSE;

  for (guint i = 0; i < scale_digits; i++)
    scale *= 10;
  for (; used < scale_digits; used++)
    frac *= 10;
  *out = add_saturating (add_saturating (mul_saturating (whole, scale), frac), round_up);
  return TRUE;
}

static gint64
find_unit (const Unit *units,
           gsize       n_units,
           const char *name,
           gsize       len,
           gboolean    fold_case)
{
  for (gsize i = 0; i < n_units; i++)
    if (strlen (units[i].name) == len &&
        (fold_case ? g_ascii_strncasecmp (units[i].name, name, len)
                   : strncmp (units[i].name, name, len)) == 0)
      return units[i].ns;
  return 0;
}

/* whole.frac x unit in ns, saturating. Fraction digits that would overflow the product are
 * dropped: they are below 1 ns for seconds, 1 us for minutes and 4 ms for hours. */
static gint64
component_ns (const char *whole_p,
              const char *whole_end,
              const char *frac_p,
              const char *frac_end,
              gint64      unit)
{
  gint64 whole = 0;
  gint64 frac = 0;
  gint64 scale = 1;

  for (const char *p = whole_p; p < whole_end; p++)
    whole = add_saturating (mul_saturating (whole, 10), *p - '0');
  whole = mul_saturating (whole, unit);

  for (const char *p = frac_p; p < frac_end; p++)
    {
      int digit = *p - '0';

      if (frac > (G_MAXINT64 / unit - digit) / 10 || scale > G_MAXINT64 / 10)
        break;
      frac = frac * 10 + digit;
      scale *= 10;
    }

  return add_saturating (whole, frac * unit / scale);
}

/* Between two parts of a prose duration: blanks, a comma, an "and". */
static const char *
skip_separator (const char *p,
                const char *end)
{
  while (p < end && (*p == ' ' || *p == ','))
    p++;
  if (end - p > 4 && g_ascii_strncasecmp (p, "and ", 4) == 0)
    p += 4;
  while (p < end && *p == ' ')
    p++;
  return p;
}

/* Reads a duration (number + unit, repeated) at the start of [p, end): returns where it
 * stopped and the total in *out_ns (saturated at G_MAXINT64), or NULL if there is none. */
static const char *
parse_duration (const char *p,
                const char *end,
                Syntax      syntax,
                gint64     *out_ns)
{
  const char *done = NULL;
  gint64 total = 0;

  while (p < end)
    {
      const char *whole_p = p;
      const char *whole_end;
      const char *frac_p;
      const char *frac_end;
      const char *unit_p;
      gint64 unit;

      while (p < end && g_ascii_isdigit (*p))
        p++;
      whole_end = frac_p = frac_end = p;
      if (end - p >= 2 && *p == '.' && g_ascii_isdigit (p[1]))
        {
          frac_p = ++p;
          while (p < end && g_ascii_isdigit (*p))
            p++;
          frac_end = p;
        }
      if (whole_end == whole_p && frac_end == frac_p)
        break;

      if (syntax == SYNTAX_GO)
        {
          unit_p = p;
          while (p < end && !g_ascii_isdigit (*p) && *p != '.')
            p++;
          unit = find_unit (go_units, G_N_ELEMENTS (go_units), unit_p, p - unit_p, FALSE);
        }
      else
        {
          while (p < end && *p == ' ')
            p++;
          unit_p = p;
          while (p < end && g_ascii_isalpha (*p))
            p++;
          unit = find_unit (text_units, G_N_ELEMENTS (text_units), unit_p, p - unit_p, TRUE);
        }
      if (unit == 0)
        break;

      total = add_saturating (total, component_ns (whole_p, whole_end, frac_p, frac_end, unit));
      done = p;
      if (syntax == SYNTAX_TEXT)
        p = skip_separator (p, end);
    }

  if (done != NULL)
    *out_ns = total;
  return done;
}

/* All of [p, end) as a Go duration, with Go's optional '+' and its unitless "0". */
static gboolean
parse_go_duration (const char *p,
                   const char *end,
                   gint64     *out_ns)
{
  if (p < end && *p == '+')
    p++;
  if (end - p == 1 && *p == '0')
    {
      *out_ns = 0;
      return TRUE;
    }
  return parse_duration (p, end, SYNTAX_GO, out_ns) == end;
}

gboolean
sy_retry_hint_parse_duration (const char *text,
                              gint64     *out_ms)
{
  gint64 ns = 0;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_ms != NULL, FALSE);

  /* Like Go, a duration that does not fit in 63 bits of ns is no duration. */
  if (!parse_go_duration (text, text + strlen (text), &ns) || ns == G_MAXINT64)
    return FALSE;
  *out_ms = ns_to_ms (ns);
  return TRUE;
}

/* A Go duration as a hint; too large ones are capped, not refused. */
static gint64
duration_hint (const char *p,
               const char *end)
{
  gint64 ns;

  trim (&p, &end);
  if (!parse_go_duration (p, end, &ns))
    return -1;
  return clamp_delay (ns_to_ms (ns));
}

/* Retry-After: delay-seconds ("20"; a fraction is tolerated) or an HTTP-date. */
static gint64
retry_after_hint (const char *value,
                  gint64      now_ms)
{
  const char *p = value;
  const char *end = value + strlen (value);
  g_autoptr(GDateTime) date = NULL;
  gint64 ms;

  trim (&p, &end);
  if (parse_decimal (p, end, 3, &ms))
    return clamp_delay (ms);
  date = soup_date_time_new_from_http_string (value);
  if (date != NULL)
    return delay_until (date_time_to_ms (date), now_ms);
  return -1;
}

/* retry-after-ms: a delay in ms. */
static gint64
retry_after_ms_hint (const char *value)
{
  const char *p = value;
  const char *end = value + strlen (value);
  gint64 ms;

  trim (&p, &end);
  return parse_decimal (p, end, 0, &ms) ? clamp_delay (ms) : -1;
}

/* X-RateLimit-Reset: an epoch in ms or seconds, or a delay in seconds, told apart by size;
 * a Go duration is tolerated too. */
static gint64
rate_limit_reset_hint (const char *p,
                       const char *end,
                       gint64      now_ms)
{
  gint64 milli;

  trim (&p, &end);
  if (!parse_decimal (p, end, 3, &milli))
    return duration_hint (p, end);
  if (milli > EPOCH_MS_ABOVE_MILLI)
    return delay_until (milli / MS_PER_S + (milli % MS_PER_S != 0), now_ms);
  if (milli > EPOCH_S_ABOVE_MILLI)
    return delay_until (milli, now_ms);
  return clamp_delay (milli);
}

/* An epoch in seconds, or in ms when it is that large (Codex's resets_at). */
static gint64
epoch_hint (const char *p,
            const char *end,
            gint64      now_ms)
{
  gint64 milli;

  trim (&p, &end);
  if (!parse_decimal (p, end, 3, &milli))
    return -1;
  if (milli > EPOCH_MS_ABOVE_MILLI)
    return delay_until (milli / MS_PER_S + (milli % MS_PER_S != 0), now_ms);
  return delay_until (milli, now_ms);
}

/* OpenAI's x-ratelimit-reset-*: a Go duration ("6m0s"); Azure sends bare seconds. */
static gint64
openai_reset_hint (const char *value,
                   gint64      now_ms)
{
  const char *p = value;
  const char *end = value + strlen (value);
  gint64 ms;

  trim (&p, &end);
  if (parse_decimal (p, end, 3, &ms))
    return clamp_delay (ms);
  return duration_hint (p, end);
}

/* Anthropic's anthropic-ratelimit-*-reset: an RFC 3339 time. */
static gint64
anthropic_reset_hint (const char *value,
                      gint64      now_ms)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) date = g_date_time_new_from_iso8601 (value, utc);

  return date != NULL ? delay_until (date_time_to_ms (date), now_ms) : -1;
}

typedef struct
{
  const char *reset;
  const char *remaining;
} LimitHeaders;

static const LimitHeaders openai_limits[] = {
  { "x-ratelimit-reset-requests", "x-ratelimit-remaining-requests" },
  { "x-ratelimit-reset-tokens", "x-ratelimit-remaining-tokens" },
};

static const LimitHeaders anthropic_limits[] = {
  { "anthropic-ratelimit-requests-reset", "anthropic-ratelimit-requests-remaining" },
  { "anthropic-ratelimit-tokens-reset", "anthropic-ratelimit-tokens-remaining" },
  { "anthropic-ratelimit-input-tokens-reset", "anthropic-ratelimit-input-tokens-remaining" },
  { "anthropic-ratelimit-output-tokens-reset", "anthropic-ratelimit-output-tokens-remaining" },
};

static gboolean
is_zero (const char *value)
{
  const char *p = value;
  const char *end = value + strlen (value);
  gint64 n;

  trim (&p, &end);
  return parse_decimal (p, end, 0, &n) && n == 0;
}

/* Among the limits whose reset parses: the latest reset of those with nothing remaining (the
 * ones that refused the request), else the latest of all. -1 if none parses. */
static gint64
pick_limit (SoupMessageHeaders *headers,
            const LimitHeaders *limits,
            gsize               n_limits,
            gint64            (*parse) (const char *value,
                                        gint64      now_ms),
            gint64              now_ms)
{
  gint64 latest = -1;
  gint64 latest_spent = -1;

  for (gsize i = 0; i < n_limits; i++)
    {
      const char *reset = soup_message_headers_get_one (headers, limits[i].reset);
      const char *remaining = soup_message_headers_get_one (headers, limits[i].remaining);
      gint64 delay;

      if (reset == NULL || (delay = parse (reset, now_ms)) < 0)
        continue;
      latest = MAX (latest, delay);
      if (remaining != NULL && is_zero (remaining))
        latest_spent = MAX (latest_spent, delay);
    }

  return latest_spent >= 0 ? latest_spent : latest;
}

gint64
sy_retry_hint_from_headers (SoupMessageHeaders *headers,
                            gint64              now_ms)
{
  const char *value;
  gint64 hint;

  if (headers == NULL)
    return -1;

  /* The Retry-After family wins: it is the answer to this request. retry-after-ms (OpenAI,
   * Azure) says the same as Retry-After with more precision. */
  value = soup_message_headers_get_one (headers, "retry-after-ms");
  if (value != NULL && (hint = retry_after_ms_hint (value)) >= 0)
    return hint;
  value = soup_message_headers_get_one (headers, "Retry-After");
  if (value != NULL && (hint = retry_after_hint (value, now_ms)) >= 0)
    return hint;

  value = soup_message_headers_get_one (headers, "X-RateLimit-Reset");
  if (value != NULL && (hint = rate_limit_reset_hint (value, value + strlen (value), now_ms)) >= 0)
    return hint;

  hint = pick_limit (headers, openai_limits, G_N_ELEMENTS (openai_limits),
                     openai_reset_hint, now_ms);
  if (hint >= 0)
    return hint;
  return pick_limit (headers, anthropic_limits, G_N_ELEMENTS (anthropic_limits),
                     anthropic_reset_hint, now_ms);
}

/* The object a JSON body holds: the body itself, or the single object of a one-element array
 * (Vertex AI and Gemini's streaming endpoints wrap errors so). Validated iteratively first, so
 * that json-glib never sees a document that is not JSON or is nested too deep. */
static gboolean
find_json_object (const char *body,
                  gsize       len,
                  gsize      *out_start,
                  gsize      *out_end)
{
  gsize start = 0;
  gsize end = len;

  while (start < end && is_blank (body[start]))
    start++;
  while (end > start && is_blank (body[end - 1]))
    end--;
  if (end - start >= 2 && body[start] == '[' && body[end - 1] == ']')
    {
      start++;
      end--;
      while (start < end && is_blank (body[start]))
        start++;
      while (end > start && is_blank (body[end - 1]))
        end--;
    }
  if (start >= end || body[start] != '{' || body[end - 1] != '}')
    return FALSE;
  if (!sy_json_check_object (body + start, end - start, MAX_JSON_DEPTH, NULL))
    return FALSE;

  *out_start = start;
  *out_end = end;
  return TRUE;
}

static JsonObject *
get_object (JsonObject *object,
            const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* A google.protobuf.Duration in its JSON form ("33s", "0.5s") or, from some transcoders, as
 * {"seconds": 33, "nanos": 500000000}. */
static gint64
protobuf_duration_hint (JsonNode *node)
{
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);

      return duration_hint (text, text + strlen (text));
    }

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonNode *seconds = json_object_get_member (object, "seconds");
      JsonNode *nanos = json_object_get_member (object, "nanos");
      gint64 s, ns = 0;

      if (seconds == NULL || !JSON_NODE_HOLDS_VALUE (seconds) ||
          json_node_get_value_type (seconds) != G_TYPE_INT64 ||
          (s = json_node_get_int (seconds)) < 0)
        return -1;
      if (nanos != NULL && JSON_NODE_HOLDS_VALUE (nanos) &&
          json_node_get_value_type (nanos) == G_TYPE_INT64)
        ns = CLAMP (json_node_get_int (nanos), 0, NS_PER_S - 1);
      return clamp_delay (add_saturating (mul_saturating (s, MS_PER_S), ns_to_ms (ns)));
    }

  return -1;
}

/* Google's error.details[]: RetryInfo.retryDelay, else ErrorInfo.metadata.quotaResetDelay
 * (Cloud Code, Antigravity). */
static gint64
details_hint (JsonObject *error)
{
  JsonNode *node = json_object_get_member (error, "details");
  JsonArray *details;
  gint64 fallback = -1;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return -1;
  details = json_node_get_array (node);

  for (guint i = 0; i < json_array_get_length (details); i++)
    {
      JsonNode *element = json_array_get_element (details, i);
      JsonObject *detail;
      const char *type;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      detail = json_node_get_object (element);
      type = get_string (detail, "@type");
      if (type == NULL)
        continue;

      if (g_str_has_suffix (type, "google.rpc.RetryInfo"))
        {
          gint64 hint = protobuf_duration_hint (json_object_get_member (detail, "retryDelay"));

          if (hint >= 0)
            return hint;
        }
      else if (g_str_has_suffix (type, "google.rpc.ErrorInfo") && fallback < 0)
        {
          const char *delay = get_string (get_object (detail, "metadata"), "quotaResetDelay");

          if (delay != NULL)
            fallback = duration_hint (delay, delay + strlen (delay));
        }
    }

  return fallback;
}

/* The raw text of a number or string member of the object at [data, data + len), which
 * sy_json_check_object() accepted. Raw, because json-glib silently wraps integers beyond 63
 * bits. A string is returned without its quotes (and is rejected later if it has escapes). */
static gboolean
lookup_raw (const char  *data,
            gsize        len,
            const char  *name,
            const char **out_start,
            const char **out_end)
{
  SyJsonSpan span;

  if (!sy_json_object_lookup (data, len, name, &span))
    return FALSE;
  if (span.kind == SY_JSON_KIND_NUMBER)
    {
      *out_start = data + span.start;
      *out_end = data + span.end;
      return TRUE;
    }
  if (span.kind == SY_JSON_KIND_STRING)
    {
      *out_start = data + span.start + 1;
      *out_end = data + span.end - 1;
      return TRUE;
    }
  return FALSE;
}

/* Codex / ChatGPT usage limits: {"error": {"type": "usage_limit_reached",
 * "resets_in_seconds": N, "resets_at": EPOCH}}, read in error and then at the top level. The
 * relative value is preferred: it does not depend on our clock agreeing with theirs. */
static gint64
usage_limit_hint (const char *data,
                  gsize       len,
                  gint64      now_ms)
{
  const char *objects[2];
  gsize lengths[2];
  guint n_objects = 0;
  SyJsonSpan span;

  if (sy_json_object_lookup (data, len, "error", &span) && span.kind == SY_JSON_KIND_OBJECT)
    {
      objects[n_objects] = data + span.start;
      lengths[n_objects++] = span.end - span.start;
    }
  objects[n_objects] = data;
  lengths[n_objects++] = len;

  for (guint i = 0; i < n_objects; i++)
    {
      const char *start;
      const char *end;
      gint64 ms;

      if (lookup_raw (objects[i], lengths[i], "resets_in_seconds", &start, &end))
        {
          trim (&start, &end);
          if (parse_decimal (start, end, 3, &ms))
            return clamp_delay (ms);
        }
      if (lookup_raw (objects[i], lengths[i], "resets_at", &start, &end) &&
          (ms = epoch_hint (start, end, now_ms)) >= 0)
        return ms;
    }

  return -1;
}

/* OpenRouter relays the upstream's headers in error.metadata.headers. */
static gint64
relayed_headers_hint (JsonObject *error,
                      gint64      now_ms)
{
  JsonObject *headers = get_object (get_object (error, "metadata"), "headers");
  static const char *const names[] = { "retry-after", "x-ratelimit-reset" };
  g_autoptr(GList) members = NULL;

  if (headers == NULL)
    return -1;
  members = json_object_get_members (headers);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    for (GList *l = members; l != NULL; l = l->next)
      {
        const char *value;
        gint64 hint;

        if (g_ascii_strcasecmp (l->data, names[i]) != 0 ||
            (value = get_string (headers, l->data)) == NULL)
          continue;
        hint = i == 0 ? retry_after_hint (value, now_ms)
                      : rate_limit_reset_hint (value, value + strlen (value), now_ms);
        if (hint >= 0)
          return hint;
      }

  return -1;
}

static gint64
json_hint (const char *data,
           gsize       len,
           gint64      now_ms)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  /* No NUL can occur in a document sy_json_check_object() accepted, so g_strndup() copies it
   * whole, and json-glib gets the terminated string it prefers. */
  g_autofree char *copy = g_strndup (data, len);
  JsonNode *root;
  JsonObject *error;
  gint64 hint;

  if (!json_parser_load_from_data (parser, copy, len, NULL))
    return -1;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return -1;
  error = get_object (json_node_get_object (root), "error");

  if (error != NULL && (hint = details_hint (error)) >= 0)
    return hint;
  if ((hint = usage_limit_hint (data, len, now_ms)) >= 0)
    return hint;
  if (error != NULL && (hint = relayed_headers_hint (error, now_ms)) >= 0)
    return hint;
  return -1;
}

/* The first "try again in <duration>" and the like in the folded text. */
static gint64
text_hint (const char *text,
           gsize       len)
{
  const char *end = text + len;

  for (const char *p = text; p < end; p++)
    {
      if (*p != 't' && *p != 'r')
        continue;
      for (guint i = 0; i < G_N_ELEMENTS (text_markers); i++)
        {
          gsize n = strlen (text_markers[i]);
          const char *q = p + n;
          gint64 ns;

          if ((gsize) (end - p) <= n || memcmp (p, text_markers[i], n) != 0)
            continue;
          while (q < end && *q == ' ')
            q++;
          if (parse_duration (q, end, SYNTAX_TEXT, &ns) != NULL)
            return clamp_delay (ns_to_ms (ns));
        }
    }

  return -1;
}

char *
_sy_retry_hint_fold_body (const char *body,
                          gsize       len)
{
  char *folded;

  g_return_val_if_fail (body != NULL || len == 0, NULL);

  len = MIN (len, SY_RETRY_HINT_MAX_BODY);
  folded = g_malloc (len + 1);
  for (gsize i = 0; i < len; i++)
    folded[i] = body[i] == '\0' ? ' ' : g_ascii_tolower (body[i]);
  folded[len] = '\0';
  return folded;
}

gint64
sy_retry_hint_from_body (const char *body,
                         gsize       len,
                         gint64      now_ms)
{
  g_autofree char *folded = NULL;
  gsize start, end;
  gint64 hint;

  g_return_val_if_fail (body != NULL || len == 0, -1);

  if (len == 0)
    return -1;
  len = MIN (len, SY_RETRY_HINT_MAX_BODY);

  if (find_json_object (body, len, &start, &end) &&
      (hint = json_hint (body + start, end - start, now_ms)) >= 0)
    return hint;

  folded = _sy_retry_hint_fold_body (body, len);
  return text_hint (folded, len);
}

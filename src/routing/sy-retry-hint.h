/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reset times providers announce when they refuse a request for rate or quota reasons, read
 * from response headers (Retry-After, retry-after-ms, X-RateLimit-Reset, OpenAI's
 * x-ratelimit-reset-*, Anthropic's anthropic-ratelimit-*-reset) and from error bodies (Gemini's
 * retryDelay, Codex's resets_in_seconds/resets_at, "try again in 20s", "reset after 2h30m14s").
 * Pure parsing: no clock of its own (now is passed in), no I/O.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The delay until the limit resets, in ms from now_ms (epoch ms), or -1 when the headers say
 * nothing usable. Past reset times give 0. Results are capped at 7 days. headers may be NULL.
 * Retry-After (or its precise twin retry-after-ms) wins when it parses; then X-RateLimit-Reset;
 * then OpenAI's and Anthropic's per-limit resets, where a limit with nothing remaining is the
 * one that refused the request and is preferred over the others. */
gint64   sy_retry_hint_from_headers    (SoupMessageHeaders *headers,
                                        gint64              now_ms);
/* The same, read from an error body (JSON or plain text, not necessarily valid UTF-8, not
 * NUL-terminated; body may be NULL when len is 0). Only the first 64 KiB are read. Structured
 * fields first (Google's RetryInfo, Codex's resets_in_seconds/resets_at, the headers OpenRouter
 * relays in error.metadata), then phrases such as "try again in 20s" anywhere in the text. */
gint64   sy_retry_hint_from_body       (const char         *body,
                                        gsize               len,
                                        gint64              now_ms);
/* Go-style durations as providers write them: "20ms", "1.5s", "6m0s", "2h30m14s", "33s".
 * Go's time.ParseDuration syntax (units ns, us, µs, ms, s, m, h; "0" needs none), but no
 * negative durations. A fraction of a ms rounds up. FALSE, leaving *out_ms alone, for anything
 * else, including a duration beyond G_MAXINT64 ns. */
gboolean sy_retry_hint_parse_duration  (const char         *text,
                                        gint64             *out_ms);

G_END_DECLS

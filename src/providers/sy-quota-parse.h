/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Parsers of the subscription providers' quota answers into SyQuota: Claude's oauth/usage,
 * Codex's wham/usage and its x-codex-* response headers, GitHub Copilot's copilot_internal/user,
 * Gemini CLI's retrieveUserQuota and Kiro's GetUsageLimits. Pure: no I/O, now comes from the
 * caller; bodies are untrusted bytes (any length, not NUL-terminated, maybe not UTF-8).
 */
#pragma once

#include <libsoup/soup.h>

#include "providers/sy-quota.h"

G_BEGIN_DECLS

/* Bodies above this size are refused as malformed. */
#define SY_QUOTA_MAX_BODY ((gsize) 1024 * 1024)

/* Each returns a new SyQuota (fetched_at = now_ms), or NULL with SY_QUOTA_ERROR_MALFORMED when
 * the body is not a JSON object of the documented shape. Windows missing from an otherwise
 * valid answer are simply absent. */
SyQuota *sy_quota_parse_claude        (const char         *body,
                                       gsize               len,
                                       gint64              now_ms,
                                       GError            **error);
SyQuota *sy_quota_parse_codex         (const char         *body,
                                       gsize               len,
                                       gint64              now_ms,
                                       GError            **error);
SyQuota *sy_quota_parse_copilot       (const char         *body,
                                       gsize               len,
                                       gint64              now_ms,
                                       GError            **error);
SyQuota *sy_quota_parse_gemini_cli    (const char         *body,
                                       gsize               len,
                                       gint64              now_ms,
                                       GError            **error);
SyQuota *sy_quota_parse_kiro          (const char         *body,
                                       gsize               len,
                                       gint64              now_ms,
                                       GError            **error);
/* Codex's usage headers on any response (x-codex-primary-*, x-codex-secondary-*,
 * x-codex-5h-*, x-codex-7d-*); NULL when there are none. headers may be NULL. */
SyQuota *sy_quota_parse_codex_headers (SoupMessageHeaders *headers,
                                       gint64              now_ms);

G_END_DECLS

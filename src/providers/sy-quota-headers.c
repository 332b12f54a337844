/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy-quota-headers.c: Codex's usage headers (x-codex-primary-*, x-codex-secondary-*,
 * x-codex-5h-*, x-codex-7d-*) into SyQuota, read from any upstream response. Pure: no I/O, now
 * from the caller; header values are untrusted text.
 */
#define G_LOG_DOMAIN "sy-providers"

#include "sy-quota-parse.h"
#include "sy-quota-parse-private.h"

#include <math.h>

#define MS_PER_S 1000.0

static gboolean
header_number (SoupMessageHeaders *headers,
               const char         *prefix,
               const char         *suffix,
               double             *out)
{
  g_autofree char *name = g_strconcat ("x-codex-", prefix, "-", suffix, NULL);

  return _sy_quota_parse_number (soup_message_headers_get_one (headers, name), out);
}

static gint64
header_time (SoupMessageHeaders *headers,
             const char         *prefix,
             const char         *suffix)
{
  g_autofree char *name = g_strconcat ("x-codex-", prefix, "-", suffix, NULL);
  const char *text = soup_message_headers_get_one (headers, name);
  double value;

  if (text == NULL)
    return 0;
  if (_sy_quota_parse_number (text, &value))
    return _sy_quota_epoch_to_ms (value);
  return _sy_quota_iso_to_ms (text);
}

/* x-codex-{primary,secondary}-used-percent, -window-minutes, -reset-after-seconds, -reset-at
 * (what the Codex CLI reads). */
static void
add_header_window (SyQuota            *quota,
                   SoupMessageHeaders *headers,
                   const char         *prefix,
                   const char         *fallback_name,
                   gint64              now_ms)
{
  g_autofree char *name = NULL;
  double used, minutes = -1, after;
  gint64 resets_at = 0;

  if (!header_number (headers, prefix, "used-percent", &used))
    return;
  if (header_number (headers, prefix, "window-minutes", &minutes))
    minutes *= 60;
  name = _sy_quota_window_name (minutes, fallback_name);
  if (header_number (headers, prefix, "reset-after-seconds", &after) && after >= 0 && after < 1e10)
    resets_at = now_ms + (gint64) ceil (after * MS_PER_S);
  else
    resets_at = header_time (headers, prefix, "reset-at");
  sy_quota_add_window (quota, name, NULL, _sy_quota_percent_to_fraction (used), -1, -1, FALSE,
                       resets_at);
}

/* x-codex-5h-usage, -limit, -reset-at and the 7d ones (facts 3.4). Assumed: usage and limit
 * are amounts of the same unit (usage alone is a percentage); reset-at is an epoch or
 * RFC 3339 time. */
static void
add_usage_limit_window (SyQuota            *quota,
                        SoupMessageHeaders *headers,
                        const char         *prefix,
                        const char         *name)
{
  double usage, limit;
  gint64 resets_at = header_time (headers, prefix, "reset-at");

  if (!header_number (headers, prefix, "usage", &usage) || usage < 0)
    return;
  if (header_number (headers, prefix, "limit", &limit) && limit > 0)
    sy_quota_add_window (quota, name, NULL, CLAMP (usage / limit, 0.0, 1.0),
                         _sy_quota_count (limit - usage), _sy_quota_count (limit), FALSE,
                         resets_at);
  else
    sy_quota_add_window (quota, name, NULL, _sy_quota_percent_to_fraction (usage), -1, -1, FALSE,
                         resets_at);
}

SyQuota *
sy_quota_parse_codex_headers (SoupMessageHeaders *headers,
                              gint64              now_ms)
{
  g_autoptr(SyQuota) quota = NULL;
  guint n;

  if (headers == NULL)
    return NULL;
  quota = sy_quota_new ("codex", now_ms);
  add_usage_limit_window (quota, headers, "5h", "5h");
  add_usage_limit_window (quota, headers, "7d", "weekly");
  /* The primary/secondary form wins where both name the same window. */
  add_header_window (quota, headers, "primary", "5h", now_ms);
  add_header_window (quota, headers, "secondary", "weekly", now_ms);
  sy_quota_get_windows (quota, &n);
  return n > 0 ? g_steal_pointer (&quota) : NULL;
}

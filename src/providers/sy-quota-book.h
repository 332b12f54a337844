/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyQuotaBook: the latest quota of each subscription account (by connection id), kept in
 * memory, one book per gateway. Updated by fetches (at most one in flight per account, at least
 * min-interval apart, none while the quota endpoint's own 429 cools down) and by Codex's usage
 * headers on ordinary answers. Nothing is persisted. The clock is injectable for tests.
 */
#pragma once

#include <libsoup/soup.h>

#include "providers/sy-origin-map.h"
#include "providers/sy-quota.h"

G_BEGIN_DECLS

/* Wall-clock ms since the epoch. */
typedef gint64 (*SyQuotaClockFunc) (gpointer user_data);

/* Defaults: no account is fetched more often than this... */
#define SY_QUOTA_BOOK_MIN_INTERVAL_MS    ((gint64) 5 * 60 * 1000)
/* ...and after a 429 that names no delay, the account's quota endpoint rests this long. */
#define SY_QUOTA_BOOK_RATE_LIMIT_COOLDOWN_MS ((gint64) 15 * 60 * 1000)

#define SY_TYPE_QUOTA_BOOK (sy_quota_book_get_type ())
G_DECLARE_FINAL_TYPE (SyQuotaBook, sy_quota_book, SY, QUOTA_BOOK, GObject)

/* origins may be NULL. */
SyQuotaBook *sy_quota_book_new              (SoupSession         *session,
                                             SyOriginMap         *origins);
void         sy_quota_book_set_clock        (SyQuotaBook         *self,
                                             SyQuotaClockFunc     clock,
                                             gpointer             user_data);
void         sy_quota_book_set_min_interval (SyQuotaBook         *self,
                                             gint64               interval_ms);

/* The latest quota (windows from the last success, the last failure's error), or NULL. Ref. */
SyQuota     *sy_quota_book_lookup           (SyQuotaBook         *self,
                                             const char          *connection_id);
/* Would refresh fetch now? FALSE while a fetch is in flight, during a 429 cooldown, and within
 * the minimum interval of the last fetch or header update. */
gboolean     sy_quota_book_is_due           (SyQuotaBook         *self,
                                             const char          *connection_id);
/* Fetches when due (force: even within the minimum interval, never during a cooldown) and
 * joins a fetch already in flight; otherwise answers from the book at once. Arguments as for
 * sy_quota_fetch_async(). */
void         sy_quota_book_refresh_async    (SyQuotaBook         *self,
                                             const char          *connection_id,
                                             const char          *provider_id,
                                             const char          *bearer,
                                             const char          *provider_data_json,
                                             gboolean             force,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* The book's quota for the account after the refresh: never NULL unless cancelled. A failed
 * fetch is in its error (with the previous windows). */
SyQuota     *sy_quota_book_refresh_finish   (SyQuotaBook         *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* An upstream answer of connection_id: Codex's usage headers update its windows (and count as
 * a fetch for the interval). Other providers' answers are ignored. TRUE when something changed. */
gboolean     sy_quota_book_note_headers     (SyQuotaBook         *self,
                                             const char          *connection_id,
                                             const char          *provider_id,
                                             SoupMessageHeaders  *headers);
/* The account was deleted. */
void         sy_quota_book_remove           (SyQuotaBook         *self,
                                             const char          *connection_id);

/* sy_quota_to_json() plus "connectionId", "refreshing", "nextRefreshAt" and "cooldownUntil"
 * (ms or null); an account the book has not seen has no windows and nulls. */
JsonNode    *sy_quota_book_to_json          (SyQuotaBook         *self,
                                             const char          *connection_id);

G_END_DECLS

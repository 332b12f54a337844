/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyQuotaWatch: the gateway's view of its subscription accounts' quotas. It owns the quota
 * book (src/providers/sy-quota-book.c), fetches an account's quota with a token from the
 * token keeper, keeps every signed-in account's quota fresh (a sweep every minute, each
 * account at most every five minutes), reads Codex's usage headers off ordinary answers, and
 * orders a provider's accounts so quota about to reset unused is spent first
 * (preferExpiringQuota).
 */
#pragma once

#include "providers/sy-quota-book.h"
#include "routing/sy-route.h"
#include "store/sy-records.h"

G_BEGIN_DECLS

typedef struct _SyGateway SyGateway;

#define SY_TYPE_QUOTA_WATCH (sy_quota_watch_get_type ())
G_DECLARE_FINAL_TYPE (SyQuotaWatch, sy_quota_watch, SY, QUOTA_WATCH, GObject)

/* gateway is not referenced (it owns the watch). */
SyQuotaWatch *sy_quota_watch_new            (SyGateway          *gateway);
SyQuotaBook  *sy_quota_watch_get_book       (SyQuotaWatch       *self);
/* The account's quota, fetched unless fresh (force: unless its endpoint asked us to wait). */
void          sy_quota_watch_refresh_async  (SyQuotaWatch       *self,
                                             SyConnection       *connection,
                                             gboolean            force,
                                             GCancellable       *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer            user_data);
SyQuota      *sy_quota_watch_refresh_finish (SyQuotaWatch       *self,
                                             GAsyncResult       *result,
                                             GError            **error);
/* An upstream's answer headers for connection (Codex's usage headers). */
void          sy_quota_watch_note_answer    (SyQuotaWatch       *self,
                                             const SyConnection *connection,
                                             SoupMessageHeaders *headers);
/* Reorders accounts (SyConnection refs, as the strategy ordered them) in place. */
void          sy_quota_watch_order          (SyQuotaWatch       *self,
                                             const SyRoute      *route,
                                             GPtrArray          *accounts);
/* Fetches every signed-in account whose quota is due (the minute sweep). */
void          sy_quota_watch_sweep          (SyQuotaWatch       *self);
void          sy_quota_watch_stop           (SyQuotaWatch       *self);

G_END_DECLS

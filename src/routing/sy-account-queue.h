/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyAccountQueue: requests waiting for one account's outbound limits (SyRateLimiter), served
 * first come, first served. A request that cannot start now waits, on the main loop, until a
 * slot frees, its queue timeout passes, or its cancellable fires; it is never refused merely
 * because the account is busy.
 */
#pragma once

#include <gio/gio.h>

#include "sy-rate-limiter.h"

G_BEGIN_DECLS

typedef enum {
  SY_SLOT_GRANTED,   /* the request may start now */
  SY_SLOT_QUEUED,    /* ready will be called once, later */
  SY_SLOT_REFUSED,   /* it would have to wait and the queue timeout is 0 */
} SySlotResult;

/* granted FALSE: the wait timed out or was cancelled; no slot is held. */
typedef void (*SySlotReadyFunc) (gboolean granted,
                                 gpointer user_data);

typedef struct _SyAccountQueue SyAccountQueue;

SyAccountQueue *sy_account_queue_new      (void);
/* Waiters still queued are told granted FALSE. */
void            sy_account_queue_free     (SyAccountQueue     *self);
SySlotResult    sy_account_queue_acquire  (SyAccountQueue     *self,
                                           const SyRateLimits *limits,
                                           gint64              timeout_ms,
                                           GCancellable       *cancellable,
                                           SySlotReadyFunc     ready,
                                           gpointer            user_data);
void            sy_account_queue_release  (SyAccountQueue     *self);
guint           sy_account_queue_waiting  (SyAccountQueue     *self);
guint           sy_account_queue_in_flight (SyAccountQueue    *self);

G_END_DECLS

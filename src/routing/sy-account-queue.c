/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The waiting line in front of one account. Time here is the monotonic clock: gaps and
 * windows must not jump with the wall clock. Waiters are woken from the main loop (a timer
 * for rpm and gap waits, a release for concurrency), always in arrival order.
 */
#define G_LOG_DOMAIN "sy-routing"

#include "sy-account-queue.h"

typedef struct
{
  SyAccountQueue  *queue;
  SySlotReadyFunc  ready;
  gpointer         user_data;
  GCancellable    *cancellable;
  gulong           cancel_id;
  guint            timeout_id;
  guint            cancel_idle_id;
} Waiter;

struct _SyAccountQueue
{
  SyRateLimiter *limiter;
  SyRateLimits   limits;      /* the latest the caller gave */
  GQueue         waiters;
  guint          wake_id;     /* a timer until the head may start */
  gboolean       pumping;
};

static gint64
now_ms (void)
{
  return g_get_monotonic_time () / 1000;
}

SyAccountQueue *
sy_account_queue_new (void)
{
  SyAccountQueue *self = g_new0 (SyAccountQueue, 1);

  self->limiter = sy_rate_limiter_new ();
  g_queue_init (&self->waiters);
  return self;
}

/* Takes the waiter out of the line and tells its owner. */
static void
finish_waiter (Waiter   *w,
               gboolean  granted)
{
  g_queue_remove (&w->queue->waiters, w);
  g_clear_handle_id (&w->timeout_id, g_source_remove);
  g_clear_handle_id (&w->cancel_idle_id, g_source_remove);
  if (w->cancellable != NULL)
    {
      g_cancellable_disconnect (w->cancellable, w->cancel_id);
      g_object_unref (w->cancellable);
    }
  w->ready (granted, w->user_data);
  g_free (w);
}

void
sy_account_queue_free (SyAccountQueue *self)
{
  if (self == NULL)
    return;
  g_clear_handle_id (&self->wake_id, g_source_remove);
  while (!g_queue_is_empty (&self->waiters))
    finish_waiter (g_queue_peek_head (&self->waiters), FALSE);
  sy_rate_limiter_free (self->limiter);
  g_free (self);
}

static void pump (SyAccountQueue *self);

static gboolean
wake_cb (gpointer user_data)
{
  SyAccountQueue *self = user_data;

  self->wake_id = 0;
  pump (self);
  return G_SOURCE_REMOVE;
}

/* Starts waiters from the head while the limits allow. */
static void
pump (SyAccountQueue *self)
{
  if (self->pumping)
    return;
  self->pumping = TRUE;
  g_clear_handle_id (&self->wake_id, g_source_remove);
  while (!g_queue_is_empty (&self->waiters))
    {
      gint64 wait = sy_rate_limiter_try_acquire (self->limiter, &self->limits, now_ms ());

      if (wait == 0)
        {
          finish_waiter (g_queue_peek_head (&self->waiters), TRUE);
          continue;
        }
      if (wait > 0)
        self->wake_id = g_timeout_add ((guint) MIN (wait, G_MAXUINT), wake_cb, self);
      break;
    }
  self->pumping = FALSE;
}

static gboolean
waiter_timeout_cb (gpointer user_data)
{
  Waiter *w = user_data;

  w->timeout_id = 0;
  finish_waiter (w, FALSE);
  return G_SOURCE_REMOVE;
}

static gboolean
waiter_cancelled_idle_cb (gpointer user_data)
{
  Waiter *w = user_data;

  w->cancel_idle_id = 0;
  finish_waiter (w, FALSE);
  return G_SOURCE_REMOVE;
}

/* Runs inside g_cancellable_cancel(): the waiter leaves from an idle, where disconnecting is
 * allowed. */
static void
waiter_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  Waiter *w = user_data;

  if (w->cancel_idle_id == 0)
    w->cancel_idle_id = g_idle_add (waiter_cancelled_idle_cb, w);
}

SySlotResult
sy_account_queue_acquire (SyAccountQueue     *self,
                          const SyRateLimits *limits,
                          gint64              timeout_ms,
                          GCancellable       *cancellable,
                          SySlotReadyFunc     ready,
                          gpointer            user_data)
{
  Waiter *w;

  g_return_val_if_fail (self != NULL && limits != NULL && ready != NULL, SY_SLOT_REFUSED);

  self->limits = *limits;
  /* Nobody jumps the line: with waiters queued, a newcomer queues behind them. */
  if (g_queue_is_empty (&self->waiters) &&
      sy_rate_limiter_try_acquire (self->limiter, limits, now_ms ()) == 0)
    return SY_SLOT_GRANTED;
  if (timeout_ms <= 0 || (cancellable != NULL && g_cancellable_is_cancelled (cancellable)))
    return SY_SLOT_REFUSED;

  w = g_new0 (Waiter, 1);
  w->queue = self;
  w->ready = ready;
  w->user_data = user_data;
  g_queue_push_tail (&self->waiters, w);
  w->timeout_id = g_timeout_add ((guint) MIN (timeout_ms, G_MAXUINT), waiter_timeout_cb, w);
  if (cancellable != NULL)
    {
      w->cancellable = g_object_ref (cancellable);
      w->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (waiter_cancelled_cb), w,
                                            NULL);
    }
  /* The limits may have been raised since the line formed: look again, from the loop, so
   * ready is never called before this returns. */
  if (self->wake_id == 0)
    self->wake_id = g_idle_add (wake_cb, self);
  return SY_SLOT_QUEUED;
}

void
sy_account_queue_release (SyAccountQueue *self)
{
  g_return_if_fail (self != NULL);

  sy_rate_limiter_release (self->limiter);
  /* The next in line starts from the loop, not inside the caller's own cleanup. */
  if (!g_queue_is_empty (&self->waiters) && self->wake_id == 0)
    self->wake_id = g_idle_add (wake_cb, self);
}

guint
sy_account_queue_waiting (SyAccountQueue *self)
{
  return g_queue_get_length (&self->waiters);
}

guint
sy_account_queue_in_flight (SyAccountQueue *self)
{
  return sy_rate_limiter_in_flight (self->limiter);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The idempotency table. A record is pending while its first request runs and done once it
 * answered; done records live for the window, oldest first out, bounded by MAX_DONE_RECORDS
 * and MAX_DONE_BYTES so a flood of keys cannot hold unbounded answers. Waiters are woken from
 * an idle callback, never from inside resolve or abandon: those run deep in the proxy path,
 * and a woken waiter may start a whole new request.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-idempotency.h"

#define MAX_DONE_RECORDS 10000
#define MAX_DONE_BYTES   (64 * 1024 * 1024)

typedef struct _Record Record;

typedef struct
{
  SyIdempotency         *owner;       /* unowned */
  SoupServerMessage     *msg;
  gulong                 finished_id;
  gulong                 disconnected_id;
  SyIdempotencyWakeFunc  wake;
  gpointer               user_data;
  GDestroyNotify         destroy;
  SyIdempotencyWake      why;         /* once queued for waking */
  SyStoredAnswer        *answer;      /* REPLAY */
  GQueue                *queue;       /* the record's waiters, or the owner's to_wake */
  GList                  link;
} Waiter;

struct _Record
{
  char           *key;
  guint64         token;
  SyStoredAnswer *answer;       /* NULL while pending */
  gint64          done_ms;
  GQueue          waiters;
  GList           done_link;    /* in done, once answered */
};

struct _SyIdempotency
{
  GObject      parent_instance;

  SyClockFunc  clock;
  gpointer     clock_data;
  GHashTable  *records;     /* key -> Record*, owned */
  GQueue       done;        /* answered records, oldest first */
  gsize        done_bytes;
  GQueue       to_wake;     /* Waiter*, woken by wake_id */
  guint        wake_id;
  guint64      next_token;
  guint        waiting;
  guint64      replays;
  gboolean     shut_down;
};

G_DEFINE_FINAL_TYPE (SyIdempotency, sy_idempotency, G_TYPE_OBJECT)

static void
record_free (gpointer data)
{
  Record *r = data;

  g_assert (r->waiters.length == 0);
  g_free (r->key);
  g_clear_pointer (&r->answer, sy_stored_answer_unref);
  g_free (r);
}

static void
waiter_free (Waiter *w)
{
  g_clear_signal_handler (&w->finished_id, w->msg);
  g_clear_signal_handler (&w->disconnected_id, w->msg);
  if (w->destroy != NULL)
    w->destroy (w->user_data);
  g_clear_pointer (&w->answer, sy_stored_answer_unref);
  g_object_unref (w->msg);
  g_free (w);
}

static void
wake_now (Waiter *w)
{
  w->owner->waiting--;
  g_clear_signal_handler (&w->finished_id, w->msg);
  g_clear_signal_handler (&w->disconnected_id, w->msg);
  w->wake (w->msg, w->why, w->answer, w->user_data);
  waiter_free (w);
}

static void
wake_all_now (SyIdempotency *self)
{
  Waiter *w;

  g_clear_handle_id (&self->wake_id, g_source_remove);
  while ((w = g_queue_peek_head (&self->to_wake)) != NULL)
    {
      g_queue_unlink (&self->to_wake, &w->link);
      w->queue = NULL;
      wake_now (w);
    }
}

static gboolean
wake_cb (gpointer user_data)
{
  SyIdempotency *self = user_data;

  self->wake_id = 0;
  wake_all_now (self);
  return G_SOURCE_REMOVE;
}

/* Moves every waiter of r to the wake queue with why; the idle callback wakes them. */
static void
schedule_waiters (SyIdempotency     *self,
                  Record            *r,
                  SyIdempotencyWake  why)
{
  GList *link;

  while ((link = g_queue_peek_head_link (&r->waiters)) != NULL)
    {
      Waiter *w = link->data;

      g_queue_unlink (&r->waiters, link);
      w->why = why;
      if (why == SY_IDEMPOTENCY_WAKE_REPLAY)
        {
          w->answer = sy_stored_answer_ref (r->answer);
          self->replays++;
        }
      w->queue = &self->to_wake;
      g_queue_push_tail_link (&self->to_wake, link);
    }
  if (self->to_wake.length > 0 && self->wake_id == 0)
    self->wake_id = g_idle_add (wake_cb, self);
}

static void
sy_idempotency_dispose (GObject *object)
{
  SyIdempotency *self = SY_IDEMPOTENCY (object);

  sy_idempotency_shutdown (self);
  G_OBJECT_CLASS (sy_idempotency_parent_class)->dispose (object);
}

static void
sy_idempotency_finalize (GObject *object)
{
  SyIdempotency *self = SY_IDEMPOTENCY (object);

  g_queue_init (&self->done);  /* its links live inside the records */
  g_clear_pointer (&self->records, g_hash_table_unref);
  G_OBJECT_CLASS (sy_idempotency_parent_class)->finalize (object);
}

static void
sy_idempotency_class_init (SyIdempotencyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_idempotency_dispose;
  object_class->finalize = sy_idempotency_finalize;
}

static gint64
monotonic_ms (gpointer user_data)
{
  return g_get_monotonic_time () / 1000;
}

static void
sy_idempotency_init (SyIdempotency *self)
{
  self->records = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, record_free);
  g_queue_init (&self->done);
  g_queue_init (&self->to_wake);
  self->clock = monotonic_ms;
}

SyIdempotency *
sy_idempotency_new (void)
{
  return g_object_new (SY_TYPE_IDEMPOTENCY, NULL);
}

void
sy_idempotency_set_clock (SyIdempotency *self,
                          SyClockFunc    clock,
                          gpointer       user_data)
{
  g_return_if_fail (SY_IS_IDEMPOTENCY (self));

  self->clock = clock ? clock : monotonic_ms;
  self->clock_data = clock ? user_data : NULL;
}

static void
drop_done (SyIdempotency *self,
           Record        *r)
{
  g_queue_unlink (&self->done, &r->done_link);
  self->done_bytes -= sy_stored_answer_get_size (r->answer);
  g_hash_table_remove (self->records, r->key);
}

/* Forgets answers past the window, and the oldest beyond the bounds. */
static void
purge (SyIdempotency *self)
{
  gint64 now = self->clock (self->clock_data);
  Record *r;

  while ((r = g_queue_peek_head (&self->done)) != NULL &&
         (now - r->done_ms >= SY_IDEMPOTENCY_WINDOW_MS ||
          self->done.length > MAX_DONE_RECORDS || self->done_bytes > MAX_DONE_BYTES))
    drop_done (self, r);
}

static void
waiter_gone_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  Waiter *w = user_data;

  g_queue_unlink (w->queue, &w->link);
  w->queue = NULL;
  w->why = SY_IDEMPOTENCY_WAKE_GONE;
  g_clear_pointer (&w->answer, sy_stored_answer_unref);
  wake_now (w);
}

SyIdempotencyClaim
sy_idempotency_claim (SyIdempotency          *self,
                      const char             *key,
                      SoupServerMessage      *msg,
                      SyIdempotencyWakeFunc   wake,
                      gpointer                user_data,
                      GDestroyNotify          destroy,
                      SyStoredAnswer        **answer,
                      guint64                *token)
{
  Record *r;
  Waiter *w;

  g_return_val_if_fail (SY_IS_IDEMPOTENCY (self), SY_IDEMPOTENCY_CLAIMED);
  g_return_val_if_fail (key != NULL && wake != NULL && answer != NULL && token != NULL,
                        SY_IDEMPOTENCY_CLAIMED);

  *answer = NULL;
  *token = 0;
  if (self->shut_down)
    {
      /* Nothing is remembered any more; the request runs on its own. */
      if (destroy != NULL)
        destroy (user_data);
      return SY_IDEMPOTENCY_CLAIMED;
    }

  purge (self);
  r = g_hash_table_lookup (self->records, key);
  if (r == NULL || r->answer != NULL)
    {
      if (destroy != NULL)
        destroy (user_data);
      if (r != NULL)
        {
          self->replays++;
          *answer = sy_stored_answer_ref (r->answer);
          return SY_IDEMPOTENCY_DONE;
        }
      r = g_new0 (Record, 1);
      r->key = g_strdup (key);
      r->token = ++self->next_token;
      r->done_link.data = r;
      g_queue_init (&r->waiters);
      g_hash_table_insert (self->records, r->key, r);
      *token = r->token;
      return SY_IDEMPOTENCY_CLAIMED;
    }

  w = g_new0 (Waiter, 1);
  w->owner = self;
  w->msg = g_object_ref (msg);
  w->wake = wake;
  w->user_data = user_data;
  w->destroy = destroy;
  w->link.data = w;
  w->queue = &r->waiters;
  g_queue_push_tail_link (&r->waiters, &w->link);
  self->waiting++;
  w->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (waiter_gone_cb), w);
  w->disconnected_id = g_signal_connect (msg, "disconnected", G_CALLBACK (waiter_gone_cb), w);
  soup_server_message_pause (msg);
  return SY_IDEMPOTENCY_WAITING;
}

static Record *
lookup_claim (SyIdempotency *self,
              const char    *key,
              guint64        token)
{
  Record *r;

  if (key == NULL || token == 0)
    return NULL;
  r = g_hash_table_lookup (self->records, key);
  return r != NULL && r->token == token && r->answer == NULL ? r : NULL;
}

void
sy_idempotency_resolve (SyIdempotency  *self,
                        const char     *key,
                        guint64         token,
                        SyStoredAnswer *answer)
{
  Record *r;

  g_return_if_fail (SY_IS_IDEMPOTENCY (self));
  g_return_if_fail (answer != NULL);

  if ((r = lookup_claim (self, key, token)) == NULL)
    return;
  r->answer = sy_stored_answer_ref (answer);
  r->done_ms = self->clock (self->clock_data);
  g_queue_push_tail_link (&self->done, &r->done_link);
  self->done_bytes += sy_stored_answer_get_size (answer);
  schedule_waiters (self, r, self->shut_down ? SY_IDEMPOTENCY_WAKE_STOP
                                             : SY_IDEMPOTENCY_WAKE_REPLAY);
  purge (self);
}

void
sy_idempotency_abandon (SyIdempotency *self,
                        const char    *key,
                        guint64        token)
{
  Record *r;

  g_return_if_fail (SY_IS_IDEMPOTENCY (self));

  if ((r = lookup_claim (self, key, token)) == NULL)
    return;
  schedule_waiters (self, r, self->shut_down ? SY_IDEMPOTENCY_WAKE_STOP
                                             : SY_IDEMPOTENCY_WAKE_RUN);
  g_hash_table_remove (self->records, key);
}

void
sy_idempotency_shutdown (SyIdempotency *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (SY_IS_IDEMPOTENCY (self));

  if (self->shut_down)
    return;
  self->shut_down = TRUE;
  for (GList *l = self->to_wake.head; l != NULL; l = l->next)
    {
      Waiter *w = l->data;

      if (w->why == SY_IDEMPOTENCY_WAKE_RUN)
        w->why = SY_IDEMPOTENCY_WAKE_STOP;
    }
  g_hash_table_iter_init (&iter, self->records);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    schedule_waiters (self, value, SY_IDEMPOTENCY_WAKE_STOP);
  wake_all_now (self);
  g_queue_init (&self->done);
  self->done_bytes = 0;
  g_hash_table_remove_all (self->records);
}

JsonNode *
sy_idempotency_to_json (SyIdempotency *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (SY_IS_IDEMPOTENCY (self), NULL);

  purge (self);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "keys");
  json_builder_add_int_value (b, g_hash_table_size (self->records));
  json_builder_set_member_name (b, "inFlight");
  json_builder_add_int_value (b, g_hash_table_size (self->records) - self->done.length);
  json_builder_set_member_name (b, "waiting");
  json_builder_add_int_value (b, self->waiting);
  json_builder_set_member_name (b, "replays");
  json_builder_add_int_value (b, (gint64) self->replays);
  json_builder_set_member_name (b, "windowMs");
  json_builder_add_int_value (b, SY_IDEMPOTENCY_WINDOW_MS);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

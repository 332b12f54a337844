/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The usage log writer thread. Rows queue in a GAsyncQueue; the thread takes up to BATCH_MAX at
 * a time and commits them in one transaction. If a commit fails (disk full, locked), the batch
 * is kept and retried with backoff up to PENDING_MAX rows, beyond which the oldest are dropped
 * and counted; the gateway keeps serving either way. The daily aggregates are written in the
 * same transaction as their rows; retention deletes old raw rows in small batches between
 * batches of new ones, at most once an hour (sy-usage-upkeep.c).
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-usage-writer.h"
#include "sy-database.h"
#include "sy-usage-upkeep.h"

#define BATCH_MAX     512
#define PENDING_MAX   100000
#define RETRY_MAX_US  (5 * G_USEC_PER_SEC)
#define GATHER_US     (50 * 1000)   /* rows reach the database at most this much later */
#define PRUNE_BATCH   1000          /* raw rows deleted per retention transaction */
#define PRUNE_EVERY_US ((gint64) 3600 * G_USEC_PER_SEC)

typedef enum {
  ITEM_ROW,
  ITEM_FLUSH,
  ITEM_STOP,
  ITEM_WAKE,    /* the retention setting changed */
  ITEM_PRUNE,   /* a whole retention pass now, then signal like a flush */
} ItemKind;

typedef struct
{
  ItemKind       kind;
  SyUsageRecord *record;  /* ITEM_ROW */
  GMutex        *mutex;   /* ITEM_FLUSH, ITEM_PRUNE: signalled when done */
  GCond         *cond;
  gboolean      *done;
} Item;

struct _SyUsageWriter
{
  GObject       parent_instance;
  char         *db_path;
  GAsyncQueue  *queue;
  GThread      *thread;
  gsize         written;  /* atomics */
  gsize         failed;
  gsize         pruned;
  int           retention_days;   /* atomic; -1 until set: no retention */
  int           retention_changed;/* atomic */
};

G_DEFINE_FINAL_TYPE (SyUsageWriter, sy_usage_writer, G_TYPE_OBJECT)

SyUsageRecord *
sy_usage_record_new (void)
{
  SyUsageRecord *r = g_new0 (SyUsageRecord, 1);

  r->timestamp_ms = g_get_real_time () / 1000;
  r->attempts = 1;
  r->tokens_input = r->tokens_output = r->tokens_cache_read = -1;
  r->tokens_cache_creation = r->tokens_reasoning = -1;
  r->ttfb_ms = -1;
  r->cost_usd = -1;
  return r;
}

void
sy_usage_record_free (SyUsageRecord *r)
{
  if (r == NULL)
    return;
  g_free (r->request_id);
  g_free (r->endpoint);
  g_free (r->api_key_id);
  g_free (r->requested_model);
  g_free (r->provider);
  g_free (r->connection_id);
  g_free (r->model);
  g_free (r->error_code);
  g_free (r);
}

gboolean
sy_usage_record_succeeded (const SyUsageRecord *r)
{
  return r->status >= 200 && r->status < 300 && r->error_code == NULL;
}

static void
bind_count (sqlite3_stmt *stmt,
            int           col,
            gint64        v)
{
  if (v < 0)
    sqlite3_bind_null (stmt, col);
  else
    sqlite3_bind_int64 (stmt, col, v);
}

static const char insert_sql[] =
  "INSERT INTO usage_history (timestamp, request_id, endpoint, api_key_id, requested_model, "
  "provider, connection_id, model, status, success, stream, attempts, tokens_input, "
  "tokens_output, tokens_cache_read, tokens_cache_creation, tokens_reasoning, latency_ms, "
  "ttfb_ms, error_code, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
  "?, ?, ?)";

/* One transaction for the rows and their daily sums; stmt is the writer's prepared insert,
 * reused across batches. */
static gboolean
write_batch (SyDatabase    *db,
             sqlite3_stmt  *stmt,
             SyUsageDaily  *daily,
             GPtrArray     *rows,
             GError       **error)
{
  if (!sy_database_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  for (guint i = 0; i < rows->len; i++)
    {
      SyUsageRecord *r = g_ptr_array_index (rows, i);

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, r->timestamp_ms);
      sqlite3_bind_text (stmt, 2, r->request_id ? r->request_id : "", -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, r->endpoint ? r->endpoint : "", -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, r->api_key_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, r->requested_model, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, r->provider, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 7, r->connection_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 8, r->model, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 9, r->status);
      sqlite3_bind_int (stmt, 10, sy_usage_record_succeeded (r));
      sqlite3_bind_int (stmt, 11, r->stream);
      sqlite3_bind_int (stmt, 12, r->attempts);
      bind_count (stmt, 13, r->tokens_input);
      bind_count (stmt, 14, r->tokens_output);
      bind_count (stmt, 15, r->tokens_cache_read);
      bind_count (stmt, 16, r->tokens_cache_creation);
      bind_count (stmt, 17, r->tokens_reasoning);
      sqlite3_bind_double (stmt, 18, r->latency_ms);
      if (r->ttfb_ms < 0)
        sqlite3_bind_null (stmt, 19);
      else
        sqlite3_bind_double (stmt, 19, r->ttfb_ms);
      sqlite3_bind_text (stmt, 20, r->error_code, -1, SQLITE_STATIC);
      if (r->cost_usd < 0)
        sqlite3_bind_null (stmt, 21);
      else
        sqlite3_bind_double (stmt, 21, r->cost_usd);
      if (!sy_database_step_done (db, stmt, error))
        {
          sy_usage_daily_clear (daily);
          sy_database_exec (db, "ROLLBACK", NULL);
          return FALSE;
        }
      sy_usage_daily_add (daily, r);
    }

  if (!sy_usage_daily_write (daily, error) || !sy_database_exec (db, "COMMIT", error))
    {
      sy_database_exec (db, "ROLLBACK", NULL);
      return FALSE;
    }
  return TRUE;
}

static void
signal_flush (Item *item)
{
  g_mutex_lock (item->mutex);
  *item->done = TRUE;
  g_cond_signal (item->cond);
  g_mutex_unlock (item->mutex);
}

/* Commits pending; on failure keeps the rows (bounded) for the next try. */
static gboolean
commit_pending (SyUsageWriter *self,
                SyDatabase    *db,
                sqlite3_stmt  *stmt,
                SyUsageDaily  *daily,
                GPtrArray     *pending)
{
  g_autoptr(GError) error = NULL;

  if (pending->len == 0)
    return TRUE;
  if (db != NULL && stmt != NULL && daily != NULL &&
      write_batch (db, stmt, daily, pending, &error))
    {
      g_atomic_pointer_add (&self->written, pending->len);
      g_ptr_array_set_size (pending, 0);
      return TRUE;
    }

  g_warning ("usage log: cannot write %u rows, keeping them to retry: %s", pending->len,
             error ? error->message : "database unavailable");
  if (pending->len > PENDING_MAX)
    {
      guint drop = pending->len - PENDING_MAX;

      g_ptr_array_remove_range (pending, 0, drop);
      g_atomic_pointer_add (&self->failed, drop);
    }
  return FALSE;
}

/* The retention cutoff (epoch ms) now, or -1 when raw rows are kept forever. */
static gint64
retention_cutoff (SyUsageWriter *self)
{
  int days = g_atomic_int_get (&self->retention_days);

  if (days <= 0)
    return -1;
  return g_get_real_time () / 1000 - (gint64) days * SY_USAGE_DAY_MS;
}

/* One retention batch; TRUE when the pass is over (nothing older left, retention off, or an
 * error, which waits for the next pass). */
static gboolean
prune_step (SyUsageWriter *self,
            SyDatabase    *db)
{
  g_autoptr(GError) error = NULL;
  gint64 cutoff = retention_cutoff (self);
  gint64 deleted;

  if (cutoff < 0 || db == NULL)
    return TRUE;
  deleted = sy_usage_prune_batch (db, cutoff, PRUNE_BATCH, &error);
  if (deleted < 0)
    {
      g_warning ("usage log: cannot delete rows past the retention: %s", error->message);
      return TRUE;
    }
  g_atomic_pointer_add (&self->pruned, deleted);
  return deleted < PRUNE_BATCH;
}

/* How long the thread may sleep for the next item: until the backoff or the next retention
 * batch is due; -1 forever. */
static gint64
next_wait (gint64 retry_delay,
           gint64 next_prune_us)
{
  gint64 wait = retry_delay > 0 ? retry_delay : -1;

  if (next_prune_us != G_MAXINT64)
    {
      gint64 until = MAX (next_prune_us - g_get_monotonic_time (), 0);

      wait = wait < 0 ? until : MIN (wait, until);
    }
  return wait;
}

static gpointer
writer_thread (gpointer data)
{
  SyUsageWriter *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SyDatabase) db = sy_database_open (self->db_path, &error);
  g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_usage_record_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(SyUsageDaily) daily = NULL;
  gint64 retry_delay = 0;
  gint64 next_prune_us = G_MAXINT64;   /* monotonic time the next retention batch is due */
  gboolean running = TRUE;

  if (db == NULL || (stmt = sy_database_prepare (db, insert_sql, &error)) == NULL ||
      (daily = sy_usage_daily_new (db, &error)) == NULL)
    g_warning ("usage log: %s", error->message);

  while (running)
    {
      Item *item;
      GPtrArray *flushes = NULL;
      gint64 wait;

      /* A new retention setting starts a pass now; then one pass an hour. */
      if (g_atomic_int_compare_and_exchange (&self->retention_changed, 1, 0))
        next_prune_us = g_get_monotonic_time ();
      wait = next_wait (retry_delay, next_prune_us);
      item = wait < 0 ? g_async_queue_pop (self->queue)
           : wait == 0 ? g_async_queue_try_pop (self->queue)
           : g_async_queue_timeout_pop (self->queue, wait);

      /* Drain what is queued now into one batch. */
      while (item != NULL)
        {
          if (item->kind == ITEM_ROW)
            g_ptr_array_add (pending, item->record);
          else if (item->kind == ITEM_STOP)
            running = FALSE;
          else if (item->kind == ITEM_FLUSH || item->kind == ITEM_PRUNE)
            {
              if (flushes == NULL)
                flushes = g_ptr_array_new ();
              g_ptr_array_add (flushes, item);
              item = NULL;
            }
          if (item != NULL)
            g_free (item);
          /* Full batches commit as they fill, unless the disk is failing: then everything
           * waits for the backoff below instead of retrying once per row. */
          if (pending->len >= BATCH_MAX && retry_delay == 0 &&
              !commit_pending (self, db, stmt, daily, pending))
            retry_delay = G_USEC_PER_SEC / 10;
          item = g_async_queue_try_pop (self->queue);
        }

      /* Let a burst gather into one transaction: wait a little for more rows unless a flush
       * or shutdown is waiting. */
      if (flushes == NULL && running && retry_delay == 0 && pending->len > 0 &&
          pending->len < BATCH_MAX)
        {
          gint64 deadline = g_get_monotonic_time () + GATHER_US;
          gint64 left;

          while (pending->len < BATCH_MAX && (left = deadline - g_get_monotonic_time ()) > 0 &&
                 (item = g_async_queue_timeout_pop (self->queue, left)) != NULL)
            {
              if (item->kind == ITEM_ROW)
                {
                  g_ptr_array_add (pending, item->record);
                  g_free (item);
                  continue;
                }
              /* A flush or stop: commit now, handle it on the next turn. */
              g_async_queue_push_front (self->queue, item);
              break;
            }
        }

      if (commit_pending (self, db, stmt, daily, pending))
        retry_delay = 0;
      else
        retry_delay = CLAMP (retry_delay * 2, G_USEC_PER_SEC / 10, RETRY_MAX_US);

      /* A flush waiter or shutdown does not wait forever on a broken disk: rows it could not
       * write are counted as failed. */
      if ((flushes != NULL || !running) && pending->len > 0)
        {
          g_atomic_pointer_add (&self->failed, pending->len);
          g_ptr_array_set_size (pending, 0);
        }
      for (guint i = 0; flushes != NULL && i < flushes->len; i++)
        {
          Item *waiter = g_ptr_array_index (flushes, i);

          if (waiter->kind == ITEM_PRUNE)
            {
              while (!prune_step (self, db))
                ;
              next_prune_us = g_get_monotonic_time () + PRUNE_EVERY_US;
            }
          signal_flush (waiter);
          g_free (waiter);
        }
      g_clear_pointer (&flushes, g_ptr_array_unref);

      /* Retention: one small batch per turn, so new rows never wait behind a long delete. */
      if (running && next_prune_us <= g_get_monotonic_time () && prune_step (self, db))
        next_prune_us = g_get_monotonic_time () + PRUNE_EVERY_US;
    }
  return NULL;
}

static void
sy_usage_writer_dispose (GObject *object)
{
  SyUsageWriter *self = SY_USAGE_WRITER (object);

  if (self->thread != NULL)
    {
      Item *stop = g_new0 (Item, 1);

      stop->kind = ITEM_STOP;
      g_async_queue_push (self->queue, stop);
      g_thread_join (g_steal_pointer (&self->thread));
    }
  G_OBJECT_CLASS (sy_usage_writer_parent_class)->dispose (object);
}

static void
sy_usage_writer_finalize (GObject *object)
{
  SyUsageWriter *self = SY_USAGE_WRITER (object);

  g_clear_pointer (&self->queue, g_async_queue_unref);
  g_free (self->db_path);
  G_OBJECT_CLASS (sy_usage_writer_parent_class)->finalize (object);
}

static void
sy_usage_writer_class_init (SyUsageWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_usage_writer_dispose;
  object_class->finalize = sy_usage_writer_finalize;
}

static void
sy_usage_writer_init (SyUsageWriter *self)
{
  self->queue = g_async_queue_new ();
  self->retention_days = -1;
}

SyUsageWriter *
sy_usage_writer_new (const char  *db_path,
                     GError     **error)
{
  SyUsageWriter *self;

  g_return_val_if_fail (db_path != NULL, NULL);

  self = g_object_new (SY_TYPE_USAGE_WRITER, NULL);
  self->db_path = g_strdup (db_path);
  self->thread = g_thread_try_new ("sy-usage-writer", writer_thread, self, error);
  if (self->thread == NULL)
    {
      g_object_unref (self);
      return NULL;
    }
  return self;
}

void
sy_usage_writer_submit (SyUsageWriter *self,
                        SyUsageRecord *record)
{
  Item *item;

  g_return_if_fail (SY_IS_USAGE_WRITER (self));
  g_return_if_fail (record != NULL);

  item = g_new0 (Item, 1);
  item->kind = ITEM_ROW;
  item->record = record;
  g_async_queue_push (self->queue, item);
}

/* Queues a waiter of kind and blocks until the thread signals it. */
static void
wait_for (SyUsageWriter *self,
          ItemKind       kind)
{
  GMutex mutex;
  GCond cond;
  gboolean done = FALSE;
  Item *item;

  if (self->thread == NULL)
    return;

  g_mutex_init (&mutex);
  g_cond_init (&cond);
  item = g_new0 (Item, 1);
  item->kind = kind;
  item->mutex = &mutex;
  item->cond = &cond;
  item->done = &done;

  g_mutex_lock (&mutex);
  g_async_queue_push (self->queue, item);
  while (!done)
    g_cond_wait (&cond, &mutex);
  g_mutex_unlock (&mutex);
  g_mutex_clear (&mutex);
  g_cond_clear (&cond);
}

void
sy_usage_writer_flush (SyUsageWriter *self)
{
  g_return_if_fail (SY_IS_USAGE_WRITER (self));
  wait_for (self, ITEM_FLUSH);
}

guint64
sy_usage_writer_get_written (SyUsageWriter *self)
{
  return (guint64) g_atomic_pointer_get (&self->written);
}

guint64
sy_usage_writer_get_failed (SyUsageWriter *self)
{
  return (guint64) g_atomic_pointer_get (&self->failed);
}

guint64
sy_usage_writer_get_pruned (SyUsageWriter *self)
{
  return (guint64) g_atomic_pointer_get (&self->pruned);
}

void
sy_usage_writer_set_retention_days (SyUsageWriter *self,
                                    int            days)
{
  Item *item;

  g_return_if_fail (SY_IS_USAGE_WRITER (self));

  if (g_atomic_int_get (&self->retention_days) == MAX (days, 0))
    return;
  g_atomic_int_set (&self->retention_days, MAX (days, 0));
  g_atomic_int_set (&self->retention_changed, 1);
  item = g_new0 (Item, 1);
  item->kind = ITEM_WAKE;
  g_async_queue_push (self->queue, item);
}

void
sy_usage_writer_prune (SyUsageWriter *self)
{
  g_return_if_fail (SY_IS_USAGE_WRITER (self));
  wait_for (self, ITEM_PRUNE);
}

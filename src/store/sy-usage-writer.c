/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The usage log writer thread. Rows queue in a GAsyncQueue; the thread takes up to BATCH_MAX at
 * a time and commits them in one transaction. If a commit fails (disk full, locked), the batch
 * is kept and retried with backoff up to PENDING_MAX rows, beyond which the oldest are dropped
 * and counted; the gateway keeps serving either way.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-usage-writer.h"
#include "sy-database.h"

#define BATCH_MAX     512
#define PENDING_MAX   100000
#define RETRY_MAX_US  (5 * G_USEC_PER_SEC)
#define GATHER_US     (50 * 1000)   /* rows reach the database at most this much later */

typedef enum {
  ITEM_ROW,
  ITEM_FLUSH,
  ITEM_STOP,
} ItemKind;

typedef struct
{
  ItemKind       kind;
  SyUsageRecord *record;  /* ITEM_ROW */
  GMutex        *mutex;   /* ITEM_FLUSH: signalled when everything before it is done */
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
  "ttfb_ms, error_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/* One transaction; stmt is the writer's prepared insert, reused across batches. */
static gboolean
write_batch (SyDatabase    *db,
             sqlite3_stmt  *stmt,
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
      sqlite3_bind_int (stmt, 10, r->status >= 200 && r->status < 300 && r->error_code == NULL);
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
      if (!sy_database_step_done (db, stmt, error))
        {
          sy_database_exec (db, "ROLLBACK", NULL);
          return FALSE;
        }
    }

  if (!sy_database_exec (db, "COMMIT", error))
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
                GPtrArray     *pending)
{
  g_autoptr(GError) error = NULL;

  if (pending->len == 0)
    return TRUE;
  if (db != NULL && stmt != NULL && write_batch (db, stmt, pending, &error))
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

static gpointer
writer_thread (gpointer data)
{
  SyUsageWriter *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SyDatabase) db = sy_database_open (self->db_path, &error);
  g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_usage_record_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 retry_delay = 0;
  gboolean running = TRUE;

  if (db == NULL || (stmt = sy_database_prepare (db, insert_sql, &error)) == NULL)
    g_warning ("usage log: %s", error->message);

  while (running)
    {
      Item *item = retry_delay > 0 ? g_async_queue_timeout_pop (self->queue, retry_delay)
                                   : g_async_queue_pop (self->queue);
      GPtrArray *flushes = NULL;

      /* Drain what is queued now into one batch. */
      while (item != NULL)
        {
          if (item->kind == ITEM_ROW)
            g_ptr_array_add (pending, item->record);
          else if (item->kind == ITEM_STOP)
            running = FALSE;
          else
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
          if (pending->len >= BATCH_MAX && retry_delay == 0 && !commit_pending (self, db, stmt, pending))
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

      if (commit_pending (self, db, stmt, pending))
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
          signal_flush (g_ptr_array_index (flushes, i));
          g_free (g_ptr_array_index (flushes, i));
        }
      g_clear_pointer (&flushes, g_ptr_array_unref);
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

void
sy_usage_writer_flush (SyUsageWriter *self)
{
  GMutex mutex;
  GCond cond;
  gboolean done = FALSE;
  Item *item;

  g_return_if_fail (SY_IS_USAGE_WRITER (self));
  if (self->thread == NULL)
    return;

  g_mutex_init (&mutex);
  g_cond_init (&cond);
  item = g_new0 (Item, 1);
  item->kind = ITEM_FLUSH;
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

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy-quota-book.c: per-account quota entries, the fetch schedule (minimum interval, 429
 * cooldown, one fetch in flight with its waiters) and the API's JSON view. Main thread only.
 * Memory is bounded by the accounts the gateway has. Must not persist or log tokens.
 */
#define G_LOG_DOMAIN "sy-providers"

#include "sy-quota-book.h"
#include "sy-quota-fetch.h"
#include "sy-quota-parse.h"

typedef struct _Flight Flight;

typedef struct
{
  SyQuota *quota;           /* NULL before the first fetch or header update */
  gint64   last_update;     /* ms: last fetch started or headers noted; 0 never */
  gint64   cooldown_until;  /* ms: the quota endpoint said 429; 0 none */
  Flight  *flight;          /* the fetch in flight, not owned; NULL none */
} Entry;

struct _Flight
{
  SyQuotaBook *book;        /* ref */
  char        *connection_id;
  char        *provider_id;
  GPtrArray   *waiters;     /* GTask */
  gboolean     orphaned;    /* the entry was removed meanwhile */
};

struct _SyQuotaBook
{
  GObject           parent_instance;
  SoupSession      *session;
  SyOriginMap      *origins;
  GHashTable       *entries;  /* connection id -> Entry */
  SyQuotaClockFunc  clock;
  gpointer          clock_data;
  gint64            min_interval;
};

G_DEFINE_FINAL_TYPE (SyQuotaBook, sy_quota_book, G_TYPE_OBJECT)

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  if (entry->flight != NULL)
    entry->flight->orphaned = TRUE;
  g_clear_pointer (&entry->quota, sy_quota_unref);
  g_free (entry);
}

static void
flight_free (Flight *flight)
{
  g_object_unref (flight->book);
  g_free (flight->connection_id);
  g_free (flight->provider_id);
  g_ptr_array_unref (flight->waiters);
  g_free (flight);
}

static void
sy_quota_book_finalize (GObject *object)
{
  SyQuotaBook *self = SY_QUOTA_BOOK (object);

  g_hash_table_unref (self->entries);
  G_OBJECT_CLASS (sy_quota_book_parent_class)->finalize (object);
}

static void
sy_quota_book_dispose (GObject *object)
{
  SyQuotaBook *self = SY_QUOTA_BOOK (object);

  g_clear_object (&self->session);
  g_clear_object (&self->origins);
  G_OBJECT_CLASS (sy_quota_book_parent_class)->dispose (object);
}

static void
sy_quota_book_class_init (SyQuotaBookClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_quota_book_dispose;
  object_class->finalize = sy_quota_book_finalize;
}

static void
sy_quota_book_init (SyQuotaBook *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, entry_free);
  self->min_interval = SY_QUOTA_BOOK_MIN_INTERVAL_MS;
}

SyQuotaBook *
sy_quota_book_new (SoupSession *session,
                   SyOriginMap *origins)
{
  SyQuotaBook *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (origins == NULL || SY_IS_ORIGIN_MAP (origins), NULL);

  self = g_object_new (SY_TYPE_QUOTA_BOOK, NULL);
  self->session = g_object_ref (session);
  self->origins = origins != NULL ? g_object_ref (origins) : NULL;
  return self;
}

void
sy_quota_book_set_clock (SyQuotaBook      *self,
                         SyQuotaClockFunc  clock,
                         gpointer          user_data)
{
  g_return_if_fail (SY_IS_QUOTA_BOOK (self));

  self->clock = clock;
  self->clock_data = user_data;
}

void
sy_quota_book_set_min_interval (SyQuotaBook *self,
                                gint64       interval_ms)
{
  g_return_if_fail (SY_IS_QUOTA_BOOK (self));
  g_return_if_fail (interval_ms >= 0);

  self->min_interval = interval_ms;
}

static gint64
now_ms (SyQuotaBook *self)
{
  return self->clock != NULL ? self->clock (self->clock_data) : g_get_real_time () / 1000;
}

static Entry *
ensure_entry (SyQuotaBook *self,
              const char  *connection_id)
{
  Entry *entry = g_hash_table_lookup (self->entries, connection_id);

  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      g_hash_table_insert (self->entries, g_strdup (connection_id), entry);
    }
  return entry;
}

SyQuota *
sy_quota_book_lookup (SyQuotaBook *self,
                      const char  *connection_id)
{
  Entry *entry;

  g_return_val_if_fail (SY_IS_QUOTA_BOOK (self), NULL);
  g_return_val_if_fail (connection_id != NULL, NULL);

  entry = g_hash_table_lookup (self->entries, connection_id);
  return entry != NULL && entry->quota != NULL ? sy_quota_ref (entry->quota) : NULL;
}

static gboolean
entry_is_due (SyQuotaBook *self,
              Entry       *entry,
              gboolean     force,
              gint64       now)
{
  if (entry == NULL)
    return TRUE;
  if (entry->flight != NULL || now < entry->cooldown_until)
    return FALSE;
  return force || entry->last_update == 0 || now - entry->last_update >= self->min_interval;
}

gboolean
sy_quota_book_is_due (SyQuotaBook *self,
                      const char  *connection_id)
{
  g_return_val_if_fail (SY_IS_QUOTA_BOOK (self), FALSE);
  g_return_val_if_fail (connection_id != NULL, FALSE);

  return entry_is_due (self, g_hash_table_lookup (self->entries, connection_id), FALSE,
                       now_ms (self));
}

/* What a refresh answers: the entry's quota, or an empty one naming the provider. */
static SyQuota *
dup_current (Entry      *entry,
             const char *provider_id)
{
  if (entry != NULL && entry->quota != NULL)
    return sy_quota_ref (entry->quota);
  return sy_quota_new (provider_id, 0);
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Flight *flight = user_data;
  SyQuotaBook *self = flight->book;
  g_autoptr(GError) error = NULL;
  g_autoptr(SyQuota) fetched = NULL;
  g_autoptr(SyQuota) answer = NULL;
  gint64 retry_after = -1;
  Entry *entry = NULL;

  fetched = sy_quota_fetch_finish (result, &retry_after, &error);
  if (!flight->orphaned)
    {
      entry = g_hash_table_lookup (self->entries, flight->connection_id);
      g_assert (entry != NULL && entry->flight == flight);
      entry->flight = NULL;
    }

  if (fetched != NULL)
    answer = g_steal_pointer (&fetched);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    answer = dup_current (entry, flight->provider_id);
  else
    answer = sy_quota_copy_with_error (entry != NULL ? entry->quota : NULL, flight->provider_id,
                                       error);

  if (entry != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (g_error_matches (error, SY_QUOTA_ERROR, SY_QUOTA_ERROR_RATE_LIMITED))
        entry->cooldown_until = now_ms (self) +
                                (retry_after >= 0 ? retry_after
                                                  : SY_QUOTA_BOOK_RATE_LIMIT_COOLDOWN_MS);
      g_clear_pointer (&entry->quota, sy_quota_unref);
      entry->quota = sy_quota_ref (answer);
    }
  if (error != NULL && !g_error_matches (error, SY_QUOTA_ERROR, SY_QUOTA_ERROR_NOT_SUPPORTED))
    g_debug ("quota of %s: %s", flight->connection_id, error->message);

  for (guint i = 0; i < flight->waiters->len; i++)
    g_task_return_pointer (g_ptr_array_index (flight->waiters, i), sy_quota_ref (answer),
                           (GDestroyNotify) sy_quota_unref);
  flight_free (flight);
}

void
sy_quota_book_refresh_async (SyQuotaBook         *self,
                             const char          *connection_id,
                             const char          *provider_id,
                             const char          *bearer,
                             const char          *provider_data_json,
                             gboolean             force,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  gint64 now;
  Entry *entry;
  Flight *flight;

  g_return_if_fail (SY_IS_QUOTA_BOOK (self));
  g_return_if_fail (connection_id != NULL);
  g_return_if_fail (provider_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sy_quota_book_refresh_async);
  now = now_ms (self);
  entry = g_hash_table_lookup (self->entries, connection_id);

  if (entry != NULL && entry->flight != NULL)
    {
      g_ptr_array_add (entry->flight->waiters, g_steal_pointer (&task));
      return;
    }
  if (!entry_is_due (self, entry, force, now))
    {
      g_task_return_pointer (task, dup_current (entry, provider_id),
                             (GDestroyNotify) sy_quota_unref);
      return;
    }

  entry = ensure_entry (self, connection_id);
  entry->last_update = now;
  flight = g_new0 (Flight, 1);
  flight->book = g_object_ref (self);
  flight->connection_id = g_strdup (connection_id);
  flight->provider_id = g_strdup (provider_id);
  flight->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (flight->waiters, g_steal_pointer (&task));
  entry->flight = flight;
  /* The fetch itself is not cancelled by one waiter: others may be waiting for it. */
  sy_quota_fetch_async (self->session, self->origins, provider_id, bearer, provider_data_json,
                        NULL, fetched_cb, flight);
}

SyQuota *
sy_quota_book_refresh_finish (SyQuotaBook   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (SY_IS_QUOTA_BOOK (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, sy_quota_book_refresh_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
is_codex (const char *provider_id)
{
  return g_strcmp0 (provider_id, "codex") == 0 || g_strcmp0 (provider_id, "cx") == 0;
}

gboolean
sy_quota_book_note_headers (SyQuotaBook        *self,
                            const char         *connection_id,
                            const char         *provider_id,
                            SoupMessageHeaders *headers)
{
  g_autoptr(SyQuota) parsed = NULL;
  SyQuota *merged;
  gint64 now;
  Entry *entry;

  g_return_val_if_fail (SY_IS_QUOTA_BOOK (self), FALSE);
  g_return_val_if_fail (connection_id != NULL, FALSE);

  if (!is_codex (provider_id) || headers == NULL)
    return FALSE;
  now = now_ms (self);
  parsed = sy_quota_parse_codex_headers (headers, now);
  if (parsed == NULL)
    return FALSE;

  /* A new value: the old one may be shared with a reader. The answer proves the account
   * works, so a stale fetch error goes. */
  entry = ensure_entry (self, connection_id);
  merged = sy_quota_new ("codex", now);
  if (entry->quota != NULL)
    sy_quota_merge (merged, entry->quota);
  sy_quota_merge (merged, parsed);
  g_clear_pointer (&entry->quota, sy_quota_unref);
  entry->quota = merged;
  entry->last_update = MAX (entry->last_update, now);
  return TRUE;
}

void
sy_quota_book_remove (SyQuotaBook *self,
                      const char  *connection_id)
{
  g_return_if_fail (SY_IS_QUOTA_BOOK (self));
  g_return_if_fail (connection_id != NULL);

  g_hash_table_remove (self->entries, connection_id);
}

static void
set_time_or_null (JsonObject *object,
                  const char *member,
                  gint64      ms)
{
  if (ms > 0)
    json_object_set_int_member (object, member, ms);
  else
    json_object_set_null_member (object, member);
}

JsonNode *
sy_quota_book_to_json (SyQuotaBook *self,
                       const char  *connection_id)
{
  g_autoptr(SyQuota) empty = NULL;
  JsonNode *node;
  JsonObject *object;
  Entry *entry;
  gint64 now;

  g_return_val_if_fail (SY_IS_QUOTA_BOOK (self), NULL);
  g_return_val_if_fail (connection_id != NULL, NULL);

  now = now_ms (self);
  entry = g_hash_table_lookup (self->entries, connection_id);
  if (entry == NULL || entry->quota == NULL)
    empty = sy_quota_new (NULL, 0);
  node = sy_quota_to_json (empty != NULL ? empty : entry->quota);
  object = json_node_get_object (node);
  json_object_set_string_member (object, "connectionId", connection_id);
  json_object_set_boolean_member (object, "refreshing", entry != NULL && entry->flight != NULL);
  set_time_or_null (object, "cooldownUntil",
                    entry != NULL && entry->cooldown_until > now ? entry->cooldown_until : 0);
  if (entry == NULL || entry->last_update == 0)
    set_time_or_null (object, "nextRefreshAt", 0);
  else
    set_time_or_null (object, "nextRefreshAt",
                      MAX (entry->last_update + self->min_interval, entry->cooldown_until));
  return node;
}

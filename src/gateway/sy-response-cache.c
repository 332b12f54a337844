/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The response cache's store: a hash table for lookups and a queue for recency, both over the
 * same entries. The limits come with every call rather than from a settings object held here:
 * the gateway may swap its settings (a database import), and a change applies to the next
 * request. Expired entries are dropped when they are looked up or when the statistics are
 * read; until then they only count against the limits. Holds no request state, no I/O.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-response-cache.h"

#include <string.h>

typedef struct
{
  char           *key;
  SyStoredAnswer *answer;
  gint64          stored_ms;
  GList           link;      /* in lru; data points back at the entry */
} Entry;

struct _SyResponseCache
{
  GObject         parent_instance;

  SyClockFunc     clock;
  gpointer        clock_data;
  GHashTable     *entries;   /* key -> Entry*, owned */
  GQueue          lru;       /* most recently used first */
  gsize           bytes;

  /* From the environment; -1 when not set there. */
  gint64          env_max_entries;
  gint64          env_max_bytes;
  gint64          env_ttl_ms;

  guint64         hits;
  guint64         misses;
  guint64         stores;
  guint64         evictions;
  guint64         expired;
};

G_DEFINE_FINAL_TYPE (SyResponseCache, sy_response_cache, G_TYPE_OBJECT)

static void
entry_free (gpointer data)
{
  Entry *e = data;

  g_free (e->key);
  sy_stored_answer_unref (e->answer);
  g_free (e);
}

static void
sy_response_cache_finalize (GObject *object)
{
  SyResponseCache *self = SY_RESPONSE_CACHE (object);

  g_queue_init (&self->lru);  /* its links live inside the entries */
  g_clear_pointer (&self->entries, g_hash_table_unref);
  G_OBJECT_CLASS (sy_response_cache_parent_class)->finalize (object);
}

static void
sy_response_cache_class_init (SyResponseCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sy_response_cache_finalize;
}

static gint64
monotonic_ms (gpointer user_data)
{
  return g_get_monotonic_time () / 1000;
}

static void
sy_response_cache_init (SyResponseCache *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, entry_free);
  g_queue_init (&self->lru);
  self->clock = monotonic_ms;
}

gint64
sy_response_cache_parse_size (const char *text)
{
  guint64 value;
  char *end = NULL;
  gint64 unit = 1;

  if (text == NULL || !g_ascii_isdigit (*text))
    return -1;
  value = g_ascii_strtoull (text, &end, 10);
  switch (g_ascii_tolower (*end))
    {
    case 'k': unit = 1024; end++; break;
    case 'm': unit = 1024 * 1024; end++; break;
    case 'g': unit = 1024 * 1024 * 1024; end++; break;
    default: break;
    }
  if (g_ascii_tolower (*end) == 'b')
    end++;
  if (*end != '\0' || value > (guint64) G_MAXINT64 / (guint64) unit)
    return -1;
  return (gint64) value * unit;
}

/* One override from the environment, or -1. A value that makes no sense is said and ignored. */
static gint64
read_env (const char * const *envp,
          const char         *name,
          gboolean            size)
{
  const char *text = envp ? g_environ_getenv ((char **) envp, name) : g_getenv (name);
  gint64 value;

  if (text == NULL || *text == '\0')
    return -1;
  if (size)
    value = sy_response_cache_parse_size (text);
  else if (!g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &value, NULL))
    value = -1;
  if (value < 0)
    g_message ("ignoring %s=%s: expected %s", name, text,
               size ? "a size in bytes such as 4194304 or 4M" : "a whole number");
  return value;
}

static void
remove_entry (SyResponseCache *self,
              Entry           *e)
{
  g_queue_unlink (&self->lru, &e->link);
  self->bytes -= sy_stored_answer_get_size (e->answer);
  g_hash_table_remove (self->entries, e->key);
}

static void
trim (SyResponseCache     *self,
      const SyCacheLimits *limits)
{
  while (self->lru.tail != NULL &&
         ((gint64) self->lru.length > limits->max_entries ||
          (gint64) self->bytes > limits->max_bytes))
    {
      remove_entry (self, self->lru.tail->data);
      self->evictions++;
    }
}

static gboolean
is_expired (const SyCacheLimits *limits,
            Entry               *e,
            gint64               now)
{
  return now - e->stored_ms >= limits->ttl_ms;
}

static void
drop_expired (SyResponseCache     *self,
              const SyCacheLimits *limits)
{
  gint64 now = self->clock (self->clock_data);
  GList *l = self->lru.head;

  while (l != NULL)
    {
      Entry *e = l->data;

      l = l->next;
      if (is_expired (limits, e, now))
        {
          remove_entry (self, e);
          self->expired++;
        }
    }
}

SyResponseCache *
sy_response_cache_new (const char * const *envp)
{
  SyResponseCache *self = g_object_new (SY_TYPE_RESPONSE_CACHE, NULL);

  self->env_max_entries = read_env (envp, "PROMPT_CACHE_MAX_SIZE", FALSE);
  self->env_max_bytes = read_env (envp, "SEMANTIC_CACHE_MAX_SIZE", TRUE);
  self->env_ttl_ms = read_env (envp, "SEMANTIC_CACHE_TTL_MS", FALSE);
  return self;
}

void
sy_response_cache_set_clock (SyResponseCache *self,
                             SyClockFunc      clock,
                             gpointer         user_data)
{
  g_return_if_fail (SY_IS_RESPONSE_CACHE (self));

  self->clock = clock ? clock : monotonic_ms;
  self->clock_data = clock ? user_data : NULL;
}

void
sy_response_cache_get_limits (SyResponseCache *self,
                              SySettingsRepo  *settings,
                              SyCacheLimits   *out)
{
  g_return_if_fail (SY_IS_RESPONSE_CACHE (self));
  g_return_if_fail (SY_IS_SETTINGS_REPO (settings) && out != NULL);

  out->enabled = sy_settings_repo_get_boolean (settings, "cacheEnabled");
  out->max_entries = self->env_max_entries >= 0 ? self->env_max_entries
                       : sy_settings_repo_get_int (settings, "cacheMaxEntries");
  out->max_bytes = self->env_max_bytes >= 0 ? self->env_max_bytes
                     : sy_settings_repo_get_int (settings, "cacheMaxBytes");
  out->ttl_ms = self->env_ttl_ms >= 0 ? self->env_ttl_ms
                  : sy_settings_repo_get_int (settings, "cacheTtlMs");
}

SyStoredAnswer *
sy_response_cache_lookup (SyResponseCache     *self,
                          const SyCacheLimits *limits,
                          const char          *key)
{
  Entry *e;

  g_return_val_if_fail (SY_IS_RESPONSE_CACHE (self), NULL);
  g_return_val_if_fail (limits != NULL && key != NULL, NULL);

  trim (self, limits);
  e = g_hash_table_lookup (self->entries, key);
  if (e != NULL && is_expired (limits, e, self->clock (self->clock_data)))
    {
      remove_entry (self, e);
      self->expired++;
      e = NULL;
    }
  if (e == NULL)
    {
      self->misses++;
      return NULL;
    }
  self->hits++;
  g_queue_unlink (&self->lru, &e->link);
  g_queue_push_head_link (&self->lru, &e->link);
  return sy_stored_answer_ref (e->answer);
}

void
sy_response_cache_store (SyResponseCache     *self,
                         const SyCacheLimits *limits,
                         const char          *key,
                         SyStoredAnswer      *answer)
{
  Entry *e;

  g_return_if_fail (SY_IS_RESPONSE_CACHE (self));
  g_return_if_fail (limits != NULL && key != NULL && answer != NULL);

  if ((e = g_hash_table_lookup (self->entries, key)) != NULL)
    remove_entry (self, e);
  if (!limits->enabled || limits->max_entries == 0 ||
      (gint64) sy_stored_answer_get_size (answer) > limits->max_bytes)
    return;

  e = g_new0 (Entry, 1);
  e->key = g_strdup (key);
  e->answer = sy_stored_answer_ref (answer);
  e->stored_ms = self->clock (self->clock_data);
  e->link.data = e;
  g_hash_table_insert (self->entries, e->key, e);
  g_queue_push_head_link (&self->lru, &e->link);
  self->bytes += sy_stored_answer_get_size (answer);
  self->stores++;
  trim (self, limits);
}

guint
sy_response_cache_clear (SyResponseCache *self)
{
  guint n;

  g_return_val_if_fail (SY_IS_RESPONSE_CACHE (self), 0);

  n = self->lru.length;
  /* The links live inside the entries: empty the queue before the table frees them. */
  g_queue_init (&self->lru);
  g_hash_table_remove_all (self->entries);
  self->bytes = 0;
  return n;
}

JsonNode *
sy_response_cache_to_json (SyResponseCache     *self,
                           const SyCacheLimits *limits)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  guint64 lookups;

  g_return_val_if_fail (SY_IS_RESPONSE_CACHE (self), NULL);
  g_return_val_if_fail (limits != NULL, NULL);

  if (!limits->enabled)
    sy_response_cache_clear (self);
  trim (self, limits);
  drop_expired (self, limits);
  lookups = self->hits + self->misses;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "enabled");
  json_builder_add_boolean_value (b, limits->enabled);
  json_builder_set_member_name (b, "entries");
  json_builder_add_int_value (b, self->lru.length);
  json_builder_set_member_name (b, "bytes");
  json_builder_add_int_value (b, (gint64) self->bytes);
  json_builder_set_member_name (b, "maxEntries");
  json_builder_add_int_value (b, limits->max_entries);
  json_builder_set_member_name (b, "maxBytes");
  json_builder_add_int_value (b, limits->max_bytes);
  json_builder_set_member_name (b, "ttlMs");
  json_builder_add_int_value (b, limits->ttl_ms);
  json_builder_set_member_name (b, "hits");
  json_builder_add_int_value (b, (gint64) self->hits);
  json_builder_set_member_name (b, "misses");
  json_builder_add_int_value (b, (gint64) self->misses);
  json_builder_set_member_name (b, "hitRate");
  json_builder_add_double_value (b, lookups ? (double) self->hits / (double) lookups : 0.0);
  json_builder_set_member_name (b, "stores");
  json_builder_add_int_value (b, (gint64) self->stores);
  json_builder_set_member_name (b, "evictions");
  json_builder_add_int_value (b, (gint64) self->evictions);
  json_builder_set_member_name (b, "expired");
  json_builder_add_int_value (b, (gint64) self->expired);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

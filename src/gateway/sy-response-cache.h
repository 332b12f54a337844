/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyResponseCache: complete answers to deterministic requests (temperature 0), by key, in
 * memory, least recently used first out. Bounded by entries, bytes and age: the settings
 * cacheMaxEntries, cacheMaxBytes and cacheTtlMs, which the environment variables
 * PROMPT_CACHE_MAX_SIZE (entries), SEMANTIC_CACHE_MAX_SIZE (bytes) and SEMANTIC_CACHE_TTL_MS
 * override. Knows nothing of HTTP or dialects: the keys and answers are made by
 * sy-response-reuse.c. Main thread only.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "gateway/sy-stored-answer.h"
#include "routing/sy-routing-state.h"
#include "store/sy-settings-repo.h"

G_BEGIN_DECLS

/* The limits in force: the settings, with the environment's overrides. */
typedef struct
{
  gboolean enabled;
  gint64   max_entries;
  gint64   max_bytes;
  gint64   ttl_ms;
} SyCacheLimits;

#define SY_TYPE_RESPONSE_CACHE (sy_response_cache_get_type ())
G_DECLARE_FINAL_TYPE (SyResponseCache, sy_response_cache, SY, RESPONSE_CACHE, GObject)

/* envp: the environment to read the overrides from (NULL: the process's own). */
SyResponseCache *sy_response_cache_new        (const char * const   *envp);
/* The clock for ages, in ms (monotonic by default); tests pass a fake one. */
void             sy_response_cache_set_clock  (SyResponseCache      *self,
                                               SyClockFunc           clock,
                                               gpointer              user_data);
/* cacheEnabled, cacheMaxEntries, cacheMaxBytes and cacheTtlMs from settings, each overridden
 * by its environment variable when that is set (no variable turns the cache off). The
 * settings are read at every request, so a change applies to the next one. */
void             sy_response_cache_get_limits (SyResponseCache      *self,
                                               SySettingsRepo       *settings,
                                               SyCacheLimits        *out);
/* The answer stored under key (a reference), or NULL; counts a hit or a miss, and marks the
 * entry most recently used. Expired entries are dropped on the way, and entries beyond
 * limits (which may have shrunk) are evicted first. */
SyStoredAnswer  *sy_response_cache_lookup     (SyResponseCache      *self,
                                               const SyCacheLimits  *limits,
                                               const char           *key);
/* Stores answer under key, replacing what was there, then evicts the least recently used
 * entries until the limits hold. An answer larger than the byte limit is not stored. */
void             sy_response_cache_store      (SyResponseCache      *self,
                                               const SyCacheLimits  *limits,
                                               const char           *key,
                                               SyStoredAnswer       *answer);
/* Drops every entry; returns how many there were. The counters stay. */
guint            sy_response_cache_clear      (SyResponseCache      *self);
/* {"enabled", "entries", "bytes", "maxEntries", "maxBytes", "ttlMs", "hits", "misses",
 * "hitRate", "stores", "evictions", "expired"}, after dropping what limits no longer allow. */
JsonNode        *sy_response_cache_to_json    (SyResponseCache      *self,
                                               const SyCacheLimits  *limits);

/* "4194304", "512k", "4M", "1G" (powers of 1024); -1 when text is not a size. */
gint64           sy_response_cache_parse_size (const char      *text);

G_END_DECLS

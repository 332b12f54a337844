/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Access control for /v1, before routing: IP lists compiled once per change of the settings
 * (compared by node identity), key scopes matched against the model as the client named it,
 * and per-key request counters kept in memory: an exact sliding minute (a ring of the last
 * admissions' times) and the local calendar day. Counters start again at a restart. Never
 * contacts an upstream; /api is not covered (it stays loopback-only, sy-request-guard.c).
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-access-control.h"

#include <string.h>

#include "core/sy-cidr.h"
#include "gateway/sy-gateway.h"
#include "gateway/sy-http.h"

#define MINUTE_US (60 * G_USEC_PER_SEC)

typedef struct
{
  gint64 *stamps;      /* monotonic times of the admissions in the last minute, a ring */
  guint   capacity;    /* the per-minute limit the ring was sized for */
  guint   head;
  guint   count;
  int     day;         /* local date as YYYYMMDD */
  guint   day_count;
} Counter;

struct _SyAccessControl
{
  GObject     parent_instance;
  SyGateway  *gateway;      /* not referenced: the owner */
  JsonNode   *allow_from;   /* the setting nodes the lists were compiled from */
  JsonNode   *deny_from;
  GArray     *allow;        /* SyCidr */
  GArray     *deny;
  GHashTable *counters;     /* API key id -> Counter */
};

G_DEFINE_FINAL_TYPE (SyAccessControl, sy_access_control, G_TYPE_OBJECT)

static void
counter_free (gpointer data)
{
  Counter *counter = data;

  g_free (counter->stamps);
  g_free (counter);
}

static void
sy_access_control_finalize (GObject *object)
{
  SyAccessControl *self = SY_ACCESS_CONTROL (object);

  g_clear_pointer (&self->allow_from, json_node_unref);
  g_clear_pointer (&self->deny_from, json_node_unref);
  g_clear_pointer (&self->allow, g_array_unref);
  g_clear_pointer (&self->deny, g_array_unref);
  g_clear_pointer (&self->counters, g_hash_table_unref);
  G_OBJECT_CLASS (sy_access_control_parent_class)->finalize (object);
}

static void
sy_access_control_class_init (SyAccessControlClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sy_access_control_finalize;
}

static void
sy_access_control_init (SyAccessControl *self)
{
  self->allow = g_array_new (FALSE, FALSE, sizeof (SyCidr));
  self->deny = g_array_new (FALSE, FALSE, sizeof (SyCidr));
  self->counters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, counter_free);
}

SyAccessControl *
sy_access_control_new (SyGateway *gateway)
{
  SyAccessControl *self = g_object_new (SY_TYPE_ACCESS_CONTROL, NULL);

  self->gateway = gateway;
  return self;
}

/* --- IP lists ------------------------------------------------------------------------------ */

static void
compile_list (SySettingsRepo  *settings,
              const char      *name,
              JsonNode       **from,
              GArray          *into)
{
  g_autoptr(JsonNode) node = sy_settings_repo_dup_json (settings, name);
  JsonArray *array;

  if (node == *from)
    return;
  g_clear_pointer (from, json_node_unref);
  *from = json_node_ref (node);
  g_array_set_size (into, 0);
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      SyCidr cidr;

      /* Validated when saved; a row that no longer parses matches nothing. */
      if (sy_cidr_parse (json_array_get_string_element (array, i), &cidr))
        g_array_append_val (into, cidr);
    }
}

static gboolean
list_contains (GArray       *list,
               GInetAddress *address)
{
  for (guint i = 0; i < list->len; i++)
    if (sy_cidr_contains (&g_array_index (list, SyCidr, i), address))
      return TRUE;
  return FALSE;
}

/* The dialect a refusal is written in, from the path alone (before any handler ran). */
static SyDialect
dialect_for_path (const char *path)
{
  if (g_str_has_prefix (path, "/v1beta/") || strstr (path, ":generateContent") != NULL ||
      strstr (path, ":streamGenerateContent") != NULL)
    return SY_DIALECT_GEMINI;
  while (g_str_has_prefix (path, "/v1/"))
    path += 3;
  if (g_str_has_prefix (path, "/messages"))
    return SY_DIALECT_ANTHROPIC;
  if (g_str_has_prefix (path, "/responses"))
    return SY_DIALECT_RESPONSES;
  return SY_DIALECT_OPENAI;
}

gboolean
sy_access_control_check_ip (SyGateway         *gateway,
                            SoupServerMessage *msg,
                            const char        *path)
{
  SyAccessControl *self = sy_gateway_get_access (gateway);
  SySettingsRepo *settings = sy_gateway_get_settings (gateway);
  GSocketAddress *remote;
  GInetAddress *address = NULL;
  g_autofree char *shown = NULL;

  g_return_val_if_fail (SY_IS_ACCESS_CONTROL (self), FALSE);

  compile_list (settings, "ipAllowList", &self->allow_from, self->allow);
  compile_list (settings, "ipDenyList", &self->deny_from, self->deny);
  if (self->allow->len == 0 && self->deny->len == 0)
    return TRUE;

  /* The peer of the TCP connection: forwarding headers are the client's word, not proof. */
  remote = soup_server_message_get_remote_address (msg);
  if (remote != NULL && G_IS_INET_SOCKET_ADDRESS (remote))
    address = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote));
  if (address != NULL && !list_contains (self->deny, address) &&
      (self->allow->len == 0 || list_contains (self->allow, address)))
    return TRUE;

  shown = address ? g_inet_address_to_string (address) : g_strdup ("an unknown address");
  sy_http_respond_error (msg, dialect_for_path (path), SOUP_STATUS_FORBIDDEN, "permission_error",
                         "ip_not_allowed", "requests from %s are not allowed here (settings "
                         "ipAllowList and ipDenyList)", shown);
  return FALSE;
}

/* --- scopes -------------------------------------------------------------------------------- */

static gboolean
has_entries (char **strv)
{
  return strv != NULL && strv[0] != NULL;
}

static gboolean
combo_allowed (const SyApiKey *key,
               const char     *combo)
{
  for (guint i = 0; key->allowed_combos != NULL && key->allowed_combos[i] != NULL; i++)
    {
      g_autofree char *a = g_utf8_casefold (key->allowed_combos[i], -1);
      g_autofree char *b = g_utf8_casefold (combo, -1);

      if (g_str_equal (a, b))
        return TRUE;
    }
  return FALSE;
}

/* Glob patterns ('*', '?'), ignoring ASCII case: an allow list, so lenient matching only
 * widens what the user already allowed to other spellings of the same model. */
static gboolean
model_allowed (const SyApiKey *key,
               const char     *model)
{
  g_autofree char *subject = g_ascii_strdown (model, -1);

  for (guint i = 0; key->allowed_models != NULL && key->allowed_models[i] != NULL; i++)
    {
      g_autofree char *pattern = g_ascii_strdown (key->allowed_models[i], -1);

      if (g_pattern_match_simple (pattern, subject))
        return TRUE;
    }
  return FALSE;
}

static gboolean
check_scopes (SyGateway         *gateway,
              SoupServerMessage *msg,
              SyDialect          dialect,
              const SyApiKey    *key,
              const char        *model,
              const char        *forced_provider)
{
  g_autoptr(SyCombo) combo = NULL;
  g_autofree char *qualified = NULL;

  if (!has_entries (key->allowed_models) && !has_entries (key->allowed_combos))
    return TRUE;

  if (forced_provider == NULL &&
      (combo = sy_combo_repo_lookup_by_name (sy_gateway_get_combos (gateway), model)) != NULL)
    {
      if (combo_allowed (key, combo->name))
        return TRUE;
      sy_http_respond_error (msg, dialect, SOUP_STATUS_FORBIDDEN, "permission_error",
                             "combo_not_allowed", "this API key may not use combo \"%s\" "
                             "(its allowedCombos)", combo->name);
      return FALSE;
    }

  /* /v1/providers/openai/chat/completions with "gpt-4o" is "openai/gpt-4o" to a pattern. */
  if (forced_provider != NULL)
    {
      g_autofree char *prefix = g_strconcat (forced_provider, "/", NULL);

      if (!g_str_has_prefix (model, prefix))
        qualified = g_strconcat (prefix, model, NULL);
    }
  if (model_allowed (key, qualified ? qualified : model))
    return TRUE;
  sy_http_respond_error (msg, dialect, SOUP_STATUS_FORBIDDEN, "permission_error",
                         "model_not_allowed", "this API key may not use model \"%s\" (its "
                         "allowedModels%s)", qualified ? qualified : model,
                         has_entries (key->allowed_models) ? "" : " is empty: combos only");
  return FALSE;
}

/* --- request limits ------------------------------------------------------------------------ */

static void
local_day (int    *day,
           gint64 *seconds_left)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) midnight = NULL;
  g_autoptr(GDateTime) next = NULL;
  int y, m, d;

  g_date_time_get_ymd (now, &y, &m, &d);
  *day = y * 10000 + m * 100 + d;
  midnight = g_date_time_new_local (y, m, d, 0, 0, 0);
  next = g_date_time_add_days (midnight, 1);
  *seconds_left = MAX (1, g_date_time_difference (next, now) / G_USEC_PER_SEC);
}

/* The counter of key, its minute ring sized for the key's current limit (a changed limit
 * starts the minute afresh). */
static Counter *
counter_for (SyAccessControl *self,
             const SyApiKey  *key)
{
  Counter *counter = g_hash_table_lookup (self->counters, key->id);
  guint capacity = (guint) MAX (key->max_requests_per_minute, 0);

  if (counter == NULL)
    {
      counter = g_new0 (Counter, 1);
      g_hash_table_insert (self->counters, g_strdup (key->id), counter);
    }
  if (counter->capacity != capacity)
    {
      g_free (counter->stamps);
      counter->stamps = capacity > 0 ? g_new0 (gint64, capacity) : NULL;
      counter->capacity = capacity;
      counter->head = counter->count = 0;
    }
  return counter;
}

static void
refuse_limit (SoupServerMessage *msg,
              SyDialect          dialect,
              int                limit,
              const char        *per,
              const char        *setting,
              gint64             retry_after_s)
{
  g_autofree char *seconds = g_strdup_printf ("%" G_GINT64_FORMAT, retry_after_s);

  sy_http_respond_error (msg, dialect, 429, "rate_limit_error", "key_rate_limited",
                         "this API key allows %d requests per %s (its %s); retry in %"
                         G_GINT64_FORMAT " s", limit, per, setting, retry_after_s);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After",
                                seconds);
}

static gboolean
check_limits (SyAccessControl   *self,
              SoupServerMessage *msg,
              SyDialect          dialect,
              const SyApiKey    *key)
{
  Counter *counter;
  gint64 now = g_get_monotonic_time ();
  gint64 day_left = 0;
  int day = 0;

  if (key->max_requests_per_minute <= 0 && key->max_requests_per_day <= 0)
    {
      g_hash_table_remove (self->counters, key->id);
      return TRUE;
    }
  counter = counter_for (self, key);

  while (counter->count > 0 && counter->stamps[counter->head] <= now - MINUTE_US)
    {
      counter->head = (counter->head + 1) % counter->capacity;
      counter->count--;
    }
  if (counter->capacity > 0 && counter->count >= counter->capacity)
    {
      gint64 wait_us = counter->stamps[counter->head] + MINUTE_US - now;

      refuse_limit (msg, dialect, key->max_requests_per_minute, "minute",
                    "maxRequestsPerMinute", MAX (1, (wait_us + G_USEC_PER_SEC - 1) /
                                                      G_USEC_PER_SEC));
      return FALSE;
    }

  if (key->max_requests_per_day > 0)
    {
      local_day (&day, &day_left);
      if (counter->day != day)
        {
          counter->day = day;
          counter->day_count = 0;
        }
      if (counter->day_count >= (guint) key->max_requests_per_day)
        {
          refuse_limit (msg, dialect, key->max_requests_per_day, "day", "maxRequestsPerDay",
                        day_left);
          return FALSE;
        }
      counter->day_count++;
    }

  /* Admitted: it counts, whatever happens to it upstream. */
  if (counter->capacity > 0)
    {
      counter->stamps[(counter->head + counter->count) % counter->capacity] = now;
      counter->count++;
    }
  return TRUE;
}

gboolean
sy_access_control_admit (SyGateway         *gateway,
                         SoupServerMessage *msg,
                         SyDialect          dialect,
                         const SyApiKey    *api_key,
                         const char        *model,
                         const char        *forced_provider)
{
  SyAccessControl *self = sy_gateway_get_access (gateway);

  g_return_val_if_fail (SY_IS_ACCESS_CONTROL (self), FALSE);
  g_return_val_if_fail (model != NULL, FALSE);

  if (api_key == NULL)
    return TRUE;
  return check_scopes (gateway, msg, dialect, api_key, model, forced_provider) &&
         check_limits (self, msg, dialect, api_key);
}

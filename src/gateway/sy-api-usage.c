/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GET /api/usage: totals, a breakdown (groupBy provider, model, key or day) and a page of raw
 * rows over a time range, with filters. Parameters are checked here (a bad one is a 400 naming
 * it); the query runs in a worker thread on its own connection (SyUsageQuery) and the JSON is
 * built there too, so the main loop never waits on SQLite. /api/usage/budget is not here
 * (sy-api-budget.c).
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/sy-api-fields.h"
#include "gateway/sy-http.h"
#include "providers/sy-provider-catalog.h"
#include "store/sy-usage-query.h"
#include "store/sy-usage-upkeep.h"

#define DEFAULT_DAYS  30
#define DEFAULT_LIMIT 100

/* What the worker needs (plain data only) and the request it answers (main thread only). */
typedef struct
{
  SoupServerMessage *msg;
  gulong             finished_id;
  gulong             disconnected_id;
  gboolean           client_gone;
  char              *db_path;
  SyUsageQuery       query;
  char              *provider;   /* owned copies of the query's strings */
  char              *model;
  char              *key_id;
  const char        *group_name; /* static */
} Job;

static void
job_free (Job *job)
{
  g_assert (job->msg == NULL);
  g_free (job->db_path);
  g_free (job->provider);
  g_free (job->model);
  g_free (job->key_id);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

/* --- parameters -------------------------------------------------------------------------- */

static gboolean
all_digits (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

/* Epoch milliseconds, an ISO 8601 date ("2026-11-01": midnight UTC, and for "to" the end of
 * that day, so a date range includes its last day) or an ISO 8601 date-time ("...T12:00:00Z";
 * no zone means UTC). */
static gboolean
parse_time (const char  *name,
            const char  *value,
            gboolean     end_of_day,
            gint64      *out,
            GError     **error)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) dt = NULL;
  int y, m, d;
  char tail;

  if (all_digits (value) && strlen (value) <= 15)
    {
      *out = g_ascii_strtoll (value, NULL, 10);
      return TRUE;
    }
  if (strlen (value) == 10 && sscanf (value, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 &&
      value[4] == '-' && value[7] == '-' && g_date_valid_dmy (d, m, y))
    {
      dt = g_date_time_new (utc, y, m, d, 0, 0, 0);
      if (dt != NULL && end_of_day)
        {
          GDateTime *next = g_date_time_add_days (dt, 1);

          g_date_time_unref (dt);
          dt = next;
        }
    }
  else
    dt = g_date_time_new_from_iso8601 (value, utc);
  if (dt == NULL || g_date_time_get_year (dt) < 1970)
    return sy_api_invalid (error, "%s: expected epoch milliseconds, a date (2026-11-01) or an "
                           "ISO 8601 time (2026-11-01T12:00:00Z), got \"%s\"", name, value);
  *out = g_date_time_to_unix (dt) * 1000 + g_date_time_get_microsecond (dt) / 1000;
  return TRUE;
}

static gboolean
parse_string (const char  *name,
              const char  *value,
              gsize        max_len,
              char       **out,
              GError     **error)
{
  if (*value == '\0' || strlen (value) > max_len)
    return sy_api_invalid (error, "%s: expected 1 to %" G_GSIZE_FORMAT " characters", name,
                           max_len);
  for (const char *p = value; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return sy_api_invalid (error, "%s: must not contain control characters", name);
  g_free (*out);
  *out = g_strdup (value);
  return TRUE;
}

/* "<timestamp>-<id>", as written in nextCursor. */
static gboolean
parse_cursor (const char    *value,
              SyUsageQuery  *q,
              GError       **error)
{
  const char *dash = strchr (value, '-');
  g_autofree char *ts = dash ? g_strndup (value, dash - value) : NULL;

  if (dash == NULL || !all_digits (ts) || !all_digits (dash + 1) || strlen (ts) > 15 ||
      strlen (dash + 1) > 18)
    return sy_api_invalid (error, "cursor: \"%s\" is not a nextCursor from this API", value);
  q->has_cursor = TRUE;
  q->cursor_ts = g_ascii_strtoll (ts, NULL, 10);
  q->cursor_id = g_ascii_strtoll (dash + 1, NULL, 10);
  return TRUE;
}

static gboolean
parse_params (GHashTable  *params,
              Job         *job,
              GError     **error)
{
  static const char * const known[] = {
    "from", "to", "provider", "model", "keyId", "status", "groupBy", "limit", "cursor", NULL
  };
  SyUsageQuery *q = &job->query;
  const char *v;
  gboolean has_from = FALSE, has_to = FALSE;
  GHashTableIter iter;
  gpointer name;

  q->now_ms = g_get_real_time () / 1000;
  q->limit = DEFAULT_LIMIT;
  job->group_name = NULL;

  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    if (!g_strv_contains (known, name))
      return sy_api_invalid (error, "%s: unknown parameter; known: from, to, provider, model, "
                             "keyId, status, groupBy, limit, cursor", (const char *) name);

  if ((v = g_hash_table_lookup (params, "from")) != NULL)
    {
      if (!parse_time ("from", v, FALSE, &q->from_ms, error))
        return FALSE;
      has_from = TRUE;
    }
  if ((v = g_hash_table_lookup (params, "to")) != NULL)
    {
      if (!parse_time ("to", v, TRUE, &q->to_ms, error))
        return FALSE;
      has_to = TRUE;
    }
  /* Up to now, this millisecond included. */
  if (!has_to)
    q->to_ms = MAX (q->now_ms + 1, has_from ? q->from_ms + 1 : 0);
  /* By default the last 30 UTC days, today included, all read from the aggregates. */
  if (!has_from)
    q->from_ms = (sy_usage_day_of (q->to_ms - 1) - (DEFAULT_DAYS - 1)) * SY_USAGE_DAY_MS;
  if (q->to_ms <= q->from_ms)
    return sy_api_invalid (error, "to: must be after from");

  if ((v = g_hash_table_lookup (params, "provider")) != NULL)
    {
      const SyProviderInfo *info;

      if (!parse_string ("provider", v, 64, &job->provider, error))
        return FALSE;
      if ((info = sy_provider_catalog_lookup (v)) != NULL)
        {
          g_free (job->provider);
          job->provider = g_strdup (info->id);
        }
    }
  if ((v = g_hash_table_lookup (params, "model")) != NULL &&
      !parse_string ("model", v, 256, &job->model, error))
    return FALSE;
  if ((v = g_hash_table_lookup (params, "keyId")) != NULL &&
      !parse_string ("keyId", v, 128, &job->key_id, error))
    return FALSE;
  q->provider = job->provider;
  q->model = job->model;
  q->key_id = job->key_id;

  if ((v = g_hash_table_lookup (params, "status")) != NULL)
    {
      if (g_str_equal (v, "ok"))
        q->status = SY_USAGE_STATUS_OK;
      else if (g_str_equal (v, "error"))
        q->status = SY_USAGE_STATUS_ERROR;
      else
        return sy_api_invalid (error, "status: expected ok or error, got \"%s\"", v);
    }

  if ((v = g_hash_table_lookup (params, "groupBy")) != NULL)
    {
      static const struct { const char *name; SyUsageGroup group; } groups[] = {
        { "provider", SY_USAGE_GROUP_PROVIDER },
        { "model", SY_USAGE_GROUP_MODEL },
        { "key", SY_USAGE_GROUP_KEY },
        { "day", SY_USAGE_GROUP_DAY },
      };

      for (guint i = 0; i < G_N_ELEMENTS (groups) && job->group_name == NULL; i++)
        if (g_str_equal (v, groups[i].name))
          {
            q->group_by = groups[i].group;
            job->group_name = groups[i].name;
          }
      if (job->group_name == NULL)
        return sy_api_invalid (error, "groupBy: expected provider, model, key or day, got \"%s\"",
                               v);
    }

  if ((v = g_hash_table_lookup (params, "limit")) != NULL)
    {
      if (!all_digits (v) || strlen (v) > 4 || atoi (v) > SY_USAGE_QUERY_MAX_ROWS)
        return sy_api_invalid (error, "limit: expected 0 to %d rows, got \"%s\"",
                        SY_USAGE_QUERY_MAX_ROWS, v);
      q->limit = (guint) atoi (v);
    }
  if ((v = g_hash_table_lookup (params, "cursor")) != NULL && !parse_cursor (v, q, error))
    return FALSE;
  return TRUE;
}

/* --- the answer (built in the worker) ----------------------------------------------------- */

static void
add_string_or_null (JsonBuilder *b,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_int (JsonBuilder *b,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

/* A token count: null when the upstream did not report it. */
static void
add_count (JsonBuilder *b,
           const char  *name,
           gint64       value)
{
  json_builder_set_member_name (b, name);
  if (value >= 0)
    json_builder_add_int_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_double (JsonBuilder *b,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, value);
}

static char *
format_day (gint64 day)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (day * 86400);

  return g_date_time_format (dt, "%Y-%m-%d");
}

static void
build_sums (JsonBuilder       *b,
            const SyUsageSums *s,
            SyUsageGroup       group_by)
{
  json_builder_begin_object (b);
  switch (group_by)
    {
    case SY_USAGE_GROUP_MODEL:
      add_string_or_null (b, "provider", s->provider);
      add_string_or_null (b, "model", s->model);
      break;
    case SY_USAGE_GROUP_PROVIDER:
      add_string_or_null (b, "provider", s->provider);
      break;
    case SY_USAGE_GROUP_KEY:
      add_string_or_null (b, "keyId", s->key_id);
      break;
    case SY_USAGE_GROUP_DAY:
      {
        g_autofree char *day = format_day (s->day);

        add_string_or_null (b, "day", day);
      }
      break;
    case SY_USAGE_GROUP_NONE:
    default:
      break;
    }
  add_int (b, "requests", s->requests);
  add_int (b, "errors", s->errors);
  add_int (b, "tokensInput", s->tokens_input);
  add_int (b, "tokensOutput", s->tokens_output);
  add_int (b, "tokensCacheRead", s->tokens_cache_read);
  add_int (b, "tokensCacheCreation", s->tokens_cache_creation);
  add_int (b, "tokensReasoning", s->tokens_reasoning);
  add_double (b, "costUsd", s->cost_usd);
  add_int (b, "unpricedRequests", s->unpriced);
  add_double (b, "avgLatencyMs", s->requests > 0 ? s->latency_ms / s->requests : 0);
  json_builder_end_object (b);
}

static void
build_row (JsonBuilder      *b,
           const SyUsageRow *row)
{
  const SyUsageRecord *r = row->record;

  json_builder_begin_object (b);
  add_int (b, "id", row->id);
  add_int (b, "timestamp", r->timestamp_ms);
  add_string_or_null (b, "requestId", r->request_id);
  add_string_or_null (b, "endpoint", r->endpoint);
  add_string_or_null (b, "keyId", r->api_key_id);
  add_string_or_null (b, "requestedModel", r->requested_model);
  add_string_or_null (b, "provider", r->provider);
  add_string_or_null (b, "connectionId", r->connection_id);
  add_string_or_null (b, "model", r->model);
  add_int (b, "status", r->status);
  json_builder_set_member_name (b, "success");
  json_builder_add_boolean_value (b, row->success);
  json_builder_set_member_name (b, "stream");
  json_builder_add_boolean_value (b, r->stream);
  add_int (b, "attempts", r->attempts);
  add_count (b, "tokensInput", r->tokens_input);
  add_count (b, "tokensOutput", r->tokens_output);
  add_count (b, "tokensCacheRead", r->tokens_cache_read);
  add_count (b, "tokensCacheCreation", r->tokens_cache_creation);
  add_count (b, "tokensReasoning", r->tokens_reasoning);
  add_double (b, "latencyMs", r->latency_ms);
  json_builder_set_member_name (b, "ttfbMs");
  if (r->ttfb_ms >= 0)
    json_builder_add_double_value (b, r->ttfb_ms);
  else
    json_builder_add_null_value (b);
  add_string_or_null (b, "errorCode", r->error_code);
  json_builder_set_member_name (b, "costUsd");
  if (r->cost_usd >= 0)
    json_builder_add_double_value (b, r->cost_usd);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

static JsonNode *
build_answer (const Job           *job,
              const SyUsageResult *result)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const SyUsageQuery *q = &job->query;

  json_builder_begin_object (b);
  add_int (b, "from", q->from_ms);
  add_int (b, "to", q->to_ms);
  json_builder_set_member_name (b, "totals");
  build_sums (b, &result->totals, SY_USAGE_GROUP_NONE);
  if (job->group_name != NULL)
    {
      add_string_or_null (b, "groupBy", job->group_name);
      json_builder_set_member_name (b, "groups");
      json_builder_begin_array (b);
      for (guint i = 0; i < result->groups->len; i++)
        build_sums (b, g_ptr_array_index (result->groups, i), q->group_by);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "groupsTruncated");
      json_builder_add_boolean_value (b, result->groups_truncated);
    }
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  for (guint i = 0; i < result->rows->len; i++)
    build_row (b, g_ptr_array_index (result->rows, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "nextCursor");
  if (result->more_rows && result->rows->len > 0)
    {
      const SyUsageRow *last = g_ptr_array_index (result->rows, result->rows->len - 1);
      g_autofree char *cursor = g_strdup_printf ("%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT,
                                                 last->record->timestamp_ms, last->id);

      json_builder_add_string_value (b, cursor);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* --- running it ---------------------------------------------------------------------------- */

static void
query_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SyDatabase) db = sy_database_open (job->db_path, &error);
  g_autoptr(SyUsageResult) result = NULL;

  if (db == NULL || (result = sy_usage_query_run (db, &job->query, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, build_answer (job, result), (GDestroyNotify) json_node_unref);
}

static void
client_gone_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  Job *job = user_data;

  job->client_gone = TRUE;
}

static void
query_done_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  Job *job = g_task_get_task_data (G_TASK (res));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = g_task_propagate_pointer (G_TASK (res), &error);

  g_clear_signal_handler (&job->finished_id, job->msg);
  g_clear_signal_handler (&job->disconnected_id, job->msg);
  if (!job->client_gone)
    {
      if (answer != NULL)
        sy_api_reply (job->msg, SOUP_STATUS_OK, answer);
      else
        sy_api_reply_gerror (job->msg, error);
      soup_server_message_unpause (job->msg);
    }
  g_clear_object (&job->msg);
}

void
sy_api_usage_handle (SyApiCall *call)
{
  const char *raw = g_uri_get_query (soup_server_message_get_uri (call->msg));
  g_autoptr(GHashTable) params = raw ? soup_form_decode (raw)
                                     : g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autoptr(Job) job = g_new0 (Job, 1);
  g_autoptr(GTask) task = NULL;

  if (call->id != NULL)
    {
      sy_http_respond_error (call->msg, SY_DIALECT_OPENAI, SOUP_STATUS_NOT_FOUND,
                             "invalid_request_error", "not_found",
                             "no management route for %s /api/usage/%s", call->method, call->id);
      return;
    }
  if (call->method != SOUP_METHOD_GET)
    {
      sy_api_reply_bad_method (call, "GET");
      return;
    }
  if (!parse_params (params, job, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }

  job->db_path = g_build_filename (sy_gateway_get_data_dir (call->gateway), "switchyard.db",
                                   NULL);
  job->msg = g_object_ref (call->msg);
  /* A paused message can go away under us (client gone, server stopped): never answer it
   * then. */
  job->finished_id = g_signal_connect (job->msg, "finished", G_CALLBACK (client_gone_cb), job);
  job->disconnected_id = g_signal_connect (job->msg, "disconnected",
                                           G_CALLBACK (client_gone_cb), job);
  soup_server_message_pause (job->msg);

  task = g_task_new (NULL, NULL, query_done_cb, NULL);
  g_task_set_source_tag (task, sy_api_usage_handle);
  g_task_set_task_data (task, g_steal_pointer (&job), (GDestroyNotify) job_free);
  g_task_run_in_thread (task, query_thread);
}

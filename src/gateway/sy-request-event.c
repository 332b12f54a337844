/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The live monitor's record of a request: built from the usage row at the end, or from the
 * request's first facts when it starts; copied, freed and written as JSON. No I/O.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-request-event.h"

G_DEFINE_BOXED_TYPE (SyRequestEvent, sy_request_event, sy_request_event_copy,
                     sy_request_event_free)

static SyRequestEvent *
event_new (void)
{
  SyRequestEvent *event = g_new0 (SyRequestEvent, 1);

  event->timestamp_ms = g_get_real_time () / 1000;
  event->ttfb_ms = -1;
  event->tokens_input = -1;
  event->tokens_output = -1;
  event->cost_usd = -1;
  return event;
}

SyRequestEvent *
sy_request_event_new_started (const char *request_id,
                              const char *endpoint,
                              const char *requested_model)
{
  SyRequestEvent *event = event_new ();

  g_return_val_if_fail (request_id != NULL, NULL);

  event->request_id = g_strdup (request_id);
  event->endpoint = g_strdup (endpoint);
  event->requested_model = g_strdup (requested_model);
  return event;
}

SyRequestEvent *
sy_request_event_new_finished (const SyUsageRecord *record,
                               gboolean             cache_hit)
{
  SyRequestEvent *event;

  g_return_val_if_fail (record != NULL, NULL);

  event = event_new ();
  event->request_id = g_strdup (record->request_id);
  event->endpoint = g_strdup (record->endpoint);
  event->requested_model = g_strdup (record->requested_model);
  event->provider = g_strdup (record->provider);
  event->model = g_strdup (record->model);
  event->connection_id = g_strdup (record->connection_id);
  event->status = record->status;
  event->attempts = record->attempts;
  event->latency_ms = record->latency_ms;
  event->ttfb_ms = record->ttfb_ms;
  event->tokens_input = record->tokens_input;
  event->tokens_output = record->tokens_output;
  event->cost_usd = record->cost_usd;
  event->error_code = g_strdup (record->error_code);
  event->stream = record->stream;
  event->cache_hit = cache_hit;
  event->finished = TRUE;
  return event;
}

SyRequestEvent *
sy_request_event_copy (const SyRequestEvent *event)
{
  SyRequestEvent *copy;

  g_return_val_if_fail (event != NULL, NULL);

  copy = g_memdup2 (event, sizeof *event);
  copy->request_id = g_strdup (event->request_id);
  copy->endpoint = g_strdup (event->endpoint);
  copy->requested_model = g_strdup (event->requested_model);
  copy->provider = g_strdup (event->provider);
  copy->model = g_strdup (event->model);
  copy->connection_id = g_strdup (event->connection_id);
  copy->error_code = g_strdup (event->error_code);
  return copy;
}

void
sy_request_event_free (SyRequestEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->request_id);
  g_free (event->endpoint);
  g_free (event->requested_model);
  g_free (event->provider);
  g_free (event->model);
  g_free (event->connection_id);
  g_free (event->error_code);
  g_free (event);
}

static void
set_string_or_null (JsonBuilder *builder,
                    const char  *member,
                    const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

JsonNode *
sy_request_event_to_json (const SyRequestEvent *event)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (event != NULL, NULL);

  json_builder_begin_object (builder);
  set_string_or_null (builder, "requestId", event->request_id);
  json_builder_set_member_name (builder, "timestamp");
  json_builder_add_int_value (builder, event->timestamp_ms);
  set_string_or_null (builder, "endpoint", event->endpoint);
  set_string_or_null (builder, "requestedModel", event->requested_model);
  set_string_or_null (builder, "provider", event->provider);
  set_string_or_null (builder, "model", event->model);
  set_string_or_null (builder, "connectionId", event->connection_id);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, event->status);
  json_builder_set_member_name (builder, "attempts");
  json_builder_add_int_value (builder, event->attempts);
  json_builder_set_member_name (builder, "latencyMs");
  json_builder_add_double_value (builder, event->latency_ms);
  json_builder_set_member_name (builder, "ttfbMs");
  if (event->ttfb_ms >= 0)
    json_builder_add_double_value (builder, event->ttfb_ms);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "tokensIn");
  if (event->tokens_input >= 0)
    json_builder_add_int_value (builder, event->tokens_input);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "tokensOut");
  if (event->tokens_output >= 0)
    json_builder_add_int_value (builder, event->tokens_output);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "costUsd");
  if (event->cost_usd >= 0)
    json_builder_add_double_value (builder, event->cost_usd);
  else
    json_builder_add_null_value (builder);
  set_string_or_null (builder, "errorCode", event->error_code);
  json_builder_set_member_name (builder, "stream");
  json_builder_add_boolean_value (builder, event->stream);
  json_builder_set_member_name (builder, "cacheHit");
  json_builder_add_boolean_value (builder, event->cache_hit);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

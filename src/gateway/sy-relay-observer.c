/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage extraction on the relay path. Cheap by construction: an SSE event is only parsed when
 * its data mentions "usage" (OpenAI, Anthropic) or "usageMetadata" (Gemini), and then only the
 * usage object is parsed. Later events overwrite earlier counts (streams report cumulative
 * totals). Must not alter or hold back a single byte of the relayed data.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-relay-observer.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "core/sy-json-scan.h"
#include "translate/sy-sse-parser.h"

#define MAX_USAGE_EVENT (4 * 1024 * 1024)

struct _SyRelayObserver
{
  GObject      parent_instance;
  SySseParser *parser;
  gboolean     parser_failed;
  gboolean     saw_end;
  gint64       input;
  gint64       output;
  gint64       cache_read;
  gint64       cache_creation;
  gint64       reasoning;
};

G_DEFINE_FINAL_TYPE (SyRelayObserver, sy_relay_observer, G_TYPE_OBJECT)

static void
sy_relay_observer_dispose (GObject *object)
{
  SyRelayObserver *self = SY_RELAY_OBSERVER (object);

  g_clear_object (&self->parser);
  G_OBJECT_CLASS (sy_relay_observer_parent_class)->dispose (object);
}

static void
sy_relay_observer_class_init (SyRelayObserverClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sy_relay_observer_dispose;
}

static void
sy_relay_observer_init (SyRelayObserver *self)
{
  self->input = self->output = self->cache_read = self->cache_creation = self->reasoning = -1;
}

SyRelayObserver *
sy_relay_observer_new (void)
{
  return g_object_new (SY_TYPE_RELAY_OBSERVER, NULL);
}

static void
read_count (JsonObject *obj,
            const char *member,
            gint64     *out)
{
  JsonNode *node;

  if (obj == NULL || (node = json_object_get_member (obj, member)) == NULL ||
      !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return;
  *out = json_node_get_int (node);
}

static JsonObject *
child_object (JsonObject *obj,
              const char *member)
{
  JsonNode *node = obj ? json_object_get_member (obj, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static void
apply_usage (SyRelayObserver *self,
             JsonObject     *usage)
{
  /* OpenAI Chat Completions */
  read_count (usage, "prompt_tokens", &self->input);
  read_count (usage, "completion_tokens", &self->output);
  read_count (child_object (usage, "prompt_tokens_details"), "cached_tokens", &self->cache_read);
  read_count (child_object (usage, "completion_tokens_details"), "reasoning_tokens",
              &self->reasoning);
  /* Anthropic Messages and OpenAI Responses */
  read_count (usage, "input_tokens", &self->input);
  read_count (usage, "output_tokens", &self->output);
  read_count (usage, "cache_read_input_tokens", &self->cache_read);
  read_count (usage, "cache_creation_input_tokens", &self->cache_creation);
  read_count (child_object (usage, "input_tokens_details"), "cached_tokens", &self->cache_read);
  read_count (child_object (usage, "output_tokens_details"), "reasoning_tokens", &self->reasoning);
  /* Gemini usageMetadata */
  read_count (usage, "promptTokenCount", &self->input);
  read_count (usage, "candidatesTokenCount", &self->output);
  read_count (usage, "cachedContentTokenCount", &self->cache_read);
  read_count (usage, "thoughtsTokenCount", &self->reasoning);
}

static void
scan_member (SyRelayObserver *self,
             const char     *data,
             gsize           len,
             const char     *member)
{
  SyJsonSpan span;
  g_autoptr(JsonParser) parser = NULL;

  if (!sy_json_object_lookup (data, len, member, &span) || span.kind != SY_JSON_KIND_OBJECT)
    return;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data + span.start, span.end - span.start, NULL))
    return;
  apply_usage (self, json_node_get_object (json_parser_get_root (parser)));
}

static void
scan_object (SyRelayObserver *self,
             const char     *data,
             gsize           len)
{
  SyJsonSpan span;

  if (!sy_json_check_object (data, len, 64, NULL))
    return;
  scan_member (self, data, len, "usage");
  scan_member (self, data, len, "usageMetadata");
  /* Anthropic's message_start nests usage inside "message"; Responses inside "response". */
  if (sy_json_object_lookup (data, len, "message", &span) && span.kind == SY_JSON_KIND_OBJECT)
    scan_member (self, data + span.start, span.end - span.start, "usage");
  if (sy_json_object_lookup (data, len, "response", &span) && span.kind == SY_JSON_KIND_OBJECT)
    scan_member (self, data + span.start, span.end - span.start, "usage");
}

void
sy_relay_observer_take_json (SyRelayObserver *self,
                            const char     *data,
                            gsize           len)
{
  g_return_if_fail (SY_IS_RELAY_OBSERVER (self));
  scan_object (self, data, len);
}

static void
event_cb (const SySseEvent *event,
          gpointer          user_data)
{
  SyRelayObserver *self = user_data;

  if ((event->data_len == 6 && memcmp (event->data, "[DONE]", 6) == 0) ||
      g_strstr_len (event->data, event->data_len, "\"finish_reason\":\"") != NULL)
    self->saw_end = TRUE;
  if (event->data_len < 8 || event->data[0] != '{' ||
      g_strstr_len (event->data, event->data_len, "sage") == NULL)
    return;
  scan_object (self, event->data, event->data_len);
}

void
sy_relay_observer_push_sse (SyRelayObserver *self,
                           const char     *data,
                           gsize           len)
{
  g_return_if_fail (SY_IS_RELAY_OBSERVER (self));

  if (self->parser_failed)
    return;
  if (self->parser == NULL)
    self->parser = sy_sse_parser_new (MAX_USAGE_EVENT, event_cb, self);
  if (!sy_sse_parser_push (self->parser, data, len, NULL))
    self->parser_failed = TRUE;  /* an absurd event: stop looking, keep relaying */
}

void
sy_relay_observer_finish (SyRelayObserver *self)
{
  g_return_if_fail (SY_IS_RELAY_OBSERVER (self));
  if (self->parser != NULL && !self->parser_failed)
    sy_sse_parser_finish (self->parser);
}

void
sy_relay_observer_fill_record (SyRelayObserver *self,
                              SyUsageRecord  *record)
{
  record->tokens_input = self->input;
  record->tokens_output = self->output;
  record->tokens_cache_read = self->cache_read;
  record->tokens_cache_creation = self->cache_creation;
  record->tokens_reasoning = self->reasoning;
}

gboolean
sy_relay_observer_saw_end (SyRelayObserver *self)
{
  g_return_val_if_fail (SY_IS_RELAY_OBSERVER (self), FALSE);
  return self->saw_end || self->parser_failed;
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A passthrough stream's watcher: SySseParser plus substring tests per event; usage is read
 * with sy_usage_scan_json only from events that mention it. Must not alter or hold back a
 * byte of the relayed data (it never sees the output at all).
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-stream-watcher.h"

#include <string.h>

#include "core/sy-json-scan.h"
#include "sy-sse-parser.h"
#include "sy-usage-scan.h"

#define MAX_WATCHED_EVENT (4 * 1024 * 1024)

struct _SyStreamWatcher
{
  GObject      parent_instance;
  SyDialect    dialect;
  SySseParser *parser;
  gboolean     unjudgeable;
  gboolean     saw_end;
  SyUsage      usage;
};

G_DEFINE_FINAL_TYPE (SyStreamWatcher, sy_stream_watcher, G_TYPE_OBJECT)

static void
sy_stream_watcher_dispose (GObject *object)
{
  SyStreamWatcher *self = SY_STREAM_WATCHER (object);

  g_clear_object (&self->parser);
  G_OBJECT_CLASS (sy_stream_watcher_parent_class)->dispose (object);
}

static void
sy_stream_watcher_class_init (SyStreamWatcherClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sy_stream_watcher_dispose;
}

static void
sy_stream_watcher_init (SyStreamWatcher *self)
{
  sy_usage_init (&self->usage);
}

static gboolean
mentions (const SySseEvent *event,
          const char       *needle)
{
  return g_strstr_len (event->data, event->data_len, needle) != NULL;
}

static gboolean
is_end (SyDialect         dialect,
        const SySseEvent *event)
{
  switch (dialect)
    {
    case SY_DIALECT_OPENAI:
      return (event->data_len == 6 && memcmp (event->data, "[DONE]", 6) == 0) ||
             mentions (event, "\"finish_reason\":\"");
    case SY_DIALECT_ANTHROPIC:
      return g_strcmp0 (event->event, "message_stop") == 0 ||
             mentions (event, "\"type\":\"message_stop\"");
    case SY_DIALECT_RESPONSES:
      return mentions (event, "\"type\":\"response.completed\"") ||
             mentions (event, "\"type\":\"response.incomplete\"") ||
             mentions (event, "\"type\":\"response.failed\"");
    case SY_DIALECT_GEMINI:
      return mentions (event, "\"finishReason\"");
    default:
      return TRUE;
    }
}

static void
event_cb (const SySseEvent *event,
          gpointer          user_data)
{
  SyStreamWatcher *self = user_data;

  if (is_end (self->dialect, event))
    self->saw_end = TRUE;
  if (event->data_len > 8 && event->data[0] == '{' &&
      (mentions (event, "sage\"") || mentions (event, "usageMetadata")) &&
      sy_json_check_object (event->data, event->data_len, 64, NULL))
    sy_usage_scan_json (self->dialect, event->data, event->data_len, &self->usage);
}

SyStreamWatcher *
sy_stream_watcher_new (SyDialect dialect)
{
  SyStreamWatcher *self = g_object_new (SY_TYPE_STREAM_WATCHER, NULL);

  self->dialect = dialect;
  self->parser = sy_sse_parser_new (MAX_WATCHED_EVENT, event_cb, self);
  return self;
}

void
sy_stream_watcher_push (SyStreamWatcher *self,
                        const char      *data,
                        gsize            len)
{
  g_return_if_fail (SY_IS_STREAM_WATCHER (self));

  if (!self->unjudgeable && !sy_sse_parser_push (self->parser, data, len, NULL))
    self->unjudgeable = TRUE;
}

void
sy_stream_watcher_finish (SyStreamWatcher *self)
{
  g_return_if_fail (SY_IS_STREAM_WATCHER (self));

  if (!self->unjudgeable)
    sy_sse_parser_finish (self->parser);
}

gboolean
sy_stream_watcher_saw_end (SyStreamWatcher *self)
{
  g_return_val_if_fail (SY_IS_STREAM_WATCHER (self), TRUE);
  return self->saw_end || self->unjudgeable;
}

const SyUsage *
sy_stream_watcher_get_usage (SyStreamWatcher *self)
{
  return &self->usage;
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyStreamWatcher: watches a stream the gateway relays unchanged (same dialect on both sides):
 * the usage it reports and whether it reached its dialect's proper end. Cheap by design: no
 * event is decoded unless it mentions usage. Pure; bytes may arrive split anywhere.
 */
#pragma once

#include "sy-chat.h"
#include "sy-dialect.h"

G_BEGIN_DECLS

#define SY_TYPE_STREAM_WATCHER (sy_stream_watcher_get_type ())
G_DECLARE_FINAL_TYPE (SyStreamWatcher, sy_stream_watcher, SY, STREAM_WATCHER, GObject)

SyStreamWatcher *sy_stream_watcher_new          (SyDialect        dialect);
void             sy_stream_watcher_push         (SyStreamWatcher *self,
                                                 const char      *data,
                                                 gsize            len);
void             sy_stream_watcher_finish       (SyStreamWatcher *self);
/* TRUE once the dialect's end was seen: OpenAI "[DONE]" or a finish_reason, Anthropic
 * message_stop, Responses response.completed/incomplete/failed, Gemini a finishReason; and
 * TRUE when the stream could not be judged (an oversized event), so nothing false is said. */
gboolean         sy_stream_watcher_saw_end      (SyStreamWatcher *self);
const SyUsage   *sy_stream_watcher_get_usage    (SyStreamWatcher *self);

G_END_DECLS

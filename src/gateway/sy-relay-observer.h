/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyRelayObserver: watches what an upstream sends (a JSON body or an SSE stream) as it is relayed,
 * without changing it: the token usage it reports, and whether a stream reached its proper end.
 * Reports only what the upstream said: a count it did not send stays unknown, never guessed.
 */
#pragma once

#include <glib-object.h>

#include "store/sy-usage-writer.h"

G_BEGIN_DECLS

#define SY_TYPE_RELAY_OBSERVER (sy_relay_observer_get_type ())
G_DECLARE_FINAL_TYPE (SyRelayObserver, sy_relay_observer, SY, RELAY_OBSERVER, GObject)

SyRelayObserver *sy_relay_observer_new         (void);
/* A complete JSON response body (OpenAI, Anthropic or Gemini usage shapes). */
void            sy_relay_observer_take_json   (SyRelayObserver *self,
                                              const char     *data,
                                              gsize           len);
/* Raw SSE bytes as they pass through, split anywhere. */
void            sy_relay_observer_push_sse    (SyRelayObserver *self,
                                              const char     *data,
                                              gsize           len);
void            sy_relay_observer_finish      (SyRelayObserver *self);
/* TRUE once an OpenAI stream has ended properly ("data: [DONE]" or a finish_reason). A
 * transport EOF without it means the upstream was cut off. */
gboolean        sy_relay_observer_saw_end     (SyRelayObserver *self);
/* Copies what is known into the record's token fields. */
void            sy_relay_observer_fill_record (SyRelayObserver *self,
                                              SyUsageRecord  *record);

G_END_DECLS

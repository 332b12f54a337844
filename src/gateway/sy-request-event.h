/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyRequestEvent: what a watcher learns about one proxied request when it starts and when it
 * ends (the live monitor). A small boxed copy of the usage row's facts: ids, models, provider,
 * status, timings, tokens, cost. Never a secret, a header or any prompt or answer text.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "store/sy-usage-writer.h"

G_BEGIN_DECLS

typedef struct
{
  char    *request_id;
  gint64   timestamp_ms;    /* wall clock, when it started (started) or ended (finished) */
  char    *endpoint;        /* the client's dialect: "chat/completions", "messages", ... */
  char    *requested_model;
  /* Finished only; NULL, 0 or -1 in a started event. */
  char    *provider;
  char    *model;           /* the upstream model */
  char    *connection_id;
  int      status;          /* 0 while running; 499 when the client left */
  int      attempts;
  double   latency_ms;
  double   ttfb_ms;         /* < 0: no first byte */
  gint64   tokens_input;    /* -1: not reported */
  gint64   tokens_output;
  double   cost_usd;        /* < 0: unknown */
  char    *error_code;
  gboolean stream;
  gboolean cache_hit;
  gboolean finished;
} SyRequestEvent;

#define SY_TYPE_REQUEST_EVENT (sy_request_event_get_type ())

GType           sy_request_event_get_type    (void) G_GNUC_CONST;
SyRequestEvent *sy_request_event_new_started (const char          *request_id,
                                              const char          *endpoint,
                                              const char          *requested_model);
/* Copies the facts of a finished request's usage row; cache_hit: a stored answer was replayed. */
SyRequestEvent *sy_request_event_new_finished (const SyUsageRecord *record,
                                              gboolean             cache_hit);
SyRequestEvent *sy_request_event_copy        (const SyRequestEvent *event);
void            sy_request_event_free        (SyRequestEvent      *event);
/* camelCase members, as the management API writes them. */
JsonNode       *sy_request_event_to_json     (const SyRequestEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyRequestEvent, sy_request_event_free)

G_END_DECLS

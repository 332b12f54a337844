/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyProbe: the mechanics shared by the management API's connection tests (the outbound proxy
 * test, the account test): send one message with a time limit, time it, keep what came back,
 * and build the {"ok", "status", "latencyMs", "error"} answer. It says nothing about what a
 * status means: each test words its own problems.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct
{
  guint     status;      /* the answer's HTTP status; 0: no answer */
  gint64    latency_ms;  /* from sending to the answer (or the failure) */
  GBytes   *body;        /* the answer's body when asked for and it came, else NULL */
  gboolean  timed_out;   /* no answer within the time limit */
  GError   *error;       /* why there was no answer (a cancelled error after a timeout) */
} SyProbeResult;

/* Sends msg through session, cancelled after timeout_ms or with cancellable. read_body: read
 * the whole answer (model lists); else only its status and headers. Never fails: the result
 * says what happened. */
void           sy_probe_send_async   (SoupSession         *session,
                                      SoupMessage         *msg,
                                      guint                timeout_ms,
                                      gboolean             read_body,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
SyProbeResult *sy_probe_send_finish  (GAsyncResult        *result);
void           sy_probe_result_free  (SyProbeResult       *result);

/* {"ok": problem == NULL, "status": status or null (0), "latencyMs", "error": problem or null}:
 * an object the caller may add members to. */
JsonNode      *sy_probe_reply_new    (guint                status,
                                      gint64               latency_ms,
                                      const char          *problem);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyProbeResult, sy_probe_result_free)

G_END_DECLS

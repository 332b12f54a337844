/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Progress events: what a streaming client that sent X-Switchyard-Progress: true (or
 * X-OmniRoute-Progress: true) is told while it waits for the upstream's first byte. This file
 * says whether they were asked for and writes them, in a form the client's dialect ignores
 * safely; the proxy relay decides when they go out. Holds no state: it reads request headers
 * and, for OpenAI's "created", the clock.
 */
#pragma once

#include <libsoup/soup.h>

#include "translate/sy-dialect.h"

G_BEGIN_DECLS

typedef enum {
  SY_PROGRESS_ROUTING,     /* the model is resolved; candidates are about to be tried */
  SY_PROGRESS_ATTEMPT,     /* an account is about to be asked */
  SY_PROGRESS_WAITING,     /* that account is at its rate limit: queued for a slot */
  SY_PROGRESS_FIRST_BYTE,  /* the upstream answered; its content follows */
} SyProgressPhase;

typedef struct
{
  SyProgressPhase  phase;
  const char      *request_id;
  const char      *model;       /* ROUTING: as requested; otherwise the upstream model */
  const char      *provider;    /* not for ROUTING */
  guint            attempt;     /* not for ROUTING */
  guint            candidates;  /* ROUTING: targets in the plan */
  gint64           elapsed_ms;  /* since the request arrived */
} SyProgress;

/* TRUE when the request asked for progress events. */
gboolean    sy_progress_requested  (SoupServerMessage *msg);
/* "routing", "attempt", "waiting", "first_byte". */
const char *sy_progress_phase_name (SyProgressPhase    phase);
/* Appends one "event: progress" SSE event for a client of dialect. */
void        sy_progress_append     (SyDialect          dialect,
                                    const SyProgress  *progress,
                                    GString           *out);

G_END_DECLS

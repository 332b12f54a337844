/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the user asked Switchyard to add to every request, applied to the client's body in the
 * client's own dialect before anything else reads it: a global system prompt (placed before
 * the request's own system instructions) and a thinking budget (when the request sets none, or
 * always). Everything else in the body is kept, unknown fields and cache markers included.
 * Pure: no I/O, no settings of its own (the gateway passes them in).
 */
#pragma once

#include "sy-dialect.h"

G_BEGIN_DECLS

typedef enum {
  SY_THINKING_PASSTHROUGH,  /* the request's own choice, untouched (the default) */
  SY_THINKING_DEFAULT,      /* the budget when the request sets no reasoning of its own */
  SY_THINKING_OVERRIDE,     /* the budget always */
} SyThinkingPolicy;

typedef struct
{
  const char       *system_prompt;    /* NULL or "": none */
  SyThinkingPolicy  thinking;
  gint64            thinking_tokens;  /* >= 1024 */
} SyRequestInjection;

/* TRUE when injection would change anything at all. */
gboolean sy_request_injection_is_active (const SyRequestInjection *injection);
/* The body with the injection applied (re-serialised), or NULL with error when the body is not
 * a JSON object. A body that needs no change is returned as a new reference. */
GBytes  *sy_request_inject              (SyDialect                 dialect,
                                         GBytes                   *body,
                                         const SyRequestInjection *injection,
                                         GError                  **error);

G_END_DECLS

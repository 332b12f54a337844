/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What an upstream failure means for routing: whether the request moves on to the next
 * candidate or is returned to the client, whether the account cools down (and for how long the
 * provider says), whether the model is locked on that account, and whether the provider's
 * circuit breaker counts it. The table lives in sy-failure-policy.c and in docs/routing.md.
 * Pure: no I/O, no clock of its own.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef enum {
  SY_FAILURE_RATE_LIMITED,      /* 429 or rate-limit wording: the account cools down */
  SY_FAILURE_QUOTA_EXHAUSTED,   /* a daily/weekly/subscription quota or credits: long cooldown */
  SY_FAILURE_AUTH,              /* 401, 403: credential expired, revoked or not allowed */
  SY_FAILURE_MODEL_UNAVAILABLE, /* 404 or "model not found/not supported": model locked on
                                 * that account */
  SY_FAILURE_SERVER,            /* 408, 500, 502, 503, 504, 529 and any other 5xx: provider
                                 * trouble; also an answer outside 4xx/5xx */
  SY_FAILURE_NETWORK,           /* connect error, connect or first-byte timeout */
  SY_FAILURE_CONTEXT_OVERFLOW,  /* the prompt is too long for this model: another may fit */
  SY_FAILURE_REQUEST_INVALID,   /* any other 4xx: the request itself; returned as is */
} SyFailureKind;

typedef enum {
  SY_COOLDOWN_NONE,
  SY_COOLDOWN_ACCOUNT,          /* the connection is skipped until the cooldown ends */
  SY_COOLDOWN_MODEL,            /* the (connection, model) pair is locked out */
} SyCooldownScope;

typedef struct
{
  SyFailureKind   kind;
  gboolean        move_on;        /* try the next candidate (before the first byte only) */
  gboolean        counts_for_breaker; /* a provider-level failure */
  SyCooldownScope cooldown;
  gint64          retry_after_ms; /* announced by the provider, -1 when it said nothing */
} SyFailure;

/* Classifies an upstream answer with a non-2xx status. headers may be NULL; body is the start
 * of the error body (any bytes, not necessarily JSON; only the first 64 KiB are read), len may
 * be 0 and body NULL then. */
void        sy_failure_classify_response (guint               status,
                                          SoupMessageHeaders *headers,
                                          const char         *body,
                                          gsize               len,
                                          gint64              now_ms,
                                          SyFailure          *out);
/* A failure with no HTTP answer: connect error, DNS, TLS, connect or first-byte timeout. */
void        sy_failure_classify_network  (SyFailure          *out);
const char *sy_failure_kind_to_string    (SyFailureKind       kind);

G_END_DECLS

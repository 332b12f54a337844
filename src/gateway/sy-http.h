/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * HTTP helpers shared by the gateway's handlers: JSON replies, errors written in the client's
 * own dialect, the one table mapping internal errors to HTTP status, hop-by-hop headers, the
 * upstream credential header.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "providers/sy-provider-catalog.h"
#include "translate/sy-dialect.h"

G_BEGIN_DECLS

void      sy_http_respond_json      (SoupServerMessage *msg,
                                     guint              status,
                                     JsonNode          *node);
/* Writes {"error": {...}} (OpenAI shape, also used by /api), Anthropic's
 * {"type":"error","error":{...}} or Gemini's {"error":{"code","message","status"}}. */
void      sy_http_respond_error     (SoupServerMessage *msg,
                                     SyDialect          dialect,
                                     guint              status,
                                     const char        *type,
                                     const char        *code,
                                     const char        *format,
                                     ...) G_GNUC_PRINTF (6, 7);
/* The error body alone, for stream error events. */
char     *sy_http_format_error      (SyDialect          dialect,
                                     guint              status,
                                     const char        *type,
                                     const char        *code,
                                     const char        *message);
/* Maps a GError from any layer to a status, an error type and a code; the one place. */
guint     sy_http_status_for_error  (const GError      *error,
                                     const char       **type,
                                     const char       **code);
void      sy_http_respond_gerror    (SoupServerMessage *msg,
                                     SyDialect          dialect,
                                     const GError      *error);
/* How much of a chunked request body arrived, set up before the body is read. */
#define SY_BODY_BUDGET_KEY "sy-body-budget"
typedef struct
{
  goffset  limit;
  goffset  received;
  gboolean exceeded;
} SyBodyBudget;

/* TRUE when the request body passed limit bytes (announced or counted while it arrived). */
gboolean  sy_http_body_exceeded     (SoupServerMessage *msg,
                                     goffset            limit);

/* TRUE for headers that must not cross a proxy (RFC 9110 7.6.1), including any named in
 * the message's own Connection header. */
gboolean  sy_http_is_hop_by_hop     (const char        *name,
                                     SoupMessageHeaders *headers);

/* The provider's credential in the header its catalog entry names. */
void      sy_http_set_auth_header   (SoupMessageHeaders *headers,
                                     SyAuthHeader        kind,
                                     const char         *secret);

G_END_DECLS

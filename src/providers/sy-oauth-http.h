/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * HTTP for the OAuth code: requests to token, device and account endpoints (every URL through
 * the origin map), sent async with a per-request deadline, answers read as JSON objects and
 * classified into SY_OAUTH_ERROR codes in one place. Never logs a request or answer body.
 */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "providers/sy-oauth-provider.h"
#include "providers/sy-origin-map.h"

G_BEGIN_DECLS

/* Seconds one OAuth request may take. */
#define SY_OAUTH_HTTP_TIMEOUT 30

typedef struct
{
  guint       status;
  JsonObject *json;     /* the body when it is a JSON object, else NULL */
} SyOAuthReply;

/* POST with a form body of name/value pairs (NULL values are left out), NULL-terminated. */
SoupMessage  *sy_oauth_http_form        (SyOriginMap   *map,
                                         const char    *url,
                                         const char    *first_name,
                                         ...) G_GNUC_NULL_TERMINATED;
/* POST with a JSON body (body is taken). */
SoupMessage  *sy_oauth_http_json        (SyOriginMap   *map,
                                         const char    *url,
                                         JsonNode      *body);
SoupMessage  *sy_oauth_http_get         (SyOriginMap   *map,
                                         const char    *url);
/* Authorization: "<scheme> <credential>". */
void          sy_oauth_http_authorize   (SoupMessage   *msg,
                                         const char    *scheme,
                                         const char    *credential);

void          sy_oauth_http_send_async  (SoupSession         *session,
                                         SoupMessage         *msg,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* Fails only when nothing came back: G_IO_ERROR_CANCELLED, or SY_OAUTH_ERROR_TRANSIENT. */
SyOAuthReply *sy_oauth_http_send_finish (GAsyncResult        *result,
                                         GError             **error);

/* Send, then sy_oauth_reply_check(): the 2xx JSON object, or the classified error. */
void          sy_oauth_http_fetch_async (SoupSession         *session,
                                         SoupMessage         *msg,
                                         const char          *what,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
JsonObject   *sy_oauth_http_fetch_finish (GAsyncResult       *result,
                                          GError            **error);

void          sy_oauth_reply_free       (SyOAuthReply  *reply);
/* The OAuth error code of an answer ("error": "x" or "error": {"code": "x"}), or NULL. */
const char   *sy_oauth_reply_get_error  (SyOAuthReply  *reply);
/* TRUE for a 2xx JSON object; otherwise the answer classified, the message starting with
 * what ("token exchange: invalid_grant ..."). */
gboolean      sy_oauth_reply_check      (SyOAuthReply  *reply,
                                         const char    *what,
                                         GError       **error);
/* A string member or NULL. */
const char   *sy_oauth_json_string      (JsonObject    *obj,
                                         const char    *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyOAuthReply, sy_oauth_reply_free)

G_END_DECLS

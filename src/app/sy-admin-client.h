/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyAdminClient: the desktop app's way to change data through the in-process gateway's own
 * management API (/api over loopback HTTP with the admin token), so the windows and curl obey
 * one set of validation rules and secrets take the one path to the keyring. Async only: a sync
 * call to a server in the same thread would deadlock.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "sy-gateway-host.h"

G_BEGIN_DECLS

#define SY_ADMIN_CLIENT_ERROR (sy_admin_client_error_quark ())

typedef enum {
  SY_ADMIN_CLIENT_ERROR_NOT_SERVING,  /* paused or not started: nothing to talk to */
  SY_ADMIN_CLIENT_ERROR_UNREACHABLE,  /* the request did not get an answer */
  SY_ADMIN_CLIENT_ERROR_REFUSED,      /* a 4xx: the message says what was wrong */
  SY_ADMIN_CLIENT_ERROR_FAILED,       /* a 5xx */
} SyAdminClientError;

#define SY_TYPE_ADMIN_CLIENT (sy_admin_client_get_type ())
G_DECLARE_FINAL_TYPE (SyAdminClient, sy_admin_client, SY, ADMIN_CLIENT, GObject)

GQuark         sy_admin_client_error_quark (void);

SyAdminClient *sy_admin_client_new         (SyGatewayHost        *host);
SyGatewayHost *sy_admin_client_get_host    (SyAdminClient        *self);
/* method and path ("/api/combos"); body may be NULL. */
void           sy_admin_client_call_async  (SyAdminClient        *self,
                                            const char           *method,
                                            const char           *path,
                                            JsonNode             *body,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
/* The answer's JSON (a null node for an empty answer), or NULL with error. */
JsonNode      *sy_admin_client_call_finish (SyAdminClient        *self,
                                            GAsyncResult         *result,
                                            GError              **error);
/* The same call with a body of any type (may be NULL) and the answer's raw bytes, for
 * downloads and uploads (database backups). Errors as for sy_admin_client_call_async(). */
void           sy_admin_client_call_bytes_async  (SyAdminClient        *self,
                                                  const char           *method,
                                                  const char           *path,
                                                  const char           *content_type,
                                                  GBytes               *body,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GBytes        *sy_admin_client_call_bytes_finish (SyAdminClient        *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
/* A sentence for people: what went wrong and what to do next. */
char          *sy_admin_client_describe_error (const GError      *error);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyGatewayHost: the desktop app's one in-process gateway and its life: serving, paused by the
 * user, or stopped because the port is taken (or another start failure), plus "degraded" while
 * a provider breaker is not closed. Pause and port changes replace the SyGateway (a gateway
 * listens once). No GTK here: the app's actions and windows read it and listen to "changed".
 */
#pragma once

#include "core/sy-config.h"
#include "gateway/sy-gateway.h"

G_BEGIN_DECLS

typedef enum {
  SY_GATEWAY_HOST_SERVING,
  SY_GATEWAY_HOST_PAUSED,       /* the user paused it */
  SY_GATEWAY_HOST_PORT_IN_USE,  /* another program holds the port */
  SY_GATEWAY_HOST_FAILED,       /* any other start failure; see get_error () */
} SyGatewayHostStatus;

#define SY_TYPE_GATEWAY_HOST (sy_gateway_host_get_type ())
G_DECLARE_FINAL_TYPE (SyGatewayHost, sy_gateway_host, SY, GATEWAY_HOST, GObject)

/* Copies what it needs from config; nothing starts until sy_gateway_host_start (). */
SyGatewayHost       *sy_gateway_host_new          (const SyConfig *config);
/* Opens the gateway (if not open) and listens on the current port. TRUE when serving. */
gboolean             sy_gateway_host_start        (SyGatewayHost  *self);
/* Stops listening; the data stays readable through get_gateway (). */
void                 sy_gateway_host_pause        (SyGatewayHost  *self);
/* Listens on port from now on (restarting when serving). 0 picks a free one. */
gboolean             sy_gateway_host_set_port     (SyGatewayHost  *self,
                                                   guint           port);
/* The final stop (application shutdown): in-flight requests are cut cleanly, usage flushed. */
void                 sy_gateway_host_stop         (SyGatewayHost  *self);
/* Re-reads the breakers; emits "changed" when degraded changed. */
void                 sy_gateway_host_refresh      (SyGatewayHost  *self);

SyGatewayHostStatus  sy_gateway_host_get_status   (SyGatewayHost  *self);
gboolean             sy_gateway_host_is_degraded  (SyGatewayHost  *self);
/* The exported action state: "serving", "paused", "port-in-use" or "degraded" (FAILED reads
 * "paused": not listening, and resume retries). */
const char          *sy_gateway_host_get_state_name (SyGatewayHost *self);
/* Why the last start failed, or NULL. */
const GError        *sy_gateway_host_get_error    (SyGatewayHost  *self);
/* The port served on, or to be served on (0 only before a first start on port 0). */
guint                sy_gateway_host_get_port     (SyGatewayHost  *self);
const char          *sy_gateway_host_get_host     (SyGatewayHost  *self);
const char          *sy_gateway_host_get_data_dir (SyGatewayHost  *self);
/* "http://HOST:PORT": where a client connects (0.0.0.0 reads 127.0.0.1). */
char                *sy_gateway_host_dup_base_url (SyGatewayHost  *self);
/* The base URL + "/v1": what tools are told to use. */
char                *sy_gateway_host_dup_endpoint (SyGatewayHost  *self);
/* NULL only when the data dir could not be opened. Replaced on pause and port changes: do not
 * keep it across a "changed" emission. */
SyGateway           *sy_gateway_host_get_gateway  (SyGatewayHost  *self);

G_END_DECLS

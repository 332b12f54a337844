/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyOutboundProxies: which HTTP or SOCKS5 proxy an upstream attempt goes through, by the
 * precedence key -> combo -> provider -> global -> environment, and one SoupSession per distinct
 * proxy, made on first use and dropped when the "outboundProxies" setting stops naming it.
 * Proxy passwords come from the secret store, never from settings. Main thread only.
 */
#pragma once

#include <libsoup/soup.h>

#include "routing/sy-route.h"

G_BEGIN_DECLS

typedef struct _SyGateway SyGateway;  /* sy-gateway.h includes this header */

#define SY_TYPE_OUTBOUND_PROXIES (sy_outbound_proxies_get_type ())
G_DECLARE_FINAL_TYPE (SyOutboundProxies, sy_outbound_proxies, SY, OUTBOUND_PROXIES, GObject)

/* gateway is not referenced: it owns the new object and outlives it. */
SyOutboundProxies *sy_outbound_proxies_new          (SyGateway          *gateway);

/* The session for an attempt: the proxy configured for the API key (api_key_id), else for the
 * combo (the member's own combo, then the one the client named), else for the provider (its
 * label: catalog id or node prefix), else the global one; with none, the gateway's own session,
 * which follows the environment (http_proxy, https_proxy, no_proxy). Never NULL; borrowed. */
SoupSession       *sy_outbound_proxies_get_session  (SyOutboundProxies  *self,
                                                     const char         *api_key_id,
                                                     const char         *combo,
                                                     const char         *outer_combo,
                                                     const char         *provider);
/* The same for one attempt of the proxy path. */
SoupSession       *sy_outbound_proxies_session_for  (SyGateway          *gateway,
                                                     const SyApiKey     *api_key,
                                                     const SyRoutePlan  *plan,
                                                     const SyRoute      *route);

/* TRUE when upstream's answer is an outbound proxy's 407 (it refused our credentials), not
 * the provider's: *stream is closed and dropped and error says so, so the caller treats it
 * like a provider it cannot reach (failover, never relayed to the client). */
gboolean           sy_outbound_proxies_refused      (SoupMessage        *upstream,
                                                     GInputStream      **stream,
                                                     GError            **error);

/* A new session through one proxy, not cached (the proxy test endpoint). type is "http" or
 * "socks5"; username and password may be NULL. */
SoupSession       *sy_outbound_proxies_new_session  (SyOutboundProxies  *self,
                                                     const char         *type,
                                                     const char         *host,
                                                     guint               port,
                                                     const char         *username,
                                                     const char         *password);

/* The API stored (or removed) the password under ref in the secret store: requests use it
 * at once instead of reading it back. */
void               sy_outbound_proxies_remember_password (SyOutboundProxies *self,
                                                          const char        *ref,
                                                          const char        *password);
void               sy_outbound_proxies_forget_password   (SyOutboundProxies *self,
                                                          const char        *ref);

/* Aborts and drops every proxy session (gateway shutdown). */
void               sy_outbound_proxies_abort        (SyOutboundProxies  *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Validators for the network and access-control settings (outbound proxies, IP allow and deny
 * lists, blocked providers), used by the settings schema and by the management API that edits
 * the proxies. They check; they never change a value or touch the secret store.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The levels of the outbound proxy setting that hold named entries. */
extern const char * const sy_proxy_named_levels[];  /* "providers", "combos", "keys", NULL */

typedef enum {
  SY_PROXY_ENTRY_STORED,  /* as kept in settings: "passwordRef", never "password" */
  SY_PROXY_ENTRY_INPUT,   /* as a client sends it: "password", never "passwordRef" */
} SyProxyEntryForm;

/* {"type": "http" | "socks5", "host", "port": 1..65535 (or its digits as a string),
 * "username"?, and "password"? or "passwordRef"? by form}. at prefixes messages ("global"). */
gboolean sy_network_settings_check_proxy_entry (JsonNode          *node,
                                                SyProxyEntryForm   form,
                                                const char        *at,
                                                GString           *why);
/* A name under "providers", "combos" or "keys". */
gboolean sy_network_settings_check_proxy_name  (const char        *name,
                                                const char        *at,
                                                GString           *why);
/* "outboundProxies": {"global"?: entry, "providers"?: {name: entry}, "combos"?, "keys"?}. */
gboolean sy_network_settings_validate_proxies  (JsonNode          *node,
                                                GString           *why);
/* "ipAllowList", "ipDenyList": ["10.0.0.0/8", "::1", ...]. */
gboolean sy_network_settings_validate_ip_list  (JsonNode          *node,
                                                GString           *why);
/* "blockedProviders": ["openai", "ds", "my-node", ...]. */
gboolean sy_network_settings_validate_providers (JsonNode         *node,
                                                 GString          *why);

G_END_DECLS

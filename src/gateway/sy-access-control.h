/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyAccessControl: who may use /v1 and for what, decided before anything is routed: the IP
 * allow and deny lists, an API key's scopes (allowed models and combos) and its own request
 * limits per minute and per day. A refusal is written in the client's dialect (403, or 429
 * with Retry-After). Provider blocking is the route planner's (sy-blocked-providers.c).
 */
#pragma once

#include <libsoup/soup.h>

#include "store/sy-records.h"
#include "translate/sy-dialect.h"

G_BEGIN_DECLS

typedef struct _SyGateway SyGateway;  /* sy-gateway.h includes this header */

#define SY_TYPE_ACCESS_CONTROL (sy_access_control_get_type ())
G_DECLARE_FINAL_TYPE (SyAccessControl, sy_access_control, SY, ACCESS_CONTROL, GObject)

/* gateway is not referenced: it owns the new object and outlives it. */
SyAccessControl *sy_access_control_new         (SyGateway          *gateway);

/* The client's address against ipAllowList and ipDenyList (a deny match wins; an empty
 * allow list allows every address not denied). path picks the dialect of the 403. */
gboolean         sy_access_control_check_ip    (SyGateway          *gateway,
                                                SoupServerMessage  *msg,
                                                const char         *path);

/* The key's scopes for the model the client named (forced_provider: the provider of a
 * /v1/providers/{provider}/... path), then its request limits; an admitted request counts
 * against them. No key: nothing to check. */
gboolean         sy_access_control_admit       (SyGateway          *gateway,
                                                SoupServerMessage  *msg,
                                                SyDialect           dialect,
                                                const SyApiKey     *api_key,
                                                const char         *model,
                                                const char         *forced_provider);

G_END_DECLS

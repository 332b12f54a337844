/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Request guards that run before any handler: the admin token for /api, the Host check against
 * DNS rebinding, and the refusal of cross-origin browser requests (CSRF). A refused request has
 * its reply written; the caller just returns.
 */
#pragma once

#include "gateway/sy-gateway.h"

G_BEGIN_DECLS

/* /v1: without required API keys, only same-machine origins may call (a web page must not be
 * able to spend the user's accounts). */
gboolean sy_request_guard_check_v1  (SyGateway         *gateway,
                                     SoupServerMessage *msg);
/* /api: Host, Origin and the admin bearer token, always. */
gboolean sy_request_guard_check_api (SyGateway         *gateway,
                                     SoupServerMessage *msg);

G_END_DECLS

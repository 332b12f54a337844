/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Inbound authentication for /v1: which Switchyard API key (if any) a request carries, and
 * whether the request may proceed under the requireApiKey setting.
 */
#pragma once

#include <libsoup/soup.h>

#include "store/sy-api-key-repo.h"

G_BEGIN_DECLS

/* The key a client sent: Authorization: Bearer, x-api-key, x-goog-api-key or ?key=. */
char     *sy_inbound_auth_dup_presented_key (SoupServerMessage  *msg);

/* Checks the presented key. A valid key sets *out_key. A missing or unknown key is an error
 * (SOUP_STATUS_UNAUTHORIZED in *out_status) only when require is TRUE; otherwise the request
 * proceeds anonymously. A key that is presented but unknown, with keys required, is an error
 * naming no key material. */
gboolean  sy_inbound_auth_check             (SyApiKeyRepo       *keys,
                                             SoupServerMessage  *msg,
                                             gboolean            require,
                                             SyApiKey          **out_key,
                                             char              **out_message);

G_END_DECLS

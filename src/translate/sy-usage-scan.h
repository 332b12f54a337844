/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Token usage read straight out of a response body or a stream event's data in any dialect,
 * without building a JSON tree: the cheap path for bytes the gateway relays unchanged. The
 * counts follow the internal representation's conventions (sy-chat.h). Pure.
 */
#pragma once

#include "sy-chat.h"
#include "sy-dialect.h"

G_BEGIN_DECLS

/* Merges the counts data reports into usage. data must be a JSON object the scanner accepted
 * (sy_json_check_object); unknown counts stay as they were. */
void sy_usage_scan_json (SyDialect   dialect,
                         const char *data,
                         gsize       len,
                         SyUsage    *usage);

G_END_DECLS

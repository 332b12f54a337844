/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyRoute: where one request may go: the provider, its dialect and auth header, the upstream
 * model name, and the accounts (connections) to try, in order. Built by SyModelResolver.
 */
#pragma once

#include "providers/sy-provider-catalog.h"
#include "store/sy-records.h"

G_BEGIN_DECLS

typedef struct
{
  char         *requested_model;
  char         *provider_id;       /* what connections reference: catalog id or node id */
  char         *provider_label;    /* what users see: catalog id or node prefix */
  SyDialect     dialect;
  SyAuthHeader  auth_header;
  char         *default_base_url;
  char         *upstream_model;
  gboolean      max_completion_tokens;  /* see SyProviderInfo */
  GPtrArray    *candidates;        /* SyConnection refs, enabled, in priority order */
} SyRoute;

void sy_route_free (SyRoute *route);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyRoute, sy_route_free)

G_END_DECLS

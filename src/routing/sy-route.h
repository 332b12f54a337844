/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyRoute: where one request may go: the provider, its dialect and auth header, the upstream
 * model name, and the accounts (connections) to try, in order. Built by SyModelResolver.
 */
#pragma once

#include "providers/sy-provider-catalog.h"
#include "routing/sy-resilience-profile.h"
#include "store/sy-records.h"

G_BEGIN_DECLS

typedef struct
{
  char         *requested_model;   /* the model string this target came from */
  char         *combo;             /* the combo it is a member of, NULL when named directly */
  int           account_strategy;  /* a SyAccountStrategy the combo asks for, or -1: the
                                    * routingStrategy setting */
  char         *provider_id;       /* what connections reference: catalog id or node id */
  char         *provider_label;    /* what users see: catalog id or node prefix */
  SyDialect     dialect;
  SyAuthHeader  auth_header;
  char         *default_base_url;
  char         *upstream_model;
  gboolean      max_completion_tokens;  /* see SyProviderInfo */
  const char * const *extra_headers;   /* the catalog entry's ("Name", "value", ..., NULL), or
                                        * NULL; static data, not owned */
  GPtrArray    *candidates;        /* SyConnection refs, enabled, in priority order */
} SyRoute;

/* Everything one request may try, in order: a single model's route, or a combo's members
 * (ordered by its strategy), then the global fallback chains. Built by SyRoutePlanner. */
typedef struct
{
  char      *requested_model;  /* what the client sent */
  char      *combo;            /* the combo the client named, NULL otherwise */
  GPtrArray *targets;          /* SyRoute, never empty */
} SyRoutePlan;

void         sy_route_free         (SyRoute     *route);
/* The route's provider class (picks its resilience profile): its first account's address. */
SyProviderClass sy_route_provider_class (const SyRoute *route);
SyRoutePlan *sy_route_plan_new     (const char  *requested_model);
void         sy_route_plan_free    (SyRoutePlan *plan);
/* A plan of one route (forced providers, tests); takes route. */
SyRoutePlan *sy_route_plan_new_single (SyRoute  *route);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyRoute, sy_route_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyRoutePlan, sy_route_plan_free)

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyRoutePlanner: turns the model a client sent into a SyRoutePlan, in one place and in this
 * order: a combo name (its members ordered by the combo's strategy, nested combos expanded up
 * to maxComboDepth), a wildcard alias ("claude-sonnet-*" -> "cc/claude-sonnet-4-5"), then a
 * single model ("prefix/model" or a bare name, SyModelResolver); the global fallback chains
 * follow the model's own targets. No I/O; reads the repositories and SyRoutingState.
 */
#pragma once

#include "routing/sy-model-resolver.h"
#include "routing/sy-routing-state.h"
#include "store/sy-combo-repo.h"
#include "store/sy-pricing-repo.h"
#include "store/sy-settings-repo.h"

G_BEGIN_DECLS

#define SY_TYPE_ROUTE_PLANNER (sy_route_planner_get_type ())
G_DECLARE_FINAL_TYPE (SyRoutePlanner, sy_route_planner, SY, ROUTE_PLANNER, GObject)

SyRoutePlanner *sy_route_planner_new  (SyModelResolver *resolver,
                                       SyComboRepo     *combos,
                                       SySettingsRepo  *settings,
                                       SyPricingRepo   *pricing,
                                       SyRoutingState  *state);
/* forced_provider (may be NULL) pins the provider (/v1/providers/{provider}/...): no combos,
 * aliases or fallback chains then. Errors are SY_ROUTING_ERROR. */
SyRoutePlan    *sy_route_planner_plan (SyRoutePlanner  *self,
                                       const char      *model,
                                       const char      *forced_provider,
                                       GError         **error);

G_END_DECLS

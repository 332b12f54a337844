/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyModelResolver: turns the model string a client sent into a SyRoute: "prefix/model" where
 * prefix is a catalog id, alias or provider-node prefix (stripped upstream), or a bare model
 * name. A bare name goes to the first connected provider (one with an enabled account) that
 * lists it, as a custom model or in its catalog models, in catalog order (subscriptions, then
 * API keys), then provider nodes oldest first; failing that, to the only connected provider
 * if there is exactly one. Reads the repositories; no I/O of its own.
 */
#pragma once

#include "sy-route.h"
#include "store/sy-connection-repo.h"
#include "store/sy-custom-model-repo.h"
#include "store/sy-node-repo.h"

G_BEGIN_DECLS

#define SY_ROUTING_ERROR (sy_routing_error_quark ())

typedef enum {
  SY_ROUTING_ERROR_UNKNOWN_PROVIDER,  /* 404 model_not_found */
  SY_ROUTING_ERROR_AMBIGUOUS,         /* 400: bare model, several providers */
  SY_ROUTING_ERROR_NO_CONNECTION,     /* 503: provider known, no usable account */
  SY_ROUTING_ERROR_INVALID_MODEL,     /* 400: empty or malformed model string */
  SY_ROUTING_ERROR_PROVIDER_BLOCKED,  /* 403: the blockedProviders setting names it */
} SyRoutingError;

#define SY_TYPE_MODEL_RESOLVER (sy_model_resolver_get_type ())
G_DECLARE_FINAL_TYPE (SyModelResolver, sy_model_resolver, SY, MODEL_RESOLVER, GObject)

GQuark           sy_routing_error_quark    (void);

SyModelResolver *sy_model_resolver_new     (SyNodeRepo        *nodes,
                                            SyConnectionRepo  *connections,
                                            SyCustomModelRepo *custom_models);
SyRoute         *sy_model_resolver_resolve (SyModelResolver   *self,
                                            const char        *model,
                                            GError           **error);
/* The provider id (catalog id or node id) a bare model name goes to by the connected
 * providers' model lists, or NULL. Borrowed until the next call. */
const char      *sy_model_resolver_lookup_bare (SyModelResolver *self,
                                                const char      *model);
/* Forces a provider (for /v1/providers/{provider}/...): the model may carry the same prefix
 * or none; another prefix is SY_ROUTING_ERROR_INVALID_MODEL. */
SyRoute         *sy_model_resolver_resolve_for_provider (SyModelResolver  *self,
                                                         const char       *provider,
                                                         const char       *model,
                                                         GError          **error);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The management API (/api): guards, body parsing and dispatch to one file per resource.
 * Replies are JSON; errors are {"error": {...}} with the status from sy_http_status_for_error.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "gateway/sy-gateway.h"

G_BEGIN_DECLS

typedef struct
{
  SyGateway         *gateway;
  SoupServerMessage *msg;
  const char        *method;
  const char        *id;    /* "/api/<resource>/<id>", or NULL */
  JsonObject        *body;  /* for POST, PUT and PATCH; never NULL then, unless the
                             * resource reads its own raw body */
  const char        *sub;   /* "/api/<resource>/<id>/<sub>" (resources that take one), or NULL */
  const char        *action; /* "/api/<resource>/<id>/<sub>/<action>" (oauth), or NULL */
} SyApiCall;

void sy_api_handle            (SyGateway         *gateway,
                               SoupServerMessage *msg,
                               const char        *path);

/* Reply helpers for the resource files. */
void sy_api_reply             (SoupServerMessage *msg,
                               guint              status,
                               JsonNode          *node);
void sy_api_reply_gerror      (SoupServerMessage *msg,
                               const GError      *error);
void sy_api_reply_not_found   (SyApiCall         *call,
                               const char        *what);
void sy_api_reply_bad_method  (SyApiCall         *call,
                               const char        *allowed);

/* The resources. */
void sy_api_health_handle     (SyApiCall *call);
void sy_api_nodes_handle      (SyApiCall *call);
void sy_api_providers_handle  (SyApiCall *call);
/* GET /api/providers/{id}/quota (sy-api-quota.c). */
void sy_api_provider_quota    (SyApiCall    *call,
                               SyConnection *connection);
/* POST /api/providers/{id}/test (sy-api-account-test.c). */
void sy_api_provider_test     (SyApiCall    *call,
                               SyConnection *connection);
void sy_api_combos_handle     (SyApiCall *call);
void sy_api_keys_handle       (SyApiCall *call);
void sy_api_settings_handle   (SyApiCall *call);
/* /api/settings/proxy and /api/settings/proxy/test (sy-api-proxy.c). */
void sy_api_proxy_handle      (SyApiCall *call);
void sy_api_monitoring_handle (SyApiCall *call);
void sy_api_resilience_handle (SyApiCall *call);
void sy_api_cache_handle      (SyApiCall *call);
void sy_api_backups_handle    (SyApiCall *call);
/* /api/usage/...: budget goes to sy_api_usage_budget_handle (sy-api-budget.c). */
void sy_api_usage_dispatch    (SyApiCall *call);
void sy_api_usage_budget_handle (SyApiCall *call);
/* GET /api/usage itself (sy-api-usage.c) and /api/pricing (sy-api-pricing.c). */
void sy_api_usage_handle      (SyApiCall *call);
void sy_api_pricing_handle    (SyApiCall *call);
/* /api/oauth/{provider}/start and /api/oauth/flows/{id}[/code] (sy-api-oauth.c). */
void sy_api_oauth_handle      (SyApiCall *call);
/* /api/provider-models and /api/models/catalog (sy-api-models.c). */
void sy_api_provider_models_handle (SyApiCall *call);
void sy_api_models_handle     (SyApiCall *call);

/* The provider ids (catalog id or node id) with at least one enabled account; a set. */
GHashTable *sy_api_connected_providers (SyGateway *gateway);

/* Records as /api shows them; the backup archive writes the same. An account shows whether
 * it has a key, never the key. */
JsonNode *sy_api_node_to_json       (SyProviderNode *node);
JsonNode *sy_api_connection_to_json (SyGateway      *gateway,
                                     SyConnection   *c);
/* Custom models as GET /api/provider-models lists them; provider_id (a stored id) and model
 * filter when not NULL. */
JsonNode *sy_api_custom_models_to_json (SyGateway   *gateway,
                                        const char  *provider_id,
                                        const char  *model);

/* The request body limit of a path the early check must not hold to maxBodyBytes (database
 * imports), or -1. */
goffset sy_api_backups_body_limit (const char *path);

G_END_DECLS

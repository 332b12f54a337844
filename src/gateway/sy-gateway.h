/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyGateway: the whole headless gateway in one object: storage, secrets, the usage writer, the
 * SoupServer with its /v1 and /api routes, and the one SoupSession to upstreams. Both
 * switchyard-server and the desktop app host exactly one. Main thread only.
 */
#pragma once

#include <libsoup/soup.h>

#include "core/sy-config.h"
#include "gateway/sy-budget-ledger.h"
#include "gateway/sy-access-control.h"
#include "gateway/sy-credentials.h"
#include "gateway/sy-idempotency.h"
#include "gateway/sy-outbound-proxies.h"
#include "gateway/sy-metrics.h"
#include "gateway/sy-response-cache.h"
#include "routing/sy-model-resolver.h"
#include "routing/sy-route-planner.h"
#include "routing/sy-routing-state.h"
#include "store/sy-api-key-repo.h"
#include "store/sy-combo-repo.h"
#include "store/sy-connection-repo.h"
#include "store/sy-custom-model-repo.h"
#include "store/sy-node-repo.h"
#include "gateway/sy-quota-watch.h"
#include "gateway/sy-request-event.h"
#include "gateway/sy-token-keeper.h"
#include "providers/sy-origin-map.h"
#include "store/sy-pricing-repo.h"
#include "store/sy-secret-store.h"
#include "store/sy-settings-repo.h"
#include "store/sy-usage-writer.h"

G_BEGIN_DECLS

#define SY_GATEWAY_ERROR (sy_gateway_error_quark ())

typedef enum {
  SY_GATEWAY_ERROR_INSECURE_BIND,
  SY_GATEWAY_ERROR_ADMIN_TOKEN,
} SyGatewayError;

#define SY_TYPE_GATEWAY (sy_gateway_get_type ())
G_DECLARE_FINAL_TYPE (SyGateway, sy_gateway, SY, GATEWAY, GObject)

GQuark            sy_gateway_error_quark        (void);

/* Opens the data dir (database, admin token) from config. */
SyGateway        *sy_gateway_new                (const SyConfig  *config,
                                                 GError         **error);
/* Starts serving. port 0 picks a free port; see sy_gateway_get_port(). */
gboolean          sy_gateway_listen             (SyGateway       *self,
                                                 const char      *host,
                                                 guint            port,
                                                 GError         **error);
guint             sy_gateway_get_port           (SyGateway       *self);
/* "http://HOST:PORT". */
char             *sy_gateway_dup_base_url       (SyGateway       *self);
/* Reopens everything that reads the database (repositories, settings, resolver, planner,
 * routing state, usage writer) on the file at the data dir's database path, after it was
 * replaced underneath (a database import). On failure nothing changed. */
gboolean          sy_gateway_reload_database    (SyGateway       *self,
                                                 GError         **error);
/* Stops accepting, cuts in-flight requests cleanly, flushes the usage log. Idempotent. */
void              sy_gateway_shutdown           (SyGateway       *self);

const char       *sy_gateway_get_data_dir       (SyGateway       *self);
const char       *sy_gateway_get_admin_token    (SyGateway       *self);
const char       *sy_gateway_get_host           (SyGateway       *self);
gint64            sy_gateway_get_start_time     (SyGateway       *self);
guint             sy_gateway_get_open_connections (SyGateway     *self);
SoupSession      *sy_gateway_get_session        (SyGateway       *self);
SyNodeRepo       *sy_gateway_get_nodes          (SyGateway       *self);
SyConnectionRepo *sy_gateway_get_connections    (SyGateway       *self);
SyComboRepo      *sy_gateway_get_combos         (SyGateway       *self);
SyApiKeyRepo     *sy_gateway_get_api_keys       (SyGateway       *self);
SySettingsRepo   *sy_gateway_get_settings       (SyGateway       *self);
SyCredentials    *sy_gateway_get_credentials    (SyGateway       *self);
SyModelResolver  *sy_gateway_get_resolver       (SyGateway       *self);
SyRoutePlanner   *sy_gateway_get_planner        (SyGateway       *self);
SyRoutingState   *sy_gateway_get_routing        (SyGateway       *self);
SyPricingRepo    *sy_gateway_get_pricing        (SyGateway       *self);
SyCustomModelRepo *sy_gateway_get_custom_models (SyGateway       *self);
SyUsageWriter    *sy_gateway_get_usage_writer   (SyGateway       *self);
SyResponseCache  *sy_gateway_get_response_cache (SyGateway       *self);
SyIdempotency    *sy_gateway_get_idempotency    (SyGateway       *self);
SyOutboundProxies *sy_gateway_get_proxies       (SyGateway       *self);
SyAccessControl  *sy_gateway_get_access         (SyGateway       *self);
SyBudgetLedger   *sy_gateway_get_budgets        (SyGateway       *self);
SyMetrics        *sy_gateway_get_metrics        (SyGateway       *self);
/* OAuth accounts' tokens, refreshed as needed. */
SyTokenKeeper    *sy_gateway_get_token_keeper   (SyGateway       *self);
/* Subscription accounts' quotas. */
SyQuotaWatch     *sy_gateway_get_quota_watch    (SyGateway       *self);
/* Where fixed provider URLs (OAuth, quotas, token exchanges) really go; see sy-origin-map.h. */
SyOriginMap      *sy_gateway_get_origin_map     (SyGateway       *self);
/* OAuth logins in progress (the /api/oauth resource). */
typedef struct _SyOAuthLogins SyOAuthLogins;
SyOAuthLogins    *sy_gateway_get_oauth_logins   (SyGateway       *self);

/* In-flight proxied requests register so shutdown can cut them cleanly. */
void              sy_gateway_track_request      (SyGateway       *self,
                                                 GCancellable    *cancellable);
void              sy_gateway_untrack_request    (SyGateway       *self,
                                                 GCancellable    *cancellable);

/* The live monitor. Signals, on the main loop:
 *   request-started  (SyGateway *, const SyRequestEvent *): a routed request began;
 *   request-finished (SyGateway *, const SyRequestEvent *): it ended (its usage row was written).
 * started is only built when someone listens; the last SY_GATEWAY_RECENT_REQUESTS finished
 * records are always kept for GET /api/monitoring/requests. */
#define SY_GATEWAY_RECENT_REQUESTS 200

void              sy_gateway_publish_started    (SyGateway       *self,
                                                 const char      *request_id,
                                                 const char      *endpoint,
                                                 const char      *requested_model);
void              sy_gateway_publish_finished   (SyGateway       *self,
                                                 const SyUsageRecord *record,
                                                 gboolean         cache_hit);
/* Newest first, at most limit (0: all kept); element type SyRequestEvent, owned. */
GPtrArray        *sy_gateway_dup_recent_requests (SyGateway      *self,
                                                  guint           limit);

G_END_DECLS

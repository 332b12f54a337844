/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyRoutingStateRepo: the routing_state table, where the router keeps what must survive a
 * restart: open breakers, account cooldowns, model lockouts, combo rotation positions. Rows
 * are (scope, key) -> JSON with an expiry; expired rows are dropped on load.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "sy-database.h"

G_BEGIN_DECLS

#define SY_TYPE_ROUTING_STATE_REPO (sy_routing_state_repo_get_type ())
G_DECLARE_FINAL_TYPE (SyRoutingStateRepo, sy_routing_state_repo, SY, ROUTING_STATE_REPO, GObject)

typedef void (*SyRoutingStateRowFunc) (const char *scope,
                                       const char *key,
                                       JsonObject *data,
                                       gint64      expires_at_ms,
                                       gpointer    user_data);

SyRoutingStateRepo *sy_routing_state_repo_new    (SyDatabase           *db);
/* Deletes rows that expired by now_ms, then calls func for every other row. */
gboolean            sy_routing_state_repo_load   (SyRoutingStateRepo   *self,
                                                  gint64                now_ms,
                                                  SyRoutingStateRowFunc func,
                                                  gpointer              user_data,
                                                  GError              **error);
/* Failures (a full disk) are logged: routing goes on with its memory. */
void                sy_routing_state_repo_put    (SyRoutingStateRepo   *self,
                                                  const char           *scope,
                                                  const char           *key,
                                                  JsonObject           *data,
                                                  gint64                expires_at_ms);
void                sy_routing_state_repo_remove (SyRoutingStateRepo   *self,
                                                  const char           *scope,
                                                  const char           *key);
/* Every row of scope, or every row when scope is NULL. */
void                sy_routing_state_repo_clear  (SyRoutingStateRepo   *self,
                                                  const char           *scope);

G_END_DECLS

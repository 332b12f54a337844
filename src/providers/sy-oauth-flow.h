/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyOAuthFlow: one login as the provider's official CLI does it, as a state machine on the
 * main loop (libsoup async, never blocking). Browser flows wait for the loopback redirect or a
 * pasted code/URL; device flows show a user code and poll. It ends DONE with a token bundle,
 * an account label and provider data, or FAILED with a reason, or CANCELLED. It stores
 * nothing: the caller decides what to do with the result.
 */
#pragma once

#include <libsoup/soup.h>

#include "providers/sy-oauth-provider.h"
#include "providers/sy-origin-map.h"
#include "providers/sy-token-bundle.h"

G_BEGIN_DECLS

typedef enum {
  SY_OAUTH_FLOW_STARTING,
  SY_OAUTH_FLOW_WAITING_FOR_BROWSER,    /* open the authorize URL; redirect or paste completes */
  SY_OAUTH_FLOW_WAITING_FOR_USER_CODE,  /* show verification URI + user code (first poll pending) */
  SY_OAUTH_FLOW_POLLING,                /* the provider said authorization_pending at least once */
  SY_OAUTH_FLOW_EXCHANGING,             /* code for tokens, then the account */
  SY_OAUTH_FLOW_DONE,
  SY_OAUTH_FLOW_FAILED,
  SY_OAUTH_FLOW_CANCELLED,
} SyOAuthFlowState;

#define SY_TYPE_OAUTH_FLOW (sy_oauth_flow_get_type ())
G_DECLARE_FINAL_TYPE (SyOAuthFlow, sy_oauth_flow, SY, OAUTH_FLOW, GObject)

/* NULL with SY_OAUTH_ERROR_INVALID when provider_id is no OAuth provider or does not speak
 * method. session and map are referenced. */
SyOAuthFlow      *sy_oauth_flow_new                (SoupSession      *session,
                                                    SyOriginMap      *map,
                                                    const char       *provider_id,
                                                    SyOAuthMethod     method,
                                                    GError          **error);
/* Leaves STARTING; the state changes (notify::state) tell the rest. Call once. */
void              sy_oauth_flow_start              (SyOAuthFlow      *self);
/* A pasted code, "code#state" or the whole callback URL (remote hosts, Claude). Fails when
 * the flow is not waiting for the browser or the input does not fit (state mismatch). */
gboolean          sy_oauth_flow_submit_code        (SyOAuthFlow      *self,
                                                    const char       *input,
                                                    GError          **error);
/* Ends the flow CANCELLED unless it already ended. */
void              sy_oauth_flow_cancel             (SyOAuthFlow      *self);

const char       *sy_oauth_flow_get_provider_id    (SyOAuthFlow      *self);
SyOAuthMethod     sy_oauth_flow_get_method         (SyOAuthFlow      *self);
SyOAuthFlowState  sy_oauth_flow_get_state          (SyOAuthFlow      *self);
gboolean          sy_oauth_flow_is_finished        (SyOAuthFlow      *self);
/* "starting", "waiting_for_browser", ... as the API shows them. */
const char       *sy_oauth_flow_state_to_string    (SyOAuthFlowState  state);
/* Browser flows, once waiting. */
const char       *sy_oauth_flow_get_authorize_url  (SyOAuthFlow      *self);
/* Device flows, once waiting. */
const char       *sy_oauth_flow_get_verification_uri (SyOAuthFlow    *self);
const char       *sy_oauth_flow_get_user_code      (SyOAuthFlow      *self);
int               sy_oauth_flow_get_expires_in     (SyOAuthFlow      *self);
/* The poll interval in seconds now (slow_down raises it). */
int               sy_oauth_flow_get_interval       (SyOAuthFlow      *self);
/* FAILED: why (domain SY_OAUTH_ERROR). */
const GError     *sy_oauth_flow_get_error          (SyOAuthFlow      *self);
/* Browser flows whose loopback port could not be opened (taken by another login or the
 * official CLI): why. The flow still waits for a pasted URL. NULL otherwise. */
const GError     *sy_oauth_flow_get_callback_error (SyOAuthFlow      *self);
/* DONE: the results, borrowed. account may be NULL (no label known); provider data is JSON
 * object text, "{}" when there is none. */
const SyTokenBundle *sy_oauth_flow_get_bundle      (SyOAuthFlow      *self);
const char       *sy_oauth_flow_get_account        (SyOAuthFlow      *self);
const char       *sy_oauth_flow_get_provider_data  (SyOAuthFlow      *self);

/* Properties, to set before sy_oauth_flow_start():
 *   "callback-port" (int): the loopback port; -1 (default) the provider's (Codex 1455),
 *                          0 a free one.
 *   "second-ms" (uint):    how long a polling "second" lasts (1000; tests shorten it). */

G_END_DECLS

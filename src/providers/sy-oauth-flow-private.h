/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyOAuthFlow's instance struct, shared by its three files: the state machine
 * (sy-oauth-flow.c), browser logins (sy-oauth-browser.c) and device logins
 * (sy-oauth-device.c). Internal to src/providers.
 */
#pragma once

#include "providers/sy-oauth-callback.h"
#include "providers/sy-oauth-flow.h"
#include "providers/sy-oauth-profile-private.h"

G_BEGIN_DECLS

struct _SyOAuthFlow
{
  GObject                parent_instance;

  SoupSession           *session;
  SyOriginMap           *map;
  const SyOAuthProvider *provider;
  SyOAuthMethod          method;
  SyOAuthFlowState       state;
  gboolean               started;
  GCancellable          *cancellable;
  GError                *error;
  int                    callback_port;   /* -1: the provider's */
  guint                  second_ms;

  /* browser */
  char                  *verifier;
  char                  *state_param;
  char                  *redirect_uri;
  char                  *authorize_url;
  SyOAuthCallback       *callback;
  gulong                 callback_handler;
  GError                *callback_error;

  /* device */
  char                  *device_code;     /* device_code, device_auth_id or deviceCode */
  char                  *user_code;
  char                  *verification_uri;
  int                    expires_in;
  int                    interval;
  guint                  poll_id;
  guint                  expiry_id;
  char                  *region;          /* Kiro */
  char                  *client_id;       /* Kiro's registered client */
  char                  *client_secret;

  /* results */
  SyOAuthLogin           login;
  char                  *provider_data;
};

void _sy_oauth_flow_set_state     (SyOAuthFlow      *self,
                                   SyOAuthFlowState  state);
/* Ends FAILED with error (taken); a cancellation or a finished flow just drops it. */
void _sy_oauth_flow_fail          (SyOAuthFlow      *self,
                                   GError           *error);
/* A token endpoint's successful answer (taken): EXCHANGING, the bundle, the profile, DONE. */
void _sy_oauth_flow_take_tokens   (SyOAuthFlow      *self,
                                   JsonObject       *response);
void _sy_oauth_flow_start_browser (SyOAuthFlow      *self);
gboolean _sy_oauth_flow_submit_browser (SyOAuthFlow *self,
                                        const char  *input,
                                        GError     **error);
void _sy_oauth_flow_start_device  (SyOAuthFlow      *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyOAuthCallback: the loopback HTTP server an OAuth redirect lands on (127.0.0.1 only). It
 * answers the browser with a small "you can close this tab" page and hands the query over in
 * the "received" signal, once. It does not exchange codes or check state: the flow does.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SY_TYPE_OAUTH_CALLBACK (sy_oauth_callback_get_type ())
G_DECLARE_FINAL_TYPE (SyOAuthCallback, sy_oauth_callback, SY, OAUTH_CALLBACK, GObject)

/* path: the redirect's path, e.g. "/auth/callback". */
SyOAuthCallback *sy_oauth_callback_new      (const char       *path);
/* port 0 picks a free one; a port in use fails with SY_OAUTH_ERROR_UNAVAILABLE. */
gboolean         sy_oauth_callback_listen   (SyOAuthCallback  *self,
                                             guint             port,
                                             GError          **error);
guint            sy_oauth_callback_get_port (SyOAuthCallback  *self);
/* Stops listening; idempotent. */
void             sy_oauth_callback_stop     (SyOAuthCallback  *self);

G_END_DECLS

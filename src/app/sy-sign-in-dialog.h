/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SySignInDialog: signs a subscription account in (Claude Code, Codex, Gemini CLI, GitHub
 * Copilot, Qwen, Kiro, iFlow) through the management API's OAuth logins: the system browser
 * opens the provider's page, or a device code is shown to type in on another device. The
 * tokens never pass through this window: the gateway stores them in the keyring itself.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"

G_BEGIN_DECLS

#define SY_TYPE_SIGN_IN_DIALOG (sy_sign_in_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SySignInDialog, sy_sign_in_dialog, SY, SIGN_IN_DIALOG, GtkWindow)

/* provider (catalog id) preselected when not NULL; connection_id: an existing account that
 * needs a new login, whose tokens the login replaces (NULL: a new account). */
SySignInDialog *sy_sign_in_dialog_new    (SyAdminClient  *client,
                                          const char     *provider,
                                          const char     *connection_id);
/* Starts the login as if the button for method ("browser" or "device") was pressed. */
void            sy_sign_in_dialog_start  (SySignInDialog *self,
                                          const char     *method);
/* What the window shows now: "choose", "browser", "device" or "failed". */
const char     *sy_sign_in_dialog_get_step (SySignInDialog *self);
/* The gateway's id of the login in progress (GET /api/oauth/flows/{id}), or NULL. */
const char     *sy_sign_in_dialog_get_flow_id (SySignInDialog *self);

/* Signals:
 *   "open-uri" (const char *uri) -> gboolean: the browser is about to open uri; a handler
 *      returning TRUE opens it itself (tests). The default handler asks the desktop.
 *   "signed-in" (const char *connection_id): the account is stored; the window closes next. */

G_END_DECLS

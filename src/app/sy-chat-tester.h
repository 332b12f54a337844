/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyChatTester: the Translator page's second view. A prompt sent to the in-process gateway's
 * own endpoint over loopback, in the dialect a client picks, and what came back step by step:
 * status, the X-Switchyard route headers, time to first byte and total, the body. Cancel
 * while in flight.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"

G_BEGIN_DECLS

#define SY_TYPE_CHAT_TESTER (sy_chat_tester_get_type ())
G_DECLARE_FINAL_TYPE (SyChatTester, sy_chat_tester, SY, CHAT_TESTER, GtkWidget)

void sy_chat_tester_set_client (SyChatTester  *self,
                                SyAdminClient *client);
/* Reads whether the gateway requires an API key again. */
void sy_chat_tester_refresh    (SyChatTester  *self);

G_END_DECLS

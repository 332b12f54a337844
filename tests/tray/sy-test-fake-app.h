/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyTestFakeApp: a GApplication with the real app's id and the actions it exports to the
 * tray (open-window, copy-endpoint, change-port, pause, resume, quit; stateful gateway-state
 * and endpoint), counting activations instead of doing anything. No GTK.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SY_TYPE_TEST_FAKE_APP (sy_test_fake_app_get_type ())
G_DECLARE_FINAL_TYPE (SyTestFakeApp, sy_test_fake_app, SY, TEST_FAKE_APP, GApplication)

/* Not registered yet: g_application_register() puts it on the session bus. */
SyTestFakeApp *sy_test_fake_app_new                (void);
guint          sy_test_fake_app_get_activations    (SyTestFakeApp *self,
                                                    const char    *action);
/* The parameter of the last change-port activation, 0 before the first. */
guint          sy_test_fake_app_get_last_port      (SyTestFakeApp *self);
void           sy_test_fake_app_set_gateway_state  (SyTestFakeApp *self,
                                                    const char    *state);
void           sy_test_fake_app_set_endpoint       (SyTestFakeApp *self,
                                                    const char    *endpoint);
void           sy_test_fake_app_set_action_enabled (SyTestFakeApp *self,
                                                    const char    *action,
                                                    gboolean       enabled);

G_END_DECLS

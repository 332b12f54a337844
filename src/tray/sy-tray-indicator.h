/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyTrayIndicator: the StatusNotifierItem (through libayatana-appindicator) for one running
 * app. It follows the app's "gateway-state" and "endpoint" action states and shows them in
 * the icon, the title and the menu. Watching the app's bus name is main()'s job.
 */
#pragma once

#include <gio/gio.h>

#include "sy-tray-state.h"

G_BEGIN_DECLS

#define SY_TYPE_TRAY_INDICATOR (sy_tray_indicator_get_type ())
G_DECLARE_FINAL_TYPE (SyTrayIndicator, sy_tray_indicator, SY, TRAY_INDICATOR, GObject)

SyTrayIndicator *sy_tray_indicator_new          (const char      *id,
                                                 GActionGroup    *actions);
SyTrayState      sy_tray_indicator_get_state    (SyTrayIndicator *self);
const char      *sy_tray_indicator_get_endpoint (SyTrayIndicator *self);

G_END_DECLS

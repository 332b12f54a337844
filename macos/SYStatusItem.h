/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SYStatusItem: Switchyard's menu-bar item on macOS, the counterpart of src/tray/ on Linux
 * and windows/sy-win32-tray.c. It lives in the app's process (GTK 4's macOS backend runs
 * NSApplication's loop from the GLib main loop, so AppKit and GLib share the main thread) and
 * drives the app through the same tray interface: the actions open-window, copy-endpoint,
 * change-port, pause, resume, quit and the states gateway-state and endpoint, read from the
 * GtkApplication's own GActionGroup. There is no session bus on macOS, so the Linux helper's
 * org.gtk.Actions over D-Bus is not an option.
 *
 * Built into the app on macOS (src/app/meson.build, with ARC); sy-application.c reaches it
 * through sy-macos.h. Not compiled on this project's Linux machines: macos.yml builds it.
 */
#pragma once

#import <Cocoa/Cocoa.h>
#include <gio/gio.h>

#include "sy-macos.h"

NS_ASSUME_NONNULL_BEGIN

@interface SYStatusItem : NSObject <NSMenuDelegate>

/* @actions is the GtkApplication; the item keeps a reference and follows its action states. */
- (instancetype)initWithActions:(GActionGroup *)actions NS_DESIGNATED_INITIALIZER;
- (instancetype)init NS_UNAVAILABLE;

/* Removes the item from the menu bar and drops the signal handlers; call before shutdown. */
- (void)invalidate;

@end

NS_ASSUME_NONNULL_END

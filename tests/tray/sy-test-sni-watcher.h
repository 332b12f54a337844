/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyTestSniWatcher: a test-only org.kde.StatusNotifierWatcher. No Debian package provides
 * one without a whole desktop, so the tray tests own the name themselves and record every
 * RegisterStatusNotifierItem call. Only for a private test bus (tests/run-headless.sh).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SY_TYPE_TEST_SNI_WATCHER (sy_test_sni_watcher_get_type ())
G_DECLARE_FINAL_TYPE (SyTestSniWatcher, sy_test_sni_watcher, SY, TEST_SNI_WATCHER, GObject)

SyTestSniWatcher *sy_test_sni_watcher_new         (GDBusConnection  *connection,
                                                   GError          **error);
/* TRUE once the bus gave us org.kde.StatusNotifierWatcher. */
gboolean          sy_test_sni_watcher_is_owner    (SyTestSniWatcher *self);
guint             sy_test_sni_watcher_get_n_items (SyTestSniWatcher *self);
/* The @index-th registered item: the bus name and object path to call it at. */
void              sy_test_sni_watcher_get_item    (SyTestSniWatcher *self,
                                                   guint             index,
                                                   const char      **bus_name,
                                                   const char      **object_path);

G_END_DECLS

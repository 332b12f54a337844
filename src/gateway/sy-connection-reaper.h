/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyConnectionReaper: keeps the server's open descriptors bounded. libsoup 3.2 never notices a
 * keep-alive client closing an idle connection (CLOSE_WAIT forever; fixed in 3.3). The reaper
 * watches every idle connection, closes it when the peer has gone, and closes connections idle
 * longer than the keep-alive limit.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define SY_TYPE_CONNECTION_REAPER (sy_connection_reaper_get_type ())
G_DECLARE_FINAL_TYPE (SyConnectionReaper, sy_connection_reaper, SY, CONNECTION_REAPER, GObject)

SyConnectionReaper *sy_connection_reaper_new           (SoupServer         *server,
                                                        guint               idle_limit_ms);
void                sy_connection_reaper_set_idle_limit (SyConnectionReaper *self,
                                                         guint               idle_limit_ms);
/* Connections seen and not yet closed. */
guint               sy_connection_reaper_get_open      (SyConnectionReaper *self);
/* Closes every idle connection now (shutdown). */
void                sy_connection_reaper_close_idle    (SyConnectionReaper *self);

G_END_DECLS

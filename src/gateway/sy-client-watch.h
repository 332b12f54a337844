/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyClientWatch: notices a client that hangs up while its request waits, paused, for a slow
 * upstream. libsoup 3.2 reads nothing from a paused message's connection, so it neither emits
 * "disconnected" nor "finished" until something is written; this watch peeks at the socket
 * instead. It never consumes bytes and never writes.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _SyClientWatch SyClientWatch;

typedef void (*SyClientGoneFunc) (gpointer user_data);

/* Calls gone at most once, from the main context, when the peer of msg's connection closed it
 * (EOF or an error). Bytes from the peer (a pipelined request) end the watch without a call.
 * NULL when msg has no socket to watch. */
SyClientWatch *sy_client_watch_new  (SoupServerMessage *msg,
                                     SyClientGoneFunc   gone,
                                     gpointer           user_data);
void           sy_client_watch_free (SyClientWatch     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyClientWatch, sy_client_watch_free)

G_END_DECLS

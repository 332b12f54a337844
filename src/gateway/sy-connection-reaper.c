/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tracks each accepted socket through the server's request-started and each message's
 * finished signal. Between requests a socket is "idle" and gets a readability watch: EOF from
 * the peer closes it at once; data means the next request is arriving and soup takes over. A
 * one-second sweep closes sockets idle past the limit. Closing goes through GSocket, which
 * marks itself closed, so soup's later use of it fails cleanly instead of touching a reused fd.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-connection-reaper.h"

typedef struct
{
  GSocket *socket;
  GSource *watch;        /* while idle */
  guint    in_flight;
  gint64   idle_since;   /* monotonic µs */
} Tracked;

struct _SyConnectionReaper
{
  GObject     parent_instance;
  SoupServer *server;     /* weak */
  gulong      started_id;
  GHashTable *sockets;    /* GSocket* -> Tracked */
  guint       sweep_id;
  gint64      idle_limit_us;
};

G_DEFINE_FINAL_TYPE (SyConnectionReaper, sy_connection_reaper, G_TYPE_OBJECT)

static void
tracked_free (gpointer data)
{
  Tracked *t = data;

  if (t->watch != NULL)
    {
      g_source_destroy (t->watch);
      g_source_unref (t->watch);
    }
  g_object_unref (t->socket);
  g_free (t);
}

static void
close_socket (GSocket *socket)
{
  /* Shut down first so a peer still reading sees FIN even if soup holds another reference. */
  g_socket_shutdown (socket, TRUE, TRUE, NULL);
  g_socket_close (socket, NULL);
}

static gboolean
idle_readable_cb (GSocket      *socket,
                  GIOCondition  condition,
                  gpointer      user_data)
{
  SyConnectionReaper *self = user_data;
  Tracked *t = g_hash_table_lookup (self->sockets, socket);
  g_autoptr(GError) error = NULL;
  GInputVector vec;
  char byte;
  int flags = G_SOCKET_MSG_PEEK;
  gssize n;

  if (t == NULL)
    return G_SOURCE_REMOVE;

  if (g_socket_is_closed (socket))
    {
      g_hash_table_remove (self->sockets, socket);  /* destroys this source */
      return G_SOURCE_REMOVE;
    }

  vec.buffer = &byte;
  vec.size = 1;
  n = g_socket_receive_message (socket, NULL, &vec, 1, NULL, NULL, &flags, NULL, &error);
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return G_SOURCE_CONTINUE;

  if (n > 0)
    {
      /* The next request is arriving: soup reads it, request-started follows. */
      g_clear_pointer (&t->watch, g_source_unref);
      return G_SOURCE_REMOVE;
    }

  /* EOF or a reset while idle: the client has gone. */
  close_socket (socket);
  g_hash_table_remove (self->sockets, socket);
  return G_SOURCE_REMOVE;
}

static void
watch_idle (SyConnectionReaper *self,
            Tracked            *t)
{
  t->idle_since = g_get_monotonic_time ();
  if (t->watch != NULL || g_socket_is_closed (t->socket))
    return;
  t->watch = g_socket_create_source (t->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (t->watch, G_SOURCE_FUNC (idle_readable_cb), self, NULL);
  g_source_set_static_name (t->watch, "[switchyard] idle connection");
  g_source_attach (t->watch, NULL);
}

static void
message_finished_cb (SoupServerMessage *msg,
                     gpointer           user_data)
{
  SyConnectionReaper *self = user_data;
  GSocket *socket = g_object_get_data (G_OBJECT (msg), "sy-reaper-socket");
  Tracked *t = socket ? g_hash_table_lookup (self->sockets, socket) : NULL;

  if (t == NULL)
    return;
  if (t->in_flight > 0)
    t->in_flight--;
  if (t->in_flight == 0)
    watch_idle (self, t);
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  SyConnectionReaper *self = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);
  Tracked *t;

  if (socket == NULL)
    return;

  t = g_hash_table_lookup (self->sockets, socket);
  if (t == NULL)
    {
      t = g_new0 (Tracked, 1);
      t->socket = g_object_ref (socket);
      g_hash_table_insert (self->sockets, socket, t);
    }
  if (t->watch != NULL)
    {
      g_source_destroy (t->watch);
      g_clear_pointer (&t->watch, g_source_unref);
    }
  t->in_flight++;

  g_object_set_data_full (G_OBJECT (msg), "sy-reaper-socket", g_object_ref (socket),
                          g_object_unref);
  g_signal_connect_object (msg, "finished", G_CALLBACK (message_finished_cb), self, 0);
}

static gboolean
sweep_cb (gpointer user_data)
{
  SyConnectionReaper *self = user_data;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->sockets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Tracked *t = value;

      if (g_socket_is_closed (t->socket))
        g_hash_table_iter_remove (&iter);
      else if (t->in_flight == 0 && now - t->idle_since > self->idle_limit_us)
        {
          close_socket (t->socket);
          g_hash_table_iter_remove (&iter);
        }
    }
  return G_SOURCE_CONTINUE;
}

static void
sy_connection_reaper_dispose (GObject *object)
{
  SyConnectionReaper *self = SY_CONNECTION_REAPER (object);

  g_clear_handle_id (&self->sweep_id, g_source_remove);
  if (self->server != NULL)
    {
      g_clear_signal_handler (&self->started_id, self->server);
      g_object_remove_weak_pointer (G_OBJECT (self->server), (gpointer *) &self->server);
      self->server = NULL;
    }
  if (self->sockets != NULL)
    g_hash_table_remove_all (self->sockets);
  G_OBJECT_CLASS (sy_connection_reaper_parent_class)->dispose (object);
}

static void
sy_connection_reaper_finalize (GObject *object)
{
  SyConnectionReaper *self = SY_CONNECTION_REAPER (object);

  g_clear_pointer (&self->sockets, g_hash_table_unref);
  G_OBJECT_CLASS (sy_connection_reaper_parent_class)->finalize (object);
}

static void
sy_connection_reaper_class_init (SyConnectionReaperClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_connection_reaper_dispose;
  object_class->finalize = sy_connection_reaper_finalize;
}

static void
sy_connection_reaper_init (SyConnectionReaper *self)
{
  self->sockets = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, tracked_free);
}

SyConnectionReaper *
sy_connection_reaper_new (SoupServer *server,
                          guint       idle_limit_ms)
{
  SyConnectionReaper *self = g_object_new (SY_TYPE_CONNECTION_REAPER, NULL);

  self->server = server;
  g_object_add_weak_pointer (G_OBJECT (server), (gpointer *) &self->server);
  self->idle_limit_us = (gint64) idle_limit_ms * 1000;
  self->started_id = g_signal_connect (server, "request-started",
                                       G_CALLBACK (request_started_cb), self);
  self->sweep_id = g_timeout_add_seconds (1, sweep_cb, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->sweep_id),
                            "[switchyard] connection sweep");
  return self;
}

void
sy_connection_reaper_set_idle_limit (SyConnectionReaper *self,
                                     guint               idle_limit_ms)
{
  g_return_if_fail (SY_IS_CONNECTION_REAPER (self));
  self->idle_limit_us = (gint64) idle_limit_ms * 1000;
}

guint
sy_connection_reaper_get_open (SyConnectionReaper *self)
{
  g_return_val_if_fail (SY_IS_CONNECTION_REAPER (self), 0);
  return g_hash_table_size (self->sockets);
}

void
sy_connection_reaper_close_idle (SyConnectionReaper *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (SY_IS_CONNECTION_REAPER (self));

  g_hash_table_iter_init (&iter, self->sockets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Tracked *t = value;

      if (t->in_flight == 0)
        {
          close_socket (t->socket);
          g_hash_table_iter_remove (&iter);
        }
    }
}

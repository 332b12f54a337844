/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A readability watch on the client's socket: readable with nothing to read (a peek of one
 * byte gives 0) or an error means the client is gone; readable with data means it is still
 * talking (pipelining) and the watch stops, rather than spin on a level-triggered source.
 * The connection reaper does the same for idle connections; this is for busy ones.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-client-watch.h"

struct _SyClientWatch
{
  GSocket          *socket;
  GSource          *source;
  SyClientGoneFunc  gone;
  gpointer          user_data;
};

static void
stop (SyClientWatch *self)
{
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
}

static gboolean
readable_cb (GSocket      *socket,
             GIOCondition  condition,
             gpointer      user_data)
{
  SyClientWatch *self = user_data;
  GInputVector vector;
  char byte;
  int flags = G_SOCKET_MSG_PEEK;
  gssize n = -1;
  g_autoptr(GError) error = NULL;

  if ((condition & (G_IO_HUP | G_IO_ERR)) == 0)
    {
      vector.buffer = &byte;
      vector.size = 1;
      n = g_socket_receive_message (socket, NULL, &vector, 1, NULL, NULL, &flags, NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;
    }
  g_clear_pointer (&self->source, g_source_unref);
  if (n <= 0)
    self->gone (self->user_data);  /* may free self: nothing after this */
  return G_SOURCE_REMOVE;
}

SyClientWatch *
sy_client_watch_new (SoupServerMessage *msg,
                     SyClientGoneFunc   gone,
                     gpointer           user_data)
{
  GSocket *socket;
  SyClientWatch *self;

  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), NULL);
  g_return_val_if_fail (gone != NULL, NULL);

  socket = soup_server_message_get_socket (msg);
  if (socket == NULL || g_socket_is_closed (socket))
    return NULL;
  self = g_new0 (SyClientWatch, 1);
  self->socket = g_object_ref (socket);
  self->gone = gone;
  self->user_data = user_data;
  self->source = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (self->source, G_SOURCE_FUNC (readable_cb), self, NULL);
  g_source_attach (self->source, g_main_context_get_thread_default ());
  return self;
}

void
sy_client_watch_free (SyClientWatch *self)
{
  if (self == NULL)
    return;
  stop (self);
  g_clear_object (&self->socket);
  g_free (self);
}

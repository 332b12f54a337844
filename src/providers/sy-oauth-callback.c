/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The loopback redirect target of browser logins. Listens on 127.0.0.1 only, answers the one
 * path it was made for, and emits "received" (a GHashTable of the query) from an idle, after
 * the page went out, so whoever listens may stop the server at once.
 */
#define G_LOG_DOMAIN "sy-providers"

#include "sy-oauth-callback.h"

#include <libsoup/soup.h>
#include <string.h>

#include "providers/sy-oauth-provider.h"

struct _SyOAuthCallback
{
  GObject     parent_instance;
  char       *path;
  SoupServer *server;
  guint       port;
  guint       idle_id;
  GHashTable *pending;    /* the query waiting for the idle */
  gboolean    received;
};

G_DEFINE_FINAL_TYPE (SyOAuthCallback, sy_oauth_callback, G_TYPE_OBJECT)

enum { RECEIVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char page[] =
  "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Switchyard</title></head>"
  "<body style=\"font-family: sans-serif; margin: 4em; text-align: center\">"
  "<h1>%s</h1><p>You can close this tab and return to Switchyard.</p></body></html>";

static void
sy_oauth_callback_dispose (GObject *object)
{
  SyOAuthCallback *self = SY_OAUTH_CALLBACK (object);

  sy_oauth_callback_stop (self);
  G_OBJECT_CLASS (sy_oauth_callback_parent_class)->dispose (object);
}

static void
sy_oauth_callback_finalize (GObject *object)
{
  SyOAuthCallback *self = SY_OAUTH_CALLBACK (object);

  g_free (self->path);
  G_OBJECT_CLASS (sy_oauth_callback_parent_class)->finalize (object);
}

static void
sy_oauth_callback_class_init (SyOAuthCallbackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_oauth_callback_dispose;
  object_class->finalize = sy_oauth_callback_finalize;

  /* ::received (GHashTable *query): the redirect's query parameters, once. */
  signals[RECEIVED] = g_signal_new ("received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_HASH_TABLE);
}

static void
sy_oauth_callback_init (SyOAuthCallback *self)
{
}

SyOAuthCallback *
sy_oauth_callback_new (const char *path)
{
  SyOAuthCallback *self = g_object_new (SY_TYPE_OAUTH_CALLBACK, NULL);

  self->path = g_strdup (path);
  return self;
}

static gboolean
emit_cb (gpointer user_data)
{
  SyOAuthCallback *self = user_data;
  g_autoptr(GHashTable) query = g_steal_pointer (&self->pending);

  self->idle_id = 0;
  g_signal_emit (self, signals[RECEIVED], 0, query);
  return G_SOURCE_REMOVE;
}

static void
request_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  SyOAuthCallback *self = user_data;
  g_autofree char *html = NULL;
  gboolean failed;
  gsize len;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                "close");
  if (g_strcmp0 (path, self->path) != 0 || query == NULL ||
      (!g_hash_table_contains (query, "code") && !g_hash_table_contains (query, "error")))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  failed = !g_hash_table_contains (query, "code");
  html = g_strdup_printf (page, failed ? "Login failed" : "Login complete");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  len = strlen (html);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&html), len);
  if (self->received)
    return;
  self->received = TRUE;
  self->pending = g_hash_table_ref (query);
  self->idle_id = g_idle_add (emit_cb, self);
}

/* Our own socket, so the port is read from it (soup_server_get_uris () leaks the address in
 * libsoup 3.2) and a taken port fails at bind with a plain "Address already in use". */
static GSocket *
bind_loopback (guint    port,
               GError **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, error);

  /* SO_REUSEADDR: the previous login's closed connections (TIME_WAIT) must not keep the
   * fixed port busy; a live listener still refuses us. */
  if (socket == NULL || !g_socket_bind (socket, address, TRUE, error) ||
      !g_socket_listen (socket, error))
    return NULL;
  return g_steal_pointer (&socket);
}

gboolean
sy_oauth_callback_listen (SyOAuthCallback  *self,
                          guint             port,
                          GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;

  g_return_val_if_fail (SY_IS_OAUTH_CALLBACK (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, NULL, request_cb, self, NULL);
  if ((socket = bind_loopback (port, &local_error)) == NULL ||
      !soup_server_listen_socket (self->server, socket, 0, &local_error) ||
      (bound = g_socket_get_local_address (socket, &local_error)) == NULL)
    {
      g_clear_object (&self->server);
      g_set_error (error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_UNAVAILABLE,
                   "cannot receive the login on 127.0.0.1:%u (%s); is another login or the "
                   "official CLI running? Paste the URL the browser ends on instead",
                   port, local_error->message);
      return FALSE;
    }
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return TRUE;
}

guint
sy_oauth_callback_get_port (SyOAuthCallback *self)
{
  g_return_val_if_fail (SY_IS_OAUTH_CALLBACK (self), 0);

  return self->port;
}

void
sy_oauth_callback_stop (SyOAuthCallback *self)
{
  g_return_if_fail (SY_IS_OAUTH_CALLBACK (self));

  g_clear_handle_id (&self->idle_id, g_source_remove);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  if (self->server != NULL)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
}

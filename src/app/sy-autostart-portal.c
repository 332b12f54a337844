/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Flatpak backend of start-in-tray: asks org.freedesktop.portal.Background to start
 * `switchyard --gapplication-service` at log-in (or not), following the portal's Request
 * protocol: the Request path is worked out from our unique name and handle_token and its
 * Response is subscribed to before the call, since the answer may come before the reply.
 * Async only, never a blocking D-Bus call; no GTK; it reports the answer and changes nothing
 * else (the application decides what a refusal means for the setting).
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-autostart-private.h"

#define PORTAL_NAME      "org.freedesktop.portal.Desktop"
#define PORTAL_PATH      "/org/freedesktop/portal/desktop"
#define BACKGROUND_IFACE "org.freedesktop.portal.Background"
#define REQUEST_IFACE    "org.freedesktop.portal.Request"

typedef struct
{
  GDBusConnection *bus;
  GVariant        *parameters;   /* RequestBackground's (sa{sv}) */
  char            *token;        /* our handle_token */
  char            *handle;       /* the Request object whose Response we wait for */
  guint            response_id;  /* that subscription; 0 once the request is over */
  gulong           cancelled_id;
  gboolean         enabled;
  gboolean         done;         /* the task has returned */
} Request;

static void
request_free (gpointer data)
{
  Request *r = data;

  g_assert (r->response_id == 0 && r->cancelled_id == 0);
  g_clear_object (&r->bus);
  g_clear_pointer (&r->parameters, g_variant_unref);
  g_free (r->token);
  g_free (r->handle);
  g_free (r);
}

char *
_sy_autostart_portal_dup_request_path (const char *unique_name,
                                       const char *handle_token)
{
  g_autofree char *sender = NULL;

  g_return_val_if_fail (unique_name != NULL && handle_token != NULL, NULL);

  sender = g_strdup (unique_name[0] == ':' ? unique_name + 1 : unique_name);
  g_strdelimit (sender, ".", '_');
  return g_strconcat (PORTAL_PATH "/request/", sender, "/", handle_token, NULL);
}

/* Ends the request once: stops listening and returns error (taken), or success. */
static void
finish (GTask  *task,
        GError *error)
{
  Request *r = g_task_get_task_data (task);

  g_assert (!r->done);
  r->done = TRUE;
  if (r->response_id != 0)
    g_dbus_connection_signal_unsubscribe (r->bus, r->response_id);
  r->response_id = 0;
  if (r->cancelled_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), r->cancelled_id);
  r->cancelled_id = 0;

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* What a failed RequestBackground call means for the user. */
static GError *
call_error (const GError *error)
{
  static const int missing[] = {
    G_DBUS_ERROR_SERVICE_UNKNOWN, G_DBUS_ERROR_NAME_HAS_NO_OWNER, G_DBUS_ERROR_UNKNOWN_METHOD,
    G_DBUS_ERROR_UNKNOWN_INTERFACE, G_DBUS_ERROR_UNKNOWN_OBJECT,
    G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND, G_DBUS_ERROR_SPAWN_EXEC_FAILED,
    G_DBUS_ERROR_SPAWN_CHILD_EXITED, G_DBUS_ERROR_SPAWN_FAILED,
  };
  g_autoptr(GError) plain = g_error_copy (error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&plain);
  g_dbus_error_strip_remote_error (plain);
  for (guint i = 0; error->domain == G_DBUS_ERROR && i < G_N_ELEMENTS (missing); i++)
    if (error->code == missing[i])
      return g_error_new (SY_AUTOSTART_ERROR, SY_AUTOSTART_ERROR_UNAVAILABLE,
                          "the Background portal (%s) is not available: %s", PORTAL_NAME,
                          plain->message);
  return g_error_new (SY_AUTOSTART_ERROR, SY_AUTOSTART_ERROR_FAILED,
                      "the Background portal failed: %s", plain->message);
}

/* NULL when a successful answer gave what was asked. */
static GError *
check_results (Request  *r,
               GVariant *results)
{
  g_autoptr(GVariant) autostart = g_variant_lookup_value (results, "autostart",
                                                          G_VARIANT_TYPE_BOOLEAN);
  g_autoptr(GVariant) background = g_variant_lookup_value (results, "background",
                                                           G_VARIANT_TYPE_BOOLEAN);

  /* Off is off whatever it says about running in the background now. */
  if (!r->enabled || (autostart != NULL && g_variant_get_boolean (autostart)))
    return NULL;
  return g_error_new (SY_AUTOSTART_ERROR, SY_AUTOSTART_ERROR_DENIED,
                      "the desktop does not let Switchyard start at log-in (running in the "
                      "background: %s)",
                      background == NULL ? "not said"
                      : g_variant_get_boolean (background) ? "allowed" : "not allowed");
}

static void
response_cb (GDBusConnection *bus,
             const char      *sender,
             const char      *path,
             const char      *interface,
             const char      *signal,
             GVariant        *parameters,
             gpointer         user_data)
{
  GTask *task = user_data;
  Request *r = g_task_get_task_data (task);
  g_autoptr(GVariant) results = NULL;
  guint32 response;

  if (r->done)
    return;
  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ua{sv})")))
    {
      finish (task, g_error_new (SY_AUTOSTART_ERROR, SY_AUTOSTART_ERROR_FAILED,
                                 "the Background portal answered %s, not (ua{sv})",
                                 g_variant_get_type_string (parameters)));
      return;
    }

  g_variant_get (parameters, "(u@a{sv})", &response, &results);
  switch (response)
    {
    case 0:
      finish (task, check_results (r, results));
      break;
    case 1:
      finish (task, g_error_new_literal (SY_AUTOSTART_ERROR, SY_AUTOSTART_ERROR_CANCELLED,
                                         "the portal's question was dismissed"));
      break;
    default:
      finish (task, g_error_new (SY_AUTOSTART_ERROR, SY_AUTOSTART_ERROR_FAILED,
                                 "the Background portal ended the request (response %u)",
                                 response));
      break;
    }
}

static void
subscribe (GTask *task)
{
  Request *r = g_task_get_task_data (task);

  r->response_id = g_dbus_connection_signal_subscribe (r->bus, PORTAL_NAME, REQUEST_IFACE,
                                                       "Response", r->handle, NULL,
                                                       G_DBUS_SIGNAL_FLAGS_NONE, response_cb,
                                                       g_object_ref (task), g_object_unref);
}

/* Whatever Close answers: the request is over for us either way. */
static void
closed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    g_debug ("closing the Background portal's request: %s", error->message);
}

/* The portal may still be asking the user: take the question away. With a callback, so the
 * call keeps the connection until it is sent, even if this request was its last user. */
static void
close_request (Request *r)
{
  g_dbus_connection_call (r->bus, PORTAL_NAME, r->handle, REQUEST_IFACE, "Close", NULL, NULL,
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, closed_cb, NULL);
}

static gboolean
cancelled_idle_cb (gpointer user_data)
{
  GTask *task = user_data;
  Request *r = g_task_get_task_data (task);

  if (r->done)
    return G_SOURCE_REMOVE;
  close_request (r);
  finish (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                     "the autostart request was cancelled"));
  return G_SOURCE_REMOVE;
}

/* Runs inside g_cancellable_cancel (), where the handler cannot be disconnected: the work
 * happens in an idle. */
static void
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  g_autoptr(GSource) idle = g_idle_source_new ();

  g_task_attach_source (user_data, idle, cancelled_idle_cb);
}

static void
called_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *r = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *handle;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (r->done)
    return;  /* answered, or cancelled, before the reply came */
  if (reply == NULL)
    {
      /* Cancelled in flight: the portal may have the request already. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        close_request (r);
      finish (task, call_error (error));
      return;
    }

  /* Portals before 0.9 chose the path themselves: listen where this one says. */
  g_variant_get (reply, "(&o)", &handle);
  if (!g_str_equal (handle, r->handle))
    {
      g_debug ("the Background portal answers on %s, not %s", handle, r->handle);
      g_dbus_connection_signal_unsubscribe (r->bus, r->response_id);
      g_free (r->handle);
      r->handle = g_strdup (handle);
      subscribe (task);
    }
}

static void
bus_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *r = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;

  r->bus = g_bus_get_finish (result, &error);
  if (r->bus == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        finish (task, g_steal_pointer (&error));
      else
        finish (task, g_error_new (SY_AUTOSTART_ERROR, SY_AUTOSTART_ERROR_UNAVAILABLE,
                                   "no session bus to reach the Background portal on: %s",
                                   error->message));
      return;
    }

  /* Listen first: the Response may come before the call's reply. */
  r->handle = _sy_autostart_portal_dup_request_path (g_dbus_connection_get_unique_name (r->bus),
                                                     r->token);
  subscribe (task);
  if (cancellable != NULL)
    r->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb),
                                             g_object_ref (task), g_object_unref);
  g_dbus_connection_call (r->bus, PORTAL_NAME, PORTAL_PATH, BACKGROUND_IFACE,
                          "RequestBackground", r->parameters, G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, cancellable, called_cb,
                          g_steal_pointer (&task));
}

void
_sy_autostart_portal_request_async (gboolean             enabled,
                                    const char          *parent_window,
                                    const char          *reason,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  static const char * const commandline[] = { "switchyard", "--gapplication-service", NULL };
  g_autoptr(GTask) task = NULL;
  GVariantBuilder options;
  Request *r;

  g_return_if_fail (parent_window != NULL && reason != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, _sy_autostart_portal_request_async);
  r = g_new0 (Request, 1);
  r->enabled = enabled;
  r->token = g_strdup_printf ("switchyard%u", g_random_int ());

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (r->token));
  g_variant_builder_add (&options, "{sv}", "reason", g_variant_new_string (reason));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (enabled));
  g_variant_builder_add (&options, "{sv}", "commandline",
                         g_variant_new_strv (commandline, -1));
  g_variant_builder_add (&options, "{sv}", "dbus-activatable", g_variant_new_boolean (FALSE));
  r->parameters = g_variant_ref_sink (g_variant_new ("(sa{sv})", parent_window, &options));
  g_task_set_task_data (task, r, request_free);

  g_bus_get (G_BUS_TYPE_SESSION, cancellable, bus_cb, g_steal_pointer (&task));
}

gboolean
_sy_autostart_portal_request_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

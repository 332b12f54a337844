/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Calls the management API of the gateway this process hosts, the way curl would, so the
 * desktop windows never grow a second copy of its validation. Each request carries
 * "Connection: close": the gateway is replaced on pause and port changes, and a pooled
 * connection to the old one must not be reused. Errors are turned into sentences here.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-admin-client.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

struct _SyAdminClient
{
  GObject        parent_instance;

  SyGatewayHost *host;
  SoupSession   *session;
};

G_DEFINE_FINAL_TYPE (SyAdminClient, sy_admin_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (sy-admin-client-error-quark, sy_admin_client_error)

static void
sy_admin_client_dispose (GObject *object)
{
  SyAdminClient *self = SY_ADMIN_CLIENT (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->host);
  G_OBJECT_CLASS (sy_admin_client_parent_class)->dispose (object);
}

static void
sy_admin_client_class_init (SyAdminClientClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sy_admin_client_dispose;
}

static void
sy_admin_client_init (SyAdminClient *self)
{
  g_autoptr(GProxyResolver) no_proxy = g_simple_proxy_resolver_new (NULL, NULL);

  /* Loopback only: $http_proxy must not apply (libsoup honours it even for 127.0.0.1). */
  self->session = g_object_new (SOUP_TYPE_SESSION,
                                "proxy-resolver", no_proxy,
                                "timeout", 60,
                                NULL);
}

SyAdminClient *
sy_admin_client_new (SyGatewayHost *host)
{
  SyAdminClient *self;

  g_return_val_if_fail (SY_IS_GATEWAY_HOST (host), NULL);

  self = g_object_new (SY_TYPE_ADMIN_CLIENT, NULL);
  self->host = g_object_ref (host);
  return self;
}

SyGatewayHost *
sy_admin_client_get_host (SyAdminClient *self)
{
  g_return_val_if_fail (SY_IS_ADMIN_CLIENT (self), NULL);
  return self->host;
}

/* {"error": {"message": "..."}} -> the message, else the HTTP reason. */
static char *
read_error_message (SoupMessage *msg,
                    GBytes      *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  JsonNode *root;

  if (len > 0 && json_parser_load_from_data (parser, data, (gssize) len, NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonNode *err = json_object_get_member (json_node_get_object (root), "error");
      const char *message = NULL;

      if (err != NULL && JSON_NODE_HOLDS_OBJECT (err))
        message = json_object_get_string_member_with_default (json_node_get_object (err),
                                                              "message", NULL);
      if (message != NULL)
        return g_strdup (message);
    }
  return g_strdup_printf ("HTTP %u %s", soup_message_get_status (msg),
                          soup_message_get_reason_phrase (msg));
}

/* What a call's task keeps: the message, and whether the caller wants the raw answer. */
typedef struct
{
  SoupMessage *msg;
  gboolean     raw;
} Call;

static void
call_free (Call *call)
{
  g_clear_object (&call->msg);
  g_free (call);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  SoupMessage *msg = call->msg;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  guint status;
  gsize len = 0;
  const char *data;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (bytes == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, SY_ADMIN_CLIENT_ERROR, SY_ADMIN_CLIENT_ERROR_UNREACHABLE,
                                 "%s", error->message);
      return;
    }

  status = soup_message_get_status (msg);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_autofree char *message = read_error_message (msg, bytes);

      g_task_return_new_error (task, SY_ADMIN_CLIENT_ERROR,
                               status >= 500 ? SY_ADMIN_CLIENT_ERROR_FAILED
                                             : SY_ADMIN_CLIENT_ERROR_REFUSED,
                               "%s", message);
      return;
    }

  if (call->raw)
    {
      g_task_return_pointer (task, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
      return;
    }
  data = g_bytes_get_data (bytes, &len);
  if (len == 0)
    {
      g_task_return_pointer (task, json_node_new (JSON_NODE_NULL),
                             (GDestroyNotify) json_node_unref);
      return;
    }
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &error))
    {
      g_task_return_new_error (task, SY_ADMIN_CLIENT_ERROR, SY_ADMIN_CLIENT_ERROR_FAILED,
                               "%s", error->message);
      return;
    }
  g_task_return_pointer (task, json_node_ref (json_parser_get_root (parser)),
                         (GDestroyNotify) json_node_unref);
}

static void
send_call (SyAdminClient       *self,
           gpointer             source_tag,
           const char          *method,
           const char          *path,
           const char          *content_type,
           GBytes              *body,
           gboolean             raw,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  g_autofree char *authorization = NULL;
  SoupMessageHeaders *headers;
  SyGateway *gateway;
  Call *call;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  gateway = sy_gateway_host_get_gateway (self->host);
  if (gateway == NULL || sy_gateway_host_get_status (self->host) != SY_GATEWAY_HOST_SERVING)
    {
      g_task_return_new_error (task, SY_ADMIN_CLIENT_ERROR, SY_ADMIN_CLIENT_ERROR_NOT_SERVING,
                               "the gateway is not serving");
      return;
    }

  base = sy_gateway_host_dup_base_url (self->host);
  url = g_strconcat (base, path, NULL);
  msg = soup_message_new (method, url);
  if (msg == NULL)
    {
      g_task_return_new_error (task, SY_ADMIN_CLIENT_ERROR, SY_ADMIN_CLIENT_ERROR_FAILED,
                               "invalid URL %s", url);
      return;
    }
  headers = soup_message_get_request_headers (msg);
  authorization = g_strconcat ("Bearer ", sy_gateway_get_admin_token (gateway), NULL);
  soup_message_headers_replace (headers, "Authorization", authorization);
  soup_message_headers_replace (headers, "Connection", "close");
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);

  call = g_new0 (Call, 1);
  call->msg = g_object_ref (msg);
  call->raw = raw;
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    sent_cb, g_steal_pointer (&task));
}

void
sy_admin_client_call_async (SyAdminClient       *self,
                            const char          *method,
                            const char          *path,
                            JsonNode            *body,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (SY_IS_ADMIN_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL && path[0] == '/');

  if (body != NULL)
    {
      g_autofree char *text = json_to_string (body, FALSE);
      gsize len = strlen (text);

      bytes = g_bytes_new_take (g_steal_pointer (&text), len);
    }
  send_call (self, sy_admin_client_call_async, method, path, "application/json", bytes, FALSE,
             cancellable, callback, user_data);
}

void
sy_admin_client_call_bytes_async (SyAdminClient       *self,
                                  const char          *method,
                                  const char          *path,
                                  const char          *content_type,
                                  GBytes              *body,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (SY_IS_ADMIN_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL && path[0] == '/');
  g_return_if_fail (body == NULL || content_type != NULL);

  send_call (self, sy_admin_client_call_bytes_async, method, path, content_type, body, TRUE,
             cancellable, callback, user_data);
}

GBytes *
sy_admin_client_call_bytes_finish (SyAdminClient  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (SY_IS_ADMIN_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        sy_admin_client_call_bytes_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

JsonNode *
sy_admin_client_call_finish (SyAdminClient  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (SY_IS_ADMIN_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The API names the field first ("models[2].weight: ..."); people read the label they see. */
static char *
field_label (const char *field)
{
  static const struct { const char *field; const char *label; } labels[] = {
    { "name", N_("Name") },
    { "strategy", N_("Strategy") },
    { "accountStrategy", N_("Account strategy") },
    { "models", N_("Members") },
    { "provider", N_("Provider") },
    { "apiKey", N_("API key") },
    { "priority", N_("Priority") },
    { "enabled", N_("Enabled") },
    { "baseUrl", N_("Base URL") },
    { "model", N_("Model") },
    { "inputPerMTok", N_("Input price") },
    { "outputPerMTok", N_("Output price") },
    { "cachedPerMTok", N_("Cached input price") },
  };
  guint index;
  const char *rest;

  if (g_str_has_prefix (field, "models[") &&
      sscanf (field, "models[%u]", &index) == 1 && (rest = strchr (field, ']')) != NULL)
    {
      if (g_str_equal (rest, "].weight"))
        return g_strdup_printf (_("Member %u, weight"), index + 1);
      if (g_str_equal (rest, "].model") || g_str_equal (rest, "]"))
        return g_strdup_printf (_("Member %u"), index + 1);
    }
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (field, labels[i].field))
      return g_strdup (_(labels[i].label));
  return NULL;
}

char *
sy_admin_client_describe_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != SY_ADMIN_CLIENT_ERROR)
    return g_strdup (error->message);

  switch ((SyAdminClientError) error->code)
    {
    case SY_ADMIN_CLIENT_ERROR_NOT_SERVING:
      return g_strdup (_("The gateway is not running, so nothing can be saved. Resume it (or "
                         "choose a free port) in the bar at the top of the window, then try "
                         "again."));
    case SY_ADMIN_CLIENT_ERROR_UNREACHABLE:
      return g_strdup_printf (_("The gateway did not answer (%s). Press Retry in the bar at the "
                                "top of the window, then try again."), error->message);
    case SY_ADMIN_CLIENT_ERROR_REFUSED:
      {
        const char *colon = strstr (error->message, ": ");

        if (colon != NULL)
          {
            g_autofree char *field = g_strndup (error->message, colon - error->message);
            g_autofree char *label = field_label (field);

            if (label != NULL)
              return g_strdup_printf ("%s: %s", label, colon + 2);
          }
        return g_strdup (error->message);
      }
    case SY_ADMIN_CLIENT_ERROR_FAILED:
    default:
      return g_strdup_printf (_("The gateway could not do it: %s. Fix what the message names "
                                "(a locked keyring, a full disk), then try again."),
                              error->message);
    }
}

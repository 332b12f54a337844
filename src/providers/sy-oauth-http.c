/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sends OAuth requests and classifies their answers. Bodies carry tokens and codes: nothing
 * here logs them, and error messages quote only the provider's error code and description.
 */
#define G_LOG_DOMAIN "sy-providers"

#include "sy-oauth-http.h"

#include <string.h>

static SoupMessage *
new_message (SyOriginMap *map,
             const char  *method,
             const char  *url)
{
  g_autofree char *target = map != NULL ? sy_origin_map_rewrite (map, url) : g_strdup (url);
  SoupMessage *msg = soup_message_new (method, target);
  SoupMessageHeaders *headers;

  g_return_val_if_fail (msg != NULL, NULL);
  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Accept", "application/json");
  soup_message_headers_replace (headers, "User-Agent", "Switchyard");
  return msg;
}

SoupMessage *
sy_oauth_http_form (SyOriginMap *map,
                    const char  *url,
                    const char  *first_name,
                    ...)
{
  SoupMessage *msg = new_message (map, SOUP_METHOD_POST, url);
  g_autoptr(GString) form = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  const char *name = first_name;
  va_list args;

  va_start (args, first_name);
  while (name != NULL)
    {
      const char *value = va_arg (args, const char *);

      if (value != NULL)
        {
          if (form->len > 0)
            g_string_append_c (form, '&');
          g_string_append_uri_escaped (form, name, NULL, FALSE);
          g_string_append_c (form, '=');
          g_string_append_uri_escaped (form, value, NULL, FALSE);
        }
      name = va_arg (args, const char *);
    }
  va_end (args);
  bytes = g_bytes_new (form->str, form->len);
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", bytes);
  return msg;
}

SoupMessage *
sy_oauth_http_json (SyOriginMap *map,
                    const char  *url,
                    JsonNode    *body)
{
  SoupMessage *msg = new_message (map, SOUP_METHOD_POST, url);
  g_autoptr(JsonNode) owned = body;
  g_autoptr(GBytes) bytes = NULL;
  gsize len;
  char *text = json_to_string (owned, FALSE);

  len = strlen (text);
  bytes = g_bytes_new_take (text, len);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  return msg;
}

SoupMessage *
sy_oauth_http_get (SyOriginMap *map,
                   const char  *url)
{
  return new_message (map, SOUP_METHOD_GET, url);
}

void
sy_oauth_http_authorize (SoupMessage *msg,
                         const char  *scheme,
                         const char  *credential)
{
  g_autofree char *value = g_strdup_printf ("%s %s", scheme, credential);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
}

typedef struct
{
  SoupMessage  *msg;
  GCancellable *own;       /* cancelled by the caller's or by the deadline */
  gulong        forward_id;
  GCancellable *outer;
  guint         deadline_id;
  gboolean      timed_out;
} Send;

static void
send_free (Send *s)
{
  g_clear_handle_id (&s->deadline_id, g_source_remove);
  if (s->outer != NULL)
    g_cancellable_disconnect (s->outer, s->forward_id);
  g_clear_object (&s->outer);
  g_clear_object (&s->own);
  g_clear_object (&s->msg);
  g_free (s);
}

static gboolean
cancel_idle_cb (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

/* From an idle, not here: the request may complete inside the cancellation, and its cleanup
 * disconnects from outer, which GLib 2.74 cannot do while outer's ::cancelled runs. */
static void
forward_cancel_cb (GCancellable *outer,
                   gpointer      user_data)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, cancel_idle_cb, g_object_ref (user_data), g_object_unref);
}

static gboolean
deadline_cb (gpointer user_data)
{
  Send *s = user_data;

  s->deadline_id = 0;
  s->timed_out = TRUE;
  g_cancellable_cancel (s->own);
  return G_SOURCE_REMOVE;
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Send *s = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              &error);
  g_autoptr(JsonNode) node = NULL;
  SyOAuthReply *reply;
  gsize len = 0;
  const char *data;

  if (body == NULL)
    {
      if (s->timed_out)
        g_task_return_new_error (task, SY_OAUTH_ERROR, SY_OAUTH_ERROR_TRANSIENT,
                                 "no answer within %d s", SY_OAUTH_HTTP_TIMEOUT);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, SY_OAUTH_ERROR, SY_OAUTH_ERROR_TRANSIENT,
                                 "cannot reach %s: %s",
                                 g_uri_get_host (soup_message_get_uri (s->msg)), error->message);
      return;
    }
  reply = g_new0 (SyOAuthReply, 1);
  reply->status = soup_message_get_status (s->msg);
  data = g_bytes_get_data (body, &len);
  if (len > 0 && len < 1024 * 1024)
    {
      g_autofree char *text = g_strndup (data, len);

      node = json_from_string (text, NULL);
      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        reply->json = json_object_ref (json_node_get_object (node));
    }
  g_task_return_pointer (task, reply, (GDestroyNotify) sy_oauth_reply_free);
}

void
sy_oauth_http_send_async (SoupSession         *session,
                          SoupMessage         *msg,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Send *s = g_new0 (Send, 1);

  g_task_set_source_tag (task, sy_oauth_http_send_async);
  s->msg = g_object_ref (msg);
  s->own = g_cancellable_new ();
  if (cancellable != NULL)
    {
      s->outer = g_object_ref (cancellable);
      s->forward_id = g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel_cb),
                                             g_object_ref (s->own), g_object_unref);
    }
  s->deadline_id = g_timeout_add_seconds (SY_OAUTH_HTTP_TIMEOUT, deadline_cb, s);
  g_task_set_task_data (task, s, (GDestroyNotify) send_free);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, s->own, sent_cb, task);
}

SyOAuthReply *
sy_oauth_http_send_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sy_oauth_reply_free (SyOAuthReply *reply)
{
  if (reply == NULL)
    return;
  g_clear_pointer (&reply->json, json_object_unref);
  g_free (reply);
}

const char *
sy_oauth_json_string (JsonObject *obj,
                      const char *name)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

const char *
sy_oauth_reply_get_error (SyOAuthReply *reply)
{
  JsonNode *node;

  if (reply->json == NULL || (node = json_object_get_member (reply->json, "error")) == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *obj = json_node_get_object (node);

      return sy_oauth_json_string (obj, "code") ? sy_oauth_json_string (obj, "code")
                                                : sy_oauth_json_string (obj, "type");
    }
  return sy_oauth_json_string (reply->json, "error");
}

static const struct
{
  const char   *code;
  SyOAuthError  error;
} error_codes[] = {
  { "invalid_grant", SY_OAUTH_ERROR_REVOKED },
  { "refresh_token_reused", SY_OAUTH_ERROR_REVOKED },
  { "unauthorized_client", SY_OAUTH_ERROR_REVOKED },
  { "invalid_client", SY_OAUTH_ERROR_REVOKED },
  { "access_denied", SY_OAUTH_ERROR_DENIED },
  { "expired_token", SY_OAUTH_ERROR_EXPIRED },
  { "ExpiredTokenException", SY_OAUTH_ERROR_EXPIRED },
  { "AccessDeniedException", SY_OAUTH_ERROR_DENIED },
  { "InvalidGrantException", SY_OAUTH_ERROR_REVOKED },
};

gboolean
sy_oauth_reply_check (SyOAuthReply  *reply,
                      const char    *what,
                      GError       **error)
{
  const char *code = sy_oauth_reply_get_error (reply);
  const char *description = NULL;
  SyOAuthError kind = SY_OAUTH_ERROR_PROTOCOL;

  if (SOUP_STATUS_IS_SUCCESSFUL (reply->status) && code == NULL)
    {
      if (reply->json != NULL)
        return TRUE;
      g_set_error (error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_PROTOCOL,
                   "%s: the answer is not a JSON object", what);
      return FALSE;
    }

  if (reply->json != NULL)
    description = sy_oauth_json_string (reply->json, "error_description")
                    ? sy_oauth_json_string (reply->json, "error_description")
                    : sy_oauth_json_string (reply->json, "message");
  if (reply->status == 429 || reply->status >= 500)
    kind = SY_OAUTH_ERROR_TRANSIENT;
  else if (reply->status == SOUP_STATUS_UNAUTHORIZED)
    kind = SY_OAUTH_ERROR_REVOKED;
  else if (reply->status == SOUP_STATUS_FORBIDDEN)
    kind = SY_OAUTH_ERROR_DENIED;
  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (error_codes); i++)
    if (g_str_equal (code, error_codes[i].code))
      kind = error_codes[i].error;

  g_set_error (error, SY_OAUTH_ERROR, kind, "%s: %s%s%s (HTTP %u)", what,
               code != NULL ? code : "failed", description != NULL ? ": " : "",
               description != NULL ? description : "", reply->status);
  return FALSE;
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SyOAuthReply) reply = sy_oauth_http_send_finish (result, &error);

  if (reply == NULL || !sy_oauth_reply_check (reply, g_task_get_task_data (task), &error))
    {
      if (error->domain == SY_OAUTH_ERROR && reply == NULL)
        g_prefix_error (&error, "%s: ", (const char *) g_task_get_task_data (task));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, json_object_ref (reply->json), (GDestroyNotify) json_object_unref);
}

void
sy_oauth_http_fetch_async (SoupSession         *session,
                           SoupMessage         *msg,
                           const char          *what,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, sy_oauth_http_fetch_async);
  g_task_set_task_data (task, g_strdup (what), g_free);
  sy_oauth_http_send_async (session, msg, cancellable, fetched_cb, task);
}

JsonObject *
sy_oauth_http_fetch_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

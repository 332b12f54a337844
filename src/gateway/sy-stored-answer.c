/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A stored answer and how it goes back out. Which headers are repeated is decided here, once:
 * never framing (a stream first sent chunked is given again with a length), never the date, and
 * never the first request's X-Request-Id, since every request gets its own.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-stored-answer.h"

#include "gateway/sy-http.h"

SyStoredAnswer *
sy_stored_answer_new (guint       status,
                      const char *content_type,
                      GBytes     *body)
{
  SyStoredAnswer *self = g_atomic_rc_box_new0 (SyStoredAnswer);

  g_return_val_if_fail (body != NULL, NULL);

  self->status = status;
  self->content_type = g_strdup (content_type ? content_type : "application/json");
  self->body = g_bytes_ref (body);
  self->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  return self;
}

SyStoredAnswer *
sy_stored_answer_ref (SyStoredAnswer *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
stored_answer_clear (gpointer data)
{
  SyStoredAnswer *self = data;

  g_free (self->content_type);
  g_bytes_unref (self->body);
  soup_message_headers_unref (self->headers);
}

void
sy_stored_answer_unref (SyStoredAnswer *self)
{
  g_atomic_rc_box_release_full (self, stored_answer_clear);
}

static gboolean
is_repeated (const char         *name,
             SoupMessageHeaders *from,
             gboolean            all)
{
  static const char * const routing[] = {
    "X-Switchyard-Provider", "X-Switchyard-Model", "X-Switchyard-Combo",
  };
  static const char * const never[] = {
    "Content-Length", "Content-Type", "Date", "Server", "X-Request-Id",
    "X-Switchyard-Idempotent", "X-Switchyard-Cache",
  };

  if (!all)
    {
      for (guint i = 0; i < G_N_ELEMENTS (routing); i++)
        if (g_ascii_strcasecmp (name, routing[i]) == 0)
          return TRUE;
      return FALSE;
    }
  if (sy_http_is_hop_by_hop (name, from))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (never); i++)
    if (g_ascii_strcasecmp (name, never[i]) == 0)
      return FALSE;
  return TRUE;
}

void
sy_stored_answer_keep_headers (SyStoredAnswer     *self,
                               SoupMessageHeaders *from,
                               gboolean            all)
{
  SoupMessageHeadersIter iter;
  const char *name, *value;

  g_return_if_fail (self != NULL && from != NULL);

  soup_message_headers_iter_init (&iter, from);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (is_repeated (name, from, all))
      soup_message_headers_append (self->headers, name, value);
}

gsize
sy_stored_answer_get_size (const SyStoredAnswer *self)
{
  return g_bytes_get_size (self->body);
}

void
sy_stored_answer_write (const SyStoredAnswer *self,
                        SoupServerMessage    *msg,
                        const char           *content_type_override,
                        GBytes               *body_override)
{
  SoupMessageHeaders *out = soup_server_message_get_response_headers (msg);
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  GBytes *bytes = body_override ? body_override : self->body;
  SoupMessageHeadersIter iter;
  const char *name, *value;

  g_return_if_fail (self != NULL);
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));

  soup_server_message_set_status (msg, self->status, NULL);
  soup_message_headers_iter_init (&iter, self->headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    soup_message_headers_replace (out, name, value);
  soup_message_headers_replace (out, "Content-Type",
                                content_type_override ? content_type_override
                                                      : self->content_type);
  soup_message_headers_set_content_length (out, g_bytes_get_size (bytes));
  soup_message_body_truncate (body);
  soup_message_body_append_bytes (body, bytes);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the transcription protocols share: the call copied into a job, a message for the
 * account's base URL with its auth header, and a send that reads a whole answer with a bound
 * (an upstream cannot make the gateway buffer without end). Routing decisions are not made
 * here.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-audio-exchange-private.h"

#include <string.h>

#include "gateway/sy-http.h"

#define READ_CHUNK 65536

G_DEFINE_QUARK (sy-audio-exchange-error-quark, sy_audio_exchange_error)

void
sy_audio_result_free (SyAudioResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->headers, soup_message_headers_unref);
  g_clear_pointer (&result->body, g_bytes_unref);
  g_free (result->content_type);
  g_free (result->text);
  g_free (result->error_message);
  g_free (result);
}

void
_sy_audio_job_free (SyAudioJob *job)
{
  g_clear_object (&job->session);
  g_free (job->base_url);
  if (job->secret != NULL)
    memset (job->secret, 0, strlen (job->secret));
  g_free (job->secret);
  g_free (job->model);
  g_clear_pointer (&job->upload, sy_audio_upload_unref);
  g_free (job);
}

SoupMessage *
_sy_audio_job_new_message (SyAudioJob  *job,
                           const char  *method,
                           const char  *path_and_query,
                           GError     **error)
{
  g_autofree char *url = g_strconcat (job->base_url, path_and_query, NULL);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, &local_error);
  SoupMessage *msg;

  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
                      g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    {
      g_set_error (error, SY_AUDIO_EXCHANGE_ERROR, SY_AUDIO_EXCHANGE_ERROR_BAD_URL,
                   "invalid base URL %s: %s", job->base_url,
                   local_error ? local_error->message : "not http or https");
      return NULL;
    }
  msg = soup_message_new_from_uri (method, uri);
  sy_http_set_auth_header (soup_message_get_request_headers (msg), job->auth_header, job->secret);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept",
                                "application/json");
  return msg;
}

/* --- a bounded send ------------------------------------------------------------------------ */

typedef struct
{
  SoupMessage  *msg;
  GInputStream *stream;
  GByteArray   *buffer;
} Send;

static void
send_free (Send *send)
{
  g_clear_object (&send->msg);
  g_clear_object (&send->stream);
  g_clear_pointer (&send->buffer, g_byte_array_unref);
  g_free (send);
}

static void read_next (GTask *task);

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Send *send = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result,
                                                              &error);
  SyAudioResult *answer;
  SoupMessageHeaders *headers;

  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_bytes_get_size (bytes) > 0)
    {
      if (send->buffer->len + g_bytes_get_size (bytes) > SY_AUDIO_MAX_ANSWER)
        {
          g_task_return_new_error (task, SY_AUDIO_EXCHANGE_ERROR, SY_AUDIO_EXCHANGE_ERROR_TOO_LARGE,
                                   "the upstream's answer exceeds %d bytes", SY_AUDIO_MAX_ANSWER);
          return;
        }
      g_byte_array_append (send->buffer, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      read_next (g_steal_pointer (&task));
      return;
    }

  headers = soup_message_get_response_headers (send->msg);
  answer = g_new0 (SyAudioResult, 1);
  answer->status = soup_message_get_status (send->msg);
  answer->headers = soup_message_headers_ref (headers);
  answer->body = g_byte_array_free_to_bytes (g_steal_pointer (&send->buffer));
  answer->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  g_task_return_pointer (task, answer, (GDestroyNotify) sy_audio_result_free);
}

static void
read_next (GTask *task)
{
  Send *send = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (send->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), read_cb, task);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Send *send = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  send->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (send->stream == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  read_next (g_steal_pointer (&task));
}

void
_sy_audio_send_async (SoupSession         *session,
                      SoupMessage         *msg,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Send *send = g_new0 (Send, 1);

  g_task_set_source_tag (task, _sy_audio_send_async);
  send->msg = g_object_ref (msg);
  send->buffer = g_byte_array_new ();
  g_task_set_task_data (task, send, (GDestroyNotify) send_free);
  soup_session_send_async (session, msg, G_PRIORITY_DEFAULT, cancellable, sent_cb, task);
}

SyAudioResult *
_sy_audio_send_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

JsonObject *
_sy_audio_result_dup_object (const SyAudioResult  *result,
                             const char           *provider,
                             GError              **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *data = g_bytes_get_data (result->body, &len);
  JsonNode *root;

  if (len == 0 || !g_utf8_validate_len (data, len, NULL) ||
      !json_parser_load_from_data (parser, data, (gssize) len, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, SY_AUDIO_EXCHANGE_ERROR, SY_AUDIO_EXCHANGE_ERROR_INVALID_RESPONSE,
                   "%s answered %u with %s instead of a JSON object", provider, result->status,
                   result->content_type ? result->content_type : "no content type");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

JsonObject *
_sy_audio_json_object (JsonObject *object,
                       const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
_sy_audio_json_array (JsonObject *object,
                      const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

const char *
_sy_audio_json_string (JsonObject *object,
                       const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

JsonObject *
_sy_audio_json_first_object (JsonArray *array)
{
  JsonNode *node = array && json_array_get_length (array) > 0
                     ? json_array_get_element (array, 0) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* --- the attempt ---------------------------------------------------------------------------- */

void
sy_audio_exchange_transcribe_async (const SyAudioCall   *call,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;
  SyAudioJob *job;
  gsize base_len;

  g_return_if_fail (call != NULL && call->upload != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sy_audio_exchange_transcribe_async);
  job = g_new0 (SyAudioJob, 1);
  job->session = g_object_ref (call->session);
  job->protocol = call->protocol;
  job->base_url = g_strdup (call->base_url);
  base_len = strlen (job->base_url);
  while (base_len > 0 && job->base_url[base_len - 1] == '/')
    job->base_url[--base_len] = '\0';
  job->auth_header = call->auth_header;
  job->secret = g_strdup (call->secret);
  job->model = g_strdup (call->model);
  job->upload = sy_audio_upload_ref (call->upload);
  g_task_set_task_data (task, job, (GDestroyNotify) _sy_audio_job_free);

  switch (call->protocol)
    {
    case SY_AUDIO_PROTOCOL_DEEPGRAM:
      _sy_audio_deepgram_start (task);
      break;
    case SY_AUDIO_PROTOCOL_ASSEMBLYAI:
      _sy_audio_assemblyai_start (task);
      break;
    case SY_AUDIO_PROTOCOL_OPENAI:
      _sy_audio_openai_start (task);
      break;
    case SY_AUDIO_PROTOCOL_NONE:
    default:
      g_assert_not_reached ();
    }
}

SyAudioResult *
sy_audio_exchange_transcribe_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

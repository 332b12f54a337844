/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * AssemblyAI's asynchronous transcription, with "Authorization: KEY": POST {base}/v2/upload
 * with the raw audio (answers upload_url), POST {base}/v2/transcript with that URL and the
 * speech_model (answers an id), then GET {base}/v2/transcript/{id} until its status is
 * "completed" (the text) or "error" (the reason). Polls back off from 100 ms to 3 s; how long
 * the whole attempt may take is the caller's cancellable. An error answer at any step goes
 * back as it is, for the routing to judge.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-audio-exchange-private.h"

#define FIRST_POLL_MS 100
#define MAX_POLL_MS   3000

typedef struct
{
  GTask   *task;
  char    *id;
  guint    delay_ms;
  GSource *timer;
  GSource *cancelled;
} Poll;

static void
poll_free (Poll *poll)
{
  if (poll->timer != NULL)
    g_source_destroy (poll->timer);
  if (poll->cancelled != NULL)
    g_source_destroy (poll->cancelled);
  g_clear_pointer (&poll->timer, g_source_unref);
  g_clear_pointer (&poll->cancelled, g_source_unref);
  g_clear_object (&poll->task);
  g_free (poll->id);
  g_free (poll);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Poll, poll_free)

static SyAudioJob *
job_of (GTask *task)
{
  return g_task_get_task_data (task);
}

static void
send (GTask               *task,
      const char          *method,
      const char          *path,
      const char          *content_type,
      GBytes              *body,
      GAsyncReadyCallback  callback,
      gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = _sy_audio_job_new_message (job_of (task), method, path, &error);

  if (msg == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);
  _sy_audio_send_async (job_of (task)->session, msg, g_task_get_cancellable (task), callback,
                        user_data);
}

/* An answer that ends the attempt as it is (an error status), or its JSON object. FALSE when
 * the task got its return value. */
static gboolean
take_answer (GTask          *task,
             GAsyncResult   *result,
             SyAudioResult **out_answer,
             JsonObject    **out_root)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SyAudioResult) answer = _sy_audio_send_finish (result, &error);

  if (answer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return FALSE;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (answer->status))
    {
      g_task_return_pointer (task, g_steal_pointer (&answer),
                             (GDestroyNotify) sy_audio_result_free);
      return FALSE;
    }
  if ((*out_root = _sy_audio_result_dup_object (answer, "assemblyai", &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return FALSE;
    }
  *out_answer = g_steal_pointer (&answer);
  return TRUE;
}

static void
return_invalid (GTask      *task,
                const char *what)
{
  g_task_return_new_error (task, SY_AUDIO_EXCHANGE_ERROR, SY_AUDIO_EXCHANGE_ERROR_INVALID_RESPONSE,
                           "assemblyai answered without %s", what);
}

static void schedule_poll (Poll *poll);

/* A transcript's status: the task's end ("completed", "error"), or another poll. Takes poll. */
static void
judge (Poll          *owned,
       SyAudioResult *owned_answer,
       JsonObject    *root)
{
  g_autoptr(Poll) poll = owned;
  g_autoptr(SyAudioResult) answer = owned_answer;
  const char *status = _sy_audio_json_string (root, "status");
  JsonNode *text;

  if (g_strcmp0 (status, "completed") == 0)
    {
      text = json_object_get_member (root, "text");
      if (text != NULL && JSON_NODE_HOLDS_VALUE (text) &&
          json_node_get_value_type (text) == G_TYPE_STRING)
        answer->text = g_strdup (json_node_get_string (text));
      else if (text != NULL && JSON_NODE_HOLDS_NULL (text))
        answer->text = g_strdup ("");  /* no speech in the audio */
      else
        {
          return_invalid (poll->task, "the text of a completed transcript");
          return;
        }
      g_task_return_pointer (poll->task, g_steal_pointer (&answer),
                             (GDestroyNotify) sy_audio_result_free);
      return;
    }
  if (g_strcmp0 (status, "error") == 0)
    {
      const char *reason = _sy_audio_json_string (root, "error");

      /* The upstream took the request but could not transcribe the audio: an answer about
       * the request, which the failure policy reads like any 422. */
      answer->status = SOUP_STATUS_UNPROCESSABLE_ENTITY;
      answer->error_message = g_strdup (reason ? reason : "the transcript failed");
      g_task_return_pointer (poll->task, g_steal_pointer (&answer),
                             (GDestroyNotify) sy_audio_result_free);
      return;
    }
  if (g_strcmp0 (status, "queued") != 0 && g_strcmp0 (status, "processing") != 0)
    {
      return_invalid (poll->task, "a known transcript status");
      return;
    }
  schedule_poll (g_steal_pointer (&poll));
}

static void
polled_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Poll) poll = user_data;
  g_autoptr(JsonObject) root = NULL;
  SyAudioResult *answer = NULL;

  if (take_answer (poll->task, result, &answer, &root))
    judge (g_steal_pointer (&poll), answer, root);
}

static gboolean
poll_due_cb (gpointer user_data)
{
  Poll *poll = user_data;
  g_autofree char *id = g_uri_escape_string (poll->id, NULL, FALSE);
  g_autofree char *path = g_strconcat ("/v2/transcript/", id, NULL);

  g_source_destroy (poll->cancelled);
  g_clear_pointer (&poll->cancelled, g_source_unref);
  g_clear_pointer (&poll->timer, g_source_unref);
  poll->delay_ms = MIN (poll->delay_ms * 2, MAX_POLL_MS);
  send (poll->task, SOUP_METHOD_GET, path, NULL, NULL, polled_cb, poll);
  if (g_task_had_error (poll->task))
    poll_free (poll);  /* the path could not be sent */
  return G_SOURCE_REMOVE;
}

static gboolean
poll_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  Poll *poll = user_data;

  g_source_destroy (poll->timer);
  g_clear_pointer (&poll->timer, g_source_unref);
  g_clear_pointer (&poll->cancelled, g_source_unref);
  g_task_return_error_if_cancelled (poll->task);
  poll_free (poll);
  return G_SOURCE_REMOVE;
}

/* Waits poll->delay_ms, or until the attempt is cancelled, whichever comes first. */
static void
schedule_poll (Poll *poll)
{
  poll->timer = g_timeout_source_new (poll->delay_ms);
  g_source_set_callback (poll->timer, poll_due_cb, poll, NULL);
  g_source_attach (poll->timer, g_main_context_get_thread_default ());
  poll->cancelled = g_cancellable_source_new (g_task_get_cancellable (poll->task));
  g_source_set_callback (poll->cancelled, G_SOURCE_FUNC (poll_cancelled_cb), poll, NULL);
  g_source_attach (poll->cancelled, g_main_context_get_thread_default ());
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) root = NULL;
  SyAudioResult *answer = NULL;
  const char *id;
  Poll *poll;

  if (!take_answer (task, result, &answer, &root))
    return;
  if ((id = _sy_audio_json_string (root, "id")) == NULL || *id == '\0')
    {
      sy_audio_result_free (answer);
      return_invalid (task, "a transcript id");
      return;
    }
  poll = g_new0 (Poll, 1);
  poll->task = g_steal_pointer (&task);
  poll->id = g_strdup (id);
  poll->delay_ms = FIRST_POLL_MS;
  judge (poll, answer, root);
}

static void
uploaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(SyAudioResult) answer = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) request = NULL;
  g_autoptr(GBytes) body = NULL;
  SyAudioJob *job = job_of (task);
  const char *upload_url;
  char *text;
  gsize len;

  if (!take_answer (task, result, &answer, &root))
    return;
  if ((upload_url = _sy_audio_json_string (root, "upload_url")) == NULL || *upload_url == '\0')
    {
      return_invalid (task, "an upload_url");
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "audio_url");
  json_builder_add_string_value (builder, upload_url);
  json_builder_set_member_name (builder, "speech_model");
  json_builder_add_string_value (builder, job->model);
  if (job->upload->language != NULL)
    {
      json_builder_set_member_name (builder, "language_code");
      json_builder_add_string_value (builder, job->upload->language);
    }
  json_builder_end_object (builder);
  request = json_builder_get_root (builder);
  json_generator_set_root (generator, request);
  text = json_generator_to_data (generator, &len);
  body = g_bytes_new_take (text, len);

  send (task, SOUP_METHOD_POST, "/v2/transcript", "application/json", body, created_cb, task);
  if (!g_task_had_error (task))
    g_steal_pointer (&task);  /* now created_cb's */
}

void
_sy_audio_assemblyai_start (GTask *task)
{
  SyAudioJob *job = job_of (task);

  send (task, SOUP_METHOD_POST, "/v2/upload", "application/octet-stream", job->upload->audio,
        uploaded_cb, task);
  if (g_task_had_error (task))
    g_object_unref (task);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Deepgram's pre-recorded transcription: POST {base}/v1/listen?model=M[&language=L] with the
 * raw audio as the body (its own content type) and "Authorization: Token KEY". The transcript
 * is results.channels[0].alternatives[0].transcript; a 2xx answer without one is unusable.
 * Error answers go back to the caller as they are, for the routing to judge.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-audio-exchange-private.h"

static char *
dup_transcript (JsonObject *root)
{
  JsonObject *results = _sy_audio_json_object (root, "results");
  JsonObject *channel = _sy_audio_json_first_object (_sy_audio_json_array (results, "channels"));
  JsonObject *best = _sy_audio_json_first_object (_sy_audio_json_array (channel, "alternatives"));

  return g_strdup (_sy_audio_json_string (best, "transcript"));
}

static void
listened_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SyAudioResult) answer = _sy_audio_send_finish (result, &error);
  g_autoptr(JsonObject) root = NULL;

  if (answer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (SOUP_STATUS_IS_SUCCESSFUL (answer->status))
    {
      if ((root = _sy_audio_result_dup_object (answer, "deepgram", &error)) == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if ((answer->text = dup_transcript (root)) == NULL)
        {
          g_task_return_new_error (task, SY_AUDIO_EXCHANGE_ERROR,
                                   SY_AUDIO_EXCHANGE_ERROR_INVALID_RESPONSE,
                                   "deepgram answered %u without "
                                   "results.channels[0].alternatives[0].transcript",
                                   answer->status);
          return;
        }
    }
  g_task_return_pointer (task, g_steal_pointer (&answer), (GDestroyNotify) sy_audio_result_free);
}

void
_sy_audio_deepgram_start (GTask *task)
{
  SyAudioJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *model = g_uri_escape_string (job->model, NULL, FALSE);
  g_autofree char *path = NULL;

  if (job->upload->language != NULL)
    {
      g_autofree char *language = g_uri_escape_string (job->upload->language, NULL, FALSE);

      path = g_strdup_printf ("/v1/listen?model=%s&language=%s", model, language);
    }
  else
    path = g_strdup_printf ("/v1/listen?model=%s", model);

  if ((msg = _sy_audio_job_new_message (job, SOUP_METHOD_POST, path, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  soup_message_set_request_body_from_bytes (msg, job->upload->audio_content_type,
                                            job->upload->audio);
  _sy_audio_send_async (job->session, msg, g_task_get_cancellable (task), listened_cb, task);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Transcription at an OpenAI-compatible provider: POST {base}/audio/transcriptions with the
 * client's multipart form byte for byte, its boundary and Content-Type kept, only the model
 * field's value replaced. The answer (JSON, or text, srt or vtt as response_format asked) goes
 * back as the provider wrote it; a JSON answer that is not JSON is unusable.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-audio-exchange-private.h"

#include "core/sy-json-scan.h"

static void
answered_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyAudioJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(SyAudioResult) answer = _sy_audio_send_finish (result, &error);
  gsize len;
  const char *data;

  if (answer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data = g_bytes_get_data (answer->body, &len);
  if (SOUP_STATUS_IS_SUCCESSFUL (answer->status) && !sy_audio_upload_wants_text (job->upload) &&
      !sy_json_check_object (data, len, 128, NULL))
    {
      g_task_return_new_error (task, SY_AUDIO_EXCHANGE_ERROR,
                               SY_AUDIO_EXCHANGE_ERROR_INVALID_RESPONSE,
                               "the upstream answered %u with %s instead of JSON", answer->status,
                               answer->content_type ? answer->content_type : "no content type");
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&answer), (GDestroyNotify) sy_audio_result_free);
}

void
_sy_audio_openai_start (GTask *task)
{
  SyAudioJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = _sy_audio_job_new_message (job, SOUP_METHOD_POST,
                                                          "/audio/transcriptions", &error);
  g_autoptr(GBytes) form = NULL;

  if (msg == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  /* The answer's shape is the form's response_format, not ours to ask for. */
  soup_message_headers_remove (soup_message_get_request_headers (msg), "Accept");
  form = sy_audio_upload_dup_form (job->upload, job->model);
  soup_message_set_request_body_from_bytes (msg, job->upload->form_content_type, form);
  _sy_audio_send_async (job->session, msg, g_task_get_cancellable (task), answered_cb, task);
}

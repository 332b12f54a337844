/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything a transcription can be refused for is refused here, in OpenAI's error shape and
 * naming the field: method, client key, size (maxBodyBytes), a body that is not a well-formed
 * multipart form, a missing or empty file, an audio format outside mp3, wav, m4a, flac, ogg
 * and webm, a missing model, a bad optional field, a model no target can transcribe with.
 * No upstream is contacted here.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-audio-endpoint.h"

#include "gateway/sy-access-control.h"
#include "gateway/sy-audio-request.h"
#include "gateway/sy-audio-upload.h"
#include "gateway/sy-budget-guard.h"
#include "gateway/sy-http.h"
#include "gateway/sy-inbound-auth.h"
#include "gateway/sy-media-target.h"

/* The one place a SY_AUDIO_UPLOAD_ERROR becomes a status and a code. */
static void
respond_upload_error (SoupServerMessage *msg,
                      const GError      *error)
{
  static const struct
  {
    SyAudioUploadError  code;
    guint               status;
    const char         *name;
  } table[] = {
    { SY_AUDIO_UPLOAD_ERROR_NOT_MULTIPART, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
      "unsupported_media_type" },
    { SY_AUDIO_UPLOAD_ERROR_INVALID_MULTIPART, SOUP_STATUS_BAD_REQUEST, "invalid_multipart" },
    { SY_AUDIO_UPLOAD_ERROR_MISSING_FILE, SOUP_STATUS_BAD_REQUEST, "missing_file" },
    { SY_AUDIO_UPLOAD_ERROR_UNSUPPORTED_FORMAT, SOUP_STATUS_BAD_REQUEST, "unsupported_format" },
    { SY_AUDIO_UPLOAD_ERROR_MISSING_MODEL, SOUP_STATUS_BAD_REQUEST, "missing_model" },
    { SY_AUDIO_UPLOAD_ERROR_INVALID_FIELD, SOUP_STATUS_BAD_REQUEST, "invalid_value" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (error->code == (int) table[i].code)
      {
        sy_http_respond_error (msg, SY_DIALECT_OPENAI, table[i].status, "invalid_request_error",
                               table[i].name, "%s", error->message);
        return;
      }
  sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_BAD_REQUEST,
                         "invalid_request_error", "invalid_request", "%s", error->message);
}

/* srt and vtt come only from OpenAI-compatible providers; the others give text. */
static gboolean
keep_subtitle_targets (SyRoutePlan    *plan,
                       SyAudioUpload  *upload,
                       GError        **error)
{
  g_autofree char *first = NULL;

  if (!g_str_equal (upload->response_format, "srt") &&
      !g_str_equal (upload->response_format, "vtt"))
    return TRUE;
  for (guint i = 0; i < plan->targets->len;)
    {
      SyRoute *route = g_ptr_array_index (plan->targets, i);

      if (sy_media_target_audio_protocol (route) == SY_AUDIO_PROTOCOL_OPENAI)
        {
          i++;
          continue;
        }
      if (first == NULL)
        first = g_strdup (route->provider_label);
      g_ptr_array_remove_index (plan->targets, i);
    }
  if (plan->targets->len > 0)
    return TRUE;
  g_set_error (error, SY_AUDIO_UPLOAD_ERROR, SY_AUDIO_UPLOAD_ERROR_INVALID_FIELD,
               "response_format: %s does not write %s; ask for json, verbose_json or text",
               first, upload->response_format);
  return FALSE;
}

void
sy_audio_endpoint_handle (SyGateway         *gateway,
                          SoupServerMessage *msg)
{
  SySettingsRepo *settings = sy_gateway_get_settings (gateway);
  gint64 limit = sy_settings_repo_get_int (settings, "maxBodyBytes");
  g_autoptr(SyApiKey) api_key = NULL;
  g_autoptr(SyAudioUpload) upload = NULL;
  g_autoptr(SyRoutePlan) plan = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *auth_message = NULL;

  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    {
      sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_METHOD_NOT_ALLOWED,
                             "invalid_request_error", "method_not_allowed",
                             "use POST for /v1/audio/transcriptions");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    "POST");
      return;
    }
  if (!sy_inbound_auth_check (sy_gateway_get_api_keys (gateway), msg,
                              sy_settings_repo_get_boolean (settings, "requireApiKey"),
                              &api_key, &auth_message))
    {
      sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_UNAUTHORIZED,
                             "authentication_error", "invalid_api_key", "%s", auth_message);
      return;
    }
  if (sy_http_body_exceeded (msg, limit))
    {
      sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                             "invalid_request_error", "request_too_large",
                             "the request body exceeds the limit of %" G_GINT64_FORMAT
                             " bytes (setting maxBodyBytes)", limit);
      return;
    }

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  upload = sy_audio_upload_new (soup_server_message_get_request_headers (msg), body, &error);
  if (upload == NULL)
    {
      respond_upload_error (msg, error);
      return;
    }

  /* The key's scopes and request limits (403, 429). */
  if (!sy_access_control_admit (gateway, msg, SY_DIALECT_OPENAI, api_key, upload->model, NULL))
    return;

  plan = sy_route_planner_plan (sy_gateway_get_planner (gateway), upload->model, NULL, &error);
  if (plan == NULL || !sy_media_target_filter_plan (plan, SY_MEDIA_TRANSCRIPTION, &error))
    {
      sy_http_respond_gerror (msg, SY_DIALECT_OPENAI, error);
      return;
    }
  if (!keep_subtitle_targets (plan, upload, &error))
    {
      respond_upload_error (msg, error);
      return;
    }
  /* The key's budgets: audio is not priced by tokens, so only a budget already spent refuses
   * (the estimate is the empty prompt's). */
  {
    g_autoptr(GBytes) no_prompt = g_bytes_new_static ("", 0);

    if (!sy_budget_guard_admit (gateway, msg, SY_DIALECT_OPENAI, api_key, plan, no_prompt))
      return;
  }
  sy_audio_request_start (gateway, msg, upload, api_key, g_steal_pointer (&plan));
}

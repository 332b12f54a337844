/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyAudioRequest's answers to the client: a transcript as the OpenAI-compatible provider wrote
 * it, or mapped to OpenAI's {"text"} (or the bare text); an upstream error as the provider
 * wrote it when it is OpenAI's shape, else in OpenAI's shape with the provider's own words; the
 * gateway's own errors. Every answer carries the route headers. No routing decisions here.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-audio-request-private.h"

#include <string.h>

#include "core/sy-json-scan.h"
#include "gateway/sy-http.h"
#include "gateway/sy-media-target.h"
#include "translate/sy-usage-scan.h"

/* The answer, whole; the usage row follows once it is written (finished). */
void
_sy_audio_reply_send (SyAudioRequest *self,
                      guint           status,
                      const char     *content_type,
                      GBytes         *body)
{
  gsize len;
  gconstpointer data = g_bytes_get_data (body, &len);

  if (self->core.client_gone)
    {
      _sy_audio_request_finish (self);
      return;
    }
  g_clear_pointer (&self->watch, sy_client_watch_free);
  self->core.final_status = status;
  self->core.first_byte_us = g_get_monotonic_time ();
  sy_request_core_add_route_headers (&self->core);
  soup_server_message_set_status (self->core.msg, status, NULL);
  soup_server_message_set_response (self->core.msg, content_type, SOUP_MEMORY_COPY, data, len);
  self->core.completed = TRUE;
  soup_server_message_unpause (self->core.msg);
}

void
_sy_audio_reply_error (SyAudioRequest *self,
                       guint           status,
                       const char     *type,
                       const char     *code,
                       const char     *message)
{
  char *text = sy_http_format_error (SY_DIALECT_OPENAI, status, type, code, message);
  gsize len = strlen (text);
  g_autoptr(GBytes) body = g_bytes_new_take (text, len);

  sy_request_core_set_error_code (&self->core, code);
  _sy_audio_reply_send (self, status, "application/json", body);
}

/* --- answers --------------------------------------------------------------------------------- */

/* The provider's own words from an error body: OpenAI's error.message, Deepgram's err_msg,
 * AssemblyAI's error, or a printable excerpt. */
char *
_sy_audio_reply_dup_upstream_message (const SyAudioResult *result)
{
  gsize len;
  const char *data = g_bytes_get_data (result->body, &len);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  GString *excerpt;

  if (result->error_message != NULL)
    return g_strdup (result->error_message);
  if (len > 0 && g_utf8_validate_len (data, len, NULL) &&
      json_parser_load_from_data (parser, data, (gssize) len, NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *o = json_node_get_object (root);
      JsonNode *error = json_object_get_member (o, "error");
      const char *keys[] = { "err_msg", "message", "error" };

      if (error != NULL && JSON_NODE_HOLDS_OBJECT (error))
        o = json_node_get_object (error);
      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        {
          JsonNode *node = json_object_get_member (o, keys[i]);

          if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
              json_node_get_value_type (node) == G_TYPE_STRING)
            return g_strdup (json_node_get_string (node));
        }
    }
  excerpt = g_string_new (NULL);
  for (gsize i = 0; i < len && excerpt->len < 160; i++)
    g_string_append_c (excerpt, g_ascii_isprint (data[i]) ? data[i] : ' ');
  return g_strstrip (g_string_free (excerpt, FALSE));
}

/* An upstream error status that ends the request, in OpenAI's shape: an OpenAI-compatible
 * provider's JSON error as it wrote it, anyone else's in its own words. */
void
_sy_audio_reply_upstream_error (SyAudioRequest      *self,
                                const SyAudioResult *result)
{
  gsize len;
  const char *data = g_bytes_get_data (result->body, &len);
  g_autofree char *words = NULL;
  g_autofree char *message = NULL;
  const char *type;

  if (sy_media_target_audio_protocol (self->core.route) == SY_AUDIO_PROTOCOL_OPENAI &&
      sy_json_check_object (data, len, 128, NULL))
    {
      g_free (self->core.error_code);
      self->core.error_code = g_strdup ("upstream_error");
      _sy_audio_reply_send (self, result->status, "application/json", result->body);
      return;
    }
  words = _sy_audio_reply_dup_upstream_message (result);
  if (result->error_message != NULL)
    {
      message = g_strdup_printf ("%s could not transcribe the audio: %s",
                                 self->core.route->provider_label, words);
      _sy_audio_reply_error (self, result->status, "invalid_request_error", "transcription_failed",
                     message);
      return;
    }
  message = g_strdup_printf ("upstream %s answered %u%s%s", self->core.route->provider_label,
                             result->status, *words ? ": " : "", words);
  type = result->status == 429 ? "rate_limit_error"
         : result->status == 401 || result->status == 403 ? "authentication_error"
         : result->status >= 400 && result->status < 500 ? "invalid_request_error" : "api_error";
  _sy_audio_reply_error (self, result->status, type, "upstream_error", message);
}

/* A transcript in the shape the client asked for. */
void
_sy_audio_reply_success (SyAudioRequest *self,
                         SyAudioResult  *result)
{
  gsize len;
  const char *data = g_bytes_get_data (result->body, &len);
  g_autoptr(GBytes) body = NULL;
  GString *json;

  if (result->text == NULL)
    {
      /* OpenAI-compatible: the bytes as the provider wrote them, under its content type. */
      const char *type = result->headers
                           ? soup_message_headers_get_one (result->headers, "Content-Type") : NULL;

      if (sy_json_check_object (data, len, 128, NULL))
        sy_usage_scan_json (SY_DIALECT_RESPONSES, data, len, &self->core.usage);
      _sy_audio_reply_send (self, result->status, type ? type : "application/json", result->body);
      return;
    }
  if (sy_audio_upload_wants_text (self->upload))
    {
      body = g_bytes_new (result->text, strlen (result->text));
      _sy_audio_reply_send (self, SOUP_STATUS_OK, "text/plain; charset=utf-8", body);
      return;
    }
  json = g_string_new ("{\"text\":");
  sy_json_append_string (json, result->text);
  g_string_append_c (json, '}');
  body = g_string_free_to_bytes (json);
  _sy_audio_reply_send (self, SOUP_STATUS_OK, "application/json", body);
}

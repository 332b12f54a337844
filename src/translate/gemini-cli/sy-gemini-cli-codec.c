/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The gemini-cli dialect: the gemini codec's converters with the Cloud Code envelope put on
 * (requests, answers) and taken off (upstream answers, requests read back). Errors are Google's
 * own error objects, unwrapped, so they go to the gemini codec as they are. Pure: no I/O, safe
 * on untrusted input; holds no Gemini logic of its own.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-gemini-cli.h"

#include <string.h>

#include "core/sy-json-scan.h"
#include "translate/gemini/sy-gemini-private.h"
#include "sy-gemini-cli-stream-decoder.h"
#include "sy-gemini-cli-stream-encoder.h"

/* The envelope adds one level above the Gemini body's own limit. */
#define ENVELOPE_MAX_DEPTH (SY_GEMINI_MAX_DEPTH + 1)

gboolean
sy_gemini_cli_unwrap (const char  *data,
                      gsize        len,
                      const char  *member,
                      const char **inner,
                      gsize       *inner_len)
{
  SyJsonSpan span;

  g_return_val_if_fail (member != NULL, FALSE);
  g_return_val_if_fail (inner != NULL && inner_len != NULL, FALSE);

  if (data == NULL || !sy_json_check_object (data, len, ENVELOPE_MAX_DEPTH, NULL) ||
      !sy_json_object_lookup (data, len, member, &span) || span.kind != SY_JSON_KIND_OBJECT)
    return FALSE;
  *inner = data + span.start;
  *inner_len = span.end - span.start;
  return TRUE;
}

/* A UUID-shaped name for bytes: SHA-1, version 5 and variant bits set as in RFC 4122. */
static char *
derive_uuid (const char *data,
             gsize       len)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize digest_len = sizeof digest;

  g_checksum_update (checksum, (const guchar *) data, (gssize) len);
  g_checksum_get_digest (checksum, digest, &digest_len);
  digest[6] = (guint8) ((digest[6] & 0x0f) | 0x50);
  digest[8] = (guint8) ((digest[8] & 0x3f) | 0x80);
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                          "%02x%02x%02x%02x%02x%02x",
                          digest[0], digest[1], digest[2], digest[3], digest[4], digest[5],
                          digest[6], digest[7], digest[8], digest[9], digest[10], digest[11],
                          digest[12], digest[13], digest[14], digest[15]);
}

GBytes *
sy_gemini_cli_wrap (GBytes      *gemini_body,
                    const char  *model,
                    const char  *project,
                    const char  *session_id,
                    GError     **error)
{
  const char *data, *request;
  gsize len, request_len;
  g_autofree char *kept_project = NULL;
  g_autofree char *prompt_id = NULL;
  SyJsonSpan span;
  GString *out;

  g_return_val_if_fail (gemini_body != NULL, NULL);
  g_return_val_if_fail (model != NULL, NULL);

  data = g_bytes_get_data (gemini_body, &len);
  if (data == NULL || !sy_json_check_object (data, len, ENVELOPE_MAX_DEPTH, NULL))
    {
      g_set_error_literal (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_INVALID_REQUEST,
                           "request body: expected a JSON object");
      return NULL;
    }
  request = data;
  request_len = len;
  /* An envelope already (a Gemini body has contents, never a request object) */
  if (!sy_json_object_lookup (data, len, "contents", &span) &&
      sy_gemini_cli_unwrap (data, len, "request", &request, &request_len))
    {
      if (project == NULL && sy_json_object_lookup (data, len, "project", &span) &&
          span.kind == SY_JSON_KIND_STRING)
        project = kept_project = sy_json_span_dup_string (data, &span);
    }
  /* request_len counts surrounding whitespace only for a bare body: trim to the braces */
  while (request_len > 0 && request[0] != '{')
    request++, request_len--;
  while (request_len > 0 && request[request_len - 1] != '}')
    request_len--;
  g_assert (request_len >= 2);
  prompt_id = derive_uuid (request, request_len);

  out = g_string_sized_new (request_len + 256);
  g_string_append (out, "{\"model\":");
  sy_json_append_string (out, _sy_gemini_model_id (model));
  if (project != NULL)
    {
      g_string_append (out, ",\"project\":");
      sy_json_append_string (out, project);
    }
  g_string_append (out, ",\"user_prompt_id\":");
  sy_json_append_string (out, prompt_id);
  g_string_append (out, ",\"request\":");
  if (session_id != NULL && !sy_json_object_lookup (request, request_len, "session_id", &span))
    {
      /* the first member of the request, with a comma unless the request is empty */
      gboolean empty = TRUE;

      for (gsize i = 1; i + 1 < request_len && empty; i++)
        empty = g_ascii_isspace (request[i]);
      g_string_append (out, "{\"session_id\":");
      sy_json_append_string (out, session_id);
      if (!empty)
        g_string_append_c (out, ',');
      g_string_append_len (out, request + 1, (gssize) request_len - 1);
    }
  else
    g_string_append_len (out, request, (gssize) request_len);
  g_string_append_c (out, '}');
  return g_string_free_to_bytes (out);
}

/* --- the codec's converters ----------------------------------------------------------------- */

static SyChatRequest *
parse_request (const char  *data,
               gsize        len,
               GError     **error)
{
  const char *inner;
  gsize inner_len;
  g_autoptr(SyChatRequest) request = NULL;
  SyJsonSpan span;

  if (!sy_gemini_cli_unwrap (data, len, "request", &inner, &inner_len))
    return _sy_gemini_parse_request (data, len, error);
  request = _sy_gemini_parse_request (inner, inner_len, error);
  if (request == NULL)
    return NULL;
  if (request->model == NULL && sy_json_object_lookup (data, len, "model", &span) &&
      span.kind == SY_JSON_KIND_STRING)
    request->model = sy_json_span_dup_string (data, &span);
  return g_steal_pointer (&request);
}

static GBytes *
emit_request (const SyChatRequest  *request,
              GPtrArray            *notes,
              GError              **error)
{
  g_autoptr(GBytes) body = _sy_gemini_emit_request (request, notes, error);

  if (body == NULL)
    return NULL;
  /* The account's project is not the request's business: the gateway re-wraps with it. */
  return sy_gemini_cli_wrap (body, request->model ? request->model : "", NULL, NULL, error);
}

static char *
request_path (const SyChatRequest *request)
{
  /* The model travels in the envelope, not in the path. */
  return g_strdup (request->stream ? "/v1internal:streamGenerateContent?alt=sse"
                                   : "/v1internal:generateContent");
}

static SyChatResponse *
parse_response (const char  *data,
                gsize        len,
                GError     **error)
{
  const char *inner;
  gsize inner_len;

  /* No "response" object: an error object or a bare Gemini body, which the gemini codec
   * reads or reports in its own words. */
  if (!sy_gemini_cli_unwrap (data, len, "response", &inner, &inner_len))
    return _sy_gemini_parse_response (data, len, error);
  return _sy_gemini_parse_response (inner, inner_len, error);
}

static GBytes *
emit_response (const SyChatResponse *response,
               GPtrArray            *notes)
{
  g_autoptr(GBytes) body = _sy_gemini_emit_response (response, notes);
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  GString *out = g_string_sized_new (len + 16);

  g_string_append (out, "{\"response\":");
  g_string_append_len (out, data, (gssize) len);
  g_string_append_c (out, '}');
  return g_string_free_to_bytes (out);
}

const SyCodec sy_gemini_cli_codec = {
  .dialect = SY_DIALECT_GEMINI_CLI,
  .parse_request = parse_request,
  .emit_request = emit_request,
  .request_path = request_path,
  .parse_response = parse_response,
  .emit_response = emit_response,
  .new_decoder = sy_gemini_cli_stream_decoder_new,
  .new_encoder = sy_gemini_cli_stream_encoder_new,
  .format_error = _sy_gemini_format_error,
  .parse_error = _sy_gemini_parse_error,
};

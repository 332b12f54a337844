/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Kiro (AWS CodeWhisperer) dialect's codec table, and its small converters: complete
 * responses (a whole event-stream body, decoded as a stream and assembled), errors, and the
 * AWS exception mapping. Kiro is upstream only: no client speaks it, so parse_request fails
 * and emit_response / new_encoder give NULL. Pure.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-kiro-private.h"

#include <string.h>

#include "sy-kiro-stream-decoder.h"
#include "translate/sy-stream-translator.h"

/* --- exceptions ------------------------------------------------------------------------------- */

static const struct
{
  const char *exception;
  guint       status;
  const char *type;
} exceptions[] = {
  { "ThrottlingException", 429, "rate_limit_error" },
  { "ServiceQuotaExceededException", 429, "rate_limit_error" },
  { "ValidationException", 400, "invalid_request_error" },
  { "ContentLengthExceededException", 400, "invalid_request_error" },
  { "ConflictException", 409, "invalid_request_error" },
  { "AccessDeniedException", 403, "permission_error" },
  { "UnauthorizedException", 401, "authentication_error" },
  { "ExpiredTokenException", 401, "authentication_error" },
  { "ResourceNotFoundException", 404, "not_found_error" },
  { "ServiceUnavailableException", 503, "overloaded_error" },
  { "InternalServerException", 500, "api_error" },
};

const char *
_sy_kiro_exception_name (const char *exception)
{
  const char *p;

  if (exception == NULL)
    return "UnknownException";
  if ((p = strrchr (exception, '#')) != NULL)
    exception = p + 1;
  return exception;
}

static int
find_exception (const char *exception)
{
  const char *name = _sy_kiro_exception_name (exception);

  for (guint i = 0; i < G_N_ELEMENTS (exceptions); i++)
    if (g_str_has_prefix (name, exceptions[i].exception))
      return (int) i;
  return -1;
}

guint
_sy_kiro_status_for_exception (const char *exception)
{
  int i = find_exception (exception);

  return i < 0 ? 502 : exceptions[i].status;
}

const char *
_sy_kiro_type_for_exception (const char *exception)
{
  int i = find_exception (exception);

  return i < 0 ? "api_error" : exceptions[i].type;
}

void
_sy_kiro_note (GPtrArray  *notes,
               const char *format,
               ...)
{
  g_autofree char *text = NULL;
  va_list args;

  if (notes == NULL)
    return;
  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  for (guint i = 0; i < notes->len; i++)
    if (g_str_equal (g_ptr_array_index (notes, i), text))
      return;
  g_ptr_array_add (notes, g_steal_pointer (&text));
}

/* --- errors ----------------------------------------------------------------------------------- */

char *
_sy_kiro_format_error (guint       status,
                       const char *type,
                       const char *code,
                       const char *message)
{
  GString *out = g_string_sized_new (128);
  const char *exception = NULL;

  if (type != NULL && g_str_has_suffix (type, "Exception"))
    {
      exception = _sy_kiro_exception_name (type);
      for (const char *c = exception; *c != '\0' && exception != NULL; c++)
        if (!g_ascii_isalnum (*c))
          exception = NULL;
    }
  for (guint i = 0; exception == NULL && i < G_N_ELEMENTS (exceptions); i++)
    if (exceptions[i].status == status)
      exception = exceptions[i].exception;
  if (exception == NULL)
    exception = status >= 400 && status < 500 ? "ValidationException" : "InternalServerException";

  g_string_append (out, "{\"message\":");
  sy_json_write_string (out, message ? message : "");
  g_string_append (out, ",\"__type\":");
  g_string_append (out, "\"com.amazon.aws.codewhisperer#");
  g_string_append (out, exception);  /* a name from the table or an [A-Za-z0-9] type */
  g_string_append (out, "\"}");
  return g_string_free (out, FALSE);
}

gboolean
_sy_kiro_parse_error (const char  *data,
                      gsize        len,
                      char       **type,
                      char       **message)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *obj;
  const char *text = NULL, *exception = NULL, *reason = NULL;

  *type = NULL;
  *message = NULL;
  if (data == NULL || (root = sy_json_read_load (parser, data, len, SY_KIRO_MAX_DEPTH, NULL)) ==
      NULL)
    return FALSE;
  obj = json_node_get_object (root);
  sy_json_read_string (obj, NULL, "message", 0, &text, NULL);
  if (text == NULL)
    sy_json_read_string (obj, NULL, "Message", 0, &text, NULL);
  sy_json_read_string (obj, NULL, "__type", 0, &exception, NULL);
  sy_json_read_string (obj, NULL, "reason", 0, &reason, NULL);
  if (text == NULL && exception == NULL)
    return FALSE;

  *type = g_strdup (_sy_kiro_type_for_exception (exception));
  if (exception != NULL)
    *message = g_strdup_printf ("%s: %s%s%s%s", _sy_kiro_exception_name (exception),
                                text ? text : "the upstream reported an error",
                                reason ? " (" : "", reason ? reason : "", reason ? ")" : "");
  else
    *message = g_strdup_printf ("%s%s%s%s", text, reason ? " (" : "", reason ? reason : "",
                                reason ? ")" : "");
  return TRUE;
}

/* --- responses -------------------------------------------------------------------------------- */

SyChatResponse *
_sy_kiro_parse_response (const char  *data,
                         gsize        len,
                         GError     **error)
{
  g_autoptr(SyStreamTranslator) translator = sy_stream_translator_new_assembler (SY_DIALECT_KIRO);
  g_autoptr(GString) ignored = g_string_new (NULL);

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (!sy_stream_translator_push (translator, data, len, ignored, error))
    return NULL;
  sy_stream_translator_finish (translator, ignored);
  return sy_stream_translator_steal_response (translator, error);
}

char *
_sy_kiro_request_path (const SyChatRequest *request)
{
  return g_strdup ("/generateAssistantResponse");
}

/* --- what an upstream-only dialect does not do ------------------------------------------------ */

static SyChatRequest *
parse_request (const char  *data,
               gsize        len,
               GError     **error)
{
  g_set_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_UNSUPPORTED,
               "Kiro is an upstream dialect only: no client request is read in it");
  return NULL;
}

static GBytes *
emit_response (const SyChatResponse *response,
               GPtrArray            *notes)
{
  _sy_kiro_note (notes, "Kiro is an upstream dialect only: no response is written in it");
  return NULL;
}

static SyStreamEncoder *
new_encoder (void)
{
  return NULL;
}

const SyCodec sy_kiro_codec = {
  .dialect = SY_DIALECT_KIRO,
  .stream_framing = SY_FRAMING_AWS_EVENT_STREAM,
  .parse_request = parse_request,
  .emit_request = _sy_kiro_emit_request,
  .request_path = _sy_kiro_request_path,
  .parse_response = _sy_kiro_parse_response,
  .emit_response = emit_response,
  .new_decoder = sy_kiro_stream_decoder_new,
  .new_encoder = new_encoder,
  .format_error = _sy_kiro_format_error,
  .parse_error = _sy_kiro_parse_error,
};

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Validation of a transcription form. The audio format is read off the file name's extension
 * and the part's content type; when both are known they must agree, and a generic type
 * (application/octet-stream, none) defers to the name. Every refusal names the field. Nothing
 * is copied from the form but the short text fields. No I/O.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-audio-upload.h"

#include <math.h>
#include <string.h>

#include "gateway/sy-multipart.h"

#define MAX_LANGUAGE 16

G_DEFINE_QUARK (sy-audio-upload-error-quark, sy_audio_upload_error)

typedef struct
{
  const char *format;
  const char *types[6];
} AudioFormat;

static const AudioFormat audio_formats[] = {
  { "mp3",  { "audio/mpeg", "audio/mp3", "audio/mpeg3", "audio/x-mpeg-3", "audio/mpga", NULL } },
  { "wav",  { "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave", NULL } },
  { "m4a",  { "audio/mp4", "audio/m4a", "audio/x-m4a", NULL } },
  { "flac", { "audio/flac", "audio/x-flac", NULL } },
  { "ogg",  { "audio/ogg", "application/ogg", "audio/opus", NULL } },
  { "webm", { "audio/webm", "video/webm", NULL } },
};

static const char * const response_formats[] = { "json", "text", "srt", "verbose_json", "vtt" };

const char *
sy_audio_upload_formats (void)
{
  return "mp3, wav, m4a, flac, ogg, webm";
}

SyAudioUpload *
sy_audio_upload_ref (SyAudioUpload *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
upload_clear (SyAudioUpload *self)
{
  g_clear_pointer (&self->form, g_bytes_unref);
  g_clear_pointer (&self->audio, g_bytes_unref);
  g_free (self->form_content_type);
  g_free (self->filename);
  g_free (self->audio_content_type);
  g_free (self->model);
  g_free (self->language);
  g_free (self->prompt);
  g_free (self->response_format);
}

void
sy_audio_upload_unref (SyAudioUpload *self)
{
  g_atomic_rc_box_release_full (self, (GDestroyNotify) upload_clear);
}

static const AudioFormat *
format_by_extension (const char *ext)
{
  for (guint i = 0; i < G_N_ELEMENTS (audio_formats); i++)
    if (g_ascii_strcasecmp (audio_formats[i].format, ext) == 0)
      return &audio_formats[i];
  return NULL;
}

static const AudioFormat *
format_by_type (const char *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (audio_formats); i++)
    for (guint j = 0; audio_formats[i].types[j] != NULL; j++)
      if (g_str_equal (audio_formats[i].types[j], type))
        return &audio_formats[i];
  return NULL;
}

static gboolean
type_is_generic (const char *type)
{
  return type == NULL || g_str_equal (type, "application/octet-stream") ||
         g_str_equal (type, "binary/octet-stream");
}

/* The file's extension, lower case, from the last path component (browsers send "a.mp3",
 * old ones "C:\\fakepath\\a.mp3"); NULL when it has none. */
static char *
dup_extension (const char *filename)
{
  const char *base, *dot;

  if (filename == NULL)
    return NULL;
  base = MAX (strrchr (filename, '/'), strrchr (filename, '\\'));
  base = base ? base + 1 : filename;
  dot = strrchr (base, '.');
  if (dot == NULL || dot == base || dot[1] == '\0')
    return NULL;
  return g_ascii_strdown (dot + 1, -1);
}

static gboolean
set_error (GError             **error,
           SyAudioUploadError   code,
           const char          *format,
           ...) G_GNUC_PRINTF (3, 4);

static gboolean
set_error (GError             **error,
           SyAudioUploadError   code,
           const char          *format,
           ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (SY_AUDIO_UPLOAD_ERROR, code, format, args));
  va_end (args);
  return FALSE;
}

static gboolean
resolve_format (SyAudioUpload  *self,
                GError        **error)
{
  g_autofree char *ext = dup_extension (self->filename);
  const AudioFormat *by_ext = ext ? format_by_extension (ext) : NULL;
  const AudioFormat *by_type = NULL;
  const char *type = self->audio_content_type;

  if (ext != NULL && by_ext == NULL)
    return set_error (error, SY_AUDIO_UPLOAD_ERROR_UNSUPPORTED_FORMAT,
                      "file: .%s files are not supported; send one of %s", ext,
                      sy_audio_upload_formats ());
  if (!type_is_generic (type) && (by_type = format_by_type (type)) == NULL)
    return set_error (error, SY_AUDIO_UPLOAD_ERROR_UNSUPPORTED_FORMAT,
                      "file: content type %s is not a supported audio format; send one of %s",
                      type, sy_audio_upload_formats ());
  if (by_ext != NULL && by_type != NULL && by_ext != by_type)
    return set_error (error, SY_AUDIO_UPLOAD_ERROR_UNSUPPORTED_FORMAT,
                      "file: the name says .%s but the content type says %s", ext, type);
  if (by_ext == NULL && by_type == NULL)
    return set_error (error, SY_AUDIO_UPLOAD_ERROR_UNSUPPORTED_FORMAT,
                      "file: cannot tell the audio format; give the file a name ending in its "
                      "extension (one of %s) or send its content type", sy_audio_upload_formats ());
  self->format = by_ext ? by_ext->format : by_type->format;
  return TRUE;
}

/* A text field's value: valid UTF-8 without NUL. */
static char *
dup_text (GBytes                *form,
          const SyMultipartPart *part,
          GError               **error)
{
  const char *data = (const char *) g_bytes_get_data (form, NULL) + part->start;
  gsize len = part->end - part->start;

  if (!g_utf8_validate_len (data, len, NULL))
    {
      set_error (error, SY_AUDIO_UPLOAD_ERROR_INVALID_FIELD,
                 "%s: expected UTF-8 text", part->name);
      return NULL;
    }
  return g_strndup (data, len);
}

static gboolean
check_language (const char  *language,
                GError     **error)
{
  gsize len = strlen (language);

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalpha (language[i]) && language[i] != '-')
      len = 0;
  if (len == 0 || len > MAX_LANGUAGE)
    return set_error (error, SY_AUDIO_UPLOAD_ERROR_INVALID_FIELD,
                      "language: expected a language code such as \"en\" or \"pt-BR\"");
  return TRUE;
}

static gboolean
check_response_format (const char  *value,
                       GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (response_formats); i++)
    if (g_str_equal (value, response_formats[i]))
      return TRUE;
  return set_error (error, SY_AUDIO_UPLOAD_ERROR_INVALID_FIELD,
                    "response_format: expected json, text, srt, verbose_json or vtt");
}

static gboolean
parse_temperature (const char  *value,
                   double      *out,
                   GError     **error)
{
  char *end = NULL;
  double t = g_ascii_strtod (value, &end);

  if (*value == '\0' || end == NULL || *end != '\0' || !(t >= 0 && t <= 1))
    return set_error (error, SY_AUDIO_UPLOAD_ERROR_INVALID_FIELD,
                      "temperature: expected a number from 0 to 1");
  *out = t;
  return TRUE;
}

/* The optional fields; a known one given twice is refused rather than guessed at. */
static gboolean
take_fields (SyAudioUpload  *self,
             GPtrArray      *parts,
             GError        **error)
{
  static const char * const single[] = {
    "file", "model", "language", "prompt", "response_format", "temperature",
  };

  for (guint i = 0; i < G_N_ELEMENTS (single); i++)
    {
      guint seen = 0;

      for (guint j = 0; j < parts->len; j++)
        seen += g_str_equal (((SyMultipartPart *) g_ptr_array_index (parts, j))->name, single[i]);
      if (seen > 1)
        return set_error (error, SY_AUDIO_UPLOAD_ERROR_INVALID_FIELD,
                          "%s: given %u times; send it once", single[i], seen);
    }

  for (guint i = 0; i < parts->len; i++)
    {
      const SyMultipartPart *part = g_ptr_array_index (parts, i);
      g_autofree char *value = NULL;

      if (!g_str_equal (part->name, "language") && !g_str_equal (part->name, "prompt") &&
          !g_str_equal (part->name, "response_format") && !g_str_equal (part->name, "temperature"))
        continue;
      if ((value = dup_text (self->form, part, error)) == NULL)
        return FALSE;
      if (g_str_equal (part->name, "language"))
        {
          if (!check_language (value, error))
            return FALSE;
          self->language = g_steal_pointer (&value);
        }
      else if (g_str_equal (part->name, "prompt"))
        self->prompt = g_steal_pointer (&value);
      else if (g_str_equal (part->name, "response_format"))
        {
          if (!check_response_format (value, error))
            return FALSE;
          g_free (self->response_format);
          self->response_format = g_steal_pointer (&value);
        }
      else if (!parse_temperature (value, &self->temperature, error))
        return FALSE;
    }
  return TRUE;
}

SyAudioUpload *
sy_audio_upload_new (SoupMessageHeaders  *request_headers,
                     GBytes              *body,
                     GError             **error)
{
  g_autoptr(SyAudioUpload) self = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(GError) local_error = NULL;
  const SyMultipartPart *file, *model;
  const char *type;
  gsize len;
  const guint8 *data = g_bytes_get_data (body, &len);

  g_return_val_if_fail (request_headers != NULL && body != NULL, NULL);

  type = soup_message_headers_get_content_type (request_headers, &params);
  if (type == NULL || g_ascii_strcasecmp (type, "multipart/form-data") != 0)
    {
      set_error (error, SY_AUDIO_UPLOAD_ERROR_NOT_MULTIPART,
                 "send the audio as multipart/form-data (a \"file\" and a \"model\" field), "
                 "not %s", type ? type : "a body without a Content-Type");
      return NULL;
    }
  parts = sy_multipart_parse (params ? g_hash_table_lookup (params, "boundary") : NULL,
                              data ? data : (const guint8 *) "", len, &local_error);
  if (parts == NULL)
    {
      set_error (error, SY_AUDIO_UPLOAD_ERROR_INVALID_MULTIPART, "%s", local_error->message);
      return NULL;
    }

  self = g_atomic_rc_box_new0 (SyAudioUpload);
  self->form = g_bytes_ref (body);
  self->form_content_type = g_strdup (soup_message_headers_get_one (request_headers,
                                                                    "Content-Type"));
  self->response_format = g_strdup ("json");
  self->temperature = NAN;

  if (!take_fields (self, parts, error))
    return NULL;

  if ((file = sy_multipart_find (parts, "file")) == NULL)
    {
      set_error (error, SY_AUDIO_UPLOAD_ERROR_MISSING_FILE,
                 "missing required field: file (the audio, one of %s)", sy_audio_upload_formats ());
      return NULL;
    }
  if (file->end == file->start)
    {
      set_error (error, SY_AUDIO_UPLOAD_ERROR_MISSING_FILE, "file: the file is empty");
      return NULL;
    }
  self->audio = g_bytes_new_from_bytes (body, file->start, file->end - file->start);
  self->filename = g_strdup (file->filename);
  self->audio_content_type = g_strdup (file->content_type ? file->content_type
                                                          : "application/octet-stream");
  if (!resolve_format (self, error))
    return NULL;

  if ((model = sy_multipart_find (parts, "model")) == NULL || model->end == model->start)
    {
      set_error (error, SY_AUDIO_UPLOAD_ERROR_MISSING_MODEL,
                 "missing required field: model (such as \"deepgram/nova-3\")");
      return NULL;
    }
  if ((self->model = dup_text (body, model, error)) == NULL)
    return NULL;
  self->model_start = model->start;
  self->model_end = model->end;
  return g_steal_pointer (&self);
}

GBytes *
sy_audio_upload_dup_form (const SyAudioUpload *self,
                          const char          *model)
{
  gsize len;
  const char *data = g_bytes_get_data (self->form, &len);
  GString *out;

  g_return_val_if_fail (self != NULL && model != NULL, NULL);

  if (g_str_equal (model, self->model))
    return g_bytes_ref (self->form);
  out = g_string_sized_new (len + strlen (model));
  g_string_append_len (out, data, self->model_start);
  g_string_append (out, model);
  g_string_append_len (out, data + self->model_end, len - self->model_end);
  return g_string_free_to_bytes (out);
}

gboolean
sy_audio_upload_wants_text (const SyAudioUpload *self)
{
  return g_str_equal (self->response_format, "text") ||
         g_str_equal (self->response_format, "srt") ||
         g_str_equal (self->response_format, "vtt");
}

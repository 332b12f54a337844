/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The multipart/form-data parser and the transcription form's validation, without a server:
 * well-formed forms (preamble, epilogue, padding, folded headers, quoted boundaries) give the
 * exact byte spans; malformed ones (a wrong or missing boundary, a cut body, parts without a
 * name, too many parts) give the error that names the problem; every audio format is accepted
 * by name and by type, and nothing else is.
 */
#include <math.h>
#include <string.h>

#include "gateway/sy-audio-upload.h"
#include "gateway/sy-multipart.h"

static GPtrArray *
parse (const char  *boundary,
       const char  *body,
       GError     **error)
{
  return sy_multipart_parse (boundary, (const guint8 *) body, strlen (body), error);
}

static char *
content (const char            *body,
         const SyMultipartPart *part)
{
  return g_strndup (body + part->start, part->end - part->start);
}

static void
test_well_formed (void)
{
  static const char body[] =
    "this preamble is ignored\r\n"
    "--XyZ \t\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"a b.mp3\"\r\n"
    "Content-Type: Audio/MPEG; rate=44100\r\n"
    "\r\n"
    "\x01\x02\r\n--XyNot\r\n--Xy\r\n"
    "--XyZ\r\n"
    "content-disposition: form-data;\r\n"
    "  name=\"model\"\r\n"
    "\r\n"
    "deepgram/nova-3\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"empty\"\r\n"
    "\r\n"
    "\r\n"
    "--XyZ--\r\n"
    "and an epilogue\r\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) parts = parse ("XyZ", body, &error);
  const SyMultipartPart *file, *model, *empty;
  g_autofree char *file_content = NULL;
  g_autofree char *model_content = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (parts->len, ==, 3);
  file = g_ptr_array_index (parts, 0);
  g_assert_cmpstr (file->name, ==, "file");
  g_assert_cmpstr (file->filename, ==, "a b.mp3");
  g_assert_cmpstr (file->content_type, ==, "audio/mpeg");
  file_content = content (body, file);
  g_assert_cmpstr (file_content, ==, "\x01\x02\r\n--XyNot\r\n--Xy");

  model = sy_multipart_find (parts, "model");
  g_assert_nonnull (model);
  g_assert_null (model->filename);
  g_assert_null (model->content_type);
  model_content = content (body, model);
  g_assert_cmpstr (model_content, ==, "deepgram/nova-3");

  empty = sy_multipart_find (parts, "empty");
  g_assert_cmpuint (empty->start, ==, empty->end);
  g_assert_null (sy_multipart_find (parts, "missing"));
}

typedef struct
{
  const char       *name;
  const char       *boundary;
  const char       *body;
  SyMultipartError  code;
  const char       *message_part;
} Malformed;

static const Malformed malformed[] = {
  { "no-boundary", NULL, "--a\r\n\r\n--a--", SY_MULTIPART_ERROR_BOUNDARY, "boundary" },
  { "boundary-too-long",
    "0123456789012345678901234567890123456789012345678901234567890123456789x",
    "", SY_MULTIPART_ERROR_BOUNDARY, "1 to 70" },
  { "other-boundary", "abc",
    "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--xyz--\r\n",
    SY_MULTIPART_ERROR_BOUNDARY, "\"abc\"" },
  { "delimiter-with-more", "abc", "--abcd\r\n", SY_MULTIPART_ERROR_BOUNDARY, "more after it" },
  { "cut-short", "abc",
    "--abc\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\naudio bytes",
    SY_MULTIPART_ERROR_MALFORMED, "(\"file\") has no closing boundary" },
  { "ends-after-delimiter", "abc", "--abc", SY_MULTIPART_ERROR_MALFORMED, "closing boundary" },
  { "no-headers", "abc", "--abc\r\n\r\nvalue\r\n--abc--", SY_MULTIPART_ERROR_MALFORMED,
    "no headers" },
  { "no-name", "abc", "--abc\r\nContent-Disposition: form-data\r\n\r\nv\r\n--abc--",
    SY_MULTIPART_ERROR_MALFORMED, "no form-data name" },
  { "not-form-data", "abc",
    "--abc\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--abc--",
    SY_MULTIPART_ERROR_MALFORMED, "not form-data" },
  { "header-without-colon", "abc", "--abc\r\nContent-Disposition\r\n\r\nv\r\n--abc--",
    SY_MULTIPART_ERROR_MALFORMED, "without a name" },
  { "headers-never-end", "abc", "--abc\r\nContent-Disposition: form-data; name=\"a\"\r\n",
    SY_MULTIPART_ERROR_MALFORMED, "end of headers" },
  { "no-parts", "abc", "--abc--\r\n", SY_MULTIPART_ERROR_MALFORMED, "no parts" },
};

static void
test_malformed (gconstpointer data)
{
  const Malformed *m = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) parts = parse (m->boundary, m->body, &error);

  g_assert_null (parts);
  g_assert_error (error, SY_MULTIPART_ERROR, (int) m->code);
  g_assert_nonnull (strstr (error->message, m->message_part));
}

static void
test_too_many_parts (void)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) parts = NULL;

  for (guint i = 0; i < SY_MULTIPART_MAX_PARTS + 1; i++)
    g_string_append_printf (body, "--b\r\nContent-Disposition: form-data; name=\"f%u\"\r\n\r\n"
                                  "v\r\n", i);
  g_string_append (body, "--b--\r\n");
  parts = parse ("b", body->str, &error);
  g_assert_null (parts);
  g_assert_error (error, SY_MULTIPART_ERROR, SY_MULTIPART_ERROR_TOO_MANY);
}

/* --- the transcription form ------------------------------------------------------------------ */

static SyAudioUpload *
upload_with (const char  *content_type_header,
             const char  *filename,
             const char  *file_type,
             const char  *extra_fields,
             GError     **error)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(GString) body = g_string_new ("--B\r\nContent-Disposition: form-data; name=\"file\"");
  g_autoptr(GBytes) bytes = NULL;

  if (filename != NULL)
    g_string_append_printf (body, "; filename=\"%s\"", filename);
  g_string_append (body, "\r\n");
  if (file_type != NULL)
    g_string_append_printf (body, "Content-Type: %s\r\n", file_type);
  g_string_append (body, "\r\nAUDIO\r\n--B\r\nContent-Disposition: form-data; name=\"model\"\r\n"
                         "\r\nopenai/whisper-1\r\n");
  g_string_append (body, extra_fields ? extra_fields : "");
  g_string_append (body, "--B--\r\n");
  soup_message_headers_replace (headers, "Content-Type", content_type_header);
  bytes = g_bytes_new (body->str, body->len);
  return sy_audio_upload_new (headers, bytes, error);
}

typedef struct
{
  const char *filename;
  const char *type;
  const char *format;  /* NULL: refused as unsupported */
} FormatCase;

static const FormatCase format_cases[] = {
  { "a.mp3", "audio/mpeg", "mp3" },
  { "a.MP3", NULL, "mp3" },
  { "C:\\fakepath\\talk.wav", "audio/x-wav", "wav" },
  { "a.m4a", "audio/mp4", "m4a" },
  { "a.flac", "audio/x-flac", "flac" },
  { "a.ogg", "audio/ogg", "ogg" },
  { "a.webm", "video/webm", "webm" },
  { NULL, "audio/webm", "webm" },
  { "noext", "audio/flac", "flac" },
  { "a.wav", "application/octet-stream", "wav" },
  { "a.mp4", "audio/mp4", NULL },
  { "a.mp3", "audio/ogg", NULL },
  { "a.txt", "text/plain", NULL },
  { "a.", "application/octet-stream", NULL },
  { NULL, NULL, NULL },
};

static void
test_formats (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (format_cases); i++)
    {
      const FormatCase *c = &format_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(SyAudioUpload) upload = upload_with ("multipart/form-data; boundary=B", c->filename,
                                                     c->type, NULL, &error);

      if (c->format != NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (upload->format, ==, c->format);
        }
      else
        {
          g_assert_null (upload);
          g_assert_error (error, SY_AUDIO_UPLOAD_ERROR, SY_AUDIO_UPLOAD_ERROR_UNSUPPORTED_FORMAT);
        }
    }
}

static void
test_fields (void)
{
  static const struct
  {
    const char         *extra;
    SyAudioUploadError  code;
    const char         *message_part;
  } bad[] = {
    { "--B\r\nContent-Disposition: form-data; name=\"language\"\r\n\r\nen_US!\r\n",
      SY_AUDIO_UPLOAD_ERROR_INVALID_FIELD, "language" },
    { "--B\r\nContent-Disposition: form-data; name=\"temperature\"\r\n\r\n1.5\r\n",
      SY_AUDIO_UPLOAD_ERROR_INVALID_FIELD, "temperature" },
    { "--B\r\nContent-Disposition: form-data; name=\"temperature\"\r\n\r\nwarm\r\n",
      SY_AUDIO_UPLOAD_ERROR_INVALID_FIELD, "temperature" },
    { "--B\r\nContent-Disposition: form-data; name=\"response_format\"\r\n\r\nxml\r\n",
      SY_AUDIO_UPLOAD_ERROR_INVALID_FIELD, "response_format" },
    { "--B\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nagain\r\n",
      SY_AUDIO_UPLOAD_ERROR_INVALID_FIELD, "model: given 2 times" },
    { "--B\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\n\xff\xfe\r\n",
      SY_AUDIO_UPLOAD_ERROR_INVALID_FIELD, "UTF-8" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(SyAudioUpload) good =
    upload_with ("multipart/form-data; boundary=\"B\"", "a.mp3", "audio/mpeg",
                 "--B\r\nContent-Disposition: form-data; name=\"language\"\r\n\r\npt-BR\r\n"
                 "--B\r\nContent-Disposition: form-data; name=\"temperature\"\r\n\r\n0.25\r\n"
                 "--B\r\nContent-Disposition: form-data; name=\"response_format\"\r\n\r\nvtt\r\n"
                 "--B\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nCaf\xc3\xa9\r\n",
                 &error);

  g_assert_no_error (error);
  g_assert_cmpstr (good->model, ==, "openai/whisper-1");
  g_assert_cmpstr (good->language, ==, "pt-BR");
  g_assert_cmpfloat (good->temperature, ==, 0.25);
  g_assert_cmpstr (good->response_format, ==, "vtt");
  g_assert_true (sy_audio_upload_wants_text (good));
  g_assert_cmpstr (good->prompt, ==, "Caf\xc3\xa9");
  g_assert_cmpmem (g_bytes_get_data (good->audio, NULL), g_bytes_get_size (good->audio),
                   "AUDIO", 5);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) bad_error = NULL;
      g_autoptr(SyAudioUpload) upload = upload_with ("multipart/form-data; boundary=B", "a.mp3",
                                                     NULL, bad[i].extra, &bad_error);

      g_assert_null (upload);
      g_assert_error (bad_error, SY_AUDIO_UPLOAD_ERROR, (int) bad[i].code);
      g_assert_nonnull (strstr (bad_error->message, bad[i].message_part));
    }
}

static void
test_not_multipart (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SyAudioUpload) upload = upload_with ("application/json", "a.mp3", NULL, NULL, &error);

  g_assert_null (upload);
  g_assert_error (error, SY_AUDIO_UPLOAD_ERROR, SY_AUDIO_UPLOAD_ERROR_NOT_MULTIPART);
}

/* Only the model field's bytes change; the same model gives the very same bytes. */
static void
test_model_rewrite (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SyAudioUpload) upload = upload_with ("multipart/form-data; boundary=B", "a.mp3", NULL,
                                                 NULL, &error);
  g_autoptr(GBytes) same = NULL;
  g_autoptr(GBytes) other = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *form = NULL;
  const char *at;

  g_assert_no_error (error);
  form = g_strndup (g_bytes_get_data (upload->form, NULL), g_bytes_get_size (upload->form));
  same = sy_audio_upload_dup_form (upload, "openai/whisper-1");
  g_assert_true (same == upload->form);
  other = sy_audio_upload_dup_form (upload, "whisper-1");
  at = strstr (form, "openai/whisper-1");
  expected = g_strdup_printf ("%.*swhisper-1%s", (int) (at - form), form,
                              at + strlen ("openai/whisper-1"));
  g_assert_cmpmem (g_bytes_get_data (other, NULL), g_bytes_get_size (other), expected,
                   strlen (expected));
  g_assert_true (isnan (upload->temperature));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sy/gateway/multipart/well-formed", test_well_formed);
  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sy/gateway/multipart/malformed/%s",
                                               malformed[i].name);

      g_test_add_data_func (path, &malformed[i], test_malformed);
    }
  g_test_add_func ("/sy/gateway/multipart/too-many-parts", test_too_many_parts);
  g_test_add_func ("/sy/gateway/multipart/upload/formats", test_formats);
  g_test_add_func ("/sy/gateway/multipart/upload/fields", test_fields);
  g_test_add_func ("/sy/gateway/multipart/upload/not-multipart", test_not_multipart);
  g_test_add_func ("/sy/gateway/multipart/upload/model-rewrite", test_model_rewrite);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * POST /v1/audio/transcriptions end to end: refusals before any upstream (a bad boundary, a
 * missing file, an unsupported format, a body that is not a form, one past maxBodyBytes), the
 * OpenAI-compatible form forwarded byte for byte with only the model changed, Deepgram's listen
 * call and its mapping to {"text"}, AssemblyAI's upload, transcript and polls (completed and
 * error), failover between speech providers on a 429 with the account cooling down, and the
 * usage rows. Two mocks: the OpenAI-compatible one and the speech providers' one.
 */
#include <string.h>

#include "sy-mock-audio.h"
#include "sy-test-gateway-fixture.h"

typedef struct
{
  SyTestGateway *t;
  SyMockAudio   *audio;
} Fixture;

#define BOUNDARY "sy-test-boundary-7MA4YWxkTrZu0gW"

/* Binary audio holding a NUL, a CRLF and something like a delimiter of another boundary. */
static const char audio_bytes[] = "ID3\x04\0\0\0\0\0\x17\r\n--sy-other\r\n\xff\xfb\x90\x64\0\x01";
#define AUDIO_LEN (sizeof audio_bytes - 1)

typedef struct
{
  const char *name;
  const char *filename;      /* NULL: a plain field */
  const char *content_type;  /* NULL: none */
  const char *value;         /* NULL: the audio bytes */
} Field;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->t = sy_test_gateway_new ();
  f->audio = sy_mock_audio_new ();
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_pointer (&f->t, sy_test_gateway_free);
  g_assert_finalize_object (f->audio);
}

static GBytes *
build_form (const Field *fields,
            guint        n)
{
  GByteArray *out = g_byte_array_new ();

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GString) head = g_string_new ("--" BOUNDARY "\r\n");

      g_string_append_printf (head, "Content-Disposition: form-data; name=\"%s\"", fields[i].name);
      if (fields[i].filename != NULL)
        g_string_append_printf (head, "; filename=\"%s\"", fields[i].filename);
      g_string_append (head, "\r\n");
      if (fields[i].content_type != NULL)
        g_string_append_printf (head, "Content-Type: %s\r\n", fields[i].content_type);
      g_string_append (head, "\r\n");
      g_byte_array_append (out, (const guint8 *) head->str, head->len);
      if (fields[i].value != NULL)
        g_byte_array_append (out, (const guint8 *) fields[i].value, strlen (fields[i].value));
      else
        g_byte_array_append (out, (const guint8 *) audio_bytes, AUDIO_LEN);
      g_byte_array_append (out, (const guint8 *) "\r\n", 2);
    }
  g_byte_array_append (out, (const guint8 *) "--" BOUNDARY "--\r\n", strlen (BOUNDARY) + 6);
  return g_byte_array_free_to_bytes (out);
}

static SyTestResponse *
transcribe_bytes (Fixture    *f,
                  const char *content_type,
                  GBytes     *form)
{
  gsize len;
  const char *data = g_bytes_get_data (form, &len);

  return sy_test_gateway_request (f->t, "POST", "/v1/audio/transcriptions", content_type, data,
                                  (gssize) len, NULL);
}

static SyTestResponse *
transcribe (Fixture     *f,
            const Field *fields,
            guint        n)
{
  g_autoptr(GBytes) form = build_form (fields, n);

  return transcribe_bytes (f, "multipart/form-data; boundary=" BOUNDARY, form);
}

/* A speech provider's account pointed at the audio mock. */
static void
add_speech_account (Fixture    *f,
                    const char *provider,
                    const char *key)
{
  g_autofree char *json = g_strdup_printf ("{\"provider\":\"%s\",\"apiKey\":\"%s\","
                                           "\"baseUrl\":\"%s\"}", provider, key,
                                           sy_mock_audio_get_base_url (f->audio));
  g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "POST", "/api/providers", json);

  g_assert_cmpuint (r->status, ==, 201);
}

static SyMockAudioRequest *
audio_request (Fixture *f,
               guint    i)
{
  GPtrArray *requests = sy_mock_audio_get_requests (f->audio);

  g_assert_cmpuint (requests->len, >, i);
  return g_ptr_array_index (requests, i);
}

static guint
audio_count (Fixture *f)
{
  return sy_mock_audio_get_requests (f->audio)->len;
}

static void
assert_bytes (GBytes     *actual,
              const void *expected,
              gsize       expected_len)
{
  gsize len;
  const void *data = g_bytes_get_data (actual, &len);

  g_assert_cmpmem (data, len, expected, expected_len);
}

static void
assert_text (GBytes     *actual,
             const char *expected)
{
  assert_bytes (actual, expected, strlen (expected));
}

static void
assert_error (SyTestResponse *r,
              guint           status,
              const char     *code,
              const char     *message_part)
{
  g_assert_cmpuint (r->status, ==, status);
  g_assert_cmpstr (sy_test_response_get_string (r, "error.type"), ==, "invalid_request_error");
  g_assert_cmpstr (sy_test_response_get_string (r, "error.code"), ==, code);
  if (message_part != NULL)
    g_assert_nonnull (strstr (sy_test_response_get_string (r, "error.message"), message_part));
}

static char *
usage_value (Fixture    *f,
             const char *sql,
             const char *param)
{
  char *value = NULL;

  for (guint i = 0; i < 200 && value == NULL; i++)
    {
      sy_usage_writer_flush (sy_gateway_get_usage_writer (f->t->gateway));
      value = sy_test_gateway_query_db_text (f->t, sql, param);
      if (value == NULL)
        sy_test_wait_ms (10);
    }
  return value;
}

/* --- refusals ------------------------------------------------------------------------------ */

static void
test_bad_boundary (Fixture       *f,
                   gconstpointer  data)
{
  const Field fields[] = {
    { "file", "a.mp3", "audio/mpeg", NULL }, { "model", NULL, NULL, "p1/whisper-1" },
  };
  g_autoptr(GBytes) form = build_form (fields, G_N_ELEMENTS (fields));
  g_autoptr(SyTestResponse) other = NULL;
  g_autoptr(SyTestResponse) none = NULL;
  g_autoptr(SyTestResponse) cut = NULL;
  g_autoptr(GBytes) truncated = NULL;

  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  other = transcribe_bytes (f, "multipart/form-data; boundary=not-the-one", form);
  assert_error (other, 400, "invalid_multipart", "not-the-one");
  none = transcribe_bytes (f, "multipart/form-data", form);
  assert_error (none, 400, "invalid_multipart", "boundary");

  /* Cut before the closing delimiter. */
  truncated = g_bytes_new_from_bytes (form, 0, g_bytes_get_size (form) - strlen (BOUNDARY) - 12);
  cut = transcribe_bytes (f, "multipart/form-data; boundary=" BOUNDARY, truncated);
  assert_error (cut, 400, "invalid_multipart", "closing boundary");
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 0);
}

static void
test_missing_file (Fixture       *f,
                   gconstpointer  data)
{
  const Field no_file[] = { { "model", NULL, NULL, "p1/whisper-1" } };
  const Field empty[] = {
    { "file", "a.mp3", "audio/mpeg", "" }, { "model", NULL, NULL, "p1/whisper-1" },
  };
  const Field no_model[] = { { "file", "a.mp3", "audio/mpeg", NULL } };
  g_autoptr(SyTestResponse) r1 = NULL;
  g_autoptr(SyTestResponse) r2 = NULL;
  g_autoptr(SyTestResponse) r3 = NULL;

  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  r1 = transcribe (f, no_file, G_N_ELEMENTS (no_file));
  assert_error (r1, 400, "missing_file", "file");
  r2 = transcribe (f, empty, G_N_ELEMENTS (empty));
  assert_error (r2, 400, "missing_file", "empty");
  r3 = transcribe (f, no_model, G_N_ELEMENTS (no_model));
  assert_error (r3, 400, "missing_model", "model");
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 0);
}

static void
test_unsupported_format (Fixture       *f,
                         gconstpointer  data)
{
  static const struct
  {
    const char *filename;
    const char *content_type;
    const char *message_part;
  } cases[] = {
    { "voice.aac", "audio/aac", ".aac" },
    { "voice.mp3", "video/mp4", "video/mp4" },
    { "voice.mp3", "audio/wav", "the name says .mp3" },
    { "voice", "application/octet-stream", "cannot tell" },
  };

  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Field fields[] = {
        { "file", cases[i].filename, cases[i].content_type, NULL },
        { "model", NULL, NULL, "p1/whisper-1" },
      };
      g_autoptr(SyTestResponse) r = transcribe (f, fields, G_N_ELEMENTS (fields));

      assert_error (r, 400, "unsupported_format", cases[i].message_part);
    }
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 0);
}

static void
test_not_a_form (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SyTestResponse) json = NULL;
  g_autoptr(SyTestResponse) big = NULL;
  g_autoptr(SyTestResponse) settings = NULL;
  g_autofree char *padding = g_strnfill (4096, 'x');
  const Field fields[] = {
    { "file", "a.wav", "audio/wav", NULL }, { "model", NULL, NULL, "p1/whisper-1" },
    { "prompt", NULL, NULL, padding },
  };

  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  json = sy_test_gateway_request (f->t, "POST", "/v1/audio/transcriptions", "application/json",
                                  "{\"model\":\"p1/whisper-1\"}", -1, NULL);
  assert_error (json, 415, "unsupported_media_type", "multipart/form-data");

  settings = sy_test_gateway_api (f->t, "PATCH", "/api/settings", "{\"maxBodyBytes\":2048}");
  g_assert_cmpuint (settings->status, ==, 200);
  big = transcribe (f, fields, G_N_ELEMENTS (fields));
  assert_error (big, 413, "request_too_large", "maxBodyBytes");
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 0);
}

/* --- OpenAI-compatible ---------------------------------------------------------------------- */

static void
test_openai_form_forwarded (Fixture       *f,
                            gconstpointer  data)
{
  const Field sent[] = {
    { "file", "meeting.m4a", "audio/mp4", NULL }, { "model", NULL, NULL, "p1/whisper-1" },
    { "language", NULL, NULL, "en" }, { "temperature", NULL, NULL, "0.2" },
    { "timestamp_granularities[]", NULL, NULL, "word" },
  };
  const Field expected[] = {
    { "file", "meeting.m4a", "audio/mp4", NULL }, { "model", NULL, NULL, "whisper-1" },
    { "language", NULL, NULL, "en" }, { "temperature", NULL, NULL, "0.2" },
    { "timestamp_granularities[]", NULL, NULL, "word" },
  };
  g_autoptr(GBytes) expected_form = build_form (expected, G_N_ELEMENTS (expected));
  g_autoptr(SyTestResponse) r = NULL;
  g_autofree char *provider = NULL;
  SyMockRequest *up;

  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  r = transcribe (f, sent, G_N_ELEMENTS (sent));
  g_assert_cmpuint (r->status, ==, 200);
  assert_text (r->body, sy_mock_upstream_transcription_body);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Provider"), ==, "p1");
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Model"), ==,
                   "whisper-1");

  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 1);
  up = g_ptr_array_index (sy_mock_upstream_get_requests (f->t->mock), 0);
  g_assert_cmpstr (up->path, ==, "/v1/audio/transcriptions");
  g_assert_cmpstr (soup_message_headers_get_one (up->headers, "Content-Type"), ==,
                   "multipart/form-data; boundary=" BOUNDARY);
  g_assert_cmpstr (soup_message_headers_get_one (up->headers, "Authorization"), ==, "Bearer key-1");
  assert_bytes (up->body, g_bytes_get_data (expected_form, NULL), g_bytes_get_size (expected_form));

  provider = usage_value (f, "SELECT provider FROM usage_history WHERE endpoint = ?1 AND "
                             "status = 200 AND model = 'whisper-1'", "/v1/audio/transcriptions");
  g_assert_cmpstr (provider, ==, "p1");
}

/* srt cannot come from a speech provider: with only one, a clear 400 before any upstream. */
static void
test_subtitles_need_openai (Fixture       *f,
                            gconstpointer  data)
{
  const Field fields[] = {
    { "file", "a.flac", "audio/flac", NULL }, { "model", NULL, NULL, "deepgram/nova-3" },
    { "response_format", NULL, NULL, "srt" },
  };
  const Field bad[] = {
    { "file", "a.flac", NULL, NULL }, { "model", NULL, NULL, "deepgram/nova-3" },
    { "response_format", NULL, NULL, "docx" },
  };
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) r2 = NULL;

  add_speech_account (f, "deepgram", "dg-key");
  r = transcribe (f, fields, G_N_ELEMENTS (fields));
  assert_error (r, 400, "invalid_value", "deepgram does not write srt");
  r2 = transcribe (f, bad, G_N_ELEMENTS (bad));
  assert_error (r2, 400, "invalid_value", "response_format");
  g_assert_cmpuint (audio_count (f), ==, 0);
}

/* --- Deepgram ------------------------------------------------------------------------------- */

static void
test_deepgram (Fixture       *f,
               gconstpointer  data)
{
  const Field fields[] = {
    { "file", "a.mp3", "audio/mpeg", NULL }, { "model", NULL, NULL, "deepgram/nova-3" },
    { "language", NULL, NULL, "pt-BR" },
  };
  const Field as_text[] = {
    { "file", "a.ogg", "application/octet-stream", NULL },
    { "model", NULL, NULL, "deepgram/nova-3" },
    { "response_format", NULL, NULL, "text" },
  };
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) text = NULL;
  g_autofree char *row = NULL;
  SyMockAudioRequest *up;

  add_speech_account (f, "deepgram", "dg-key");
  sy_mock_audio_set_transcript (f->audio, "Ol\xc3\xa1, \"mundo\".");
  r = transcribe (f, fields, G_N_ELEMENTS (fields));
  g_assert_cmpuint (r->status, ==, 200);
  assert_text (r->body, "{\"text\":\"Ol\xc3\xa1, \\\"mundo\\\".\"}");
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Provider"), ==,
                   "deepgram");

  g_assert_cmpuint (audio_count (f), ==, 1);
  up = audio_request (f, 0);
  g_assert_cmpstr (up->method, ==, "POST");
  g_assert_cmpstr (up->path, ==, "/v1/listen");
  g_assert_cmpstr (up->query, ==, "model=nova-3&language=pt-BR");
  g_assert_cmpstr (soup_message_headers_get_one (up->headers, "Authorization"), ==, "Token dg-key");
  g_assert_cmpstr (soup_message_headers_get_content_type (up->headers, NULL), ==, "audio/mpeg");
  assert_bytes (up->body, audio_bytes, AUDIO_LEN);

  text = transcribe (f, as_text, G_N_ELEMENTS (as_text));
  g_assert_cmpuint (text->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (text->headers, NULL), ==, "text/plain");
  assert_text (text->body, "Ol\xc3\xa1, \"mundo\".");
  g_assert_cmpstr (audio_request (f, 1)->query, ==, "model=nova-3");

  row = usage_value (f, "SELECT COUNT(*) FROM usage_history WHERE endpoint = ?1 AND "
                        "provider = 'deepgram' AND model = 'nova-3' AND status = 200 AND "
                        "requested_model = 'deepgram/nova-3' HAVING COUNT(*) = 2",
                     "/v1/audio/transcriptions");
  g_assert_cmpstr (row, ==, "2");
}

/* A refused key: Deepgram's own words, in OpenAI's shape. */
static void
test_deepgram_error (Fixture       *f,
                     gconstpointer  data)
{
  const Field fields[] = {
    { "file", "a.wav", "audio/x-wav", NULL }, { "model", NULL, NULL, "deepgram/nova-3" },
  };
  g_autoptr(SyTestResponse) r = NULL;

  add_speech_account (f, "deepgram", "dg-key");
  sy_mock_audio_push_status (f->audio, 401, "{\"err_code\":\"INVALID_AUTH\",\"err_msg\":"
                                            "\"Invalid credentials.\"}", NULL);
  r = transcribe (f, fields, G_N_ELEMENTS (fields));
  g_assert_cmpuint (r->status, ==, 401);
  g_assert_cmpstr (sy_test_response_get_string (r, "error.type"), ==, "authentication_error");
  g_assert_nonnull (strstr (sy_test_response_get_string (r, "error.message"),
                            "Invalid credentials."));
  g_assert_cmpuint (audio_count (f), ==, 1);
}

/* --- AssemblyAI ----------------------------------------------------------------------------- */

static void
test_assemblyai (Fixture       *f,
                 gconstpointer  data)
{
  const Field fields[] = {
    { "file", "a.webm", "video/webm", NULL }, { "model", NULL, NULL, "assemblyai/universal" },
    { "language", NULL, NULL, "en" },
  };
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(JsonNode) created = NULL;
  JsonObject *o;

  add_speech_account (f, "assemblyai", "aai-key");
  sy_mock_audio_set_assemblyai_outcome (f->audio, 2, NULL);
  r = transcribe (f, fields, G_N_ELEMENTS (fields));
  g_assert_cmpuint (r->status, ==, 200);
  assert_text (r->body, "{\"text\":\"Hello from the audio mock.\"}");

  /* upload, create, then polls until completed: two "processing", one "completed" */
  g_assert_cmpuint (audio_count (f), ==, 5);
  g_assert_cmpstr (audio_request (f, 0)->path, ==, "/v2/upload");
  g_assert_cmpstr (soup_message_headers_get_one (audio_request (f, 0)->headers, "Authorization"),
                   ==, "aai-key");
  assert_bytes (audio_request (f, 0)->body, audio_bytes, AUDIO_LEN);

  g_assert_cmpstr (audio_request (f, 1)->method, ==, "POST");
  g_assert_cmpstr (audio_request (f, 1)->path, ==, "/v2/transcript");
  created = json_from_string (g_bytes_get_data (audio_request (f, 1)->body, NULL), NULL);
  g_assert_nonnull (created);
  o = json_node_get_object (created);
  g_assert_cmpstr (json_object_get_string_member (o, "audio_url"), ==, SY_MOCK_AUDIO_UPLOAD_URL);
  g_assert_cmpstr (json_object_get_string_member (o, "speech_model"), ==, "universal");
  g_assert_cmpstr (json_object_get_string_member (o, "language_code"), ==, "en");

  for (guint i = 2; i < 5; i++)
    {
      g_assert_cmpstr (audio_request (f, i)->method, ==, "GET");
      g_assert_cmpstr (audio_request (f, i)->path, ==,
                       "/v2/transcript/" SY_MOCK_AUDIO_TRANSCRIPT_ID);
      g_assert_cmpstr (soup_message_headers_get_one (audio_request (f, i)->headers,
                                                     "Authorization"), ==, "aai-key");
    }
}

/* The transcript ends in "error": the reason reaches the client, nothing is retried. */
static void
test_assemblyai_error (Fixture       *f,
                       gconstpointer  data)
{
  const Field fields[] = {
    { "file", "a.mp3", NULL, NULL }, { "model", NULL, NULL, "assemblyai/universal" },
  };
  g_autoptr(SyTestResponse) r = NULL;
  g_autofree char *code = NULL;

  add_speech_account (f, "assemblyai", "aai-key");
  sy_mock_audio_set_assemblyai_outcome (f->audio, 1, "Transcoding failed: unsupported audio");
  r = transcribe (f, fields, G_N_ELEMENTS (fields));
  assert_error (r, 422, "transcription_failed", "Transcoding failed: unsupported audio");
  g_assert_cmpuint (audio_count (f), ==, 4);

  code = usage_value (f, "SELECT error_code FROM usage_history WHERE endpoint = ?1 AND "
                         "status = 422", "/v1/audio/transcriptions");
  g_assert_cmpstr (code, ==, "transcription_failed");
}

/* A transcript that never completes: the attempt ends at firstByteTimeoutMs, polling stops. */
static void
test_assemblyai_timeout (Fixture       *f,
                         gconstpointer  data)
{
  const Field fields[] = {
    { "file", "a.mp3", "audio/mpeg", NULL }, { "model", NULL, NULL, "assemblyai/universal" },
  };
  g_autoptr(SyTestResponse) settings = NULL;
  g_autoptr(SyTestResponse) r = NULL;
  guint polls;

  add_speech_account (f, "assemblyai", "aai-key");
  settings = sy_test_gateway_api (f->t, "PATCH", "/api/settings", "{\"firstByteTimeoutMs\":1000}");
  g_assert_cmpuint (settings->status, ==, 200);
  sy_mock_audio_set_assemblyai_outcome (f->audio, G_MAXUINT, NULL);

  r = transcribe (f, fields, G_N_ELEMENTS (fields));
  g_assert_cmpuint (r->status, ==, 504);
  g_assert_cmpstr (sy_test_response_get_string (r, "error.type"), ==, "api_error");
  g_assert_nonnull (strstr (sy_test_response_get_string (r, "error.message"),
                            "firstByteTimeoutMs"));
  polls = audio_count (f);
  g_assert_cmpuint (polls, >=, 3);
  sy_test_wait_ms (500);
  g_assert_cmpuint (audio_count (f), ==, polls);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GError **out = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, out);

  g_assert_null (body);
}

/* The client goes away while AssemblyAI is still processing: polling stops, the usage row
 * says the client closed. */
static void
test_client_leaves (Fixture       *f,
                    gconstpointer  data)
{
  const Field fields[] = {
    { "file", "a.mp3", "audio/mpeg", NULL }, { "model", NULL, NULL, "assemblyai/universal" },
  };
  g_autoptr(GBytes) form = build_form (fields, G_N_ELEMENTS (fields));
  g_autofree char *url = g_strconcat (f->t->base_url, "/v1/audio/transcriptions", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  guint polls;

  add_speech_account (f, "assemblyai", "aai-key");
  sy_mock_audio_set_assemblyai_outcome (f->audio, G_MAXUINT, NULL);
  soup_message_set_request_body_from_bytes (msg, "multipart/form-data; boundary=" BOUNDARY, form);
  soup_session_send_and_read_async (f->t->client, msg, G_PRIORITY_DEFAULT, cancellable, sent_cb,
                                    &error);
  while (audio_count (f) < 3)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  code = usage_value (f, "SELECT error_code FROM usage_history WHERE endpoint = ?1 AND "
                         "status = 499", "/v1/audio/transcriptions");
  g_assert_cmpstr (code, ==, "client_closed");
  polls = audio_count (f);
  sy_test_wait_ms (500);
  g_assert_cmpuint (audio_count (f), ==, polls);
}

/* A combo across speech providers: Deepgram's 429 moves on to AssemblyAI, and Deepgram's
 * account cools down in the same routing state chat uses. */
static void
test_speech_failover (Fixture       *f,
                      gconstpointer  data)
{
  const Field fields[] = {
    { "file", "a.mp3", "audio/mpeg", NULL }, { "model", NULL, NULL, "speech" },
  };
  g_autoptr(SyTestResponse) combo = NULL;
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) again = NULL;
  g_autoptr(SyTestResponse) health = NULL;
  JsonArray *cooldowns;

  add_speech_account (f, "deepgram", "dg-key");
  add_speech_account (f, "assemblyai", "aai-key");
  combo = sy_test_gateway_api (f->t, "POST", "/api/combos",
                               "{\"name\":\"speech\",\"models\":[\"deepgram/nova-3\","
                               "\"assemblyai/universal\"]}");
  g_assert_cmpuint (combo->status, ==, 201);
  sy_mock_audio_push_status (f->audio, 429, "{\"err_code\":\"TOO_MANY_REQUESTS\",\"err_msg\":"
                                            "\"Too many requests\"}", "60");

  r = transcribe (f, fields, G_N_ELEMENTS (fields));
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Provider"), ==,
                   "assemblyai");
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Attempts"), ==, "2");
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Combo"), ==, "speech");
  g_assert_cmpstr (audio_request (f, 0)->path, ==, "/v1/listen");
  g_assert_cmpstr (audio_request (f, 1)->path, ==, "/v2/upload");

  health = sy_test_gateway_api (f->t, "GET", "/api/monitoring/health", NULL);
  cooldowns = json_object_get_array_member (json_node_get_object (health->json), "cooldowns");
  g_assert_cmpuint (json_array_get_length (cooldowns), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (cooldowns, 0),
                                                  "provider"), ==, "deepgram");

  /* Deepgram is skipped while it cools down. */
  again = transcribe (f, fields, G_N_ELEMENTS (fields));
  g_assert_cmpuint (again->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (again->headers, "X-Switchyard-Attempts"), ==, "1");
  for (guint i = 0; i < audio_count (f); i++)
    if (i != 0)
      g_assert_cmpstr (audio_request (f, i)->path, !=, "/v1/listen");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sy/gateway/audio/" path, Fixture, NULL, setup, func, teardown)
  ADD ("refused/bad-boundary", test_bad_boundary);
  ADD ("refused/missing-file", test_missing_file);
  ADD ("refused/unsupported-format", test_unsupported_format);
  ADD ("refused/not-a-form", test_not_a_form);
  ADD ("refused/subtitles-need-openai", test_subtitles_need_openai);
  ADD ("openai/form-forwarded", test_openai_form_forwarded);
  ADD ("deepgram/mapped", test_deepgram);
  ADD ("deepgram/error", test_deepgram_error);
  ADD ("assemblyai/polled", test_assemblyai);
  ADD ("assemblyai/error-status", test_assemblyai_error);
  ADD ("assemblyai/timeout", test_assemblyai_timeout);
  ADD ("assemblyai/client-leaves", test_client_leaves);
  ADD ("failover-between-providers", test_speech_failover);
#undef ADD

  return g_test_run ();
}

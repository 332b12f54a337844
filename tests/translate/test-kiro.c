/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Kiro codec. Golden cases from tests/fixtures/translate/kiro/kiro.manifest, one a line:
 *
 *   request  <from-dialect> <case-dir> <input>   a client request emitted as a Kiro body
 *   stream   <to-dialect>   <case-dir> <input>   a Kiro answer streamed to a client dialect
 *   response <to-dialect>   <case-dir> <input>   a Kiro answer as one complete response
 *
 * <input> is relative to the kiro fixtures: a .json request, a binary event stream (.bin), or
 * an .events text file whose lines "<event|exception> <type> <payload>" the test frames
 * (kiro-frames.h). A case directory holds expected.json or expected.sse, or
 * expected-error.txt, and optionally expected-notes.txt and expected-path.txt, as in
 * test-golden.c. The random conversationId is checked to be a UUID and then masked. Streams
 * must translate the same whatever the read boundaries. Then the framing failures seen
 * through the translator, errors, and what an upstream-only codec refuses.
 */
#include <string.h>

#include "translate/sy-codec.h"
#include "translate/sy-json-write.h"
#include "translate/sy-stream-translator.h"
#include "kiro-frames.h"
#include "sy-golden-check.h"

#define MASKED_ID "00000000-0000-4000-8000-000000000000"

typedef struct
{
  char *kind;
  char *dialect;
  char *dir;
  char *input;
} KiroCase;

static void
kiro_case_free (gpointer data)
{
  KiroCase *c = data;

  g_free (c->kind);
  g_free (c->dialect);
  g_free (c->dir);
  g_free (c->input);
  g_free (c);
}

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", "translate", "kiro", name, NULL);
}

/* The case's input bytes: framed from an .events description, else as they are. */
static GBytes *
read_input (const KiroCase *c)
{
  char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (c->input, &data, &len, NULL))
    g_error ("cannot read %s", c->input);
  if (g_str_has_suffix (c->input, ".events"))
    {
      g_autofree char *text = data;
      GByteArray *frames = kiro_frames_from_text (text);

      return g_byte_array_free_to_bytes (frames);
    }
  return g_bytes_new_take (data, len);
}

/* --- golden cases ----------------------------------------------------------------------------- */

static void
run_request (const KiroCase *c,
             SyDialect       from)
{
  g_autoptr(GBytes) input = read_input (c);
  g_autofree char *expected = sy_golden_read (c->dir, "expected.json", NULL);
  g_autofree char *expected_path = sy_golden_read (c->dir, "expected-path.txt", NULL);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(SyChatRequest) request = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(JsonNode) got = NULL;
  JsonObject *state;

  request = sy_codec_get (from)->parse_request (g_bytes_get_data (input, NULL),
                                                g_bytes_get_size (input), &error);
  g_assert_no_error (error);
  if (request->model == NULL)
    request->model = g_strdup ("test-model");
  out = sy_kiro_codec.emit_request (request, notes, &error);
  if (sy_golden_check_error (c->dir, error))
    return;

  got = sy_golden_parse_json (g_bytes_get_data (out, NULL), (gssize) g_bytes_get_size (out));
  g_assert_nonnull (got);
  state = json_object_get_object_member (json_node_get_object (got), "conversationState");
  g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (state,
                                                                        "conversationId")));
  json_object_set_string_member (state, "conversationId", MASKED_ID);
  sy_golden_assert_json_node (c->dir, got, expected);
  sy_golden_check_notes (c->dir, notes);
  if (expected_path != NULL)
    {
      g_autofree char *path = sy_kiro_codec.request_path (request);

      g_assert_cmpstr (path, ==, g_strstrip (expected_path));
    }
}

/* Translates input read in chunks of at most chunk bytes (0: whole) through a translator, as
 * the gateway does: a push error ends the client stream with fail(). */
static char *
translate_stream (SyDialect     to,
                  GBytes       *input,
                  gsize         chunk,
                  GPtrArray   **notes,
                  GError      **error)
{
  g_autoptr(SyStreamTranslator) translator = sy_stream_translator_new (SY_DIALECT_KIRO, to,
                                                                       "test-model");
  GString *out = g_string_new (NULL);
  gsize len;
  const char *data = g_bytes_get_data (input, &len);
  gboolean ok = TRUE;

  if (chunk == 0)
    chunk = MAX (len, 1);
  for (gsize off = 0; ok && off < len; off += chunk)
    ok = sy_stream_translator_push (translator, data + off, MIN (chunk, len - off), out, error);
  if (ok)
    sy_stream_translator_finish (translator, out);
  else
    sy_stream_translator_fail (translator, 502, "api_error", "bad upstream stream", out);
  g_assert_true (sy_stream_translator_is_over (translator));
  if (notes != NULL)
    *notes = g_ptr_array_ref (sy_stream_translator_get_notes (translator));
  g_assert_finalize_object (g_steal_pointer (&translator));
  return g_string_free (out, FALSE);
}

static void
run_stream (const KiroCase *c,
            SyDialect       to)
{
  g_autoptr(GBytes) input = read_input (c);
  g_autofree char *expected = sy_golden_read (c->dir, "expected.sse", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autofree char *whole = translate_stream (to, input, 0, &notes, &error);
  gsize len = g_bytes_get_size (input);

  if (sy_golden_check_error (c->dir, error))
    return;
  g_assert_nonnull (expected);
  if (!g_str_equal (whole, expected))
    g_error ("%s differs.\n--- got:\n%s\n--- expected:\n%s", c->dir, whole, expected);
  sy_golden_check_notes (c->dir, notes);

  /* Every read size up to 64 bytes, then a spread of larger ones. */
  for (gsize split = 1; split < len; split += split < 64 ? 1 : MAX (len / 32, 1))
    {
      g_autofree char *part = translate_stream (to, input, split, NULL, NULL);

      if (g_strcmp0 (part, whole) != 0)
        g_error ("%s: output differs when the input is read in %" G_GSIZE_FORMAT
                 "-byte chunks:\n%s", c->dir, split, part);
    }
}

static void
run_response (const KiroCase *c,
              SyDialect       to)
{
  g_autoptr(GBytes) input = read_input (c);
  g_autofree char *expected = sy_golden_read (c->dir, "expected.json", NULL);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(SyChatResponse) response = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(JsonNode) got = NULL;

  response = sy_kiro_codec.parse_response (g_bytes_get_data (input, NULL),
                                           g_bytes_get_size (input), &error);
  if (sy_golden_check_error (c->dir, error))
    return;
  g_assert_nonnull (response);
  if (response->model == NULL)
    response->model = g_strdup ("test-model");
  out = sy_codec_get (to)->emit_response (response, notes);
  got = sy_golden_parse_json (g_bytes_get_data (out, NULL), (gssize) g_bytes_get_size (out));
  sy_golden_assert_json_node (c->dir, got, expected);
  sy_golden_check_notes (c->dir, notes);
}

static void
run_case (gconstpointer data)
{
  const KiroCase *c = data;
  SyDialect dialect;

  g_assert_true (sy_dialect_from_string (c->dialect, &dialect));
  if (g_str_equal (c->kind, "request"))
    run_request (c, dialect);
  else if (g_str_equal (c->kind, "stream"))
    run_stream (c, dialect);
  else if (g_str_equal (c->kind, "response"))
    run_response (c, dialect);
  else
    g_error ("unknown case kind %s", c->kind);
}

static void
add_golden_cases (GPtrArray *cases)
{
  g_autofree char *dir = fixture_path (NULL);
  g_autofree char *path = fixture_path ("kiro.manifest");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", 0);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = NULL;
      g_autoptr(GPtrArray) fields = g_ptr_array_new ();
      g_autofree char *test_path = NULL;
      char *line = g_strstrip (lines[i]);
      KiroCase *c;

      if (*line == '\0' || *line == '#')
        continue;
      f = g_strsplit_set (line, " \t", 0);
      for (guint j = 0; f[j] != NULL; j++)
        if (*f[j] != '\0')
          g_ptr_array_add (fields, f[j]);
      if (fields->len != 4)
        g_error ("%s:%u: expected 4 fields", path, i + 1);
      c = g_new0 (KiroCase, 1);
      c->kind = g_strdup (g_ptr_array_index (fields, 0));
      c->dialect = g_strdup (g_ptr_array_index (fields, 1));
      c->dir = g_build_filename (dir, g_ptr_array_index (fields, 2), NULL);
      c->input = g_build_filename (dir, g_ptr_array_index (fields, 3), NULL);
      g_ptr_array_add (cases, c);
      test_path = g_strdup_printf ("/sy/translate/kiro/golden/%s/%s/%s", c->kind, c->dialect,
                                   (char *) g_ptr_array_index (fields, 2));
      g_test_add_data_func (test_path, c, run_case);
    }
}

/* --- framing failures through the translator -------------------------------------------------- */

static GBytes *
load_recorded (void)
{
  g_autofree char *path = fixture_path ("recorded.bin");
  char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_bytes_new_take (data, len);
}

static GBytes *
corrupt (GBytes *bytes,
         gsize   at)
{
  gsize len = g_bytes_get_size (bytes);
  guint8 *data = g_memdup2 (g_bytes_get_data (bytes, NULL), len);

  data[at] ^= 0x10;
  return g_bytes_new_take (data, len);
}

static void
assert_stream_fails (GBytes     *input,
                     const char *expected)
{
  static const SyDialect targets[] = { SY_DIALECT_OPENAI, SY_DIALECT_ANTHROPIC };

  for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
    for (gsize chunk = 0; chunk < 8; chunk += 7)
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *out = translate_stream (targets[t], input, chunk, NULL, &error);
        g_autoptr(SyChatResponse) response = NULL;
        g_autoptr(GError) parse_error = NULL;

        /* The client stream ends with an error event, whatever came before. */
        g_assert_nonnull (strstr (out, targets[t] == SY_DIALECT_OPENAI ? "data: {\"error\""
                                                                        : "event: error"));
        if (error != NULL)
          g_assert_nonnull (strstr (error->message, expected));
        else
          g_assert_nonnull (strstr (out, expected));

        response = sy_kiro_codec.parse_response (g_bytes_get_data (input, NULL),
                                                 g_bytes_get_size (input), &parse_error);
        g_assert_null (response);
        g_assert_nonnull (parse_error);
        g_assert_nonnull (strstr (parse_error->message, expected));
      }
}

static void
test_prelude_crc (void)
{
  g_autoptr(GBytes) recorded = load_recorded ();
  g_autoptr(GBytes) first = corrupt (recorded, 10);
  g_autoptr(GBytes) later = corrupt (recorded, g_bytes_get_size (recorded) - 30);
  const guint8 *data = g_bytes_get_data (recorded, NULL);
  guint32 len0 = ((guint32) data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3];
  g_autoptr(GBytes) second = corrupt (recorded, len0 + 9);

  assert_stream_fails (first, "prelude CRC mismatch");
  assert_stream_fails (second, "prelude CRC mismatch");
  /* Inside the last frame's payload: its message CRC fails. */
  assert_stream_fails (later, "message CRC mismatch");
}

static void
test_message_crc (void)
{
  g_autoptr(GBytes) recorded = load_recorded ();
  g_autoptr(GBytes) tail = corrupt (recorded, g_bytes_get_size (recorded) - 1);
  g_autoptr(GBytes) header = corrupt (recorded, 20);

  assert_stream_fails (tail, "message CRC mismatch");
  assert_stream_fails (header, "message CRC mismatch");
}

static void
test_truncated (void)
{
  g_autoptr(GBytes) recorded = load_recorded ();
  g_autoptr(GBytes) cut = g_bytes_new_from_bytes (recorded, 0, g_bytes_get_size (recorded) - 3);

  assert_stream_fails (cut, "truncated");
}

static void
test_oversized (void)
{
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  g_autoptr(GBytes) input = NULL;

  kiro_put_message (frame, "event", "assistantResponseEvent", "{\"content\":\"hi\"}");
  kiro_put_u32 (frame, 64 * 1024 * 1024);
  kiro_put_u32 (frame, 0);
  kiro_put_u32 (frame, sy_aws_crc32 (0, frame->data + frame->len - 8, 8));
  input = g_bytes_new (frame->data, frame->len);
  assert_stream_fails (input, "exceeds the limit");
}

static void
test_not_json (void)
{
  g_autoptr(GByteArray) frames = kiro_frames_from_text (
    "event assistantResponseEvent {\"content\":\"hi\"}\n"
    "event toolUseEvent {\"toolUseId\":\n");
  g_autoptr(GBytes) input = g_byte_array_free_to_bytes (g_steal_pointer (&frames));

  assert_stream_fails (input, "toolUseEvent is not a JSON object");
}

static void
test_empty (void)
{
  g_autoptr(GBytes) input = g_bytes_new_static ("", 0);

  assert_stream_fails (input, "ended before any event");
}

/* --- the <thinking> splitter ------------------------------------------------------------------ */

/* text cut into assistantResponseEvents at the given offsets, assembled into a response. */
static SyChatResponse *
assemble_pieces (const char *text,
                 const gsize *cuts,
                 guint        n_cuts)
{
  g_autoptr(GByteArray) frames = g_byte_array_new ();
  gsize from = 0;

  for (guint i = 0; i <= n_cuts; i++)
    {
      gsize to = i < n_cuts ? cuts[i] : strlen (text);
      g_autoptr(GString) payload = g_string_new ("{\"content\":");
      g_autofree char *piece = g_strndup (text + from, to - from);

      sy_json_write_string (payload, piece);
      g_string_append_c (payload, '}');
      kiro_put_message (frames, "event", "assistantResponseEvent", payload->str);
      from = to;
    }
  return sy_kiro_codec.parse_response ((const char *) frames->data, frames->len, NULL);
}

static void
assert_parts (SyChatResponse *response,
              const char     *thinking,
              const char     *text)
{
  guint n = 0;

  g_assert_nonnull (response);
  if (thinking != NULL)
    {
      SyPart *part = g_ptr_array_index (response->parts, n++);

      g_assert_cmpint (part->kind, ==, SY_PART_THINKING);
      g_assert_cmpstr (part->text, ==, thinking);
    }
  if (text != NULL)
    {
      SyPart *part = g_ptr_array_index (response->parts, n++);

      g_assert_cmpint (part->kind, ==, SY_PART_TEXT);
      g_assert_cmpstr (part->text, ==, text);
    }
  g_assert_cmpuint (response->parts->len, ==, n);
  g_assert_cmpint (response->stop_reason, ==, SY_STOP_END_TURN);
}

static void
test_thinking_splits (void)
{
  static const struct { const char *input; const char *thinking; const char *text; } cases[] = {
    { "<thinking>a < b </thinking>\n\nThe answer.", "a < b ", "The answer." },
    { "  <thinking>x</thinking>y", "x", "y" },
    { "<thinking>cut off", "cut off", NULL },
    { "<thinkin", NULL, "<thinkin" },
    { "Plain <thinking>not a block</thinking>", NULL, "Plain <thinking>not a block</thinking>" },
    { "<think>no</think>", NULL, "<think>no</think>" },
    { "<thinking></thinking>", NULL, NULL },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      gsize len = strlen (cases[c].input);

      /* Cut once and twice at every pair of offsets: tags split every way. */
      for (gsize i = 0; i <= len; i++)
        for (gsize j = i; j <= len; j++)
          {
            gsize cuts[2] = { i, j };
            g_autoptr(SyChatResponse) response = assemble_pieces (cases[c].input, cuts, 2);

            assert_parts (response, cases[c].thinking, cases[c].text);
          }
    }
}

static void
test_tool_events (void)
{
  /* An input given whole as an object; a repeated event of a finished call; a call with no
   * input; a call closed by messageStopEvent; reasoningContentEvent with a signature; token
   * counts at the top level. */
  g_autoptr(GByteArray) frames = kiro_frames_from_text (
    "event reasoningContentEvent {\"text\":\"hmm\",\"signature\":\"sig1\"}\n"
    "event toolUseEvent {\"name\":\"a\",\"toolUseId\":\"t1\",\"input\":{\"x\":1},\"stop\":true}\n"
    "event toolUseEvent {\"name\":\"a\",\"toolUseId\":\"t1\",\"input\":\"junk\",\"stop\":true}\n"
    "event toolUseEvent {\"name\":\"b\",\"toolUseId\":\"t2\",\"stop\":true}\n"
    "event toolUseEvent {\"name\":\"c\",\"toolUseId\":\"t3\",\"input\":\"{\\\"y\\\":\"}\n"
    "event toolUseEvent {\"input\":\"2}\"}\n"
    "event contextUsageEvent {\"contextUsagePercentage\":3.5}\n"
    "event meteringEvent {\"inputTokens\":10,\"outputTokens\":4}\n"
    "event messageStopEvent {}\n"
    "event assistantResponseEvent {\"content\":\"after the end\"}\n");
  g_autoptr(SyChatResponse) r = sy_kiro_codec.parse_response ((const char *) frames->data,
                                                              frames->len, NULL);
  SyPart *p;

  g_assert_nonnull (r);
  g_assert_cmpuint (r->parts->len, ==, 4);
  p = g_ptr_array_index (r->parts, 0);
  g_assert_cmpint (p->kind, ==, SY_PART_THINKING);
  g_assert_cmpstr (p->text, ==, "hmm");
  g_assert_cmpstr (p->signature, ==, "sig1");
  p = g_ptr_array_index (r->parts, 1);
  g_assert_cmpstr (p->id, ==, "t1");
  g_assert_cmpstr (p->arguments, ==, "{\"x\":1}");
  p = g_ptr_array_index (r->parts, 2);
  g_assert_cmpstr (p->name, ==, "b");
  g_assert_cmpstr (p->arguments, ==, "{}");
  p = g_ptr_array_index (r->parts, 3);
  g_assert_cmpstr (p->id, ==, "t3");
  g_assert_cmpstr (p->arguments, ==, "{\"y\":2}");
  g_assert_cmpint (r->stop_reason, ==, SY_STOP_TOOL_USE);
  g_assert_cmpint (r->usage.input, ==, 10);
  g_assert_cmpint (r->usage.output, ==, 4);
  g_assert_cmpint (r->usage.cache_read, ==, SY_UNSET);
}

static void
test_tool_event_errors (void)
{
  static const char * const bad[] = {
    "event toolUseEvent {\"input\":\"{}\"}\n",
    "event toolUseEvent {\"toolUseId\":\"t\",\"input\":\"{}\"}\n",
    "event toolUseEvent {\"toolUseId\":\"t\",\"name\":\"n\",\"input\":[1]}\n",
    "event toolUseEvent {\"toolUseId\":7,\"name\":\"n\"}\n",
    "event assistantResponseEvent {\"content\":5}\n",
    "event assistantResponseEvent [1]\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GByteArray) frames = kiro_frames_from_text (bad[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(SyChatResponse) r = sy_kiro_codec.parse_response ((const char *) frames->data,
                                                                  frames->len, &error);

      g_assert_null (r);
      g_assert_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_INVALID_RESPONSE);
    }
}

static void
test_error_message (void)
{
  /* An error message (not an exception): its code and message are headers, no payload. And
   * an exception before anything else: Anthropic clients get the error alone. */
  g_autoptr(GByteArray) headers = g_byte_array_new ();
  g_autoptr(GByteArray) frames = g_byte_array_new ();
  g_autoptr(GByteArray) early = kiro_frames_from_text (
    "exception ValidationException {\"message\":\"Input is too long.\"}\n");
  g_autoptr(GBytes) error_input = NULL;
  g_autoptr(GBytes) early_input = g_byte_array_free_to_bytes (g_steal_pointer (&early));
  g_autofree char *openai = NULL;
  g_autofree char *anthropic = NULL;

  kiro_put_string_header (headers, ":message-type", "error");
  kiro_put_string_header (headers, ":error-code", "InternalFailure");
  kiro_put_string_header (headers, ":error-message", "boom");
  kiro_put_frame (frames, headers, "", 0);
  error_input = g_byte_array_free_to_bytes (g_steal_pointer (&frames));
  openai = translate_stream (SY_DIALECT_OPENAI, error_input, 0, NULL, NULL);
  g_assert_cmpstr (openai, ==, "data: {\"error\":{\"message\":\"InternalFailure: boom\","
                               "\"type\":\"api_error\",\"param\":null,\"code\":null}}\n\n");

  anthropic = translate_stream (SY_DIALECT_ANTHROPIC, early_input, 0, NULL, NULL);
  g_assert_true (g_str_has_prefix (anthropic, "event: error\n"));
  g_assert_nonnull (strstr (anthropic, "\"type\":\"invalid_request_error\""));
  g_assert_nonnull (strstr (anthropic, "ValidationException: Input is too long."));
}

/* --- errors, and what an upstream-only codec refuses ------------------------------------------ */

static void
test_parse_error (void)
{
  static const struct { const char *body; const char *type; const char *message; } cases[] = {
    { "{\"message\":\"Rate exceeded\","
      "\"__type\":\"com.amazon.aws.codewhisperer#ThrottlingException\"}",
      "rate_limit_error", "ThrottlingException: Rate exceeded" },
    { "{\"__type\":\"ValidationException\",\"message\":\"Improperly formed request.\"}",
      "invalid_request_error", "ValidationException: Improperly formed request." },
    { "{\"message\":\"You have reached the limit.\",\"reason\":\"MONTHLY_REQUEST_COUNT\"}",
      "api_error", "You have reached the limit. (MONTHLY_REQUEST_COUNT)" },
    { "{\"Message\":\"denied\",\"__type\":\"AccessDeniedException\"}",
      "permission_error", "AccessDeniedException: denied" },
  };
  char *type = NULL, *message = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_true (sy_kiro_codec.parse_error (cases[i].body, strlen (cases[i].body), &type,
                                                &message));
      g_assert_cmpstr (type, ==, cases[i].type);
      g_assert_cmpstr (message, ==, cases[i].message);
      g_clear_pointer (&type, g_free);
      g_clear_pointer (&message, g_free);
    }
  g_assert_false (sy_kiro_codec.parse_error ("not json", 8, &type, &message));
  g_assert_false (sy_kiro_codec.parse_error ("{\"error\":{}}", 12, &type, &message));
  g_assert_false (sy_kiro_codec.parse_error ("[1]", 3, &type, &message));
  g_assert_null (type);
  g_assert_null (message);
}

static void
test_format_error (void)
{
  g_autofree char *a = sy_kiro_codec.format_error (429, "rate_limit_error", NULL, "slow \"down\"");
  g_autofree char *b = sy_kiro_codec.format_error (400, "ValidationException", NULL, "bad");
  g_autofree char *c = sy_kiro_codec.format_error (502, "api_error", NULL, NULL);
  g_autofree char *d = sy_kiro_codec.format_error (418, "Bad\"Exception", NULL, "x");
  char *type = NULL, *message = NULL;

  g_assert_cmpstr (a, ==, "{\"message\":\"slow \\\"down\\\"\",\"__type\":"
                          "\"com.amazon.aws.codewhisperer#ThrottlingException\"}");
  g_assert_cmpstr (b, ==, "{\"message\":\"bad\",\"__type\":"
                          "\"com.amazon.aws.codewhisperer#ValidationException\"}");
  g_assert_cmpstr (c, ==, "{\"message\":\"\",\"__type\":"
                          "\"com.amazon.aws.codewhisperer#InternalServerException\"}");
  g_assert_cmpstr (d, ==, "{\"message\":\"x\",\"__type\":"
                          "\"com.amazon.aws.codewhisperer#ValidationException\"}");
  /* What format writes, parse reads back. */
  g_assert_true (sy_kiro_codec.parse_error (a, strlen (a), &type, &message));
  g_assert_cmpstr (type, ==, "rate_limit_error");
  g_assert_cmpstr (message, ==, "ThrottlingException: slow \"down\"");
  g_free (type);
  g_free (message);
}

static void
test_upstream_only (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SyChatResponse) response = sy_chat_response_new ();
  g_autoptr(SyStreamDecoder) decoder = sy_kiro_codec.new_decoder ();

  g_assert_cmpint (sy_codec_get (SY_DIALECT_KIRO)->dialect, ==, SY_DIALECT_KIRO);
  g_assert_cmpint (sy_kiro_codec.stream_framing, ==, SY_FRAMING_AWS_EVENT_STREAM);
  g_assert_cmpint (sy_codec_get (SY_DIALECT_OPENAI)->stream_framing, ==, SY_FRAMING_SSE);
  g_assert_null (sy_kiro_codec.parse_request ("{}", 2, &error));
  g_assert_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_UNSUPPORTED);
  g_assert_null (sy_kiro_codec.emit_response (response, notes));
  g_assert_null (sy_kiro_codec.new_encoder ());
  g_assert_nonnull (decoder);
}

static void
test_fresh_conversation_id (void)
{
  g_autoptr(SyChatRequest) request = sy_chat_request_new ();
  g_autoptr(SyMessage) message = sy_message_new (SY_ROLE_USER);
  g_autoptr(GBytes) a = NULL;
  g_autoptr(GBytes) b = NULL;
  g_autoptr(JsonNode) ja = NULL;
  g_autoptr(JsonNode) jb = NULL;
  const char *ida, *idb;

  request->model = g_strdup ("claude-sonnet-4.5");
  g_ptr_array_add (message->parts, sy_part_new_text ("hi"));
  g_ptr_array_add (request->messages, g_steal_pointer (&message));
  a = sy_kiro_codec.emit_request (request, NULL, NULL);
  b = sy_kiro_codec.emit_request (request, NULL, NULL);
  ja = sy_golden_parse_json (g_bytes_get_data (a, NULL), (gssize) g_bytes_get_size (a));
  jb = sy_golden_parse_json (g_bytes_get_data (b, NULL), (gssize) g_bytes_get_size (b));
  ida = json_object_get_string_member (json_object_get_object_member (
    json_node_get_object (ja), "conversationState"), "conversationId");
  idb = json_object_get_string_member (json_object_get_object_member (
    json_node_get_object (jb), "conversationState"), "conversationId");
  g_assert_true (g_uuid_string_is_valid (ida));
  g_assert_true (g_uuid_string_is_valid (idb));
  g_assert_cmpstr (ida, !=, idb);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (kiro_case_free);

  g_test_init (&argc, &argv, NULL);
  add_golden_cases (cases);
  g_test_add_func ("/sy/translate/kiro/framing/prelude-crc", test_prelude_crc);
  g_test_add_func ("/sy/translate/kiro/framing/message-crc", test_message_crc);
  g_test_add_func ("/sy/translate/kiro/framing/truncated", test_truncated);
  g_test_add_func ("/sy/translate/kiro/framing/oversized", test_oversized);
  g_test_add_func ("/sy/translate/kiro/framing/not-json", test_not_json);
  g_test_add_func ("/sy/translate/kiro/framing/empty", test_empty);
  g_test_add_func ("/sy/translate/kiro/thinking-splits", test_thinking_splits);
  g_test_add_func ("/sy/translate/kiro/tool-events", test_tool_events);
  g_test_add_func ("/sy/translate/kiro/tool-event-errors", test_tool_event_errors);
  g_test_add_func ("/sy/translate/kiro/error/message", test_error_message);
  g_test_add_func ("/sy/translate/kiro/error/parse", test_parse_error);
  g_test_add_func ("/sy/translate/kiro/error/format", test_format_error);
  g_test_add_func ("/sy/translate/kiro/upstream-only", test_upstream_only);
  g_test_add_func ("/sy/translate/kiro/fresh-conversation-id", test_fresh_conversation_id);
  return g_test_run ();
}

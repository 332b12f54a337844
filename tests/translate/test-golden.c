/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Golden translation tests, table-driven from the .manifest files in tests/fixtures/translate. Each line:
 *
 *   <request|response|stream> <from-dialect> <to-dialect> <case-dir>
 *
 * and the case directory holds input.json or input.sse, and either expected.json /
 * expected.sse or expected-error.txt (a substring of the error message). Optional:
 * expected-notes.txt (each line a substring that must appear in some note) and
 * expected-path.txt (the upstream request path). JSON is compared by value; streams event by
 * event, data by JSON value. Every stream is also fed split at every byte and must translate
 * the same way.
 */
#include <string.h>

#include "translate/sy-codec.h"
#include "sy-golden-check.h"

typedef struct
{
  char *kind;
  char *from;
  char *to;
  char *dir;
} GoldenCase;

static void
golden_case_free (gpointer data)
{
  GoldenCase *c = data;

  g_free (c->kind);
  g_free (c->from);
  g_free (c->to);
  g_free (c->dir);
  g_free (c);
}

static void
run_request (const GoldenCase *c,
             const SyCodec    *from,
             const SyCodec    *to)
{
  gsize len, expected_len;
  g_autofree char *input = sy_golden_read (c->dir, "input.json", &len);
  g_autofree char *expected = sy_golden_read (c->dir, "expected.json", &expected_len);
  g_autofree char *expected_path = sy_golden_read (c->dir, "expected-path.txt", NULL);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(SyChatRequest) request = NULL;
  g_autoptr(GBytes) out = NULL;

  g_assert_nonnull (input);
  request = from->parse_request (input, len, &error);
  if (request != NULL)
    {
      if (request->model == NULL)
        request->model = g_strdup ("test-model");
      out = to->emit_request (request, notes, &error);
    }
  sy_golden_check_error (c->dir, error);
  if (error != NULL)
    return;

  sy_golden_assert_json (c->dir, g_bytes_get_data (out, NULL), g_bytes_get_size (out), expected,
                     expected_len);
  sy_golden_check_notes (c->dir, notes);
  if (expected_path != NULL)
    {
      g_autofree char *path = to->request_path (request);

      g_assert_cmpstr (path, ==, g_strstrip (expected_path));
    }
}

static void
run_response (const GoldenCase *c,
              const SyCodec    *from,
              const SyCodec    *to)
{
  gsize len, expected_len;
  g_autofree char *input = sy_golden_read (c->dir, "input.json", &len);
  g_autofree char *expected = sy_golden_read (c->dir, "expected.json", &expected_len);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(SyChatResponse) response = NULL;
  g_autoptr(GBytes) out = NULL;

  g_assert_nonnull (input);
  response = from->parse_response (input, len, &error);
  sy_golden_check_error (c->dir, error);
  if (error != NULL)
    return;
  if (response->model == NULL)
    response->model = g_strdup ("test-model");
  out = to->emit_response (response, notes);
  sy_golden_assert_json (c->dir, g_bytes_get_data (out, NULL), g_bytes_get_size (out), expected,
                     expected_len);
  sy_golden_check_notes (c->dir, notes);
}

typedef struct
{
  SyStreamDecoder *decoder;
  SyStreamEncoder *encoder;
  GString         *out;
  GError          *error;
} StreamRun;

static void
event_cb (const SyStreamEvent *event,
          gpointer             user_data)
{
  StreamRun *run = user_data;

  sy_stream_encoder_encode (run->encoder, event, run->out);
}

static void
sse_cb (const SySseEvent *event,
        gpointer          user_data)
{
  StreamRun *run = user_data;

  if (run->error == NULL)
    sy_stream_decoder_push (run->decoder, event, event_cb, run, &run->error);
}

/* Translates input fed in chunks of at most chunk bytes (0: whole). */
static char *
translate_stream (const SyCodec *from,
                  const SyCodec *to,
                  const char    *input,
                  gsize          len,
                  gsize          chunk,
                  GError       **error)
{
  StreamRun run = { from->new_decoder (), to->new_encoder (), g_string_new (NULL), NULL };
  g_autoptr(SySseParser) parser = sy_sse_parser_new (0, sse_cb, &run);

  sy_stream_encoder_set_model (run.encoder, "test-model");
  if (chunk == 0)
    chunk = len;
  for (gsize off = 0; off < len; off += chunk)
    g_assert_true (sy_sse_parser_push (parser, input + off, MIN (chunk, len - off), NULL));
  sy_sse_parser_finish (parser);
  if (run.error == NULL)
    sy_stream_decoder_finish (run.decoder, event_cb, &run);
  g_object_unref (run.decoder);
  g_object_unref (run.encoder);
  if (run.error != NULL)
    {
      g_propagate_error (error, run.error);
      g_string_free (run.out, TRUE);
      return NULL;
    }
  return g_string_free (run.out, FALSE);
}

typedef struct
{
  GPtrArray *names;
  GPtrArray *data;
} EventList;

static void
collect_cb (const SySseEvent *event,
            gpointer          user_data)
{
  EventList *list = user_data;

  g_ptr_array_add (list->names, g_strdup (event->event ? event->event : ""));
  g_ptr_array_add (list->data, g_strndup (event->data, event->data_len));
}

static void
collect_events (const char *text,
                EventList  *list)
{
  g_autoptr(SySseParser) parser = sy_sse_parser_new (0, collect_cb, list);

  list->names = g_ptr_array_new_with_free_func (g_free);
  list->data = g_ptr_array_new_with_free_func (g_free);
  g_assert_true (sy_sse_parser_push (parser, text, strlen (text), NULL));
  sy_sse_parser_finish (parser);
}

static void
assert_streams_equal (const char *what,
                      const char *got,
                      const char *expected)
{
  EventList a, b;

  collect_events (got, &a);
  collect_events (expected, &b);
  for (guint i = 0; i < MAX (a.names->len, b.names->len); i++)
    {
      const char *da, *db;
      JsonNode *expected_node;

      if (i >= a.names->len || i >= b.names->len)
        g_error ("%s: %u events, expected %u.\n--- got:\n%s\n--- expected:\n%s", what,
                 a.names->len, b.names->len, got, expected);
      if (!g_str_equal (g_ptr_array_index (a.names, i), g_ptr_array_index (b.names, i)))
        g_error ("%s: event %u is \"%s\", expected \"%s\".\n--- got:\n%s", what, i,
                 (char *) g_ptr_array_index (a.names, i), (char *) g_ptr_array_index (b.names, i),
                 got);
      da = g_ptr_array_index (a.data, i);
      db = g_ptr_array_index (b.data, i);
      /* Data compares as JSON when the expected data is JSON ("[DONE]" is not). */
      expected_node = sy_golden_parse_json (db, strlen (db));
      if (expected_node != NULL)
        {
          g_autofree char *label = g_strdup_printf ("%s, event %u", what, i);

          g_clear_pointer (&expected_node, json_node_unref);
          sy_golden_assert_json (label, da, strlen (da), db, strlen (db));
        }
      else if (!g_str_equal (da, db))
        g_error ("%s: event %u data \"%s\", expected \"%s\"", what, i, da, db);
    }
  g_ptr_array_unref (a.names);
  g_ptr_array_unref (a.data);
  g_ptr_array_unref (b.names);
  g_ptr_array_unref (b.data);
}

static void
run_stream (const GoldenCase *c,
            const SyCodec    *from,
            const SyCodec    *to)
{
  gsize len;
  g_autofree char *input = sy_golden_read (c->dir, "input.sse", &len);
  g_autofree char *expected = sy_golden_read (c->dir, "expected.sse", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *whole = NULL;

  g_assert_nonnull (input);
  whole = translate_stream (from, to, input, len, 0, &error);
  sy_golden_check_error (c->dir, error);
  if (error != NULL)
    return;
  g_assert_nonnull (expected);
  assert_streams_equal (c->dir, whole, expected);

  /* The same output whatever the read boundaries: reads of every size up to 64 bytes (so every
   * event boundary, CRLF and UTF-8 sequence falls between reads somewhere), then a spread of
   * larger ones. */
  for (gsize split = 1; split < len; split += split < 64 ? 1 : MAX (len / 32, 1))
    {
      g_autofree char *part = translate_stream (from, to, input, len, split, NULL);
      if (g_strcmp0 (part, whole) != 0)
        g_error ("%s: output differs when the input is read in %" G_GSIZE_FORMAT "-byte chunks",
                 c->dir, split);
    }
}

/* Any dialect's name, the upstream-only ones (gemini-cli, kiro) included, which
 * sy_dialect_from_string refuses on purpose. */
static SyDialect
dialect_named (const char *name)
{
  for (SyDialect d = SY_DIALECT_OPENAI; d <= SY_DIALECT_KIRO; d++)
    if (g_str_equal (sy_dialect_to_string (d), name))
      return d;
  g_error ("unknown dialect %s", name);
}

static void
run_case (gconstpointer data)
{
  const GoldenCase *c = data;
  SyDialect from = dialect_named (c->from);
  SyDialect to = dialect_named (c->to);

  if (g_str_equal (c->kind, "request"))
    run_request (c, sy_codec_get (from), sy_codec_get (to));
  else if (g_str_equal (c->kind, "response"))
    run_response (c, sy_codec_get (from), sy_codec_get (to));
  else if (g_str_equal (c->kind, "stream"))
    run_stream (c, sy_codec_get (from), sy_codec_get (to));
  else
    g_error ("unknown case kind %s", c->kind);
}

static void
load_manifest (const char *dir,
               const char *name,
               GPtrArray  *cases)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", 0);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = NULL;
      g_autoptr(GPtrArray) fields = NULL;
      GoldenCase *c;
      char *line = g_strstrip (lines[i]);

      if (*line == '\0' || *line == '#')
        continue;
      f = g_strsplit_set (line, " \t", 0);
      fields = g_ptr_array_new ();
      for (guint j = 0; f[j] != NULL; j++)
        if (*f[j] != '\0')  /* repeated spaces */
          g_ptr_array_add (fields, f[j]);
      if (fields->len != 4)
        g_error ("%s:%u: expected 4 fields", path, i + 1);
      c = g_new0 (GoldenCase, 1);
      c->kind = g_strdup (g_ptr_array_index (fields, 0));
      c->from = g_strdup (g_ptr_array_index (fields, 1));
      c->to = g_strdup (g_ptr_array_index (fields, 2));
      c->dir = g_build_filename (dir, g_ptr_array_index (fields, 3), NULL);
      g_ptr_array_add (cases, c);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (golden_case_free);
  g_autofree char *dir = NULL;
  g_autoptr(GDir) d = NULL;
  g_autoptr(GPtrArray) manifests = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_test_init (&argc, &argv, NULL);
  dir = g_test_build_filename (G_TEST_DIST, "fixtures", "translate", NULL);
  d = g_dir_open (dir, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".manifest"))
      g_ptr_array_add (manifests, g_strdup (name));
  g_ptr_array_sort (manifests, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < manifests->len; i++)
    load_manifest (dir, g_ptr_array_index (manifests, i), cases);

  for (guint i = 0; i < cases->len; i++)
    {
      GoldenCase *c = g_ptr_array_index (cases, i);
      g_autofree char *base = g_path_get_basename (c->dir);
      g_autofree char *path = g_strdup_printf ("/sy/translate/golden/%s/%s-%s/%s", c->kind,
                                               c->from, c->to, base);

      g_test_add_data_func (path, c, run_case);
    }
  return g_test_run ();
}

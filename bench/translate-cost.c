/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cost of translation alone, no I/O: a typical 2 KB Chat Completions request with a
 * system prompt, history and a tool, parsed and emitted as an Anthropic Messages request; and
 * a 20-chunk Anthropic stream translated to Chat Completions chunks. Run it under
 * `valgrind --tool=callgrind` (bench/callgrind-translate.sh) for instruction counts that repeat
 * exactly; it also prints wall-clock ns per operation, which are noisy.
 */
#include <stdio.h>
#include <string.h>

#include "translate/sy-codec.h"
#include "translate/sy-stream-translator.h"

static GString *
make_request (void)
{
  GString *s = g_string_new ("{\"model\":\"anthropic/claude-sonnet-4-5\",\"stream\":true,"
                             "\"max_tokens\":1024,\"temperature\":0.2,\"messages\":["
                             "{\"role\":\"system\",\"content\":\"You are a careful coding "
                             "assistant. Answer briefly, show code when it helps, and never "
                             "invent APIs that do not exist.\"},");

  for (int i = 0; i < 6; i++)
    g_string_append_printf (s, "{\"role\":\"user\",\"content\":\"Question %d: how do I read a "
                               "file line by line in C with GLib, handling errors properly and "
                               "without leaking memory?\"},{\"role\":\"assistant\",\"content\":"
                               "\"Use g_data_input_stream_read_line_utf8 () in a loop and free "
                               "each line with g_free (); check the GError after each call.\"},",
                            i);
  g_string_append (s, "{\"role\":\"user\",\"content\":\"And the weather in Paris?\"}],"
                      "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                      "\"description\":\"Weather in a city\",\"parameters\":{\"type\":\"object\","
                      "\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}]}");
  return s;
}

static GString *
make_stream (void)
{
  GString *s = g_string_new ("event: message_start\ndata: {\"type\":\"message_start\",\"message\":"
                             "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
                             "\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,"
                             "\"stop_sequence\":null,\"usage\":{\"input_tokens\":512,"
                             "\"output_tokens\":1}}}\n\n"
                             "event: content_block_start\ndata: {\"type\":\"content_block_start\","
                             "\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");

  for (int i = 0; i < 20; i++)
    g_string_append_printf (s, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\","
                               "\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"word%d and "
                               "a few more \"}}\n\n", i);
  g_string_append (s, "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                      "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                      "\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":60}}\n\n"
                      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
  return s;
}

static gsize
translate_request (const GString *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SyChatRequest) request = sy_openai_codec.parse_request (body->str, body->len, &error);
  g_autoptr(GBytes) out = NULL;

  g_assert_no_error (error);
  out = sy_anthropic_codec.emit_request (request, notes, &error);
  g_assert_no_error (error);
  return g_bytes_get_size (out);
}

/* Fed in pieces the size of typical socket reads. */
static gsize
translate_stream (const GString *stream)
{
  g_autoptr(SyStreamTranslator) t = sy_stream_translator_new (SY_DIALECT_ANTHROPIC,
                                                              SY_DIALECT_OPENAI, "m");
  GString *out = g_string_new (NULL);
  gsize len;

  for (gsize off = 0; off < stream->len; off += 300)
    g_assert_true (sy_stream_translator_push (t, stream->str + off, MIN (300, stream->len - off),
                                              out, NULL));
  sy_stream_translator_finish (t, out);
  len = out->len;
  g_string_free (out, TRUE);
  return len;
}

int
main (int   argc,
      char *argv[])
{
  int n = argc > 1 ? atoi (argv[1]) : 2000;
  g_autoptr(GString) request = make_request ();
  g_autoptr(GString) stream = make_stream ();
  gsize total = 0;
  gint64 t0, t1, t2;

  t0 = g_get_monotonic_time ();
  for (int i = 0; i < n; i++)
    total += translate_request (request);
  t1 = g_get_monotonic_time ();
  for (int i = 0; i < n; i++)
    total += translate_stream (stream);
  t2 = g_get_monotonic_time ();

  printf ("request: %zu bytes, %d iterations, %.0f ns each\n", request->len, n,
          (double) (t1 - t0) * 1000.0 / n);
  printf ("stream: 20 chunks (%zu bytes), %d iterations, %.0f ns each, %.0f ns per chunk\n",
          stream->len, n, (double) (t2 - t1) * 1000.0 / n, (double) (t2 - t1) * 1000.0 / n / 20);
  return total == 0;
}

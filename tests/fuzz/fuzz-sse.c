/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for SySseParser: the first byte picks a chunk size, the rest is the stream,
 * fed in chunks of that size; then the same bytes whole. Both must yield the same events.
 */
#include <stdint.h>
#include <string.h>

#include "translate/sy-sse-parser.h"

static void
hash_cb (const SySseEvent *event,
         gpointer          user_data)
{
  guint *h = user_data;

  *h = *h * 31 + g_str_hash (event->event ? event->event : "") + (guint) event->data_len;
  for (gsize i = 0; i < event->data_len; i++)
    *h = *h * 33 + (guchar) event->data[i];
}

static gboolean
run (const uint8_t *data,
     size_t         size,
     size_t         chunk,
     guint         *hash)
{
  g_autoptr(SySseParser) parser = sy_sse_parser_new (64 * 1024, hash_cb, hash);

  for (size_t off = 0; off < size; off += chunk)
    if (!sy_sse_parser_push (parser, (const char *) data + off, MIN (chunk, size - off), NULL))
      return FALSE;
  sy_sse_parser_finish (parser);
  return TRUE;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  guint whole = 0, split = 0;
  gboolean ok_whole, ok_split;

  if (size < 1)
    return 0;
  ok_whole = run (data + 1, size - 1, size, &whole);
  ok_split = run (data + 1, size - 1, 1 + data[0] % 17, &split);
  if (ok_whole != ok_split || (ok_whole && whole != split))
    __builtin_trap ();
  return 0;
}

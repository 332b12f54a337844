/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for the Kiro codec: any bytes as an AWS event stream through the stream
 * translator (to OpenAI and Anthropic, whole and in chunks of a size the first byte picks:
 * the same output either way), as a complete response, and as an error body; and any bytes as
 * an OpenAI request emitted as a Kiro body, which must be JSON. When the first byte's top bit
 * is set, the frames' CRCs are recomputed first, so mutations reach the headers and payloads
 * instead of stopping at a CRC mismatch. Owns no state between inputs.
 */
#include <stdint.h>
#include <string.h>

#include "translate/sy-codec.h"
#include "translate/sy-stream-translator.h"
#include "translate/kiro/sy-aws-event-stream.h"

static guint32
get_u32 (const uint8_t *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static void
put_u32 (uint8_t *p,
         guint32  v)
{
  p[0] = v >> 24;
  p[1] = (v >> 16) & 0xff;
  p[2] = (v >> 8) & 0xff;
  p[3] = v & 0xff;
}

/* Rewrites the prelude and message CRCs of every whole frame in data, as far as the lengths
 * allow. */
static void
fix_crcs (uint8_t *data,
          size_t   size)
{
  size_t pos = 0;

  while (size - pos >= 12)
    {
      guint32 total = get_u32 (data + pos);

      put_u32 (data + pos + 8, sy_aws_crc32 (0, data + pos, 8));
      if (total < 16 || total > size - pos)
        return;
      put_u32 (data + pos + total - 4, sy_aws_crc32 (0, data + pos, total - 4));
      pos += total;
    }
}

static char *
translate (SyDialect      to,
           const uint8_t *data,
           size_t         size,
           size_t         chunk)
{
  g_autoptr(SyStreamTranslator) translator = sy_stream_translator_new (SY_DIALECT_KIRO, to,
                                                                       "fuzz");
  GString *out = g_string_new (NULL);
  gboolean ok = TRUE;

  for (size_t off = 0; ok && off < size; off += chunk)
    ok = sy_stream_translator_push (translator, (const char *) data + off,
                                    MIN (chunk, size - off), out, NULL);
  if (ok)
    sy_stream_translator_finish (translator, out);
  else
    sy_stream_translator_fail (translator, 502, "api_error", "bad upstream stream", out);
  if (!sy_stream_translator_is_over (translator))
    __builtin_trap ();
  return g_string_free (out, FALSE);
}

static void
fuzz_request (const uint8_t *data,
              size_t         size)
{
  g_autoptr(SyChatRequest) request = sy_openai_codec.parse_request ((const char *) data, size,
                                                                    NULL);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (request == NULL)
    return;
  out = sy_kiro_codec.emit_request (request, notes, NULL);
  if (out == NULL || !json_parser_load_from_data (parser, g_bytes_get_data (out, NULL),
                                                  (gssize) g_bytes_get_size (out), NULL))
    __builtin_trap ();
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const SyDialect targets[] = { SY_DIALECT_OPENAI, SY_DIALECT_ANTHROPIC };
  g_autoptr(SyChatResponse) response = NULL;
  g_autofree uint8_t *fixed = NULL;
  char *type = NULL, *message = NULL;

  if (size < 1)
    return 0;
  if (data[0] & 0x80)
    {
      fixed = g_memdup2 (data, size);
      fix_crcs (fixed + 1, size - 1);
      data = fixed;
    }
  for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
    {
      g_autofree char *whole = translate (targets[t], data + 1, size - 1, MAX (size, 1));
      g_autofree char *split = translate (targets[t], data + 1, size - 1, 1 + data[0] % 17);

      if (!g_str_equal (whole, split))
        __builtin_trap ();
    }
  response = sy_kiro_codec.parse_response ((const char *) data + 1, size - 1, NULL);
  if (sy_kiro_codec.parse_error ((const char *) data, size, &type, &message))
    {
      g_autofree char *body = sy_kiro_codec.format_error (502, type, NULL, message);

      g_free (type);
      g_free (message);
      if (!sy_kiro_codec.parse_error (body, strlen (body), &type, &message))
        __builtin_trap ();
      g_free (type);
      g_free (message);
    }
  fuzz_request (data, size);
  return 0;
}

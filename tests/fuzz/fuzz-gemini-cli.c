/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for the gemini-cli codec (Gemini in the Cloud Code envelope): any bytes as a
 * request body, a response body, an error body and an SSE stream, as for the gemini codec, and
 * as a body to wrap in the envelope (whose output must be one JSON object that unwraps again).
 * Finds crashes, leaks and undefined behaviour; asserts nothing about the translation itself.
 */

#include "fuzz-codec.h"

#include "core/sy-json-scan.h"
#include "translate/gemini-cli/sy-gemini-cli.h"

static void
fuzz_wrap (const char *data,
           size_t      size)
{
  g_autoptr(GBytes) in = g_bytes_new (data, size);
  g_autoptr(GBytes) out = sy_gemini_cli_wrap (in, "gemini-2.5-pro", size % 3 ? "p" : NULL,
                                              size % 2 ? "s" : NULL, NULL);
  const char *inner;
  gsize len, inner_len;
  const char *text;

  if (out == NULL)
    return;
  text = g_bytes_get_data (out, &len);
  g_assert_true (sy_json_check_object (text, len, 256, NULL));
  g_assert_true (sy_gemini_cli_unwrap (text, len, "request", &inner, &inner_len));
}

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const SyCodec *codec = &sy_gemini_cli_codec;
  const char *text = (const char *) data;

  fuzz_request (codec, text, size);
  fuzz_response (codec, text, size);
  fuzz_error (codec, text, size);
  fuzz_stream (codec, text, size, 0);
  fuzz_stream (codec, text, size, 7);
  fuzz_wrap (text, size);
  return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for the Gemini codec: any bytes as a request body, a response body, an
 * error body and an SSE stream; whatever parses is emitted again (and the emitted request and
 * response parsed back), and streams are re-encoded as Gemini SSE. Finds crashes, leaks and
 * undefined behaviour; asserts nothing about the translation itself.
 */
#include "fuzz-codec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const SyCodec *codec = &sy_gemini_codec;
  const char *text = (const char *) data;

  fuzz_request (codec, text, size);
  fuzz_response (codec, text, size);
  fuzz_error (codec, text, size);
  fuzz_stream (codec, text, size, 0);
  fuzz_stream (codec, text, size, 7);
  return 0;
}

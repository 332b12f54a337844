/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Gemini generateContent dialect's codec table: which function does what. Holds no logic
 * and no state.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-gemini-private.h"
#include "sy-gemini-stream-decoder.h"
#include "sy-gemini-stream-encoder.h"

const SyCodec sy_gemini_codec = {
  .dialect = SY_DIALECT_GEMINI,
  .parse_request = _sy_gemini_parse_request,
  .emit_request = _sy_gemini_emit_request,
  .request_path = _sy_gemini_request_path,
  .parse_response = _sy_gemini_parse_response,
  .emit_response = _sy_gemini_emit_response,
  .new_decoder = sy_gemini_stream_decoder_new,
  .new_encoder = sy_gemini_stream_encoder_new,
  .format_error = _sy_gemini_format_error,
  .parse_error = _sy_gemini_parse_error,
};

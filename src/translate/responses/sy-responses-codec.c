/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The OpenAI Responses dialect's codec table (POST /responses; Codex CLI's wire protocol).
 * Only wiring: the converters live in the other sy-responses-*.c files. Pure.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-responses-private.h"
#include "sy-responses-stream-decoder.h"
#include "sy-responses-stream-encoder.h"

const SyCodec sy_responses_codec = {
  .dialect = SY_DIALECT_RESPONSES,
  .parse_request = _sy_responses_parse_request,
  .emit_request = _sy_responses_emit_request,
  .request_path = _sy_responses_request_path,
  .parse_response = _sy_responses_parse_response,
  .emit_response = _sy_responses_emit_response,
  .new_decoder = sy_responses_stream_decoder_new,
  .new_encoder = sy_responses_stream_encoder_new,
  .format_error = _sy_responses_format_error,
  .parse_error = _sy_responses_parse_error,
};

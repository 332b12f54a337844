/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Anthropic Messages dialect's codec table: which function does what. The work is in
 * the request, response and stream files next to this one. Pure.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-anthropic-private.h"
#include "sy-anthropic-stream-decoder.h"
#include "sy-anthropic-stream-encoder.h"

const SyCodec sy_anthropic_codec = {
  .dialect = SY_DIALECT_ANTHROPIC,
  .parse_request = _sy_anthropic_parse_request,
  .emit_request = _sy_anthropic_emit_request,
  .request_path = _sy_anthropic_request_path,
  .parse_response = _sy_anthropic_parse_response,
  .emit_response = _sy_anthropic_emit_response,
  .new_decoder = sy_anthropic_stream_decoder_new,
  .new_encoder = sy_anthropic_stream_encoder_new,
  .format_error = _sy_anthropic_format_error,
  .parse_error = _sy_anthropic_parse_error,
};

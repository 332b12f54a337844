/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy_openai_codec: the OpenAI Chat Completions dialect's entry in the codec registry. Only the
 * table and the request path live here; the converters are in the other sy-openai-*.c files.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-openai-private.h"
#include "sy-openai-stream-decoder.h"
#include "sy-openai-stream-encoder.h"

static char *
request_path (const SyChatRequest *request)
{
  return g_strdup ("/chat/completions");
}

const SyCodec sy_openai_codec = {
  .dialect = SY_DIALECT_OPENAI,
  .parse_request = _sy_openai_parse_request,
  .emit_request = _sy_openai_emit_request,
  .request_path = request_path,
  .parse_response = _sy_openai_parse_response,
  .emit_response = _sy_openai_emit_response,
  .new_decoder = sy_openai_stream_decoder_new,
  .new_encoder = sy_openai_stream_encoder_new,
  .format_error = _sy_openai_format_error,
  .parse_error = _sy_openai_parse_error,
};

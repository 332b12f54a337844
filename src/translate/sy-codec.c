/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The codec registry: which SyCodec speaks which dialect. Pure.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-codec.h"

G_DEFINE_QUARK (sy-translate-error-quark, sy_translate_error)


const SyCodec *
sy_codec_get (SyDialect dialect)
{
  switch (dialect)
    {
    case SY_DIALECT_ANTHROPIC:
      return &sy_anthropic_codec;
    case SY_DIALECT_GEMINI:
      return &sy_gemini_codec;
    case SY_DIALECT_RESPONSES:
      return &sy_responses_codec;
    case SY_DIALECT_GEMINI_CLI:
      return &sy_gemini_cli_codec;
    case SY_DIALECT_KIRO:
      return &sy_kiro_codec;
    case SY_DIALECT_OPENAI:
    default:
      return &sy_openai_codec;
    }
}

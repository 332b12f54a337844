/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built-in API-key providers with their public endpoints. OAuth subscription providers join in
 * the providers issue; user-defined compatible providers are provider nodes in the database.
 * No I/O here.
 */
#define G_LOG_DOMAIN "sy-providers"

#include "sy-provider-catalog.h"

static const SyProviderInfo catalog[] = {
  { "openai",     "openai",     "OpenAI",         SY_DIALECT_OPENAI,    SY_AUTH_HEADER_BEARER,       "https://api.openai.com/v1", TRUE },
  { "anthropic",  "anthropic",  "Anthropic",      SY_DIALECT_ANTHROPIC, SY_AUTH_HEADER_X_API_KEY,    "https://api.anthropic.com/v1" },
  { "gemini",     "gemini",     "Google Gemini",  SY_DIALECT_GEMINI,    SY_AUTH_HEADER_GOOG_API_KEY, "https://generativelanguage.googleapis.com/v1beta" },
  { "openrouter", "openrouter", "OpenRouter",     SY_DIALECT_OPENAI,    SY_AUTH_HEADER_BEARER,       "https://openrouter.ai/api/v1" },
  { "deepseek",   "ds",         "DeepSeek",       SY_DIALECT_OPENAI,    SY_AUTH_HEADER_BEARER,       "https://api.deepseek.com/v1" },
  { "groq",       "groq",       "Groq",           SY_DIALECT_OPENAI,    SY_AUTH_HEADER_BEARER,       "https://api.groq.com/openai/v1" },
  { "xai",        "xai",        "xAI",            SY_DIALECT_OPENAI,    SY_AUTH_HEADER_BEARER,       "https://api.x.ai/v1" },
  { "mistral",    "mistral",    "Mistral",        SY_DIALECT_OPENAI,    SY_AUTH_HEADER_BEARER,       "https://api.mistral.ai/v1" },
  { "perplexity", "pplx",       "Perplexity",     SY_DIALECT_OPENAI,    SY_AUTH_HEADER_BEARER,       "https://api.perplexity.ai" },
  { "together",   "together",   "Together AI",    SY_DIALECT_OPENAI,    SY_AUTH_HEADER_BEARER,       "https://api.together.xyz/v1" },
  { "fireworks",  "fireworks",  "Fireworks AI",   SY_DIALECT_OPENAI,    SY_AUTH_HEADER_BEARER,       "https://api.fireworks.ai/inference/v1" },
  { "cerebras",   "cerebras",   "Cerebras",       SY_DIALECT_OPENAI,    SY_AUTH_HEADER_BEARER,       "https://api.cerebras.ai/v1" },
  { "cohere",     "cohere",     "Cohere",         SY_DIALECT_OPENAI,    SY_AUTH_HEADER_BEARER,       "https://api.cohere.com/compatibility/v1" },
  { "nvidia",     "nvidia",     "NVIDIA NIM",     SY_DIALECT_OPENAI,    SY_AUTH_HEADER_BEARER,       "https://integrate.api.nvidia.com/v1" },
  { "glm",        "glm",        "GLM (Z.ai)",     SY_DIALECT_OPENAI,    SY_AUTH_HEADER_BEARER,       "https://api.z.ai/api/coding/paas/v4" },
  { "kimi",       "kimi",       "Kimi (Moonshot)", SY_DIALECT_OPENAI,   SY_AUTH_HEADER_BEARER,       "https://api.moonshot.ai/v1" },
  /* Speech to text only (/v1/audio/transcriptions), each with its own protocol
   * (src/gateway/sy-audio-deepgram.c, sy-audio-assemblyai.c); the dialect is the clients'. */
  { "deepgram",   "deepgram",   "Deepgram",       SY_DIALECT_OPENAI,    SY_AUTH_HEADER_TOKEN,        "https://api.deepgram.com" },
  { "assemblyai", "assemblyai", "AssemblyAI",     SY_DIALECT_OPENAI,    SY_AUTH_HEADER_PLAIN,        "https://api.assemblyai.com" },
};

const SyProviderInfo *
sy_provider_catalog_lookup (const char *id_or_alias)
{
  if (id_or_alias == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (catalog); i++)
    if (g_str_equal (catalog[i].id, id_or_alias) || g_str_equal (catalog[i].alias, id_or_alias))
      return &catalog[i];
  return NULL;
}

const SyProviderInfo *
sy_provider_catalog_get_all (guint *n_providers)
{
  *n_providers = G_N_ELEMENTS (catalog);
  return catalog;
}

SyAuthHeader
sy_auth_header_for_dialect (SyDialect dialect)
{
  switch (dialect)
    {
    case SY_DIALECT_ANTHROPIC:
      return SY_AUTH_HEADER_X_API_KEY;
    case SY_DIALECT_GEMINI:
      return SY_AUTH_HEADER_GOOG_API_KEY;
    case SY_DIALECT_OPENAI:
    case SY_DIALECT_RESPONSES:
    default:
      return SY_AUTH_HEADER_BEARER;
    }
}

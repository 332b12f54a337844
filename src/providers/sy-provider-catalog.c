/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The built-in providers with their public endpoints: subscriptions first (OAuth; their flows
 * live beside this file), then API-key providers. The order is meaningful: a bare model name
 * that several connected providers serve goes to the first of them. User-defined compatible
 * providers are provider nodes in the database. Model tables: sy-provider-models.c. No I/O.
 */
#define G_LOG_DOMAIN "sy-providers"

#include "sy-provider-catalog.h"
#include "sy-provider-models.h"

/* OpenRouter ranks apps by these; optional for the API, sent so the traffic is attributed. */
static const char * const openrouter_headers[] = {
  "HTTP-Referer", "https://github.com/switchyard/switchyard",
  "X-Title", "Switchyard",
  NULL
};
/* Claude subscription tokens are accepted by the Messages API only with this beta flag. */
static const char * const claude_headers[] = {
  "anthropic-beta", "oauth-2025-04-20",
  NULL
};
static const char * const codex_headers[] = {
  "OpenAI-Beta", "responses=experimental",
  "originator", "codex_cli_rs",
  NULL
};
/* Copilot refuses requests that do not say which integration and editor send them. */
static const char * const github_headers[] = {
  "Copilot-Integration-Id", "vscode-chat",
  "Editor-Version", "vscode/1.104.0",
  "Editor-Plugin-Version", "copilot-chat/0.31.0",
  "Openai-Intent", "conversation-panel",
  NULL
};

#define OAUTH   .auth_kind = SY_AUTH_KIND_OAUTH
#define APIKEY  .auth_kind = SY_AUTH_KIND_APIKEY

static const SyProviderInfo catalog[] = {
  /* Subscriptions: signed in with OAuth, the token goes as a bearer. */
  { .id = "claude", .alias = "cc", .name = "Claude Code", OAUTH,
    .dialect = SY_DIALECT_ANTHROPIC, .auth_header = SY_AUTH_HEADER_BEARER,
    .base_url = "https://api.anthropic.com/v1", .extra_headers = claude_headers,
    .models = sy_models_claude },
  { .id = "codex", .alias = "cx", .name = "OpenAI Codex", OAUTH,
    .dialect = SY_DIALECT_RESPONSES, .auth_header = SY_AUTH_HEADER_BEARER,
    .base_url = "https://chatgpt.com/backend-api/codex", .extra_headers = codex_headers,
    .models = sy_models_codex },
  { .id = "gemini-cli", .alias = "gc", .name = "Gemini CLI", OAUTH,
    .dialect = SY_DIALECT_GEMINI_CLI, .auth_header = SY_AUTH_HEADER_BEARER,
    .base_url = "https://cloudcode-pa.googleapis.com", .models = sy_models_gemini_cli },
  { .id = "github", .alias = "gh", .name = "GitHub Copilot", OAUTH,
    .dialect = SY_DIALECT_OPENAI, .auth_header = SY_AUTH_HEADER_BEARER,
    .base_url = "https://api.githubcopilot.com", .extra_headers = github_headers,
    .models = sy_models_github },
  { .id = "qwen", .alias = "qw", .name = "Qwen Code", OAUTH,
    .dialect = SY_DIALECT_OPENAI, .auth_header = SY_AUTH_HEADER_BEARER,
    .base_url = "https://portal.qwen.ai/v1", .models = sy_models_qwen },
  { .id = "kiro", .alias = "kr", .name = "Kiro", OAUTH,
    .dialect = SY_DIALECT_KIRO, .auth_header = SY_AUTH_HEADER_BEARER,
    .base_url = "https://codewhisperer.us-east-1.amazonaws.com", .models = sy_models_kiro },
  { .id = "iflow", .alias = "if", .name = "iFlow", OAUTH,
    .dialect = SY_DIALECT_OPENAI, .auth_header = SY_AUTH_HEADER_BEARER,
    .base_url = "https://apis.iflow.cn/v1", .models = sy_models_iflow },

  /* Pay per use: an API key. */
  { .id = "openai", .alias = "openai", .name = "OpenAI", APIKEY,
    .dialect = SY_DIALECT_OPENAI, .auth_header = SY_AUTH_HEADER_BEARER,
    .base_url = "https://api.openai.com/v1", .max_completion_tokens = TRUE,
    .models = sy_models_openai },
  { .id = "anthropic", .alias = "anthropic", .name = "Anthropic", APIKEY,
    .dialect = SY_DIALECT_ANTHROPIC, .auth_header = SY_AUTH_HEADER_X_API_KEY,
    .base_url = "https://api.anthropic.com/v1", .models = sy_models_anthropic },
  { .id = "gemini", .alias = "gemini", .name = "Google Gemini", APIKEY,
    .dialect = SY_DIALECT_GEMINI, .auth_header = SY_AUTH_HEADER_GOOG_API_KEY,
    .base_url = "https://generativelanguage.googleapis.com/v1beta", .models = sy_models_gemini },
  { .id = "openrouter", .alias = "openrouter", .name = "OpenRouter", APIKEY,
    .dialect = SY_DIALECT_OPENAI, .auth_header = SY_AUTH_HEADER_BEARER,
    .base_url = "https://openrouter.ai/api/v1", .extra_headers = openrouter_headers,
    .models = sy_models_openrouter },
  { .id = "deepseek", .alias = "ds", .name = "DeepSeek", APIKEY,
    .dialect = SY_DIALECT_OPENAI, .auth_header = SY_AUTH_HEADER_BEARER,
    .base_url = "https://api.deepseek.com/v1", .models = sy_models_deepseek },
  { .id = "groq", .alias = "groq", .name = "Groq", APIKEY,
    .dialect = SY_DIALECT_OPENAI, .auth_header = SY_AUTH_HEADER_BEARER,
    .base_url = "https://api.groq.com/openai/v1", .models = sy_models_groq },
  { .id = "xai", .alias = "xai", .name = "xAI", APIKEY,
    .dialect = SY_DIALECT_OPENAI, .auth_header = SY_AUTH_HEADER_BEARER,
    .base_url = "https://api.x.ai/v1", .models = sy_models_xai },
  { .id = "mistral", .alias = "mistral", .name = "Mistral", APIKEY,
    .dialect = SY_DIALECT_OPENAI, .auth_header = SY_AUTH_HEADER_BEARER,
    .base_url = "https://api.mistral.ai/v1", .models = sy_models_mistral },
  { .id = "perplexity", .alias = "pplx", .name = "Perplexity", APIKEY,
    .dialect = SY_DIALECT_OPENAI, .auth_header = SY_AUTH_HEADER_BEARER,
    .base_url = "https://api.perplexity.ai", .models = sy_models_perplexity },
  { .id = "together", .alias = "together", .name = "Together AI", APIKEY,
    .dialect = SY_DIALECT_OPENAI, .auth_header = SY_AUTH_HEADER_BEARER,
    .base_url = "https://api.together.xyz/v1", .models = sy_models_together },
  { .id = "fireworks", .alias = "fireworks", .name = "Fireworks AI", APIKEY,
    .dialect = SY_DIALECT_OPENAI, .auth_header = SY_AUTH_HEADER_BEARER,
    .base_url = "https://api.fireworks.ai/inference/v1", .models = sy_models_fireworks },
  { .id = "cerebras", .alias = "cerebras", .name = "Cerebras", APIKEY,
    .dialect = SY_DIALECT_OPENAI, .auth_header = SY_AUTH_HEADER_BEARER,
    .base_url = "https://api.cerebras.ai/v1", .models = sy_models_cerebras },
  { .id = "cohere", .alias = "cohere", .name = "Cohere", APIKEY,
    .dialect = SY_DIALECT_OPENAI, .auth_header = SY_AUTH_HEADER_BEARER,
    .base_url = "https://api.cohere.com/compatibility/v1", .models = sy_models_cohere },
  { .id = "nvidia", .alias = "nvidia", .name = "NVIDIA NIM", APIKEY,
    .dialect = SY_DIALECT_OPENAI, .auth_header = SY_AUTH_HEADER_BEARER,
    .base_url = "https://integrate.api.nvidia.com/v1", .models = sy_models_nvidia },
  { .id = "glm", .alias = "glm", .name = "GLM (Z.ai)", APIKEY,
    .dialect = SY_DIALECT_OPENAI, .auth_header = SY_AUTH_HEADER_BEARER,
    .base_url = "https://api.z.ai/api/coding/paas/v4", .models = sy_models_glm },
  { .id = "kimi", .alias = "kimi", .name = "Kimi (Moonshot)", APIKEY,
    .dialect = SY_DIALECT_OPENAI, .auth_header = SY_AUTH_HEADER_BEARER,
    .base_url = "https://api.moonshot.ai/v1", .models = sy_models_kimi },
  { .id = "minimax", .alias = "minimax", .name = "MiniMax", APIKEY,
    .dialect = SY_DIALECT_OPENAI, .auth_header = SY_AUTH_HEADER_BEARER,
    .base_url = "https://api.minimax.io/v1", .models = sy_models_minimax },
  /* Speech to text only (/v1/audio/transcriptions), each with its own protocol
   * (src/gateway/sy-audio-deepgram.c, sy-audio-assemblyai.c); the dialect is the clients'. */
  { .id = "deepgram", .alias = "deepgram", .name = "Deepgram", APIKEY,
    .dialect = SY_DIALECT_OPENAI, .auth_header = SY_AUTH_HEADER_TOKEN,
    .base_url = "https://api.deepgram.com", .models = sy_models_deepgram },
  { .id = "assemblyai", .alias = "assemblyai", .name = "AssemblyAI", APIKEY,
    .dialect = SY_DIALECT_OPENAI, .auth_header = SY_AUTH_HEADER_PLAIN,
    .base_url = "https://api.assemblyai.com", .models = sy_models_assemblyai },
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

guint
sy_provider_catalog_index (const SyProviderInfo *info)
{
  g_return_val_if_fail (info >= catalog && info < catalog + G_N_ELEMENTS (catalog), 0);

  return (guint) (info - catalog);
}

const SyModelInfo *
sy_provider_info_find_model (const SyProviderInfo *info,
                             const char           *model)
{
  g_return_val_if_fail (info != NULL, NULL);

  for (const SyModelInfo *m = info->models; m != NULL && m->id != NULL; m++)
    if (g_strcmp0 (m->id, model) == 0)
      return m;
  return NULL;
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

const char *
sy_auth_kind_to_string (SyAuthKind kind)
{
  switch (kind)
    {
    case SY_AUTH_KIND_OAUTH: return "oauth";
    case SY_AUTH_KIND_NONE: return "none";
    case SY_AUTH_KIND_APIKEY:
    default: return "apikey";
    }
}

static const char * const model_types[] = {
  [SY_MODEL_TYPE_CHAT] = "chat",
  [SY_MODEL_TYPE_EMBEDDING] = "embedding",
  [SY_MODEL_TYPE_IMAGE] = "image",
  [SY_MODEL_TYPE_AUDIO] = "audio",
};

const char *
sy_model_type_to_string (SyModelType type)
{
  return (guint) type < G_N_ELEMENTS (model_types) ? model_types[type] : "chat";
}

gboolean
sy_model_type_from_string (const char  *name,
                           SyModelType *out)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (model_types); i++)
    if (g_str_equal (model_types[i], name))
      {
        *out = (SyModelType) i;
        return TRUE;
      }
  return FALSE;
}

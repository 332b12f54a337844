/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What each built-in provider is known to serve: model id (as the upstream spells it), display
 * name, type, and the context window and output limit the provider publishes (tokens; best
 * known values, a guide for clients, never enforced here). A handful per provider: anything
 * else is reachable with its "prefix/model" id or added as a custom model
 * (/api/provider-models). Data only.
 */
#define G_LOG_DOMAIN "sy-providers"

#include "sy-provider-models.h"

#define CHAT(id, name, context, output) { id, name, SY_MODEL_TYPE_CHAT, context, output }
#define EMBEDDING(id, name, context)    { id, name, SY_MODEL_TYPE_EMBEDDING, context, 0 }
#define IMAGE(id, name)                 { id, name, SY_MODEL_TYPE_IMAGE, 0, 0 }
#define AUDIO(id, name)                 { id, name, SY_MODEL_TYPE_AUDIO, 0, 0 }
#define END                             { NULL, NULL, SY_MODEL_TYPE_CHAT, 0, 0 }

/* --- subscriptions ------------------------------------------------------------------------- */

const SyModelInfo sy_models_claude[] = {
  CHAT ("claude-opus-4-6", "Claude Opus 4.6", 200000, 64000),
  CHAT ("claude-opus-4-5", "Claude Opus 4.5", 200000, 64000),
  CHAT ("claude-opus-4-1", "Claude Opus 4.1", 200000, 32000),
  CHAT ("claude-sonnet-4-5", "Claude Sonnet 4.5", 200000, 64000),
  CHAT ("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5 (2025-09-29)", 200000, 64000),
  CHAT ("claude-haiku-4-5-20251001", "Claude Haiku 4.5 (2025-10-01)", 200000, 64000),
  END
};

const SyModelInfo sy_models_codex[] = {
  CHAT ("gpt-5.2-codex", "GPT-5.2 Codex", 400000, 128000),
  CHAT ("gpt-5.1-codex-max", "GPT-5.1 Codex Max", 400000, 128000),
  CHAT ("gpt-5.1-codex", "GPT-5.1 Codex", 400000, 128000),
  CHAT ("gpt-5-codex", "GPT-5 Codex", 400000, 128000),
  CHAT ("gpt-5", "GPT-5", 400000, 128000),
  END
};

const SyModelInfo sy_models_gemini_cli[] = {
  CHAT ("gemini-3-pro-preview", "Gemini 3 Pro (preview)", 1048576, 65536),
  CHAT ("gemini-3-flash-preview", "Gemini 3 Flash (preview)", 1048576, 65536),
  CHAT ("gemini-2.5-pro", "Gemini 2.5 Pro", 1048576, 65536),
  CHAT ("gemini-2.5-flash", "Gemini 2.5 Flash", 1048576, 65536),
  END
};

const SyModelInfo sy_models_github[] = {
  CHAT ("gpt-5", "GPT-5", 128000, 64000),
  CHAT ("gpt-5-mini", "GPT-5 mini", 128000, 64000),
  CHAT ("gpt-4.1", "GPT-4.1", 128000, 16384),
  CHAT ("claude-sonnet-4.5", "Claude Sonnet 4.5", 128000, 16000),
  CHAT ("gemini-2.5-pro", "Gemini 2.5 Pro", 128000, 64000),
  END
};

const SyModelInfo sy_models_qwen[] = {
  CHAT ("qwen3-coder-plus", "Qwen3 Coder Plus", 1000000, 65536),
  CHAT ("qwen3-coder-flash", "Qwen3 Coder Flash", 1000000, 65536),
  END
};

const SyModelInfo sy_models_kiro[] = {
  CHAT ("claude-sonnet-4.5", "Claude Sonnet 4.5", 200000, 64000),
  CHAT ("claude-haiku-4.5", "Claude Haiku 4.5", 200000, 64000),
  CHAT ("claude-sonnet-4", "Claude Sonnet 4", 200000, 64000),
  END
};

const SyModelInfo sy_models_iflow[] = {
  CHAT ("kimi-k2-thinking", "Kimi K2 Thinking", 262144, 32768),
  CHAT ("qwen3-coder-plus", "Qwen3 Coder Plus", 1000000, 65536),
  CHAT ("glm-4.7", "GLM-4.7", 200000, 128000),
  CHAT ("minimax-m2.1", "MiniMax M2.1", 204800, 131072),
  CHAT ("minimax-m2", "MiniMax M2", 204800, 131072),
  CHAT ("deepseek-r1", "DeepSeek R1", 131072, 32768),
  END
};

/* --- API keys ------------------------------------------------------------------------------ */

const SyModelInfo sy_models_openai[] = {
  CHAT ("gpt-5", "GPT-5", 400000, 128000),
  CHAT ("gpt-5-mini", "GPT-5 mini", 400000, 128000),
  CHAT ("gpt-5-codex", "GPT-5 Codex", 400000, 128000),
  CHAT ("gpt-4.1", "GPT-4.1", 1047576, 32768),
  CHAT ("gpt-4o", "GPT-4o", 128000, 16384),
  CHAT ("o3", "o3", 200000, 100000),
  CHAT ("o4-mini", "o4-mini", 200000, 100000),
  EMBEDDING ("text-embedding-3-small", "Text Embedding 3 Small", 8191),
  EMBEDDING ("text-embedding-3-large", "Text Embedding 3 Large", 8191),
  IMAGE ("gpt-image-1", "GPT Image 1"),
  IMAGE ("dall-e-3", "DALL-E 3"),
  AUDIO ("whisper-1", "Whisper"),
  AUDIO ("gpt-4o-transcribe", "GPT-4o Transcribe"),
  END
};

const SyModelInfo sy_models_anthropic[] = {
  CHAT ("claude-sonnet-4-5", "Claude Sonnet 4.5", 200000, 64000),
  CHAT ("claude-opus-4-1", "Claude Opus 4.1", 200000, 32000),
  CHAT ("claude-haiku-4-5", "Claude Haiku 4.5", 200000, 64000),
  CHAT ("claude-sonnet-4-0", "Claude Sonnet 4", 200000, 64000),
  CHAT ("claude-3-5-haiku-latest", "Claude Haiku 3.5", 200000, 8192),
  END
};

const SyModelInfo sy_models_gemini[] = {
  CHAT ("gemini-2.5-pro", "Gemini 2.5 Pro", 1048576, 65536),
  CHAT ("gemini-2.5-flash", "Gemini 2.5 Flash", 1048576, 65536),
  CHAT ("gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", 1048576, 65536),
  CHAT ("gemini-2.0-flash", "Gemini 2.0 Flash", 1048576, 8192),
  EMBEDDING ("gemini-embedding-001", "Gemini Embedding", 2048),
  END
};

const SyModelInfo sy_models_openrouter[] = {
  CHAT ("openrouter/auto", "Auto Router", 2000000, 128000),
  CHAT ("openai/gpt-5", "OpenAI: GPT-5", 400000, 128000),
  CHAT ("anthropic/claude-sonnet-4.5", "Anthropic: Claude Sonnet 4.5", 1000000, 64000),
  CHAT ("google/gemini-2.5-pro", "Google: Gemini 2.5 Pro", 1048576, 65536),
  CHAT ("deepseek/deepseek-chat-v3.1", "DeepSeek: DeepSeek V3.1", 163840, 163840),
  CHAT ("meta-llama/llama-3.3-70b-instruct", "Meta: Llama 3.3 70B Instruct", 131072, 16384),
  END
};

const SyModelInfo sy_models_deepseek[] = {
  CHAT ("deepseek-chat", "DeepSeek Chat (V3.2)", 128000, 8192),
  CHAT ("deepseek-reasoner", "DeepSeek Reasoner (V3.2)", 128000, 65536),
  END
};

const SyModelInfo sy_models_groq[] = {
  CHAT ("llama-3.3-70b-versatile", "Llama 3.3 70B Versatile", 131072, 32768),
  CHAT ("llama-3.1-8b-instant", "Llama 3.1 8B Instant", 131072, 131072),
  CHAT ("openai/gpt-oss-120b", "GPT-OSS 120B", 131072, 65536),
  CHAT ("moonshotai/kimi-k2-instruct-0905", "Kimi K2 Instruct (0905)", 262144, 16384),
  CHAT ("qwen/qwen3-32b", "Qwen3 32B", 131072, 40960),
  AUDIO ("whisper-large-v3", "Whisper Large v3"),
  END
};

const SyModelInfo sy_models_xai[] = {
  CHAT ("grok-4", "Grok 4", 256000, 64000),
  CHAT ("grok-4-fast-reasoning", "Grok 4 Fast (reasoning)", 2000000, 30000),
  CHAT ("grok-code-fast-1", "Grok Code Fast 1", 256000, 10000),
  CHAT ("grok-3", "Grok 3", 131072, 32768),
  CHAT ("grok-3-mini", "Grok 3 mini", 131072, 32768),
  END
};

const SyModelInfo sy_models_mistral[] = {
  CHAT ("mistral-large-latest", "Mistral Large", 131072, 32768),
  CHAT ("mistral-medium-latest", "Mistral Medium", 131072, 32768),
  CHAT ("mistral-small-latest", "Mistral Small", 131072, 32768),
  CHAT ("codestral-latest", "Codestral", 256000, 32768),
  CHAT ("devstral-medium-latest", "Devstral Medium", 131072, 32768),
  EMBEDDING ("mistral-embed", "Mistral Embed", 8192),
  END
};

const SyModelInfo sy_models_perplexity[] = {
  CHAT ("sonar-pro", "Sonar Pro", 200000, 8000),
  CHAT ("sonar", "Sonar", 127072, 8000),
  CHAT ("sonar-reasoning-pro", "Sonar Reasoning Pro", 127072, 8000),
  CHAT ("sonar-deep-research", "Sonar Deep Research", 127072, 8000),
  END
};

const SyModelInfo sy_models_together[] = {
  CHAT ("meta-llama/Llama-3.3-70B-Instruct-Turbo", "Llama 3.3 70B Instruct Turbo", 131072, 8192),
  CHAT ("deepseek-ai/DeepSeek-V3.1", "DeepSeek V3.1", 131072, 8192),
  CHAT ("Qwen/Qwen3-Coder-480B-A35B-Instruct-FP8", "Qwen3 Coder 480B", 262144, 16384),
  CHAT ("moonshotai/Kimi-K2-Instruct-0905", "Kimi K2 Instruct (0905)", 262144, 16384),
  CHAT ("openai/gpt-oss-120b", "GPT-OSS 120B", 131072, 32768),
  IMAGE ("black-forest-labs/FLUX.1-schnell", "FLUX.1 [schnell]"),
  END
};

const SyModelInfo sy_models_fireworks[] = {
  CHAT ("accounts/fireworks/models/llama-v3p3-70b-instruct", "Llama 3.3 70B Instruct", 131072,
        16384),
  CHAT ("accounts/fireworks/models/deepseek-v3p1", "DeepSeek V3.1", 163840, 16384),
  CHAT ("accounts/fireworks/models/qwen3-coder-480b-a35b-instruct", "Qwen3 Coder 480B", 262144,
        16384),
  CHAT ("accounts/fireworks/models/kimi-k2-instruct-0905", "Kimi K2 Instruct (0905)", 262144,
        16384),
  IMAGE ("accounts/fireworks/models/flux-1-schnell-fp8", "FLUX.1 [schnell] FP8"),
  END
};

const SyModelInfo sy_models_cerebras[] = {
  CHAT ("llama-3.3-70b", "Llama 3.3 70B", 65536, 8192),
  CHAT ("llama3.1-8b", "Llama 3.1 8B", 32768, 8192),
  CHAT ("gpt-oss-120b", "GPT-OSS 120B", 131072, 32768),
  CHAT ("qwen-3-coder-480b", "Qwen3 Coder 480B", 131072, 32768),
  END
};

const SyModelInfo sy_models_cohere[] = {
  CHAT ("command-a-03-2025", "Command A", 256000, 8000),
  CHAT ("command-r-plus-08-2024", "Command R+ (08-2024)", 128000, 4000),
  CHAT ("command-r-08-2024", "Command R (08-2024)", 128000, 4000),
  EMBEDDING ("embed-v4.0", "Embed v4", 128000),
  END
};

const SyModelInfo sy_models_nvidia[] = {
  CHAT ("meta/llama-3.3-70b-instruct", "Llama 3.3 70B Instruct", 131072, 4096),
  CHAT ("nvidia/llama-3.1-nemotron-ultra-253b-v1", "Llama 3.1 Nemotron Ultra 253B", 131072, 4096),
  CHAT ("deepseek-ai/deepseek-r1", "DeepSeek R1", 131072, 4096),
  CHAT ("qwen/qwen3-coder-480b-a35b-instruct", "Qwen3 Coder 480B", 262144, 16384),
  CHAT ("moonshotai/kimi-k2-instruct", "Kimi K2 Instruct", 131072, 16384),
  END
};

const SyModelInfo sy_models_glm[] = {
  CHAT ("glm-4.7", "GLM-4.7", 200000, 128000),
  CHAT ("glm-4.6", "GLM-4.6", 200000, 128000),
  CHAT ("glm-4.5", "GLM-4.5", 131072, 98304),
  CHAT ("glm-4.5-air", "GLM-4.5-Air", 131072, 98304),
  END
};

const SyModelInfo sy_models_kimi[] = {
  CHAT ("kimi-latest", "Kimi Latest", 131072, 32768),
  CHAT ("kimi-k2-0905-preview", "Kimi K2 (0905)", 262144, 32768),
  CHAT ("kimi-k2-turbo-preview", "Kimi K2 Turbo", 262144, 32768),
  CHAT ("kimi-k2-thinking", "Kimi K2 Thinking", 262144, 32768),
  END
};

const SyModelInfo sy_models_minimax[] = {
  CHAT ("MiniMax-M2.1", "MiniMax M2.1", 204800, 131072),
  CHAT ("MiniMax-M2", "MiniMax M2", 204800, 131072),
  CHAT ("MiniMax-Text-01", "MiniMax Text-01", 1000192, 40000),
  END
};

const SyModelInfo sy_models_deepgram[] = {
  AUDIO ("nova-3", "Nova-3"),
  AUDIO ("nova-2", "Nova-2"),
  AUDIO ("whisper-large", "Whisper Large (Deepgram)"),
  END
};

const SyModelInfo sy_models_assemblyai[] = {
  AUDIO ("universal", "Universal"),
  AUDIO ("best", "Best"),
  AUDIO ("nano", "Nano"),
  END
};

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Default prices, USD per million tokens (input, output, cached input), of the built-in
 * providers' well-known models, from their public price lists as of SY_PRICING_DEFAULTS_DATE.
 * Data only, no I/O. Standard (not batch, not priority) rates of the smallest context tier;
 * where a provider gives no cache discount the cached price is the input price. Per-request
 * fees (Perplexity's search fees) are not token prices and are not modelled. NVIDIA NIM's
 * hosted endpoints publish no per-token list, so it has no defaults. Prices change: users
 * correct them with PUT /api/pricing, and seeding never overrides an edit.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-pricing-defaults.h"

static const SyPriceDefault defaults[] = {
  /* OpenAI (platform.openai.com/docs/pricing) */
  { "openai", "gpt-5.1",                   1.25,  10.00, 0.125 },
  { "openai", "gpt-5",                     1.25,  10.00, 0.125 },
  { "openai", "gpt-5-codex",               1.25,  10.00, 0.125 },
  { "openai", "gpt-5-mini",                0.25,   2.00, 0.025 },
  { "openai", "gpt-5-nano",                0.05,   0.40, 0.005 },
  { "openai", "gpt-4.1",                   2.00,   8.00, 0.50 },
  { "openai", "gpt-4.1-mini",              0.40,   1.60, 0.10 },
  { "openai", "gpt-4.1-nano",              0.10,   0.40, 0.025 },
  { "openai", "gpt-4o",                    2.50,  10.00, 1.25 },
  { "openai", "gpt-4o-2024-08-06",         2.50,  10.00, 1.25 },
  { "openai", "gpt-4o-mini",               0.15,   0.60, 0.075 },
  { "openai", "o4-mini",                   1.10,   4.40, 0.275 },
  { "openai", "o3",                        2.00,   8.00, 0.50 },
  { "openai", "o3-mini",                   1.10,   4.40, 0.55 },
  { "openai", "o1",                       15.00,  60.00, 7.50 },
  { "openai", "o1-mini",                   1.10,   4.40, 0.55 },
  { "openai", "gpt-4-turbo",              10.00,  30.00, 10.00 },
  { "openai", "gpt-3.5-turbo",             0.50,   1.50, 0.50 },

  /* Anthropic (claude.com/pricing): cache reads at a tenth of the input price */
  { "anthropic", "claude-opus-4-5",            5.00, 25.00, 0.50 },
  { "anthropic", "claude-opus-4-5-20251101",   5.00, 25.00, 0.50 },
  { "anthropic", "claude-opus-4-1",           15.00, 75.00, 1.50 },
  { "anthropic", "claude-opus-4-1-20250805",  15.00, 75.00, 1.50 },
  { "anthropic", "claude-opus-4-0",           15.00, 75.00, 1.50 },
  { "anthropic", "claude-opus-4-20250514",    15.00, 75.00, 1.50 },
  { "anthropic", "claude-sonnet-4-5",          3.00, 15.00, 0.30 },
  { "anthropic", "claude-sonnet-4-5-20250929", 3.00, 15.00, 0.30 },
  { "anthropic", "claude-sonnet-4-0",          3.00, 15.00, 0.30 },
  { "anthropic", "claude-sonnet-4-20250514",   3.00, 15.00, 0.30 },
  { "anthropic", "claude-3-7-sonnet-latest",   3.00, 15.00, 0.30 },
  { "anthropic", "claude-3-7-sonnet-20250219", 3.00, 15.00, 0.30 },
  { "anthropic", "claude-haiku-4-5",           1.00,  5.00, 0.10 },
  { "anthropic", "claude-haiku-4-5-20251001",  1.00,  5.00, 0.10 },
  { "anthropic", "claude-3-5-haiku-latest",    0.80,  4.00, 0.08 },
  { "anthropic", "claude-3-5-haiku-20241022",  0.80,  4.00, 0.08 },
  { "anthropic", "claude-3-haiku-20240307",    0.25,  1.25, 0.03 },

  /* Google Gemini API (ai.google.dev/pricing), prompts up to 200k tokens */
  { "gemini", "gemini-3-pro-preview",    2.00, 12.00, 0.20 },
  { "gemini", "gemini-2.5-pro",          1.25, 10.00, 0.125 },
  { "gemini", "gemini-2.5-flash",        0.30,  2.50, 0.03 },
  { "gemini", "gemini-2.5-flash-lite",   0.10,  0.40, 0.01 },
  { "gemini", "gemini-2.0-flash",        0.10,  0.40, 0.025 },
  { "gemini", "gemini-2.0-flash-lite",   0.075, 0.30, 0.075 },

  /* OpenRouter passes its providers' list prices through */
  { "openrouter", "openai/gpt-5",                  1.25, 10.00, 0.125 },
  { "openrouter", "openai/gpt-4.1",                2.00,  8.00, 0.50 },
  { "openrouter", "openai/gpt-4o",                 2.50, 10.00, 1.25 },
  { "openrouter", "openai/gpt-4o-mini",            0.15,  0.60, 0.075 },
  { "openrouter", "anthropic/claude-opus-4.1",    15.00, 75.00, 1.50 },
  { "openrouter", "anthropic/claude-sonnet-4.5",   3.00, 15.00, 0.30 },
  { "openrouter", "anthropic/claude-sonnet-4",     3.00, 15.00, 0.30 },
  { "openrouter", "anthropic/claude-3.7-sonnet",   3.00, 15.00, 0.30 },
  { "openrouter", "anthropic/claude-haiku-4.5",    1.00,  5.00, 0.10 },
  { "openrouter", "google/gemini-2.5-pro",         1.25, 10.00, 0.31 },
  { "openrouter", "google/gemini-2.5-flash",       0.30,  2.50, 0.075 },
  { "openrouter", "x-ai/grok-4",                   3.00, 15.00, 0.75 },
  { "openrouter", "x-ai/grok-code-fast-1",         0.20,  1.50, 0.02 },

  /* DeepSeek (api-docs.deepseek.com/quick_start/pricing), V3.2: cache hit vs miss */
  { "deepseek", "deepseek-chat",      0.28, 0.42, 0.028 },
  { "deepseek", "deepseek-reasoner",  0.28, 0.42, 0.028 },

  /* Groq (groq.com/pricing) */
  { "groq", "llama-3.3-70b-versatile",                       0.59, 0.79, 0.59 },
  { "groq", "llama-3.1-8b-instant",                          0.05, 0.08, 0.05 },
  { "groq", "meta-llama/llama-4-maverick-17b-128e-instruct", 0.20, 0.60, 0.20 },
  { "groq", "meta-llama/llama-4-scout-17b-16e-instruct",     0.11, 0.34, 0.11 },
  { "groq", "openai/gpt-oss-120b",                           0.15, 0.75, 0.15 },
  { "groq", "openai/gpt-oss-20b",                            0.10, 0.50, 0.10 },
  { "groq", "moonshotai/kimi-k2-instruct",                   1.00, 3.00, 0.50 },
  { "groq", "moonshotai/kimi-k2-instruct-0905",              1.00, 3.00, 0.50 },
  { "groq", "qwen/qwen3-32b",                                0.29, 0.59, 0.29 },

  /* xAI (docs.x.ai/docs/models) */
  { "xai", "grok-4",                     3.00, 15.00, 0.75 },
  { "xai", "grok-4-0709",                3.00, 15.00, 0.75 },
  { "xai", "grok-4-fast-reasoning",      0.20,  0.50, 0.05 },
  { "xai", "grok-4-fast-non-reasoning",  0.20,  0.50, 0.05 },
  { "xai", "grok-code-fast-1",           0.20,  1.50, 0.02 },
  { "xai", "grok-3",                     3.00, 15.00, 0.75 },
  { "xai", "grok-3-mini",                0.30,  0.50, 0.075 },

  /* Mistral (mistral.ai/pricing) */
  { "mistral", "mistral-large-latest",     2.00, 6.00, 2.00 },
  { "mistral", "mistral-medium-latest",    0.40, 2.00, 0.40 },
  { "mistral", "mistral-small-latest",     0.10, 0.30, 0.10 },
  { "mistral", "magistral-medium-latest",  2.00, 5.00, 2.00 },
  { "mistral", "magistral-small-latest",   0.50, 1.50, 0.50 },
  { "mistral", "codestral-latest",         0.30, 0.90, 0.30 },
  { "mistral", "devstral-medium-latest",   0.40, 2.00, 0.40 },
  { "mistral", "devstral-small-latest",    0.10, 0.30, 0.10 },
  { "mistral", "pixtral-large-latest",     2.00, 6.00, 2.00 },
  { "mistral", "ministral-8b-latest",      0.10, 0.10, 0.10 },
  { "mistral", "ministral-3b-latest",      0.04, 0.04, 0.04 },
  { "mistral", "open-mistral-nemo",        0.15, 0.15, 0.15 },

  /* Perplexity (docs.perplexity.ai/getting-started/pricing): tokens only */
  { "perplexity", "sonar",                1.00,  1.00, 1.00 },
  { "perplexity", "sonar-pro",            3.00, 15.00, 3.00 },
  { "perplexity", "sonar-reasoning",      1.00,  5.00, 1.00 },
  { "perplexity", "sonar-reasoning-pro",  2.00,  8.00, 2.00 },
  { "perplexity", "sonar-deep-research",  2.00,  8.00, 2.00 },

  /* Together AI (together.ai/pricing) */
  { "together", "meta-llama/Llama-3.3-70B-Instruct-Turbo",           0.88, 0.88, 0.88 },
  { "together", "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo",       0.18, 0.18, 0.18 },
  { "together", "meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo",     3.50, 3.50, 3.50 },
  { "together", "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8", 0.27, 0.85, 0.27 },
  { "together", "deepseek-ai/DeepSeek-V3",                           1.25, 1.25, 1.25 },
  { "together", "deepseek-ai/DeepSeek-R1",                           3.00, 7.00, 3.00 },
  { "together", "Qwen/Qwen2.5-72B-Instruct-Turbo",                   1.20, 1.20, 1.20 },
  { "together", "Qwen/Qwen2.5-Coder-32B-Instruct",                   0.80, 0.80, 0.80 },
  { "together", "Qwen/Qwen3-235B-A22B-Instruct-2507-tput",           0.20, 0.60, 0.20 },
  { "together", "moonshotai/Kimi-K2-Instruct",                       1.00, 3.00, 1.00 },
  { "together", "openai/gpt-oss-120b",                               0.15, 0.60, 0.15 },

  /* Fireworks AI (fireworks.ai/pricing) */
  { "fireworks", "accounts/fireworks/models/llama-v3p3-70b-instruct",  0.90, 0.90, 0.90 },
  { "fireworks", "accounts/fireworks/models/llama-v3p1-8b-instruct",   0.20, 0.20, 0.20 },
  { "fireworks", "accounts/fireworks/models/llama-v3p1-405b-instruct", 3.00, 3.00, 3.00 },
  { "fireworks", "accounts/fireworks/models/deepseek-v3",              0.90, 0.90, 0.90 },
  { "fireworks", "accounts/fireworks/models/deepseek-r1",              3.00, 8.00, 3.00 },
  { "fireworks", "accounts/fireworks/models/qwen3-235b-a22b",          0.22, 0.88, 0.22 },
  { "fireworks", "accounts/fireworks/models/kimi-k2-instruct",         0.60, 2.50, 0.60 },
  { "fireworks", "accounts/fireworks/models/gpt-oss-120b",             0.15, 0.60, 0.15 },
  { "fireworks", "accounts/fireworks/models/gpt-oss-20b",              0.07, 0.30, 0.07 },

  /* Cerebras (cerebras.ai/pricing) */
  { "cerebras", "llama3.1-8b",                       0.10, 0.10, 0.10 },
  { "cerebras", "llama-3.3-70b",                     0.85, 1.20, 0.85 },
  { "cerebras", "llama-4-scout-17b-16e-instruct",    0.65, 0.85, 0.65 },
  { "cerebras", "gpt-oss-120b",                      0.25, 0.69, 0.25 },
  { "cerebras", "qwen-3-32b",                        0.40, 0.80, 0.40 },
  { "cerebras", "qwen-3-235b-a22b-instruct-2507",    0.60, 1.20, 0.60 },

  /* Cohere (cohere.com/pricing) */
  { "cohere", "command-a-03-2025",       2.50,   10.00, 2.50 },
  { "cohere", "command-r-plus-08-2024",  2.50,   10.00, 2.50 },
  { "cohere", "command-r-08-2024",       0.15,    0.60, 0.15 },
  { "cohere", "command-r7b-12-2024",     0.0375,  0.15, 0.0375 },

  /* GLM, Z.ai (docs.z.ai/guides/overview/pricing) */
  { "glm", "glm-4.6",        0.60, 2.20, 0.11 },
  { "glm", "glm-4.5",        0.60, 2.20, 0.11 },
  { "glm", "glm-4.5v",       0.60, 1.80, 0.11 },
  { "glm", "glm-4.5-air",    0.20, 1.10, 0.03 },
  { "glm", "glm-4.5-flash",  0.00, 0.00, 0.00 },

  /* Kimi, Moonshot (platform.moonshot.ai/docs/pricing) */
  { "kimi", "kimi-k2-thinking",      0.60, 2.50, 0.15 },
  { "kimi", "kimi-k2-0905-preview",  0.60, 2.50, 0.15 },
  { "kimi", "kimi-k2-0711-preview",  0.60, 2.50, 0.15 },
  { "kimi", "moonshot-v1-8k",        0.20, 2.00, 0.20 },
  { "kimi", "moonshot-v1-32k",       1.00, 3.00, 1.00 },
  { "kimi", "moonshot-v1-128k",      2.00, 5.00, 2.00 },
};

const SyPriceDefault *
sy_pricing_defaults_get (guint *n_defaults)
{
  *n_defaults = G_N_ELEMENTS (defaults);
  return defaults;
}

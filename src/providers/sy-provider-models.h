/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The default model tables of the built-in providers (sy-provider-models.c), one per catalog
 * entry, each ended by an entry with id NULL. Data only; sy-provider-catalog.c points at them.
 */
#pragma once

#include "sy-provider-catalog.h"

G_BEGIN_DECLS

/* Subscriptions (OAuth). */
extern const SyModelInfo sy_models_claude[];
extern const SyModelInfo sy_models_codex[];
extern const SyModelInfo sy_models_gemini_cli[];
extern const SyModelInfo sy_models_github[];
extern const SyModelInfo sy_models_qwen[];
extern const SyModelInfo sy_models_kiro[];
extern const SyModelInfo sy_models_iflow[];
/* API keys. */
extern const SyModelInfo sy_models_openai[];
extern const SyModelInfo sy_models_anthropic[];
extern const SyModelInfo sy_models_gemini[];
extern const SyModelInfo sy_models_openrouter[];
extern const SyModelInfo sy_models_deepseek[];
extern const SyModelInfo sy_models_groq[];
extern const SyModelInfo sy_models_xai[];
extern const SyModelInfo sy_models_mistral[];
extern const SyModelInfo sy_models_perplexity[];
extern const SyModelInfo sy_models_together[];
extern const SyModelInfo sy_models_fireworks[];
extern const SyModelInfo sy_models_cerebras[];
extern const SyModelInfo sy_models_cohere[];
extern const SyModelInfo sy_models_nvidia[];
extern const SyModelInfo sy_models_glm[];
extern const SyModelInfo sy_models_kimi[];
extern const SyModelInfo sy_models_minimax[];
extern const SyModelInfo sy_models_deepgram[];
extern const SyModelInfo sy_models_assemblyai[];

G_END_DECLS

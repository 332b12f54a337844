/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The built-in provider catalog: data, not code branches. Each entry says how to reach the
 * provider (base URL, dialect, auth kind and header, headers it requires), which model prefix
 * selects it, and the models it is known to serve (sy-provider-models.c).
 */
#pragma once

#include "translate/sy-dialect.h"

G_BEGIN_DECLS

typedef enum {
  SY_AUTH_HEADER_BEARER,        /* Authorization: Bearer KEY */
  SY_AUTH_HEADER_X_API_KEY,     /* x-api-key: KEY */
  SY_AUTH_HEADER_GOOG_API_KEY,  /* x-goog-api-key: KEY */
  SY_AUTH_HEADER_TOKEN,         /* Authorization: Token KEY (Deepgram) */
  SY_AUTH_HEADER_PLAIN,         /* Authorization: KEY (AssemblyAI) */
} SyAuthHeader;

/* How an account of the provider signs in. */
typedef enum {
  SY_AUTH_KIND_APIKEY,  /* a key pasted into POST /api/providers */
  SY_AUTH_KIND_OAUTH,   /* a subscription login (/api/oauth/{provider}/start); never a key */
  SY_AUTH_KIND_NONE,    /* nothing (free endpoints) */
} SyAuthKind;

typedef enum {
  SY_MODEL_TYPE_CHAT,
  SY_MODEL_TYPE_EMBEDDING,
  SY_MODEL_TYPE_IMAGE,
  SY_MODEL_TYPE_AUDIO,
} SyModelType;

/* One model a provider serves. Limits are tokens as the provider publishes them: chat models
 * have both; an embedding model has its input limit and no output (0); image and audio
 * models have neither (0). */
typedef struct
{
  const char  *id;                 /* the upstream model id, without prefix */
  const char  *name;               /* display name */
  SyModelType  type;
  guint        context_length;
  guint        max_output_tokens;
} SyModelInfo;

typedef struct
{
  const char   *id;        /* canonical id, also accepted as prefix */
  const char   *alias;     /* short model prefix, e.g. "ds" */
  const char   *name;      /* display name */
  SyDialect     dialect;   /* what the upstream speaks */
  SyAuthHeader  auth_header;
  const char   *base_url;  /* without the endpoint path, no trailing slash */
  /* Chat Completions output limit field: OpenAI's own API wants max_completion_tokens (its
   * reasoning models refuse max_tokens); OpenAI-compatible providers mostly know max_tokens. */
  gboolean      max_completion_tokens;
  SyAuthKind    auth_kind;
  /* Headers every request to the provider carries: "Name", "value", ..., NULL; or NULL. */
  const char * const *extra_headers;
  /* The models it is known to serve, in display order, ended by an entry with id NULL. */
  const SyModelInfo  *models;
} SyProviderInfo;

/* By id or alias; NULL when unknown. */
const SyProviderInfo *sy_provider_catalog_lookup  (const char *id_or_alias);
const SyProviderInfo *sy_provider_catalog_get_all (guint      *n_providers);
/* The entry's position in the catalog (the order that breaks ties between providers). */
guint                 sy_provider_catalog_index   (const SyProviderInfo *info);
/* A catalog model of the provider by id, or NULL. */
const SyModelInfo    *sy_provider_info_find_model (const SyProviderInfo *info,
                                                   const char           *model);
/* Which header carries the key for a given upstream dialect (used for provider nodes). */
SyAuthHeader          sy_auth_header_for_dialect  (SyDialect   dialect);

/* "apikey" | "oauth" | "none"; "chat" | "embedding" | "image" | "audio". */
const char           *sy_auth_kind_to_string      (SyAuthKind  kind);
const char           *sy_model_type_to_string     (SyModelType type);
gboolean              sy_model_type_from_string   (const char  *name,
                                                   SyModelType *out);

G_END_DECLS

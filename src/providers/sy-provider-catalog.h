/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The built-in provider catalog: data, not code branches. Each entry says how to reach the
 * provider (base URL, dialect, auth header) and which model prefix selects it.
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

typedef struct
{
  const char   *id;        /* canonical id, also accepted as prefix */
  const char   *alias;     /* short model prefix, e.g. "ds" */
  const char   *name;      /* display name */
  SyDialect     dialect;
  SyAuthHeader  auth_header;
  const char   *base_url;  /* without the endpoint path, no trailing slash */
  /* Chat Completions output limit field: OpenAI's own API wants max_completion_tokens (its
   * reasoning models refuse max_tokens); OpenAI-compatible providers mostly know max_tokens. */
  gboolean      max_completion_tokens;
} SyProviderInfo;

/* By id or alias; NULL when unknown. */
const SyProviderInfo *sy_provider_catalog_lookup  (const char *id_or_alias);
const SyProviderInfo *sy_provider_catalog_get_all (guint      *n_providers);
/* Which header carries the key for a given upstream dialect (used for provider nodes). */
SyAuthHeader          sy_auth_header_for_dialect  (SyDialect   dialect);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyUpstreamAdapter: the last shaping of a request for the subscription upstreams that are not
 * plain API endpoints (Claude Code, Codex, GitHub Copilot, Gemini CLI, Qwen Code, iFlow,
 * Kiro): their URL, the headers their official clients send, the body edits they require, and
 * whether they only answer in a stream. Every other provider goes through unchanged. Pure: no
 * I/O; the clock and the random ids are inputs, so that tests are exact.
 */
#pragma once

#include <libsoup/soup.h>

#include "translate/sy-dialect.h"

G_BEGIN_DECLS

#define SY_UPSTREAM_ADAPTER_ERROR (sy_upstream_adapter_error_quark ())

typedef enum {
  /* The body is not the JSON object the provider's edits need: the request's fault (400). */
  SY_UPSTREAM_ADAPTER_ERROR_INVALID_BODY,
  /* The account's provider data cannot be used (a region or host that fails validation):
   * this account cannot serve the request; the next candidate may. */
  SY_UPSTREAM_ADAPTER_ERROR_INVALID_ACCOUNT,
} SyUpstreamAdapterError;

typedef struct
{
  const char         *provider;       /* canonical catalog id: "claude", "codex", "github", ... */
  const char         *model;          /* the upstream model id, as routing resolved it */
  gboolean            stream;         /* the client asked for a stream */
  SyDialect           dialect;        /* what body is in: sy_upstream_adapter_dialect_for() */
  GBytes             *body;           /* the request as emitted (or forwarded) in dialect */
  const char         *path;           /* the codec's request_path for it (passthrough, claude) */
  const char         *bearer;         /* sy_token_bundle_get_bearer(), or the API key */
  const char         *provider_data;  /* the connection's provider data (JSON object text);
                                       * NULL when none */
  const char         *base_url;       /* the connection's base URL, else the catalog's; NULL:
                                       * the adapter's default for the provider */
  gboolean            base_url_fixed; /* base_url is the account's own override: it wins over
                                       * a host the provider data names (Qwen's resourceUrl) */
  SoupMessageHeaders *client_headers; /* the client's request headers; may be NULL */
  gint64              now_ms;         /* ms since the epoch; 0: the real clock */
  const char         *uuid;           /* the request's random id (session ids, invocation
                                       * ids); NULL: a fresh g_uuid_string_random() */
} SyUpstreamInput;

typedef struct
{
  char *name;
  char *value;
} SyUpstreamHeader;

typedef struct
{
  char      *url;                    /* base + path, with the query */
  GPtrArray *headers;                /* SyUpstreamHeader, to set with replace semantics after
                                      * any forwarded client header */
  GBytes    *body;                   /* the body to send */
  /* The upstream is asked for a stream whatever the client wants: a client that asked for
   * JSON gets a response assembled from the stream (sy_stream_translator_new_assembler). */
  gboolean   force_stream;
  /* headers carry the credential: the gateway must not add the catalog's auth header. */
  gboolean   auth_included;
  /* FALSE for the subscription upstreams: they get only these headers, never the client's
   * (whose own User-Agent, betas or SDK headers would contradict the imitated client's). */
  gboolean   forward_client_headers;
} SyUpstreamRequest;

GQuark             sy_upstream_adapter_error_quark (void);

/* TRUE for the providers this adapter shapes (canonical ids, and "amazon-q" as Kiro). */
gboolean           sy_upstream_adapter_is_special  (const char            *provider);

/* The dialect to emit the request in for provider and model: the subscription upstreams'
 * fixed dialect (Codex: responses, Gemini CLI: gemini-cli, Kiro: kiro, ...), and for GitHub
 * Copilot the Responses dialect for *-codex models, which it serves on /responses only. Any
 * other provider: default_dialect (the catalog's). Consult it before emitting, and use the
 * same dialect to decode the answer. */
SyDialect          sy_upstream_adapter_dialect_for (const char            *provider,
                                                    const char            *model,
                                                    SyDialect              default_dialect);

/* The request to send. For a provider that is not special: base_url + path, the body
 * unchanged, no headers, auth_included FALSE, forward_client_headers TRUE (the gateway's own
 * path). NULL with an SY_UPSTREAM_ADAPTER_ERROR when the body or the account's data cannot be
 * used. */
SyUpstreamRequest *sy_upstream_adapter_adapt       (const SyUpstreamInput *input,
                                                    GError               **error);

/* The value of the header called name (case-insensitive), or NULL. */
const char        *sy_upstream_request_get_header  (const SyUpstreamRequest *self,
                                                    const char              *name);
void               sy_upstream_request_free        (SyUpstreamRequest     *self);

/* Node's names for the host, as the imitated CLIs report it: os "linux", "darwin" or "win32";
 * arch "x64", "arm64", ... */
void               sy_upstream_adapter_get_platform (const char          **os,
                                                     const char          **arch);

/* Kiro's AWS regions: ^[a-z]{2}(-gov)?-[a-z]+-[0-9]$ ("us-east-1", "us-gov-west-1"), so that
 * a region from an account cannot steer the request to another host. */
gboolean           sy_upstream_adapter_region_is_valid (const char *region);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyUpstreamRequest, sy_upstream_request_free)

G_END_DECLS

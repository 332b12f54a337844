/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Embeddings and image generation: checked like chat (method, client key, JSON, size), the
 * model resolved by the route planner (combos, aliases, fallback chains; a forced provider
 * pins it), the targets that cannot serve the endpoint dropped, then SyProxyRequest with the
 * endpoint's upstream path. Nothing here talks to an upstream or rewrites a body.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-media-endpoint.h"

#include <string.h>

#include "core/sy-json-scan.h"
#include "gateway/sy-access-control.h"
#include "gateway/sy-audio-endpoint.h"
#include "gateway/sy-budget-guard.h"
#include "gateway/sy-chat-endpoint.h"
#include "gateway/sy-http.h"
#include "gateway/sy-media-target.h"
#include "gateway/sy-proxy-request.h"

typedef struct
{
  SyMediaKind  kind;
  const char  *suffix;          /* the route, and the forced-provider route's tail */
  const char  *upstream_path;   /* appended to the provider's base URL */
  const char  *required;        /* the member the request cannot do without */
  SyJsonKind   required_kind;
  SyJsonKind   required_kind_alt;
  const char  *required_hint;
} MediaRoute;

static const MediaRoute media_routes[] = {
  { SY_MEDIA_EMBEDDINGS, "/embeddings", "/embeddings", "input",
    SY_JSON_KIND_STRING, SY_JSON_KIND_ARRAY, "a string or an array of strings or tokens" },
  { SY_MEDIA_IMAGES, "/images/generations", "/images/generations", "prompt",
    SY_JSON_KIND_STRING, SY_JSON_KIND_STRING, "a string describing the image" },
};

static void
bad_request (SoupServerMessage *msg,
             const char        *code,
             const char        *message)
{
  sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_BAD_REQUEST,
                         "invalid_request_error", code, "%s", message);
}

static void
handle_json (SyGateway         *gateway,
             SoupServerMessage *msg,
             const MediaRoute  *route,
             const char        *forced_provider)
{
  SyProxyRequestInit init = { 0 };
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SyApiKey) api_key = NULL;
  g_autoptr(SyRoutePlan) plan = NULL;
  g_autofree char *model = NULL;
  SyJsonSpan model_span, span;
  const char *data;
  gsize len;

  body = sy_chat_endpoint_read_body (gateway, msg, SY_DIALECT_OPENAI, &api_key);
  if (body == NULL)
    return;
  data = g_bytes_get_data (body, &len);

  if (!sy_json_object_lookup (data, len, "model", &model_span))
    {
      bad_request (msg, "missing_model", "missing required field: model");
      return;
    }
  if (model_span.kind != SY_JSON_KIND_STRING)
    {
      bad_request (msg, "invalid_model",
                   "model: expected a string such as \"openai/text-embedding-3-small\"");
      return;
    }
  if (!sy_json_object_lookup (data, len, route->required, &span) ||
      (span.kind != route->required_kind && span.kind != route->required_kind_alt))
    {
      g_autofree char *message = g_strdup_printf ("%s: expected %s", route->required,
                                                  route->required_hint);
      bad_request (msg, "invalid_request", message);
      return;
    }
  if (sy_json_object_lookup (data, len, "stream", &span) && span.kind == SY_JSON_KIND_BOOLEAN &&
      data[span.start] == 't')
    {
      /* Image streams (partial images) are not relayed yet; saying so beats a broken stream. */
      bad_request (msg, "unsupported",
                   "stream: streamed answers are not supported on this endpoint; leave it out");
      return;
    }
  model = sy_json_span_dup_string (data, &model_span);

  /* The key's scopes and request limits (403, 429), before anything is routed. */
  if (!sy_access_control_admit (gateway, msg, SY_DIALECT_OPENAI, api_key, model, forced_provider))
    return;

  plan = sy_route_planner_plan (sy_gateway_get_planner (gateway), model, forced_provider, &error);
  if (plan == NULL || !sy_media_target_filter_plan (plan, route->kind, &error))
    {
      sy_http_respond_gerror (msg, SY_DIALECT_OPENAI, error);
      return;
    }
  /* The key's budgets, as for chat: reserve the estimate or refuse with 402. */
  if (!sy_budget_guard_admit (gateway, msg, SY_DIALECT_OPENAI, api_key, plan, body))
    return;

  init.msg = msg;
  init.client_dialect = SY_DIALECT_OPENAI;
  init.endpoint = sy_media_kind_endpoint (route->kind);
  init.upstream_path = route->upstream_path;
  init.body = body;
  init.has_model_span = TRUE;
  init.model_start = model_span.start;
  init.model_end = model_span.end;
  init.stream = FALSE;
  init.api_key = api_key;
  init.plan = g_steal_pointer (&plan);
  sy_proxy_request_start (gateway, &init);
}

/* "/providers/{provider}/embeddings": the provider, or NULL when path is not of that form. */
static char *
dup_forced_provider (const char *path,
                     const char *suffix)
{
  const char *start = path + strlen ("/providers/");
  gsize len;

  if (!g_str_has_prefix (path, "/providers/") || !g_str_has_suffix (path, suffix) ||
      strlen (path) < strlen ("/providers/") + strlen (suffix))
    return NULL;
  len = strlen (start) - strlen (suffix);
  if (len == 0 || memchr (start, '/', len) != NULL)
    return NULL;
  return g_strndup (start, len);
}

gboolean
sy_media_endpoint_dispatch (SyGateway         *gateway,
                            SoupServerMessage *msg,
                            const char        *path)
{
  g_return_val_if_fail (SY_IS_GATEWAY (gateway), FALSE);

  if (g_str_equal (path, "/audio/transcriptions"))
    {
      sy_audio_endpoint_handle (gateway, msg);
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (media_routes); i++)
    {
      g_autofree char *provider = NULL;

      if (g_str_equal (path, media_routes[i].suffix))
        {
          handle_json (gateway, msg, &media_routes[i], NULL);
          return TRUE;
        }
      if ((provider = dup_forced_provider (path, media_routes[i].suffix)) != NULL)
        {
          handle_json (gateway, msg, &media_routes[i], provider);
          return TRUE;
        }
    }
  return FALSE;
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy-quota-fetch.c: one quota request per call, built from a table of providers (URL, method,
 * headers, body, parser). Async on the caller's SoupSession; answers are parsed by the pure
 * parsers in sy-quota-parse.c. Logs no token. Must not retry or cache: SyQuotaBook decides when.
 */
#define G_LOG_DOMAIN "sy-providers"

#include "sy-quota-fetch.h"
#include "sy-quota-parse.h"

#include "routing/sy-retry-hint.h"

#include <string.h>

typedef SyQuota *(*ParseFunc) (const char *body,
                               gsize       len,
                               gint64      now_ms,
                               GError    **error);

typedef struct _Endpoint Endpoint;
typedef SoupMessage *(*BuildFunc) (const Endpoint *endpoint,
                                   SyOriginMap    *origins,
                                   const char     *bearer,
                                   JsonObject     *data,
                                   GError        **error);

struct _Endpoint
{
  const char *ids[5];   /* canonical id first, then aliases; NULL-terminated */
  const char *label;    /* for error messages */
  const char *url;
  BuildFunc   build;
  ParseFunc   parse;
};

typedef struct
{
  SoupMessage  *msg;
  ParseFunc     parse;
  const char   *label;
  GCancellable *cancellable;   /* ours: cancelled by the caller's or the timeout */
  gulong        cancelled_id;
  GCancellable *caller;
  guint         timeout_id;
  gboolean      timed_out;
  gint64        retry_after_ms;
  GInputStream *stream;
  char         *buffer;         /* SY_QUOTA_MAX_BODY + 1 bytes while reading */
  gsize         length;
} FetchData;

static void
fetch_data_free (gpointer data)
{
  FetchData *fd = data;

  g_clear_handle_id (&fd->timeout_id, g_source_remove);
  if (fd->caller != NULL)
    g_cancellable_disconnect (fd->caller, fd->cancelled_id);
  g_clear_object (&fd->caller);
  g_clear_object (&fd->cancellable);
  g_clear_object (&fd->stream);
  g_clear_object (&fd->msg);
  g_free (fd->buffer);
  g_free (fd);
}

static const char *
get_data_string (JsonObject *data,
                 const char *name)
{
  JsonNode *node = json_object_get_member (data, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING ||
      *json_node_get_string (node) == '\0')
    return NULL;
  return json_node_get_string (node);
}

static SoupMessage *
new_message (SyOriginMap *origins,
             const char  *method,
             const char  *url,
             GError     **error)
{
  g_autofree char *rewritten = origins != NULL ? sy_origin_map_rewrite (origins, url)
                                               : g_strdup (url);
  SoupMessage *msg = soup_message_new (method, rewritten);

  if (msg == NULL)
    g_set_error (error, SY_QUOTA_ERROR, SY_QUOTA_ERROR_INVALID_ACCOUNT,
                 "quota URL is not valid: %s", rewritten);
  else
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept",
                                  "application/json");
  return msg;
}

static void
set_bearer (SoupMessage *msg,
            const char  *scheme,
            const char  *token)
{
  g_autofree char *value = g_strconcat (scheme, " ", token, NULL);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
}

static void
set_json_body (SoupMessage *msg,
               const char  *content_type,
               JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  char *text = json_to_string (root, FALSE);
  g_autoptr(GBytes) bytes = g_bytes_new_take (text, strlen (text));

  soup_message_set_request_body_from_bytes (msg, content_type, bytes);
}

/* Claude: Bearer + the OAuth beta flag. */
static SoupMessage *
build_claude (const Endpoint *endpoint,
              SyOriginMap    *origins,
              const char     *bearer,
              JsonObject     *data,
              GError        **error)
{
  SoupMessage *msg = new_message (origins, SOUP_METHOD_GET, endpoint->url, error);

  if (msg == NULL)
    return NULL;
  set_bearer (msg, "Bearer", bearer);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "anthropic-beta",
                                "oauth-2025-04-20");
  return msg;
}

/* Codex: Bearer + the workspace the tokens were issued for, as the Codex CLI sends them. */
static SoupMessage *
build_codex (const Endpoint *endpoint,
             SyOriginMap    *origins,
             const char     *bearer,
             JsonObject     *data,
             GError        **error)
{
  SoupMessage *msg = new_message (origins, SOUP_METHOD_GET, endpoint->url, error);
  const char *workspace = get_data_string (data, "workspaceId");
  SoupMessageHeaders *headers;

  if (msg == NULL)
    return NULL;
  headers = soup_message_get_request_headers (msg);
  set_bearer (msg, "Bearer", bearer);
  soup_message_headers_replace (headers, "originator", "codex_cli_rs");
  if (workspace != NULL)
    soup_message_headers_replace (headers, "chatgpt-account-id", workspace);
  return msg;
}

/* Copilot: the GitHub token with the "token" scheme and the editor headers. */
static SoupMessage *
build_copilot (const Endpoint *endpoint,
               SyOriginMap    *origins,
               const char     *bearer,
               JsonObject     *data,
               GError        **error)
{
  SoupMessage *msg = new_message (origins, SOUP_METHOD_GET, endpoint->url, error);
  SoupMessageHeaders *headers;

  if (msg == NULL)
    return NULL;
  headers = soup_message_get_request_headers (msg);
  set_bearer (msg, "token", bearer);
  soup_message_headers_replace (headers, "User-Agent", "GithubCopilot/1.0");
  soup_message_headers_replace (headers, "Editor-Version", "vscode/1.99.0");
  soup_message_headers_replace (headers, "Editor-Plugin-Version", "copilot/1.388.0");
  soup_message_headers_replace (headers, "X-Github-Api-Version", "2025-04-01");
  return msg;
}

/* Gemini CLI and Antigravity: POST {"project": projectId}. */
static SoupMessage *
build_gemini (const Endpoint *endpoint,
              SyOriginMap    *origins,
              const char     *bearer,
              JsonObject     *data,
              GError        **error)
{
  const char *project = get_data_string (data, "projectId");
  g_autoptr(JsonBuilder) b = json_builder_new ();
  SoupMessage *msg;

  if (project == NULL)
    project = get_data_string (data, "project");
  if (project == NULL)
    {
      g_set_error (error, SY_QUOTA_ERROR, SY_QUOTA_ERROR_INVALID_ACCOUNT,
                   "%s account has no projectId in its provider data", endpoint->label);
      return NULL;
    }
  if ((msg = new_message (origins, SOUP_METHOD_POST, endpoint->url, error)) == NULL)
    return NULL;
  set_bearer (msg, "Bearer", bearer);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "project");
  json_builder_add_string_value (b, project);
  json_builder_end_object (b);
  set_json_body (msg, "application/json", b);
  return msg;
}

/* ^[a-z]{2}(-gov)?-[a-z]+-[0-9]$: the region goes into a host name (no SSRF through it). */
static gboolean
is_aws_region (const char *r)
{
  if (!g_ascii_islower (r[0]) || !g_ascii_islower (r[1]) || r[2] != '-')
    return FALSE;
  r += 3;
  if (g_str_has_prefix (r, "gov-"))
    r += 4;
  if (!g_ascii_islower (*r))
    return FALSE;
  while (g_ascii_islower (*r))
    r++;
  return r[0] == '-' && g_ascii_isdigit (r[1]) && r[2] == '\0';
}

/* Kiro: AWS JSON 1.0 GetUsageLimits at the account's region, with its profile ARN. */
static SoupMessage *
build_kiro (const Endpoint *endpoint,
            SyOriginMap    *origins,
            const char     *bearer,
            JsonObject     *data,
            GError        **error)
{
  const char *region = get_data_string (data, "region");
  const char *profile_arn = get_data_string (data, "profileArn");
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *url = NULL;
  SoupMessage *msg;

  if (region == NULL)
    region = "us-east-1";
  if (!is_aws_region (region))
    {
      g_set_error (error, SY_QUOTA_ERROR, SY_QUOTA_ERROR_INVALID_ACCOUNT,
                   "Kiro account has an invalid region in its provider data");
      return NULL;
    }
  url = g_strconcat ("https://codewhisperer.", region, ".amazonaws.com/", NULL);
  if ((msg = new_message (origins, SOUP_METHOD_POST, url, error)) == NULL)
    return NULL;
  set_bearer (msg, "Bearer", bearer);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "x-amz-target",
                                "AmazonCodeWhispererService.GetUsageLimits");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "origin");
  json_builder_add_string_value (b, "AI_EDITOR");
  if (profile_arn != NULL)
    {
      json_builder_set_member_name (b, "profileArn");
      json_builder_add_string_value (b, profile_arn);
    }
  json_builder_end_object (b);
  set_json_body (msg, "application/x-amz-json-1.0", b);
  return msg;
}

static const Endpoint endpoints[] = {
  { { "claude", "cc", NULL }, "Claude",
    "https://api.anthropic.com/api/oauth/usage", build_claude, sy_quota_parse_claude },
  { { "codex", "cx", NULL }, "Codex",
    "https://chatgpt.com/backend-api/wham/usage", build_codex, sy_quota_parse_codex },
  { { "github", "gh", NULL }, "GitHub Copilot",
    "https://api.github.com/copilot_internal/user", build_copilot, sy_quota_parse_copilot },
  { { "gemini-cli", NULL }, "Gemini CLI",
    "https://cloudcode-pa.googleapis.com/v1internal:retrieveUserQuota", build_gemini,
    sy_quota_parse_gemini_cli },
  { { "antigravity", "agy", NULL }, "Antigravity",
    "https://cloudcode-pa.googleapis.com/v1internal:retrieveUserQuota", build_gemini,
    sy_quota_parse_gemini_cli },
  { { "kiro", "kr", "amazon-q", "aq", NULL }, "Kiro",
    "https://codewhisperer.{region}.amazonaws.com/", build_kiro, sy_quota_parse_kiro },
};

static const Endpoint *
find_endpoint (const char *provider_id)
{
  for (gsize i = 0; provider_id != NULL && i < G_N_ELEMENTS (endpoints); i++)
    for (guint j = 0; endpoints[i].ids[j] != NULL; j++)
      if (g_ascii_strcasecmp (endpoints[i].ids[j], provider_id) == 0)
        return &endpoints[i];
  return NULL;
}

gboolean
sy_quota_fetch_is_supported (const char *provider_id)
{
  return find_endpoint (provider_id) != NULL;
}

static JsonObject *
parse_provider_data (const char *text)
{
  g_autoptr(JsonNode) node = text != NULL && *text != '\0' ? json_from_string (text, NULL) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return json_object_new ();
  return json_object_ref (json_node_get_object (node));
}

static void
caller_cancelled_cb (GCancellable *caller,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static gboolean
timeout_cb (gpointer user_data)
{
  FetchData *fd = user_data;

  fd->timeout_id = 0;
  fd->timed_out = TRUE;
  g_cancellable_cancel (fd->cancellable);
  return G_SOURCE_REMOVE;
}

static void
return_transport_error (GTask  *task,
                        GError *error)
{
  FetchData *fd = g_task_get_task_data (task);

  if (fd->timed_out)
    g_task_return_new_error (task, SY_QUOTA_ERROR, SY_QUOTA_ERROR_NETWORK,
                             "%s quota endpoint did not answer within %d s", fd->label,
                             SY_QUOTA_FETCH_TIMEOUT_S);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_error_copy (error));
  else
    g_task_return_new_error (task, SY_QUOTA_ERROR, SY_QUOTA_ERROR_NETWORK,
                             "%s quota endpoint could not be reached: %s", fd->label,
                             error->message);
}

/* The whole answer is in: status first, then the body. */
static void
answer (GTask      *task,
        const char *data,
        gsize       len)
{
  FetchData *fd = g_task_get_task_data (task);
  gint64 now_ms = g_get_real_time () / 1000;
  guint status = soup_message_get_status (fd->msg);
  g_autoptr(GError) error = NULL;
  SyQuota *quota;

  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    g_task_return_new_error (task, SY_QUOTA_ERROR, SY_QUOTA_ERROR_UNAUTHORIZED,
                             "%s quota endpoint refused the account's token (HTTP %u)",
                             fd->label, status);
  else if (status == 429 /* Too Many Requests */)
    {
      fd->retry_after_ms = sy_retry_hint_from_headers (soup_message_get_response_headers (fd->msg),
                                                       now_ms);
      if (fd->retry_after_ms < 0)
        fd->retry_after_ms = sy_retry_hint_from_body (data, MIN (len, SY_QUOTA_MAX_BODY), now_ms);
      g_task_return_new_error (task, SY_QUOTA_ERROR, SY_QUOTA_ERROR_RATE_LIMITED,
                               "%s quota endpoint is rate limited (HTTP 429)", fd->label);
    }
  else if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    g_task_return_new_error (task, SY_QUOTA_ERROR, SY_QUOTA_ERROR_UPSTREAM,
                             "%s quota endpoint answered HTTP %u", fd->label, status);
  else if ((quota = fd->parse (data, len, now_ms, &error)) != NULL)
    g_task_return_pointer (task, quota, (GDestroyNotify) sy_quota_unref);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/* Closing the stream completes the message, so its connection can serve the next one. */
static void
closed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FetchData *fd = g_task_get_task_data (task);

  g_input_stream_close_finish (G_INPUT_STREAM (source), result, NULL);
  answer (task, fd->buffer, fd->length);  /* over SY_QUOTA_MAX_BODY: the parser refuses it */
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FetchData *fd = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &fd->length, &error))
    {
      return_transport_error (task, error);
      return;
    }
  g_input_stream_close_async (fd->stream, G_PRIORITY_DEFAULT, NULL, closed_cb,
                              g_steal_pointer (&task));
}

/* Reads at most SY_QUOTA_MAX_BODY + 1 bytes: a larger answer is refused, never buffered whole. */
static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FetchData *fd = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  fd->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (fd->stream == NULL)
    {
      return_transport_error (task, error);
      return;
    }
  fd->buffer = g_malloc (SY_QUOTA_MAX_BODY + 1);
  g_input_stream_read_all_async (fd->stream, fd->buffer, SY_QUOTA_MAX_BODY + 1,
                                 G_PRIORITY_DEFAULT, fd->cancellable, read_cb,
                                 g_steal_pointer (&task));
}

void
sy_quota_fetch_async (SoupSession         *session,
                      SyOriginMap         *origins,
                      const char          *provider_id,
                      const char          *bearer,
                      const char          *provider_data_json,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) data = NULL;
  g_autoptr(GError) error = NULL;
  const Endpoint *endpoint;
  FetchData *fd;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (origins == NULL || SY_IS_ORIGIN_MAP (origins));
  g_return_if_fail (provider_id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sy_quota_fetch_async);
  fd = g_new0 (FetchData, 1);
  fd->retry_after_ms = -1;
  g_task_set_task_data (task, fd, fetch_data_free);

  endpoint = find_endpoint (provider_id);
  if (endpoint == NULL)
    {
      g_task_return_new_error (task, SY_QUOTA_ERROR, SY_QUOTA_ERROR_NOT_SUPPORTED,
                               "provider \"%s\" has no quota endpoint", provider_id);
      return;
    }
  if (bearer == NULL || *bearer == '\0' || strpbrk (bearer, "\r\n") != NULL)
    {
      g_task_return_new_error (task, SY_QUOTA_ERROR, SY_QUOTA_ERROR_INVALID_ACCOUNT,
                               "%s account has no usable token", endpoint->label);
      return;
    }
  data = parse_provider_data (provider_data_json);
  fd->msg = endpoint->build (endpoint, origins, bearer, data, &error);
  if (fd->msg == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  fd->parse = endpoint->parse;
  fd->label = endpoint->label;
  fd->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      fd->caller = g_object_ref (cancellable);
      fd->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                fd->cancellable, NULL);
    }
  fd->timeout_id = g_timeout_add_seconds (SY_QUOTA_FETCH_TIMEOUT_S, timeout_cb, fd);
  soup_session_send_async (session, fd->msg, G_PRIORITY_DEFAULT, fd->cancellable, sent_cb,
                           g_steal_pointer (&task));
}

SyQuota *
sy_quota_fetch_finish (GAsyncResult  *result,
                       gint64        *retry_after_ms,
                       GError       **error)
{
  FetchData *fd;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, sy_quota_fetch_async), NULL);

  fd = g_task_get_task_data (G_TASK (result));
  if (retry_after_ms != NULL)
    *retry_after_ms = fd->retry_after_ms;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The subscription upstreams as data: one row per provider (default base URL, fixed path,
 * dialect, forced streaming, the static headers of the client it presents as, with {os},
 * {arch} and {model} filled in), and one function per provider for what cannot be a row (a
 * signature, a merged beta list, a host from the account's data). Values follow OmniRoute's
 * header profiles (docs: omniroute-facts 3.3, 3.4). Pure: no I/O, no clock, no randomness of
 * its own but g_uuid_string_random() when the caller gives no id.
 */
#define G_LOG_DOMAIN "sy-providers"

#include "sy-upstream-adapter-private.h"

#include <string.h>

#include "core/sy-json-scan.h"
#include "translate/gemini-cli/sy-gemini-cli.h"
#include "translate/sy-json-read.h"

G_DEFINE_QUARK (sy-upstream-adapter-error-quark, sy_upstream_adapter_error)

#define CLAUDE_CLI_VERSION    "2.1.195"
#define CODEX_CLI_VERSION     "0.142.0"
#define COPILOT_CHAT_VERSION  "0.54.0"
#define VSCODE_VERSION        "1.126.0"
/* No recorded fact gives Gemini CLI's version; any recent release's number does. */
#define GEMINI_CLI_VERSION    "0.18.4"
#define QWEN_CODE_VERSION     "0.19.3"

#define CLAUDE_BETAS          "claude-code-20250219,oauth-2025-04-20"

#define KIRO_DEFAULT_REGION   "us-east-1"

typedef struct
{
  const char *name;
  const char *value;  /* {os}, {arch}, {model} are filled in */
} HeaderTemplate;

typedef struct _Shaping Shaping;
typedef struct _ProviderSpec ProviderSpec;

struct _ProviderSpec
{
  const char           *id;
  const char           *default_base;
  const char           *path;          /* NULL: a shape function decides */
  SyDialect             dialect;
  gboolean              force_stream;
  const HeaderTemplate *headers;       /* NULL-terminated */
  gboolean            (*shape) (Shaping *s, GError **error);
};

struct _Shaping
{
  const SyUpstreamInput *input;
  const ProviderSpec    *spec;
  JsonObject            *data;       /* provider data; never NULL */
  const char            *uuid;
  gint64                 now_ms;
  char                  *base;       /* replaced by shape functions that pick the host */
  char                  *path;
  GBytes                *body;
  GPtrArray             *headers;
};

/* --- headers ------------------------------------------------------------------------------ */

static void
header_free (gpointer data)
{
  SyUpstreamHeader *header = data;

  g_free (header->name);
  g_free (header->value);
  g_free (header);
}

/* Sets name (replacing an earlier value of the same name, case-insensitively). */
static void
set_header (Shaping    *s,
            const char *name,
            const char *value)
{
  SyUpstreamHeader *header;

  for (guint i = 0; i < s->headers->len; i++)
    {
      header = g_ptr_array_index (s->headers, i);
      if (g_ascii_strcasecmp (header->name, name) == 0)
        {
          g_free (header->value);
          header->value = g_strdup (value);
          return;
        }
    }
  header = g_new (SyUpstreamHeader, 1);
  header->name = g_strdup (name);
  header->value = g_strdup (value);
  g_ptr_array_add (s->headers, header);
}

static void
set_bearer (Shaping *s)
{
  g_autofree char *value = g_strconcat ("Bearer ", s->input->bearer ? s->input->bearer : "",
                                        NULL);

  set_header (s, "Authorization", value);
}

static char *
expand (const char *template,
        const char *model)
{
  const char *os, *arch;
  GString *out = g_string_new (NULL);

  sy_upstream_adapter_get_platform (&os, &arch);
  for (const char *p = template; *p != '\0'; p++)
    {
      if (g_str_has_prefix (p, "{os}"))
        g_string_append (out, os), p += 3;
      else if (g_str_has_prefix (p, "{arch}"))
        g_string_append (out, arch), p += 5;
      else if (g_str_has_prefix (p, "{model}"))
        g_string_append (out, model ? model : ""), p += 6;
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static const char *
client_header (Shaping    *s,
               const char *name)
{
  if (s->input->client_headers == NULL)
    return NULL;
  return soup_message_headers_get_list (s->input->client_headers, name);
}

static const char *
data_string (Shaping    *s,
             const char *member)
{
  const char *value = sy_json_read_node_string (sy_json_read_member (s->data, member));

  return value != NULL && *value != '\0' ? value : NULL;
}

static void
set_path (Shaping    *s,
          const char *path)
{
  g_free (s->path);
  s->path = g_strdup (path);
}

static char *
join_url (const char *base,
          const char *path)
{
  gsize len = strlen (base);

  while (len > 0 && base[len - 1] == '/')
    len--;
  if (path == NULL || *path == '\0')
    return g_strndup (base, len);
  return g_strdup_printf ("%.*s%s%s", (int) len, base, *path == '/' ? "" : "/", path);
}

/* --- per provider ------------------------------------------------------------------------- */

/* The betas Claude Code's OAuth tokens need, then the client's own, each once. */
static gboolean
shape_claude (Shaping  *s,
              GError  **error)
{
  const char *client = client_header (s, "anthropic-beta");
  g_autoptr(GPtrArray) betas = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) required = g_strsplit (CLAUDE_BETAS, ",", 0);
  g_auto(GStrv) extra = client ? g_strsplit (client, ",", 0) : NULL;
  g_autofree char *joined = NULL;
  g_autofree char *url_path = NULL;

  for (guint pass = 0; pass < 2; pass++)
    for (char **p = pass == 0 ? required : extra; p != NULL && *p != NULL; p++)
      {
        char *beta = g_strstrip (*p);
        gboolean seen = *beta == '\0';

        for (guint i = 0; i < betas->len && !seen; i++)
          seen = g_str_equal (g_ptr_array_index (betas, i), beta);
        if (!seen)
          g_ptr_array_add (betas, g_strdup (beta));
      }
  g_ptr_array_add (betas, NULL);
  joined = g_strjoinv (",", (char **) betas->pdata);
  set_header (s, "anthropic-beta", joined);

  /* Claude Code asks for the beta surface: "?beta=true" on the codec's path */
  url_path = g_strconcat (s->input->path ? s->input->path : "/messages",
                          s->input->path && strchr (s->input->path, '?') ? "&" : "?",
                          "beta=true", NULL);
  set_path (s, url_path);
  return TRUE;
}

static gboolean
shape_codex (Shaping  *s,
             GError  **error)
{
  const char *workspace = data_string (s, "workspaceId");
  GBytes *body;

  body = _sy_upstream_codex_body (s->body, s->input->model, error);
  if (body == NULL)
    return FALSE;
  g_bytes_unref (s->body);
  s->body = body;
  if (workspace != NULL)
    set_header (s, "chatgpt-account-id", workspace);
  set_header (s, "session_id", s->uuid);
  return TRUE;
}

static gboolean
model_is_codex (const char *model)
{
  g_autofree char *lower = model ? g_ascii_strdown (model, -1) : NULL;

  return lower != NULL && strstr (lower, "-codex") != NULL && strstr (lower, "claude") == NULL &&
         strstr (lower, "gemini") == NULL;
}

static gboolean
shape_github (Shaping  *s,
              GError  **error)
{
  const char *initiator = client_header (s, "X-Initiator");
  gboolean has_image = FALSE;

  if (s->input->dialect == SY_DIALECT_RESPONSES)
    set_path (s, "/responses");
  else
    {
      GBytes *body = _sy_upstream_github_body (s->body, &has_image, error);

      if (body == NULL)
        return FALSE;
      g_bytes_unref (s->body);
      s->body = body;
      set_path (s, "/chat/completions");
    }
  /* Copilot bills "agent" turns (a tool's follow-up) apart from the user's */
  if (initiator != NULL && g_ascii_strcasecmp (initiator, "agent") == 0)
    set_header (s, "X-Initiator", "agent");
  else
    set_header (s, "X-Initiator", "user");
  if (has_image)
    set_header (s, "Copilot-Vision-Request", "true");
  return TRUE;
}

static gboolean
shape_gemini_cli (Shaping  *s,
                  GError  **error)
{
  g_autoptr(GError) local = NULL;
  GBytes *body;

  set_path (s, s->input->stream ? "/v1internal:streamGenerateContent?alt=sse"
                                : "/v1internal:generateContent");
  body = sy_gemini_cli_wrap (s->body, s->input->model ? s->input->model : "",
                             data_string (s, "projectId"), NULL, &local);
  if (body == NULL)
    {
      g_set_error (error, SY_UPSTREAM_ADAPTER_ERROR, SY_UPSTREAM_ADAPTER_ERROR_INVALID_BODY,
                   "%s", local->message);
      return FALSE;
    }
  g_bytes_unref (s->body);
  s->body = body;
  return TRUE;
}

/* resource_url from Qwen's token response: a host, or a URL, with or without /v1. */
static gboolean
shape_qwen (Shaping  *s,
            GError  **error)
{
  const char *resource = data_string (s, "resourceUrl");
  g_autofree char *url = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *path = NULL;
  g_autofree char *authority = NULL;
  const char *host, *start;
  gboolean has_v1;
  gsize len;

  if (resource == NULL || s->input->base_url_fixed)
    return TRUE;
  url = strstr (resource, "://") ? g_strdup (resource) : g_strconcat ("https://", resource, NULL);
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL ||
      g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, SY_UPSTREAM_ADAPTER_ERROR, SY_UPSTREAM_ADAPTER_ERROR_INVALID_ACCOUNT,
                   "the account's resourceUrl is not an https host: %s", resource);
      return FALSE;
    }
  host = g_uri_get_host (uri);
  authority = strchr (host, ':') ? g_strdup_printf ("[%s]", host) : g_strdup (host);
  if (g_uri_get_port (uri) > 0)
    {
      char *with_port = g_strdup_printf ("%s:%d", authority, g_uri_get_port (uri));

      g_free (authority);
      authority = with_port;
    }
  /* the path without slashes around it, then /v1 unless it ends with it */
  path = g_strdup (g_uri_get_path (uri));
  len = strlen (path);
  while (len > 0 && path[len - 1] == '/')
    path[--len] = '\0';
  start = path;
  while (*start == '/')
    start++;
  has_v1 = g_str_equal (start, "v1") || g_str_has_suffix (start, "/v1");
  g_free (s->base);
  s->base = g_strdup_printf ("https://%s%s%s%s", authority, *start ? "/" : "", start,
                             has_v1 ? "" : "/v1");
  return TRUE;
}

static gboolean
shape_iflow (Shaping  *s,
             GError  **error)
{
  const char *agent = "iFlow-Cli";
  g_autofree char *session = g_strconcat ("session-", s->uuid, NULL);
  g_autofree char *timestamp = g_strdup_printf ("%" G_GINT64_FORMAT, s->now_ms);
  g_autofree char *message = g_strdup_printf ("%s:%s:%s", agent, session, timestamp);
  const char *key = s->input->bearer ? s->input->bearer : "";
  g_autofree char *signature = g_compute_hmac_for_string (G_CHECKSUM_SHA256,
                                                          (const guchar *) key, strlen (key),
                                                          message, -1);

  set_header (s, "User-Agent", agent);
  set_header (s, "session-id", session);
  set_header (s, "x-iflow-timestamp", timestamp);
  set_header (s, "x-iflow-signature", signature);
  return TRUE;
}

static gboolean
shape_kiro (Shaping  *s,
            GError  **error)
{
  const char *region = data_string (s, "region");
  const char *profile = data_string (s, "profileArn");

  if (region != NULL && !g_str_equal (region, KIRO_DEFAULT_REGION))
    {
      if (!sy_upstream_adapter_region_is_valid (region))
        {
          g_set_error (error, SY_UPSTREAM_ADAPTER_ERROR,
                       SY_UPSTREAM_ADAPTER_ERROR_INVALID_ACCOUNT,
                       "the account's region is not an AWS region: %s", region);
          return FALSE;
        }
      g_free (s->base);
      s->base = g_strdup_printf ("https://codewhisperer.%s.amazonaws.com", region);
    }
  if (profile != NULL)
    {
      GBytes *body = _sy_upstream_add_member (s->body, "profileArn", profile, error);

      if (body == NULL)
        return FALSE;
      g_bytes_unref (s->body);
      s->body = body;
    }
  set_header (s, "Amz-Sdk-Invocation-Id", s->uuid);
  return TRUE;
}

/* --- the table ---------------------------------------------------------------------------- */

static const HeaderTemplate claude_headers[] = {
  { "anthropic-version", "2023-06-01" },
  { "User-Agent", "claude-cli/" CLAUDE_CLI_VERSION " (external, cli)" },
  { "x-app", "cli" },
  { NULL, NULL },
};

static const HeaderTemplate codex_headers[] = {
  { "Accept", "text/event-stream" },
  { "originator", "codex_cli_rs" },
  { "OpenAI-Beta", "responses=experimental" },
  { "version", CODEX_CLI_VERSION },
  { "User-Agent", "codex-cli/" CODEX_CLI_VERSION " ({os}; {arch})" },
  { NULL, NULL },
};

static const HeaderTemplate github_headers[] = {
  { "copilot-integration-id", "vscode-chat" },
  { "editor-version", "vscode/" VSCODE_VERSION },
  { "editor-plugin-version", "copilot-chat/" COPILOT_CHAT_VERSION },
  { "User-Agent", "GitHubCopilotChat/" COPILOT_CHAT_VERSION },
  { "openai-intent", "conversation-panel" },
  { "x-github-api-version", "2026-06-01" },
  { NULL, NULL },
};

static const HeaderTemplate gemini_cli_headers[] = {
  { "User-Agent", "GeminiCLI/" GEMINI_CLI_VERSION "/{model} ({os}; {arch})" },
  { "X-Goog-Api-Client", "google-genai-sdk/1.41.0 gl-node/v22.19.0" },
  { NULL, NULL },
};

static const HeaderTemplate qwen_headers[] = {
  { "User-Agent", "QwenCode/" QWEN_CODE_VERSION " ({os}; {arch})" },
  { "X-Dashscope-UserAgent", "QwenCode/" QWEN_CODE_VERSION " ({os}; {arch})" },
  { "X-Dashscope-AuthType", "qwen-oauth" },
  { "X-Dashscope-CacheControl", "enable" },
  { NULL, NULL },
};

static const HeaderTemplate iflow_headers[] = {
  { NULL, NULL },
};

static const HeaderTemplate kiro_headers[] = {
  { "Accept", "application/vnd.amazon.eventstream" },
  { "X-Amz-Target", "AmazonCodeWhispererStreamingService.GenerateAssistantResponse" },
  { "User-Agent", "AWS-SDK-JS/3.0.0 kiro-ide/1.0.0" },
  { "X-Amz-User-Agent", "aws-sdk-js/3.0.0 kiro-ide/1.0.0" },
  { "Amz-Sdk-Request", "attempt=1; max=3" },
  { "x-amzn-bedrock-cache-control", "enable" },
  { NULL, NULL },
};

static const ProviderSpec specs[] = {
  { "claude", "https://api.anthropic.com/v1", NULL, SY_DIALECT_ANTHROPIC, FALSE,
    claude_headers, shape_claude },
  { "codex", "https://chatgpt.com/backend-api/codex", "/responses", SY_DIALECT_RESPONSES, TRUE,
    codex_headers, shape_codex },
  { "github", "https://api.githubcopilot.com", NULL, SY_DIALECT_OPENAI, FALSE,
    github_headers, shape_github },
  { "gemini-cli", "https://cloudcode-pa.googleapis.com", NULL, SY_DIALECT_GEMINI_CLI, FALSE,
    gemini_cli_headers, shape_gemini_cli },
  { "qwen", "https://portal.qwen.ai/v1", "/chat/completions", SY_DIALECT_OPENAI, FALSE,
    qwen_headers, shape_qwen },
  { "iflow", "https://apis.iflow.cn/v1", "/chat/completions", SY_DIALECT_OPENAI, FALSE,
    iflow_headers, shape_iflow },
  { "kiro", "https://codewhisperer.us-east-1.amazonaws.com", "/generateAssistantResponse",
    SY_DIALECT_KIRO, TRUE, kiro_headers, shape_kiro },
  { "amazon-q", "https://codewhisperer.us-east-1.amazonaws.com", "/generateAssistantResponse",
    SY_DIALECT_KIRO, TRUE, kiro_headers, shape_kiro },
};

static const ProviderSpec *
find_spec (const char *provider)
{
  for (guint i = 0; provider != NULL && i < G_N_ELEMENTS (specs); i++)
    if (g_str_equal (specs[i].id, provider))
      return &specs[i];
  return NULL;
}

/* --- public ------------------------------------------------------------------------------- */

gboolean
sy_upstream_adapter_is_special (const char *provider)
{
  return find_spec (provider) != NULL;
}

SyDialect
sy_upstream_adapter_dialect_for (const char *provider,
                                 const char *model,
                                 SyDialect   default_dialect)
{
  const ProviderSpec *spec = find_spec (provider);

  if (spec == NULL)
    return default_dialect;
  if (g_str_equal (spec->id, "github") && model_is_codex (model))
    return SY_DIALECT_RESPONSES;
  return spec->dialect;
}

gboolean
sy_upstream_adapter_region_is_valid (const char *region)
{
  static GRegex *pattern;

  if (region == NULL)
    return FALSE;
  if (g_once_init_enter (&pattern))
    g_once_init_leave (&pattern, g_regex_new ("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$",
                                              G_REGEX_DOLLAR_ENDONLY, 0, NULL));
  return g_regex_match (pattern, region, 0, NULL);
}

void
sy_upstream_adapter_get_platform (const char **os,
                                  const char **arch)
{
#if defined(G_OS_WIN32)
  *os = "win32";
#elif defined(__APPLE__)
  *os = "darwin";
#elif defined(__FreeBSD__)
  *os = "freebsd";
#else
  *os = "linux";
#endif
#if defined(__x86_64__) || defined(_M_X64)
  *arch = "x64";
#elif defined(__aarch64__) || defined(_M_ARM64)
  *arch = "arm64";
#elif defined(__i386__) || defined(_M_IX86)
  *arch = "ia32";
#elif defined(__arm__)
  *arch = "arm";
#elif defined(__riscv) && __riscv_xlen == 64
  *arch = "riscv64";
#else
  *arch = "unknown";
#endif
}

static JsonNode *
parse_provider_data (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root = NULL;

  /* Stored by us as an object; anything else reads as {} */
  if (text != NULL)
    root = sy_json_read_load (parser, text, strlen (text), 16, NULL);
  if (root != NULL)
    return json_node_ref (root);
  root = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (root, json_object_new ());
  return root;
}

SyUpstreamRequest *
sy_upstream_adapter_adapt (const SyUpstreamInput  *input,
                           GError                **error)
{
  const ProviderSpec *spec;
  g_autoptr(SyUpstreamRequest) request = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autofree char *uuid = NULL;
  Shaping s = { 0 };
  gboolean ok;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (input->body != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  spec = find_spec (input->provider);
  request = g_new0 (SyUpstreamRequest, 1);
  request->headers = g_ptr_array_new_with_free_func (header_free);
  if (spec == NULL)
    {
      g_return_val_if_fail (input->base_url != NULL, NULL);
      request->url = join_url (input->base_url, input->path);
      request->body = g_bytes_ref (input->body);
      request->forward_client_headers = TRUE;
      return g_steal_pointer (&request);
    }

  data = parse_provider_data (input->provider_data);
  if (input->uuid == NULL)
    uuid = g_uuid_string_random ();
  s.input = input;
  s.spec = spec;
  s.data = json_node_get_object (data);
  s.uuid = input->uuid ? input->uuid : uuid;
  s.now_ms = input->now_ms > 0 ? input->now_ms : g_get_real_time () / 1000;
  s.base = g_strdup (input->base_url ? input->base_url : spec->default_base);
  s.path = g_strdup (spec->path);
  s.body = g_bytes_ref (input->body);
  s.headers = request->headers;

  set_bearer (&s);
  set_header (&s, "Accept", spec->force_stream || input->stream ? "text/event-stream"
                                                                : "application/json");
  for (const HeaderTemplate *h = spec->headers; h->name != NULL; h++)
    {
      g_autofree char *value = expand (h->value, input->model);

      set_header (&s, h->name, value);
    }

  ok = spec->shape == NULL || spec->shape (&s, error);
  if (ok)
    {
      request->url = join_url (s.base, s.path);
      request->body = g_steal_pointer (&s.body);
      request->force_stream = spec->force_stream;
      request->auth_included = TRUE;
      request->forward_client_headers = FALSE;
    }
  g_free (s.base);
  g_free (s.path);
  g_clear_pointer (&s.body, g_bytes_unref);
  return ok ? g_steal_pointer (&request) : NULL;
}

const char *
sy_upstream_request_get_header (const SyUpstreamRequest *self,
                                const char              *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->headers->len; i++)
    {
      SyUpstreamHeader *header = g_ptr_array_index (self->headers, i);

      if (g_ascii_strcasecmp (header->name, name) == 0)
        return header->value;
    }
  return NULL;
}

void
sy_upstream_request_free (SyUpstreamRequest *self)
{
  if (self == NULL)
    return;
  g_free (self->url);
  g_clear_pointer (&self->headers, g_ptr_array_unref);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_free (self);
}

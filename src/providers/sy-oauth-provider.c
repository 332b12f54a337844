/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The OAuth protocol table (public facts of the official CLIs: client ids, endpoints, scopes,
 * redirects) and the small pure helpers every flow needs: PKCE S256 and JWT payload decoding.
 * No I/O; secrets that are not public facts come from the environment, never from this file.
 */
#define G_LOG_DOMAIN "sy-providers"

#include "sy-oauth-provider.h"

#include <string.h>

#include "core/sy-crypto.h"
#include "providers/sy-provider-catalog.h"

G_DEFINE_QUARK (sy-oauth-error-quark, sy_oauth_error)

#define MINUTES(n) ((gint64) (n) * 60 * 1000)

static const SyOAuthProvider providers[] = {
  {
    .id = "claude",
    .client_id = "9d1c250a-e61b-44d9-88ed-5944d1962f5e",
    .scope = "org:create_api_key user:profile user:inference user:sessions:claude_code "
             "user:mcp_servers",
    .browser = SY_OAUTH_BROWSER_PASTE,
    .authorize_url = "https://claude.ai/oauth/authorize",
    .authorize_extra = "code=true&prompt=login",
    .redirect_param = "redirect_uri",
    .redirect_uri = "https://platform.claude.com/oauth/code/callback",
    .pkce = TRUE,
    .exchange_body = SY_OAUTH_BODY_JSON,
    .token_url = "https://api.anthropic.com/v1/oauth/token",
    .refresh_url = "https://api.anthropic.com/v1/oauth/token",
    .refresh_body = SY_OAUTH_BODY_FORM,
    .profile = SY_OAUTH_PROFILE_TOKEN,
    .refresh_lead_ms = MINUTES (5),
  },
  {
    .id = "codex",
    .client_id = "app_EMoamEEZ73f0CkXaXp7hrann",
    .scope = "openid profile email offline_access",
    .browser = SY_OAUTH_BROWSER_LOOPBACK,
    .authorize_url = "https://auth.openai.com/oauth/authorize",
    .authorize_extra = "id_token_add_organizations=true&codex_cli_simplified_flow=true"
                       "&originator=codex_cli_rs&prompt=login",
    .redirect_param = "redirect_uri",
    .redirect_uri = "http://localhost:{port}/auth/callback",
    .callback_path = "/auth/callback",
    .callback_port = 1455,
    .pkce = TRUE,
    .token_url = "https://auth.openai.com/oauth/token",
    .device = SY_OAUTH_DEVICE_OPENAI,
    .device_url = "https://auth.openai.com/api/accounts/deviceauth/usercode",
    .device_token_url = "https://auth.openai.com/api/accounts/deviceauth/token",
    .verification_uri = "https://auth.openai.com/codex/device",
    .refresh_url = "https://auth.openai.com/oauth/token",
    .profile = SY_OAUTH_PROFILE_ID_TOKEN,
    .refresh_lead_ms = MINUTES (5),
  },
  {
    .id = "gemini-cli",
    .client_id = "681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com",
    .client_secret_env = "SWITCHYARD_GEMINI_CLI_CLIENT_SECRET",
    .scope = "https://www.googleapis.com/auth/cloud-platform "
             "https://www.googleapis.com/auth/userinfo.email "
             "https://www.googleapis.com/auth/userinfo.profile",
    .browser = SY_OAUTH_BROWSER_LOOPBACK,
    .authorize_url = "https://accounts.google.com/o/oauth2/v2/auth",
    .authorize_extra = "access_type=offline&prompt=consent",
    .redirect_param = "redirect_uri",
    .redirect_uri = "http://127.0.0.1:{port}/oauth2callback",
    .callback_path = "/oauth2callback",
    .token_url = "https://oauth2.googleapis.com/token",
    .refresh_url = "https://oauth2.googleapis.com/token",
    .profile = SY_OAUTH_PROFILE_GOOGLE,
    .refresh_lead_ms = MINUTES (15),
  },
  {
    .id = "github",
    .client_id = "Iv1.b507a08c87ecfe98",
    .scope = "read:user",
    .device = SY_OAUTH_DEVICE_RFC8628,
    .device_url = "https://github.com/login/device/code",
    .device_token_url = "https://github.com/login/oauth/access_token",
    .verification_uri = "https://github.com/login/device",
    .refresh_url = "https://api.github.com/copilot_internal/v2/token",
    .profile = SY_OAUTH_PROFILE_GITHUB,
    .refresh_lead_ms = MINUTES (5),
  },
  {
    .id = "qwen",
    .client_id = "f0304373b74a44d2b584a3fb70ca9e56",
    .scope = "openid profile email model.completion",
    .pkce = TRUE,
    .device = SY_OAUTH_DEVICE_RFC8628,
    .device_url = "https://qwen.ai/api/v1/oauth2/device/code",
    .device_token_url = "https://qwen.ai/api/v1/oauth2/token",
    .verification_uri = "https://chat.qwen.ai/authorize",
    .refresh_url = "https://chat.qwen.ai/api/v1/oauth2/token",
    .profile = SY_OAUTH_PROFILE_NONE,
    .refresh_lead_ms = MINUTES (5),
  },
  {
    .id = "kiro",
    .scope = "codewhisperer:completions codewhisperer:analysis codewhisperer:conversations",
    .device = SY_OAUTH_DEVICE_AWS,
    .register_url = "https://oidc.{region}.amazonaws.com/client/register",
    .device_url = "https://oidc.{region}.amazonaws.com/device_authorization",
    .device_token_url = "https://oidc.{region}.amazonaws.com/token",
    .verification_uri = "https://view.awsapps.com/start",
    .refresh_url = "https://oidc.{region}.amazonaws.com/token",
    .refresh_body = SY_OAUTH_BODY_JSON,
    .profile = SY_OAUTH_PROFILE_NONE,
    .refresh_lead_ms = MINUTES (5),
  },
  {
    .id = "iflow",
    .client_id = "10009311001",
    .client_secret_env = "SWITCHYARD_IFLOW_CLIENT_SECRET",
    .browser = SY_OAUTH_BROWSER_LOOPBACK,
    .authorize_url = "https://iflow.cn/oauth",
    .authorize_extra = "loginMethod=phone&type=phone",
    .redirect_param = "redirect",
    .redirect_uri = "http://localhost:{port}/callback",
    .callback_path = "/callback",
    .basic_auth = TRUE,
    .token_url = "https://iflow.cn/oauth/token",
    .refresh_url = "https://iflow.cn/oauth/token",
    .profile = SY_OAUTH_PROFILE_IFLOW,
    .refresh_lead_ms = MINUTES (24 * 60),
  },
};

const SyOAuthProvider *
sy_oauth_provider_lookup (const char *id)
{
  const SyProviderInfo *info;

  if (id == NULL)
    return NULL;
  /* Aliases ("cc", "cx", "gc", "gh", ...) are the catalog's. */
  if ((info = sy_provider_catalog_lookup (id)) != NULL)
    id = info->id;
  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    if (g_str_equal (providers[i].id, id))
      return &providers[i];
  return NULL;
}

gboolean
sy_oauth_provider_supports (const SyOAuthProvider *provider,
                            SyOAuthMethod          method)
{
  g_return_val_if_fail (provider != NULL, FALSE);

  if (method == SY_OAUTH_METHOD_BROWSER)
    return provider->browser != SY_OAUTH_BROWSER_NONE;
  return provider->device != SY_OAUTH_DEVICE_NONE;
}

const char *
sy_oauth_provider_get_secret (const SyOAuthProvider *provider)
{
  const char *secret;

  if (provider->client_secret_env == NULL)
    return NULL;
  secret = g_getenv (provider->client_secret_env);
  return secret != NULL && *secret != '\0' ? secret : NULL;
}

gint64
sy_oauth_refresh_lead_ms (const char *provider_id)
{
  const SyOAuthProvider *provider = sy_oauth_provider_lookup (provider_id);

  return provider != NULL ? provider->refresh_lead_ms : MINUTES (5);
}

gboolean
sy_oauth_error_is_revoked (const GError *error)
{
  return g_error_matches (error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_REVOKED);
}

char *
sy_oauth_expand_url (const char *url,
                     const char *region)
{
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (url != NULL, NULL);

  parts = g_strsplit (url, "{region}", -1);
  return g_strjoinv (region != NULL ? region : "us-east-1", parts);
}

/* base64url without padding. */
static char *
base64url (const guint8 *data,
           gsize         len)
{
  char *text = g_base64_encode (data, len);
  char *pad;

  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  if ((pad = strchr (text, '=')) != NULL)
    *pad = '\0';
  return text;
}

char *
sy_oauth_pkce_verifier (void)
{
  guint8 bytes[32];

  sy_random_bytes (bytes, sizeof bytes);
  return base64url (bytes, sizeof bytes);
}

char *
sy_oauth_pkce_challenge (const char *verifier)
{
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_return_val_if_fail (verifier != NULL, NULL);

  g_checksum_update (sha, (const guchar *) verifier, -1);
  g_checksum_get_digest (sha, digest, &len);
  return base64url (digest, len);
}

JsonObject *
sy_oauth_jwt_claims (const char *jwt)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) b64 = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree guchar *payload = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;

  if (jwt == NULL)
    return NULL;
  parts = g_strsplit (jwt, ".", 4);
  if (g_strv_length (parts) != 3 || *parts[1] == '\0')
    return NULL;
  b64 = g_string_new (parts[1]);
  g_strdelimit (b64->str, "-", '+');
  g_strdelimit (b64->str, "_", '/');
  while (b64->len % 4 != 0)
    g_string_append_c (b64, '=');
  payload = g_base64_decode (b64->str, &len);
  if (payload == NULL || len == 0)
    return NULL;
  text = g_strndup ((const char *) payload, len);
  node = json_from_string (text, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_object_ref (json_node_get_object (node));
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * After the tokens: who the account is and what the provider needs kept (Codex workspace from
 * the id_token, Google's Code Assist project, GitHub's login and Copilot session token, iFlow's
 * API key). One short request chain per provider; nothing is stored or logged here.
 */
#define G_LOG_DOMAIN "sy-providers"

#include "sy-oauth-profile-private.h"

#define GOOGLE_USERINFO "https://www.googleapis.com/oauth2/v1/userinfo?alt=json"
#define CODE_ASSIST     "https://cloudcode-pa.googleapis.com/v1internal"
#define GITHUB_USER     "https://api.github.com/user"
#define COPILOT_TOKEN   "https://api.github.com/copilot_internal/v2/token"
#define IFLOW_USERINFO  "https://iflow.cn/api/oauth/getUserInfo"
#define ONBOARD_TRIES   5

typedef struct
{
  SyOAuthLogin *login;
  guint         step;
  guint         tries;
  guint         retry_id;
  char         *tier;
} Job;

static void
job_free (Job *job)
{
  g_clear_handle_id (&job->retry_id, g_source_remove);
  g_free (job->tier);
  g_free (job);
}

static void run_step (GTask *task);

static JsonObject *
member_object (JsonObject *obj,
               const char *name)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static void
set_data (SyOAuthLogin *login,
          const char   *name,
          const char   *value)
{
  if (value != NULL && *value != '\0')
    json_object_set_string_member (login->data, name, value);
}

static void
set_account (SyOAuthLogin *login,
             const char   *account)
{
  if (account != NULL && *account != '\0' && login->account == NULL)
    login->account = g_strdup (account);
}

static JsonNode *
code_assist_metadata (const char *tier)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  if (tier != NULL)
    {
      json_builder_set_member_name (b, "tierId");
      json_builder_add_string_value (b, tier);
    }
  json_builder_set_member_name (b, "metadata");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ideType");
  json_builder_add_string_value (b, "IDE_UNSPECIFIED");
  json_builder_set_member_name (b, "platform");
  json_builder_add_string_value (b, "PLATFORM_UNSPECIFIED");
  json_builder_set_member_name (b, "pluginType");
  json_builder_add_string_value (b, "GEMINI");
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* "cloudaicompanionProject": "id" or {"id": "..."}. */
static const char *
project_of (JsonObject *obj)
{
  JsonObject *inner = member_object (obj, "cloudaicompanionProject");

  if (inner != NULL)
    return sy_oauth_json_string (inner, "id");
  return sy_oauth_json_string (obj, "cloudaicompanionProject");
}

SoupMessage *
_sy_oauth_copilot_request (SyOriginMap *map,
                           const char  *github_token)
{
  SoupMessage *msg = sy_oauth_http_get (map, COPILOT_TOKEN);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  sy_oauth_http_authorize (msg, "token", github_token);
  soup_message_headers_replace (headers, "User-Agent", "GithubCopilot/1.0");
  soup_message_headers_replace (headers, "Editor-Plugin-Version", "copilot/1.388.0");
  soup_message_headers_replace (headers, "Editor-Version", "vscode/1.99.0");
  return msg;
}

gboolean
_sy_oauth_copilot_apply (SyTokenBundle  *bundle,
                         JsonObject     *answer,
                         GError        **error)
{
  const char *token = sy_oauth_json_string (answer, "token");
  JsonNode *expires = json_object_get_member (answer, "expires_at");

  if (token == NULL || expires == NULL || json_node_get_value_type (expires) != G_TYPE_INT64)
    {
      g_set_error (error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_PROTOCOL,
                   "Copilot token: the answer lacks token or expires_at");
      return FALSE;
    }
  g_free (bundle->session_token);
  bundle->session_token = g_strdup (token);
  bundle->session_expires_at = json_node_get_int (expires) * 1000;
  return TRUE;
}

SoupMessage *
_sy_oauth_iflow_request (SyOriginMap *map,
                         const char  *access_token)
{
  g_autofree char *escaped = g_uri_escape_string (access_token, NULL, FALSE);
  g_autofree char *url = g_strdup_printf ("%s?accessToken=%s", IFLOW_USERINFO, escaped);

  return sy_oauth_http_get (map, url);
}

gboolean
_sy_oauth_iflow_apply (SyTokenBundle  *bundle,
                       JsonObject     *answer,
                       char          **account,
                       GError        **error)
{
  JsonObject *data = member_object (answer, "data");
  const char *api_key = sy_oauth_json_string (data, "apiKey");
  const char *label;

  if (api_key == NULL || *api_key == '\0')
    {
      g_set_error (error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_PROTOCOL,
                   "iFlow user info: the answer has no apiKey");
      return FALSE;
    }
  g_free (bundle->api_key);
  bundle->api_key = g_strdup (api_key);
  label = sy_oauth_json_string (data, "email");
  if (label == NULL || *label == '\0')
    label = sy_oauth_json_string (data, "phone");
  if (account != NULL)
    *account = g_strdup (label);
  return TRUE;
}

JsonObject *
_sy_oauth_aws_to_standard (JsonObject *answer)
{
  static const char * const names[][2] = {
    { "accessToken", "access_token" }, { "refreshToken", "refresh_token" },
    { "expiresIn", "expires_in" }, { "tokenType", "token_type" }, { "idToken", "id_token" },
  };
  JsonObject *out = json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JsonNode *node = json_object_get_member (answer, names[i][0]);

      if (node == NULL)
        node = json_object_get_member (answer, names[i][1]);
      if (node != NULL)
        json_object_set_member (out, names[i][1], json_node_copy (node));
    }
  return out;
}

/* The request of the current step, or NULL when the chain is complete. */
static SoupMessage *
step_request (Job         *job,
              const char **what)
{
  SyOAuthLogin *login = job->login;
  const char *access = login->bundle->access_token;
  SoupMessage *msg = NULL;

  switch (login->provider->profile)
    {
    case SY_OAUTH_PROFILE_GOOGLE:
      if (job->step == 0)
        {
          *what = "Google user info";
          msg = sy_oauth_http_get (login->map, GOOGLE_USERINFO);
        }
      else if (job->step == 1)
        {
          *what = "Code Assist project";
          msg = sy_oauth_http_json (login->map, CODE_ASSIST ":loadCodeAssist",
                                    code_assist_metadata (NULL));
        }
      else if (job->step == 2)
        {
          *what = "Code Assist onboarding";
          msg = sy_oauth_http_json (login->map, CODE_ASSIST ":onboardUser",
                                    code_assist_metadata (job->tier));
        }
      if (msg != NULL)
        sy_oauth_http_authorize (msg, "Bearer", access);
      return msg;
    case SY_OAUTH_PROFILE_GITHUB:
      if (job->step == 0)
        {
          *what = "GitHub user";
          msg = sy_oauth_http_get (login->map, GITHUB_USER);
          sy_oauth_http_authorize (msg, "token", access);
        }
      else if (job->step == 1)
        {
          *what = "Copilot token";
          msg = _sy_oauth_copilot_request (login->map, access);
        }
      return msg;
    case SY_OAUTH_PROFILE_IFLOW:
      *what = "iFlow user info";
      return job->step == 0 ? _sy_oauth_iflow_request (login->map, access) : NULL;
    case SY_OAUTH_PROFILE_TOKEN:
    case SY_OAUTH_PROFILE_ID_TOKEN:
    case SY_OAUTH_PROFILE_NONE:
    default:
      return NULL;
    }
}

/* Takes one answer in; returns FALSE with error to end the chain. */
static gboolean
step_apply (Job         *job,
            JsonObject  *answer,
            GError     **error)
{
  SyOAuthLogin *login = job->login;

  switch (login->provider->profile)
    {
    case SY_OAUTH_PROFILE_GOOGLE:
      if (job->step == 0)
        set_account (login, sy_oauth_json_string (answer, "email"));
      else if (project_of (answer) != NULL)
        {
          set_data (login, "projectId", project_of (answer));
          job->step = 99;
          return TRUE;
        }
      else if (job->step == 1)
        {
          JsonNode *tiers = json_object_get_member (answer, "allowedTiers");
          JsonArray *array = tiers && JSON_NODE_HOLDS_ARRAY (tiers) ? json_node_get_array (tiers) : NULL;

          for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
            {
              JsonObject *tier = json_array_get_object_element (array, i);

              if (tier != NULL && json_object_get_boolean_member_with_default (tier, "isDefault", FALSE))
                job->tier = g_strdup (sy_oauth_json_string (tier, "id"));
            }
          if (job->tier == NULL)
            job->tier = g_strdup ("free-tier");
        }
      else if (json_object_get_boolean_member_with_default (answer, "done", FALSE) &&
               project_of (member_object (answer, "response")) != NULL)
        {
          set_data (login, "projectId", project_of (member_object (answer, "response")));
        }
      else if (++job->tries < ONBOARD_TRIES)
        return TRUE;  /* same step again: onboarding still running */
      else
        {
          g_set_error (error, SY_OAUTH_ERROR, SY_OAUTH_ERROR_PROTOCOL,
                       "Google assigned no Code Assist project to this account");
          return FALSE;
        }
      break;
    case SY_OAUTH_PROFILE_GITHUB:
      if (job->step == 0)
        {
          set_account (login, sy_oauth_json_string (answer, "login"));
          set_data (login, "login", sy_oauth_json_string (answer, "login"));
        }
      else if (!_sy_oauth_copilot_apply (login->bundle, answer, error))
        return FALSE;
      break;
    case SY_OAUTH_PROFILE_IFLOW:
      {
        g_autofree char *account = NULL;

        if (!_sy_oauth_iflow_apply (login->bundle, answer, &account, error))
          return FALSE;
        set_account (login, account);
      }
      break;
    default:
      break;
    }
  job->step++;
  return TRUE;
}

static gboolean
retry_cb (gpointer user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);

  job->retry_id = 0;
  run_step (task);
  return G_SOURCE_REMOVE;
}

static void
step_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = sy_oauth_http_fetch_finish (result, &error);
  guint step = job->step;

  if (answer == NULL || !step_apply (job, answer, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (job->step == step)  /* a retry: give the provider a moment */
    job->retry_id = g_timeout_add_seconds (2, retry_cb, task);
  else
    run_step (task);
}

/* Facts every provider's token answer or id_token may carry. */
static void
read_token_facts (SyOAuthLogin *login)
{
  JsonObject *account = member_object (login->token_response, "account");
  JsonObject *org = member_object (login->token_response, "organization");
  g_autoptr(JsonObject) claims = sy_oauth_jwt_claims (login->bundle->id_token);
  JsonObject *auth = member_object (claims, "https://api.openai.com/auth");

  set_account (login, sy_oauth_json_string (account, "email_address"));
  set_data (login, "accountUuid", sy_oauth_json_string (account, "uuid"));
  set_data (login, "organizationId", sy_oauth_json_string (org, "uuid"));
  set_account (login, sy_oauth_json_string (claims, "email"));
  set_data (login, "workspaceId", sy_oauth_json_string (auth, "chatgpt_account_id"));
  set_data (login, "planType", sy_oauth_json_string (auth, "chatgpt_plan_type"));
  set_data (login, "resourceUrl", sy_oauth_json_string (login->token_response, "resource_url"));
}

static void
run_step (GTask *task)
{
  Job *job = g_task_get_task_data (task);
  const char *what = NULL;
  g_autoptr(SoupMessage) msg = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if ((msg = step_request (job, &what)) == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  sy_oauth_http_fetch_async (job->login->session, msg, what, g_task_get_cancellable (task),
                             step_cb, task);
}

void
_sy_oauth_profile_fetch_async (SyOAuthLogin        *login,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);

  g_task_set_source_tag (task, _sy_oauth_profile_fetch_async);
  job->login = login;
  if (login->data == NULL)
    login->data = json_object_new ();
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  read_token_facts (login);
  run_step (task);
}

gboolean
_sy_oauth_profile_fetch_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Access control end to end: IP allow and deny lists on /v1 (not /api), blocked providers
 * skipped by routing, API key scopes (allowed models and combos) and per-key request limits,
 * each refused in the client's own dialect without reaching the upstream. The gateway, the mock
 * upstream and the client share this process.
 */
#include <string.h>

#include "sy-test-gateway-fixture.h"

typedef SyTestGatewayFixture Fixture;

static const char chat_body_format[] =
  "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

static SyTestResponse *
chat (Fixture    *f,
      const char *model,
      const char *key)
{
  g_autofree char *body = g_strdup_printf (chat_body_format, model);
  g_autofree char *bearer = key ? g_strconcat ("Bearer ", key, NULL) : NULL;

  if (key == NULL)
    return sy_test_gateway_chat (f->t, body);
  return sy_test_gateway_request (f->t, "POST", "/v1/chat/completions", "application/json", body,
                                  -1, "Authorization", bearer, NULL);
}

/* An Anthropic client, with its key in x-api-key. */
static SyTestResponse *
messages (Fixture    *f,
          const char *model,
          const char *key)
{
  g_autofree char *body = g_strdup_printf ("{\"model\":\"%s\",\"max_tokens\":10,\"messages\":"
                                           "[{\"role\":\"user\",\"content\":\"hi\"}]}", model);

  if (key == NULL)
    return sy_test_gateway_request (f->t, "POST", "/v1/messages", "application/json", body, -1,
                                    NULL);
  return sy_test_gateway_request (f->t, "POST", "/v1/messages", "application/json", body, -1,
                                  "x-api-key", key, NULL);
}

static guint
chat_status (Fixture    *f,
             const char *model,
             const char *key)
{
  g_autoptr(SyTestResponse) r = chat (f, model, key);

  return r->status;
}

static void
api_ok (Fixture    *f,
        const char *method,
        const char *path,
        const char *json)
{
  g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, method, path, json);

  if (r->status >= 300)
    g_error ("%s %s: %u %s", method, path, r->status, sy_test_response_dup_body (r));
}

static guint
upstream_count (Fixture *f)
{
  return sy_mock_upstream_get_requests (f->t->mock)->len;
}

static void
two_providers (Fixture *f)
{
  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  g_free (sy_test_gateway_add_account (f->t, "p2", "key-2", 1, NULL));
}

/* Creates an inbound key; *id gets its id; returns the key. */
static char *
create_key (Fixture  *f,
            char    **id)
{
  g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "POST", "/api/keys",
                                                     "{\"name\":\"tool\"}");

  g_assert_cmpuint (r->status, ==, 201);
  *id = g_strdup (sy_test_response_get_string (r, "id"));
  return g_strdup (sy_test_response_get_string (r, "key"));
}

static void
patch_key (Fixture    *f,
           const char *id,
           const char *json)
{
  g_autofree char *path = g_strdup_printf ("/api/keys/%s", id);

  api_ok (f, "PATCH", path, json);
}

/* --- IP lists ------------------------------------------------------------------------------ */

static void
test_ip_deny (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) anthropic = NULL;
  g_autoptr(SyTestResponse) models = NULL;
  g_autoptr(SyTestResponse) health = NULL;

  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  g_assert_cmpuint (chat_status (f, "p1/m", NULL), ==, 200);
  api_ok (f, "PUT", "/api/settings", "{\"ipDenyList\": [\"10.0.0.0/8\", \"127.0.0.0/8\"]}");

  r = chat (f, "p1/m", NULL);
  g_assert_cmpuint (r->status, ==, 403);
  g_assert_cmpstr (sy_test_response_get_string (r, "error.code"), ==, "ip_not_allowed");
  g_assert_nonnull (strstr (sy_test_response_get_string (r, "error.message"), "127.0.0.1"));
  anthropic = messages (f, "p1/m", NULL);
  g_assert_cmpuint (anthropic->status, ==, 403);
  g_assert_cmpstr (sy_test_response_get_string (anthropic, "type"), ==, "error");
  g_assert_cmpstr (sy_test_response_get_string (anthropic, "error.type"), ==, "permission_error");
  models = sy_test_gateway_request (f->t, "GET", "/v1/models", NULL, NULL, 0, NULL);
  g_assert_cmpuint (models->status, ==, 403);
  g_assert_cmpuint (upstream_count (f), ==, 1);

  /* /api is not covered: the admin can always undo it from this machine. */
  health = sy_test_gateway_api (f->t, "GET", "/api/health", NULL);
  g_assert_cmpuint (health->status, ==, 200);
  api_ok (f, "PUT", "/api/settings", "{\"ipDenyList\": [\"10.0.0.0/8\"]}");
  g_assert_cmpuint (chat_status (f, "p1/m", NULL), ==, 200);
  g_assert_cmpuint (upstream_count (f), ==, 2);
}

static void
test_ip_allow (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(SyTestResponse) bad = NULL;

  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));

  /* A non-empty allow list admits only what it names. */
  api_ok (f, "PUT", "/api/settings", "{\"ipAllowList\": [\"192.168.0.0/16\", \"fd00::/8\"]}");
  g_assert_cmpuint (chat_status (f, "p1/m", NULL), ==, 403);
  api_ok (f, "PUT", "/api/settings", "{\"ipAllowList\": [\"192.168.0.0/16\", \"127.0.0.1\"]}");
  g_assert_cmpuint (chat_status (f, "p1/m", NULL), ==, 200);
  /* IPv4-mapped IPv6 ranges match IPv4 clients. */
  api_ok (f, "PUT", "/api/settings", "{\"ipAllowList\": [\"::ffff:127.0.0.0/104\"]}");
  g_assert_cmpuint (chat_status (f, "p1/m", NULL), ==, 200);

  /* Deny wins over allow. */
  api_ok (f, "PUT", "/api/settings", "{\"ipAllowList\": [\"127.0.0.0/8\"], "
                                     "\"ipDenyList\": [\"127.0.0.1/32\"]}");
  g_assert_cmpuint (chat_status (f, "p1/m", NULL), ==, 403);
  api_ok (f, "PUT", "/api/settings", "{\"ipAllowList\": [], \"ipDenyList\": []}");
  g_assert_cmpuint (chat_status (f, "p1/m", NULL), ==, 200);
  g_assert_cmpuint (upstream_count (f), ==, 3);

  bad = sy_test_gateway_api (f->t, "PUT", "/api/settings",
                             "{\"ipAllowList\": [\"127.0.0.1\", \"300.1.1.1/8\"]}");
  g_assert_cmpuint (bad->status, ==, 400);
  g_assert_true (g_str_has_prefix (sy_test_response_get_string (bad, "error.message"),
                                   "ipAllowList[1]"));
  g_clear_pointer (&bad, sy_test_response_free);
  bad = sy_test_gateway_api (f->t, "PUT", "/api/settings", "{\"ipDenyList\": [\"10.0.0.0/33\"]}");
  g_assert_cmpuint (bad->status, ==, 400);
  g_assert_true (g_str_has_prefix (sy_test_response_get_string (bad, "error.message"),
                                   "ipDenyList[0]"));
}

static guint
v6_status (SyTestGateway *v6,
           const char    *settings_json)
{
  g_autoptr(JsonNode) patch = json_from_string (settings_json, NULL);
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(GError) error = NULL;

  sy_settings_repo_update (sy_gateway_get_settings (v6->gateway), json_node_get_object (patch),
                           &error);
  g_assert_no_error (error);
  r = sy_test_gateway_request (v6, "GET", "/v1/models", NULL, NULL, 0, NULL);
  return r->status;
}

/* A client on ::1 against IPv6 and IPv4 entries (a second gateway, listening on ::1). */
static void
test_ip_lists_ipv6 (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(SyConfig) config = sy_config_new_defaults ();
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = g_build_filename (f->t->data_dir, "v6", NULL);
  SyTestGateway v6 = *f->t;
  SyGateway *gateway;

  g_free (config->data_dir);
  config->data_dir = g_strdup (data_dir);
  config->admin_token = g_strdup (SY_TEST_ADMIN_TOKEN);
  config->secret_backend = g_strdup ("memory");
  gateway = sy_gateway_new (config, &error);
  g_assert_no_error (error);
  if (!sy_gateway_listen (gateway, "::1", 0, &error))
    {
      g_test_skip_printf ("no IPv6 loopback here: %s", error->message);
      g_assert_finalize_object (gateway);
      return;
    }
  v6.gateway = gateway;
  v6.base_url = sy_gateway_dup_base_url (gateway);

  g_assert_cmpuint (v6_status (&v6, "{\"ipDenyList\": []}"), ==, 200);
  g_assert_cmpuint (v6_status (&v6, "{\"ipDenyList\": [\"::1/128\"]}"), ==, 403);
  g_assert_cmpuint (v6_status (&v6, "{\"ipDenyList\": [\"::2\"]}"), ==, 200);
  g_assert_cmpuint (v6_status (&v6, "{\"ipDenyList\": [], \"ipAllowList\": [\"127.0.0.0/8\"]}"),
                    ==, 403);
  g_assert_cmpuint (v6_status (&v6, "{\"ipAllowList\": [\"127.0.0.0/8\", \"::/64\"]}"), ==,
                    200);

  g_free (v6.base_url);
  sy_gateway_shutdown (gateway);
  g_assert_finalize_object (gateway);
}

/* --- blocked providers --------------------------------------------------------------------- */

static void
test_blocked_providers (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) forced = NULL;
  g_autoptr(SyTestResponse) bad = NULL;
  g_autofree char *deepseek = NULL;
  GPtrArray *requests;
  g_autoptr(JsonNode) sent = NULL;

  two_providers (f);
  api_ok (f, "POST", "/api/combos", "{\"name\":\"duo\",\"models\":[\"p1/a\",\"p2/b\"]}");
  deepseek = g_strdup_printf ("{\"provider\":\"deepseek\",\"apiKey\":\"k\",\"baseUrl\":\"%s\"}",
                              sy_mock_upstream_get_base_url (f->t->mock));
  api_ok (f, "POST", "/api/providers", deepseek);
  api_ok (f, "PUT", "/api/settings", "{\"blockedProviders\": [\"P1\", \"ds\"]}");

  r = chat (f, "p1/m", NULL);
  g_assert_cmpuint (r->status, ==, 403);
  g_assert_cmpstr (sy_test_response_get_string (r, "error.code"), ==, "provider_blocked");
  g_clear_pointer (&r, sy_test_response_free);
  /* Blocked by its alias, whichever spelling the model uses. */
  g_assert_cmpuint (chat_status (f, "deepseek/deepseek-chat", NULL), ==, 403);
  g_assert_cmpuint (chat_status (f, "ds/deepseek-chat", NULL), ==, 403);
  forced = sy_test_gateway_request (f->t, "POST", "/v1/providers/p1/chat/completions",
                                    "application/json",
                                    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                                    "\"content\":\"hi\"}]}", -1, NULL);
  g_assert_cmpuint (forced->status, ==, 403);
  g_assert_cmpuint (upstream_count (f), ==, 0);

  /* A combo skips the blocked member: p2 serves on the first attempt. */
  r = chat (f, "duo", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Provider"), ==, "p2");
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Attempts"), ==, "1");
  requests = sy_mock_upstream_get_requests (f->t->mock);
  g_assert_cmpuint (requests->len, ==, 1);
  sent = json_from_string (g_bytes_get_data (((SyMockRequest *) g_ptr_array_index (requests, 0))
                                               ->body, NULL), NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (sent), "model"), ==, "b");

  api_ok (f, "PUT", "/api/settings", "{\"blockedProviders\": []}");
  g_assert_cmpuint (chat_status (f, "p1/m", NULL), ==, 200);
  g_assert_cmpuint (chat_status (f, "ds/deepseek-chat", NULL), ==, 200);

  bad = sy_test_gateway_api (f->t, "PUT", "/api/settings", "{\"blockedProviders\": [\"\"]}");
  g_assert_cmpuint (bad->status, ==, 400);
  g_assert_true (g_str_has_prefix (sy_test_response_get_string (bad, "error.message"),
                                   "blockedProviders[0]"));
}

/* --- key scopes ---------------------------------------------------------------------------- */

static void
test_key_scopes (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *key = create_key (f, &id);
  g_autofree char *other_id = NULL;
  g_autofree char *other = create_key (f, &other_id);
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) anthropic = NULL;
  g_autoptr(SyTestResponse) shown = NULL;
  g_autoptr(SyTestResponse) forced = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *bearer = g_strconcat ("Bearer ", key, NULL);
  JsonArray *models;

  two_providers (f);
  api_ok (f, "POST", "/api/combos", "{\"name\":\"Duo\",\"models\":[\"p1/a\",\"p2/b\"]}");
  patch_key (f, id, "{\"allowedModels\": [\"p1/*\", \"p2/exact\"]}");

  g_assert_cmpuint (chat_status (f, "p1/m", key), ==, 200);
  g_assert_cmpuint (chat_status (f, "p2/exact", key), ==, 200);
  r = chat (f, "p2/other", key);
  g_assert_cmpuint (r->status, ==, 403);
  g_assert_cmpstr (sy_test_response_get_string (r, "error.code"), ==, "model_not_allowed");
  g_clear_pointer (&r, sy_test_response_free);
  anthropic = messages (f, "p2/other", key);
  g_assert_cmpuint (anthropic->status, ==, 403);
  g_assert_cmpstr (sy_test_response_get_string (anthropic, "error.type"), ==, "permission_error");
  /* A combo needs allowedCombos once the key has scopes. */
  r = chat (f, "duo", key);
  g_assert_cmpuint (r->status, ==, 403);
  g_assert_cmpstr (sy_test_response_get_string (r, "error.code"), ==, "combo_not_allowed");
  g_clear_pointer (&r, sy_test_response_free);
  /* A forced provider counts as provider/model. */
  forced = sy_test_gateway_request (f->t, "POST", "/v1/providers/p2/chat/completions",
                                    "application/json",
                                    "{\"model\":\"other\",\"messages\":[{\"role\":\"user\","
                                    "\"content\":\"hi\"}]}", -1, "Authorization", bearer,
                                    NULL);
  g_assert_cmpuint (forced->status, ==, 403);
  g_assert_cmpuint (upstream_count (f), ==, 2);

  /* Other keys, and requests without a key, are not limited by this key's scopes. */
  g_assert_cmpuint (chat_status (f, "p2/other", other), ==, 200);
  g_assert_cmpuint (chat_status (f, "duo", NULL), ==, 200);

  patch_key (f, id, "{\"allowedCombos\": [\"DUO\"]}");
  g_assert_cmpuint (chat_status (f, "duo", key), ==, 200);
  g_assert_cmpuint (chat_status (f, "p1/m", key), ==, 200);      /* allowedModels still there */
  patch_key (f, id, "{\"allowedModels\": null}");
  g_assert_cmpuint (chat_status (f, "p1/m", key), ==, 403);      /* combos only now */
  g_assert_cmpuint (chat_status (f, "duo", key), ==, 200);

  /* The scopes are shown, and stored. */
  shown = sy_test_gateway_api_printf (f->t, "GET", NULL, "/api/keys/%s", id);
  g_assert_cmpuint (shown->status, ==, 200);
  models = json_object_get_array_member (sy_test_response_get_object (shown), "allowedCombos");
  g_assert_cmpuint (json_array_get_length (models), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (models, 0), ==, "DUO");
  g_assert_null (sy_test_response_get_string (shown, "key"));
  stored = sy_test_gateway_query_db_text (f->t, "SELECT allowed_combos FROM api_keys WHERE id = ?",
                                          id);
  g_assert_cmpstr (stored, ==, "[\"DUO\"]");
}

/* PATCH validation: a 400 naming the field, 404 for a key that does not exist. */
static void
test_key_patch_validation (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *id = NULL;
  static const struct
  {
    const char *body;
    const char *field;
  } cases[] = {
    { "{\"allowedModels\": \"p1/*\"}", "allowedModels" },
    { "{\"allowedModels\": [\"\"]}", "allowedModels[0]" },
    { "{\"allowedCombos\": [1]}", "allowedCombos[0]" },
    { "{\"maxRequestsPerMinute\": -1}", "maxRequestsPerMinute" },
    { "{\"maxRequestsPerDay\": \"10\"}", "maxRequestsPerDay" },
    { "{\"key\": \"sy-x\"}", "key" },
  };

  g_free (create_key (f, &id));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SyTestResponse) r = sy_test_gateway_api_printf (f->t, "PATCH", cases[i].body,
                                                                "/api/keys/%s", id);

      g_assert_cmpuint (r->status, ==, 400);
      g_assert_true (g_str_has_prefix (sy_test_response_get_string (r, "error.message"),
                                       cases[i].field));
    }
  {
    g_autoptr(SyTestResponse) missing = sy_test_gateway_api (f->t, "PATCH", "/api/keys/nope",
                                                             "{\"name\": \"x\"}");
    g_autoptr(SyTestResponse) listed = sy_test_gateway_api (f->t, "GET", "/api/keys", NULL);
    JsonObject *first;

    g_assert_cmpuint (missing->status, ==, 404);
    first = json_array_get_object_element (sy_test_response_get_array (listed), 0);
    g_assert_cmpint (json_object_get_int_member (first, "maxRequestsPerMinute"), ==, 0);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (first,
                                                                           "allowedModels")),
                      ==, 0);
  }
}

/* Scopes and limits live in the database: a gateway opened on it again enforces them. */
static void
test_key_scopes_persist (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autoptr(SyConfig) config = sy_config_new_defaults ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SyApiKey) reread = NULL;
  SyGateway *again;

  g_free (create_key (f, &id));
  patch_key (f, id, "{\"name\": \"ci\", \"allowedModels\": [\"p1/*\"], "
                    "\"allowedCombos\": [\"duo\"], \"maxRequestsPerMinute\": 5, "
                    "\"maxRequestsPerDay\": 1000}");

  g_free (config->data_dir);
  config->data_dir = g_strdup (f->t->data_dir);
  config->admin_token = g_strdup (SY_TEST_ADMIN_TOKEN);
  config->secret_backend = g_strdup ("memory");
  again = sy_gateway_new (config, &error);
  g_assert_no_error (error);
  reread = sy_api_key_repo_lookup (sy_gateway_get_api_keys (again), id);
  g_assert_nonnull (reread);
  g_assert_cmpstr (reread->name, ==, "ci");
  g_assert_cmpstr (reread->allowed_models[0], ==, "p1/*");
  g_assert_null (reread->allowed_models[1]);
  g_assert_cmpstr (reread->allowed_combos[0], ==, "duo");
  g_assert_cmpint (reread->max_requests_per_minute, ==, 5);
  g_assert_cmpint (reread->max_requests_per_day, ==, 1000);
  sy_gateway_shutdown (again);
  g_assert_finalize_object (again);
}

/* --- per-key limits ------------------------------------------------------------------------ */

static void
test_key_rate_per_minute (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *key = create_key (f, &id);
  g_autofree char *other_id = NULL;
  g_autofree char *other = create_key (f, &other_id);
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) anthropic = NULL;
  int retry_after;

  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  patch_key (f, id, "{\"maxRequestsPerMinute\": 2}");

  g_assert_cmpuint (chat_status (f, "p1/m", key), ==, 200);
  g_assert_cmpuint (chat_status (f, "p1/m", key), ==, 200);
  r = chat (f, "p1/m", key);
  g_assert_cmpuint (r->status, ==, 429);
  g_assert_cmpstr (sy_test_response_get_string (r, "error.code"), ==, "key_rate_limited");
  g_assert_nonnull (soup_message_headers_get_one (r->headers, "Retry-After"));
  retry_after = atoi (soup_message_headers_get_one (r->headers, "Retry-After"));
  g_assert_cmpint (retry_after, >=, 1);
  g_assert_cmpint (retry_after, <=, 60);
  anthropic = messages (f, "p1/m", key);
  g_assert_cmpuint (anthropic->status, ==, 429);
  g_assert_cmpstr (sy_test_response_get_string (anthropic, "error.type"), ==, "rate_limit_error");
  g_assert_cmpuint (upstream_count (f), ==, 2);

  /* Another key and anonymous requests have their own (no) limits. */
  g_assert_cmpuint (chat_status (f, "p1/m", other), ==, 200);
  g_assert_cmpuint (chat_status (f, "p1/m", NULL), ==, 200);
  g_assert_cmpuint (upstream_count (f), ==, 4);

  /* A new limit starts a new minute; 0 removes it. */
  patch_key (f, id, "{\"maxRequestsPerMinute\": 3}");
  g_assert_cmpuint (chat_status (f, "p1/m", key), ==, 200);
  patch_key (f, id, "{\"maxRequestsPerMinute\": 0}");
  for (guint i = 0; i < 5; i++)
    g_assert_cmpuint (chat_status (f, "p1/m", key), ==, 200);
}

static void
test_key_rate_per_day (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *key = create_key (f, &id);
  g_autoptr(SyTestResponse) r = NULL;
  int retry_after;

  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  patch_key (f, id, "{\"maxRequestsPerDay\": 1, \"maxRequestsPerMinute\": 100}");
  g_assert_cmpuint (chat_status (f, "p1/m", key), ==, 200);
  r = chat (f, "p1/m", key);
  g_assert_cmpuint (r->status, ==, 429);
  g_assert_nonnull (strstr (sy_test_response_get_string (r, "error.message"), "per day"));
  retry_after = atoi (soup_message_headers_get_one (r->headers, "Retry-After"));
  g_assert_cmpint (retry_after, >=, 1);
  g_assert_cmpint (retry_after, <=, 25 * 3600);
  g_assert_cmpuint (upstream_count (f), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sy/gateway/access/" path, Fixture, NULL, sy_test_gateway_fixture_setup, func, \
              sy_test_gateway_fixture_teardown)

  ADD ("ip-deny", test_ip_deny);
  ADD ("ip-allow", test_ip_allow);
  ADD ("ip-lists-ipv6", test_ip_lists_ipv6);
  ADD ("blocked-providers", test_blocked_providers);
  ADD ("key-scopes", test_key_scopes);
  ADD ("key-patch-validation", test_key_patch_validation);
  ADD ("key-scopes-persist", test_key_scopes_persist);
  ADD ("key-rate-per-minute", test_key_rate_per_minute);
  ADD ("key-rate-per-day", test_key_rate_per_day);
  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The built-in catalog through the real gateway: every API-key provider reached with its
 * "alias/model" id (path, auth header, required headers, the answer in the client's dialect),
 * custom models (/api/provider-models), the model catalog (/api/models/catalog), /v1/models,
 * bare model names, OAuth-only providers, and forced provider routes for built-in providers.
 * Accounts point their baseUrl at the mock upstream; nothing leaves the process.
 */
#define G_LOG_DOMAIN "sy-test"

#include <string.h>

#include "providers/sy-provider-catalog.h"
#include "sy-test-gateway-fixture.h"

typedef SyTestGatewayFixture Fixture;

static SyTestResponse *
api (Fixture    *f,
     const char *method,
     const char *path,
     const char *json)
{
  return sy_test_gateway_api (f->t, method, path, json);
}

static void
api_status (Fixture    *f,
            const char *method,
            const char *path,
            const char *json,
            guint       status)
{
  g_autoptr(SyTestResponse) r = api (f, method, path, json);

  if (r->status != status)
    {
      g_autofree char *body = sy_test_response_dup_body (r);

      g_error ("%s %s: %u, expected %u: %s", method, path, r->status, status, body);
    }
}

/* An API-key account of a built-in provider whose base URL is the mock; its id. */
static char *
add_catalog_account (Fixture    *f,
                     const char *provider,
                     const char *key)
{
  g_autofree char *json = g_strdup_printf ("{\"provider\":\"%s\",\"apiKey\":\"%s\","
                                           "\"baseUrl\":\"%s\"}", provider, key,
                                           sy_mock_upstream_get_base_url (f->t->mock));
  g_autoptr(SyTestResponse) r = api (f, "POST", "/api/providers", json);

  g_assert_cmpuint (r->status, ==, 201);
  return g_strdup (sy_test_response_get_string (r, "id"));
}

static SyTestResponse *
chat (Fixture    *f,
      const char *model)
{
  g_autofree char *json = g_strdup_printf ("{\"model\":\"%s\",\"messages\":[{\"role\":\"user\","
                                           "\"content\":\"Hi\"}]}", model);

  return sy_test_gateway_chat (f->t, json);
}

static SyMockRequest *
upstream (Fixture *f,
          guint    i)
{
  GPtrArray *requests = sy_mock_upstream_get_requests (f->t->mock);

  g_assert_cmpuint (requests->len, >, i);
  return g_ptr_array_index (requests, i);
}

static guint
upstream_count (Fixture *f)
{
  return sy_mock_upstream_get_requests (f->t->mock)->len;
}

/* The "model" member of a request body the mock received. */
static char *
upstream_model (SyMockRequest *r)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *data = g_bytes_get_data (r->body, &len);

  g_assert_true (json_parser_load_from_data (parser, data, (gssize) len, NULL));
  return g_strdup (json_object_get_string_member_with_default (
    json_node_get_object (json_parser_get_root (parser)), "model", NULL));
}

static const char *
header (SyTestResponse *r,
        const char     *name)
{
  return soup_message_headers_get_one (r->headers, name);
}

/* --- every API-key provider ------------------------------------------------------------------ */

static const SyModelInfo *
first_chat_model (const SyProviderInfo *info)
{
  for (const SyModelInfo *m = info->models; m->id != NULL; m++)
    if (m->type == SY_MODEL_TYPE_CHAT)
      return m;
  return NULL;
}

static void
test_route_entry (Fixture       *f,
                  gconstpointer  data)
{
  const SyProviderInfo *info = data;
  const SyModelInfo *model = first_chat_model (info);
  g_autofree char *key = g_strdup_printf ("sk-%s-0123", info->id);
  g_autofree char *full = g_strconcat (info->alias, "/", model->id, NULL);
  g_autofree char *expected_path = NULL;
  g_autofree char *account = add_catalog_account (f, info->alias, key);
  g_autoptr(SyTestResponse) r = chat (f, full);
  SyMockRequest *up;
  JsonObject *message;

  if (r->status != 200)
    {
      g_autofree char *body = sy_test_response_dup_body (r);

      g_error ("%s: %u %s", full, r->status, body);
    }
  g_assert_cmpuint (upstream_count (f), ==, 1);
  up = upstream (f, 0);
  g_assert_cmpstr (up->method, ==, "POST");

  /* The dialect's own path under the account's base URL, with the upstream model. */
  switch (info->dialect)
    {
    case SY_DIALECT_ANTHROPIC:
      expected_path = g_strdup ("/v1/messages");
      break;
    case SY_DIALECT_GEMINI:
      expected_path = g_strdup_printf ("/v1/models/%s:generateContent", model->id);
      break;
    case SY_DIALECT_RESPONSES:
      expected_path = g_strdup ("/v1/responses");
      break;
    case SY_DIALECT_OPENAI:
    default:
      expected_path = g_strdup ("/v1/chat/completions");
      break;
    }
  g_assert_cmpstr (up->path, ==, expected_path);
  if (info->dialect != SY_DIALECT_GEMINI)
    {
      g_autofree char *sent = upstream_model (up);

      g_assert_cmpstr (sent, ==, model->id);
    }

  /* The key in the provider's header. */
  switch (info->auth_header)
    {
    case SY_AUTH_HEADER_X_API_KEY:
      g_assert_cmpstr (soup_message_headers_get_one (up->headers, "x-api-key"), ==, key);
      g_assert_null (soup_message_headers_get_one (up->headers, "Authorization"));
      break;
    case SY_AUTH_HEADER_GOOG_API_KEY:
      g_assert_cmpstr (soup_message_headers_get_one (up->headers, "x-goog-api-key"), ==, key);
      g_assert_null (soup_message_headers_get_one (up->headers, "Authorization"));
      break;
    case SY_AUTH_HEADER_BEARER:
    default:
      {
        g_autofree char *bearer = g_strconcat ("Bearer ", key, NULL);

        g_assert_cmpstr (soup_message_headers_get_one (up->headers, "Authorization"), ==, bearer);
      }
      break;
    }
  for (const char * const *h = info->extra_headers; h != NULL && h[0] != NULL; h += 2)
    g_assert_cmpstr (soup_message_headers_get_one (up->headers, h[0]), ==, h[1]);

  /* The answer in the client's dialect, labelled. */
  g_assert_cmpstr (header (r, "X-Switchyard-Provider"), ==, info->id);
  g_assert_cmpstr (header (r, "X-Switchyard-Model"), ==, model->id);
  g_assert_cmpstr (header (r, "X-Switchyard-Connection"), ==, account);
  g_assert_cmpstr (json_object_get_string_member (sy_test_response_get_object (r), "object"), ==,
                   "chat.completion");
  message = json_object_get_object_member (
    json_array_get_object_element (
      json_object_get_array_member (sy_test_response_get_object (r), "choices"), 0), "message");
  g_assert_cmpstr (json_object_get_string_member (message, "content"), ==, "Hello from the mock.");
}

/* An Anthropic client reaches an OpenAI-dialect provider by its alias and gets a Message. */
static void
test_route_anthropic_client (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *account = add_catalog_account (f, "ds", "sk-ds");
  g_autoptr(SyTestResponse) r = NULL;
  JsonArray *content;

  r = sy_test_gateway_request (f->t, "POST", "/v1/messages", "application/json",
                               "{\"model\":\"ds/deepseek-reasoner\",\"max_tokens\":64,"
                               "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", -1,
                               "anthropic-version", "2023-06-01", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (upstream (f, 0)->path, ==, "/v1/chat/completions");
  g_assert_cmpstr (soup_message_headers_get_one (upstream (f, 0)->headers, "Authorization"), ==,
                   "Bearer sk-ds");
  g_assert_cmpstr (sy_test_response_get_string (r, "type"), ==, "message");
  g_assert_cmpstr (sy_test_response_get_string (r, "role"), ==, "assistant");
  content = json_object_get_array_member (sy_test_response_get_object (r), "content");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (content, 0),
                                                  "text"), ==, "Hello from the mock.");
  g_assert_cmpstr (header (r, "X-Switchyard-Provider"), ==, "deepseek");
}

/* --- OAuth-only providers -------------------------------------------------------------------- */

static void
test_oauth_refuses_api_key (Fixture       *f,
                            gconstpointer  data)
{
  static const char * const bodies[] = {
    "{\"provider\":\"cc\",\"apiKey\":\"sk-ant-oat-x\"}",
    "{\"provider\":\"claude\"}",
    "{\"provider\":\"gh\",\"apiKey\":\"ghu_x\"}",
    "{\"provider\":\"kiro\",\"apiKey\":\"x\",\"baseUrl\":\"http://127.0.0.1:1/v1\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(SyTestResponse) r = api (f, "POST", "/api/providers", bodies[i]);
      const char *message;

      g_assert_cmpuint (r->status, ==, 400);
      message = sy_test_response_get_string (r, "error.message");
      g_assert_true (g_str_has_prefix (message, "provider: "));
      g_assert_nonnull (strstr (message, "signs in with OAuth; use /api/oauth/"));
    }
  {
    g_autoptr(SyTestResponse) r = api (f, "POST", "/api/providers",
                                       "{\"provider\":\"cc\",\"apiKey\":\"x\"}");

    g_assert_nonnull (strstr (sy_test_response_get_string (r, "error.message"),
                              "/api/oauth/claude/start"));
  }
  {
    g_autoptr(SyTestResponse) list = api (f, "GET", "/api/providers", NULL);

    g_assert_cmpuint (json_array_get_length (sy_test_response_get_array (list)), ==, 0);
  }
  /* An OAuth provider without an account: a clear 503, no upstream call. */
  {
    g_autoptr(SyTestResponse) r = chat (f, "cc/claude-sonnet-4-5");

    g_assert_cmpuint (r->status, ==, 503);
    g_assert_cmpuint (upstream_count (f), ==, 0);
  }
}

/* --- /api/provider-models ------------------------------------------------------------------- */

static void
test_custom_models_crud (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(SyTestResponse) created = NULL;
  g_autoptr(SyTestResponse) list = NULL;
  g_autoptr(SyTestResponse) all = NULL;
  g_autoptr(SyTestResponse) node = NULL;
  JsonArray *array;
  JsonObject *o;

  created = api (f, "POST", "/api/provider-models",
                 "{\"provider\":\"openai\",\"modelId\":\"gpt-4.5-preview\","
                 "\"modelName\":\"GPT-4.5 Preview\",\"type\":\"chat\"}");
  g_assert_cmpuint (created->status, ==, 201);
  g_assert_cmpstr (sy_test_response_get_string (created, "id"), ==, "openai/gpt-4.5-preview");
  g_assert_cmpstr (sy_test_response_get_string (created, "provider"), ==, "openai");
  g_assert_cmpstr (sy_test_response_get_string (created, "modelId"), ==, "gpt-4.5-preview");
  g_assert_cmpstr (sy_test_response_get_string (created, "modelName"), ==, "GPT-4.5 Preview");
  g_assert_cmpstr (sy_test_response_get_string (created, "type"), ==, "chat");
  g_assert_cmpint (sy_test_response_get_int_member (created, "createdAt"), >, 0);

  /* Alias and node prefix name providers too; type defaults to chat; the name to the id. */
  api_status (f, "POST", "/api/provider-models",
              "{\"provider\":\"ds\",\"modelId\":\"deepseek-v4\"}", 201);
  api_status (f, "POST", "/api/provider-models",
              "{\"provider\":\"openai\",\"modelId\":\"text-embedding-4\",\"type\":\"embedding\"}",
              201);
  api_status (f, "POST", "/api/provider-nodes",
              "{\"prefix\":\"local\",\"apiType\":\"openai\",\"baseUrl\":\"http://127.0.0.1:1/v1\"}",
              201);
  node = api (f, "POST", "/api/provider-models", "{\"provider\":\"local\",\"modelId\":\"qwen3:8b\"}");
  g_assert_cmpuint (node->status, ==, 201);
  g_assert_cmpstr (sy_test_response_get_string (node, "id"), ==, "local/qwen3:8b");
  g_assert_cmpstr (sy_test_response_get_string (node, "modelName"), ==, "qwen3:8b");

  /* Duplicates (custom or built-in) are 409; bad fields 400 naming the field. */
  {
    static const struct { const char *json; guint status; const char *field; } bad[] = {
      { "{\"provider\":\"openai\",\"modelId\":\"gpt-4.5-preview\"}", 409, "modelId" },
      { "{\"provider\":\"openai\",\"modelId\":\"gpt-5\"}", 409, "modelId" },
      { "{\"provider\":\"nope\",\"modelId\":\"x\"}", 400, "provider" },
      { "{\"modelId\":\"x\"}", 400, "provider" },
      { "{\"provider\":\"openai\"}", 400, "modelId" },
      { "{\"provider\":\"openai\",\"modelId\":\"\"}", 400, "modelId" },
      { "{\"provider\":\"openai\",\"modelId\":\"a b\"}", 400, "modelId" },
      { "{\"provider\":\"openai\",\"modelId\":\"x\",\"type\":\"video\"}", 400, "type" },
      { "{\"provider\":\"openai\",\"modelId\":\"x\",\"extra\":1}", 400, "extra" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(SyTestResponse) r = api (f, "POST", "/api/provider-models", bad[i].json);

        g_assert_cmpuint (r->status, ==, bad[i].status);
        g_assert_true (g_str_has_prefix (sy_test_response_get_string (r, "error.message"),
                                         bad[i].field));
      }
  }

  list = api (f, "GET", "/api/provider-models?provider=openai", NULL);
  g_assert_cmpuint (list->status, ==, 200);
  array = sy_test_response_get_array (list);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  o = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (o, "modelId"), ==, "gpt-4.5-preview");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 1),
                                                  "type"), ==, "embedding");
  all = api (f, "GET", "/api/provider-models", NULL);
  g_assert_cmpuint (json_array_get_length (sy_test_response_get_array (all)), ==, 4);
  {
    g_autoptr(SyTestResponse) by_alias = api (f, "GET", "/api/provider-models?provider=ds", NULL);

    array = sy_test_response_get_array (by_alias);
    g_assert_cmpuint (json_array_get_length (array), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0),
                                                    "provider"), ==, "deepseek");
  }
  api_status (f, "GET", "/api/provider-models?provider=nope", NULL, 400);
  api_status (f, "GET", "/api/provider-models?vendor=openai", NULL, 400);
  api_status (f, "PUT", "/api/provider-models", "{}", 405);
  api_status (f, "GET", "/api/provider-models/x", NULL, 404);

  /* Delete: 204, then 404; both parameters required. */
  api_status (f, "DELETE", "/api/provider-models?provider=openai&model=gpt-4.5-preview", NULL, 204);
  api_status (f, "DELETE", "/api/provider-models?provider=openai&model=gpt-4.5-preview", NULL, 404);
  api_status (f, "DELETE", "/api/provider-models?provider=openai", NULL, 400);
  api_status (f, "DELETE", "/api/provider-models?provider=nope&model=x", NULL, 400);
  {
    g_autofree char *left = sy_test_gateway_query_db_text (
      f->t, "SELECT group_concat(model, ',') FROM custom_models WHERE provider = ?1", "openai");

    g_assert_cmpstr (left, ==, "text-embedding-4");
  }

  /* A node's custom models go when the node does. */
  {
    g_autoptr(SyTestResponse) nodes = api (f, "GET", "/api/provider-nodes", NULL);
    const char *id = json_object_get_string_member (
      json_array_get_object_element (sy_test_response_get_array (nodes), 0), "id");
    g_autofree char *path = g_strconcat ("/api/provider-nodes/", id, NULL);
    g_autoptr(SyTestResponse) after = NULL;

    api_status (f, "DELETE", path, NULL, 204);
    after = api (f, "GET", "/api/provider-models", NULL);
    g_assert_cmpuint (json_array_get_length (sy_test_response_get_array (after)), ==, 2);
  }
}

/* --- /api/models/catalog --------------------------------------------------------------------- */

static JsonObject *
find_by_id (JsonArray  *array,
            const char *id)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      if (g_str_equal (json_object_get_string_member (o, "id"), id))
        return o;
    }
  return NULL;
}

static void
test_models_catalog (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(SyTestResponse) before = api (f, "GET", "/api/models/catalog", NULL);
  g_autoptr(SyTestResponse) after = NULL;
  JsonArray *providers;
  JsonObject *ds, *cc, *node, *m;
  guint n;

  g_assert_cmpuint (before->status, ==, 200);
  providers = json_object_get_array_member (sy_test_response_get_object (before), "providers");
  sy_provider_catalog_get_all (&n);
  g_assert_cmpuint (json_array_get_length (providers), ==, n);
  ds = find_by_id (providers, "deepseek");
  g_assert_nonnull (ds);
  g_assert_false (json_object_get_boolean_member (ds, "connected"));

  g_free (add_catalog_account (f, "deepseek", "sk-ds"));
  api_status (f, "POST", "/api/provider-models",
              "{\"provider\":\"ds\",\"modelId\":\"deepseek-v4\",\"modelName\":\"V4\"}", 201);
  g_free (sy_test_gateway_add_account (f->t, "mock", "sk-mock", 1, NULL));
  api_status (f, "POST", "/api/provider-models",
              "{\"provider\":\"mock\",\"modelId\":\"m9\",\"type\":\"image\"}", 201);

  after = api (f, "GET", "/api/models/catalog", NULL);
  providers = json_object_get_array_member (sy_test_response_get_object (after), "providers");
  g_assert_cmpuint (json_array_get_length (providers), ==, n + 1);

  ds = find_by_id (providers, "deepseek");
  g_assert_cmpstr (json_object_get_string_member (ds, "alias"), ==, "ds");
  g_assert_cmpstr (json_object_get_string_member (ds, "name"), ==, "DeepSeek");
  g_assert_cmpstr (json_object_get_string_member (ds, "authType"), ==, "apikey");
  g_assert_true (json_object_get_boolean_member (ds, "connected"));
  m = find_by_id (json_object_get_array_member (ds, "models"), "ds/deepseek-chat");
  g_assert_nonnull (m);
  g_assert_cmpstr (json_object_get_string_member (m, "model"), ==, "deepseek-chat");
  g_assert_cmpstr (json_object_get_string_member (m, "type"), ==, "chat");
  g_assert_cmpint (json_object_get_int_member (m, "contextLength"), ==, 128000);
  g_assert_cmpint (json_object_get_int_member (m, "maxOutputTokens"), >, 0);
  g_assert_false (json_object_get_boolean_member (m, "custom"));
  m = find_by_id (json_object_get_array_member (ds, "models"), "ds/deepseek-v4");
  g_assert_nonnull (m);
  g_assert_cmpstr (json_object_get_string_member (m, "name"), ==, "V4");
  g_assert_true (json_object_get_boolean_member (m, "custom"));
  g_assert_true (json_object_get_null_member (m, "contextLength"));

  cc = find_by_id (providers, "claude");
  g_assert_cmpstr (json_object_get_string_member (cc, "alias"), ==, "cc");
  g_assert_cmpstr (json_object_get_string_member (cc, "authType"), ==, "oauth");
  g_assert_false (json_object_get_boolean_member (cc, "connected"));
  g_assert_nonnull (find_by_id (json_object_get_array_member (cc, "models"),
                                "cc/claude-sonnet-4-5"));

  /* Embedding and image types are told apart. */
  m = find_by_id (json_object_get_array_member (find_by_id (providers, "openai"), "models"),
                  "openai/text-embedding-3-small");
  g_assert_cmpstr (json_object_get_string_member (m, "type"), ==, "embedding");

  node = find_by_id (providers, "mock");
  g_assert_nonnull (node);
  g_assert_cmpstr (json_object_get_string_member (node, "alias"), ==, "mock");
  g_assert_true (json_object_get_boolean_member (node, "connected"));
  m = find_by_id (json_object_get_array_member (node, "models"), "mock/m9");
  g_assert_cmpstr (json_object_get_string_member (m, "type"), ==, "image");
  g_assert_true (json_object_get_boolean_member (m, "custom"));

  api_status (f, "GET", "/api/models", NULL, 404);
  api_status (f, "POST", "/api/models/catalog", "{}", 405);
}

/* --- /v1/models ------------------------------------------------------------------------------ */

static GPtrArray *
v1_model_ids (Fixture *f)
{
  g_autoptr(SyTestResponse) r = sy_test_gateway_request (f->t, "GET", "/v1/models", NULL, NULL,
                                                         0, NULL);
  JsonArray *data;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (sy_test_response_get_string (r, "object"), ==, "list");
  data = json_object_get_array_member (sy_test_response_get_object (r), "data");
  for (guint i = 0; i < json_array_get_length (data); i++)
    {
      JsonObject *m = json_array_get_object_element (data, i);

      g_assert_cmpstr (json_object_get_string_member (m, "object"), ==, "model");
      g_assert_true (json_object_has_member (m, "created"));
      g_assert_nonnull (json_object_get_string_member (m, "owned_by"));
      g_ptr_array_add (ids, g_strdup (json_object_get_string_member (m, "id")));
    }
  return ids;
}

static gboolean
has (GPtrArray  *ids,
     const char *id)
{
  return g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL);
}

static void
test_v1_models (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) none = v1_model_ids (f);
  g_autoptr(GPtrArray) some = NULL;
  g_autoptr(GPtrArray) disabled = NULL;
  g_autofree char *account = NULL;
  g_autofree char *patch = NULL;

  g_assert_cmpuint (none->len, ==, 0);

  account = add_catalog_account (f, "ds", "sk-ds");
  g_free (add_catalog_account (f, "openrouter", "sk-or"));
  api_status (f, "POST", "/api/provider-models", "{\"provider\":\"ds\",\"modelId\":\"my-ds\"}",
              201);
  api_status (f, "POST", "/api/provider-models",
              "{\"provider\":\"groq\",\"modelId\":\"not-connected\"}", 201);
  api_status (f, "POST", "/api/combos", "{\"name\":\"cheap\",\"models\":[\"ds/deepseek-chat\"]}",
              201);

  some = v1_model_ids (f);
  g_assert_cmpstr (g_ptr_array_index (some, 0), ==, "cheap");
  g_assert_true (has (some, "ds/deepseek-chat"));
  g_assert_true (has (some, "ds/deepseek-reasoner"));
  g_assert_true (has (some, "ds/my-ds"));
  g_assert_true (has (some, "openrouter/openai/gpt-5"));
  g_assert_false (has (some, "groq/not-connected"));
  g_assert_false (has (some, "openai/gpt-5"));
  g_assert_false (has (some, "cc/claude-sonnet-4-5"));
  /* From memory: the built-in providers are not asked. */
  g_assert_cmpuint (upstream_count (f), ==, 0);

  /* A disabled account does not make its provider usable. */
  patch = g_strconcat ("/api/providers/", account, NULL);
  api_status (f, "PATCH", patch, "{\"enabled\":false}", 200);
  disabled = v1_model_ids (f);
  g_assert_false (has (disabled, "ds/deepseek-chat"));
  g_assert_true (has (disabled, "openrouter/openai/gpt-5"));
}

/* A provider node is still asked for its own list, beside its custom models, each id once. */
static void
test_v1_models_node (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = NULL;
  guint m1 = 0;

  g_free (sy_test_gateway_add_account (f->t, "mock", "sk-mock", 1, NULL));
  api_status (f, "POST", "/api/provider-models", "{\"provider\":\"mock\",\"modelId\":\"m1\"}",
              201);
  api_status (f, "POST", "/api/provider-models", "{\"provider\":\"mock\",\"modelId\":\"extra\"}",
              201);
  ids = v1_model_ids (f);
  g_assert_true (has (ids, "mock/extra"));
  g_assert_true (has (ids, "mock/m2"));
  for (guint i = 0; i < ids->len; i++)
    m1 += g_str_equal (g_ptr_array_index (ids, i), "mock/m1");
  g_assert_cmpuint (m1, ==, 1);
  g_assert_cmpstr (upstream (f, 0)->path, ==, "/v1/models");
}

/* --- bare model names ------------------------------------------------------------------------ */

static void
assert_routed (Fixture    *f,
               const char *model,
               const char *provider,
               const char *upstream_id)
{
  g_autoptr(SyTestResponse) r = chat (f, model);
  guint n = upstream_count (f);
  g_autofree char *sent = NULL;

  if (r->status != 200)
    {
      g_autofree char *body = sy_test_response_dup_body (r);

      g_error ("%s: %u %s", model, r->status, body);
    }
  g_assert_cmpstr (header (r, "X-Switchyard-Provider"), ==, provider);
  sent = upstream_model (upstream (f, n - 1));
  g_assert_cmpstr (sent, ==, upstream_id);
}

static void
test_bare_unique (Fixture       *f,
                  gconstpointer  data)
{
  g_free (add_catalog_account (f, "deepseek", "sk-ds"));
  g_free (add_catalog_account (f, "groq", "sk-groq"));

  assert_routed (f, "deepseek-chat", "deepseek", "deepseek-chat");
  assert_routed (f, "llama-3.3-70b-versatile", "groq", "llama-3.3-70b-versatile");
  /* A model id with a slash that is not a provider prefix... */
  assert_routed (f, "qwen/qwen3-32b", "groq", "qwen/qwen3-32b");
  /* ...and one whose first part is a provider without an account. */
  assert_routed (f, "openai/gpt-oss-120b", "groq", "openai/gpt-oss-120b");
  /* Prefixed ids are untouched. */
  assert_routed (f, "ds/deepseek-reasoner", "deepseek", "deepseek-reasoner");

  /* Nobody lists it, two providers connected: still the old refusal. */
  {
    g_autoptr(SyTestResponse) r = chat (f, "unknown-model");

    g_assert_cmpuint (r->status, ==, 400);
    g_assert_nonnull (strstr (sy_test_response_get_string (r, "error.message"), "deepseek/"));
  }
}

/* Two connected providers list the name: the earlier in catalog order wins, until it goes. */
static void
test_bare_ambiguous (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *ds = add_catalog_account (f, "deepseek", "sk-ds");
  g_autofree char *patch = g_strconcat ("/api/providers/", ds, NULL);

  g_free (add_catalog_account (f, "groq", "sk-groq"));
  api_status (f, "POST", "/api/provider-models",
              "{\"provider\":\"groq\",\"modelId\":\"deepseek-chat\"}", 201);
  api_status (f, "POST", "/api/provider-models", "{\"provider\":\"groq\",\"modelId\":\"shared\"}",
              201);
  api_status (f, "POST", "/api/provider-models", "{\"provider\":\"ds\",\"modelId\":\"shared\"}",
              201);

  assert_routed (f, "deepseek-chat", "deepseek", "deepseek-chat");
  assert_routed (f, "shared", "deepseek", "shared");

  /* The index follows the accounts: with DeepSeek off, Groq's lists answer. */
  api_status (f, "PATCH", patch, "{\"enabled\":false}", 200);
  assert_routed (f, "deepseek-chat", "groq", "deepseek-chat");
  assert_routed (f, "shared", "groq", "shared");
  /* And the custom models: removing Groq's copy leaves nobody (one provider: the old rule). */
  api_status (f, "DELETE", "/api/provider-models?provider=groq&model=shared", NULL, 204);
  assert_routed (f, "shared", "groq", "shared");
}

/* A custom model of a node routes by its bare name beside a built-in provider. */
static void
test_bare_custom (Fixture       *f,
                  gconstpointer  data)
{
  g_free (add_catalog_account (f, "deepseek", "sk-ds"));
  g_free (sy_test_gateway_add_account (f->t, "mock", "sk-mock", 1, NULL));
  api_status (f, "POST", "/api/provider-models",
              "{\"provider\":\"mock\",\"modelId\":\"local-special\"}", 201);

  assert_routed (f, "local-special", "mock", "local-special");
  assert_routed (f, "deepseek-chat", "deepseek", "deepseek-chat");
  g_assert_cmpstr (soup_message_headers_get_one (upstream (f, 0)->headers, "Authorization"), ==,
                   "Bearer sk-mock");
}

/* --- forced provider routes with built-in providers ---------------------------------------- */

static SyTestResponse *
post (Fixture    *f,
      const char *path,
      const char *json)
{
  return sy_test_gateway_request (f->t, "POST", path, "application/json", json, -1, NULL);
}

static void
test_forced_catalog_provider (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(SyTestResponse) bare = NULL;
  g_autoptr(SyTestResponse) by_id = NULL;
  g_autoptr(SyTestResponse) other = NULL;
  g_autoptr(SyTestResponse) embed = NULL;
  g_autoptr(SyTestResponse) embed_other = NULL;
  g_autoptr(SyTestResponse) image = NULL;
  g_autofree char *sent = NULL;

  g_free (add_catalog_account (f, "deepseek", "sk-ds"));
  g_free (add_catalog_account (f, "openai", "sk-oa"));
  g_free (add_catalog_account (f, "fireworks", "sk-fw"));

  /* The provider by alias, the model without prefix: the prefix is implied. */
  bare = post (f, "/v1/providers/ds/chat/completions",
               "{\"model\":\"deepseek-chat\",\"messages\":[]}");
  g_assert_cmpuint (bare->status, ==, 200);
  g_assert_cmpstr (header (bare, "X-Switchyard-Provider"), ==, "deepseek");
  sent = upstream_model (upstream (f, 0));
  g_assert_cmpstr (sent, ==, "deepseek-chat");
  g_assert_cmpstr (soup_message_headers_get_one (upstream (f, 0)->headers, "Authorization"), ==,
                   "Bearer sk-ds");

  /* The provider by id, the model with its alias prefix. */
  by_id = post (f, "/v1/providers/deepseek/chat/completions",
                "{\"model\":\"ds/deepseek-reasoner\",\"messages\":[]}");
  g_assert_cmpuint (by_id->status, ==, 200);
  g_assert_cmpstr (header (by_id, "X-Switchyard-Model"), ==, "deepseek-reasoner");

  other = post (f, "/v1/providers/ds/chat/completions",
                "{\"model\":\"openai/gpt-5\",\"messages\":[]}");
  g_assert_cmpuint (other->status, ==, 400);
  g_assert_cmpstr (sy_test_response_get_string (other, "error.code"), ==, "invalid_model");
  g_assert_cmpuint (upstream_count (f), ==, 2);

  embed = post (f, "/v1/providers/openai/embeddings",
                "{\"model\":\"text-embedding-3-small\",\"input\":\"hi\"}");
  g_assert_cmpuint (embed->status, ==, 200);
  g_assert_cmpstr (upstream (f, 2)->path, ==, "/v1/embeddings");
  g_assert_cmpstr (soup_message_headers_get_one (upstream (f, 2)->headers, "Authorization"), ==,
                   "Bearer sk-oa");
  embed_other = post (f, "/v1/providers/openai/embeddings",
                      "{\"model\":\"ds/text-embedding-3-small\",\"input\":\"hi\"}");
  g_assert_cmpuint (embed_other->status, ==, 400);

  /* Fireworks' own ids have slashes that are not prefixes. */
  image = post (f, "/v1/providers/fireworks/images/generations",
                "{\"model\":\"accounts/fireworks/models/flux-1-schnell-fp8\",\"prompt\":\"a cat\"}");
  g_assert_cmpuint (image->status, ==, 200);
  g_assert_cmpstr (upstream (f, 3)->path, ==, "/v1/images/generations");
  g_clear_pointer (&sent, g_free);
  sent = upstream_model (upstream (f, 3));
  g_assert_cmpstr (sent, ==, "accounts/fireworks/models/flux-1-schnell-fp8");
  g_assert_cmpuint (upstream_count (f), ==, 4);
}

int
main (int   argc,
      char *argv[])
{
  const SyProviderInfo *all;
  guint n;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sy/gateway/catalog/" path, Fixture, NULL, sy_test_gateway_fixture_setup, func, \
              sy_test_gateway_fixture_teardown)

  all = sy_provider_catalog_get_all (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = NULL;

      /* OAuth entries have no key to route with; speech-only ones are test-audio's. */
      if (all[i].auth_kind != SY_AUTH_KIND_APIKEY || first_chat_model (&all[i]) == NULL)
        continue;
      path = g_strdup_printf ("/sy/gateway/catalog/route/%s", all[i].id);
      g_test_add (path, Fixture, &all[i], sy_test_gateway_fixture_setup, test_route_entry,
                  sy_test_gateway_fixture_teardown);
    }
  ADD ("route-anthropic-client", test_route_anthropic_client);
  ADD ("oauth-refuses-api-key", test_oauth_refuses_api_key);
  ADD ("custom-models", test_custom_models_crud);
  ADD ("models-catalog", test_models_catalog);
  ADD ("v1-models", test_v1_models);
  ADD ("v1-models-node", test_v1_models_node);
  ADD ("bare-unique", test_bare_unique);
  ADD ("bare-ambiguous", test_bare_ambiguous);
  ADD ("bare-custom", test_bare_custom);
  ADD ("forced-catalog-provider", test_forced_catalog_provider);
  return g_test_run ();
}

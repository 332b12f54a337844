/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The management API and the /v1 front door through the real server: a client session, the
 * gateway on port 0 and a mock upstream, all in this process. Asserts status, error shape and
 * code for every refusal, and what reached the database and the secret store (secrets only in
 * the latter, never echoed back).
 */
#define G_LOG_DOMAIN "sy-test"

#include <sqlite3.h>
#include <string.h>

#include "core/sy-memmem.h"
#include "store/sy-database.h"
#include "sy-test-gateway.h"

typedef struct
{
  SyTestGateway *t;
  guint          port;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->t = sy_test_gateway_new ();
  f->port = sy_gateway_get_port (f->t->gateway);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  sy_test_gateway_free (f->t);
}

/* --- requests ------------------------------------------------------------------------------ */

typedef struct
{
  const char         *method;
  const char         *path;
  const char         *content_type;
  const char         *body;       /* NULL: none */
  gssize              body_len;   /* -1: strlen */
  gboolean            chunked;    /* send the body with Transfer-Encoding: chunked */
  const char * const *headers;    /* name, value, ..., NULL; NULL: none */
} Request;

/* Like sy_test_gateway_request(), with headers from an array and optionally a chunked body. */
static SyTestResponse *
send_request (Fixture       *f,
              const Request *req)
{
  g_autofree char *url = g_strconcat (f->t->base_url, req->path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (req->method, url);
  g_autoptr(JsonParser) parser = json_parser_new ();
  SyTestResponse *r = g_new0 (SyTestResponse, 1);
  GBytes *body = NULL;
  const char *data;
  gsize len;

  g_assert_nonnull (msg);
  if (req->body != NULL)
    {
      gsize n = req->body_len < 0 ? strlen (req->body) : (gsize) req->body_len;

      if (req->chunked)
        {
          g_autoptr(GInputStream) stream =
            g_memory_input_stream_new_from_data (g_memdup2 (req->body, n), n, g_free);

          soup_message_set_request_body (msg, req->content_type, stream, -1);
        }
      else
        {
          g_autoptr(GBytes) bytes = g_bytes_new (req->body, n);

          soup_message_set_request_body_from_bytes (msg, req->content_type, bytes);
        }
    }
  for (guint i = 0; req->headers != NULL && req->headers[i] != NULL; i += 2)
    soup_message_headers_replace (soup_message_get_request_headers (msg), req->headers[i],
                                  req->headers[i + 1]);

  body = sy_test_send_and_read (f->t->client, msg);

  if (req->chunked)
    g_assert_cmpint (soup_message_headers_get_encoding (soup_message_get_request_headers (msg)),
                     ==, SOUP_ENCODING_CHUNKED);

  r->status = soup_message_get_status (msg);
  r->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  r->body = body;
  data = g_bytes_get_data (body, &len);
  if (len > 0 && json_parser_load_from_data (parser, data, (gssize) len, NULL))
    r->json = json_node_copy (json_parser_get_root (parser));
  return r;
}

static const char *chat_body =
  "{\"model\":\"mock/m1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

/* --- response checks ----------------------------------------------------------------------- */

static gboolean
body_contains (SyTestResponse *r,
               const char     *needle)
{
  gsize len;
  const char *data = g_bytes_get_data (r->body, &len);

  return len > 0 && sy_memmem (data, len, needle, strlen (needle)) != NULL;
}

/* {"error": {"message": "...", "type": "...", "code": ...}} with the given status, as JSON. */
static void
assert_openai_error (SyTestResponse *r,
                     guint           status,
                     const char     *code)
{
  JsonObject *error;
  JsonNode *code_node;

  g_assert_cmpuint (r->status, ==, status);
  g_assert_cmpstr (soup_message_headers_get_content_type (r->headers, NULL), ==,
                   "application/json");
  g_assert_true (json_object_has_member (sy_test_response_get_object (r), "error"));
  error = json_object_get_object_member (sy_test_response_get_object (r), "error");
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member_with_default (error, "message", ""), !=, "");
  g_assert_cmpstr (json_object_get_string_member_with_default (error, "type", ""), !=, "");
  code_node = json_object_get_member (error, "code");
  g_assert_nonnull (code_node);
  if (code != NULL)
    g_assert_cmpstr (sy_test_response_get_string (r, "error.code"), ==, code);
}

/* Compares "label -> STATUS CODE" so that a failure inside a loop names its case. */
static void
assert_labelled (const char     *label,
                 SyTestResponse *r,
                 guint           status,
                 const char     *code)
{
  const char *got_code = sy_test_response_get_string (r, "error.code");
  g_autofree char *got = g_strdup_printf ("%s -> %u %s", label, r->status,
                                          got_code ? got_code : "-");
  g_autofree char *want = g_strdup_printf ("%s -> %u %s", label, status, code ? code : "-");

  g_assert_cmpstr (got, ==, want);
}

/* A 400 naming the field first: "field: ...". */
static void
assert_field_error (SyTestResponse *r,
                    const char     *field)
{
  g_autofree char *prefix = g_strconcat (field, ":", NULL);
  const char *message;

  assert_openai_error (r, 400, NULL);
  message = sy_test_response_get_string (r, "error.message");
  if (!g_str_has_prefix (message, prefix))
    g_error ("expected a message starting with \"%s\", got \"%s\"", prefix, message);
}

static gboolean
get_bool (SyTestResponse *r,
          const char     *member)
{
  JsonObject *obj = sy_test_response_get_object (r);
  JsonNode *node = json_object_get_member (obj, member);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_BOOLEAN);
  return json_node_get_boolean (node);
}

static gboolean
array_has_id (JsonArray  *array,
              const char *id)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_object_get_string_member_with_default (
                     json_array_get_object_element (array, i), "id", NULL), id) == 0)
      return TRUE;
  return FALSE;
}

/* --- database and secret store ------------------------------------------------------------- */

static char *
db_path (Fixture *f)
{
  return g_build_filename (f->t->data_dir, "switchyard.db", NULL);
}

static sqlite3 *
db_open (Fixture *f)
{
  g_autofree char *path = db_path (f);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  return db;
}

static gint64
db_count (Fixture    *f,
          const char *sql,
          const char *param)
{
  g_autofree char *text = sy_test_gateway_query_db_text (f->t, sql, param);

  g_assert_nonnull (text);
  return g_ascii_strtoll (text, NULL, 10);
}

/* Asserts that no column of any row of table holds needle (as text or blob). */
static void
assert_table_lacks (Fixture    *f,
                    const char *table,
                    const char *needle)
{
  g_autofree char *sql = g_strdup_printf ("SELECT * FROM %s", table);
  sqlite3 *db = db_open (f);
  sqlite3_stmt *stmt = NULL;
  guint rows = 0;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      rows++;
      for (int col = 0; col < sqlite3_column_count (stmt); col++)
        {
          const void *data = sqlite3_column_blob (stmt, col);
          int len = sqlite3_column_bytes (stmt, col);

          if (data != NULL && sy_memmem (data, len, needle, strlen (needle)) != NULL)
            g_error ("%s.%s holds the secret", table, sqlite3_column_name (stmt, col));
        }
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpuint (rows, >, 0);
}

/* Asserts that no file in the data dir (database, WAL, token...) holds needle. */
static void
assert_data_dir_lacks (Fixture    *f,
                       const char *needle)
{
  g_autoptr(GDir) dir = g_dir_open (f->t->data_dir, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->t->data_dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len;

      if (!g_file_get_contents (path, &contents, &len, NULL))
        continue;
      if (sy_memmem (contents, len, needle, strlen (needle)) != NULL)
        g_error ("%s holds the secret", path);
    }
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  char **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = sy_secret_store_lookup_finish (SY_SECRET_STORE (source), result, &error);
  g_assert_no_error (error);
  if (*out == NULL)
    *out = g_strdup ("");
}

/* What the gateway's secret store holds for a connection; "" for nothing. */
static char *
secret_store_lookup (Fixture    *f,
                     const char *connection_id)
{
  SySecretStore *store = sy_credentials_get_store (sy_gateway_get_credentials (f->t->gateway));
  g_autofree char *id = g_strconcat ("connection/", connection_id, NULL);
  char *secret = NULL;

  g_assert_cmpstr (sy_secret_store_get_backend_name (store), ==, "memory");
  sy_secret_store_lookup_async (store, id, NULL, lookup_cb, &secret);
  while (secret == NULL)
    g_main_context_iteration (NULL, TRUE);
  return secret;
}

static char *
create_node (Fixture    *f,
             const char *prefix)
{
  g_autofree char *json = g_strdup_printf ("{\"prefix\":\"%s\",\"apiType\":\"openai\","
                                           "\"baseUrl\":\"%s\"}", prefix,
                                           sy_mock_upstream_get_base_url (f->t->mock));
  g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "POST", "/api/provider-nodes", json);

  g_assert_cmpuint (r->status, ==, 201);
  return g_strdup (sy_test_response_get_string (r, "id"));
}

static void
set_settings (Fixture    *f,
              const char *json)
{
  g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "PUT", "/api/settings", json);

  g_assert_cmpuint (r->status, ==, 200);
}

/* value with "%u" replaced by the port */
static char *
expand_port (const char *value,
             guint       port)
{
  GString *s = g_string_new (value);
  g_autofree char *text = g_strdup_printf ("%u", port);

  g_string_replace (s, "%u", text, 0);
  return g_string_free (s, FALSE);
}

/* === the /api guard ======================================================================== */

typedef struct
{
  const char *method;
  const char *path;
  const char *body;
} Route;

/* Every /api route, including unknown ones (refused before routing). */
static const Route api_routes[] = {
  { "GET", "/api/health", NULL },
  { "GET", "/api/provider-nodes", NULL },
  { "POST",
    "/api/provider-nodes",
    "{\"prefix\":\"x\",\"apiType\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\"}" },
  { "GET", "/api/provider-nodes/some-id", NULL },
  { "PATCH", "/api/provider-nodes/some-id", "{\"name\":\"x\"}" },
  { "DELETE", "/api/provider-nodes/some-id", NULL },
  { "GET", "/api/providers", NULL },
  { "POST", "/api/providers", "{\"provider\":\"openai\",\"apiKey\":\"sk-x\"}" },
  { "GET", "/api/providers/some-id", NULL },
  { "PATCH", "/api/providers/some-id", "{\"name\":\"x\"}" },
  { "DELETE", "/api/providers/some-id", NULL },
  { "GET", "/api/keys", NULL },
  { "POST", "/api/keys", "{\"name\":\"x\"}" },
  { "DELETE", "/api/keys/some-id", NULL },
  { "GET", "/api/settings", NULL },
  { "PUT", "/api/settings", "{\"requireApiKey\":true}" },
  { "GET", "/api/no-such-resource", NULL },
  { "GET", "/api/", NULL },
};

static void
check_route_refused (Fixture            *f,
                     const Route        *route,
                     const char * const *headers,
                     guint               status,
                     const char         *code)
{
  Request req = { route->method, route->path, "application/json", route->body, -1, FALSE,
                  headers };
  g_autoptr(SyTestResponse) r = send_request (f, &req);
  GString *label = g_string_new (NULL);

  for (guint i = 0; headers != NULL && headers[i] != NULL; i += 2)
    if (g_ascii_strcasecmp (headers[i], "Authorization") != 0)
      g_string_append_printf (label, "%s: %s; ", headers[i], headers[i + 1]);
  g_string_append_printf (label, "%s %s", route->method, route->path);
  assert_labelled (label->str, r, status, code);
  assert_openai_error (r, status, code);
  g_string_free (label, TRUE);
}

static void
assert_nothing_changed (Fixture *f)
{
  g_autoptr(SyTestResponse) nodes = sy_test_gateway_api (f->t, "GET", "/api/provider-nodes", NULL);
  g_autoptr(SyTestResponse) keys = sy_test_gateway_api (f->t, "GET", "/api/keys", NULL);
  g_autoptr(SyTestResponse) settings = sy_test_gateway_api (f->t, "GET", "/api/settings", NULL);

  g_assert_cmpuint (json_array_get_length (sy_test_response_get_array (nodes)), ==, 0);
  g_assert_cmpuint (json_array_get_length (sy_test_response_get_array (keys)), ==, 0);
  g_assert_false (get_bool (settings, "requireApiKey"));
}

typedef struct
{
  const char *name;
  const char *header;  /* Authorization value; NULL: no header */
} TokenCase;

static void
test_api_refuses_bad_token (Fixture       *f,
                            gconstpointer  data)
{
  static const TokenCase cases[] = {
    { "missing", NULL },
    { "wrong", "Bearer wrong-token-0123456789" },
    { "empty bearer", "Bearer " },
    { "token with a suffix", "Bearer " SY_TEST_ADMIN_TOKEN "x" },
    { "truncated token", "Bearer test-admin-token-012345678" },
    { "other scheme", "Basic " SY_TEST_ADMIN_TOKEN },
    { "no scheme", SY_TEST_ADMIN_TOKEN },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    for (guint i = 0; i < G_N_ELEMENTS (api_routes); i++)
      {
        const char *headers[] = { "Authorization", cases[c].header, NULL };
        Request req = { api_routes[i].method, api_routes[i].path, "application/json",
                        api_routes[i].body, -1, FALSE, cases[c].header ? headers : NULL };
        g_autoptr(SyTestResponse) r = send_request (f, &req);
        g_autofree char *label = g_strdup_printf ("%s token: %s %s", cases[c].name, req.method,
                                                  req.path);

        assert_labelled (label, r, 401, "invalid_admin_token");
        assert_openai_error (r, 401, "invalid_admin_token");
        g_assert_cmpstr (soup_message_headers_get_one (r->headers, "WWW-Authenticate"), ==,
                         "Bearer");
      }
  assert_nothing_changed (f);
}

typedef struct
{
  const char *header;
  const char *value;   /* "%u" is replaced by the gateway's port */
  const char *code;
} GuardCase;

static const GuardCase foreign_cases[] = {
  { "Host", "evil.example:20128", "host_not_allowed" },
  { "Host", "evil.example", "host_not_allowed" },
  { "Host", "localhost.evil.example:%u", "host_not_allowed" },
  { "Host", "127.0.0.1.nip.io:%u", "host_not_allowed" },
  { "Origin", "https://evil.example", "cross_origin" },
  { "Origin", "http://localhost.evil.example:%u", "cross_origin" },
  { "Origin", "null", "cross_origin" },
  { "Sec-Fetch-Site", "cross-site", "cross_origin" },
};

/* A foreign Host, a cross-origin Origin or a cross-site fetch: 403 even with the right token. */
static void
test_api_refuses_foreign_callers (Fixture       *f,
                                  gconstpointer  data)
{
  for (guint c = 0; c < G_N_ELEMENTS (foreign_cases); c++)
    {
      g_autofree char *value = expand_port (foreign_cases[c].value, f->port);
      const char *headers[] = { "Authorization", "Bearer " SY_TEST_ADMIN_TOKEN,
                                foreign_cases[c].header, value, NULL };
      const char *no_token[] = { foreign_cases[c].header, value, NULL };

      for (guint i = 0; i < G_N_ELEMENTS (api_routes); i++)
        {
          check_route_refused (f, &api_routes[i], headers, 403, foreign_cases[c].code);
          check_route_refused (f, &api_routes[i], no_token, 403, foreign_cases[c].code);
        }
    }
  assert_nothing_changed (f);
}

/* Loopback names and addresses, with or without a port, are the admin's own browser or tools. */
static void
test_api_accepts_local_callers (Fixture       *f,
                                gconstpointer  data)
{
  static const char * const allowed[][2] = {
    { "Host", "localhost:%u" },
    { "Host", "127.0.0.1:%u" },
    { "Host", "localhost" },
    { "Host", "LOCALHOST:%u" },
    { "Host", "[::1]:%u" },
    { "Origin", "http://localhost:%u" },
    { "Origin", "http://127.0.0.1:%u" },
    { "Sec-Fetch-Site", "same-origin" },
    { "Sec-Fetch-Site", "none" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    {
      g_autofree char *value = expand_port (allowed[i][1], f->port);
      const char *headers[] = { "Authorization", "Bearer " SY_TEST_ADMIN_TOKEN,
                                allowed[i][0], value, NULL };
      Request req = { "GET", "/api/health", NULL, NULL, -1, FALSE, headers };
      g_autoptr(SyTestResponse) r = send_request (f, &req);
      g_autofree char *label = g_strdup_printf ("%s: %s", allowed[i][0], value);

      assert_labelled (label, r, 200, NULL);
      g_assert_cmpstr (sy_test_response_get_string (r, "status"), ==, "ok");
    }

  /* The auth scheme is case-insensitive (RFC 9110 11.1). */
  {
    const char *headers[] = { "Authorization", "bearer " SY_TEST_ADMIN_TOKEN, NULL };
    Request req = { "GET", "/api/health", NULL, NULL, -1, FALSE, headers };
    g_autoptr(SyTestResponse) r = send_request (f, &req);

    g_assert_cmpuint (r->status, ==, 200);
  }
}

/* Errors are not cacheable and carry no server banner. */
static void
test_api_response_headers (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(SyTestResponse) ok = sy_test_gateway_api (f->t, "GET", "/api/health", NULL);
  g_autoptr(SyTestResponse) refused = sy_test_gateway_request (f->t, "GET", "/api/health", NULL,
                                                               NULL, -1, NULL);

  g_assert_cmpstr (soup_message_headers_get_one (ok->headers, "Cache-Control"), ==, "no-store");
  g_assert_cmpstr (soup_message_headers_get_one (refused->headers, "Cache-Control"), ==,
                   "no-store");
  g_assert_null (soup_message_headers_get_one (ok->headers, "Server"));
}

/* The bare "/api" has no resource: 404 after the guard (and no read past the path). */
static void
test_api_bare_prefix (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(SyTestResponse) unauthorized = sy_test_gateway_request (f->t, "GET", "/api", NULL,
                                                                    NULL, -1, NULL);
  g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "GET", "/api", NULL);
  g_autoptr(SyTestResponse) deep = sy_test_gateway_api (f->t, "GET", "/api/provider-nodes/a/b",
                                                        NULL);

  assert_openai_error (unauthorized, 401, "invalid_admin_token");
  assert_openai_error (r, 404, "not_found");
  assert_openai_error (deep, 404, "not_found");
}

/* === the /v1 guard ========================================================================= */

static const Route v1_routes[] = {
  { "POST", "/v1/chat/completions", "{\"model\":\"mock/m1\",\"messages\":[]}" },
  { "POST", "/chat/completions", "{\"model\":\"mock/m1\",\"messages\":[]}" },
  { "POST", "/v1/providers/mock/chat/completions", "{\"model\":\"m1\",\"messages\":[]}" },
  { "GET", "/v1/models", NULL },
  { "GET", "/models", NULL },
  { "GET", "/v1/no-such-endpoint", NULL },
};

/* Without requireApiKey, /v1 is open to this machine only: a web page the user visits must not
 * reach it through DNS rebinding or a cross-origin fetch. */
static void
test_v1_refuses_foreign_callers_without_keys (Fixture       *f,
                                              gconstpointer  data)
{
  g_autofree char *account = sy_test_gateway_add_account (f->t, "mock", "sk-up", 1, NULL);

  for (guint c = 0; c < G_N_ELEMENTS (foreign_cases); c++)
    {
      g_autofree char *value = expand_port (foreign_cases[c].value, f->port);
      const char *headers[] = { foreign_cases[c].header, value, NULL };

      for (guint i = 0; i < G_N_ELEMENTS (v1_routes); i++)
        check_route_refused (f, &v1_routes[i], headers, 403, foreign_cases[c].code);
    }
  /* nothing reached the upstream */
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 0);

  /* while the same requests from this machine go through */
  {
    g_autofree char *host = g_strdup_printf ("localhost:%u", f->port);
    const char *headers[] = { "Host", host, "Origin", "http://127.0.0.1", NULL };
    Request req = { "POST", "/v1/chat/completions", "application/json", chat_body, -1, FALSE,
                    headers };
    g_autoptr(SyTestResponse) r = send_request (f, &req);

    g_assert_cmpuint (r->status, ==, 200);
  }
}

/* With requireApiKey the key is the guard: remote clients (other Host names, browsers with
 * their own Origin) are expected and are not refused for it. */
static void
test_v1_with_keys_does_not_check_host (Fixture       *f,
                                       gconstpointer  data)
{
  g_autofree char *account = sy_test_gateway_add_account (f->t, "mock", "sk-up", 1, NULL);
  g_autoptr(SyTestResponse) created = sy_test_gateway_api (f->t, "POST", "/api/keys",
                                                           "{\"name\":\"remote\"}");
  g_autofree char *bearer = NULL;

  g_assert_cmpuint (created->status, ==, 201);
  bearer = g_strconcat ("Bearer ", sy_test_response_get_string (created, "key"), NULL);
  set_settings (f, "{\"requireApiKey\": true}");

  for (guint c = 0; c < G_N_ELEMENTS (foreign_cases); c++)
    {
      g_autofree char *value = expand_port (foreign_cases[c].value, f->port);
      const char *no_key[] = { foreign_cases[c].header, value, NULL };
      const char *with_key[] = { foreign_cases[c].header, value, "Authorization", bearer, NULL };
      Request anonymous = { "POST", "/v1/chat/completions", "application/json", chat_body, -1,
                            FALSE, no_key };
      Request keyed = { "POST", "/v1/chat/completions", "application/json", chat_body, -1,
                        FALSE, with_key };
      g_autoptr(SyTestResponse) r1 = send_request (f, &anonymous);
      g_autoptr(SyTestResponse) r2 = send_request (f, &keyed);
      g_autofree char *label = g_strdup_printf ("%s: %s", foreign_cases[c].header, value);

      assert_labelled (label, r1, 401, "invalid_api_key");
      assert_openai_error (r1, 401, "invalid_api_key");
      assert_labelled (label, r2, 200, NULL);
    }

  /* what the client sent as Host and Origin stays between it and the gateway */
  for (guint i = 0; i < sy_mock_upstream_get_requests (f->t->mock)->len; i++)
    {
      SyMockRequest *up = g_ptr_array_index (sy_mock_upstream_get_requests (f->t->mock), i);
      const char *host = soup_message_headers_get_one (up->headers, "Host");

      g_assert_true (g_str_has_prefix (host, "127.0.0.1:"));
      g_assert_null (soup_message_headers_get_one (up->headers, "Origin"));
    }
}

/* === provider nodes ======================================================================== */

static void
test_nodes_crud (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SyTestResponse) created = NULL;
  g_autoptr(SyTestResponse) list = NULL;
  g_autoptr(SyTestResponse) got = NULL;
  g_autoptr(SyTestResponse) patched = NULL;
  g_autoptr(SyTestResponse) got_again = NULL;
  g_autoptr(SyTestResponse) deleted = NULL;
  g_autoptr(SyTestResponse) gone = NULL;
  g_autoptr(SyTestResponse) delete_again = NULL;
  g_autoptr(SyTestResponse) patch_gone = NULL;
  g_autofree char *id = NULL;

  created = sy_test_gateway_api (f->t, "POST", "/api/provider-nodes",
                                 "{\"prefix\":\"local-llm\",\"name\":\"Local LLM\","
                                 "\"apiType\":\"openai\","
                                 "\"baseUrl\":\"http://127.0.0.1:9000/v1/\"}");
  g_assert_cmpuint (created->status, ==, 201);
  id = g_strdup (sy_test_response_get_string (created, "id"));
  g_assert_nonnull (id);
  g_assert_cmpuint (strlen (id), >=, 16);
  g_assert_cmpstr (sy_test_response_get_string (created, "prefix"), ==, "local-llm");
  g_assert_cmpstr (sy_test_response_get_string (created, "name"), ==, "Local LLM");
  g_assert_cmpstr (sy_test_response_get_string (created, "apiType"), ==, "openai");
  /* stored without the trailing slash: endpoint paths are appended */
  g_assert_cmpstr (sy_test_response_get_string (created, "baseUrl"), ==,
                   "http://127.0.0.1:9000/v1");
  g_assert_cmpint (sy_test_response_get_int_member (created, "createdAt"), >, 0);

  list = sy_test_gateway_api (f->t, "GET", "/api/provider-nodes", NULL);
  g_assert_cmpuint (list->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (sy_test_response_get_array (list)), ==, 1);
  g_assert_true (array_has_id (sy_test_response_get_array (list), id));

  got = sy_test_gateway_api_printf (f->t, "GET", NULL, "/api/provider-nodes/%s", id);
  g_assert_cmpuint (got->status, ==, 200);
  g_assert_cmpstr (sy_test_response_get_string (got, "prefix"), ==, "local-llm");

  patched = sy_test_gateway_api_printf (f->t, "PATCH",
                                        "{\"name\":\"Renamed\",\"apiType\":\"anthropic\"}",
                                        "/api/provider-nodes/%s", id);
  g_assert_cmpuint (patched->status, ==, 200);
  g_assert_cmpstr (sy_test_response_get_string (patched, "id"), ==, id);
  g_assert_cmpstr (sy_test_response_get_string (patched, "name"), ==, "Renamed");
  g_assert_cmpstr (sy_test_response_get_string (patched, "apiType"), ==, "anthropic");
  g_assert_cmpstr (sy_test_response_get_string (patched, "prefix"), ==, "local-llm");
  g_assert_cmpstr (sy_test_response_get_string (patched, "baseUrl"), ==,
                   "http://127.0.0.1:9000/v1");
  g_assert_cmpint (sy_test_response_get_int_member (patched, "createdAt"), ==,
                   sy_test_response_get_int_member (created, "createdAt"));

  got_again = sy_test_gateway_api_printf (f->t, "GET", NULL, "/api/provider-nodes/%s", id);
  g_assert_cmpstr (sy_test_response_get_string (got_again, "name"), ==, "Renamed");
  g_assert_cmpint (db_count (f, "SELECT COUNT(*) FROM provider_nodes WHERE name = 'Renamed' "
                                "AND api_type = 'anthropic' AND id = ?", id), ==, 1);

  deleted = sy_test_gateway_api_printf (f->t, "DELETE", NULL, "/api/provider-nodes/%s", id);
  g_assert_cmpuint (deleted->status, ==, 204);
  g_assert_cmpuint (g_bytes_get_size (deleted->body), ==, 0);
  gone = sy_test_gateway_api_printf (f->t, "GET", NULL, "/api/provider-nodes/%s", id);
  assert_openai_error (gone, 404, "not_found");
  delete_again = sy_test_gateway_api_printf (f->t, "DELETE", NULL, "/api/provider-nodes/%s", id);
  assert_openai_error (delete_again, 404, "not_found");
  patch_gone = sy_test_gateway_api_printf (f->t, "PATCH", "{\"name\":\"x\"}",
                                           "/api/provider-nodes/%s", id);
  assert_openai_error (patch_gone, 404, "not_found");
  g_assert_cmpint (db_count (f, "SELECT COUNT(*) FROM provider_nodes", NULL), ==, 0);
}

/* A renamed prefix routes under the new name at once; the old name is free again. */
static void
test_nodes_rename_prefix (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *account = sy_test_gateway_add_account (f->t, "mock", "sk-up", 1, NULL);
  g_autofree char *node_id = NULL;
  g_autoptr(SyTestResponse) list = sy_test_gateway_api (f->t, "GET", "/api/provider-nodes", NULL);
  g_autoptr(SyTestResponse) renamed = NULL;
  g_autoptr(SyTestResponse) new_name = NULL;
  g_autoptr(SyTestResponse) reused = NULL;
  g_autoptr(SyTestResponse) account_view = NULL;

  node_id = g_strdup (json_object_get_string_member (
    json_array_get_object_element (sy_test_response_get_array (list), 0), "id"));
  renamed = sy_test_gateway_api_printf (f->t, "PATCH", "{\"prefix\":\"renamed\"}",
                                        "/api/provider-nodes/%s", node_id);
  g_assert_cmpuint (renamed->status, ==, 200);

  new_name = sy_test_gateway_chat (f->t, "{\"model\":\"renamed/m1\",\"messages\":[]}");
  g_assert_cmpuint (new_name->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (new_name->headers, "X-Switchyard-Provider"), ==,
                   "renamed");
  account_view = sy_test_gateway_api_printf (f->t, "GET", NULL, "/api/providers/%s", account);
  g_assert_cmpstr (sy_test_response_get_string (account_view, "provider"), ==, "renamed");

  reused = sy_test_gateway_api (f->t, "POST", "/api/provider-nodes",
                                "{\"prefix\":\"mock\",\"apiType\":\"openai\","
                                "\"baseUrl\":\"http://127.0.0.1:9/v1\"}");
  g_assert_cmpuint (reused->status, ==, 201);
}

typedef struct
{
  const char *name;
  const char *body;
  const char *field;   /* the message starts with "field:" */
} FieldCase;

static const FieldCase node_cases[] = {
  { "missing-prefix", "{\"apiType\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\"}", "prefix" },
  { "empty-prefix",
    "{\"prefix\":\"\",\"apiType\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\"}", "prefix" },
  { "blank-prefix",
    "{\"prefix\":\"   \",\"apiType\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\"}", "prefix" },
  { "prefix-with-space",
    "{\"prefix\":\"Bad Prefix\",\"apiType\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\"}",
    "prefix" },
  { "prefix-upper-case",
    "{\"prefix\":\"Mock\",\"apiType\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\"}",
    "prefix" },
  { "prefix-with-slash",
    "{\"prefix\":\"a/b\",\"apiType\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\"}", "prefix" },
  { "prefix-leading-dash",
    "{\"prefix\":\"-a\",\"apiType\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\"}", "prefix" },
  { "prefix-too-long",
    "{\"prefix\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"apiType\":\"openai\",\"baseUrl\":\"http:"
    "//127.0.0.1:9/v1\"}", "prefix" },
  { "prefix-built-in",
    "{\"prefix\":\"openai\",\"apiType\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\"}",
    "prefix" },
  { "prefix-built-in-alias",
    "{\"prefix\":\"ds\",\"apiType\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\"}", "prefix" },
  { "prefix-number",
    "{\"prefix\":5,\"apiType\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\"}", "prefix" },
  { "prefix-null",
    "{\"prefix\":null,\"apiType\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\"}", "prefix" },
  { "missing-api-type", "{\"prefix\":\"a\",\"baseUrl\":\"http://127.0.0.1:9/v1\"}", "apiType" },
  { "api-type-soap",
    "{\"prefix\":\"a\",\"apiType\":\"soap\",\"baseUrl\":\"http://127.0.0.1:9/v1\"}", "apiType" },
  { "api-type-array",
    "{\"prefix\":\"a\",\"apiType\":[\"openai\"],\"baseUrl\":\"http://127.0.0.1:9/v1\"}",
    "apiType" },
  { "missing-base-url", "{\"prefix\":\"a\",\"apiType\":\"openai\"}", "baseUrl" },
  { "base-url-null", "{\"prefix\":\"a\",\"apiType\":\"openai\",\"baseUrl\":null}", "baseUrl" },
  { "base-url-ftp",
    "{\"prefix\":\"a\",\"apiType\":\"openai\",\"baseUrl\":\"ftp://x\"}", "baseUrl" },
  { "base-url-not-a-url",
    "{\"prefix\":\"a\",\"apiType\":\"openai\",\"baseUrl\":\"not a url\"}", "baseUrl" },
  { "base-url-relative",
    "{\"prefix\":\"a\",\"apiType\":\"openai\",\"baseUrl\":\"/v1\"}", "baseUrl" },
  { "base-url-no-host",
    "{\"prefix\":\"a\",\"apiType\":\"openai\",\"baseUrl\":\"http:///v1\"}", "baseUrl" },
  { "base-url-credentials",
    "{\"prefix\":\"a\",\"apiType\":\"openai\",\"baseUrl\":\"http://user:pass@127.0.0.1:9/v1\"}",
    "baseUrl" },
  { "base-url-query",
    "{\"prefix\":\"a\",\"apiType\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1?key=x\"}",
    "baseUrl" },
  { "base-url-number", "{\"prefix\":\"a\",\"apiType\":\"openai\",\"baseUrl\":1}", "baseUrl" },
  { "name-number",
    "{\"prefix\":\"a\",\"name\":1,\"apiType\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\"}",
    "name" },
  { "name-control-char",
    "{\"prefix\":\"a\",\"name\":\"a\\u0007b\",\"apiType\":\"openai\",\"baseUrl\":\"http://127.0.0"
    ".1:9/v1\"}", "name" },
  { "name-too-long",
    "{\"prefix\":\"a\",\"name\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\",\"apiType\":\"openai\",\"baseUrl\":\"http://127.0."
    "0.1:9/v1\"}", "name" },
  { "unknown-field",
    "{\"prefix\":\"a\",\"apiType\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\",\"foo\":1}",
    "foo" },
  { "read-only-field",
    "{\"prefix\":\"a\",\"apiType\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\",\"id\":\"mine"
    "\"}", "id" },
};

static void
test_nodes_validation (Fixture       *f,
                       gconstpointer  data)
{
  const FieldCase *c = data;
  g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "POST", "/api/provider-nodes", c->body);

  assert_field_error (r, c->field);
  g_assert_cmpstr (sy_test_response_get_string (r, "error.code"), ==, "invalid_value");
  g_assert_cmpstr (sy_test_response_get_string (r, "error.type"), ==, "invalid_request_error");
  g_assert_cmpint (db_count (f, "SELECT COUNT(*) FROM provider_nodes", NULL), ==, 0);
}

/* The same rules hold for PATCH, and a refused patch changes nothing. */
static void
test_nodes_patch_validation (Fixture       *f,
                             gconstpointer  data)
{
  static const FieldCase cases[] = {
    { "", "{\"prefix\":\"openai\"}", "prefix" },
    { "", "{\"prefix\":\"Bad Prefix\"}", "prefix" },
    { "", "{\"apiType\":\"soap\"}", "apiType" },
    { "", "{\"baseUrl\":\"ftp://x\"}", "baseUrl" },
    { "", "{\"baseUrl\":null}", "baseUrl" },
    { "", "{\"name\":\"\"}", "name" },
    { "", "{\"name\":\"fine\",\"foo\":1}", "foo" },
  };
  g_autofree char *id = create_node (f, "mock");
  g_autoptr(SyTestResponse) after = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SyTestResponse) r = sy_test_gateway_api_printf (f->t, "PATCH", cases[i].body,
                                                                "/api/provider-nodes/%s", id);
      g_autofree char *label = g_strconcat ("PATCH ", cases[i].body, NULL);

      assert_labelled (label, r, 400, "invalid_value");
      assert_field_error (r, cases[i].field);
    }
  after = sy_test_gateway_api_printf (f->t, "GET", NULL, "/api/provider-nodes/%s", id);
  g_assert_cmpstr (sy_test_response_get_string (after, "prefix"), ==, "mock");
  g_assert_cmpstr (sy_test_response_get_string (after, "name"), ==, "mock");
  g_assert_cmpstr (sy_test_response_get_string (after, "apiType"), ==, "openai");
  g_assert_cmpstr (sy_test_response_get_string (after, "baseUrl"), ==,
                   sy_mock_upstream_get_base_url (f->t->mock));
}

static void
test_nodes_conflicts (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *first = create_node (f, "mock");
  g_autofree char *second = create_node (f, "other");
  g_autoptr(SyTestResponse) dup = NULL;
  g_autoptr(SyTestResponse) rename_onto = NULL;
  g_autoptr(SyTestResponse) account = NULL;
  g_autoptr(SyTestResponse) in_use = NULL;
  g_autoptr(SyTestResponse) still_there = NULL;

  dup = sy_test_gateway_api (f->t, "POST", "/api/provider-nodes",
                             "{\"prefix\":\"mock\",\"apiType\":\"openai\","
                             "\"baseUrl\":\"http://127.0.0.1:9/v1\"}");
  assert_openai_error (dup, 409, "conflict");
  rename_onto = sy_test_gateway_api_printf (f->t, "PATCH", "{\"prefix\":\"mock\"}",
                                            "/api/provider-nodes/%s", second);
  assert_openai_error (rename_onto, 409, "conflict");

  account = sy_test_gateway_api (f->t, "POST", "/api/providers",
                                 "{\"provider\":\"mock\",\"apiKey\":\"sk-a\"}");
  g_assert_cmpuint (account->status, ==, 201);
  in_use = sy_test_gateway_api_printf (f->t, "DELETE", NULL, "/api/provider-nodes/%s", first);
  assert_openai_error (in_use, 409, "in_use");
  still_there = sy_test_gateway_api_printf (f->t, "GET", NULL, "/api/provider-nodes/%s", first);
  g_assert_cmpuint (still_there->status, ==, 200);
  g_assert_cmpint (db_count (f, "SELECT COUNT(*) FROM provider_nodes", NULL), ==, 2);
}

typedef struct
{
  const char *name;
  const char *method;
  const char *path;
  const char *content_type;
  const char *body;
  guint       status;
  const char *code;
  const char *allow;   /* expected Allow header, or NULL */
} BodyCase;

static const BodyCase body_cases[] = {
  { "not-json",
    "POST", "/api/provider-nodes", "application/json", "prefix=mock", 400, "invalid_json", NULL },
  { "truncated-json",
    "POST", "/api/provider-nodes", "application/json", "{\"prefix\":", 400, "invalid_json", NULL },
  { "array",
    "POST", "/api/provider-nodes", "application/json", "[{\"prefix\":\"mock\"}]", 400,
    "invalid_json", NULL },
  { "string",
    "POST", "/api/provider-nodes", "application/json", "\"mock\"", 400, "invalid_json", NULL },
  { "null", "POST", "/api/provider-nodes", "application/json", "null", 400, "invalid_json", NULL },
  { "empty", "POST", "/api/provider-nodes", "application/json", "", 400, "invalid_json", NULL },
  { "trailing-garbage",
    "POST", "/api/provider-nodes", "application/json", "{} x", 400, "invalid_json", NULL },
  { "invalid-utf8",
    "POST", "/api/provider-nodes", "application/json", "{\"prefix\":\"\xff\xfe\"}", 400,
    "invalid_json", NULL },
  { "text-plain",
    "POST", "/api/provider-nodes", "text/plain", "{}", 415, "unsupported_media_type", NULL },
  { "form",
    "POST", "/api/providers", "application/x-www-form-urlencoded", "provider=openai", 415,
    "unsupported_media_type", NULL },
  { "settings-not-json",
    "PUT", "/api/settings", "application/json", "requireApiKey=true", 400, "invalid_json", NULL },
  { "settings-text-plain",
    "PUT", "/api/settings", "text/plain", "{\"requireApiKey\":true}", 415, "unsupported_media_type",
    NULL },
  { "put-collection",
    "PUT", "/api/provider-nodes", "application/json", "{}", 405, "method_not_allowed",
    "GET, POST" },
  { "delete-collection",
    "DELETE", "/api/providers", NULL, NULL, 405, "method_not_allowed", "GET, POST" },
  { "delete-keys", "DELETE", "/api/keys", NULL, NULL, 405, "method_not_allowed", "GET, POST" },
  { "delete-settings",
    "DELETE", "/api/settings", NULL, NULL, 405, "method_not_allowed", "GET, PUT, PATCH" },
  { "delete-health", "DELETE", "/api/health", NULL, NULL, 405, "method_not_allowed", "GET" },
};

static void
test_api_bad_bodies (Fixture       *f,
                     gconstpointer  data)
{
  const BodyCase *c = data;
  const char *headers[] = { "Authorization", "Bearer " SY_TEST_ADMIN_TOKEN, NULL };
  Request req = { c->method, c->path, c->content_type, c->body, -1, FALSE, headers };
  g_autoptr(SyTestResponse) r = send_request (f, &req);

  assert_openai_error (r, c->status, c->code);
  if (c->allow != NULL)
    g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Allow"), ==, c->allow);
  g_assert_cmpint (db_count (f, "SELECT COUNT(*) FROM provider_nodes", NULL), ==, 0);
  g_assert_cmpint (db_count (f, "SELECT COUNT(*) FROM provider_connections", NULL), ==, 0);
  g_assert_cmpint (db_count (f, "SELECT COUNT(*) FROM settings", NULL), ==, 0);
}

/* Methods on an item, once it exists. */
static void
test_api_item_methods (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *node = create_node (f, "mock");
  g_autoptr(SyTestResponse) post_node =
    sy_test_gateway_api_printf (f->t, "POST", "{}", "/api/provider-nodes/%s", node);
  g_autoptr(SyTestResponse) account = sy_test_gateway_api (f->t, "POST", "/api/providers",
                                                           "{\"provider\":\"mock\","
                                                           "\"apiKey\":\"sk-a\"}");
  g_autoptr(SyTestResponse) post_account = NULL;
  g_autoptr(SyTestResponse) key = sy_test_gateway_api (f->t, "POST", "/api/keys", "{}");
  g_autoptr(SyTestResponse) get_key = NULL;
  g_autoptr(SyTestResponse) charset = NULL;

  assert_openai_error (post_node, 405, "method_not_allowed");
  g_assert_cmpstr (soup_message_headers_get_one (post_node->headers, "Allow"), ==,
                   "GET, PATCH, DELETE");
  post_account = sy_test_gateway_api_printf (f->t, "POST", "{}", "/api/providers/%s",
                                             sy_test_response_get_string (account, "id"));
  assert_openai_error (post_account, 405, "method_not_allowed");
  g_assert_cmpstr (soup_message_headers_get_one (post_account->headers, "Allow"), ==,
                   "GET, PATCH, DELETE");
  get_key = sy_test_gateway_api_printf (f->t, "POST", "{}", "/api/keys/%s",
                                        sy_test_response_get_string (key, "id"));
  assert_openai_error (get_key, 405, "method_not_allowed");
  g_assert_cmpstr (soup_message_headers_get_one (get_key->headers, "Allow"), ==,
                   "GET, PATCH, DELETE");

  /* a charset parameter is still JSON */
  {
    const char *headers[] = { "Authorization", "Bearer " SY_TEST_ADMIN_TOKEN, NULL };
    Request req = { "PUT", "/api/settings", "application/json; charset=utf-8",
                    "{\"requireApiKey\":false}", -1, FALSE, headers };

    charset = send_request (f, &req);
    g_assert_cmpuint (charset->status, ==, 200);
  }
}

/* === provider connections ================================================================== */

#define SECRET "sk-very-secret-0123456789-abcdef"

static void
test_providers_secret_handling (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *node = create_node (f, "mock");
  g_autoptr(SyTestResponse) created = NULL;
  g_autoptr(SyTestResponse) list = NULL;
  g_autoptr(SyTestResponse) got = NULL;
  g_autofree char *stored = NULL;
  const char *id;

  created = sy_test_gateway_api (f->t, "POST", "/api/providers",
                                 "{\"provider\":\"mock\",\"name\":\"Work\","
                                 "\"apiKey\":\"" SECRET "\"}");
  g_assert_cmpuint (created->status, ==, 201);
  g_assert_false (body_contains (created, SECRET));
  g_assert_false (body_contains (created, "sk-very"));
  id = sy_test_response_get_string (created, "id");
  g_assert_nonnull (id);
  g_assert_cmpstr (sy_test_response_get_string (created, "provider"), ==, "mock");
  g_assert_cmpstr (sy_test_response_get_string (created, "name"), ==, "Work");
  g_assert_cmpstr (sy_test_response_get_string (created, "authType"), ==, "apikey");
  g_assert_true (get_bool (created, "hasApiKey"));
  g_assert_true (get_bool (created, "enabled"));
  g_assert_cmpint (sy_test_response_get_int_member (created, "priority"), ==, 1);
  g_assert_false (json_object_has_member (sy_test_response_get_object (created), "apiKey"));

  list = sy_test_gateway_api (f->t, "GET", "/api/providers", NULL);
  g_assert_cmpuint (list->status, ==, 200);
  g_assert_true (array_has_id (sy_test_response_get_array (list), id));
  g_assert_false (body_contains (list, SECRET));
  got = sy_test_gateway_api_printf (f->t, "GET", NULL, "/api/providers/%s", id);
  g_assert_cmpuint (got->status, ==, 200);
  g_assert_false (body_contains (got, SECRET));
  g_assert_true (get_bool (got, "hasApiKey"));

  /* the secret is in the secret store, and only there */
  g_assert_cmpstr (sy_credentials_peek (sy_gateway_get_credentials (f->t->gateway), id), ==,
                   SECRET);
  stored = secret_store_lookup (f, id);
  g_assert_cmpstr (stored, ==, SECRET);
  g_assert_cmpint (db_count (f, "SELECT has_secret FROM provider_connections WHERE id = ?", id),
                   ==, 1);
  {
    g_autofree char *provider =
      sy_test_gateway_query_db_text (f->t, "SELECT provider FROM provider_connections "
                                     "WHERE id = ?", id);
    /* a node's accounts reference the node by id, not by its (renamable) prefix */
    g_assert_cmpstr (provider, ==, node);
  }
  assert_table_lacks (f, "provider_connections", SECRET);
  assert_data_dir_lacks (f, SECRET);
}

static void
test_providers_patch_and_delete (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *node = create_node (f, "mock");
  g_autoptr(SyTestResponse) created = sy_test_gateway_api (f->t, "POST", "/api/providers",
                                                           "{\"provider\":\"mock\","
                                                           "\"apiKey\":\"sk-old-key-111\"}");
  g_autofree char *id = g_strdup (sy_test_response_get_string (created, "id"));
  g_autoptr(SyTestResponse) rekeyed = NULL;
  g_autoptr(SyTestResponse) patched = NULL;
  g_autoptr(SyTestResponse) cleared = NULL;
  g_autoptr(SyTestResponse) moved = NULL;
  g_autoptr(SyTestResponse) same = NULL;
  g_autoptr(SyTestResponse) deleted = NULL;
  g_autoptr(SyTestResponse) gone = NULL;
  g_autoptr(SyTestResponse) delete_again = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *after_delete = NULL;

  g_assert_cmpuint (created->status, ==, 201);

  rekeyed = sy_test_gateway_api_printf (f->t, "PATCH", "{\"apiKey\":\"sk-new-key-222\"}",
                                        "/api/providers/%s", id);
  g_assert_cmpuint (rekeyed->status, ==, 200);
  g_assert_false (body_contains (rekeyed, "sk-new-key-222"));
  g_assert_true (get_bool (rekeyed, "hasApiKey"));
  secret = secret_store_lookup (f, id);
  g_assert_cmpstr (secret, ==, "sk-new-key-222");
  g_assert_cmpstr (sy_credentials_peek (sy_gateway_get_credentials (f->t->gateway), id), ==,
                   "sk-new-key-222");
  assert_data_dir_lacks (f, "sk-new-key-222");

  /* other fields leave the key alone */
  patched = sy_test_gateway_api_printf (f->t, "PATCH",
                                        "{\"name\":\"Renamed\",\"priority\":7,\"enabled\":false,"
                                        "\"baseUrl\":\"http://127.0.0.1:4000/v1/\"}",
                                        "/api/providers/%s", id);
  g_assert_cmpuint (patched->status, ==, 200);
  g_assert_cmpstr (sy_test_response_get_string (patched, "name"), ==, "Renamed");
  g_assert_cmpint (sy_test_response_get_int_member (patched, "priority"), ==, 7);
  g_assert_false (get_bool (patched, "enabled"));
  g_assert_true (get_bool (patched, "hasApiKey"));
  g_assert_cmpstr (sy_test_response_get_string (patched, "baseUrl"), ==,
                   "http://127.0.0.1:4000/v1");
  g_assert_cmpint (db_count (f, "SELECT COUNT(*) FROM provider_connections WHERE id = ? AND "
                                "priority = 7 AND is_active = 0 AND name = 'Renamed' AND "
                                "base_url = 'http://127.0.0.1:4000/v1'", id), ==, 1);
  g_clear_pointer (&secret, g_free);
  secret = secret_store_lookup (f, id);
  g_assert_cmpstr (secret, ==, "sk-new-key-222");

  /* null clears the override */
  cleared = sy_test_gateway_api_printf (f->t, "PATCH", "{\"baseUrl\":null}",
                                        "/api/providers/%s", id);
  g_assert_cmpuint (cleared->status, ==, 200);
  g_assert_true (JSON_NODE_HOLDS_NULL (
    json_object_get_member (sy_test_response_get_object (cleared), "baseUrl")));
  g_assert_null (sy_test_gateway_query_db_text (f->t, "SELECT base_url FROM provider_connections "
                                                "WHERE id = ?", id));

  /* an account does not change provider */
  moved = sy_test_gateway_api_printf (f->t, "PATCH", "{\"provider\":\"openai\"}",
                                      "/api/providers/%s", id);
  assert_field_error (moved, "provider");
  same = sy_test_gateway_api_printf (f->t, "PATCH", "{\"provider\":\"mock\"}",
                                     "/api/providers/%s", id);
  g_assert_cmpuint (same->status, ==, 200);

  deleted = sy_test_gateway_api_printf (f->t, "DELETE", NULL, "/api/providers/%s", id);
  g_assert_cmpuint (deleted->status, ==, 204);
  gone = sy_test_gateway_api_printf (f->t, "GET", NULL, "/api/providers/%s", id);
  assert_openai_error (gone, 404, "not_found");
  delete_again = sy_test_gateway_api_printf (f->t, "DELETE", NULL, "/api/providers/%s", id);
  assert_openai_error (delete_again, 404, "not_found");
  after_delete = secret_store_lookup (f, id);
  g_assert_cmpstr (after_delete, ==, "");
  g_assert_null (sy_credentials_peek (sy_gateway_get_credentials (f->t->gateway), id));
  g_assert_cmpint (db_count (f, "SELECT COUNT(*) FROM provider_connections", NULL), ==, 0);
}

static void
test_providers_resolution (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *node = create_node (f, "mock");
  g_autoptr(SyTestResponse) alias = NULL;
  g_autoptr(SyTestResponse) canonical = NULL;
  g_autoptr(SyTestResponse) by_prefix = NULL;
  g_autofree char *stored = NULL;

  alias = sy_test_gateway_api (f->t, "POST", "/api/providers",
                               "{\"provider\":\"ds\",\"apiKey\":\"sk-ds\"}");
  canonical = sy_test_gateway_api (f->t, "POST", "/api/providers",
                                   "{\"provider\":\"deepseek\",\"apiKey\":\"sk-ds2\"}");
  by_prefix = sy_test_gateway_api (f->t, "POST", "/api/providers",
                                   "{\"provider\":\"mock\",\"apiKey\":\"sk-m\","
                                   "\"baseUrl\":\"https://gw.example.com/openai/v1///\","
                                   "\"priority\":1000,\"enabled\":false}");

  g_assert_cmpuint (alias->status, ==, 201);
  g_assert_cmpstr (sy_test_response_get_string (alias, "provider"), ==, "deepseek");
  g_assert_cmpstr (sy_test_response_get_string (alias, "name"), ==, "deepseek");
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (sy_test_response_get_object (alias),
                                                               "baseUrl")));
  stored = sy_test_gateway_query_db_text (f->t,
                                          "SELECT provider FROM provider_connections WHERE id = ?",
                                          sy_test_response_get_string (alias, "id"));
  g_assert_cmpstr (stored, ==, "deepseek");
  g_assert_cmpuint (canonical->status, ==, 201);
  g_assert_cmpstr (sy_test_response_get_string (canonical, "provider"), ==, "deepseek");

  g_assert_cmpuint (by_prefix->status, ==, 201);
  g_assert_cmpstr (sy_test_response_get_string (by_prefix, "provider"), ==, "mock");
  g_assert_cmpstr (sy_test_response_get_string (by_prefix, "baseUrl"), ==,
                   "https://gw.example.com/openai/v1");
  g_assert_cmpint (sy_test_response_get_int_member (by_prefix, "priority"), ==, 1000);
  g_assert_false (get_bool (by_prefix, "enabled"));
  g_clear_pointer (&stored, g_free);
  stored = sy_test_gateway_query_db_text (f->t,
                                          "SELECT base_url FROM provider_connections WHERE id = ?",
                                          sy_test_response_get_string (by_prefix, "id"));
  g_assert_cmpstr (stored, ==, "https://gw.example.com/openai/v1");
}

static const FieldCase provider_cases[] = {
  { "missing-provider", "{\"apiKey\":\"" SECRET "\"}", "provider" },
  { "unknown-provider", "{\"provider\":\"nope\",\"apiKey\":\"" SECRET "\"}", "provider" },
  { "provider-number", "{\"provider\":1,\"apiKey\":\"" SECRET "\"}", "provider" },
  { "provider-empty", "{\"provider\":\"\",\"apiKey\":\"" SECRET "\"}", "provider" },
  { "missing-api-key", "{\"provider\":\"openai\"}", "apiKey" },
  { "api-key-number", "{\"provider\":\"openai\",\"apiKey\":12345}", "apiKey" },
  { "api-key-empty", "{\"provider\":\"openai\",\"apiKey\":\"  \"}", "apiKey" },
  { "api-key-newline",
    "{\"provider\":\"openai\",\"apiKey\":\"" SECRET "\\nX-Injected: 1\"}", "apiKey" },
  { "base-url-ftp",
    "{\"provider\":\"openai\",\"apiKey\":\"" SECRET "\",\"baseUrl\":\"ftp://x\"}", "baseUrl" },
  { "base-url-not-a-url",
    "{\"provider\":\"openai\",\"apiKey\":\"" SECRET "\",\"baseUrl\":\"not a url\"}", "baseUrl" },
  { "base-url-credentials",
    "{\"provider\":\"openai\",\"apiKey\":\"" SECRET "\",\"baseUrl\":\"https://u:p@x.example/v1\"}",
    "baseUrl" },
  { "priority-zero",
    "{\"provider\":\"openai\",\"apiKey\":\"" SECRET "\",\"priority\":0}", "priority" },
  { "priority-negative",
    "{\"provider\":\"openai\",\"apiKey\":\"" SECRET "\",\"priority\":-1}", "priority" },
  { "priority-too-big",
    "{\"provider\":\"openai\",\"apiKey\":\"" SECRET "\",\"priority\":1001}", "priority" },
  { "priority-huge",
    "{\"provider\":\"openai\",\"apiKey\":\"" SECRET "\",\"priority\":99999999999999999999}",
    "priority" },
  { "priority-string",
    "{\"provider\":\"openai\",\"apiKey\":\"" SECRET "\",\"priority\":\"1\"}", "priority" },
  { "priority-fraction",
    "{\"provider\":\"openai\",\"apiKey\":\"" SECRET "\",\"priority\":1.5}", "priority" },
  { "enabled-string",
    "{\"provider\":\"openai\",\"apiKey\":\"" SECRET "\",\"enabled\":\"yes\"}", "enabled" },
  { "enabled-number",
    "{\"provider\":\"openai\",\"apiKey\":\"" SECRET "\",\"enabled\":1}", "enabled" },
  { "name-object", "{\"provider\":\"openai\",\"apiKey\":\"" SECRET "\",\"name\":{}}", "name" },
  { "unknown-field", "{\"provider\":\"openai\",\"apiKey\":\"" SECRET "\",\"foo\":true}", "foo" },
  { "has-api-key-field",
    "{\"provider\":\"openai\",\"apiKey\":\"" SECRET "\",\"hasApiKey\":true}", "hasApiKey" },
};

/* A refused account is not half-created, and the refusal never quotes the key. */
static void
test_providers_validation (Fixture       *f,
                           gconstpointer  data)
{
  const FieldCase *c = data;
  g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "POST", "/api/providers", c->body);

  assert_field_error (r, c->field);
  g_assert_false (body_contains (r, SECRET));
  g_assert_cmpint (db_count (f, "SELECT COUNT(*) FROM provider_connections", NULL), ==, 0);
}

/* The boundaries of priority are accepted. */
static void
test_providers_priority_bounds (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(SyTestResponse) low = sy_test_gateway_api (f->t, "POST", "/api/providers",
                                                       "{\"provider\":\"openai\",\"apiKey\":\"a\","
                                                       "\"priority\":1}");
  g_autoptr(SyTestResponse) high = sy_test_gateway_api (f->t, "POST", "/api/providers",
                                                        "{\"provider\":\"openai\",\"apiKey\":\"b\","
                                                        "\"priority\":1000}");

  g_assert_cmpuint (low->status, ==, 201);
  g_assert_cmpint (sy_test_response_get_int_member (low, "priority"), ==, 1);
  g_assert_cmpuint (high->status, ==, 201);
  g_assert_cmpint (sy_test_response_get_int_member (high, "priority"), ==, 1000);
}

/* === inbound API keys ====================================================================== */

static SyTestResponse *
chat_with_headers (Fixture            *f,
                   const char         *path,
                   const char * const *headers)
{
  Request req = { "POST", path, "application/json", chat_body, -1, FALSE, headers };

  return send_request (f, &req);
}

static void
test_keys_lifecycle (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *account = sy_test_gateway_add_account (f->t, "mock", "sk-up", 1, NULL);
  g_autoptr(SyTestResponse) created = sy_test_gateway_api (f->t, "POST", "/api/keys",
                                                           "{\"name\":\"cursor\"}");
  g_autoptr(SyTestResponse) list = NULL;
  g_autoptr(SyTestResponse) revoked = NULL;
  g_autoptr(SyTestResponse) revoke_again = NULL;
  g_autofree char *key = NULL;
  g_autofree char *id = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *stored_hash = NULL;
  g_autofree char *bearer = NULL;
  g_autofree char *query_path = NULL;
  g_autofree char *escaped = NULL;

  g_assert_cmpuint (created->status, ==, 201);
  key = g_strdup (sy_test_response_get_string (created, "key"));
  id = g_strdup (sy_test_response_get_string (created, "id"));
  g_assert_nonnull (key);
  g_assert_true (g_str_has_prefix (key, "sy-"));
  g_assert_cmpuint (strlen (key), >=, 40);
  g_assert_cmpstr (sy_test_response_get_string (created, "name"), ==, "cursor");
  g_assert_true (g_str_has_prefix (key, sy_test_response_get_string (created, "prefix")));
  g_assert_cmpuint (strlen (sy_test_response_get_string (created, "prefix")), <, strlen (key) / 2);

  /* listed without the key */
  list = sy_test_gateway_api (f->t, "GET", "/api/keys", NULL);
  g_assert_cmpuint (list->status, ==, 200);
  g_assert_true (array_has_id (sy_test_response_get_array (list), id));
  g_assert_false (body_contains (list, key));
  g_assert_false (json_object_has_member (
    json_array_get_object_element (sy_test_response_get_array (list), 0), "key"));

  /* stored as its SHA-256, nothing else */
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  stored_hash = sy_test_gateway_query_db_text (f->t, "SELECT key_hash FROM api_keys WHERE id = ?",
                                               id);
  g_assert_cmpstr (stored_hash, ==, hash);
  g_assert_cmpuint (strlen (stored_hash), ==, 64);
  for (const char *p = stored_hash; *p; p++)
    g_assert_true (g_ascii_isxdigit (*p) && !g_ascii_isupper (*p));
  assert_table_lacks (f, "api_keys", key);
  assert_data_dir_lacks (f, key);

  set_settings (f, "{\"requireApiKey\": true}");
  bearer = g_strconcat ("Bearer ", key, NULL);
  escaped = g_uri_escape_string (key, NULL, FALSE);
  query_path = g_strconcat ("/v1/chat/completions?key=", escaped, NULL);
  {
    const char *by_bearer[] = { "Authorization", bearer, NULL };
    const char *by_x_api_key[] = { "x-api-key", key, NULL };
    const char *by_goog[] = { "x-goog-api-key", key, NULL };
    const char *wrong_bearer[] = { "Authorization", "Bearer sy-not-a-real-key", NULL };
    const char *wrong_x_api_key[] = { "x-api-key", "sy-not-a-real-key", NULL };
    g_autoptr(SyTestResponse) r1 = chat_with_headers (f, "/v1/chat/completions", by_bearer);
    g_autoptr(SyTestResponse) r2 = chat_with_headers (f, "/v1/chat/completions", by_x_api_key);
    g_autoptr(SyTestResponse) r3 = chat_with_headers (f, "/v1/chat/completions", by_goog);
    g_autoptr(SyTestResponse) r4 = chat_with_headers (f, query_path, NULL);
    g_autoptr(SyTestResponse) r5 = chat_with_headers (f, "/v1/chat/completions", NULL);
    g_autoptr(SyTestResponse) r6 = chat_with_headers (f, "/v1/chat/completions", wrong_bearer);
    g_autoptr(SyTestResponse) r7 = chat_with_headers (f, "/v1/chat/completions", wrong_x_api_key);
    g_autoptr(SyTestResponse) r8 = chat_with_headers (f, "/v1/chat/completions?key=sy-wrong", NULL);
    GPtrArray *upstream = sy_mock_upstream_get_requests (f->t->mock);

    g_assert_cmpuint (r1->status, ==, 200);
    g_assert_cmpuint (r2->status, ==, 200);
    g_assert_cmpuint (r3->status, ==, 200);
    g_assert_cmpuint (r4->status, ==, 200);
    assert_openai_error (r5, 401, "invalid_api_key");
    assert_openai_error (r6, 401, "invalid_api_key");
    assert_openai_error (r7, 401, "invalid_api_key");
    assert_openai_error (r8, 401, "invalid_api_key");
    g_assert_false (body_contains (r6, "sy-not-a-real-key"));
    /* the client's key never travels upstream; the account's key does */
    g_assert_cmpuint (upstream->len, ==, 4);
    for (guint i = 0; i < upstream->len; i++)
      {
        SyMockRequest *up = g_ptr_array_index (upstream, i);

        g_assert_cmpstr (soup_message_headers_get_one (up->headers, "Authorization"), ==,
                         "Bearer sk-up");
        g_assert_null (soup_message_headers_get_one (up->headers, "x-api-key"));
        g_assert_null (soup_message_headers_get_one (up->headers, "x-goog-api-key"));
        g_assert_null (strstr (up->path, key));
      }
  }

  revoked = sy_test_gateway_api_printf (f->t, "DELETE", NULL, "/api/keys/%s", id);
  g_assert_cmpuint (revoked->status, ==, 204);
  g_assert_cmpint (db_count (f, "SELECT COUNT(*) FROM api_keys", NULL), ==, 0);
  {
    const char *by_bearer[] = { "Authorization", bearer, NULL };
    g_autoptr(SyTestResponse) r = chat_with_headers (f, "/v1/chat/completions", by_bearer);

    assert_openai_error (r, 401, "invalid_api_key");
  }
  revoke_again = sy_test_gateway_api_printf (f->t, "DELETE", NULL, "/api/keys/%s", id);
  assert_openai_error (revoke_again, 404, "not_found");
}

/* Two keys are two secrets; the key defaults its name; bad names are refused. */
static void
test_keys_create (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(SyTestResponse) a = sy_test_gateway_api (f->t, "POST", "/api/keys", "{}");
  g_autoptr(SyTestResponse) b = sy_test_gateway_api (f->t, "POST", "/api/keys", "{\"name\":\"b\"}");
  g_autoptr(SyTestResponse) bad_name = sy_test_gateway_api (f->t, "POST", "/api/keys",
                                                            "{\"name\":5}");
  g_autoptr(SyTestResponse) unknown = sy_test_gateway_api (f->t, "POST", "/api/keys",
                                                           "{\"name\":\"c\",\"key\":\"sy-mine\"}");
  g_autoptr(SyTestResponse) list = NULL;

  g_assert_cmpuint (a->status, ==, 201);
  g_assert_cmpstr (sy_test_response_get_string (a, "name"), ==, "default");
  g_assert_cmpuint (b->status, ==, 201);
  g_assert_cmpstr (sy_test_response_get_string (a, "key"), !=,
                   sy_test_response_get_string (b, "key"));
  assert_field_error (bad_name, "name");
  assert_field_error (unknown, "key");
  list = sy_test_gateway_api (f->t, "GET", "/api/keys", NULL);
  g_assert_cmpuint (json_array_get_length (sy_test_response_get_array (list)), ==, 2);
}

/* A key can be made with its scopes and limits at once; a refused one is not made at all. */
static void
test_keys_create_scoped (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(SyTestResponse) scoped = sy_test_gateway_api (
    f->t, "POST", "/api/keys",
    "{\"name\": \"ci\", \"allowedModels\": [\"groq/*\"], \"allowedCombos\": [\"duo\"],"
    " \"maxRequestsPerMinute\": 30, \"maxRequestsPerDay\": 2000}");
  g_autoptr(SyTestResponse) too_fast = sy_test_gateway_api (
    f->t, "POST", "/api/keys", "{\"name\": \"x\", \"maxRequestsPerMinute\": 100001}");
  g_autoptr(SyTestResponse) bad_model = sy_test_gateway_api (
    f->t, "POST", "/api/keys", "{\"name\": \"y\", \"allowedModels\": [\"a\", \"\"]}");
  g_autoptr(SyTestResponse) shown = NULL;
  JsonObject *key;

  g_assert_cmpuint (scoped->status, ==, 201);
  g_assert_nonnull (sy_test_response_get_string (scoped, "key"));
  assert_field_error (too_fast, "maxRequestsPerMinute");
  assert_field_error (bad_model, "allowedModels[1]");
  g_assert_cmpint (db_count (f, "SELECT COUNT(*) FROM api_keys", NULL), ==, 1);

  shown = sy_test_gateway_api_printf (f->t, "GET", NULL, "/api/keys/%s",
                                      sy_test_response_get_string (scoped, "id"));
  key = sy_test_response_get_object (shown);
  g_assert_cmpstr (json_object_get_string_member (key, "name"), ==, "ci");
  g_assert_cmpstr (json_array_get_string_element (
                     json_object_get_array_member (key, "allowedModels"), 0), ==, "groq/*");
  g_assert_cmpstr (json_array_get_string_element (
                     json_object_get_array_member (key, "allowedCombos"), 0), ==, "duo");
  g_assert_cmpint (json_object_get_int_member (key, "maxRequestsPerMinute"), ==, 30);
  g_assert_cmpint (json_object_get_int_member (key, "maxRequestsPerDay"), ==, 2000);
  g_assert_null (sy_test_response_get_string (shown, "key"));
}

/* === settings ============================================================================== */

static void
test_settings_defaults (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "GET", "/api/settings", NULL);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_false (get_bool (r, "requireApiKey"));
  g_assert_cmpint (sy_test_response_get_int_member (r, "connectTimeoutMs"), ==, 10000);
  g_assert_cmpint (sy_test_response_get_int_member (r, "firstByteTimeoutMs"), ==, 600000);
  g_assert_cmpint (sy_test_response_get_int_member (r, "idleTimeoutMs"), ==, 300000);
  g_assert_cmpint (sy_test_response_get_int_member (r, "totalTimeoutMs"), ==, 3600000);
  g_assert_cmpint (sy_test_response_get_int_member (r, "maxBodyBytes"), ==, 32 * 1024 * 1024);
  g_assert_cmpint (sy_test_response_get_int_member (r, "keepAliveIdleMs"), >, 0);
}

static void
test_settings_persist (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "PUT", "/api/settings",
                                                     "{\"requireApiKey\": true,"
                                                     " \"connectTimeoutMs\": 2500}");
  g_autoptr(SyTestResponse) patched = NULL;
  g_autoptr(SyTestResponse) got = NULL;
  g_autoptr(SyConfig) config = sy_config_new_defaults ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SyGateway) reopened = NULL;
  g_autofree char *stored = NULL;
  SySettingsRepo *settings;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (get_bool (r, "requireApiKey"));
  g_assert_cmpint (sy_test_response_get_int_member (r, "connectTimeoutMs"), ==, 2500);
  /* the reply is the whole settings object */
  g_assert_cmpint (sy_test_response_get_int_member (r, "firstByteTimeoutMs"), ==, 600000);

  patched = sy_test_gateway_api (f->t, "PATCH", "/api/settings", "{\"idleTimeoutMs\": 5000}");
  g_assert_cmpuint (patched->status, ==, 200);
  g_assert_true (get_bool (patched, "requireApiKey"));
  got = sy_test_gateway_api (f->t, "GET", "/api/settings", NULL);
  g_assert_cmpint (sy_test_response_get_int_member (got, "idleTimeoutMs"), ==, 5000);

  stored = sy_test_gateway_query_db_text (f->t, "SELECT value FROM settings WHERE key = ?",
                                          "requireApiKey");
  g_assert_cmpstr (stored, ==, "true");

  /* a second gateway on the same data dir reads them back */
  g_free (config->data_dir);
  config->data_dir = g_strdup (f->t->data_dir);
  config->admin_token = g_strdup (SY_TEST_ADMIN_TOKEN);
  config->secret_backend = g_strdup ("memory");
  reopened = sy_gateway_new (config, &error);
  g_assert_no_error (error);
  settings = sy_gateway_get_settings (reopened);
  g_assert_true (sy_settings_repo_get_boolean (settings, "requireApiKey"));
  g_assert_cmpint (sy_settings_repo_get_int (settings, "connectTimeoutMs"), ==, 2500);
  g_assert_cmpint (sy_settings_repo_get_int (settings, "idleTimeoutMs"), ==, 5000);
  sy_gateway_shutdown (reopened);
  g_assert_finalize_object (g_steal_pointer (&reopened));
}

static const FieldCase settings_cases[] = {
  { "require-string", "{\"requireApiKey\": \"yes\"}", "requireApiKey" },
  { "require-number", "{\"requireApiKey\": 1}", "requireApiKey" },
  { "require-null", "{\"requireApiKey\": null}", "requireApiKey" },
  { "connect-too-small", "{\"connectTimeoutMs\": 5}", "connectTimeoutMs" },
  { "connect-too-big", "{\"connectTimeoutMs\": 600001}", "connectTimeoutMs" },
  { "connect-string", "{\"connectTimeoutMs\": \"1000\"}", "connectTimeoutMs" },
  { "connect-fraction", "{\"connectTimeoutMs\": 1000.5}", "connectTimeoutMs" },
  { "max-body-too-small", "{\"maxBodyBytes\": 1023}", "maxBodyBytes" },
  { "first-byte-negative", "{\"firstByteTimeoutMs\": -1}", "firstByteTimeoutMs" },
  { "unknown", "{\"noSuchSetting\": 1}", "noSuchSetting" },
  /* atomic: the valid member before the bad one is not written either */
  { "valid-then-invalid",
    "{\"connectTimeoutMs\": 2000, \"requireApiKey\": \"yes\"}", "requireApiKey" },
  { "valid-then-unknown", "{\"requireApiKey\": true, \"bogus\": false}", "bogus" },
};

static void
test_settings_validation (Fixture       *f,
                          gconstpointer  data)
{
  const FieldCase *c = data;
  g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "PUT", "/api/settings", c->body);
  g_autoptr(SyTestResponse) after = NULL;

  assert_field_error (r, c->field);
  g_assert_cmpstr (sy_test_response_get_string (r, "error.code"), ==, "invalid_value");
  if (g_str_has_suffix (c->name, "too-small"))
    g_assert_nonnull (strstr (sy_test_response_get_string (r, "error.message"), "out of range"));

  after = sy_test_gateway_api (f->t, "GET", "/api/settings", NULL);
  g_assert_false (get_bool (after, "requireApiKey"));
  g_assert_cmpint (sy_test_response_get_int_member (after, "connectTimeoutMs"), ==, 10000);
  g_assert_cmpint (db_count (f, "SELECT COUNT(*) FROM settings", NULL), ==, 0);
}

/* The boundaries are accepted; an empty update is a no-op. */
static void
test_settings_bounds (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(SyTestResponse) low = sy_test_gateway_api (f->t, "PUT", "/api/settings",
                                                       "{\"connectTimeoutMs\": 100,"
                                                       " \"maxBodyBytes\": 1024}");
  g_autoptr(SyTestResponse) high = sy_test_gateway_api (f->t, "PUT", "/api/settings",
                                                        "{\"connectTimeoutMs\": 600000}");
  g_autoptr(SyTestResponse) empty = sy_test_gateway_api (f->t, "PUT", "/api/settings", "{}");
  g_autoptr(SyTestResponse) sub = sy_test_gateway_api (f->t, "GET", "/api/settings/proxy-nope",
                                                       NULL);

  g_assert_cmpuint (low->status, ==, 200);
  g_assert_cmpint (sy_test_response_get_int_member (low, "connectTimeoutMs"), ==, 100);
  g_assert_cmpuint (high->status, ==, 200);
  g_assert_cmpint (sy_test_response_get_int_member (high, "connectTimeoutMs"), ==, 600000);
  g_assert_cmpuint (empty->status, ==, 200);
  g_assert_cmpint (sy_test_response_get_int_member (empty, "maxBodyBytes"), ==, 1024);
  assert_openai_error (sub, 404, "not_found");
}

/* A gateway listening beyond loopback because REQUIRE_API_KEY=true must not be switched to
 * anonymous /v1 through the API: that would open every account to the network, which
 * sy_gateway_listen() refuses at start. Refusing the PUT or keeping the override both fix it;
 * the test looks at the effect: /v1 without a key. */
static guint
send_simple (SoupSession *client,
             const char  *method,
             const char  *url,
             const char  *json,
             const char  *token)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  GBytes *reply = NULL;

  if (json != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", body);
    }
  if (token != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", token);
  reply = sy_test_send_and_read (client, msg);
  g_bytes_unref (reply);
  return soup_message_get_status (msg);
}

static void
test_settings_cannot_open_a_public_bind (void)
{
  g_autoptr(SyConfig) config = sy_config_new_defaults ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SyGateway) gateway = NULL;
  g_autoptr(GProxyResolver) no_proxy = g_simple_proxy_resolver_new (NULL, NULL);
  g_autoptr(SoupSession) client = g_object_new (SOUP_TYPE_SESSION, "proxy-resolver", no_proxy,
                                                "timeout", 30, NULL);
  g_autofree char *dir = g_dir_make_tmp ("switchyard-test-XXXXXX", &error);
  g_autofree char *settings_url = NULL;
  g_autofree char *models_url = NULL;
  guint port, before, put, after;

  g_assert_no_error (error);
  g_free (config->data_dir);
  config->data_dir = g_strdup (dir);
  config->admin_token = g_strdup (SY_TEST_ADMIN_TOKEN);
  config->secret_backend = g_strdup ("memory");
  config->require_api_key_env = TRUE;
  config->require_api_key = TRUE;
  gateway = sy_gateway_new (config, &error);
  g_assert_no_error (error);
  sy_gateway_listen (gateway, "0.0.0.0", 0, &error);
  g_assert_no_error (error);

  port = sy_gateway_get_port (gateway);
  settings_url = g_strdup_printf ("http://127.0.0.1:%u/api/settings", port);
  models_url = g_strdup_printf ("http://127.0.0.1:%u/v1/models", port);
  before = send_simple (client, "GET", models_url, NULL, NULL);
  g_assert_cmpuint (before, ==, 401);
  put = send_simple (client, "PUT", settings_url, "{\"requireApiKey\": false}",
                     "Bearer " SY_TEST_ADMIN_TOKEN);
  after = send_simple (client, "GET", models_url, NULL, NULL);

  if (after != 401)
    {
      g_autofree char *message = g_strdup_printf (
        "BUG: on a gateway bound to 0.0.0.0 with REQUIRE_API_KEY=true, PUT /api/settings "
        "{\"requireApiKey\": false} answers %u and /v1 then answers %u without a key: the "
        "network-facing gateway is open, which sy_gateway_listen() refuses at start", put, after);

      g_test_incomplete (message);
    }

  sy_gateway_shutdown (gateway);
  g_assert_finalize_object (g_steal_pointer (&gateway));
  sy_test_rm_rf (dir);
}

/* === health ================================================================================ */

static void
test_health (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "GET", "/api/health", NULL);
  JsonObject *root;
  JsonObject *memory;
  JsonObject *usage;

  g_assert_cmpuint (r->status, ==, 200);
  root = sy_test_response_get_object (r);
  g_assert_cmpstr (sy_test_response_get_string (r, "status"), ==, "ok");
  g_assert_cmpstr (sy_test_response_get_string (r, "version"), ==, SY_VERSION);
  g_assert_cmpstr (sy_test_response_get_string (r, "secretStore"), ==, "memory");
  g_assert_cmpstr (sy_test_response_get_string (r, "dataDir"), ==, f->t->data_dir);
  g_assert_cmpstr (sy_test_response_get_string (r, "host"), ==, "127.0.0.1");
  g_assert_cmpint (sy_test_response_get_int_member (r, "port"), ==,
                   sy_gateway_get_port (f->t->gateway));
  g_assert_cmpint (sy_test_response_get_int_member (r, "uptimeSeconds"), >=, 0);
  memory = json_object_get_object_member (root, "memory");
  g_assert_nonnull (memory);
  g_assert_cmpint (json_object_get_int_member (memory, "rssBytes"), >, 0);
  usage = json_object_get_object_member (root, "usageLog");
  g_assert_nonnull (usage);
  g_assert_cmpint (json_object_get_int_member (usage, "written"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (usage, "failed"), ==, 0);
  g_assert_cmpint (sy_test_response_get_int_member (r, "openConnections"), >=, 1);
  g_assert_false (body_contains (r, SY_TEST_ADMIN_TOKEN));
}

/* === /v1 bad input ========================================================================= */

typedef struct
{
  const char *name;
  const char *method;
  const char *path;
  const char *content_type;
  const char *body;
  gssize      body_len;
  gboolean    chunked;
  guint       status;
  const char *code;
  gboolean    small_limit;   /* set maxBodyBytes to 1024 first */
} V1Case;

#define PAD48 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define BIG_BODY_PAD PAD48 PAD48 PAD48 PAD48
#define BIG_BODY                                                                                  \
  "{\"model\":\"mock/m1\",\"messages\":[{\"role\":\"user\",\"content\":\"" BIG_BODY_PAD           \
  BIG_BODY_PAD BIG_BODY_PAD BIG_BODY_PAD BIG_BODY_PAD BIG_BODY_PAD "\"}]}"

#define NUL_BODY "{\"model\":\"mock/m1\",\0\"messages\":[]}"
#define NEST10 "[[[[[[[[[["
#define UNNEST10 "]]]]]]]]]]"
#define NEST130 NEST10 NEST10 NEST10 NEST10 NEST10 NEST10 NEST10 NEST10 NEST10 NEST10 NEST10 \
  NEST10 NEST10
#define UNNEST130 UNNEST10 UNNEST10 UNNEST10 UNNEST10 UNNEST10 UNNEST10 UNNEST10 UNNEST10 UNNEST10 \
  UNNEST10 UNNEST10 UNNEST10 UNNEST10

static const V1Case v1_cases[] = {
  { "malformed-json",
    "POST", "/v1/chat/completions", "application/json", "{\"model\":", -1, FALSE, 400,
    "invalid_json", FALSE },
  { "top-level-array",
    "POST", "/v1/chat/completions", "application/json", "[{\"model\":\"mock/m1\"}]", -1, FALSE, 400,
    "invalid_json", FALSE },
  { "top-level-string",
    "POST", "/v1/chat/completions", "application/json", "\"hi\"", -1, FALSE, 400, "invalid_json",
    FALSE },
  { "invalid-utf8", "POST", "/v1/chat/completions", "application/json",
    "{\"model\":\"mock/m1\",\"messages\":[{\"role\":\"user\",\"content\":\"\xff\xfe\xc3\"}]}",
    -1, FALSE, 400, "invalid_json", FALSE },
  { "nul-byte",
    "POST", "/v1/chat/completions", "application/json", NUL_BODY, sizeof NUL_BODY - 1, FALSE, 400,
    "invalid_json", FALSE },
  { "trailing-garbage", "POST", "/v1/chat/completions", "application/json",
    "{\"model\":\"mock/m1\",\"messages\":[]} {}", -1, FALSE, 400, "invalid_json", FALSE },
  { "empty-body",
    "POST", "/v1/chat/completions", "application/json", "", 0, FALSE, 400, "invalid_json", FALSE },
  { "no-body", "POST", "/v1/chat/completions", NULL, NULL, -1, FALSE, 400, "invalid_json", FALSE },
  { "deep-nesting", "POST", "/v1/chat/completions", "application/json",
    "{\"model\":\"mock/m1\",\"messages\":[],\"x\":"
    NEST130 "1" UNNEST130 "}",
    -1, FALSE, 400, "invalid_json", FALSE },
  { "missing-model",
    "POST", "/v1/chat/completions", "application/json", "{\"messages\":[]}", -1, FALSE, 400,
    "missing_model", FALSE },
  { "model-number",
    "POST", "/v1/chat/completions", "application/json", "{\"model\":5,\"messages\":[]}", -1, FALSE,
    400, "invalid_model", FALSE },
  { "model-null",
    "POST", "/v1/chat/completions", "application/json", "{\"model\":null,\"messages\":[]}", -1,
    FALSE, 400, "invalid_model", FALSE },
  { "model-empty",
    "POST", "/v1/chat/completions", "application/json", "{\"model\":\"\",\"messages\":[]}", -1,
    FALSE, 400, "invalid_model", FALSE },
  { "stream-string",
    "POST", "/v1/chat/completions", "application/json",
    "{\"model\":\"mock/m1\",\"messages\":[],\"stream\":\"yes\"}", -1, FALSE, 400, "invalid_stream",
    FALSE },
  { "stream-number",
    "POST", "/v1/chat/completions", "application/json",
    "{\"model\":\"mock/m1\",\"messages\":[],\"stream\":1}", -1, FALSE, 400, "invalid_stream",
    FALSE },
  { "messages-missing",
    "POST", "/v1/chat/completions", "application/json", "{\"model\":\"mock/m1\"}", -1, FALSE, 400,
    "invalid_messages", FALSE },
  { "messages-string",
    "POST", "/v1/chat/completions", "application/json",
    "{\"model\":\"mock/m1\",\"messages\":\"hi\"}", -1, FALSE, 400, "invalid_messages", FALSE },
  { "unknown-provider",
    "POST", "/v1/chat/completions", "application/json", "{\"model\":\"nope/m1\",\"messages\":[]}",
    -1, FALSE, 404, "model_not_found", FALSE },
  { "text-plain",
    "POST", "/v1/chat/completions", "text/plain", "{\"model\":\"mock/m1\",\"messages\":[]}", -1,
    FALSE, 415, "unsupported_media_type", FALSE },
  { "form",
    "POST", "/v1/chat/completions", "application/x-www-form-urlencoded", "model=mock/m1", -1, FALSE,
    415, "unsupported_media_type", FALSE },
  { "get-chat",
    "GET", "/v1/chat/completions", NULL, NULL, -1, FALSE, 405, "method_not_allowed", FALSE },
  { "put-chat",
    "PUT", "/v1/chat/completions", "application/json", "{}", -1, FALSE, 405, "method_not_allowed",
    FALSE },
  { "post-models",
    "POST", "/v1/models", "application/json", "{}", -1, FALSE, 405, "method_not_allowed", FALSE },
  { "too-large",
    "POST", "/v1/chat/completions", "application/json", BIG_BODY, -1, FALSE, 413,
    "request_too_large", TRUE },
  { "too-large-chunked",
    "POST", "/v1/chat/completions", "application/json", BIG_BODY, -1, TRUE, 413,
    "request_too_large", TRUE },
  { "unknown-path",
    "POST", "/v1/nope", "application/json", "{}", -1, FALSE, 404, "not_found", FALSE },
  { "unknown-path-get", "GET", "/v1/chat", NULL, NULL, -1, FALSE, 404, "not_found", FALSE },
  { "triple-v1",
    "POST", "/v1/v1/v1/chat/completions", "application/json", "{}", -1, FALSE, 404, "not_found",
    FALSE },
  { "no-provider-in-path",
    "POST", "/v1/providers//chat/completions", "application/json", "{}", -1, FALSE, 404,
    "not_found", FALSE },
  { "nested-provider-in-path",
    "POST", "/v1/providers/a/b/chat/completions", "application/json", "{}", -1, FALSE, 404,
    "not_found", FALSE },
  { "unknown-forced-provider",
    "POST", "/v1/providers/nope/chat/completions", "application/json",
    "{\"model\":\"m1\",\"messages\":[]}", -1, FALSE, 404, "model_not_found", FALSE },
};

/* Two connected providers, so that an unknown prefix is not taken as part of a model name. */
static void
v1_fixture_setup (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  fixture_setup (f, data);
  a = sy_test_gateway_add_account (f->t, "mock", "sk-a", 1, NULL);
  b = sy_test_gateway_add_account (f->t, "mock2", "sk-b", 1, NULL);
}

static void
test_v1_bad_input (Fixture       *f,
                   gconstpointer  data)
{
  const V1Case *c = data;
  Request req = { c->method, c->path, c->content_type, c->body, c->body_len, c->chunked, NULL };
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) good = NULL;

  if (c->small_limit)
    {
      set_settings (f, "{\"maxBodyBytes\": 1024}");
      g_assert_cmpuint (strlen (c->body), >, 1024);
    }
  r = send_request (f, &req);
  assert_openai_error (r, c->status, c->code);
  /* RFC 9110 15.5.6: a 405 MUST say what is allowed */
  if (c->status == 405 && soup_message_headers_get_one (r->headers, "Allow") == NULL)
    {
      g_test_incomplete ("BUG: 405 from the models endpoint has no Allow header "
                         "(sy_models_endpoint_handle; the chat endpoint sets \"Allow: POST\")");
      return;
    }
  /* refused before any upstream was contacted */
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 0);

  /* and the gateway keeps serving */
  good = sy_test_gateway_chat (f->t, chat_body);
  g_assert_cmpuint (good->status, ==, 200);
  g_assert_cmpuint (sy_mock_upstream_get_requests (f->t->mock)->len, ==, 1);
}

/* A body just under the limit goes through. */
static void
test_v1_body_at_limit (Fixture       *f,
                       gconstpointer  data)
{
  GString *body = g_string_new ("{\"model\":\"mock/m1\",\"messages\":[],\"pad\":\"");
  g_autofree char *account = sy_test_gateway_add_account (f->t, "mock", "sk-up", 1, NULL);
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) chunked = NULL;
  g_autofree char *text = NULL;

  set_settings (f, "{\"maxBodyBytes\": 1024}");
  while (body->len < 1022)
    g_string_append_c (body, 'x');
  g_string_append (body, "\"}");
  g_assert_cmpuint (body->len, ==, 1024);
  text = g_string_free (body, FALSE);
  r = sy_test_gateway_chat (f->t, text);
  g_assert_cmpuint (r->status, ==, 200);
  {
    Request req = { "POST", "/v1/chat/completions", "application/json", text, -1, TRUE, NULL };

    chunked = send_request (f, &req);
    g_assert_cmpuint (chunked->status, ==, 200);
  }
}

/* A chunked body has no Content-Length for the early check: the limit must still hold while it
 * streams in, or any local client can make the gateway buffer without bound. */
typedef struct
{
  guint16   port;
  char     *reply;   /* what came back within the wait, or "" */
  gboolean  done;
} RawChunked;

static gpointer
raw_chunked_thread (gpointer data)
{
  RawChunked *raw = data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *head = g_strdup_printf ("POST /v1/chat/completions HTTP/1.1\r\n"
                                           "Host: 127.0.0.1:%u\r\n"
                                           "Content-Type: application/json\r\n"
                                           "Transfer-Encoding: chunked\r\n\r\n", raw->port);
  GOutputStream *out;
  GInputStream *in;
  char chunk[8192 + 16];
  char buf[4096];
  gssize n;

  conn = g_socket_client_connect_to_host (client, "127.0.0.1", raw->port, NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error);
  g_assert_no_error (error);

  /* 256 KiB in 8 KiB chunks, 256 times the limit, and no terminating chunk */
  memcpy (chunk, "2000\r\n", 6);
  memset (chunk + 6, ' ', 8192);
  memcpy (chunk + 6 + 8192, "\r\n", 2);
  for (guint i = 0; i < 32 && error == NULL; i++)
    g_output_stream_write_all (out, chunk, 6 + 8192 + 2, NULL, NULL, &error);
  g_clear_error (&error);

  g_socket_set_timeout (g_socket_connection_get_socket (conn), 3);
  n = g_input_stream_read (in, buf, sizeof buf - 1, NULL, NULL);
  raw->reply = g_strndup (buf, n > 0 ? (gsize) n : 0);
  g_atomic_int_set (&raw->done, TRUE);
  g_main_context_wakeup (NULL);
  return NULL;
}

static void
test_v1_chunked_limit_while_streaming (Fixture       *f,
                                       gconstpointer  data)
{
  RawChunked raw = { (guint16) f->port, NULL, FALSE };
  g_autoptr(SyTestResponse) good = NULL;
  GThread *thread;

  set_settings (f, "{\"maxBodyBytes\": 1024}");
  thread = g_thread_new ("raw-chunked", raw_chunked_thread, &raw);
  while (!g_atomic_int_get (&raw.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);

  /* the gateway still serves */
  good = sy_test_gateway_chat (f->t, chat_body);
  g_assert_cmpuint (good->status, ==, 200);

  if (!g_str_has_prefix (raw.reply, "HTTP/1.1 413"))
    {
      g_autofree char *reply = g_strescape (raw.reply, NULL);
      g_autofree char *message = g_strdup_printf (
        "BUG: a chunked /v1 body over maxBodyBytes is buffered until the client ends it: no 413 "
        "within 3 s after 256 KiB with a 1 KiB limit (early_cb only checks Content-Length); "
        "got \"%.60s\"", reply);

      g_test_incomplete (message);
    }
  g_free (raw.reply);
}

/* === routes ================================================================================ */

static void
test_v1_path_aliases (Fixture       *f,
                      gconstpointer  data)
{
  static const char * const paths[] = {
    "/v1/chat/completions", "/chat/completions", "/v1/v1/chat/completions",
  };
  g_autofree char *account = sy_test_gateway_add_account (f->t, "mock", "sk-up", 1, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      Request req = { "POST", paths[i], "application/json", chat_body, -1, FALSE, NULL };
      g_autoptr(SyTestResponse) r = send_request (f, &req);
      SyMockRequest *up;

      assert_labelled (paths[i], r, 200, NULL);
      g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Provider"), ==,
                       "mock");
      up = g_ptr_array_index (sy_mock_upstream_get_requests (f->t->mock), i);
      g_assert_cmpstr (up->path, ==, "/v1/chat/completions");
    }
}

static void
assert_model_list (SyTestResponse *r)
{
  JsonArray *data;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (sy_test_response_get_string (r, "object"), ==, "list");
  data = json_object_get_array_member (sy_test_response_get_object (r), "data");
  g_assert_nonnull (data);
  for (guint i = 0; i < json_array_get_length (data); i++)
    {
      JsonObject *model = json_array_get_object_element (data, i);

      g_assert_cmpstr (json_object_get_string_member (model, "object"), ==, "model");
      g_assert_cmpstr (json_object_get_string_member (model, "owned_by"), ==, "mock");
      g_ptr_array_add (ids, (gpointer) json_object_get_string_member (model, "id"));
    }
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_true (g_ptr_array_find_with_equal_func (ids, "mock/m1", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (ids, "mock/m2", g_str_equal, NULL));
}

static void
test_v1_models (Fixture       *f,
                gconstpointer  data)
{
  static const char * const paths[] = { "/v1/models", "/models", "/v1" };
  g_autofree char *account = sy_test_gateway_add_account (f->t, "mock", "sk-up", 1, NULL);
  SyMockRequest *up;

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(SyTestResponse) r = sy_test_gateway_request (f->t, "GET", paths[i], NULL, NULL,
                                                             -1, NULL);

      assert_labelled (paths[i], r, 200, NULL);
      assert_model_list (r);
    }
  up = g_ptr_array_index (sy_mock_upstream_get_requests (f->t->mock), 0);
  g_assert_cmpstr (up->method, ==, "GET");
  g_assert_cmpstr (up->path, ==, "/v1/models");
  g_assert_cmpstr (soup_message_headers_get_one (up->headers, "Authorization"), ==, "Bearer sk-up");
}

/* No accounts: an empty list, not an error. */
static void
test_v1_models_empty (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(SyTestResponse) r = sy_test_gateway_request (f->t, "GET", "/v1/models", NULL, NULL,
                                                         -1, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (
    json_object_get_array_member (sy_test_response_get_object (r), "data")), ==, 0);
}

static void
test_v1_forced_provider (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(SyTestResponse) bare = NULL;
  g_autoptr(SyTestResponse) own_prefix = NULL;
  g_autoptr(SyTestResponse) other_prefix = NULL;
  g_autoptr(SyTestResponse) without_v1 = NULL;
  SyGateway *gateway = f->t->gateway;
  g_autoptr(GPtrArray) accounts = sy_connection_repo_list (sy_gateway_get_connections (gateway),
                                                           NULL);
  g_autoptr(SyProviderNode) mock2 = sy_node_repo_lookup_by_prefix (sy_gateway_get_nodes (gateway),
                                                                   "mock2");
  const char *mock2_account = NULL;
  GPtrArray *upstream = sy_mock_upstream_get_requests (f->t->mock);

  for (guint i = 0; i < accounts->len; i++)
    {
      SyConnection *c = g_ptr_array_index (accounts, i);

      if (g_str_equal (c->provider, mock2->id))
        mock2_account = c->id;
    }
  g_assert_nonnull (mock2_account);

  {
    Request req = { "POST", "/v1/providers/mock2/chat/completions", "application/json",
                    "{\"model\":\"m1\",\"messages\":[]}", -1, FALSE, NULL };

    bare = send_request (f, &req);
  }
  g_assert_cmpuint (bare->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (bare->headers, "X-Switchyard-Provider"), ==,
                   "mock2");
  g_assert_cmpstr (soup_message_headers_get_one (bare->headers, "X-Switchyard-Connection"), ==,
                   mock2_account);
  g_assert_cmpstr (soup_message_headers_get_one (
                     ((SyMockRequest *) g_ptr_array_index (upstream, 0))->headers,
                     "Authorization"), ==, "Bearer sk-b");

  {
    Request req = { "POST", "/v1/providers/mock2/chat/completions", "application/json",
                    "{\"model\":\"mock2/m1\",\"messages\":[]}", -1, FALSE, NULL };

    own_prefix = send_request (f, &req);
  }
  g_assert_cmpuint (own_prefix->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (own_prefix->headers, "X-Switchyard-Model"), ==,
                   "m1");

  {
    Request req = { "POST", "/v1/providers/mock2/chat/completions", "application/json",
                    "{\"model\":\"mock/m1\",\"messages\":[]}", -1, FALSE, NULL };

    other_prefix = send_request (f, &req);
  }
  assert_openai_error (other_prefix, 400, "invalid_model");
  g_assert_cmpuint (upstream->len, ==, 2);

  {
    Request req = { "POST", "/providers/mock2/chat/completions", "application/json",
                    "{\"model\":\"m1\",\"messages\":[]}", -1, FALSE, NULL };

    without_v1 = send_request (f, &req);
  }
  g_assert_cmpuint (without_v1->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (without_v1->headers, "X-Switchyard-Provider"), ==,
                   "mock2");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sy/gateway/api/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
#define ADD_TABLE(prefix, table, func, setup)                                                     \
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)                                               \
    {                                                                                             \
      g_autofree char *path = g_strconcat ("/sy/gateway/api/" prefix "/", table[i].name, NULL); \
      g_test_add (path, Fixture, &table[i], setup, func, fixture_teardown);                       \
    }

  ADD ("guard/refuses-bad-token", test_api_refuses_bad_token);
  ADD ("guard/refuses-foreign-callers", test_api_refuses_foreign_callers);
  ADD ("guard/accepts-local-callers", test_api_accepts_local_callers);
  ADD ("guard/response-headers", test_api_response_headers);
  ADD ("guard/bare-prefix", test_api_bare_prefix);
  ADD ("v1-guard/refuses-foreign-callers-without-keys",
       test_v1_refuses_foreign_callers_without_keys);
  ADD ("v1-guard/with-keys-does-not-check-host", test_v1_with_keys_does_not_check_host);

  ADD ("nodes/crud", test_nodes_crud);
  ADD ("nodes/rename-prefix", test_nodes_rename_prefix);
  ADD_TABLE ("nodes/validation", node_cases, test_nodes_validation, fixture_setup);
  ADD ("nodes/patch-validation", test_nodes_patch_validation);
  ADD ("nodes/conflicts", test_nodes_conflicts);
  ADD_TABLE ("bodies", body_cases, test_api_bad_bodies, fixture_setup);
  ADD ("item-methods", test_api_item_methods);

  ADD ("providers/secret-handling", test_providers_secret_handling);
  ADD ("providers/patch-and-delete", test_providers_patch_and_delete);
  ADD ("providers/resolution", test_providers_resolution);
  ADD_TABLE ("providers/validation", provider_cases, test_providers_validation, fixture_setup);
  ADD ("providers/priority-bounds", test_providers_priority_bounds);

  ADD ("keys/lifecycle", test_keys_lifecycle);
  ADD ("keys/create", test_keys_create);
  ADD ("keys/create-scoped", test_keys_create_scoped);

  ADD ("settings/defaults", test_settings_defaults);
  ADD ("settings/persist", test_settings_persist);
  ADD_TABLE ("settings/validation", settings_cases, test_settings_validation, fixture_setup);
  ADD ("settings/bounds", test_settings_bounds);
  g_test_add_func ("/sy/gateway/api/settings/cannot-open-a-public-bind",
                   test_settings_cannot_open_a_public_bind);

  ADD ("health", test_health);

  ADD_TABLE ("v1/bad-input", v1_cases, test_v1_bad_input, v1_fixture_setup);
  ADD ("v1/body-at-limit", test_v1_body_at_limit);
  g_test_add ("/sy/gateway/api/v1/chunked-limit-while-streaming", Fixture, NULL, v1_fixture_setup,
              test_v1_chunked_limit_while_streaming, fixture_teardown);
  ADD ("v1/path-aliases", test_v1_path_aliases);
  ADD ("v1/models", test_v1_models);
  ADD ("v1/models-empty", test_v1_models_empty);
  g_test_add ("/sy/gateway/api/v1/forced-provider", Fixture, NULL, v1_fixture_setup,
              test_v1_forced_provider, fixture_teardown);

  return g_test_run ();
}

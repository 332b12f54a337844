/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Outbound proxies end to end: the /api/settings/proxy contract (merge, removal, passwords kept
 * out of settings and replies), the precedence key -> combo -> provider -> global -> environment
 * proven by which local proxy (HTTP or SOCKS5) saw the request, proxy credentials, a dead proxy
 * failing over like a network error, and the proxy test endpoint. The gateway, the proxies and
 * the mock upstream run in this process; nothing leaves 127.0.0.1.
 */
#include <string.h>

#include "sy-test-gateway-fixture.h"
#include "sy-test-http-proxy.h"
#include "sy-test-socks5-proxy.h"

typedef SyTestGatewayFixture Fixture;

static char *
entry (const char *type,
       guint       port,
       const char *username,
       const char *password)
{
  if (username == NULL)
    return g_strdup_printf ("{\"type\":\"%s\",\"host\":\"127.0.0.1\",\"port\":\"%u\"}", type,
                            port);
  return g_strdup_printf ("{\"type\":\"%s\",\"host\":\"127.0.0.1\",\"port\":\"%u\","
                          "\"username\":\"%s\",\"password\":\"%s\"}", type, port, username,
                          password);
}

static SyTestResponse *
put_proxies (Fixture    *f,
             const char *json)
{
  return sy_test_gateway_api (f->t, "PUT", "/api/settings/proxy", json);
}

static void
put_ok (Fixture    *f,
        const char *json)
{
  g_autoptr(SyTestResponse) r = put_proxies (f, json);

  if (r->status != 200)
    g_error ("PUT /api/settings/proxy %s: %u %s", json, r->status, sy_test_response_dup_body (r));
}

static SyTestResponse *
chat (Fixture    *f,
      const char *model,
      const char *key)
{
  g_autofree char *body = g_strdup_printf ("{\"model\":\"%s\",\"messages\":[{\"role\":\"user\","
                                           "\"content\":\"hi\"}]}", model);
  g_autofree char *bearer = key ? g_strconcat ("Bearer ", key, NULL) : NULL;

  if (key == NULL)
    return sy_test_gateway_chat (f->t, body);
  return sy_test_gateway_request (f->t, "POST", "/v1/chat/completions", "application/json", body,
                                  -1, "Authorization", bearer, NULL);
}

static void
chat_ok (Fixture    *f,
         const char *model,
         const char *key)
{
  g_autoptr(SyTestResponse) r = chat (f, model, key);

  if (r->status != 200)
    g_error ("chat %s: %u %s", model, r->status, sy_test_response_dup_body (r));
}

/* Two providers (node prefixes p1 and p2) on the mock upstream. */
static void
two_providers (Fixture *f)
{
  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  g_free (sy_test_gateway_add_account (f->t, "p2", "key-2", 1, NULL));
}

/* A port nothing listens on (bound, then closed). */
static guint
dead_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint port;

  g_assert_true (g_socket_bind (socket, address, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);
  return port;
}

static guint
mock_port (Fixture *f)
{
  g_autoptr(GUri) uri = g_uri_parse (sy_mock_upstream_get_base_url (f->t->mock), G_URI_FLAGS_NONE,
                                     NULL);

  return (guint) g_uri_get_port (uri);
}

static guint
upstream_count (Fixture *f)
{
  return sy_mock_upstream_get_requests (f->t->mock)->len;
}

/* --- the API ------------------------------------------------------------------------------- */

/* The guide's examples, merge semantics, null removal, and passwords never echoed or stored in
 * the database. */
static void
test_api_contract (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) shown = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *body = NULL;
  JsonObject *o;

  put_ok (f, "{\"global\": {\"type\":\"http\",\"host\":\"proxy.example.com\",\"port\":\"8080\"}}");
  put_ok (f, "{\"providers\": {\"openai\": {\"type\":\"socks5\",\"host\":\"proxy.example.com\","
             "\"port\":\"1080\",\"username\":\"alice\",\"password\":\"s3cret-Pa55\"}}}");
  put_ok (f, "{\"combos\": {\"fast\": {\"type\":\"http\",\"host\":\"10.0.0.2\",\"port\":3128}},"
             "\"providers\": {\"groq\": {\"type\":\"http\",\"host\":\"[::1]\","
             "\"port\":\"8888\"}}}");

  shown = sy_test_gateway_api (f->t, "GET", "/api/settings/proxy", NULL);
  g_assert_cmpuint (shown->status, ==, 200);
  body = sy_test_response_dup_body (shown);
  g_assert_null (strstr (body, "s3cret-Pa55"));
  g_assert_null (strstr (body, "passwordRef"));
  o = sy_test_response_get_object (shown);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "global"),
                                                  "host"), ==, "proxy.example.com");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "global"),
                                                  "port"), ==, "8080");
  {
    JsonObject *providers = json_object_get_object_member (o, "providers");
    JsonObject *openai = json_object_get_object_member (providers, "openai");
    JsonObject *groq = json_object_get_object_member (providers, "groq");

    g_assert_cmpstr (json_object_get_string_member (openai, "type"), ==, "socks5");
    g_assert_cmpstr (json_object_get_string_member (openai, "username"), ==, "alice");
    g_assert_true (json_object_get_boolean_member (openai, "hasPassword"));
    g_assert_false (json_object_has_member (openai, "password"));
    g_assert_cmpstr (json_object_get_string_member (groq, "host"), ==, "::1");
    g_assert_false (json_object_get_boolean_member (groq, "hasPassword"));
  }
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (json_object_get_object_member (o, "combos"),
                                                    "fast"), "port"), ==, "3128");

  /* The password lives in the secret store: the settings row only references it. */
  stored = sy_test_gateway_query_db_text (f->t, "SELECT value FROM settings WHERE key = ?",
                                          "outboundProxies");
  g_assert_nonnull (stored);
  g_assert_null (strstr (stored, "s3cret-Pa55"));
  g_assert_nonnull (strstr (stored, "\"passwordRef\":\"proxy/"));

  /* null removes one entry; the others stay. A moved proxy keeps its password when the
   * username is the same. */
  put_ok (f, "{\"global\": null, \"providers\": {\"groq\": null, \"openai\": {\"type\":\"socks5\","
             "\"host\":\"other.example.com\",\"port\":\"1080\",\"username\":\"alice\"}}}");
  g_clear_pointer (&shown, sy_test_response_free);
  shown = sy_test_gateway_api (f->t, "GET", "/api/settings/proxy", NULL);
  o = sy_test_response_get_object (shown);
  g_assert_true (json_object_get_null_member (o, "global"));
  g_assert_false (json_object_has_member (json_object_get_object_member (o, "providers"), "groq"));
  g_assert_true (json_object_get_boolean_member (
                   json_object_get_object_member (json_object_get_object_member (o, "providers"),
                                                  "openai"), "hasPassword"));
  g_assert_true (json_object_has_member (json_object_get_object_member (o, "combos"), "fast"));

  /* "password": null drops it. */
  put_ok (f, "{\"providers\": {\"openai\": {\"type\":\"socks5\",\"host\":\"other.example.com\","
             "\"port\":\"1080\",\"username\":\"alice\",\"password\":null}}}");
  g_clear_pointer (&shown, sy_test_response_free);
  shown = sy_test_gateway_api (f->t, "GET", "/api/settings/proxy", NULL);
  g_assert_false (json_object_get_boolean_member (
                    json_object_get_object_member (
                      json_object_get_object_member (sy_test_response_get_object (shown),
                                                     "providers"), "openai"), "hasPassword"));

  /* Bad input: a 400 naming the field, and nothing changed. */
  r = put_proxies (f, "{\"global\": {\"type\":\"http\",\"host\":\"h\",\"port\":\"99999\"}}");
  g_assert_cmpuint (r->status, ==, 400);
  g_assert_true (g_str_has_prefix (sy_test_response_get_string (r, "error.message"),
                                   "global.port"));
  g_clear_pointer (&r, sy_test_response_free);
  r = put_proxies (f, "{\"global\": {\"type\":\"https\",\"host\":\"h\",\"port\":\"1\"}}");
  g_assert_cmpuint (r->status, ==, 400);
  g_assert_true (g_str_has_prefix (sy_test_response_get_string (r, "error.message"),
                                   "global.type"));
  g_clear_pointer (&r, sy_test_response_free);
  r = put_proxies (f, "{\"keys\": {\"no-such-key\": {\"type\":\"http\",\"host\":\"h\","
                      "\"port\":\"1\"}}}");
  g_assert_cmpuint (r->status, ==, 400);
  g_assert_true (g_str_has_prefix (sy_test_response_get_string (r, "error.message"),
                                   "keys.no-such-key"));
  g_clear_pointer (&r, sy_test_response_free);
  r = put_proxies (f, "{\"everything\": {}}");
  g_assert_cmpuint (r->status, ==, 400);
  g_clear_pointer (&r, sy_test_response_free);
  r = put_proxies (f, "{\"providers\": {\"x\": {\"type\":\"http\",\"host\":\"a b\","
                      "\"port\":\"1\"}}}");
  g_assert_cmpuint (r->status, ==, 400);
  g_assert_true (g_str_has_prefix (sy_test_response_get_string (r, "error.message"),
                                   "providers.x.host"));
  g_clear_pointer (&r, sy_test_response_free);

  /* Through /api/settings a password cannot be smuggled into the database. */
  r = sy_test_gateway_api (f->t, "PUT", "/api/settings",
                           "{\"outboundProxies\": {\"global\": {\"type\":\"http\",\"host\":\"h\","
                           "\"port\":1,\"username\":\"u\",\"password\":\"p\"}}}");
  g_assert_cmpuint (r->status, ==, 400);
  g_clear_pointer (&r, sy_test_response_free);
  r = sy_test_gateway_api (f->t, "PUT", "/api/settings",
                           "{\"outboundProxies\": {\"global\": {\"type\":\"http\",\"host\":\"h\","
                           "\"port\":1,\"username\":\"u\",\"passwordRef\":\"connection/x\"}}}");
  g_assert_cmpuint (r->status, ==, 400);
  g_clear_pointer (&r, sy_test_response_free);

  r = sy_test_gateway_api (f->t, "DELETE", "/api/settings/proxy", NULL);
  g_assert_cmpuint (r->status, ==, 405);
  g_clear_pointer (&r, sy_test_response_free);
  r = sy_test_gateway_api (f->t, "GET", "/api/settings/proxy/nothing", NULL);
  g_assert_cmpuint (r->status, ==, 404);
  g_clear_pointer (&r, sy_test_response_free);
  r = sy_test_gateway_api (f->t, "GET", "/api/keys/a/b", NULL);
  g_assert_cmpuint (r->status, ==, 404);
}

/* --- precedence ---------------------------------------------------------------------------- */

static void
assert_served (guint http_global,
               guint socks_provider,
               guint http_combo,
               guint socks_key,
               SyTestHttpProxy   *g,
               SyTestSocks5Proxy *p,
               SyTestHttpProxy   *c,
               SyTestSocks5Proxy *k)
{
  g_assert_cmpuint (sy_test_http_proxy_get_served (g), ==, http_global);
  g_assert_cmpuint (sy_test_socks5_proxy_get_served (p), ==, socks_provider);
  g_assert_cmpuint (sy_test_http_proxy_get_served (c), ==, http_combo);
  g_assert_cmpuint (sy_test_socks5_proxy_get_served (k), ==, socks_key);
}

/* Four proxies, one per level; each request is seen by the one its level says, and with none
 * configured the request goes out directly (the environment's resolver, no_proxy=* here). */
static void
test_precedence (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SyTestHttpProxy) global = sy_test_http_proxy_new (NULL, NULL);
  g_autoptr(SyTestSocks5Proxy) provider = sy_test_socks5_proxy_new (NULL, NULL);
  g_autoptr(SyTestHttpProxy) combo = sy_test_http_proxy_new (NULL, NULL);
  g_autoptr(SyTestSocks5Proxy) key = sy_test_socks5_proxy_new (NULL, NULL);
  g_autoptr(SyTestResponse) created = NULL;
  g_autoptr(SyTestResponse) combo_created = NULL;
  g_autofree char *g = entry ("http", sy_test_http_proxy_get_port (global), NULL, NULL);
  g_autofree char *p = entry ("socks5", sy_test_socks5_proxy_get_port (provider), NULL, NULL);
  g_autofree char *c = entry ("http", sy_test_http_proxy_get_port (combo), NULL, NULL);
  g_autofree char *k = entry ("socks5", sy_test_socks5_proxy_get_port (key), NULL, NULL);
  g_autofree char *json = NULL;
  g_autofree char *expected = NULL;
  g_auto(GStrv) seen = NULL;
  const char *key_id, *key_text;

  two_providers (f);
  combo_created = sy_test_gateway_api (f->t, "POST", "/api/combos",
                                       "{\"name\":\"Duo\",\"models\":[\"p1/a\",\"p2/b\"]}");
  g_assert_cmpuint (combo_created->status, ==, 201);
  created = sy_test_gateway_api (f->t, "POST", "/api/keys", "{\"name\":\"laptop\"}");
  g_assert_cmpuint (created->status, ==, 201);
  key_id = sy_test_response_get_string (created, "id");
  key_text = sy_test_response_get_string (created, "key");

  /* Nothing configured: straight to the upstream. */
  chat_ok (f, "p1/m", NULL);
  assert_served (0, 0, 0, 0, global, provider, combo, key);
  g_assert_cmpuint (upstream_count (f), ==, 1);

  json = g_strdup_printf ("{\"global\": %s, \"providers\": {\"p1\": %s}, \"combos\": "
                          "{\"duo\": %s}, \"keys\": {\"%s\": %s}}", g, p, c, key_id, k);
  put_ok (f, json);

  chat_ok (f, "p2/m", NULL);                 /* global */
  assert_served (1, 0, 0, 0, global, provider, combo, key);
  chat_ok (f, "p1/m", NULL);                 /* provider over global */
  assert_served (1, 1, 0, 0, global, provider, combo, key);
  chat_ok (f, "duo", NULL);                  /* combo over provider (its member is p1) */
  assert_served (1, 1, 1, 0, global, provider, combo, key);
  chat_ok (f, "duo", key_text);              /* key over combo */
  assert_served (1, 1, 1, 1, global, provider, combo, key);
  chat_ok (f, "p2/m", key_text);             /* key over global */
  assert_served (1, 1, 1, 2, global, provider, combo, key);
  g_assert_cmpuint (upstream_count (f), ==, 6);

  /* The HTTP proxy forwarded an absolute-URI request; SOCKS5 tunnelled to the mock. */
  seen = sy_test_http_proxy_dup_requests (global);
  expected = g_strdup_printf ("POST http://127.0.0.1:%u/v1/chat/completions", mock_port (f));
  g_assert_cmpstr (seen[0], ==, expected);
  g_clear_pointer (&seen, g_strfreev);
  g_clear_pointer (&expected, g_free);
  seen = sy_test_socks5_proxy_dup_requests (provider);
  expected = g_strdup_printf ("CONNECT 127.0.0.1:%u", mock_port (f));
  g_assert_cmpstr (seen[0], ==, expected);

  /* Removing the levels one by one falls back down the order, to direct at the end. */
  g_clear_pointer (&json, g_free);
  json = g_strdup_printf ("{\"keys\": {\"%s\": null}}", key_id);
  put_ok (f, json);
  chat_ok (f, "duo", key_text);
  assert_served (1, 1, 2, 2, global, provider, combo, key);
  put_ok (f, "{\"combos\": null}");
  chat_ok (f, "duo", key_text);
  assert_served (1, 2, 2, 2, global, provider, combo, key);
  put_ok (f, "{\"providers\": {\"p1\": null}}");
  chat_ok (f, "duo", key_text);
  assert_served (2, 2, 2, 2, global, provider, combo, key);
  put_ok (f, "{\"global\": null}");
  chat_ok (f, "duo", key_text);
  assert_served (2, 2, 2, 2, global, provider, combo, key);
  g_assert_cmpuint (upstream_count (f), ==, 10);
}

/* A proxy replaced in the setting is not used again: its session is dropped. */
static void
test_setting_change_switches_proxy (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(SyTestHttpProxy) first = sy_test_http_proxy_new (NULL, NULL);
  g_autoptr(SyTestSocks5Proxy) second = sy_test_socks5_proxy_new (NULL, NULL);
  g_autofree char *a = entry ("http", sy_test_http_proxy_get_port (first), NULL, NULL);
  g_autofree char *b = entry ("socks5", sy_test_socks5_proxy_get_port (second), NULL, NULL);
  g_autofree char *json = NULL;

  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  json = g_strdup_printf ("{\"global\": %s}", a);
  put_ok (f, json);
  chat_ok (f, "p1/m", NULL);
  chat_ok (f, "p1/m", NULL);
  g_assert_cmpuint (sy_test_http_proxy_get_served (first), ==, 2);

  g_clear_pointer (&json, g_free);
  json = g_strdup_printf ("{\"global\": %s}", b);
  put_ok (f, json);
  chat_ok (f, "p1/m", NULL);
  g_assert_cmpuint (sy_test_http_proxy_get_served (first), ==, 2);
  g_assert_cmpuint (sy_test_socks5_proxy_get_served (second), ==, 1);
}

/* --- credentials --------------------------------------------------------------------------- */

static void
test_http_credentials (Fixture       *f,
                       gconstpointer  data)
{
  /* Characters that must be escaped in a proxy URI. */
  g_autoptr(SyTestHttpProxy) proxy = sy_test_http_proxy_new ("bob", "p@ss:w/rd%");
  g_autofree char *good = entry ("http", sy_test_http_proxy_get_port (proxy), "bob",
                                 "p@ss:w/rd%");
  g_autofree char *bad = entry ("http", sy_test_http_proxy_get_port (proxy), "bob", "wrong");
  g_autofree char *json = NULL;
  g_autofree char *seen = NULL;
  g_autoptr(SyTestResponse) r = NULL;

  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  json = g_strdup_printf ("{\"providers\": {\"p1\": %s}}", good);
  put_ok (f, json);
  chat_ok (f, "p1/m", NULL);
  g_assert_cmpuint (sy_test_http_proxy_get_served (proxy), ==, 1);
  seen = sy_test_http_proxy_dup_credentials (proxy);
  g_assert_cmpstr (seen, ==, "bob:p@ss:w/rd%");

  /* Wrong credentials: the proxy's 407 is a network failure, never relayed as it is. */
  g_clear_pointer (&json, g_free);
  json = g_strdup_printf ("{\"providers\": {\"p1\": %s}}", bad);
  put_ok (f, json);
  r = chat (f, "p1/m", NULL);
  g_assert_cmpuint (r->status, ==, 502);
  g_assert_nonnull (strstr (sy_test_response_get_string (r, "error.message"), "407"));
  g_assert_cmpuint (sy_test_http_proxy_get_served (proxy), ==, 1);
  g_assert_cmpuint (sy_test_http_proxy_get_refused (proxy), >, 0);
  g_assert_cmpuint (upstream_count (f), ==, 1);
}

static void
test_socks5_credentials (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(SyTestSocks5Proxy) proxy = sy_test_socks5_proxy_new ("carol", "s0cks:pw@");
  g_autofree char *good = entry ("socks5", sy_test_socks5_proxy_get_port (proxy), "carol",
                                 "s0cks:pw@");
  g_autofree char *json = NULL;
  g_autofree char *seen = NULL;

  g_free (sy_test_gateway_add_account (f->t, "p1", "key-1", 1, NULL));
  json = g_strdup_printf ("{\"global\": %s}", good);
  put_ok (f, json);
  chat_ok (f, "p1/m", NULL);
  g_assert_cmpuint (sy_test_socks5_proxy_get_served (proxy), ==, 1);
  g_assert_cmpuint (sy_test_socks5_proxy_get_refused (proxy), ==, 0);
  seen = sy_test_socks5_proxy_dup_credentials (proxy);
  g_assert_cmpstr (seen, ==, "carol:s0cks:pw@");
}

/* --- failure ------------------------------------------------------------------------------- */

/* A proxy that does not answer is a network failure: the combo's next member serves, and a
 * request with nothing else to try gets a 502 in its own dialect. */
static void
test_dead_proxy_fails_over (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *dead = entry ("socks5", dead_port (), NULL, NULL);
  g_autofree char *json = g_strdup_printf ("{\"providers\": {\"p1\": %s}}", dead);
  g_autoptr(SyTestResponse) r = NULL;
  g_autoptr(SyTestResponse) combo = NULL;
  g_autoptr(SyTestResponse) alone = NULL;

  two_providers (f);
  combo = sy_test_gateway_api (f->t, "POST", "/api/combos",
                               "{\"name\":\"duo\",\"models\":[\"p1/a\",\"p2/b\"]}");
  g_assert_cmpuint (combo->status, ==, 201);
  put_ok (f, json);

  r = chat (f, "duo", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Provider"), ==, "p2");
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Attempts"), ==, "2");
  g_assert_cmpuint (upstream_count (f), ==, 1);

  alone = sy_test_gateway_request (f->t, "POST", "/v1/messages", "application/json",
                                   "{\"model\":\"p1/m\",\"max_tokens\":10,\"messages\":"
                                   "[{\"role\":\"user\",\"content\":\"hi\"}]}", -1, NULL);
  g_assert_cmpuint (alone->status, ==, 502);
  g_assert_cmpstr (sy_test_response_get_string (alone, "type"), ==, "error");
  g_assert_nonnull (strstr (sy_test_response_get_string (alone, "error.message"), "p1"));
  g_assert_cmpuint (upstream_count (f), ==, 1);
}

/* --- the test endpoint --------------------------------------------------------------------- */

static SyTestResponse *
probe (Fixture    *f,
       const char *proxy,
       const char *url)
{
  g_autofree char *json = url ? g_strdup_printf ("{\"proxy\": %s, \"url\": \"%s\"}", proxy, url)
                              : g_strdup_printf ("{\"proxy\": %s, \"timeoutMs\": 2000}", proxy);

  return sy_test_gateway_api (f->t, "POST", "/api/settings/proxy/test", json);
}

static void
test_probe_endpoint (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(SyTestHttpProxy) http = sy_test_http_proxy_new (NULL, NULL);
  g_autoptr(SyTestSocks5Proxy) socks = sy_test_socks5_proxy_new (NULL, NULL);
  g_autoptr(SyTestHttpProxy) guarded = sy_test_http_proxy_new ("u", "p");
  g_autofree char *via_http = entry ("http", sy_test_http_proxy_get_port (http), NULL, NULL);
  g_autofree char *via_socks = entry ("socks5", sy_test_socks5_proxy_get_port (socks), NULL,
                                      NULL);
  g_autofree char *no_credentials = entry ("http", sy_test_http_proxy_get_port (guarded), NULL,
                                           NULL);
  g_autofree char *credentials = entry ("http", sy_test_http_proxy_get_port (guarded), "u", "p");
  g_autofree char *dead = entry ("http", dead_port (), NULL, NULL);
  g_autofree char *url = g_strdup_printf ("%s/models", sy_mock_upstream_get_base_url (f->t->mock));
  guint nobody = dead_port ();
  g_autofree char *tls_url = g_strdup_printf ("https://127.0.0.1:%u/v1/models", nobody);
  g_autofree char *expected = NULL;
  g_auto(GStrv) seen = NULL;
  g_autoptr(SyTestResponse) r = NULL;

  r = probe (f, via_http, url);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (sy_test_response_get_object (r), "ok"));
  g_assert_cmpint (sy_test_response_get_int_member (r, "status"), >=, 200);
  g_assert_cmpint (sy_test_response_get_int_member (r, "latencyMs"), >=, 0);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (sy_test_response_get_object (r),
                                                               "error")));
  seen = sy_test_http_proxy_dup_requests (http);
  expected = g_strdup_printf ("GET %s", url);
  g_assert_cmpstr (seen[0], ==, expected);
  g_clear_pointer (&r, sy_test_response_free);

  r = probe (f, via_socks, url);
  g_assert_true (json_object_get_boolean_member (sy_test_response_get_object (r), "ok"));
  g_assert_cmpuint (sy_test_socks5_proxy_get_served (socks), ==, 1);
  g_clear_pointer (&r, sy_test_response_free);

  /* Credentials: without them the proxy's 407 comes back as a failed test. */
  r = probe (f, no_credentials, url);
  g_assert_false (json_object_get_boolean_member (sy_test_response_get_object (r), "ok"));
  g_assert_cmpint (sy_test_response_get_int_member (r, "status"), ==, 407);
  g_assert_nonnull (sy_test_response_get_string (r, "error"));
  g_clear_pointer (&r, sy_test_response_free);
  r = probe (f, credentials, url);
  g_assert_true (json_object_get_boolean_member (sy_test_response_get_object (r), "ok"));
  g_clear_pointer (&r, sy_test_response_free);

  /* Nothing listening: not ok, no status, the reason. */
  r = probe (f, dead, url);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_false (json_object_get_boolean_member (sy_test_response_get_object (r), "ok"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (sy_test_response_get_object (r),
                                                               "status")));
  g_assert_nonnull (sy_test_response_get_string (r, "error"));
  g_clear_pointer (&r, sy_test_response_free);

  /* An https URL asks for a CONNECT tunnel (to a port nobody listens on: the proxy's 502
   * fails the test). */
  r = probe (f, via_http, tls_url);
  g_assert_false (json_object_get_boolean_member (sy_test_response_get_object (r), "ok"));
  g_clear_pointer (&seen, g_strfreev);
  g_clear_pointer (&expected, g_free);
  seen = sy_test_http_proxy_dup_requests (http);
  expected = g_strdup_printf ("CONNECT 127.0.0.1:%u", nobody);
  g_assert_cmpuint (g_strv_length (seen), ==, 2);
  g_assert_cmpstr (seen[1], ==, expected);
  g_clear_pointer (&r, sy_test_response_free);

  /* Bad input names the field. */
  r = sy_test_gateway_api (f->t, "POST", "/api/settings/proxy/test", "{\"url\": \"http://x\"}");
  g_assert_cmpuint (r->status, ==, 400);
  g_assert_true (g_str_has_prefix (sy_test_response_get_string (r, "error.message"), "proxy"));
  g_clear_pointer (&r, sy_test_response_free);
  r = sy_test_gateway_api (f->t, "POST", "/api/settings/proxy/test",
                           "{\"proxy\": {\"type\":\"http\",\"host\":\"h\",\"port\":\"1\"},"
                           "\"url\": \"ftp://x\"}");
  g_assert_cmpuint (r->status, ==, 400);
  g_assert_true (g_str_has_prefix (sy_test_response_get_string (r, "error.message"), "url"));
  g_clear_pointer (&r, sy_test_response_free);
  r = sy_test_gateway_api (f->t, "GET", "/api/settings/proxy/test", NULL);
  g_assert_cmpuint (r->status, ==, 405);

  /* The guarded proxy served only the probe that had its credentials. */
  g_assert_cmpuint (sy_test_http_proxy_get_served (guarded), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sy/gateway/proxies/" path, Fixture, NULL, sy_test_gateway_fixture_setup, func, \
              sy_test_gateway_fixture_teardown)

  ADD ("api-contract", test_api_contract);
  ADD ("precedence", test_precedence);
  ADD ("setting-change-switches-proxy", test_setting_change_switches_proxy);
  ADD ("http-credentials", test_http_credentials);
  ADD ("socks5-credentials", test_socks5_credentials);
  ADD ("dead-proxy-fails-over", test_dead_proxy_fails_over);
  ADD ("test-endpoint", test_probe_endpoint);
  return g_test_run ();
}

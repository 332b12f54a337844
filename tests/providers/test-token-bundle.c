/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyTokenBundle: the stored form round-trips, token responses are read with rotation and
 * without, and the bearer is the token inference needs.
 */
#include "providers/sy-token-bundle.h"

#define NOW_MS G_GINT64_CONSTANT (1800000000000)

static JsonObject *
object_from (const char *text)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  g_assert_nonnull (node);
  return json_object_ref (json_node_get_object (node));
}

static void
test_round_trip (void)
{
  g_autoptr(SyTokenBundle) bundle = sy_token_bundle_new ();
  g_autoptr(SyTokenBundle) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  bundle->access_token = g_strdup ("at-1");
  bundle->refresh_token = g_strdup ("rt-1");
  bundle->id_token = g_strdup ("a.b.c");
  bundle->expires_at = NOW_MS + 3600000;
  bundle->session_token = g_strdup ("tid=copilot");
  bundle->session_expires_at = NOW_MS + 1500000;
  bundle->client_secret = g_strdup ("registered-client-secret");
  text = sy_token_bundle_serialize (bundle);
  g_assert_true (sy_token_bundle_is_bundle (text));
  back = sy_token_bundle_parse (text, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->access_token, ==, "at-1");
  g_assert_cmpstr (back->refresh_token, ==, "rt-1");
  g_assert_cmpstr (back->id_token, ==, "a.b.c");
  g_assert_null (back->api_key);
  g_assert_cmpstr (back->client_secret, ==, "registered-client-secret");
  g_assert_cmpint (back->expires_at, ==, NOW_MS + 3600000);
  g_assert_cmpint (back->session_expires_at, ==, NOW_MS + 1500000);
  /* The session token is what goes upstream, and its expiry is the one that counts. */
  g_assert_cmpstr (sy_token_bundle_get_bearer (back), ==, "tid=copilot");
  g_assert_cmpint (sy_token_bundle_get_bearer_expiry (back), ==, NOW_MS + 1500000);
}

static void
test_parse_refuses (void)
{
  const char *bad[] = { "sk-plain-api-key", "{", "[1]", "{\"refresh_token\":\"x\"}",
                        "{\"access_token\":\"\"}", "{\"access_token\":42}" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SyTokenBundle) bundle = sy_token_bundle_parse (bad[i], &error);

      g_assert_null (bundle);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
  g_assert_false (sy_token_bundle_is_bundle ("sk-plain"));
  g_assert_false (sy_token_bundle_is_bundle (NULL));
}

static void
test_response_first_login (void)
{
  g_autoptr(JsonObject) response =
    object_from ("{\"access_token\":\"at\",\"refresh_token\":\"rt\",\"expires_in\":3600,"
                 "\"token_type\":\"Bearer\",\"id_token\":\"h.p.s\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(SyTokenBundle) bundle = sy_token_bundle_from_response (response, NULL, NOW_MS, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (bundle->access_token, ==, "at");
  g_assert_cmpstr (bundle->refresh_token, ==, "rt");
  g_assert_cmpstr (bundle->token_type, ==, "Bearer");
  g_assert_cmpint (bundle->expires_at, ==, NOW_MS + 3600 * 1000);
  g_assert_cmpstr (sy_token_bundle_get_bearer (bundle), ==, "at");
}

static void
test_response_rotation (void)
{
  g_autoptr(SyTokenBundle) previous = sy_token_bundle_new ();
  g_autoptr(JsonObject) rotating =
    object_from ("{\"access_token\":\"at2\",\"refresh_token\":\"rt2\",\"expires_in\":\"60\"}");
  g_autoptr(JsonObject) google = object_from ("{\"access_token\":\"at3\",\"expires_in\":3599}");
  g_autoptr(JsonObject) absolute =
    object_from ("{\"access_token\":\"at4\",\"expires_at\":1800000600}");
  g_autoptr(SyTokenBundle) rotated = NULL;
  g_autoptr(SyTokenBundle) kept = NULL;
  g_autoptr(SyTokenBundle) seconds = NULL;

  previous->access_token = g_strdup ("at1");
  previous->refresh_token = g_strdup ("rt1");
  previous->api_key = g_strdup ("iflow-key");
  rotated = sy_token_bundle_from_response (rotating, previous, NOW_MS, NULL);
  g_assert_cmpstr (rotated->refresh_token, ==, "rt2");
  g_assert_cmpint (rotated->expires_at, ==, NOW_MS + 60000);
  /* What the answer does not mention stays: the issued key, a non-rotating refresh token. */
  g_assert_cmpstr (rotated->api_key, ==, "iflow-key");
  kept = sy_token_bundle_from_response (google, previous, NOW_MS, NULL);
  g_assert_cmpstr (kept->access_token, ==, "at3");
  g_assert_cmpstr (kept->refresh_token, ==, "rt1");
  seconds = sy_token_bundle_from_response (absolute, NULL, NOW_MS, NULL);
  g_assert_cmpint (seconds->expires_at, ==, NOW_MS + 600000);
  g_assert_cmpstr (previous->refresh_token, ==, "rt1");
}

/* A lifetime no gint64 holds, or a negative one, is no lifetime at all (and never undefined
 * behaviour: UBSan runs this in the sanitizer build). */
static void
test_response_absurd_lifetime (void)
{
  const char * const answers[] = {
    "{\"access_token\":\"at\",\"expires_in\":1e300}",
    "{\"access_token\":\"at\",\"expires_in\":-5.5}",
    "{\"access_token\":\"at\",\"expires_in\":9.3e18}",
  };
  g_autoptr(JsonObject) plain = object_from ("{\"access_token\":\"at\"}");
  g_autoptr(SyTokenBundle) without = sy_token_bundle_from_response (plain, NULL, NOW_MS, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr(JsonObject) answer = object_from (answers[i]);
      g_autoptr(SyTokenBundle) bundle = sy_token_bundle_from_response (answer, NULL, NOW_MS,
                                                                        NULL);

      g_assert_nonnull (bundle);
      g_assert_cmpint (bundle->expires_at, ==, without->expires_at);
    }
}

static void
test_response_without_token (void)
{
  g_autoptr(JsonObject) response = object_from ("{\"error\":\"invalid_grant\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(SyTokenBundle) bundle = sy_token_bundle_from_response (response, NULL, NOW_MS, &error);

  g_assert_null (bundle);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/token-bundle/round-trip", test_round_trip);
  g_test_add_func ("/token-bundle/parse-refuses", test_parse_refuses);
  g_test_add_func ("/token-bundle/response/first-login", test_response_first_login);
  g_test_add_func ("/token-bundle/response/rotation", test_response_rotation);
  g_test_add_func ("/token-bundle/response/absurd-lifetime", test_response_absurd_lifetime);
  g_test_add_func ("/token-bundle/response/without-token", test_response_without_token);
  return g_test_run ();
}

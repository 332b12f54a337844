/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Cloud Code envelope functions of the gemini-cli codec: wrapping byte for byte (session
 * id, project, re-wrapping an envelope), the derived user_prompt_id (checked against python3
 * hashlib), unwrapping, and what is refused. The codec's translations are golden cases.
 */
#include <string.h>

#include "translate/gemini-cli/sy-gemini-cli.h"

static char *
wrap (const char  *body,
      const char  *model,
      const char  *project,
      const char  *session_id,
      GError     **error)
{
  g_autoptr(GBytes) in = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) out = sy_gemini_cli_wrap (in, model, project, session_id, error);
  gsize len;
  const char *data;

  if (out == NULL)
    return NULL;
  data = g_bytes_get_data (out, &len);
  return g_strndup (data, len);
}

/* python3: d = bytearray(hashlib.sha1(b'{"contents":[]}').digest()); d[6] = d[6] & 0x0f | 0x50;
 * d[8] = d[8] & 0x3f | 0x80; uuid.UUID(bytes=bytes(d[:16])) */
#define EMPTY_CONTENTS_ID "6eb63bbd-21c4-555d-bbba-30c3537bbc12"

static void
test_wrap (void)
{
  g_autofree char *out = wrap ("  {\"contents\":[]}\n", "models/gemini-2.5-pro", "p-1", NULL,
                               NULL);

  g_assert_cmpstr (out, ==, "{\"model\":\"gemini-2.5-pro\",\"project\":\"p-1\","
                   "\"user_prompt_id\":\"" EMPTY_CONTENTS_ID "\",\"request\":{\"contents\":[]}}");
}

static void
test_wrap_session (void)
{
  g_autofree char *out = wrap ("{\"contents\":[]}", "gemini-2.5-pro", NULL, "s-\"1\"", NULL);
  g_autofree char *empty = wrap ("{ }", "m", NULL, "s", NULL);
  g_autofree char *kept = wrap ("{\"session_id\":\"mine\",\"contents\":[]}", "m", NULL, "s",
                                NULL);

  g_assert_cmpstr (out, ==, "{\"model\":\"gemini-2.5-pro\",\"user_prompt_id\":\""
                   EMPTY_CONTENTS_ID "\",\"request\":{\"session_id\":\"s-\\\"1\\\"\","
                   "\"contents\":[]}}");
  g_assert_nonnull (strstr (empty, "\"request\":{\"session_id\":\"s\" }}"));
  g_assert_nonnull (strstr (kept, "\"request\":{\"session_id\":\"mine\",\"contents\":[]}}"));
}

static void
test_rewrap (void)
{
  g_autofree char *first = wrap ("{\"contents\":[]}", "gemini-2.5-pro", NULL, NULL, NULL);
  g_autofree char *second = wrap (first, "gemini-2.5-pro", "proj", NULL, NULL);
  g_autofree char *third = wrap (second, "gemini-2.5-flash", NULL, NULL, NULL);

  /* the request is not wrapped twice; the id stays; a NULL project keeps the envelope's */
  g_assert_cmpstr (second, ==, "{\"model\":\"gemini-2.5-pro\",\"project\":\"proj\","
                   "\"user_prompt_id\":\"" EMPTY_CONTENTS_ID "\",\"request\":{\"contents\":[]}}");
  g_assert_cmpstr (third, ==, "{\"model\":\"gemini-2.5-flash\",\"project\":\"proj\","
                   "\"user_prompt_id\":\"" EMPTY_CONTENTS_ID "\",\"request\":{\"contents\":[]}}");
}

static void
test_wrap_refused (void)
{
  static const char * const bad[] = { "", "[]", "{\"contents\": [", "\"x\"", "{} {}" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = wrap (bad[i], "m", NULL, NULL, &error);

      g_assert_null (out);
      g_assert_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_INVALID_REQUEST);
    }
}

static void
test_unwrap (void)
{
  static const char wrapped[] = "{\"traceId\":\"t\",\"response\": {\"candidates\":[]} }";
  const char *inner = NULL;
  gsize len = 0;

  g_assert_true (sy_gemini_cli_unwrap (wrapped, strlen (wrapped), "response", &inner, &len));
  g_assert_cmpmem (inner, len, "{\"candidates\":[]}", 17);
  g_assert_false (sy_gemini_cli_unwrap ("{\"error\":{\"code\":400}}", 22, "response", &inner,
                                        &len));
  g_assert_false (sy_gemini_cli_unwrap ("{\"response\":[]}", 15, "response", &inner, &len));
  g_assert_false (sy_gemini_cli_unwrap ("{\"response\":{", 13, "response", &inner, &len));
  g_assert_false (sy_gemini_cli_unwrap (NULL, 0, "response", &inner, &len));
}

static void
test_codec_errors (void)
{
  const SyCodec *codec = sy_codec_get (SY_DIALECT_GEMINI_CLI);
  static const char body[] = "{\"error\":{\"code\":429,\"message\":\"Quota exceeded.\","
                             "\"status\":\"RESOURCE_EXHAUSTED\"}}";
  g_autofree char *type = NULL;
  g_autofree char *message = NULL;
  g_autofree char *formatted = codec->format_error (404, "not_found_error", NULL, "no model");

  g_assert_cmpint (codec->dialect, ==, SY_DIALECT_GEMINI_CLI);
  g_assert_true (codec->parse_error (body, strlen (body), &type, &message));
  g_assert_cmpstr (type, ==, "rate_limit_error");
  g_assert_cmpstr (message, ==, "Quota exceeded.");
  g_assert_cmpstr (formatted, ==,
                   "{\"error\":{\"code\":404,\"message\":\"no model\",\"status\":\"NOT_FOUND\"}}");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sy/translate/gemini-cli/wrap", test_wrap);
  g_test_add_func ("/sy/translate/gemini-cli/wrap-session", test_wrap_session);
  g_test_add_func ("/sy/translate/gemini-cli/rewrap", test_rewrap);
  g_test_add_func ("/sy/translate/gemini-cli/wrap-refused", test_wrap_refused);
  g_test_add_func ("/sy/translate/gemini-cli/unwrap", test_unwrap);
  g_test_add_func ("/sy/translate/gemini-cli/codec-errors", test_codec_errors);
  return g_test_run ();
}

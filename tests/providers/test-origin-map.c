/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyOriginMap: mapped origins are rewritten with path and query kept, others untouched, and
 * malformed specifications are refused as a whole.
 */
#include <gio/gio.h>

#include "providers/sy-origin-map.h"

static void
test_rewrite (void)
{
  g_autoptr(SyOriginMap) map = sy_origin_map_new ();
  g_autoptr(GError) error = NULL;
  struct { const char *in, *out; } cases[] = {
    { "https://auth.openai.com/oauth/token", "http://127.0.0.1:9000/oauth/token" },
    { "https://AUTH.openai.com:443/oauth/authorize?a=1&b=2",
      "http://127.0.0.1:9000/oauth/authorize?a=1&b=2" },
    { "https://auth.openai.com", "http://127.0.0.1:9000" },
    { "https://auth.openai.com?x=1", "http://127.0.0.1:9000?x=1" },
    { "https://github.com/login/device/code", "http://127.0.0.1:9001/login/device/code" },
    { "https://auth.openai.com:8443/oauth/token", "https://auth.openai.com:8443/oauth/token" },
    { "http://auth.openai.com/oauth/token", "http://auth.openai.com/oauth/token" },
    { "https://api.openai.com/v1", "https://api.openai.com/v1" },
    { "not a url", "not a url" },
  };

  g_assert_true (sy_origin_map_add (map, "https://auth.openai.com", "http://127.0.0.1:9000",
                                    &error));
  g_assert_no_error (error);
  g_assert_true (sy_origin_map_parse (map, " https://github.com/ = http://127.0.0.1:9001 ,",
                                      &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = sy_origin_map_rewrite (map, cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_refuses (void)
{
  g_autoptr(SyOriginMap) map = sy_origin_map_new ();
  const char *bad[] = {
    "https://a.example=http://127.0.0.1:1,https://b.example",  /* second pair has no '=' */
    "https://a.example/path=http://127.0.0.1:1",
    "ftp://a.example=http://127.0.0.1:1",
    "https://a.example=http://user@127.0.0.1:1",
    "https://a.example=http://127.0.0.1:1/?q",
  };
  g_autofree char *untouched = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (sy_origin_map_parse (map, bad[i], &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }
  /* All or nothing: the valid first pair of a refused specification was not kept. */
  untouched = sy_origin_map_rewrite (map, "https://a.example/x");
  g_assert_cmpstr (untouched, ==, "https://a.example/x");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/origin-map/rewrite", test_rewrite);
  g_test_add_func ("/origin-map/refuses", test_refuses);
  return g_test_run ();
}

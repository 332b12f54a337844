/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tray's state mapping (src/tray/sy-tray-state.c): state names, icon candidates, titles,
 * menu summaries and endpoint ports. Pure: no display, no bus.
 */
#define G_LOG_DOMAIN "test-tray-state"

#include "sy-tray-state.h"

static void
test_from_string (void)
{
  static const SyTrayState known[] = {
    SY_TRAY_STATE_SERVING, SY_TRAY_STATE_DEGRADED, SY_TRAY_STATE_PAUSED,
    SY_TRAY_STATE_PORT_IN_USE,
  };

  for (size_t i = 0; i < G_N_ELEMENTS (known); i++)
    g_assert_cmpint (sy_tray_state_from_string (sy_tray_state_to_string (known[i])), ==,
                     known[i]);

  g_assert_cmpint (sy_tray_state_from_string ("serving"), ==, SY_TRAY_STATE_SERVING);
  g_assert_cmpint (sy_tray_state_from_string ("port-in-use"), ==, SY_TRAY_STATE_PORT_IN_USE);
  g_assert_cmpint (sy_tray_state_from_string (NULL), ==, SY_TRAY_STATE_UNKNOWN);
  g_assert_cmpint (sy_tray_state_from_string (""), ==, SY_TRAY_STATE_UNKNOWN);
  g_assert_cmpint (sy_tray_state_from_string ("Serving"), ==, SY_TRAY_STATE_UNKNOWN);
  g_assert_cmpstr (sy_tray_state_to_string (SY_TRAY_STATE_UNKNOWN), ==, "unknown");
}

static void
test_icons (void)
{
  static const SyTrayState states[] = {
    SY_TRAY_STATE_UNKNOWN, SY_TRAY_STATE_SERVING, SY_TRAY_STATE_DEGRADED,
    SY_TRAY_STATE_PAUSED, SY_TRAY_STATE_PORT_IN_USE,
  };
  g_autoptr(GHashTable) fallbacks = g_hash_table_new (g_str_hash, g_str_equal);

  for (size_t i = 0; i < G_N_ELEMENTS (states); i++)
    {
      const char * const *names = sy_tray_state_get_icon_names (states[i]);
      guint n = g_strv_length ((char **) names);

      /* At least the app's own icon and a stock fallback, all symbolic. */
      g_assert_cmpuint (n, >=, 2);
      for (guint j = 0; j < n; j++)
        g_assert_true (g_str_has_suffix (names[j], "-symbolic"));
      g_assert_true (g_str_has_prefix (names[0], SY_APP_ID));

      g_hash_table_add (fallbacks, (gpointer) names[1]);
    }

  /* Without the app's icons, every state still looks different. */
  g_assert_cmpuint (g_hash_table_size (fallbacks), ==, G_N_ELEMENTS (states));
}

static void
test_attention (void)
{
  g_assert_true (sy_tray_state_needs_attention (SY_TRAY_STATE_PORT_IN_USE));
  g_assert_false (sy_tray_state_needs_attention (SY_TRAY_STATE_SERVING));
  g_assert_false (sy_tray_state_needs_attention (SY_TRAY_STATE_PAUSED));

  g_assert_true (sy_tray_state_is_running (SY_TRAY_STATE_SERVING));
  g_assert_true (sy_tray_state_is_running (SY_TRAY_STATE_DEGRADED));
  g_assert_false (sy_tray_state_is_running (SY_TRAY_STATE_PAUSED));
  g_assert_false (sy_tray_state_is_running (SY_TRAY_STATE_PORT_IN_USE));
  g_assert_false (sy_tray_state_is_running (SY_TRAY_STATE_UNKNOWN));
}

typedef struct
{
  SyTrayState  state;
  const char  *endpoint;
  const char  *title;
  const char  *summary;
} TextCase;

static const TextCase text_cases[] = {
  { SY_TRAY_STATE_SERVING, "http://localhost:20128/v1",
    "Switchyard: serving at http://localhost:20128/v1", "Serving on port 20128" },
  { SY_TRAY_STATE_SERVING, NULL, "Switchyard: serving", "Serving" },
  { SY_TRAY_STATE_DEGRADED, "http://localhost:20128/v1",
    "Switchyard: serving at http://localhost:20128/v1, some providers are failing",
    "Some providers are failing" },
  { SY_TRAY_STATE_DEGRADED, "", "Switchyard: serving, some providers are failing",
    "Some providers are failing" },
  { SY_TRAY_STATE_PAUSED, "http://localhost:20128/v1", "Switchyard: paused", "Gateway paused" },
  { SY_TRAY_STATE_PORT_IN_USE, "http://127.0.0.1:8080/v1",
    "Switchyard: port 8080 is in use by another program",
    "Port 8080 is in use by another program" },
  { SY_TRAY_STATE_PORT_IN_USE, "not a url",
    "Switchyard: the port is in use by another program",
    "The port is in use by another program" },
  { SY_TRAY_STATE_UNKNOWN, "http://localhost:20128/v1", "Switchyard",
    "Connecting to Switchyard…" },
};

static void
test_texts (gconstpointer data)
{
  const TextCase *test_case = data;
  g_autofree char *title = sy_tray_state_dup_title (test_case->state, test_case->endpoint);
  g_autofree char *summary = sy_tray_state_dup_summary (test_case->state, test_case->endpoint);

  g_assert_cmpstr (title, ==, test_case->title);
  g_assert_cmpstr (summary, ==, test_case->summary);
}

static void
test_endpoint_port (void)
{
  g_assert_cmpuint (sy_tray_endpoint_get_port ("http://localhost:20128/v1"), ==, 20128);
  g_assert_cmpuint (sy_tray_endpoint_get_port ("http://[::1]:8080/v1"), ==, 8080);
  g_assert_cmpuint (sy_tray_endpoint_get_port ("http://localhost/v1"), ==, 0);
  g_assert_cmpuint (sy_tray_endpoint_get_port ("localhost:20128"), ==, 0);
  g_assert_cmpuint (sy_tray_endpoint_get_port (""), ==, 0);
  g_assert_cmpuint (sy_tray_endpoint_get_port (NULL), ==, 0);
}

static void
test_endpoint_with_port (void)
{
  g_autofree char *plain = sy_tray_endpoint_with_port ("http://localhost:20128/v1", 8080);
  g_autofree char *v6 = sy_tray_endpoint_with_port ("http://[::1]:20128/v1", 9000);
  g_autofree char *no_port = sy_tray_endpoint_with_port ("http://localhost/v1", 3000);
  g_autofree char *bad = sy_tray_endpoint_with_port ("no url", 3000);
  g_autofree char *none = sy_tray_endpoint_with_port (NULL, 3000);

  g_assert_cmpstr (plain, ==, "http://localhost:8080/v1");
  g_assert_cmpstr (v6, ==, "http://[::1]:9000/v1");
  g_assert_cmpstr (no_port, ==, "http://localhost:3000/v1");
  g_assert_null (bad);
  g_assert_null (none);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sy/tray/state/from-string", test_from_string);
  g_test_add_func ("/sy/tray/state/icons", test_icons);
  g_test_add_func ("/sy/tray/state/attention", test_attention);
  for (size_t i = 0; i < G_N_ELEMENTS (text_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sy/tray/state/texts/%zu", i);

      g_test_add_data_func (path, &text_cases[i], test_texts);
    }
  g_test_add_func ("/sy/tray/state/endpoint-port", test_endpoint_port);
  g_test_add_func ("/sy/tray/state/endpoint-with-port", test_endpoint_with_port);

  return g_test_run ();
}

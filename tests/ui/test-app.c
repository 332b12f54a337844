/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyApplication end to end in one process: it serves on start, keeps serving with its window
 * closed, and its exported actions (the tray helper's contract) pause, resume, move the port,
 * copy the endpoint and report gateway-state and endpoint, also over D-Bus. A port in use is a
 * visible banner with a way out, never an exit.
 */
#define G_LOG_DOMAIN "sy-test"

#include <string.h>

#include "sy-test-app.h"

static gboolean
state_is (SyTestApp  *t,
          const char *expected)
{
  g_autofree char *state = sy_test_app_dup_state (t, "gateway-state");

  return g_str_equal (state, expected);
}

static char *
expected_endpoint (guint port)
{
  return g_strdup_printf ("http://127.0.0.1:%u/v1", port);
}

/* --- serving on start -------------------------------------------------------------------- */

static void
starts_serving_body (SyTestApp     *t,
                     gconstpointer  data)
{
  SyGatewayHost *host = sy_test_app_get_host (t);
  SyMainWindow *window = sy_test_app_get_window (t);
  guint port = sy_gateway_host_get_port (host);
  g_autofree char *endpoint = sy_test_app_dup_state (t, "endpoint");
  g_autofree char *expected = expected_endpoint (port);
  GtkWidget *stack = sy_test_find_type (GTK_WIDGET (window), GTK_TYPE_STACK);

  g_assert_cmpuint (port, >, 0);
  g_assert_true (state_is (t, "serving"));
  g_assert_cmpstr (endpoint, ==, expected);
  g_assert_true (sy_test_port_accepts (port));

  /* The window: the three pages, the endpoint in the header, no banner. */
  for (guint i = 0; i < 3; i++)
    g_assert_nonnull (gtk_stack_get_child_by_name (GTK_STACK (stack),
                                                   (const char *[]) { "health", "combos",
                                                                      "providers" }[i]));
  g_assert_nonnull (sy_test_find_label (GTK_WIDGET (window), expected));
  g_assert_null (sy_test_find_label (GTK_WIDGET (window), "already in use"));
  g_assert_null (sy_test_find_button (GTK_WIDGET (window), "Retry"));

  /* Actions report what they may do now. */
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (t->app), "pause"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (t->app), "resume"));
}

static void
test_starts_serving (void)
{
  sy_test_app_run (starts_serving_body, NULL, NULL);
}

/* --- pause and resume -------------------------------------------------------------------- */

static void
pause_resume_body (SyTestApp     *t,
                   gconstpointer  data)
{
  SyGatewayHost *host = sy_test_app_get_host (t);
  GtkWidget *window = GTK_WIDGET (sy_test_app_get_window (t));
  guint port = sy_gateway_host_get_port (host);
  g_autofree char *endpoint = expected_endpoint (port);
  g_autofree char *paused_endpoint = NULL;

  sy_test_app_activate (t, "pause", NULL);
  sy_test_wait_until (state_is (t, "paused"));
  g_assert_false (sy_test_port_accepts (port));
  paused_endpoint = sy_test_app_dup_state (t, "endpoint");
  g_assert_cmpstr (paused_endpoint, ==, endpoint);   /* where it will serve again */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (t->app), "pause"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (t->app), "resume"));

  /* The window says so and offers the way back. */
  sy_test_wait_until (sy_test_find_label (window, "The gateway is paused") != NULL);
  /* The data stays readable while paused. */
  g_assert_nonnull (sy_gateway_host_get_gateway (host));

  sy_test_click (sy_test_find_button (window, "Resume"));
  sy_test_wait_until (state_is (t, "serving"));
  g_assert_cmpuint (sy_gateway_host_get_port (host), ==, port);
  g_assert_true (sy_test_port_accepts (port));
  sy_test_wait_until (sy_test_find_label (window, "The gateway is paused") == NULL);
}

static void
test_pause_resume (void)
{
  sy_test_app_run (pause_resume_body, NULL, NULL);
}

/* --- change-port ------------------------------------------------------------------------- */

static void
change_port_body (SyTestApp     *t,
                  gconstpointer  data)
{
  SyGatewayHost *host = sy_test_app_get_host (t);
  guint old_port = sy_gateway_host_get_port (host);
  guint new_port = sy_test_free_port ();
  g_autofree char *expected = expected_endpoint (new_port);
  g_autofree char *endpoint = NULL;

  sy_test_app_activate (t, "change-port", g_variant_new_uint32 (new_port));
  sy_test_wait_until (sy_gateway_host_get_port (host) == new_port && state_is (t, "serving"));
  endpoint = sy_test_app_dup_state (t, "endpoint");
  g_assert_cmpstr (endpoint, ==, expected);
  g_assert_true (sy_test_port_accepts (new_port));
  g_assert_false (sy_test_port_accepts (old_port));
  g_assert_nonnull (sy_test_find_label (GTK_WIDGET (sy_test_app_get_window (t)), expected));

  /* Not a port: ignored, still serving where it was. */
  sy_test_app_activate (t, "change-port", g_variant_new_uint32 (70000));
  sy_test_drain ();
  g_assert_true (state_is (t, "serving"));
  g_assert_cmpuint (sy_gateway_host_get_port (host), ==, new_port);
}

static void
test_change_port (void)
{
  sy_test_app_run (change_port_body, NULL, NULL);
}

/* --- a port in use ----------------------------------------------------------------------- */

typedef struct
{
  GSocketListener *blocker;
  guint            port;
} Blocked;

static Blocked *
block_port (void)
{
  Blocked *b = g_new0 (Blocked, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;

  b->blocker = g_socket_listener_new ();
  g_socket_listener_add_address (b->blocker, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  b->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  return b;
}

static void
unblock_port (Blocked *b)
{
  g_socket_listener_close (b->blocker);
  g_clear_object (&b->blocker);
}

static void
port_in_use_body (SyTestApp     *t,
                  gconstpointer  data)
{
  Blocked *b = (Blocked *) data;
  GtkWidget *window = GTK_WIDGET (sy_test_app_get_window (t));
  g_autofree char *message = g_strdup_printf ("Port %u is already in use", b->port);
  g_autofree char *endpoint = sy_test_app_dup_state (t, "endpoint");
  g_autofree char *expected = expected_endpoint (b->port);

  /* Started on a taken port: still running, and saying so. */
  g_assert_true (state_is (t, "port-in-use"));
  g_assert_cmpstr (endpoint, ==, expected);
  g_assert_nonnull (sy_test_find_label (window, message));
  g_assert_nonnull (sy_test_find_button (window, "Use this port"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (t->app), "resume"));

  /* Retry while the other program still holds it: the same answer. */
  sy_test_click (sy_test_find_button (window, "Retry"));
  sy_test_drain ();
  g_assert_true (state_is (t, "port-in-use"));

  /* The other program went away: Retry serves on the port the tools know. */
  unblock_port (b);
  sy_test_click (sy_test_find_button (window, "Retry"));
  sy_test_wait_until (state_is (t, "serving"));
  g_assert_true (sy_test_port_accepts (b->port));
  sy_test_wait_until (sy_test_find_label (window, message) == NULL);
}

static void
test_port_in_use_retry (void)
{
  Blocked *b = block_port ();
  g_autofree char *port_arg = g_strdup_printf ("--port=%u", b->port);
  const char *args[] = { port_arg, NULL };

  sy_test_app_run (port_in_use_body, b, args);
  g_clear_object (&b->blocker);
  g_free (b);
}

static void
use_this_port_body (SyTestApp     *t,
                    gconstpointer  data)
{
  const Blocked *b = data;
  GtkWidget *window = GTK_WIDGET (sy_test_app_get_window (t));
  GtkWidget *spin = sy_test_find_type (window, GTK_TYPE_SPIN_BUTTON);
  guint other = sy_test_free_port ();
  g_autofree char *expected = expected_endpoint (other);
  g_autofree char *endpoint = NULL;

  g_assert_true (state_is (t, "port-in-use"));
  g_assert_nonnull (spin);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)), ==, b->port);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), other);
  sy_test_click (sy_test_find_button (window, "Use this port"));
  sy_test_wait_until (state_is (t, "serving"));
  endpoint = sy_test_app_dup_state (t, "endpoint");
  g_assert_cmpstr (endpoint, ==, expected);
  g_assert_true (sy_test_port_accepts (other));
  sy_test_wait_until (sy_test_find_button (window, "Use this port") == NULL);
}

static void
test_port_in_use_other_port (void)
{
  Blocked *b = block_port ();
  g_autofree char *port_arg = g_strdup_printf ("--port=%u", b->port);
  const char *args[] = { port_arg, NULL };

  sy_test_app_run (use_this_port_body, b, args);
  unblock_port (b);
  g_free (b);
}

/* --- degraded ---------------------------------------------------------------------------- */

static void
degraded_body (SyTestApp     *t,
               gconstpointer  data)
{
  g_autoptr(SyConnection) account = sy_test_app_add_account (t, "openai", "work", 1);

  sy_test_app_open_breaker (t, account);
  sy_gateway_host_refresh (sy_test_app_get_host (t));
  g_assert_true (state_is (t, "degraded"));

  sy_routing_state_reset (sy_gateway_get_routing (sy_test_app_get_gateway (t)));
  sy_gateway_host_refresh (sy_test_app_get_host (t));
  g_assert_true (state_is (t, "serving"));
}

static void
test_degraded (void)
{
  sy_test_app_run (degraded_body, NULL, NULL);
}

/* --- the window comes and goes; the gateway stays ---------------------------------------- */

static void
window_close_body (SyTestApp     *t,
                   gconstpointer  data)
{
  guint port = sy_gateway_host_get_port (sy_test_app_get_host (t));

  gtk_window_close (GTK_WINDOW (sy_test_app_get_window (t)));
  sy_test_wait_until (sy_application_get_main_window (t->app) == NULL);
  g_assert_true (state_is (t, "serving"));
  g_assert_true (sy_test_port_accepts (port));

  sy_test_app_activate (t, "open-window", NULL);
  sy_test_wait_until (sy_application_get_main_window (t->app) != NULL &&
                      gtk_widget_get_mapped (GTK_WIDGET (sy_application_get_main_window (t->app))));
}

static void
test_window_close (void)
{
  sy_test_app_run (window_close_body, NULL, NULL);
}

/* --- copy-endpoint ----------------------------------------------------------------------- */

static void
text_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
}

static void
copy_endpoint_body (SyTestApp     *t,
                    gconstpointer  data)
{
  GdkClipboard *clipboard = gdk_display_get_clipboard (gdk_display_get_default ());
  g_autofree char *endpoint = sy_test_app_dup_state (t, "endpoint");
  g_autofree char *text = NULL;

  gdk_clipboard_set_text (clipboard, "something else");
  sy_test_app_activate (t, "copy-endpoint", NULL);
  gdk_clipboard_read_text_async (clipboard, NULL, text_read_cb, &text);
  sy_test_wait_until (text != NULL);
  g_assert_cmpstr (text, ==, endpoint);
}

static void
test_copy_endpoint (void)
{
  sy_test_app_run (copy_endpoint_body, NULL, NULL);
}

/* --- the contract over D-Bus (what the tray helper sees) --------------------------------- */

static gboolean
remote_state_is (GActionGroup *group,
                 const char   *name,
                 const char   *expected)
{
  g_autoptr(GVariant) state = NULL;

  if (!g_action_group_has_action (group, name))
    return FALSE;
  state = g_action_group_get_action_state (group, name);
  return state != NULL && g_variant_is_of_type (state, G_VARIANT_TYPE_STRING) &&
         g_str_equal (g_variant_get_string (state, NULL), expected);
}

static void
dbus_body (SyTestApp     *t,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GDBusActionGroup) remote = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree char *endpoint = sy_test_app_dup_state (t, "endpoint");
  const GVariantType *type;
  static const char * const contract[] = {
    "open-window", "copy-endpoint", "change-port", "pause", "resume", "quit", "gateway-state",
    "endpoint", NULL
  };
  guint port = sy_test_free_port ();
  g_autofree char *moved = expected_endpoint (port);

  g_assert_no_error (error);
  remote = g_dbus_action_group_get (bus, t->app_id,
                                    g_application_get_dbus_object_path (G_APPLICATION (t->app)));
  /* The proxy fills itself asynchronously; listing starts it. */
  names = g_action_group_list_actions (G_ACTION_GROUP (remote));
  sy_test_wait_until (remote_state_is (G_ACTION_GROUP (remote), "gateway-state", "serving"));
  g_clear_pointer (&names, g_strfreev);
  names = g_action_group_list_actions (G_ACTION_GROUP (remote));
  for (guint i = 0; contract[i] != NULL; i++)
    g_assert_true (g_strv_contains ((const char * const *) names, contract[i]));
  g_assert_true (remote_state_is (G_ACTION_GROUP (remote), "endpoint", endpoint));
  type = g_action_group_get_action_parameter_type (G_ACTION_GROUP (remote), "change-port");
  g_assert_true (type != NULL && g_variant_type_equal (type, G_VARIANT_TYPE_UINT32));

  /* States are read-only from outside. */
  g_action_group_change_action_state (G_ACTION_GROUP (remote), "gateway-state",
                                      g_variant_new_string ("paused"));
  sy_test_drain ();

  g_action_group_activate_action (G_ACTION_GROUP (remote), "pause", NULL);
  sy_test_wait_until (remote_state_is (G_ACTION_GROUP (remote), "gateway-state", "paused"));
  g_assert_true (state_is (t, "paused"));
  g_action_group_activate_action (G_ACTION_GROUP (remote), "resume", NULL);
  sy_test_wait_until (remote_state_is (G_ACTION_GROUP (remote), "gateway-state", "serving"));
  g_action_group_activate_action (G_ACTION_GROUP (remote), "change-port",
                                  g_variant_new_uint32 (port));
  sy_test_wait_until (remote_state_is (G_ACTION_GROUP (remote), "endpoint", moved));
  g_assert_true (sy_test_port_accepts (port));
}

static void
test_dbus_contract (void)
{
  sy_test_app_run (dbus_body, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  if (!sy_test_app_init (&argc, &argv))
    {
      g_print ("1..0 # SKIP no display (run under tests/run-headless.sh)\n");
      return 0;
    }

  g_test_add_func ("/sy/ui/app/starts-serving", test_starts_serving);
  g_test_add_func ("/sy/ui/app/pause-resume", test_pause_resume);
  g_test_add_func ("/sy/ui/app/change-port", test_change_port);
  g_test_add_func ("/sy/ui/app/port-in-use/retry", test_port_in_use_retry);
  g_test_add_func ("/sy/ui/app/port-in-use/other-port", test_port_in_use_other_port);
  g_test_add_func ("/sy/ui/app/degraded", test_degraded);
  g_test_add_func ("/sy/ui/app/window-close", test_window_close);
  g_test_add_func ("/sy/ui/app/copy-endpoint", test_copy_endpoint);
  g_test_add_func ("/sy/ui/app/dbus-contract", test_dbus_contract);
  return g_test_run ();
}

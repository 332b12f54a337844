/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * switchyard-tray as a real process on a private bus: a test StatusNotifierWatcher and a fake
 * app live in this process; the test reads the item's properties and menu over D-Bus the way
 * a panel does, clicks menu items, and checks the fake app's counters. Every wait iterates
 * the main context until its condition holds, bounded by WAIT_SECONDS.
 *
 * Runs only under tests/run-headless.sh: it owns org.kde.StatusNotifierWatcher and the app's
 * bus name, which must never happen on a desktop session.
 */
#define G_LOG_DOMAIN "test-tray-helper"

#include <X11/Xlib.h>
#include <gio/gio.h>
#include <signal.h>

#include "sy-test-fake-app.h"
#include "sy-test-sni-watcher.h"
#include "sy-tray-state.h"

#define WAIT_SECONDS 60
#define ENDPOINT     "http://localhost:20128/v1"

#define SNI_INTERFACE     "org.kde.StatusNotifierItem"
#define DBUSMENU_INTERFACE "com.canonical.dbusmenu"

static const char *helper_path;

typedef struct
{
  GDBusConnection  *bus;
  SyTestSniWatcher *watcher;
  SyTestFakeApp    *app;

  GSubprocess      *helper;
  gboolean          helper_exited;
  int               expected_status;

  char             *item_bus_name;
  char             *item_path;
  char             *menu_path;

  char             *last_seen;  /* what the last failed condition saw, for the log */

  guint             filter_id;
  int               actions_described;  /* atomic: DescribeAll calls that reached the app */
} Fixture;

typedef gboolean (*Condition) (Fixture       *fixture,
                               gconstpointer  data);

/* ---- waiting ---------------------------------------------------------------------------- */

static gboolean
deadline_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the default main context until @condition holds or WAIT_SECONDS pass. The tick
 * wakes the loop for conditions that poll another process over D-Bus. */
static gboolean
wait_until (Fixture       *fixture,
            Condition      condition,
            gconstpointer  data,
            const char    *what)
{
  gboolean expired = FALSE;
  guint deadline_id = g_timeout_add_seconds (WAIT_SECONDS, deadline_cb, &expired);
  guint tick_id = g_timeout_add (10, tick_cb, NULL);
  gboolean holds;

  while (!(holds = condition (fixture, data)) && !expired)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (tick_id);
  if (!expired)
    g_source_remove (deadline_id);

  if (!holds)
    g_test_message ("gave up waiting for %s after %d s; last seen: %s", what, WAIT_SECONDS,
                    fixture->last_seen != NULL ? fixture->last_seen : "(nothing)");
  return holds;
}

#define assert_eventually(fixture, condition, data) \
  g_assert_true (wait_until ((fixture), (condition), (data), #condition))

static void
set_last_seen (Fixture    *fixture,
               const char *seen)
{
  g_free (fixture->last_seen);
  fixture->last_seen = g_strdup (seen);
}

/* ---- the helper process ----------------------------------------------------------------- */

static void
helper_exited_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Fixture *fixture = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error);
  g_assert_no_error (error);
  fixture->helper_exited = TRUE;
}

static void
spawn_helper (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->helper = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, helper_path, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (fixture->helper, NULL, helper_exited_cb, fixture);
}

static gboolean
helper_has_exited (Fixture       *fixture,
                   gconstpointer  data)
{
  return fixture->helper_exited;
}

static void
assert_helper_exits_with (Fixture *fixture,
                          int      status)
{
  if (!wait_until (fixture, helper_has_exited, NULL, "the helper to exit"))
    {
      g_subprocess_force_exit (fixture->helper);
      while (!fixture->helper_exited)
        g_main_context_iteration (NULL, TRUE);
      g_test_fail_printf ("switchyard-tray did not exit within %d s", WAIT_SECONDS);
      return;
    }

  g_assert_true (g_subprocess_get_if_exited (fixture->helper));
  g_assert_cmpint (g_subprocess_get_exit_status (fixture->helper), ==, status);
}

/* ---- the item's properties ---------------------------------------------------------------- */

static GVariant *
get_item_properties (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_sync (fixture->bus, fixture->item_bus_name,
                                       fixture->item_path, "org.freedesktop.DBus.Properties",
                                       "GetAll", g_variant_new ("(s)", SNI_INTERFACE),
                                       G_VARIANT_TYPE ("(a{sv})"), G_DBUS_CALL_FLAGS_NONE,
                                       10000, NULL, &error);
  g_assert_no_error (error);
  return g_variant_get_child_value (reply, 0);
}

static char *
dup_item_property (Fixture    *fixture,
                   const char *name)
{
  g_autoptr(GVariant) properties = get_item_properties (fixture);
  g_autoptr(GVariant) value = g_variant_lookup_value (properties, name, NULL);

  g_assert_nonnull (value);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
      || g_variant_is_of_type (value, G_VARIANT_TYPE_OBJECT_PATH))
    return g_variant_dup_string (value, NULL);
  return g_variant_print (value, FALSE);
}

static gboolean
item_is_registered (Fixture       *fixture,
                    gconstpointer  data)
{
  return sy_test_sni_watcher_get_n_items (fixture->watcher) > 0;
}

static gboolean
watcher_is_owner (Fixture       *fixture,
                  gconstpointer  data)
{
  return sy_test_sni_watcher_is_owner (fixture->watcher);
}

typedef struct
{
  const char *state;   /* as the app exports it */
  const char *title;
  const char *status;  /* the SNI Status */
} ExpectedItem;

static gboolean
icon_name_fits (const char  *icon_name,
                SyTrayState  state)
{
  return g_strv_contains ((const char * const *) sy_tray_state_get_icon_names (state), icon_name);
}

/* The item shows @data's state: its title, status, and one of the state's icons. */
static gboolean
item_shows (Fixture       *fixture,
            gconstpointer  data)
{
  const ExpectedItem *expected = data;
  g_autoptr(GVariant) properties = get_item_properties (fixture);
  const char *icon_name = "";
  const char *title = "";
  const char *status = "";
  g_autofree char *seen = NULL;

  g_variant_lookup (properties, "IconName", "&s", &icon_name);
  g_variant_lookup (properties, "Title", "&s", &title);
  g_variant_lookup (properties, "Status", "&s", &status);

  seen = g_strdup_printf ("IconName %s, Title \"%s\", Status %s", icon_name, title, status);
  set_last_seen (fixture, seen);

  return icon_name_fits (icon_name, sy_tray_state_from_string (expected->state))
         && g_str_equal (title, expected->title)
         && g_str_equal (status, expected->status);
}

/* ---- the menu ----------------------------------------------------------------------------- */

typedef struct
{
  int       id;
  char     *label;
  gboolean  enabled;
  gboolean  separator;
} MenuEntry;

static void
menu_entry_free (gpointer data)
{
  MenuEntry *entry = data;

  g_free (entry->label);
  g_free (entry);
}

/* The top level of the exported menu (GetLayout 0 -1 []), visible items only. */
static GPtrArray *
get_menu (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  const char * const no_properties[] = { NULL };
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) root = NULL;
  g_autoptr(GVariant) children = NULL;
  GPtrArray *entries = g_ptr_array_new_with_free_func (menu_entry_free);
  GVariantIter iter;
  GVariant *child;

  reply = g_dbus_connection_call_sync (fixture->bus, fixture->item_bus_name,
                                       fixture->menu_path, DBUSMENU_INTERFACE, "GetLayout",
                                       g_variant_new ("(ii^as)", 0, -1, no_properties),
                                       G_VARIANT_TYPE ("(u(ia{sv}av))"),
                                       G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  g_assert_no_error (error);

  root = g_variant_get_child_value (reply, 1);
  children = g_variant_get_child_value (root, 2);
  g_variant_iter_init (&iter, children);
  while ((child = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(GVariant) boxed = child;
      g_autoptr(GVariant) item = g_variant_get_variant (boxed);
      g_autoptr(GVariant) properties = g_variant_get_child_value (item, 1);
      MenuEntry *entry = g_new0 (MenuEntry, 1);
      const char *type = NULL;
      gboolean visible = TRUE;

      g_variant_get_child (item, 0, "i", &entry->id);
      entry->enabled = TRUE;
      g_variant_lookup (properties, "enabled", "b", &entry->enabled);
      g_variant_lookup (properties, "visible", "b", &visible);
      if (!g_variant_lookup (properties, "label", "s", &entry->label))
        entry->label = g_strdup ("");
      entry->separator = g_variant_lookup (properties, "type", "&s", &type)
                         && g_str_equal (type, "separator");

      if (visible)
        g_ptr_array_add (entries, entry);
      else
        menu_entry_free (entry);
    }

  return entries;
}

/* One line per menu: items joined by " | ", "---" for separators, a disabled item in
 * parentheses. */
static char *
describe_menu (GPtrArray *entries)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < entries->len; i++)
    {
      MenuEntry *entry = g_ptr_array_index (entries, i);

      if (i > 0)
        g_string_append (text, " | ");
      if (entry->separator)
        g_string_append (text, "---");
      else if (entry->enabled)
        g_string_append (text, entry->label);
      else
        g_string_append_printf (text, "(%s)", entry->label);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
menu_reads (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = get_menu (fixture);
  g_autofree char *seen = describe_menu (entries);

  set_last_seen (fixture, seen);
  return g_str_equal (seen, data);
}

static void
click (Fixture    *fixture,
       const char *label)
{
  g_autoptr(GPtrArray) entries = get_menu (fixture);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  int id = -1;

  for (guint i = 0; i < entries->len; i++)
    {
      MenuEntry *entry = g_ptr_array_index (entries, i);

      if (!entry->separator && g_str_equal (entry->label, label))
        id = entry->id;
    }
  if (id < 0)
    {
      g_autofree char *menu = describe_menu (entries);

      g_error ("no menu item \"%s\" in: %s", label, menu);
    }

  reply = g_dbus_connection_call_sync (fixture->bus, fixture->item_bus_name,
                                       fixture->menu_path, DBUSMENU_INTERFACE, "Event",
                                       g_variant_new ("(isvu)", id, "clicked",
                                                      g_variant_new_int32 (0), 0),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  g_assert_no_error (error);
}

typedef struct
{
  const char *action;
  guint       count;
} ExpectedCount;

static gboolean
app_counted (Fixture       *fixture,
             gconstpointer  data)
{
  const ExpectedCount *expected = data;

  return sy_test_fake_app_get_activations (fixture->app, expected->action) == expected->count;
}

/* ---- fixture ---------------------------------------------------------------------------- */

static void
connect_bus (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  if (fixture->bus != NULL)
    return;
  fixture->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
}

static void
start_watcher (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  connect_bus (fixture);
  fixture->watcher = sy_test_sni_watcher_new (fixture->bus, &error);
  g_assert_no_error (error);
  assert_eventually (fixture, watcher_is_owner, NULL);
}

static void
start_app (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->app = sy_test_fake_app_new ();
  g_assert_true (g_application_register (G_APPLICATION (fixture->app), NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_application_get_is_remote (G_APPLICATION (fixture->app)));
}

/* Watcher, app, helper; returns once the helper's item registered and its menu is known. */
static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const char *bus_name = NULL;
  const char *path = NULL;

  start_watcher (fixture);
  start_app (fixture);
  spawn_helper (fixture);

  assert_eventually (fixture, item_is_registered, NULL);
  sy_test_sni_watcher_get_item (fixture->watcher, 0, &bus_name, &path);
  fixture->item_bus_name = g_strdup (bus_name);
  fixture->item_path = g_strdup (path);
  fixture->menu_path = dup_item_property (fixture, "Menu");
}

/* Runs in GDBus's worker thread: counts the helper asking the app for its actions, which it
 * does right after it created its indicator. */
static GDBusMessage *
count_describe_all_cb (GDBusConnection *connection,
                       GDBusMessage    *message,
                       gboolean         incoming,
                       gpointer         user_data)
{
  Fixture *fixture = user_data;

  if (incoming
      && g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_METHOD_CALL
      && g_strcmp0 (g_dbus_message_get_interface (message), "org.gtk.Actions") == 0
      && g_strcmp0 (g_dbus_message_get_member (message), "DescribeAll") == 0)
    g_atomic_int_inc (&fixture->actions_described);

  return message;
}

static gboolean
helper_described_actions (Fixture       *fixture,
                          gconstpointer  data)
{
  return g_atomic_int_get (&fixture->actions_described) > 0;
}

/* App and helper first; the watcher (a panel) only once the helper is showing its icon
 * without one. The test starts the watcher. */
static void
fixture_setup_without_watcher (Fixture       *fixture,
                               gconstpointer  data)
{
  connect_bus (fixture);
  fixture->filter_id = g_dbus_connection_add_filter (fixture->bus, count_describe_all_cb,
                                                     fixture, NULL);
  start_app (fixture);
  spawn_helper (fixture);
  assert_eventually (fixture, helper_described_actions, NULL);
}

/* No app on the bus: only the watcher. */
static void
fixture_setup_without_app (Fixture       *fixture,
                           gconstpointer  data)
{
  start_watcher (fixture);
  fixture->expected_status = 1;
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  /* The app going away is what ends the helper. */
  if (fixture->app != NULL)
    g_assert_finalize_object (g_steal_pointer (&fixture->app));
  if (fixture->helper != NULL)
    assert_helper_exits_with (fixture, fixture->expected_status);

  g_clear_object (&fixture->helper);
  if (fixture->filter_id != 0)
    g_dbus_connection_remove_filter (fixture->bus, fixture->filter_id);
  if (fixture->watcher != NULL)
    g_assert_finalize_object (g_steal_pointer (&fixture->watcher));
  g_clear_object (&fixture->bus);
  g_clear_pointer (&fixture->item_bus_name, g_free);
  g_clear_pointer (&fixture->item_path, g_free);
  g_clear_pointer (&fixture->menu_path, g_free);
  g_clear_pointer (&fixture->last_seen, g_free);
}

/* ---- tests ------------------------------------------------------------------------------ */

static void
test_version (void)
{
  g_autoptr(GSubprocess) helper = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  helper = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, helper_path, "--version",
                             NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (helper, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (helper));
  g_assert_cmpint (g_subprocess_get_exit_status (helper), ==, 0);
  g_assert_cmpstr (out, ==, "switchyard-tray " SY_VERSION "\n");
}

static void
test_without_app (Fixture       *fixture,
                  gconstpointer  data)
{
  spawn_helper (fixture);
  assert_helper_exits_with (fixture, 1);
  g_assert_cmpuint (sy_test_sni_watcher_get_n_items (fixture->watcher), ==, 0);
}

static void
test_registers (Fixture       *fixture,
                gconstpointer  data)
{
  const ExpectedItem serving = { "serving", "Switchyard: serving at " ENDPOINT, "Active" };
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *category = NULL;
  g_autofree char *pid_text = NULL;
  guint32 pid = 0;

  g_assert_cmpuint (sy_test_sni_watcher_get_n_items (fixture->watcher), ==, 1);
  g_assert_true (g_str_has_prefix (fixture->item_path, "/"));
  g_assert_true (g_variant_is_object_path (fixture->menu_path));
  g_assert_cmpstr (fixture->menu_path, !=, "/");

  /* Ayatana registers an object path; the sender is the helper process itself. */
  reply = g_dbus_connection_call_sync (fixture->bus, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "GetConnectionUnixProcessID",
                                       g_variant_new ("(s)", fixture->item_bus_name),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, 10000,
                                       NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &pid);
  pid_text = g_strdup_printf ("%u", pid);
  g_assert_cmpstr (g_subprocess_get_identifier (fixture->helper), ==, pid_text);

  id = dup_item_property (fixture, "Id");
  g_assert_cmpstr (id, ==, SY_APP_ID);
  category = dup_item_property (fixture, "Category");
  g_assert_cmpstr (category, ==, "ApplicationStatus");

  assert_eventually (fixture, item_shows, &serving);
}

static void
test_follows_state (Fixture       *fixture,
                    gconstpointer  data)
{
  static const ExpectedItem states[] = {
    { "serving", "Switchyard: serving at " ENDPOINT, "Active" },
    { "degraded", "Switchyard: serving at " ENDPOINT ", some providers are failing", "Active" },
    { "paused", "Switchyard: paused", "Active" },
    { "port-in-use", "Switchyard: port 20128 is in use by another program", "NeedsAttention" },
    { "serving", "Switchyard: serving at " ENDPOINT, "Active" },
  };
  const ExpectedItem moved = { "serving", "Switchyard: serving at http://localhost:8080/v1",
                               "Active" };
  const ExpectedItem unknown = { "bogus", "Switchyard", "Active" };
  g_autoptr(GHashTable) icons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (size_t i = 0; i < G_N_ELEMENTS (states); i++)
    {
      g_test_message ("gateway-state %s", states[i].state);
      sy_test_fake_app_set_gateway_state (fixture->app, states[i].state);
      assert_eventually (fixture, item_shows, &states[i]);
      g_hash_table_add (icons, dup_item_property (fixture, "IconName"));
    }
  /* Four states, four different pictures. */
  g_assert_cmpuint (g_hash_table_size (icons), ==, 4);

  sy_test_fake_app_set_endpoint (fixture->app, "http://localhost:8080/v1");
  assert_eventually (fixture, item_shows, &moved);

  /* A state this helper does not know (a newer app) is shown as unknown, not trusted. */
  sy_test_fake_app_set_gateway_state (fixture->app, "bogus");
  assert_eventually (fixture, item_shows, &unknown);
}

static void
test_menu_layout (Fixture       *fixture,
                  gconstpointer  data)
{
  assert_eventually (fixture, menu_reads,
                     "(Serving on port 20128) | --- | Open Switchyard | Copy " ENDPOINT
                     " | Change Port… | Pause Gateway | --- | Quit Switchyard");

  sy_test_fake_app_set_gateway_state (fixture->app, "paused");
  assert_eventually (fixture, menu_reads,
                     "(Gateway paused) | --- | Open Switchyard | Copy " ENDPOINT
                     " | Change Port… | Resume Gateway | --- | Quit Switchyard");

  /* Items follow the actions' enabled states. */
  sy_test_fake_app_set_action_enabled (fixture->app, "resume", FALSE);
  sy_test_fake_app_set_action_enabled (fixture->app, "change-port", FALSE);
  assert_eventually (fixture, menu_reads,
                     "(Gateway paused) | --- | Open Switchyard | Copy " ENDPOINT
                     " | (Change Port…) | (Resume Gateway) | --- | Quit Switchyard");

  sy_test_fake_app_set_gateway_state (fixture->app, "port-in-use");
  assert_eventually (fixture, menu_reads,
                     "(Port 20128 is in use by another program) | --- | Open Switchyard"
                     " | Copy " ENDPOINT " | (Change Port…) | (Resume Gateway) | ---"
                     " | Quit Switchyard");

  sy_test_fake_app_set_action_enabled (fixture->app, "resume", TRUE);
  sy_test_fake_app_set_action_enabled (fixture->app, "change-port", TRUE);
  sy_test_fake_app_set_gateway_state (fixture->app, "degraded");
  sy_test_fake_app_set_endpoint (fixture->app, "");
  assert_eventually (fixture, menu_reads,
                     "(Some providers are failing) | --- | Open Switchyard"
                     " | (Copy Endpoint URL) | Change Port… | Pause Gateway | ---"
                     " | Quit Switchyard");
}

static void
test_clicks (Fixture       *fixture,
             gconstpointer  data)
{
  const ExpectedCount opened = { "open-window", 1 };
  const ExpectedCount copied = { "copy-endpoint", 1 };
  const ExpectedCount paused = { "pause", 1 };
  const ExpectedCount resumed = { "resume", 1 };
  const ExpectedCount quit = { "quit", 1 };

  assert_eventually (fixture, menu_reads,
                     "(Serving on port 20128) | --- | Open Switchyard | Copy " ENDPOINT
                     " | Change Port… | Pause Gateway | --- | Quit Switchyard");

  click (fixture, "Open Switchyard");
  assert_eventually (fixture, app_counted, &opened);

  click (fixture, "Copy " ENDPOINT);
  assert_eventually (fixture, app_counted, &copied);

  /* The fake app pauses like the real one; the item turns into Resume. */
  click (fixture, "Pause Gateway");
  assert_eventually (fixture, app_counted, &paused);
  assert_eventually (fixture, menu_reads,
                     "(Gateway paused) | --- | Open Switchyard | Copy " ENDPOINT
                     " | Change Port… | Resume Gateway | --- | Quit Switchyard");
  click (fixture, "Resume Gateway");
  assert_eventually (fixture, app_counted, &resumed);

  /* Change Port… opens the helper's own dialog: nothing reaches the app yet. A disabled
   * item does nothing at all. */
  click (fixture, "Change Port…");
  sy_test_fake_app_set_action_enabled (fixture->app, "open-window", FALSE);
  assert_eventually (fixture, menu_reads,
                     "(Serving on port 20128) | --- | (Open Switchyard) | Copy " ENDPOINT
                     " | Change Port… | Pause Gateway | --- | Quit Switchyard");
  click (fixture, "Open Switchyard");

  /* Events are handled in order: once Quit arrived, the clicks before it were handled. */
  click (fixture, "Quit Switchyard");
  assert_eventually (fixture, app_counted, &quit);
  g_assert_cmpuint (sy_test_fake_app_get_activations (fixture->app, "change-port"), ==, 0);
  g_assert_cmpuint (sy_test_fake_app_get_activations (fixture->app, "open-window"), ==, 1);
  g_assert_cmpuint (sy_test_fake_app_get_activations (fixture->app, "pause"), ==, 1);
  g_assert_cmpuint (sy_test_fake_app_get_activations (fixture->app, "resume"), ==, 1);
}

/* A panel that starts after the app (or restarts) still gets the icon. */
static void
test_late_watcher (Fixture       *fixture,
                   gconstpointer  data)
{
  const ExpectedItem serving = { "serving", "Switchyard: serving at " ENDPOINT, "Active" };
  const char *bus_name = NULL;
  const char *path = NULL;

  g_assert_false (fixture->helper_exited);

  start_watcher (fixture);
  assert_eventually (fixture, item_is_registered, NULL);
  sy_test_sni_watcher_get_item (fixture->watcher, 0, &bus_name, &path);
  fixture->item_bus_name = g_strdup (bus_name);
  fixture->item_path = g_strdup (path);
  fixture->menu_path = dup_item_property (fixture, "Menu");

  assert_eventually (fixture, item_shows, &serving);
  assert_eventually (fixture, menu_reads,
                     "(Serving on port 20128) | --- | Open Switchyard | Copy " ENDPOINT
                     " | Change Port… | Pause Gateway | --- | Quit Switchyard");
}

static void
test_exits_with_app (Fixture       *fixture,
                     gconstpointer  data)
{
  g_assert_false (fixture->helper_exited);

  g_assert_finalize_object (g_steal_pointer (&fixture->app));
  assert_helper_exits_with (fixture, 0);
}

static void
test_sigterm (Fixture       *fixture,
              gconstpointer  data)
{
  g_subprocess_send_signal (fixture->helper, SIGTERM);
  assert_helper_exits_with (fixture, 0);
}

static void
skip_outside_wrapper (void)
{
  g_test_skip ("needs a private session bus and display: run under tests/run-headless.sh");
}

int
main (int   argc,
      char *argv[])
{
  Display *display = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  helper_path = argc > 1 ? argv[1] : NULL;
  if (helper_path == NULL)
    g_error ("usage: %s PATH-TO-switchyard-tray", argv[0]);

  g_test_add_func ("/sy/tray/helper/version", test_version);

  /* Owning the app's and the watcher's names on someone's desktop bus would fight the real
   * ones: the rest needs the headless wrapper's private bus. */
  if (g_strcmp0 (g_getenv ("SY_HEADLESS"), "1") != 0)
    {
      g_test_add_func ("/sy/tray/helper/headless", skip_outside_wrapper);
      return g_test_run ();
    }

#define ADD(path, setup, func) \
  g_test_add ("/sy/tray/helper/" path, Fixture, NULL, setup, func, fixture_teardown)

  ADD ("without-app", fixture_setup_without_app, test_without_app);
  ADD ("registers", fixture_setup, test_registers);
  ADD ("follows-state", fixture_setup, test_follows_state);
  ADD ("menu-layout", fixture_setup, test_menu_layout);
  ADD ("clicks", fixture_setup, test_clicks);
  ADD ("late-watcher", fixture_setup_without_watcher, test_late_watcher);
  ADD ("exits-with-app", fixture_setup, test_exits_with_app);
  ADD ("sigterm", fixture_setup, test_sigterm);

#undef ADD

  /* Xvfb resets when its last client disconnects, and a helper connecting during the reset
   * fails with "Cannot open the display" (about one start in four here). This process never
   * draws, but holding one connection keeps the server up between helpers. */
  if (g_getenv ("DISPLAY") != NULL)
    display = XOpenDisplay (NULL);

  status = g_test_run ();

  g_clear_pointer (&display, XCloseDisplay);
  return status;
}

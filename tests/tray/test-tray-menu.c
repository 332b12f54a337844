/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyTrayMenu and SyTrayPortDialog in-process (GTK 3, under Xvfb) against a GSimpleActionGroup:
 * labels and sensitivity per state, activation, and the Change Port dialog up to the
 * change-port activation, which the out-of-process test cannot reach.
 */
#define G_LOG_DOMAIN "test-tray-menu"

#include <gtk/gtk.h>

#include "sy-tray-menu.h"
#include "sy-tray-port-dialog.h"

#define ENDPOINT "http://localhost:20128/v1"

typedef struct
{
  GSimpleActionGroup *actions;
  GHashTable         *activations;  /* action name -> count */
  guint               last_port;
  GtkWidget          *menu;
} Fixture;

static void
activate_cb (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  Fixture *fixture = user_data;
  const char *name = g_action_get_name (G_ACTION (action));
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (fixture->activations, name));

  if (parameter != NULL)
    fixture->last_port = g_variant_get_uint32 (parameter);
  g_hash_table_insert (fixture->activations, (gpointer) g_intern_string (name),
                       GUINT_TO_POINTER (n + 1));
}

static const GActionEntry entries[] = {
  { "open-window", activate_cb, NULL, NULL, NULL, { 0 } },
  { "copy-endpoint", activate_cb, NULL, NULL, NULL, { 0 } },
  { "change-port", activate_cb, "u", NULL, NULL, { 0 } },
  { "pause", activate_cb, NULL, NULL, NULL, { 0 } },
  { "resume", activate_cb, NULL, NULL, NULL, { 0 } },
  { "quit", activate_cb, NULL, NULL, NULL, { 0 } },
};

static guint
activations (Fixture    *fixture,
             const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (fixture->activations, name));
}

static void
set_enabled (Fixture    *fixture,
             const char *name,
             gboolean    enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (fixture->actions), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->activations = g_hash_table_new (g_str_hash, g_str_equal);
  fixture->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (fixture->actions), entries,
                                   G_N_ELEMENTS (entries), fixture);
  fixture->menu = g_object_ref_sink (sy_tray_menu_new (G_ACTION_GROUP (fixture->actions)));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_widget_destroy (fixture->menu);
  g_assert_finalize_object (g_steal_pointer (&fixture->menu));
  g_assert_finalize_object (g_steal_pointer (&fixture->actions));
  g_clear_pointer (&fixture->activations, g_hash_table_unref);
}

/* The same one-line form as test-tray-helper: disabled items in parentheses. */
static char *
describe_menu (Fixture *fixture)
{
  g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (fixture->menu));
  g_autoptr(GString) text = g_string_new (NULL);

  for (GList *l = children; l != NULL; l = l->next)
    {
      GtkWidget *item = l->data;

      if (!gtk_widget_get_visible (item))
        continue;
      if (text->len > 0)
        g_string_append (text, " | ");
      if (GTK_IS_SEPARATOR_MENU_ITEM (item))
        g_string_append (text, "---");
      else if (gtk_widget_get_sensitive (item))
        g_string_append (text, gtk_menu_item_get_label (GTK_MENU_ITEM (item)));
      else
        g_string_append_printf (text, "(%s)", gtk_menu_item_get_label (GTK_MENU_ITEM (item)));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
assert_menu_reads (Fixture    *fixture,
                   const char *expected)
{
  g_autofree char *seen = describe_menu (fixture);

  g_assert_cmpstr (seen, ==, expected);
}

static void
activate_item (Fixture    *fixture,
               const char *label)
{
  g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (fixture->menu));

  for (GList *l = children; l != NULL; l = l->next)
    if (!GTK_IS_SEPARATOR_MENU_ITEM (l->data)
        && g_strcmp0 (gtk_menu_item_get_label (l->data), label) == 0)
      {
        gtk_menu_item_activate (l->data);
        return;
      }

  g_error ("no menu item \"%s\"", label);
}

/* The open port dialogs, newest first (there should be at most one). */
static GList *
list_port_dialogs (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();
  GList *dialogs = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (SY_IS_TRAY_PORT_DIALOG (l->data))
      dialogs = g_list_prepend (dialogs, l->data);

  return dialogs;
}

static void
test_states (Fixture       *fixture,
             gconstpointer  data)
{
  SyTrayMenu *menu = SY_TRAY_MENU (fixture->menu);

  /* Before the app said anything: no endpoint to copy, nothing to pause. */
  assert_menu_reads (fixture, "(Connecting to Switchyard…) | --- | Open Switchyard"
                              " | (Copy Endpoint URL) | Change Port… | (Resume Gateway) | ---"
                              " | Quit Switchyard");

  sy_tray_menu_set_gateway (menu, SY_TRAY_STATE_SERVING, ENDPOINT);
  assert_menu_reads (fixture, "(Serving on port 20128) | --- | Open Switchyard | Copy " ENDPOINT
                              " | Change Port… | Pause Gateway | --- | Quit Switchyard");

  sy_tray_menu_set_gateway (menu, SY_TRAY_STATE_PORT_IN_USE, ENDPOINT);
  assert_menu_reads (fixture, "(Port 20128 is in use by another program) | --- | Open Switchyard"
                              " | Copy " ENDPOINT " | Change Port… | Resume Gateway | ---"
                              " | Quit Switchyard");

  /* Enabled states follow the group, and so do added and removed actions. */
  set_enabled (fixture, "resume", FALSE);
  set_enabled (fixture, "copy-endpoint", FALSE);
  g_action_map_remove_action (G_ACTION_MAP (fixture->actions), "quit");
  assert_menu_reads (fixture, "(Port 20128 is in use by another program) | --- | Open Switchyard"
                              " | (Copy " ENDPOINT ") | Change Port… | (Resume Gateway) | ---"
                              " | (Quit Switchyard)");

  g_action_map_add_action_entries (G_ACTION_MAP (fixture->actions), &entries[5], 1, fixture);
  set_enabled (fixture, "copy-endpoint", TRUE);
  sy_tray_menu_set_gateway (menu, SY_TRAY_STATE_DEGRADED, ENDPOINT);
  assert_menu_reads (fixture, "(Some providers are failing) | --- | Open Switchyard | Copy "
                              ENDPOINT " | Change Port… | Pause Gateway | --- | Quit Switchyard");
}

static void
test_activation (Fixture       *fixture,
                 gconstpointer  data)
{
  SyTrayMenu *menu = SY_TRAY_MENU (fixture->menu);

  sy_tray_menu_set_gateway (menu, SY_TRAY_STATE_SERVING, ENDPOINT);

  activate_item (fixture, "Open Switchyard");
  activate_item (fixture, "Copy " ENDPOINT);
  activate_item (fixture, "Pause Gateway");
  activate_item (fixture, "Quit Switchyard");
  g_assert_cmpuint (activations (fixture, "open-window"), ==, 1);
  g_assert_cmpuint (activations (fixture, "copy-endpoint"), ==, 1);
  g_assert_cmpuint (activations (fixture, "pause"), ==, 1);
  g_assert_cmpuint (activations (fixture, "resume"), ==, 0);
  g_assert_cmpuint (activations (fixture, "quit"), ==, 1);

  sy_tray_menu_set_gateway (menu, SY_TRAY_STATE_PAUSED, ENDPOINT);
  activate_item (fixture, "Resume Gateway");
  g_assert_cmpuint (activations (fixture, "resume"), ==, 1);

  /* An action disabled after the menu was drawn is not activated. */
  set_enabled (fixture, "open-window", FALSE);
  activate_item (fixture, "Open Switchyard");
  g_assert_cmpuint (activations (fixture, "open-window"), ==, 1);

  g_assert_true (sy_tray_menu_get_open_item (menu) != NULL);
}

static void
test_change_port (Fixture       *fixture,
                  gconstpointer  data)
{
  SyTrayMenu *menu = SY_TRAY_MENU (fixture->menu);
  g_autoptr(GList) dialogs = NULL;
  g_autoptr(GList) after = NULL;
  SyTrayPortDialog *dialog;

  sy_tray_menu_set_gateway (menu, SY_TRAY_STATE_SERVING, ENDPOINT);

  /* A second click presents the same dialog. */
  activate_item (fixture, "Change Port…");
  activate_item (fixture, "Change Port…");
  dialogs = list_port_dialogs ();
  g_assert_cmpuint (g_list_length (dialogs), ==, 1);
  dialog = dialogs->data;
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_cmpuint (sy_tray_port_dialog_get_port (dialog), ==, 20128);

  sy_tray_port_dialog_set_port (dialog, 8080);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_assert_cmpuint (activations (fixture, "change-port"), ==, 1);
  g_assert_cmpuint (fixture->last_port, ==, 8080);
  after = list_port_dialogs ();
  g_assert_null (after);

  /* Cancel sends nothing. */
  activate_item (fixture, "Change Port…");
  g_clear_pointer (&dialogs, g_list_free);
  dialogs = list_port_dialogs ();
  g_assert_cmpuint (g_list_length (dialogs), ==, 1);
  gtk_dialog_response (GTK_DIALOG (dialogs->data), GTK_RESPONSE_CANCEL);
  g_assert_cmpuint (activations (fixture, "change-port"), ==, 1);
}

static void
test_dialog_goes_with_menu (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GList) dialogs = NULL;
  g_autoptr(GList) after = NULL;
  GtkWidget *dialog;

  sy_tray_menu_set_gateway (SY_TRAY_MENU (fixture->menu), SY_TRAY_STATE_SERVING, ENDPOINT);
  activate_item (fixture, "Change Port…");
  dialogs = list_port_dialogs ();
  g_assert_cmpuint (g_list_length (dialogs), ==, 1);
  dialog = g_object_ref (dialogs->data);

  gtk_widget_destroy (fixture->menu);
  after = list_port_dialogs ();
  g_assert_null (after);
  g_assert_finalize_object (dialog);
}

static void
test_port_dialog (void)
{
  GtkWidget *dialog = g_object_ref_sink (sy_tray_port_dialog_new (ENDPOINT));
  SyTrayPortDialog *port_dialog = SY_TRAY_PORT_DIALOG (dialog);
  GtkWidget *accept = gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog),
                                                          GTK_RESPONSE_ACCEPT);

  /* Nothing to change yet. */
  g_assert_cmpuint (sy_tray_port_dialog_get_port (port_dialog), ==, 20128);
  g_assert_false (gtk_widget_get_sensitive (accept));

  sy_tray_port_dialog_set_port (port_dialog, 8080);
  g_assert_cmpuint (sy_tray_port_dialog_get_port (port_dialog), ==, 8080);
  g_assert_true (gtk_widget_get_sensitive (accept));

  /* Privileged ports are out of reach; the maximum is the maximum. */
  sy_tray_port_dialog_set_port (port_dialog, 80);
  g_assert_cmpuint (sy_tray_port_dialog_get_port (port_dialog), ==, 1024);
  sy_tray_port_dialog_set_port (port_dialog, 70000);
  g_assert_cmpuint (sy_tray_port_dialog_get_port (port_dialog), ==, 65535);

  gtk_widget_destroy (dialog);
  g_assert_finalize_object (dialog);
}

/* Digits typed but not committed (no Tab, no Enter) still count. */
static void
test_port_dialog_typed (void)
{
  GtkWidget *dialog = g_object_ref_sink (sy_tray_port_dialog_new (ENDPOINT));
  g_autoptr(GList) stack = NULL;
  GtkWidget *spin = NULL;

  stack = g_list_prepend (NULL, gtk_dialog_get_content_area (GTK_DIALOG (dialog)));
  while (stack != NULL && spin == NULL)
    {
      GtkWidget *widget = stack->data;

      stack = g_list_delete_link (stack, stack);
      if (GTK_IS_SPIN_BUTTON (widget))
        spin = widget;
      else if (GTK_IS_CONTAINER (widget))
        stack = g_list_concat (gtk_container_get_children (GTK_CONTAINER (widget)), stack);
    }
  g_assert_nonnull (spin);

  gtk_entry_set_text (GTK_ENTRY (spin), "9000");
  g_assert_cmpuint (sy_tray_port_dialog_get_port (SY_TRAY_PORT_DIALOG (dialog)), ==, 9000);

  gtk_widget_destroy (dialog);
  g_assert_finalize_object (dialog);
}

/* With no endpoint known the dialog offers the default port, and Change is allowed. */
static void
test_port_dialog_without_endpoint (void)
{
  GtkWidget *dialog = g_object_ref_sink (sy_tray_port_dialog_new (NULL));
  GtkWidget *accept = gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog),
                                                          GTK_RESPONSE_ACCEPT);

  g_assert_cmpuint (sy_tray_port_dialog_get_port (SY_TRAY_PORT_DIALOG (dialog)), ==, 20128);
  g_assert_true (gtk_widget_get_sensitive (accept));

  gtk_widget_destroy (dialog);
  g_assert_finalize_object (dialog);
}

static void
no_display (void)
{
  if (g_strcmp0 (g_getenv ("SY_HEADLESS"), "1") == 0)
    g_test_fail_printf ("no display under tests/run-headless.sh");
  else
    g_test_skip ("needs a display: run under tests/run-headless.sh");
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GDK_GL", "disable", TRUE);
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check (&argc, &argv))
    {
      g_test_add_func ("/sy/tray/menu/display", no_display);
      return g_test_run ();
    }

  g_test_add ("/sy/tray/menu/states", Fixture, NULL, fixture_setup, test_states,
              fixture_teardown);
  g_test_add ("/sy/tray/menu/activation", Fixture, NULL, fixture_setup, test_activation,
              fixture_teardown);
  g_test_add ("/sy/tray/menu/change-port", Fixture, NULL, fixture_setup, test_change_port,
              fixture_teardown);
  g_test_add ("/sy/tray/menu/dialog-goes-with-menu", Fixture, NULL, fixture_setup,
              test_dialog_goes_with_menu, fixture_teardown);
  g_test_add_func ("/sy/tray/port-dialog/ports", test_port_dialog);
  g_test_add_func ("/sy/tray/port-dialog/typed", test_port_dialog_typed);
  g_test_add_func ("/sy/tray/port-dialog/without-endpoint", test_port_dialog_without_endpoint);

  return g_test_run ();
}

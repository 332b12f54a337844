/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyTestFakeApp: stands in for the GTK 4 app on the private test bus. It behaves just enough
 * like the real one for the tray to follow it (pause and resume change "gateway-state",
 * change-port changes "endpoint") and counts every activation for the tests to assert on.
 */
#define G_LOG_DOMAIN "sy-test-fake-app"

#include "sy-test-fake-app.h"

struct _SyTestFakeApp
{
  GApplication  parent_instance;

  GHashTable   *activations;  /* action name -> count */
  guint         last_port;
};

G_DEFINE_FINAL_TYPE (SyTestFakeApp, sy_test_fake_app, G_TYPE_APPLICATION)

static void
count (SyTestFakeApp *self,
       GSimpleAction *action)
{
  const char *name = g_action_get_name (G_ACTION (action));
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->activations, name));

  g_debug ("%s activated", name);
  g_hash_table_insert (self->activations, g_strdup (name), GUINT_TO_POINTER (n + 1));
}

static void
counted_cb (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  count (user_data, action);
}

static void
pause_cb (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  count (user_data, action);
  sy_test_fake_app_set_gateway_state (user_data, "paused");
}

static void
resume_cb (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  count (user_data, action);
  sy_test_fake_app_set_gateway_state (user_data, "serving");
}

static void
change_port_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  SyTestFakeApp *self = user_data;
  g_autofree char *endpoint = NULL;

  count (self, action);
  self->last_port = g_variant_get_uint32 (parameter);
  endpoint = g_strdup_printf ("http://localhost:%u/v1", self->last_port);
  sy_test_fake_app_set_endpoint (self, endpoint);
}

static const GActionEntry app_entries[] = {
  { "open-window", counted_cb, NULL, NULL, NULL, { 0 } },
  { "copy-endpoint", counted_cb, NULL, NULL, NULL, { 0 } },
  { "change-port", change_port_cb, "u", NULL, NULL, { 0 } },
  { "pause", pause_cb, NULL, NULL, NULL, { 0 } },
  { "resume", resume_cb, NULL, NULL, NULL, { 0 } },
  { "quit", counted_cb, NULL, NULL, NULL, { 0 } },
  { "gateway-state", NULL, NULL, "'serving'", NULL, { 0 } },
  { "endpoint", NULL, NULL, "'http://localhost:20128/v1'", NULL, { 0 } },
};

static GSimpleAction *
lookup (SyTestFakeApp *self,
        const char    *name)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_assert (G_IS_SIMPLE_ACTION (action));
  return G_SIMPLE_ACTION (action);
}

static void
sy_test_fake_app_finalize (GObject *object)
{
  SyTestFakeApp *self = SY_TEST_FAKE_APP (object);

  g_clear_pointer (&self->activations, g_hash_table_unref);

  G_OBJECT_CLASS (sy_test_fake_app_parent_class)->finalize (object);
}

static void
sy_test_fake_app_class_init (SyTestFakeAppClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sy_test_fake_app_finalize;
}

static void
sy_test_fake_app_init (SyTestFakeApp *self)
{
  self->activations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries,
                                   G_N_ELEMENTS (app_entries), self);
}

SyTestFakeApp *
sy_test_fake_app_new (void)
{
  return g_object_new (SY_TYPE_TEST_FAKE_APP,
                       "application-id", SY_APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

guint
sy_test_fake_app_get_activations (SyTestFakeApp *self,
                                  const char    *action)
{
  g_return_val_if_fail (SY_IS_TEST_FAKE_APP (self), 0);

  return GPOINTER_TO_UINT (g_hash_table_lookup (self->activations, action));
}

guint
sy_test_fake_app_get_last_port (SyTestFakeApp *self)
{
  g_return_val_if_fail (SY_IS_TEST_FAKE_APP (self), 0);

  return self->last_port;
}

void
sy_test_fake_app_set_gateway_state (SyTestFakeApp *self,
                                    const char    *state)
{
  g_return_if_fail (SY_IS_TEST_FAKE_APP (self));

  g_simple_action_set_state (lookup (self, "gateway-state"), g_variant_new_string (state));
}

void
sy_test_fake_app_set_endpoint (SyTestFakeApp *self,
                               const char    *endpoint)
{
  g_return_if_fail (SY_IS_TEST_FAKE_APP (self));

  g_simple_action_set_state (lookup (self, "endpoint"), g_variant_new_string (endpoint));
}

void
sy_test_fake_app_set_action_enabled (SyTestFakeApp *self,
                                     const char    *action,
                                     gboolean       enabled)
{
  g_return_if_fail (SY_IS_TEST_FAKE_APP (self));

  g_simple_action_set_enabled (lookup (self, action), enabled);
}

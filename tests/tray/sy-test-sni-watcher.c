/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyTestSniWatcher: org.kde.StatusNotifierWatcher at /StatusNotifierWatcher, enough of it for
 * libayatana-appindicator to register (methods, properties, signals). Ayatana passes its
 * object path, not a bus name: the item's bus name is then the caller's unique name.
 */
#define G_LOG_DOMAIN "sy-test-sni-watcher"

#include "sy-test-sni-watcher.h"

#define WATCHER_NAME "org.kde.StatusNotifierWatcher"
#define WATCHER_PATH "/StatusNotifierWatcher"

static const char watcher_xml[] =
  "<node>"
  "  <interface name='org.kde.StatusNotifierWatcher'>"
  "    <method name='RegisterStatusNotifierItem'>"
  "      <arg name='service' type='s' direction='in'/>"
  "    </method>"
  "    <method name='RegisterStatusNotifierHost'>"
  "      <arg name='service' type='s' direction='in'/>"
  "    </method>"
  "    <property name='RegisteredStatusNotifierItems' type='as' access='read'/>"
  "    <property name='IsStatusNotifierHostRegistered' type='b' access='read'/>"
  "    <property name='ProtocolVersion' type='i' access='read'/>"
  "    <signal name='StatusNotifierItemRegistered'><arg type='s'/></signal>"
  "    <signal name='StatusNotifierItemUnregistered'><arg type='s'/></signal>"
  "    <signal name='StatusNotifierHostRegistered'/>"
  "  </interface>"
  "</node>";

typedef struct
{
  char *bus_name;
  char *object_path;
} Item;

struct _SyTestSniWatcher
{
  GObject          parent_instance;

  GDBusConnection *connection;
  guint            registration_id;
  guint            owner_id;
  gboolean         is_owner;
  GPtrArray       *items;  /* of Item */
};

G_DEFINE_FINAL_TYPE (SyTestSniWatcher, sy_test_sni_watcher, G_TYPE_OBJECT)

static void
item_free (gpointer data)
{
  Item *item = data;

  g_free (item->bus_name);
  g_free (item->object_path);
  g_free (item);
}

static void
register_item (SyTestSniWatcher      *self,
               GDBusMethodInvocation *invocation,
               const char            *service)
{
  const char *sender = g_dbus_method_invocation_get_sender (invocation);
  Item *item = g_new0 (Item, 1);
  g_autofree char *id = NULL;

  if (service[0] == '/')
    {
      item->bus_name = g_strdup (sender);
      item->object_path = g_strdup (service);
    }
  else
    {
      item->bus_name = g_strdup (service);
      item->object_path = g_strdup ("/StatusNotifierItem");
    }
  g_debug ("item registered: %s %s", item->bus_name, item->object_path);

  id = g_strconcat (item->bus_name, item->object_path, NULL);
  g_ptr_array_add (self->items, item);

  g_dbus_method_invocation_return_value (invocation, NULL);
  g_dbus_connection_emit_signal (self->connection, NULL, WATCHER_PATH, WATCHER_NAME,
                                 "StatusNotifierItemRegistered", g_variant_new ("(s)", id),
                                 NULL);
}

static void
method_call_cb (GDBusConnection       *connection,
                const char            *sender,
                const char            *object_path,
                const char            *interface_name,
                const char            *method_name,
                GVariant              *parameters,
                GDBusMethodInvocation *invocation,
                gpointer               user_data)
{
  SyTestSniWatcher *self = user_data;
  const char *service = NULL;

  g_variant_get (parameters, "(&s)", &service);

  if (g_str_equal (method_name, "RegisterStatusNotifierItem"))
    register_item (self, invocation, service);
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static GVariant *
get_property_cb (GDBusConnection  *connection,
                 const char       *sender,
                 const char       *object_path,
                 const char       *interface_name,
                 const char       *property_name,
                 GError          **error,
                 gpointer          user_data)
{
  SyTestSniWatcher *self = user_data;

  if (g_str_equal (property_name, "RegisteredStatusNotifierItems"))
    {
      g_autoptr(GVariantBuilder) builder = g_variant_builder_new (G_VARIANT_TYPE ("as"));

      for (guint i = 0; i < self->items->len; i++)
        {
          Item *item = g_ptr_array_index (self->items, i);
          g_autofree char *id = g_strconcat (item->bus_name, item->object_path, NULL);

          g_variant_builder_add (builder, "s", id);
        }
      return g_variant_builder_end (builder);
    }
  if (g_str_equal (property_name, "IsStatusNotifierHostRegistered"))
    return g_variant_new_boolean (TRUE);
  if (g_str_equal (property_name, "ProtocolVersion"))
    return g_variant_new_int32 (0);

  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, "no property %s",
               property_name);
  return NULL;
}

static const GDBusInterfaceVTable watcher_vtable = {
  method_call_cb,
  get_property_cb,
  NULL,
  { 0 }
};

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  SyTestSniWatcher *self = user_data;

  self->is_owner = TRUE;
}

static void
name_lost_cb (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  SyTestSniWatcher *self = user_data;

  self->is_owner = FALSE;
}

static void
sy_test_sni_watcher_dispose (GObject *object)
{
  SyTestSniWatcher *self = SY_TEST_SNI_WATCHER (object);

  g_clear_handle_id (&self->owner_id, g_bus_unown_name);
  if (self->registration_id != 0)
    {
      g_dbus_connection_unregister_object (self->connection, self->registration_id);
      self->registration_id = 0;
    }
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (sy_test_sni_watcher_parent_class)->dispose (object);
}

static void
sy_test_sni_watcher_finalize (GObject *object)
{
  SyTestSniWatcher *self = SY_TEST_SNI_WATCHER (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (sy_test_sni_watcher_parent_class)->finalize (object);
}

static void
sy_test_sni_watcher_class_init (SyTestSniWatcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_test_sni_watcher_dispose;
  object_class->finalize = sy_test_sni_watcher_finalize;
}

static void
sy_test_sni_watcher_init (SyTestSniWatcher *self)
{
  self->items = g_ptr_array_new_with_free_func (item_free);
}

/* Exports the watcher and asks for its name; sy_test_sni_watcher_is_owner() says when the
 * bus granted it. */
SyTestSniWatcher *
sy_test_sni_watcher_new (GDBusConnection  *connection,
                         GError          **error)
{
  g_autoptr(SyTestSniWatcher) self = NULL;
  g_autoptr(GDBusNodeInfo) info = NULL;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);

  info = g_dbus_node_info_new_for_xml (watcher_xml, error);
  if (info == NULL)
    return NULL;

  self = g_object_new (SY_TYPE_TEST_SNI_WATCHER, NULL);
  self->connection = g_object_ref (connection);
  self->registration_id = g_dbus_connection_register_object (connection, WATCHER_PATH,
                                                             info->interfaces[0],
                                                             &watcher_vtable, self, NULL,
                                                             error);
  if (self->registration_id == 0)
    return NULL;

  self->owner_id = g_bus_own_name_on_connection (connection, WATCHER_NAME,
                                                 G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                                 name_acquired_cb, name_lost_cb, self, NULL);
  return g_steal_pointer (&self);
}

gboolean
sy_test_sni_watcher_is_owner (SyTestSniWatcher *self)
{
  g_return_val_if_fail (SY_IS_TEST_SNI_WATCHER (self), FALSE);

  return self->is_owner;
}

guint
sy_test_sni_watcher_get_n_items (SyTestSniWatcher *self)
{
  g_return_val_if_fail (SY_IS_TEST_SNI_WATCHER (self), 0);

  return self->items->len;
}

void
sy_test_sni_watcher_get_item (SyTestSniWatcher  *self,
                              guint              index,
                              const char       **bus_name,
                              const char       **object_path)
{
  Item *item;

  g_return_if_fail (SY_IS_TEST_SNI_WATCHER (self));
  g_return_if_fail (index < self->items->len);

  item = g_ptr_array_index (self->items, index);
  if (bus_name != NULL)
    *bus_name = item->bus_name;
  if (object_path != NULL)
    *object_path = item->object_path;
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyTrayMenu: a status line, Open Switchyard, Copy <endpoint>, Change Port…, Pause or Resume
 * Gateway (whichever applies), Quit Switchyard. Items follow the action group's enabled
 * states; labels follow the gateway state the indicator passes in. Activating an item only
 * activates an action: the app does the work and reports back through its action states.
 */
#define G_LOG_DOMAIN "sy-tray"

#include <glib/gi18n.h>

#include "sy-tray-menu.h"
#include "sy-tray-port-dialog.h"

/* The app's actions (org.gtk.Actions at its object path). */
#define ACTION_OPEN        "open-window"
#define ACTION_COPY        "copy-endpoint"
#define ACTION_CHANGE_PORT "change-port"
#define ACTION_PAUSE       "pause"
#define ACTION_RESUME      "resume"
#define ACTION_QUIT        "quit"

struct _SyTrayMenu
{
  GtkMenu       parent_instance;

  GActionGroup *actions;
  gulong        added_id;
  gulong        removed_id;
  gulong        enabled_id;
  const char   *removing;     /* during "action-removed", which comes just before removal */

  GtkWidget    *status_item;
  GtkWidget    *open_item;
  GtkWidget    *copy_item;
  GtkWidget    *port_item;
  GtkWidget    *pause_item;
  GtkWidget    *quit_item;

  GtkWidget    *port_dialog;  /* weak; NULL when closed */

  SyTrayState   state;
  char         *endpoint;
};

G_DEFINE_FINAL_TYPE (SyTrayMenu, sy_tray_menu, GTK_TYPE_MENU)

enum
{
  PROP_0,
  PROP_ACTIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
action_usable (SyTrayMenu *self,
               const char *name)
{
  return g_strcmp0 (name, self->removing) != 0
         && g_action_group_has_action (self->actions, name)
         && g_action_group_get_action_enabled (self->actions, name);
}

static const char *
pause_action (SyTrayMenu *self)
{
  return sy_tray_state_is_running (self->state) ? ACTION_PAUSE : ACTION_RESUME;
}

static gboolean
have_endpoint (SyTrayMenu *self)
{
  return self->endpoint != NULL && *self->endpoint != '\0';
}

static void
update_items (SyTrayMenu *self)
{
  g_autofree char *summary = sy_tray_state_dup_summary (self->state, self->endpoint);
  g_autofree char *copy_label = NULL;

  gtk_menu_item_set_label (GTK_MENU_ITEM (self->status_item), summary);

  if (have_endpoint (self))
    /* Translators: a tray menu item that copies the endpoint URL (%s) to the clipboard */
    copy_label = g_strdup_printf (_("Copy %s"), self->endpoint);
  else
    copy_label = g_strdup (_("Copy Endpoint URL"));
  gtk_menu_item_set_label (GTK_MENU_ITEM (self->copy_item), copy_label);

  gtk_menu_item_set_label (GTK_MENU_ITEM (self->pause_item),
                           sy_tray_state_is_running (self->state)
                           ? _("Pause Gateway") : _("Resume Gateway"));

  gtk_widget_set_sensitive (self->open_item, action_usable (self, ACTION_OPEN));
  gtk_widget_set_sensitive (self->copy_item,
                            have_endpoint (self) && action_usable (self, ACTION_COPY));
  gtk_widget_set_sensitive (self->port_item, action_usable (self, ACTION_CHANGE_PORT));
  gtk_widget_set_sensitive (self->pause_item,
                            self->state != SY_TRAY_STATE_UNKNOWN
                            && action_usable (self, pause_action (self)));
  gtk_widget_set_sensitive (self->quit_item, action_usable (self, ACTION_QUIT));
}

static void
activate_action (SyTrayMenu *self,
                 const char *name,
                 GVariant   *parameter)
{
  g_autoptr(GVariant) owned = parameter != NULL ? g_variant_ref_sink (parameter) : NULL;

  /* The app may have disabled it since the menu was drawn. */
  if (!action_usable (self, name))
    {
      g_debug ("not activating %s: the app does not offer it now", name);
      return;
    }

  g_debug ("activating %s", name);
  g_action_group_activate_action (self->actions, name, owned);
}

static void
actions_changed_cb (SyTrayMenu *self)
{
  update_items (self);
}

static void
action_removed_cb (GActionGroup *actions,
                   const char   *name,
                   SyTrayMenu   *self)
{
  self->removing = name;
  update_items (self);
  self->removing = NULL;
}

static void
open_activate_cb (GtkMenuItem *item,
                  SyTrayMenu  *self)
{
  activate_action (self, ACTION_OPEN, NULL);
}

static void
copy_activate_cb (GtkMenuItem *item,
                  SyTrayMenu  *self)
{
  activate_action (self, ACTION_COPY, NULL);
}

static void
pause_activate_cb (GtkMenuItem *item,
                   SyTrayMenu  *self)
{
  activate_action (self, pause_action (self), NULL);
}

static void
quit_activate_cb (GtkMenuItem *item,
                  SyTrayMenu  *self)
{
  activate_action (self, ACTION_QUIT, NULL);
}

static void
port_dialog_response_cb (GtkDialog  *dialog,
                         int         response,
                         SyTrayMenu *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      guint port = sy_tray_port_dialog_get_port (SY_TRAY_PORT_DIALOG (dialog));

      activate_action (self, ACTION_CHANGE_PORT, g_variant_new_uint32 (port));
    }

  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
port_activate_cb (GtkMenuItem *item,
                  SyTrayMenu  *self)
{
  if (self->port_dialog == NULL)
    {
      self->port_dialog = sy_tray_port_dialog_new (self->endpoint);
      g_object_add_weak_pointer (G_OBJECT (self->port_dialog), (gpointer *) &self->port_dialog);
      g_signal_connect_object (self->port_dialog, "response",
                               G_CALLBACK (port_dialog_response_cb), self, G_CONNECT_DEFAULT);
    }

  gtk_window_present (GTK_WINDOW (self->port_dialog));
}

static GtkWidget *
add_item (SyTrayMenu *self,
          const char *label,
          GCallback   activate_cb)
{
  GtkWidget *item = gtk_menu_item_new_with_label (label);

  if (activate_cb != NULL)
    g_signal_connect_object (item, "activate", activate_cb, self, G_CONNECT_DEFAULT);
  gtk_widget_show (item);
  gtk_menu_shell_append (GTK_MENU_SHELL (self), item);
  return item;
}

static void
add_separator (SyTrayMenu *self)
{
  GtkWidget *separator = gtk_separator_menu_item_new ();

  gtk_widget_show (separator);
  gtk_menu_shell_append (GTK_MENU_SHELL (self), separator);
}

static void
sy_tray_menu_constructed (GObject *object)
{
  SyTrayMenu *self = SY_TRAY_MENU (object);

  G_OBJECT_CLASS (sy_tray_menu_parent_class)->constructed (object);

  g_assert (self->actions != NULL);

  /* Any change to which actions exist or are enabled can change any item. */
  self->added_id = g_signal_connect_swapped (self->actions, "action-added",
                                             G_CALLBACK (actions_changed_cb), self);
  self->removed_id = g_signal_connect (self->actions, "action-removed",
                                       G_CALLBACK (action_removed_cb), self);
  self->enabled_id = g_signal_connect_swapped (self->actions, "action-enabled-changed",
                                               G_CALLBACK (actions_changed_cb), self);

  update_items (self);
}

static void
sy_tray_menu_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  SyTrayMenu *self = SY_TRAY_MENU (object);

  switch (prop_id)
    {
    case PROP_ACTIONS:
      g_set_object (&self->actions, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sy_tray_menu_dispose (GObject *object)
{
  SyTrayMenu *self = SY_TRAY_MENU (object);

  if (self->port_dialog != NULL)
    {
      GtkWidget *dialog = g_steal_pointer (&self->port_dialog);

      g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->port_dialog);
      gtk_widget_destroy (dialog);
    }

  if (self->actions != NULL)
    {
      g_clear_signal_handler (&self->added_id, self->actions);
      g_clear_signal_handler (&self->removed_id, self->actions);
      g_clear_signal_handler (&self->enabled_id, self->actions);
    }
  g_clear_object (&self->actions);

  G_OBJECT_CLASS (sy_tray_menu_parent_class)->dispose (object);
}

static void
sy_tray_menu_finalize (GObject *object)
{
  SyTrayMenu *self = SY_TRAY_MENU (object);

  g_clear_pointer (&self->endpoint, g_free);

  G_OBJECT_CLASS (sy_tray_menu_parent_class)->finalize (object);
}

static void
sy_tray_menu_class_init (SyTrayMenuClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sy_tray_menu_constructed;
  object_class->set_property = sy_tray_menu_set_property;
  object_class->dispose = sy_tray_menu_dispose;
  object_class->finalize = sy_tray_menu_finalize;

  properties[PROP_ACTIONS] =
    g_param_spec_object ("actions", NULL, NULL, G_TYPE_ACTION_GROUP,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sy_tray_menu_init (SyTrayMenu *self)
{
  self->state = SY_TRAY_STATE_UNKNOWN;

  self->status_item = add_item (self, "", NULL);
  gtk_widget_set_sensitive (self->status_item, FALSE);
  add_separator (self);
  self->open_item = add_item (self, _("Open Switchyard"), G_CALLBACK (open_activate_cb));
  self->copy_item = add_item (self, "", G_CALLBACK (copy_activate_cb));
  self->port_item = add_item (self, _("Change Port…"), G_CALLBACK (port_activate_cb));
  self->pause_item = add_item (self, "", G_CALLBACK (pause_activate_cb));
  add_separator (self);
  self->quit_item = add_item (self, _("Quit Switchyard"), G_CALLBACK (quit_activate_cb));
}

/**
 * sy_tray_menu_new:
 * @actions: the app's actions
 *
 * Returns: (transfer floating): the menu, every item shown
 */
GtkWidget *
sy_tray_menu_new (GActionGroup *actions)
{
  g_return_val_if_fail (G_IS_ACTION_GROUP (actions), NULL);

  return g_object_new (SY_TYPE_TRAY_MENU, "actions", actions, NULL);
}

void
sy_tray_menu_set_gateway (SyTrayMenu  *self,
                          SyTrayState  state,
                          const char  *endpoint)
{
  g_return_if_fail (SY_IS_TRAY_MENU (self));

  self->state = state;
  if (g_strcmp0 (self->endpoint, endpoint) != 0)
    {
      g_free (self->endpoint);
      self->endpoint = g_strdup (endpoint);
    }

  update_items (self);
}

/* The item a middle click on the tray icon activates. */
GtkWidget *
sy_tray_menu_get_open_item (SyTrayMenu *self)
{
  g_return_val_if_fail (SY_IS_TRAY_MENU (self), NULL);

  return self->open_item;
}

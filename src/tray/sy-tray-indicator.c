/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyTrayIndicator: owns the AppIndicator and its SyTrayMenu, reads the app's stateful actions
 * ("gateway-state": "serving" | "paused" | "port-in-use" | "degraded"; "endpoint": the URL)
 * and turns every change into icon, status, title and menu updates. It reads actions only;
 * the menu activates them.
 */
#define G_LOG_DOMAIN "sy-tray"

#include <gtk/gtk.h>
#include <libayatana-appindicator/app-indicator.h>

#include "sy-tray-indicator.h"
#include "sy-tray-menu.h"

#define ACTION_GATEWAY_STATE "gateway-state"
#define ACTION_ENDPOINT      "endpoint"

struct _SyTrayIndicator
{
  GObject        parent_instance;

  char          *id;
  GActionGroup  *actions;
  gulong         added_id;
  gulong         removed_id;
  gulong         state_id;

  AppIndicator  *indicator;
  GtkWidget     *menu;

  SyTrayState    state;
  char          *endpoint;
};

G_DEFINE_FINAL_TYPE (SyTrayIndicator, sy_tray_indicator, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_ACTIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The first of the state's icon names the current theme has, else its last (fallback). */
static const char *
pick_icon_name (SyTrayState state)
{
  const char * const *names = sy_tray_state_get_icon_names (state);
  GtkIconTheme *theme = gtk_icon_theme_get_default ();
  size_t i;

  for (i = 0; names[i + 1] != NULL; i++)
    if (theme != NULL && gtk_icon_theme_has_icon (theme, names[i]))
      return names[i];

  return names[i];
}

static void
show_state (SyTrayIndicator *self)
{
  const char *icon_name = pick_icon_name (self->state);
  g_autofree char *title = sy_tray_state_dup_title (self->state, self->endpoint);
  g_autofree char *summary = sy_tray_state_dup_summary (self->state, self->endpoint);

  g_debug ("state %s, endpoint %s, icon %s", sy_tray_state_to_string (self->state),
           self->endpoint != NULL ? self->endpoint : "(none)", icon_name);

  /* The attention icon is the same picture: hosts that swap icons keep showing the state. */
  app_indicator_set_icon_full (self->indicator, icon_name, summary);
  app_indicator_set_attention_icon_full (self->indicator, icon_name, summary);
  app_indicator_set_title (self->indicator, title);
  app_indicator_set_status (self->indicator,
                            sy_tray_state_needs_attention (self->state)
                            ? APP_INDICATOR_STATUS_ATTENTION : APP_INDICATOR_STATUS_ACTIVE);

  sy_tray_menu_set_gateway (SY_TRAY_MENU (self->menu), self->state, self->endpoint);
}

/* Takes one stateful action's state (NULL when the action is gone). */
static void
read_state (SyTrayIndicator *self,
            const char      *name,
            GVariant        *value)
{
  const char *text = NULL;

  if (value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    text = g_variant_get_string (value, NULL);
  else if (value != NULL)
    g_debug ("ignoring %s: state of type %s, expected s", name, g_variant_get_type_string (value));

  if (g_str_equal (name, ACTION_GATEWAY_STATE))
    {
      self->state = sy_tray_state_from_string (text);
      if (text != NULL && self->state == SY_TRAY_STATE_UNKNOWN)
        g_debug ("unknown gateway state \"%s\"", text);
    }
  else if (g_str_equal (name, ACTION_ENDPOINT))
    {
      g_free (self->endpoint);
      self->endpoint = g_strdup (text);
    }
  else
    return;

  show_state (self);
}

static void
action_added_cb (GActionGroup    *actions,
                 const char      *name,
                 SyTrayIndicator *self)
{
  g_autoptr(GVariant) value = NULL;

  if (!g_str_equal (name, ACTION_GATEWAY_STATE) && !g_str_equal (name, ACTION_ENDPOINT))
    return;

  value = g_action_group_get_action_state (actions, name);
  read_state (self, name, value);
}

static void
action_removed_cb (GActionGroup    *actions,
                   const char      *name,
                   SyTrayIndicator *self)
{
  read_state (self, name, NULL);
}

static void
action_state_changed_cb (GActionGroup    *actions,
                         const char      *name,
                         GVariant        *value,
                         SyTrayIndicator *self)
{
  read_state (self, name, value);
}

static void
icon_theme_changed_cb (SyTrayIndicator *self)
{
  show_state (self);
}

static void
sy_tray_indicator_constructed (GObject *object)
{
  SyTrayIndicator *self = SY_TRAY_INDICATOR (object);
  GtkIconTheme *theme = gtk_icon_theme_get_default ();
  g_auto(GStrv) names = NULL;

  G_OBJECT_CLASS (sy_tray_indicator_parent_class)->constructed (object);

  g_assert (self->id != NULL);
  g_assert (self->actions != NULL);

  self->menu = g_object_ref_sink (sy_tray_menu_new (self->actions));

  self->indicator = app_indicator_new (self->id, pick_icon_name (self->state),
                                       APP_INDICATOR_CATEGORY_APPLICATION_STATUS);
  app_indicator_set_menu (self->indicator, GTK_MENU (self->menu));
  app_indicator_set_secondary_activate_target (
    self->indicator, sy_tray_menu_get_open_item (SY_TRAY_MENU (self->menu)));
  show_state (self);

  if (theme != NULL)
    g_signal_connect_object (theme, "changed", G_CALLBACK (icon_theme_changed_cb), self,
                             G_CONNECT_SWAPPED);

  self->added_id = g_signal_connect (self->actions, "action-added",
                                     G_CALLBACK (action_added_cb), self);
  self->removed_id = g_signal_connect (self->actions, "action-removed",
                                       G_CALLBACK (action_removed_cb), self);
  self->state_id = g_signal_connect (self->actions, "action-state-changed",
                                     G_CALLBACK (action_state_changed_cb), self);

  /* A GDBusActionGroup fetches its actions on the first listing and then announces each one
   * with "action-added"; a local group already has them. */
  names = g_action_group_list_actions (self->actions);
  for (size_t i = 0; names[i] != NULL; i++)
    action_added_cb (self->actions, names[i], self);
}

static void
sy_tray_indicator_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SyTrayIndicator *self = SY_TRAY_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_free (self->id);
      self->id = g_value_dup_string (value);
      break;

    case PROP_ACTIONS:
      g_set_object (&self->actions, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sy_tray_indicator_dispose (GObject *object)
{
  SyTrayIndicator *self = SY_TRAY_INDICATOR (object);

  if (self->actions != NULL)
    {
      g_clear_signal_handler (&self->added_id, self->actions);
      g_clear_signal_handler (&self->removed_id, self->actions);
      g_clear_signal_handler (&self->state_id, self->actions);
    }

  /* The indicator unregisters from the watcher when it goes. */
  g_clear_object (&self->indicator);
  if (self->menu != NULL)
    gtk_widget_destroy (self->menu);
  g_clear_object (&self->menu);
  g_clear_object (&self->actions);

  G_OBJECT_CLASS (sy_tray_indicator_parent_class)->dispose (object);
}

static void
sy_tray_indicator_finalize (GObject *object)
{
  SyTrayIndicator *self = SY_TRAY_INDICATOR (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->endpoint, g_free);

  G_OBJECT_CLASS (sy_tray_indicator_parent_class)->finalize (object);
}

static void
sy_tray_indicator_class_init (SyTrayIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sy_tray_indicator_constructed;
  object_class->set_property = sy_tray_indicator_set_property;
  object_class->dispose = sy_tray_indicator_dispose;
  object_class->finalize = sy_tray_indicator_finalize;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTIONS] =
    g_param_spec_object ("actions", NULL, NULL, G_TYPE_ACTION_GROUP,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sy_tray_indicator_init (SyTrayIndicator *self)
{
  self->state = SY_TRAY_STATE_UNKNOWN;
}

/**
 * sy_tray_indicator_new:
 * @id: the StatusNotifierItem id (the app id)
 * @actions: the app's actions, usually a #GDBusActionGroup
 *
 * Creates the indicator and shows it; it registers with the StatusNotifierWatcher as soon as
 * the main loop runs.
 */
SyTrayIndicator *
sy_tray_indicator_new (const char   *id,
                       GActionGroup *actions)
{
  g_return_val_if_fail (id != NULL && *id != '\0', NULL);
  g_return_val_if_fail (G_IS_ACTION_GROUP (actions), NULL);

  return g_object_new (SY_TYPE_TRAY_INDICATOR, "id", id, "actions", actions, NULL);
}

SyTrayState
sy_tray_indicator_get_state (SyTrayIndicator *self)
{
  g_return_val_if_fail (SY_IS_TRAY_INDICATOR (self), SY_TRAY_STATE_UNKNOWN);

  return self->state;
}

const char *
sy_tray_indicator_get_endpoint (SyTrayIndicator *self)
{
  g_return_val_if_fail (SY_IS_TRAY_INDICATOR (self), NULL);

  return self->endpoint;
}

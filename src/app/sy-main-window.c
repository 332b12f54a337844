/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window: header bar with the endpoint (click to copy) and the gateway's state, the
 * bar shown while the gateway does not serve, and the stack of pages with its sidebar. It
 * follows SyGatewayHost::changed; the pages read their own data. Given the app's settings, it
 * opens at the size, maximized state and page it had and saves them again.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-main-window.h"

#include <glib/gi18n.h>

#include "sy-cli-tools-page.h"
#include "sy-combos-page.h"
#include "sy-health-page.h"
#include "sy-keys-page.h"
#include "sy-providers-page.h"
#include "sy-settings-page.h"
#include "sy-translator-page.h"
#include "sy-usage-page.h"

struct _SyMainWindow
{
  GtkApplicationWindow  parent_instance;

  SyAdminClient        *client;
  SyGatewayHost        *host;
  GSettings            *settings;  /* NULL: nothing restored or saved (screenshots) */

  GtkLabel             *endpoint_label;
  GtkLabel             *state_label;
  GtkRevealer          *banner_revealer;
  GtkLabel             *banner_label;
  GtkWidget            *port_box;
  GtkSpinButton        *port_spin;
  GtkButton            *retry_button;
  GtkStack             *stack;
  SyHealthPage         *health_page;
  SyCombosPage         *combos_page;
  SyTranslatorPage     *translator_page;
  SyProvidersPage      *providers_page;
  SyUsagePage          *usage_page;
  SyCliToolsPage       *cli_tools_page;
  SyKeysPage           *keys_page;
  SySettingsPage       *settings_page;
};

G_DEFINE_FINAL_TYPE (SyMainWindow, sy_main_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_state_class (GtkWidget  *widget,
                 const char *css_class)
{
  static const char * const classes[] = { "sy-ok", "sy-warning", "sy-bad", NULL };

  for (guint i = 0; classes[i] != NULL; i++)
    gtk_widget_remove_css_class (widget, classes[i]);
  gtk_widget_add_css_class (widget, css_class);
}

static void
update_state (SyMainWindow *self)
{
  SyGatewayHostStatus status = sy_gateway_host_get_status (self->host);
  const GError *error = sy_gateway_host_get_error (self->host);
  guint port = sy_gateway_host_get_port (self->host);
  g_autofree char *endpoint = sy_gateway_host_dup_endpoint (self->host);
  g_autofree char *text = NULL;

  gtk_label_set_text (self->endpoint_label, endpoint);
  gtk_widget_set_visible (self->port_box, status == SY_GATEWAY_HOST_PORT_IN_USE ||
                                          status == SY_GATEWAY_HOST_FAILED);
  gtk_button_set_label (self->retry_button,
                        status == SY_GATEWAY_HOST_PAUSED ? _("Resume") : _("Retry"));

  switch (status)
    {
    case SY_GATEWAY_HOST_SERVING:
      gtk_label_set_text (self->state_label, sy_gateway_host_is_degraded (self->host)
                                               ? _("Serving, a provider is failing")
                                               : _("Serving"));
      set_state_class (GTK_WIDGET (self->state_label),
                       sy_gateway_host_is_degraded (self->host) ? "sy-warning" : "sy-ok");
      break;
    case SY_GATEWAY_HOST_PAUSED:
      gtk_label_set_text (self->state_label, _("Paused"));
      set_state_class (GTK_WIDGET (self->state_label), "sy-warning");
      text = g_strdup_printf (_("The gateway is paused: your tools cannot reach %s until you "
                                "resume it."), endpoint);
      break;
    case SY_GATEWAY_HOST_PORT_IN_USE:
      gtk_label_set_text (self->state_label, _("Port in use"));
      set_state_class (GTK_WIDGET (self->state_label), "sy-bad");
      text = g_strdup_printf (_("Port %u is already in use by another program, so your tools "
                                "cannot reach Switchyard. Choose another port and press Use "
                                "this port, or close the other program and press Retry."),
                              port);
      break;
    case SY_GATEWAY_HOST_FAILED:
    default:
      gtk_label_set_text (self->state_label, _("Stopped"));
      set_state_class (GTK_WIDGET (self->state_label), "sy-bad");
      text = g_strdup_printf (_("The gateway could not start: %s. Fix that and press Retry, or "
                                "try another port."),
                              error != NULL ? error->message : _("unknown error"));
      break;
    }

  if (text != NULL)
    {
      gtk_label_set_text (self->banner_label, text);
      /* The field starts at the port that failed; the user edits it from there. */
      if (!gtk_revealer_get_reveal_child (self->banner_revealer) && port > 0)
        gtk_spin_button_set_value (self->port_spin, port);
    }
  gtk_revealer_set_reveal_child (self->banner_revealer, text != NULL);
}

static void
host_changed_cb (SyGatewayHost *host,
                 gpointer       user_data)
{
  update_state (user_data);
}

static void
use_port_clicked_cb (SyMainWindow *self)
{
  guint port;

  gtk_spin_button_update (self->port_spin);  /* a number typed but not confirmed yet */
  port = (guint) gtk_spin_button_get_value_as_int (self->port_spin);
  gtk_widget_activate_action (GTK_WIDGET (self), "app.change-port", "u", port);
}

static void
refresh_action_cb (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  sy_main_window_refresh (user_data);
}

static const GActionEntry win_entries[] = {
  { "refresh", refresh_action_cb },
};

static void
sy_main_window_constructed (GObject *object)
{
  SyMainWindow *self = SY_MAIN_WINDOW (object);

  G_OBJECT_CLASS (sy_main_window_parent_class)->constructed (object);

  g_assert (self->client != NULL);
  self->host = sy_admin_client_get_host (self->client);
  g_signal_connect_object (self->host, "changed", G_CALLBACK (host_changed_cb), self, 0);
  sy_health_page_set_client (self->health_page, self->client);
  sy_combos_page_set_client (self->combos_page, self->client);
  sy_translator_page_set_client (self->translator_page, self->client);
  sy_providers_page_set_client (self->providers_page, self->client);
  sy_usage_page_set_client (self->usage_page, self->client);
  sy_cli_tools_page_set_client (self->cli_tools_page, self->client);
  sy_keys_page_set_client (self->keys_page, self->client);
  sy_settings_page_set_client (self->settings_page, self->client);
  update_state (self);
}

/* --- saved state ------------------------------------------------------------------------- */

static void
page_changed_cb (SyMainWindow *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaKey) key = NULL;
  g_autoptr(GVariant) value = NULL;

  if (self->settings == NULL || page == NULL)
    return;
  /* A page the schema does not list yet (a newer window, an older schema) is not saved. */
  g_object_get (self->settings, "settings-schema", &schema, NULL);
  key = g_settings_schema_get_key (schema, "last-page");
  value = g_variant_ref_sink (g_variant_new_string (page));
  if (g_settings_schema_key_range_check (key, value))
    g_settings_set_string (self->settings, "last-page", page);
}

static void
save_size (SyMainWindow *self)
{
  gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));
  int width;
  int height;

  if (self->settings == NULL)
    return;
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized", maximized);
  /* The size to come back to when it is unmaximized: the one saved before it was maximized. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (!maximized && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", CLAMP (width, 360, 32767));
      g_settings_set_int (self->settings, "window-height", CLAMP (height, 294, 32767));
    }
  g_settings_apply (self->settings);
}

/* Closing the window, and the app's shutdown destroying it, both end here. */
static void
sy_main_window_unrealize (GtkWidget *widget)
{
  save_size (SY_MAIN_WINDOW (widget));
  GTK_WIDGET_CLASS (sy_main_window_parent_class)->unrealize (widget);
}

static void
sy_main_window_dispose (GObject *object)
{
  SyMainWindow *self = SY_MAIN_WINDOW (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->stack, self);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), SY_TYPE_MAIN_WINDOW);
  g_clear_object (&self->client);
  self->host = NULL;
  G_OBJECT_CLASS (sy_main_window_parent_class)->dispose (object);
}

static void
sy_main_window_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SyMainWindow *self = SY_MAIN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sy_main_window_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SyMainWindow *self = SY_MAIN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sy_main_window_class_init (SyMainWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sy_main_window_constructed;
  object_class->dispose = sy_main_window_dispose;
  object_class->set_property = sy_main_window_set_property;
  object_class->get_property = sy_main_window_get_property;
  widget_class->unrealize = sy_main_window_unrealize;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, SY_TYPE_ADMIN_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SY_TYPE_HEALTH_PAGE);
  g_type_ensure (SY_TYPE_COMBOS_PAGE);
  g_type_ensure (SY_TYPE_TRANSLATOR_PAGE);
  g_type_ensure (SY_TYPE_PROVIDERS_PAGE);
  g_type_ensure (SY_TYPE_USAGE_PAGE);
  g_type_ensure (SY_TYPE_CLI_TOOLS_PAGE);
  g_type_ensure (SY_TYPE_KEYS_PAGE);
  g_type_ensure (SY_TYPE_SETTINGS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/switchyard/Switchyard/ui/sy-main-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SyMainWindow, endpoint_label);
  gtk_widget_class_bind_template_child (widget_class, SyMainWindow, state_label);
  gtk_widget_class_bind_template_child (widget_class, SyMainWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, SyMainWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, SyMainWindow, port_box);
  gtk_widget_class_bind_template_child (widget_class, SyMainWindow, port_spin);
  gtk_widget_class_bind_template_child (widget_class, SyMainWindow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, SyMainWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, SyMainWindow, health_page);
  gtk_widget_class_bind_template_child (widget_class, SyMainWindow, combos_page);
  gtk_widget_class_bind_template_child (widget_class, SyMainWindow, translator_page);
  gtk_widget_class_bind_template_child (widget_class, SyMainWindow, providers_page);
  gtk_widget_class_bind_template_child (widget_class, SyMainWindow, usage_page);
  gtk_widget_class_bind_template_child (widget_class, SyMainWindow, cli_tools_page);
  gtk_widget_class_bind_template_child (widget_class, SyMainWindow, keys_page);
  gtk_widget_class_bind_template_child (widget_class, SyMainWindow, settings_page);
  gtk_widget_class_bind_template_callback (widget_class, use_port_clicked_cb);
}

static void
sy_main_window_init (SyMainWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries),
                                   self);
}

SyMainWindow *
sy_main_window_new (GtkApplication *app,
                    SyAdminClient  *client)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (SY_IS_ADMIN_CLIENT (client), NULL);

  return g_object_new (SY_TYPE_MAIN_WINDOW, "application", app, "client", client, NULL);
}

void
sy_main_window_restore_state (SyMainWindow *self,
                              GSettings    *settings)
{
  g_autofree char *page = NULL;

  g_return_if_fail (SY_IS_MAIN_WINDOW (self));
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (self->settings == NULL);

  self->settings = g_object_ref (settings);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  page = g_settings_get_string (settings, "last-page");
  sy_main_window_set_page (self, page);
  g_signal_connect_swapped (self->stack, "notify::visible-child-name",
                            G_CALLBACK (page_changed_cb), self);
}

gboolean
sy_main_window_set_page (SyMainWindow *self,
                         const char   *name)
{
  g_return_val_if_fail (SY_IS_MAIN_WINDOW (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (gtk_stack_get_child_by_name (self->stack, name) == NULL)
    return FALSE;
  gtk_stack_set_visible_child_name (self->stack, name);
  return TRUE;
}

const char *
sy_main_window_get_page (SyMainWindow *self)
{
  g_return_val_if_fail (SY_IS_MAIN_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

void
sy_main_window_refresh (SyMainWindow *self)
{
  g_return_if_fail (SY_IS_MAIN_WINDOW (self));

  sy_gateway_host_refresh (self->host);
  sy_health_page_refresh (self->health_page);
  sy_combos_page_refresh (self->combos_page);
  sy_translator_page_refresh (self->translator_page);
  sy_providers_page_refresh (self->providers_page);
  sy_usage_page_refresh (self->usage_page);
  sy_cli_tools_page_refresh (self->cli_tools_page);
  sy_keys_page_refresh (self->keys_page);
  sy_settings_page_refresh (self->settings_page);
  update_state (self);
}

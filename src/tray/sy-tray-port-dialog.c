/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyTrayPortDialog: a spin button for the new port, a preview of the endpoint URL clients
 * will need, Cancel and Change Port (only sensitive when the port differs). Built in code, not
 * from ui/: those templates are GTK 4 and this helper is GTK 3.
 */
#define G_LOG_DOMAIN "sy-tray"

#include <glib/gi18n.h>

#include "sy-tray-port-dialog.h"
#include "sy-tray-state.h"

/* Ports below 1024 need privileges the gateway does not have. */
#define PORT_MIN 1024
#define PORT_MAX 65535

struct _SyTrayPortDialog
{
  GtkDialog       parent_instance;

  GtkSpinButton  *spin;
  GtkLabel       *preview;

  char           *endpoint;
  guint           current_port;
};

G_DEFINE_FINAL_TYPE (SyTrayPortDialog, sy_tray_port_dialog, GTK_TYPE_DIALOG)

enum
{
  PROP_0,
  PROP_ENDPOINT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_preview (SyTrayPortDialog *self)
{
  guint port = (guint) gtk_spin_button_get_value_as_int (self->spin);
  g_autofree char *url = NULL;
  g_autofree char *text = NULL;

  gtk_dialog_set_response_sensitive (GTK_DIALOG (self), GTK_RESPONSE_ACCEPT,
                                     port != self->current_port);

  url = sy_tray_endpoint_with_port (self->endpoint, port);
  if (url != NULL)
    /* Translators: below the port field; %s is the endpoint URL with the new port */
    text = g_strdup_printf (_("New endpoint: %s"), url);
  gtk_label_set_text (self->preview, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->preview), text != NULL);
}

static void
spin_value_changed_cb (GtkSpinButton    *spin,
                       SyTrayPortDialog *self)
{
  update_preview (self);
}

static void
sy_tray_port_dialog_constructed (GObject *object)
{
  SyTrayPortDialog *self = SY_TRAY_PORT_DIALOG (object);
  guint port;

  G_OBJECT_CLASS (sy_tray_port_dialog_parent_class)->constructed (object);

  self->current_port = sy_tray_endpoint_get_port (self->endpoint);
  port = self->current_port != 0 ? self->current_port : SY_TRAY_DEFAULT_PORT;
  gtk_spin_button_set_value (self->spin, port);
  update_preview (self);
}

static void
sy_tray_port_dialog_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  SyTrayPortDialog *self = SY_TRAY_PORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      g_free (self->endpoint);
      self->endpoint = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sy_tray_port_dialog_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  SyTrayPortDialog *self = SY_TRAY_PORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      g_value_set_string (value, self->endpoint);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sy_tray_port_dialog_finalize (GObject *object)
{
  SyTrayPortDialog *self = SY_TRAY_PORT_DIALOG (object);

  g_clear_pointer (&self->endpoint, g_free);

  G_OBJECT_CLASS (sy_tray_port_dialog_parent_class)->finalize (object);
}

static void
sy_tray_port_dialog_class_init (SyTrayPortDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sy_tray_port_dialog_constructed;
  object_class->set_property = sy_tray_port_dialog_set_property;
  object_class->get_property = sy_tray_port_dialog_get_property;
  object_class->finalize = sy_tray_port_dialog_finalize;

  properties[PROP_ENDPOINT] =
    g_param_spec_string ("endpoint", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sy_tray_port_dialog_init (SyTrayPortDialog *self)
{
  GtkWidget *content = gtk_dialog_get_content_area (GTK_DIALOG (self));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *intro;
  GtkWidget *port_label;
  GtkWidget *accept;

  gtk_window_set_title (GTK_WINDOW (self), _("Change Port"));
  gtk_window_set_icon_name (GTK_WINDOW (self), SY_APP_ID);
  gtk_window_set_resizable (GTK_WINDOW (self), FALSE);
  gtk_window_set_position (GTK_WINDOW (self), GTK_WIN_POS_CENTER);

  gtk_container_set_border_width (GTK_CONTAINER (box), 18);

  intro = gtk_label_new (_("Switchyard serves its local endpoint on this port. Clients that use "
                           "the old address must be pointed at the new one."));
  gtk_label_set_line_wrap (GTK_LABEL (intro), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (intro), 44);
  gtk_label_set_xalign (GTK_LABEL (intro), 0.0);
  gtk_container_add (GTK_CONTAINER (box), intro);

  port_label = gtk_label_new_with_mnemonic (_("_Port"));
  self->spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (PORT_MIN, PORT_MAX, 1));
  gtk_spin_button_set_numeric (self->spin, TRUE);
  gtk_spin_button_set_digits (self->spin, 0);
  gtk_entry_set_activates_default (GTK_ENTRY (self->spin), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->spin), TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (port_label), GTK_WIDGET (self->spin));
  gtk_container_add (GTK_CONTAINER (row), port_label);
  gtk_container_add (GTK_CONTAINER (row), GTK_WIDGET (self->spin));
  gtk_container_add (GTK_CONTAINER (box), row);

  self->preview = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->preview, 0.0);
  gtk_label_set_selectable (self->preview, TRUE);
  gtk_style_context_add_class (gtk_widget_get_style_context (GTK_WIDGET (self->preview)),
                               "dim-label");
  gtk_container_add (GTK_CONTAINER (box), GTK_WIDGET (self->preview));

  gtk_widget_show_all (box);
  gtk_container_add (GTK_CONTAINER (content), box);

  gtk_dialog_add_button (GTK_DIALOG (self), _("_Cancel"), GTK_RESPONSE_CANCEL);
  accept = gtk_dialog_add_button (GTK_DIALOG (self), _("C_hange Port"), GTK_RESPONSE_ACCEPT);
  gtk_style_context_add_class (gtk_widget_get_style_context (accept), "suggested-action");
  gtk_dialog_set_default_response (GTK_DIALOG (self), GTK_RESPONSE_ACCEPT);

  g_signal_connect_object (self->spin, "value-changed", G_CALLBACK (spin_value_changed_cb),
                           self, G_CONNECT_DEFAULT);
}

/**
 * sy_tray_port_dialog_new:
 * @endpoint: (nullable): the app's current endpoint URL
 *
 * Returns: (transfer floating): a new dialog, not shown yet, with the endpoint's port
 *   selected (the default port when @endpoint names none)
 */
GtkWidget *
sy_tray_port_dialog_new (const char *endpoint)
{
  return g_object_new (SY_TYPE_TRAY_PORT_DIALOG, "endpoint", endpoint, NULL);
}

/* The selected port, including digits typed but not yet committed. */
guint
sy_tray_port_dialog_get_port (SyTrayPortDialog *self)
{
  g_return_val_if_fail (SY_IS_TRAY_PORT_DIALOG (self), 0);

  gtk_spin_button_update (self->spin);
  return (guint) gtk_spin_button_get_value_as_int (self->spin);
}

void
sy_tray_port_dialog_set_port (SyTrayPortDialog *self,
                              guint             port)
{
  g_return_if_fail (SY_IS_TRAY_PORT_DIALOG (self));

  gtk_spin_button_set_value (self->spin, port);
}

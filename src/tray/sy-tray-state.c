/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Maps the app's "gateway-state" and "endpoint" action states to what the tray shows. Pure:
 * no GTK, no D-Bus, no I/O. Which icon the theme actually has is the caller's question.
 */
#define G_LOG_DOMAIN "sy-tray"

#include <glib/gi18n.h>

#include "sy-tray-state.h"

static const struct
{
  const char *name;
  SyTrayState state;
} state_names[] = {
  { "serving", SY_TRAY_STATE_SERVING },
  { "degraded", SY_TRAY_STATE_DEGRADED },
  { "paused", SY_TRAY_STATE_PAUSED },
  { "port-in-use", SY_TRAY_STATE_PORT_IN_USE },
};

/* The app's own icons first (a theme or the app may ship them), then stock symbolic icons
 * every freedesktop theme has, the most telling first. */
static const char * const unknown_icons[] = {
  SY_APP_ID "-symbolic", "network-idle-symbolic", NULL
};
static const char * const serving_icons[] = {
  SY_APP_ID "-symbolic", "network-transmit-receive-symbolic", "network-idle-symbolic", NULL
};
static const char * const degraded_icons[] = {
  SY_APP_ID "-degraded-symbolic", "network-error-symbolic", "dialog-warning-symbolic", NULL
};
static const char * const paused_icons[] = {
  SY_APP_ID "-paused-symbolic", "network-offline-symbolic", "media-playback-pause-symbolic",
  NULL
};
static const char * const port_in_use_icons[] = {
  SY_APP_ID "-error-symbolic", "dialog-error-symbolic", "network-error-symbolic", NULL
};

SyTrayState
sy_tray_state_from_string (const char *state)
{
  if (state == NULL)
    return SY_TRAY_STATE_UNKNOWN;

  for (size_t i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (g_str_equal (state, state_names[i].name))
      return state_names[i].state;

  return SY_TRAY_STATE_UNKNOWN;
}

const char *
sy_tray_state_to_string (SyTrayState state)
{
  for (size_t i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (state_names[i].state == state)
      return state_names[i].name;

  return "unknown";
}

const char * const *
sy_tray_state_get_icon_names (SyTrayState state)
{
  switch (state)
    {
    case SY_TRAY_STATE_SERVING:
      return serving_icons;
    case SY_TRAY_STATE_DEGRADED:
      return degraded_icons;
    case SY_TRAY_STATE_PAUSED:
      return paused_icons;
    case SY_TRAY_STATE_PORT_IN_USE:
      return port_in_use_icons;
    case SY_TRAY_STATE_UNKNOWN:
    default:
      return unknown_icons;
    }
}

gboolean
sy_tray_state_needs_attention (SyTrayState state)
{
  return state == SY_TRAY_STATE_PORT_IN_USE;
}

gboolean
sy_tray_state_is_running (SyTrayState state)
{
  return state == SY_TRAY_STATE_SERVING || state == SY_TRAY_STATE_DEGRADED;
}

char *
sy_tray_state_dup_title (SyTrayState  state,
                         const char  *endpoint)
{
  gboolean have_endpoint = endpoint != NULL && *endpoint != '\0';
  guint port = sy_tray_endpoint_get_port (endpoint);

  switch (state)
    {
    case SY_TRAY_STATE_SERVING:
      if (have_endpoint)
        /* Translators: the tray icon's title (shown as its tooltip); %s is a URL */
        return g_strdup_printf (_("Switchyard: serving at %s"), endpoint);
      return g_strdup (_("Switchyard: serving"));

    case SY_TRAY_STATE_DEGRADED:
      if (have_endpoint)
        /* Translators: the tray icon's title (shown as its tooltip); %s is a URL */
        return g_strdup_printf (_("Switchyard: serving at %s, some providers are failing"),
                                endpoint);
      return g_strdup (_("Switchyard: serving, some providers are failing"));

    case SY_TRAY_STATE_PAUSED:
      return g_strdup (_("Switchyard: paused"));

    case SY_TRAY_STATE_PORT_IN_USE:
      if (port != 0)
        /* Translators: the tray icon's title (shown as its tooltip); %u is a TCP port */
        return g_strdup_printf (_("Switchyard: port %u is in use by another program"), port);
      return g_strdup (_("Switchyard: the port is in use by another program"));

    case SY_TRAY_STATE_UNKNOWN:
    default:
      return g_strdup ("Switchyard");
    }
}

char *
sy_tray_state_dup_summary (SyTrayState  state,
                           const char  *endpoint)
{
  guint port = sy_tray_endpoint_get_port (endpoint);

  switch (state)
    {
    case SY_TRAY_STATE_SERVING:
      if (port != 0)
        /* Translators: the first line of the tray menu; %u is a TCP port */
        return g_strdup_printf (_("Serving on port %u"), port);
      return g_strdup (_("Serving"));

    case SY_TRAY_STATE_DEGRADED:
      return g_strdup (_("Some providers are failing"));

    case SY_TRAY_STATE_PAUSED:
      return g_strdup (_("Gateway paused"));

    case SY_TRAY_STATE_PORT_IN_USE:
      if (port != 0)
        /* Translators: the first line of the tray menu; %u is a TCP port */
        return g_strdup_printf (_("Port %u is in use by another program"), port);
      return g_strdup (_("The port is in use by another program"));

    case SY_TRAY_STATE_UNKNOWN:
    default:
      return g_strdup (_("Connecting to Switchyard…"));
    }
}

guint
sy_tray_endpoint_get_port (const char *endpoint)
{
  g_autoptr(GUri) uri = NULL;
  int port;

  if (endpoint == NULL || *endpoint == '\0')
    return 0;

  uri = g_uri_parse (endpoint, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return 0;

  port = g_uri_get_port (uri);
  return port > 0 && port <= G_MAXUINT16 ? (guint) port : 0;
}

char *
sy_tray_endpoint_with_port (const char *endpoint,
                            guint       port)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GUri) changed = NULL;

  g_return_val_if_fail (port > 0 && port <= G_MAXUINT16, NULL);

  if (endpoint == NULL || *endpoint == '\0')
    return NULL;

  uri = g_uri_parse (endpoint, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;

  changed = g_uri_build (g_uri_get_flags (uri), g_uri_get_scheme (uri),
                         g_uri_get_userinfo (uri), g_uri_get_host (uri), (int) port,
                         g_uri_get_path (uri), g_uri_get_query (uri), g_uri_get_fragment (uri));
  return g_uri_to_string (changed);
}

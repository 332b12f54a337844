/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the tray shows for each gateway state the app exports ("gateway-state" action): icon
 * names, the indicator title, the menu's status line, and the endpoint URL's port. Pure GLib,
 * no GTK and no I/O, so the tests can share it with the helper.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The port the app listens on when its endpoint URL does not say. */
#define SY_TRAY_DEFAULT_PORT 20128

typedef enum
{
  SY_TRAY_STATE_UNKNOWN,      /* not reported yet, or a value this helper does not know */
  SY_TRAY_STATE_SERVING,
  SY_TRAY_STATE_DEGRADED,     /* serving, but some providers are failing */
  SY_TRAY_STATE_PAUSED,       /* stopped by the user */
  SY_TRAY_STATE_PORT_IN_USE,  /* not serving: another program holds the port */
} SyTrayState;

SyTrayState         sy_tray_state_from_string     (const char  *state);
const char         *sy_tray_state_to_string       (SyTrayState  state);

/* Icon names to try in order, best first, NULL-terminated; the last one is the fallback
 * used when the icon theme has none of them. */
const char * const *sy_tray_state_get_icon_names  (SyTrayState  state);

/* TRUE when the gateway is not serving and the user must act (the indicator asks for
 * attention). */
gboolean            sy_tray_state_needs_attention (SyTrayState  state);

/* TRUE when the gateway is running, so the menu offers Pause rather than Resume. */
gboolean            sy_tray_state_is_running      (SyTrayState  state);

/* The indicator's title (hosts show it as the tooltip); @endpoint may be NULL. */
char               *sy_tray_state_dup_title       (SyTrayState  state,
                                                   const char  *endpoint);

/* One line for the top of the menu, saying what the gateway is doing. */
char               *sy_tray_state_dup_summary     (SyTrayState  state,
                                                   const char  *endpoint);

/* The port of an endpoint URL such as "http://localhost:20128/v1", or 0 when @endpoint is
 * NULL, not a URL, or names no port. */
guint               sy_tray_endpoint_get_port     (const char  *endpoint);

/* @endpoint with its port replaced by @port, or NULL when @endpoint is not a URL. */
char               *sy_tray_endpoint_with_port    (const char  *endpoint,
                                                   guint        port);

G_END_DECLS

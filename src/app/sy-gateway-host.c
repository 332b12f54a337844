/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The in-process gateway of the desktop app and its states. A port already in use is a state
 * the window shows with a way out, never an exit. A SyGateway listens once, so pausing and
 * changing the port shut the old one down and open a new one on the same data dir (breakers,
 * cooldowns and lockouts persist there; latency windows start again). Main thread only.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-gateway-host.h"

#include <string.h>

/* How often the breakers are looked at while serving, for the "degraded" state. */
#define WATCH_INTERVAL_S 5

struct _SyGatewayHost
{
  GObject              parent_instance;

  SyConfig            *config;   /* our copy; config->port is the port to listen on */
  SyGateway           *gateway;
  SyGatewayHostStatus  status;
  GError              *error;
  gboolean             degraded;
  gboolean             busy;     /* inside a shutdown, which iterates the main context */
  guint                watch_id;
};

G_DEFINE_FINAL_TYPE (SyGatewayHost, sy_gateway_host, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
close_gateway (SyGatewayHost *self)
{
  g_autoptr(SyGateway) gateway = g_steal_pointer (&self->gateway);

  if (gateway == NULL)
    return;
  self->busy = TRUE;
  sy_gateway_shutdown (gateway);
  self->busy = FALSE;
}

static void
sy_gateway_host_dispose (GObject *object)
{
  SyGatewayHost *self = SY_GATEWAY_HOST (object);

  g_clear_handle_id (&self->watch_id, g_source_remove);
  close_gateway (self);
  G_OBJECT_CLASS (sy_gateway_host_parent_class)->dispose (object);
}

static void
sy_gateway_host_finalize (GObject *object)
{
  SyGatewayHost *self = SY_GATEWAY_HOST (object);

  g_clear_pointer (&self->config, sy_config_free);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (sy_gateway_host_parent_class)->finalize (object);
}

static void
sy_gateway_host_class_init (SyGatewayHostClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_gateway_host_dispose;
  object_class->finalize = sy_gateway_host_finalize;

  /**
   * SyGatewayHost::changed:
   *
   * The status, the port, the degraded flag or the gateway object changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sy_gateway_host_init (SyGatewayHost *self)
{
  self->status = SY_GATEWAY_HOST_PAUSED;
}

SyGatewayHost *
sy_gateway_host_new (const SyConfig *config)
{
  SyGatewayHost *self;

  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (SY_TYPE_GATEWAY_HOST, NULL);
  self->config = g_new0 (SyConfig, 1);
  self->config->host = g_strdup (config->host);
  self->config->port = config->port;
  self->config->data_dir = g_strdup (config->data_dir);
  self->config->admin_token = g_strdup (config->admin_token);
  self->config->secret_backend = g_strdup (config->secret_backend);
  self->config->require_api_key_env = config->require_api_key_env;
  self->config->require_api_key = config->require_api_key;
  return self;
}

static void
emit_changed (SyGatewayHost *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
breaker_cb (const char     *provider_label,
            SyBreakerState  state,
            gpointer        user_data)
{
  gboolean *any_open = user_data;

  /* HALF_OPEN is an open breaker past its reset, still waiting for a probe to succeed. */
  if (state != SY_BREAKER_CLOSED)
    *any_open = TRUE;
}

static gboolean
compute_degraded (SyGatewayHost *self)
{
  gboolean any_open = FALSE;

  if (self->status != SY_GATEWAY_HOST_SERVING || self->gateway == NULL)
    return FALSE;
  sy_routing_state_foreach_breaker (sy_gateway_get_routing (self->gateway), breaker_cb,
                                    &any_open);
  return any_open;
}

static gboolean
watch_cb (gpointer user_data)
{
  sy_gateway_host_refresh (user_data);
  return G_SOURCE_CONTINUE;
}

static void
set_status (SyGatewayHost       *self,
            SyGatewayHostStatus  status,
            GError              *error)
{
  g_clear_error (&self->error);
  self->error = error;
  self->status = status;
  self->degraded = compute_degraded (self);
  if (status == SY_GATEWAY_HOST_SERVING && self->watch_id == 0)
    self->watch_id = g_timeout_add_seconds (WATCH_INTERVAL_S, watch_cb, self);
  else if (status != SY_GATEWAY_HOST_SERVING)
    g_clear_handle_id (&self->watch_id, g_source_remove);
  emit_changed (self);
}

/* Opens the data dir without listening, so the pages can read it in every state. */
static gboolean
open_gateway (SyGatewayHost  *self,
              GError        **error)
{
  if (self->gateway == NULL)
    self->gateway = sy_gateway_new (self->config, error);
  return self->gateway != NULL;
}

gboolean
sy_gateway_host_start (SyGatewayHost *self)
{
  GError *error = NULL;

  g_return_val_if_fail (SY_IS_GATEWAY_HOST (self), FALSE);

  if (self->busy)
    return FALSE;
  if (self->status == SY_GATEWAY_HOST_SERVING)
    return TRUE;

  if (!open_gateway (self, &error))
    {
      g_message ("cannot open the gateway: %s", error->message);
      set_status (self, SY_GATEWAY_HOST_FAILED, error);
      return FALSE;
    }
  if (!sy_gateway_listen (self->gateway, self->config->host, self->config->port, &error))
    {
      g_message ("not serving: %s", error->message);
      set_status (self, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE)
                          ? SY_GATEWAY_HOST_PORT_IN_USE : SY_GATEWAY_HOST_FAILED,
                  error);
      return FALSE;
    }

  /* Port 0 picked one: keep it, so a resume serves where the clients were told to go. */
  self->config->port = sy_gateway_get_port (self->gateway);
  set_status (self, SY_GATEWAY_HOST_SERVING, NULL);
  return TRUE;
}

/* The listening gateway goes; a fresh one on the same data keeps the pages readable. */
static void
reopen_idle (SyGatewayHost *self)
{
  GError *error = NULL;

  close_gateway (self);
  if (!open_gateway (self, &error))
    {
      set_status (self, SY_GATEWAY_HOST_FAILED, error);
      return;
    }
  set_status (self, SY_GATEWAY_HOST_PAUSED, NULL);
}

void
sy_gateway_host_pause (SyGatewayHost *self)
{
  g_return_if_fail (SY_IS_GATEWAY_HOST (self));

  if (self->busy || self->status == SY_GATEWAY_HOST_PAUSED)
    return;
  if (self->status == SY_GATEWAY_HOST_SERVING)
    reopen_idle (self);
  else
    set_status (self, SY_GATEWAY_HOST_PAUSED, NULL);
}

gboolean
sy_gateway_host_set_port (SyGatewayHost *self,
                          guint          port)
{
  g_return_val_if_fail (SY_IS_GATEWAY_HOST (self), FALSE);
  g_return_val_if_fail (port <= 65535, FALSE);

  if (self->busy)
    return FALSE;
  if (self->status == SY_GATEWAY_HOST_SERVING && port == self->config->port)
    return TRUE;
  if (self->status == SY_GATEWAY_HOST_SERVING)
    {
      close_gateway (self);
      self->status = SY_GATEWAY_HOST_PAUSED;
    }
  self->config->port = port;
  return sy_gateway_host_start (self);
}

void
sy_gateway_host_stop (SyGatewayHost *self)
{
  g_return_if_fail (SY_IS_GATEWAY_HOST (self));

  if (self->busy)
    return;
  g_clear_handle_id (&self->watch_id, g_source_remove);
  close_gateway (self);
  self->status = SY_GATEWAY_HOST_PAUSED;
  self->degraded = FALSE;
}

void
sy_gateway_host_refresh (SyGatewayHost *self)
{
  gboolean degraded;

  g_return_if_fail (SY_IS_GATEWAY_HOST (self));

  degraded = compute_degraded (self);
  if (degraded != self->degraded)
    {
      self->degraded = degraded;
      emit_changed (self);
    }
}

SyGatewayHostStatus
sy_gateway_host_get_status (SyGatewayHost *self)
{
  g_return_val_if_fail (SY_IS_GATEWAY_HOST (self), SY_GATEWAY_HOST_FAILED);
  return self->status;
}

gboolean
sy_gateway_host_is_degraded (SyGatewayHost *self)
{
  g_return_val_if_fail (SY_IS_GATEWAY_HOST (self), FALSE);
  return self->degraded;
}

const char *
sy_gateway_host_get_state_name (SyGatewayHost *self)
{
  g_return_val_if_fail (SY_IS_GATEWAY_HOST (self), "paused");

  switch (self->status)
    {
    case SY_GATEWAY_HOST_SERVING:
      return self->degraded ? "degraded" : "serving";
    case SY_GATEWAY_HOST_PORT_IN_USE:
      return "port-in-use";
    case SY_GATEWAY_HOST_PAUSED:
    case SY_GATEWAY_HOST_FAILED:
    default:
      return "paused";
    }
}

const GError *
sy_gateway_host_get_error (SyGatewayHost *self)
{
  g_return_val_if_fail (SY_IS_GATEWAY_HOST (self), NULL);
  return self->error;
}

guint
sy_gateway_host_get_port (SyGatewayHost *self)
{
  g_return_val_if_fail (SY_IS_GATEWAY_HOST (self), 0);
  return self->config->port;
}

const char *
sy_gateway_host_get_host (SyGatewayHost *self)
{
  g_return_val_if_fail (SY_IS_GATEWAY_HOST (self), NULL);
  return self->config->host;
}

const char *
sy_gateway_host_get_data_dir (SyGatewayHost *self)
{
  g_return_val_if_fail (SY_IS_GATEWAY_HOST (self), NULL);
  return self->config->data_dir;
}

char *
sy_gateway_host_dup_base_url (SyGatewayHost *self)
{
  const char *host;

  g_return_val_if_fail (SY_IS_GATEWAY_HOST (self), NULL);

  /* As sy_gateway_dup_base_url (), but also while not listening. */
  host = self->config->host;
  if (g_str_equal (host, "0.0.0.0") || g_str_equal (host, "::"))
    host = "127.0.0.1";
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("http://[%s]:%u", host, self->config->port);
  return g_strdup_printf ("http://%s:%u", host, self->config->port);
}

char *
sy_gateway_host_dup_endpoint (SyGatewayHost *self)
{
  g_autofree char *base = sy_gateway_host_dup_base_url (self);

  return g_strconcat (base, "/v1", NULL);
}

SyGateway *
sy_gateway_host_get_gateway (SyGatewayHost *self)
{
  g_return_val_if_fail (SY_IS_GATEWAY_HOST (self), NULL);
  return self->gateway;
}

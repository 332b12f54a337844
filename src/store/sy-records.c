/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Allocation and reference counting of the configuration records (atomic: the usage writer
 * thread may drop the last reference).
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-records.h"

static void
provider_node_clear (gpointer data)
{
  SyProviderNode *self = data;

  g_free (self->id);
  g_free (self->prefix);
  g_free (self->name);
  g_free (self->api_type);
  g_free (self->base_url);
}

SyProviderNode *
sy_provider_node_new (void)
{
  return g_atomic_rc_box_new0 (SyProviderNode);
}

SyProviderNode *
sy_provider_node_ref (SyProviderNode *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
sy_provider_node_unref (SyProviderNode *self)
{
  g_atomic_rc_box_release_full (self, provider_node_clear);
}

static void
connection_clear (gpointer data)
{
  SyConnection *self = data;

  g_free (self->id);
  g_free (self->provider);
  g_free (self->auth_type);
  g_free (self->name);
  g_free (self->base_url);
  g_free (self->auth_state);
  g_free (self->auth_error);
  g_free (self->account);
  g_free (self->provider_data);
}

SyConnection *
sy_connection_new (void)
{
  SyConnection *self = g_atomic_rc_box_new0 (SyConnection);

  self->auth_type = g_strdup ("apikey");
  self->priority = 1;
  self->enabled = TRUE;
  self->rpm_limit = -1;
  self->min_gap_ms = -1;
  self->max_concurrent = -1;
  self->auth_state = g_strdup ("ok");
  self->provider_data = g_strdup ("{}");
  return self;
}

SyConnection *
sy_connection_copy (const SyConnection *self)
{
  SyConnection *copy = g_atomic_rc_box_new0 (SyConnection);

  *copy = *self;
  copy->id = g_strdup (self->id);
  copy->provider = g_strdup (self->provider);
  copy->auth_type = g_strdup (self->auth_type);
  copy->name = g_strdup (self->name);
  copy->base_url = g_strdup (self->base_url);
  copy->auth_state = g_strdup (self->auth_state);
  copy->auth_error = g_strdup (self->auth_error);
  copy->account = g_strdup (self->account);
  copy->provider_data = g_strdup (self->provider_data);
  return copy;
}

SyConnection *
sy_connection_ref (SyConnection *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
sy_connection_unref (SyConnection *self)
{
  g_atomic_rc_box_release_full (self, connection_clear);
}

static void
api_key_clear (gpointer data)
{
  SyApiKey *self = data;

  g_free (self->id);
  g_free (self->name);
  g_free (self->key_hash);
  g_free (self->key_prefix);
  g_strfreev (self->allowed_models);
  g_strfreev (self->allowed_combos);
}

SyApiKey *
sy_api_key_new (void)
{
  return g_atomic_rc_box_new0 (SyApiKey);
}

SyApiKey *
sy_api_key_ref (SyApiKey *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
sy_api_key_unref (SyApiKey *self)
{
  g_atomic_rc_box_release_full (self, api_key_clear);
}

char *
sy_record_new_id (void)
{
  return g_uuid_string_random ();
}

gint64
sy_record_now_ms (void)
{
  return g_get_real_time () / 1000;
}

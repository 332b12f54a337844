/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The stored form of OAuth tokens (one JSON object in the secret store) and the reading of
 * token endpoint answers. Pure: the caller passes the clock. Tokens never reach a log here.
 */
#define G_LOG_DOMAIN "sy-providers"

#include "sy-token-bundle.h"

#include <gio/gio.h>

SyTokenBundle *
sy_token_bundle_new (void)
{
  return g_new0 (SyTokenBundle, 1);
}

SyTokenBundle *
sy_token_bundle_copy (const SyTokenBundle *self)
{
  SyTokenBundle *copy = g_new0 (SyTokenBundle, 1);

  copy->access_token = g_strdup (self->access_token);
  copy->refresh_token = g_strdup (self->refresh_token);
  copy->id_token = g_strdup (self->id_token);
  copy->token_type = g_strdup (self->token_type);
  copy->expires_at = self->expires_at;
  copy->session_token = g_strdup (self->session_token);
  copy->session_expires_at = self->session_expires_at;
  copy->api_key = g_strdup (self->api_key);
  copy->client_secret = g_strdup (self->client_secret);
  return copy;
}

void
sy_token_bundle_free (SyTokenBundle *self)
{
  if (self == NULL)
    return;
  g_free (self->access_token);
  g_free (self->refresh_token);
  g_free (self->id_token);
  g_free (self->token_type);
  g_free (self->session_token);
  g_free (self->api_key);
  g_free (self->client_secret);
  g_free (self);
}

gboolean
sy_token_bundle_is_bundle (const char *secret)
{
  return secret != NULL && secret[0] == '{';
}

static char *
dup_member_string (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return *json_node_get_string (node) != '\0' ? json_node_dup_string (node) : NULL;
}

/* A number, or a string of digits (some endpoints quote them); 0 when absent or not one. */
static gint64
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    return json_node_get_int (node);
  if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      /* Converting a double outside gint64 (or NaN) is undefined: out of range is "not one". */
      return d >= 0 && d < 9.2e18 ? (gint64) d : 0;
    }
  if (type == G_TYPE_STRING)
    {
      gint64 value = 0;

      if (g_ascii_string_to_signed (json_node_get_string (node), 10, 0, G_MAXINT64, &value, NULL))
        return value;
    }
  return 0;
}

SyTokenBundle *
sy_token_bundle_parse (const char  *secret,
                       GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  g_autoptr(SyTokenBundle) self = NULL;

  if (!sy_token_bundle_is_bundle (secret) ||
      (root = json_from_string (secret, NULL)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "the stored credential is not a token bundle");
      return NULL;
    }
  object = json_node_get_object (root);
  self = sy_token_bundle_new ();
  self->access_token = dup_member_string (object, "access_token");
  self->refresh_token = dup_member_string (object, "refresh_token");
  self->id_token = dup_member_string (object, "id_token");
  self->token_type = dup_member_string (object, "token_type");
  self->expires_at = member_int (object, "expires_at");
  self->session_token = dup_member_string (object, "session_token");
  self->session_expires_at = member_int (object, "session_expires_at");
  self->api_key = dup_member_string (object, "api_key");
  self->client_secret = dup_member_string (object, "client_secret");
  if (self->access_token == NULL && self->api_key == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "the stored token bundle has no access token");
      return NULL;
    }
  return g_steal_pointer (&self);
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static void
add_time (JsonBuilder *b,
          const char  *name,
          gint64       value)
{
  if (value <= 0)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

char *
sy_token_bundle_serialize (const SyTokenBundle *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  add_string (b, "access_token", self->access_token);
  add_string (b, "refresh_token", self->refresh_token);
  add_string (b, "id_token", self->id_token);
  add_string (b, "token_type", self->token_type);
  add_time (b, "expires_at", self->expires_at);
  add_string (b, "session_token", self->session_token);
  add_time (b, "session_expires_at", self->session_expires_at);
  add_string (b, "api_key", self->api_key);
  add_string (b, "client_secret", self->client_secret);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

SyTokenBundle *
sy_token_bundle_from_response (JsonObject           *response,
                               const SyTokenBundle  *previous,
                               gint64                now_ms,
                               GError              **error)
{
  g_autoptr(SyTokenBundle) self = previous ? sy_token_bundle_copy (previous)
                                           : sy_token_bundle_new ();
  g_autofree char *access = dup_member_string (response, "access_token");
  g_autofree char *refresh = dup_member_string (response, "refresh_token");
  g_autofree char *id_token = dup_member_string (response, "id_token");
  g_autofree char *token_type = dup_member_string (response, "token_type");
  gint64 expires_in = member_int (response, "expires_in");
  gint64 expires_at = member_int (response, "expires_at");

  if (access == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "the token endpoint answered without an access_token");
      return NULL;
    }
  g_free (self->access_token);
  self->access_token = g_steal_pointer (&access);
  if (refresh != NULL)
    {
      g_free (self->refresh_token);
      self->refresh_token = g_steal_pointer (&refresh);
    }
  if (id_token != NULL)
    {
      g_free (self->id_token);
      self->id_token = g_steal_pointer (&id_token);
    }
  if (token_type != NULL)
    {
      g_free (self->token_type);
      self->token_type = g_steal_pointer (&token_type);
    }
  /* expires_in is seconds from now; an absolute expires_at is seconds (or already ms). */
  if (expires_in > 0)
    self->expires_at = now_ms + expires_in * 1000;
  else if (expires_at > 0)
    self->expires_at = expires_at < 100000000000 ? expires_at * 1000 : expires_at;
  else
    self->expires_at = 0;
  return g_steal_pointer (&self);
}

const char *
sy_token_bundle_get_bearer (const SyTokenBundle *self)
{
  if (self->session_token != NULL)
    return self->session_token;
  if (self->api_key != NULL)
    return self->api_key;
  return self->access_token;
}

gint64
sy_token_bundle_get_bearer_expiry (const SyTokenBundle *self)
{
  if (self->session_token != NULL)
    return self->session_expires_at;
  return self->expires_at;
}

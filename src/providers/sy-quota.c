/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy-quota.c: the SyQuota value (windows, fetch time, last error) and its JSON form. Pure data:
 * no I/O, no clock. Not thread-safe while being built; read-only once shared.
 */
#define G_LOG_DOMAIN "sy-providers"

#include "sy-quota.h"

#include <math.h>

struct _SyQuota
{
  gatomicrefcount  ref_count;
  char            *provider;
  GArray          *windows;     /* SyQuotaWindow */
  gint64           fetched_at;
  GError          *error;
};

G_DEFINE_QUARK (sy-quota-error-quark, sy_quota_error)
G_DEFINE_BOXED_TYPE (SyQuota, sy_quota, sy_quota_ref, sy_quota_unref)

const char *
sy_quota_error_to_code (const GError *error)
{
  static const char * const codes[] = {
    [SY_QUOTA_ERROR_NOT_SUPPORTED] = "not_supported",
    [SY_QUOTA_ERROR_INVALID_ACCOUNT] = "invalid_account",
    [SY_QUOTA_ERROR_UNAUTHORIZED] = "unauthorized",
    [SY_QUOTA_ERROR_RATE_LIMITED] = "rate_limited",
    [SY_QUOTA_ERROR_UPSTREAM] = "upstream_error",
    [SY_QUOTA_ERROR_MALFORMED] = "malformed",
    [SY_QUOTA_ERROR_NETWORK] = "network",
  };

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == SY_QUOTA_ERROR && error->code >= 0 &&
      (gsize) error->code < G_N_ELEMENTS (codes))
    return codes[error->code];
  return "error";
}

static void
clear_window (gpointer data)
{
  SyQuotaWindow *window = data;

  g_clear_pointer (&window->name, g_free);
  g_clear_pointer (&window->scope, g_free);
}

SyQuota *
sy_quota_new (const char *provider_id,
              gint64      fetched_at)
{
  SyQuota *self = g_new0 (SyQuota, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->provider = g_strdup (provider_id);
  self->windows = g_array_new (FALSE, TRUE, sizeof (SyQuotaWindow));
  g_array_set_clear_func (self->windows, clear_window);
  self->fetched_at = fetched_at;
  return self;
}

SyQuota *
sy_quota_ref (SyQuota *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
sy_quota_unref (SyQuota *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->provider);
  g_array_unref (self->windows);
  g_clear_error (&self->error);
  g_free (self);
}

SyQuota *
sy_quota_copy_with_error (const SyQuota *self,
                          const char    *provider_id,
                          const GError  *error)
{
  SyQuota *copy = sy_quota_new (provider_id, self != NULL ? self->fetched_at : 0);

  if (self != NULL)
    sy_quota_merge (copy, self);
  if (error != NULL)
    copy->error = g_error_copy (error);
  return copy;
}

static SyQuotaWindow *
lookup_window (const SyQuota *self,
               const char    *name,
               const char    *scope)
{
  for (guint i = 0; i < self->windows->len; i++)
    {
      SyQuotaWindow *window = &g_array_index (self->windows, SyQuotaWindow, i);

      if (g_strcmp0 (window->name, name) == 0 && g_strcmp0 (window->scope, scope) == 0)
        return window;
    }
  return NULL;
}

void
sy_quota_add_window (SyQuota    *self,
                     const char *name,
                     const char *scope,
                     double      used,
                     gint64      remaining,
                     gint64      limit,
                     gboolean    unlimited,
                     gint64      resets_at)
{
  SyQuotaWindow *window;

  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);

  window = lookup_window (self, name, scope);
  if (window == NULL)
    {
      SyQuotaWindow fresh = { g_strdup (name), g_strdup (scope), -1, -1, -1, FALSE, 0 };

      g_array_append_val (self->windows, fresh);
      window = &g_array_index (self->windows, SyQuotaWindow, self->windows->len - 1);
    }
  window->used = isnan (used) || used < 0 ? -1 : MIN (used, 1.0);
  window->remaining = MAX (remaining, -1);
  window->limit = MAX (limit, -1);
  window->unlimited = unlimited;
  window->resets_at = MAX (resets_at, 0);
}

void
sy_quota_merge (SyQuota       *self,
                const SyQuota *other)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (other != NULL);

  for (guint i = 0; i < other->windows->len; i++)
    {
      const SyQuotaWindow *w = &g_array_index (other->windows, SyQuotaWindow, i);

      sy_quota_add_window (self, w->name, w->scope, w->used, w->remaining, w->limit,
                           w->unlimited, w->resets_at);
    }
}

const char *
sy_quota_get_provider (const SyQuota *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->provider;
}

gint64
sy_quota_get_fetched_at (const SyQuota *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->fetched_at;
}

const GError *
sy_quota_get_error (const SyQuota *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->error;
}

const SyQuotaWindow *
sy_quota_get_windows (const SyQuota *self,
                      guint         *n_windows)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (n_windows != NULL, NULL);

  *n_windows = self->windows->len;
  return (const SyQuotaWindow *) (gpointer) self->windows->data;
}

const SyQuotaWindow *
sy_quota_find_window (const SyQuota *self,
                      const char    *name,
                      const char    *scope)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return lookup_window (self, name, scope);
}

double
sy_quota_window_get_remaining_fraction (const SyQuotaWindow *window)
{
  g_return_val_if_fail (window != NULL, -1);

  if (window->unlimited)
    return 1.0;
  if (window->used >= 0)
    return 1.0 - window->used;
  if (window->remaining >= 0 && window->limit > 0)
    return CLAMP ((double) window->remaining / (double) window->limit, 0.0, 1.0);
  if (window->remaining == 0)
    return 0.0;
  return -1;
}

static void
add_count_or_null (JsonBuilder *b,
                   const char  *member,
                   gint64       value)
{
  json_builder_set_member_name (b, member);
  if (value >= 0)
    json_builder_add_int_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_fraction_or_null (JsonBuilder *b,
                      const char  *member,
                      double       value)
{
  json_builder_set_member_name (b, member);
  if (value >= 0)
    json_builder_add_double_value (b, round (value * 10000.0) / 10000.0);
  else
    json_builder_add_null_value (b);
}

JsonNode *
sy_quota_to_json (const SyQuota *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "provider");
  if (self->provider != NULL)
    json_builder_add_string_value (b, self->provider);
  else
    json_builder_add_null_value (b);
  add_count_or_null (b, "fetchedAt", self->fetched_at > 0 ? self->fetched_at : -1);
  json_builder_set_member_name (b, "windows");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->windows->len; i++)
    {
      const SyQuotaWindow *w = &g_array_index (self->windows, SyQuotaWindow, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, w->name);
      json_builder_set_member_name (b, "scope");
      if (w->scope != NULL)
        json_builder_add_string_value (b, w->scope);
      else
        json_builder_add_null_value (b);
      add_fraction_or_null (b, "usedFraction", w->used);
      add_fraction_or_null (b, "remainingFraction", sy_quota_window_get_remaining_fraction (w));
      add_count_or_null (b, "remaining", w->remaining);
      add_count_or_null (b, "limit", w->limit);
      json_builder_set_member_name (b, "unlimited");
      json_builder_add_boolean_value (b, w->unlimited);
      add_count_or_null (b, "resetsAt", w->resets_at > 0 ? w->resets_at : -1);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "error");
  if (self->error != NULL)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, sy_quota_error_to_code (self->error));
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, self->error->message);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

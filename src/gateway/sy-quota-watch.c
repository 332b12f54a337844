/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Subscription quotas for the gateway (see the header). Fetches go through the quota book,
 * which keeps them rare and single; the token comes from the token keeper, so an expired
 * token is renewed first and an account that needs a login is simply not fetched. Ordering
 * reads the book only: no request ever waits for a quota endpoint.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-quota-watch.h"

#include <string.h>

#include "gateway/sy-gateway.h"
#include "gateway/sy-token-keeper.h"
#include "providers/sy-quota-fetch.h"
#include "routing/sy-quota-preference.h"

#define SWEEP_INTERVAL_S 60

struct _SyQuotaWatch
{
  GObject       parent_instance;
  SyGateway    *gateway;
  SyQuotaBook  *book;
  GCancellable *cancellable;
  guint         sweep_id;
};

typedef struct
{
  SyConnection *connection;
  gboolean      force;
} Fetch;

G_DEFINE_FINAL_TYPE (SyQuotaWatch, sy_quota_watch, G_TYPE_OBJECT)

static void
fetch_free (Fetch *fetch)
{
  sy_connection_unref (fetch->connection);
  g_free (fetch);
}

static void
sy_quota_watch_dispose (GObject *object)
{
  SyQuotaWatch *self = SY_QUOTA_WATCH (object);

  sy_quota_watch_stop (self);
  g_clear_object (&self->book);
  G_OBJECT_CLASS (sy_quota_watch_parent_class)->dispose (object);
}

static void
sy_quota_watch_finalize (GObject *object)
{
  g_clear_object (&SY_QUOTA_WATCH (object)->cancellable);
  G_OBJECT_CLASS (sy_quota_watch_parent_class)->finalize (object);
}

static void
sy_quota_watch_class_init (SyQuotaWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sy_quota_watch_dispose;
  object_class->finalize = sy_quota_watch_finalize;
}

static void
sy_quota_watch_init (SyQuotaWatch *self)
{
  self->cancellable = g_cancellable_new ();
}

static gboolean
sweep_cb (gpointer user_data)
{
  sy_quota_watch_sweep (SY_QUOTA_WATCH (user_data));
  return G_SOURCE_CONTINUE;
}

SyQuotaWatch *
sy_quota_watch_new (SyGateway *gateway)
{
  SyQuotaWatch *self = g_object_new (SY_TYPE_QUOTA_WATCH, NULL);

  self->gateway = gateway;
  self->book = sy_quota_book_new (sy_gateway_get_session (gateway),
                                  sy_gateway_get_origin_map (gateway));
  self->sweep_id = g_timeout_add_seconds (SWEEP_INTERVAL_S, sweep_cb, self);
  return self;
}

SyQuotaBook *
sy_quota_watch_get_book (SyQuotaWatch *self)
{
  g_return_val_if_fail (SY_IS_QUOTA_WATCH (self), NULL);
  return self->book;
}

void
sy_quota_watch_stop (SyQuotaWatch *self)
{
  g_return_if_fail (SY_IS_QUOTA_WATCH (self));
  g_clear_handle_id (&self->sweep_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
}

/* --- fetching ------------------------------------------------------------------------------ */

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  SyQuota *quota = sy_quota_book_refresh_finish (SY_QUOTA_BOOK (source), result, &error);

  if (quota == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, quota, (GDestroyNotify) sy_quota_unref);
}

static void
tokens_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyQuotaWatch *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(SyTokenBundle) tokens = sy_token_keeper_get_finish (SY_TOKEN_KEEPER (source), result,
                                                                &error);
  const char *bearer;

  if (tokens == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Copilot's quota is asked with the GitHub token, not the Copilot session token. */
  bearer = g_strcmp0 (fetch->connection->provider, "github") == 0 && tokens->access_token
             ? tokens->access_token
             : sy_token_bundle_get_bearer (tokens);
  sy_quota_book_refresh_async (self->book, fetch->connection->id, fetch->connection->provider,
                               bearer, fetch->connection->provider_data, fetch->force,
                               cancellable, fetched_cb, g_steal_pointer (&task));
}

void
sy_quota_watch_refresh_async (SyQuotaWatch        *self,
                              SyConnection        *connection,
                              gboolean             force,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Fetch *fetch;

  g_return_if_fail (SY_IS_QUOTA_WATCH (self));

  task = g_task_new (self, cancellable ? cancellable : self->cancellable, callback, user_data);
  g_task_set_source_tag (task, sy_quota_watch_refresh_async);
  if (g_strcmp0 (connection->auth_type, "oauth") != 0 ||
      !sy_quota_fetch_is_supported (connection->provider))
    {
      g_task_return_new_error (task, SY_QUOTA_ERROR, SY_QUOTA_ERROR_NOT_SUPPORTED,
                               "%s does not tell its quota; only subscription accounts of "
                               "Claude Code, Codex, GitHub Copilot, Gemini CLI and Kiro do",
                               connection->provider);
      return;
    }
  fetch = g_new0 (Fetch, 1);
  fetch->connection = sy_connection_ref (connection);
  fetch->force = force;
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);
  cancellable = g_task_get_cancellable (task);
  sy_token_keeper_get_async (sy_gateway_get_token_keeper (self->gateway), connection, FALSE,
                             cancellable, tokens_cb, g_steal_pointer (&task));
}

SyQuota *
sy_quota_watch_refresh_finish (SyQuotaWatch  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sy_quota_watch_sweep (SyQuotaWatch *self)
{
  g_autoptr(GPtrArray) all = NULL;

  g_return_if_fail (SY_IS_QUOTA_WATCH (self));

  all = sy_connection_repo_list (sy_gateway_get_connections (self->gateway), NULL);
  for (guint i = 0; i < all->len; i++)
    {
      SyConnection *c = g_ptr_array_index (all, i);

      if (c->enabled && g_strcmp0 (c->auth_type, "oauth") == 0 &&
          g_strcmp0 (c->auth_state, "ok") == 0 && sy_quota_fetch_is_supported (c->provider) &&
          sy_quota_book_is_due (self->book, c->id))
        sy_quota_watch_refresh_async (self, c, FALSE, NULL, NULL, NULL);
    }
}

void
sy_quota_watch_note_answer (SyQuotaWatch       *self,
                            const SyConnection *connection,
                            SoupMessageHeaders *headers)
{
  g_return_if_fail (SY_IS_QUOTA_WATCH (self));
  sy_quota_book_note_headers (self->book, connection->id, connection->provider, headers);
}

/* --- ordering ------------------------------------------------------------------------------ */

/* The windows that matter for model: a Gemini CLI account's windows are per model (scope);
 * the others' apply to every model. */
static const SyQuotaWindow *
windows_for (const SyQuota *quota,
             const char    *model,
             guint         *n)
{
  const SyQuotaWindow *windows = sy_quota_get_windows (quota, n);

  for (guint i = 0; i < *n; i++)
    if (windows[i].scope != NULL && g_strcmp0 (windows[i].scope, model) == 0)
      {
        *n = 1;
        return &windows[i];
      }
  return windows;
}

void
sy_quota_watch_order (SyQuotaWatch  *self,
                      const SyRoute *route,
                      GPtrArray     *accounts)
{
  SyQuotaCandidate stack_candidates[16];
  guint stack_order[16];
  g_autofree SyQuotaCandidate *heap_candidates = NULL;
  g_autofree guint *heap_order = NULL;
  SyQuotaCandidate *candidates = stack_candidates;
  guint *order = stack_order;
  g_autoptr(GPtrArray) quotas = NULL;
  g_autofree gpointer *moved = NULL;
  gboolean any = FALSE;
  guint n = accounts->len;

  g_return_if_fail (SY_IS_QUOTA_WATCH (self));

  if (n < 2 || !sy_settings_repo_get_boolean (sy_gateway_get_settings (self->gateway),
                                              "preferExpiringQuota"))
    return;
  if (n > G_N_ELEMENTS (stack_candidates))
    {
      candidates = heap_candidates = g_new0 (SyQuotaCandidate, n);
      order = heap_order = g_new (guint, n);
    }
  quotas = g_ptr_array_new_full (n, (GDestroyNotify) sy_quota_unref);
  for (guint i = 0; i < n; i++)
    {
      SyConnection *c = g_ptr_array_index (accounts, i);
      SyQuota *quota = sy_quota_book_lookup (self->book, c->id);

      order[i] = i;
      candidates[i].provider = c->provider;
      candidates[i].windows = NULL;
      candidates[i].n_windows = 0;
      if (quota == NULL)
        continue;
      g_ptr_array_add (quotas, quota);
      candidates[i].windows = windows_for (quota, route->upstream_model,
                                           &candidates[i].n_windows);
      any = any || candidates[i].n_windows > 0;
    }
  if (!any)
    return;   /* no account has told its quota: the strategy's order stands */
  sy_quota_preference_order (candidates, n, g_get_real_time () / 1000, -1, order);
  /* A permutation: the array keeps its references, only their places change. */
  moved = g_new (gpointer, n);
  for (guint i = 0; i < n; i++)
    moved[i] = g_ptr_array_index (accounts, order[i]);
  memcpy (accounts->pdata, moved, n * sizeof (gpointer));
}

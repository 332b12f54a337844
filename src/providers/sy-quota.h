/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyQuota: what a subscription account has left, as its provider reports it: a list of windows
 * (5-hour, weekly, monthly, per model...) with the used fraction or the remaining count, and
 * when each resets; when it was fetched and, if the last fetch failed, why. A refcounted value,
 * not changed once shared. No I/O, no clock of its own.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define SY_QUOTA_ERROR (sy_quota_error_quark ())

typedef enum {
  SY_QUOTA_ERROR_NOT_SUPPORTED,    /* the provider has no quota endpoint (qwen, API keys) */
  SY_QUOTA_ERROR_INVALID_ACCOUNT,  /* provider data lacks or has a bad project, region... */
  SY_QUOTA_ERROR_UNAUTHORIZED,     /* the quota endpoint answered 401 or 403 */
  SY_QUOTA_ERROR_RATE_LIMITED,     /* the quota endpoint answered 429 */
  SY_QUOTA_ERROR_UPSTREAM,         /* another non-2xx status */
  SY_QUOTA_ERROR_MALFORMED,        /* not JSON, or not the shape the provider documents */
  SY_QUOTA_ERROR_NETWORK,          /* no answer at all */
} SyQuotaError;

/* One window. Providers give a percentage or counts (or both); the parser fills what it got. */
typedef struct
{
  char     *name;       /* "5h", "weekly", "weekly_opus", "monthly", "premium_interactions",
                         * "daily"... */
  char     *scope;      /* what the window counts when not the whole account: a model id
                         * (Gemini), a resource type (Kiro); NULL otherwise */
  double    used;       /* fraction 0..1; < 0 unknown */
  gint64    remaining;  /* count; < 0 unknown */
  gint64    limit;      /* count; < 0 unknown */
  gboolean  unlimited;
  gint64    resets_at;  /* ms since the epoch; 0 unknown */
} SyQuotaWindow;

typedef struct _SyQuota SyQuota;

GQuark         sy_quota_error_quark       (void);
/* "not_supported", "invalid_account", "unauthorized", "rate_limited", "upstream_error",
 * "malformed", "network"; "error" for codes of other domains. */
const char    *sy_quota_error_to_code     (const GError  *error);

GType          sy_quota_get_type          (void) G_GNUC_CONST;
SyQuota       *sy_quota_new               (const char    *provider_id,
                                           gint64         fetched_at);
SyQuota       *sy_quota_ref               (SyQuota       *self);
void           sy_quota_unref             (SyQuota       *self);
/* A new quota with self's windows and fetched_at and the given error (NULL clears it).
 * self may be NULL: no windows, fetched_at 0. */
SyQuota       *sy_quota_copy_with_error   (const SyQuota *self,
                                           const char    *provider_id,
                                           const GError  *error);

/* Building (before the quota is shared). A window of the same name and scope is replaced.
 * used is clamped to 0..1; counts below 0 mean unknown. */
void           sy_quota_add_window        (SyQuota       *self,
                                           const char    *name,
                                           const char    *scope,
                                           double         used,
                                           gint64         remaining,
                                           gint64         limit,
                                           gboolean       unlimited,
                                           gint64         resets_at);
/* Adds or replaces each of other's windows, keeps the rest of self's (Codex headers carry the
 * two main windows; a fetch may have given more). */
void           sy_quota_merge             (SyQuota       *self,
                                           const SyQuota *other);

const char    *sy_quota_get_provider      (const SyQuota *self);
gint64         sy_quota_get_fetched_at    (const SyQuota *self);
const GError  *sy_quota_get_error         (const SyQuota *self);
const SyQuotaWindow *sy_quota_get_windows (const SyQuota *self,
                                           guint         *n_windows);
const SyQuotaWindow *sy_quota_find_window (const SyQuota *self,
                                           const char    *name,
                                           const char    *scope);

/* The fraction left: 1 when unlimited, else 1 - used, else remaining / limit; < 0 unknown. */
double         sy_quota_window_get_remaining_fraction (const SyQuotaWindow *window);

/* {"provider", "fetchedAt", "windows": [{"name", "scope", "usedFraction", "remainingFraction",
 * "remaining", "limit", "unlimited", "resetsAt"}], "error": {"code", "message"} | null};
 * unknown values are null. */
JsonNode      *sy_quota_to_json           (const SyQuota *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyQuota, sy_quota_unref)

G_END_DECLS

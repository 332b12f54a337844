/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GET /api/providers/{id}/quota[?refresh=1]: a subscription account's quota windows (used
 * and remaining, reset times), fetched from the provider unless the book's copy is fresh;
 * refresh=1 asks again even then (never during the quota endpoint's own cooldown). Accounts
 * whose provider does not tell its quota answer 200 with error.code "not_supported", the
 * same shape as any other error, so dashboards need one code path.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-api.h"

#include "gateway/sy-quota-watch.h"
#include "providers/sy-quota.h"

typedef struct
{
  SyGateway         *gateway;
  SoupServerMessage *msg;
  char              *connection_id;
  char              *provider;
} QuotaCall;

static void
quota_call_free (QuotaCall *q)
{
  g_object_unref (q->msg);
  g_object_unref (q->gateway);
  g_free (q->connection_id);
  g_free (q->provider);
  g_free (q);
}

static void
refreshed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  QuotaCall *q = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SyQuota) quota = sy_quota_watch_refresh_finish (SY_QUOTA_WATCH (source), result,
                                                            &error);
  g_autoptr(JsonNode) node = NULL;

  if (quota == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* No token (needs a login, provider down) or no quota to tell: the book's last answer,
       * with this reason as its error. */
      SyQuotaBook *book = sy_quota_watch_get_book (SY_QUOTA_WATCH (source));
      g_autoptr(SyQuota) last = sy_quota_book_lookup (book, q->connection_id);
      g_autoptr(SyQuota) failed = sy_quota_copy_with_error (last, q->provider, error);

      node = sy_quota_to_json (failed);
      json_object_set_string_member (json_node_get_object (node), "connectionId",
                                     q->connection_id);
    }
  else
    node = sy_quota_book_to_json (sy_quota_watch_get_book (SY_QUOTA_WATCH (source)),
                                  q->connection_id);
  sy_api_reply (q->msg, SOUP_STATUS_OK, node);
  soup_server_message_unpause (q->msg);
  quota_call_free (q);
}

void
sy_api_provider_quota (SyApiCall    *call,
                       SyConnection *connection)
{
  const char *raw = g_uri_get_query (soup_server_message_get_uri (call->msg));
  g_autoptr(GHashTable) params = raw ? soup_form_decode (raw) : NULL;
  const char *refresh = params ? g_hash_table_lookup (params, "refresh") : NULL;
  QuotaCall *q;

  if (call->method != SOUP_METHOD_GET)
    {
      sy_api_reply_bad_method (call, "GET");
      return;
    }
  q = g_new0 (QuotaCall, 1);
  q->gateway = g_object_ref (call->gateway);
  q->msg = g_object_ref (call->msg);
  q->connection_id = g_strdup (connection->id);
  q->provider = g_strdup (connection->provider);
  soup_server_message_pause (call->msg);
  sy_quota_watch_refresh_async (sy_gateway_get_quota_watch (call->gateway), connection,
                                g_strcmp0 (refresh, "1") == 0 || g_strcmp0 (refresh, "true") == 0,
                                NULL, refreshed_cb, q);
}

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GET /api/health: is the gateway up, which version, how long, how much memory, where its data
 * lives, the address it listens on, which secret store it uses, open client connections and
 * usage-log progress.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-api.h"

#include <stdio.h>
#include <string.h>

/* Resident set size from /proc; 0 where there is no /proc. */
static gint64
read_rss_bytes (void)
{
  g_autofree char *status = NULL;
  const char *line;
  gint64 kib = 0;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  if (line != NULL && sscanf (line, "VmRSS: %" G_GINT64_FORMAT, &kib) == 1)
    return kib * 1024;
  return 0;
}

void
sy_api_health_handle (SyApiCall *call)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  SyGateway *gw = call->gateway;
  SyUsageWriter *usage = sy_gateway_get_usage_writer (gw);

  if (call->id != NULL)
    {
      sy_api_reply_not_found (call, "health resource");
      return;
    }
  if (call->method != SOUP_METHOD_GET)
    {
      sy_api_reply_bad_method (call, "GET");
      return;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "ok");
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, SY_VERSION);
  json_builder_set_member_name (b, "uptimeSeconds");
  json_builder_add_int_value (b, (g_get_real_time () - sy_gateway_get_start_time (gw)) / G_USEC_PER_SEC);
  json_builder_set_member_name (b, "memory");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rssBytes");
  json_builder_add_int_value (b, read_rss_bytes ());
  json_builder_end_object (b);
  json_builder_set_member_name (b, "dataDir");
  json_builder_add_string_value (b, sy_gateway_get_data_dir (gw));
  json_builder_set_member_name (b, "host");
  json_builder_add_string_value (b, sy_gateway_get_host (gw));
  json_builder_set_member_name (b, "port");
  json_builder_add_int_value (b, sy_gateway_get_port (gw));
  json_builder_set_member_name (b, "secretStore");
  json_builder_add_string_value (b, sy_secret_store_get_backend_name (
    sy_credentials_get_store (sy_gateway_get_credentials (gw))));
  json_builder_set_member_name (b, "openConnections");
  json_builder_add_int_value (b, sy_gateway_get_open_connections (gw));
  json_builder_set_member_name (b, "usageLog");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "written");
  json_builder_add_int_value (b, (gint64) sy_usage_writer_get_written (usage));
  json_builder_set_member_name (b, "failed");
  json_builder_add_int_value (b, (gint64) sy_usage_writer_get_failed (usage));
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  sy_api_reply (call->msg, SOUP_STATUS_OK, root);
}

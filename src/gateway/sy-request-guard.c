/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Host allow-list: loopback names and addresses, the configured listen host, and IP literals
 * (DNS rebinding needs a hostname). Origin allow-list: the same hosts. Browsers mark
 * cross-site fetches with Sec-Fetch-Site, which is refused as well.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-request-guard.h"

#include <string.h>

#include "core/sy-crypto.h"
#include "gateway/sy-http.h"

/* "host:port", "[v6]:port" or "host" -> host */
static char *
host_without_port (const char *value)
{
  const char *colon;

  if (value[0] == '[')
    {
      const char *end = strchr (value, ']');

      return end ? g_strndup (value + 1, end - value - 1) : g_strdup (value);
    }
  colon = strrchr (value, ':');
  if (colon != NULL && strchr (value, ':') == colon)
    return g_strndup (value, colon - value);
  return g_strdup (value);
}

static gboolean
host_allowed (SyGateway  *gateway,
              const char *host)
{
  return sy_host_is_loopback (host) ||
         g_ascii_strcasecmp (host, sy_gateway_get_host (gateway)) == 0 ||
         g_hostname_is_ip_address (host);
}

static gboolean
origin_allowed (SyGateway         *gateway,
                SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *origin = soup_message_headers_get_one (headers, "Origin");
  const char *fetch_site = soup_message_headers_get_one (headers, "Sec-Fetch-Site");
  g_autoptr(GUri) uri = NULL;

  if (origin == NULL)
    return fetch_site == NULL || g_ascii_strcasecmp (fetch_site, "cross-site") != 0;
  if (g_str_equal (origin, "null"))
    return FALSE;
  uri = g_uri_parse (origin, G_URI_FLAGS_NONE, NULL);
  return uri != NULL && g_uri_get_host (uri) != NULL &&
         (sy_host_is_loopback (g_uri_get_host (uri)) ||
          g_ascii_strcasecmp (g_uri_get_host (uri), sy_gateway_get_host (gateway)) == 0);
}

static gboolean
check_host_and_origin (SyGateway         *gateway,
                       SoupServerMessage *msg)
{
  const char *host_header = soup_message_headers_get_one (
    soup_server_message_get_request_headers (msg), "Host");

  if (host_header != NULL)
    {
      g_autofree char *host = host_without_port (host_header);

      if (!host_allowed (gateway, host))
        {
          sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_FORBIDDEN,
                                 "permission_error", "host_not_allowed",
                                 "Host \"%s\" is not allowed (DNS rebinding protection); use "
                                 "localhost or an IP address", host);
          return FALSE;
        }
    }
  if (!origin_allowed (gateway, msg))
    {
      sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_FORBIDDEN, "permission_error",
                             "cross_origin", "cross-origin browser requests are not allowed");
      return FALSE;
    }
  return TRUE;
}

gboolean
sy_request_guard_check_v1 (SyGateway         *gateway,
                           SoupServerMessage *msg)
{
  if (sy_settings_repo_get_boolean (sy_gateway_get_settings (gateway), "requireApiKey"))
    return TRUE;
  return check_host_and_origin (gateway, msg);
}

gboolean
sy_request_guard_check_api (SyGateway         *gateway,
                            SoupServerMessage *msg)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");

  if (!check_host_and_origin (gateway, msg))
    return FALSE;

  if (auth == NULL || g_ascii_strncasecmp (auth, "Bearer ", 7) != 0 ||
      !sy_constant_time_equal (auth + 7, sy_gateway_get_admin_token (gateway)))
    {
      sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_UNAUTHORIZED,
                             "authentication_error", "invalid_admin_token",
                             "the management API needs \"Authorization: Bearer <admin token>\" "
                             "(SWITCHYARD_ADMIN_TOKEN, or the admin-token file in the data dir)");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "WWW-Authenticate", "Bearer");
      return FALSE;
    }
  return TRUE;
}

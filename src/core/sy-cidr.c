/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * CIDR ranges for the IP allow and deny lists. Parsing is strict (inet_pton through
 * GInetAddress, a decimal prefix in range) so a typo in a list is refused when it is saved
 * rather than silently matching nothing. Pure: no I/O, no global state.
 */
#define G_LOG_DOMAIN "sy-core"

#include "sy-cidr.h"

#include <string.h>

static const guint8 v4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* The address's bytes, IPv4-mapped IPv6 folded to IPv4. Returns the family. */
static GSocketFamily
address_bytes (GInetAddress *address,
               guint8        out[16])
{
  GSocketFamily family = g_inet_address_get_family (address);
  gsize size = g_inet_address_get_native_size (address);

  memset (out, 0, 16);
  memcpy (out, g_inet_address_to_bytes (address), MIN (size, 16));
  if (family == G_SOCKET_FAMILY_IPV6 && memcmp (out, v4_mapped_prefix, 12) == 0)
    {
      memmove (out, out + 12, 4);
      memset (out + 4, 0, 12);
      return G_SOCKET_FAMILY_IPV4;
    }
  return family;
}

static void
clear_host_bits (guint8 bytes[16],
                 guint  prefix_len)
{
  for (guint bit = prefix_len; bit < 128; bit++)
    bytes[bit / 8] &= (guint8) ~(0x80u >> (bit % 8));
}

gboolean
sy_cidr_parse (const char *text,
               SyCidr     *out)
{
  g_autofree char *address_text = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *slash;
  guint max_len;
  guint prefix_len;
  gboolean mapped;

  g_return_val_if_fail (out != NULL, FALSE);

  if (text == NULL || *text == '\0')
    return FALSE;
  slash = strchr (text, '/');
  address_text = slash ? g_strndup (text, slash - text) : g_strdup (text);
  if ((address = g_inet_address_new_from_string (address_text)) == NULL)
    return FALSE;

  memset (out, 0, sizeof *out);
  out->family = g_inet_address_get_family (address);
  memcpy (out->bytes, g_inet_address_to_bytes (address),
          MIN (g_inet_address_get_native_size (address), 16));
  max_len = out->family == G_SOCKET_FAMILY_IPV4 ? 32 : 128;
  mapped = out->family == G_SOCKET_FAMILY_IPV6 && memcmp (out->bytes, v4_mapped_prefix, 12) == 0;

  prefix_len = max_len;
  if (slash != NULL)
    {
      const char *digits = slash + 1;
      guint64 value = 0;

      if (*digits == '\0' || strlen (digits) > 3)
        return FALSE;
      for (const char *p = digits; *p != '\0'; p++)
        {
          if (!g_ascii_isdigit (*p))
            return FALSE;
          value = value * 10 + (guint) (*p - '0');
        }
      if (value > max_len)
        return FALSE;
      prefix_len = (guint) value;
    }

  /* ::ffff:10.0.0.0/104 is 10.0.0.0/8: clients on a dual-stack listener match either way. */
  if (mapped && prefix_len >= 96)
    {
      memmove (out->bytes, out->bytes + 12, 4);
      memset (out->bytes + 4, 0, 12);
      out->family = G_SOCKET_FAMILY_IPV4;
      prefix_len -= 96;
    }
  out->prefix_len = prefix_len;
  clear_host_bits (out->bytes, out->family == G_SOCKET_FAMILY_IPV4 ? MIN (prefix_len, 32)
                                                                   : prefix_len);
  if (out->family == G_SOCKET_FAMILY_IPV4)
    memset (out->bytes + 4, 0, 12);
  return TRUE;
}

gboolean
sy_cidr_contains (const SyCidr *cidr,
                  GInetAddress *address)
{
  guint8 bytes[16];
  guint full, rest;

  g_return_val_if_fail (cidr != NULL, FALSE);
  g_return_val_if_fail (G_IS_INET_ADDRESS (address), FALSE);

  if (address_bytes (address, bytes) != cidr->family)
    return FALSE;
  full = cidr->prefix_len / 8;
  rest = cidr->prefix_len % 8;
  if (memcmp (bytes, cidr->bytes, full) != 0)
    return FALSE;
  if (rest == 0)
    return TRUE;
  return ((bytes[full] ^ cidr->bytes[full]) & (guint8) (0xff00u >> rest)) == 0;
}

char *
sy_cidr_to_string (const SyCidr *cidr)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (cidr != NULL, NULL);

  address = g_inet_address_new_from_bytes (cidr->bytes, cidr->family);
  text = g_inet_address_to_string (address);
  return g_strdup_printf ("%s/%u", text, cidr->prefix_len);
}

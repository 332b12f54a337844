/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyCidr: an IPv4 or IPv6 address range ("10.0.0.0/8", "2001:db8::/32", or one address), and
 * whether an address falls in it. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, what a dual-stack
 * listener reports for IPv4 clients) are treated as the IPv4 address. Pure: no I/O.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  GSocketFamily family;      /* G_SOCKET_FAMILY_IPV4 or G_SOCKET_FAMILY_IPV6 */
  guint8        bytes[16];   /* the network, host bits cleared; 4 bytes used for IPv4 */
  guint         prefix_len;  /* 0..32 or 0..128 */
} SyCidr;

/* Parses "ADDRESS" or "ADDRESS/PREFIX". Host bits beyond the prefix are cleared
 * ("10.1.2.3/8" is 10.0.0.0/8). FALSE for anything else (names, scope ids, bad prefixes). */
gboolean sy_cidr_parse         (const char   *text,
                                SyCidr       *out);
gboolean sy_cidr_contains      (const SyCidr *cidr,
                                GInetAddress *address);
/* The same range written back in canonical form ("10.0.0.0/8"). */
char    *sy_cidr_to_string     (const SyCidr *cidr);

G_END_DECLS

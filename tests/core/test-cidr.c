/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-cidr: parsing of addresses and ranges (IPv4, IPv6, IPv4-mapped), refusal of everything
 * else, and membership at the edges of a prefix, including prefixes that split a byte.
 */
#include "core/sy-cidr.h"

static void
test_parse (void)
{
  static const struct
  {
    const char *text;
    const char *canonical;   /* NULL: refused */
  } cases[] = {
    { "10.0.0.0/8", "10.0.0.0/8" },
    { "10.1.2.3/8", "10.0.0.0/8" },            /* host bits cleared */
    { "192.168.1.77", "192.168.1.77/32" },
    { "0.0.0.0/0", "0.0.0.0/0" },
    { "172.16.5.4/12", "172.16.0.0/12" },
    { "::1", "::1/128" },
    { "2001:db8::/32", "2001:db8::/32" },
    { "2001:db8:ffff::1/33", "2001:db8:8000::/33" },
    { "::ffff:10.0.0.0/104", "10.0.0.0/8" },   /* IPv4-mapped becomes IPv4 */
    { "::ffff:127.0.0.1", "127.0.0.1/32" },
    { "", NULL },
    { "localhost", NULL },
    { "10.0.0.0/", NULL },
    { "10.0.0.0/33", NULL },
    { "10.0.0.0/-1", NULL },
    { "10.0.0.0/8/8", NULL },
    { "10.0.0.0/ 8", NULL },
    { "10.0.0", NULL },
    { "300.1.1.1", NULL },
    { "::1/129", NULL },
    { "2001:db8::/0128", NULL },
    { "fe80::1%eth0", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SyCidr cidr;
      gboolean ok = sy_cidr_parse (cases[i].text, &cidr);

      if (cases[i].canonical == NULL)
        g_assert_false (ok);
      else
        {
          g_autofree char *text = NULL;

          g_assert_true (ok);
          text = sy_cidr_to_string (&cidr);
          g_assert_cmpstr (text, ==, cases[i].canonical);
        }
    }
}

static gboolean
contains (const char *range,
          const char *address)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  SyCidr cidr;

  g_assert_nonnull (inet);
  g_assert_true (sy_cidr_parse (range, &cidr));
  return sy_cidr_contains (&cidr, inet);
}

static void
test_contains (void)
{
  g_assert_true (contains ("10.0.0.0/8", "10.255.255.255"));
  g_assert_false (contains ("10.0.0.0/8", "11.0.0.0"));
  g_assert_false (contains ("10.0.0.0/8", "9.255.255.255"));
  g_assert_true (contains ("172.16.0.0/12", "172.31.255.255"));
  g_assert_false (contains ("172.16.0.0/12", "172.32.0.0"));
  g_assert_true (contains ("192.168.1.7", "192.168.1.7"));
  g_assert_false (contains ("192.168.1.7", "192.168.1.8"));
  g_assert_true (contains ("0.0.0.0/0", "203.0.113.9"));
  g_assert_false (contains ("0.0.0.0/0", "::1"));     /* families do not mix */

  g_assert_true (contains ("::1", "::1"));
  g_assert_false (contains ("::1", "::2"));
  g_assert_true (contains ("2001:db8::/32", "2001:db8:ffff:ffff::1"));
  g_assert_false (contains ("2001:db8::/32", "2001:db9::"));
  g_assert_true (contains ("2001:db8:8000::/33", "2001:db8:ffff::"));
  g_assert_false (contains ("2001:db8:8000::/33", "2001:db8:7fff::"));
  g_assert_true (contains ("::/0", "fe80::1"));
  g_assert_false (contains ("::/0", "10.0.0.1"));

  /* A dual-stack listener reports IPv4 clients as ::ffff:a.b.c.d. */
  g_assert_true (contains ("127.0.0.0/8", "::ffff:127.0.0.1"));
  g_assert_false (contains ("127.0.0.0/8", "::ffff:128.0.0.1"));
  g_assert_true (contains ("::ffff:10.0.0.0/104", "10.9.8.7"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sy/core/cidr/parse", test_parse);
  g_test_add_func ("/sy/core/cidr/contains", test_contains);
  return g_test_run ();
}

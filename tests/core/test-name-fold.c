/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-name-fold: sy_name_fold gives the key g_utf8_casefold gives, on the ASCII fast path
 * (every byte value) and on names that take the Unicode path.
 */
#include "core/sy-name-fold.h"

/* Every printable and control ASCII byte, alone and inside a name. */
static void
test_ascii (void)
{
  for (int c = 1; c < 0x80; c++)
    {
      char name[] = { 'C', 'o', (char) c, 'X', '\0' };
      g_autofree char *folded = sy_name_fold (name);
      g_autofree char *expected = g_utf8_casefold (name, -1);

      g_assert_cmpstr (folded, ==, expected);
    }
}

static void
test_cases (void)
{
  static const char * const names[] = {
    "", "fast", "Premium-Coding", "GPT_4.1-MINI", "a b\tc",
    "Caf\xC3\xA9", "CAF\xC3\x89",              /* é, É */
    "Stra\xC3\x9F" "e",                         /* ß folds to "ss" */
    "\xC4\xB0stanbul",                          /* İ */
    "\xCE\xA3\xCE\xBF\xCF\x86\xCE\xAF\xCE\xB1", /* Σοφία */
    "mixed-ASCII-then-\xE2\x84\xAA",            /* Kelvin sign folds to k */
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *folded = sy_name_fold (names[i]);
      g_autofree char *expected = g_utf8_casefold (names[i], -1);

      g_assert_cmpstr (folded, ==, expected);
    }
}

static void
test_same_key (void)
{
  g_autofree char *a = sy_name_fold ("Premium");
  g_autofree char *b = sy_name_fold ("pREMIUM");
  g_autofree char *c = sy_name_fold ("\xC3\x89t\xC3\xA9");   /* Été */
  g_autofree char *d = sy_name_fold ("\xC3\xA9T\xC3\x89");   /* éTÉ */

  g_assert_cmpstr (a, ==, "premium");
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (c, ==, d);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sy/core/name-fold/ascii", test_ascii);
  g_test_add_func ("/sy/core/name-fold/cases", test_cases);
  g_test_add_func ("/sy/core/name-fold/same-key", test_same_key);
  return g_test_run ();
}

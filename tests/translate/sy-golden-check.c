/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared checks of the golden translation tests (see the header).
 */
#include "sy-golden-check.h"

#include <string.h>

char *
sy_golden_read (const char *dir,
                const char *name,
                gsize      *len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, len, NULL))
    return NULL;
  return text;
}

JsonNode *
sy_golden_parse_json (const char *data,
                      gssize      len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (!json_parser_load_from_data (parser, data, len, NULL))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

static char *
to_pretty (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

void
sy_golden_assert_json_node (const char *what,
                            JsonNode   *got,
                            const char *expected)
{
  g_autoptr(JsonNode) b = sy_golden_parse_json (expected, -1);

  g_assert_nonnull (got);
  g_assert_nonnull (b);
  if (!json_node_equal (got, b))
    {
      g_autofree char *pa = to_pretty (got);
      g_autofree char *pb = to_pretty (b);

      g_error ("%s differs.\n--- got:\n%s\n--- expected:\n%s", what, pa, pb);
    }
}

void
sy_golden_assert_json (const char *what,
                       const char *got,
                       gsize       got_len,
                       const char *expected,
                       gsize       expected_len)
{
  g_autoptr(JsonNode) a = sy_golden_parse_json (got, (gssize) got_len);
  g_autofree char *text = g_strndup (expected, expected_len);

  if (a == NULL)
    g_error ("%s: output is not JSON: %.*s", what, (int) got_len, got);
  sy_golden_assert_json_node (what, a, text);
}

void
sy_golden_check_notes (const char *dir,
                       GPtrArray  *notes)
{
  g_autofree char *expected = sy_golden_read (dir, "expected-notes.txt", NULL);
  g_auto(GStrv) lines = NULL;

  if (expected == NULL)
    return;
  lines = g_strsplit (g_strstrip (expected), "\n", 0);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; notes != NULL && j < notes->len && !found; j++)
        found = strstr (g_ptr_array_index (notes, j), lines[i]) != NULL;
      if (!found)
        g_error ("%s: no note mentions \"%s\" (%u notes)", dir, lines[i],
                 notes ? notes->len : 0);
    }
}

gboolean
sy_golden_check_error (const char   *dir,
                       const GError *error)
{
  g_autofree char *expected = sy_golden_read (dir, "expected-error.txt", NULL);

  if (expected == NULL)
    {
      if (error != NULL)
        g_error ("%s: unexpected error: %s", dir, error->message);
      return FALSE;
    }
  if (error == NULL)
    g_error ("%s: expected an error mentioning \"%s\"", dir, g_strstrip (expected));
  if (strstr (error->message, g_strstrip (expected)) == NULL)
    g_error ("%s: error \"%s\" does not mention \"%s\"", dir, error->message, expected);
  return TRUE;
}

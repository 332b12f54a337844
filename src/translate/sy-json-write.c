/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy-json-write: the JSON writers the four codecs share, appending to a GString. Pure: no I/O,
 * no state.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-json-write.h"

#include <math.h>
#include <string.h>

#include "core/sy-json-scan.h"

void
sy_json_write_string (GString    *out,
                      const char *s)
{
  if (s == NULL)
    g_string_append (out, "null");
  else
    sy_json_append_string (out, s);
}

void
sy_json_write_string_len (GString    *out,
                          const char *s,
                          gsize       len)
{
  g_autofree char *copy = NULL;

  if (s == NULL)
    {
      g_string_append (out, "\"\"");
      return;
    }
  /* sy_json_append_string reads up to a NUL: bound it */
  if (memchr (s, '\0', len) == NULL)
    copy = g_strndup (s, len);
  sy_json_append_string (out, copy ? copy : s);
}

void
sy_json_write_int (GString *out,
                   gint64   value)
{
  g_string_append_printf (out, "%" G_GINT64_FORMAT, value);
}

void
sy_json_write_double (GString *out,
                      double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }
  /* %.15g is exact for every decimal a client typed (0.7 stays 0.7); fall back to 17 digits
   * only for doubles that need them. */
  g_ascii_formatd (buf, sizeof buf, "%.15g", value);
  if (g_ascii_strtod (buf, NULL) != value)
    g_ascii_formatd (buf, sizeof buf, "%.17g", value);
  g_string_append (out, buf);
}

void
sy_json_write_node (GString  *out,
                    JsonNode *node)
{
  g_autofree char *text = NULL;

  if (node == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  text = json_to_string (node, FALSE);
  g_string_append (out, text);
}

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

void
sy_json_write_node_short (GString  *out,
                          JsonNode *node)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;
  JsonArray *array;

  if (node == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      g_string_append_c (out, '{');
      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &name, &member))
        {
          if (out->str[out->len - 1] != '{')
            g_string_append_c (out, ',');
          sy_json_append_string (out, name);
          g_string_append_c (out, ':');
          sy_json_write_node_short (out, member);
        }
      g_string_append_c (out, '}');
      break;
    case JSON_NODE_ARRAY:
      array = json_node_get_array (node);
      g_string_append_c (out, '[');
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          sy_json_write_node_short (out, json_array_get_element (array, i));
        }
      g_string_append_c (out, ']');
      break;
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          sy_json_write_int (out, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          sy_json_write_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_STRING:
          sy_json_append_string (out, json_node_get_string (node));
          break;
        default:
          g_string_append (out, "null");
          break;
        }
      break;
    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

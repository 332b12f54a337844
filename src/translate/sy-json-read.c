/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy-json-read: the checked parse and the typed member readers the four codecs share. Pure: no
 * I/O, no state; safe on untrusted input (bad values are errors, never a crash or a warning).
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-json-read.h"

#include <math.h>

#include "core/sy-json-scan.h"
#include "translate/sy-chat.h"
#include "translate/sy-codec.h"

JsonNode *
sy_json_read_load (JsonParser  *parser,
                   const char  *data,
                   gsize        len,
                   guint        max_depth,
                   GError     **error)
{
  JsonNode *root;

  g_return_val_if_fail (JSON_IS_PARSER (parser), NULL);

  if (data == NULL || len > G_MAXSSIZE)
    {
      g_set_error_literal (error, SY_JSON_ERROR, SY_JSON_ERROR_NOT_OBJECT, "empty");
      return NULL;
    }
  if (!sy_json_check_object (data, len, max_depth, error))
    return NULL;
  if (!json_parser_load_from_data (parser, data, (gssize) len, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, SY_JSON_ERROR, SY_JSON_ERROR_NOT_OBJECT,
                           "expected a JSON object");
      return NULL;
    }
  return root;
}

JsonNode *
sy_json_read_body (const char  *data,
                   gsize        len,
                   guint        max_depth,
                   int          code,
                   const char  *what,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local = NULL;
  JsonNode *root = sy_json_read_load (parser, data, len, max_depth, &local);

  if (root == NULL)
    {
      sy_json_read_set_error (error, code, what, NULL, "%s", local->message);
      return NULL;
    }
  return json_node_ref (root);
}

void
sy_json_read_set_error (GError     **error,
                        int          code,
                        const char  *path,
                        const char  *member,
                        const char  *format,
                        ...)
{
  g_autofree char *message = NULL;
  gboolean has_path = path != NULL && *path != '\0';
  gboolean has_member = member != NULL && *member != '\0';
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (has_path && has_member)
    g_set_error (error, SY_TRANSLATE_ERROR, code, "%s.%s: %s", path, member, message);
  else if (has_path || has_member)
    g_set_error (error, SY_TRANSLATE_ERROR, code, "%s: %s", has_path ? path : member, message);
  else
    g_set_error_literal (error, SY_TRANSLATE_ERROR, code, message);
}

char *
sy_json_read_path (const char *path,
                   const char *member)
{
  if (path == NULL || *path == '\0')
    return g_strdup (member);
  return g_strconcat (path, ".", member, NULL);
}

JsonNode *
sy_json_read_member (JsonObject *object,
                     const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return node;
}

const char *
sy_json_read_node_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gboolean
sy_json_read_string (JsonObject  *object,
                     const char  *path,
                     const char  *member,
                     int          code,
                     const char **out,
                     GError     **error)
{
  JsonNode *node = sy_json_read_member (object, member);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  *out = sy_json_read_node_string (node);
  if (*out == NULL)
    {
      sy_json_read_set_error (error, code, path, member, "expected a string");
      return FALSE;
    }
  return TRUE;
}

gboolean
sy_json_read_bool (JsonObject  *object,
                   const char  *path,
                   const char  *member,
                   int          code,
                   int         *out,
                   GError     **error)
{
  JsonNode *node = sy_json_read_member (object, member);

  *out = SY_UNSET;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      sy_json_read_set_error (error, code, path, member, "expected true or false");
      return FALSE;
    }
  *out = json_node_get_boolean (node) ? 1 : 0;
  return TRUE;
}

gboolean
sy_json_read_int (JsonObject  *object,
                  const char  *path,
                  const char  *member,
                  int          code,
                  gint64      *out,
                  GError     **error)
{
  JsonNode *node = sy_json_read_member (object, member);
  GType type;

  *out = SY_UNSET;
  if (node == NULL)
    return TRUE;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
      return TRUE;
    }
  if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      /* 1e3 and 100.0 are integers too; 2^63 and beyond are not representable. */
      if (isfinite (d) && d == floor (d) && d >= -9.2e18 && d <= 9.2e18)
        {
          *out = (gint64) d;
          return TRUE;
        }
    }
  sy_json_read_set_error (error, code, path, member, "expected an integer");
  return FALSE;
}

gboolean
sy_json_read_number (JsonObject  *object,
                     const char  *path,
                     const char  *member,
                     int          code,
                     double      *out,
                     GError     **error)
{
  JsonNode *node = sy_json_read_member (object, member);
  GType type;

  *out = NAN;
  if (node == NULL)
    return TRUE;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    {
      sy_json_read_set_error (error, code, path, member, "expected a number");
      return FALSE;
    }
  /* json-glib reads 1e999 as infinity */
  if (type == G_TYPE_DOUBLE && !isfinite (json_node_get_double (node)))
    {
      sy_json_read_set_error (error, code, path, member, "expected a finite number");
      return FALSE;
    }
  *out = type == G_TYPE_INT64 ? (double) json_node_get_int (node) : json_node_get_double (node);
  return TRUE;
}

gboolean
sy_json_read_object (JsonObject  *object,
                     const char  *path,
                     const char  *member,
                     int          code,
                     JsonObject **out,
                     GError     **error)
{
  JsonNode *node = sy_json_read_member (object, member);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      sy_json_read_set_error (error, code, path, member, "expected an object");
      return FALSE;
    }
  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
sy_json_read_array (JsonObject  *object,
                    const char  *path,
                    const char  *member,
                    int          code,
                    JsonArray  **out,
                    GError     **error)
{
  JsonNode *node = sy_json_read_member (object, member);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      sy_json_read_set_error (error, code, path, member, "expected an array");
      return FALSE;
    }
  *out = json_node_get_array (node);
  return TRUE;
}

JsonObject *
sy_json_read_array_object (JsonArray   *array,
                           guint        i,
                           const char  *path,
                           int          code,
                           GError     **error)
{
  JsonNode *node = json_array_get_element (array, i);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, SY_TRANSLATE_ERROR, code, "%s[%u]: expected an object", path, i);
      return NULL;
    }
  return json_node_get_object (node);
}

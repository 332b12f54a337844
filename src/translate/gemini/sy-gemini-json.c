/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Gemini's own JSON reading and writing: typed member getters accepting both the camelCase and
 * snake_case spellings (and proto3 string integers) and its parse error wording. Generic
 * helpers (the node writer with short doubles too) are sy-json-read.h, sy-json-write.h. Pure.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-gemini-private.h"

#include <string.h>

#include "core/sy-json-scan.h"

JsonNode *
_sy_gemini_parse_object (const char  *data,
                         gsize        len,
                         int          code,
                         const char  *what,
                         GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local = NULL;

  if (data == NULL)
    {
      sy_json_read_set_error (error, code, what, NULL, "expected a JSON object");
      return NULL;
    }
  if (sy_json_read_load (parser, data, len, SY_GEMINI_MAX_DEPTH, &local) == NULL)
    {
      sy_json_read_set_error (error, code, what, NULL, "%s", local->message);
      return NULL;
    }
  return json_node_ref (json_parser_get_root (parser));
}

/* "systemInstruction" -> "system_instruction"; FALSE if it does not fit or has no capital. */
static gboolean
snake_case (const char *camel,
            char       *buf,
            gsize       size)
{
  gsize n = 0;
  gboolean changed = FALSE;

  for (const char *p = camel; *p != '\0'; p++)
    {
      if (n + 3 > size)
        return FALSE;
      if (g_ascii_isupper (*p))
        {
          buf[n++] = '_';
          buf[n++] = g_ascii_tolower (*p);
          changed = TRUE;
        }
      else
        buf[n++] = *p;
    }
  buf[n] = '\0';
  return changed;
}

static JsonNode *
lookup (JsonObject *object,
        const char *camel)
{
  char snake[96];
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, camel);
  if (node == NULL && snake_case (camel, snake, sizeof snake))
    node = json_object_get_member (object, snake);
  return node;
}

JsonNode *
_sy_gemini_member (JsonObject *object,
                   const char *camel)
{
  JsonNode *node = lookup (object, camel);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return node;
}

gboolean
_sy_gemini_has_member (JsonObject *object,
                       const char *camel)
{
  return _sy_gemini_member (object, camel) != NULL;
}

static gboolean
wrong_type (const char  *path,
            const char  *member,
            int          code,
            const char  *expected,
            GError     **error)
{
  sy_json_read_set_error (error, code, path, member, "expected %s", expected);
  return FALSE;
}

gboolean
_sy_gemini_get_string (JsonObject  *object,
                       const char  *path,
                       const char  *member,
                       int          code,
                       const char **out,
                       GError     **error)
{
  JsonNode *node = _sy_gemini_member (object, member);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return wrong_type (path, member, code, "a string", error);
  *out = json_node_get_string (node);
  return TRUE;
}

gboolean
_sy_gemini_get_required_string (JsonObject  *object,
                                const char  *path,
                                const char  *member,
                                const char **out,
                                GError     **error)
{
  if (!_sy_gemini_get_string (object, path, member, SY_TRANSLATE_ERROR_INVALID_REQUEST, out,
                              error))
    return FALSE;
  if (*out == NULL)
    {
      sy_json_read_set_error (error, SY_TRANSLATE_ERROR_INVALID_REQUEST, path, member,
                              "required");
      return FALSE;
    }
  return TRUE;
}

gboolean
_sy_gemini_unsupported_member (JsonObject  *object,
                               const char  *path,
                               const char  *member,
                               const char  *why,
                               GError     **error)
{
  if (!_sy_gemini_has_member (object, member))
    return FALSE;
  sy_json_read_set_error (error, SY_TRANSLATE_ERROR_UNSUPPORTED, path, member, "%s", why);
  return TRUE;
}

gboolean
_sy_gemini_get_bool (JsonObject  *object,
                     const char  *path,
                     const char  *member,
                     int          code,
                     gboolean    *out,
                     GError     **error)
{
  JsonNode *node = _sy_gemini_member (object, member);

  *out = FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return wrong_type (path, member, code, "a boolean", error);
  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
_sy_gemini_get_int (JsonObject  *object,
                    const char  *path,
                    const char  *member,
                    int          code,
                    gint64      *out,
                    GError     **error)
{
  JsonNode *node = _sy_gemini_member (object, member);
  GType type;

  *out = SY_UNSET;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node))
    return wrong_type (path, member, code, "an integer", error);
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
      return TRUE;
    }
  if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      /* The range first: converting a double outside gint64 (or NaN) is undefined. */
      if (d > -9007199254740992.0 && d < 9007199254740992.0 && d == (double) (gint64) d)
        {
          *out = (gint64) d;
          return TRUE;
        }
    }
  if (type == G_TYPE_STRING)
    {
      gint64 v;

      if (g_ascii_string_to_signed (json_node_get_string (node), 10, G_MININT64, G_MAXINT64,
                                    &v, NULL))
        {
          *out = v;
          return TRUE;
        }
    }
  return wrong_type (path, member, code, "an integer", error);
}

gboolean
_sy_gemini_get_number (JsonObject  *object,
                       const char  *path,
                       const char  *member,
                       int          code,
                       double      *out,
                       GError     **error)
{
  JsonNode *node = _sy_gemini_member (object, member);
  GType type;

  *out = NAN;
  if (node == NULL)
    return TRUE;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return wrong_type (path, member, code, "a number", error);
  *out = json_node_get_double (node);
  if (!isfinite (*out))
    return wrong_type (path, member, code, "a finite number", error);
  return TRUE;
}

gboolean
_sy_gemini_get_object (JsonObject  *object,
                       const char  *path,
                       const char  *member,
                       int          code,
                       JsonObject **out,
                       GError     **error)
{
  JsonNode *node = _sy_gemini_member (object, member);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return wrong_type (path, member, code, "an object", error);
  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
_sy_gemini_get_array (JsonObject  *object,
                      const char  *path,
                      const char  *member,
                      int          code,
                      JsonArray  **out,
                      GError     **error)
{
  JsonNode *node = _sy_gemini_member (object, member);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return wrong_type (path, member, code, "an array", error);
  *out = json_node_get_array (node);
  return TRUE;
}

void
_sy_gemini_note (GPtrArray  *notes,
                 const char *format,
                 ...)
{
  va_list args;

  if (notes == NULL)
    return;
  va_start (args, format);
  g_ptr_array_add (notes, g_strdup_vprintf (format, args));
  va_end (args);
}

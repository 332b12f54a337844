/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Strict readers: wrong JSON types are errors, not coerced ("1" is not a number, 1 is not a
 * boolean); strings must be non-empty, bounded and free of control characters.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-api-fields.h"

#include <string.h>

#include "store/sy-database.h"

gboolean
sy_api_invalid (GError     **error,
                const char  *format,
                ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID, message);
  return FALSE;
}

/* Fails with "name: " and the formatted reason. */
static gboolean
invalid (GError     **error,
         const char  *name,
         const char  *format,
         ...) G_GNUC_PRINTF (3, 4);

static gboolean
invalid (GError     **error,
         const char  *name,
         const char  *format,
         ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID, "%s: %s", name, what);
  return FALSE;
}

/* Replaces *out with value, which it takes, and accepts it. */
static gboolean
accept_string (char **out,
               char  *value)
{
  g_free (*out);
  *out = value;
  return TRUE;
}

static JsonNode *
member (JsonObject *obj,
        const char *name,
        gboolean    required,
        gboolean   *present,
        GError    **error,
        gboolean   *missing_ok)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (present != NULL)
    *present = node != NULL;
  *missing_ok = node == NULL && !required;
  if (node == NULL && required)
    invalid (error, name, "is required");
  return node;
}

gboolean
sy_api_field_string (JsonObject  *obj,
                     const char  *name,
                     gboolean     required,
                     gsize        max_len,
                     char       **out,
                     gboolean    *present,
                     GError     **error)
{
  gboolean missing_ok;
  JsonNode *node = member (obj, name, required, present, error, &missing_ok);

  if (node == NULL)
    return missing_ok;
  return sy_api_value_string (node, name, max_len, out, error);
}

gboolean
sy_api_value_string (JsonNode    *node,
                     const char  *name,
                     gsize        max_len,
                     char       **out,
                     GError     **error)
{
  g_autofree char *s = NULL;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, name, "expected a string");
  s = g_strstrip (g_strdup (json_node_get_string (node)));
  if (*s == '\0')
    return invalid (error, name, "must not be empty");
  if (strlen (s) > max_len)
    return invalid (error, name, "longer than %" G_GSIZE_FORMAT " characters", max_len);
  for (const char *p = s; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return invalid (error, name, "must not contain control characters");
  return accept_string (out, g_steal_pointer (&s));
}

gboolean
sy_api_field_identifier (JsonObject  *obj,
                         const char  *name,
                         gboolean     required,
                         gsize        max_len,
                         char       **out,
                         gboolean    *present,
                         GError     **error)
{
  g_autofree char *value = NULL;

  if (!sy_api_field_string (obj, name, required, max_len, &value, present, error))
    return FALSE;
  if (value == NULL)
    return TRUE;
  for (const char *p = value; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '.' || *p == '_' || *p == '-'))
      return invalid (error, name, "use letters, digits, '.', '_' or '-' (got \"%s\")", value);
  return accept_string (out, g_steal_pointer (&value));
}

gboolean
sy_api_field_choice (JsonObject          *obj,
                     const char          *name,
                     gboolean             required,
                     const char * const  *choices,
                     char               **out,
                     gboolean            *present,
                     GError             **error)
{
  g_autofree char *value = NULL;
  g_autoptr(GString) list = NULL;

  if (!sy_api_field_string (obj, name, required, G_MAXSIZE, &value, present, error))
    return FALSE;
  if (value == NULL)
    return TRUE;
  if (g_strv_contains (choices, value))
    return accept_string (out, g_steal_pointer (&value));

  list = g_string_new (NULL);
  for (guint i = 0; choices[i] != NULL; i++)
    g_string_append_printf (list, "%s\"%s\"", i == 0 ? "" : choices[i + 1] ? ", " : " or ",
                            choices[i]);
  if (strlen (value) <= 64)
    return invalid (error, name, "expected %s (got \"%s\")", list->str, value);
  return invalid (error, name, "expected %s", list->str);
}

gboolean
sy_api_field_url (JsonObject  *obj,
                  const char  *name,
                  gboolean     required,
                  char       **out,
                  gboolean    *present,
                  GError     **error)
{
  g_autofree char *value = NULL;
  g_autoptr(GUri) uri = NULL;
  JsonNode *node = json_object_get_member (obj, name);
  const char *scheme;

  if (node != NULL && JSON_NODE_HOLDS_NULL (node) && !required)
    {
      if (present != NULL)
        *present = TRUE;
      g_clear_pointer (out, g_free);
      return TRUE;
    }
  if (!sy_api_field_string (obj, name, required, 2048, &value, present, error))
    return FALSE;
  if (value == NULL)
    return TRUE;

  uri = g_uri_parse (value, G_URI_FLAGS_NONE, NULL);
  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0))
    return invalid (error, name, "expected an absolute http:// or https:// URL");
  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    return invalid (error, name, "must not have a query or fragment");
  if (g_uri_get_userinfo (uri) != NULL)
    return invalid (error, name, "must not contain credentials; use apiKey");

  /* Stored without a trailing slash: endpoint paths are appended. */
  while (g_str_has_suffix (value, "/"))
    value[strlen (value) - 1] = '\0';
  return accept_string (out, g_steal_pointer (&value));
}

gboolean
sy_api_field_int (JsonObject  *obj,
                  const char  *name,
                  gint64       min,
                  gint64       max,
                  gint64      *out,
                  gboolean    *present,
                  GError     **error)
{
  gboolean missing_ok;
  JsonNode *node = member (obj, name, FALSE, present, error, &missing_ok);
  gint64 v;

  if (node == NULL)
    return missing_ok;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return invalid (error, name, "expected an integer from %" G_GINT64_FORMAT " to %"
                    G_GINT64_FORMAT, min, max);
  v = json_node_get_int (node);
  if (v < min || v > max)
    return invalid (error, name, "%" G_GINT64_FORMAT " is out of range %" G_GINT64_FORMAT "..%"
                    G_GINT64_FORMAT, v, min, max);
  *out = v;
  return TRUE;
}

gboolean
sy_api_field_boolean (JsonObject  *obj,
                      const char  *name,
                      gboolean    *out,
                      gboolean    *present,
                      GError     **error)
{
  gboolean missing_ok;
  JsonNode *node = member (obj, name, FALSE, present, error, &missing_ok);

  if (node == NULL)
    return missing_ok;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return invalid (error, name, "expected true or false");
  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
sy_api_fields_only (JsonObject          *obj,
                    const char * const  *allowed,
                    GError             **error)
{
  g_autoptr(GList) names = json_object_get_members (obj);

  for (GList *l = names; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      return invalid (error, l->data, "unknown field");
  return TRUE;
}

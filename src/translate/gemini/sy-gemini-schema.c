/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * JSON Schema for Gemini. Tool parameters and structured output go upstream as
 * parametersJsonSchema / responseJsonSchema, whose documented keywords are a subset of JSON
 * Schema: this file reduces a schema to that subset (rewriting what has an exact equivalent,
 * noting every keyword it removes), and turns Gemini's OpenAPI-style Schema into JSON Schema
 * for the other direction. Pure; never fails on a keyword, only on a schema that is not one.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-gemini-private.h"

#include <string.h>

typedef struct
{
  const char *path;
  const char *what;
  GPtrArray  *notes;
  gboolean    failed;
} Sanitizer;

static JsonNode *sanitize_node (Sanitizer   *s,
                                JsonNode    *node,
                                const char  *where,
                                guint        depth,
                                GError     **error);

static gboolean
is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
is_number (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static gboolean
is_boolean (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN;
}

static void
removed (Sanitizer  *s,
         const char *keyword,
         const char *where,
         const char *why)
{
  _sy_gemini_note (s->notes, "%s: removed \"%s\" at %s (%s)", s->what, keyword,
                   *where ? where : "the schema's root", why);
}

static char *
child_where (const char *where,
             const char *keyword,
             const char *name,
             int         index)
{
  GString *out = g_string_new (where);

  if (out->len > 0)
    g_string_append_c (out, '.');
  g_string_append (out, keyword);
  if (name != NULL)
    g_string_append_printf (out, ".%s", name);
  if (index >= 0)
    g_string_append_printf (out, "[%d]", index);
  return g_string_free (out, FALSE);
}

/* A map of schemas (properties, $defs): each value sanitized, booleans kept. */
static JsonNode *
sanitize_map (Sanitizer   *s,
              JsonObject  *in,
              JsonObject  *into,
              const char  *where,
              const char  *keyword,
              guint        depth,
              GError     **error)
{
  JsonObject *out = into ? json_object_ref (into) : json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init_ordered (&iter, in);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      g_autofree char *at = child_where (where, keyword, name, -1);
      JsonNode *clean = sanitize_node (s, value, at, depth + 1, error);

      if (clean == NULL)
        {
          json_object_unref (out);
          return NULL;
        }
      json_object_set_member (out, name, clean);
    }
  value = json_node_init_object (json_node_alloc (), out);
  json_object_unref (out);
  return value;
}

/* An array of schemas (anyOf, oneOf, prefixItems). */
static JsonNode *
sanitize_list (Sanitizer   *s,
               JsonArray   *in,
               const char  *where,
               const char  *keyword,
               guint        depth,
               GError     **error)
{
  g_autoptr(JsonArray) out = json_array_new ();

  for (guint i = 0; i < json_array_get_length (in); i++)
    {
      g_autofree char *at = child_where (where, keyword, NULL, (int) i);
      JsonNode *clean = sanitize_node (s, json_array_get_element (in, i), at, depth + 1, error);

      if (clean == NULL)
        return NULL;
      json_array_add_element (out, clean);
    }
  return json_node_init_array (json_node_alloc (), out);
}

/* enum values Gemini accepts: strings and numbers. */
static JsonNode *
sanitize_enum (Sanitizer  *s,
               JsonArray  *in,
               const char *where)
{
  g_autoptr(JsonArray) out = json_array_new ();
  gboolean dropped = FALSE;

  for (guint i = 0; i < json_array_get_length (in); i++)
    {
      JsonNode *value = json_array_get_element (in, i);

      if (is_string (value) || is_number (value))
        json_array_add_element (out, json_node_copy (value));
      else
        dropped = TRUE;
    }
  if (dropped)
    _sy_gemini_note (s->notes, "%s: removed enum values other than strings and numbers at %s "
                     "(Gemini does not support them)", s->what, *where ? where : "the root");
  if (json_array_get_length (out) == 0)
    return NULL;
  return json_node_init_array (json_node_alloc (), out);
}

static void
add_null_type (JsonObject *out)
{
  JsonNode *type = json_object_get_member (out, "type");
  JsonArray *types;

  if (is_string (type))
    {
      if (g_str_equal (json_node_get_string (type), "null"))
        return;
      types = json_array_new ();
      json_array_add_string_element (types, json_node_get_string (type));
      json_array_add_string_element (types, "null");
      json_object_set_array_member (out, "type", types);
    }
  else if (type != NULL && JSON_NODE_HOLDS_ARRAY (type))
    {
      types = json_node_get_array (type);
      for (guint i = 0; i < json_array_get_length (types); i++)
        if (g_strcmp0 (json_array_get_string_element (types, i), "null") == 0)
          return;
      json_array_add_string_element (types, "null");
    }
}

static JsonNode *
sanitize_object (Sanitizer   *s,
                 JsonObject  *in,
                 const char  *where,
                 guint        depth,
                 GError     **error)
{
  g_autoptr(JsonObject) out = json_object_new ();
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;
  gboolean nullable = FALSE;

  json_object_iter_init_ordered (&iter, in);
  while (json_object_iter_next_ordered (&iter, &key, &value))
    {
      JsonNode *clean = NULL;
      const char *name = key;

      if (g_str_equal (key, "type"))
        {
          if (is_string (value) || JSON_NODE_HOLDS_ARRAY (value))
            clean = json_node_copy (value);
        }
      else if (g_str_equal (key, "format") || g_str_equal (key, "title") ||
               g_str_equal (key, "description") || g_str_equal (key, "$id") ||
               g_str_equal (key, "$anchor"))
        {
          if (is_string (value))
            clean = json_node_copy (value);
        }
      else if (g_str_equal (key, "$ref"))
        {
          const char *ref = is_string (value) ? json_node_get_string (value) : NULL;

          if (ref != NULL && g_str_has_prefix (ref, "#/definitions/"))
            {
              g_autofree char *moved = g_strconcat ("#/$defs/", ref + strlen ("#/definitions/"),
                                                    NULL);

              clean = json_node_init_string (json_node_alloc (), moved);
            }
          else if (ref != NULL)
            clean = json_node_copy (value);
        }
      else if (g_str_equal (key, "enum"))
        {
          if (JSON_NODE_HOLDS_ARRAY (value))
            {
              clean = sanitize_enum (s, json_node_get_array (value), where);
              if (clean == NULL)
                continue;
            }
        }
      else if (g_str_equal (key, "const"))
        {
          /* const x is enum [x]: an exact rewrite, when there is no enum already. */
          if ((is_string (value) || is_number (value)) && !json_object_has_member (in, "enum"))
            {
              JsonArray *one = json_array_new ();

              json_array_add_element (one, json_node_copy (value));
              clean = json_node_init_array (json_node_alloc (), one);
              json_array_unref (one);
              name = "enum";
            }
        }
      else if (g_str_equal (key, "minItems") || g_str_equal (key, "maxItems") ||
               g_str_equal (key, "minimum") || g_str_equal (key, "maximum"))
        {
          if (is_number (value))
            clean = json_node_copy (value);
        }
      else if (g_str_equal (key, "required") || g_str_equal (key, "propertyOrdering"))
        {
          if (JSON_NODE_HOLDS_ARRAY (value))
            clean = json_node_copy (value);
        }
      else if (g_str_equal (key, "items") || g_str_equal (key, "additionalProperties"))
        {
          if (JSON_NODE_HOLDS_ARRAY (value) && g_str_equal (key, "items") &&
              !json_object_has_member (in, "prefixItems"))
            {
              /* draft-04 tuple form */
              clean = sanitize_list (s, json_node_get_array (value), where, "items", depth,
                                     error);
              name = "prefixItems";
            }
          else if (JSON_NODE_HOLDS_OBJECT (value) || is_boolean (value))
            {
              g_autofree char *at = child_where (where, key, NULL, -1);

              clean = sanitize_node (s, value, at, depth + 1, error);
            }
          if (s->failed)
            return NULL;
        }
      else if (g_str_equal (key, "prefixItems") || g_str_equal (key, "anyOf") ||
               g_str_equal (key, "oneOf") || g_str_equal (key, "allOf"))
        {
          if (JSON_NODE_HOLDS_ARRAY (value))
            {
              JsonArray *list = json_node_get_array (value);

              /* allOf of one schema is that schema, as is anyOf of one. */
              if (g_str_equal (key, "allOf") &&
                  (json_array_get_length (list) != 1 || json_object_has_member (in, "anyOf") ||
                   json_object_has_member (in, "oneOf")))
                list = NULL;
              if (list != NULL)
                {
                  clean = sanitize_list (s, list, where, key, depth, error);
                  if (clean == NULL)
                    return NULL;
                  if (g_str_equal (key, "allOf"))
                    name = "anyOf";
                }
            }
        }
      else if (g_str_equal (key, "properties") || g_str_equal (key, "$defs") ||
               g_str_equal (key, "definitions"))
        {
          if (JSON_NODE_HOLDS_OBJECT (value))
            {
              gboolean defs = !g_str_equal (key, "properties");
              JsonNode *existing = defs ? json_object_get_member (out, "$defs") : NULL;

              clean = sanitize_map (s, json_node_get_object (value),
                                    existing ? json_node_get_object (existing) : NULL,
                                    where, key, depth, error);
              if (clean == NULL)
                return NULL;
              if (defs)
                name = "$defs";
            }
        }
      else if (g_str_equal (key, "nullable"))
        {
          /* OpenAPI's nullable, folded into the type after the loop */
          nullable = is_boolean (value) && json_node_get_boolean (value);
          continue;
        }

      if (clean == NULL)
        {
          removed (s, key, where, "Gemini does not support it");
          continue;
        }
      json_object_set_member (out, name, clean);
    }

  if (nullable)
    add_null_type (out);

  /* Gemini: "if $ref is set on a sub-schema, no other properties, except those starting with
   * a $, may be set". {"$ref": r, "description": d} becomes {"anyOf": [{"$ref": r}], ...}. */
  if (json_object_has_member (out, "$ref"))
    {
      gboolean siblings = FALSE;
      JsonObjectIter it;

      json_object_iter_init (&it, out);
      while (json_object_iter_next (&it, &key, &value))
        siblings |= key[0] != '$';
      if (siblings && !json_object_has_member (out, "anyOf") &&
          !json_object_has_member (out, "oneOf"))
        {
          JsonObject *ref = json_object_new ();
          JsonArray *any = json_array_new ();

          json_object_set_member (ref, "$ref",
                                  json_node_copy (json_object_get_member (out, "$ref")));
          json_array_add_object_element (any, ref);
          json_object_remove_member (out, "$ref");
          json_object_set_array_member (out, "anyOf", any);
        }
      else if (siblings)
        {
          removed (s, "$ref", where, "Gemini allows no other keywords beside it");
          json_object_remove_member (out, "$ref");
        }
    }
  return json_node_init_object (json_node_alloc (), out);
}

static JsonNode *
sanitize_node (Sanitizer   *s,
               JsonNode    *node,
               const char  *where,
               guint        depth,
               GError     **error)
{
  if (depth > SY_GEMINI_MAX_DEPTH)
    {
      s->failed = TRUE;
      sy_json_read_set_error (error, SY_TRANSLATE_ERROR_UNSUPPORTED, s->path, NULL,
                              "the schema nests deeper than %u levels", SY_GEMINI_MAX_DEPTH);
      return NULL;
    }
  if (is_boolean (node))
    return json_node_copy (node);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      s->failed = TRUE;
      sy_json_read_set_error (error, SY_TRANSLATE_ERROR_UNSUPPORTED, s->path, NULL,
                              "%s%sexpected a schema object", where, *where ? ": " : "");
      return NULL;
    }
  return sanitize_object (s, json_node_get_object (node), where, depth, error);
}

JsonNode *
_sy_gemini_schema_sanitize (JsonNode    *schema,
                            const char  *path,
                            const char  *what,
                            GPtrArray   *notes,
                            GError     **error)
{
  Sanitizer s = { path, what, notes, FALSE };

  if (schema == NULL || !JSON_NODE_HOLDS_OBJECT (schema))
    {
      sy_json_read_set_error (error, SY_TRANSLATE_ERROR_UNSUPPORTED, path, NULL,
                              "the schema must be a JSON object");
      return NULL;
    }
  return sanitize_node (&s, schema, "", 0, error);
}

/* --- Gemini's OpenAPI Schema -> JSON Schema ------------------------------------------------ */

static JsonNode *from_openapi (JsonNode *node);

static gboolean
is_count_keyword (const char *key)
{
  static const char *const counts[] = {
    "minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties",
  };

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    if (g_str_equal (key, counts[i]))
      return TRUE;
  return FALSE;
}

static JsonNode *
from_openapi_object (JsonObject *in)
{
  g_autoptr(JsonObject) out = json_object_new ();
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;
  gboolean nullable = FALSE;

  json_object_iter_init_ordered (&iter, in);
  while (json_object_iter_next_ordered (&iter, &key, &value))
    {
      if (g_str_equal (key, "type") && is_string (value))
        {
          g_autofree char *type = g_ascii_strdown (json_node_get_string (value), -1);

          if (!g_str_equal (type, "type_unspecified"))
            json_object_set_string_member (out, "type", type);
        }
      else if (g_str_equal (key, "nullable"))
        nullable = is_boolean (value) && json_node_get_boolean (value);
      else if (g_str_equal (key, "example"))
        {
          JsonArray *examples = json_array_new ();

          json_array_add_element (examples, json_node_copy (value));
          json_object_set_array_member (out, "examples", examples);
        }
      else if (g_str_equal (key, "format") && is_string (value) &&
               g_str_equal (json_node_get_string (value), "enum"))
        continue;  /* Gemini's marker for an enum of strings; enum says it already */
      else if ((g_str_equal (key, "properties") || g_str_equal (key, "$defs")) &&
               JSON_NODE_HOLDS_OBJECT (value))
        {
          JsonObject *map = json_object_new ();
          JsonObjectIter it;
          const char *name;
          JsonNode *sub;

          json_object_iter_init_ordered (&it, json_node_get_object (value));
          while (json_object_iter_next_ordered (&it, &name, &sub))
            json_object_set_member (map, name, from_openapi (sub));
          json_object_set_object_member (out, key, map);
        }
      else if ((g_str_equal (key, "anyOf") || g_str_equal (key, "oneOf")) &&
               JSON_NODE_HOLDS_ARRAY (value))
        {
          JsonArray *in_list = json_node_get_array (value);
          JsonArray *list = json_array_new ();

          for (guint i = 0; i < json_array_get_length (in_list); i++)
            json_array_add_element (list, from_openapi (json_array_get_element (in_list, i)));
          json_object_set_array_member (out, key, list);
        }
      else if (g_str_equal (key, "items") || g_str_equal (key, "additionalProperties"))
        json_object_set_member (out, key, from_openapi (value));
      else if (is_string (value) && is_count_keyword (key))
        {
          /* int64 counts, which proto3 JSON writes as strings */
          gint64 n;

          if (g_ascii_string_to_signed (json_node_get_string (value), 10, 0, G_MAXINT64, &n,
                                        NULL))
            json_object_set_int_member (out, key, n);
        }
      else
        json_object_set_member (out, key, json_node_copy (value));
    }
  if (nullable)
    add_null_type (out);
  return json_node_init_object (json_node_alloc (), out);
}

static JsonNode *
from_openapi (JsonNode *node)
{
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    return from_openapi_object (json_node_get_object (node));
  return node ? json_node_copy (node) : json_node_new (JSON_NODE_NULL);
}

JsonNode *
_sy_gemini_schema_from_openapi (JsonNode *schema)
{
  return from_openapi (schema);
}

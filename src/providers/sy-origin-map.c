/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Origin rewriting for the fixed provider URLs (see the header). Origins are compared in their
 * normalised form (lower-case scheme and host, default ports dropped), so "https://GitHub.com"
 * and "https://github.com:443" are one origin. Pure string work.
 */
#define G_LOG_DOMAIN "sy-providers"

#include "sy-origin-map.h"

#include <gio/gio.h>
#include <string.h>

struct _SyOriginMap
{
  GObject     parent_instance;
  GHashTable *origins;  /* normalised from -> normalised to */
};

G_DEFINE_FINAL_TYPE (SyOriginMap, sy_origin_map, G_TYPE_OBJECT)

static void
sy_origin_map_finalize (GObject *object)
{
  SyOriginMap *self = SY_ORIGIN_MAP (object);

  g_hash_table_unref (self->origins);
  G_OBJECT_CLASS (sy_origin_map_parent_class)->finalize (object);
}

static void
sy_origin_map_class_init (SyOriginMapClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sy_origin_map_finalize;
}

static void
sy_origin_map_init (SyOriginMap *self)
{
  self->origins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

SyOriginMap *
sy_origin_map_new (void)
{
  return g_object_new (SY_TYPE_ORIGIN_MAP, NULL);
}

/* scheme://host[:port] of uri, lower-case, default port left out. */
static char *
origin_of (GUri *uri)
{
  const char *scheme = g_uri_get_scheme (uri);
  g_autofree char *host = g_ascii_strdown (g_uri_get_host (uri), -1);
  int port = g_uri_get_port (uri);
  gboolean default_port = port < 0 ||
                          (port == 443 && g_ascii_strcasecmp (scheme, "https") == 0) ||
                          (port == 80 && g_ascii_strcasecmp (scheme, "http") == 0);
  g_autofree char *lower_scheme = g_ascii_strdown (scheme, -1);

  if (default_port)
    return g_strdup_printf ("%s://%s", lower_scheme, host);
  return g_strdup_printf ("%s://%s:%d", lower_scheme, host, port);
}

/* An http(s) origin with no path, query or credentials; normalised. */
static char *
parse_origin (const char  *text,
              GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;
  const char *path = uri ? g_uri_get_path (uri) : NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
      (path != NULL && *path != '\0' && g_strcmp0 (path, "/") != 0) ||
      g_uri_get_query (uri) != NULL || g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "\"%s\" is not an origin (http or https, a host, an optional port, no path)",
                   text);
      return NULL;
    }
  return origin_of (uri);
}

gboolean
sy_origin_map_add (SyOriginMap  *self,
                   const char   *from,
                   const char   *to,
                   GError      **error)
{
  g_autofree char *from_origin = NULL;
  g_autofree char *to_origin = NULL;

  g_return_val_if_fail (SY_IS_ORIGIN_MAP (self), FALSE);

  from_origin = parse_origin (from, error);
  if (from_origin == NULL)
    return FALSE;
  to_origin = parse_origin (to, error);
  if (to_origin == NULL)
    return FALSE;
  g_hash_table_replace (self->origins, g_steal_pointer (&from_origin),
                        g_steal_pointer (&to_origin));
  return TRUE;
}

gboolean
sy_origin_map_parse (SyOriginMap  *self,
                     const char   *spec,
                     GError      **error)
{
  g_auto(GStrv) pairs = g_strsplit (spec, ",", -1);
  g_autoptr(SyOriginMap) staged = sy_origin_map_new ();
  GHashTableIter iter;
  gpointer from, to;

  g_return_val_if_fail (SY_IS_ORIGIN_MAP (self), FALSE);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      g_autofree char *pair = g_strstrip (g_strdup (pairs[i]));
      char *equals = strchr (pair, '=');

      if (*pair == '\0')
        continue;
      if (equals == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "\"%s\" is not of the form from=to", pair);
          return FALSE;
        }
      *equals = '\0';
      if (!sy_origin_map_add (staged, g_strstrip (pair), g_strstrip (equals + 1), error))
        return FALSE;
    }
  g_hash_table_iter_init (&iter, staged->origins);
  while (g_hash_table_iter_next (&iter, &from, &to))
    g_hash_table_replace (self->origins, g_strdup (from), g_strdup (to));
  return TRUE;
}

char *
sy_origin_map_rewrite (SyOriginMap *self,
                       const char  *url)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *origin = NULL;
  const char *to;
  const char *rest;

  g_return_val_if_fail (SY_IS_ORIGIN_MAP (self), NULL);

  if (g_hash_table_size (self->origins) == 0 ||
      (uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL)) == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup (url);
  origin = origin_of (uri);
  to = g_hash_table_lookup (self->origins, origin);
  if (to == NULL)
    return g_strdup (url);
  /* What follows the authority in the original text: path, query and fragment as written. */
  rest = strstr (url, "://");
  rest = rest ? strpbrk (rest + 3, "/?#") : NULL;
  return g_strconcat (to, rest ? rest : "", NULL);
}

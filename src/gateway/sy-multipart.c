/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * multipart/form-data, strictly: delimiters are CRLF "--" boundary, each part has a
 * Content-Disposition of form-data with a name, headers are bounded in size and parts in
 * number. Safe on untrusted input: every search is bounded by the buffer (sy_memmem),
 * nothing is copied but the part names and types. No I/O.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-multipart.h"

#include <libsoup/soup.h>
#include <string.h>

#include "core/sy-memmem.h"

#define MAX_BOUNDARY      70      /* RFC 2046 */
#define MAX_HEADER_BYTES  8192    /* the header block of one part */

G_DEFINE_QUARK (sy-multipart-error-quark, sy_multipart_error)

static void
part_free (SyMultipartPart *part)
{
  g_free (part->name);
  g_free (part->filename);
  g_free (part->content_type);
  g_free (part);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyMultipartPart, part_free)

/* RFC 2046 allows 1 to 70 characters, the last not a space; any printable ASCII is taken. */
static gboolean
boundary_is_valid (const char *boundary)
{
  gsize len = boundary ? strlen (boundary) : 0;

  if (len == 0 || len > MAX_BOUNDARY || boundary[len - 1] == ' ')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (boundary[i] < 0x20 || boundary[i] > 0x7e)
      return FALSE;
  return TRUE;
}

static const guint8 *
find (const guint8 *data,
      gsize         len,
      gsize         from,
      const char   *needle,
      gsize         needle_len)
{
  if (from > len)
    return NULL;
  return sy_memmem (data + from, len - from, needle, needle_len);
}

static gboolean
set_malformed (GError    **error,
               guint       index,
               const char *what)
{
  g_set_error (error, SY_MULTIPART_ERROR, SY_MULTIPART_ERROR_MALFORMED,
               "the multipart body is malformed: part %u %s", index + 1, what);
  return FALSE;
}

/* One header line of a part: only Content-Disposition and Content-Type matter. */
static gboolean
take_header (SyMultipartPart *part,
             const char      *line,
             guint            index,
             GError         **error)
{
  const char *colon = strchr (line, ':');
  g_autofree char *name = NULL;
  g_autofree char *value = NULL;

  if (colon == NULL || colon == line)
    return set_malformed (error, index, "has a header line without a name");
  name = g_strstrip (g_strndup (line, colon - line));
  value = g_strstrip (g_strdup (colon + 1));
  if (*name == '\0' || strpbrk (name, " \t") != NULL)
    return set_malformed (error, index, "has a header line without a name");

  if (g_ascii_strcasecmp (name, "Content-Disposition") == 0)
    {
      GHashTable *params = soup_header_parse_semi_param_list (value);
      gboolean form_data = g_hash_table_contains (params, "form-data");

      g_free (part->name);
      g_free (part->filename);
      part->name = g_strdup (g_hash_table_lookup (params, "name"));
      part->filename = g_strdup (g_hash_table_lookup (params, "filename"));
      soup_header_free_param_list (params);
      if (!form_data)
        return set_malformed (error, index, "is not form-data (Content-Disposition)");
    }
  else if (g_ascii_strcasecmp (name, "Content-Type") == 0)
    {
      char *semicolon = strchr (value, ';');

      if (semicolon != NULL)
        *semicolon = '\0';
      g_free (part->content_type);
      part->content_type = g_ascii_strdown (g_strstrip (value), -1);
      if (*part->content_type == '\0')
        g_clear_pointer (&part->content_type, g_free);
    }
  return TRUE;
}

/* The header block [start, end) of a part: CRLF-separated lines, folded lines joined. */
static gboolean
parse_headers (SyMultipartPart *part,
               const guint8    *start,
               gsize            len,
               guint            index,
               GError         **error)
{
  g_autofree char *block = g_strndup ((const char *) start, len);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) current = NULL;

  if (strlen (block) != len)
    return set_malformed (error, index, "has a NUL byte in its headers");
  lines = g_strsplit (block, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == ' ' || lines[i][0] == '\t')
        {
          /* obs-fold: a continuation of the previous line. */
          if (current == NULL)
            return set_malformed (error, index, "starts its headers with a continuation line");
          g_string_append_c (current, ' ');
          g_string_append (current, g_strstrip (lines[i]));
          continue;
        }
      if (current != NULL && !take_header (part, current->str, index, error))
        return FALSE;
      if (current != NULL)
        g_string_free (g_steal_pointer (&current), TRUE);
      current = g_string_new (lines[i]);
    }
  if (current != NULL && !take_header (part, current->str, index, error))
    return FALSE;
  if (part->name == NULL)
    return set_malformed (error, index, "has no form-data name (Content-Disposition)");
  return TRUE;
}

GPtrArray *
sy_multipart_parse (const char    *boundary,
                    const guint8  *data,
                    gsize          len,
                    GError       **error)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) part_free);
  g_autofree char *delimiter = NULL;      /* "--" boundary */
  g_autofree char *inner = NULL;          /* CRLF "--" boundary */
  gsize dlen, pos;
  const guint8 *hit;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (!boundary_is_valid (boundary))
    {
      g_set_error (error, SY_MULTIPART_ERROR, SY_MULTIPART_ERROR_BOUNDARY,
                   "the Content-Type has no usable boundary parameter (1 to 70 printable "
                   "characters)");
      return NULL;
    }
  delimiter = g_strconcat ("--", boundary, NULL);
  inner = g_strconcat ("\r\n--", boundary, NULL);
  dlen = strlen (delimiter);

  /* The first delimiter opens the body or ends a preamble line. */
  if (len >= dlen && memcmp (data, delimiter, dlen) == 0)
    pos = 0;
  else if ((hit = find (data, len, 0, inner, dlen + 2)) != NULL)
    pos = (gsize) (hit - data) + 2;
  else
    {
      g_set_error (error, SY_MULTIPART_ERROR, SY_MULTIPART_ERROR_BOUNDARY,
                   "the body is not delimited by the boundary the Content-Type names (\"%s\")",
                   boundary);
      return NULL;
    }

  for (;;)
    {
      g_autoptr(SyMultipartPart) part = NULL;
      guint index = parts->len;
      gsize p = pos + dlen;
      gsize content;

      if (p + 2 <= len && data[p] == '-' && data[p + 1] == '-')
        break;  /* the close delimiter; the epilogue is ignored */
      while (p < len && (data[p] == ' ' || data[p] == '\t'))
        p++;
      if (p + 2 > len || data[p] != '\r' || data[p + 1] != '\n')
        {
          if (p >= len)
            set_malformed (error, index, "is missing: the body ends without a closing boundary");
          else
            g_set_error (error, SY_MULTIPART_ERROR, SY_MULTIPART_ERROR_BOUNDARY,
                         "the body is not delimited by the boundary the Content-Type names "
                         "(\"%s\"): a delimiter line has more after it", boundary);
          return NULL;
        }
      p += 2;
      if (parts->len >= SY_MULTIPART_MAX_PARTS)
        {
          g_set_error (error, SY_MULTIPART_ERROR, SY_MULTIPART_ERROR_TOO_MANY,
                       "the form has more than %d parts", SY_MULTIPART_MAX_PARTS);
          return NULL;
        }

      part = g_new0 (SyMultipartPart, 1);
      if (p + 2 <= len && data[p] == '\r' && data[p + 1] == '\n')
        {
          set_malformed (error, index, "has no headers");
          return NULL;
        }
      hit = find (data, MIN (len, p + MAX_HEADER_BYTES + 4), p, "\r\n\r\n", 4);
      if (hit == NULL)
        {
          set_malformed (error, index, "has no end of headers within 8 KiB");
          return NULL;
        }
      if (!parse_headers (part, data + p, (gsize) (hit - data) - p, index, error))
        return NULL;
      content = (gsize) (hit - data) + 4;

      hit = find (data, len, content, inner, dlen + 2);
      if (hit == NULL)
        {
          g_autofree char *what = g_strdup_printf ("(\"%s\") has no closing boundary: the body "
                                                   "was cut short", part->name);

          set_malformed (error, index, what);
          return NULL;
        }
      part->start = content;
      part->end = (gsize) (hit - data);
      g_ptr_array_add (parts, g_steal_pointer (&part));
      pos = (gsize) (hit - data) + 2;  /* at the "--" of the next delimiter */
    }

  if (parts->len == 0)
    {
      g_set_error (error, SY_MULTIPART_ERROR, SY_MULTIPART_ERROR_MALFORMED,
                   "the multipart body has no parts");
      return NULL;
    }
  return g_steal_pointer (&parts);
}

const SyMultipartPart *
sy_multipart_find (GPtrArray  *parts,
                   const char *name)
{
  for (guint i = 0; i < parts->len; i++)
    {
      const SyMultipartPart *part = g_ptr_array_index (parts, i);

      if (g_str_equal (part->name, name))
        return part;
    }
  return NULL;
}

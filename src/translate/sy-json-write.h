/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy-json-write: the GString writers every codec emits JSON with (strings, numbers, nodes, and
 * the comma bookkeeping of members and elements). Pure: no I/O, no state.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Starts a member: a comma unless it is the first in its object, then "key":. key is a
 * literal ASCII name that needs no escaping. */
static inline void
sy_json_write_key (GString    *out,
                   const char *key)
{
  char last = out->len ? out->str[out->len - 1] : '\0';

  if (last != '{' && last != '[' && last != '\0')
    g_string_append_c (out, ',');
  g_string_append_c (out, '"');
  g_string_append (out, key);
  g_string_append (out, "\":");
}

/* Starts an array element: a comma unless it is the first. */
static inline void
sy_json_write_elem (GString *out)
{
  char last = out->len ? out->str[out->len - 1] : '\0';

  if (last != '[' && last != '\0')
    g_string_append_c (out, ',');
}

/* A JSON string, or null for NULL. */
void            sy_json_write_string      (GString     *out,
                                           const char  *s);
/* A JSON string from len bytes of valid UTF-8 (not necessarily NUL-terminated; it stops at
 * an embedded NUL, which JSON text cannot have produced); "" for NULL. */
void            sy_json_write_string_len  (GString     *out,
                                           const char  *s,
                                           gsize        len);
void            sy_json_write_int         (GString     *out,
                                           gint64       value);
/* Locale-independent, and short: the 15-digit form when it reads back as the same double
 * (0.7 stays 0.7), else 17 digits; null for NaN or infinity. */
void            sy_json_write_double      (GString     *out,
                                           double       value);
/* Compact JSON for a node as json-glib writes it; null for NULL. */
void            sy_json_write_node        (GString     *out,
                                           JsonNode    *node);
/* The same with members in their order and doubles by sy_json_write_double (0.7 stays 0.7,
 * not 0.69999999999999996): for bodies rebuilt from a parsed tree. */
void            sy_json_write_node_short  (GString     *out,
                                           JsonNode    *node);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy-json-read: what every codec needs to read untrusted JSON: a checked parse of a body into
 * one object, and typed member readers whose errors start with the bad field's JSON path
 * ("messages[2].content: expected a string"). Pure: no I/O, no state; never g_critical on input.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Checks data with sy_json_check_object (syntax, UTF-8, at most max_depth levels) before
 * json-glib sees it, then loads it into parser. Returns the parser's root, an object (owned by
 * parser), or NULL with the scanner's (SY_JSON_ERROR) or the parser's (JSON_PARSER_ERROR)
 * error, unprefixed: callers name the input in their own words. */
JsonNode       *sy_json_read_load         (JsonParser  *parser,
                                           const char  *data,
                                           gsize        len,
                                           guint        max_depth,
                                           GError     **error);

/* data as one JSON object (a new reference), as sy_json_read_load checks it. Fails with
 * SY_TRANSLATE_ERROR code, "<what>: <why>"; what names the input ("request body"). */
JsonNode       *sy_json_read_body         (const char  *data,
                                           gsize        len,
                                           guint        max_depth,
                                           int          code,
                                           const char  *what,
                                           GError     **error);

/* Sets error (domain SY_TRANSLATE_ERROR) to "<path>.<member>: <message>"; path or member may
 * be NULL or empty, and the dot goes only between two. */
void            sy_json_read_set_error    (GError     **error,
                                           int          code,
                                           const char  *path,
                                           const char  *member,
                                           const char  *format,
                                           ...) G_GNUC_PRINTF (5, 6);

/* "<path>.<member>" (member alone when path is empty); free with g_free. */
char           *sy_json_read_path         (const char  *path,
                                           const char  *member);

/* The member's node, or NULL when object is NULL or the member is absent or JSON null. */
JsonNode       *sy_json_read_member       (JsonObject  *object,
                                           const char  *member);

/* The string a node holds, or NULL if it is not a string. */
const char     *sy_json_read_node_string  (JsonNode    *node);

/* Typed readers: an absent or null member gives NULL / SY_UNSET / NAN and succeeds; a value of
 * the wrong type fails with code, "<path>.<member>: expected ...". An integer may be written
 * as an integral double (1e3); a number must be finite. A bool is read as 1, 0 or SY_UNSET. */
gboolean        sy_json_read_string       (JsonObject  *object,
                                           const char  *path,
                                           const char  *member,
                                           int          code,
                                           const char **out,
                                           GError     **error);
gboolean        sy_json_read_bool         (JsonObject  *object,
                                           const char  *path,
                                           const char  *member,
                                           int          code,
                                           int         *out,
                                           GError     **error);
gboolean        sy_json_read_int          (JsonObject  *object,
                                           const char  *path,
                                           const char  *member,
                                           int          code,
                                           gint64      *out,
                                           GError     **error);
gboolean        sy_json_read_number       (JsonObject  *object,
                                           const char  *path,
                                           const char  *member,
                                           int          code,
                                           double      *out,
                                           GError     **error);
gboolean        sy_json_read_object       (JsonObject  *object,
                                           const char  *path,
                                           const char  *member,
                                           int          code,
                                           JsonObject **out,
                                           GError     **error);
gboolean        sy_json_read_array        (JsonObject  *object,
                                           const char  *path,
                                           const char  *member,
                                           int          code,
                                           JsonArray  **out,
                                           GError     **error);

/* The object at index i of array, or NULL with code, "<path>[i]: expected an object". */
JsonObject     *sy_json_read_array_object (JsonArray   *array,
                                           guint        i,
                                           const char  *path,
                                           int          code,
                                           GError     **error);

G_END_DECLS

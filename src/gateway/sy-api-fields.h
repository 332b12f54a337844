/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Field readers for management API bodies. Each one validates one member and, on a bad value,
 * fails with SY_STORE_ERROR_INVALID and a message that starts with the field's name, which the
 * API returns as a 400.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Fails with SY_STORE_ERROR_INVALID and the formatted message; returns FALSE. */
gboolean sy_api_invalid       (GError     **error,
                               const char  *format,
                               ...) G_GNUC_PRINTF (2, 3);

/* Each returns TRUE if the value is acceptable; *present says whether the member was there
 * (NULL allowed for required fields: absent is then an error). */
gboolean sy_api_field_string  (JsonObject  *obj,
                               const char  *name,
                               gboolean     required,
                               gsize        max_len,
                               char       **out,
                               gboolean    *present,
                               GError     **error);
/* The same checks on a value that is not an object member (an array element). */
gboolean sy_api_value_string  (JsonNode    *node,
                               const char  *name,
                               gsize        max_len,
                               char       **out,
                               GError     **error);
/* A string of ASCII letters, digits, '.', '_' and '-' only (names used in model strings). */
gboolean sy_api_field_identifier (JsonObject  *obj,
                                  const char  *name,
                                  gboolean     required,
                                  gsize        max_len,
                                  char       **out,
                                  gboolean    *present,
                                  GError     **error);
/* A string that is one of choices (NULL-terminated); the message lists them. */
gboolean sy_api_field_choice  (JsonObject          *obj,
                               const char          *name,
                               gboolean             required,
                               const char * const  *choices,
                               char               **out,
                               gboolean            *present,
                               GError             **error);
/* An absolute http:// or https:// URL; JSON null clears (out NULL, present TRUE). */
gboolean sy_api_field_url     (JsonObject  *obj,
                               const char  *name,
                               gboolean     required,
                               char       **out,
                               gboolean    *present,
                               GError     **error);
gboolean sy_api_field_int     (JsonObject  *obj,
                               const char  *name,
                               gint64       min,
                               gint64       max,
                               gint64      *out,
                               gboolean    *present,
                               GError     **error);
gboolean sy_api_field_boolean (JsonObject  *obj,
                               const char  *name,
                               gboolean    *out,
                               gboolean    *present,
                               GError     **error);
/* Fails naming the first member not in allowed (NULL-terminated). */
gboolean sy_api_fields_only   (JsonObject          *obj,
                               const char * const  *allowed,
                               GError             **error);

G_END_DECLS

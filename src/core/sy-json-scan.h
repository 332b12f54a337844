/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy-json-scan: a validating, allocation-free JSON scanner for untrusted request and response
 * bodies. It finds top-level members by byte span so the gateway can forward a body
 * byte-faithfully while changing one value. Pure: no I/O, no global state.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SY_JSON_ERROR (sy_json_error_quark ())

typedef enum {
  SY_JSON_ERROR_SYNTAX,
  SY_JSON_ERROR_INVALID_UTF8,
  SY_JSON_ERROR_NOT_OBJECT,
  SY_JSON_ERROR_TOO_DEEP,
} SyJsonError;

typedef enum {
  SY_JSON_KIND_NULL,
  SY_JSON_KIND_BOOLEAN,
  SY_JSON_KIND_NUMBER,
  SY_JSON_KIND_STRING,
  SY_JSON_KIND_ARRAY,
  SY_JSON_KIND_OBJECT,
} SyJsonKind;

/* A value inside a buffer: [start, end) in bytes; for strings the span includes the quotes. */
typedef struct {
  gsize      start;
  gsize      end;
  SyJsonKind kind;
} SyJsonSpan;

GQuark   sy_json_error_quark      (void);

/* Validates that data[0..len) is exactly one JSON object (surrounding whitespace allowed),
 * well-formed per RFC 8259, valid UTF-8 (including escapes: no lone surrogates), nested at most
 * max_depth levels. The error message names the byte offset. */
gboolean sy_json_check_object     (const char  *data,
                                   gsize        len,
                                   guint        max_depth,
                                   GError     **error);

/* Finds the top-level member named key (escapes in member names are decoded before comparing)
 * in a buffer that sy_json_check_object() accepted. Returns FALSE if absent. If a name occurs
 * twice, the last one wins, as in JavaScript. */
gboolean sy_json_object_lookup    (const char  *data,
                                   gsize        len,
                                   const char  *key,
                                   SyJsonSpan  *out_span);

/* Decodes the string value at span (which must be SY_JSON_KIND_STRING) into UTF-8. */
char    *sy_json_span_dup_string  (const char       *data,
                                   const SyJsonSpan *span);

/* Appends s to out as a JSON string literal, quotes included. */
void     sy_json_append_string    (GString    *out,
                                   const char *s);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A multipart/form-data parser (RFC 7578, RFC 2046 section 5.1) for untrusted request bodies.
 * It copies nothing: each part is a byte span of the body, so a form can be forwarded byte for
 * byte with one value changed. Pure: no I/O, bounded by the body it is given.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SY_MULTIPART_ERROR (sy_multipart_error_quark ())

typedef enum {
  SY_MULTIPART_ERROR_BOUNDARY,   /* no usable boundary, or the body is not delimited by it */
  SY_MULTIPART_ERROR_MALFORMED,  /* a part without an ending, headers or a form-data name */
  SY_MULTIPART_ERROR_TOO_MANY,   /* more than SY_MULTIPART_MAX_PARTS parts */
} SyMultipartError;

#define SY_MULTIPART_MAX_PARTS 64

typedef struct
{
  char  *name;          /* Content-Disposition: form-data; name="..." */
  char  *filename;      /* its filename="...", NULL for a plain field */
  char  *content_type;  /* the part's Content-Type without parameters, lower case; NULL if none */
  gsize  start;         /* the content: [start, end) of the body */
  gsize  end;
} SyMultipartPart;

GQuark     sy_multipart_error_quark (void);

/* The parts of data (SyMultipartPart, in order) delimited by boundary (the Content-Type
 * parameter, unquoted). The preamble and epilogue are ignored. */
GPtrArray *sy_multipart_parse       (const char    *boundary,
                                     const guint8  *data,
                                     gsize          len,
                                     GError       **error);
/* The first part named name, or NULL. */
const SyMultipartPart *sy_multipart_find (GPtrArray  *parts,
                                          const char *name);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Test-only: a small AWS event-stream encoder, to build Kiro answers (and broken ones) in the
 * tests. Header values of every type; the CRCs come from sy_aws_crc32, which the tests check
 * against the standard check value and against frames written by zlib (recorded.bin).
 */
#pragma once

#include <string.h>

#include "translate/kiro/sy-aws-event-stream.h"

static inline void
kiro_put_u32 (GByteArray *out,
              guint32     v)
{
  guint8 b[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

  g_byte_array_append (out, b, 4);
}

/* Appends a header of any type; value is the raw value bytes (len of them; for types 6 and 7
 * the 2-byte length is written first). */
static inline void
kiro_put_header (GByteArray   *headers,
                 const char   *name,
                 guint8        type,
                 const void   *value,
                 gsize         len)
{
  guint8 n = (guint8) strlen (name);

  g_byte_array_append (headers, &n, 1);
  g_byte_array_append (headers, (const guint8 *) name, n);
  g_byte_array_append (headers, &type, 1);
  if (type == 6 || type == 7)
    {
      guint8 l[2] = { (len >> 8) & 0xff, len & 0xff };

      g_byte_array_append (headers, l, 2);
    }
  g_byte_array_append (headers, value, (guint) len);
}

static inline void
kiro_put_string_header (GByteArray *headers,
                        const char *name,
                        const char *value)
{
  kiro_put_header (headers, name, 7, value, strlen (value));
}

/* Appends one whole frame with these headers and payload. */
static inline void
kiro_put_frame (GByteArray *out,
                GByteArray *headers,
                const char *payload,
                gsize       payload_len)
{
  guint start = out->len;
  guint32 total = 12 + headers->len + (guint32) payload_len + 4;

  kiro_put_u32 (out, total);
  kiro_put_u32 (out, headers->len);
  kiro_put_u32 (out, sy_aws_crc32 (0, out->data + start, 8));
  g_byte_array_append (out, headers->data, headers->len);
  g_byte_array_append (out, (const guint8 *) payload, (guint) payload_len);
  kiro_put_u32 (out, sy_aws_crc32 (0, out->data + start, out->len - start));
}

/* Appends an event frame (message_type "event") or an exception frame ("exception": type is
 * the :exception-type) the way Kiro writes them. */
static inline void
kiro_put_message (GByteArray *out,
                  const char *message_type,
                  const char *type,
                  const char *payload)
{
  g_autoptr(GByteArray) headers = g_byte_array_new ();
  gboolean exception = g_str_equal (message_type, "exception");

  kiro_put_string_header (headers, exception ? ":exception-type" : ":event-type", type);
  kiro_put_string_header (headers, ":content-type", "application/json");
  kiro_put_string_header (headers, ":message-type", message_type);
  kiro_put_frame (out, headers, payload, strlen (payload));
}

/* Builds frames from a text description, one message a line: "<event|exception> <type>
 * <payload>" (the payload is the rest of the line, JSON). Blank and '#' lines are skipped. */
static inline GByteArray *
kiro_frames_from_text (const char *text)
{
  GByteArray *out = g_byte_array_new ();
  g_auto(GStrv) lines = g_strsplit (text, "\n", 0);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = NULL;

      if (*lines[i] == '\0' || *lines[i] == '#')
        continue;
      f = g_strsplit (lines[i], " ", 3);
      g_assert_cmpuint (g_strv_length (f), ==, 3);
      kiro_put_message (out, f[0], f[1], f[2]);
    }
  return out;
}

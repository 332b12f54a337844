/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy_memmem (): see sy-memmem.h. The one place that knows which C runtimes have memmem ().
 */
#define _GNU_SOURCE  /* memmem in glibc's string.h */

#include "sy-memmem.h"

#include <string.h>

const void *
sy_memmem (const void *data,
           gsize       len,
           const void *needle,
           gsize       needle_len)
{
#ifdef G_OS_WIN32
  const guint8 *p = data;
  const guint8 *end = p + len;

  if (needle_len == 0)
    return data;
  /* memchr () for the first byte, memcmp () for the rest: linear in practice for the short
   * needles here (multipart boundaries, test markers). */
  while ((gsize) (end - p) >= needle_len &&
         (p = memchr (p, *(const guint8 *) needle, (gsize) (end - p) - needle_len + 1)) != NULL)
    {
      if (memcmp (p, needle, needle_len) == 0)
        return p;
      p++;
    }
  return NULL;
#else
  return memmem (data, len, needle, needle_len);
#endif
}

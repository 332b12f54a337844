/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Randomness comes from getentropy(3) (Linux, macOS, the BSDs) or BCryptGenRandom (Windows),
 * never from GRand. Digests use GChecksum. No key material is logged.
 */
#define G_LOG_DOMAIN "sy-core"

#include "sy-crypto.h"

#include <errno.h>
#include <string.h>
#ifdef G_OS_WIN32
#include <windows.h>
#include <bcrypt.h>
#else
#include <unistd.h>
#if defined (__linux__) || defined (__APPLE__)
#include <sys/random.h>   /* getentropy () there; unistd.h has it on the BSDs */
#endif
#endif

void
sy_random_bytes (guint8 *buf,
                 gsize   len)
{
  while (len > 0)
    {
      gsize n = MIN (len, 256);

#ifdef G_OS_WIN32
      NTSTATUS status = BCryptGenRandom (NULL, buf, (ULONG) n, BCRYPT_USE_SYSTEM_PREFERRED_RNG);

      if (!BCRYPT_SUCCESS (status))
        g_error ("the system random source failed: NTSTATUS 0x%08lx", (unsigned long) status);
#else
      if (getentropy (buf, n) != 0)
        g_error ("the kernel random source failed: %s", g_strerror (errno));
#endif
      buf += n;
      len -= n;
    }
}

char *
sy_random_token (const char *prefix,
                 gsize       n_bytes)
{
  g_autofree guint8 *raw = g_malloc (n_bytes);
  g_autofree char *b64 = NULL;
  GString *out;

  sy_random_bytes (raw, n_bytes);
  b64 = g_base64_encode (raw, n_bytes);
  memset (raw, 0, n_bytes);

  out = g_string_new (prefix);
  for (const char *p = b64; *p != '\0'; p++)
    {
      if (*p == '+')
        g_string_append_c (out, '-');
      else if (*p == '/')
        g_string_append_c (out, '_');
      else if (*p != '=')
        g_string_append_c (out, *p);
    }
  memset (b64, 0, strlen (b64));
  return g_string_free (out, FALSE);
}

char *
sy_sha256_hex (const char *data,
               gssize      len)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data,
                                      len < 0 ? strlen (data) : (gsize) len);
}

gboolean
sy_constant_time_equal (const char *a,
                        const char *b)
{
  gsize la, lb;
  guint8 diff;

  if (a == NULL || b == NULL)
    return FALSE;
  la = strlen (a);
  lb = strlen (b);
  diff = la != lb;
  for (gsize i = 0; i < la; i++)
    diff |= (guint8) a[i] ^ (guint8) b[i % (lb ? lb : 1)];
  return diff == 0;
}

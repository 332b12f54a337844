/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy_user_seal (): DPAPI on Windows (user scope, no prompt, the description left empty), not
 * available elsewhere. The one place that calls CryptProtectData; it never logs the bytes.
 */
#include "sy-user-seal.h"

#include <gio/gio.h>
#ifdef G_OS_WIN32
#include <windows.h>
#include <dpapi.h>
#endif

gboolean
sy_user_seal_available (void)
{
#ifdef G_OS_WIN32
  return TRUE;
#else
  return FALSE;
#endif
}

#ifdef G_OS_WIN32
static GBytes *
run (gboolean     seal,
     const void  *data,
     gsize        length,
     GError     **error)
{
  DATA_BLOB in = { (DWORD) length, (BYTE *) data };
  DATA_BLOB out = { 0, NULL };
  GBytes *result;
  BOOL ok;

  if (length > G_MAXUINT32)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "too much data to seal");
      return NULL;
    }
  if (seal)
    ok = CryptProtectData (&in, NULL, NULL, NULL, NULL, CRYPTPROTECT_UI_FORBIDDEN, &out);
  else
    ok = CryptUnprotectData (&in, NULL, NULL, NULL, NULL, CRYPTPROTECT_UI_FORBIDDEN, &out);
  if (!ok)
    {
      g_autofree char *why = g_win32_error_message ((int) GetLastError ());

      g_set_error (error, G_IO_ERROR, seal ? G_IO_ERROR_FAILED : G_IO_ERROR_PERMISSION_DENIED,
                   seal ? "Windows could not seal the data for this account: %s"
                        : "Windows could not unseal the data (sealed for another account or "
                          "machine, or altered): %s", why);
      return NULL;
    }
  result = g_bytes_new (out.pbData, out.cbData);
  SecureZeroMemory (out.pbData, out.cbData);
  LocalFree (out.pbData);
  return result;
}
#endif

GBytes *
sy_user_seal (const void  *data,
              gsize        length,
              GError     **error)
{
#ifdef G_OS_WIN32
  return run (TRUE, data, length, error);
#else
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "this platform has no per-user sealing (Windows' DPAPI)");
  return NULL;
#endif
}

GBytes *
sy_user_unseal (const void  *sealed,
                gsize        length,
                GError     **error)
{
#ifdef G_OS_WIN32
  return run (FALSE, sealed, length, error);
#else
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "this file was sealed by Windows for one account (DPAPI); it can only be "
                       "read there");
  return NULL;
#endif
}

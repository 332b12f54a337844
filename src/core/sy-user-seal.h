/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bytes sealed for the signed-in user: only the same account, on the same machine, can unseal
 * them. Windows' DPAPI (CryptProtectData, user scope) does it; elsewhere there is no such
 * service in the platform (the Secret Service is the keyring store's business), so sealing is
 * not available and the callers keep their plain form. No I/O.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether this platform seals (Windows). */
gboolean  sy_user_seal_available (void);

/* The sealed form of length bytes of data; G_IO_ERROR_NOT_SUPPORTED where nothing seals. */
GBytes   *sy_user_seal           (const void  *data,
                                  gsize        length,
                                  GError     **error);

/* The bytes sealed by sy_user_seal (); G_IO_ERROR_PERMISSION_DENIED when they were sealed for
 * another account or machine or were altered, G_IO_ERROR_NOT_SUPPORTED where nothing seals. */
GBytes   *sy_user_unseal         (const void  *sealed,
                                  gsize        length,
                                  GError     **error);

G_END_DECLS

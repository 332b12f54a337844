/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Small cryptographic helpers: random tokens from the OS CSPRNG, SHA-256 hex digests and a
 * constant-time comparison. Nothing else in the tree reads randomness directly.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Fills buf with len random bytes from the kernel; aborts if the kernel has none to give. */
void      sy_random_bytes       (guint8     *buf,
                                 gsize       len);
/* prefix + base64url (no padding) of n_bytes random bytes. */
char     *sy_random_token       (const char *prefix,
                                 gsize       n_bytes);
char     *sy_sha256_hex         (const char *data,
                                 gssize      len);
gboolean  sy_constant_time_equal (const char *a,
                                  const char *b);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * memmem () on every platform: glibc's and the BSDs' where they have it, a bounded loop on
 * Windows, whose C runtime lacks it. No allocation, no I/O.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The first place in data[0..len) where the needle_len bytes of needle start, or NULL. An
 * empty needle is found at data. */
const void *sy_memmem (const void *data,
                       gsize       len,
                       const void *needle,
                       gsize       needle_len);

G_END_DECLS

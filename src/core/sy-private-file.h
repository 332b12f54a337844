/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Files only their owner may read (the admin token, secrets.json): written atomically and
 * owner-only from their first byte, read back only when nobody else could have read or swapped
 * them. The one place that knows how each platform says "only me": mode 0600 and the mode bits
 * on POSIX, an owner-only DACL on Windows.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Windows' CRT spells O_CLOEXEC _O_NOINHERIT; for the g_open () callers of private files. */
#if defined (G_OS_WIN32) && !defined (O_CLOEXEC)
#include <fcntl.h>
#define O_CLOEXEC _O_NOINHERIT
#endif

#define SY_PRIVATE_FILE_ERROR (sy_private_file_error_quark ())

typedef enum
{
  SY_PRIVATE_FILE_ERROR_EXPOSED,  /* POSIX: its mode lets group or others read it */
} SyPrivateFileError;

GQuark   sy_private_file_error_quark (void);

/* The whole file. Refuses a symbolic link (or, on Windows, any reparse point:
 * G_IO_ERROR_TOO_MANY_LINKS), anything but a regular file (G_IO_ERROR_NOT_REGULAR_FILE) and,
 * on POSIX, a file group or others may read (SY_PRIVATE_FILE_ERROR_EXPOSED, its message says
 * how to fix it). A missing file is G_IO_ERROR_NOT_FOUND. Blocking: call it off the main
 * thread, or once at start-up. */
GBytes  *sy_private_file_read        (const char  *path,
                                      GError     **error);

/* Replaces path atomically with length bytes of data: a temporary file in the same directory,
 * created readable by its owner only (POSIX mode 0600; Windows a protected DACL granting the
 * current user alone), flushed to disk, renamed over path; on POSIX the directory is then
 * synced too. The directory must exist. Blocking, like sy_private_file_read (). */
gboolean sy_private_file_write       (const char  *path,
                                      const char  *data,
                                      gsize        length,
                                      GError     **error);

G_END_DECLS

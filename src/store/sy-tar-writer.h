/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyTarWriter: writes a POSIX ustar archive of regular files to a GOutputStream (wrap it in a
 * GConverterOutputStream with a GZlibCompressor for .tar.gz). Blocking; for worker threads.
 * Flat names only, no directories, links or long names: what a backup archive needs.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SY_TYPE_TAR_WRITER (sy_tar_writer_get_type ())
G_DECLARE_FINAL_TYPE (SyTarWriter, sy_tar_writer, SY, TAR_WRITER, GObject)

SyTarWriter *sy_tar_writer_new        (GOutputStream  *stream);
/* Adds a file of exactly size bytes read from data. name: at most 99 bytes, no "/" at the
 * start, no "..". mtime in seconds since the epoch; mode 0600. */
gboolean     sy_tar_writer_add_stream (SyTarWriter    *self,
                                       const char     *name,
                                       GInputStream   *data,
                                       goffset         size,
                                       gint64          mtime,
                                       GCancellable   *cancellable,
                                       GError        **error);
gboolean     sy_tar_writer_add_bytes  (SyTarWriter    *self,
                                       const char     *name,
                                       GBytes         *data,
                                       gint64          mtime,
                                       GCancellable   *cancellable,
                                       GError        **error);
/* Writes the end-of-archive marker. Does not close the stream. */
gboolean     sy_tar_writer_finish     (SyTarWriter    *self,
                                       GCancellable   *cancellable,
                                       GError        **error);

G_END_DECLS

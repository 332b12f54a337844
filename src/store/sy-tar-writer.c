/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A minimal ustar writer (POSIX.1-1988 headers, 512-byte blocks): regular files with short
 * names, nothing else. It checks what it is given (names, exact sizes) and never reads past the
 * size it announced. No compression here; the caller chains a GZlibCompressor.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-tar-writer.h"

#include <string.h>

#define BLOCK         512
#define NAME_MAX_LEN  99
#define COPY_CHUNK    (64 * 1024)
#define SIZE_MAX_TAR  G_GINT64_CONSTANT (077777777777)  /* 11 octal digits */

struct _SyTarWriter
{
  GObject        parent_instance;
  GOutputStream *stream;
  gboolean       finished;
};

G_DEFINE_FINAL_TYPE (SyTarWriter, sy_tar_writer, G_TYPE_OBJECT)

static void
sy_tar_writer_dispose (GObject *object)
{
  SyTarWriter *self = SY_TAR_WRITER (object);

  g_clear_object (&self->stream);
  G_OBJECT_CLASS (sy_tar_writer_parent_class)->dispose (object);
}

static void
sy_tar_writer_class_init (SyTarWriterClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sy_tar_writer_dispose;
}

static void
sy_tar_writer_init (SyTarWriter *self)
{
}

SyTarWriter *
sy_tar_writer_new (GOutputStream *stream)
{
  SyTarWriter *self;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), NULL);

  self = g_object_new (SY_TYPE_TAR_WRITER, NULL);
  self->stream = g_object_ref (stream);
  return self;
}

static gboolean
name_is_valid (const char *name)
{
  gsize len = strlen (name);

  return len > 0 && len <= NAME_MAX_LEN && name[0] != '/' && strstr (name, "..") == NULL &&
         g_utf8_validate (name, -1, NULL);
}

static void
put_octal (char   *field,
           gsize   width,
           guint64 value)
{
  /* width - 1 digits, then NUL, as ustar readers expect. */
  g_snprintf (field, width, "%0*" G_GINT64_MODIFIER "o", (int) width - 1, value);
}

static gboolean
write_header (SyTarWriter   *self,
              const char    *name,
              goffset        size,
              gint64         mtime,
              GCancellable  *cancellable,
              GError       **error)
{
  char header[BLOCK] = { 0 };
  guint sum = 0;

  memcpy (header, name, strlen (name));
  put_octal (header + 100, 8, 0600);                 /* mode */
  put_octal (header + 108, 8, 0);                    /* uid */
  put_octal (header + 116, 8, 0);                    /* gid */
  put_octal (header + 124, 12, (guint64) size);
  put_octal (header + 136, 12, (guint64) MAX (mtime, 0));
  header[156] = '0';                                 /* a regular file */
  memcpy (header + 257, "ustar", 6);                 /* magic, NUL included */
  memcpy (header + 263, "00", 2);                    /* version */

  /* The checksum is taken with its own field read as eight spaces. */
  memset (header + 148, ' ', 8);
  for (guint i = 0; i < BLOCK; i++)
    sum += (guchar) header[i];
  g_snprintf (header + 148, 8, "%06o", sum);
  header[155] = ' ';

  return g_output_stream_write_all (self->stream, header, BLOCK, NULL, cancellable, error);
}

static gboolean
write_padding (SyTarWriter   *self,
               goffset        size,
               GCancellable  *cancellable,
               GError       **error)
{
  static const char zeros[BLOCK] = { 0 };
  gsize pad = (BLOCK - (gsize) (size % BLOCK)) % BLOCK;

  return pad == 0 ||
         g_output_stream_write_all (self->stream, zeros, pad, NULL, cancellable, error);
}

static gboolean
check_entry (SyTarWriter  *self,
             const char   *name,
             goffset       size,
             GError      **error)
{
  g_return_val_if_fail (!self->finished, FALSE);

  if (!name_is_valid (name))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "\"%s\" cannot be a name in the archive", name);
      return FALSE;
    }
  if (size < 0 || size > SIZE_MAX_TAR)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s: %" G_GOFFSET_FORMAT " bytes do not fit a ustar archive", name, size);
      return FALSE;
    }
  return TRUE;
}

gboolean
sy_tar_writer_add_stream (SyTarWriter   *self,
                          const char    *name,
                          GInputStream  *data,
                          goffset        size,
                          gint64         mtime,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autofree char *buffer = NULL;
  goffset left = size;

  g_return_val_if_fail (SY_IS_TAR_WRITER (self), FALSE);
  g_return_val_if_fail (G_IS_INPUT_STREAM (data), FALSE);

  if (!check_entry (self, name, size, error) ||
      !write_header (self, name, size, mtime, cancellable, error))
    return FALSE;

  buffer = g_malloc (COPY_CHUNK);
  while (left > 0)
    {
      gsize want = (gsize) MIN (left, COPY_CHUNK);
      gsize got = 0;

      if (!g_input_stream_read_all (data, buffer, want, &got, cancellable, error))
        return FALSE;
      if (got < want)
        {
          /* The header announced size bytes: a short file would shift every later entry. */
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                       "%s ended %" G_GOFFSET_FORMAT " bytes short of its size", name,
                       left - (goffset) got);
          return FALSE;
        }
      if (!g_output_stream_write_all (self->stream, buffer, got, NULL, cancellable, error))
        return FALSE;
      left -= (goffset) got;
    }
  return write_padding (self, size, cancellable, error);
}

gboolean
sy_tar_writer_add_bytes (SyTarWriter   *self,
                         const char    *name,
                         GBytes        *data,
                         gint64         mtime,
                         GCancellable  *cancellable,
                         GError       **error)
{
  gsize len;
  const char *bytes;

  g_return_val_if_fail (SY_IS_TAR_WRITER (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  bytes = g_bytes_get_data (data, &len);
  return check_entry (self, name, (goffset) len, error) &&
         write_header (self, name, (goffset) len, mtime, cancellable, error) &&
         (len == 0 ||
          g_output_stream_write_all (self->stream, bytes, len, NULL, cancellable, error)) &&
         write_padding (self, (goffset) len, cancellable, error);
}

gboolean
sy_tar_writer_finish (SyTarWriter   *self,
                      GCancellable  *cancellable,
                      GError       **error)
{
  static const char zeros[2 * BLOCK] = { 0 };

  g_return_val_if_fail (SY_IS_TAR_WRITER (self), FALSE);
  g_return_val_if_fail (!self->finished, FALSE);

  self->finished = TRUE;
  return g_output_stream_write_all (self->stream, zeros, sizeof zeros, NULL, cancellable, error);
}

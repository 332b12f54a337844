/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Owner-only files, written atomically and read back only when nobody else could have read or
 * swapped them. POSIX: O_NOFOLLOW, one descriptor for the checks and the read, mode 0600
 * written and the mode bits checked, the directory synced after the rename. Windows: no
 * reparse points, a protected DACL for the current user from the first byte, FlushFileBuffers
 * and a write-through rename; the mode bits there only mirror the read-only attribute, so they
 * are not checked. Blocking I/O only; no policy about what the files hold.
 */
#define G_LOG_DOMAIN "sy-core"

#include "sy-private-file.h"

#include <errno.h>
#include <glib/gstdio.h>

#ifdef G_OS_WIN32
#include <windows.h>
#include <io.h>
#include <sddl.h>
#else
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

G_DEFINE_QUARK (sy-private-file-error-quark, sy_private_file_error)

#ifdef G_OS_WIN32

static gboolean
set_error_from_win32 (GError     **error,
                      DWORD        code,
                      const char  *what,
                      const char  *path)
{
  g_autofree char *message = g_win32_error_message ((int) code);

  g_set_error (error, G_IO_ERROR, g_io_error_from_win32_error ((int) code),
               "Could not %s %s: %s", what, path, message);
  return FALSE;
}

/* FILE_FLAG_OPEN_REPARSE_POINT opens a symbolic link or junction itself instead of its target
 * (O_NOFOLLOW), so it can be refused. A directory does not open at all without
 * FILE_FLAG_BACKUP_SEMANTICS. */
static int
open_private (const char  *path,
              GError     **error)
{
  g_autofree wchar_t *wpath = (wchar_t *) g_utf8_to_utf16 (path, -1, NULL, NULL, error);
  BY_HANDLE_FILE_INFORMATION info;
  HANDLE handle;
  int fd;

  if (wpath == NULL)
    return -1;

  /* FILE_SHARE_DELETE: a writer may still rename a new version over it, as on POSIX. */
  handle = CreateFileW (wpath, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL,
                        OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT,
                        NULL);
  if (handle == INVALID_HANDLE_VALUE)
    {
      set_error_from_win32 (error, GetLastError (), "open", path);
      return -1;
    }

  if (!GetFileInformationByHandle (handle, &info))
    {
      DWORD code = GetLastError ();

      CloseHandle (handle);
      set_error_from_win32 (error, code, "inspect", path);
      return -1;
    }

  if ((info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0)
    {
      CloseHandle (handle);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_LINKS,
                   "Could not open %s: it is a symbolic link or junction", path);
      return -1;
    }

  /* The descriptor owns the handle from here on: g_close () closes both. */
  fd = _open_osfhandle ((intptr_t) handle, _O_RDONLY);
  if (fd < 0)
    {
      CloseHandle (handle);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not open %s", path);
    }
  return fd;
}

/* A protected DACL (nothing inherited from the directory) with one entry: full access for the
 * user this process runs as. Not the owner: an elevated administrator's files are owned by the
 * Administrators group. Free with LocalFree (). */
static PSECURITY_DESCRIPTOR
new_owner_only_descriptor (const char  *path,
                           GError     **error)
{
  g_autofree TOKEN_USER *user = NULL;
  g_autofree char *sddl = NULL;
  PSECURITY_DESCRIPTOR descriptor = NULL;
  HANDLE token = NULL;
  char *sid = NULL;
  DWORD size = 0;
  DWORD code = ERROR_SUCCESS;

  if (!OpenProcessToken (GetCurrentProcess (), TOKEN_QUERY, &token))
    code = GetLastError ();
  else
    {
      GetTokenInformation (token, TokenUser, NULL, 0, &size);
      user = g_malloc0 (MAX (size, sizeof (TOKEN_USER)));
      if (!GetTokenInformation (token, TokenUser, user, size, &size) ||
          !ConvertSidToStringSidA (user->User.Sid, &sid))
        code = GetLastError ();
      CloseHandle (token);
    }

  if (sid != NULL)
    {
      sddl = g_strdup_printf ("D:P(A;;FA;;;%s)", sid);
      LocalFree (sid);
      if (!ConvertStringSecurityDescriptorToSecurityDescriptorA (sddl, SDDL_REVISION_1,
                                                                 &descriptor, NULL))
        code = GetLastError ();
    }

  if (descriptor == NULL)
    set_error_from_win32 (error, code, "make an owner-only access list for", path);
  return descriptor;
}

static gboolean
replace_private (const char  *path,
                 const char  *data,
                 gsize        length,
                 GError     **error)
{
  g_autofree char *tmp_path = NULL;
  g_autofree wchar_t *wpath = NULL;
  g_autofree wchar_t *wtmp = NULL;
  SECURITY_ATTRIBUTES attributes = { sizeof attributes, NULL, FALSE };
  DWORD code = ERROR_SUCCESS;
  HANDLE handle;

  tmp_path = g_strdup_printf ("%s.%08x.tmp", path, g_random_int ());
  if ((wpath = (wchar_t *) g_utf8_to_utf16 (path, -1, NULL, NULL, error)) == NULL ||
      (wtmp = (wchar_t *) g_utf8_to_utf16 (tmp_path, -1, NULL, NULL, error)) == NULL ||
      (attributes.lpSecurityDescriptor = new_owner_only_descriptor (path, error)) == NULL)
    return FALSE;

  /* CREATE_NEW never opens a file someone else put there; the DACL holds from creation. */
  handle = CreateFileW (wtmp, GENERIC_WRITE, 0, &attributes, CREATE_NEW, FILE_ATTRIBUTE_NORMAL,
                        NULL);
  LocalFree (attributes.lpSecurityDescriptor);
  if (handle == INVALID_HANDLE_VALUE)
    return set_error_from_win32 (error, GetLastError (), "create", tmp_path);

  while (code == ERROR_SUCCESS && length > 0)
    {
      DWORD written = 0;

      if (!WriteFile (handle, data, (DWORD) MIN (length, 1 << 30), &written, NULL))
        code = GetLastError ();
      else if (written == 0)
        code = ERROR_WRITE_FAULT;
      data += written;
      length -= written;
    }
  if (code == ERROR_SUCCESS && !FlushFileBuffers (handle))
    code = GetLastError ();
  CloseHandle (handle);

  /* No directory to flush on Windows: the rename itself is written through. The renamed file
   * keeps its own DACL. */
  if (code == ERROR_SUCCESS &&
      !MoveFileExW (wtmp, wpath, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
    code = GetLastError ();
  if (code != ERROR_SUCCESS)
    {
      DeleteFileW (wtmp);
      return set_error_from_win32 (error, code, "write", path);
    }
  return TRUE;
}

#else /* POSIX */

static gboolean
set_error_from_errno (GError     **error,
                      int          saved_errno,
                      const char  *what,
                      const char  *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "Could not %s %s: %s", what, path, g_strerror (saved_errno));
  return FALSE;
}

/* One descriptor for the checks and the read: the file cannot be swapped in between. */
static int
open_private (const char  *path,
              GError     **error)
{
  struct stat st;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  if (fd < 0)
    {
      set_error_from_errno (error, errno, "open", path);
      return -1;
    }

  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      g_close (fd, NULL);
      set_error_from_errno (error, saved_errno, "inspect", path);
      return -1;
    }

  if (!S_ISREG (st.st_mode))
    {
      g_close (fd, NULL);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   "%s is not a regular file", path);
      return -1;
    }

  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    {
      g_close (fd, NULL);
      g_set_error (error, SY_PRIVATE_FILE_ERROR, SY_PRIVATE_FILE_ERROR_EXPOSED,
                   "Refusing to read %s: its mode is %04o, so other users may read it. Run "
                   "“chmod 600 %s”.", path, (unsigned) (st.st_mode & 07777), path);
      return -1;
    }

  return fd;
}

static void
sync_directory (const char *dir)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  /* Best effort: the rename is atomic either way, this only makes it durable sooner. */
  if (fd >= 0)
    {
      fsync (fd);
      g_close (fd, NULL);
    }
}

static gboolean
replace_private (const char  *path,
                 const char  *data,
                 gsize        length,
                 GError     **error)
{
  g_autofree char *dir = NULL;

  /* A temp file created 0600 in the same directory, fsynced, renamed over the old one. */
  if (!g_file_set_contents_full (path, data, (gssize) length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, error))
    return FALSE;

  dir = g_path_get_dirname (path);
  sync_directory (dir);
  return TRUE;
}

#endif

GBytes *
sy_private_file_read (const char  *path,
                      GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  if ((fd = open_private (path, error)) < 0)
    return NULL;

  mapped = g_mapped_file_new_from_fd (fd, FALSE, error);
  g_close (fd, NULL);
  if (mapped == NULL)
    {
      g_prefix_error (error, "Could not read %s: ", path);
      return NULL;
    }
  return g_mapped_file_get_bytes (mapped);
}

gboolean
sy_private_file_write (const char  *path,
                       const char  *data,
                       gsize        length,
                       GError     **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  return replace_private (path, data, length, error);
}

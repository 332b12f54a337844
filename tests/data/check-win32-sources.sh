#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Compiles the Windows tray and single-instance guard (windows/*.c) and start-in-tray's Windows
# backend with the mingw-w64 cross compiler, with the project's warnings as errors. TAP output.
#
#   check-win32-sources.sh SRCDIR
#
# 1-2: sy-win32-tray.c and sy-win32-instance.c compile (plain Win32, no GLib).
# 3:   they link into a Windows executable with shell32/user32 (every Win32 call exists).
# 4:   sy-win32-tray-glue.c passes -fsyntax-only against this machine's GLib headers. Those
#      say G_OS_UNIX, so a two-line shim supplies what a Windows GLib would (uid_t,
#      g_win32_error_message, libintl.h); the real build is MSYS2's (.github/workflows/windows.yml).
# 5-6: start-in-tray's Windows backend (src/app/sy-autostart-win32.c: the HKCU Run value) and
#      the front that picks it (sy-autostart.c) pass -fsyntax-only the same way, with
#      G_OS_WIN32 defined as a Windows GLib's glibconfig.h does, so their #ifdef G_OS_WIN32
#      branches (the registry calls, the backend choice) are the code checked.
# Exits 77 (skipped) without x86_64-w64-mingw32-gcc (Debian package gcc-mingw-w64-x86-64).

set -u

srcdir=${1:?usage: check-win32-sources.sh SRCDIR}
cc=x86_64-w64-mingw32-gcc
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "1..0 # SKIP $cc not found (Debian package gcc-mingw-w64-x86-64)"
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

flags="-std=gnu11 -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes -Wshadow
       -Wformat=2 -D_WIN32_WINNT=0x0A00 -DUNICODE -D_UNICODE -I$srcdir/windows"
failed=0
n=0

check () {
  n=$((n + 1))
  description=$1
  shift
  if "$@" >"$tmp/log" 2>&1; then
    echo "ok $n - $description"
  else
    echo "not ok $n - $description"
    sed 's/^/# /' "$tmp/log"
    failed=1
  fi
}

echo "1..6"
# shellcheck disable=SC2086 # $flags is a list of words
check "sy-win32-tray.c compiles" \
  "$cc" $flags -c "$srcdir/windows/sy-win32-tray.c" -o "$tmp/tray.o"
# shellcheck disable=SC2086
check "sy-win32-instance.c compiles" \
  "$cc" $flags -c "$srcdir/windows/sy-win32-instance.c" -o "$tmp/instance.o"

cat >"$tmp/main.c" <<'C'
#include "sy-win32-instance.h"
#include "sy-win32-tray.h"

static void
activate_cb (SyWin32Tray *tray, SyWin32TrayItem item, void *user_data)
{
  (void) tray; (void) item; (void) user_data;
}

int WINAPI
wWinMain (HINSTANCE instance, HINSTANCE previous, PWSTR command_line, int show)
{
  HANDLE mutex;
  SyWin32Tray *tray;

  (void) previous; (void) command_line; (void) show;
  if (sy_win32_instance_claim (L"dev.switchyard.Switchyard", &mutex) ==
      SY_WIN32_INSTANCE_SECONDARY)
    return sy_win32_instance_activate () ? 0 : 1;
  tray = sy_win32_tray_new (instance, LoadIconW (NULL, (LPCWSTR) IDI_APPLICATION),
                            activate_cb, NULL);
  sy_win32_tray_set_label (tray, SY_WIN32_TRAY_OPEN, L"Open Switchyard");
  sy_win32_tray_set_enabled (tray, SY_WIN32_TRAY_OPEN, TRUE);
  sy_win32_tray_set_tooltip (tray, L"Switchyard");
  sy_win32_tray_free (tray);
  CloseHandle (mutex);
  return 0;
}
C
# shellcheck disable=SC2086
check "the tray and the guard link into a Windows executable" \
  "$cc" $flags -municode -mwindows "$tmp/main.c" "$tmp/tray.o" "$tmp/instance.o" \
    -lshell32 -luser32 -o "$tmp/check.exe"

glib_cflags=$(pkg-config --cflags gio-2.0 2>/dev/null)
if [ -z "$glib_cflags" ]; then
  for what in sy-win32-tray-glue.c sy-autostart-win32.c sy-autostart.c; do
    n=$((n + 1))
    echo "ok $n # SKIP $what: no GLib headers (pkg-config gio-2.0)"
  done
else
  mkdir "$tmp/shim"
  cat >"$tmp/shim/libintl.h" <<'H'
char *gettext (const char *msgid);
char *dgettext (const char *domain, const char *msgid);
char *dcgettext (const char *domain, const char *msgid, int category);
char *ngettext (const char *msgid, const char *plural, unsigned long n);
char *dngettext (const char *domain, const char *msgid, const char *plural, unsigned long n);
char *textdomain (const char *domain);
char *bindtextdomain (const char *domain, const char *dir);
char *bind_textdomain_codeset (const char *domain, const char *codeset);
/* What Windows GLib headers declare and these (G_OS_UNIX) ones do not. */
typedef unsigned int uid_t;
char *g_win32_error_message (int error);
H
  # shellcheck disable=SC2086
  check "sy-win32-tray-glue.c: syntax against GLib's headers" \
    "$cc" $flags -Wno-unused-parameter -fsyntax-only -DGETTEXT_PACKAGE='"switchyard"' \
      -I"$tmp/shim" $glib_cflags -I"$srcdir/src/tray" "$srcdir/windows/sy-win32-tray-glue.c"

  # These do not include libintl.h (glib/gi18n.h) before GIO's headers: the shim comes first.
  for file in sy-autostart-win32.c sy-autostart.c; do
    # shellcheck disable=SC2086
    check "$file: the G_OS_WIN32 branches, syntax against GLib's headers" \
      "$cc" $flags -Wno-unused-parameter -fsyntax-only -DG_OS_WIN32 \
        -DGETTEXT_PACKAGE='"switchyard"' -DSY_APP_ID='"dev.switchyard.Switchyard"' \
        -DSY_DATADIR='"/"' -include "$tmp/shim/libintl.h" -I"$tmp/shim" $glib_cflags \
        -I"$srcdir/src/app" "$srcdir/src/app/$file"
  done
fi

exit $failed

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Compiles the Windows-only code with the mingw-w64 cross compiler, with the project's warnings
# as errors. TAP output.
#
#   check-win32-sources.sh SRCDIR [LIBSWITCHYARD_SOURCE...]
#
# 1-2: sy-win32-tray.c and sy-win32-instance.c compile (plain Win32, no GLib).
# 3:   they link into a Windows executable with shell32/user32 and the icon resource
#      (windows/switchyard.rc, through windres): every Win32 call exists.
# 4-8: the GLib code as Windows sees it, -fsyntax-only: the tray glue; every
#      LIBSWITCHYARD_SOURCE (src/meson.build's core_sources, bar the libsecret store that
#      Windows does not build); switchyard-server.c; start-in-tray's backends (the HKCU Run
#      value) and their front; the app's main.c and sy-application.c.
#      This machine's GLib headers with a shim: glibconfig.h rewritten to what a 64-bit Windows
#      GLib installs (win32-glibconfig.sed: G_OS_WIN32, 32-bit long), gdkconfig.h with the
#      win32 backend only, libintl.h, sqlite3.h, the generated sy-resources.h. The real build is MSYS2's (.github/workflows/windows.yml).
# Exits 77 (skipped) without x86_64-w64-mingw32-gcc (Debian package gcc-mingw-w64-x86-64).

set -u

srcdir=${1:?usage: check-win32-sources.sh SRCDIR [LIBSWITCHYARD_SOURCE...]}
shift
cc=x86_64-w64-mingw32-gcc
windres=x86_64-w64-mingw32-windres
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

# Each file alone, all of them even after a failure: the log names every one that failed.
# shellcheck disable=SC2317 # run through check ()
syntax_check_each () {
  status=0
  for source in "$@"; do
    # shellcheck disable=SC2086 # $glib_flags and $includes are lists of words
    "$cc" $glib_flags $includes -fsyntax-only "$source" || status=1
  done
  return "$status"
}

echo "1..8"
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
  tray = sy_win32_tray_new (instance, LoadIconW (instance, MAKEINTRESOURCEW (1)),
                            activate_cb, NULL);
  sy_win32_tray_set_label (tray, SY_WIN32_TRAY_OPEN, L"Open Switchyard");
  sy_win32_tray_set_enabled (tray, SY_WIN32_TRAY_OPEN, TRUE);
  sy_win32_tray_set_tooltip (tray, L"Switchyard");
  sy_win32_tray_free (tray);
  CloseHandle (mutex);
  return 0;
}
C
# shellcheck disable=SC2317 # run through check ()
link_with_icon () {
  "$windres" -I "$srcdir/windows" -O coff -o "$tmp/icon.o" "$srcdir/windows/switchyard.rc" ||
    return 1
  # shellcheck disable=SC2086 # $flags is a list of words
  "$cc" $flags -municode -mwindows "$tmp/main.c" "$tmp/tray.o" "$tmp/instance.o" \
    "$tmp/icon.o" -lshell32 -luser32 -o "$tmp/check.exe"
}
check "the tray, the guard and the icon resource link into a Windows executable" \
  link_with_icon

# The GLib code: this machine's headers, made to say what a Windows GLib's say.
glibconfig_dir=$(pkg-config --variable=libdir glib-2.0 2>/dev/null)/glib-2.0/include
if [ ! -f "$glibconfig_dir/glibconfig.h" ] ||
   ! pkg-config --exists gio-2.0 libsoup-3.0 json-glib-1.0 sqlite3; then
  for what in sy-win32-tray-glue.c libswitchyard switchyard-server.c start-in-tray \
              "the app's main"; do
    n=$((n + 1))
    echo "ok $n # SKIP $what: no GLib, libsoup, json-glib or SQLite headers (pkg-config)"
  done
  exit $failed
fi

mkdir "$tmp/shim"
sed -f "$srcdir/tests/data/win32-glibconfig.sed" "$glibconfig_dir/glibconfig.h" \
  >"$tmp/shim/glibconfig.h"
ln -s "$(pkg-config --variable=includedir sqlite3)/sqlite3.h" "$tmp/shim/sqlite3.h"
cat >"$tmp/shim/libintl.h" <<'H'
char *gettext (const char *msgid);
char *dgettext (const char *domain, const char *msgid);
char *dcgettext (const char *domain, const char *msgid, int category);
char *ngettext (const char *msgid, const char *plural, unsigned long n);
char *dngettext (const char *domain, const char *msgid, const char *plural, unsigned long n);
char *textdomain (const char *domain);
char *bindtextdomain (const char *domain, const char *dir);
char *bind_textdomain_codeset (const char *domain, const char *codeset);
H
# What glib-compile-resources generates for src/app (sy-application.c registers it).
cat >"$tmp/shim/sy-resources.h" <<'H'
#include <gio/gio.h>
GResource *sy_get_resource (void);
void sy_register_resource (void);
void sy_unregister_resource (void);
H

# The dependencies' include directories, without the Linux-only ones: glibconfig.h's (the shim
# replaces it) and the multiarch system directory (glibc's headers).
pkg_includes () {
  for word in $(pkg-config --cflags "$@"); do
    case $word in
      "-I$glibconfig_dir" | -I*-linux-gnu | -pthread) ;;
      *) printf '%s ' "$word" ;;
    esac
  done
}

# meson.build's project arguments, as a Windows build without libsecret gets them.
glib_flags="$flags -Wno-unused-parameter -Wno-missing-field-initializers
  -Werror=implicit-function-declaration -Werror=deprecated-declarations -fno-strict-aliasing
  -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74
  -DSOUP_VERSION_MIN_REQUIRED=SOUP_VERSION_3_2 -DSOUP_VERSION_MAX_ALLOWED=SOUP_VERSION_3_2
  -DSY_VERSION=\"0\" -DSY_APP_ID=\"dev.switchyard.Switchyard\"
  -DGETTEXT_PACKAGE=\"switchyard\" -DLOCALEDIR=\"/share/locale\" -DSY_DATADIR=\"/share\"
  -I$tmp/shim -I$srcdir/src -I$srcdir/src/tray"

includes=$(pkg_includes gio-2.0)
check "sy-win32-tray-glue.c: syntax as Windows sees it" \
  syntax_check_each "$srcdir/windows/sy-win32-tray-glue.c" "$srcdir/src/tray/sy-tray-state.c"

includes=$(pkg_includes gio-2.0 libsoup-3.0 json-glib-1.0)
core_sources=
for source in "$@"; do
  case $source in
    */sy-libsecret-store.c) ;;
    *) core_sources="$core_sources $source" ;;
  esac
done
# shellcheck disable=SC2086 # $core_sources is a list of paths without blanks (meson's)
check "libswitchyard ($(echo $core_sources | wc -w) sources): syntax as Windows sees it" \
  syntax_check_each $core_sources
check "switchyard-server.c: syntax as Windows sees it" \
  syntax_check_each "$srcdir/src/server/switchyard-server.c"

# Start-in-tray's backends and the front that picks one (src/app/meson.build's
# switchyard-autostart library): GIO only, so no GTK is needed for them.
includes="$(pkg_includes gio-2.0) -I$srcdir/src/app"
check "start-in-tray (the HKCU Run value and the front): syntax as Windows sees it" \
  syntax_check_each "$srcdir/src/app/sy-autostart.c" "$srcdir/src/app/sy-autostart-win32.c" \
    "$srcdir/src/app/sy-autostart-launchd.c" "$srcdir/src/app/sy-autostart-portal.c" \
    "$srcdir/src/app/sy-autostart-xdg.c"

if pkg-config --exists gtk4; then
  # GDK's windowing backends as a Windows GTK has them: win32 only, no X11 or Wayland.
  mkdir -p "$tmp/shim/gdk"
  sed -e 's,^#define GDK_WINDOWING_\(X11\|WAYLAND\|BROADWAY\|MACOS\)$,#undef GDK_WINDOWING_\1,' \
      -e 's,^#undef GDK_WINDOWING_WIN32$,#define GDK_WINDOWING_WIN32,' \
      "$(pkg-config --variable=includedir gtk4)/gtk-4.0/gdk/gdkconfig.h" >"$tmp/shim/gdk/gdkconfig.h"
  includes="$(pkg_includes gtk4 libsoup-3.0 json-glib-1.0) -I$srcdir/src/app"
  includes="$includes -DGDK_VERSION_MIN_REQUIRED=GDK_VERSION_4_8"
  includes="$includes -DGDK_VERSION_MAX_ALLOWED=GDK_VERSION_4_8"
  check "the app's main.c and sy-application.c: syntax as Windows sees them" \
    syntax_check_each "$srcdir/src/app/main.c" "$srcdir/src/app/sy-application.c"
else
  n=$((n + 1))
  echo "ok $n # SKIP the app's main.c and sy-application.c: no GTK 4 headers (pkg-config)"
fi

exit $failed

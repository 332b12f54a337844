#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds the desktop app (switchyard.exe) and the gateway (switchyard-server.exe) for 64-bit
# Windows in an MSYS2 UCRT64 shell, runs the test suites that need no D-Bus session, and
# stages what the MSI installs (windows/switchyard.wxs):
#
#   windows/build-desktop.sh [BUILD_DIR]        (default _build-desktop)
#
#   BUILD_DIR/stage/app/bin/switchyard.exe, switchyard-server.exe   (named in the .wxs)
#   BUILD_DIR/stage/runtime/...       every DLL they load, GIO's TLS module, the image loaders,
#                                     compiled GSettings schemas, icons and translations
#                                     (harvested into the RuntimeFiles component group)
#   BUILD_DIR/stage/version           meson's version, for the MSI's ProductVersion
#
# Set SKIP_PACMAN=1 when the packages below are already installed. See windows/README.md.

set -euo pipefail

if [ "${MSYSTEM:-}" != UCRT64 ]; then
  echo "build-desktop.sh: run this in an MSYS2 UCRT64 shell (MSYSTEM=UCRT64)" >&2
  exit 2
fi
pkg=${MINGW_PACKAGE_PREFIX:?}
root=${MINGW_PREFIX:?}

cd "$(dirname "$(readlink -f "$0")")/.."
build=${1:-_build-desktop}

# libsecret is absent: windows/README.md, "Secrets on Windows".
packages=(
  "$pkg-gcc" "$pkg-meson" "$pkg-ninja" "$pkg-pkgconf" "$pkg-gettext-tools"
  "$pkg-glib2" "$pkg-glib-networking" "$pkg-gtk4" "$pkg-libsoup3" "$pkg-json-glib"
  "$pkg-sqlite3" "$pkg-gdk-pixbuf2" "$pkg-librsvg" "$pkg-adwaita-icon-theme"
)
if [ -z "${SKIP_PACMAN:-}" ]; then
  pacman -S --needed --noconfirm "${packages[@]}"
fi

if [ -f "$build/meson-private/coredata.dat" ]; then
  meson setup --reconfigure "$build" --buildtype=release
else
  meson setup "$build" --buildtype=release
fi
meson compile -C "$build"
# The pure suites; the store, gateway and UI suites need a D-Bus session and a keyring.
meson test -C "$build" --suite core --suite translate --print-errorlogs

version=$(meson introspect --projectinfo "$build" |
            python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
stage=$build/stage
rm -rf "$stage"
mkdir -p "$stage/app/bin" "$stage/runtime/bin" "$stage/runtime/lib/gio/modules" \
         "$stage/runtime/share/glib-2.0/schemas" "$stage/runtime/share/icons"
printf '%s\n' "$version" >"$stage/version"

app=$build/src/app/switchyard.exe
server=$build/src/server/switchyard-server.exe
cp "$app" "$server" "$stage/app/bin/"

# GLib finds GIO modules, and gdk-pixbuf its loaders, relative to their own DLLs' bin\..
cp "$root/lib/gio/modules/libgiognutls.dll" "$stage/runtime/lib/gio/modules/"
loaders=lib/gdk-pixbuf-2.0/2.10.0
mkdir -p "$stage/runtime/$loaders/loaders"
cp "$root/$loaders/loaders/"*.dll "$stage/runtime/$loaders/loaders/"
cp "$root/$loaders/loaders.cache" "$stage/runtime/$loaders/"

# Every DLL those load from MSYS2's tree (not Windows' own).
{
  ldd "$app"
  ldd "$server"
  for module in "$stage/runtime/lib/gio/modules/"*.dll "$stage/runtime/$loaders/loaders/"*.dll; do
    ldd "$module"
  done
} | awk -v dir="$root/bin/" 'index($3, dir) == 1 { print $3 }' | sort -u | while read -r dll; do
  cp "$dll" "$stage/runtime/bin/"
done
# GTK 4's media and print helpers are not used; gspawn helpers are (g_subprocess).
cp "$root/bin/gspawn-win64-helper.exe" "$root/bin/gspawn-win64-helper-console.exe" \
   "$stage/runtime/bin/"

# GSettings: the app's schema and GTK's, compiled together; icons and translations.
installed=$(mktemp -d)
trap 'rm -rf "$installed"' EXIT INT TERM
meson install -C "$build" --destdir "$installed" --no-rebuild >/dev/null
share=$(find "$installed" -type d -path '*/share/glib-2.0' -prune -exec dirname {} \; | head -n 1)
cp "$share/glib-2.0/schemas/"*.xml "$root/share/glib-2.0/schemas/"org.gtk.*.xml \
   "$stage/runtime/share/glib-2.0/schemas/"
glib-compile-schemas --strict "$stage/runtime/share/glib-2.0/schemas"
cp -R "$share/icons/hicolor" "$root/share/icons/Adwaita" "$stage/runtime/share/icons/"
if [ -d "$share/locale" ]; then
  cp -R "$share/locale" "$stage/runtime/share/"
fi

# The staged copy must start with MSYS2's tree off the PATH: merge both halves and ask both
# programs for their version.
check=$build/stage-check
rm -rf "$check"
mkdir -p "$check"
cp -R "$stage/runtime/." "$check/"
cp "$stage/app/bin/"*.exe "$check/bin/"
PATH="$PWD/$check/bin:/usr/bin" "$check/bin/switchyard-server.exe" --version
PATH="$PWD/$check/bin:/usr/bin" "$check/bin/switchyard.exe" --version
tests/data/smoke-server.sh "$check/bin/switchyard-server.exe"

echo "staged $stage (version $version)"

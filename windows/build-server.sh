#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds switchyard-server for 64-bit Windows in an MSYS2 UCRT64 (or MINGW64) shell,
# smoke-tests it, and packs a folder that runs without MSYS2: bin\ with switchyard-server.exe
# and every DLL it loads, plus GIO's TLS module (lib\gio\modules) for HTTPS to the providers.
#
#   windows/build-server.sh [BUILD_DIR]        (default _build-windows)
#
# Result: BUILD_DIR/dist/switchyard-server-VERSION-windows-x86_64.zip. Set SKIP_PACMAN=1 when
# the packages below are already installed. See windows/README.md.

set -euo pipefail

case "${MSYSTEM:-}" in
  UCRT64 | MINGW64) ;;
  *)
    echo "build-server.sh: run this in an MSYS2 UCRT64 or MINGW64 shell" >&2
    exit 2
    ;;
esac
# Set by MSYS2's shells: mingw-w64-ucrt-x86_64 and /ucrt64 in UCRT64.
pkg=${MINGW_PACKAGE_PREFIX:?}
root=${MINGW_PREFIX:?}

cd "$(dirname "$(readlink -f "$0")")/.."
build=${1:-_build-windows}

# No libsecret: Windows has no Secret Service, so the keyring option is off there and the
# server keeps keys in its file store (windows/README.md, "Secrets on Windows").
packages=(
  "$pkg-gcc"
  "$pkg-meson"
  "$pkg-ninja"
  "$pkg-pkgconf"
  "$pkg-glib2"
  "$pkg-glib-networking"
  "$pkg-libsoup3"
  "$pkg-json-glib"
  "$pkg-sqlite3"
  curl
  zip
)
if [ -z "${SKIP_PACMAN:-}" ]; then
  pacman -S --needed --noconfirm "${packages[@]}"
fi

if [ -f "$build/meson-private/coredata.dat" ]; then
  meson setup --reconfigure "$build" --buildtype=release
else
  meson setup "$build" --buildtype=release
fi
meson compile -C "$build" switchyard-server
exe=$build/src/server/switchyard-server.exe

tests/data/smoke-server.sh "$exe"

version=$(meson introspect --projectinfo "$build" |
            python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
name=switchyard-server-$version-windows-x86_64
stage=$build/dist/$name
rm -rf "$stage" "$stage.zip"
mkdir -p "$stage/bin" "$stage/lib/gio/modules"

# GLib finds GIO modules relative to its own DLL: bin\..\lib\gio\modules.
tls_module=$root/lib/gio/modules/libgiognutls.dll
cp "$exe" "$stage/bin/"
cp "$tls_module" "$stage/lib/gio/modules/"

# Every DLL the program and the TLS module load from MSYS2's tree (not Windows' own).
{
  ldd "$exe"
  ldd "$tls_module"
} | awk -v dir="$root/bin/" 'index($3, dir) == 1 { print $3 }' | sort -u | while read -r dll; do
  cp "$dll" "$stage/bin/"
done

cp windows/README.md "$stage/README.md"

# The packed copy must run on its own, with MSYS2's tree off the PATH.
PATH="$PWD/$stage/bin:/usr/bin" tests/data/smoke-server.sh "$stage/bin/switchyard-server.exe"

(cd "$build/dist" && zip -qr "$name.zip" "$name")
echo "built $build/dist/$name.zip"

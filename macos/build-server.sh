#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds switchyard-server on macOS against Homebrew's libraries, runs the unit tests that need
# no session bus, smoke-tests the server, and packs the executable.
#
#   macos/build-server.sh [BUILD_DIR]        (default _build-macos)
#
# Result: BUILD_DIR/dist/switchyard-server-VERSION-macos-ARCH.tar.gz. The executable links
# Homebrew's dylibs, so it runs where the same formulae are installed (see macos/README.md).
# Set SKIP_BREW=1 when the formulae below are already installed.

set -euo pipefail

if [ "$(uname -s)" != Darwin ]; then
  echo "build-server.sh: this builds on macOS" >&2
  exit 2
fi

cd "$(dirname "$0")/.."
build=${1:-_build-macos}

# No libsecret: macOS has no Secret Service, so the keyring option is off there (meson.build)
# and the server keeps provider keys in its file store.
formulae=(meson ninja pkgconf glib glib-networking libsoup json-glib sqlite)
if [ -z "${SKIP_BREW:-}" ]; then
  brew install --quiet "${formulae[@]}"
fi

# Homebrew's sqlite is keg-only (macOS ships a libsqlite3 without a pkg-config file).
PKG_CONFIG_PATH="$(brew --prefix sqlite)/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export PKG_CONFIG_PATH

if [ -f "$build/meson-private/coredata.dat" ]; then
  meson setup --reconfigure "$build" --buildtype=release
else
  meson setup "$build" --buildtype=release
fi
meson compile -C "$build"

# The pure suites; the store and gateway suites need a D-Bus session and a keyring.
meson test -C "$build" --suite core --suite translate --print-errorlogs

server=$build/src/server/switchyard-server
tests/data/smoke-server.sh "$server"

version=$(meson introspect --projectinfo "$build" |
            python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
name=switchyard-server-$version-macos-$(uname -m)
stage=$build/dist/$name
rm -rf "$stage" "$stage.tar.gz"
mkdir -p "$stage/bin"
cp "$server" "$stage/bin/"
cp macos/README.md "$stage/README.md"
tar -C "$build/dist" -czf "$stage.tar.gz" "$name"
echo "built $stage.tar.gz"

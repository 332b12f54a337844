#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Lays out Switchyard.app from a meson build on macOS (Homebrew's GTK 4 and friends), with every
# dylib it loads copied in and rewritten to the bundle, so it runs on a Mac without Homebrew.
#
#   macos/make-app.sh BUILD_DIR OUT_DIR        -> OUT_DIR/Switchyard.app
#
# Needs: the build (meson compile), Homebrew formulae dylibbundler, librsvg, gdk-pixbuf,
# glib-networking, adwaita-icon-theme; Xcode's iconutil and codesign. SIGN_IDENTITY signs with
# a Developer ID (default: ad-hoc "-", enough to run locally). See macos/README.md.

set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: make-app.sh BUILD_DIR OUT_DIR" >&2
  exit 2
fi
if [ "$(uname -s)" != Darwin ]; then
  echo "make-app.sh: this runs on macOS" >&2
  exit 2
fi

srcdir=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
mkdir -p "$2"
app=$(cd "$2" && pwd)/Switchyard.app
brew_prefix=$(brew --prefix)
app_id=dev.switchyard.Switchyard

rm -rf "$app"
contents=$app/Contents
mkdir -p "$contents/MacOS" "$contents/Frameworks" "$contents/Resources/lib/gio/modules" \
         "$contents/Resources/lib/gdk-pixbuf/loaders" "$contents/Resources/share"

# Installed files (schemas, locale, icons, metainfo) under a throw-away DESTDIR.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT INT TERM
meson install -C "$build" --destdir "$stage" --no-rebuild >/dev/null
prefix=$(meson introspect --buildoptions "$build" |
           python3 -c 'import json, sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"][0])')
installed=$stage$prefix

# The GTK program is switchyard-app: next to the launcher Switchyard (below), a file named
# switchyard would be the same file on the default, case-insensitive APFS.
cp "$installed/bin/switchyard" "$contents/MacOS/switchyard-app"
cp "$installed/bin/switchyard-server" "$contents/MacOS/"
cp "$build/macos/Info.plist" "$contents/Info.plist"
printf 'APPL????' >"$contents/PkgInfo"
cp -R "$installed/share/locale" "$installed/share/icons" "$contents/Resources/share/" 2>/dev/null || true
cp -R "$brew_prefix/share/icons/Adwaita" "$contents/Resources/share/icons/"
cp -R "$brew_prefix/share/icons/hicolor/index.theme" "$contents/Resources/share/icons/hicolor/"

# GSettings: the app's schema and GTK's, compiled together.
mkdir -p "$contents/Resources/share/glib-2.0/schemas"
cp "$installed/share/glib-2.0/schemas/"*.xml "$brew_prefix/share/glib-2.0/schemas/"org.gtk.*.xml \
   "$contents/Resources/share/glib-2.0/schemas/"
glib-compile-schemas --strict "$contents/Resources/share/glib-2.0/schemas"

# TLS for HTTPS to the providers, and the image loaders GTK needs for PNG and SVG icons.
cp "$brew_prefix/lib/gio/modules/libgiognutls.so" "$contents/Resources/lib/gio/modules/"
loaders=$(pkg-config --variable=gdk_pixbuf_moduledir gdk-pixbuf-2.0)
cp "$loaders/"*.so "$contents/Resources/lib/gdk-pixbuf/loaders/"

# Every dylib from Homebrew, copied to Frameworks and rewritten to @executable_path.
bundle_args=(-of -b -d "$contents/Frameworks" -p @executable_path/../Frameworks/)
for binary in "$contents/MacOS/switchyard-app" "$contents/MacOS/switchyard-server" \
              "$contents/Resources/lib/gio/modules/"*.so \
              "$contents/Resources/lib/gdk-pixbuf/loaders/"*.so; do
  bundle_args+=(-x "$binary")
done
dylibbundler "${bundle_args[@]}" >/dev/null

# The loaders cache names absolute paths: written with a placeholder, resolved at launch.
GDK_PIXBUF_MODULEDIR=$contents/Resources/lib/gdk-pixbuf/loaders gdk-pixbuf-query-loaders |
  sed "s|$contents/Resources|@RESOURCES@|g" >"$contents/Resources/lib/gdk-pixbuf/loaders.cache.in"

# The executable the plist names: sets GLib's and GTK's search paths to the bundle, then runs
# the app. Arguments pass through (switchyard --gapplication-service starts in the menu bar).
cat >"$contents/MacOS/Switchyard" <<'LAUNCHER'
#!/bin/sh
here=$(cd "$(dirname "$0")" && pwd)
res=$(cd "$here/../Resources" && pwd)
cache_dir=${TMPDIR:-/tmp}/dev.switchyard.Switchyard
mkdir -p "$cache_dir"
sed "s|@RESOURCES@|$res|g" "$res/lib/gdk-pixbuf/loaders.cache.in" >"$cache_dir/loaders.cache"
export XDG_DATA_DIRS="$res/share"
export GSETTINGS_SCHEMA_DIR="$res/share/glib-2.0/schemas"
export GIO_MODULE_DIR="$res/lib/gio/modules"
export GDK_PIXBUF_MODULE_FILE="$cache_dir/loaders.cache"
export SWITCHYARD_SECRET_STORE="${SWITCHYARD_SECRET_STORE:-file}"
exec "$here/switchyard-app" "$@"
LAUNCHER
chmod +x "$contents/MacOS/Switchyard"

# The icon (icns from the scalable SVG) and the menu-bar template image (PDF, tinted by macOS).
iconset=$stage/Switchyard.iconset
mkdir -p "$iconset"
svg=$srcdir/data/icons/hicolor/scalable/apps/$app_id.svg
for size in 16 32 128 256 512; do
  rsvg-convert -w "$size" -h "$size" "$svg" -o "$iconset/icon_${size}x${size}.png"
  rsvg-convert -w $((size * 2)) -h $((size * 2)) "$svg" -o "$iconset/icon_${size}x${size}@2x.png"
done
iconutil -c icns "$iconset" -o "$contents/Resources/Switchyard.icns"
rsvg-convert -f pdf "$srcdir/data/icons/hicolor/symbolic/apps/$app_id-symbolic.svg" \
  -o "$contents/Resources/switchyard-symbolic.pdf"

plutil -lint "$contents/Info.plist"
codesign --force --deep --options runtime --timestamp=none \
  --sign "${SIGN_IDENTITY:--}" "$app"
codesign --verify --deep --strict "$app"
echo "built $app"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Packs Switchyard.app into a compressed, read-only disk image with an /Applications link to
# drag it onto. hdiutil only (create-dmg is not assumed).
#
#   macos/make-dmg.sh APP DMG
#     e.g. macos/make-dmg.sh _dist/Switchyard.app _dist/Switchyard-0.1.0.dmg
#
# SIGN_IDENTITY (a Developer ID Application identity) signs the image; NOTARY_PROFILE (a
# `xcrun notarytool store-credentials` profile) then notarizes and staples it. Without them
# the image is unsigned, which Gatekeeper only lets through with a right-click → Open.

set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: make-dmg.sh APP DMG" >&2
  exit 2
fi
if [ "$(uname -s)" != Darwin ]; then
  echo "make-dmg.sh: this runs on macOS (hdiutil)" >&2
  exit 2
fi

app=$1
dmg=$2
if [ ! -f "$app/Contents/Info.plist" ]; then
  echo "make-dmg.sh: $app is not an app bundle" >&2
  exit 1
fi
version=$(/usr/libexec/PlistBuddy -c 'Print :CFBundleShortVersionString' "$app/Contents/Info.plist")
volume="Switchyard $version"

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT INT TERM
# ditto keeps the code signature's extended attributes and symlinks intact; cp -R may not.
ditto "$app" "$staging/Switchyard.app"
ln -s /Applications "$staging/Applications"

rm -f "$dmg"
hdiutil create -volname "$volume" -srcfolder "$staging" -fs HFS+ -format UDZO \
  -imagekey zlib-level=9 -ov "$dmg"
hdiutil verify "$dmg"

if [ -n "${SIGN_IDENTITY:-}" ] && [ "$SIGN_IDENTITY" != - ]; then
  codesign --force --sign "$SIGN_IDENTITY" --timestamp "$dmg"
  if [ -n "${NOTARY_PROFILE:-}" ]; then
    xcrun notarytool submit "$dmg" --keychain-profile "$NOTARY_PROFILE" --wait
    xcrun stapler staple "$dmg"
  fi
fi
echo "built $dmg"

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks Switchyard.app's Info.plist as macos/meson.build writes it (macOS's own plutil cannot
# run here; Python's plistlib reads the same XML format):
#
#   check-plist.py PLIST APP_ID VERSION MAKE_APP_SH
#
# It parses; every key the bundle needs is there with the right type; the bundle id is the
# app id; both versions are meson's; LSUIElement is true (a menu-bar app with no Dock icon);
# CFBundleExecutable and CFBundleIconFile name files macos/make-app.sh creates, and no two files
# it puts in Contents/MacOS have names that differ only in case (one file on APFS).

import plistlib
import re
import sys

EXPECTED_TYPES = {
    "CFBundleDevelopmentRegion": str,
    "CFBundleDisplayName": str,
    "CFBundleExecutable": str,
    "CFBundleIconFile": str,
    "CFBundleIdentifier": str,
    "CFBundleInfoDictionaryVersion": str,
    "CFBundleName": str,
    "CFBundlePackageType": str,
    "CFBundleShortVersionString": str,
    "CFBundleVersion": str,
    "LSMinimumSystemVersion": str,
    "LSUIElement": bool,
    "NSHighResolutionCapable": bool,
    "NSPrincipalClass": str,
}


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def main(argv):
    if len(argv) != 5:
        print("usage: check-plist.py PLIST APP_ID VERSION MAKE_APP_SH", file=sys.stderr)
        return 2
    path, app_id, version, make_app = argv[1:]
    try:
        with open(path, "rb") as f:
            plist = plistlib.load(f)
    except (plistlib.InvalidFileException, ValueError) as e:
        fail(f"{path}: not a property list: {e}")
    if not isinstance(plist, dict):
        fail("the top level must be a dict")

    for key, kind in EXPECTED_TYPES.items():
        if key not in plist:
            fail(f"no {key}")
        if type(plist[key]) is not kind:
            fail(f"{key} is a {type(plist[key]).__name__}, must be a {kind.__name__}")
    leftovers = [k for k, v in plist.items() if isinstance(v, str) and "@" in v]
    if leftovers:
        fail(f"unsubstituted @VAR@ in {leftovers}")
    if plist["CFBundleIdentifier"] != app_id:
        fail(f"CFBundleIdentifier {plist['CFBundleIdentifier']} is not the app id {app_id}")
    for key in ("CFBundleShortVersionString", "CFBundleVersion"):
        if plist[key] != version:
            fail(f"{key} {plist[key]} is not meson's version {version}")
    if not re.fullmatch(r"\d+(\.\d+){0,2}", plist["CFBundleShortVersionString"]):
        fail("CFBundleShortVersionString must be one to three integers separated by dots")
    if plist["LSUIElement"] is not True:
        fail("LSUIElement must be true: a menu-bar app, no Dock icon")
    if plist["CFBundlePackageType"] != "APPL":
        fail("CFBundlePackageType must be APPL")
    if plist.get("LSMultipleInstancesProhibited"):
        fail("LSMultipleInstancesProhibited works across all users of the Mac; the guard is"
             " per user (SYSingleInstance.m)")

    with open(make_app, encoding="utf-8") as f:
        script = f.read()
    executable = plist["CFBundleExecutable"]
    if f'"$contents/MacOS/{executable}"' not in script:
        fail(f"make-app.sh does not create Contents/MacOS/{executable}")
    # macOS volumes are case-insensitive by default: Switchyard and switchyard are one file.
    in_macos = set(re.findall(r'"\$contents/MacOS/([^"/$]+)"', script))
    folded = {}
    for name in in_macos:
        folded.setdefault(name.lower(), []).append(name)
    clashes = sorted(names for names in folded.values() if len(names) > 1)
    if clashes:
        fail(f"make-app.sh puts files in Contents/MacOS whose names differ only in case: {clashes}")
    if f"Resources/{plist['CFBundleIconFile']}.icns" not in script:
        fail(f"make-app.sh does not create Resources/{plist['CFBundleIconFile']}.icns")

    print(f"ok: {path}: {app_id} {version}, menu-bar app, {len(plist)} keys")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

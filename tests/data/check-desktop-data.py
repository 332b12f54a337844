#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks the desktop app's integration data in data/ (the built files, after msgfmt merged the
# translations):
#
#   check-desktop-data.py desktop FILE...
#       desktop-file-validate accepts each desktop file (hints are allowed, nothing else).
#   check-desktop-data.py metainfo FILE SRCDIR VERSION
#       appstreamcli validate --no-net passes with no error or warning; every screenshot is
#       one of the PNGs in data/screenshots; the newest release is the project's version.
#   check-desktop-data.py schema SCHEMADIR
#       glib-compile-schemas --strict --dry-run accepts the schemas.
#   check-desktop-data.py svg FILE...
#       each icon is well-formed SVG 1.1 with a viewBox; symbolic ones are 16x16 and draw
#       with fills only (GTK recolours symbolic icons through their fill, not their stroke).
#   check-desktop-data.py agree DESKTOP AUTOSTART SERVICE METAINFO APP_ID BINDIR
#       the D-Bus service, the desktop file, the autostart entry and the metainfo describe
#       the same program: bus name = desktop file name, DBusActivatable, one executable in
#       BINDIR, the service and the autostart entry start it with --gapplication-service.
#
# Exits 77 (skipped) when a tool is missing (Debian packages desktop-file-utils, appstream,
# libglib2.0-bin).

import configparser
import os
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

SVG_NS = "{http://www.w3.org/2000/svg}"
SCREENSHOT_URL = "https://raw.githubusercontent.com/switchyard/switchyard/main/data/screenshots/"


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def need(tool):
    path = shutil.which(tool)
    if path is None:
        print(f"SKIP: {tool} not found")
        sys.exit(77)
    return path


def run(argv):
    proc = subprocess.run(argv, capture_output=True, text=True)
    output = (proc.stdout + proc.stderr).strip()
    if output:
        print(output)
    return proc.returncode, output


def read_entry(path, group):
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    with open(path, encoding="utf-8") as f:
        parser.read_file(f)
    if not parser.has_section(group):
        fail(f"{path}: no [{group}] group")
    return parser[group]


def check_desktop(files):
    tool = need("desktop-file-validate")
    for path in files:
        code, output = run([tool, path])
        if code != 0:
            fail(f"desktop-file-validate rejects {path}")
        for line in output.splitlines():
            if not re.search(r": hint: ", line):
                fail(f"desktop-file-validate reports more than a hint: {line}")


def check_metainfo(path, srcdir, version):
    tool = need("appstreamcli")
    code, output = run([tool, "validate", "--no-net", "--no-color", path])
    if code != 0:
        fail(f"appstreamcli rejects {path}")
    # I: and P: (info, pedantic) are advice; E: and W: are not.
    for line in output.splitlines():
        if re.match(r"\s*[EW]: ", line):
            fail(f"appstreamcli reports: {line}")
    root = ET.parse(path).getroot()
    images = root.findall("./screenshots/screenshot/image")
    if not images:
        fail("no screenshots")
    for image in images:
        url = image.text.strip()
        if not url.startswith(SCREENSHOT_URL):
            fail(f"screenshot {url} is not under {SCREENSHOT_URL}")
        name = url[len(SCREENSHOT_URL):]
        if not os.path.isfile(os.path.join(srcdir, "data", "screenshots", name)):
            fail(f"screenshot {url}: data/screenshots/{name} does not exist")
    releases = root.findall("./releases/release")
    if not releases or releases[0].get("version") != version:
        fail(f"the newest release is not the project's version {version}")


def check_schema(schemadir):
    tool = need("glib-compile-schemas")
    code, _ = run([tool, "--strict", "--dry-run", schemadir])
    if code != 0:
        fail(f"glib-compile-schemas --strict rejects {schemadir}")


def check_svg(files):
    for path in files:
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as e:
            fail(f"{path}: not well-formed: {e}")
        if root.tag != SVG_NS + "svg":
            fail(f"{path}: the root is {root.tag}, not an SVG <svg>")
        if not root.get("viewBox"):
            fail(f"{path}: no viewBox")
        if path.endswith("-symbolic.svg"):
            if root.get("viewBox") != "0 0 16 16":
                fail(f"{path}: a symbolic icon's viewBox is 0 0 16 16")
            for element in root.iter():
                if element.get("stroke") not in (None, "none") or "stroke:" in (element.get("style") or ""):
                    fail(f"{path}: <{element.tag}> strokes; symbolic icons draw with fills only")


def check_agree(desktop, autostart, service, metainfo, app_id, bindir):
    entry = read_entry(desktop, "Desktop Entry")
    if os.path.basename(desktop) != app_id + ".desktop":
        fail(f"{desktop}: a D-Bus activatable desktop file is named {app_id}.desktop")
    if entry.get("DBusActivatable") != "true":
        fail(f"{desktop}: DBusActivatable is not true")
    if entry.get("Icon") != app_id:
        fail(f"{desktop}: Icon is not {app_id}")
    program = shlex.split(entry["Exec"])[0]

    bus = read_entry(service, "D-BUS Service")
    if bus.get("Name") != app_id:
        fail(f"{service}: Name is {bus.get('Name')}, not {app_id}")
    service_exec = shlex.split(bus["Exec"])
    if service_exec != [os.path.join(bindir, program), "--gapplication-service"]:
        fail(f"{service}: Exec is {bus['Exec']}, expected {os.path.join(bindir, program)} "
             f"--gapplication-service (the desktop file runs {program})")

    auto = read_entry(autostart, "Desktop Entry")
    if shlex.split(auto["Exec"]) != [program, "--gapplication-service"]:
        fail(f"{autostart}: Exec is {auto['Exec']}, expected {program} --gapplication-service")
    if auto.get("NoDisplay") != "true" or auto.get("X-GNOME-Autostart-enabled") != "true":
        fail(f"{autostart}: NoDisplay and X-GNOME-Autostart-enabled are not both true")

    root = ET.parse(metainfo).getroot()
    if root.findtext("id") != app_id:
        fail(f"{metainfo}: id is not {app_id}")
    if root.findtext("./launchable[@type='desktop-id']") != app_id + ".desktop":
        fail(f"{metainfo}: the launchable is not {app_id}.desktop")
    if program not in [b.text for b in root.findall("./provides/binary")]:
        fail(f"{metainfo}: does not provide the binary {program}")
    if root.findtext("./provides/dbus[@type='user']") != app_id:
        fail(f"{metainfo}: does not provide the user bus name {app_id}")


def main(argv):
    if len(argv) < 2:
        fail("usage: check-desktop-data.py desktop|metainfo|schema|svg|agree ARGS...")
    mode, args = argv[1], argv[2:]
    if mode == "desktop":
        check_desktop(args)
    elif mode == "metainfo":
        check_metainfo(*args)
    elif mode == "schema":
        check_schema(*args)
    elif mode == "svg":
        check_svg(args)
    elif mode == "agree":
        check_agree(*args)
    else:
        fail(f"unknown mode {mode}")
    print("ok")


if __name__ == "__main__":
    main(sys.argv)

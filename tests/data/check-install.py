#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `meson install` puts exactly the right files in the right places:
#
#   check-install.py SRCDIR BUILDDIR APP_ID VERSION
#
# Installs the build (--no-rebuild) into a temporary DESTDIR and checks:
#   - the installed tree is exactly the expected set of files under the prefix: the three
#     executables, the desktop file, the autostart template, the D-Bus service, the metainfo,
#     the GSettings schema, the icons, one catalog per language in po/LINGUAS, the systemd user
#     unit and the example environment; nothing else (no test programs, headers, static
#     libraries or build leftovers) and nothing outside the prefix;
#   - the executables are executables and the installed switchyard-server prints meson's
#     version;
#   - the D-Bus service's and the systemd unit's Exec lines name installed executables;
#   - what the app finds relative to its own path once installed is there: switchyard-tray next
#     to it, and ../share/switchyard/APP_ID-autostart.desktop (src/app/sy-autostart.c);
#   - the installed schema compiles with glib-compile-schemas --strict.

import json
import os
import re
import subprocess
import sys
import tempfile


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def introspect(builddir, what):
    out = subprocess.run(["meson", "introspect", builddir, what], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def expected_files(srcdir, app_id):
    with open(os.path.join(srcdir, "po", "LINGUAS"), encoding="utf-8") as f:
        languages = f.read().split()
    files = {
        "bin/switchyard",
        "bin/switchyard-server",
        "bin/switchyard-tray",
        "lib/systemd/user/switchyard-server.service",
        f"share/applications/{app_id}.desktop",
        f"share/dbus-1/services/{app_id}.service",
        "share/doc/switchyard/server.env.example",
        f"share/glib-2.0/schemas/{app_id}.gschema.xml",
        f"share/icons/hicolor/scalable/apps/{app_id}.svg",
        f"share/metainfo/{app_id}.metainfo.xml",
        f"share/switchyard/{app_id}-autostart.desktop",
    }
    for state in ("", "-degraded", "-paused", "-error"):
        files.add(f"share/icons/hicolor/symbolic/apps/{app_id}{state}-symbolic.svg")
    for lang in languages:
        files.add(f"share/locale/{lang}/LC_MESSAGES/switchyard.mo")
    return files


def exec_paths(path, key):
    with open(path, encoding="utf-8") as f:
        return [line.split("=", 1)[1].split()[0] for line in f
                if line.startswith(key + "=")]


def main():
    if len(sys.argv) != 5:
        fail("usage: check-install.py SRCDIR BUILDDIR APP_ID VERSION")
    srcdir, builddir, app_id, version = sys.argv[1:]
    options = {o["name"]: o["value"] for o in introspect(builddir, "--buildoptions")}
    prefix = options["prefix"]

    with tempfile.TemporaryDirectory() as destdir:
        env = dict(os.environ, DESTDIR=destdir)
        result = subprocess.run(["meson", "install", "-C", builddir, "--no-rebuild", "--quiet"],
                                env=env, capture_output=True, text=True)
        if result.returncode != 0:
            fail(f"meson install failed:\n{result.stdout}{result.stderr}")

        root = os.path.join(destdir, prefix.lstrip("/"))
        installed = set()
        outside = []
        for top, _, names in os.walk(destdir):
            for name in names:
                path = os.path.join(top, name)
                if os.path.commonpath([path, root]) != root:
                    outside.append(os.path.relpath(path, destdir))
                else:
                    installed.add(os.path.relpath(path, root))
        if outside:
            fail(f"installed outside the prefix {prefix}: {sorted(outside)}")
        want = expected_files(srcdir, app_id)
        if installed - want:
            fail(f"installed but not expected: {sorted(installed - want)}")
        if want - installed:
            fail(f"expected but not installed: {sorted(want - installed)}")

        for name in ("switchyard", "switchyard-server", "switchyard-tray"):
            path = os.path.join(root, "bin", name)
            if not os.access(path, os.X_OK):
                fail(f"bin/{name} is not executable")
        server = os.path.join(root, "bin", "switchyard-server")
        printed = subprocess.run([server, "--version"], capture_output=True, text=True,
                                 timeout=30)
        if printed.returncode != 0 or version not in printed.stdout:
            fail(f"installed switchyard-server --version printed {printed.stdout!r}"
                 f" (exit {printed.returncode}), not version {version}")

        service = os.path.join(root, "share", "dbus-1", "services", app_id + ".service")
        unit = os.path.join(root, "lib", "systemd", "user", "switchyard-server.service")
        for path, key in ((service, "Exec"), (unit, "ExecStart")):
            for target in exec_paths(path, key):
                rel = os.path.relpath(target, prefix)
                if rel not in installed:
                    fail(f"{os.path.relpath(path, root)}: {key} runs {target}, which is not"
                         " installed")

        bindir = os.path.join(root, "bin")
        template = os.path.join(bindir, "..", "share", "switchyard",
                                app_id + "-autostart.desktop")
        if not os.path.isfile(template):
            fail("the autostart template is not at bin/../share/switchyard, where the app looks")
        with open(template, encoding="utf-8") as f:
            if not re.search(r"^Exec=switchyard --gapplication-service$", f.read(), re.M):
                fail("the installed autostart template does not start the app as a service")

        schemas = os.path.join(root, "share", "glib-2.0", "schemas")
        compiled = subprocess.run(["glib-compile-schemas", "--strict", "--dry-run", schemas],
                                  capture_output=True, text=True)
        if compiled.returncode != 0:
            fail(f"the installed schema does not compile: {compiled.stderr}")

    print(f"ok: meson install: {len(installed)} files under {prefix}, each where it belongs")


if __name__ == "__main__":
    main()

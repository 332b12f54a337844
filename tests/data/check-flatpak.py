#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks flatpak/dev.switchyard.Switchyard.json without building it (that needs the GNOME
# runtime from Flathub):
#
#   check-flatpak.py static  MANIFEST APP_ID SRCDIR
#       the manifest is JSON; its id is the project's app_id, the name of the desktop file and
#       the metainfo's <id>; it builds on a GNOME runtime; the last module is this source tree
#       built with meson and every other module's sources are pinned (git: tag and commit;
#       archive/file: sha256); the command is an executable the project builds; the permissions
#       are exactly the ones flatpak/README.md justifies, and none of them opens the host's files
#       or the whole session bus.
#   check-flatpak.py builder MANIFEST
#       `flatpak-builder --show-manifest` parses it with no warning (flatpak-builder only warns
#       about unknown keys). Exits 77 (skipped) without flatpak-builder.

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Exactly what the desktop app, its tray helper and the gateway need; flatpak/README.md's table
# says why for each. Widen both together.
ALLOWED_FINISH_ARGS = {
    "--share=network",
    "--share=ipc",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--talk-name=org.kde.StatusNotifierWatcher",
    "--talk-name=org.freedesktop.secrets",
}
# Never, whatever the table says: the host's or the home's files, the whole session or system
# bus, or a way out of the sandbox.
FORBIDDEN_FINISH_ARGS = re.compile(
    r"^--(filesystem=(host|host-os|host-etc|home|~)(:.*)?"
    r"|socket=(session-bus|system-bus)"
    r"|device=all"
    r"|talk-name=org\.freedesktop\.Flatpak)$")


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def check_static(manifest_path, app_id, srcdir):
    try:
        with open(manifest_path, encoding="utf-8") as f:
            manifest = json.load(f)
    except ValueError as e:
        fail(f"{manifest_path}: not JSON: {e}")

    for key in ("id", "runtime", "runtime-version", "sdk", "command", "modules"):
        if key not in manifest:
            fail(f"no '{key}'")
    if manifest["id"] != app_id:
        fail(f"id is {manifest['id']}, the project's app_id is {app_id}")
    if os.path.basename(manifest_path) != app_id + ".json":
        fail(f"the manifest should be named {app_id}.json")
    if manifest["runtime"] != "org.gnome.Platform" or manifest["sdk"] != "org.gnome.Sdk":
        fail("runtime and sdk must be org.gnome.Platform and org.gnome.Sdk")
    if not re.fullmatch(r"\d+", str(manifest["runtime-version"])):
        fail(f"runtime-version {manifest['runtime-version']!r} is not a GNOME release number")

    finish_args = set(manifest.get("finish-args", []))
    forbidden = sorted(a for a in finish_args if FORBIDDEN_FINISH_ARGS.match(a))
    if forbidden:
        fail(f"permissions that open the host: {forbidden}")
    extra = finish_args - ALLOWED_FINISH_ARGS
    if extra:
        fail(f"permissions beyond what the app needs: {sorted(extra)}")
    missing = ALLOWED_FINISH_ARGS - finish_args
    if missing:
        fail(f"permissions the app needs are missing: {sorted(missing)}")

    # Every module but the last (this tree) builds pinned sources.
    names = []
    for module in manifest["modules"][:-1]:
        if not isinstance(module, dict):
            fail(f"module {module!r}: inline every module, so this check sees its sources")
        name = module.get("name", "?")
        names.append(name)
        if not module.get("sources"):
            fail(f"module {name}: no sources")
        for source in module["sources"]:
            kind = source.get("type")
            if kind == "git":
                # The tag says which release, the commit makes flatpak-builder refuse a moved tag.
                if (not source.get("tag") or source.get("branch")
                        or not re.fullmatch(r"[0-9a-f]{40}", source.get("commit", ""))):
                    fail(f"module {name}: git source {source.get('url')} must be pinned with"
                         " a tag and its full commit id, not a branch")
            elif kind in ("archive", "file"):
                if not re.fullmatch(r"[0-9a-f]{64}", source.get("sha256", "")):
                    fail(f"module {name}: {source.get('url')} has no sha256")
            elif kind not in ("patch", "shell"):
                fail(f"module {name}: source type {kind} cannot be pinned")
    # The tray helper links libayatana-appindicator (GTK 3), which the GNOME runtime lacks.
    for needed in ("libdbusmenu-gtk3", "ayatana-ido", "libayatana-indicator",
                   "libayatana-appindicator"):
        if needed not in names:
            fail(f"no module {needed}: the tray helper needs it and the runtime lacks it")
    # libdbusmenu's generated configure runs IT_PROG_INTLTOOL; the SDK has no intltool.
    if "intltool" not in names or names.index("intltool") > names.index("libdbusmenu-gtk3"):
        fail("intltool must be built (and cleaned up) before libdbusmenu-gtk3")
    if names.index("libayatana-appindicator") < max(names.index(n) for n in (
            "libdbusmenu-gtk3", "ayatana-ido", "libayatana-indicator")):
        fail("libayatana-appindicator must come after the libraries it links")

    # The app id is the desktop file's name and the metainfo's <id>.
    data = os.path.join(srcdir, "data")
    if not os.path.isfile(os.path.join(data, app_id + ".desktop.in")):
        fail(f"no data/{app_id}.desktop.in: the desktop file must be named after the app id")
    with open(os.path.join(data, app_id + ".metainfo.xml.in"), encoding="utf-8") as f:
        meta_id = re.search(r"<id>\s*([^<\s]+)\s*</id>", f.read())
    if meta_id is None or meta_id.group(1) != app_id:
        fail(f"the metainfo's <id> is {meta_id and meta_id.group(1)}, not {app_id}")
    if manifest.get("command") != "switchyard":
        fail("the command must be the desktop app, switchyard")

    module = manifest["modules"][-1]
    if not isinstance(module, dict) or module.get("buildsystem") != "meson":
        fail("the last module must be Switchyard itself, built with meson")
    sources = module.get("sources", [])
    dirs = [s for s in sources if s.get("type") == "dir"]
    if len(dirs) != 1:
        fail("the Switchyard module must build the source tree (one source of type dir)")
    tree = os.path.normpath(os.path.join(os.path.dirname(manifest_path), dirs[0]["path"]))
    if os.path.realpath(tree) != os.path.realpath(srcdir):
        fail(f"the dir source points at {tree}, not at the top of the source tree {srcdir}")

    # The command must be an executable the project installs.
    command = manifest["command"]
    built = False
    for root, _, files in os.walk(os.path.join(srcdir, "src")):
        if "meson.build" in files:
            with open(os.path.join(root, "meson.build"), encoding="utf-8") as build:
                if re.search(rf"executable\(\s*'{re.escape(command)}'", build.read()):
                    built = True
    if not built:
        fail(f"command {command} is not an executable any src/**/meson.build declares")
    print(f"ok: {manifest_path}: {app_id} on {manifest['runtime']}//{manifest['runtime-version']}"
          f", runs {command}, permissions {sorted(finish_args)}")


def check_builder(manifest_path):
    builder = shutil.which("flatpak-builder")
    if builder is None:
        print("SKIP: flatpak-builder not found (Debian package flatpak-builder)")
        sys.exit(77)
    # flatpak-builder leaves a .flatpak-builder state directory in its working directory.
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run([builder, "--show-manifest", os.path.abspath(manifest_path)],
                                capture_output=True, text=True, cwd=tmp,
                                env=dict(os.environ, LC_ALL="C.UTF-8"))
    if result.returncode != 0:
        fail(f"flatpak-builder --show-manifest (exit {result.returncode}):\n{result.stderr}")
    if result.stderr.strip():
        fail(f"flatpak-builder --show-manifest warned:\n{result.stderr.strip()}")
    print(f"ok: flatpak-builder --show-manifest {os.path.basename(manifest_path)}: no warnings")


def main(argv):
    if len(argv) >= 5 and argv[1] == "static":
        check_static(argv[2], argv[3], argv[4])
    elif len(argv) == 3 and argv[1] == "builder":
        check_builder(argv[2])
    else:
        print("usage: check-flatpak.py static MANIFEST APP_ID SRCDIR | builder MANIFEST",
              file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

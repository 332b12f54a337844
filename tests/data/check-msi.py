#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds windows/switchyard.wxs into an MSI with Debian's wixl from a stand-in payload (small
# files named like the real binaries and runtime DLLs) and reads it back with msiinfo and
# msiextract, the way windows/README.md promises it behaves:
#
#   check-msi.py WXS XSL VERSION
#
# per-user (no ALLUSERS, "elevation not required" in the summary, x64), installed under
# LocalAppDataFolder\Programs\Switchyard, the fixed UpgradeCode and the meson version, a
# Start-menu shortcut to switchyard.exe, every registry value in HKCU, the Run key only in the
# Autostart feature and that feature off by default, user data deleted only on uninstall with
# REMOVEUSERDATA=1 and never during an upgrade, every payload file in the cabinet.
#
# The runtime files are harvested with wixl-heat and rewritten by XSL
# (windows/runtime-per-user.xsl) with xsltproc, as CI does with heat -t. Per user also means
# what light's ICE38 and ICE64 check, here read from the tables: every component's key path is
# an HKCU value of its own in the Registry table, never a file, and every directory the package
# creates under the user profile has a RemoveFile row that removes it on uninstall. The
# untransformed harvest is built too and must break both rules, so that a check that stops
# seeing them fails. Exits 77 (skipped) without wixl, msitools or xsltproc.

import os
import shutil
import subprocess
import sys
import tempfile

UPGRADE_CODE = "{6F0B5C2E-8D1A-4C47-9E3B-2A7D5F1C8B40}"
EXES = ["bin/switchyard.exe", "bin/switchyard-server.exe"]
RUNTIME = ["bin/libglib-2.0-0.dll", "bin/libgtk-4-1.dll", "lib/gio/modules/libgiognutls.dll",
           "lib/gdk-pixbuf-2.0/2.10.0/loaders.cache",
           "lib/gdk-pixbuf-2.0/2.10.0/loaders/libpixbufloader-svg.dll",
           "share/glib-2.0/schemas/gschemas.compiled"]
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
# Standard directories of the user profile (ICE64's concern): the directories below them that
# the package creates must be removed on uninstall. They themselves are the system's.
PROFILE_DIRS = {"LocalAppDataFolder", "AppDataFolder", "ProgramMenuFolder", "StartMenuFolder",
                "StartupFolder", "DesktopFolder", "PersonalFolder"}
HKCU = "1"
REGISTRY_KEY_PATH = 0x4  # msidbComponentAttributesRegistryKeyPath
REMOVE_ON_UNINSTALL = 0x2  # msidbRemoveFileInstallModeOnRemove


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def run(args, cwd, stdin=None):
    result = subprocess.run(args, cwd=cwd, input=stdin, capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"{' '.join(args)} (exit {result.returncode}):\n{result.stderr}")
    return result.stdout


def table(msi, name, cwd):
    """The rows of one table, as lists of columns (msiinfo export: 3 header lines)."""
    lines = run(["msiinfo", "export", msi, name], cwd).splitlines()[3:]
    return [line.split("\t") for line in lines if line]


def per_user_problems(msi, cwd):
    """What ICE38 and ICE64 would flag in MSI, one line each: a component whose key path is
    not an HKCU registry value of its own (a file, a directory, another root), a directory
    created under the user profile that no RemoveFile row removes on uninstall."""
    problems = []
    registry = {row[0]: row for row in table(msi, "Registry", cwd)}
    files = {row[0] for row in table(msi, "File", cwd)}
    for cid, _, _, attributes, _, key_path in table(msi, "Component", cwd):
        if key_path in files:
            problems.append(f"component {cid}: its key path is the file {key_path}")
        elif not int(attributes) & REGISTRY_KEY_PATH or key_path not in registry:
            problems.append(f"component {cid}: its key path {key_path!r} is no registry value")
        elif registry[key_path][1] != HKCU or registry[key_path][5] != cid:
            problems.append(f"component {cid}: its key path {key_path} is not its own HKCU"
                            f" value: {registry[key_path]}")

    parents = {row[0]: row[1] for row in table(msi, "Directory", cwd)}
    removed = {row[3] for row in table(msi, "RemoveFile", cwd)
               if row[2] == "" and int(row[4]) & REMOVE_ON_UNINSTALL}
    for directory in parents:
        ancestor = parents[directory]
        while ancestor and ancestor not in PROFILE_DIRS:
            ancestor = parents.get(ancestor)
        if ancestor and directory not in PROFILE_DIRS and directory not in removed:
            problems.append(f"directory {directory} (under {ancestor}): no RemoveFile row"
                            " removes it on uninstall")
    return problems


def build(wxs, fragment, version, msi, cwd):
    run(["wixl", "-a", "x64", "-D", f"Version={version}", "-D", "PayloadDir=payload",
         "-D", "Win64=yes", "-o", msi, wxs, fragment], cwd)


def main(argv):
    if len(argv) != 4:
        print("usage: check-msi.py WXS XSL VERSION", file=sys.stderr)
        return 2
    wxs, xsl, version = os.path.abspath(argv[1]), os.path.abspath(argv[2]), argv[3]
    for tool, package in (("wixl", "wixl"), ("wixl-heat", "wixl"), ("msiinfo", "msitools"),
                          ("msiextract", "msitools"), ("xsltproc", "xsltproc")):
        if shutil.which(tool) is None:
            print(f"SKIP: {tool} not found (Debian package {package})")
            return 77

    with tempfile.TemporaryDirectory() as tmp:
        # wixl takes relative Source paths only (TOOLCHAIN.md).
        for path in EXES + RUNTIME:
            os.makedirs(os.path.join(tmp, "payload", os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(tmp, "payload", path), "w", encoding="utf-8") as f:
                f.write(f"stand-in for {path}\n")
        listing = "".join(f"payload/{p}\n" for p in RUNTIME)
        fragment = run(["wixl-heat", "--prefix", "payload/", "--directory-ref", "INSTALLDIR",
                        "--component-group", "RuntimeFiles", "--var", "var.PayloadDir",
                        "--win64"], tmp, stdin=listing)
        with open(os.path.join(tmp, "runtime-heat.wxs"), "w", encoding="utf-8") as f:
            f.write(fragment)
        with open(os.path.join(tmp, "runtime.wxs"), "w", encoding="utf-8") as f:
            f.write(run(["xsltproc", xsl, "runtime-heat.wxs"], tmp))

        # The harvest as heat leaves it breaks both rules; the check must see it.
        build(wxs, "runtime-heat.wxs", version, "untransformed.msi", tmp)
        problems = per_user_problems("untransformed.msi", tmp)
        for symptom in ("is the file", "no RemoveFile row"):
            if not any(symptom in p for p in problems):
                fail(f"the untransformed harvest should give a problem '{symptom}', the"
                     f" per-user check sees: {problems}")

        build(wxs, "runtime.wxs", version, "switchyard.msi", tmp)
        msi = "switchyard.msi"
        problems = per_user_problems(msi, tmp)
        if problems:
            fail("not a per-user package (ICE38/ICE64):\n  " + "\n  ".join(problems))

        summary = run(["msiinfo", "suminfo", msi], tmp)
        fields = dict(line.split(": ", 1) for line in summary.splitlines() if ": " in line)
        if not fields.get("Template", "").startswith("x64;"):
            fail(f"not an x64 package: Template {fields.get('Template')}")
        # PID_WORDCOUNT (msiinfo calls it Source): bit 8 = elevated privileges not required.
        word_count = int(fields.get("Source", "0").split()[0])
        if not word_count & 8:
            fail(f"the package asks for elevation (word count {word_count}): not per-user")

        props = {row[0]: row[1] for row in table(msi, "Property", tmp)}
        for forbidden in ("ALLUSERS", "MSIINSTALLPERUSER"):
            if forbidden in props:
                fail(f"{forbidden} is set: a per-user package sets neither")
        if props.get("UpgradeCode") != UPGRADE_CODE:
            fail(f"UpgradeCode is {props.get('UpgradeCode')}, it must stay {UPGRADE_CODE}")
        if props.get("ProductVersion") != version:
            fail(f"ProductVersion {props.get('ProductVersion')} is not meson's {version}")
        upgrades = table(msi, "Upgrade", tmp)
        if not any(row[0] == UPGRADE_CODE for row in upgrades):
            fail("no Upgrade row: a newer MSI would not replace an older one")

        dirs = {row[0]: (row[1], row[2]) for row in table(msi, "Directory", tmp)}
        chain, d = [], "INSTALLDIR"
        while d:
            chain.append(d)
            d = dirs[d][0]
        names = [dirs[d][1].split("|")[-1] for d in chain]
        if chain[-2:] != ["LocalAppDataFolder", "TARGETDIR"] or names[:2] != ["Switchyard",
                                                                            "Programs"]:
            fail(f"INSTALLDIR is not LocalAppData\\Programs\\Switchyard: {chain} {names}")

        components = {row[0]: row for row in table(msi, "Component", tmp)}
        for cid in ("SwitchyardExe", "SwitchyardServerExe", "StartMenuShortcut", "InstallDir",
                    "ProgramsFolder", "AutostartRunKey"):
            if cid not in components:
                fail(f"no component {cid}")
        guids = [row[1] for row in components.values()]
        if len(set(guids)) != len(guids):
            fail("two components share a GUID")

        shortcuts = table(msi, "Shortcut", tmp)
        if not any(r[1] == "ProgramMenuFolder" and r[4] == "[BINDIR]switchyard.exe"
                   for r in shortcuts):
            fail(f"no Start-menu shortcut to switchyard.exe: {shortcuts}")

        registry = table(msi, "Registry", tmp)
        if any(row[1] != "1" for row in registry):
            fail("a registry value outside HKCU (root 1): a per-user package writes HKCU only")
        run_rows = [row for row in registry if row[2] == RUN_KEY]
        if [(r[3], r[5]) for r in run_rows] != [("Switchyard", "AutostartRunKey")]:
            fail(f"the Run key must be one value Switchyard in AutostartRunKey: {run_rows}")
        if "--gapplication-service" not in run_rows[0][4]:
            fail("autostart must start the app as a service (into the tray), like the"
                 " autostart desktop file")

        features = {row[0]: row for row in table(msi, "Feature", tmp)}
        if "Autostart" not in features or int(features["Autostart"][5]) <= 1:
            fail("the Autostart feature must exist and be off by default (Level > 1)")
        links = table(msi, "FeatureComponents", tmp)
        if [r[0] for r in links if r[1] == "AutostartRunKey"] != ["Autostart"]:
            fail("AutostartRunKey must belong to the Autostart feature alone")
        actions = {row[0]: row for row in table(msi, "CustomAction", tmp)}
        if actions.get("SetAutostartLevel", [None, None, "?", "?"])[2:4] != ["INSTALLLEVEL",
                                                                           "2"]:
            fail("AUTOSTART=1 must raise INSTALLLEVEL to 2")

        # User data: only the RemoveUserData action touches %LOCALAPPDATA%\switchyard, and
        # only on a full uninstall that asks for it, not during an upgrade.
        remove = actions.get("RemoveUserData")
        if remove is None or "[LocalAppDataFolder]switchyard" not in remove[3]:
            fail("no RemoveUserData action for %LOCALAPPDATA%\\switchyard")
        sequence = {row[0]: row for row in table(msi, "InstallExecuteSequence", tmp)}
        condition = sequence.get("RemoveUserData", [None, ""])[1]
        for needed in ('REMOVE = "ALL"', 'REMOVEUSERDATA = "1"', "NOT UPGRADINGPRODUCTCODE"):
            if needed not in condition:
                fail(f"RemoveUserData runs without {needed}: {condition!r}")
        for name, row in actions.items():
            if name != "RemoveUserData" and "switchyard" in row[3].lower() \
                    and "LocalAppDataFolder]switchyard" in row[3]:
                fail(f"{name} touches the user data")

        os.makedirs(os.path.join(tmp, "out"))
        extracted = run(["msiextract", "-C", "out", msi], tmp).split()
        for path in EXES + RUNTIME:
            if not any(e.replace("\\", "/").endswith("Switchyard/" + path) for e in extracted):
                fail(f"{path} is not in the package: {extracted}")
        if len(extracted) != len(EXES + RUNTIME):
            fail(f"{len(extracted)} files in the package, the payload has"
                 f" {len(EXES + RUNTIME)}: {extracted}")

    print(f"ok: {os.path.basename(wxs)} {version}: per-user x64 MSI, {len(components)}"
          f" components all keyed in HKCU, profile directories removed on uninstall,"
          f" Start-menu shortcut, optional HKCU Run key, user data kept")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

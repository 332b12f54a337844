#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks the generated systemd user unit of switchyard-server (data/switchyard-server.service.in
# after meson's configure_file):
#
#   check-systemd-unit.py static   UNIT BINDIR
#       parses the unit: ExecStart runs BINDIR/switchyard-server, the restart policy and the
#       sandbox are there, and the one writable path is the data directory the unit sets.
#   check-systemd-unit.py verify   UNIT BINDIR SERVER
#       `systemd-analyze --user verify` on a copy whose ExecStart runs SERVER (the built binary:
#       the installed one need not exist yet). Any message fails: systemd only warns about
#       unknown keys and bad values.
#   check-systemd-unit.py security UNIT BINDIR SERVER MAX_EXPOSURE
#       `systemd-analyze --user security --offline=true`: fails when the exposure score (0.0
#       best, 10.0 worst) is above MAX_EXPOSURE, as it is when a sandbox option is dropped.
#
# verify and security exit 77 (skipped) without systemd-analyze. No running systemd is needed.

import os
import re
import shutil
import subprocess
import sys
import tempfile

DATA_DIR = "%h/.local/share/switchyard"

REQUIRED = {
    "Unit": {"Description": None},
    "Service": {
        "Type": "exec",
        "Restart": "on-failure",
        "NoNewPrivileges": "yes",
        "PrivateTmp": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "read-only",
        "ReadWritePaths": DATA_DIR,
        "Environment": "SWITCHYARD_DATA_DIR=" + DATA_DIR,
        "UMask": "0077",
        "PrivateUsers": "yes",
        "PrivateDevices": "yes",
        "ProtectKernelTunables": "yes",
        "ProtectKernelModules": "yes",
        "ProtectKernelLogs": "yes",
        "ProtectControlGroups": "yes",
        "ProtectHostname": "yes",
        "ProtectProc": "invisible",
        "RestrictNamespaces": "yes",
        "RestrictRealtime": "yes",
        "RestrictSUIDSGID": "yes",
        "LockPersonality": "yes",
        "MemoryDenyWriteExecute": "yes",
        "SystemCallArchitectures": "native",
        "SystemCallFilter": "@system-service",
        "RestrictAddressFamilies": None,
    },
    "Install": {"WantedBy": "default.target"},
}


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def parse_unit(path):
    """Returns {section: [(key, value), ...]} in file order; keys may repeat, as in systemd."""
    sections = {}
    current = None
    with open(path, encoding="utf-8") as unit:
        for number, raw in enumerate(unit, 1):
            line = raw.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("[") and line.endswith("]"):
                current = sections.setdefault(line[1:-1], [])
                continue
            if current is None or "=" not in line:
                fail(f"{path}:{number}: not a key=value line inside a section: {line}")
            key, value = line.split("=", 1)
            current.append((key.strip(), value.strip()))
    return sections


def values(sections, section, key):
    return [v for k, v in sections.get(section, []) if k == key]


def check_static(unit, bindir):
    text = open(unit, encoding="utf-8").read()
    leftover = re.findall(r"@[A-Za-z_]+@", text)
    if leftover:
        fail(f"unsubstituted configure_file variables: {', '.join(sorted(set(leftover)))}")

    sections = parse_unit(unit)
    for section, keys in REQUIRED.items():
        if section not in sections:
            fail(f"no [{section}] section")
        for key, want in keys.items():
            got = values(sections, section, key)
            if not got:
                fail(f"[{section}] has no {key}=")
            if want is not None and want not in got:
                fail(f"[{section}] {key}= is {got}, expected {want}")

    exec_start = values(sections, "Service", "ExecStart")
    if len(exec_start) != 1:
        fail(f"expected one ExecStart=, found {exec_start}")
    program = exec_start[0].split()[0].lstrip("-@:+!")
    expected = os.path.join(bindir, "switchyard-server")
    if program != expected:
        fail(f"ExecStart runs {program}, but meson installs the server as {expected}")

    # The data directory must exist before the sandbox mounts it writable.
    if not any(DATA_DIR in v and "mkdir" in v for v in values(sections, "Service", "ExecStartPre")):
        fail(f"no ExecStartPre= creates {DATA_DIR}")

    wanted_by = values(sections, "Install", "WantedBy")
    if "multi-user.target" in wanted_by:
        fail("a user unit is wanted by default.target; multi-user.target exists only for the "
             "system manager")
    if values(sections, "Service", "User"):
        fail("User= has no place in a user unit")
    print(f"ok: {unit}: ExecStart={program}, sandboxed, data in {DATA_DIR}")


def find_analyze():
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        print("SKIP: systemd-analyze not found (Debian package systemd)")
        sys.exit(77)
    return analyze


def copy_for_analysis(unit, bindir, server, tmp):
    """A copy of the unit whose ExecStart runs the built server; systemd-analyze checks that
    every program it names is executable."""
    if not os.access(server, os.X_OK):
        fail(f"{server} is not an executable: build the project first")
    text = open(unit, encoding="utf-8").read()
    installed = os.path.join(bindir, "switchyard-server")
    copy = os.path.join(tmp, os.path.basename(unit))
    with open(copy, "w", encoding="utf-8") as out:
        out.write(text.replace("ExecStart=" + installed, "ExecStart=" + os.path.abspath(server)))
    return copy


def analyze_env(tmp):
    # systemd-analyze --user wants a runtime directory and a home; a throw-away one of each
    # keeps the check from touching the caller's.
    runtime = os.path.join(tmp, "runtime")
    home = os.path.join(tmp, "home")
    os.mkdir(runtime, 0o700)
    os.mkdir(home, 0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=runtime, HOME=home, SYSTEMD_LOG_COLOR="0",
               SYSTEMD_COLORS="0", SYSTEMD_PAGER="", LC_ALL="C.UTF-8")
    env.pop("XDG_CONFIG_HOME", None)
    return env


def check_verify(unit, bindir, server):
    analyze = find_analyze()
    with tempfile.TemporaryDirectory() as tmp:
        copy = copy_for_analysis(unit, bindir, server, tmp)
        result = subprocess.run([analyze, "--user", "verify", copy], env=analyze_env(tmp),
                                capture_output=True, text=True)
        output = (result.stdout + result.stderr).strip()
        if result.returncode != 0 or output:
            fail(f"systemd-analyze --user verify (exit {result.returncode}):\n{output}")
    print(f"ok: systemd-analyze --user verify {os.path.basename(unit)}: no messages")


def check_security(unit, bindir, server, threshold):
    analyze = find_analyze()
    with tempfile.TemporaryDirectory() as tmp:
        copy = copy_for_analysis(unit, bindir, server, tmp)
        # systemd prints the exposure from 0.0 to 10.0 but takes the threshold in tenths.
        tenths = round(float(threshold) * 10)
        result = subprocess.run([analyze, "--user", "security", "--offline=true",
                                 f"--threshold={tenths}", "--no-pager", copy],
                                env=analyze_env(tmp), capture_output=True, text=True)
        score = re.search(r"Overall exposure level for \S+: ([0-9.]+)", result.stdout)
        if score is None:
            fail(f"no exposure score in systemd-analyze's output (exit {result.returncode}):\n"
                 f"{result.stdout}{result.stderr}")
        if result.returncode != 0:
            print(result.stdout)
            fail(f"exposure {score.group(1)} is above the threshold {threshold}: a sandbox "
                 "option was dropped or weakened (the ✗ lines above say which)")
    print(f"ok: exposure {score.group(1)} <= {threshold}")


def main(argv):
    if len(argv) < 4 or argv[1] not in ("static", "verify", "security"):
        print(__doc__ or "usage: check-systemd-unit.py static|verify|security UNIT BINDIR ...",
              file=sys.stderr)
        return 2
    mode, unit, bindir = argv[1:4]
    check_static(unit, bindir)
    if mode == "verify":
        check_verify(unit, bindir, argv[4])
    elif mode == "security":
        check_security(unit, bindir, argv[4], argv[5])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

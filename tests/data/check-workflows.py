#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks the GitHub Actions workflows that build Switchyard on Windows and macOS (they cannot
# run here):
#
#   check-workflows.py SRCDIR
#
# Each .github/workflows/*.yml must parse as YAML, have triggers and jobs, give every job a
# runs-on and steps, pin every action to a version, and run only scripts that exist in the
# tree and are executable (any line of a run: block that starts with a path into the tree,
# after VAR=value assignments). windows.yml must run its scripts in MSYS2's UCRT64 environment
# on windows-latest and build windows/switchyard.wxs, with the harvest through
# windows/runtime-per-user.xsl and without suppressing ICE38 or ICE64; macos.yml must run its
# scripts on macos-latest. Exits 77 (skipped) without PyYAML.

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:
    print("SKIP: PyYAML is not installed (Debian package python3-yaml)")
    sys.exit(77)

EXPECTED = {
    "windows.yml": ("windows-latest", ["windows/build-server.sh", "windows/build-desktop.sh"]),
    "macos.yml": ("macos-latest", ["macos/build-server.sh", "macos/make-app.sh",
                                   "macos/make-dmg.sh"]),
}
# A command that starts with one of these runs a file from the tree.
TREE_DIRS = ("windows/", "macos/", "tests/", "data/", ".ci/", "flatpak/")


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def check(path, srcdir):
    name = os.path.basename(path)
    try:
        with open(path, encoding="utf-8") as f:
            workflow = yaml.safe_load(f)
    except yaml.YAMLError as e:
        fail(f"{name}: not YAML: {e}")
    if not isinstance(workflow, dict):
        fail(f"{name}: not a mapping")
    # YAML 1.1 reads the key `on` as the boolean true.
    triggers = workflow.get("on", workflow.get(True))
    if not triggers:
        fail(f"{name}: no triggers (on:)")
    jobs = workflow.get("jobs")
    if not isinstance(jobs, dict) or not jobs:
        fail(f"{name}: no jobs")

    runners, scripts, shell_blocks = set(), [], []
    for job_name, job in jobs.items():
        if "runs-on" not in job or not job.get("steps"):
            fail(f"{name}: job {job_name} needs runs-on and steps")
        runners.add(job["runs-on"])
        shell = job.get("defaults", {}).get("run", {}).get("shell", "")
        for step in job["steps"]:
            if "uses" in step and not re.search(r"@v?\d", step["uses"]):
                fail(f"{name}: {step['uses']} is not pinned to a version")
            if step.get("uses", "").startswith("msys2/setup-msys2"):
                if step.get("with", {}).get("msystem") != "UCRT64":
                    fail(f"{name}: setup-msys2 must set msystem: UCRT64")
            if "run" in step:
                if not step.get("shell", shell).startswith(("pwsh", "powershell", "cmd")):
                    shell_blocks.append((step.get("name", job_name), step["run"]))
                continued = False
                for line in step["run"].splitlines():
                    words = [] if continued else line.split()
                    continued = line.rstrip().endswith("\\")
                    while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=\S*", words[0]):
                        words.pop(0)
                    if not words or not words[0].startswith(TREE_DIRS):
                        continue
                    script = os.path.join(srcdir, words[0])
                    if not os.path.isfile(script) or not os.access(script, os.X_OK):
                        fail(f"{name}: runs {words[0]}, which is not an executable file in"
                             " the tree")
                    scripts.append((words[0], step.get("shell", shell)))

    if name in EXPECTED:
        runner, expected_scripts = EXPECTED[name]
        if runner not in runners:
            fail(f"{name}: expected a job on {runner}, found {sorted(runners)}")
        for script in expected_scripts:
            ran = [s for s in scripts if s[0] == script]
            if not ran:
                fail(f"{name}: does not run {script}")
            if name == "windows.yml" and not ran[0][1].startswith("msys2"):
                fail(f"{name}: {script} must run in the msys2 shell")
        if name == "windows.yml":
            with open(path, encoding="utf-8") as f:
                text = f.read()
            for needed in ("windows\\switchyard.wxs", "-t windows\\runtime-per-user.xsl",
                           "candle.exe", "light.exe", "REMOVEUSERDATA=1"):
                if needed not in text:
                    fail(f"{name}: the MSI steps must use {needed}")
            # The transform makes the harvest per-user: ICE38 and ICE64 must run and pass.
            for ice in ("ICE38", "ICE64"):
                if re.search(rf"-sice:{ice}\b", text):
                    fail(f"{name}: light must not suppress {ice}")
    checked = shellcheck_blocks(name, shell_blocks)
    print(f"ok: {name}: {', '.join(sorted(runners))}; runs {', '.join(s for s, _ in scripts)}"
          f"; {checked} bash run blocks shellchecked")


def shellcheck_blocks(name, blocks):
    """Every run: block that runs in bash (the runners' default, and msys2 {0}) through
    shellcheck, with ${{ expressions }} replaced by a plain word. 0 without shellcheck."""
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, (step, text) in enumerate(blocks):
            script = os.path.join(tmp, f"step{i}.sh")
            with open(script, "w", encoding="utf-8") as f:
                f.write("#!/bin/bash\n" + re.sub(r"\$\{\{[^}]*\}\}", "EXPR", text))
            result = subprocess.run([shellcheck, "-s", "bash", script], capture_output=True,
                                    text=True)
            if result.returncode != 0:
                fail(f"{name}: step '{step}' fails shellcheck:\n{result.stdout}")
    return len(blocks)


def main(argv):
    if len(argv) != 2:
        print("usage: check-workflows.py SRCDIR", file=sys.stderr)
        return 2
    files = sorted(glob.glob(os.path.join(argv[1], ".github", "workflows", "*.yml")))
    missing = [n for n in EXPECTED if n not in map(os.path.basename, files)]
    if missing:
        fail(f"missing workflows: {missing}")
    for path in files:
        check(path, argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

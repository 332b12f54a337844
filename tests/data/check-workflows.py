#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks the GitHub Actions workflows that build switchyard-server on Windows and macOS (they
# cannot run here):
#
#   check-workflows.py SRCDIR
#
# Each .github/workflows/*.yml must parse as YAML, have triggers and jobs, give every job a
# runs-on and steps, pin every action to a version, and run only scripts that exist in the
# tree and are executable. windows.yml must run its script in MSYS2's MINGW64 environment on
# windows-latest and macos.yml on macos-latest. Exits 77 (skipped) without PyYAML.

import glob
import os
import re
import sys

try:
    import yaml
except ImportError:
    print("SKIP: PyYAML is not installed (Debian package python3-yaml)")
    sys.exit(77)

EXPECTED = {
    "windows.yml": ("windows-latest", "windows/build-server.sh"),
    "macos.yml": ("macos-latest", "macos/build-server.sh"),
}


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

    runners, scripts = set(), []
    for job_name, job in jobs.items():
        if "runs-on" not in job or not job.get("steps"):
            fail(f"{name}: job {job_name} needs runs-on and steps")
        runners.add(job["runs-on"])
        shell = job.get("defaults", {}).get("run", {}).get("shell", "")
        for step in job["steps"]:
            if "uses" in step and not re.search(r"@v?\d", step["uses"]):
                fail(f"{name}: {step['uses']} is not pinned to a version")
            if step.get("uses", "").startswith("msys2/setup-msys2"):
                if step.get("with", {}).get("msystem") != "MINGW64":
                    fail(f"{name}: setup-msys2 must set msystem: MINGW64")
            if "run" in step:
                first = step["run"].split()[0]
                if "/" in first:
                    script = os.path.join(srcdir, first)
                    if not os.path.isfile(script) or not os.access(script, os.X_OK):
                        fail(f"{name}: runs {first}, which is not an executable file in the tree")
                    scripts.append((first, step.get("shell", shell)))

    if name in EXPECTED:
        runner, script = EXPECTED[name]
        if runner not in runners:
            fail(f"{name}: expected a job on {runner}, found {sorted(runners)}")
        ran = [s for s in scripts if s[0] == script]
        if not ran:
            fail(f"{name}: does not run {script}")
        if name == "windows.yml" and not ran[0][1].startswith("msys2"):
            fail(f"{name}: {script} must run in the msys2 shell")
    print(f"ok: {name}: {', '.join(sorted(runners))}; runs {', '.join(s for s, _ in scripts)}")


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

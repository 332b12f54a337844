#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Turns meson's JSON test logs into the one line the CI reads: "N passed, M failed".
# Reads logs only; never runs or rebuilds anything. Standard library only.
#
#   .ci/count-tests.py _build _build-asan
#
# Each argument is a build directory (every meson-logs/testlog*.json in it is read: meson
# names the log <logbase>[-<wrapper>].json) or a .json log itself. A build directory without
# any log counts as one failure: its setup, build or test run never got that far.
#
# Counting: a TAP test counts its "ok" lines as passed ("# SKIP" included) and its "not ok"
# lines as failed (except "# TODO", an expected failure). A non-TAP test counts as one. A test
# meson marks FAIL/TIMEOUT/ERROR/... without any failing "not ok" line (a crash, a timeout,
# a sanitizer report after the last subtest) adds one failure.

import glob
import json
import os
import re
import sys

TAP_LINE = re.compile(r"^(not ok|ok)\b(.*)$")
TAP_PLAN = re.compile(r"^1\.\.\d+")
DIRECTIVE = re.compile(r"#\s*(SKIP|TODO)\b", re.IGNORECASE)
FAILED_RESULTS = {"FAIL", "TIMEOUT", "ERROR", "UNEXPECTEDPASS", "INTERRUPT"}


def count_test(entry):
    """Returns (passed, failed, skipped) for one test of a meson JSON log."""
    stdout = entry.get("stdout") or ""
    result = entry.get("result", "ERROR")
    passed = failed = skipped = 0
    is_tap = False

    for line in stdout.splitlines():
        if TAP_PLAN.match(line):
            is_tap = True
            continue
        match = TAP_LINE.match(line)
        if not match:
            continue
        is_tap = True
        directive = DIRECTIVE.search(match.group(2))
        kind = directive.group(1).upper() if directive else None
        if match.group(1) == "ok":
            passed += 1
            if kind == "SKIP":
                skipped += 1
        elif kind == "TODO":
            passed += 1
        else:
            failed += 1

    if not is_tap:
        if result in FAILED_RESULTS:
            return 0, 1, 0
        return 1, 0, 1 if result == "SKIP" else 0

    if result in FAILED_RESULTS and failed == 0:
        failed = 1
    return passed, failed, skipped


def log_files(arg):
    if arg.endswith(".json"):
        return [arg] if os.path.exists(arg) else []
    return sorted(glob.glob(os.path.join(arg, "meson-logs", "testlog*.json")))


def main(argv):
    if len(argv) < 2:
        print("usage: count-tests.py BUILD_DIR_OR_LOG...", file=sys.stderr)
        return 2

    total_passed = total_failed = total_skipped = 0

    for arg in argv[1:]:
        files = log_files(arg)
        if not files:
            print(f"count-tests: {arg}: no meson test log (setup, build or test run failed)",
                  file=sys.stderr)
            total_failed += 1
            continue

        for path in files:
            passed = failed = skipped = 0
            with open(path, encoding="utf-8", errors="replace") as log:
                for number, line in enumerate(log, 1):
                    line = line.strip()
                    if not line:
                        continue
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        print(f"count-tests: {path}:{number}: not JSON", file=sys.stderr)
                        failed += 1
                        continue
                    p, f, s = count_test(entry)
                    passed += p
                    failed += f
                    skipped += s
                    if f:
                        print(f"count-tests: {path}: {entry.get('name', '?')}: "
                              f"{entry.get('result', '?')}, {f} failed", file=sys.stderr)
            print(f"count-tests: {path}: {passed} passed ({skipped} skipped), {failed} failed",
                  file=sys.stderr)
            total_passed += passed
            total_failed += failed
            total_skipped += skipped

    sys.stderr.flush()
    print(f"{total_passed} passed, {total_failed} failed", flush=True)
    return 1 if total_failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

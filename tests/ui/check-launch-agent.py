#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Reads a LaunchAgent that src/app/sy-autostart-launchd.c wrote with Python's plistlib (the
# XML format macOS reads; plutil cannot run here) and checks every key and its type:
#
#   check-launch-agent.py PLIST LABEL PROGRAM
#
# Exactly Label, ProgramArguments [PROGRAM, --gapplication-service], RunAtLoad true and
# ProcessType Interactive. Called by tests/ui/test-autostart.c.

import plistlib
import sys


def main(argv):
    if len(argv) != 4:
        print("usage: check-launch-agent.py PLIST LABEL PROGRAM", file=sys.stderr)
        return 2
    path, label, program = argv[1:]
    try:
        with open(path, "rb") as f:
            agent = plistlib.load(f)
    except (plistlib.InvalidFileException, ValueError) as e:
        print(f"{path}: not a property list: {e}", file=sys.stderr)
        return 1
    expected = {
        "Label": label,
        "ProgramArguments": [program, "--gapplication-service"],
        "RunAtLoad": True,
        "ProcessType": "Interactive",
    }
    if agent != expected:
        print(f"{path}: {agent!r}\n  expected {expected!r}", file=sys.stderr)
        return 1
    if type(agent["RunAtLoad"]) is not bool:
        print(f"{path}: RunAtLoad is a {type(agent['RunAtLoad']).__name__}, not a bool",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

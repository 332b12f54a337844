#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The macOS branches of the app's C code, checked where no Mac is:
#
#   check-macos-sources.py SRCDIR BUILDDIR
#
# Takes main.c's and sy-application.c's compile commands from BUILDDIR/compile_commands.json
# and runs them again with -fsyntax-only and __APPLE__ defined, with macos/ and src/tray on the
# include path as src/app/meson.build puts them there on Darwin: their `#ifdef __APPLE__` parts
# (the single-instance guard in main(), the menu-bar item in sy-application.c) must agree with
# macos/sy-macos.h, the C face of the Objective-C code. The Objective-C itself needs AppKit's
# headers and is compiled by .github/workflows/macos.yml only.

import json
import os
import shlex
import subprocess
import sys

FILES = ("src/app/main.c", "src/app/sy-application.c")


def main():
    if len(sys.argv) != 3:
        print("usage: check-macos-sources.py SRCDIR BUILDDIR", file=sys.stderr)
        return 2
    srcdir, builddir = (os.path.abspath(p) for p in sys.argv[1:])
    with open(os.path.join(builddir, "compile_commands.json"), encoding="utf-8") as f:
        commands = json.load(f)
    failed = False
    for wanted in FILES:
        path = os.path.join(srcdir, wanted)
        entry = next((e for e in commands
                      if os.path.realpath(os.path.join(e["directory"], e["file"])) ==
                      os.path.realpath(path)), None)
        if entry is None:
            print(f"FAIL: no compile command for {wanted} in compile_commands.json")
            return 1
        args = shlex.split(entry["command"])
        kept = []
        skip = 0
        for arg in args:
            if skip:
                skip -= 1
                continue
            if arg in ("-o", "-MQ", "-MF"):
                skip = 1
                continue
            if arg in ("-c", "-MD"):
                continue
            kept.append(arg)
        kept[1:1] = ["-fsyntax-only", "-Werror", "-D__APPLE__", "-I" + os.path.join(srcdir, "macos"),
                     "-I" + os.path.join(srcdir, "src", "tray")]
        result = subprocess.run(kept, cwd=entry["directory"], capture_output=True, text=True)
        if result.returncode != 0:
            print(f"FAIL: {wanted} with __APPLE__ defined:\n{result.stderr}")
            failed = True
        else:
            print(f"ok: {wanted} with __APPLE__ defined")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

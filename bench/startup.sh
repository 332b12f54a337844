#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The desktop app's start-up on this machine: RUNS times (default 20) `switchyard` is started
# afresh under tests/run-headless.sh (Xvfb, a private session bus) and bench/startup-probe.c
# times, from the spawn, (a) its tray icon's StatusNotifierItem registration, seen by a test
# StatusNotifierWatcher, and (b) its main window being mapped (the app's SWITCHYARD_TIMING=1
# line). Prints every run, then median and p90 of each (targets: tray 300 ms, window 600 ms).
# Wall time: run it on an idle machine. Never from a test: timings are not asserted anywhere.
#   bench/startup.sh [BUILD_DIR] [RUNS]
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")/.."
build=${1:-_build}
runs=${2:-20}
probe="$build/bench/startup-probe"
app="$build/src/app/switchyard"
[[ -x $probe && -x $app && -x $build/src/tray/switchyard-tray ]] ||
  { echo "build first: meson setup $build && ninja -C $build (with switchyard-tray)" >&2; exit 1; }

echo "startup: $runs runs, $(date -u +%F), $(nproc) CPUs, commit $(git rev-parse --short HEAD)"
exec tests/run-headless.sh "$probe" "$(readlink -f "$app")" "$runs"

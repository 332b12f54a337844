#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Instruction counts of translation alone (bench/translate-cost.c) under callgrind: a 2 KB Chat
# Completions request to Anthropic Messages, and a 20-chunk Anthropic stream to Chat
# Completions. Counts repeat exactly for the same binary, so they are comparable across runs on
# a noisy machine. The two are measured as (N iterations) - (1 iteration), divided by N - 1.
#   bench/callgrind-translate.sh [BUILD_DIR]
set -euo pipefail

build=${1:-_build}
bin="$build/bench/translate-cost"
[[ -x "$bin" ]] || { echo "build first: ninja -C $build bench/translate-cost" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

count ()
{
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.$1" "$bin" "$1" >/dev/null 2>"$work/log.$1"
  callgrind_annotate "$work/cg.$1" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
}

one=$(count 1)
many=$(count 201)
per=$(( (many - one) / 200 ))
echo "translate-cost: $per instructions per (2 KB request + 20-chunk stream), callgrind, $(date -u +%F)"
"$bin" 20000

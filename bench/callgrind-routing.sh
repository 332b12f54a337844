#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Instruction counts of one routing decision (bench/routing-cost.c) under callgrind, for a
# direct "prefix/model", a five-member combo and a bare model name (a custom model), in a small
# configuration (one provider) and a large one (25 providers with 100 accounts, 5,000 priced
# models, 200 combos, 50 aliases). Measured as
# (N decisions) - (1 decision), divided by N - 1; counts repeat exactly for the same binary.
#   bench/callgrind-routing.sh [BUILD_DIR]
set -euo pipefail

build=${1:-_build}
bin="$build/bench/routing-cost"
[[ -x "$bin" ]] || { echo "build first: ninja -C $build bench/routing-cost" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

count ()
{
  valgrind --tool=callgrind --callgrind-out-file="$work/cg" "$bin" "$1" "$2" "$3" >/dev/null 2>"$work/log"
  callgrind_annotate "$work/cg" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
}

for config in small large; do
  for kind in direct combo bare; do
    one=$(count "$config" "$kind" 1)
    many=$(count "$config" "$kind" 1001)
    echo "routing-cost $config $kind: $(( (many - one) / 1000 )) instructions per decision"
  done
done
echo "(callgrind, $(date -u +%F))"
for config in small large; do
  for kind in direct combo bare; do
    "$bin" "$config" "$kind" 100000
  done
done

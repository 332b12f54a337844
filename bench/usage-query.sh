#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# GET /api/usage over a million usage rows. Fills a throw-away data dir through the real usage
# writer (bench/usage-query.c: rows and daily aggregates, in time order over 60 days), times
# the API's queries at the store level (a fresh connection per query, as the API opens one),
# then starts switchyard-server on that data dir and times the same requests over HTTP with
# curl (median of 15, after one warm-up). Wall time: run it on an idle machine.
#   bench/usage-query.sh [BUILD_DIR] [ROWS]
set -euo pipefail

build=${1:-_build}
rows=${2:-1000000}
bin="$build/bench/usage-query"
server="$build/src/server/switchyard-server"
[[ -x "$bin" && -x "$server" ]] || { echo "build first: ninja -C $build" >&2; exit 1; }
command -v curl >/dev/null || { echo "needs curl" >&2; exit 1; }

work=$(mktemp -d)
pid=
cleanup ()
{
  if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "usage-query: $rows rows, $(date -u +%F), $(nproc) CPUs"
"$bin" fill "$work" "$rows" 60
echo
echo "store level (SyUsageQuery), median of 15:"
"$bin" time "$work"

token=bench-admin-token-0123456789
SWITCHYARD_ADMIN_TOKEN=$token SWITCHYARD_SECRET_STORE=memory \
  "$server" --host 127.0.0.1 --port 0 --data-dir "$work" >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 100); do
  grep -q '^listening on ' "$work/out" 2>/dev/null && break
  sleep 0.1
done
base=$(sed -n 's/^listening on //p' "$work/out")
[[ -n $base ]] || { echo "the server did not start:" >&2; cat "$work/err" >&2; exit 1; }

echo
echo "over HTTP (curl time_total, median of 15):"
for q in "groupBy=day" "groupBy=provider" "groupBy=key" "groupBy=model" \
         "from=$(( $(date +%s) * 1000 - 7 * 86400000 ))&groupBy=provider" \
         "provider=anthropic&status=error&limit=100" "limit=1000"; do
  curl -s -o "$work/body" -H "Authorization: Bearer $token" "$base/api/usage?$q"
  grep -q '"totals"' "$work/body" || { echo "GET /api/usage?$q failed: $(head -c 300 "$work/body")" >&2; exit 1; }
  median=$(for _ in $(seq 15); do
             curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" \
               "$base/api/usage?$q"
           done | sort -n | sed -n 8p)
  printf '%-55s %8.2f ms  (%s bytes)\n' "GET /api/usage?$q" "$(echo "$median * 1000" | bc -l)" \
    "$(stat -c %s "$work/body")"
done

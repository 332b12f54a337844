#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Instructions per proxied request, counted by valgrind's callgrind (see bench/README.md).
#
# Runs switchyard-server under callgrind twice against the nginx mock:
#   baseline: start, configure, W warm-up requests, SIGTERM
#   measured: start, configure, W warm-up requests, N more requests, SIGTERM
# and reports (Ir(measured) - Ir(baseline)) / N. Start-up, configuration, first-request set-up
# and shutdown cancel out; what is left is the steady-state cost of one sequential request on a
# keep-alive client connection (all threads, incl. the usage writer).
#
# Environment:
#   SWITCHYARD_SERVER  server binary [_build/src/server/switchyard-server]
#   CG_N               measured requests [2000]
#   CG_WARMUP          warm-up requests in both runs [20]
#   CG_STREAM          1 = streaming requests (20-chunk SSE) instead of JSON [0]
#   CG_MOCK_PORT       mock upstream port [18080]
#   CG_OUT             results directory [bench/results]
#   CG_KEEP            1 = keep the work directory (callgrind.out files) [0]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
PY=${PY:-$( [[ -x /usr/bin/python3 ]] && echo /usr/bin/python3 || command -v python3 )}
LIB="$HERE/benchlib.py"
SERVER=${SWITCHYARD_SERVER:-$ROOT/_build/src/server/switchyard-server}
N=${CG_N:-2000}
W=${CG_WARMUP:-20}
STREAM=${CG_STREAM:-0}
MOCK_PORT=${CG_MOCK_PORT:-18080}
OUTDIR=${CG_OUT:-$HERE/results}
TOKEN="bench-admin-token-$RANDOM$RANDOM$RANDOM"

log() { echo "[callgrind] $*" >&2; }
die() { echo "[callgrind] ERROR: $*" >&2; exit 1; }

NGINX=$(command -v nginx || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true)
[[ -n "$NGINX" ]] || die "nginx not found (apt-get install -y nginx-light)"
for c in valgrind callgrind_annotate curl; do command -v "$c" >/dev/null || die "$c not found (apt-get install -y valgrind curl)"; done
[[ -x "$SERVER" ]] || die "no server binary at $SERVER (meson setup _build && ninja -C _build)"

PIN_GW=(); PIN_CL=()
if (( $(nproc --all) >= 2 )); then PIN_GW=(taskset -c 1); PIN_CL=(taskset -c 0); fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-callgrind.XXXXXX")
# both runs use one copy of the binary, even if the build directory is rebuilt meanwhile
SERVER_SRC=$SERVER
SERVER="$WORK/switchyard-server"; cp "$SERVER_SRC" "$SERVER"
GW_PID=""; MOCK_PID=""
cleanup() {
  local rc=$?
  set +e
  if [[ -n "$GW_PID" ]] && kill -0 "$GW_PID" 2>/dev/null; then
    kill -TERM "$GW_PID"; for _ in $(seq 100); do kill -0 "$GW_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$GW_PID" 2>/dev/null
  fi
  [[ -n "$MOCK_PID" ]] && kill -QUIT "$MOCK_PID" 2>/dev/null
  wait 2>/dev/null
  if [[ ${CG_KEEP:-0} == 1 || $rc != 0 ]]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$MOCK_PORT/"; then
  die "something already listens on 127.0.0.1:$MOCK_PORT (stop it or set CG_MOCK_PORT)"
fi
mkdir -p "$WORK/mock/logs" "$WORK/mock/tmp"
"$PY" "$LIB" mock-conf "$MOCK_PORT" > "$WORK/mock/nginx.conf"
"${PIN_CL[@]}" "$NGINX" -c "$WORK/mock/nginx.conf" -p "$WORK/mock/" -e "$WORK/mock/logs/error.log"
for _ in $(seq 50); do [[ -s "$WORK/mock/logs/nginx.pid" ]] && break; sleep 0.05; done
MOCK_PID=$(cat "$WORK/mock/logs/nginx.pid" 2>/dev/null || true)
[[ -n "$MOCK_PID" ]] || die "nginx mock did not start: $(cat "$WORK/mock/logs/error.log" 2>/dev/null)"
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$MOCK_PORT/v1/models" && break; sleep 0.1; done

if [[ $STREAM == 1 ]]; then
  "$PY" "$LIB" body mocksse/gpt-4o-mini --stream > "$WORK/body.json"; ACCEPT="text/event-stream"; KIND=stream
else
  "$PY" "$LIB" body mock/gpt-4o-mini > "$WORK/body.json"; ACCEPT="application/json"; KIND=json
fi

requests() { # URL COUNT FILE: COUNT sequential requests on one keep-alive connection
  local urls=() i
  for ((i = 0; i < $2; i++)); do urls+=("$1/v1/chat/completions"); done
  "${PIN_CL[@]}" curl -s -N -X POST -H 'Content-Type: application/json' -H "Accept: $ACCEPT" \
    -H 'Authorization: Bearer sk-bench-client' --data-binary @"$WORK/body.json" \
    -w '%{stderr}%{http_code} %{size_download}\n' "${urls[@]}" > /dev/null 2> "$3" || true
  local ok; ok=$(grep -c '^200 ' "$3" || true)
  [[ $ok == "$2" ]] || die "only $ok of $2 requests answered 200: $(grep -v '^200 ' "$3" | head -3)"
}

IR=0
one_run() { # NAME EXTRA_REQUESTS -> total Ir in $IR (no subshell: cleanup must see GW_PID)
  local name=$1 extra=$2 gw t0
  rm -rf "$WORK/data"; mkdir -p "$WORK/data"
  : > "$WORK/$name.out"
  SWITCHYARD_SECRET_STORE=memory SWITCHYARD_ADMIN_TOKEN="$TOKEN" \
    "${PIN_GW[@]}" valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.$name" \
    "$SERVER" --host 127.0.0.1 --port 0 --data-dir "$WORK/data" > "$WORK/$name.out" 2> "$WORK/$name.err" &
  GW_PID=$!
  for _ in $(seq 300); do
    grep -q '^listening on ' "$WORK/$name.out" && break
    kill -0 "$GW_PID" 2>/dev/null || die "server exited: $(tail -5 "$WORK/$name.err")"
    sleep 0.1
  done
  gw=$(sed -n 's/^listening on \(http:\/\/[^ ]*\).*/\1/p' "$WORK/$name.out" | head -1); gw=${gw%/}
  [[ -n "$gw" ]] || die "server under valgrind did not start within 30 s"
  local H=(-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json')
  curl -sf -o /dev/null "${H[@]}" -d "{\"prefix\":\"mock\",\"name\":\"Mock\",\"apiType\":\"openai\",\"baseUrl\":\"http://127.0.0.1:$MOCK_PORT/v1\"}" "$gw/api/provider-nodes"
  curl -sf -o /dev/null "${H[@]}" -d '{"provider":"mock","name":"bench","apiKey":"sk-bench"}' "$gw/api/providers"
  curl -sf -o /dev/null "${H[@]}" -d "{\"prefix\":\"mocksse\",\"name\":\"Mock SSE\",\"apiType\":\"openai\",\"baseUrl\":\"http://127.0.0.1:$MOCK_PORT/sse/v1\"}" "$gw/api/provider-nodes"
  curl -sf -o /dev/null "${H[@]}" -d '{"provider":"mocksse","name":"bench-sse","apiKey":"sk-bench"}' "$gw/api/providers"
  requests "$gw" "$W" "$WORK/$name.warmup"
  if (( extra > 0 )); then
    t0=$SECONDS
    requests "$gw" "$extra" "$WORK/$name.requests"
    log "$name: $extra requests in $((SECONDS - t0)) s under callgrind"
  fi
  kill -TERM "$GW_PID"
  local rc=0; wait "$GW_PID" || rc=$?
  GW_PID=""
  (( rc == 0 )) || die "server exited with $rc after SIGTERM: $(tail -5 "$WORK/$name.err")"
  # one file (threads are merged); "totals:" or "summary:" holds the Ir count
  IR=$(awk '/^(totals|summary):/ {print $2; exit}' "$WORK/callgrind.$name")
  [[ -n "$IR" ]] || die "no Ir total in $WORK/callgrind.$name"
}

log "server: $SERVER_SRC; $N $KIND requests + $W warm-up, baseline $W warm-up only"
T0=$SECONDS
one_run baseline 0; ir_base=$IR
one_run measured "$N"; ir_meas=$IR
per=$(( (ir_meas - ir_base) / N ))

mkdir -p "$OUTDIR"
callgrind_annotate --inclusive=no "$WORK/callgrind.measured" 2>/dev/null | sed -n '1,60p' > "$OUTDIR/callgrind-$KIND-self.txt" || true
callgrind_annotate --inclusive=yes "$WORK/callgrind.measured" 2>/dev/null | sed -n '1,80p' > "$OUTDIR/callgrind-$KIND-inclusive.txt" || true
commit="n/a (binary from outside this checkout)"
if [[ "$SERVER_SRC" == "$ROOT"/* ]]; then
  commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  [[ -n "$(git -C "$ROOT" status --porcelain -- src 2>/dev/null)" ]] && commit="$commit+uncommitted-src"
fi
"$PY" -c 'import json,sys; a=sys.argv[1:]; d=dict(zip(a[::2],a[1::2]))
for k in ("n","warmup","ir_baseline","ir_measured","ir_per_request"): d[k]=int(d[k])
print(json.dumps(d, indent=1))' date "$(date -Is)" commit "$commit" server "$SERVER_SRC" kind "$KIND" \
  n "$N" warmup "$W" ir_baseline "$ir_base" ir_measured "$ir_meas" ir_per_request "$per" \
  valgrind "$(valgrind --version)" > "$OUTDIR/callgrind-$KIND.json"

echo "| requests | kind | Ir baseline (start+config+$W req+stop) | Ir measured (+$N req) | **Ir per proxied request** |"
echo "|---:|---|---:|---:|---:|"
printf '| %d | %s | %s | %s | **%s** |\n' "$N" "$KIND" "$ir_base" "$ir_meas" "$per"
echo
echo "Top functions by self cost (whole measured run): $OUTDIR/callgrind-$KIND-self.txt"
log "done in $((SECONDS - T0)) s"

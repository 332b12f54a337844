#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Switchyard gateway overhead bench (see bench/README.md).
#
# Starts an nginx mock upstream and switchyard-server, then measures in one run the direct
# upstream and the same requests through the gateway: wrk latency/throughput at several
# connection counts, gateway CPU per request, RSS idle and under load, streaming TTFB and cold
# start. Progress goes to stderr, the Markdown summary to stdout, JSON to bench/results/latest.json.
#
# Environment (defaults in brackets; BENCH_QUICK=1 switches to the values after the slash):
#   SWITCHYARD_SERVER   server binary [_build/src/server/switchyard-server]
#   BENCH_QUICK         1 = quick smoke run [0]
#   BENCH_DURATION      seconds per wrk run [10 / 3]
#   BENCH_REPEATS       repeats, interleaved direct/gateway and over connection counts [3 / 1]
#   BENCH_WARMUP        unrecorded wrk warm-up seconds per target at 8 connections [3 / 1]
#   BENCH_CONNS         wrk connection counts ["1 8 64"]
#   BENCH_STREAM_N      sequential streaming requests per target, split over the repeats [200 / 60]
#   BENCH_COLD_STARTS   cold starts (fresh data dir each) [5 / 3]
#   BENCH_IDLE_WAIT     seconds to settle before the after-load memory reading [5 / 2]
#   BENCH_API_KEY       1 = create an inbound API key and send it (key check on every request) [0]
#   BENCH_MOCK_PORT     mock upstream port [18080]
#   BENCH_GW_CPU / BENCH_CLIENT_CPU   CPU for the gateway / for wrk, curl, mock and this script [1 / 0]
#   BENCH_QUIET_PCT / BENCH_QUIET_MAX before each run wait until the machine is below PCT % busy,
#                       at most MAX seconds [20 / 10]
#   BENCH_OUT           JSON output [bench/results/latest.json]
#   BENCH_KEEP          1 = keep the work directory (raw wrk/curl output, server logs) [0]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
# a plain interpreter: a pyenv shim can cost ~0.8 s per call
PY=${PY:-$( [[ -x /usr/bin/python3 ]] && echo /usr/bin/python3 || command -v python3 )}
LIB="$HERE/benchlib.py"
SERVER=${SWITCHYARD_SERVER:-$ROOT/_build/src/server/switchyard-server}

if [[ ${BENCH_QUICK:-0} == 1 ]]; then q=(3 1 1 60 3 2); else q=(10 3 3 200 5 5); fi
DUR=${BENCH_DURATION:-${q[0]}}
REPEATS=${BENCH_REPEATS:-${q[1]}}
WARMUP=${BENCH_WARMUP:-${q[2]}}
STREAM_N=${BENCH_STREAM_N:-${q[3]}}
COLD_N=${BENCH_COLD_STARTS:-${q[4]}}
IDLE_WAIT=${BENCH_IDLE_WAIT:-${q[5]}}
CONNS=${BENCH_CONNS:-1 8 64}
MOCK_PORT=${BENCH_MOCK_PORT:-18080}
GW_CPU=${BENCH_GW_CPU:-1}
CLIENT_CPU=${BENCH_CLIENT_CPU:-0}
QUIET_PCT=${BENCH_QUIET_PCT:-20}
QUIET_MAX=${BENCH_QUIET_MAX:-10}
OUT=${BENCH_OUT:-$HERE/results/latest.json}
TOKEN="bench-admin-token-$RANDOM$RANDOM$RANDOM"
CLIENT_AUTH="sk-bench-client-000000000000000000000000"

log() { echo "[bench] $*" >&2; }
die() { echo "[bench] ERROR: $*" >&2; exit 1; }

# ---- prerequisites ------------------------------------------------------------------------
NGINX=$(command -v nginx || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true)
[[ -n "$NGINX" ]] || die "nginx not found (apt-get install -y nginx-light)"
for c in wrk curl taskset; do
  command -v "$c" >/dev/null || die "$c not found (apt-get install -y wrk curl util-linux)"
done
[[ -x "$SERVER" ]] || die "no server binary at $SERVER (meson setup _build && ninja -C _build)"

if (( $(nproc --all) < 2 )); then
  log "only one CPU: no pinning"
  GW_CPU=-1; CLIENT_CPU=-1; PIN_GW=()
else
  PIN_GW=(taskset -c "$GW_CPU")
  # everything this script starts (mock, wrk, curl, samplers) inherits the client CPU
  taskset -pc "$CLIENT_CPU" $$ >/dev/null
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-bench.XXXXXX")
REC="$WORK/records.jsonl"; : > "$REC"
# one binary for the whole run, even if the build directory is rebuilt meanwhile
SERVER_SRC=$SERVER
SERVER="$WORK/switchyard-server"; cp "$SERVER_SRC" "$SERVER"
RAW="$WORK/raw"; mkdir -p "$RAW"
GW_PID=""; SAMPLER=""; MOCK_PID=""

cleanup() {
  local rc=$?
  set +e
  [[ -n "$SAMPLER" ]] && kill "$SAMPLER" 2>/dev/null
  if [[ -n "$GW_PID" ]] && kill -0 "$GW_PID" 2>/dev/null; then
    kill -TERM "$GW_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$GW_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$GW_PID" 2>/dev/null
  fi
  [[ -n "$MOCK_PID" ]] && kill -QUIT "$MOCK_PID" 2>/dev/null
  wait 2>/dev/null
  if [[ ${BENCH_KEEP:-0} == 1 || $rc != 0 ]]; then
    log "work directory kept: $WORK"
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- helpers ------------------------------------------------------------------------------
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$GW_PID/stat"; }   # utime+stime, all threads
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$GW_PID/status"; }
fd_count() { ls "/proc/$GW_PID/fd" | wc -l; }
upstream_estab() {
  ss -Htnp state established "( dport = :$MOCK_PORT )" 2>/dev/null | grep -c "pid=$GW_PID," || true
}
stat_snap() { grep -E '^cpu[0-9]+ ' /proc/stat | paste -sd'|'; }
mock_accepts() { "$PY" "$LIB" nginx-status "http://127.0.0.1:$MOCK_PORT/nginx_status" | cut -d' ' -f1; }

busy_total() { # percent of all CPUs busy over 0.5 s
  local a b
  a=($(head -1 /proc/stat)); sleep 0.5; b=($(head -1 /proc/stat))
  local ta=0 tb=0 i
  for i in 1 2 3 4 5 6 7 8; do ta=$((ta + a[i])); tb=$((tb + b[i])); done
  local dt=$((tb - ta)) di=$(( (b[4] + b[5]) - (a[4] + a[5]) ))
  (( dt > 0 )) && echo $(( 100 * (dt - di) / dt )) || echo 0
}
PRE_BUSY=0
wait_quiet() {
  local t0=$SECONDS
  while :; do
    PRE_BUSY=$(busy_total)
    (( PRE_BUSY < QUIET_PCT )) && break
    (( SECONDS - t0 >= QUIET_MAX )) && break
  done
}

api() { # METHOD PATH [JSON] -> body in $WORK/api.out, fails unless 2xx
  local code
  code=$(curl -s -o "$WORK/api.out" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' ${3:+--data-binary "$3"} "$GW$2") || code=000
  [[ $code == 2* ]] || die "$1 $2 -> HTTP $code: $(head -c 300 "$WORK/api.out")"
}

# ---- mock upstream ------------------------------------------------------------------------
if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$MOCK_PORT/"; then
  die "something already listens on 127.0.0.1:$MOCK_PORT (stop it or set BENCH_MOCK_PORT)"
fi
mkdir -p "$WORK/mock/logs" "$WORK/mock/tmp"
"$PY" "$LIB" mock-conf "$MOCK_PORT" > "$WORK/mock/nginx.conf"
"$NGINX" -c "$WORK/mock/nginx.conf" -p "$WORK/mock/" -e "$WORK/mock/logs/error.log"
for _ in $(seq 50); do [[ -s "$WORK/mock/logs/nginx.pid" ]] && break; sleep 0.05; done
MOCK_PID=$(cat "$WORK/mock/logs/nginx.pid" 2>/dev/null || true)
[[ -n "$MOCK_PID" ]] || die "nginx mock did not start: $(cat "$WORK/mock/logs/error.log" 2>/dev/null)"
DIRECT="http://127.0.0.1:$MOCK_PORT"
for _ in $(seq 50); do curl -s -o /dev/null "$DIRECT/v1/models" && break; sleep 0.1; done

# ---- gateway ------------------------------------------------------------------------------
log "server: $SERVER_SRC (copied to $SERVER)"
mkdir -p "$WORK/data"
SWITCHYARD_SECRET_STORE=memory SWITCHYARD_ADMIN_TOKEN="$TOKEN" \
  "${PIN_GW[@]}" "$SERVER" --host 127.0.0.1 --port 0 --data-dir "$WORK/data" \
  > "$WORK/gw.out" 2> "$WORK/gw.err" &
GW_PID=$!
for _ in $(seq 100); do
  grep -q '^listening on ' "$WORK/gw.out" 2>/dev/null && break
  kill -0 "$GW_PID" 2>/dev/null || die "server exited: $(cat "$WORK/gw.err")"
  sleep 0.1
done
GW=$(sed -n 's/^listening on \(http:\/\/[^ ]*\).*/\1/p' "$WORK/gw.out" | head -1)
GW=${GW%/}
[[ -n "$GW" ]] || die "server did not print 'listening on' within 10 s"
log "gateway pid $GW_PID at $GW (CPU $GW_CPU), mock at $DIRECT (CPU $CLIENT_CPU)"

api POST /api/provider-nodes "{\"prefix\":\"mock\",\"name\":\"Mock\",\"apiType\":\"openai\",\"baseUrl\":\"$DIRECT/v1\"}"
api POST /api/providers '{"provider":"mock","name":"bench","apiKey":"sk-bench"}'
api POST /api/provider-nodes "{\"prefix\":\"mocksse\",\"name\":\"Mock SSE\",\"apiType\":\"openai\",\"baseUrl\":\"$DIRECT/sse/v1\"}"
api POST /api/providers '{"provider":"mocksse","name":"bench-sse","apiKey":"sk-bench"}'
API_KEY_DESC=no
if [[ ${BENCH_API_KEY:-0} == 1 ]]; then
  api POST /api/keys '{"name":"bench"}'
  CLIENT_AUTH=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["key"])' "$WORK/api.out")
  API_KEY_DESC=yes
fi

"$PY" "$LIB" body gpt-4o-mini > "$WORK/body-direct.json"
"$PY" "$LIB" body mock/gpt-4o-mini > "$WORK/body-gw.json"
"$PY" "$LIB" body gpt-4o-mini --stream > "$WORK/sbody-direct.json"
"$PY" "$LIB" body mocksse/gpt-4o-mini --stream > "$WORK/sbody-gw.json"

url_of() { [[ $1 == direct ]] && echo "$DIRECT" || echo "$GW"; }
body_of() { [[ $1 == direct ]] && echo "$WORK/body-direct.json" || echo "$WORK/body-gw.json"; }
sbody_of() { [[ $1 == direct ]] && echo "$WORK/sbody-direct.json" || echo "$WORK/sbody-gw.json"; }
# the mock answers SSE under /sse/v1 (nginx cannot route on the body's "stream" flag)
surl_of() { [[ $1 == direct ]] && echo "$DIRECT/sse/v1/chat/completions" || echo "$GW/v1/chat/completions"; }
CURLH=(-H 'Content-Type: application/json' -H "Authorization: Bearer $CLIENT_AUTH")

# ---- correctness (abort if wrong) ---------------------------------------------------------
for t in direct gateway; do
  code=$(curl -s -o "$WORK/check-$t.json" -w '%{http_code}' -X POST "${CURLH[@]}" \
    -H 'Accept: application/json' --data-binary @"$(body_of $t)" "$(url_of $t)/v1/chat/completions") || code=000
  if [[ $code != 200 ]] || ! "$PY" "$LIB" check-json "$WORK/check-$t.json"; then
    die "$t non-streaming check failed (HTTP $code): $(head -c 400 "$WORK/check-$t.json")"
  fi
  code=$(curl -s -N -o "$WORK/check-$t.sse" -w '%{http_code}' -X POST "${CURLH[@]}" \
    -H 'Accept: text/event-stream' --data-binary @"$(sbody_of $t)" "$(surl_of $t)") || code=000
  if [[ $code != 200 ]] || ! "$PY" "$LIB" check-sse "$WORK/check-$t.sse"; then
    die "$t streaming check failed (HTTP $code): $(tail -c 400 "$WORK/check-$t.sse")"
  fi
  echo "{\"kind\":\"check\",\"what\":\"$t\",\"ok\":true}" >> "$REC"
done
log "correctness: non-streaming chat.completion and SSE ending in [DONE], direct and through the gateway"

# the checkout's commit describes the binary only when it was built from this checkout
commit="n/a (binary from outside this checkout)"
if [[ "$SERVER_SRC" == "$ROOT"/* ]]; then
  commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  [[ -n "$(git -C "$ROOT" status --porcelain -- src 2>/dev/null)" ]] && commit="$commit+uncommitted-src"
fi
"$PY" -c 'import json,sys; a=sys.argv[1:]; d=dict(zip(a[::2],a[1::2]))
for k in ("duration","repeats","warmup","stream_n","host_cpus","gw_cpu","client_cpu","clk_tck"): d[k]=int(d[k])
d["kind"]="meta"; print(json.dumps(d))' \
  date "$(date -Is)" commit "$commit" server "$SERVER_SRC" \
  server_mtime "$(date -Is -r "$SERVER_SRC")" server_sha256 "$(sha256sum "$SERVER" | cut -c1-16)" duration "$DUR" repeats "$REPEATS" \
  warmup "$WARMUP" conns "$CONNS" stream_n "$STREAM_N" host_cpus "$(nproc --all)" gw_cpu "$GW_CPU" \
  client_cpu "$CLIENT_CPU" clk_tck "$(getconf CLK_TCK)" api_key "$API_KEY_DESC" \
  wrk "$(wrk -v 2>&1 | head -1)" nginx "$("$NGINX" -v 2>&1)" curl "$(curl --version | head -1)" \
  kernel "$(uname -r)" loadavg_start "$(cut -d' ' -f1-3 /proc/loadavg)" >> "$REC"

mem_snap() { # phase
  echo "{\"kind\":\"mem\",\"phase\":\"$1\",\"rss_kb\":$(rss_kb),\"fds\":$(fd_count),\"upstream_estab\":$(upstream_estab),\"threads\":$(awk '/^Threads:/ {print $2}' "/proc/$GW_PID/status")}" >> "$REC"
}
sleep 1
mem_snap idle-before-load
log "idle: VmRSS $(rss_kb) kB, $(fd_count) fds"

# ---- non-streaming: wrk ---------------------------------------------------------------------
run_wrk() { # target conns seconds [record: 1|0] [rep]
  local t=$1 c=$2 d=$3 record=${4:-1} rep=${5:-0}
  local f="$RAW/wrk-$t-c$c-r$rep.txt" smp="$RAW/rss-$t-c$c-r$rep.txt"
  local s0 s1 t0 t1 a0 a1 j non2xx
  [[ $record == 1 ]] && wait_quiet
  s0=$(stat_snap)
  if [[ $t == gateway ]]; then
    t0=$(cpu_ticks); a0=$(mock_accepts)
    ( while rss_kb; do sleep 1; done ) > "$smp" 2>/dev/null &
    SAMPLER=$!
  fi
  BENCH_BODY_FILE="$(body_of "$t")" BENCH_AUTH="$CLIENT_AUTH" \
    wrk -t1 -c"$c" -d"${d}s" --timeout 10s --latency -s "$HERE/wrk-chat.lua" "$(url_of "$t")" > "$f" 2>&1 || true
  s1=$(stat_snap)
  local extra=""
  if [[ $t == gateway ]]; then
    t1=$(cpu_ticks); a1=$(mock_accepts)
    kill "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null || true; SAMPLER=""
    kill -0 "$GW_PID" 2>/dev/null || die "gateway died during wrk c=$c: $(tail -20 "$WORK/gw.err")"
    local rmax; rmax=$(sort -n "$smp" | tail -1)
    extra=",\"cpu_ticks\":$((t1 - t0)),\"upstream_accepts\":$((a1 - a0 - 1)),\"rss_max_kb\":${rmax:-null},\"fds_after\":$(fd_count)"
  fi
  [[ $record == 1 ]] || return 0
  j=$(sed -n 's/^BENCHJSON //p' "$f")
  [[ -n "$j" ]] || die "wrk gave no result ($t c=$c): $(tail -5 "$f")"
  echo "{\"kind\":\"wrk\",\"target\":\"$t\",\"conns\":$c,\"rep\":$rep,\"pre_busy\":$PRE_BUSY,\"stat0\":\"$s0\",\"stat1\":\"$s1\"$extra,\"wrk\":$j}" >> "$REC"
  "$PY" "$LIB" progress "$(tail -1 "$REC")" >&2
}

if (( WARMUP > 0 )); then
  log "warm-up ${WARMUP}s per target at 8 connections"
  run_wrk direct 8 "$WARMUP" 0
  run_wrk gateway 8 "$WARMUP" 0
fi
for rep in $(seq 1 "$REPEATS"); do
  for c in $CONNS; do
    for t in direct gateway; do run_wrk "$t" "$c" "$DUR" 1 "$rep"; done
  done
done

# ---- streaming: curl TTFB, c=1 ------------------------------------------------------------
per=$(( (STREAM_N + REPEATS - 1) / REPEATS ))
run_stream() { # target rep
  local t=$1 rep=$2 f="$RAW/stream-$1-r$2.txt" u t0 t1 extra=""
  u="$(surl_of "$t")"
  local urls=(); for _ in $(seq 1 "$per"); do urls+=("$u"); done
  wait_quiet
  [[ $t == gateway ]] && t0=$(cpu_ticks)
  curl -s -N -X POST "${CURLH[@]}" -H 'Accept: text/event-stream' --data-binary @"$(sbody_of "$t")" \
    -w '%{stderr}%{http_code} %{time_starttransfer} %{time_total} %{size_download}\n' \
    "${urls[@]}" > /dev/null 2> "$f" || true
  if [[ $t == gateway ]]; then t1=$(cpu_ticks); extra=",\"cpu_ticks\":$((t1 - t0))"; fi
  echo "{\"kind\":\"stream\",\"target\":\"$t\",\"rep\":$rep,\"file\":\"$f\",\"pre_busy\":$PRE_BUSY$extra}" >> "$REC"
}
log "streaming: $per sequential requests per target and repeat"
for rep in $(seq 1 "$REPEATS"); do
  for t in direct gateway; do run_stream "$t" "$rep"; done
done
kill -0 "$GW_PID" 2>/dev/null || die "gateway died during streaming: $(tail -20 "$WORK/gw.err")"

# ---- after load -----------------------------------------------------------------------------
sleep "$IDLE_WAIT"
mem_snap idle-after-load
curl -s -H "Authorization: Bearer $TOKEN" "$GW/api/health" > "$WORK/health.json" || true
echo "{\"kind\":\"health\",\"json\":$(cat "$WORK/health.json" 2>/dev/null || echo null)}" >> "$REC"
log "after load: VmRSS $(rss_kb) kB, $(fd_count) fds, $(upstream_estab) idle upstream connections"

t0=$(now_ms)
kill -TERM "$GW_PID"
rc=0; wait "$GW_PID" || rc=$?
t1=$(now_ms)
errlines=$(grep -ciE 'critical|warning|error' "$WORK/gw.err" || true)
echo "{\"kind\":\"shutdown\",\"exit\":$rc,\"ms\":$((t1 - t0)),\"stderr_lines\":$(wc -l < "$WORK/gw.err"),\"stderr_warn_err_lines\":$errlines}" >> "$REC"
GW_PID=""
(( errlines == 0 )) || log "server stderr has $errlines warning/error lines (BENCH_KEEP=1 keeps $WORK/gw.err)"

# ---- cold start -----------------------------------------------------------------------------
log "cold start x$COLD_N"
echo "{\"kind\":\"cold\",\"runs\":$("$PY" "$LIB" cold-start "$COLD_N" "$GW_CPU" "$CLIENT_CPU" "$SERVER" "$TOKEN")}" >> "$REC"

mkdir -p "$(dirname "$OUT")"
cp "$REC" "${OUT%.json}.records.jsonl"
"$PY" "$LIB" report "$REC" "$OUT"

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# switchyard-server's command-line contract (DESIGN.md "Command line"), as a TAP test: the
# "listening on" line, flags and environment, the admin token file, refusals with a clear
# message, clean exit on SIGTERM/SIGINT with the usage log flushed. A ten-line python3 upstream
# stands in for a provider; python3 also reads the database (no sqlite3 CLI needed).
#
# Usage: test-server.sh /path/to/switchyard-server

SERVER=${1:?usage: test-server.sh /path/to/switchyard-server}
PYTHON=${PYTHON:-python3}

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "1..0 # SKIP python3 is needed to talk HTTP and read SQLite"
  exit 0
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-server-test.XXXXXX")
pids=""
n=0
failed=0

cleanup () {
  for pid in $pids; do
    kill "$pid" 2>/dev/null
  done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The environment the server reads is ours alone; secrets stay in memory unless a test says so
# (auto-detection would look for a Secret Service on a session bus the test may not have).
unset SWITCHYARD_HOST SWITCHYARD_PORT SWITCHYARD_DATA_DIR SWITCHYARD_ADMIN_TOKEN \
      SWITCHYARD_REQUIRE_API_KEY HOSTNAME PORT OMNIROUTE_PORT DATA_DIR REQUIRE_API_KEY
export SWITCHYARD_SECRET_STORE=memory
export XDG_DATA_HOME="$TMP/xdg"
export no_proxy='*'

# --- TAP ---------------------------------------------------------------------------------------

ok () {
  n=$((n + 1))
  echo "ok $n - $1"
}

not_ok () {
  n=$((n + 1))
  failed=$((failed + 1))
  echo "not ok $n - $1"
  shift
  for line in "$@"; do
    printf '%s\n' "$line" | sed 's/^/#   /'
  done
}

# check DESCRIPTION COMMAND...: ok if the command succeeds
check () {
  desc=$1
  shift
  if "$@"; then ok "$desc"; else not_ok "$desc" "failed: $*"; fi
}

diag_file () {
  [ -f "$1" ] && sed 's/^/#   | /' "$1"
}

# --- helpers -----------------------------------------------------------------------------------

cat > "$TMP/httpreq.py" <<'EOF'
# httpreq.py METHOD URL [TOKEN] [JSON]: prints the status, a newline, then the body.
import sys, urllib.request, urllib.error
method, url = sys.argv[1], sys.argv[2]
token = sys.argv[3] if len(sys.argv) > 3 else ""
body = sys.argv[4].encode() if len(sys.argv) > 4 else None
req = urllib.request.Request(url, data=body, method=method)
if token:
    req.add_header("Authorization", "Bearer " + token)
if body is not None:
    req.add_header("Content-Type", "application/json")
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
try:
    with opener.open(req, timeout=15) as r:
        status, data = r.status, r.read()
except urllib.error.HTTPError as e:
    status, data = e.code, e.read()
print(status)
sys.stdout.write(data.decode("utf-8", "replace"))
EOF

cat > "$TMP/upstream.py" <<'EOF'
# upstream.py PORTFILE: a minimal OpenAI-compatible upstream on 127.0.0.1, port 0.
import http.server, json, os, sys
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        message = {"role": "assistant", "content": "hi"}
        usage = {"prompt_tokens": 4, "completion_tokens": 2, "total_tokens": 6}
        body = json.dumps({"id": "chatcmpl-py", "object": "chat.completion", "model": "m1",
                           "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                           "usage": usage}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(server.server_port))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
EOF

cat > "$TMP/sql.py" <<'EOF'
# sql.py DB QUERY: prints the first column of the first row.
import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
row = db.execute(sys.argv[2]).fetchone()
print("" if row is None else row[0])
EOF

cat > "$TMP/freeport.py" <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF

# http METHOD URL [TOKEN] [JSON] -> sets $status and $body
http () {
  if ! out=$("$PYTHON" "$TMP/httpreq.py" "$@" 2>"$TMP/http.err"); then
    status=000
    body=$(cat "$TMP/http.err")
    return
  fi
  status=$(printf '%s\n' "$out" | head -n 1)
  body=$(printf '%s\n' "$out" | tail -n +2)
}

body_has () {
  printf '%s' "$body" | grep -q "$1"
}

sql () {
  "$PYTHON" "$TMP/sql.py" "$1" "$2"
}

# permission bits in octal ("600"), or "missing"
mode_of () {
  "$PYTHON" -c 'import os, sys; print("%o" % (os.stat(sys.argv[1]).st_mode & 0o777))' "$1" \
    2>/dev/null || echo missing
}

free_port () {
  "$PYTHON" "$TMP/freeport.py"
}

# start NAME [VAR=value...] -- ARGS...: runs the server in the background with stdout and
# stderr in $TMP/NAME.out/.err; waits (at most 10 s) for the "listening on" line. Sets $pid,
# $url and $port; returns 1 if the server exited or never said it listens.
start () {
  name=$1
  shift
  envs=""
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    envs="$envs $1"
    shift
  done
  [ "$1" = "--" ] && shift
  # shellcheck disable=SC2086
  env $envs "$SERVER" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
  pid=$!
  pids="$pids $pid"
  url=""
  port=""
  i=0
  while [ $i -lt 100 ]; do
    if grep -q '^listening on ' "$TMP/$name.out" 2>/dev/null; then
      url=$(sed -n 's/^listening on //p' "$TMP/$name.out" | head -n 1)
      port=${url##*:}
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}

# stop PID SIGNAL: sends the signal, waits (at most 10 s); sets $code to the exit status
stop () {
  code=""
  kill "-$2" "$1" 2>/dev/null
  i=0
  while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
  done
  if kill -0 "$1" 2>/dev/null; then
    kill -KILL "$1" 2>/dev/null
    code=timeout
  fi
  wait "$1"
  c=$?
  [ "${code:-}" = timeout ] || code=$c
}

# run_fail NAME [VAR=value...] -- ARGS...: runs the server in the foreground (at most 10 s);
# sets $code; output in $TMP/NAME.out/.err
run_fail () {
  name=$1
  shift
  envs=""
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    envs="$envs $1"
    shift
  done
  [ "$1" = "--" ] && shift
  # shellcheck disable=SC2086
  env $envs timeout 10 "$SERVER" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
  code=$?
}

# --- version and bad arguments -----------------------------------------------------------------

out=$("$SERVER" --version 2>"$TMP/version.err")
code=$?
if [ $code -eq 0 ] &&
   printf '%s\n' "$out" | grep -Eq '^switchyard-server [0-9]+\.[0-9]+\.[0-9]+$'; then
  ok "--version prints the version and exits 0"
else
  not_ok "--version prints the version and exits 0" "exit $code, stdout: $out"
fi

for bad in abc 70000 -1 ""; do
  run_fail badport -- --port "$bad" --data-dir "$TMP/never"
  if [ "$code" -eq 2 ] && grep -q "port" "$TMP/badport.err" && [ ! -s "$TMP/badport.out" ]; then
    ok "--port '$bad' exits 2 with a message"
  else
    not_ok "--port '$bad' exits 2 with a message" "exit $code" "$(cat "$TMP/badport.err")"
  fi
done

run_fail badport -- --no-such-flag
if [ "$code" -eq 2 ] && [ -s "$TMP/badport.err" ]; then
  ok "an unknown flag exits 2 with a message"
else
  not_ok "an unknown flag exits 2 with a message" "exit $code"
fi

run_fail badenv SWITCHYARD_PORT=http -- --data-dir "$TMP/never"
if [ "$code" -eq 2 ] && grep -q "http" "$TMP/badenv.err"; then
  ok "a bad SWITCHYARD_PORT exits 2 naming the value"
else
  not_ok "a bad SWITCHYARD_PORT exits 2 naming the value" "exit $code" "$(cat "$TMP/badenv.err")"
fi
check "nothing was created for refused starts" test ! -e "$TMP/never"

# --- the main server ---------------------------------------------------------------------------

"$PYTHON" "$TMP/upstream.py" "$TMP/upstream.port" &
pids="$pids $!"
i=0
while [ ! -s "$TMP/upstream.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
upstream_port=$(cat "$TMP/upstream.port" 2>/dev/null)

DATA="$TMP/data"
if start main -- --port 0 --data-dir "$DATA"; then
  ok "--port 0 starts and says where it listens"
else
  not_ok "--port 0 starts and says where it listens"
  diag_file "$TMP/main.err"
fi
main_pid=$pid
main_port=$port

if printf '%s\n' "$url" | grep -Eq '^http://127\.0\.0\.1:[0-9]+$' &&
   [ "$port" -gt 0 ] 2>/dev/null; then
  ok "the line is 'listening on http://127.0.0.1:PORT' with a real port ($port)"
else
  not_ok "the line is 'listening on http://127.0.0.1:PORT' with a real port" "got: $url"
fi

token=$(cat "$DATA/admin-token" 2>/dev/null)
if [ -n "$token" ] && [ "$(mode_of "$DATA/admin-token")" = 600 ]; then
  ok "DATA_DIR/admin-token is generated with mode 600"
else
  not_ok "DATA_DIR/admin-token is generated with mode 600" "mode $(mode_of "$DATA/admin-token")"
fi
check "the data dir is private (700)" test "$(mode_of "$DATA")" = 700
if grep -q "$token" "$TMP/main.out" "$TMP/main.err" 2>/dev/null; then
  not_ok "the admin token is not printed"
else
  ok "the admin token is not printed"
fi

http GET "$url/api/health" "$token"
if [ "$status" = 200 ] && printf '%s' "$body" | grep -q '"status":"ok"'; then
  ok "GET /api/health with the admin token answers ok"
else
  not_ok "GET /api/health with the admin token answers ok" "status $status: $body"
fi
http GET "$url/api/health"
check "GET /api/health without the token is 401" test "$status" = 401
http GET "$url/api/health" "sya-wrong-token-0123456789"
check "GET /api/health with a wrong token is 401" test "$status" = 401

# one proxied request, so there is a usage row to flush
http POST "$url/api/provider-nodes" "$token" \
  "{\"prefix\":\"py\",\"apiType\":\"openai\",\"baseUrl\":\"http://127.0.0.1:$upstream_port/v1\"}"
node_status=$status
http POST "$url/api/providers" "$token" '{"provider":"py","apiKey":"sk-test-upstream"}'
account_status=$status
http POST "$url/v1/chat/completions" "" \
  '{"model":"py/m1","messages":[{"role":"user","content":"hi"}]}'
if [ "$node_status" = 201 ] && [ "$account_status" = 201 ] && [ "$status" = 200 ] &&
   printf '%s' "$body" | grep -q chatcmpl-py; then
  ok "a chat completion is proxied to the upstream"
else
  not_ok "a chat completion is proxied to the upstream" \
    "node $node_status, account $account_status, chat $status: $body"
fi

# a second server on the same port
run_fail second -- --port "$main_port" --data-dir "$TMP/second"
if [ "$code" -ne 0 ] && [ "$code" != 124 ] && grep -q "$main_port" "$TMP/second.err" &&
   grep -Eqi "in use|cannot listen" "$TMP/second.err" && [ ! -s "$TMP/second.out" ]; then
  ok "a second server on the same port fails with a clear message"
else
  not_ok "a second server on the same port fails with a clear message" "exit $code" \
    "$(cat "$TMP/second.err")"
fi

stop "$main_pid" TERM
check "SIGTERM exits 0" test "$code" = 0
lines=$(wc -l < "$TMP/main.out")
if [ "$lines" -eq 1 ]; then
  ok "stdout holds exactly one line"
else
  not_ok "stdout holds exactly one line" "$(cat "$TMP/main.out")"
fi
rows=$(sql "$DATA/switchyard.db" "SELECT COUNT(*) FROM usage_history WHERE status = 200 AND
                                   requested_model = 'py/m1' AND tokens_input = 4 AND
                                   tokens_output = 2")
if [ "$rows" = 1 ]; then
  ok "the usage row is in the database after SIGTERM"
else
  not_ok "the usage row is in the database after SIGTERM" "rows: $rows"
fi
if grep -q "sk-test-upstream" "$DATA"/switchyard.db* 2>/dev/null; then
  not_ok "the provider key is not in the database files"
else
  ok "the provider key is not in the database files"
fi

# restart on the same data dir: same token, same configuration
if start again -- --port 0 --data-dir "$DATA"; then
  http GET "$url/api/providers" "$token"
  if [ "$status" = 200 ] && printf '%s' "$body" | grep -q '"provider":"py"' &&
     [ "$(cat "$DATA/admin-token")" = "$token" ]; then
    ok "a restart keeps the admin token and the accounts"
  else
    not_ok "a restart keeps the admin token and the accounts" "status $status: $body"
  fi
  stop "$pid" INT
  check "SIGINT exits 0" test "$code" = 0
else
  not_ok "a restart keeps the admin token and the accounts" "$(cat "$TMP/again.err")"
  not_ok "SIGINT exits 0"
fi

# --- non-loopback binds ------------------------------------------------------------------------

run_fail public -- --host 0.0.0.0 --port 0 --data-dir "$TMP/public"
if [ "$code" -ne 0 ] && [ "$code" != 124 ] && grep -q REQUIRE_API_KEY "$TMP/public.err" &&
   [ ! -s "$TMP/public.out" ]; then
  ok "--host 0.0.0.0 without REQUIRE_API_KEY is refused, naming REQUIRE_API_KEY"
else
  not_ok "--host 0.0.0.0 without REQUIRE_API_KEY is refused, naming REQUIRE_API_KEY" \
    "exit $code" "$(cat "$TMP/public.err")"
fi

run_fail public-off REQUIRE_API_KEY=false -- --host 0.0.0.0 --port 0 --data-dir "$TMP/public"
check "--host 0.0.0.0 with REQUIRE_API_KEY=false is refused too" \
  test "$code" -ne 0 -a "$code" != 124

if start public REQUIRE_API_KEY=true -- --host 0.0.0.0 --port 0 --data-dir "$TMP/public"; then
  ok "--host 0.0.0.0 with REQUIRE_API_KEY=true starts"
  ptoken=$(cat "$TMP/public/admin-token")
  http GET "$url/v1/models"
  check "... and /v1 then needs a key (401 without one)" test "$status" = 401
  http GET "$url/api/settings" "$ptoken"
  check "... and the settings say requireApiKey: true" body_has '"requireApiKey":true'
  stop "$pid" TERM
else
  not_ok "--host 0.0.0.0 with REQUIRE_API_KEY=true starts" "$(cat "$TMP/public.err")"
fi

if start public2 SWITCHYARD_REQUIRE_API_KEY=1 -- \
     --host 0.0.0.0 --port 0 --data-dir "$TMP/public"; then
  ok "SWITCHYARD_REQUIRE_API_KEY=1 counts as well"
  stop "$pid" TERM
else
  not_ok "SWITCHYARD_REQUIRE_API_KEY=1 counts as well" "$(cat "$TMP/public2.err")"
fi

# --- environment and flags ---------------------------------------------------------------------

p1=$(free_port)
if start env1 SWITCHYARD_PORT="$p1" -- --data-dir "$TMP/env"; then
  check "SWITCHYARD_PORT sets the port" test "$port" = "$p1"
  stop "$pid" TERM
else
  not_ok "SWITCHYARD_PORT sets the port" "$(cat "$TMP/env1.err")"
fi

p2=$(free_port)
if start env2 PORT="$p2" -- --data-dir "$TMP/env"; then
  check "PORT (OmniRoute's) sets the port" test "$port" = "$p2"
  stop "$pid" TERM
else
  not_ok "PORT (OmniRoute's) sets the port" "$(cat "$TMP/env2.err")"
fi

p1=$(free_port)
p2=$(free_port)
if start env3 SWITCHYARD_PORT="$p1" PORT="$p2" -- --data-dir "$TMP/env"; then
  check "SWITCHYARD_PORT wins over PORT" test "$port" = "$p1"
  stop "$pid" TERM
else
  not_ok "SWITCHYARD_PORT wins over PORT" "$(cat "$TMP/env3.err")"
fi

p1=$(free_port)
p2=$(free_port)
if start env3b OMNIROUTE_PORT="$p1" PORT="$p2" -- --data-dir "$TMP/env"; then
  check "OMNIROUTE_PORT (OmniRoute's desktop app) sets the port, before PORT" test "$port" = "$p1"
  stop "$pid" TERM
else
  not_ok "OMNIROUTE_PORT (OmniRoute's desktop app) sets the port, before PORT" \
    "$(cat "$TMP/env3b.err")"
fi

p1=$(free_port)
p3=$(free_port)
if start env4 SWITCHYARD_PORT="$p1" PORT="$p1" -- --port "$p3" --data-dir "$TMP/env"; then
  check "--port wins over the environment" test "$port" = "$p3"
  stop "$pid" TERM
else
  not_ok "--port wins over the environment" "$(cat "$TMP/env4.err")"
fi

if start env5 SWITCHYARD_DATA_DIR="$TMP/env-data" -- --port 0; then
  check "SWITCHYARD_DATA_DIR sets the data dir" \
    test -s "$TMP/env-data/admin-token" -a -s "$TMP/env-data/switchyard.db"
  stop "$pid" TERM
else
  not_ok "SWITCHYARD_DATA_DIR sets the data dir" "$(cat "$TMP/env5.err")"
fi

if start env6 DATA_DIR="$TMP/omni-data" SWITCHYARD_DATA_DIR="" -- --port 0; then
  check "DATA_DIR (OmniRoute's) sets the data dir" test -s "$TMP/omni-data/admin-token"
  stop "$pid" TERM
else
  not_ok "DATA_DIR (OmniRoute's) sets the data dir" "$(cat "$TMP/env6.err")"
fi

if start env7 DATA_DIR="$TMP/omni-data2" -- --port 0 --data-dir "$TMP/flag-data"; then
  check "--data-dir wins over DATA_DIR" \
    test -s "$TMP/flag-data/admin-token" -a ! -e "$TMP/omni-data2"
  stop "$pid" TERM
else
  not_ok "--data-dir wins over DATA_DIR" "$(cat "$TMP/env7.err")"
fi

if start default -- --port 0; then
  check "without a data dir, XDG_DATA_HOME/switchyard is used" \
    test -s "$XDG_DATA_HOME/switchyard/switchyard.db"
  stop "$pid" TERM
else
  not_ok "without a data dir, XDG_DATA_HOME/switchyard is used" "$(cat "$TMP/default.err")"
fi

# Docker sets HOSTNAME to the container name: only an address there is a bind request.
if start hostname HOSTNAME=some-container -- --port 0 --data-dir "$TMP/env"; then
  check "HOSTNAME that is not an address is ignored" test "${url%:*}" = "http://127.0.0.1"
  stop "$pid" TERM
else
  not_ok "HOSTNAME that is not an address is ignored" "$(cat "$TMP/hostname.err")"
fi

if start admin SWITCHYARD_ADMIN_TOKEN=env-admin-token-0123456789 -- \
     --port 0 --data-dir "$TMP/admin"; then
  http GET "$url/api/health" env-admin-token-0123456789
  check "SWITCHYARD_ADMIN_TOKEN is the admin token, and no token file is written" \
    test "$status" = 200 -a ! -e "$TMP/admin/admin-token"
  stop "$pid" TERM
else
  not_ok "SWITCHYARD_ADMIN_TOKEN is the admin token" "$(cat "$TMP/admin.err")"
fi

# A token file others can read is refused, with the fix in the message.
chmod 644 "$DATA/admin-token"
run_fail leaky -- --port 0 --data-dir "$DATA"
if [ "$code" -ne 0 ] && [ "$code" != 124 ] && grep -q "chmod 600" "$TMP/leaky.err"; then
  ok "an admin-token readable by others is refused with the fix in the message"
else
  not_ok "an admin-token readable by others is refused with the fix in the message" \
    "exit $code" "$(cat "$TMP/leaky.err")"
fi
chmod 600 "$DATA/admin-token"

# --- the file secret store ---------------------------------------------------------------------

FDATA="$TMP/file-store"
if start filestore SWITCHYARD_SECRET_STORE=file -- --port 0 --data-dir "$FDATA"; then
  ftoken=$(cat "$FDATA/admin-token")
  http POST "$url/api/providers" "$ftoken" '{"provider":"openai","apiKey":"sk-file-store-secret"}'
  if [ "$status" = 201 ] && [ "$(mode_of "$FDATA/secrets.json")" = 600 ] &&
     ! printf '%s' "$body" | grep -q sk-file-store-secret; then
    ok "SWITCHYARD_SECRET_STORE=file keeps keys in DATA_DIR/secrets.json, mode 600"
  else
    not_ok "SWITCHYARD_SECRET_STORE=file keeps keys in DATA_DIR/secrets.json, mode 600" \
      "status $status, mode $(mode_of "$FDATA/secrets.json")"
  fi
  http GET "$url/api/health" "$ftoken"
  check "... and /api/health names the file store" body_has '"secretStore":"file"'
  stop "$pid" TERM
  if grep -q "sk-file-store-secret" "$FDATA"/switchyard.db* 2>/dev/null; then
    not_ok "... and the key is not in the database files"
  else
    ok "... and the key is not in the database files"
  fi
else
  not_ok "SWITCHYARD_SECRET_STORE=file keeps keys in DATA_DIR/secrets.json, mode 600" \
    "$(cat "$TMP/filestore.err")"
fi

echo "1..$n"
[ "$failed" -eq 0 ]

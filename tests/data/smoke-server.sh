#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Smoke test of a built switchyard-server, portable to the CI runners that build it (Linux,
# MSYS2 on Windows, macOS): start it on a free loopback port with a throw-away data directory
# and the file secret store, wait for "listening on URL", GET /api/health with the admin token
# it generated, expect {"status": "ok"}, stop it with SIGTERM and expect exit status 0.
#
#   tests/data/smoke-server.sh PATH/TO/switchyard-server
#
# Needs curl. Run by windows/build-server.sh, macos/build-server.sh and meson's data suite.

set -euo pipefail

server=${1:?usage: smoke-server.sh PATH/TO/switchyard-server}
if ! command -v curl >/dev/null; then
  echo "SKIP: curl not found"
  exit 77
fi

work=$(mktemp -d)
pid=
cleanup ()
{
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

fail ()
{
  echo "FAIL: $*" >&2
  echo "--- server stderr:" >&2
  cat "$work/stderr" >&2 || true
  exit 1
}

mkdir -m 700 "$work/data"
# Created before the server starts: the shell opens its redirections in the child, so polling
# could otherwise look for stdout before it exists.
: >"$work/stdout"
SWITCHYARD_SECRET_STORE=file SWITCHYARD_DATA_DIR="$work/data" \
  "$server" --host 127.0.0.1 --port 0 >"$work/stdout" 2>"$work/stderr" &
pid=$!

url=
for _ in $(seq 100); do
  url=$(sed -n 's/^listening on //p' "$work/stdout" | tr -d '\r')
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || fail "the server exited before listening"
  sleep 0.1
done
[ -n "$url" ] || fail "no \"listening on URL\" line within 10 s"

token=$(cat "$work/data/admin-token") || fail "no admin token in the data directory"
# The token goes to curl on standard input, not on its command line.
body=$(printf 'Authorization: Bearer %s\n' "$token" |
         curl --fail --silent --show-error --max-time 10 --header @- "$url/api/health") ||
  fail "GET $url/api/health failed"
printf '%s' "$body" | grep -Eq '"status" *: *"ok"' || fail "unexpected health answer: $body"

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=
case $(uname -s) in
  MINGW* | MSYS*)
    # A signal from MSYS2 reaches a native Windows program as TerminateProcess: no exit status
    # to check there.
    ;;
  *)
    [ "$status" -eq 0 ] || fail "after SIGTERM the server exited with status $status, not 0"
    ;;
esac

echo "ok: $server answered /api/health at $url and stopped cleanly"

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Regenerates the README's screenshots (data/screenshots/*.png) from the code. Starts the desktop
# app as a service on a throw-away data dir, gives it accounts and combos through its own
# management API, sends requests to a local mock provider (some fail on purpose, so Health has
# breakers, cooldowns and lockouts to show, and Usage tokens and costs), then asks it for each page with
# `switchyard --screenshot PAGE FILE`. Runs itself under tests/run-headless.sh (private bus,
# Xvfb), so it never touches your desktop or a Switchyard you are running.
#
#   data/screenshots/update.sh [BUILD_DIR]        (default: _build)

set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-_build}
case $build in /*) ;; *) build=$root/$build ;; esac
app=$build/src/app/switchyard

if [ "${SY_SCREENSHOTS_INNER:-}" != 1 ]; then
  [ -x "$app" ] || { echo "update.sh: build first: ninja -C $build" >&2; exit 2; }
  exec env SY_SCREENSHOTS_INNER=1 "$root/tests/run-headless.sh" "$0" "$build"
fi

for tool in curl python3 gdbus; do
  command -v "$tool" >/dev/null || { echo "update.sh: $tool is missing" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sy-screenshots.XXXXXX")
pids=
cleanup ()
{
  for pid in $pids; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# English, keys in memory only (the app draws without GL by default): the pictures depend on
# nothing of this host.
export LC_ALL=C.UTF-8 LANGUAGE=en SWITCHYARD_SECRET_STORE=memory
unset GDK_DEBUG GSK_RENDERER SWITCHYARD_GL

free_port ()
{
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

port_is_free ()
{
  python3 -c "import socket, sys; s = socket.socket(); s.bind(('127.0.0.1', $1))" 2>/dev/null
}

# The mock provider: an OpenAI-compatible chat endpoint whose behaviour is picked by the first
# path segment of each account's base URL: ok (answers in 30-300 ms), limited (429 with a
# 30 min reset), down (503); any model named *-preview does not exist (404).
mock_port=$(free_port)
cat >"$tmp/mock.py" <<'PY'
import json, random, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Mock(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        request = json.loads(self.rfile.read(length) or b"{}")
        model = request.get("model", "")
        behaviour = self.path.strip("/").split("/")[0]
        if model.endswith("-preview"):
            return self.reply(404, {"error": {"message": f"The model `{model}` does not exist",
                                              "type": "invalid_request_error",
                                              "code": "model_not_found"}})
        if behaviour == "limited":
            return self.reply(429, {"error": {"message": "Rate limit reached for requests",
                                              "type": "rate_limit_error"}},
                              [("Retry-After", "1800")])
        if behaviour == "down":
            return self.reply(503, {"error": {"message": "upstream overloaded"}})
        time.sleep(random.uniform(0.03, 0.3))
        # Coding-sized requests, so the Usage page has cents to show.
        prompt, completion = random.randint(800, 6000), random.randint(100, 1200)
        self.reply(200, {"id": "chatcmpl-1", "object": "chat.completion", "created": 0,
                         "model": model,
                         "choices": [{"index": 0, "finish_reason": "stop",
                                      "message": {"role": "assistant", "content": "Hello!"}}],
                         "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                                   "total_tokens": prompt + completion}})

random.seed(7)
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Mock).serve_forever()
PY
python3 "$tmp/mock.py" "$mock_port" &
pids="$pids $!"
mock=http://127.0.0.1:$mock_port

# The app on the usual port when it is free, so the pictures show http://127.0.0.1:20128/v1.
port=20128
port_is_free "$port" || port=$(free_port)
"$app" --gapplication-service --port "$port" --data-dir "$tmp/data" 2>"$tmp/app.log" &
pids="$pids $!"
api=http://127.0.0.1:$port/api
for _ in $(seq 1 100); do
  [ -s "$tmp/data/admin-token" ] && curl -fs -o /dev/null "$api/health" \
    -H "Authorization: Bearer $(cat "$tmp/data/admin-token")" && break
  sleep 0.1
done
token=$(cat "$tmp/data/admin-token")

call ()  # METHOD PATH [JSON]
{
  curl -fsS -o /dev/null -X "$1" "$api$2" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' ${3:+-d "$3"}
}

chat ()  # MODEL
{
  curl -s -o /dev/null "http://127.0.0.1:$port/v1/chat/completions" \
    -H 'Content-Type: application/json' \
    -d "{\"model\": \"$1\", \"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]}"
}

account ()  # PROVIDER NAME KEY BEHAVIOUR PRIORITY: an account on the mock, or on its own node
{
  base=${4:+, \"baseUrl\": \"$mock/$4/v1\"}
  call POST /providers \
    "{\"provider\": \"$1\", \"name\": \"$2\", \"apiKey\": \"$3\", \"priority\": $5$base}"
}

call POST /provider-nodes "{\"prefix\": \"local\", \"name\": \"llama.cpp\", \"apiType\": \"openai\",
  \"baseUrl\": \"$mock/ok/v1\"}"
account openai work sk-demo-1 ok 1
account openai personal sk-demo-2 ok 2
account anthropic team sk-ant-demo limited 1
account ds deepseek sk-ds-demo ok 1
account groq "free tier" gsk-demo down 1
account local workstation none "" 1
call POST /combos '{"name": "premium-coding", "strategy": "priority",
  "models": ["anthropic/claude-sonnet-4-5", "openai/gpt-4o", "ds/deepseek-chat"]}'
call POST /combos '{"name": "free-forever", "strategy": "weighted",
  "models": [{"model": "groq/llama-3.3-70b-versatile", "weight": 3},
             {"model": "local/qwen2.5-coder", "weight": 1}]}'
call POST /combos '{"name": "fast-chat", "strategy": "round-robin",
  "accountStrategy": "round-robin", "models": ["openai/gpt-4o-mini", "ds/deepseek-chat"]}'

for _ in $(seq 1 12); do chat openai/gpt-4o; chat ds/deepseek-chat; done
for _ in $(seq 1 4); do chat premium-coding; chat local/qwen2.5-coder; done
for _ in $(seq 1 3); do chat groq/llama-3.3-70b-versatile; done
chat openai/gpt-5-preview

out=$root/data/screenshots
for page in health combos translator providers usage settings; do
  "$app" --screenshot "$page" "$out/$page.png"
  echo "wrote $out/$page.png"
done

gdbus call --session --dest dev.switchyard.Switchyard --object-path /dev/switchyard/Switchyard \
  --method org.gtk.Actions.Activate quit '[]' '{}' >/dev/null

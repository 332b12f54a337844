-- SPDX-License-Identifier: GPL-3.0-or-later
-- wrk script for bench/run-bench.sh: POST a fixed ~1 KB chat body (benchlib.py body).
-- Environment:
--   BENCH_BODY_FILE  file holding the JSON body (required)
--   BENCH_AUTH       bearer token for Authorization (default sk-bench-client; "none" omits it)
--   BENCH_MAX_REQ    stop after this many responses (only meaningful with -t1; 0 = no limit)
-- done() prints one line starting with "BENCHJSON " (latencies in microseconds).
local auth = os.getenv("BENCH_AUTH") or "sk-bench-client-000000000000000000000000"
local bf   = assert(os.getenv("BENCH_BODY_FILE"), "BENCH_BODY_FILE not set")
local f    = assert(io.open(bf, "rb"))
local body = f:read("*a"); f:close()
local max  = tonumber(os.getenv("BENCH_MAX_REQ") or "0")

wrk.method = "POST"
wrk.path = "/v1/chat/completions"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
if auth ~= "none" then
  wrk.headers["Authorization"] = "Bearer " .. auth
end

if max > 0 then
  local seen = 0
  function response(status, headers, b)
    seen = seen + 1
    if seen >= max then wrk.thread:stop() end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"bytes":%d,"rps":%.2f,' ..
    '"lat_mean_us":%.1f,"lat_max_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,' ..
    '"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
    summary.requests, summary.duration, summary.bytes, summary.requests / (summary.duration / 1e6),
    latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9),
    e.connect, e.read, e.write, e.status, e.timeout))
end

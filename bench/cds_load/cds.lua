-- wrk script for bench/cds_load/run.sh: POSTs the patient-view request of body.json with a new
-- hookInstance each time and, for the signed run, a new pre-signed JWT each time (tokens.txt,
-- split between threads). Optional fixed rate: each connection waits DELAY_MS between requests.
--   wrk ... -s cds.lua URL -- BODY_FILE TOKENS_FILE|- DELAY_MS
local threads_total = tonumber(os.getenv("WRK_THREADS") or "1")
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  thread:set("nthreads", threads_total)
  next_id = next_id + 1
end

function init(args)
  local f = assert(io.open(args[1], "rb"))
  local text = f:read("*a")
  f:close()
  local s, e = text:find("@@HOOK_INSTANCE@@", 1, true)
  prefix, suffix = text:sub(1, s - 1), text:sub(e + 1)
  tokens = {}
  if args[2] and args[2] ~= "-" then
    local i = 0
    for line in io.lines(args[2]) do
      if i % nthreads == id then tokens[#tokens + 1] = line end
      i = i + 1
    end
  end
  delay_ms = tonumber(args[3] or "0")
  counter = 0
end

function request()
  counter = counter + 1
  local headers = { ["Content-Type"] = "application/json" }
  if #tokens > 0 then
    headers["Authorization"] = "Bearer " .. (tokens[counter] or "exhausted")
  end
  local hook_instance = string.format("%08x-0000-4000-8000-%012x", id, counter)
  return wrk.format("POST", nil, headers, prefix .. hook_instance .. suffix)
end

function delay()
  return delay_ms
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.1f errors_status=%d errors_connect=%d errors_read=%d errors_timeout=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), summary.errors.status,
    summary.errors.connect, summary.errors.read, summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end

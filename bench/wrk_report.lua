-- bench/wrk_report.lua - what the wrk scripts share (loaded with dofile from the repository
-- root): thread numbering, counting 200 answers, and the RESULT line the shell scripts read.
-- Each thread's init must set ok = 0 and other = 0.
local threads = {}
local nthreads = 0

function setup(thread)
  nthreads = nthreads + 1
  thread:set("tid", nthreads)
  table.insert(threads, thread)
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local acked, bad = 0, 0
  for _, t in ipairs(threads) do
    acked = acked + t:get("ok")
    bad = bad + t:get("other")
  end
  io.write(string.format("RESULT requests=%d acked=%d non200=%d errors=%d duration_s=%.2f rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, acked, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end

-- bench/mo_direct.lua - wrk script for bench/mo_direct.sh: GET /kannel/mo as smsbox sends it.
-- Every request carries a unique id (thread number + counter, as smsbox's %I is unique per
-- MO) and one of 100000 sender numbers; every 200 answer is counted so the shell script can
-- check that each acknowledged MO is in the inbox.
-- Env: MO_TEXT (url-encoded text, default DK+LD02+Nong+Van+Hai), MO_TOKEN (langso token).
local threads = {}
local nthreads = 0

function setup(thread)
  nthreads = nthreads + 1
  thread:set("tid", nthreads)
  table.insert(threads, thread)
end

function init(args)
  n = 0
  ok = 0
  other = 0
  text = os.getenv("MO_TEXT") or "DK+LD02+Nong+Van+Hai"
  token = os.getenv("MO_TOKEN") or ""
  if token ~= "" then token = "&token=" .. token end
  run = os.getenv("MO_RUN") or tostring(os.time())
end

function request()
  n = n + 1
  local phone = string.format("%%2B8491%07d", (tid * 7919 + n) % 100000)
  local path = string.format(
    "/kannel/mo?from=%s&to=8055&text=%s&id=bench-%s-%d-%d&coding=0&charset=UTF-8&smsc=FAKE&meta=&ts=%d%s",
    phone, text, run, tid, n, os.time(), token)
  return wrk.format("GET", path)
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

-- bench/mo_direct.lua - wrk script for bench/mo_direct.sh: GET /kannel/mo as smsbox sends it.
-- Every request carries a unique id (thread number + counter, as smsbox's %I is unique per
-- MO) and one of 100000 sender numbers; every 200 answer is counted so the shell script can
-- check that each acknowledged MO is in the inbox.
-- Env: MO_TEXT (url-encoded text, default DK+LD02+Nong+Van+Hai), MO_TOKEN (langso token).
dofile("bench/wrk_report.lua")

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

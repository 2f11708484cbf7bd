-- bench/market.lua - wrk script for bench/market.sh: the marketplace mix at GET /kannel/mo,
-- as smsbox sends it. 70% reads (TIM <product> 35%, TIM <product> 2 5%, GIA <product> 25%,
-- GIA board 5%), 30% writes (BAN from a registered household 15%, MUA <listing> <qty> from a
-- buyer 15%). Every request has a unique id (smsbox's %I); 200 answers are counted.
dofile("bench/wrk_report.lua")
local products = {"NA", "HONG", "MAN", "HOI", "QUE", "THACH+DEN", "KHOAI+LANG", "GAO", "NGO",
  "LON", "MANG", "CHE", "MAT+ONG", "HAT+DE", "KHOAI+MON", "HONG+KHONG+HAT"}
local prices = {NA = 30, HONG = 22, MAN = 25, HOI = 60, QUE = 45, ["THACH+DEN"] = 30,
  ["KHOAI+LANG"] = 12, GAO = 20, NGO = 9, LON = 75, MANG = 20, CHE = 150, ["MAT+ONG"] = 300,
  ["HAT+DE"] = 90, ["KHOAI+MON"] = 25, ["HONG+KHONG+HAT"] = 45}

function init(args)
  n = 0
  ok = 0
  other = 0
  run = os.getenv("MO_RUN") or tostring(os.time())
  households = tonumber(os.getenv("HOUSEHOLDS") or "3000")
  listings = tonumber(os.getenv("LISTINGS") or "100000")
  math.randomseed(tid * 7919 + os.time())
end

local function text()
  local r = math.random(100)
  local p = products[math.random(#products)]
  local from = string.format("%%2B84988%06d", math.random(999999))
  if r <= 35 then return from, "TIM+" .. p
  elseif r <= 40 then return from, "TIM+" .. p .. "+2"
  elseif r <= 65 then return from, "GIA+" .. p
  elseif r <= 70 then return from, "GIA"
  elseif r <= 85 then
    local seller = string.format("%%2B849000%05d", math.random(0, households - 1))
    local price = (prices[p] + math.random(-5, 5)) * 1000
    return seller, string.format("BAN+%s+%dKG+%d", p, math.random(10, 300), price)
  else
    -- recent listings are the open ones
    local id = listings - math.random(0, math.floor(listings / 4))
    return from, string.format("MUA+%d+%dKG", id, math.random(5, 50))
  end
end

function request()
  n = n + 1
  local from, t = text()
  local path = string.format(
    "/kannel/mo?from=%s&to=8055&text=%s&id=mk-%s-%d-%d&coding=0&charset=UTF-8&smsc=FAKE",
    from, t, run, tid, n)
  return wrk.format("GET", path)
end

-- SPDX-License-Identifier: MIT
-- Copyright (c) 2026 The libsslvdir authors
--
-- bench/lua-decide.lua: nanoseconds per decision through the Lua module,
-- entry point by entry point, beside the library's own call (bench/decide)
-- for the same requests, measured in the same run: each round runs
-- bench/decide once, then every Lua variant, so that a busy moment of the
-- machine weighs on all of them alike. Prints min/median/max over the
-- rounds; never fails on figures.
--
-- usage (make bench-lua): LUA_CPATH=bindings/lua/5.3/.libs/?.so \
--   lua5.3 bench/lua-decide.lua bench/targets.txt ./bench/decide [rounds]
local sslvdir = require("sslvdir")
local file = arg[1] or "bench/targets.txt"
local cbench = arg[2] or "./bench/decide"
local rounds = tonumber(arg[3]) or 9
local REPS = 16 -- calls per target per round

local targets = {}
for line in assert(io.open(file)):lines() do
  line = line:gsub("[\r\n]+$", "")
  if line ~= "" then targets[#targets + 1] = line end
end
local nt = #targets

-- bench/decide's small policy and request (make_policy(0), run_sslvdir()):
-- the preset, one host, the offloaders; GET over TLS, 256 bits, a peer
-- that is no offloader.
local policy = assert(sslvdir.load { preset = "exchange2016-offload", hosts = "mail.contoso.com",
                                     autodiscover_domains = "contoso.com", offloaders = "10.0.0.0/8" })
local HOST, PEER = "mail.contoso.com", "203.0.113.9"

-- os.clock() is the process's CPU time: time the machine gives to others
-- does not count, as bench/decide's best-of-batches leaves it out.
local clock = os.clock
local function per_call(fn)
  local t0 = clock()
  fn()
  return (clock() - t0) / (nt * REPS) * 1e9
end

local nop = sslvdir._nop
local request, out = {}, {}
local variants = {
  { "empty C call, 11 arguments (sslvdir._nop)", function()
      for i = 1, nt do
        local t = targets[i]
        for _ = 1, REPS do nop(policy, "GET", t, HOST, true, PEER, 256, nil, nil, nil, nil) end
      end
    end },
  { "policy:decide_fast(method, target, ...)", function()
      for i = 1, nt do
        local t = targets[i]
        for _ = 1, REPS do policy:decide_fast("GET", t, HOST, true, PEER, 256) end
      end
    end },
  { "policy:decide(request, out), both reused", function()
      request.method, request.host, request.tls, request.peer, request.cipher_bits = "GET", HOST, true, PEER, 256
      for i = 1, nt do
        request.target = targets[i]
        for _ = 1, REPS do policy:decide(request, out) end
      end
    end },
  { "policy:decide(request), a new result", function()
      for i = 1, nt do
        request.target = targets[i]
        for _ = 1, REPS do policy:decide(request) end
      end
    end },
  { "policy:decide{...}, both new", function()
      for i = 1, nt do
        local t = targets[i]
        for _ = 1, REPS do
          policy:decide { method = "GET", target = t, host = HOST, tls = true, peer = PEER, cipher_bits = 256 }
        end
      end
    end },
}

-- bench/decide's mean over the targets (best of one batch each) for the
-- preset's policy: the line "sslvdir_decide, 12 vdirs (preset)".
local function c_mean()
  local p = assert(io.popen(string.format("%q %q 1", cbench, file)))
  local text = p:read("a")
  p:close()
  local mean = text:match("sslvdir_decide, %d+ vdirs %(preset%)%s+[%d.]+%s+[%d.]+%s+([%d.]+)")
  return assert(tonumber(mean), "bench/decide printed no figure:\n" .. text)
end

-- A module without decide_fast (an older build, to compare): its line is left out.
if not policy.decide_fast then table.remove(variants, 2) end

local results = { c = {} }
for v = 1, #variants do results[v] = {} end
for _, v in ipairs(variants) do per_call(v[2]) end -- warm up
collectgarbage()
for _ = 1, rounds do
  results.c[#results.c + 1] = c_mean()
  for v = 1, #variants do results[v][#results[v] + 1] = per_call(variants[v][2]) end
end

local function stats(xs)
  table.sort(xs)
  return xs[1], xs[(#xs + 1) // 2], xs[#xs]
end
print(string.format("bench/lua-decide: %s, %d targets from %s, %d rounds of %d calls per target, interleaved with bench/decide",
                    _VERSION, nt, file, rounds, REPS))
print(string.format("\n%-44s %9s %9s %9s %9s", "", "min ns", "median", "max ns", "x C"))
local cmin, cmed, cmax = stats(results.c)
print(string.format("%-44s %9.1f %9.1f %9.1f %9.2f", "sslvdir_decide() in C (bench/decide, mean)", cmin, cmed, cmax, 1))
for v = 1, #variants do
  local lo, med, hi = stats(results[v])
  print(string.format("%-44s %9.1f %9.1f %9.1f %9.2f", variants[v][1], lo, med, hi, med / cmed))
end

-- SPDX-License-Identifier: MIT
-- Copyright (c) 2026 The libsslvdir authors
--
-- The cost of one decision through the Lua module, beside an empty Lua C
-- function call (sslvdir._nop), in the same interpreter and run.
-- Usage: lua5.3 bench/haproxy/lua-cost.lua [iterations]   (package.cpath set by run.sh)
local sslvdir = require("sslvdir")
local N = tonumber(arg[1]) or 500000
local policy = assert(sslvdir.load { preset = "exchange2016-offload", hosts = { "mail.contoso.com" },
                                     autodiscover_domains = "contoso.com", offloaders = "10.0.0.0/8" })
local clock = os.clock

local function best_of(rounds, fn)
  local best = math.huge
  for _ = 1, rounds do
    local t0 = clock()
    fn()
    local t = clock() - t0
    if t < best then best = t end
  end
  return best / N * 1e9
end

local nop = sslvdir._nop
local empty = best_of(5, function() for _ = 1, N do nop() end end)

local requests = {
  { name = "https allow /owa/", req = { method = "GET", target = "/owa/", host = "mail.contoso.com", tls = true,
                                        cipher_bits = 256, peer = "198.51.100.7", client_cert = "none" } },
  { name = "http redirect /owa/", req = { method = "GET", target = "/owa/?ae=Folder", host = "mail.contoso.com",
                                          peer = "198.51.100.7" } },
  { name = "EAS with query", req = { method = "POST", target = "/Microsoft-Server-ActiveSync?Cmd=Sync&User=a&DeviceId=X&DeviceType=iPhone",
                                     host = "mail.contoso.com", tls = true, cipher_bits = 128, peer = "10.1.2.3",
                                     x_forwarded_proto = "https" } },
}

print(string.format("%s, %d calls per round, best of 5", _VERSION, N))
print(string.format("  %-22s %8.1f ns/call", "empty C function", empty))
for _, r in ipairs(requests) do
  local out = {}
  local reused = best_of(5, function() for _ = 1, N do policy:decide(r.req, out) end end)
  local fresh = best_of(5, function() for _ = 1, N do policy:decide(r.req) end end)
  print(string.format("  %-22s %8.1f ns/call reusing a table (%.1fx the empty call), %8.1f ns with a new table",
                      r.name, reused, reused / empty, fresh))
end

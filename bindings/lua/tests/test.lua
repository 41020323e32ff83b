-- SPDX-License-Identifier: MIT
-- Copyright (c) 2026 The libsslvdir authors
--
-- Tests of the Lua module "sslvdir", run by tests/lua.sh under Lua 5.3 and 5.4.
package.cpath = assert(os.getenv("SSLVDIR_LUA_CPATH"), "SSLVDIR_LUA_CPATH") .. ";" .. package.cpath
local sslvdir = require("sslvdir")
local DATA = os.getenv("SSLVDIR_TEST_DATA") or "tests/data"

local failures, count = 0, 0
local function test(name, fn)
  count = count + 1
  local ok, err = pcall(fn)
  if ok then
    print("ok     " .. name)
  else
    failures = failures + 1
    print("FAIL   " .. name .. ": " .. tostring(err))
  end
end
local function eq(got, want, what)
  if got ~= want then
    error(string.format("%s: got %s, want %s", what or "value", tostring(got), tostring(want)), 2)
  end
end
local function raises(fn, pattern)
  local ok, err = pcall(fn)
  if ok then error("no error raised", 2) end
  if pattern and not tostring(err):find(pattern) then
    error("error '" .. tostring(err) .. "' does not match '" .. pattern .. "'", 2)
  end
end

-- The namespace the tests' presets serve (load{} has no default one): spec
-- with preset exchange2016 unless it names a source, and the demo hosts and
-- Autodiscover domain unless it names its own.
local function ns(spec)
  if not (spec.preset or spec.policy or spec.policy_xml or spec.iisconfig) then
    spec.preset = "exchange2016"
  end
  spec.hosts = spec.hosts or { "mail.contoso.com", "autodiscover.contoso.com" }
  spec.autodiscover_domains = spec.autodiscover_domains or "contoso.com"
  return spec
end

local policy = assert(sslvdir.load(ns {}))
local offload = assert(sslvdir.load(ns { preset = "exchange2016-offload", offloaders = "10.0.0.5" }))
-- Microsoft's http->https recipe, asked for: a preset alone answers plain HTTP with 403.4.
local redirecting = assert(sslvdir.load(ns { redirect = true }))

test("module identity", function()
  eq(sslvdir.lua_version, _VERSION:match("%d+%.%d+"), "lua_version")
  assert(sslvdir.version:match("^%d+%.%d+%.%d+$"))
  eq(tostring(policy), "sslvdir.policy (1 site(s), Exchange 2016)")
  eq(getmetatable(policy), "locked", "metatable is protected")
end)

test("a preset is the shipped state: owa over http is 403.4", function()
  local d = policy:decide { method = "GET", target = "/owa/?a=1", host = "mail.contoso.com" }
  eq(d.action, "deny"); eq(d.status, 403); eq(d.substatus, 4); eq(d.location, nil)
  for _, name in ipairs { "exchange2013", "exchange2019-offload", "exchangese" } do
    local p = assert(sslvdir.load(ns { preset = name }))
    eq(p:decide { method = "GET", target = "/", host = "mail.contoso.com" }.substatus, 4, name)
  end
end)

test("owa over http redirects with redirect = true", function()
  local d = redirecting:decide { method = "GET", target = "/owa/?a=1", host = "mail.contoso.com" }
  eq(d.action, "redirect"); eq(d.status, 302)
  eq(d.location, "https://mail.contoso.com/owa/?a=1")
  eq(d.kind, "owa"); eq(d.vdir, "Default Web Site/owa")
  eq(d.substatus, nil); eq(d.reason, "redirect-https")
  eq(d.remove_x_forwarded_proto, true)
end)

test("EWS over http is 403.4", function()
  local d = policy:decide { method = "POST", target = "/EWS/Exchange.asmx", host = "mail.contoso.com" }
  eq(d.action, "deny"); eq(d.status, 403); eq(d.substatus, 4); eq(d.location, nil)
  eq(sslvdir.reason_status(d.reason), 403)
end)

test("key size: unknown fails closed (403.5)", function()
  local d = policy:decide { method = "GET", target = "/owa/", host = "mail.contoso.com", tls = true }
  eq(d.substatus, 5)
  d = policy:decide { method = "GET", target = "/owa/", host = "mail.contoso.com", tls = true,
                      cipher_bits = 256 }
  eq(d.action, "allow"); eq(d.upstream, "bridge")
end)

test("offload: headers set, spoofed header stripped, MRSProxy bridged", function()
  local d = offload:decide { method = "GET", target = "/owa/", host = "mail.contoso.com", tls = true,
                             cipher_bits = 128, x_forwarded_proto = "http" }
  eq(d.action, "allow"); eq(d.upstream, "offload"); eq(d.set_x_forwarded_proto, "https")
  local s = offload:decide { method = "GET", target = "/owa/", host = "mail.contoso.com",
                             peer = "198.51.100.7", x_forwarded_proto = "https" }
  eq(s.action, "deny"); eq(s.substatus, 4); eq(s.remove_x_forwarded_proto, true)
  local m = offload:decide { method = "POST", target = "/EWS/mrsproxy.svc", host = "mail.contoso.com",
                             tls = true, cipher_bits = 256 }
  eq(m.upstream, "bridge"); eq(m.kind, "mrsproxy")
  eq(offload:is_offloader("10.0.0.5"), true); eq(offload:is_offloader("10.0.0.6"), false)
  eq(#offload:offloaders(), 1)
end)

test("client certificates", function()
  local p = assert(sslvdir.load { policy_xml = [[
<policy xmlns="urn:libsslvdir:policy:1" version="1" exchange="2016">
  <site name="Default Web Site" preset="exchange2016">
    <host name="mail.contoso.com"/>
    <vdir path="/Microsoft-Server-ActiveSync" edge="Ssl,SslNegotiateCert,SslRequireCert,Ssl128"/>
  </site>
</policy>]] })
  local want = { none = 7, untrusted = 16, expired = 17, revoked = 13 }
  for status, sub in pairs(want) do
    local d = p:decide { method = "POST", target = "/Microsoft-Server-ActiveSync", host = "mail.contoso.com",
                         tls = true, cipher_bits = 256, client_cert = status }
    eq(d.substatus, sub, status)
  end
  raises(function() p:decide { method = "GET", target = "/", client_cert = "maybe" } end, "'client_cert' must be one of")
end)

test("the out table is refilled, no stale fields", function()
  local out = {}
  redirecting:decide({ method = "GET", target = "/owa/", host = "mail.contoso.com" }, out)
  eq(out.location, "https://mail.contoso.com/owa/")
  local same = redirecting:decide({ method = "POST", target = "/EWS/x", host = "mail.contoso.com" }, out)
  assert(same == out)
  eq(out.location, nil); eq(out.substatus, 4)
end)

test("hostile requests are decisions", function()
  for _, t in ipairs { "/owa/%2e%2e/%2e%2e/x", "/owa/\r\nX: y", "/owa/\0", "/owa/" .. string.rep("a", 70000),
                       "/owa/\255" } do
    local d = policy:decide { method = "GET", target = t, host = "mail.contoso.com", tls = true, cipher_bits = 256 }
    eq(d.action, "deny", t:sub(1, 12))
  end
  eq(policy:decide { method = "GET", target = "/", host = "a\r\nb" }.status, 400)
end)

test("wrong argument types are errors", function()
  raises(function() policy:decide(5) end, "table expected")
  raises(function() policy:decide { method = 1, target = "/" } end, "must be a string")
  raises(function() policy:decide { method = "GET" } end, "method and target")
  raises(function() policy:decide { method = "GET", target = "/", cipher_bits = -1 } end, "out of range")
  raises(function() policy:decide { method = "GET", target = "/", cipher_bits = 1.5 } end, "integer")
  -- Lua's truthiness would make tls = 0 or "false" mean TLS: plain HTTP let through.
  raises(function() policy:decide { method = "GET", target = "/owa/", tls = 0 } end, "'tls' must be a boolean")
  raises(function() policy:decide { method = "GET", target = "/owa/", tls = "false" } end, "'tls' must be a boolean")
  raises(function() policy:autodiscover_respond("<x/>", { spec_spelling = 1 }) end, "'spec_spelling' must be a boolean")
  raises(function() policy.decide({}, {}) end, "sslvdir.policy expected")
  raises(function() sslvdir.load("exchange2016") end, "table expected")
  raises(function() sslvdir.load { hosts = 5 } end, "string or an array")
  raises(function() sslvdir.load { offloaders = { "10.0.0.1", 7 } } end, "must hold strings")
  raises(function() sslvdir.load { reg = true } end, "string or an array")
  -- A list is read as 1..n: any other key would be a value silently left
  -- out (an offloader not trusted, a .reg file not applied).
  raises(function() sslvdir.load(ns { offloaders = { "10.0.0.5", [3] = "10.0.0.6" } }) end,
         "'offloaders' must be an array of strings")
  raises(function() sslvdir.load(ns { reg = { [2] = "x.reg" } }) end, "'reg' must be an array of strings")
  raises(function() sslvdir.load(ns { hosts = { "mail.contoso.com", [1.5] = "a.example" } }) end,
         "'hosts' must be an array of strings")
  raises(function() sslvdir.load(ns { autodiscover_domains = { "contoso.com", extra = "fabrikam.com" } }) end,
         "'autodiscover_domains' must be an array of strings")
  -- A misspelt field is refused and the right one named, not silently not applied.
  raises(function() sslvdir.load(ns { redirct = true }) end,
         "load: unknown field 'redirct' %(did you mean 'redirect'%?%)")
  raises(function() sslvdir.load(ns { offloader = "10.0.0.5" }) end,
         "unknown field 'offloader' %(did you mean 'offloaders'%?%)")
  raises(function() sslvdir.load(ns { extended_protecton = false }) end,
         "unknown field 'extended_protecton' %(did you mean 'extended_protection'%?%)")
  raises(function() sslvdir.load(ns { frobnicate = 1 }) end, "unknown field 'frobnicate'$")
  raises(function() sslvdir.load(ns { "exchange2016" }) end, "load takes named fields, not a number key")
  raises(function() sslvdir.load(ns {}, { host = "SSLVDIR_HOST" }) end,
         "load's names: unknown field 'host' %(did you mean 'hosts'%?%)")
end)

test("decide{} refuses a misspelt request field instead of deciding without it", function()
  -- TLS = true would otherwise leave the request plain HTTP: a silent 403
  -- where the caller meant TLS, or a field that a check relies on ignored.
  raises(function() policy:decide { method = "GET", target = "/owa/", host = "mail.contoso.com", TLS = true } end,
         "request: unknown field 'TLS' %(did you mean 'tls'%?%)")
  raises(function() policy:decide { method = "GET", target = "/owa/", cipherbits = 256 } end,
         "unknown field 'cipherbits' %(did you mean 'cipher_bits'%?%)")
  raises(function() policy:decide { method = "GET", target = "/owa/", frobnicate = 1 } end,
         "request: unknown field 'frobnicate'$")
  raises(function() policy:decide { "GET", "/owa/" } end, "request takes named fields, not a number key")
  local d = policy:decide { method = "GET", target = "/owa/", host = "mail.contoso.com", tls = true, cipher_bits = 256 }
  eq(d.action, "allow", "every field known")
end)

test("client_cert takes its names, cipher_bits a number: nothing else", function()
  local p = assert(sslvdir.load { policy_xml = [[
<policy xmlns="urn:libsslvdir:policy:1" version="1" exchange="2016">
  <site name="Default Web Site" preset="exchange2016">
    <host name="mail.contoso.com"/>
    <vdir path="/owa" edge="Ssl,SslNegotiateCert,SslRequireCert"/>
  </site>
</policy>]] })
  local function req(cert, bits)
    return { method = "GET", target = "/owa/", host = "mail.contoso.com", tls = true,
             cipher_bits = bits or 256, client_cert = cert }
  end
  for _, bad in ipairs { true, false, 1, 0, "OK", "1", "", "ok\0" } do
    raises(function() p:decide(req(bad)) end, "'client_cert' must be one of 'none', 'ok', ")
  end
  eq(p:decide(req(nil)).substatus, 7)
  eq(p:decide(req("ok")).action, "allow")
  -- A string is not a number: "256" was read as 256.
  raises(function() p:decide(req("ok", "256")) end, "'cipher_bits' must be an integer")
  raises(function() policy:autodiscover_respond("<x/>", { time_us = "1" }) end, "'time_us' must be an integer")
  eq(p:decide(req("ok", 256.0)).action, "allow")
end)

test("tables are read raw: metamethods are not called, strings stay alive", function()
  -- An __index that collects garbage and returns a fresh string: a field
  -- read through it and then dropped would be freed before the library reads it.
  local calls = 0
  local fresh = {
    method = function() return "GET" end,
    target = function() return "/owa/" .. ("x"):rep(100) end,
    host = function() return ("h"):rep(60) .. ".contoso.com" end,
    peer = function() return "10.0.0.5" .. (" "):rep(60) end,
    x_forwarded_proto = function() return "https" .. (" "):rep(60) end,
    front_end_https = function() return "On" .. (" "):rep(60) end,
    client_cert = function() return "ok" end,
    tls = function() return true end,
    cipher_bits = function() return 256 end,
    side = function() return "sideways" .. ("x"):rep(60) end,
    time_us = function() return 1 end,
    spec_spelling = function() return true end,
    policy_xml = function()
      return '<policy xmlns="urn:libsslvdir:policy:1" version="1"><site name="S"/></policy>' ..
             ("<!-- pad -->"):rep(10)
    end,
  }
  local mt = { __index = function(_, k)
    calls = calls + 1
    collectgarbage()
    local f = fresh[k]
    return f and f()
  end }
  -- Every field behind __index: none is seen, so method and target are missing.
  raises(function() policy:decide(setmetatable({}, mt)) end, "method and target")
  -- Raw method and target; tls, cipher_bits, host... behind __index do not count.
  local d = redirecting:decide(setmetatable({ method = "GET", target = "/owa/" }, mt))
  eq(d.tls, false, "tls from __index"); eq(d.action, "redirect")
  -- The out table is written raw too.
  local written = 0
  local out = setmetatable({}, { __newindex = function(t, k, v) written = written + 1; rawset(t, k, v) end })
  redirecting:decide({ method = "GET", target = "/owa/", host = "mail.contoso.com" }, out)
  eq(out.location, "https://mail.contoso.com/owa/"); eq(written, 0, "__newindex calls")
  -- load{}: policy_xml behind __index is not seen: no source at all.
  local p, msg = sslvdir.load(setmetatable({}, mt))
  eq(p, nil); assert(msg:find("no policy", 1, true))
  -- Autodiscover options: side = "sideways" behind __index is not seen.
  assert(policy:autodiscover_respond("<junk", setmetatable({}, mt)):find("<ErrorCode>600</ErrorCode>", 1, true))
  eq(policy:autodiscover_json("Email=a%40contoso.com&Protocol=AutodiscoverV1", setmetatable({}, mt)), 200)
  eq(calls, 0, "__index calls")
end)

test("runtime failures are nil, message, code", function()
  local p, msg, code = sslvdir.load(ns { preset = "exchange1999" })
  eq(p, nil); assert(msg:find("exchange1999")); eq(code, -4)
  p, msg, code = sslvdir.load { policy = "/nonexistent/policy.xml" }
  eq(p, nil); eq(code, -9)
  p, msg, code = sslvdir.load { policy_xml = "<!DOCTYPE x [<!ENTITY a 'b'>]><policy/>" }
  eq(p, nil); assert(code < 0)
  p, msg, code = sslvdir.load { preset = "exchange2016", policy = "x.xml" }
  eq(p, nil); eq(code, -8)
  -- Extended Protection (on at Exchange SE's setup) is not supported with SSL offloading.
  p, msg, code = sslvdir.load(ns { preset = "exchangese-offload" })
  eq(p, nil); eq(code, -8); assert(msg:find("Extended Protection", 1, true))
  assert(msg:find("; set extended_protection = false, or bridge (the preset without -offload)", 1, true), msg)
  p = assert(sslvdir.load(ns { preset = "exchangese-offload", extended_protection = false }))
  eq(p:decide { method = "GET", target = "/owa/", host = "mail.contoso.com", tls = true,
                cipher_bits = 256 }.upstream, "offload")
  p = assert(sslvdir.load(ns { preset = "exchangese" }))
  eq(p:decide { method = "POST", target = "/rpc/rpcproxy.dll", host = "mail.contoso.com" }.substatus, 4)
  p, msg, code = sslvdir.load { policy = "x.xml", redirect = true }
  eq(p, nil); eq(code, -8); assert(msg:find("redirect goes with preset", 1, true))
  raises(function() sslvdir.load { redirect = "yes" } end, "must be a boolean")
  raises(function() sslvdir.load { extended_protection = 0 } end, "must be a boolean")
  local v, m, c = policy:rewrite_header("Location", "http://mail.contoso.com/\r\nSet-Cookie: x")
  eq(v, nil); eq(c, -3)
  v, m, c = policy:rewrite_header("Location", "http://x/", "No Site/none")
  eq(v, nil); eq(c, -6)
  v, m, c = sslvdir.cipher_bits("NO-SUCH-SUITE")
  eq(v, nil); assert(c < 0)
end)

test("header rewriting", function()
  eq(policy:rewrite_header("Location", "http://mail.contoso.com/owa/"), "https://mail.contoso.com/owa/")
  eq(policy:rewrite_header("Location", "http://evil.example/"), false)
  eq(policy:rewrite_header("X-Other", "http://mail.contoso.com/"), false)
  assert(policy:rewrite_header("Set-Cookie", "a=b"):find("Secure"))
  local long = "http://mail.contoso.com/" .. string.rep("x", 100000)
  eq(policy:rewrite_header("Location", long), "https" .. long:sub(5))
  -- Longer than the module's buffer and left as it is: false, and nothing
  -- copied (the library wrote nothing).
  eq(policy:rewrite_header("Location", "http://evil.example/" .. string.rep("x", 16 << 20)), false)
  eq(policy:rewrite_header("Set-Cookie", "a=b; Secure; x=" .. string.rep("c", 16 << 20)), false)
end)

test("body rewriting, streamed in any chunk size", function()
  local body = string.rep("<a href='http://mail.contoso.com/owa/'>http://mail.contoso.com.evil/</a>", 40)
  local whole
  for _, size in ipairs { 1, 3, 64, 100000 } do
    local rw = assert(policy:rewriter())
    eq(rw:begin("text/html"), "rewrite")
    local parts = {}
    for i = 1, #body, size do parts[#parts + 1] = rw:feed(body:sub(i, i + size - 1)) end
    parts[#parts + 1] = rw:finish()
    local out = table.concat(parts)
    whole = whole or out
    eq(out, whole, "chunk " .. size)
    local _, _, replaced = rw:counts()
    eq(replaced, 40)
    rw:close()
    raises(function() rw:feed("x") end, "closed")
  end
  local _, n = whole:gsub("https://mail.contoso.com/owa/", "")
  eq(n, 40)
  local rw = policy:rewriter()
  eq(rw:begin("image/png"), "pass-type")
  eq(rw:feed(body) .. rw:finish(), body)
end)

test("Autodiscover answers", function()
  local req = [[<?xml version="1.0"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>alice@contoso.com</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>]]
  local xml = assert(policy:autodiscover_respond(req, { time_us = 1 }))
  assert(xml:find("https://mail.contoso.com/EWS/Exchange.asmx", 1, true))
  assert(policy:autodiscover_respond("<junk"):find("<ErrorCode>600</ErrorCode>", 1, true))
  local status, body = policy:autodiscover_json("Email=a%40contoso.com&Protocol=AutodiscoverV1")
  eq(status, 200)
  assert(body:find('"Url":"https://mail.contoso.com/Autodiscover/Autodiscover.xml"', 1, true))
  status = policy:autodiscover_json("Email=a%40contoso.com&Protocol=Nope")
  eq(status, 400)
  raises(function() policy:autodiscover_respond(req, { side = "sideways" }) end, "side")
  -- the address in the path, as Outlook 2016 and later ask first
  local path = "/autodiscover/autodiscover.json/v1.0/a%40contoso.com"
  status, body = policy:autodiscover_json("Protocol=AutodiscoverV1", { path = path })
  eq(status, 200)
  eq(body, '{"Protocol":"AutodiscoverV1","Url":"https://mail.contoso.com/Autodiscover/Autodiscover.xml"}')
  status, body = policy:autodiscover_json("Email=b%40contoso.com&Protocol=AutodiscoverV1", { path = path })
  eq(status, 400)
  assert(body:find('"ErrorCode":"InvalidRequest"', 1, true))
  eq((policy:autodiscover_json("Protocol=AutodiscoverV1", { path = path .. "/x" })), 400)
  raises(function() policy:autodiscover_json("Protocol=AutodiscoverV1", { path = path .. "?x" }) end, "path")
  raises(function() policy:autodiscover_json("Protocol=AutodiscoverV1", { path = 1 }) end, "path")
end)

test("sites", function()
  local sites = policy:sites()
  eq(#sites, 1); eq(sites[1].name, "Default Web Site"); eq(sites[1].hosts[1], "mail.contoso.com")
  local by = {}
  for _, v in ipairs(sites[1].vdirs) do by[v.config_path] = v end
  eq(by["Default Web Site/owa"].upstream, "bridge"); eq(by["Default Web Site/owa"].kind, "owa")
  eq(by["Default Web Site/EWS/mrsproxy.svc"].kind, "mrsproxy")
  eq(by["Default Web Site/owa"].redirect_status, 0)
  by = {}
  for _, v in ipairs(redirecting:sites()[1].vdirs) do by[v.config_path] = v end
  eq(by["Default Web Site/owa"].redirect_status, 302); eq(by["Default Web Site/EWS"].redirect_status, 0)
end)

test("policies from server files", function()
  local p = assert(sslvdir.load { iisconfig = DATA .. "/config/exchange2016.config",
                                  reg = { DATA .. "/registry/exchange2010-owa.reg" } })
  -- IIS itself does not redirect: what the server's files say is 403.4 (as sslvdir eval says)
  local d = p:decide { method = "GET", target = "/owa/", host = "mail.contoso.com" }
  eq(d.action, "deny"); eq(d.substatus, 4)
end)

test("close and __gc", function()
  local p = assert(sslvdir.load(ns {}))
  p:close()
  p:close() -- twice is fine
  raises(function() p:decide { method = "GET", target = "/" } end, "closed")
  for _ = 1, 200 do assert(sslvdir.load(ns {})) end
  collectgarbage(); collectgarbage()
end)

if _VERSION == "Lua 5.4" then
  test("__close (to-be-closed variables)", function()
    local chunk = assert(load [[
      local sslvdir = ...
      local p <close> = assert(sslvdir.load { preset = "exchange2016", hosts = "mail.contoso.com",
                                              autodiscover_domains = "contoso.com" })
      return p
    ]])
    local p = chunk(sslvdir)
    raises(function() p:decide { method = "GET", target = "/" } end, "closed")
  end)
end

test("a finalizer closing the policy or a rewriter mid-call", function()
  -- Methods allocate Lua values while they read the policy, and an
  -- allocation may run finalizers: one that closes the policy then must not
  -- free it under the method (the close waits for the method to finish).
  local gc = _VERSION == "Lua 5.3" and function() collectgarbage("setpause", 0) collectgarbage("setstepmul", 1000) end
             or function() collectgarbage("incremental", 0, 1000) end
  gc()
  -- Nothing allocates between the calls: the collector's steps (and the
  -- finalizers) then mostly run inside the methods.
  local body = "http://mail.contoso.com/owa/ " .. ("x"):rep(6000)
  local junk = "<junk" .. body
  local req = { method = "GET", target = "/owa/", host = "mail.contoso.com" }
  local closed = 0
  for _ = 1, 400 do
    local p = assert(sslvdir.load(ns {}))
    local rw = p:rewriter()
    rw:begin("text/html")
    local left = math.random(1, 300)
    for _ = 1, 300 do
      setmetatable({}, { __gc = function()
        left = left - 1
        if left == 0 then p:close(); rw:close() end
      end })
    end
    local ok, err = pcall(function()
      for _ = 1, 30 do
        local sites = p:sites()
        assert(sites[1].vdirs[1].config_path == "Default Web Site")
        assert(p:decide(req).vdir == "Default Web Site/owa")
        assert(#p:rewrite_header("Location", body) == #body + 1)
        assert(#p:autodiscover_respond(junk) > 100)
        assert(#rw:feed(body) > 0)
      end
    end)
    if not ok then
      assert(tostring(err):find("is closed"), err)
      closed = closed + 1
    end
    p:close(); rw:close()
  end
  collectgarbage()
  if _VERSION == "Lua 5.3" then collectgarbage("setpause", 200) collectgarbage("setstepmul", 200)
  else collectgarbage("incremental", 200, 100) end
  assert(closed > 0, "no finalizer closed anything")
end)

test("a finalizer calling a rewriter or policy method mid-call is refused", function()
  -- feed() collects its output in a buffer on its own C stack while the
  -- buffer's growth runs finalizers: a nested feed(), finish(), reset() or
  -- begin() there must be refused, and the outer feed() must return every
  -- byte (it once wrote into the nested call's dead stack frame).
  local gc = _VERSION == "Lua 5.3" and function() collectgarbage("setpause", 1) collectgarbage("setstepmul", 1000) end
             or function() collectgarbage("incremental", 1, 1000) end
  gc()
  local p = assert(sslvdir.load(ns { hosts = { "mail.contoso.com" } }))
  local rw = assert(p:rewriter())
  local piece = ('<a href="http://mail.contoso.com/x">'):rep(2000)
  local want = piece:gsub("http:", "https:")
  local infeed, nested, refused, other = false, 0, 0, {}
  local calls = {
    function() return rw:feed("zz http://mail.contoso.com:8") end,
    function() return rw:finish() end,
    function() return rw:reset() end,
    function() return rw:begin("text/html") end,
    function() return rw:counts() end,
  }
  local function garbage()
    setmetatable({}, { __gc = function()
      if not infeed then return end
      nested = nested + 1
      local ok, err = pcall(calls[nested % #calls + 1])
      if not ok and tostring(err):find("in use") then refused = refused + 1
      else other[#other + 1] = tostring(err) end
    end })
  end
  local bad = 0
  for _ = 1, 60 do
    rw:begin("text/html")
    for _ = 1, 300 do garbage() end
    infeed = true
    local ok, out = pcall(rw.feed, rw, piece)
    infeed = false
    out = ok and out .. rw:finish() or out
    if out ~= want then bad = bad + 1 end
  end
  collectgarbage()
  if _VERSION == "Lua 5.3" then collectgarbage("setpause", 200) collectgarbage("setstepmul", 200)
  else collectgarbage("incremental", 200, 100) end
  eq(bad, 0, "feeds that lost or changed bytes")
  assert(nested > 0, "no finalizer ran inside feed()")
  eq(refused, nested, "nested calls refused (others: " .. table.concat(other, "; ") .. ")")
  -- The same for a policy method that allocates (sites() builds tables).
  local req = { method = "GET", target = "/owa/", host = "mail.contoso.com" }
  local want_action = p:decide(req).action
  calls = { function() return p:decide(req) end, function() return p:sites() end,
            function() return p:rewriter() end }
  nested, refused, other = 0, 0, {}
  gc()
  for _ = 1, 60 do
    for _ = 1, 300 do garbage() end
    infeed = true
    for _ = 1, 20 do
      local sites = p:sites()
      if sites[1].vdirs[1].config_path ~= "Default Web Site" then bad = bad + 1 end
    end
    infeed = false
  end
  collectgarbage()
  if _VERSION == "Lua 5.3" then collectgarbage("setpause", 200) collectgarbage("setstepmul", 200)
  else collectgarbage("incremental", 200, 100) end
  eq(bad, 0, "wrong sites() answers")
  assert(nested > 0, "no finalizer ran inside sites()")
  eq(refused, nested, "nested policy calls refused (others: " .. table.concat(other, "; ") .. ")")
  -- Once the outer call is done, the objects work as before.
  rw:begin("text/html")
  eq(rw:feed("http://mail.contoso.com/") .. rw:finish(), "https://mail.contoso.com/")
  eq(p:decide(req).action, want_action)
end)

test("random and hostile input: answers or nil, msg, code, never a crash", function()
  local pieces = { "/owa/", "%2e%2e", "%252f", "..", "http://", "mail.contoso.com", ":443", "\r\n",
                   "\0", "\255", "<Autodiscover", "<!DOCTYPE x [<!ENTITY e 'x'>]>", "&e;", "::$DATA",
                   "<policy xmlns=\"urn:libsslvdir:policy:1\" version=\"1\">" }
  math.randomseed(20261122)
  local function blob(limit)
    local out, n = {}, math.random(0, limit)
    while #out < n do
      if math.random() < 0.3 then out[#out + 1] = pieces[math.random(#pieces)]
      else out[#out + 1] = string.char(math.random(0, 255)) end
    end
    return table.concat(out)
  end
  local out = {}
  for _ = 1, 2000 do
    local d = policy:decide({ method = blob(8), target = blob(200), host = blob(30), peer = blob(16),
                              tls = math.random() < 0.5, cipher_bits = math.random(0, 300),
                              x_forwarded_proto = blob(8) }, out)
    assert(d.action == "allow" or d.action == "redirect" or d.action == "deny")
    if d.location then assert(not d.location:find("[\r\n]")) end
    local v = policy:rewrite_header("Location", blob(200))
    assert(v == false or v == nil or not v:find("[\r\n]"))
    assert(policy:autodiscover_respond(blob(400)):sub(1, 5) == "<?xml")
    local p = sslvdir.load { policy_xml = blob(300) }
    if p then p:close() end
  end
end)

test("two tiers: the offloader's cipher guarantee", function()
  local req = { method = "GET", target = "/owa/", host = "mail.contoso.com", peer = "10.0.0.5",
                x_forwarded_proto = "https" }
  -- Nothing said about the cipher: 403.5, and the policy says why.
  eq(offload:decide(req).substatus, 5)
  eq(offload:cipher_header(), nil)
  local warned = false
  for _, w in ipairs(offload:warnings()) do
    if w:find("min-cipher-bits", 1, true) then warned = true end
  end
  eq(warned, true, "warning")
  local bits = assert(sslvdir.load(ns { preset = "exchange2016-offload", offloaders = "10.0.0.5",
                                        offloader_cipher_bits = 128 }))
  eq(bits:decide(req).action, "allow")
  eq(#bits:warnings(), 0)
  local hdr = assert(sslvdir.load(ns { preset = "exchange2016-offload", offloaders = { "10.0.0.5" },
                                       offloader_cipher_header = "X-SSL-Cipher" }))
  eq(hdr:cipher_header(), "X-SSL-Cipher")
  req.offload_cipher = "ECDHE-RSA-AES256-GCM-SHA384"
  eq(hdr:decide(req).action, "allow")
  req.offload_cipher = "RC4-SHA"
  eq(hdr:decide(req).substatus, 5)
  -- From a client the header is ignored, and to be stripped.
  local d = hdr:decide { method = "GET", target = "/owa/", host = "mail.contoso.com", peer = "192.0.2.1",
                         tls = true, cipher_bits = 0, offload_cipher = "AES256-SHA" }
  eq(d.substatus, 5)
  eq(d.remove_offload_cipher, true)
  eq(offload:decide(req).remove_offload_cipher, false)
  local p, msg = sslvdir.load(ns { preset = "exchange2016-offload", offloader_cipher_bits = 128 })
  eq(p, nil)
  assert(msg:find("offloader_cipher_bits goes with offloaders", 1, true))
  p, msg = sslvdir.load(ns { preset = "exchange2016-offload", offloaders = "10.0.0.5",
                             offloader_cipher_header = "X Cipher" })
  eq(p, nil)
  assert(msg:find("not a header name", 1, true))
  -- A key size out of range is a runtime failure with the library's message.
  for _, n in ipairs { 257, -1, math.maxinteger } do
    local q, m, c = sslvdir.load(ns { preset = "exchange2016-offload", offloaders = "10.0.0.5",
                                      offloader_cipher_bits = n })
    eq(q, nil, "bits " .. n); assert(c == -7 or c == -3, c)
    assert(m:find("offloader_cipher_bits '" .. n .. "': expected a key size from 0 to 256", 1, true), m)
  end
  raises(function() sslvdir.load { offloaders = "10.0.0.5", offloader_cipher_bits = "128" } end, "must be an integer")
  raises(function() sslvdir.load { offloaders = "10.0.0.5", offloader_cipher_bits = 1.5 } end, "must be an integer")
  bits:close()
  hdr:close()
end)

test("load{} guesses nothing: no preset, host or Autodiscover domain", function()
  -- A preset without hosts used to serve a demo namespace, and redirect
  -- http://mail.fabrikam.com/owa/ to https://mail.contoso.com/owa/.
  local p, msg, code = sslvdir.load {}
  eq(p, nil); eq(code, -8)
  assert(msg:find("no policy: give policy (a policy file), preset (a built-in preset, with hosts and autodiscover_domains) or iisconfig", 1, true), msg)
  p, msg, code = sslvdir.load { preset = "exchange2016", redirect = true }
  eq(p, nil); eq(code, -8); assert(msg:find("^preset needs hosts: the host names"), msg)
  p, msg, code = sslvdir.load { preset = "exchange2016", hosts = "mail.fabrikam.com" }
  eq(p, nil); eq(code, -8); assert(msg:find("^preset needs autodiscover_domains: the users' e%-mail domains"), msg)
  p = assert(sslvdir.load { preset = "exchange2016", hosts = "mail.fabrikam.com",
                            autodiscover_domains = "fabrikam.com", redirect = true })
  eq(p:decide { method = "GET", target = "/owa/", host = "mail.fabrikam.com" }.location,
     "https://mail.fabrikam.com/owa/")
  -- hosts from an applicationHost.config's bindings will do
  p = assert(sslvdir.load { preset = "exchange2016", autodiscover_domains = "contoso.com",
                            iisconfig = DATA .. "/config/exchange2016.config" })
  eq(p:decide { method = "GET", target = "/owa/", host = "mail.contoso.com" }.substatus, 4)
  p, msg = sslvdir.load { preset = "exchange2016", site = "Exchange Back End", autodiscover_domains = "contoso.com",
                          iisconfig = DATA .. "/config/exchange2016.config" }
  eq(p, nil); assert(msg:find("site 'Exchange Back End'", 1, true), msg)
  -- hostile values: runtime failures, not crashes
  p, msg, code = sslvdir.load(ns { hosts = { "" } })
  eq(p, nil); eq(code, -3); assert(msg:find("^hosts: empty value"), msg)
  p, msg, code = sslvdir.load(ns { hosts = { ("a"):rep(100000) } })
  eq(p, nil); eq(code, -7)
  p, msg, code = sslvdir.load(ns { hosts = { "mail.contoso.com\0.evil.example" } })
  eq(p, nil); eq(code, -3); assert(msg:find("NUL", 1, true), msg)
end)

test("load{} messages in the caller's names", function()
  local names = { preset = "SSLVDIR_PRESET", hosts = "SSLVDIR_HOSTS" }
  local p, msg = sslvdir.load({ preset = "exchange2016" }, names)
  eq(p, nil); assert(msg:find("^SSLVDIR_PRESET needs SSLVDIR_HOSTS"), msg)
  p, msg = sslvdir.load({ preset = "exchange2016", hosts = "bad host", autodiscover_domains = "x.example" }, names)
  eq(p, nil); assert(msg:find("^SSLVDIR_HOSTS: "), msg)
  raises(function() sslvdir.load({}, { hosts = 5 }) end, "names.hosts must be a string")
  raises(function() sslvdir.load({}, "x") end, "table expected")
  p, msg = sslvdir.load({ preset = "exchange2016" }, { hosts = "bad\nname" })
  eq(p, nil); assert(msg:find("printable ASCII", 1, true), msg)
end)

test("environ lists the variables with a prefix", function()
  local names = sslvdir.environ("SSLVDIR_TEST_")
  local seen = false
  for _, n in ipairs(names) do
    assert(n:sub(1, 13) == "SSLVDIR_TEST_", n)
    if n == "SSLVDIR_TEST_DATA" then seen = true end
  end
  eq(seen, os.getenv("SSLVDIR_TEST_DATA") ~= nil, "SSLVDIR_TEST_DATA listed")
  eq(#sslvdir.environ("NO_SUCH_PREFIX_SSLVDIR_"), 0)
  raises(function() sslvdir.environ() end, "string expected")
end)

test("cipher bits", function()
  eq(sslvdir.cipher_bits("ECDHE-RSA-AES256-GCM-SHA384"), 256)
  eq(sslvdir.cipher_bits("DES-CBC3-SHA"), 112)
end)

-- decide_fast(): the request as arguments, the decision as values. It must
-- say what decide{} says, for every request.
local FAST_ARGS = { "method", "target", "host", "tls", "peer", "cipher_bits", "client_cert",
                    "x_forwarded_proto", "front_end_https", "offload_cipher" }
local function fast(p, r)
  return p:decide_fast(r.method, r.target, r.host, r.tls, r.peer, r.cipher_bits, r.client_cert,
                       r.x_forwarded_proto, r.front_end_https, r.offload_cipher)
end
local function same_as_decide(p, r, what)
  local d, msg = p:decide(r)
  local n = select("#", fast(p, r))
  local action, status, substatus, reason, vdir, upstream, location, tls, remove, set_xfp, set_feh, reason_text =
    fast(p, r)
  if not d then
    eq(action, nil, what .. ": both fail"); eq(status, msg, what .. ": same message")
    return
  end
  eq(n, 12, what .. ": values")
  eq(action, d.action, what .. ": action"); eq(status, d.status, what .. ": status")
  eq(substatus, d.substatus, what .. ": substatus"); eq(reason, d.reason, what .. ": reason")
  eq(vdir, d.vdir, what .. ": vdir"); eq(upstream, d.upstream, what .. ": upstream")
  eq(location, d.location, what .. ": location"); eq(tls, d.tls, what .. ": tls")
  eq(remove & sslvdir.REQUEST_HEADER_X_FORWARDED_PROTO ~= 0, d.remove_x_forwarded_proto, what .. ": remove xfp")
  eq(remove & sslvdir.REQUEST_HEADER_FRONT_END_HTTPS ~= 0, d.remove_front_end_https, what .. ": remove feh")
  eq(remove & sslvdir.REQUEST_HEADER_OFFLOAD_CIPHER ~= 0, d.remove_offload_cipher, what .. ": remove cipher")
  eq(remove & ~7, 0, what .. ": no other bit")
  eq(set_xfp, d.set_x_forwarded_proto, what .. ": set xfp"); eq(set_feh, d.set_front_end_https, what .. ": set feh")
  eq(reason_text, d.reason_text, what .. ": reason_text")
end

-- The requests of the library's decision cases (tests/data/decide/*.cases:
-- "policy METHOD target key=value... => expected"), their keys as decide{}'s.
local CASE_KEYS = { host = "host", peer = "peer", xfp = "x_forwarded_proto", feh = "front_end_https",
                    cipher = "offload_cipher", cert = "client_cert" }
local function case_requests()
  local out = {}
  for _, name in ipairs { "adredirect", "certs", "inherit", "offcipher", "redirect", "tls", "tricks", "versions" } do
    for line in assert(io.open(DATA .. "/decide/" .. name .. ".cases")):lines() do
      local req = line:match("^[^#]%S* (.-) =>")
      if req then
        local r, i = {}, 0
        for tok in req:gmatch("%S+") do
          i = i + 1
          local k, v = tok:match("^(%w+)=(.*)$")
          if i == 1 then r.method = tok
          elseif i == 2 then r.target = tok
          elseif tok == "tls" or (k == "tls" and v == "1") then r.tls = true
          elseif k == "bits" then r.cipher_bits = math.tointeger(tonumber(v))
          elseif k == "cert" and v == "missing" then r.client_cert = "none" -- the C cases' synonym
          elseif k and CASE_KEYS[k] then r[CASE_KEYS[k]] = v end
        end
        out[#out + 1] = r
      end
    end
  end
  assert(#out > 300, "the cases were read")
  return out
end

local function case_policies()
  local ps = { policy, offload, redirecting }
  for _, f in ipairs { "certs", "offcipher", "adredirect", "inherit", "multi" } do
    ps[#ps + 1] = assert(sslvdir.load { policy = DATA .. "/decide/" .. f .. ".xml" })
  end
  return ps
end

test("decide_fast says what decide{} says: the decision cases, every policy", function()
  local reqs, n = case_requests(), 0
  for pi, p in ipairs(case_policies()) do
    for i, r in ipairs(reqs) do
      same_as_decide(p, r, string.format("policy %d, case %d (%s %s)", pi, i, r.method, r.target))
      n = n + 1
    end
  end
  assert(n > 2000)
end)

test("decide_fast says what decide{} says: generated requests", function()
  local ps = case_policies()
  local methods = { "GET", "HEAD", "POST", "PUT", "get", "", "G ET", "\0" }
  local hosts = { nil, "mail.contoso.com", "MAIL.contoso.com:443", "autodiscover.contoso.com", "evil.example",
                  "mail.contoso.com, evil.example", "", "a\r\nb", "mail.contoso.com\0x" }
  local paths = { "/", "/owa/", "/OWA", "/ecp/?x=1", "/EWS/Exchange.asmx", "/EWS/mrsproxy.svc",
                  "/Microsoft-Server-ActiveSync?Cmd=Sync", "/mapi/emsmdb/?MailboxId=a@b", "/autodiscover/autodiscover.xml",
                  "/autodiscover/autodiscover.json?Email=a@contoso.com", "/owa/%2e%2e/ecp", "/owa\\..\\ecp",
                  "/certauth/x", "/optcert/", "/mapcert/", "/only128/", "/ep/", "/owa/;x", "//owa", "/owa/%00",
                  "http://mail.contoso.com/owa/", "https://evil.example/owa/?a=\"<>", "*", "" }
  local peers = { nil, "10.0.0.5", "203.0.113.9", "::1", "10.0.0.5x" }
  local xfps = { nil, "https", "http", "https, http", "HTTPS" }
  local certs = { nil, "none", "ok", "untrusted", "expired", "revoked" }
  local ciphers = { nil, "ECDHE-RSA-AES256-GCM-SHA384", "DES-CBC3-SHA", "128", "x" }
  math.randomseed(20261127)
  local function pick(t, n) local i = math.random(0, n or #t); return t[i] end
  for i = 1, 4000 do
    local r = { method = pick(methods, #methods - 1) or "GET", target = pick(paths, #paths - 1) or "/owa/",
                host = pick(hosts, 8), tls = math.random() < 0.6, peer = pick(peers, 4),
                cipher_bits = math.random(0, 3) == 0 and nil or math.random(0, 300),
                client_cert = pick(certs, 5), x_forwarded_proto = pick(xfps, 4),
                front_end_https = math.random() < 0.2 and "On" or nil, offload_cipher = pick(ciphers, 4) }
    if math.random() < 0.5 then r.tls = nil end
    same_as_decide(ps[math.random(#ps)], r, "generated request " .. i)
  end
end)

test("a reused out table holds what a new one holds, request after request", function()
  local reqs, out = case_requests(), {}
  local ps = case_policies()
  for i, r in ipairs(reqs) do
    for pi, p in ipairs(ps) do
      local d, reused = p:decide(r), p:decide(r, out)
      assert(reused == out)
      for k, v in pairs(d) do eq(out[k], v, string.format("case %d, policy %d: out.%s", i, pi, k)) end
      for k, v in pairs(out) do eq(d[k], v, string.format("case %d, policy %d: stale out.%s", i, pi, k)) end
    end
  end
end)

test("canonical_path is decide{}'s path, for a decide_fast caller", function()
  local reqs, n = case_requests(), 0
  for pi, p in ipairs(case_policies()) do
    for i, r in ipairs(reqs) do
      local d = p:decide(r)
      if d.path then
        eq(sslvdir.canonical_path(r.target), d.path, string.format("policy %d, case %d", pi, i)); n = n + 1
      end
    end
  end
  assert(n > 1000, "paths compared")
  eq(sslvdir.canonical_path("/OWA/%41b/./x/../?q=1"), "/OWA/Ab/")
  local path, msg, code, reason = sslvdir.canonical_path("/owa/%2e%2e/%2e%2e/x")
  eq(path, nil); assert(#msg > 0); eq(code, -10, "SSLVDIR_E_REFUSED"); assert(type(reason) == "string")
  for _, t in ipairs { "/owa/\0", "/owa/%00", "/owa/" .. string.rep("a", 1 << 20), "\255", "" } do
    eq(sslvdir.canonical_path(t), nil, "refused: " .. #t)
  end
  raises(function() sslvdir.canonical_path() end, "string expected")
  raises(function() sslvdir.canonical_path({}) end, "string expected")
end)

test("decide_fast: absent is nil, the values in order", function()
  local action, status, substatus, reason, vdir, upstream, location, tls, remove, set_xfp, set_feh =
    redirecting:decide_fast("GET", "/owa/?a=1", "mail.contoso.com")
  eq(action, "redirect"); eq(status, 302); eq(substatus, nil); eq(reason, "redirect-https")
  eq(vdir, "Default Web Site/owa"); eq(upstream, "bridge"); eq(location, "https://mail.contoso.com/owa/?a=1")
  eq(tls, false); eq(remove, sslvdir.REQUEST_HEADER_X_FORWARDED_PROTO | sslvdir.REQUEST_HEADER_FRONT_END_HTTPS)
  eq(set_xfp, nil); eq(set_feh, nil)
  action, status, substatus = policy:decide_fast("POST", "/EWS/Exchange.asmx", "mail.contoso.com", nil, nil, nil, nil)
  eq(action, "deny"); eq(status, 403); eq(substatus, 4)
  -- through the trusted offloader: headers set, the client's stripped
  local a, _, _, _, v, up, loc, t, rm, sx, sf =
    offload:decide_fast("POST", "/EWS/mrsproxy.svc", "mail.contoso.com", false, "10.0.0.5", 256, nil, "https")
  eq(a, "allow"); eq(v, "Default Web Site/EWS/mrsproxy.svc"); eq(up, "bridge"); eq(loc, nil); eq(t, true)
  eq(sx, nil, "bridged: TLS again, no header set"); eq(rm, 0, "the offloader's headers are kept")
  a, _, _, _, _, up, _, t, rm, sx = offload:decide_fast("GET", "/owa/", "mail.contoso.com", true, nil, 128, nil, "http")
  eq(a, "allow"); eq(up, "offload"); eq(t, true); eq(sx, "https")
  eq(rm & sslvdir.REQUEST_HEADER_X_FORWARDED_PROTO, sslvdir.REQUEST_HEADER_X_FORWARDED_PROTO, "the client's header is stripped")
  -- arguments after the tenth are not read
  eq(policy:decide_fast("GET", "/owa/", "mail.contoso.com", true, nil, 256, nil, nil, nil, nil, 5, {}), "allow")
end)

test("decide_fast: hostile arguments are errors or decisions, never a crash", function()
  local df = policy.decide_fast
  raises(function() df({}, "GET", "/") end, "sslvdir.policy expected")
  raises(function() df(nil, "GET", "/") end, "sslvdir.policy expected")
  raises(function() df(policy:rewriter(), "GET", "/") end, "sslvdir.policy expected")
  raises(function() df(io.stdout, "GET", "/") end, "sslvdir.policy expected")
  raises(function() policy:decide_fast() end, "method and target")
  raises(function() policy:decide_fast("GET") end, "method and target")
  raises(function() policy:decide_fast(nil, "/") end, "method and target")
  raises(function() policy:decide_fast(1, "/") end, "#1 to 'decide_fast' %(method must be a string%)")
  raises(function() policy:decide_fast("GET", {}) end, "target must be a string")
  raises(function() policy:decide_fast("GET", "/", 5) end, "host must be a string")
  -- not Lua's truthiness: 0 and "false" would mean TLS
  for _, bad in ipairs { 0, 1, "false", "true", {} } do
    raises(function() policy:decide_fast("GET", "/owa/", "mail.contoso.com", bad) end, "tls must be a boolean")
  end
  raises(function() policy:decide_fast("GET", "/", nil, true, 10) end, "peer must be a string")
  for _, bad in ipairs { "256", 1.5, true, 0 / 0, math.huge } do
    raises(function() policy:decide_fast("GET", "/", nil, true, nil, bad) end, "cipher_bits must be an integer")
  end
  for _, bad in ipairs { -1, 1 << 40, math.mininteger } do
    raises(function() policy:decide_fast("GET", "/", nil, true, nil, bad) end, "cipher_bits out of range")
  end
  for _, bad in ipairs { true, 1, "OK", "", "ok\0" } do
    raises(function() policy:decide_fast("GET", "/", nil, true, nil, 256, bad) end, "client_cert must be one of")
  end
  raises(function() policy:decide_fast("GET", "/", nil, nil, nil, nil, nil, 1) end, "x_forwarded_proto must be a string")
  raises(function() policy:decide_fast("GET", "/", nil, nil, nil, nil, nil, nil, false) end, "front_end_https must be a string")
  raises(function() policy:decide_fast("GET", "/", nil, nil, nil, nil, nil, nil, nil, 128) end, "offload_cipher must be a string")
  -- NUL bytes, huge strings, bytes a URL cannot hold: decisions that refuse
  local huge = string.rep("a", 1 << 20)
  for _, t in ipairs { "/owa/\0", "/owa/" .. huge, "/owa/\r\nX: y", "/owa/\255", "\0" } do
    eq(policy:decide_fast("GET", t, "mail.contoso.com", true, nil, 256), "deny", "target " .. #t)
  end
  local _, status = policy:decide_fast("GET", "/owa/", "mail.contoso.com\0evil", true, nil, 256)
  eq(status, 400, "a host with a NUL")
  _, status = policy:decide_fast("GET", "/owa/", huge, true, nil, 256)
  eq(status, 400, "a 1 MiB host")
  eq(policy:decide_fast("G\0T", "/owa/", "mail.contoso.com", true, nil, 256), "deny", "a method with a NUL")
  eq(policy:decide_fast(huge, "/owa/", "mail.contoso.com", true, nil, 256), "deny", "a 1 MiB method")
  -- through an offloader, a spoofed header with a NUL counts for nothing
  local a, _, _, _, _, _, _, tls = offload:decide_fast("GET", "/owa/", "mail.contoso.com", false, "10.0.0.5", nil, nil, "https\0")
  eq(tls, false, "'https\\0' is not https"); assert(a ~= "allow" or tls == false)
  local closed = assert(sslvdir.load(ns {}))
  closed:close()
  raises(function() closed:decide_fast("GET", "/") end, "policy is closed")
end)

test("decision names are each policy's own", function()
  local other = assert(sslvdir.load { policy_xml = [[
<policy xmlns="urn:libsslvdir:policy:1" version="1" exchange="2016">
  <site name="Contoso Mail">
    <host name="mail.contoso.com"/>
    <vdir path="/owa" kind="owa"/>
  </site>
</policy>]] })
  for _ = 1, 3 do
    eq(select(5, policy:decide_fast("GET", "/owa/", "mail.contoso.com", true, nil, 256)), "Default Web Site/owa")
    eq(select(5, other:decide_fast("GET", "/owa/", "mail.contoso.com", true, nil, 256)), "Contoso Mail/owa")
    eq(other:decide { method = "GET", target = "/owa/", host = "mail.contoso.com" }.site, "Contoso Mail")
    eq(policy:decide { method = "GET", target = "/owa/", host = "mail.contoso.com" }.site, "Default Web Site")
    collectgarbage()
  end
  other:close()
end)

print(string.format("%d tests, %d failed (%s)", count, failures, _VERSION))
os.exit(failures == 0 and 0 or 1)

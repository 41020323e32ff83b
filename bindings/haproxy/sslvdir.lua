-- SPDX-License-Identifier: MIT
-- Copyright (c) 2026 The libsslvdir authors
--
-- libsslvdir for HAProxy: IIS/Exchange virtual-directory SSL policy at the proxy.
--
-- Load it in the global section, after telling HAProxy where the C module is
-- and which policy to use (the environment is read once, at startup):
--
--   global
--     unsetenv SSLVDIR_POLICY SSLVDIR_PRESET SSLVDIR_HOSTS ... (every SSLVDIR_*)
--     setenv SSLVDIR_POLICY /etc/haproxy/sslvdir-policy.xml
--     lua-prepend-path /usr/local/lib/lua/5.3/?.so cpath
--     lua-load-per-thread /usr/local/share/libsslvdir/haproxy/sslvdir.lua
--
-- (make install puts it in $(datadir)/libsslvdir/haproxy, next to the
-- example exchange2016.cfg; /usr/local/share with the default prefix.)
-- The unsetenv line comes first because a reload re-executes the master
-- with the environment setenv left: without it, a deleted setenv line
-- would stay in force (doc/haproxy.md, "Reloading a changed policy").
--
-- It registers:
--   http-request  lua.sslvdir           decide and carry the decision out
--   http-response lua.sslvdir-response  rewrite Location, Content-Location,
--                                       Refresh and Set-Cookie for TLS clients
--   service       lua.sslvdir-autodiscover  Autodiscover (POX and JSON) and the
--                                       port-80 Autodiscover redirect
--   http-request  lua.sslvdir-autodiscover-route  sets txn.sslvdir_autodiscover
--                                       to "answer" (the proxy can answer it:
--                                       JSON, a redirect, an error) or
--                                       "forward" (Outlook's POX settings:
--                                       only Exchange has them)
--
-- Configuration (environment variables, read at load time). Nothing is
-- guessed: give SSLVDIR_POLICY, SSLVDIR_PRESET (with SSLVDIR_HOSTS and
-- SSLVDIR_AD_DOMAINS) or SSLVDIR_IISCONFIG, or HAProxy refuses to start.
--   SSLVDIR_POLICY      a policy file (doc/policy-format.md), or
--   SSLVDIR_PRESET      a built-in preset (sslvdir presets lists them) with
--   SSLVDIR_HOSTS       comma-separated host names for the preset's site
--                       (required with a preset, unless SSLVDIR_IISCONFIG's
--                       bindings name them)
--   SSLVDIR_REDIRECT    1: Microsoft's http->https recipe for the preset (plain
--                       HTTP GET/HEAD to the site root, owa and ecp get 302 to
--                       https); unset or 0: 403.4, as Exchange ships
--   SSLVDIR_EXTENDED_PROTECTION  on or off: Extended Protection as the server
--                       has it (unset: what the version's Setup leaves; on is
--                       refused with an -offload preset)
--   SSLVDIR_AD_DOMAINS  comma-separated e-mail domains Autodiscover answers
--                       (required with a preset: clients find Autodiscover
--                       from the user's e-mail domain, not from a host name)
--   SSLVDIR_OFFLOADERS  comma-separated CIDRs of trusted offloaders
--   SSLVDIR_OFFLOADER_CIPHER_BITS  the minimum cipher key size those
--                       offloaders enforce with their clients (e.g. 128)
--   SSLVDIR_OFFLOADER_CIPHER_HEADER  a header those offloaders fill with the
--                       cipher suite or its key size (e.g. X-SSL-Cipher),
--                       believed from them only and stripped from others.
--                       Load balancers forward X-Forwarded-Proto and nothing
--                       about the cipher: without one of the two, vdirs that
--                       require Ssl128 answer 403.5 through them (logged at
--                       start-up).
--   SSLVDIR_IISCONFIG   an applicationHost.config to read
--   SSLVDIR_REG         comma-separated .reg files to apply
--   SSLVDIR_MAPS        the directory of the fast path's maps (sslvdir
--                       haproxy-maps writes them; doc/haproxy.md, "Fast
--                       path"): checked against the policy at start-up, and
--                       HAProxy refuses to start when they do not agree
--   SSLVDIR_DEBUG_HEADERS  1: refusals carry X-Sslvdir-Status and
--                       X-Sslvdir-Reason (for debugging; off by default, so
--                       clients are not told how the policy decided)
-- A policy that cannot be loaded stops HAProxy from starting; at a reload in
-- master-worker mode (haproxy -W), the master logs it, starts no new worker
-- and the old workers keep serving with the policy they loaded. Any other
-- SSLVDIR_* variable (a misspelt SSLVDIR_HOST) is warned about at start-up.
--
-- For the log, every decision sets txn.sslvdir_status (what the proxy
-- answered itself: IIS's 403.4, a 302; unset when the request went on to a
-- backend), txn.sslvdir_reason (the reason code, e.g. ssl-required) and
-- txn.sslvdir_vdir (the vdir's configuration path), e.g.
--   log-format "... %{+Q}r %[var(txn.sslvdir_status)] %[var(txn.sslvdir_reason)] %{+Q}[var(txn.sslvdir_vdir)]"
-- and, when a vdir was matched, txn.sslvdir_path: the canonical path it was
-- matched with, decoded as IIS decodes it (dot segments, %uNNNN), for rules
-- that must see the path IIS routes rather than the raw one.
--
-- Fail closed: every failure inside these functions answers 403 (the action)
-- or 500 (the service) instead of letting the request through, because
-- HAProxy 2.6 only logs a Lua error and carries on. The example
-- configuration adds a rule that denies any request the action did not mark
-- as decided (no txn.sslvdir_upstream), for the failures Lua cannot catch
-- (a timeout, a memory limit).

local sslvdir = require("sslvdir")

local M = {}

local function list(value)
  if value == nil or value == "" then return nil end
  local out = {}
  for item in value:gmatch("[^,%s]+") do out[#out + 1] = item end
  return out
end

-- A yes/no variable: nil when unset or empty; anything but 1/0, true/false,
-- on/off stops HAProxy from starting rather than guessing.
local function switch(name)
  local v = os.getenv(name)
  if v == nil or v == "" then return nil end
  v = v:lower()
  if v == "1" or v == "true" or v == "on" then return true end
  if v == "0" or v == "false" or v == "off" then return false end
  error(string.format("sslvdir: %s must be 1 or 0 (on or off), not '%s'", name, v))
end

-- The variables load_policy() reads, by the load{} field each sets; the
-- library's messages name them so (SSLVDIR_PRESET needs SSLVDIR_HOSTS).
local NAMES = {
  policy = "SSLVDIR_POLICY", preset = "SSLVDIR_PRESET", hosts = "SSLVDIR_HOSTS",
  autodiscover_domains = "SSLVDIR_AD_DOMAINS", offloaders = "SSLVDIR_OFFLOADERS",
  iisconfig = "SSLVDIR_IISCONFIG", reg = "SSLVDIR_REG", redirect = "SSLVDIR_REDIRECT",
  extended_protection = "SSLVDIR_EXTENDED_PROTECTION",
  offloader_cipher_bits = "SSLVDIR_OFFLOADER_CIPHER_BITS",
  offloader_cipher_header = "SSLVDIR_OFFLOADER_CIPHER_HEADER",
}
local KNOWN = { SSLVDIR_DEBUG_HEADERS = true, SSLVDIR_MAPS = true }
for _, v in pairs(NAMES) do KNOWN[v] = true end

-- Edits (insert, delete, replace a character) from a to b, for "did you mean".
local function distance(a, b)
  local prev = {}
  for j = 0, #b do prev[j] = j end
  for i = 1, #a do
    local cur = { [0] = i }
    for j = 1, #b do
      local cost = a:byte(i) == b:byte(j) and 0 or 1
      cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
    end
    prev = cur
  end
  return prev[#b]
end

-- "SSLVDIR_HOST (did you mean SSLVDIR_HOSTS?)" for each SSLVDIR_* variable
-- set that the plugin does not read: a misspelt one is otherwise silently
-- not applied.
local function unknown_variables()
  local out = {}
  for _, name in ipairs(sslvdir.environ("SSLVDIR_")) do
    if not KNOWN[name] then
      local best, best_d
      for k in pairs(KNOWN) do
        local d = distance(name, k)
        if d <= 3 and (not best_d or d < best_d or (d == best_d and k < best)) then best, best_d = k, d end
      end
      out[#out + 1] = best and string.format("%s (did you mean %s?)", name, best) or name
    end
  end
  return out
end

local function load_policy()
  local getenv = os.getenv
  local function str(name)
    local v = getenv(name)
    if v == "" then return nil end
    return v
  end
  local spec = {
    policy = str("SSLVDIR_POLICY"),
    preset = str("SSLVDIR_PRESET"),
    hosts = list(getenv("SSLVDIR_HOSTS")),
    autodiscover_domains = list(getenv("SSLVDIR_AD_DOMAINS")),
    offloaders = list(getenv("SSLVDIR_OFFLOADERS")),
    iisconfig = str("SSLVDIR_IISCONFIG"),
    reg = list(getenv("SSLVDIR_REG")),
    redirect = switch("SSLVDIR_REDIRECT"),
    extended_protection = switch("SSLVDIR_EXTENDED_PROTECTION"),
    offloader_cipher_header = str("SSLVDIR_OFFLOADER_CIPHER_HEADER"),
  }
  -- Digits only (tonumber would take "0x80" or "1e3"); the library checks
  -- the range and says so in SSLVDIR_* terms.
  local bits = str("SSLVDIR_OFFLOADER_CIPHER_BITS")
  if bits ~= nil then
    local n = bits:match("^%d+$") and math.tointeger(tonumber(bits))
    if not n then
      error(string.format("sslvdir: SSLVDIR_OFFLOADER_CIPHER_BITS must be a key size from 0 to 256, not '%s'", bits))
    end
    spec.offloader_cipher_bits = n
  end
  local unknown = unknown_variables()
  if #unknown > 0 and core and core.Warning then
    core.Warning("sslvdir: unknown variables, not applied: " .. table.concat(unknown, ", "))
  end
  local policy, msg, code = sslvdir.load(spec, NAMES)
  if not policy then
    local also = #unknown > 0 and ("; set but unknown: " .. table.concat(unknown, ", ")) or ""
    -- The status's name (include/sslvdir/common.h), not its number.
    local names = { "INVALID_ARGUMENT", "NOMEM", "SYNTAX", "UNKNOWN_NAME", "DUPLICATE",
                    "NOT_FOUND", "RANGE", "INCONSISTENT", "IO", "REFUSED", "BUFFER_TOO_SMALL",
                    "TYPE", "CALLBACK", "PASSWORD" }
    local name = type(code) == "number" and names[-code]
    error(string.format("sslvdir: cannot load the policy: %s (%s)%s", msg,
                        name and ("SSLVDIR_E_" .. name) or ("code " .. tostring(code)), also))
  end
  -- What the policy was built from, once per start or reload: a value the
  -- master kept from before a reload (a setenv line deleted without the
  -- example's unsetenv line) shows here.
  if core and core.Info and (core.thread or 0) <= 1 then
    local used = {}
    for _, var in ipairs(sslvdir.environ("SSLVDIR_")) do
      if KNOWN[var] then used[#used + 1] = var .. "=" .. (getenv(var) or "") end
    end
    core.Info("sslvdir: policy loaded from " .. table.concat(used, " "))
  end
  return policy
end

local policy = load_policy()
M.policy = policy

-- The fast path: HAProxy answers from maps that "sslvdir haproxy-maps" wrote
-- from a policy. They must be this policy's answers, or HAProxy would
-- silently decide by an old policy: every entry is asked of the policy again
-- here, and every vdir must have its entry. Any difference stops HAProxy
-- from starting (at a reload, the old workers keep serving) rather than
-- sending everything to Lua: a fast path that quietly stopped being one is a
-- mistake nobody would see, and regenerating the maps is one command.
local MAPS = { https = "sslvdir-https.map", get = "sslvdir-http-get.map", other = "sslvdir-http.map" }

-- The files' lines that are not comments.
local function read_lines(path)
  local f, err = io.open(path, "r")
  if not f then error("sslvdir: SSLVDIR_MAPS: cannot read " .. tostring(err)) end
  local out = {}
  for line in f:lines() do
    if line ~= "" and line:sub(1, 1) ~= "#" then out[#out + 1] = line end
  end
  f:close()
  return out
end

-- A vdir path the maps can name, as the generator decides it.
local function clean_path(p)
  if p == "/" then return true end
  p = p:lower()
  if not p:match("^/[a-z0-9_./-]+$") then return false end
  return not (p:find("//", 1, true) or p:find("/.", 1, true) or p:find("./", 1, true)
    or p:find("..", 1, true) or p:sub(-1) == "/" or p:sub(-1) == ".")
end

-- The vdirs (by configuration path) that ask for a client certificate.
local cert_vdirs = {}
for _, site in ipairs(policy:sites()) do
  for _, v in ipairs(site.vdirs) do
    if (v.edge_flags & (32 | 64 | 128)) ~= 0 then cert_vdirs[v.config_path] = true end
  end
end

-- What an entry claims, asked of the policy; nil when it agrees, else why not.
local function check_entry(class, key, value)
  local host, target = key:match("^([^/]+)(/.*)$")
  if not host then return "not a host and path" end
  if value == "lua" then return nil end
  -- "redirect|STATUS|REASON|VDIR" or "allow|UPSTREAM|REASON|VDIR": the
  -- snippet reads the fields after the first by position.
  local kind, second, reason, vdir = value:match("^([a-z]+)|([a-z0-9]+)|([a-z-]+)|([^|]+)$")
  if kind ~= "allow" and kind ~= "redirect" then return "not a value the generator writes" end
  -- the https snippet reads the first field as the upstream: no redirect there
  if kind == "redirect" and class == "https" then return "the TLS map holds no redirect" end
  -- Over TLS, a vdir that asks for a client certificate decides by it (the
  -- flags: SslNegotiateCert 32, SslRequireCert 64, SslMapCert 128).
  if class == "https" and cert_vdirs[vdir] then
    return "a client-certificate vdir must be left to Lua"
  end
  local tls = class == "https"
  local d = policy:decide({ method = class == "other" and "POST" or "GET", target = target,
    host = host, tls = tls, cipher_bits = tls and 128 or 0, client_cert = "none" })
  if not d then return "the policy cannot decide it" end
  if d.vdir ~= vdir or d.reason ~= reason
    or not d.remove_x_forwarded_proto or not d.remove_front_end_https or d.remove_offload_cipher then
    return string.format("the policy says %s, %s, %s", tostring(d.action), tostring(d.vdir), tostring(d.reason))
  end
  if kind == "redirect" then
    -- the snippet's return rules: these four statuses, Location https://Host<target>
    local status = tonumber(second)
    if d.action == "redirect" and d.status == status
      and (status == 301 or status == 302 or status == 307 or status == 308)
      and d.location == "https://" .. host .. target then
      return nil
    end
  else
    -- what the snippet does for an allowed request: by the upstream and the
    -- map's scheme
    local offload = second == "offload"
    if d.action == "allow" and d.upstream == second and (offload or second == "bridge") and d.tls == tls
      and d.set_x_forwarded_proto == (offload and (tls and "https" or "http") or nil)
      and d.set_front_end_https == (offload and tls and "On" or nil) then
      return nil
    end
  end
  return string.format("the policy says %s %s", tostring(d.action), tostring(d.status))
end

local function check_maps(dir)
  local problems = {}
  local function problem(fmt, ...)
    if #problems < 5 then problems[#problems + 1] = string.format(fmt, ...) end
  end
  local maps = {}
  for class, name in pairs(MAPS) do
    maps[class] = {}
    for _, line in ipairs(read_lines(dir .. "/" .. name)) do
      local key, value = line:match("^(%S+)%s+(.-)%s*$")
      if not key then
        problem("%s: '%s' is no map entry", name, line)
      else
        maps[class][key] = value
        local why = check_entry(class, key, value)
        if why then problem("%s: %s: %s", name, key, why) end
      end
    end
  end
  -- Every listed host must be the policy's, and each of its vdirs in every map.
  local listed = {}
  for _, h in ipairs(read_lines(dir .. "/sslvdir-hosts.lst")) do listed[h] = true end
  local known = {}
  for _, site in ipairs(policy:sites()) do
    local all_clean, has_root = true, false
    for _, v in ipairs(site.vdirs) do
      all_clean = all_clean and clean_path(v.path)
      has_root = has_root or v.path == "/"
    end
    for _, h in ipairs(site.hosts) do
      h = h:lower()
      known[h] = true
      -- A plain name is one the generator lists (a wildcard or a port it
      -- leaves to Lua): missing, the maps are of a policy without it, and
      -- its requests would quietly leave the fast path.
      if not listed[h] and #h < 256 and h:match("^[a-z0-9-][a-z0-9.-]*$") and h:sub(-1) ~= "." then
        problem("sslvdir-hosts.lst: %s, a host of the policy, is missing", h)
      end
      if listed[h] then
        local keys = {}
        if not has_root then keys[#keys + 1] = h .. "/" end
        for _, v in ipairs(site.vdirs) do
          if clean_path(v.path) then
            keys[#keys + 1] = h .. v.path:lower() .. (v.path == "/" and "" or "/")
          end
        end
        if site.autodiscover_redirect then keys[#keys + 1] = h .. "/autodiscover/autodiscover.xml/" end
        for class, name in pairs(MAPS) do
          for i, k in ipairs(keys) do
            local value = maps[class][k]
            if value == nil then
              problem("%s: %s is missing", name, k)
            elseif value ~= "lua" and (not all_clean or (site.autodiscover_redirect and i == #keys)) then
              problem("%s: %s must be left to Lua", name, k)
            end
          end
        end
      end
    end
  end
  for h in pairs(listed) do
    if not known[h] then problem("sslvdir-hosts.lst: %s is no host of the policy", h) end
  end
  if #problems > 0 then
    error(string.format("sslvdir: the fast path's maps in %s are not this policy's (%s); " ..
      "write them again with sslvdir haproxy-maps and the same policy", dir, table.concat(problems, "; ")))
  end
end

local maps_dir = os.getenv("SSLVDIR_MAPS")
if maps_dir ~= nil and maps_dir ~= "" then check_maps(maps_dir) end

-- X-Sslvdir-Status and X-Sslvdir-Reason tell whoever is refused how the
-- policy decided: useful while setting it up, not something to tell every
-- client, so they are opt-in. The log has the same through txn variables.
local debug_headers = switch("SSLVDIR_DEBUG_HEADERS") or false
M.debug_headers = debug_headers

-- What the policy builder warns about (an offloader that says nothing about
-- the cipher in front of Ssl128 vdirs, a network too broad to trust) goes to
-- HAProxy's log at start-up: those requests would otherwise just get 403.5.
if core and core.Warning then
  for _, w in ipairs(policy:warnings()) do core.Warning("sslvdir: " .. w) end
end

local REASON_PHRASE = {
  [301] = "Moved Permanently", [302] = "Found", [307] = "Temporary Redirect",
  [308] = "Permanent Redirect", [400] = "Bad Request", [403] = "Forbidden",
  [404] = "Not Found", [500] = "Internal Server Error",
}

-- What IIS says for each substatus (its detailed error pages, shortened).
local IIS_TEXT = {
  ["403.4"] = "SSL is required to view this resource.",
  ["403.5"] = "SSL 128 is required to view this resource.",
  ["403.7"] = "A client certificate is required.",
  ["403.13"] = "The client certificate has been revoked.",
  ["403.16"] = "The client certificate is untrusted or invalid.",
  ["403.17"] = "The client certificate has expired or is not yet valid.",
}

local function html_escape(s)
  return (s:gsub("[&<>\"]", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;" }))
end

-- OpenSSL verify results HAProxy reports in ssl_c_verify.
local X509_V_ERR_CERT_NOT_YET_VALID = 9
local X509_V_ERR_CERT_HAS_EXPIRED = 10
local X509_V_ERR_CERT_REVOKED = 23

-- HAProxy hands booleans to Lua as booleans or as 0/1 depending on the
-- fetch and the version: only true and 1 count.
local function yes(v)
  return v == true or v == 1
end

local function client_cert_status(f)
  if not yes(f:ssl_c_used()) then return "none" end
  local v = tonumber(f:ssl_c_verify()) or -1
  if v == 0 then return "ok" end
  if v == X509_V_ERR_CERT_HAS_EXPIRED or v == X509_V_ERR_CERT_NOT_YET_VALID then return "expired" end
  if v == X509_V_ERR_CERT_REVOKED then return "revoked" end
  return "untrusted"
end

-- A header that may appear more than once: every value, joined as one list,
-- so that the library sees the ambiguity and refuses it (fail closed).
local function header(f, name)
  local n = f:req_fhdr_cnt(name)
  if n == nil or n == 0 then return nil end
  if n == 1 then return f:req_fhdr(name) end
  local values = {}
  for i = 1, n do values[i] = f:req_fhdr(name, i) end
  return table.concat(values, ", ")
end

-- The same from an applet's header table (name -> {[0] = first, [1] = second, ...}).
local function applet_header(headers, name)
  local values = headers[name]
  if values == nil or values[0] == nil then return nil end
  if values[1] == nil then return values[0] end
  local out, i = {}, 0
  while values[i] ~= nil do out[#out + 1] = values[i]; i = i + 1 end
  return table.concat(out, ", ")
end

-- The request as sslvdir sees it, from what HAProxy knows of the connection.
local request = {}
local decision = {}

-- What the policy needs to know decides which fetches are made: every
-- sample fetch is a call from Lua into HAProxy, and they are most of the
-- plugin's cost per request. The peer matters only when some offloader is
-- trusted, client certificates only when some vdir asks for them, the
-- offloaders' headers only when the peer is trusted (otherwise they are
-- stripped, whatever they say).
local has_offloaders = #policy:offloaders() > 0
-- The offloaders' cipher header, as HAProxy names headers (lower case).
local cipher_header = policy:cipher_header()
local cipher_header_lc = cipher_header and cipher_header:lower()
local wants_certs = false
for _, site in ipairs(policy:sites()) do
  for _, v in ipairs(site.vdirs) do
    if v.wants_client_cert then wants_certs = true end
  end
end
M.has_offloaders, M.wants_certs = has_offloaders, wants_certs

local function describe(f, method, target, headers)
  local tls = yes(f:ssl_fc())
  request.method = method
  request.target = target
  request.tls = tls
  request.cipher_bits = tls and (tonumber(f:ssl_fc_use_keysize()) or 0) or 0
  request.client_cert = (tls and wants_certs) and client_cert_status(f) or "none"
  local peer = has_offloaders and f:src() or nil
  request.peer = peer
  local trusted = peer ~= nil and policy:is_offloader(peer)
  if headers then -- a service: no HTTP sample fetches, the applet's header table instead
    request.host = applet_header(headers, "host")
    request.x_forwarded_proto = applet_header(headers, "x-forwarded-proto")
    request.front_end_https = applet_header(headers, "front-end-https")
    request.offload_cipher = cipher_header_lc and applet_header(headers, cipher_header_lc) or nil
  else
    request.host = f:req_fhdr("host")
    if trusted then
      request.x_forwarded_proto = header(f, "x-forwarded-proto")
      request.front_end_https = header(f, "front-end-https")
      request.offload_cipher = cipher_header_lc and header(f, cipher_header_lc) or nil
    else
      -- Not read: from an untrusted peer they count for nothing, and the
      -- decision says to strip them.
      request.x_forwarded_proto = nil
      request.front_end_https = nil
      request.offload_cipher = nil
    end
  end
  return request
end

local function refusal_body(d)
  local code = d.substatus and string.format("%d.%d", d.status, d.substatus) or tostring(d.status)
  local text = IIS_TEXT[code] or d.reason_text or ""
  return code, string.format(
    "<!DOCTYPE html>\n<html><head><title>%d - %s</title></head>\n" ..
    "<body><h1>HTTP Error %s - %s</h1>\n<p>%s</p>\n</body></html>\n",
    d.status, REASON_PHRASE[d.status] or "Error", code, REASON_PHRASE[d.status] or "Error",
    html_escape(text))
end

-- The headers of a refusal: the content type, and the decision only when
-- debugging headers are asked for.
local function refusal_headers(content_type, code, reason)
  if not debug_headers then return { "Content-Type", content_type } end
  return { "Content-Type", content_type, "X-Sslvdir-Status", code, "X-Sslvdir-Reason", reason or "" }
end

-- What the log needs (log-format reads txn.sslvdir_*): set for every
-- decision, whatever the action. t is a txn or an applet; both have set_var.
local function log_decision(t, d, code)
  if code then t:set_var("txn.sslvdir_status", code) end
  if d.reason then t:set_var("txn.sslvdir_reason", d.reason) end
  if d.vdir then t:set_var("txn.sslvdir_vdir", d.vdir) end
  if d.path then t:set_var("txn.sslvdir_path", d.path) end
end

-- txn:done() ends the action by unwinding the Lua stack, which a pcall would
-- catch: the decision is computed under pcall, the answer sent outside it.
local function send_reply(txn, status, headers, body)
  local reply = txn:reply()
  reply:set_status(status, REASON_PHRASE[status])
  for i = 1, #headers, 2 do reply:add_header(headers[i], headers[i + 1]) end
  reply:set_body(body)
  txn:done(reply)
end

-- Returns nil when the request goes on to a backend, or status, headers, body.
local function decide_action(txn)
  local f = txn.f
  local d, msg = policy:decide(describe(f, f:method(), f:url()), decision)
  if not d then error(msg) end
  if d.action == "redirect" then
    log_decision(txn, d, tostring(d.status))
    return d.status, { "Location", d.location, "Cache-Control", "no-cache" }, ""
  elseif d.action ~= "allow" then
    local code, body = refusal_body(d)
    log_decision(txn, d, code)
    return d.status, refusal_headers("text/html; charset=utf-8", code, d.reason), body
  end
  log_decision(txn, d, nil)
  local http = txn.http
  if d.remove_x_forwarded_proto then http:req_del_header("X-Forwarded-Proto") end
  if d.remove_front_end_https then http:req_del_header("Front-End-Https") end
  if d.remove_offload_cipher then http:req_del_header(cipher_header) end
  if d.set_x_forwarded_proto then http:req_set_header("X-Forwarded-Proto", d.set_x_forwarded_proto) end
  if d.set_front_end_https then http:req_set_header("Front-End-Https", d.set_front_end_https) end
  -- txn.sslvdir_upstream is set last and only here: the configuration's
  -- fail-closed rule denies any request that does not have it.
  if d.tls then
    -- what the response action needs: the client is on TLS (its vdir is
    -- in txn.sslvdir_vdir)
    txn:set_var("txn.sslvdir_tls", "1")
  end
  txn:set_var("txn.sslvdir_upstream", d.upstream)
  return nil
end

local INTERNAL_ERROR = refusal_headers("text/plain; charset=utf-8", "403", "internal-error")

core.register_action("sslvdir", { "http-req" }, function(txn)
  local ok, status, headers, body = pcall(decide_action, txn)
  if not ok then
    txn:Alert("sslvdir: denied after an internal error: " .. tostring(status))
    pcall(log_decision, txn, { reason = "internal-error" }, "403")
    return send_reply(txn, 403, INTERNAL_ERROR, "Forbidden: the SSL policy could not be applied.\n")
  end
  if status then return send_reply(txn, status, headers, body) end
end)

-- Response headers: only for clients on TLS (a plain-HTTP client must not be
-- sent to https by a rewritten Location it did not ask for).
local REWRITTEN = { "location", "content-location", "refresh", "set-cookie" }

local function rewrite_response(txn)
  if txn:get_var("txn.sslvdir_tls") == nil then return end -- not decided, or not on TLS
  local vdir = txn:get_var("txn.sslvdir_vdir")
  if vdir == "" then vdir = nil end
  local http = txn.http
  local headers = http:res_get_headers()
  for _, name in ipairs(REWRITTEN) do
    local values = headers[name]
    if values then
      local changed, out = false, {}
      for i = 0, #values do
        local v = values[i]
        if v then
          local new, msg = policy:rewrite_header(name, v, vdir)
          if new == nil then
            -- a value that must not be sent: drop it rather than pass it on
            txn:Warning("sslvdir: dropped response header " .. name .. ": " .. tostring(msg))
            changed = true
          elseif new then
            out[#out + 1] = new
            changed = true
          else
            out[#out + 1] = v
          end
        end
      end
      if changed then
        http:res_del_header(name)
        for _, v in ipairs(out) do http:res_add_header(name, v) end
      end
    end
  end
end

core.register_action("sslvdir-response", { "http-res" }, function(txn)
  local ok, err = pcall(rewrite_response, txn)
  if not ok then
    txn:Alert("sslvdir: response headers left as they were after an internal error: " .. tostring(err))
  end
end)

-- Autodiscover: POST .../autodiscover.xml (POX), GET .../autodiscover.json
-- (the query form and the path form .../autodiscover.json/v1.0/ADDRESS),
-- and on a plain-HTTP redirect site the 302 Outlook follows.
local MAX_BODY = 65536 -- SSLVDIR_AUTODISCOVER_MAX_BODY

-- Before answering, the service reads and discards what is left of the
-- request body, up to DRAIN_MAX bytes in all. HAProxy 2.6 does not do it for
-- a Lua service: over HTTP/2 a body the service left unread keeps the stream
-- open after the answer (flow control stalls the client) until `timeout
-- client`. Draining costs bandwidth, never memory (each chunk is dropped).
-- Past the bound the service stops reading, answers, and ends with a Lua
-- error: HAProxy then aborts the stream (a reset of the HTTP/2 stream, the
-- HTTP/1.1 connection closed) instead of waiting for `timeout client`
-- (65 minutes in the example) with the rest unread. The example
-- configuration refuses Autodiscover bodies over 64 KiB, and bodies of
-- unknown length, before they reach the service.
local DRAIN_MAX = 16 * 1024 * 1024
local DRAIN_CHUNK = 65536

local function applet_reply(applet, status, headers, body)
  applet:set_status(status, REASON_PHRASE[status])
  for i = 1, #headers, 2 do applet:add_header(headers[i], headers[i + 1]) end
  applet:add_header("Content-Length", tostring(#body))
  applet:start_response()
  if #body > 0 then applet:send(body) end
end

-- Reads and drops the rest of the request body (see DRAIN_MAX); done counts
-- what the service already read. Returns false when the body goes on past
-- the bound.
local function drain(applet, done)
  while done < DRAIN_MAX do
    local chunk = applet:receive(math.min(DRAIN_CHUNK, DRAIN_MAX - done))
    if chunk == nil or chunk == "" then return true end
    done = done + #chunk
  end
  return false
end

-- The canonical path of an Autodiscover request, as IIS would route it
-- (%2e and friends decoded), lower case.
local function is_json_path(path)
  path = path:lower()
  return path:match("/autodiscover%.json$") ~= nil or path:match("/autodiscover%.json/") ~= nil
end

-- Returns the answer (status, headers, body) and how many body bytes it read.
local function autodiscover(applet)
  local target = applet.path
  if applet.qs and applet.qs ~= "" then target = target .. "?" .. applet.qs end
  local d, msg = policy:decide(describe(applet.f, applet.method, target, applet.headers), {})
  if not d then error(msg) end
  if d.action == "redirect" then
    log_decision(applet, d, tostring(d.status))
    return d.status, { "Location", d.location, "Cache-Control", "no-cache" }, "", 0
  elseif d.action == "deny" then
    -- the same refusal as the action's, reason included
    local code, body = refusal_body(d)
    log_decision(applet, d, code)
    return d.status, refusal_headers("text/html; charset=utf-8", code, d.reason), body, 0
  end
  log_decision(applet, d, nil)
  local side = { side = "external" }
  if is_json_path(d.path or applet.path) then
    -- The raw path goes to the library, which decodes it once: Outlook 2016
    -- and later put the address in it (.../autodiscover.json/v1.0/ADDRESS).
    local status, body = policy:autodiscover_json(applet.qs or "", { side = side.side, path = applet.path })
    if not status then error(body) end
    return status, { "Content-Type", "application/json; charset=utf-8" }, body, 0
  end
  if applet.method ~= "POST" then
    return 405, { "Allow", "POST", "Content-Type", "text/plain" }, "Autodiscover takes a POST\n", 0
  end
  -- Read at most MAX_BODY + 1 bytes: a longer body is answered with error 600
  -- by the library (the rest is drained, not kept).
  local parts, got = {}, 0
  while got <= MAX_BODY do
    local chunk = applet:receive(MAX_BODY + 1 - got)
    if chunk == nil or chunk == "" then break end
    parts[#parts + 1] = chunk
    got = got + #chunk
  end
  local xml, err = policy:autodiscover_respond(table.concat(parts), side)
  if not xml then error(err) end
  return 200, { "Content-Type", "text/xml; charset=utf-8" }, xml, got
end

local INTERNAL_ERROR_TEXT = { "Content-Type", "text/plain" }

core.register_service("sslvdir-autodiscover", "http", function(applet)
  local ok, status, headers, body, got = pcall(autodiscover, applet)
  if not ok then
    core.Alert("sslvdir: Autodiscover failed: " .. tostring(status))
    pcall(log_decision, applet, { reason = "internal-error" }, "500")
    status, headers, body, got = 500, INTERNAL_ERROR_TEXT, "Internal Server Error\n", 0
  end
  -- Every answer (a POX document, JSON, a refusal, a 405, a 500) may leave a
  -- body unread: drained before answering, since HAProxy 2.6 hands a Lua
  -- service no more of the body over HTTP/2 once the answer is sent.
  local _, whole = pcall(drain, applet, got)
  pcall(applet_reply, applet, status, headers, body)
  if whole == false then
    -- the error aborts the stream (see DRAIN_MAX); the answer is already out
    error("sslvdir: Autodiscover request body over " .. DRAIN_MAX .. " bytes: stream closed")
  end
end)

-- Which Autodiscover requests the proxy answers. Outlook desktop builds its
-- profile from Exchange's own POX settings (mailbox-GUID server names,
-- MdbDN, the mapiHttp block of [MS-OXDSCLI]), which need the directory: a
-- POX request whose answer would be settings is forwarded to Exchange, and
-- so is one for an address the policy does not know (error 500 here; the
-- directory may know it). The proxy answers what it knows as well as
-- Exchange: the JSON service, redirectAddr / redirectUrl for hosted or
-- migrated domains, errors 600 (malformed) and 601 (schema), and the
-- refusals and redirects of the SSL policy. Anything else (another method, a
-- body not known to be whole, which takes Content-Length) is forwarded:
-- Exchange decides, as without the proxy. The body must be buffered first
-- (http-request wait-for-body); the example refuses bodies of unknown length
-- (411) before this action, see doc/haproxy.md.
--
--   http-request wait-for-body time 10s if { path_beg -i /autodiscover/ }
--   http-request lua.sslvdir-autodiscover-route if { path_beg -i /autodiscover/ }
--   http-request use-service lua.sslvdir-autodiscover if { var(txn.sslvdir_autodiscover) -m str answer }
local ANSWERED = { "<Action>redirectAddr</Action>", "<Action>redirectUrl</Action>",
                   "<Redirect>", "<ErrorCode>600</ErrorCode>", "<ErrorCode>601</ErrorCode>" }

local function autodiscover_route(txn)
  local f = txn.f
  local method = f:method()
  local d, msg = policy:decide(describe(f, method, f:url()), decision)
  if not d then error(msg) end
  if d.action ~= "allow" or is_json_path(d.path or f:path()) then return "answer" end
  if method ~= "POST" then return "forward" end
  local body = f:req_body()
  -- Whole only when Content-Length says how much and that much is buffered.
  -- req.body_size is the announced length only with Content-Length: for a
  -- chunked body (or HTTP/2 without the header) it is what has arrived so
  -- far, which always equals the buffered body, the first bufferful of a
  -- longer body included.
  local announced = tonumber(f:req_fhdr("content-length"))
  if body == nil or announced == nil or #body ~= announced then
    return "forward" -- not known to be whole: what Exchange would answer is unknown
  end
  if #body > MAX_BODY then return "answer" end -- the library's error 600
  local xml, err = policy:autodiscover_respond(body, { side = "external" })
  if not xml then error(err) end
  -- Values taken from the request are escaped in the document, so these
  -- elements are the library's own and not a client's echo.
  for _, mark in ipairs(ANSWERED) do
    if xml:find(mark, 1, true) then return "answer" end
  end
  return "forward"
end

core.register_action("sslvdir-autodiscover-route", { "http-req" }, function(txn)
  local ok, how = pcall(autodiscover_route, txn)
  if not ok then
    -- Forwarding is what happens without the proxy's answer: the request was
    -- already decided by lua.sslvdir, so this opens nothing.
    txn:Alert("sslvdir: Autodiscover forwarded after an internal error: " .. tostring(how))
    how = "forward"
  end
  txn:set_var("txn.sslvdir_autodiscover", how)
end)

return M

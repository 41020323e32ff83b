#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# End to end: a real HAProxy running bindings/haproxy/sslvdir.lua with the
# Lua 5.3 module, ending TLS with certificates certtool made for this run
# (tests/gen-certs.sh), in front of bindings/haproxy/tests/backend.py (an
# offloaded Exchange front end), with curl as the client.
#
# Skips (77) without haproxy, curl or the Lua 5.3 module, unless
# SSLVDIR_REQUIRE_READERS=1 (CI), where that fails.
set -eu
: "${top_srcdir:=.}"
me=haproxy.sh
# The preamble every HAProxy test shares (tools checked, skips, $work,
# the Lua module copied, cleanup at exit): tests/e2e-lib.sh.
# shellcheck source=tests/e2e-lib.sh
. "$top_srcdir/tests/e2e-lib.sh"

# shellcheck disable=SC2046
set -- $(free_ports 4)
H=$1 S=$2 BH=$3 BS=$4

cat "$certs/server.pem" "$certs/server.key" > "$work/haproxy.pem"

cat > "$work/policy.xml" <<POLICY
<?xml version="1.0" encoding="UTF-8"?>
<policy xmlns="urn:libsslvdir:policy:1" version="1">
  <site name="Default Web Site" preset="exchange2016-offload">
    <host name="mail.contoso.com" canonical="true" https-port="$S"/>
    <vdir path="/Microsoft-Server-ActiveSync" edge="Ssl,SslNegotiateCert,SslRequireCert,Ssl128"/>
    <vdir path="/OAB" edge="Ssl"/>
  </site>
  <site name="Autodiscover Web Site" autodiscover-redirect="mail.contoso.com">
    <host name="autodiscover.contoso.com"/>
    <vdir path="/Autodiscover" kind="other"/>
  </site>
  <autodiscover>
    <domain name="contoso.com" site="Default Web Site"/>
  </autodiscover>
  <offloader address="127.0.0.2"/>
  <offloader address="127.0.0.5" cipher-header="X-SSL-Cipher"/>
</policy>
POLICY

cat > "$work/haproxy.cfg" <<CFG
global
    setenv SSLVDIR_POLICY $work/policy.xml
    setenv SSLVDIR_OFFLOADERS 127.0.0.3
    setenv SSLVDIR_OFFLOADER_CIPHER_BITS 128
    setenv SSLVDIR_OFFLOADER_CIPHER_HEADER X-SSL-Cipher
    setenv SSLVDIR_DEBUG_HEADERS 1
    log stderr format raw local0
    lua-prepend-path $work/lua/?.so cpath
    lua-load-per-thread $top_srcdir/bindings/haproxy/sslvdir.lua
    nbthread 2
defaults
    mode http
    log global
    log-format "%ci %ft %ST %{+Q}r sslvdir=%[var(txn.sslvdir_status)] reason=%[var(txn.sslvdir_reason)] vdir=%{+Q}[var(txn.sslvdir_vdir)]"
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend http_in
    bind 127.0.0.1:$H
    http-request use-service lua.sslvdir-autodiscover if { path_beg -i /autodiscover/ }
    http-request lua.sslvdir
    http-request deny deny_status 500 if !{ var(txn.sslvdir_upstream) -m found }
    use_backend bridge if { var(txn.sslvdir_upstream) -m str bridge }
    default_backend offload
frontend https_in
    bind 127.0.0.1:$S ssl crt $work/haproxy.pem alpn h2,http/1.1 verify optional ca-file $certs/ca.pem crl-file $certs/crl.pem ca-ignore-err all crt-ignore-err all
    http-request lua.sslvdir
    http-request deny deny_status 500 if !{ var(txn.sslvdir_upstream) -m found }
    http-request use-service lua.sslvdir-autodiscover if { path_beg -i /autodiscover/ }
    http-response lua.sslvdir-response
    use_backend bridge if { var(txn.sslvdir_upstream) -m str bridge }
    default_backend offload
backend offload
    server ex01 127.0.0.1:$BH
backend bridge
    server ex01 127.0.0.1:$BS ssl verify required ca-file $certs/ca.pem sni str(mail.contoso.com)
CFG

"$PY" "$top_srcdir/bindings/haproxy/tests/backend.py" "$BH" "$BS" "$certs/server.pem" \
  "$certs/server.key" > "$work/backend.log" 2>&1 &
pids="$pids $!"
"$HAPROXY" -c -q -f "$work/haproxy.cfg"
"$HAPROXY" -db -f "$work/haproxy.cfg" > "$work/haproxy.log" 2>&1 &
pids="$pids $!"

# wait_up URL LOG...: until URL answers, at most 10 s.
wait_up() {
  url=$1
  shift
  i=0
  until "$CURL" -s -o /dev/null "$url" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then
      echo "haproxy.sh: nothing answers $url" >&2
      cat "$@" >&2
      exit 1
    fi
    sleep 0.1
  done
}
wait_up "http://127.0.0.1:$BH/" "$work/backend.log"
wait_up "http://127.0.0.1:$H/" "$work/haproxy.log"

fails=0
pass=0
resolve="--resolve mail.contoso.com:$H:127.0.0.1 --resolve mail.contoso.com:$S:127.0.0.1 --resolve autodiscover.contoso.com:$H:127.0.0.1 --resolve autodiscover.contoso.com:$S:127.0.0.1"
# req NAME CURL-ARGS...: headers to $work/h, body to $work/b
req() {
  name=$1
  shift
  # shellcheck disable=SC2086
  "$CURL" -s -S --max-time 20 $resolve --cacert "$certs/ca.pem" -D "$work/h" -o "$work/b" "$@" ||
    { echo "FAIL $name: curl failed"; fails=$((fails + 1)); return 1; }
  tr -d '\r' < "$work/h" > "$work/h2"
}
expect_status() {
  got=$(head -n1 "$work/h2" | awk '{print $2}')
  if [ "$got" = "$2" ]; then return 0; fi
  echo "FAIL $1: status $got, want $2"; sed 's/^/    /' "$work/h2"; fails=$((fails + 1)); return 1
}
expect_header() { # NAME HEADER-LINE-REGEX
  if grep -Eiq "$2" "$work/h2"; then return 0; fi
  echo "FAIL $1: no header matching '$2'"; sed 's/^/    /' "$work/h2"; fails=$((fails + 1)); return 1
}
no_header() {
  if ! grep -Eiq "$2" "$work/h2"; then return 0; fi
  echo "FAIL $1: unexpected header matching '$2'"; sed 's/^/    /' "$work/h2"; fails=$((fails + 1)); return 1
}
expect_body() {
  if grep -Eq "$2" "$work/b"; then return 0; fi
  echo "FAIL $1: body does not match '$2'"; head -c 600 "$work/b" | sed 's/^/    /'; fails=$((fails + 1)); return 1
}
ok() { echo "ok   $1"; pass=$((pass + 1)); }

t="OWA over http is 403.4, as Exchange ships it (no redirect unless asked for)"
req "$t" "http://mail.contoso.com:$H/owa/?ae=Folder" && expect_status "$t" 403 &&
  expect_header "$t" "^x-sslvdir-status: 403\.4$" && no_header "$t" "^location:" && ok "$t"

t="EWS over http is 403.4"
req "$t" -X POST -d '<x/>' "http://mail.contoso.com:$H/EWS/Exchange.asmx" && expect_status "$t" 403 &&
  expect_header "$t" "^x-sslvdir-status: 403\.4$" && expect_body "$t" "HTTP Error 403\.4" && ok "$t"

t="spoofed X-Forwarded-Proto from a client is ignored (still 403.4)"
req "$t" -H "X-Forwarded-Proto: https" -H "Front-End-Https: On" "http://mail.contoso.com:$H/owa/" &&
  expect_status "$t" 403 && no_header "$t" "^x-backend-saw" && ok "$t"

# A trusted offloader in front of HAProxy (connecting from 127.0.0.2).
t="a trusted offloader's X-Forwarded-Proto is believed (OAB offloaded)"
req "$t" --interface 127.0.0.2 -H "X-Forwarded-Proto: https" "http://mail.contoso.com:$H/OAB/oab.xml" &&
  expect_status "$t" 200 && expect_header "$t" '^x-backend-saw: .*"x_forwarded_proto":\["https"\]' && ok "$t"
t="behind a trusted offloader the key size is unknown: Ssl128 fails closed (403.5)"
req "$t" --interface 127.0.0.2 -H "X-Forwarded-Proto: https" "http://mail.contoso.com:$H/owa/" &&
  expect_status "$t" 403 && expect_header "$t" "^x-sslvdir-status: 403\.5$" && ok "$t"
t="the offloader that says nothing about the cipher is named in the log at start-up"
if grep -q "offloader 127.0.0.2/32 says nothing about the cipher" "$work/haproxy.log" &&
   ! grep -q "offloader 127.0.0.3/32 says nothing" "$work/haproxy.log"; then ok "$t"; else
  echo "FAIL $t"; grep -i sslvdir "$work/haproxy.log" | head -5; fails=$((fails + 1)); fi
# Two tiers: offloaders that say what they guarantee about the cipher.
t="an offloader enforcing 128-bit ciphers (SSLVDIR_OFFLOADER_CIPHER_BITS): Ssl128 passes"
req "$t" --interface 127.0.0.3 -H "X-Forwarded-Proto: https" "http://mail.contoso.com:$H/owa/" &&
  expect_status "$t" 302 && expect_header "$t" '^x-backend-saw: .*"x_forwarded_proto":\["https"\]' && ok "$t"
t="its cipher header (SSLVDIR_OFFLOADER_CIPHER_HEADER) goes before the minimum: RC4 is 403.5"
req "$t" --interface 127.0.0.3 -H "X-Forwarded-Proto: https" -H "X-SSL-Cipher: RC4-SHA" \
  "http://mail.contoso.com:$H/owa/" && expect_status "$t" 403 &&
  expect_header "$t" "^x-sslvdir-status: 403\.5$" && ok "$t"
t="an offloader naming the cipher in a header (policy file): AES-256 passes, and reaches the backend"
req "$t" --interface 127.0.0.5 -H "X-Forwarded-Proto: https" -H "X-SSL-Cipher: ECDHE-RSA-AES256-GCM-SHA384" \
  "http://mail.contoso.com:$H/owa/" && expect_status "$t" 302 &&
  expect_header "$t" '^x-backend-saw: .*"ssl_cipher":\["ECDHE-RSA-AES256-GCM-SHA384"\]' && ok "$t"
t="the same offloader naming RC4: 403.5"
req "$t" --interface 127.0.0.5 -H "X-Forwarded-Proto: https" -H "X-SSL-Cipher: RC4-MD5" \
  "http://mail.contoso.com:$H/owa/" && expect_status "$t" 403 &&
  expect_header "$t" "^x-sslvdir-status: 403\.5$" && ok "$t"
t="the same offloader without the header: the key size is unknown (403.5)"
req "$t" --interface 127.0.0.5 -H "X-Forwarded-Proto: https" "http://mail.contoso.com:$H/owa/" &&
  expect_status "$t" 403 && expect_header "$t" "^x-sslvdir-status: 403\.5$" && ok "$t"
t="the cipher header from an offloader that names none is ignored (still 403.5)"
req "$t" --interface 127.0.0.2 -H "X-Forwarded-Proto: https" -H "X-SSL-Cipher: AES256-SHA" \
  "http://mail.contoso.com:$H/owa/" && expect_status "$t" 403 &&
  expect_header "$t" "^x-sslvdir-status: 403\.5$" && ok "$t"
t="the cipher header from a client is stripped toward the backend"
req "$t" -H "X-SSL-Cipher: RC4-SHA" "https://mail.contoso.com:$S/ecp/" && expect_status "$t" 200 &&
  expect_header "$t" '^x-backend-saw: .*"ssl_cipher":null' && ok "$t"

t="two X-Forwarded-Proto values from a trusted offloader are not believed"
req "$t" --interface 127.0.0.2 -H "X-Forwarded-Proto: https" -H "X-Forwarded-Proto: http" \
  "http://mail.contoso.com:$H/owa/" && expect_status "$t" 403 &&
  expect_header "$t" "^x-sslvdir-status: 403\.4$" && ok "$t"
t="the same header from anyone else is not believed"
req "$t" -H "X-Forwarded-Proto: https" "http://mail.contoso.com:$H/OAB/oab.xml" && expect_status "$t" 403 &&
  expect_header "$t" "^x-sslvdir-status: 403\.4$" && no_header "$t" "^x-backend-saw" && ok "$t"

t="offload: the backend gets X-Forwarded-Proto https, not the client's value"
req "$t" -H "X-Forwarded-Proto: http" "https://mail.contoso.com:$S/ecp/" && expect_status "$t" 200 &&
  expect_header "$t" '^x-backend-saw: .*"tls":false.*"x_forwarded_proto":\["https"\]' && ok "$t"

t="rewritten Location and Secure cookies from the offloaded backend"
req "$t" "https://mail.contoso.com:$S/owa/" && expect_status "$t" 302 &&
  expect_header "$t" "^location: https://mail\.contoso\.com:$S/owa/auth/logon\.aspx\?url=" &&
  expect_header "$t" "^set-cookie: ClientId=ABCDEF; path=/; Secure$" &&
  expect_header "$t" "^set-cookie: X-OWA-CANARY=1; path=/; HttpOnly; Secure$" && ok "$t"

t="bridging chosen for MRSProxy (TLS to the backend)"
req "$t" -X POST -d x "https://mail.contoso.com:$S/EWS/mrsproxy.svc" && expect_status "$t" 200 &&
  expect_header "$t" '^x-backend-saw: \{"tls":true' && expect_body "$t" '"bridged": true' && ok "$t"

t="Autodiscover POST answered with the right XML"
cat > "$work/ad.xml" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>alice@contoso.com</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>
XML
if req "$t" -X POST -H "Content-Type: text/xml" --data-binary "@$work/ad.xml" \
     "https://mail.contoso.com:$S/Autodiscover/Autodiscover.xml" && expect_status "$t" 200 &&
   expect_header "$t" "^content-type: text/xml"; then
  if "$PY" - "$work/b" "$S" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = "{http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a}"
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006}Autodiscover", root.tag
ews = [e.text for e in root.iter(ns + "EwsUrl")]
want = "https://mail.contoso.com:%s/EWS/Exchange.asmx" % sys.argv[2]
assert want in ews, (want, ews)
assert root.find(".//" + ns + "AutoDiscoverSMTPAddress").text == "alice@contoso.com"
assert root.find(".//" + ns + "Server").text == "mail.contoso.com"
PY
  then ok "$t"; else echo "FAIL $t: the XML is not the expected answer"; fails=$((fails + 1)); fi
fi

t="Autodiscover JSON"
req "$t" "https://mail.contoso.com:$S/autodiscover/autodiscover.json?Email=alice%40contoso.com&Protocol=AutodiscoverV1" &&
  expect_status "$t" 200 &&
  expect_body "$t" "\"Url\":\"https://mail\.contoso\.com:$S/Autodiscover/Autodiscover\.xml\"" && ok "$t"

t="Autodiscover JSON with the address in the path, as Outlook 2016 and later ask first"
req "$t" "https://mail.contoso.com:$S/autodiscover/autodiscover.json/v1.0/alice%40contoso.com?Protocol=AutodiscoverV1" &&
  expect_status "$t" 200 &&
  expect_body "$t" "^\\{\"Protocol\":\"AutodiscoverV1\",\"Url\":\"https://mail\.contoso\.com:$S/Autodiscover/Autodiscover\.xml\"}\$" && ok "$t"

t="Autodiscover JSON whose path and Email parameter name different addresses is 400"
req "$t" "https://mail.contoso.com:$S/autodiscover/autodiscover.json/v1.0/alice@contoso.com?Email=bob%40contoso.com&Protocol=AutodiscoverV1" &&
  expect_status "$t" 400 && expect_body "$t" '"ErrorCode":"InvalidRequest"' && ok "$t"

t="Autodiscover JSON with a segment after the address is 400"
req "$t" "https://mail.contoso.com:$S/autodiscover/autodiscover.json/v1.0/alice@contoso.com/x?Protocol=AutodiscoverV1" &&
  expect_status "$t" 400 && expect_body "$t" '"ErrorCode":"InvalidRequest"' && ok "$t"

t="Autodiscover JSON at an escaped path is routed as IIS would route it"
req "$t" "https://mail.contoso.com:$S/autodiscover/autodiscover%2ejson?Email=alice%40contoso.com&Protocol=AutodiscoverV1" &&
  expect_status "$t" 200 && expect_body "$t" '"Protocol":"AutodiscoverV1"' && ok "$t"

t="port-80 Autodiscover redirect"
req "$t" "http://autodiscover.contoso.com:$H/autodiscover/autodiscover.xml" && expect_status "$t" 302 &&
  expect_header "$t" "^location: https://mail\.contoso\.com:$S/autodiscover/autodiscover\.xml$" && ok "$t"

t="a POST to the port-80 redirect site is refused (403.4), with its reason like the action's"
req "$t" -X POST --data-binary "@$work/ad.xml" "http://autodiscover.contoso.com:$H/autodiscover/autodiscover.xml" &&
  expect_status "$t" 403 && expect_header "$t" "^x-sslvdir-status: 403\.4$" &&
  expect_header "$t" "^x-sslvdir-reason: ssl-required$" && ok "$t"

# Client certificates, from ssl_c_used and ssl_c_verify, with IIS's substatus.
eas="https://mail.contoso.com:$S/Microsoft-Server-ActiveSync?Cmd=Sync&User=alice&DeviceId=X&DeviceType=iPhone"
t="ActiveSync without a client certificate is 403.7"
req "$t" --http1.1 -X POST -d x "$eas" && expect_status "$t" 403 && expect_header "$t" "^x-sslvdir-status: 403\.7$" && ok "$t"
t="ActiveSync with a trusted client certificate reaches the backend"
req "$t" --http1.1 -X POST -d x --cert "$certs/client.pem" --key "$certs/client.key" "$eas" && expect_status "$t" 200 &&
  expect_header "$t" '^x-backend-saw: .*"x_forwarded_proto":\["https"\]' && ok "$t"
for case in "stranger:403.16:a client certificate of an unknown CA" \
            "expired:403.17:an expired client certificate" \
            "revoked:403.13:a revoked client certificate"; do
  c=${case%%:*}; rest=${case#*:}; code=${rest%%:*}; t="${rest#*:} is $code"
  req "$t" --http1.1 -X POST -d x --cert "$certs/$c.pem" --key "$certs/$c.key" "$eas" &&
    expect_status "$t" 403 && expect_header "$t" "^x-sslvdir-status: $(echo "$code" | sed 's/\./\\./')$" && ok "$t"
done

t="hostile path is refused before the backend (400)"
req "$t" --path-as-is "https://mail.contoso.com:$S/owa/%2e%2e/%2e%2e/windows/win.ini" && expect_status "$t" 400 &&
  no_header "$t" "^x-backend-saw" && ok "$t"

t="HTTP/2 over TLS is decided the same way"
req "$t" --http2 "https://mail.contoso.com:$S/owa/" && expect_status "$t" 302 &&
  expect_header "$t" "^location: https://mail\.contoso\.com:$S/owa/auth/logon\.aspx" && ok "$t"

t="the decision is in the log: IIS's status, the reason code and the vdir"
if grep -q '"POST /EWS/Exchange.asmx HTTP/1.1" sslvdir=403.4 reason=ssl-required vdir="Default Web Site/EWS"$' "$work/haproxy.log" &&
   grep -q '"POST /autodiscover/autodiscover.xml HTTP/1.1" sslvdir=403.4 reason=ssl-required vdir=' "$work/haproxy.log"; then
  ok "$t"; else echo "FAIL $t"; grep 'sslvdir=' "$work/haproxy.log" | head -5 | sed 's/^/    /'; fails=$((fails + 1)); fi

if grep -q "sslvdir: denied after an internal error\|Lua.*runtime error" "$work/haproxy.log"; then
  echo "FAIL: HAProxy logged Lua errors:"; grep -i "lua\|sslvdir" "$work/haproxy.log" | head; fails=$((fails + 1))
fi

# Fail closed: a second HAProxy whose policy object throws (a test-only file
# loaded after the plugin replaces decide() through the registry).
set -- $pids
kill "$2" 2>/dev/null || true
wait "$2" 2>/dev/null || true
cat > "$work/inject.lua" <<'LUA'
debug.getregistry()["sslvdir.policy"].__index.decide = function() error("injected failure") end
LUA
sed -e "s|^    nbthread 2|    nbthread 2\n    lua-load-per-thread $work/inject.lua|" "$work/haproxy.cfg" > "$work/inject.cfg"
"$HAPROXY" -db -f "$work/inject.cfg" > "$work/inject.log" 2>&1 &
inject=$!
pids="$pids $inject"
wait_up "http://127.0.0.1:$H/" "$work/inject.log"
t="a Lua failure in the action is a deny, not a pass"
req "$t" "https://mail.contoso.com:$S/ecp/" && expect_status "$t" 403 &&
  expect_header "$t" "^x-sslvdir-reason: internal-error$" && no_header "$t" "^x-backend-saw" && ok "$t"
t="a Lua failure in the Autodiscover service is a 500"
req "$t" "http://autodiscover.contoso.com:$H/autodiscover/autodiscover.xml" && expect_status "$t" 500 && ok "$t"
if grep -q "injected failure" "$work/inject.log"; then ok "the failure is logged"; else
  echo "FAIL: the injected failure is not in HAProxy's log"; fails=$((fails + 1)); fi

# Microsoft's http->https recipe, asked for through the environment: a
# preset with SSLVDIR_REDIRECT=1.
kill "$inject" 2>/dev/null || true
wait "$inject" 2>/dev/null || true
sed -e "/setenv SSLVDIR_DEBUG_HEADERS/d" -e "s|^    setenv SSLVDIR_POLICY .*|    setenv SSLVDIR_PRESET exchange2016\n    setenv SSLVDIR_HOSTS mail.contoso.com\n    setenv SSLVDIR_AD_DOMAINS contoso.com\n    setenv SSLVDIR_REDIRECT 1|" \
  "$work/haproxy.cfg" > "$work/redirect.cfg"
"$HAPROXY" -db -f "$work/redirect.cfg" > "$work/redirect.log" 2>&1 &
redirect_pid=$!
pids="$pids $redirect_pid"
wait_up "http://127.0.0.1:$H/" "$work/redirect.log"
t="SSLVDIR_REDIRECT=1: http->https redirect for OWA"
req "$t" "http://mail.contoso.com:$H/owa/?ae=Folder" && expect_status "$t" 302 &&
  expect_header "$t" "^location: https://mail\.contoso\.com/owa/\?ae=Folder$" && ok "$t"
t="SSLVDIR_REDIRECT=1: a POST is not redirected (403.4; no X-Sslvdir-* headers by default)"
req "$t" -X POST -d 'x' "http://mail.contoso.com:$H/owa/auth.owa" && expect_status "$t" 403 &&
  expect_body "$t" "HTTP Error 403\.4" && no_header "$t" "^x-sslvdir-" && ok "$t"
t="no X-Sslvdir-* headers by default from the Autodiscover service either"
req "$t" -X POST -d 'x' "http://mail.contoso.com:$H/autodiscover/autodiscover.xml" && expect_status "$t" 403 &&
  no_header "$t" "^x-sslvdir-" && ok "$t"
t="without the headers the decision is still in the log"
if grep -q '"POST /owa/auth.owa HTTP/1.1" sslvdir=403.4 reason=ssl-required vdir="Default Web Site/owa"$' "$work/redirect.log"; then
  ok "$t"; else echo "FAIL $t"; grep 'sslvdir=' "$work/redirect.log" | head -5 | sed 's/^/    /'; fails=$((fails + 1)); fi
t="SSLVDIR_REDIRECT=1: EWS still gets 403.4"
req "$t" "http://mail.contoso.com:$H/EWS/Exchange.asmx" && expect_status "$t" 403 && ok "$t"
t="a bad SSLVDIR_REDIRECT stops HAProxy"
sed -e "s|setenv SSLVDIR_REDIRECT 1|setenv SSLVDIR_REDIRECT maybe|" "$work/redirect.cfg" > "$work/bad-redirect.cfg"
if "$HAPROXY" -c -f "$work/bad-redirect.cfg" > "$work/bad-redirect.log" 2>&1; then
  echo "FAIL $t: haproxy -c accepted it"; fails=$((fails + 1))
elif grep -q "SSLVDIR_REDIRECT must be 1 or 0" "$work/bad-redirect.log"; then ok "$t"
else echo "FAIL $t: no message"; cat "$work/bad-redirect.log"; fails=$((fails + 1)); fi
t="Exchange SE's Extended Protection refuses an offload preset at startup"
sed -e "s|setenv SSLVDIR_PRESET exchange2016|setenv SSLVDIR_PRESET exchangese-offload|" "$work/redirect.cfg" > "$work/ep.cfg"
if "$HAPROXY" -c -f "$work/ep.cfg" > "$work/ep.log" 2>&1; then
  echo "FAIL $t: haproxy -c accepted it"; fails=$((fails + 1))
elif grep -q "exchangese-offload: Extended Protection is on (Setup turns it on).*; add setenv SSLVDIR_EXTENDED_PROTECTION off, or bridge" "$work/ep.log"; then ok "$t"
else echo "FAIL $t: no message"; cat "$work/ep.log"; fails=$((fails + 1)); fi
sed -e "s|setenv SSLVDIR_REDIRECT 1|setenv SSLVDIR_EXTENDED_PROTECTION off|" "$work/ep.cfg" > "$work/ep-off.cfg"
t="... and starts with SSLVDIR_EXTENDED_PROTECTION=off"
if "$HAPROXY" -c -q -f "$work/ep-off.cfg"; then ok "$t"; else echo "FAIL $t"; "$HAPROXY" -c -f "$work/ep-off.cfg"; fails=$((fails + 1)); fi

# Nothing is guessed: a preset without SSLVDIR_HOSTS (which once served a
# demo namespace, and redirected http://mail.fabrikam.com/owa/ to
# https://mail.contoso.com/owa/) or without SSLVDIR_AD_DOMAINS, or no
# policy at all, stops HAProxy with a message that says what to set; an
# SSLVDIR_* variable the plugin does not know is named with what it meant.
refuses() { # refuses NAME CFG PATTERN...
  t=$1 cfg=$2; shift 2
  rc=0
  "$HAPROXY" -c -f "$cfg" > "$cfg.log" 2>&1 || rc=$?
  if [ "$rc" -eq 0 ]; then echo "FAIL $t: haproxy -c accepted it"; fails=$((fails + 1)); return; fi
  for pat in "$@"; do
    if ! grep -q -- "$pat" "$cfg.log"; then
      echo "FAIL $t: no '$pat' (exit $rc)"; sed 's/^/    /' "$cfg.log"; fails=$((fails + 1)); return
    fi
  done
  ok "$t (exit $rc)"
}
sed -e "/setenv SSLVDIR_HOSTS/d" "$work/redirect.cfg" > "$work/nohosts.cfg"
refuses "SSLVDIR_PRESET without SSLVDIR_HOSTS stops HAProxy" "$work/nohosts.cfg" \
  "cannot load the policy: SSLVDIR_PRESET needs SSLVDIR_HOSTS: the host names clients use" \
  "(SSLVDIR_E_INCONSISTENT)"
sed -e "s/setenv SSLVDIR_HOSTS /setenv SSLVDIR_HOST /" "$work/redirect.cfg" > "$work/host.cfg"
refuses "a misspelt SSLVDIR_HOST stops HAProxy and is named" "$work/host.cfg" \
  "SSLVDIR_PRESET needs SSLVDIR_HOSTS" "; set but unknown: .*SSLVDIR_HOST (did you mean SSLVDIR_HOSTS?)"
sed -e "/setenv SSLVDIR_AD_DOMAINS/d" "$work/redirect.cfg" > "$work/noad.cfg"
refuses "SSLVDIR_PRESET without SSLVDIR_AD_DOMAINS stops HAProxy" "$work/noad.cfg" \
  "SSLVDIR_PRESET needs SSLVDIR_AD_DOMAINS"
sed -e "/setenv SSLVDIR_PRESET/d" -e "/setenv SSLVDIR_HOSTS/d" -e "/setenv SSLVDIR_AD_DOMAINS/d" \
    -e "/setenv SSLVDIR_REDIRECT/d" "$work/redirect.cfg" > "$work/nopolicy.cfg"
refuses "no SSLVDIR_POLICY, SSLVDIR_PRESET or SSLVDIR_IISCONFIG stops HAProxy" "$work/nopolicy.cfg" \
  "no policy: give SSLVDIR_POLICY (a policy file), SSLVDIR_PRESET (a built-in preset, with SSLVDIR_HOSTS and SSLVDIR_AD_DOMAINS) or SSLVDIR_IISCONFIG"
t="an unknown SSLVDIR_* variable is warned about, and HAProxy starts"
sed -e "s|setenv SSLVDIR_REDIRECT 1|setenv SSLVDIR_REDIRECT 1\n    setenv SSLVDIR_REDIRCT 1|" "$work/redirect.cfg" > "$work/typo.cfg"
if "$HAPROXY" -c -f "$work/typo.cfg" > "$work/typo.log" 2>&1 &&
   grep -q "sslvdir: unknown variables, not applied: .*SSLVDIR_REDIRCT (did you mean SSLVDIR_REDIRECT?)" "$work/typo.log"; then
  ok "$t"; else echo "FAIL $t"; sed 's/^/    /' "$work/typo.log"; fails=$((fails + 1)); fi

t="the example configuration parses and loads the plugin"
sed -e "s|/usr/local/lib/lua/5.3/?.so|$work/lua/?.so|" \
    -e "s|/usr/local/share/libsslvdir/haproxy/sslvdir.lua|$top_srcdir/bindings/haproxy/sslvdir.lua|" \
    -e "s|/etc/haproxy/mail.contoso.com.pem|$work/haproxy.pem|" \
    -e "s|/etc/haproxy/client-ca.pem|$certs/ca.pem|" -e "s|/etc/haproxy/exchange-ca.pem|$certs/ca.pem|" \
    -e "s|/etc/haproxy/client-ca-crl.pem|$certs/crl.pem|" \
    -e "s|log /dev/log local0|log stderr local0|" -e "s|bind :80|bind 127.0.0.1:$H|" -e "s|bind :443|bind 127.0.0.1:$S|" \
    "$top_srcdir/bindings/haproxy/exchange2016.cfg" > "$work/example.cfg"
if "$HAPROXY" -c -q -f "$work/example.cfg"; then ok "$t"; else echo "FAIL $t"; "$HAPROXY" -c -f "$work/example.cfg"; fails=$((fails + 1)); fi
# The example run, with the test policy (ActiveSync asks for a client
# certificate) and the test backend: it must know a revoked certificate.
kill "$redirect_pid" 2>/dev/null || true
wait "$redirect_pid" 2>/dev/null || true
sed -e "s|^    setenv SSLVDIR_PRESET .*|    setenv SSLVDIR_POLICY $work/policy.xml|" \
    -e "/setenv SSLVDIR_HOSTS/d" -e "/setenv SSLVDIR_AD_DOMAINS/d" -e "/setenv SSLVDIR_REDIRECT/d" \
    -e "s|10.0.0.10:80 check|127.0.0.1:$BH|" -e "s|10.0.0.10:443 ssl|127.0.0.1:$BS ssl|" -e "s| check check-sni mail.contoso.com||" \
    "$work/example.cfg" > "$work/example-run.cfg"
"$HAPROXY" -db -f "$work/example-run.cfg" > "$work/example.log" 2>&1 &
pids="$pids $!"
wait_up "http://127.0.0.1:$H/" "$work/example.log"
t="the example configuration answers a revoked client certificate with 403.13"
req "$t" --http1.1 -X POST -d x --cert "$certs/revoked.pem" --key "$certs/revoked.key" "$eas" &&
  expect_status "$t" 403 && expect_body "$t" "HTTP Error 403\.13" && no_header "$t" "^x-backend-saw" && ok "$t"
t="... lets a trusted one through"
req "$t" --http1.1 -X POST -d x --cert "$certs/client.pem" --key "$certs/client.key" "$eas" &&
  expect_status "$t" 200 && ok "$t"
t="... and logs the decision"
if grep -q 'sslvdir=403.13 reason=' "$work/example.log"; then ok "$t"; else
  echo "FAIL $t"; grep 'sslvdir=' "$work/example.log" | head -3 | sed 's/^/    /'; fails=$((fails + 1)); fi

# The install path every document names for the plugin is make install's,
# $(datadir)/PACKAGE/haproxy (Makefile.am's haproxydir), with prefix /usr/local.
package=$(sed -n 's/^AC_INIT(\[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
t="every document loads the plugin from /usr/local/share/$package/haproxy"
bad=$(grep -n "lua-load[-a-z]* .*sslvdir\.lua" "$top_srcdir/README.md" "$top_srcdir/doc/haproxy.md" \
        "$top_srcdir/bindings/haproxy/sslvdir.lua" "$top_srcdir/bindings/haproxy/exchange2016.cfg" |
      grep -v "lua-load[-a-z]* /usr/local/share/$package/haproxy/sslvdir\.lua\$" || true)
if [ -n "$package" ] && [ -z "$bad" ]; then ok "$t"; else echo "FAIL $t:"; echo "$bad" | sed 's/^/    /'; fails=$((fails + 1)); fi

# Every HAProxy configuration the documentation shows (fenced blocks marked
# "haproxy" in README.md and doc/haproxy.md), with its paths pointed at the
# build: HAProxy's default mode is tcp, where http-request rules are only
# warned about and never run, so a warning that rules are ignored fails.
# Fragments (rules without a section) go into an http frontend; a snippet
# with a frontend gets only the backends it names, and a request.
# The fast path's files (doc/haproxy.md, "Fast path") for the fragments'
# policy.
mkdir "$work/maps"
"$top_builddir/tools/sslvdir" haproxy-maps --preset exchange2016-offload --host mail.contoso.com \
  --ad-domain contoso.com "$work/maps"
snip_port=$("$PY" -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
n=0
for doc in README.md doc/haproxy.md; do
  awk -v out="$work/snippet" -v doc="$doc" '
    /^```haproxy[ \t]*$/ { n++; d = doc; gsub("/", "_", d); f = out "-" d "-" n; inside = 1; next }
    /^```/ { inside = 0; next }
    inside { print > f }' "$top_srcdir/$doc"
done
for raw in "$work"/snippet-*; do
  [ -f "$raw" ] || continue
  n=$((n + 1))
  snip=$(basename "$raw" | sed 's/^snippet-//; s/_/\//')
  cfg="$raw.cfg"
  sed -e "s|/usr/local/lib/lua/5.3/?.so|$work/lua/?.so|" \
      -e "s|/usr/local/share/libsslvdir/haproxy/sslvdir.lua|$top_srcdir/bindings/haproxy/sslvdir.lua|" \
      -e "s|/etc/haproxy/mail.contoso.com.pem|$work/haproxy.pem|" \
      -e "s|bind :443 ssl|bind 127.0.0.1:$snip_port ssl|" "$raw" > "$cfg"
  complete=no
  if grep -q '^frontend' "$cfg"; then
    complete=yes
  else
    # a fragment: the plugin loaded (unless the snippet is the global
    # section), the rules in an http frontend
    if grep -q '^global' "$cfg"; then cp "$cfg" "$cfg.in"; rules=/dev/null; else
      { printf 'global\n    log stderr format raw local0\n    setenv SSLVDIR_PRESET exchange2016-offload\n    setenv SSLVDIR_HOSTS mail.contoso.com\n    setenv SSLVDIR_AD_DOMAINS contoso.com\n'
        printf '    setenv SSLVDIR_MAPS %s\n' "$work/maps"
        printf '    lua-prepend-path %s cpath\n    lua-load-per-thread %s\n' "$work/lua/?.so" "$top_srcdir/bindings/haproxy/sslvdir.lua"
      } > "$cfg.in"; rules=$raw; fi
    { cat "$cfg.in"
      printf 'defaults\n    mode http\n    log global\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n'
      printf 'frontend f\n    bind 127.0.0.1:%s\n' "$snip_port"
      sed 's/^ */    /' "$rules"
      # the plugin's decision after the fragment's own rules, unless they
      # make it: the request below shows it ran
      grep -q '^ *http-request lua\.sslvdir *$' "$rules" ||
        printf '    http-request lua.sslvdir\n    http-request deny deny_status 500 if !{ var(txn.sslvdir_upstream) -m found }\n'
      printf '    default_backend exchange_offload\n'
    } > "$cfg"
  fi
  for b in $(sed -n 's/.*\(use_backend\|default_backend\) \([A-Za-z0-9_]*\).*/\2/p' "$cfg" | sort -u); do
    grep -q "^backend $b\$" "$cfg" ||
      printf 'backend %s\n    mode http\n    timeout connect 5s\n    timeout server 30s\n    server s 127.0.0.1:%s\n' "$b" "$BH" >> "$cfg"
  done
  t="$snip, snippet $n: haproxy -c accepts it and runs its rules"
  if ! "$HAPROXY" -c -f "$cfg" > "$cfg.log" 2>&1; then
    echo "FAIL $t: haproxy -c refuses it"; sed 's/^/    /' "$cfg.log"; fails=$((fails + 1)); continue
  fi
  if grep -Eiq "ignored|will be ignored|not.*http mode" "$cfg.log"; then
    echo "FAIL $t: HAProxy ignores some of its rules"; sed 's/^/    /' "$cfg.log"; fails=$((fails + 1)); continue
  fi
  ok "$t"
  if [ "$complete" = no ]; then
    # one request: an alternate data stream (::$DATA) gets the plugin's 400
    # (HAProxy alone would pass it on, or answer the 500 of the rule above)
    "$HAPROXY" -db -f "$cfg" > "$cfg.run" 2>&1 &
    snip_pid=$!
    pids="$pids $snip_pid"
    i=0
    until "$CURL" -s -o /dev/null "http://127.0.0.1:$snip_port/" 2>/dev/null || [ "$i" -gt 100 ]; do
      i=$((i + 1)); sleep 0.1; done
    t="$snip, snippet $n: the plugin refuses an alternate data stream (::\$DATA) with 400"
    req "$t" --resolve "mail.contoso.com:$snip_port:127.0.0.1" --path-as-is \
      "http://mail.contoso.com:$snip_port/owa/auth/logon.aspx::\$DATA" &&
      expect_status "$t" 400 && no_header "$t" "^x-backend-saw" && ok "$t"
    kill "$snip_pid" 2>/dev/null || true
    wait "$snip_pid" 2>/dev/null || true
    continue
  fi
  "$HAPROXY" -db -f "$cfg" > "$cfg.run" 2>&1 &
  snip_pid=$!
  pids="$pids $snip_pid"
  i=0
  until "$CURL" -sk -o /dev/null "https://127.0.0.1:$snip_port/" 2>/dev/null || [ "$i" -gt 100 ]; do
    i=$((i + 1)); sleep 0.1; done
  t="$snip, snippet $n: an alternate data stream (::\$DATA) does not reach the backend"
  req "$t" --resolve "mail.contoso.com:$snip_port:127.0.0.1" --path-as-is \
    "https://mail.contoso.com:$snip_port/owa/auth/logon.aspx::\$DATA" &&
    no_header "$t" "^x-backend-saw" && ok "$t"
  t="$snip, snippet $n: a client's X-Forwarded-Proto is replaced"
  req "$t" --resolve "mail.contoso.com:$snip_port:127.0.0.1" -H "X-Forwarded-Proto: http" \
    "https://mail.contoso.com:$snip_port/ecp/" && expect_status "$t" 200 &&
    expect_header "$t" '^x-backend-saw: .*"x_forwarded_proto":\["https"\]' && ok "$t"
  kill "$snip_pid" 2>/dev/null || true
  wait "$snip_pid" 2>/dev/null || true
done
if [ "$n" -lt 4 ]; then
  echo "FAIL: only $n haproxy snippets found in README.md and doc/haproxy.md"; fails=$((fails + 1))
fi

t="a policy that cannot be loaded stops HAProxy"
sed -e "s|setenv SSLVDIR_POLICY .*|setenv SSLVDIR_POLICY $work/missing.xml|" "$work/haproxy.cfg" > "$work/bad.cfg"
if "$HAPROXY" -c -f "$work/bad.cfg" > "$work/bad.log" 2>&1; then
  echo "FAIL $t: haproxy -c accepted it"; fails=$((fails + 1))
elif grep -q "cannot load the policy" "$work/bad.log"; then ok "$t"
else echo "FAIL $t: no message"; cat "$work/bad.log"; fails=$((fails + 1)); fi

echo "$pass passed, $fails failed"
[ "$fails" = 0 ]
